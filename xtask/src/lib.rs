//! `cargo xtask`: the project's automation, and the only place that touches files.
//!
//! - `cargo xtask generate`: every `specs/*.yaml` to `generated/`;
//! - `cargo xtask check`: fail, naming each stale file, when `generated/` differs from
//!   what the specs produce (also run by `cargo test`, see `tests/fresh.rs`);
//! - `cargo xtask generate --spec FILE --out DIR [--name CRATE]`: a standalone client
//!   crate for any OpenAPI 3.0 spec;
//! - `cargo xtask corpus`: generate and compile the real public specs of
//!   `xtask/corpus.yaml` (see [`corpus`]);
//! - `cargo xtask package`: `cargo package` the publishable crates and a standalone
//!   client crate, verified (see [`publish`]);
//! - `cargo xtask msrv`: fail, naming the crate, when a locked dependency needs a newer
//!   Rust than the workspace's `rust-version` (see [`msrv`]).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use meterage_codegen::workspace::{self, Module};
use meterage_codegen::{names, Diagnostics, Generated, ReadFile, Settings, SpecSource};

pub mod args;
pub mod corpus;
pub mod metadata;
pub mod msrv;
pub mod publish;

/// A command running cargo: the cargo that runs xtask (`$CARGO`), else `cargo` on the
/// `PATH`. Every cargo that xtask starts is made here.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// One file `generated/` must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// Its exact contents.
    pub contents: String,
}

/// The specs of the workspace, sorted by file name: `(module name, relative path)`.
pub fn specs(root: &Path) -> Result<Vec<(String, String)>> {
    let dir = root.join("specs");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            bail!("{}: spec file names must be UTF-8", path.display());
        };
        let Some(file) = path.file_name().and_then(|s| s.to_str()) else {
            continue;
        };
        out.push((
            meterage_codegen::names::module_name(stem),
            format!("specs/{file}"),
        ));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    for pair in out.windows(2) {
        if pair[0].0 == pair[1].0 {
            bail!(
                "{} and {} both make the module `{}`: rename one",
                pair[0].1,
                pair[1].1,
                pair[0].0
            );
        }
    }
    Ok(out)
}

/// The files a spec's `$ref`s name, read relative to `base` (the workspace root, or the
/// current directory for `generate --spec`).
#[derive(Debug, Clone)]
pub struct FsFiles {
    /// The directory paths are relative to.
    pub base: PathBuf,
}

impl ReadFile for FsFiles {
    fn read(&self, path: &str) -> std::result::Result<String, String> {
        let bytes = fs::read(self.base.join(path)).map_err(|e| e.to_string())?;
        meterage_codegen::load::decode(path, &bytes)
            .map(str::to_owned)
            .map_err(|d| d.to_string())
    }
}

/// Reads a spec file: its text, or a diagnostic naming the first byte that is not UTF-8.
pub fn read_spec(path: &Path, shown: &str) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("reading {shown}"))?;
    meterage_codegen::load::decode(shown, &bytes)
        .map(str::to_owned)
        .map_err(|d| anyhow::anyhow!("{d}"))
}

/// Generates one spec with the files its `$ref`s name read from `base`.
pub fn generate_spec(
    base: &Path,
    shown: &str,
    text: &str,
    settings: &Settings,
) -> std::result::Result<Generated, Diagnostics> {
    let source = SpecSource { path: shown, text };
    let files = FsFiles {
        base: base.to_path_buf(),
    };
    meterage_codegen::generate_full(&source, settings, &files)
}

/// Prints a run's warnings to stderr, one per line.
pub fn print_warnings(warnings: &Diagnostics) {
    for w in warnings.iter() {
        eprintln!("{w}");
    }
}

/// Generates one spec's module; errors carry every diagnostic of the spec. Warnings are
/// printed to stderr.
pub fn generate_module(root: &Path, spec_path: &str) -> Result<String> {
    let generated = generate_module_full(root, spec_path)?;
    print_warnings(&generated.warnings);
    Ok(generated.source)
}

