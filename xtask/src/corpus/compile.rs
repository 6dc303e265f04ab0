//! Compiling a generated crate with warnings denied.
//!
//! `cargo rustc --profile check -- -D warnings` denies warnings in the generated crate
//! alone. (`RUSTFLAGS=-D warnings` would do the same but is part of every dependency's
//! fingerprint: in the shared target directory it would rebuild the runtime and all of
//! its dependencies, and the workspace's next build would rebuild them back.) The
//! crate gets the workspace's `Cargo.lock` and target directory, so dependencies are
//! the workspace's versions and build once.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::triage::{normalize, Group, EXAMPLES};

/// What compiling one crate gave.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Whether it compiled without errors or warnings.
    pub ok: bool,
    /// The errors (warnings count as errors), grouped by kind.
    pub groups: Vec<Group>,
    /// How many errors.
    pub errors: usize,
}

/// Writes `generated` as the standalone crate `name` into a temporary directory, checks
/// it as [`check`] does, and removes the directory: the tests' way to compile a spec.
///
/// # Errors
///
/// Writing the crate or running cargo failed.
pub fn check_generated(
    root: &Path,
    name: &str,
    generated: &meterage_codegen::Generated,
) -> Result<Compiled> {
    let dir = std::env::temp_dir().join(format!("meterage-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    crate::write_crate(root, &dir, name, generated)?;
    let compiled = check(root, &dir);
    let _ = fs::remove_dir_all(&dir);
    compiled
}

/// Checks the crate in `dir` (which holds `Cargo.toml`) with every feature on (the
/// `test-util` constructors and the `cli` module compile too); `root` is the workspace.
pub fn check(root: &Path, dir: &Path) -> Result<Compiled> {
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .context("copying the workspace's Cargo.lock")?;
    let mut command = crate::cargo();
    command
        .args([
            "rustc",
            "--quiet",
            "--lib",
            "--profile",
            "check",
            "--all-features",
        ])
        .args(["--message-format", "short", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(["--", "-D", "warnings"]);
    if std::env::var_os("CARGO_TARGET_DIR").is_none() {
        command.env("CARGO_TARGET_DIR", root.join("target"));
    }
    let out = command
        .output()
        .with_context(|| format!("running cargo on {}", dir.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (groups, errors) = group_errors(&stderr);
    if out.status.success() {
        return Ok(Compiled {
            ok: errors == 0,
            groups,
            errors,
        });
    }
    if errors == 0 {
        // cargo failed before rustc said anything (resolution, a missing toolchain):
        // its own words are the error.
        let first: Vec<&str> = stderr.lines().take(EXAMPLES).collect();
        return Ok(Compiled {
            ok: false,
            groups: vec![Group {
                kind: format!("cargo failed ({})", out.status),
                count: 1,
                examples: first.into_iter().map(str::to_owned).collect(),
            }],
            errors: 1,
        });
    }
    Ok(Compiled {
        ok: false,
        groups,
        errors,
    })
}

/// Groups rustc's short-format errors (`src/lib.rs:3:5: error[E0425]: ...`) by kind;
/// cargo's closing `could not compile` and `aborting` lines are not errors of their own.
pub fn group_errors(stderr: &str) -> (Vec<Group>, usize) {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut errors = 0;
    for line in stderr.lines() {
        let Some(at) = line.find(": error") else {
            continue;
        };
        let located = line[..at].contains(".rs:");
        if !located {
            continue;
        }
        let message = &line[at + 2..];
        errors += 1;
        let kind = normalize(message);
        let g = groups.entry(kind.clone()).or_insert_with(|| Group {
            kind,
            count: 0,
            examples: Vec::new(),
        });
        g.count += 1;
        if g.examples.len() < EXAMPLES {
            g.examples.push(line.to_owned());
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustc_errors_are_counted_and_grouped() {
        let stderr = "\
src/lib.rs:10:5: error[E0425]: cannot find value `a` in this scope
src/lib.rs:11:5: error[E0425]: cannot find value `b` in this scope
src/lib.rs:12:9: error: unused variable: `c`
error: could not compile `x-client` (lib) due to 3 previous errors
";
        let (groups, errors) = group_errors(stderr);
        assert_eq!(errors, 3);
        assert_eq!(
            groups[0].kind,
            "error[E0425]: cannot find value `…` in this scope"
        );
        assert_eq!(groups[0].count, 2);
        assert_eq!(groups[1].kind, "error: unused variable: `…`");
        assert_eq!(
            groups[0].examples[1],
            "src/lib.rs:11:5: error[E0425]: cannot find value `b` in this scope"
        );
    }
}
