//! `cargo xtask msrv`: the workspace's `rust-version` is honest.
//!
//! Every registry package of `Cargo.lock` is looked up in cargo's local registry, offline:
//! the `rust-version` (and `edition`) of its manifest in `$CARGO_HOME/registry/src`, or,
//! for a package never downloaded here (one for another platform), the `rust_version` of
//! its entry in the index cache `$CARGO_HOME/registry/index/*/.cache`. An edition implies
//! a minimum too (2021 needs 1.56, 2024 needs 1.85). The check fails, naming each crate,
//! when one needs a newer Rust than `[workspace.package] rust-version`, and when a locked
//! package is not in the local registry at all (run `cargo fetch`, or any build, first).

use std::cmp::Ordering;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::publish::WorkspacePackage;

/// A Rust release, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RustVersion(pub u32, pub u32, pub u32);

impl RustVersion {
    /// Parses `1.89`, `1.89.0` (a missing part is 0); `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        parts.next().is_none().then_some(Self(major, minor, patch))
    }

    /// The oldest Rust that knows `edition`.
    pub fn of_edition(edition: &str) -> Option<Self> {
        match edition {
            "2018" => Some(Self(1, 31, 0)),
            "2021" => Some(Self(1, 56, 0)),
            "2024" => Some(Self(1, 85, 0)),
            _ => None,
        }
    }
}

impl fmt::Display for RustVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.2 {
            0 => write!(f, "{}.{}", self.0, self.1),
            patch => write!(f, "{}.{}.{patch}", self.0, self.1),
        }
    }
}

/// A registry package of `Cargo.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    /// The package name.
    pub name: String,
    /// The exact version.
    pub version: String,
}

impl fmt::Display for Locked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// The registry packages of a lockfile's text (path and git packages left out).
pub fn locked_packages(lock: &str) -> Vec<Locked> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, bool)> = None;
    let mut flush = |current: &mut Option<(String, String, bool)>| {
        if let Some((name, version, true)) = current.take() {
            out.push(Locked { name, version });
        }
    };
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            flush(&mut current);
            current = Some((String::new(), String::new(), false));
            continue;
        }
        let Some(package) = current.as_mut() else {
            continue;
        };
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        let value = value.trim_matches('"');
        match key {
            "name" => package.0 = value.to_owned(),
            "version" => package.1 = value.to_owned(),
            "source" => {
                package.2 = value.starts_with("registry+") || value.starts_with("sparse+");
            }
            _ => {}
        }
    }
    flush(&mut current);
    out
}

/// What the local registry says a package needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// The newest of its `rust-version` and its edition's minimum; `None` when it
    /// declares neither.
    pub rust: Option<RustVersion>,
    /// Where that was read.
    pub from: &'static str,
}

/// Cargo's local registry (`$CARGO_HOME/registry`).
#[derive(Debug, Clone)]
pub struct Registry {
    home: PathBuf,
}

impl Registry {
    /// The registry of `$CARGO_HOME` (default `~/.cargo`).
    pub fn from_env() -> Result<Self> {
        let home = match std::env::var_os("CARGO_HOME") {
            Some(home) => PathBuf::from(home),
            None => PathBuf::from(
                std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?,
            )
            .join(".cargo"),
        };
        Ok(Self::at(&home))
    }

    /// The registry under the cargo home `home`.
    pub fn at(home: &Path) -> Self {
        Self {
            home: home.join("registry"),
        }
    }

    /// The directories directly under `registry/<kind>`.
    fn dirs(&self, kind: &str) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = fs::read_dir(self.home.join(kind))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        dirs
    }

    /// What `package` needs, from its downloaded manifest or else its index entry;
    /// `None` when the local registry knows neither.
    pub fn needs(&self, package: &Locked) -> Option<Needs> {
        let dir_name = format!("{}-{}", package.name, package.version);
        for src in self.dirs("src") {
            if let Ok(text) = fs::read_to_string(src.join(&dir_name).join("Cargo.toml")) {
                return Some(Needs {
                    rust: manifest_needs(&text),
                    from: "its Cargo.toml",
                });
            }
        }
        let name = package.name.to_ascii_lowercase();
        for index in self.dirs("index") {
            let Ok(bytes) = fs::read(index.join(".cache").join(index_path(&name))) else {
                continue;
            };
            if let Some(rust) = index_rust_version(&bytes, &package.version) {
                return Some(Needs {
                    rust,
                    from: "its index entry",
                });
            }
        }
        None
    }
}

/// The newest of a manifest's `[package] rust-version` and its edition's minimum.
fn manifest_needs(manifest: &str) -> Option<RustVersion> {
    let mut section = "";
    let (mut rust, mut edition) = (None, None);
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section != "[package]" {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim() {
            "rust-version" => rust = RustVersion::parse(value),
            "edition" => edition = RustVersion::of_edition(value),
            _ => {}
        }
    }
    rust.max(edition)
}