/// Generates one spec's module with its warnings.
pub fn generate_module_full(root: &Path, spec_path: &str) -> Result<Generated> {
    let text = read_spec(&root.join(spec_path), spec_path)?;
    let stem = Path::new(spec_path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let settings = Settings {
        module_path: Some(format!("meterage_clients::{}", names::module_name(stem))),
        runtime_path: Some("meterage_clients::runtime".to_owned()),
        reexport_runtime: false,
        cli_file: false,
    };
    generate_spec(root, spec_path, &text, &settings).map_err(|d| anyhow::anyhow!("{d}"))
}

/// Everything `generated/` must hold, or the problems of every spec that failed.
pub fn plan(root: &Path) -> Result<Vec<Planned>> {
    let specs = specs(root)?;
    let mut planned = Vec::new();
    let mut problems = String::new();
    for (module, spec_path) in &specs {
        match generate_module(root, spec_path) {
            Ok(contents) => planned.push(Planned {
                path: format!("generated/src/{module}.rs"),
                contents,
            }),
            Err(e) => {
                let _ = writeln!(problems, "{e}");
            }
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.trim_end());
    }
    let modules: Vec<Module> = specs
        .iter()
        .map(|(name, spec_path)| Module {
            name: name.clone(),
            spec_path: spec_path.clone(),
        })
        .collect();
    planned.push(Planned {
        path: "generated/Cargo.toml".into(),
        contents: workspace::clients_manifest(&modules),
    });
    planned.push(Planned {
        path: "generated/src/lib.rs".into(),
        contents: workspace::clients_lib(&modules),
    });
    let readme = fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    planned.push(Planned {
        path: "generated/README.md".into(),
        contents: workspace::clients_readme(&readme).map_err(anyhow::Error::msg)?,
    });
    Ok(planned)
}

/// Files under `generated/src` that no spec produces any more.
fn leftovers(root: &Path, planned: &[Planned]) -> Result<Vec<String>> {
    let dir = root.join("generated/src");
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let rel = format!("generated/src/{name}");
        if path.is_file() && !planned.iter().any(|p| p.path == rel) {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}

/// Writes `generated/`; returns the files that changed.
pub fn generate(root: &Path) -> Result<Vec<String>> {
    let planned = plan(root)?;
    let mut changed = Vec::new();
    for p in &planned {
        let path = root.join(&p.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(p.contents.as_str()) {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &p.contents).with_context(|| format!("writing {}", p.path))?;
            changed.push(p.path.clone());
        }
    }
    for stale in leftovers(root, &planned)? {
        fs::remove_file(root.join(&stale)).with_context(|| format!("removing {stale}"))?;
        changed.push(stale);
    }
    Ok(changed)
}

/// The stale files of `generated/`, each with what is wrong; empty when fresh.
pub fn check(root: &Path) -> Result<Vec<String>> {
    let planned = plan(root)?;
    let mut stale = Vec::new();
    for p in &planned {
        match fs::read_to_string(root.join(&p.path)) {
            Ok(current) if current == p.contents => {}
            Ok(current) => stale.push(format!(
                "{} is stale ({})",
                p.path,
                first_difference(&current, &p.contents)
            )),
            Err(_) => stale.push(format!("{} is missing", p.path)),
        }
    }
    for extra in leftovers(root, &planned)? {
        stale.push(format!("{extra} comes from no spec"));
    }
    Ok(stale)
}

/// Checks one generated file against its spec, for the per-spec tests.
pub fn check_module(root: &Path, spec_stem: &str) -> Result<()> {
    let spec_path = format!("specs/{spec_stem}.yaml");
    let module = meterage_codegen::names::module_name(spec_stem);
    let expected = generate_module(root, &spec_path)?;
    let path = format!("generated/src/{module}.rs");
    let current =
        fs::read_to_string(root.join(&path)).with_context(|| format!("{path} is missing"))?;
    if current != expected {
        bail!(
            "{path} is stale ({}): run `cargo xtask generate` and commit the result",
            first_difference(&current, &expected)
        );
    }
    Ok(())
}

fn first_difference(current: &str, expected: &str) -> String {
    let line = current
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b);
    match line {
        Some(n) => format!("first difference at line {}", n + 1),
        None => format!(
            "{} lines on disk, {} expected",
            current.lines().count(),
            expected.lines().count()
        ),
    }
}

/// Options of `generate --spec`.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// The spec file.
    pub spec: PathBuf,
    /// The crate directory to write.
    pub out: PathBuf,
    /// The package name; defaults to the spec's stem plus `-client`.
    pub name: Option<String>,
}

/// Writes a standalone client crate for any spec; returns its directory.
pub fn generate_standalone(root: &Path, opts: &Standalone) -> Result<PathBuf> {
    let shown = opts.spec.display().to_string();
    let text = read_spec(&opts.spec, &shown)?;
    let stem = opts
        .spec
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("api");
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| format!("{stem}-client"));
    check_crate_name(&name)?;
    let generated = generate_spec(Path::new(""), &shown, &text, &standalone_settings(&name))
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    print_warnings(&generated.warnings);
    write_crate(root, &opts.out, &name, &generated)?;
    Ok(opts.out.clone())
}

/// Fails unless `name` can name a crate: ASCII letters, digits, `-` and `_`, not
/// starting with a digit.
pub fn check_crate_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        bail!("--name {name:?}: a crate name is ASCII letters, digits, `-` and `_`, not starting with a digit");
    }
    Ok(())
}

/// The generator settings of a standalone crate named `name`.
pub fn standalone_settings(name: &str) -> Settings {
    // The module is the crate's root: consumers name it by the library name.
    let crate_path = name.replace('-', "_");
    Settings {
        runtime_path: Some(format!("{crate_path}::runtime")),
        module_path: Some(crate_path),
        reexport_runtime: true,
        // A build without the feature `cli` then never reads the `cli` module.
        cli_file: true,
    }
}

/// Writes a standalone crate into `out`: `Cargo.toml` depending on the runtime by path,
/// with the workspace's version and `rust-version`; `src/lib.rs`, the module; and
/// `src/cli.rs`, its `cli` module, when it has a file of its own (else an earlier run's
/// is removed).
pub fn write_crate(root: &Path, out: &Path, name: &str, generated: &Generated) -> Result<()> {
    let runtime = fs::canonicalize(root.join("runtime")).context("locating the runtime crate")?;
    let runtime = runtime.to_str().context("the runtime path is not UTF-8")?;
    let package = publish::WorkspacePackage::read(root)?;
    fs::create_dir_all(out.join("src")).with_context(|| format!("creating {}", out.display()))?;
    fs::write(
        out.join("Cargo.toml"),
        workspace::standalone_manifest(name, runtime, &package.version, &package.rust_version),
    )?;
    fs::write(out.join("src/lib.rs"), &generated.source)?;
    let cli = out.join("src/cli.rs");
    match &generated.cli {
        Some(text) => fs::write(&cli, text)?,
        None if cli.exists() => fs::remove_file(&cli)?,
        None => {}
    }
    Ok(())
}
