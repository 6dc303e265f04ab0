//! `cargo xtask bench-codegen load`: what the parsed spec costs in memory against its
//! text, and where the time of one generation goes on one thread, phase by phase.
//!
//! Each spec is measured in a child process of its own (`bench-codegen load-one`), so
//! that one spec's heap does not carry into the next. The tree's size is counted two
//! ways: its allocations, added up from the tree itself ([`Value::heap_bytes`]: exact
//! sizes, without the allocator's own few bytes per block), and the growth of the
//! process's resident memory across the parse (everything, allocator included, and
//! whatever the parser freed but the allocator kept). The growth is also measured for
//! serde_yaml's own tree, the one the loader held before.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use meterage_codegen::yaml::Value;
use meterage_codegen::{bundle, diagnostics, downgrade, emit, format, lint, load, lower};
use meterage_codegen::{provenance, Settings, SpecSource};
use xtask::args::{Flag, Syntax};

/// Usage of `cargo xtask bench-codegen load`.
pub const USAGE: &str = "usage:
  cargo xtask bench-codegen load [--sizes 1000,10000] [--spec FILE]... [--runs 3] [--out DIR]
      per synthetic size and per --spec: the parsed tree's bytes against the text's, and
      the time of each phase of one generation on one thread (parse, lint+bundle, typed
      document, lower, emit, format), the median of --runs runs with their range";

const SYNTAX: Syntax = Syntax {
    usage: USAGE,
    flags: &[
        Flag::value("--sizes", "numbers (1000,10000)"),
        Flag::value("--spec", "a file").repeated(),
        Flag::value("--runs", "a number"),
        Flag::value("--out", "a directory"),
    ],
    operands: &[],
    optional: &[],
};

/// The phases timed, in order.
const PHASES: [&str; 6] = ["parse", "lint+bundle", "typed", "lower", "emit", "format"];

/// One child's report.
#[derive(Debug, Clone, Default)]
struct Measured {
    text: u64,
    /// The compact tree's own count of its allocations (with its root).
    tree: u64,
    /// Resident memory grown across the compact parse.
    tree_rss: u64,
    /// Resident memory grown across serde_yaml's parse of the same text.
    serde_yaml_rss: u64,
    seconds: [f64; 6],
}

/// Runs `bench-codegen load`.
pub fn run(root: &Path, args: Vec<String>) -> Result<()> {
    let args = SYNTAX.parse(args)?;
    let sizes: Vec<usize> = match args.value("--sizes") {
        Some(list) => list
            .split(',')
            .map(|s| s.trim().parse().context("--sizes takes numbers"))
            .collect::<Result<_>>()?,
        None => vec![1000, 10000],
    };
    let runs = args.parsed::<usize>("--runs")?.unwrap_or(3).max(1);
    let out = args
        .value("--out")
        .map_or_else(|| root.join("target/bench-codegen"), PathBuf::from);
    fs::create_dir_all(&out)?;
    let mut inputs: Vec<(String, PathBuf)> = Vec::new();
    for n in sizes {
        let spec = out.join(format!("synthetic-{n}.yaml"));
        fs::write(&spec, super::synthetic_spec(n))?;
        inputs.push((format!("synthetic {n}"), spec));
    }
    for spec in args.values("--spec") {
        let name = Path::new(&spec)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec")
            .to_owned();
        inputs.push((name, PathBuf::from(spec)));
    }
    let me = std::env::current_exe().context("locating the xtask binary")?;
    let mut report = String::from(
        "| spec | text MiB | tree MiB (counted) | tree / text | tree RSS / text | serde_yaml tree RSS / text |",
    );
    let mut times = format!(
        "| spec | {} | total |\n|---|{}---:|",
        PHASES.join(" s | ") + " s",
        "---:|".repeat(PHASES.len())
    );
    report.push_str("\n|---|---:|---:|---:|---:|---:|");
    for (name, spec) in &inputs {
        let mut all = Vec::new();
        for round in 1..=runs {
            let child = |extra: &[&str]| -> Result<String> {
                let output = Command::new(&me)
                    .arg("bench-codegen")
                    .arg("load-one")
                    .arg(spec)
                    .args(extra)
                    .output()
                    .context("running bench-codegen load-one")?;
                if !output.status.success() {
                    bail!("{name}: {}", String::from_utf8_lossy(&output.stderr).trim());
                }
                Ok(String::from_utf8_lossy(&output.stdout).into_owned())
            };
            let report = child(&[])? + &child(&["serde_yaml"])?;
            let m = parse_report(&report)?;
            eprintln!("round {round}, {name}: {m:?}");
            all.push(m);
        }
        let first = &all[0];
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let ratio = |b: u64| b as f64 / first.text as f64;
        let median_of = |f: &dyn Fn(&Measured) -> u64| {
            let mut v: Vec<u64> = all.iter().map(f).collect();
            v.sort_unstable();
            v[v.len() / 2]
        };
        let _ = write!(
            report,
            "\n| {name} | {:.1} | {:.1} | {:.1}x | {:.1}x | {:.1}x |",
            mib(first.text),
            mib(first.tree),
            ratio(first.tree),
            ratio(median_of(&|m| m.tree_rss)),
            ratio(median_of(&|m| m.serde_yaml_rss)),
        );
        let _ = write!(times, "\n| {name} |");
        for phase in 0..PHASES.len() {
            let v = all.iter().map(|m| m.seconds[phase]).collect();
            let _ = write!(times, " {} |", median_range(v));
        }
        let totals = all.iter().map(|m| m.seconds.iter().sum()).collect();
        let _ = write!(times, " {} |", median_range(totals));
    }
    let report =
        format!("{report}\n\nOne thread, by phase (median of {runs}, range):\n\n{times}\n");
    println!("{report}");
    fs::write(out.join("load-report.md"), &report)?;
    Ok(())
}

