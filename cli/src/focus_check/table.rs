//! A FOCUS dataset read from CSV or Parquet into named columns of typed cells.
//!
//! CSV carries no types: every field is text, an empty field is null, and the type
//! checks judge the values (see `eval`). Parquet carries the column's Arrow type, which
//! the type checks judge instead; its values are turned into cells exactly (decimals as
//! their digits, timestamps as UTC date-times).

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::CheckError;

/// One value of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value (an empty CSV field, a Parquet null).
    Null,
    /// A string (every non-empty CSV field; a Parquet string).
    Text(String),
    /// A number from a Parquet numeric column, its exact digits.
    Number(String),
    /// A Parquet timestamp: `YYYY-MM-DDTHH:mm:ss[.f]Z` when the column is zoned (an
    /// instant), without the `Z` when it is not (a wall-clock time of no known zone).
    DateTime(String),
    /// A Parquet boolean.
    Bool(bool),
}

impl Cell {
    /// The value as text, `None` when null.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Null => None,
            Cell::Text(s) | Cell::Number(s) | Cell::DateTime(s) => Some(s),
            Cell::Bool(true) => Some("true"),
            Cell::Bool(false) => Some("false"),
        }
    }
}

/// Where a column's type comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnType {
    /// A CSV column: no declared type.
    Untyped,
    /// A Parquet column of this Arrow type.
    Arrow(DataType),
    /// A Parquet column of an Arrow type the reader does not turn into cells.
    Unsupported(DataType),
}

/// One column of the dataset.
#[derive(Debug)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its declared type, if any.
    pub kind: ColumnType,
    /// One cell per row.
    pub cells: Vec<Cell>,
}

/// A FOCUS dataset.
#[derive(Debug)]
pub struct Table {
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// The number of rows.
    pub rows: usize,
}

