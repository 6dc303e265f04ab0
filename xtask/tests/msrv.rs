//! `rust-version` covers every locked dependency (`cargo xtask msrv` as part of
//! `cargo test`): a dependency update that needs a newer Rust fails here, naming the
//! crate, until `rust-version` says so.

#[test]
fn rust_version_covers_the_lockfile() {
    let outcome = xtask::msrv::check(&xtask::workspace_root()).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(outcome.packages > 0, "Cargo.lock lists registry packages");
    assert!(outcome.ok(), "{}", xtask::msrv::render(&outcome));
}
