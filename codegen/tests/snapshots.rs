//! Snapshot tests: the generated source of fixture specs, byte for byte.
//!
//! The four product specs are checked against `generated/` by `xtask`'s tests; the
//! fixtures here cover names, shapes and protocol details the product specs do not. After an intended
//! change, rewrite the snapshots with `METERAGE_BLESS=1 cargo test -p meterage-codegen`.

use std::path::Path;

fn verify(fixture: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let spec_path = format!("tests/fixtures/{fixture}.yaml");
    let text = std::fs::read_to_string(dir.join(format!("fixtures/{fixture}.yaml")))
        .expect("fixture exists");
    let source = meterage_codegen::generate(&meterage_codegen::SpecSource {
        path: &spec_path,
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let snapshot = dir.join(format!("snapshots/{}.rs", fixture.replace('-', "_")));
    if std::env::var_os("METERAGE_BLESS").is_some() {
        std::fs::write(&snapshot, &source).expect("snapshot written");
        return;
    }
    let current = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        current == source,
        "{} differs from the generator's output; if the change is intended, run `METERAGE_BLESS=1 cargo test -p meterage-codegen`",
        snapshot.display()
    );
}

#[test]
fn aws() {
    verify("aws");
}

#[test]
fn corpus_forms() {
    verify("corpus-forms");
}

#[test]
fn edge_names() {
    verify("edge-names");
}

#[test]
fn login() {
    verify("login");
}

#[test]
fn media() {
    verify("media");
}

#[test]
fn oauth2() {
    verify("oauth2");
}

#[test]
fn paging() {
    verify("paging");
}

#[test]
fn oas31() {
    verify("oas31");
}

#[test]
fn output_is_deterministic() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edge-names.yaml"),
    )
    .expect("fixture exists");
    let spec = meterage_codegen::SpecSource {
        path: "edge-names.yaml",
        text: &text,
    };
    let first = meterage_codegen::generate(&spec).expect("valid");
    for _ in 0..5 {
        assert_eq!(meterage_codegen::generate(&spec).expect("valid"), first);
    }
}

#[test]
fn every_thread_count_writes_the_same_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let specs = [
        "../specs/aliyun-bss.yaml",
        "../specs/aws-cost-explorer.yaml",
        "../specs/azure-consumption.yaml",
        "../specs/huawei-gsl.yaml",
        "../specs/kaopuyun.yaml",
        "../specs/nce-campus.yaml",
        "../specs/plcloud.yaml",
        "tests/fixtures/edge-names.yaml",
        "tests/fixtures/login.yaml",
        "tests/fixtures/media.yaml",
        "tests/fixtures/oauth2.yaml",
        "tests/fixtures/aws.yaml",
    ];
    let settings = meterage_codegen::Settings {
        module_path: Some("meterage_clients::api".into()),
        ..Default::default()
    };
    for path in specs {
        let text = std::fs::read_to_string(root.join(path)).expect("spec exists");
        let api = meterage_codegen::lower_spec(&meterage_codegen::SpecSource { path, text: &text })
            .unwrap_or_else(|d| panic!("{d}"));
        let workers = |threads, batch| meterage_codegen::format::Workers { threads, batch };
        let one = meterage_codegen::emit_and_format_with(&api, &settings, workers(1, usize::MAX))
            .unwrap_or_else(|d| panic!("{d}"));
        assert!(one.contains("pub struct Client"), "{path}");
        for (threads, batch) in [(2, 1), (3, 5)] {
            let many =
                meterage_codegen::emit_and_format_with(&api, &settings, workers(threads, batch))
                    .unwrap_or_else(|d| panic!("{d}"));
            assert!(
                many == one,
                "{path}: {threads} threads in batches of {batch} wrote another module"
            );
        }
    }
}
