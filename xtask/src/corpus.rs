//! `cargo xtask corpus`: the generator against real public OpenAPI 3.0 specs.
//!
//! For each spec of `xtask/corpus.yaml` (see [`manifest`]): fetch and check it
//! ([`fetch`]), generate a standalone client crate into `target/corpus/crates/<name>`,
//! compile it with warnings denied ([`compile`]), and report per spec what happened,
//! the generator's problems sorted into kinds ([`triage`]) and, over the whole run,
//! how many specs each kind blocks ([`report`]). The run fails if any spec does.
//!
//! Everything fetched or written lives under `target/corpus/`, which git ignores.

pub mod compile;
pub mod fetch;
pub mod manifest;
pub mod report;
pub mod triage;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use meterage_codegen::Diagnostic;

use crate::args::{Flag, Syntax};
use manifest::{Manifest, SizeClass, Spec};
use triage::Group;

/// Usage of `cargo xtask corpus`.
pub const USAGE: &str =
    "usage: cargo xtask corpus [--small | --all] [--only NAME]... [--skip NAME]... [--fetch-only | --no-compile]
  (default) the small and medium specs     --small   the small ones only
  --all      the large ones too            --only    just the named specs (any size)
  --skip     leave the named spec out (`--all --skip microsoft-graph`: all but the largest)
  --fetch-only   fetch and check the specs, nothing else
  --no-compile   generate, but do not compile the crates";

/// The arguments `cargo xtask corpus` takes.
pub const SYNTAX: Syntax = Syntax {
    usage: USAGE,
    flags: &[
        Flag::switch("--small"),
        Flag::switch("--all"),
        Flag::value("--only", "a spec name").repeated(),
        Flag::value("--skip", "a spec name").repeated(),
        Flag::switch("--fetch-only"),
        Flag::switch("--no-compile"),
    ],
    operands: &[],
    optional: &[],
};

/// Which specs a run takes, and how far it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The largest size class to run (`None`: small and medium).
    pub up_to: Option<SizeClass>,
    /// Run only these specs, whatever their size.
    pub only: Vec<String>,
    /// Leave these specs out.
    pub skip: Vec<String>,
    /// Stop after fetching.
    pub fetch_only: bool,
    /// Stop after generating.
    pub no_compile: bool,
}

impl Options {
    /// Parses the arguments after `corpus` (see [`SYNTAX`]).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options> {
        let args = SYNTAX.parse(args)?;
        if args.has("--small") && args.has("--all") {
            return Err(args.error("--small and --all go alone"));
        }
        if args.has("--fetch-only") && args.has("--no-compile") {
            return Err(args.error("--fetch-only and --no-compile go alone"));
        }
        let up_to = if args.has("--small") {
            Some(SizeClass::Small)
        } else if args.has("--all") {
            Some(SizeClass::Large)
        } else {
            None
        };
        Ok(Options {
            up_to,
            only: args
                .values("--only")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            skip: args
                .values("--skip")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            fetch_only: args.has("--fetch-only"),
            no_compile: args.has("--no-compile"),
        })
    }

    /// The manifest's specs this run takes, in manifest order.
    pub fn select<'m>(&self, manifest: &'m Manifest) -> Result<Vec<&'m Spec>> {
        let find = |name: &String| match manifest.specs.iter().find(|s| &s.name == name) {
            Some(spec) => Ok(spec),
            None => {
                let known: Vec<&str> = manifest.specs.iter().map(|s| s.name.as_str()).collect();
                bail!(
                    "no spec `{name}` in {}; known: {}",
                    manifest::PATH,
                    known.join(", ")
                )
            }
        };
        for name in &self.skip {
            find(name)?;
        }
        let kept = |spec: &&Spec| !self.skip.contains(&spec.name);
        if !self.only.is_empty() {
            let mut out = Vec::new();
            for name in &self.only {
                out.push(find(name)?);
            }
            return Ok(out.into_iter().filter(kept).collect());
        }
        let up_to = self.up_to.unwrap_or(SizeClass::Medium);
        Ok(manifest
            .specs
            .iter()
            .filter(|s| s.size <= up_to)
            .filter(kept)
            .collect())
    }
}

