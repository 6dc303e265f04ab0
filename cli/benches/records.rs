//! The command line against the floor: `meterage kaopuyun describe-flow-bills` to JSON
//! Lines and `meterage sync` into SQLite, against the same Kaopuyun flow bills from the
//! same fake through the Rust API (`describe_flow_bills().items()`) into a `Vec`.
//!
//! The JSON Lines run is the `meterage` binary itself (`-q -o FILE`, its client from
//! the environment), in its own process against the fake this process serves: its
//! time includes starting the process, its peak memory is its own.
//!
//! Each measurement runs in a child process (this binary again) holding the fake
//! server, so its peak resident set (`VmHWM`) is its own: wall time and peak memory at
//! 10,000 and 100,000 records, and the ratio of the times in the same run. Both sides
//! page with the API's default page size; the sync fetches four pages ahead, the floor
//! is measured both as `items()` (one page at a time) and `items().prefetch(4)`.
//!
//! `cargo bench -p meterage-cli --bench records [-- --runs N]` (release build). Figures go
//! to BENCHMARKS.md. Nothing here asserts a time.

use std::process::Command;
use std::time::{Duration, Instant};

use meterage_cli::sync::{self, Batch, Options, Runner};
use meterage_clients::kaopuyun;
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::TryStreamExt;
use meterage_runtime::describe::{Api, Args, OperationInfo, RunError, Sink};
use meterage_tests::kaopuyun as fake;

/// The variable that makes this binary one measurement: `vec N`, `vec4 N`, `jsonl N`
/// or `sqlite N`.
const CHILD: &str = "METERAGE_BENCH_SYNC";

