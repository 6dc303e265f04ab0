//! `cargo xtask bench-codegen`: generation time, peak memory and `cargo check` cost of
//! the generated code, on synthetic specs of growing size and on any real spec given.
//!
//! Each generation runs in a child process under `/usr/bin/time -v`, whose "Maximum
//! resident set size" is the peak memory reported. Nothing here runs under `cargo test`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use xtask::args::{Flag, Syntax};

mod load;

/// Usage of `cargo xtask bench-codegen`.
pub const USAGE: &str = "usage:
  cargo xtask bench-codegen [--sizes 10,100,1000,10000] [--spec FILE]... [--progenitor BIN]
                            [--check-size N] [--runs 3] [--threads N] [--out DIR]
      generation time (wall and CPU) and peak memory (max RSS, /usr/bin/time -v) per
      synthetic spec size and per --spec, the median of --runs runs (with their range);
      `cargo check` time, peak memory and lines per operation of the N-operation crate,
      --runs rounds; with --progenitor, the same for the progenitor harness
      (bench/progenitor), in the same rounds; --threads formats on N threads instead of
      one per core
  cargo xtask bench-codegen synthetic N FILE
      write the synthetic spec of N operations to FILE
  cargo xtask bench-codegen load [--sizes 1000,10000] [--spec FILE]... [--runs 3]
      the parsed tree's size against the text's, and one thread's time by phase";

/// The arguments of `cargo xtask bench-codegen`.
const SYNTAX: Syntax = Syntax {
    usage: USAGE,
    flags: &[
        Flag::value("--sizes", "numbers (10,100)"),
        Flag::value("--spec", "a file").repeated(),
        Flag::value("--progenitor", "a program"),
        Flag::value("--check-size", "a number"),
        Flag::value("--runs", "a number"),
        Flag::value("--threads", "a number"),
        Flag::value("--out", "a directory"),
    ],
    operands: &[],
    optional: &[],
};

/// The arguments of `cargo xtask bench-codegen synthetic`.
const SYNTHETIC: Syntax = Syntax {
    usage: USAGE,
    flags: &[],
    operands: &["N", "FILE"],
    optional: &[],
};

/// The synthetic spec of `ops` operations: each a GET with a path parameter and two
/// query parameters (an integer with bounds and a string enum), answering with an object
/// that refers to an enum and a second object: three component schemas per operation.
pub fn synthetic_spec(ops: usize) -> String {
    let mut s = String::with_capacity(ops * 1200);
    s.push_str(
        "openapi: 3.0.3\ninfo:\n  title: Synthetic\n  version: '1'\nservers:\n  - url: https://api.example.com\npaths:\n",
    );
    for i in 0..ops {
        let _ = write!(
            s,
            "  /things{i}/{{id}}:
    get:
      operationId: getThing{i}
      summary: Reads thing {i}.
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
        - name: limit
          in: query
          schema:
            type: integer
            format: int32
            minimum: 1
            maximum: 100
        - name: status
          in: query
          schema:
            $ref: '#/components/schemas/Thing{i}Status'
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing{i}'
"
        );
    }
    s.push_str("components:\n  schemas:\n");
    for i in 0..ops {
        let _ = write!(
            s,
            "    Thing{i}:
      type: object
      required: [id]
      properties:
        id:
          type: string
        name:
          type: string
        status:
          $ref: '#/components/schemas/Thing{i}Status'
        meta:
          $ref: '#/components/schemas/Thing{i}Meta'
    Thing{i}Status:
      type: string
      enum: [active, retired]
    Thing{i}Meta:
      type: object
      properties:
        created:
          type: string
        count:
          type: integer
          format: int64
"
        );
    }
    s
}

/// One measured run of a generator.
#[derive(Debug, Clone)]
struct Run {
    seconds: f64,
    /// The fastest and slowest of the runs this one is the median of.
    range: (f64, f64),
    max_rss_kib: u64,
    /// User and system CPU seconds of the process and its children (the machine's other
    /// load does not count here: steadier than wall time on a shared machine).
    cpu: f64,
    /// The CPU seconds of the runs this one is the median of, fastest and slowest.
    cpu_range: (f64, f64),
    ok: bool,
    lines: usize,
    phases: String,
}

