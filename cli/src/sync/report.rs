//! What a sync did ([`SyncReport`]) and why it failed ([`SyncError`], with the exit code
//! of its kind).

use std::fmt;
use std::path::PathBuf;

use meterage_runtime::ErrorKind;

use super::store::StoreError;

/// What a sync did: per listing, what it wrote, and the listings it skipped or failed.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// The database file.
    pub db: PathBuf,
    /// The listings synced, in order.
    pub tables: Vec<TableReport>,
    /// The listings not synced, each with why.
    pub skipped: Vec<Skipped>,
    /// The listings that failed (their committed pages stay; the next run continues).
    pub failed: Vec<Failure>,
}

/// One listing synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// The table (`kaopuyun__describe_flow_bills`).
    pub table: String,
    /// What it covered (`month=2026-10`), empty when the listing has no period.
    pub scope: String,
    /// Pages written by this run (an operation that does not page writes one).
    pub pages: u64,
    /// Records written (inserted or updated) by this run.
    pub records: u64,
    /// Whether this run continued an interrupted one.
    pub resumed: Resumed,
}

/// Whether a listing's sync continued an interrupted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resumed {
    /// No: the first sync of this scope, or the one before finished.
    No,
    /// Yes, after the pages an interrupted run committed.
    At {
        /// The operation's cursor parameter (setter name).
        param: String,
        /// Its value: where the first page of this run starts.
        cursor: String,
        /// The pages committed before.
        pages: u64,
    },
    /// The one before was interrupted, but there is no position to continue from (the
    /// next-link style, or no page written): started over from the first page, the
    /// records written before updated in place.
    Restarted,
}

/// One listing not synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The table it would have.
    pub table: String,
    /// Why not.
    pub reason: String,
}

/// One listing that failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Its table.
    pub table: String,
    /// What it covered.
    pub scope: String,
    /// The error, in one line.
    pub error: String,
    /// Its kind.
    pub kind: SyncErrorKind,
}

/// A failed sync.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The command line asks for something impossible (an unknown API, no credentials).
    #[error("{0}")]
    Usage(String),
    /// An API named on the command line cannot make a client from the environment.
    #[error("{api}: {source}")]
    Credentials {
        /// The API (kebab case, as named).
        api: String,
        /// Why.
        #[source]
        source: meterage_runtime::Error,
    },
    /// The database cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Some listings failed; the report says what the others did.
    #[error("{}", failures(.0))]
    Failed(SyncReport),
}

/// The kind of a failure, and so the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncErrorKind {
    /// A command line or configuration problem: exit code 2.
    Usage,
    /// Credentials refused or missing: 3.
    Auth,
    /// The vendor answered with an error: 4.
    Vendor,
    /// The network failed or timed out: 5.
    Transport,
    /// The database failed: 1.
    Database,
}

impl SyncErrorKind {
    /// The kind of a call's error.
    pub fn of(error: &meterage_runtime::Error) -> Self {
        match error.kind() {
            ErrorKind::Validation | ErrorKind::Config => SyncErrorKind::Usage,
            ErrorKind::Auth => SyncErrorKind::Auth,
            ErrorKind::Timeout | ErrorKind::Transport => SyncErrorKind::Transport,
            _ => SyncErrorKind::Vendor,
        }
    }

    /// The process exit code: 2 usage, 3 auth, 4 vendor, 5 transport, 1 database.
    pub fn exit_code(self) -> u8 {
        match self {
            SyncErrorKind::Usage => 2,
            SyncErrorKind::Auth => 3,
            SyncErrorKind::Vendor => 4,
            SyncErrorKind::Transport => 5,
            SyncErrorKind::Database => 1,
        }
    }
}

impl SyncError {
    /// Its kind: of the first failed listing when several failed.
    pub fn kind(&self) -> SyncErrorKind {
        match self {
            SyncError::Usage(_) => SyncErrorKind::Usage,
            // Credentials missing or unreadable: an auth problem, whatever the runtime
            // calls it (`Config` for a variable not set).
            SyncError::Credentials { .. } => SyncErrorKind::Auth,
            SyncError::Store(_) => SyncErrorKind::Database,
            SyncError::Failed(report) => report
                .failed
                .first()
                .map_or(SyncErrorKind::Database, |failure| failure.kind),
        }
    }

    /// The report of a sync in which some listings failed (print it, then the error).
    pub fn report(&self) -> Option<&SyncReport> {
        match self {
            SyncError::Failed(report) => Some(report),
            _ => None,
        }
    }
}

fn failures(report: &SyncReport) -> String {
    let mut text = format!(
        "{} of {} listings failed (their written pages are kept; run the sync again to continue):",
        report.failed.len(),
        report.failed.len() + report.tables.len()
    );
    for failure in &report.failed {
        text.push_str(&format!(
            "\n  {}{}: {}",
            failure.table,
            scope(&failure.scope),
            failure.error
        ));
    }
    text
}

fn scope(scope: &str) -> String {
    if scope.is_empty() {
        String::new()
    } else {
        format!(" ({scope})")
    }
}

impl fmt::Display for SyncReport {
    /// One line per listing synced, skipped or failed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for table in &self.tables {
            write!(
                f,
                "{}{}: {} pages, {} records",
                table.table,
                scope(&table.scope),
                table.pages,
                table.records
            )?;
            match &table.resumed {
                Resumed::No => writeln!(f)?,
                Resumed::At {
                    param,
                    cursor,
                    pages,
                } => writeln!(
                    f,
                    ", resumed after {pages} pages written before ({param} = {cursor})"
                )?,
                Resumed::Restarted => writeln!(
                    f,
                    ", restarted from the first page (no position saved to continue from)"
                )?,
            }
        }
        for skipped in &self.skipped {
            writeln!(f, "{}: skipped: {}", skipped.table, skipped.reason)?;
        }
        for failure in &self.failed {
            writeln!(
                f,
                "{}{}: failed: {}",
                failure.table,
                scope(&failure.scope),
                failure.error
            )?;
        }
        write!(f, "into {}", self.db.display())
    }
}
