//! `cargo xtask package`: the publishable crates and a standalone client crate go
//! through `cargo package`, each verified by building the packaged sources on their own.
//!
//! - `meterage-runtime` and `meterage-clients` are packaged together (`cargo package -p
//!   meterage-runtime -p meterage-clients`): cargo verifies `meterage-clients` against
//!   the runtime packaged beside it, which is not on crates.io;
//! - a standalone crate written by `cargo xtask generate --spec` (from
//!   `specs/plcloud.yaml`) is packaged with `meterage-runtime` patched to the workspace's
//!   runtime, since it too depends on a runtime crates.io does not have.
//!
//! Both need crates.io (cargo resolves the packaged manifests again) and a clean git
//! tree for the workspace crates: `--allow-dirty` is never passed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::cargo;

/// The crates the workspace publishes, in dependency order.
pub const CRATES: &[&str] = &["meterage-runtime", "meterage-clients"];

/// The spec the packaged standalone crate is generated from, and its name.
const STANDALONE: (&str, &str) = ("specs/plcloud.yaml", "plcloud-client");

/// The `[workspace.package]` fields generated manifests repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspacePackage {
    /// `version`.
    pub version: String,
    /// `rust-version`: the oldest Rust the workspace builds with.
    pub rust_version: String,
}

impl WorkspacePackage {
    /// Reads `[workspace.package]` of `root/Cargo.toml`.
    pub fn read(root: &Path) -> Result<Self> {
        let path = root.join("Cargo.toml");
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// The fields of `[workspace.package]` in a manifest's text.
    ///
    /// # Errors
    ///
    /// The section or one of the fields is missing.
    pub fn parse(manifest: &str) -> std::result::Result<Self, String> {
        let mut section = "";
        let (mut version, mut rust_version) = (None, None);
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line;
                continue;
            }
            if section != "[workspace.package]" {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"').to_owned();
            match key.trim() {
                "version" => version = Some(value),
                "rust-version" => rust_version = Some(value),
                _ => {}
            }
        }
        match (version, rust_version) {
            (Some(version), Some(rust_version)) => Ok(Self {
                version,
                rust_version,
            }),
            _ => Err("`[workspace.package]` needs `version` and `rust-version`".to_owned()),
        }
    }
}

fn run(mut command: Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("running cargo for {what}"))?;
    if !status.success() {
        bail!("`cargo package` failed for {what} ({status})");
    }
    Ok(())
}

/// Packages and verifies the workspace's publishable crates, then a standalone client
/// crate; returns the `.crate` files written.
pub fn package(root: &Path) -> Result<Vec<PathBuf>> {
    let target = root.join("target");
    let mut command = cargo();
    command.current_dir(root).args(["package", "--locked"]);
    for name in CRATES {
        command.args(["--package", name]);
    }
    run(command, &CRATES.join(" and "))?;

    let (spec, name) = STANDALONE;
    let dir = target.join("package-standalone").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    crate::generate_standalone(
        root,
        &crate::Standalone {
            spec: root.join(spec),
            out: dir.clone(),
            name: Some(name.to_owned()),
        },
    )?;
    // The workspace's lock pins every shared dependency; cargo adds the new package.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    let runtime = fs::canonicalize(root.join("runtime")).context("locating the runtime")?;
    let runtime = runtime.to_str().context("the runtime path is not UTF-8")?;
    let mut command = cargo();
    command
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .arg("package")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--config")
        .arg(format!(
            "patch.crates-io.meterage-runtime.path={}",
            meterage_codegen::workspace::toml_string(runtime)
        ));
    run(command, &format!("the standalone crate {name} ({spec})"))?;

    let package = WorkspacePackage::read(root)?;
    let mut written: Vec<PathBuf> = CRATES
        .iter()
        .map(|c| target.join(format!("package/{c}-{}.crate", package.version)))
        .collect();
    written.push(target.join(format!("package/{name}-0.1.0.crate")));
    for file in &written {
        if !file.is_file() {
            bail!("cargo did not write {}", file.display());
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_package_fields() {
        let manifest = "[workspace]\nmembers = [\"a\"]\n\n[workspace.package]\nedition = \"2021\"\nrust-version = \"1.89\"\nversion = \"0.1.0\"\n\n[workspace.dependencies]\nversion = \"9\"\n";
        assert_eq!(
            WorkspacePackage::parse(manifest),
            Ok(WorkspacePackage {
                version: "0.1.0".into(),
                rust_version: "1.89".into()
            })
        );
        let error = WorkspacePackage::parse("[package]\nversion = \"1\"\n")
            .expect_err("no workspace.package");
        assert!(
            error.contains("needs `version` and `rust-version`"),
            "{error}"
        );
    }

    #[test]
    fn config_strings_are_escaped() {
        assert_eq!(
            meterage_codegen::workspace::toml_string("C:\\a \"b\"\n"),
            r#""C:\\a \"b\"\u000A""#
        );
    }
}
