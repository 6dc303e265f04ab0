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
use crate::metadata::Metadata;

/// The crates the workspace publishes, in dependency order.
pub const CRATES: &[&str] = &["meterage-runtime", "meterage-clients"];

/// The spec the packaged standalone crate is generated from, and its name.
const STANDALONE: (&str, &str) = ("specs/plcloud.yaml", "plcloud-client");

/// The `[workspace.package]` fields generated manifests repeat, as the workspace's
/// members (which all inherit them) have them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspacePackage {
    /// `version`.
    pub version: String,
    /// `rust-version`: the oldest Rust the workspace builds with.
    pub rust_version: String,
}

impl WorkspacePackage {
    /// Asks cargo (`cargo metadata --no-deps`) for the workspace at `root`.
    pub fn read(root: &Path) -> Result<Self> {
        Self::of(&Metadata::workspace(root)?)
            .with_context(|| format!("{}", root.join("Cargo.toml").display()))
    }

    /// The `version` and `rust-version` every member of `metadata` has.
    ///
    /// # Errors
    ///
    /// A member declares no `rust-version`, or two members disagree.
    pub fn of(metadata: &Metadata) -> Result<Self> {
        let mut found: Option<(Self, &str)> = None;
        for member in metadata.members() {
            let Some(rust_version) = member.rust_version.clone() else {
                bail!(
                    "{} declares no rust-version: each member takes `[workspace.package]`'s (`rust-version.workspace = true`)",
                    member.name
                );
            };
            let this = Self {
                version: member.version.clone(),
                rust_version,
            };
            match &found {
                None => found = Some((this, &member.name)),
                Some((first, name)) if *first != this => bail!(
                    "the members disagree: {name} is version {} with rust-version {}, {} is version {} with rust-version {}; each takes `[workspace.package]`'s",
                    first.version,
                    first.rust_version,
                    member.name,
                    this.version,
                    this.rust_version
                ),
                Some(_) => {}
            }
        }
        found
            .map(|(package, _)| package)
            .context("cargo metadata lists no workspace member")
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

/// The directory cargo keeps its registries in: `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cargo"))
}

/// Removes the copies of the workspace's own crates that an earlier `cargo package`
/// unpacked from its local overlay registry (`registry/src/-<hash>/<crate>-<version>`).
/// Cargo reuses an unpacked copy it finds there, by name and version alone, so without
/// this `meterage-clients` would be verified against the runtime packaged by an earlier
/// run (of another commit, in the same folder) instead of the one packaged beside it.
/// Registries of crates.io (named after their host) are left alone.
fn forget_unpacked_copies(cargo_home: &Path, version: &str) -> Result<()> {
    let sources = cargo_home.join("registry").join("src");
    let Ok(registries) = fs::read_dir(&sources) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for name in CRATES {
            let copy = registry.path().join(format!("{name}-{version}"));
            if copy.exists() {
                fs::remove_dir_all(&copy)
                    .with_context(|| format!("removing the stale copy {}", copy.display()))?;
            }
        }
    }
    Ok(())
}

/// Packages and verifies the workspace's publishable crates, then a standalone client
/// crate; returns the `.crate` files written.
pub fn package(root: &Path) -> Result<Vec<PathBuf>> {
    let target = root.join("target");
    let version = WorkspacePackage::read(root)?.version;
    forget_unpacked_copies(&cargo_home()?, &version)?;
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

    let mut written: Vec<PathBuf> = CRATES
        .iter()
        .map(|c| target.join(format!("package/{c}-{version}.crate")))
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
    #[allow(clippy::unwrap_used)]
    fn stale_unpacked_copies_of_our_crates_are_forgotten_and_nothing_else() {
        let home = std::env::temp_dir().join(format!("meterage-cargo-home-{}", std::process::id()));
        let overlay = home.join("registry/src/-2f185e7924843a1b");
        let crates_io = home.join("registry/src/index.crates.io-1949cf8c6b5b557f");
        let made = [
            overlay.join("meterage-runtime-0.1.0/src"),
            overlay.join("meterage-clients-0.1.0/src"),
            overlay.join("meterage-runtime-0.0.9/src"),
            crates_io.join("meterage-runtime-0.1.0/src"),
            crates_io.join("serde-1.0.0/src"),
        ];
        for dir in &made {
            fs::create_dir_all(dir).unwrap();
        }
        forget_unpacked_copies(&home, "0.1.0").unwrap();
        let exists: Vec<bool> = made.iter().map(|d| d.exists()).collect();
        // This version's copies in the overlay go; another version's, and every
        // crates.io copy, stay.
        assert_eq!(exists, [false, false, true, true, true]);
        // A CARGO_HOME without registries is not an error.
        forget_unpacked_copies(&home.join("nothing"), "0.1.0").unwrap();
        fs::remove_dir_all(&home).unwrap();
    }

    fn metadata(members: &[(&str, &str, Option<&str>)]) -> Metadata {
        let packages: Vec<serde_json::Value> = members
            .iter()
            .map(|(name, version, rust)| {
                serde_json::json!({
                    "name": name, "version": version, "id": format!("path+file:///w/{name}#{version}"),
                    "source": null, "rust_version": rust, "edition": "2021",
                })
            })
            .collect();
        let ids: Vec<&serde_json::Value> = packages.iter().map(|p| &p["id"]).collect();
        let json = serde_json::json!({ "packages": packages, "workspace_members": ids });
        Metadata::parse(&json.to_string()).expect("metadata")
    }

    #[test]
    fn workspace_package_fields() {
        let both = metadata(&[("a", "0.1.0", Some("1.89")), ("b", "0.1.0", Some("1.89"))]);
        assert_eq!(
            WorkspacePackage::of(&both).expect("members agree"),
            WorkspacePackage {
                version: "0.1.0".into(),
                rust_version: "1.89".into()
            }
        );
        let error =
            WorkspacePackage::of(&metadata(&[("a", "0.1.0", None)])).expect_err("no rust-version");
        assert!(
            error.to_string().starts_with("a declares no rust-version"),
            "{error}"
        );
        let error = WorkspacePackage::of(&metadata(&[
            ("a", "0.1.0", Some("1.89")),
            ("b", "0.1.0", Some("1.90")),
        ]))
        .expect_err("disagree");
        assert!(
            error.to_string().starts_with(
                "the members disagree: a is version 0.1.0 with rust-version 1.89, b is version 0.1.0 with rust-version 1.90"
            ),
            "{error}"
        );
        let error = WorkspacePackage::of(&metadata(&[])).expect_err("no members");
        assert!(error.to_string().contains("no workspace member"), "{error}");

        let read = WorkspacePackage::read(&crate::workspace_root()).expect("the workspace");
        let manifest = include_str!("../../Cargo.toml");
        let section = manifest
            .split_once("[workspace.package]\n")
            .and_then(|(_, rest)| rest.split_once("\n\n"))
            .map(|(section, _)| section)
            .expect("a [workspace.package] section");
        assert!(
            section.contains(&format!("rust-version = \"{}\"", read.rust_version))
                && section.contains(&format!("version = \"{}\"", read.version)),
            "{read:?} against {section}"
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