/// The path of a crate's file in a registry index (`se/rd/serde`, `3/s/syn`).
fn index_path(name: &str) -> PathBuf {
    match name.len() {
        1 => Path::new("1").join(name),
        2 => Path::new("2").join(name),
        3 => Path::new("3").join(&name[..1]).join(name),
        _ => Path::new(&name[..2]).join(&name[2..4]).join(name),
    }
}

/// The `rust_version` of `version` in a cached index file: a version byte, a 4-byte
/// index format, the index's own version, then `version NUL json NUL` pairs.
/// `Some(None)` when the entry declares none; `None` when there is no entry.
fn index_rust_version(bytes: &[u8], version: &str) -> Option<Option<RustVersion>> {
    let mut fields = bytes.get(5..)?.split(|b| *b == 0).skip(1);
    while let (Some(v), Some(json)) = (fields.next(), fields.next()) {
        if v != version.as_bytes() {
            continue;
        }
        let entry: serde_json::Value = serde_json::from_slice(json).ok()?;
        return Some(
            entry
                .get("rust_version")
                .and_then(serde_json::Value::as_str)
                .and_then(RustVersion::parse),
        );
    }
    None
}

/// The result of checking a lockfile against a declared `rust-version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The workspace's `rust-version`.
    pub declared: RustVersion,
    /// How many registry packages the lockfile holds.
    pub packages: usize,
    /// The newest Rust any of them needs, with the packages that need it.
    pub newest: Option<(RustVersion, Vec<Locked>)>,
    /// The packages that need a newer Rust than declared, with what they need and where
    /// that was read.
    pub too_new: Vec<(Locked, RustVersion, &'static str)>,
    /// Packages the local registry does not know.
    pub unknown: Vec<Locked>,
}

impl Outcome {
    /// Whether `rust-version` covers every locked package.
    pub fn ok(&self) -> bool {
        self.too_new.is_empty() && self.unknown.is_empty()
    }
}

/// Checks every registry package of `lock` against `declared`.
pub fn check_lock(lock: &str, declared: RustVersion, registry: &Registry) -> Outcome {
    let packages = locked_packages(lock);
    let mut outcome = Outcome {
        declared,
        packages: packages.len(),
        newest: None,
        too_new: Vec::new(),
        unknown: Vec::new(),
    };
    for package in packages {
        let Some(needs) = registry.needs(&package) else {
            outcome.unknown.push(package);
            continue;
        };
        let Some(rust) = needs.rust else { continue };
        if rust > declared {
            outcome.too_new.push((package.clone(), rust, needs.from));
        }
        match &mut outcome.newest {
            Some((newest, who)) => match rust.cmp(newest) {
                Ordering::Greater => outcome.newest = Some((rust, vec![package])),
                Ordering::Equal => who.push(package),
                Ordering::Less => {}
            },
            None => outcome.newest = Some((rust, vec![package])),
        }
    }
    outcome
}

/// Checks the workspace at `root` (its `Cargo.lock` and `rust-version`).
pub fn check(root: &Path, registry: &Registry) -> Result<Outcome> {
    let declared = WorkspacePackage::read(root)?.rust_version;
    let declared = RustVersion::parse(&declared)
        .with_context(|| format!("rust-version {declared:?} of Cargo.toml is not a version"))?;
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    Ok(check_lock(&lock, declared, registry))
}