struct Options {
    sizes: Vec<usize>,
    specs: Vec<PathBuf>,
    progenitor: Option<PathBuf>,
    check_size: Option<usize>,
    runs: usize,
    threads: Option<usize>,
    out: PathBuf,
}

/// Runs the benchmark command with its arguments.
pub fn run(root: &Path, args: Vec<String>) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("load") => return load::run(root, args.into_iter().skip(1).collect()),
        Some("load-one") => {
            let spec = args.get(1).context(load::USAGE)?;
            return load::one(Path::new(spec), args.get(2).is_some());
        }
        _ => {}
    }
    if args.first().map(String::as_str) == Some("synthetic") {
        let args = SYNTHETIC.parse(args.into_iter().skip(1))?;
        let (Some(n), [_, file]) = (args.operand::<usize>(0)?, args.operands.as_slice()) else {
            bail!("{USAGE}");
        };
        fs::write(file, synthetic_spec(n)).with_context(|| format!("writing {file}"))?;
        return Ok(());
    }
    let opts = options(root, args)?;
    fs::create_dir_all(&opts.out)?;
    let me = std::env::current_exe().context("locating the xtask binary")?;
    let mut report = String::new();
    let _ = writeln!(
        report,
        "| spec | operations | meterage s | meterage max RSS MiB | meterage lines | progenitor s | progenitor max RSS MiB | progenitor lines | meterage CPU s | progenitor CPU s | CPU ratio | CPU ratio per line |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut inputs: Vec<(String, usize, PathBuf)> = Vec::new();
    for &n in &opts.sizes {
        let spec = opts.out.join(format!("synthetic-{n}.yaml"));
        fs::write(&spec, synthetic_spec(n))?;
        inputs.push((format!("synthetic {n}"), n, spec));
    }
    for spec in &opts.specs {
        let name = spec
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec")
            .to_owned();
        inputs.push((name, 0, spec.clone()));
    }
    // Rounds over every input, so that each round measures all sizes under the same
    // conditions and the growth between two sizes is read within a round.
    let threads = opts.threads.map(|t| t.to_string());
    let mut mine_runs: Vec<Vec<Run>> = vec![Vec::new(); inputs.len()];
    let mut their_runs: Vec<Vec<Run>> = vec![Vec::new(); inputs.len()];
    for round in 1..=opts.runs {
        for (i, (name, _, spec)) in inputs.iter().enumerate() {
            let out = opts.out.join(format!("meterage-{}", slug(name)));
            let mut args = vec![
                "bench-codegen-one".as_ref(),
                spec.as_os_str(),
                out.as_os_str(),
            ];
            args.extend(threads.as_deref().map(std::ffi::OsStr::new));
            let mine = measure(&me, &args)?;
            let other = match &opts.progenitor {
                Some(bin) => {
                    let out = opts.out.join(format!("progenitor-{}", slug(name)));
                    Some(measure(bin, &[spec.as_os_str(), out.as_os_str()])?)
                }
                None => None,
            };
            eprintln!(
                "round {round}, {name}: meterage {:.3} s ({:.3} s CPU), {} KiB, {} lines ({}); progenitor {}",
                mine.seconds,
                mine.cpu,
                mine.max_rss_kib,
                mine.lines,
                mine.phases,
                other.as_ref().map_or("-".into(), |o| format!(
                    "{:.3} s ({:.3} s CPU), {} KiB{}",
                    o.seconds,
                    o.cpu,
                    o.max_rss_kib,
                    if o.ok { "" } else { ", failed" }
                )),
            );
            mine_runs[i].push(mine);
            their_runs[i].extend(other);
        }
    }
    let range = |r: &Run| format!("{:.3} ({:.3}–{:.3})", r.seconds, r.range.0, r.range.1);
    let mib = |r: &Run| format!("{:.0}", r.max_rss_kib as f64 / 1024.0);
    let cpu = |r: &Run| format!("{:.3} ({:.3}–{:.3})", r.cpu, r.cpu_range.0, r.cpu_range.1);
    for (i, (name, n, _)) in inputs.iter().enumerate() {
        let Some(mine) = median(&mine_runs[i]) else {
            continue;
        };
        let other = median(&their_runs[i]);
        let _ = writeln!(
            report,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            if *n > 0 { n.to_string() } else { "-".into() },
            cell(&mine, range),
            cell(&mine, mib),
            mine.lines,
            other.as_ref().map_or("-".into(), |o| cell(o, range)),
            other.as_ref().map_or("-".into(), |o| cell(o, mib)),
            other.as_ref().map_or("-".into(), |o| o.lines.to_string()),
            cell(&mine, cpu),
            other.as_ref().map_or("-".into(), |o| cell(o, cpu)),
            cpu_ratio(&mine_runs[i], &their_runs[i], |r| r.cpu).unwrap_or_else(|| "-".into()),
            cpu_ratio(&mine_runs[i], &their_runs[i], |r| r.cpu
                / r.lines.max(1) as f64)
            .unwrap_or_else(|| "-".into()),
        );
    }
    let _ = writeln!(
        report,
        "\nGrowth between sizes: the median over the rounds of the ratio within a round, \
         with its range (time; peak memory):\n"
    );
    let sized: Vec<usize> = (0..inputs.len()).filter(|&i| inputs[i].1 > 0).collect();
    for pair in sized.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let theirs = if their_runs[a].iter().chain(&their_runs[b]).all(|r| r.ok) {
            growth(&their_runs[a], &their_runs[b])
                .map(|g| format!("; progenitor {g}"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let _ = writeln!(
            report,
            "- {} -> {}: meterage {}{theirs}",
            inputs[a].1,
            inputs[b].1,
            growth(&mine_runs[a], &mine_runs[b]).unwrap_or_default(),
        );
    }
    if let Some(n) = opts.check_size {
        check_report(&mut report, &opts, &me, root, n)?;
    }
    println!("{report}");
    fs::write(opts.out.join("report.md"), &report)?;
    eprintln!("written to {}", opts.out.join("report.md").display());
    Ok(())
}

/// The `cargo check` section of the report: both crates of `synthetic n` written and
/// their dependencies built, then `--runs` rounds, each timing meterage's crate and then
/// progenitor's (the crate alone: its source rewritten, its dependencies fresh).
fn check_report(
    report: &mut String,
    opts: &Options,
    me: &Path,
    root: &Path,
    n: usize,
) -> Result<()> {
    let spec = opts.out.join(format!("synthetic-{n}.yaml"));
    fs::write(&spec, synthetic_spec(n))?;
    let dir = opts.out.join(format!("check-meterage-{n}"));
    let _ = fs::remove_dir_all(&dir);
    let status = Command::new(me)
        .args(["generate", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(&dir)
        .args(["--name", "synthetic-client"])
        .status()?;
    if !status.success() {
        bail!("generating the check crate failed");
    }
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut crates = vec![("meterage", dir)];
    if let Some(bin) = &opts.progenitor {
        let dir = opts.out.join(format!("check-progenitor-{n}"));
        let _ = fs::remove_dir_all(&dir);
        let r = measure(bin, &[spec.as_os_str(), dir.as_os_str()])?;
        if r.ok {
            crates.push(("progenitor 0.15", dir));
        }
    }
    for (_, dir) in &crates {
        if !check_command(dir).status()?.success() {
            bail!("cargo check of {} failed", dir.display());
        }
    }
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); crates.len()];
    for round in 1..=opts.runs {
        for (i, (name, dir)) in crates.iter().enumerate() {
            let run = time_check(dir)?;
            eprintln!(
                "round {round}, cargo check {name}: {:.2} s, CPU {:.2} s, {} KiB",
                run.seconds, run.cpu, run.max_rss_kib
            );
            runs[i].push(run);
        }
    }
    let _ = writeln!(
        report,
        "\n`cargo check` of the generated crate, {n} operations (dependencies built first; the crate alone timed; median of {} rounds, range in brackets; lines: `src/lib.rs`, what a build with default features reads, without meterage's `src/cli.rs`, read only with the feature `cli`):\n",
        opts.runs
    );
    let _ = writeln!(
        report,
        "| generator | lines | lines/op | check s | check ms/op | check CPU s | max RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for ((name, dir), runs) in crates.iter().zip(&runs) {
        let lines = fs::read_to_string(dir.join("src/lib.rs"))?.lines().count();
        let Some(m) = median(runs) else { continue };
        let mut cpu: Vec<f64> = runs.iter().map(|r| r.cpu).collect();
        cpu.sort_by(f64::total_cmp);
        let _ = writeln!(
            report,
            "| {name} | {lines} | {:.0} | {:.2} ({:.2}–{:.2}) | {:.2} | {:.2} ({:.2}–{:.2}) | {:.0} |",
            lines as f64 / n as f64,
            m.seconds,
            m.range.0,
            m.range.1,
            m.seconds * 1000.0 / n as f64,
            cpu[cpu.len() / 2],
            cpu[0],
            cpu[cpu.len() - 1],
            m.max_rss_kib as f64 / 1024.0
        );
    }
    if let [mine, theirs] = runs.as_slice() {
        for (what, of) in [
            ("wall time", (|r: &Run| r.seconds) as fn(&Run) -> f64),
            ("CPU time", |r: &Run| r.cpu),
        ] {
            let mut ratios: Vec<f64> = mine
                .iter()
                .zip(theirs)
                .map(|(a, b)| of(a) / of(b))
                .collect();
            ratios.sort_by(f64::total_cmp);
            if let (Some(low), Some(high)) = (ratios.first(), ratios.last()) {
                let _ = writeln!(
                    report,
                    "\nmeterage / progenitor `cargo check` {what}, within a round: {:.2}x ({low:.2}–{high:.2}x)",
                    ratios[ratios.len() / 2]
                );
            }
        }
    }
    Ok(())
}

/// `cargo check --quiet` of the crate in `dir`, into the target directory `check-target`
/// beside it, which outlives the crate (written anew by each run of the benchmark), so
/// that dependencies are built once. Incremental compilation is off: with it, checking
/// the same text again reuses the first check's results and times a fraction of the
/// work (a first check of a crate, as a consumer's build does it, has no such cache).
fn check_command(dir: &Path) -> Command {
    let target = dir.parent().unwrap_or(dir).join("check-target");
    let mut c = xtask::cargo();
    c.arg("check")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0");
    c
}

/// One timed `cargo check` of the crate in `dir` after rewriting its source (same text,
/// new mtime), under `/usr/bin/time -v`: the peak memory is rustc's.
fn time_check(dir: &Path) -> Result<Run> {
    let lib = dir.join("src/lib.rs");
    let text = fs::read(&lib)?;
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(&lib, text)?;
    let cargo = check_command(dir);
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-v")
        .arg(cargo.get_program())
        .args(cargo.get_args());
    for (key, value) in cargo.get_envs() {
        if let Some(value) = value {
            timed.env(key, value);
        }
    }
    let run = measure_command(timed)?;
    if !run.ok {
        bail!("cargo check of {} failed", dir.display());
    }
    Ok(run)
}

fn cell(run: &Run, f: impl Fn(&Run) -> String) -> String {
    if run.ok {
        f(run)
    } else {
        format!("fails ({})", f(run))
    }
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The run of median time among `runs`, with the range of their times; `None` for none.
/// Its CPU time is the median of theirs, with their range.
fn median(runs: &[Run]) -> Option<Run> {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let (first, last) = (sorted.first()?, sorted.last()?);
    let mut run = sorted[sorted.len() / 2].clone();
    run.range = (first.seconds, last.seconds);
    let mut cpu: Vec<f64> = runs.iter().map(|r| r.cpu).collect();
    cpu.sort_by(f64::total_cmp);
    run.cpu = cpu[cpu.len() / 2];
    run.cpu_range = (cpu[0], cpu[cpu.len() - 1]);
    Some(run)
}

/// meterage's CPU time over progenitor's, round by round, as `of` reads it from a run
/// (the CPU time, or the CPU time per line written): the median and range. `None` when
/// no round has both runs and a non-zero ratio (a run too short to be timed).
fn cpu_ratio(mine: &[Run], theirs: &[Run], of: impl Fn(&Run) -> f64) -> Option<String> {
    let mut ratios: Vec<f64> = mine
        .iter()
        .zip(theirs)
        .filter(|(a, b)| a.ok && b.ok && of(b) > 0.0)
        .map(|(a, b)| of(a) / of(b))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let (low, high) = (ratios.first()?, ratios.last()?);
    Some(format!(
        "{:.2}x ({low:.2}–{high:.2}x)",
        ratios[ratios.len() / 2]
    ))
}

/// The growth from the runs `a` to the runs `b`, round by round: the median time ratio
/// with its range, and the median peak-memory ratio.
fn growth(a: &[Run], b: &[Run]) -> Option<String> {
    let mut time: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| b.seconds / a.seconds)
        .collect();
    let mut memory: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| b.max_rss_kib as f64 / a.max_rss_kib as f64)
        .collect();
    time.sort_by(f64::total_cmp);
    memory.sort_by(f64::total_cmp);
    let (low, high) = (time.first()?, time.last()?);
    Some(format!(
        "{:.1}x ({low:.1}–{high:.1}x); {:.1}x",
        time[time.len() / 2],
        memory[memory.len() / 2]
    ))
}

/// Runs `bin args` under `/usr/bin/time -v`: wall time, CPU time and maximum resident
/// set size.
fn measure(bin: &Path, args: &[&std::ffi::OsStr]) -> Result<Run> {
    let mut command = Command::new("/usr/bin/time");
    command.arg("-v").arg(bin).args(args);
    measure_command(command)
}

/// Runs `command` (a `/usr/bin/time -v` of something): wall time and maximum resident
/// set size.
fn measure_command(mut command: Command) -> Result<Run> {
    let start = Instant::now();
    let output = command
        .output()
        .context("running /usr/bin/time (apt-get install time)")?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let max_rss_kib = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .context("no maximum resident set size in /usr/bin/time's report")?;
    let seconds_of = |label: &str| -> f64 {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0.0)
    };
    let cpu = seconds_of("User time (seconds): ") + seconds_of("System time (seconds): ");
    let ok = output.status.success();
    if !ok {
        let first: Vec<&str> = stderr.lines().take(3).collect();
        eprintln!(
            "{} failed: {}",
            command
                .get_args()
                .nth(1)
                .unwrap_or_default()
                .to_string_lossy(),
            first.join(" | ")
        );
    }
    let lines = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    let phases = stderr
        .lines()
        .find_map(|l| l.strip_prefix("phases: "))
        .unwrap_or_default()
        .to_owned();
    Ok(Run {
        seconds,
        range: (seconds, seconds),
        max_rss_kib,
        cpu,
        cpu_range: (cpu, cpu),
        ok,
        lines,
        phases,
    })
}

