//! Parquet: one column per schema column (nested objects as dotted names), typed from
//! the spec: integers `Int64`, numbers `Float64`, exact decimals `Decimal128(38, s)`
//! (`s` from the spec's `multipleOf`, else [`DEFAULT_SCALE`]), booleans, and text (enums,
//! dates, arrays and other JSON as text). Records are written in row groups of
//! [`BATCH`] rows, so memory holds one group whatever the record count.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use meterage_runtime::describe::FieldKind;
use meterage_runtime::Decimal;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use serde::Serialize;

use super::csv::outside_schema;
use super::partition::Partition;
use super::OutputError;
use crate::record::{Cell, Columns};

/// Rows per row group (and per Arrow batch).
const BATCH: usize = 8192;

/// The scale of a decimal column whose spec fixes none: 18 fraction digits, 20 integer
/// digits (Decimal128's 38 in all). A value with more fraction digits is an error naming
/// it, never rounded.
pub const DEFAULT_SCALE: i8 = 18;

pub(super) struct ParquetOut {
    columns: Columns,
    schema: SchemaRef,
    builders: Vec<Builder>,
    writer: ArrowWriter<File>,
    name: String,
    partition: Option<Partition>,
    rows: usize,
    records: u64,
}

enum Builder {
    Integer(Int64Builder),
    Number(Float64Builder),
    Decimal(Decimal128Builder, i8),
    Boolean(BooleanBuilder),
    Text(StringBuilder),
    Json(StringBuilder),
}

impl ParquetOut {
    pub(super) fn create(columns: Columns, path: &Path) -> Result<Self, OutputError> {
        Self::open(columns, path, None)
    }

    pub(super) fn partition(columns: Columns, partition: Partition) -> Result<Self, OutputError> {
        let path = partition.file();
        Self::open(columns, &path, Some(partition))
    }

    fn open(
        columns: Columns,
        path: &Path,
        partition: Option<Partition>,
    ) -> Result<Self, OutputError> {
        let name = path.display().to_string();
        let file = File::create(path).map_err(OutputError::io(&name))?;
        let (schema, builders) = schema(&columns);
        let properties = WriterProperties::builder()
            .set_max_row_group_size(BATCH)
            .build();
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(properties)).map_err(parquet_error)?;
        Ok(Self {
            columns,
            schema,
            builders,
            writer,
            name,
            partition,
            rows: 0,
            records: 0,
        })
    }

    pub(super) fn record<T: Serialize>(&mut self, record: &T) -> Result<(), OutputError> {
        self.records += 1;
        let row = self.columns.flatten(record)?;
        if self.columns.is_empty() {
            let cell = row
                .extra
                .into_iter()
                .next()
                .map_or(Cell::Null, |(_, cell)| cell);
            self.append(0, &cell)?;
        } else {
            if let Some((name, _)) = row.extra.first() {
                return Err(outside_schema(self.records, name));
            }
            for (index, cell) in row.cells.iter().enumerate() {
                self.append(index, cell)?;
            }
        }
        self.rows += 1;
        if self.rows == BATCH {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// Appends `cell` to column `index`; the column's name is looked up only for an error.
    fn append(&mut self, index: usize, cell: &Cell) -> Result<(), OutputError> {
        let record = self.records;
        let columns = &self.columns;
        let problem = |problem: String| OutputError::Value {
            record,
            column: columns
                .columns()
                .get(index)
                .map_or_else(|| "value".to_owned(), |column| column.name.clone()),
            problem,
        };
        match (&mut self.builders[index], cell) {
            (Builder::Integer(b), Cell::Null) => b.append_null(),
            (Builder::Number(b), Cell::Null) => b.append_null(),
            (Builder::Decimal(b, _), Cell::Null) => b.append_null(),
            (Builder::Boolean(b), Cell::Null) => b.append_null(),
            (Builder::Text(b) | Builder::Json(b), Cell::Null) => b.append_null(),
            (Builder::Integer(b), Cell::Integer(value)) => b.append_value(*value),
            (Builder::Integer(b), Cell::Number(text) | Cell::Text(text)) => {
                match text.parse::<i64>() {
                    Ok(value) => b.append_value(value),
                    Err(_) => return Err(problem(format!("{text} is not an integer of 64 bits"))),
                }
            }
            (Builder::Number(b), Cell::Integer(value)) => b.append_value(*value as f64),
            (Builder::Number(b), Cell::Number(text) | Cell::Text(text)) => {
                match text.parse::<f64>() {
                    Ok(value) => b.append_value(value),
                    Err(_) => return Err(problem(format!("{text:?} is not a number"))),
                }
            }
            (Builder::Decimal(b, scale), Cell::Integer(_) | Cell::Number(_) | Cell::Text(_)) => {
                let text = super::csv::text(cell);
                b.append_value(rescale(&text, *scale).map_err(problem)?);
            }
            (Builder::Boolean(b), Cell::Bool(value)) => b.append_value(*value),
            (Builder::Boolean(b), Cell::Text(text)) => match text.as_str() {
                "true" => b.append_value(true),
                "false" => b.append_value(false),
                _ => return Err(problem(format!("{text:?} is not true or false"))),
            },
            (Builder::Json(b), Cell::Text(text)) => {
                b.append_value(serde_json::Value::from(text.as_str()).to_string())
            }
            (Builder::Text(b) | Builder::Json(b), cell) => b.append_value(super::csv::text(cell)),
            (_, cell) => {
                return Err(problem(format!(
                    "{} does not fit the column's type",
                    super::csv::text(cell)
                )))
            }
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<(), OutputError> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|error| OutputError::Parquet(error.to_string()))?;
        self.writer.write(&batch).map_err(parquet_error)?;
        self.rows = 0;
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<(), OutputError> {
        self.flush_batch()?;
        self.writer.close().map_err(|error| OutputError::Io {
            target: self.name.clone(),
            source: std::io::Error::other(error.to_string()),
        })?;
        if let Some(partition) = self.partition {
            partition.commit()?;
        }
        Ok(())
    }
}

impl Builder {
    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Integer(b) => Arc::new(b.finish()),
            Builder::Number(b) => Arc::new(b.finish()),
            Builder::Decimal(b, _) => Arc::new(b.finish()),
            Builder::Boolean(b) => Arc::new(b.finish()),
            Builder::Text(b) | Builder::Json(b) => Arc::new(b.finish()),
        }
    }
}

