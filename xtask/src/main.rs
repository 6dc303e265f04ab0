//! `cargo xtask generate | check | corpus | package | msrv`: see the library docs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use xtask::args::{Flag, Help, Syntax};

mod bench;

/// mimalloc rather than the system's allocator: generating is mostly syn parsing and
/// prettyplease printing the emitted tokens, millions of small allocations freed soon
/// after, which mimalloc serves in about three quarters of glibc's CPU time (one thread,
/// 1,000 and 10,000 operations; BENCHMARKS.md). The generated text does not depend on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  cargo xtask generate                                       regenerate generated/ from specs/
  cargo xtask check                                          fail if generated/ is stale or a spec is invalid
  cargo xtask generate --spec FILE --out DIR [--name CRATE]  write a standalone client crate
  cargo xtask bench-codegen [...]                            benchmark the generator (--help)
  cargo xtask corpus [--small | --all] [--only NAME]...      generate and compile real public specs
                     [--fetch-only | --no-compile]           (see xtask/corpus.yaml)
  cargo xtask package                                        cargo package the publishable crates and a standalone crate
  cargo xtask msrv                                           fail if a locked dependency needs a newer Rust than rust-version";

/// `generate`, and `generate --spec FILE --out DIR [--name CRATE]`.
const GENERATE: Syntax = Syntax {
    usage: USAGE,
    flags: &[
        Flag::value("--spec", "a file"),
        Flag::value("--out", "a directory"),
        Flag::value("--name", "a crate name"),
    ],
    operands: &[],
    optional: &[],
};

/// The child process `bench-codegen` measures.
const BENCH_ONE: Syntax = Syntax {
    usage: "usage: cargo xtask bench-codegen-one SPEC OUT [THREADS]",
    flags: &[],
    operands: &["SPEC", "OUT"],
    optional: &["THREADS"],
};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(e) if e.is::<Help>() => {
            println!("{e}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            for line in format!("{e:#}").lines() {
                if line.contains(": warning: ") {
                    eprintln!("{line}");
                } else {
                    eprintln!("error: {line}");
                }
            }
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode> {
    let root = xtask::workspace_root();
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("generate") => {
            let args = GENERATE.parse(args)?;
            if args.is_empty() {
                let changed = xtask::generate(&root)?;
                if changed.is_empty() {
                    println!("generated/ is up to date");
                }
                for file in changed {
                    println!("wrote {file}");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (Some(spec), Some(out)) = (args.value("--spec"), args.value("--out")) else {
                return Err(args.error("--spec and --out go together"));
            };
            let opts = xtask::Standalone {
                spec: PathBuf::from(spec),
                out: PathBuf::from(out),
                name: args.value("--name").map(str::to_owned),
            };
            let dir = xtask::generate_standalone(&root, &opts)?;
            println!("wrote the crate {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Some("check") => {
            Syntax::bare(USAGE).parse(args)?;
            let stale = xtask::check(&root)?;
            if stale.is_empty() {
                println!("generated/ is fresh");
                return Ok(ExitCode::SUCCESS);
            }
            for line in &stale {
                eprintln!("error: {line}");
            }
            eprintln!("run `cargo xtask generate` and commit the result");
            Ok(ExitCode::FAILURE)
        }
        Some("bench-codegen") => {
            bench::run(&root, args.collect())?;
            Ok(ExitCode::SUCCESS)
        }
        Some("bench-codegen-one") => {
            let args = BENCH_ONE.parse(args)?;
            let threads = args.operand(2)?;
            let [spec, out, ..] = args.operands.as_slice() else {
                bail!("{}", BENCH_ONE.usage)
            };
            bench::generate_one(spec.as_ref(), out.as_ref(), threads)?;
            Ok(ExitCode::SUCCESS)
        }
        Some("corpus") => {
            let opts = xtask::corpus::Options::parse(args)?;
            let outcomes = xtask::corpus::run(&root, &opts)?;
            println!("{}", xtask::corpus::report::render(&outcomes, 1));
            println!(
                "the full report, with more examples: {}",
                xtask::corpus::Layout::new(&root).report().display()
            );
            if outcomes.iter().any(xtask::corpus::Outcome::failed) {
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some("package") => {
            Syntax::bare(USAGE).parse(args)?;
            for file in xtask::publish::package(&root)? {
                println!("packaged {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some("msrv") => {
            Syntax::bare(USAGE).parse(args)?;
            let outcome = xtask::msrv::check(&root)?;
            print!("{}", xtask::msrv::render(&outcome));
            Ok(if outcome.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("{USAGE}"),
    }
}
