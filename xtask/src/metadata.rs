//! What cargo says about the workspace: the JSON of `cargo metadata --format-version 1`,
//! read with serde. This is the only way xtask reads cargo's formats (manifests,
//! `Cargo.lock`, the registry): cargo reads them, xtask reads cargo's answer.

use std::path::Path;
use std::process::Output;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The part of `cargo metadata`'s output xtask reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    /// Every package: the workspace's members and, unless `--no-deps`, every package of
    /// the resolve.
    pub packages: Vec<Package>,
    /// The ids of the workspace's members.
    pub workspace_members: Vec<String>,
}

/// One package of [`Metadata`].
#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// Cargo's id of the package (what `workspace_members` lists).
    pub id: String,
    /// Where it comes from (`registry+…`, `sparse+…`, `git+…`); `None` for a path package.
    pub source: Option<String>,
    /// Its `rust-version`, if it declares one.
    pub rust_version: Option<String>,
    /// Its edition (`2015` when the manifest names none).
    pub edition: String,
}

impl Package {
    /// Whether the package comes from a registry (crates.io or another), not from a path
    /// or git.
    pub fn from_registry(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
    }
}

impl Metadata {
    /// Reads `cargo metadata --format-version 1` output.
    pub fn parse(json: &str) -> Result<Self> {
        serde_json::from_str(json).context("reading the output of `cargo metadata`")
    }

    /// The workspace at `root` and its members only (`--no-deps`: nothing resolved, no
    /// network).
    pub fn workspace(root: &Path) -> Result<Self> {
        let output = metadata(root, &["--no-deps"])?;
        if !output.status.success() {
            bail!("`cargo metadata --no-deps` failed: {}", stderr(&output));
        }
        Self::parse(&String::from_utf8_lossy(&output.stdout))
    }

    /// The workspace at `root` with every package of its `Cargo.lock` (`--locked
    /// --all-features`, every platform's).
    ///
    /// Cargo reads each package's manifest, so each must be downloaded: the first try
    /// is `--offline`, which needs no network once every locked package is (`cargo
    /// fetch` downloads them all; a build downloads only the host's). When that fails,
    /// cargo runs again online, downloading the missing ones.
    pub fn locked(root: &Path) -> Result<Self> {
        let args = ["--locked", "--all-features"];
        let offline = metadata(root, &[&args[..], &["--offline"]].concat())?;
        if offline.status.success() {
            return Self::parse(&String::from_utf8_lossy(&offline.stdout));
        }
        eprintln!(
            "`cargo metadata --offline` failed ({}); trying again online",
            first_error(&offline)
        );
        let online = metadata(root, &args)?;
        if !online.status.success() {
            bail!(
                "`cargo metadata --locked` failed offline ({}) and online: {}",
                first_error(&offline),
                stderr(&online)
            );
        }
        // What cargo downloaded, for the record.
        eprint!("{}", String::from_utf8_lossy(&online.stderr));
        Self::parse(&String::from_utf8_lossy(&online.stdout))
    }

    /// The workspace's members.
    pub fn members(&self) -> impl Iterator<Item = &Package> {
        self.packages
            .iter()
            .filter(|p| self.workspace_members.contains(&p.id))
    }
}

/// Runs `cargo metadata --format-version 1 ARGS` on the workspace at `root`.
fn metadata(root: &Path, args: &[&str]) -> Result<Output> {
    crate::cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args(args)
        .output()
        .context("running `cargo metadata`")
}

/// Cargo's stderr, less the `error: ` it starts with (the caller says it is an error).
fn stderr(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let text = text.trim();
    text.strip_prefix("error: ").unwrap_or(text).to_owned()
}

/// The first line of cargo's stderr (`failed to download `bumpalo v3.20.4``), less its
/// `error: `.
fn first_error(output: &Output) -> String {
    stderr(output)
        .lines()
        .next()
        .unwrap_or("no message")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two members and three locked packages, as cargo prints them (less the fields
    /// xtask does not read).
    const SAMPLE: &str = r#"{
  "packages": [
    {"name": "app", "version": "0.3.0", "id": "path+file:///w/app#0.3.0",
     "source": null, "rust_version": "1.85", "edition": "2021", "license": "MIT"},
    {"name": "lib", "version": "0.3.0", "id": "path+file:///w/lib#0.3.0",
     "source": null, "rust_version": "1.85", "edition": "2021"},
    {"name": "fresh", "version": "1.0.0",
     "id": "registry+https://github.com/rust-lang/crates.io-index#fresh@1.0.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index",
     "rust_version": "1.70.0", "edition": "2021"},
    {"name": "newer", "version": "2.1.0", "id": "sparse+https://index.example/#newer@2.1.0",
     "source": "sparse+https://index.example/", "rust_version": "1.91.1", "edition": "2024"},
    {"name": "edition-only", "version": "0.5.0",
     "id": "registry+https://github.com/rust-lang/crates.io-index#edition-only@0.5.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index",
     "rust_version": null, "edition": "2024"},
    {"name": "vendored", "version": "0.1.0", "id": "git+https://example.com/v#0.1.0",
     "source": "git+https://example.com/v", "rust_version": "9.0", "edition": "2015"}
  ],
  "workspace_members": ["path+file:///w/app#0.3.0", "path+file:///w/lib#0.3.0"],
  "resolve": null,
  "version": 1
}"#;

    #[test]
    fn members_and_registry_packages() {
        let metadata = Metadata::parse(SAMPLE).expect("metadata");
        let members: Vec<&str> = metadata.members().map(|p| p.name.as_str()).collect();
        assert_eq!(members, ["app", "lib"]);
        let registry: Vec<&str> = metadata
            .packages
            .iter()
            .filter(|p| p.from_registry())
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(registry, ["fresh", "newer", "edition-only"]);
        let error = Metadata::parse("{\"packages\": []}").expect_err("no members");
        assert!(
            format!("{error:#}").contains("missing field `workspace_members`"),
            "{error:#}"
        );
    }

    #[test]
    fn the_workspace_as_cargo_sees_it() {
        let metadata = Metadata::workspace(&crate::workspace_root()).expect("cargo metadata");
        let members: Vec<&str> = metadata.members().map(|p| p.name.as_str()).collect();
        assert!(members.contains(&"xtask"), "{members:?}");
        assert!(members.contains(&"meterage-runtime"), "{members:?}");
        assert_eq!(metadata.packages.len(), members.len(), "--no-deps");
    }
}
