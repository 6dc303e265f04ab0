//! The command line's top: parse, dispatch (`list`, `API OPERATION`), report the failure
//! as one line on standard error and exit with its code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::ArgMatches;
use meterage_runtime::describe::{Api, RunError};

use crate::apis::{kebab, Apis};
use crate::commands::{self, flag, FOCUS_CHECK, LIST, SYNC};
use crate::errors::Failure;
use crate::invoke::Invocation;
use crate::output::{Destination, Format, Output, OutputError};
use crate::profile;
use crate::progress::Meter;

/// Runs the command line `argv` (its first item the program's name) over `apis`.
///
/// Standard output gets the records (or the listing, or the help); standard error the
/// progress (on a terminal) and the one line of a failure.
pub fn main(apis: &impl Apis, argv: impl IntoIterator<Item = OsString>) -> ExitCode {
    let matches = match commands::command(apis).try_get_matches_from(argv) {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match run(apis, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("meterage: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

fn run(apis: &impl Apis, matches: &ArgMatches) -> Result<(), Failure> {
    let Some((name, matches)) = matches.subcommand() else {
        return Err(Failure::Usage("no command: see `meterage --help`".into()));
    };
    if name == LIST {
        let mut out = std::io::stdout().lock();
        return match out
            .write_all(crate::list::list(apis.apis()).as_bytes())
            .and_then(|()| out.flush())
        {
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Failure::Output(format!("standard output: {error}")))
            }
            _ => Ok(()),
        };
    }
    if name == SYNC {
        return sync(matches);
    }
    if name == FOCUS_CHECK {
        return focus_check(matches);
    }
    let unknown = || Failure::Usage(format!("no command `{name}`"));
    let api = apis
        .apis()
        .iter()
        .copied()
        .find(|api| kebab(api.name) == name)
        .ok_or_else(unknown)?;
    let Some((operation, matches)) = matches.subcommand() else {
        return Err(unknown());
    };
    let operation = api
        .operations
        .iter()
        .find(|op| kebab(op.name) == operation)
        .ok_or_else(unknown)?;
    let mut invocation = Invocation::new(api, operation, matches)?;
    if let Some(name) = &invocation.profile {
        apply_profile(name)?;
    }
    invocation.read_secrets(|name| std::env::var(name).ok());
    runtime()?.block_on(execute(apis, &invocation))
}

/// `meterage focus-check`: the report on standard output; exit 1 when a `MUST` rule it
/// evaluated fails, 2 when the file or the rules cannot be read.
fn focus_check(matches: &ArgMatches) -> Result<(), Failure> {
    let outcome = crate::focus_check::run(matches)
        .map_err(|error| Failure::Usage(format!("focus-check: {error}")))?;
    print!("{}", outcome.rendered);
    if outcome.passed() {
        Ok(())
    } else {
        Err(Failure::Check(
            "focus-check: a MUST rule fails (see the report)".to_owned(),
        ))
    }
}

/// `meterage sync`: its report on standard output (also when some listings failed), the
/// failure on standard error.
fn sync(matches: &ArgMatches) -> Result<(), Failure> {
    if let Some(name) = matches.get_one::<String>(flag::PROFILE) {
        apply_profile(name)?;
    }
    let runtime = runtime()?;
    match runtime.block_on(crate::sync::run(matches)) {
        Ok(report) => {
            println!("{report}");
            Ok(())
        }
        Err(error) => {
            if let Some(report) = error.report() {
                println!("{report}");
            }
            Err(Failure::Sync {
                message: error.to_string(),
                code: error.kind().exit_code(),
            })
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Output(format!("cannot start the runtime: {error}")))
}

/// Sets the variables of profile `name` in this process's environment, replacing those
/// of the same name. Call it before any thread starts (`meterage sync` too).
///
/// # Errors
///
/// A usage failure: no configuration folder, or the profile cannot be had
/// ([`profile::load`]).
pub fn apply_profile(name: &str) -> Result<(), Failure> {
    let folder = profile::folder(|name| std::env::var(name).ok())
        .ok_or_else(|| Failure::Usage(format!("--profile: {}", profile::ProfileError::NoFolder)))?;
    let vars = profile::load(&folder.join(profile::FILE_NAME), name)
        .map_err(|error| Failure::Usage(format!("--profile: {error}")))?;
    for (key, value) in vars {
        // One thread so far: the runtime starts after this.
        std::env::set_var(key, value);
    }
    Ok(())
}

async fn execute(apis: &impl Apis, invocation: &Invocation) -> Result<(), Failure> {
    let (api, operation) = (invocation.api, invocation.operation);
    let client = match apis.client_from_env(api.name) {
        None => return Err(Failure::Usage(format!("no API `{}`", api.name))),
        Some(Err(error)) if !credentials_set(api) => {
            return Err(Failure::NoCredentials {
                api: api.name,
                operation: operation.name,
                error,
            })
        }
        Some(Err(error)) => {
            return Err(Failure::Call {
                api: api.name,
                operation: operation.name,
                error,
            })
        }
        Some(Ok(client)) => client,
    };
    let format: Format = match &invocation.format {
        Some(name) => name.parse().map_err(Failure::Usage)?,
        None => Format::default(),
    };
    let to = match (&invocation.partition, &invocation.output, invocation.month) {
        (Some(dir), _, Some(month)) => Destination::Partition {
            dir: dir.clone(),
            api: api.name.to_owned(),
            month: month.to_string(),
        },
        (Some(_), _, None) => return Err(Failure::Usage("--partition needs --month".into())),
        (None, Some(path), _) => Destination::File(path.clone()),
        (None, None, _) => Destination::Stdout,
    };
    let to_stdout = to == Destination::Stdout;
    let output = match operation.focus.filter(|_| invocation.focus) {
        Some(map) => Output::focus(format, map, to),
        None => Output::new(format, operation, to),
    }
    .map_err(output_failure)?;
    // Records scrolling on the terminal are progress enough: a bar would tear them.
    let records_on_terminal = to_stdout && std::io::stdout().is_terminal();
    let show = !invocation.quiet && !records_on_terminal;
    let mut meter = Meter::new(output, invocation.limits, show);
    let result = apis
        .run(
            api.name,
            &client,
            operation.name,
            &invocation.args,
            &mut meter,
        )
        .await;
    let output = meter.finish();
    match result {
        Ok(()) => output.finish().or_else(closed_pipe),
        Err(RunError::Sink(error)) => closed_pipe(error),
        Err(error) => {
            if format == Format::Parquet {
                // Unfinished: no footer, and a partition is not put in place of the
                // one before.
                drop(output);
                if let Some(path) = &invocation.output {
                    let _ = std::fs::remove_file(path);
                }
            } else {
                // A text output keeps the records before the failure.
                let _ = output.finish();
            }
            Err(Failure::of_run(api.name, operation.name, error))
        }
    }
}

/// Whether some way of signing in to `api` has every variable it needs set (an API
/// without credentials needs none).
fn credentials_set(api: &Api) -> bool {
    api.credentials.is_empty()
        || api.credentials.iter().any(|way| {
            way.vars
                .iter()
                .filter(|var| var.required)
                .all(|var| std::env::var_os(var.name).is_some_and(|value| !value.is_empty()))
        })
}

/// An output that failed because its reader went away (`meterage ... | head`): the end,
/// quietly, as for any command in a pipeline; any other failure of the output.
fn closed_pipe(error: OutputError) -> Result<(), Failure> {
    match error {
        OutputError::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Err(output_failure(other)),
    }
}

/// The failure of an output: a usage failure when the format and the destination do not
/// go together.
fn output_failure(error: OutputError) -> Failure {
    match error {
        OutputError::Usage(message) => Failure::Usage(message),
        other => Failure::Output(other.to_string()),
    }
}
