//! `generated/` is fresh: each checked-in module is byte for byte what its spec
//! produces (one test per spec, so a failure names the stale file), and so are the
//! crate's manifest and root. This is `cargo xtask check` as part of `cargo test`. Each
//! spec also generates without a single warning.

use std::path::Path;

fn verify(spec_stem: &str) {
    let root = xtask::workspace_root();
    if let Err(e) = xtask::check_module(&root, spec_stem) {
        panic!("{e:#}");
    }
    // Our own specs use nothing the generator has to skip or approximate.
    let generated = xtask::generate_module_full(&root, &format!("specs/{spec_stem}.yaml"))
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        generated.warnings.is_empty(),
        "specs/{spec_stem}.yaml must generate without warnings:\n{}",
        generated.warnings
    );
}

#[test]
fn nce_campus() {
    verify("nce-campus");
}

#[test]
fn huawei_gsl() {
    verify("huawei-gsl");
}

#[test]
fn kaopuyun() {
    verify("kaopuyun");
}

#[test]
fn plcloud() {
    verify("plcloud");
}

#[test]
fn aliyun_bss() {
    verify("aliyun-bss");
}

#[test]
fn aws_cost_explorer() {
    verify("aws-cost-explorer");
}

#[test]
fn azure_consumption() {
    verify("azure-consumption");
}

#[test]
fn whole_generated_tree() {
    let stale = xtask::check(&xtask::workspace_root()).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        stale.is_empty(),
        "{}\nrun `cargo xtask generate` and commit the result",
        stale.join("\n")
    );
}

#[test]
fn every_spec_has_a_test_above() {
    let specs = xtask::specs(&xtask::workspace_root()).unwrap_or_else(|e| panic!("{e:#}"));
    let this_file = include_str!("fresh.rs");
    for (module, _) in specs {
        assert!(
            this_file.contains(&format!("fn {module}()")),
            "add `#[test] fn {module}()` to xtask/tests/fresh.rs"
        );
    }
}

#[test]
fn check_names_a_stale_file() {
    // A copy of the workspace's specs and generated tree with one module edited.
    let root = xtask::workspace_root();
    let tmp = std::env::temp_dir().join(format!("meterage-stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    copy_dir(&root.join("specs"), &tmp.join("specs"));
    copy_dir(&root.join("generated/src"), &tmp.join("generated/src"));
    for file in ["generated/Cargo.toml", "generated/README.md", "README.md"] {
        std::fs::copy(root.join(file), tmp.join(file)).expect("copy");
    }
    assert_eq!(
        xtask::check(&tmp).expect("check runs"),
        Vec::<String>::new()
    );

    let module = tmp.join("generated/src/plcloud.rs");
    let edited = std::fs::read_to_string(&module).expect("read") + "\n// a hand edit\n";
    std::fs::write(&module, edited).expect("write");
    std::fs::write(tmp.join("generated/src/orphan.rs"), "").expect("write");
    let stale = xtask::check(&tmp).expect("check runs");
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(
        stale[0].starts_with("generated/src/plcloud.rs is stale"),
        "{stale:?}"
    );
    assert_eq!(stale[1], "generated/src/orphan.rs comes from no spec");

    let changed = xtask::generate(&tmp).expect("generate runs");
    assert_eq!(
        changed,
        vec![
            "generated/src/plcloud.rs".to_owned(),
            "generated/src/orphan.rs".to_owned()
        ]
    );
    assert!(xtask::check(&tmp).expect("check runs").is_empty());

    // The crate's README follows the workspace README.
    let readme = std::fs::read_to_string(tmp.join("README.md")).expect("read");
    let edited = readme.replacen("## Quickstart\n", "## Quickstart\n\nA new sentence.\n", 1);
    assert_ne!(readme, edited, "the README has a Quickstart section");
    std::fs::write(tmp.join("README.md"), edited).expect("write");
    let stale = xtask::check(&tmp).expect("check runs");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].starts_with("generated/README.md is stale"),
        "{stale:?}"
    );
    assert_eq!(
        xtask::generate(&tmp).expect("generate runs"),
        vec!["generated/README.md".to_owned()]
    );
    let crate_readme = std::fs::read_to_string(tmp.join("generated/README.md")).expect("read");
    assert!(crate_readme.contains("## Quickstart\n\nA new sentence.\n"));
    let _ = std::fs::remove_dir_all(&tmp);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}
