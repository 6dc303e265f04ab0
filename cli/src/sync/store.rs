//! The SQLite side of a sync: the database file (WAL, a busy timeout), one table per
//! listing with the record key as its primary key, upserts, and columns added as records
//! bring fields the table lacks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use meterage_runtime::focus::{FocusError, FocusMap, FocusRow};

use super::focus::{record_key, FocusTable};
use super::state::{self, Position};
pub use super::table::Table;
pub use super::table::SYNCED_AT;
use super::table::{add_column, TableColumn};
use crate::record::{Cell, Row};

/// How long a write waits for another process's write to the same file to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused something.
    #[error("database {path}: {what}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The table exists with another primary key than the record key the spec declares.
    #[error(
        "database {path}: table `{table}` has the primary key ({was}) but the spec's record \
         key is now ({now}); drop the table (`DROP TABLE \"{table}\"`) or sync into another --db"
    )]
    KeyChanged {
        /// The database file.
        path: PathBuf,
        /// The table.
        table: String,
        /// Its primary key columns.
        was: String,
        /// The record key.
        now: String,
    },
    /// A record without a value for any field of its key.
    #[error("table `{table}`: a record has no value for its record key (`{field}`)")]
    MissingKey {
        /// The table.
        table: String,
        /// The key's fields.
        field: String,
    },
    /// A record that does not convert to a FOCUS row (its listing's `x-focus`).
    #[error("table `{table}`: {source}")]
    Focus {
        /// The vendor table.
        table: String,
        /// Why.
        #[source]
        source: FocusError,
    },
    /// A record that does not serialize as JSON.
    #[error("table `{table}`: {source}")]
    Record {
        /// The table.
        table: String,
        /// Why.
        #[source]
        source: crate::record::RecordError,
    },
}

