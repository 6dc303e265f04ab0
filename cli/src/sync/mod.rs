//! `meterage sync`: every record of every listing of the chosen APIs into a SQLite file,
//! exactly once (the spec's record key is the table's primary key, rows are upserted),
//! and resumable (each page is committed with the position after it).
//!
//! - [`command`] and [`run`]: the subcommand, for the binary.
//! - [`sync`]: the sync itself, over any APIs' descriptors and any [`Runner`].
//! - `store`: the database (schema, upserts, columns added as fields appear);
//!   [`focus`]: the `focus` table, the FOCUS rows of every mapped listing, written with
//!   the vendor table's pages;
//!   `state`: the saved positions; `sink`: the [`Sink`]
//!   that writes pages; `report`: what a sync did and why it failed.

mod clients;
pub mod focus;
mod report;
mod sink;
pub mod state;
pub mod store;
mod table;

use std::future::Future;
use std::path::PathBuf;

use meterage_runtime::describe::{Api, Args, OperationInfo, RunError, Sink};

pub use clients::run;
pub use report::{Failure, Resumed, Skipped, SyncError, SyncErrorKind, SyncReport, TableReport};
pub use sink::Batch;
use sink::PageSink;
use state::{Position, Status};
pub use store::{Store, StoreError};

use crate::period::{self, Month};
use crate::record::Columns;

/// How to sync.
#[derive(Debug, Clone)]
pub struct Options {
    /// The database file.
    pub db: PathBuf,
    /// The month of the listings that have a period (`--month`).
    pub month: Option<Month>,
    /// How many pages each commit holds.
    pub batch: Batch,
}

/// What runs an operation of an API into a sink: the generated clients for the binary,
/// anything else in tests.
pub trait Runner {
    /// Runs `operation` of `api` with `args`, giving its pages and records to `sink`.
    fn run<S: Sink>(
        &self,
        api: &'static Api,
        operation: &'static OperationInfo,
        args: &Args,
        sink: &mut S,
    ) -> impl Future<Output = Result<(), RunError<S::Error>>>;
}

/// The table of `operation` of `api`: `api__operation` (both already snake case).
pub fn table_name(api: &Api, operation: &OperationInfo) -> String {
    format!("{}__{}", api.name, operation.name)
}

/// The arguments and scope of a listing's sync, or why it cannot be synced.
///
/// # Errors
///
/// Why it is skipped: a required parameter the period does not carry, or a period
/// without `--month`.
pub fn plan(operation: &OperationInfo, month: Option<Month>) -> Result<(Args, String), String> {
    let carried: Vec<&str> = operation
        .period
        .iter()
        .flat_map(|period| std::iter::once(period.start).chain(period.end))
        .collect();
    let missing: Vec<String> = operation
        .params
        .iter()
        .filter(|param| param.required && !carried.contains(&param.name))
        .map(|param| format!("--{}", param.name.replace('_', "-")))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "it needs {} ({} a sync cannot choose); run the operation itself instead",
            missing.join(", "),
            if missing.len() == 1 {
                "a value"
            } else {
                "values"
            }
        ));
    }
    let mut args = Args::new();
    let (Some(period), Some(month)) = (operation.period, month) else {
        if operation.period.is_some() {
            return Err(format!(
                "it lists one period at a time ({}): give --month YYYY-MM",
                carried.join(", ")
            ));
        }
        return Ok((args, String::new()));
    };
    for (name, value) in period::args(&period, month).map_err(|error| error.to_string())? {
        args.set(name, value);
    }
    Ok((args, format!("month={month}")))
}

