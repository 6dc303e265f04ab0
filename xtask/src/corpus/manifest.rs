//! `xtask/corpus.yaml`: which packages to fetch, which specs they hold, and what each
//! spec is (checksum, version, operations, size), all checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The manifest's path, relative to the workspace root.
pub const PATH: &str = "xtask/corpus.yaml";

/// The whole manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Registry packages by id.
    pub packages: BTreeMap<String, Package>,
    /// The specs, in run order.
    pub specs: Vec<Spec>,
}

/// Which registry a package comes from, and so which client fetches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Registry {
    /// `npm pack NAME@VERSION`.
    Npm,
    /// `pip download --no-deps --no-binary :all: NAME==VERSION` (the source archive).
    Pypi,
}

/// One pinned registry package.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Its registry.
    pub registry: Registry,
    /// Its name in the registry.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// The archive's file name, as the client saves it.
    pub file: String,
    /// The archive's sha256, lowercase hex.
    pub sha256: String,
}

/// How big a spec is; decides which runs include it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SizeClass {
    /// Fewer than 100 operations.
    Small,
    /// 100 to 500 operations.
    Medium,
    /// At least 1,000 operations and 10 MB.
    Large,
}

impl fmt::Display for SizeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SizeClass::Small => "small",
            SizeClass::Medium => "medium",
            SizeClass::Large => "large",
        })
    }
}

/// One spec of the corpus.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// A short name: lowercase letters, digits and `-` (the crate is `<name>-client`).
    pub name: String,
    /// What the spec describes.
    pub about: String,
    /// The id of the package that holds it.
    pub package: String,
    /// Its path inside the package's archive.
    pub path: String,
    /// The extracted file's sha256, lowercase hex.
    pub sha256: String,
    /// Its `openapi` field.
    pub openapi: String,
    /// Its size class.
    pub size: SizeClass,
    /// How many operations its `paths` hold.
    pub operations: usize,
    /// Its size in bytes.
    pub bytes: u64,
}

impl Spec {
    /// The extension of the spec file (`yaml`, `json`).
    pub fn extension(&self) -> &str {
        self.path.rsplit_once('.').map_or("yaml", |(_, ext)| ext)
    }

    /// The standalone crate's package name.
    pub fn crate_name(&self) -> String {
        format!("{}-client", self.name)
    }
}

impl Manifest {
    /// Parses and checks the manifest text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Manifest> {
        let manifest: Manifest = serde_yaml::from_str(text).with_context(|| path.to_owned())?;
        let problems = manifest.problems();
        if !problems.is_empty() {
            bail!("{path}:\n  {}", problems.join("\n  "));
        }
        Ok(manifest)
    }

    /// Every inconsistency of the manifest, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (id, p) in &self.packages {
            if !is_sha256(&p.sha256) {
                out.push(format!(
                    "package `{id}`: sha256 {:?} is not 64 lowercase hex digits",
                    p.sha256
                ));
            }
            if p.file.is_empty() || p.file.contains(['/', '\\']) || p.file.starts_with('.') {
                out.push(format!(
                    "package `{id}`: file {:?} must be a plain file name",
                    p.file
                ));
            }
            if p.name.is_empty() || p.version.is_empty() {
                out.push(format!("package `{id}`: name and version are required"));
            }
        }
        let mut names = BTreeSet::new();
        let mut used = BTreeSet::new();
        for s in &self.specs {
            let at = format!("spec `{}`", s.name);
            if !names.insert(s.name.as_str()) {
                out.push(format!("{at} is listed twice"));
            }
            let valid_name = s.name.starts_with(|c: char| c.is_ascii_lowercase())
                && s.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid_name {
                out.push(format!(
                    "{at}: a name is lowercase letters, digits and `-`, starting with a letter"
                ));
            }
            if self.packages.contains_key(&s.package) {
                used.insert(s.package.as_str());
            } else {
                out.push(format!("{at}: no package `{}`", s.package));
            }
            if s.path.is_empty()
                || s.path.starts_with('/')
                || s.path
                    .split('/')
                    .any(|part| part == ".." || part.is_empty())
            {
                out.push(format!(
                    "{at}: path {:?} must be relative, inside the archive",
                    s.path
                ));
            }
            if !is_sha256(&s.sha256) {
                out.push(format!(
                    "{at}: sha256 {:?} is not 64 lowercase hex digits",
                    s.sha256
                ));
            }
            if !(s.openapi.starts_with("3.0.") || s.openapi.starts_with("3.1.")) {
                out.push(format!(
                    "{at}: `openapi: {}`: the corpus holds OpenAPI 3.0.x and 3.1.x specs",
                    s.openapi
                ));
            }
            if let Some(why) = class_mismatch(s.size, s.operations, s.bytes) {
                out.push(format!("{at}: `size: {}` but {why}", s.size));
            }
        }
        for id in self.packages.keys() {
            if !used.contains(id.as_str()) {
                out.push(format!("package `{id}` holds no spec of the corpus"));
            }
        }
        out
    }
}

