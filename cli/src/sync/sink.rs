//! The [`Sink`] a sync runs an operation into: each page's records are kept until the
//! next page arrives, whose cursor is where a new run would continue; whole pages are
//! then written with that position in one transaction, once the [`Batch`] is full.

use std::time::{Duration, Instant};

use meterage_runtime::describe::{Flow, PageInfo, Sink};
use meterage_runtime::focus::{self, FocusRow};
use serde::Serialize;

use super::focus::FocusTable;
use super::state::{Position, Status};
use super::store::{Store, StoreError, Table};
use crate::record::{Columns, Row};

/// Pages fetched ahead of the one being written.
const PREFETCH: usize = 4;

/// When a sync commits: at the first page boundary after `rows` records, or `interval`,
/// have gathered since the last commit (and at the end). Each commit holds whole pages
/// and the position after them; a run killed loses at most the pages since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    /// Records that make a commit.
    pub rows: usize,
    /// Time that makes a commit.
    pub interval: Duration,
}

impl Batch {
    /// A commit per page.
    pub const EVERY_PAGE: Batch = Batch {
        rows: 0,
        interval: Duration::ZERO,
    };
}

impl Default for Batch {
    /// 1,000 records or one second: few commits for small pages (each commit rewrites
    /// the table's last pages in the write-ahead log), little to fetch again.
    fn default() -> Self {
        Self {
            rows: 1000,
            interval: Duration::from_secs(1),
        }
    }
}

/// Writes an operation's pages into its table.
pub(super) struct PageSink<'a> {
    store: &'a mut Store,
    table: &'a mut Table,
    columns: &'a Columns,
    scope: &'a str,
    /// The records of the pages not yet written, the one being read included.
    rows: Vec<Row>,
    /// The `focus` table, for a listing its spec maps to FOCUS.
    focus: Option<&'a FocusTable>,
    /// The FOCUS rows of `rows`, one each, when `focus` is set.
    focus_rows: Vec<FocusRow>,
    /// The whole pages among them.
    held_pages: u64,
    /// Where the whole pages held end: the number of their records, and the cursor of
    /// the page after them.
    boundary: Option<(usize, Option<String>)>,
    batch: Batch,
    last_commit: Instant,
    /// Whether a page is being read (a paged operation).
    open: bool,
    /// Pages and records written since the scope's sync started.
    total_pages: u64,
    total_records: u64,
    /// Pages and records written by this run.
    pages: u64,
    records: u64,
}

impl<'a> PageSink<'a> {
    /// A sink continuing a sync that has written `pages` and `records` so far.
    pub(super) fn new(
        store: &'a mut Store,
        table: &'a mut Table,
        columns: &'a Columns,
        scope: &'a str,
        batch: Batch,
        (pages, records): (u64, u64),
        focus: Option<&'a FocusTable>,
    ) -> Self {
        Self {
            store,
            table,
            columns,
            scope,
            rows: Vec::new(),
            focus,
            focus_rows: Vec::new(),
            held_pages: 0,
            boundary: None,
            batch,
            last_commit: Instant::now(),
            open: false,
            total_pages: pages,
            total_records: records,
            pages: 0,
            records: 0,
        }
    }

    /// Writes the rows held (whole pages) with the position `next` and `status`.
    fn commit(&mut self, next: Option<&str>, status: Status) -> Result<(), StoreError> {
        let records = self.rows.len() as u64;
        let position = Position {
            scope: self.scope,
            next,
            status,
            pages: self.total_pages + self.held_pages,
            records: self.total_records + records,
        };
        let focus = self.focus.map(|table| (table, self.focus_rows.as_slice()));
        self.store
            .commit(self.table, &self.rows, focus, &position)?;
        self.total_pages += self.held_pages;
        self.total_records += records;
        self.pages += self.held_pages;
        self.records += records;
        self.rows.clear();
        self.focus_rows.clear();
        self.held_pages = 0;
        self.boundary = None;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// After a failed run: writes the whole pages held, so a new run continues after
    /// them (the page being read when it failed is asked for again).
    pub(super) fn salvage(mut self) -> Result<(), StoreError> {
        if let Some((len, next)) = self.boundary.take() {
            self.rows.truncate(len);
            self.focus_rows.truncate(len);
            self.commit(next.as_deref(), Status::Running)?;
        }
        Ok(())
    }

    /// Writes the last page (or the whole answer of an operation that does not page)
    /// and marks the scope's sync finished; gives the pages and records this run wrote.
    pub(super) fn finish(mut self) -> Result<(u64, u64), StoreError> {
        self.held_pages += 1;
        self.commit(None, Status::Done)?;
        Ok((self.pages, self.records))
    }
}

impl Sink for PageSink<'_> {
    type Error = StoreError;

    fn page(&mut self, page: &PageInfo<'_>) -> Result<Flow, StoreError> {
        if self.open {
            // Every record of the page before has arrived; this page's cursor is where
            // a new run continues.
            self.held_pages += 1;
            if self.rows.len() >= self.batch.rows
                || self.last_commit.elapsed() >= self.batch.interval
            {
                self.commit(page.cursor.as_deref(), Status::Running)?;
            } else {
                self.boundary = Some((self.rows.len(), page.cursor.clone()));
            }
        }
        self.open = true;
        Ok(Flow::Continue(()))
    }

    /// A few pages ahead: the next pages are fetched and decoded while this one is
    /// written.
    fn prefetch(&self) -> usize {
        PREFETCH
    }

    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, StoreError> {
        let row = self
            .columns
            .flatten(record)
            .map_err(|source| StoreError::Record {
                table: self.table.name().to_owned(),
                source,
            })?;
        if let Some(table) = self.focus {
            let focus_row =
                focus::apply(table.map(), record).map_err(|source| StoreError::Focus {
                    table: self.table.name().to_owned(),
                    source,
                })?;
            self.focus_rows.push(focus_row);
        }
        self.rows.push(row);
        Ok(Flow::Continue(()))
    }
}