/// Syncs every listing (an operation with a record key) of `apis` through `runner` into
/// `options.db`. A listing that fails is reported and the others go on.
///
/// # Errors
///
/// The database cannot be opened, some listings failed ([`SyncError::Failed`], with
/// the report of all of them), or there was nothing to sync ([`SyncError::Usage`]
/// with why each listing was skipped).
pub async fn sync(
    options: &Options,
    apis: &[&'static Api],
    runner: &impl Runner,
) -> Result<SyncReport, SyncError> {
    let mut store = Store::open(&options.db)?;
    let mut report = SyncReport {
        db: options.db.clone(),
        ..SyncReport::default()
    };
    for &api in apis {
        if api.operations.iter().all(|op| op.record_key.is_empty()) {
            report.skipped.push(Skipped {
                table: api.name.replace('_', "-"),
                reason: "no operation of its spec declares a record key (`x-record-key`): \
                         it has no listing to sync"
                    .to_owned(),
            });
        }
        for operation in api.operations.iter().filter(|op| !op.record_key.is_empty()) {
            let table = table_name(api, operation);
            let (args, scope) = match plan(operation, options.month) {
                Ok(plan) => plan,
                Err(reason) => {
                    report.skipped.push(Skipped { table, reason });
                    continue;
                }
            };
            let run = listing(
                &mut store,
                runner,
                (api, operation),
                args,
                &scope,
                options.batch,
            );
            match run.await {
                Ok(done) => report.tables.push(done),
                Err((error, kind)) => report.failed.push(Failure {
                    table,
                    scope,
                    error,
                    kind,
                }),
            }
        }
    }
    if !report.failed.is_empty() {
        Err(SyncError::Failed(report))
    } else if report.tables.is_empty() {
        let mut text = String::from("nothing to sync:");
        for skipped in &report.skipped {
            text.push_str(&format!("\n  {}: {}", skipped.table, skipped.reason));
        }
        Err(SyncError::Usage(text))
    } else {
        Ok(report)
    }
}

/// Syncs one listing of one scope, continuing where an interrupted run stopped.
async fn listing(
    store: &mut Store,
    runner: &impl Runner,
    (api, operation): (&'static Api, &'static OperationInfo),
    mut args: Args,
    scope: &str,
    batch: Batch,
) -> Result<TableReport, (String, SyncErrorKind)> {
    let database = |error: StoreError| (error.to_string(), SyncErrorKind::Database);
    let name = table_name(api, operation);
    let columns = Columns::top_level(operation.record);
    let mut table = store
        .table(&name, &columns, operation.record_key)
        .map_err(database)?;
    let saved = store.saved(&name, scope).map_err(database)?;
    let cursor_param = operation.paging.and_then(|paging| paging.cursor_param);
    let (resumed, so_far) = match saved {
        Some(saved) if saved.status == Status::Running => match (cursor_param, saved.next) {
            (Some(param), Some(next)) => {
                args.set(param, next.clone());
                let resumed = Resumed::At {
                    param: param.to_owned(),
                    cursor: next,
                    pages: saved.pages,
                };
                (resumed, (saved.pages, saved.records))
            }
            _ => (Resumed::Restarted, (0, 0)),
        },
        _ => (Resumed::No, (0, 0)),
    };
    if !matches!(resumed, Resumed::At { .. }) {
        // A fresh start: the position is the first page until one is written.
        let position = Position {
            scope,
            next: None,
            status: Status::Running,
            pages: 0,
            records: 0,
        };
        store.save(&name, &position).map_err(database)?;
    }
    let focus = match operation.focus {
        Some(map) => Some(store.focus_table(api.name, &name, map).map_err(database)?),
        None => None,
    };
    let mut sink = PageSink::new(
        store,
        &mut table,
        &columns,
        scope,
        batch,
        so_far,
        focus.as_ref(),
    );
    if let Err(error) = runner.run(api, operation, &args, &mut sink).await {
        // The whole pages received are kept; the failure is the run's, whatever the
        // database says.
        let _ = sink.salvage();
        return Err(run_error(error));
    }
    let (pages, records) = sink.finish().map_err(database)?;
    Ok(TableReport {
        table: name,
        scope: scope.to_owned(),
        pages,
        records,
        resumed,
    })
}

fn run_error(error: RunError<StoreError>) -> (String, SyncErrorKind) {
    let kind = match &error {
        RunError::Call(error) => SyncErrorKind::of(error),
        RunError::Sink(_) => SyncErrorKind::Database,
        _ => SyncErrorKind::Usage,
    };
    (error.to_string(), kind)
}

/// The `sync` subcommand: `meterage sync [API]... [--db FILE] [--month YYYY-MM]`.
pub fn command() -> clap::Command {
    use clap::{value_parser, Arg, ArgAction, Command};
    Command::new("sync")
        .about("Pull every record of the APIs' listings into a SQLite database, exactly once")
        .long_about(
            "Pull every record of every listing (an operation whose spec declares a record \
             key) of the APIs named, or of every API whose credentials are set in the \
             environment, into a SQLite database: one table per listing (API__OPERATION), \
             one column per top-level field of the record, the record key as primary key. \
             Each page is committed with the position after it: a sync killed at any moment \
             continues where it stopped when run again, and every record is in its table \
             exactly once. A listing over a period (a month) is synced for --month; one that \
             needs other parameters is skipped, with a line saying so.",
        )
        .arg(
            Arg::new("apis")
                .value_name("API")
                .num_args(0..)
                .action(ArgAction::Append)
                .help(
                    "The APIs to sync (module names in kebab case, as `meterage list` shows); \
                     default: every API whose credentials are set",
                ),
        )
        .arg(
            Arg::new("db")
                .long("db")
                .value_name("FILE")
                .default_value("meterage.sqlite")
                .value_parser(value_parser!(PathBuf))
                .help("The SQLite database to write (created if absent)"),
        )
        .arg(
            Arg::new("month")
                .long("month")
                .value_name("YYYY-MM")
                .value_parser(|text: &str| text.parse::<Month>())
                .help("The month of the listings that cover one period at a time"),
        )
}

/// The [`Options`] and the API names (snake case) a `sync` command line gives.
pub fn options(matches: &clap::ArgMatches) -> (Options, Vec<String>) {
    let options = Options {
        db: matches
            .get_one::<PathBuf>("db")
            .cloned()
            .unwrap_or_else(|| PathBuf::from("meterage.sqlite")),
        month: matches.get_one::<Month>("month").copied(),
        batch: Batch::default(),
    };
    let apis = matches
        .get_many::<String>("apis")
        .into_iter()
        .flatten()
        .map(|name| name.replace('-', "_"))
        .collect();
    (options, apis)
}
