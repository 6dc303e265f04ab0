//! [`apply`]: one record to one FOCUS row.

use serde::Serialize;
use time::UtcOffset;

use super::read::{Raw, Record};
use super::times;
use super::{ColumnMap, ColumnType, FocusError, FocusMap, FocusRow, FocusValue, Source};
use crate::Decimal;

/// The FOCUS row `map` makes of `record`: every column of the map, in its order.
///
/// The record is serialized to JSON once and its fields read back as raw JSON values,
/// so a number is converted from the exact text it serializes as. An absent or `null`
/// field gives a null value; a value the column's type cannot take (text that is no
/// decimal, a time not written as the format says) is a [`FocusError`] naming the
/// column and the field.
pub fn apply<T: Serialize + ?Sized>(map: &FocusMap, record: &T) -> Result<FocusRow, FocusError> {
    let json = serde_json::to_string(record).map_err(|e| FocusError {
        column: "",
        pointer: None,
        message: format!("the record does not serialize as JSON: {e}"),
    })?;
    let fields = Record::new(&json).map_err(|message| FocusError {
        column: "",
        pointer: None,
        message,
    })?;
    let zone = UtcOffset::from_whole_seconds(map.time_zone_seconds).map_err(|e| FocusError {
        column: "",
        pointer: None,
        message: format!("the time zone is out of range: {e}"),
    })?;
    let columns = map
        .columns
        .iter()
        .map(|column| Ok((column.name, value(column, &fields, zone)?)))
        .collect::<Result<_, FocusError>>()?;
    Ok(FocusRow { columns })
}

/// The value of `column` for the record `fields`.
fn value(
    column: &ColumnMap,
    fields: &Record<'_>,
    zone: UtcOffset,
) -> Result<FocusValue, FocusError> {
    let fail = |pointer: Option<&'static str>, message: String| FocusError {
        column: column.name,
        pointer,
        message,
    };
    match &column.source {
        Source::Unavailable(_) => Ok(FocusValue::Null),
        Source::Value(text) => typed(
            column.ty,
            Raw::String((*text).to_owned()),
            None,
            zone,
            false,
        )
        .map_err(|m| fail(None, m)),
        Source::Month {
            pointer,
            format,
            next,
        } => match fields.get(pointer).map_err(|m| fail(Some(pointer), m))? {
            Raw::Null => Ok(FocusValue::Null),
            raw => {
                let text = text_of(&raw);
                times::month(&text, format, zone, *next)
                    .map(FocusValue::DateTime)
                    .map_err(|m| fail(Some(pointer), m))
            }
        },
        Source::Field {
            pointer,
            map,
            default,
            format,
            multiply,
            end_inclusive,
        } => {
            let raw = fields.get(pointer).map_err(|m| fail(Some(pointer), m))?;
            let raw = if map.is_empty() || matches!(raw, Raw::Null) {
                raw
            } else {
                let text = text_of(&raw);
                match map.iter().find(|(from, _)| *from == text) {
                    Some((_, to)) => Raw::String((*to).to_owned()),
                    None => match default {
                        Some(to) => Raw::String((*to).to_owned()),
                        None => Raw::String(text),
                    },
                }
            };
            let value = typed(column.ty, raw, *format, zone, *end_inclusive)
                .map_err(|m| fail(Some(pointer), m))?;
            match (multiply, value) {
                (Some(factor), FocusValue::Decimal(d)) => {
                    let factor: Decimal = factor
                        .parse()
                        .map_err(|e| fail(Some(pointer), format!("the factor `{factor}`: {e}")))?;
                    d.checked_mul(&factor)
                        .map(FocusValue::Decimal)
                        .ok_or_else(|| fail(Some(pointer), format!("{d} × {factor} does not fit")))
                }
                (_, value) => Ok(value),
            }
        }
    }
}

/// `raw` as a value of type `ty`.
fn typed(
    ty: ColumnType,
    raw: Raw<'_>,
    format: Option<&str>,
    zone: UtcOffset,
    end_inclusive: bool,
) -> Result<FocusValue, String> {
    if matches!(raw, Raw::Null) {
        return Ok(FocusValue::Null);
    }
    match ty {
        ColumnType::String => match raw {
            Raw::Composite(text) => Ok(FocusValue::Json(text.to_owned())),
            raw => Ok(FocusValue::String(text_of(&raw))),
        },
        ColumnType::Json => Ok(FocusValue::Json(match raw {
            Raw::Composite(text) | Raw::Number(text) => text.to_owned(),
            Raw::String(text) => serde_json::to_string(&text).map_err(|e| e.to_string())?,
            Raw::Bool(b) => b.to_string(),
            Raw::Null => "null".to_owned(),
        })),
        ColumnType::Decimal => {
            let text = match raw {
                Raw::Number(text) => text.to_owned(),
                Raw::String(text) => text.trim().to_owned(),
                other => return Err(format!("{} is not a decimal number", text_of(&other))),
            };
            text.parse::<Decimal>()
                .map(FocusValue::Decimal)
                .map_err(|e| format!("`{text}` is not a decimal number: {e}"))
        }
        ColumnType::DateTime => match raw {
            Raw::String(text) => {
                times::parse(&text, format, zone, end_inclusive).map(FocusValue::DateTime)
            }
            other => Err(format!(
                "{} is not a date-time written as text",
                text_of(&other)
            )),
        },
    }
}

/// The text of a raw value: a string's, a number's JSON text, `true`, the JSON of a
/// composite.
fn text_of(raw: &Raw<'_>) -> String {
    match raw {
        Raw::Null => String::new(),
        Raw::Bool(b) => b.to_string(),
        Raw::Number(text) | Raw::Composite(text) => (*text).to_owned(),
        Raw::String(text) => text.clone(),
    }
}
