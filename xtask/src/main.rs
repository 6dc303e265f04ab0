//! `cargo xtask generate | check | corpus | package | msrv`: see the library docs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

mod bench;

const USAGE: &str = "usage:
  cargo xtask generate                                       regenerate generated/ from specs/
  cargo xtask check                                          fail if generated/ is stale or a spec is invalid
  cargo xtask generate --spec FILE --out DIR [--name CRATE]  write a standalone client crate
  cargo xtask bench-codegen [...]                            benchmark the generator (--help)
  cargo xtask corpus [--small | --all] [--only NAME]...      generate and compile real public specs
                     [--fetch-only | --no-compile]           (see xtask/corpus.yaml)
  cargo xtask package                                        cargo package the publishable crates and a standalone crate
  cargo xtask msrv                                           fail if a locked dependency needs a newer Rust than rust-version";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
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
            let rest: Vec<String> = args.collect();
            if rest.is_empty() {
                let changed = xtask::generate(&root)?;
                if changed.is_empty() {
                    println!("generated/ is up to date");
                }
                for file in changed {
                    println!("wrote {file}");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let opts = standalone_options(rest)?;
            let dir = xtask::generate_standalone(&root, &opts)?;
            println!("wrote the crate {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Some("check") => {
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
            let rest: Vec<String> = args.collect();
            if rest.iter().any(|a| a == "--help" || a == "-h") {
                println!("{}", bench::USAGE);
                return Ok(ExitCode::SUCCESS);
            }
            bench::run(&root, rest)?;
            Ok(ExitCode::SUCCESS)
        }
        Some("bench-codegen-one") => {
            let rest: Vec<String> = args.collect();
            let (spec, out, threads) = match rest.as_slice() {
                [spec, out] => (spec, out, None),
                [spec, out, threads] => (
                    spec,
                    out,
                    Some(threads.parse().context("THREADS is a number")?),
                ),
                _ => bail!("usage: cargo xtask bench-codegen-one SPEC OUT [THREADS]"),
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
            for file in xtask::publish::package(&root)? {
                println!("packaged {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some("msrv") => {
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

fn standalone_options(rest: Vec<String>) -> Result<xtask::Standalone> {
    let (mut spec, mut out, mut name) = (None, None, None);
    let mut it = rest.into_iter();
    while let Some(flag) = it.next() {
        let Some(value) = it.next() else {
            bail!("{flag} needs a value\n{USAGE}")
        };
        match flag.as_str() {
            "--spec" => spec = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            "--name" => name = Some(value),
            _ => bail!("unknown option {flag}\n{USAGE}"),
        }
    }
    match (spec, out) {
        (Some(spec), Some(out)) => Ok(xtask::Standalone { spec, out, name }),
        _ => bail!("--spec and --out go together\n{USAGE}"),
    }
}