/// The Arrow schema of `columns` and a builder per column.
fn schema(columns: &Columns) -> (SchemaRef, Vec<Builder>) {
    if columns.is_empty() {
        let field = Field::new("value", DataType::Utf8, true);
        return (
            Arc::new(Schema::new(vec![field])),
            vec![Builder::Json(StringBuilder::new())],
        );
    }
    let mut fields = Vec::with_capacity(columns.len());
    let mut builders = Vec::with_capacity(columns.len());
    for column in columns.columns() {
        let (data_type, builder) = match column.kind {
            FieldKind::Integer => (DataType::Int64, Builder::Integer(Int64Builder::new())),
            FieldKind::Number => (DataType::Float64, Builder::Number(Float64Builder::new())),
            FieldKind::Decimal { scale } => {
                let scale = scale.map_or(DEFAULT_SCALE, |scale| scale.min(38) as i8);
                let data_type = DataType::Decimal128(38, scale);
                let builder = Decimal128Builder::new().with_data_type(data_type.clone());
                (data_type, Builder::Decimal(builder, scale))
            }
            FieldKind::Boolean => (DataType::Boolean, Builder::Boolean(BooleanBuilder::new())),
            FieldKind::String | FieldKind::Enum => {
                (DataType::Utf8, Builder::Text(StringBuilder::new()))
            }
            _ => (DataType::Utf8, Builder::Json(StringBuilder::new())),
        };
        let mut field = Field::new(column.name.clone(), data_type, true);
        if !column.description.is_empty() {
            field = field.with_metadata(HashMap::from([(
                "description".to_owned(),
                column.description.to_owned(),
            )]));
        }
        fields.push(field);
        builders.push(builder);
    }
    (Arc::new(Schema::new(fields)), builders)
}

/// The decimal `text` as a coefficient at `scale` (`25.0` at scale 2 is 2500).
///
/// # Errors
///
/// Text that is not a number, more fraction digits than `scale` (beyond trailing
/// zeros), or a value past 38 digits.
fn rescale(text: &str, scale: i8) -> Result<i128, String> {
    let value =
        Decimal::new(text).map_err(|error| format!("{text:?} is not a decimal number: {error}"))?;
    let (coefficient, from) = (value.coefficient(), value.scale());
    let to = i32::from(scale);
    let scaled = if from <= to {
        10_i128
            .checked_pow((to - from) as u32)
            .and_then(|factor| coefficient.checked_mul(factor))
    } else {
        let factor = 10_i128.checked_pow((from - to) as u32);
        match factor {
            Some(factor) if coefficient % factor == 0 => Some(coefficient / factor),
            _ => {
                return Err(format!(
                    "{text} has more than {scale} fraction digits, the column's scale"
                ))
            }
        }
    };
    match scaled {
        Some(value) if value.unsigned_abs() < 10_u128.pow(38) => Ok(value),
        _ => Err(format!("{text} does not fit 38 digits at scale {scale}")),
    }
}

fn parquet_error(error: parquet::errors::ParquetError) -> OutputError {
    OutputError::Parquet(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_rescale_exactly_or_refuse() {
        assert_eq!(rescale("25.0", 2), Ok(2500));
        assert_eq!(rescale("-0.5", 2), Ok(-50));
        assert_eq!(rescale("1.10", 1), Ok(11));
        assert_eq!(rescale("1e2", 2), Ok(10000));
        assert_eq!(rescale("7", 0), Ok(7));
        assert!(rescale("0.125", 2)
            .expect_err("three digits")
            .contains("more than 2 fraction digits"));
        assert!(rescale("abc", 2).is_err());
        assert!(rescale(&"9".repeat(30), 18)
            .expect_err("too wide")
            .contains("38 digits"));
    }
}
