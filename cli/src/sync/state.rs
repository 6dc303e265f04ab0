//! Where each listing's sync stands: the `_meterage_sync` table, one row per table and
//! scope, written in the same transaction as the page it follows.

use rusqlite::{params, Connection, Row};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The state table's name.
pub const STATE_TABLE: &str = "_meterage_sync";

/// Whether a scope's sync is under way or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Pages remain: a new run continues from the saved position.
    Running,
    /// Every page was written: a new run starts over.
    Done,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Done => "done",
        }
    }
}

/// The position to save.
#[derive(Debug, Clone, Copy)]
pub struct Position<'a> {
    /// What the listing covers (`month=2026-10`, or empty).
    pub scope: &'a str,
    /// The next page to ask for, as the operation's cursor parameter takes it; `None`
    /// for the first page.
    pub next: Option<&'a str>,
    /// Under way or finished.
    pub status: Status,
    /// Pages written since this scope's sync started (resumed runs included).
    pub pages: u64,
    /// Records written since then.
    pub records: u64,
}

/// A saved position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The next page to ask for (see [`Position::next`]).
    pub next: Option<String>,
    /// Under way or finished.
    pub status: Status,
    /// Pages written since the scope's sync started.
    pub pages: u64,
    /// Records written since then.
    pub records: u64,
    /// When it was saved (RFC 3339, UTC).
    pub updated_at: String,
}

/// Now, as the state and `_synced_at` write it.
pub fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

pub(super) fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
            \"table\" TEXT NOT NULL,
            scope TEXT NOT NULL,
            next_cursor TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'done')),
            pages INTEGER NOT NULL,
            records INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (\"table\", scope)
        )"
    ))
}

pub(super) fn save(
    conn: &Connection,
    table: &str,
    position: &Position<'_>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO {STATE_TABLE} (\"table\", scope, next_cursor, status, pages, records, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (\"table\", scope) DO UPDATE SET next_cursor = excluded.next_cursor,
             status = excluded.status, pages = excluded.pages, records = excluded.records,
             updated_at = excluded.updated_at"
    ))?
    .execute(params![
        table,
        position.scope,
        position.next,
        position.status.as_str(),
        i64::try_from(position.pages).unwrap_or(i64::MAX),
        i64::try_from(position.records).unwrap_or(i64::MAX),
        now
    ])
    .map(drop)
}

pub(super) fn load(conn: &Connection, table: &str, scope: &str) -> rusqlite::Result<Saved> {
    conn.query_row(
        &format!(
            "SELECT next_cursor, status, pages, records, updated_at FROM {STATE_TABLE}
             WHERE \"table\" = ?1 AND scope = ?2"
        ),
        params![table, scope],
        saved,
    )
}

fn saved(row: &Row<'_>) -> rusqlite::Result<Saved> {
    let status: String = row.get(1)?;
    Ok(Saved {
        next: row.get(0)?,
        status: if status == "done" {
            Status::Done
        } else {
            Status::Running
        },
        pages: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
        records: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
        updated_at: row.get(4)?,
    })
}