/// The report `cargo xtask msrv` prints: one line per problem, then a summary.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (package, rust, from) in &outcome.too_new {
        out.push_str(&format!(
            "error: {package} needs Rust {rust} ({from}), newer than rust-version {} of Cargo.toml\n",
            outcome.declared
        ));
    }
    for package in &outcome.unknown {
        out.push_str(&format!(
            "error: {package} is not in the local registry: run `cargo fetch` (or any build) first\n"
        ));
    }
    let newest = match &outcome.newest {
        Some((rust, who)) => {
            let who: Vec<String> = who.iter().map(ToString::to_string).collect();
            format!("Rust {rust} ({})", who.join(", "))
        }
        None => "no particular Rust".to_owned(),
    };
    out.push_str(&format!(
        "the {} locked registry packages need {newest}; Cargo.toml declares rust-version {}\n",
        outcome.packages, outcome.declared
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(RustVersion::parse("1.89"), Some(RustVersion(1, 89, 0)));
        assert_eq!(RustVersion::parse("1.89.1"), Some(RustVersion(1, 89, 1)));
        assert_eq!(RustVersion::parse("1.x"), None);
        assert_eq!(RustVersion::parse("1.2.3.4"), None);
        assert!(RustVersion(1, 89, 0) > RustVersion(1, 88, 9));
        assert_eq!(RustVersion(1, 89, 0).to_string(), "1.89");
        assert_eq!(RustVersion(1, 89, 2).to_string(), "1.89.2");
        assert_eq!(
            manifest_needs("[package]\nedition = \"2024\"\nname = \"x\"\n"),
            Some(RustVersion(1, 85, 0))
        );
        assert_eq!(
            manifest_needs("[package]\nedition = \"2021\"\nrust-version = \"1.63\"\n\n[dependencies.x]\nrust-version = \"9\"\n"),
            Some(RustVersion(1, 63, 0))
        );
        assert_eq!(manifest_needs("[package]\nname = \"old\"\n"), None);
    }

    #[test]
    fn index_paths() {
        assert_eq!(index_path("a"), Path::new("1/a"));
        assert_eq!(index_path("cc"), Path::new("2/cc"));
        assert_eq!(index_path("syn"), Path::new("3/s/syn"));
        assert_eq!(index_path("serde"), Path::new("se/rd/serde"));
    }

    const LOCK: &str = r#"version = 4

[[package]]
name = "fresh"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "meterage-runtime"
version = "0.1.0"
dependencies = [
 "fresh",
]

[[package]]
name = "newer"
version = "2.1.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "windows-only"
version = "0.5.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "gone"
version = "0.1.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    /// A cargo home with `fresh` and `newer` downloaded and `windows-only` only in the
    /// index cache.
    fn home() -> PathBuf {
        let home = std::env::temp_dir().join(format!("meterage-msrv-{}", std::process::id()));
        let _ = fs::remove_dir_all(&home);
        let src = home.join("registry/src/index.crates.io-0000");
        for (dir, manifest) in [
            (
                "fresh-1.0.0",
                "[package]\nedition = \"2021\"\nname = \"fresh\"\nrust-version = \"1.70\"\n",
            ),
            (
                "newer-2.1.0",
                "[package]\nedition = \"2024\"\nname = \"newer\"\nrust-version = \"1.91.1\"\n",
            ),
        ] {
            fs::create_dir_all(src.join(dir)).expect("mkdir");
            fs::write(src.join(dir).join("Cargo.toml"), manifest).expect("write");
        }
        let cache = home.join("registry/index/index.crates.io-0000/.cache/wi/nd");
        fs::create_dir_all(&cache).expect("mkdir");
        let mut bytes = vec![3, 2, 0, 0, 0];
        bytes.extend_from_slice(b"etag\0");
        bytes.extend_from_slice(
            b"0.4.0\0{\"name\":\"windows-only\",\"vers\":\"0.4.0\",\"rust_version\":\"1.99\"}\0",
        );
        bytes.extend_from_slice(
            b"0.5.0\0{\"name\":\"windows-only\",\"vers\":\"0.5.0\",\"rust_version\":\"1.87\"}\0",
        );
        fs::write(cache.join("windows-only"), bytes).expect("write");
        home
    }

    #[test]
    fn a_dependency_newer_than_rust_version_is_named() {
        let home = home();
        let registry = Registry::at(&home);
        let outcome = check_lock(LOCK, RustVersion(1, 85, 0), &registry);
        assert_eq!(outcome.packages, 4, "path packages are left out");
        let too_new: Vec<String> = outcome
            .too_new
            .iter()
            .map(|(p, rust, from)| format!("{p} {rust} {from}"))
            .collect();
        assert_eq!(
            too_new,
            [
                "newer 2.1.0 1.91.1 its Cargo.toml",
                "windows-only 0.5.0 1.87 its index entry"
            ]
        );
        assert_eq!(
            outcome.unknown,
            [Locked {
                name: "gone".into(),
                version: "0.1.0".into()
            }]
        );
        assert!(!outcome.ok());
        let report = render(&outcome);
        assert!(
            report.starts_with("error: newer 2.1.0 needs Rust 1.91.1 (its Cargo.toml), newer than rust-version 1.85 of Cargo.toml\n"),
            "{report}"
        );
        assert!(
            report.contains("error: gone 0.1.0 is not in the local registry: run `cargo fetch`"),
            "{report}"
        );
        assert!(
            report.ends_with("the 4 locked registry packages need Rust 1.91.1 (newer 2.1.0); Cargo.toml declares rust-version 1.85\n"),
            "{report}"
        );

        let known = LOCK
            .split("[[package]]\nname = \"gone\"")
            .next()
            .expect("a lock");
        let outcome = check_lock(known, RustVersion(1, 91, 1), &registry);
        assert!(outcome.ok(), "{outcome:?}");
        let _ = fs::remove_dir_all(&home);
    }
}
