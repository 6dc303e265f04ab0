//! Where an operation's records go: JSON Lines, CSV, a table for a terminal, or Parquet
//! (one file, or a Hive-style partition replaced whole), each an [`Output`], the
//! [`Sink`] the operation runs into.

mod csv;
mod jsonl;
mod parquet;
mod partition;
mod table;

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::str::FromStr;

use meterage_runtime::describe::{Field, FieldKind, Flow, OperationInfo, PageInfo, Sink};
use meterage_runtime::focus::{self, ColumnType, FocusError, FocusMap};
use serde::Serialize;

use crate::record::{Columns, RecordError};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One JSON object per line, the record as the vendor's wire names and values.
    #[default]
    Jsonl,
    /// One column per field of the record's schema, nested objects as dotted names.
    Csv,
    /// Aligned columns for a terminal.
    Table,
    /// Parquet, column types from the schema, exact decimals as Parquet decimals.
    Parquet,
}

impl Format {
    /// The names `FromStr` reads, in the order `--help` lists them.
    pub const NAMES: [&'static str; 4] = ["jsonl", "csv", "table", "parquet"];

    /// What each format is, for `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Jsonl => "one JSON object per line, wire names, exact numbers (the default)",
            Format::Csv => "a header and one row per record; nested objects as dotted columns",
            Format::Table => "aligned columns for reading in a terminal",
            Format::Parquet => {
                "Parquet columns typed from the spec; needs -o FILE or --partition DIR"
            }
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "table" => Ok(Format::Table),
            "parquet" => Ok(Format::Parquet),
            other => Err(format!(
                "unknown format `{other}`: use one of {}",
                Format::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Table => "table",
            Format::Parquet => "parquet",
        })
    }
}

/// Where the records are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, created or truncated.
    File(PathBuf),
    /// `DIR/api=API/month=MONTH/part-0.parquet`, the month's directory replaced whole
    /// when the output finishes (Parquet only).
    Partition {
        /// The table's root directory.
        dir: PathBuf,
        /// The API's name (its `api=` key).
        api: String,
        /// The month, `YYYY-MM` (its `month=` key).
        month: String,
    },
}

/// Why records could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Writing failed.
    #[error("cannot write {target}: {source}")]
    Io {
        /// What was being written.
        target: String,
        /// The system's error.
        source: io::Error,
    },
    /// A record did not serialize.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The format and the destination do not go together.
    #[error("{0}")]
    Usage(String),
    /// A value does not fit its column (a decimal with more fraction digits than the
    /// column's scale, an integer past 64 bits).
    #[error("record {record}, column `{column}`: {problem}")]
    Value {
        /// The record's number in this output, from 1.
        record: u64,
        /// The column.
        column: String,
        /// What does not fit.
        problem: String,
    },
    /// The Parquet writer failed.
    #[error("cannot write Parquet: {0}")]
    Parquet(String),
    /// A record did not convert to a FOCUS row (`--focus`).
    #[error(transparent)]
    Focus(#[from] FocusError),
}

impl OutputError {
    pub(crate) fn io(target: impl fmt::Display) -> impl FnOnce(io::Error) -> OutputError {
        let target = target.to_string();
        move |source| OutputError::Io { target, source }
    }
}

/// An operation's records on their way to a destination in a format: the [`Sink`] the
/// operation runs into. Call [`Output::finish`] at the end: it flushes, writes a
/// Parquet footer and puts a partition in place.
pub struct Output {
    writer: Writer,
    /// With `--focus`: the mapping each record is converted by before it is written.
    focus: Option<&'static FocusMap>,
}

enum Writer {
    Jsonl(jsonl::JsonLines),
    Csv(csv::CsvOut),
    Table(table::TableOut),
    Parquet(parquet::ParquetOut),
}

impl Output {
    /// An output of `operation`'s records in `format` to `to`.
    ///
    /// # Errors
    ///
    /// A file that cannot be created; Parquet to standard output, or a partition in
    /// another format than Parquet.
    pub fn new(
        format: Format,
        operation: &'static OperationInfo,
        to: Destination,
    ) -> Result<Self, OutputError> {
        Self::with_fields(format, operation.record, to, None)
    }

    /// An output of FOCUS rows in `format` to `to`: each record converted by `map`
    /// (`--focus`), the columns the map's, typed as FOCUS types them.
    ///
    /// # Errors
    ///
    /// As [`Output::new`].
    pub fn focus(
        format: Format,
        map: &'static FocusMap,
        to: Destination,
    ) -> Result<Self, OutputError> {
        Self::with_fields(format, focus_fields(map), to, Some(map))
    }

