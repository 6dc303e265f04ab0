//! The command line's top: parse, dispatch (`list`, `API OPERATION`), report the failure
//! as one line on standard error and exit with its code.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::ArgMatches;
use meterage_runtime::describe::{Flow, PageInfo, Sink};
use serde::Serialize;

use crate::apis::{kebab, Apis};
use crate::commands::{self, LIST};
use crate::errors::Failure;
use crate::invoke::Invocation;
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
        return out
            .write_all(crate::list::list(apis.apis()).as_bytes())
            .and_then(|()| out.flush())
            .map_err(|error| Failure::Output(error.to_string()));
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Output(format!("cannot start the runtime: {error}")))?;
    runtime.block_on(execute(apis, &invocation))
}

/// Sets the variables of profile `name` in this process's environment (before any
/// thread starts), replacing those of the same name.
fn apply_profile(name: &str) -> Result<(), Failure> {
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
        Some(Err(error)) => {
            return Err(Failure::Call {
                api: api.name,
                operation: operation.name,
                error,
            })
        }
        Some(Ok(client)) => client,
    };
    if invocation
        .format
        .as_deref()
        .is_some_and(|format| format != "jsonl")
        || invocation.partition.is_some()
    {
        return Err(Failure::Usage("only --format jsonl is built so far".into()));
    }
    let writer: Box<dyn Write> = match &invocation.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|error| Failure::Output(format!("{}: {error}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut meter = Meter::new(
        JsonLines(std::io::BufWriter::new(writer)),
        invocation.limits,
        !invocation.quiet,
    );
    let result = apis
        .run(
            api.name,
            &client,
            operation.name,
            &invocation.args,
            &mut meter,
        )
        .await;
    let JsonLines(mut out) = meter.finish();
    result.map_err(|error| Failure::of_run(api.name, operation.name, error))?;
    out.flush()
        .map_err(|error| Failure::Output(error.to_string()))
}

/// Records as JSON Lines (wire names, one record per line).
struct JsonLines<W>(W);

impl<W: Write> Sink for JsonLines<W> {
    type Error = std::io::Error;

    fn page(&mut self, _: &PageInfo<'_>) -> Result<Flow, Self::Error> {
        Ok(Flow::Continue(()))
    }

    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, Self::Error> {
        serde_json::to_writer(&mut self.0, record)?;
        self.0.write_all(b"\n")?;
        Ok(Flow::Continue(()))
    }
}