/// Where the corpus lives: `target/corpus/` and its folders.
#[derive(Debug, Clone)]
pub struct Layout {
    base: PathBuf,
}

impl Layout {
    /// The layout under `root` (the workspace).
    pub fn new(root: &Path) -> Layout {
        Layout::at(root.join("target/corpus"))
    }

    /// A layout in another folder (for tests).
    pub fn at(base: PathBuf) -> Layout {
        Layout { base }
    }

    /// Fetched package archives.
    pub fn packages(&self) -> PathBuf {
        self.base.join("packages")
    }

    /// Extracted, checked specs.
    pub fn specs(&self) -> PathBuf {
        self.base.join("specs")
    }

    /// The file of one extracted spec.
    pub fn spec_file(&self, spec: &Spec) -> PathBuf {
        self.specs()
            .join(format!("{}.{}", spec.name, spec.extension()))
    }

    /// The generated crate of one spec.
    pub fn crate_dir(&self, spec: &Spec) -> PathBuf {
        self.base.join("crates").join(&spec.name)
    }

    /// The run's report.
    pub fn report(&self) -> PathBuf {
        self.base.join("report.md")
    }

    fn create(&self) -> Result<()> {
        for dir in [self.packages(), self.specs(), self.base.join("crates")] {
            fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(())
    }
}

/// How a stage of one spec ended.
#[derive(Debug, Clone)]
pub enum Stage {
    /// Not run (an earlier stage failed, or the options stop before it).
    Skipped,
    /// Done without problems.
    Ok(Duration),
    /// Problems, grouped by kind: their count and the groups.
    Failed(Duration, usize, Vec<Group>),
    /// The generator panicked (a bug: it must report problems, never panic).
    Panicked(Duration, String),
    /// The step could not run at all (fetch failed, cargo missing, ...).
    Error(String),
}

impl Stage {
    /// Whether the stage failed.
    pub fn failed(&self) -> bool {
        matches!(
            self,
            Stage::Failed(..) | Stage::Panicked(..) | Stage::Error(_)
        )
    }
}

/// What happened to one spec.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The spec's manifest entry.
    pub spec: Spec,
    /// Fetching and checking it.
    pub fetch: Stage,
    /// Generating its crate.
    pub generate: Stage,
    /// Compiling the crate.
    pub compile: Stage,
    /// The generator's warnings: how many, grouped by kind.
    pub warnings: (usize, Vec<Group>),
}

impl Outcome {
    /// Whether any stage failed.
    pub fn failed(&self) -> bool {
        self.fetch.failed() || self.generate.failed() || self.compile.failed()
    }
}

/// Runs the corpus; returns each spec's outcome and writes `target/corpus/report.md`.
pub fn run(root: &Path, opts: &Options) -> Result<Vec<Outcome>> {
    let text = fs::read_to_string(root.join(manifest::PATH))
        .with_context(|| format!("reading {}", manifest::PATH))?;
    let manifest = Manifest::parse(manifest::PATH, &text)?;
    let specs = opts.select(&manifest)?;
    let layout = Layout::new(root);
    layout.create()?;
    let mut outcomes = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        eprintln!("[{}/{}] {}", i + 1, specs.len(), spec.name);
        let mut outcome = Outcome {
            spec: (*spec).clone(),
            fetch: Stage::Skipped,
            generate: Stage::Skipped,
            compile: Stage::Skipped,
            warnings: (0, Vec::new()),
        };
        let started = Instant::now();
        outcome.fetch = match fetch::ensure(&layout, &manifest, &[spec]) {
            Ok(()) => Stage::Ok(started.elapsed()),
            Err(e) => Stage::Error(format!("{e:#}")),
        };
        if !outcome.fetch.failed() && !opts.fetch_only {
            (outcome.generate, outcome.warnings) = generate(root, &layout, spec);
            eprintln!("  generate: {}", report::stage_cell(&outcome.generate));
            if matches!(outcome.generate, Stage::Ok(_)) && !opts.no_compile {
                let started = Instant::now();
                outcome.compile = match compile::check(root, &layout.crate_dir(spec)) {
                    Ok(c) if c.ok => Stage::Ok(started.elapsed()),
                    Ok(c) => Stage::Failed(started.elapsed(), c.errors, c.groups),
                    Err(e) => Stage::Error(format!("{e:#}")),
                };
                eprintln!("  compile: {}", report::stage_cell(&outcome.compile));
            }
        } else if let Stage::Error(e) = &outcome.fetch {
            eprintln!("  fetch: {e}");
        }
        outcomes.push(outcome);
    }
    let text = report::render(&outcomes, triage::EXAMPLES);
    fs::write(layout.report(), &text)
        .with_context(|| format!("writing {}", layout.report().display()))?;
    Ok(outcomes)
}