/// Generates one spec into `out` (the measured child of `bench-codegen`), formatting on
/// `threads` threads (else one per core); prints the number of lines written, and the
/// time of each phase to stderr.
pub fn generate_one(spec: &Path, out: &Path, threads: Option<usize>) -> Result<()> {
    let text = fs::read_to_string(spec).with_context(|| format!("reading {}", spec.display()))?;
    let shown = spec.display().to_string();
    let source = meterage_codegen::SpecSource {
        path: &shown,
        text: &text,
    };
    let start = Instant::now();
    let api = meterage_codegen::lower_spec(&source).map_err(|d| {
        let report = d.to_string();
        let head: Vec<&str> = report.lines().take(5).collect();
        anyhow::anyhow!("{} problems, first: {}", d.len(), head.join("\n"))
    })?;
    let lowered = start.elapsed();
    let settings = meterage_codegen::Settings::default();
    let mut workers = meterage_codegen::format::Workers::available();
    if let Some(threads) = threads {
        workers.threads = threads;
    }
    let module = meterage_codegen::emit_and_format_with(&api, &settings, workers)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    let formatted = start.elapsed();
    fs::write(out, &module)?;
    eprintln!(
        "phases: load+lint+lower {:.3} s, emit+format {:.3} s",
        lowered.as_secs_f64(),
        (formatted - lowered).as_secs_f64()
    );
    println!("{}", module.lines().count());
    Ok(())
}

fn options(root: &Path, args: Vec<String>) -> Result<Options> {
    let args = SYNTAX.parse(args)?;
    let sizes = match args.value("--sizes") {
        Some(list) => list
            .split(',')
            .map(|s| s.trim().parse().context("--sizes takes numbers"))
            .collect::<Result<_>>()?,
        None => vec![10, 100, 1000, 10000],
    };
    Ok(Options {
        sizes,
        specs: args
            .values("--spec")
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        progenitor: args.value("--progenitor").map(PathBuf::from),
        check_size: args.parsed("--check-size")?,
        runs: args.parsed::<usize>("--runs")?.unwrap_or(3).max(1),
        threads: args.parsed("--threads")?,
        out: args
            .value("--out")
            .map_or_else(|| root.join("target/bench-codegen"), PathBuf::from),
    })
}