/// The median of `v` with its range, in seconds.
fn median_range(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!("{:.3} ({:.3}–{:.3})", v[v.len() / 2], v[0], v[v.len() - 1])
}

fn parse_report(text: &str) -> Result<Measured> {
    let mut m = Measured::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(' ') else {
            continue;
        };
        match key {
            "text" => m.text = value.parse()?,
            "tree" => m.tree = value.parse()?,
            "tree_rss" => m.tree_rss = value.parse()?,
            "serde_yaml_rss" => m.serde_yaml_rss = value.parse()?,
            "seconds" => {
                for (slot, v) in m.seconds.iter_mut().zip(value.split(' ')) {
                    *slot = v.parse()?;
                }
            }
            _ => {}
        }
    }
    Ok(m)
}

/// Resident memory of this process now, in bytes.
fn rss() -> Result<u64> {
    let status = fs::read_to_string("/proc/self/status")?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS in /proc/self/status")?;
    Ok(kib * 1024)
}

/// The measured child: one spec, printed as `key value` lines; with `serde_yaml_tree`,
/// only the growth of resident memory across serde_yaml's parse of it.
pub fn one(spec: &Path, serde_yaml_tree: bool) -> Result<()> {
    let text = fs::read_to_string(spec).with_context(|| format!("reading {}", spec.display()))?;
    let shown = spec.display().to_string();
    let source = SpecSource {
        path: &shown,
        text: &text,
    };
    if serde_yaml_tree {
        // serde_yaml's tree alone, in a process of its own.
        let before = rss()?;
        let theirs = if text.trim_start().starts_with('{') {
            serde_json::from_str::<serde_yaml::Value>(&text).ok()
        } else {
            serde_yaml::from_str::<serde_yaml::Value>(&text).ok()
        };
        println!("serde_yaml_rss {}", rss()?.saturating_sub(before));
        drop(theirs);
        return Ok(());
    }
    let mut seconds = [0f64; 6];
    let mut clock = Instant::now();
    let mut lap = |slot: usize, clock: &mut Instant| {
        seconds[slot] = clock.elapsed().as_secs_f64();
        *clock = Instant::now();
    };
    let before = rss()?;
    let mut tree = load::parse(&source).map_err(|d| anyhow::anyhow!("{d}"))?;
    let tree_rss = rss()?.saturating_sub(before);
    let tree_bytes = tree.heap_bytes() + std::mem::size_of::<Value>();
    lap(0, &mut clock);
    let mut sink = diagnostics::Sink::new(source.path);
    lint::unknown_keys(&tree, &mut sink);
    let _downgraded = downgrade::downgrade(&mut tree, &mut sink);
    provenance::transcription_rules(&tree, &mut sink);
    let _bundled = bundle::bundle(&mut tree, source.path, &bundle::NoFiles, &mut sink);
    let untyped = load::untyped(&tree);
    lap(1, &mut clock);
    let doc = load::typed(&source, tree).map_err(|d| anyhow::anyhow!("{d}"))?;
    lap(2, &mut clock);
    let api = lower::lower(&doc, &untyped, source.path, &mut sink);
    drop(doc);
    lap(3, &mut clock);
    let settings = Settings::default();
    let module = emit::Module::new(&api, &settings);
    let parts = module.parts();
    let emitting = AtomicU64::new(0);
    let make = |i: usize| {
        let start = Instant::now();
        let piece = module.piece(parts[i]);
        emitting.fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        piece
    };
    let workers = format::Workers {
        threads: 1,
        ..format::Workers::available()
    };
    let formatted = format::format_parallel(source.path, parts.len(), &make, workers)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let both = clock.elapsed().as_secs_f64();
    let emitted = Duration::from_nanos(emitting.load(Ordering::Relaxed)).as_secs_f64();
    seconds[4] = emitted;
    seconds[5] = both - emitted;
    drop(formatted);
    println!("text {}", text.len());
    println!("tree {tree_bytes}");
    println!("tree_rss {tree_rss}");
    println!("seconds {}", seconds.map(|s| format!("{s:.4}")).join(" "));
    Ok(())
}
