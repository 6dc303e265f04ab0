//! `cargo xtask generate --spec FILE --out DIR [--name CRATE]` writes a crate of its own.
//! (CI also builds one with cargo: see `.ci/run`.)

use std::fs;

#[test]
fn writes_a_crate_depending_on_the_runtime_by_path() {
    let root = xtask::workspace_root();
    let out = std::env::temp_dir().join(format!("meterage-standalone-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    let opts = xtask::Standalone {
        spec: root.join("specs/huawei-gsl.yaml"),
        out: out.clone(),
        name: Some("gsl-client".into()),
    };
    xtask::generate_standalone(&root, &opts).unwrap_or_else(|e| panic!("{e:#}"));

    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("name = \"gsl-client\""), "{manifest}");
    let runtime = fs::canonicalize(root.join("runtime")).expect("runtime dir");
    assert!(
        manifest.contains(&format!(
            "meterage-runtime = {{ path = \"{}\", version = \"0.1.0\" }}",
            runtime.display()
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains("\n[workspace]\n"),
        "a workspace of its own: {manifest}"
    );
    let package = xtask::publish::WorkspacePackage::read(&root).expect("workspace package");
    assert!(
        manifest.contains(&format!("\nrust-version = \"{}\"\n", package.rust_version)),
        "the runtime's Rust: {manifest}"
    );

    let lib = fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs");
    let module = fs::read_to_string(root.join("generated/src/huawei_gsl.rs")).expect("module");
    // The `cli` module is a file of its own, which a build without the feature does not
    // read; `meterage-clients` has it inline.
    const CLI: &str = "#[cfg(feature = \"cli\")]\npub mod cli";
    let inline = module
        .find(&format!("{CLI} {{\n"))
        .expect("the inline cli module");
    let inline_end = inline + module[inline..].find("\n}\n").expect("its end") + 3;
    let module = format!("{}{CLI};\n{}", &module[..inline], &module[inline_end..]);
    let cli = fs::read_to_string(out.join("src/cli.rs")).expect("src/cli.rs");
    assert!(
        cli.contains("\n//! What this API says about itself")
            && cli.contains("pub static API: describe::Api")
            && cli.contains("pub async fn run<S: describe::Sink>("),
        "{cli}"
    );
    // The same module; only the preamble names the spec as it was given, the crate
    // re-exports the runtime (its consumers need no dependency of their own), and the
    // doc examples name the crate instead of `meterage_clients::huawei_gsl`.
    const REEXPORT: &str = "/// The runtime this client sends through: `Error`, `Secret`, `Decimal`, auth schemes.\npub use meterage_runtime as runtime;\n\n";
    assert!(lib.contains(REEXPORT), "the runtime is re-exported");
    let body = |s: &str| {
        s.split_once('\n')
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or_default()
    };
    assert!(
        lib.contains("client: &gsl_client::Client"),
        "examples name the crate"
    );
    assert_eq!(
        body(&lib)
            .replace(
                &root.join("specs/huawei-gsl.yaml").display().to_string(),
                "specs/huawei-gsl.yaml"
            )
            .replace(REEXPORT, "")
            .replace("gsl_client::runtime::", "meterage_clients::runtime::")
            .replace("gsl_client::", "meterage_clients::huawei_gsl::"),
        body(&module)
    );
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn refuses_a_bad_crate_name_and_a_bad_spec() {
    let root = xtask::workspace_root();
    let out = std::env::temp_dir().join(format!("meterage-standalone-bad-{}", std::process::id()));
    let opts = xtask::Standalone {
        spec: root.join("specs/plcloud.yaml"),
        out: out.clone(),
        name: Some("no spaces".into()),
    };
    let err = xtask::generate_standalone(&root, &opts).expect_err("bad name");
    assert!(
        err.to_string().contains("a crate name is ASCII letters"),
        "{err:#}"
    );

    let bad = std::env::temp_dir().join(format!("meterage-bad-spec-{}.yaml", std::process::id()));
    fs::write(
        &bad,
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
    )
    .expect("write");
    let opts = xtask::Standalone {
        spec: bad.clone(),
        out: out.clone(),
        name: None,
    };
    let err = xtask::generate_standalone(&root, &opts).expect_err("Swagger 2.0");
    assert!(format!("{err:#}").contains("Swagger 2.0"), "{err:#}");
    assert!(!out.exists(), "nothing is written for a bad spec");
    let _ = fs::remove_file(&bad);
}
