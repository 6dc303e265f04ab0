//! The [`Sink`] a sync runs an operation into: each page's records are kept until the
//! next page arrives, whose cursor is where a new run would continue, and are then
//! written with that position in one transaction.

use meterage_runtime::describe::{Flow, PageInfo, Sink};
use serde::Serialize;

use super::state::{Position, Status};
use super::store::{Store, StoreError, Table};
use crate::record::{Columns, Row};

/// Writes an operation's pages into its table.
pub(super) struct PageSink<'a> {
    store: &'a mut Store,
    table: &'a mut Table,
    columns: &'a Columns,
    scope: &'a str,
    /// The records of the page being read.
    rows: Vec<Row>,
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
        (pages, records): (u64, u64),
    ) -> Self {
        Self {
            store,
            table,
            columns,
            scope,
            rows: Vec::new(),
            open: false,
            total_pages: pages,
            total_records: records,
            pages: 0,
            records: 0,
        }
    }

    /// Writes the rows held with the position `next` and `status`.
    fn commit(&mut self, next: Option<&str>, status: Status) -> Result<(), StoreError> {
        let records = self.rows.len() as u64;
        let position = Position {
            scope: self.scope,
            next,
            status,
            pages: self.total_pages + 1,
            records: self.total_records + records,
        };
        self.store.commit(self.table, &self.rows, &position)?;
        self.total_pages += 1;
        self.total_records += records;
        self.pages += 1;
        self.records += records;
        self.rows.clear();
        Ok(())
    }

    /// Writes the last page (or the whole answer of an operation that does not page)
    /// and marks the scope's sync finished; gives the pages and records this run wrote.
    pub(super) fn finish(mut self) -> Result<(u64, u64), StoreError> {
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
            self.commit(page.cursor.as_deref(), Status::Running)?;
        }
        self.open = true;
        Ok(Flow::Continue(()))
    }

    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, StoreError> {
        let row = self
            .columns
            .flatten(record)
            .map_err(|source| StoreError::Record {
                table: self.table.name().to_owned(),
                source,
            })?;
        self.rows.push(row);
        Ok(Flow::Continue(()))
    }
}