fn main() {
    if let Ok(what) = std::env::var(CHILD) {
        let (mode, records) = what.split_once(' ').expect("MODE N");
        let records: u64 = records.parse().expect("a record count");
        let (elapsed, peak) = if mode == "jsonl" {
            // The binary's own peak, not this process's (which serves the fake).
            command_line(records)
        } else {
            (measure(mode, records), peak_rss_kib().unwrap_or(0))
        };
        println!("{} {}", elapsed.as_secs_f64(), peak);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|at| args.get(at + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    println!(
        "## meterage to JSON Lines and sync into SQLite against the Rust API into a Vec (Kaopuyun, pages of 10)"
    );
    println!("median of {runs} runs, each in its own process with the fake server; the sync");
    println!("fetches 4 pages ahead; the floor both as items() (one page at a time) and");
    println!("items().prefetch(4)");
    println!();
    println!(
        "| records | Vec s | Vec prefetch(4) s | JSON Lines s | JSON Lines ratio | JSON Lines ratio to prefetch(4) | SQLite s | ratio | ratio to prefetch(4) \
         | Vec peak MiB | JSON Lines peak MiB | SQLite peak MiB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for records in [10_000u64, 100_000] {
        let (mut vec, mut ahead, mut sqlite) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ratios, mut ratios_ahead) = (Vec::new(), Vec::new());
        let (mut jsonl, mut jsonl_ratios, mut jsonl_ahead) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let floor = child("vec", records);
            let floor_ahead = child("vec4", records);
            let lines = child("jsonl", records);
            let ours = child("sqlite", records);
            jsonl_ratios.push(lines.0 / floor.0);
            jsonl_ahead.push(lines.0 / floor_ahead.0);
            jsonl.push(lines);
            ratios.push(ours.0 / floor.0);
            ratios_ahead.push(ours.0 / floor_ahead.0);
            vec.push(floor);
            ahead.push(floor_ahead);
            sqlite.push(ours);
        }
        let median = |mut values: Vec<f64>| {
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        let seconds = |runs: &[(f64, u64)]| median(runs.iter().map(|r| r.0).collect());
        let mib = |runs: &[(f64, u64)]| runs.iter().map(|r| r.1).max().unwrap_or(0) as f64 / 1024.0;
        println!(
            "| {records} | {:.2} | {:.2} | {:.2} | {:.2}x | {:.2}x | {:.2} | {:.2}x | {:.2}x | {:.0} | {:.0} | {:.0} |",
            seconds(&vec),
            seconds(&ahead),
            seconds(&jsonl),
            median(jsonl_ratios),
            median(jsonl_ahead),
            seconds(&sqlite),
            median(ratios),
            median(ratios_ahead),
            mib(&vec),
            mib(&jsonl),
            mib(&sqlite),
        );
    }
}

/// Runs one measurement in a child process: its seconds and peak RSS in KiB.
fn child(mode: &str, records: u64) -> (f64, u64) {
    let exe = std::env::current_exe().expect("this binary");
    let output = Command::new(exe)
        .env(CHILD, format!("{mode} {records}"))
        .output()
        .expect("the measurement runs");
    assert!(
        output.status.success(),
        "{mode} {records}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let mut words = text.split_whitespace();
    let seconds = words.next().and_then(|w| w.parse().ok()).expect("seconds");
    let rss = words.next().and_then(|w| w.parse().ok()).expect("peak RSS");
    (seconds, rss)
}

/// One measurement: every record of a fake of `records` bills, into a `Vec` or a fresh
/// SQLite file.
fn measure(mode: &str, records: u64) -> Duration {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let server = fake::start().await;
        server.log.keep_requests(false);
        server.dataset.set_len(records);
        let client = kaopuyun::Client::builder()
            .base_url(server.base_url())
            .auth(kaopuyun::auth::rpc_signature(AccessKey {
                id: fake::KEY.0.into(),
                secret: fake::KEY.1.into(),
                security_token: None,
            }))
            .build()
            .expect("a client");
        let dir = std::env::temp_dir().join(format!("meterage-bench-sync-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let start = Instant::now();
        match mode {
            "vec" | "vec4" => {
                let ahead = if mode == "vec4" { 4 } else { 0 };
                let bills: Vec<_> = client
                    .describe_flow_bills()
                    .items()
                    .prefetch(ahead)
                    .try_collect()
                    .await
                    .expect("every bill");
                assert_eq!(bills.len() as u64, records);
            }
            "sqlite" => {
                let api = meterage_clients::cli::APIS
                    .iter()
                    .copied()
                    .find(|api| api.name == "kaopuyun")
                    .expect("kaopuyun");
                let options = Options {
                    db: dir.join("bench.sqlite"),
                    month: Some("2023-02".parse().expect("a month")),
                    batch: Batch::default(),
                };
                let report = sync::sync(&options, &[api], &One(client.runtime().clone()))
                    .await
                    .expect("a sync");
                let written: u64 = report.tables.iter().map(|t| t.records).sum();
                assert_eq!(written, records, "{report}");
            }
            other => panic!("no mode {other}"),
        }
        let elapsed = start.elapsed();
        let _ = std::fs::remove_dir_all(&dir);
        elapsed
    })
}

/// The `meterage` binary, `meterage kaopuyun describe-flow-bills -q -o FILE`, over a
/// fake of `records` bills served by this process: its wall time, and its own peak
/// resident set (from `/usr/bin/time -f %M`; 0 where that tool is missing).
fn command_line(records: u64) -> (Duration, u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime.block_on(async {
        let server = fake::start().await;
        server.log.keep_requests(false);
        server.dataset.set_len(records);
        server
    });
    let dir = std::env::temp_dir().join(format!("meterage-bench-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join("bills.jsonl");
    let time = std::path::Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut command = Command::new(time);
        command.args(["-f", "%M", env!("CARGO_BIN_EXE_meterage")]);
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_meterage"))
    };
    command
        .args(["kaopuyun", "describe-flow-bills", "-q", "-o"])
        .arg(&file)
        .env("KAOPUYUN_URL", server.base_url())
        .env("KAOPUYUN_ACCESS_KEY_ID", fake::KEY.0)
        .env("KAOPUYUN_ACCESS_KEY_SECRET", fake::KEY.1);
    let start = Instant::now();
    let output = command.output().expect("meterage runs");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "meterage failed: {stderr}");
    let peak = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    let lines = std::fs::read_to_string(&file)
        .expect("the output")
        .lines()
        .count();
    assert_eq!(lines as u64, records);
    let _ = std::fs::remove_dir_all(&dir);
    drop(server);
    (elapsed, peak)
}

/// The generated runner with one client.
struct One(meterage_runtime::Client);

impl Runner for One {
    async fn run<S: Sink>(
        &self,
        api: &'static Api,
        operation: &'static OperationInfo,
        args: &Args,
        sink: &mut S,
    ) -> Result<(), RunError<S::Error>> {
        meterage_clients::cli::run(api.name, &self.0, operation.name, args, sink).await
    }
}

/// The process's peak resident set size, in KiB (`VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
