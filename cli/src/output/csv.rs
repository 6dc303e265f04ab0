//! CSV: a header of the schema's columns (nested objects as dotted names), then one row
//! per record, numbers with the vendor's exact digits.

use serde::Serialize;

use super::{Out, OutputError};
use crate::record::{Cell, Columns};

pub(super) struct CsvOut {
    columns: Columns,
    out: csv::Writer<Out>,
    name: String,
    header_written: bool,
    records: u64,
}

impl CsvOut {
    pub(super) fn new(columns: Columns, (out, name): (Out, String)) -> Self {
        Self {
            columns,
            out: csv::WriterBuilder::new().from_writer(out),
            name,
            header_written: false,
            records: 0,
        }
    }

    fn header(&mut self) -> Result<(), OutputError> {
        self.header_written = true;
        if self.columns.is_empty() {
            // Records that are not objects: one column of JSON.
            return self.write(["value"]);
        }
        let names: Vec<String> = self
            .columns
            .columns()
            .iter()
            .map(|column| column.name.clone())
            .collect();
        self.write(names)
    }

    fn write<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(
        &mut self,
        fields: I,
    ) -> Result<(), OutputError> {
        self.out
            .write_record(fields)
            .map_err(|error| csv_error(&self.name, error))
    }

    pub(super) fn record<T: Serialize>(&mut self, record: &T) -> Result<(), OutputError> {
        if !self.header_written {
            self.header()?;
        }
        self.records += 1;
        let row = self.columns.flatten(record)?;
        if self.columns.is_empty() {
            let text = row
                .extra
                .into_iter()
                .map(|(_, cell)| text(&cell))
                .next()
                .unwrap_or_default();
            return self.write([text]);
        }
        if let Some((name, _)) = row.extra.first() {
            return Err(outside_schema(self.records, name));
        }
        let cells: Vec<String> = row.cells.iter().map(text).collect();
        self.write(cells)
    }

    pub(super) fn finish(mut self) -> Result<(), OutputError> {
        if !self.header_written {
            // No records: the header alone says what the columns would have been.
            self.header()?;
        }
        let name = self.name.clone();
        let out = self.out.into_inner().map_err(|error| OutputError::Io {
            target: name.clone(),
            source: error.into_error(),
        })?;
        super::flush(out, &name)
    }
}

/// A field the record carries but the schema does not: only a record of another type
/// than the spec's has one; never dropped silently.
pub(super) fn outside_schema(record: u64, name: &str) -> OutputError {
    OutputError::Value {
        record,
        column: name.to_owned(),
        problem: "a field outside the operation's record schema (write --format jsonl to keep it)"
            .to_owned(),
    }
}

fn csv_error(name: &str, error: csv::Error) -> OutputError {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => OutputError::Io {
            target: name.to_owned(),
            source,
        },
        other => OutputError::Io {
            target: name.to_owned(),
            source: std::io::Error::other(format!("{other:?}")),
        },
    }
}

/// A cell as CSV text: empty for null, numbers exactly as the vendor wrote them.
pub(super) fn text(cell: &Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Bool(value) => value.to_string(),
        Cell::Integer(value) => value.to_string(),
        Cell::Number(text) | Cell::Text(text) | Cell::Json(text) => text.clone(),
    }
}