/// Generates one spec's crate into its folder; the generator runs on a thread with a
/// large stack, so that deep specs do not overflow, and a panic is reported, not fatal.
/// Returns the stage and the warnings, grouped.
fn generate(root: &Path, layout: &Layout, spec: &Spec) -> (Stage, (usize, Vec<Group>)) {
    let started = Instant::now();
    let none = (0, Vec::new());
    // A crate from an earlier run must not outlive a spec that no longer generates.
    let _ = fs::remove_dir_all(layout.crate_dir(spec));
    let file = layout.spec_file(spec);
    let shown = file
        .strip_prefix(root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let text = match crate::read_spec(&file, &shown) {
        Ok(t) => t,
        Err(e) => return (Stage::Error(format!("{e:#}")), none),
    };
    let name = spec.crate_name();
    let settings = crate::standalone_settings(&name);
    let thread = std::thread::Builder::new()
        .name(format!("generate {}", spec.name))
        .stack_size(256 << 20)
        .spawn({
            let text = text.clone();
            let root = root.to_path_buf();
            move || crate::generate_spec(&root, &shown, &text, &settings)
        });
    let joined = match thread {
        Ok(handle) => handle.join(),
        Err(e) => {
            return (
                Stage::Error(format!("starting the generator thread: {e}")),
                none,
            )
        }
    };
    let elapsed = started.elapsed();
    let grouped = |list: Vec<Diagnostic>| {
        if list.is_empty() {
            return (0, Vec::new());
        }
        let tree = serde_yaml::from_str::<serde_yaml::Value>(&text).ok();
        (list.len(), triage::group(&list, tree.as_ref()))
    };
    match joined {
        Ok(Ok(generated)) => {
            let dir = layout.crate_dir(spec);
            let warnings = grouped(generated.warnings.iter().cloned().collect());
            match crate::write_crate(root, &dir, &name, &generated) {
                Ok(()) => (Stage::Ok(elapsed), warnings),
                Err(e) => (Stage::Error(format!("{e:#}")), warnings),
            }
        }
        Ok(Err(diagnostics)) => {
            let errors: Vec<Diagnostic> = diagnostics.errors().cloned().collect();
            let warnings = grouped(diagnostics.warnings().cloned().collect());
            let (count, groups) = grouped(errors);
            (Stage::Failed(elapsed, count, groups), warnings)
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic without a message".into());
            (Stage::Panicked(elapsed, message), none)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(name: &str) -> Spec {
        Spec {
            name: name.into(),
            about: String::new(),
            package: "p".into(),
            path: format!("package/{name}.yaml"),
            sha256: String::new(),
            openapi: "3.0.3".into(),
            size: SizeClass::Small,
            operations: 1,
            bytes: 0,
        }
    }

    #[test]
    fn generate_writes_a_crate_or_sorts_the_problems() {
        let root = crate::workspace_root();
        let base = std::env::temp_dir().join(format!("corpus-generate-{}", std::process::id()));
        let layout = Layout::at(base.clone());
        layout.create().expect("folders");
        let ok = tiny("tiny");
        let head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        '200':\n          description: ok\n";
        fs::write(layout.spec_file(&ok), head).expect("spec");
        let (stage, warnings) = generate(&root, &layout, &ok);
        assert!(matches!(stage, Stage::Ok(_)), "{stage:?}");
        assert_eq!(warnings.0, 0);
        let lib = fs::read_to_string(layout.crate_dir(&ok).join("src/lib.rs")).expect("lib.rs");
        assert!(lib.contains("pub fn ping(&self)"), "{lib}");
        let manifest =
            fs::read_to_string(layout.crate_dir(&ok).join("Cargo.toml")).expect("manifest");
        assert!(manifest.contains("name = \"tiny-client\""), "{manifest}");

        let bad = tiny("dangling");
        let text = format!("{head}          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Gone'}}\n");
        fs::write(layout.spec_file(&bad), text).expect("spec");
        let (stage, _) = generate(&root, &layout, &bad);
        let Stage::Failed(_, 1, groups) = &stage else {
            panic!("one problem: {stage:?}")
        };
        assert_eq!(groups[0].kind, "unknown `…`: there is no `…`");
        assert!(
            groups[0].examples[0].contains("dangling.yaml:12:24 (at /paths/~1ping/get/responses/200/content/application~1json/schema/$ref)"),
            "{:?}",
            groups[0].examples
        );
        assert!(
            !layout.crate_dir(&bad).exists(),
            "no crate for a failed spec"
        );
        let _ = fs::remove_dir_all(&base);
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_select_by_size_or_name() {
        let root = crate::workspace_root();
        let text = fs::read_to_string(root.join(manifest::PATH)).expect("manifest");
        let m = Manifest::parse(manifest::PATH, &text).expect("valid manifest");
        let names = |o: &Options| -> Vec<String> {
            o.select(&m)
                .expect("select")
                .iter()
                .map(|s| s.name.clone())
                .collect()
        };
        let default = Options::parse(args(&[])).expect("no options");
        let small = Options::parse(args(&["--small"])).expect("--small");
        let all = Options::parse(args(&["--all"])).expect("--all");
        assert!(names(&small).contains(&"petstore".to_owned()));
        assert!(!names(&small).contains(&"stripe".to_owned()));
        assert!(names(&default).contains(&"stripe".to_owned()));
        assert!(!names(&default).contains(&"github".to_owned()));
        assert_eq!(names(&all).len(), m.specs.len());
        let only = Options::parse(args(&["--only", "github", "--only", "uspto"])).expect("--only");
        assert_eq!(names(&only), ["github", "uspto"]);
        let skip = Options::parse(args(&["--all", "--skip", "microsoft-graph"])).expect("--skip");
        assert_eq!(names(&skip).len(), m.specs.len() - 1);
        assert!(!names(&skip).contains(&"microsoft-graph".to_owned()));
        assert!(names(&skip).contains(&"github".to_owned()));
        let err = Options::parse(args(&["--skip", "graph"]))
            .expect("parses")
            .select(&m)
            .expect_err("unknown");
        assert!(err.to_string().starts_with("no spec `graph` in"), "{err}");
        let err = Options::parse(args(&["--only", "nope"]))
            .expect("parses")
            .select(&m)
            .expect_err("unknown");
        assert!(
            err.to_string()
                .starts_with("no spec `nope` in xtask/corpus.yaml; known: petstore,"),
            "{err}"
        );
        assert!(Options::parse(args(&["--small", "--all"])).is_err());
        assert!(Options::parse(args(&["--only"])).is_err());
        assert!(Options::parse(args(&["--fast"])).is_err());
        let error = |list: &[&str]| {
            let error = Options::parse(args(list)).expect_err("an error");
            let text = error.to_string();
            assert!(text.ends_with(&format!("\n{USAGE}")), "{text}");
            text.lines().next().unwrap_or_default().to_owned()
        };
        assert_eq!(error(&["--small", "--all"]), "--small and --all go alone");
        assert_eq!(
            error(&["--no-compile", "--fetch-only"]),
            "--fetch-only and --no-compile go alone"
        );
        assert_eq!(error(&["--only"]), "--only needs a spec name");
        assert_eq!(error(&["--fast"]), "unknown option --fast");
        assert_eq!(error(&["stripe"]), "unexpected argument stripe");
    }
}