/// An open sync database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it if absent) the database at `path`, in WAL mode with a busy
    /// timeout, so syncs of different APIs may write to one file at once.
    ///
    /// # Errors
    ///
    /// The file cannot be opened or set up.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let fail = |what: &str| {
            let path = path.to_owned();
            let what = what.to_owned();
            move |source| StoreError::Sqlite { path, what, source }
        };
        let conn = Connection::open(path).map_err(fail("cannot open it"))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(fail("cannot set the busy timeout"))?;
        // WAL keeps every committed page across a killed process; NORMAL synchronous is
        // as safe as FULL against a process crash (only an OS crash may lose the last
        // commits, never consistency).
        wal(&conn).map_err(fail("cannot turn on WAL mode"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail("cannot set synchronous=NORMAL"))?;
        let store = Self {
            conn,
            path: path.to_owned(),
        };
        store.write("cannot create the sync state table", |conn| {
            state::create(conn)
        })?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reading.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(super) fn error(
        &self,
        what: impl Into<String>,
    ) -> impl FnOnce(rusqlite::Error) -> StoreError {
        let path = self.path.clone();
        let what = what.into();
        move |source| StoreError::Sqlite { path, what, source }
    }

    /// Runs `f` in one immediate transaction (the write lock taken at once, so two
    /// writers wait for each other instead of failing), committed if it succeeds.
    pub(super) fn write<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, StoreError> {
        let run = || {
            let tx =
                rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        };
        run().map_err(self.error(what))
    }

    /// Writes `rows` into `table` (and, with `focus`, their FOCUS rows, one per row in
    /// the same order, into the `focus` table) and saves `position`, in one transaction:
    /// either all are in the file or none is. Top-level fields outside the table's
    /// columns become new columns first.
    ///
    /// # Errors
    ///
    /// SQLite's, or a row without a value for a key column.
    pub fn commit(
        &mut self,
        table: &mut Table,
        rows: &[Row],
        focus: Option<(&FocusTable, &[FocusRow])>,
        position: &Position<'_>,
    ) -> Result<(), StoreError> {
        let now = state::now();
        let what = format!("cannot write a page of `{}`", table.name);
        // Checked before the transaction, so a broken record does not hold the lock.
        for row in rows {
            let key_cells = table.schema.iter().zip(&row.cells);
            let mut key_cells = key_cells.filter(|(at, _)| table.key.contains(at));
            if key_cells.all(|(_, cell)| *cell == Cell::Null) {
                let key: Vec<&str> = table
                    .key
                    .iter()
                    .map(|&at| table.columns[at].name.as_str())
                    .collect();
                return Err(StoreError::MissingKey {
                    table: table.name.clone(),
                    field: key.join("`, `"),
                });
            }
        }
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(self.error(what.clone()))?;
        let run = |tx: &Connection, table: &mut Table| -> Result<(), rusqlite::Error> {
            let mut values = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                for (name, cell) in &row.extra {
                    if !name.is_empty() && table.find(name).is_none() {
                        add_column(tx, &table.name, name, extra_type(cell))?;
                        table.columns.push(TableColumn {
                            name: name.clone(),
                            real: false,
                        });
                        table.index();
                        table.upsert = table.upsert_sql();
                    }
                }
                values.clear();
                values.resize(table.columns.len(), Value::Null);
                for (&at, cell) in table.schema.iter().zip(&row.cells) {
                    values[at] = value(cell, table.columns[at].real);
                }
                // A part of a composite key the record lacks (a field only some of a
                // listing's modes send) is the empty text: NULL would never conflict.
                for &at in &table.key {
                    if values[at] == Value::Null {
                        values[at] = Value::Text(String::new());
                    }
                }
                for (name, cell) in &row.extra {
                    if let Some(at) = table.find(name) {
                        values[at] = value(cell, table.columns[at].real);
                    }
                }
                values[table.synced_at] = Value::Text(now.clone());
                tx.prepare_cached(&table.upsert)?
                    .execute(rusqlite::params_from_iter(values.iter()))?;
                if let Some((focus, focus_rows)) = focus {
                    if let Some(focus_row) = focus_rows.get(i) {
                        let key: Vec<&Value> = table.key.iter().map(|&at| &values[at]).collect();
                        focus.write(tx, record_key(&key), focus_row, &now)?;
                    }
                }
            }
            state::save(tx, &table.name, position, &now)
        };
        run(&tx, table).map_err(self.error(what.clone()))?;
        tx.commit().map_err(self.error(what))
    }

    /// Saves `position` alone (the start of a scope's sync).
    ///
    /// # Errors
    ///
    /// SQLite's.
    pub fn save(&mut self, table: &str, position: &Position<'_>) -> Result<(), StoreError> {
        let now = state::now();
        self.write("cannot save the sync position", |conn| {
            state::save(conn, table, position, &now)
        })
    }

    /// The `focus` table, made ready for the FOCUS rows (by `map`) of listing `listing`
    /// of API `vendor`: created if absent, the map's columns added if missing.
    ///
    /// # Errors
    ///
    /// SQLite's.
    pub fn focus_table(
        &self,
        vendor: &str,
        listing: &str,
        map: &'static FocusMap,
    ) -> Result<FocusTable, StoreError> {
        self.write("cannot set up the focus table", |conn| {
            FocusTable::open(conn, vendor, listing, map)
        })
    }

    /// The saved position of `table`'s sync of `scope`, if any.
    ///
    /// # Errors
    ///
    /// SQLite's.
    pub fn saved(&self, table: &str, scope: &str) -> Result<Option<state::Saved>, StoreError> {
        state::load(&self.conn, table, scope)
            .optional()
            .map_err(self.error("cannot read the sync position"))
    }
}

/// The declared type of a column made for a field outside the schema, from its first
/// value: numbers keep their exact text.
fn extra_type(cell: &Cell) -> &'static str {
    match cell {
        Cell::Bool(_) | Cell::Integer(_) => "INTEGER",
        Cell::Null => "",
        _ => "TEXT",
    }
}

fn value(cell: &Cell, real: bool) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Integer(i64::from(*b)),
        Cell::Integer(i) => Value::Integer(*i),
        Cell::Number(text) => match text.parse::<f64>() {
            Ok(float) if real => Value::Real(float),
            _ => Value::Text(text.clone()),
        },
        Cell::Text(text) | Cell::Json(text) => Value::Text(text.clone()),
    }
}

/// Turns on WAL mode. SQLite answers "database is locked" at once, without waiting for
/// the busy timeout, when another connection switches a new file to WAL at the same
/// moment (two syncs starting together): tried again every 10 ms within the timeout.
fn wal(conn: &Connection) -> rusqlite::Result<()> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}