impl Table {
    /// Reads `path`: Parquet when it starts with the Parquet magic `PAR1`, CSV otherwise.
    pub fn read(path: &Path) -> Result<Table, CheckError> {
        let io = |source| CheckError::Io {
            path: path.to_owned(),
            source,
        };
        let mut magic = [0u8; 4];
        let mut file = File::open(path).map_err(io)?;
        let read = file.read(&mut magic).map_err(io)?;
        if read == 4 && &magic == b"PAR1" {
            Self::read_parquet(path)
        } else {
            Self::read_csv(path)
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Reads a CSV file with a header line; an empty field is null.
    pub fn read_csv(path: &Path) -> Result<Table, CheckError> {
        let error = |message: String| CheckError::Data {
            path: path.to_owned(),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .map_err(|e| error(e.to_string()))?;
        let headers = reader.headers().map_err(|e| error(e.to_string()))?.clone();
        let mut columns = Self::columns(headers.iter().map(str::to_owned), |_| ColumnType::Untyped)
            .map_err(error)?;
        let mut rows = 0;
        for record in reader.records() {
            let record = record.map_err(|e| error(e.to_string()))?;
            for (column, field) in columns.iter_mut().zip(record.iter()) {
                column.cells.push(if field.is_empty() {
                    Cell::Null
                } else {
                    Cell::Text(field.to_owned())
                });
            }
            rows += 1;
        }
        Ok(Table { columns, rows })
    }

    /// Reads a Parquet file.
    pub fn read_parquet(path: &Path) -> Result<Table, CheckError> {
        let error = |message: String| CheckError::Data {
            path: path.to_owned(),
            message,
        };
        let file = File::open(path).map_err(|source| CheckError::Io {
            path: path.to_owned(),
            source,
        })?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| error(e.to_string()))?;
        let schema = builder.schema().clone();
        let mut columns = Self::columns(schema.fields().iter().map(|f| f.name().clone()), |i| {
            let data_type = schema.field(i).data_type().clone();
            if supported(&data_type) {
                ColumnType::Arrow(data_type)
            } else {
                ColumnType::Unsupported(data_type)
            }
        })
        .map_err(error)?;
        let reader = builder.build().map_err(|e| error(e.to_string()))?;
        let mut rows = 0;
        for batch in reader {
            let batch = batch.map_err(|e| error(e.to_string()))?;
            for (column, array) in columns.iter_mut().zip(batch.columns()) {
                append_cells(&mut column.cells, array);
            }
            rows += batch.num_rows();
        }
        Ok(Table { columns, rows })
    }

    fn columns(
        names: impl Iterator<Item = String>,
        kind: impl Fn(usize) -> ColumnType,
    ) -> Result<Vec<Column>, String> {
        let mut columns: Vec<Column> = Vec::new();
        for (i, name) in names.enumerate() {
            if columns.iter().any(|c| c.name == name) {
                return Err(format!("column {name:?} appears twice"));
            }
            columns.push(Column {
                name,
                kind: kind(i),
                cells: Vec::new(),
            });
        }
        Ok(columns)
    }
}

fn supported(data_type: &DataType) -> bool {
    use DataType::*;
    matches!(
        data_type,
        Utf8 | LargeUtf8
            | Utf8View
            | Boolean
            | Int8
            | Int16
            | Int32
            | Int64
            | UInt8
            | UInt16
            | UInt32
            | UInt64
            | Float32
            | Float64
            | Decimal128(_, _)
            | Decimal256(_, _)
            | Timestamp(_, _)
    )
}

fn numbers<T: std::fmt::Display>(
    cells: &mut Vec<Cell>,
    array: &ArrayRef,
    value: impl Fn(usize) -> T,
) {
    cells.extend((0..array.len()).map(|i| {
        if array.is_null(i) {
            Cell::Null
        } else {
            Cell::Number(value(i).to_string())
        }
    }));
}

fn append_cells(cells: &mut Vec<Cell>, array: &ArrayRef) {
    let texts = |cells: &mut Vec<Cell>, value: &dyn Fn(usize) -> String| {
        cells.extend((0..array.len()).map(|i| {
            if array.is_null(i) {
                Cell::Null
            } else {
                Cell::Text(value(i))
            }
        }));
    };
    match array.data_type() {
        DataType::Utf8 => texts(cells, &|i| array.as_string::<i32>().value(i).to_owned()),
        DataType::LargeUtf8 => texts(cells, &|i| array.as_string::<i64>().value(i).to_owned()),
        DataType::Utf8View => texts(cells, &|i| array.as_string_view().value(i).to_owned()),
        DataType::Boolean => cells.extend((0..array.len()).map(|i| {
            if array.is_null(i) {
                Cell::Null
            } else {
                Cell::Bool(array.as_boolean().value(i))
            }
        })),
        DataType::Int8 => numbers(cells, array, |i| array.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => numbers(cells, array, |i| array.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => numbers(cells, array, |i| array.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => numbers(cells, array, |i| array.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => numbers(cells, array, |i| array.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => numbers(cells, array, |i| {
            array.as_primitive::<UInt16Type>().value(i)
        }),
        DataType::UInt32 => numbers(cells, array, |i| {
            array.as_primitive::<UInt32Type>().value(i)
        }),
        DataType::UInt64 => numbers(cells, array, |i| {
            array.as_primitive::<UInt64Type>().value(i)
        }),
        DataType::Float32 => numbers(cells, array, |i| {
            array.as_primitive::<Float32Type>().value(i)
        }),
        DataType::Float64 => numbers(cells, array, |i| {
            array.as_primitive::<Float64Type>().value(i)
        }),
        DataType::Decimal128(_, _) => numbers(cells, array, |i| {
            array
                .as_primitive::<arrow_array::types::Decimal128Type>()
                .value_as_string(i)
        }),
        DataType::Decimal256(_, _) => numbers(cells, array, |i| {
            array
                .as_primitive::<arrow_array::types::Decimal256Type>()
                .value_as_string(i)
        }),
        DataType::Timestamp(unit, zone) => {
            let per_second: i128 = match unit {
                TimeUnit::Second => 1,
                TimeUnit::Millisecond => 1_000,
                TimeUnit::Microsecond => 1_000_000,
                TimeUnit::Nanosecond => 1_000_000_000,
            };
            let zoned = zone.is_some();
            let values = timestamps(array);
            cells.extend(values.into_iter().map(|value| match value {
                None => Cell::Null,
                Some(v) => Cell::DateTime(render_timestamp(v, per_second, zoned)),
            }));
        }
        _ => cells.extend(std::iter::repeat_n(Cell::Null, array.len())),
    }
}

fn timestamps(array: &ArrayRef) -> Vec<Option<i64>> {
    use arrow_array::types::{
        TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
        TimestampSecondType,
    };
    let array: Arc<dyn Array> = array.clone();
    let get = |i: usize| -> i64 {
        match array.data_type() {
            DataType::Timestamp(TimeUnit::Second, _) => {
                array.as_primitive::<TimestampSecondType>().value(i)
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => {
                array.as_primitive::<TimestampMillisecondType>().value(i)
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                array.as_primitive::<TimestampMicrosecondType>().value(i)
            }
            _ => array.as_primitive::<TimestampNanosecondType>().value(i),
        }
    };
    (0..array.len())
        .map(|i| (!array.is_null(i)).then(|| get(i)))
        .collect()
}

/// `YYYY-MM-DDTHH:mm:ss[.fraction]` of `value` units since the epoch, `Z` when zoned.
fn render_timestamp(value: i64, per_second: i128, zoned: bool) -> String {
    let nanos = i128::from(value) * (1_000_000_000 / per_second);
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return format!("{value} (out of range)");
    };
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    if at.nanosecond() != 0 {
        let fraction = format!("{:09}", at.nanosecond());
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    if zoned {
        text.push('Z');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_render_as_utc_date_times() {
        assert_eq!(render_timestamp(0, 1, true), "1970-01-01T00:00:00Z");
        assert_eq!(
            render_timestamp(1_764_547_200_500, 1_000, true),
            "2025-12-01T00:00:00.5Z"
        );
        assert_eq!(
            render_timestamp(1_764_547_200, 1, false),
            "2025-12-01T00:00:00"
        );
    }
}