    fn with_fields(
        format: Format,
        fields: &'static [Field],
        to: Destination,
        focus: Option<&'static FocusMap>,
    ) -> Result<Self, OutputError> {
        let columns = Columns::new(fields);
        let writer = match (format, to) {
            (Format::Parquet, Destination::Stdout) => return Err(OutputError::Usage(
                "Parquet is not written to a terminal or a pipe: give -o FILE or --partition DIR"
                    .to_owned(),
            )),
            (Format::Parquet, Destination::File(path)) => {
                Writer::Parquet(parquet::ParquetOut::create(columns, &path)?)
            }
            (Format::Parquet, Destination::Partition { dir, api, month }) => {
                Writer::Parquet(parquet::ParquetOut::partition(
                    columns,
                    partition::Partition::new(dir, &api, &month)?,
                )?)
            }
            (format, Destination::Partition { .. }) => {
                return Err(OutputError::Usage(format!(
                    "--partition writes Parquet: use --format parquet, not {format}"
                )))
            }
            (format, to) => {
                let out = open(&to)?;
                match format {
                    Format::Jsonl => Writer::Jsonl(jsonl::JsonLines::new(out)),
                    Format::Csv => Writer::Csv(csv::CsvOut::new(columns, out)),
                    _ => Writer::Table(table::TableOut::new(columns, out)),
                }
            }
        };
        Ok(Self { writer, focus })
    }

    /// Writes what is buffered and closes the destination.
    ///
    /// # Errors
    ///
    /// Writing failed.
    pub fn finish(self) -> Result<(), OutputError> {
        match self.writer {
            Writer::Jsonl(out) => out.finish(),
            Writer::Csv(out) => out.finish(),
            Writer::Table(out) => out.finish(),
            Writer::Parquet(out) => out.finish(),
        }
    }
}

impl Sink for Output {
    type Error = OutputError;

    fn page(&mut self, _page: &PageInfo<'_>) -> Result<Flow, OutputError> {
        Ok(Flow::Continue(()))
    }

    /// Four pages ahead, as `meterage sync` fetches: the vendor's latency overlaps the
    /// writing, and memory holds five pages at most.
    fn prefetch(&self) -> usize {
        4
    }

    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, OutputError> {
        if let Some(map) = self.focus {
            let row = focus::apply(map, record)?;
            return self.write(&row);
        }
        self.write(record)
    }
}

impl Output {
    fn write<T: Serialize>(&mut self, record: &T) -> Result<Flow, OutputError> {
        match &mut self.writer {
            Writer::Jsonl(out) => out.record(record)?,
            Writer::Csv(out) => out.record(record)?,
            Writer::Table(out) => out.record(record)?,
            Writer::Parquet(out) => out.record(record)?,
        }
        Ok(Flow::Continue(()))
    }
}

/// The fields of FOCUS rows of `map`, for [`Columns`]: built once per map and kept for
/// the process (a command writes one operation's rows), so they are `'static` as the
/// generated fields are.
fn focus_fields(map: &'static FocusMap) -> &'static [Field] {
    let fields: Vec<Field> = map
        .columns
        .iter()
        .map(|column| Field {
            name: column.name,
            description: "",
            required: false,
            kind: match column.ty {
                ColumnType::Decimal => FieldKind::Decimal { scale: None },
                ColumnType::DateTime | ColumnType::String => FieldKind::String,
                ColumnType::Json => FieldKind::Json,
            },
        })
        .collect();
    Box::leak(fields.into_boxed_slice())
}

/// A buffered writer to `to` (standard output or a file).
type Out = BufWriter<Box<dyn Write>>;

/// What an [`Out`] writes to, for error messages.
fn name_of(to: &Destination) -> String {
    match to {
        Destination::Stdout => "standard output".to_owned(),
        Destination::File(path) => path.display().to_string(),
        Destination::Partition { dir, .. } => dir.display().to_string(),
    }
}

fn open(to: &Destination) -> Result<(Out, String), OutputError> {
    let name = name_of(to);
    let inner: Box<dyn Write> = match to {
        Destination::File(path) => Box::new(File::create(path).map_err(OutputError::io(&name))?),
        _ => Box::new(io::stdout().lock()),
    };
    Ok((BufWriter::with_capacity(64 * 1024, inner), name))
}

/// Flushes `out`, whose destination is `name`.
fn flush(mut out: Out, name: &str) -> Result<(), OutputError> {
    out.flush().map_err(OutputError::io(name))
}

#[cfg(test)]
mod tests;