/// Why `operations` and `bytes` do not fit `class`, if they do not.
pub fn class_mismatch(class: SizeClass, operations: usize, bytes: u64) -> Option<String> {
    let fits = match class {
        SizeClass::Small => operations < 100,
        SizeClass::Medium => (100..=500).contains(&operations),
        SizeClass::Large => operations >= 1000 && bytes >= 10_000_000,
    };
    (!fits).then(|| format!("it has {operations} operations and {bytes} bytes"))
}

/// Whether `s` is a sha256 in lowercase hex.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "8577b85a8268685da6f8aa30990b83b7960d4d1117e901d451b5d572605e5ec7";

    fn manifest(spec_extra: &str) -> String {
        format!(
            "packages:\n  p:\n    registry: npm\n    name: p\n    version: '1.0.0'\n    file: p-1.0.0.tgz\n    sha256: {HASH}\n\
             specs:\n  - name: tiny\n    about: a tiny spec\n    package: p\n    path: package/tiny.yaml\n    sha256: {HASH}\n    openapi: 3.0.3\n{spec_extra}"
        )
    }

    #[test]
    fn a_consistent_manifest_parses() {
        let m = Manifest::parse(
            "m.yaml",
            &manifest("    size: small\n    operations: 3\n    bytes: 10\n"),
        )
        .expect("valid");
        assert_eq!(m.specs[0].crate_name(), "tiny-client");
        assert_eq!(m.specs[0].extension(), "yaml");
        assert_eq!(m.packages["p"].registry, Registry::Npm);
    }

    #[test]
    fn size_classes_are_checked_against_the_counts() {
        let err = Manifest::parse(
            "m.yaml",
            &manifest("    size: large\n    operations: 1200\n    bytes: 9000000\n"),
        )
        .expect_err("too small to be large");
        assert!(
            err.to_string().contains(
                "spec `tiny`: `size: large` but it has 1200 operations and 9000000 bytes"
            ),
            "{err:#}"
        );
        assert!(class_mismatch(SizeClass::Medium, 99, 0).is_some());
        assert!(class_mismatch(SizeClass::Medium, 500, 0).is_none());
        assert!(class_mismatch(SizeClass::Small, 100, 0).is_some());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = manifest("    size: small\n    operations: 3\n    bytes: 10\n")
            .replace("package/tiny.yaml", "../tiny.yaml")
            .replace("openapi: 3.0.3", "openapi: 3.2.0")
            .replace("package: p\n    path", "package: q\n    path");
        let err = Manifest::parse("m.yaml", &text).expect_err("broken");
        let text = err.to_string();
        for expected in [
            "spec `tiny`: no package `q`",
            "spec `tiny`: path \"../tiny.yaml\" must be relative",
            "spec `tiny`: `openapi: 3.2.0`: the corpus holds OpenAPI 3.0.x and 3.1.x specs",
            "package `p` holds no spec of the corpus",
        ] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_checksums_are_refused() {
        let err = Manifest::parse(
            "m.yaml",
            &manifest("    size: small\n    operations: 3\n    bytes: 10\n    sha512: x\n"),
        )
        .expect_err("unknown key");
        assert!(
            format!("{err:#}").contains("unknown field `sha512`"),
            "{err:#}"
        );
        assert!(!is_sha256(&HASH.to_uppercase()));
        assert!(!is_sha256(&HASH[1..]));
    }
}
