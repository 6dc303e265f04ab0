//! `cargo xtask msrv`: the workspace's `rust-version` is honest.
//!
//! Cargo lists every package of `Cargo.lock` with its `rust-version` and edition
//! (`cargo metadata --locked --all-features`, see [`Metadata::locked`]: offline when
//! every locked package is downloaded, else cargo downloads the missing ones). An
//! edition implies a minimum too (2021 needs 1.56, 2024 needs 1.85). The check fails,
//! naming each crate, when a registry package needs a newer Rust than the
//! `rust-version` the workspace's members take from `[workspace.package]`.

use std::cmp::Ordering;
use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};

use crate::metadata::{Metadata, Package};
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

/// What a package needs: the newest of its `rust-version` and its edition's minimum,
/// with what says so (`its rust-version`, `edition 2024`); `None` when it declares
/// neither.
pub fn needs(package: &Package) -> Option<(RustVersion, String)> {
    let declared = package
        .rust_version
        .as_deref()
        .and_then(|v| Some((RustVersion::parse(v)?, "its rust-version".to_owned())));
    let edition = RustVersion::of_edition(&package.edition)
        .map(|rust| (rust, format!("edition {}", package.edition)));
    match (declared, edition) {
        (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The result of checking the locked packages against a declared `rust-version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The workspace's `rust-version`.
    pub declared: RustVersion,
    /// How many registry packages the lockfile holds.
    pub packages: usize,
    /// The newest Rust any of them needs, with the packages that need it.
    pub newest: Option<(RustVersion, Vec<Locked>)>,
    /// The packages that need a newer Rust than declared, with what they need and what
    /// says so.
    pub too_new: Vec<(Locked, RustVersion, String)>,
}

impl Outcome {
    /// Whether `rust-version` covers every locked package.
    pub fn ok(&self) -> bool {
        self.too_new.is_empty()
    }
}

/// Checks every registry package of `metadata` against the `rust-version` of its
/// workspace members.
pub fn check_metadata(metadata: &Metadata) -> Result<Outcome> {
    let declared = WorkspacePackage::of(metadata)?.rust_version;
    let declared = RustVersion::parse(&declared)
        .with_context(|| format!("rust-version {declared:?} of Cargo.toml is not a version"))?;
    let packages: Vec<&Package> = metadata
        .packages
        .iter()
        .filter(|p| p.from_registry())
        .collect();
    let mut outcome = Outcome {
        declared,
        packages: packages.len(),
        newest: None,
        too_new: Vec::new(),
    };
    for package in packages {
        let Some((rust, why)) = needs(package) else {
            continue;
        };
        let locked = Locked {
            name: package.name.clone(),
            version: package.version.clone(),
        };
        if rust > declared {
            outcome.too_new.push((locked.clone(), rust, why));
        }
        match &mut outcome.newest {
            Some((newest, who)) => match rust.cmp(newest) {
                Ordering::Greater => outcome.newest = Some((rust, vec![locked])),
                Ordering::Equal => who.push(locked),
                Ordering::Less => {}
            },
            None => outcome.newest = Some((rust, vec![locked])),
        }
    }
    Ok(outcome)
}

/// Checks the workspace at `root`: its `Cargo.lock` as `cargo metadata` reads it.
pub fn check(root: &Path) -> Result<Outcome> {
    check_metadata(&Metadata::locked(root)?)
}

/// The report `cargo xtask msrv` prints: one line per problem, then a summary.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (package, rust, why) in &outcome.too_new {
        out.push_str(&format!(
            "error: {package} needs Rust {rust} ({why}), newer than rust-version {} of Cargo.toml\n",
            outcome.declared
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
    }

    fn package(rust_version: Option<&str>, edition: &str) -> Package {
        Package {
            name: "p".into(),
            version: "1.0.0".into(),
            id: "registry+x#p@1.0.0".into(),
            source: Some("registry+x".into()),
            rust_version: rust_version.map(str::to_owned),
            edition: edition.into(),
        }
    }

    #[test]
    fn a_package_needs_its_rust_version_or_its_edition() {
        let needs = |rust, edition| needs(&package(rust, edition));
        assert_eq!(
            needs(None, "2024"),
            Some((RustVersion(1, 85, 0), "edition 2024".into()))
        );
        assert_eq!(
            needs(Some("1.63"), "2021"),
            Some((RustVersion(1, 63, 0), "its rust-version".into()))
        );
        assert_eq!(
            needs(Some("1.80.1"), "2024"),
            Some((RustVersion(1, 85, 0), "edition 2024".into()))
        );
        assert_eq!(needs(None, "2015"), None);
        assert_eq!(needs(Some("soon"), "2015"), None);
    }

    /// Cargo's view of a workspace declaring 1.85: two members, four registry packages
    /// (one needing 1.91.1, one only an edition) and a git package that needs more, but is
    /// not a registry package.
    const METADATA: &str = r#"{
  "packages": [
    {"name": "app", "version": "0.3.0", "id": "path+file:///w/app#0.3.0",
     "source": null, "rust_version": "1.85", "edition": "2021"},
    {"name": "meterage-lib", "version": "0.3.0", "id": "path+file:///w/lib#meterage-lib@0.3.0",
     "source": null, "rust_version": "1.85", "edition": "2024"},
    {"name": "fresh", "version": "1.0.0", "id": "registry+https://github.com/rust-lang/crates.io-index#fresh@1.0.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index", "rust_version": "1.70", "edition": "2021"},
    {"name": "newer", "version": "2.1.0", "id": "sparse+https://index.example/#newer@2.1.0",
     "source": "sparse+https://index.example/", "rust_version": "1.91.1", "edition": "2024"},
    {"name": "old", "version": "0.2.0", "id": "registry+https://github.com/rust-lang/crates.io-index#old@0.2.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index", "rust_version": null, "edition": "2015"},
    {"name": "windows-only", "version": "0.5.0", "id": "registry+https://github.com/rust-lang/crates.io-index#windows-only@0.5.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index", "rust_version": null, "edition": "2024"},
    {"name": "from-git", "version": "0.1.0", "id": "git+https://example.com/g#from-git@0.1.0",
     "source": "git+https://example.com/g", "rust_version": "1.99", "edition": "2021"}
  ],
  "workspace_members": ["path+file:///w/app#0.3.0", "path+file:///w/lib#meterage-lib@0.3.0"]
}"#;

    #[test]
    fn a_dependency_newer_than_rust_version_is_named() {
        let metadata = Metadata::parse(METADATA).expect("metadata");
        let outcome = check_metadata(&metadata).expect("checked");
        assert_eq!(outcome.declared, RustVersion(1, 85, 0));
        assert_eq!(outcome.packages, 4, "path and git packages are left out");
        let too_new: Vec<String> = outcome
            .too_new
            .iter()
            .map(|(p, rust, why)| format!("{p} {rust} {why}"))
            .collect();
        assert_eq!(too_new, ["newer 2.1.0 1.91.1 its rust-version"]);
        assert_eq!(
            outcome.newest,
            Some((
                RustVersion(1, 91, 1),
                vec![Locked {
                    name: "newer".into(),
                    version: "2.1.0".into()
                }]
            ))
        );
        assert!(!outcome.ok());
        let report = render(&outcome);
        assert_eq!(
            report,
            "error: newer 2.1.0 needs Rust 1.91.1 (its rust-version), newer than rust-version 1.85 of Cargo.toml\n\
             the 4 locked registry packages need Rust 1.91.1 (newer 2.1.0); Cargo.toml declares rust-version 1.85\n"
        );

        // At 1.91.1 everything fits; at 1.84 the edition-only package is named too.
        let at = |rust: &str| {
            let json = METADATA.replace(
                "\"rust_version\": \"1.85\"",
                &format!("\"rust_version\": \"{rust}\""),
            );
            check_metadata(&Metadata::parse(&json).expect("metadata")).expect("checked")
        };
        assert!(at("1.91.1").ok(), "{:?}", at("1.91.1"));
        let report = render(&at("1.84"));
        assert!(
            report.contains("error: windows-only 0.5.0 needs Rust 1.85 (edition 2024), newer than rust-version 1.84 of Cargo.toml\n"),
            "{report}"
        );
        assert!(!report.contains("from-git"), "{report}");
    }

    #[test]
    fn members_must_agree_on_rust_version() {
        let json = METADATA.replacen(
            "\"rust_version\": \"1.85\"",
            "\"rust_version\": \"1.86\"",
            1,
        );
        let error = check_metadata(&Metadata::parse(&json).expect("metadata"))
            .expect_err("members disagree");
        assert!(
            error.to_string().contains("app is version 0.3.0 with rust-version 1.86, meterage-lib is version 0.3.0 with rust-version 1.85"),
            "{error}"
        );
    }
}
