//! Records as FOCUS rows: the FinOps Open Cost and Usage Specification (FOCUS 1.2)
//! columns a spec's `x-focus` mapping declares for a listing, filled from one record.
//!
//! The generator writes each mapping as a [`FocusMap`] (a `FOCUS` constant on the
//! operation's builder, and [`OperationInfo::focus`](crate::describe::OperationInfo));
//! [`apply`] turns a record into a [`FocusRow`]: the mapped FOCUS columns in FOCUS
//! order (alphabetical, as the specification lists them), then the `x_` columns in name order, each
//! with a typed [`FocusValue`]. The record is serialized to JSON once and read back as
//! raw values, so costs and quantities stay exact decimals (never an `f64`), and local
//! times become UTC with the mapping's time zone.
//!
//! ```
//! use meterage_runtime::focus::{apply, ColumnMap, ColumnType, FocusMap, Source};
//!
//! static MAP: FocusMap = FocusMap {
//!     time_zone_seconds: 8 * 3600,
//!     columns: &[
//!         ColumnMap { name: "BilledCost", ty: ColumnType::Decimal,
//!             source: Source::Field { pointer: "/PayPrice", map: &[], default: None,
//!                 format: None, multiply: None, end_inclusive: false } },
//!         ColumnMap { name: "ChargePeriodStart", ty: ColumnType::DateTime,
//!             source: Source::Field { pointer: "/Begin", map: &[], default: None,
//!                 format: Some("[year]-[month]-[day] [hour]:[minute]"), multiply: None,
//!                 end_inclusive: false } },
//!     ],
//! };
//! let record = serde_json::json!({"PayPrice": 21.45, "Begin": "2022-10-25 10:15"});
//! let row = apply(&MAP, &record)?;
//! assert_eq!(row.get("BilledCost").unwrap().to_string(), "21.45");
//! assert_eq!(row.get("ChargePeriodStart").unwrap().to_string(), "2022-10-25T02:15:00Z");
//! # Ok::<(), meterage_runtime::focus::FocusError>(())
//! ```

mod apply;
mod build;
mod read;
mod stream;
#[cfg(test)]
mod tests;
mod times;

use std::fmt;

pub use apply::apply;
pub use build::{date_time, decimal, field, json, month, next_month, string, unavailable, value};
pub use stream::{body_rows, response_rows, rows};

use crate::Decimal;

/// How a listing's records become FOCUS rows (a spec's `x-focus`).
#[derive(Debug)]
pub struct FocusMap {
    /// The offset from UTC of the records' local times, in seconds (`+08:00` is
    /// 28,800).
    pub time_zone_seconds: i32,
    /// The columns, FOCUS columns in FOCUS order, then `x_` columns in name order.
    pub columns: &'static [ColumnMap],
}

/// One column of a [`FocusMap`].
#[derive(Debug)]
pub struct ColumnMap {
    /// The FOCUS column name (`BilledCost`) or an `x_` name for a vendor fact.
    pub name: &'static str,
    /// The type of its values.
    pub ty: ColumnType,
    /// Where its value comes from.
    pub source: Source,
}

/// The type of a FOCUS column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// An exact decimal number (costs, prices, quantities).
    Decimal,
    /// A UTC date and time, written `YYYY-MM-DDTHH:mm:ssZ`.
    DateTime,
    /// Text.
    String,
    /// A JSON value, written as JSON text (`Tags`, `SkuPriceDetails`).
    Json,
}

/// Where a column's value comes from.
#[derive(Debug)]
pub enum Source {
    /// A field of the record, by JSON pointer (`/PayPrice`, `/Total/UnblendedCost/Amount`).
    Field {
        /// The JSON pointer into one record.
        pointer: &'static str,
        /// Vendor values to FOCUS values (the field's text to the column's); empty for
        /// none.
        map: &'static [(&'static str, &'static str)],
        /// The value for a field value `map` does not list; without it, such a value is
        /// kept as it is.
        default: Option<&'static str>,
        /// For a date-time column: how the field writes a time, as a `time` crate
        /// format description, read in the map's time zone unless it carries an
        /// offset; `None` for RFC 3339 text.
        format: Option<&'static str>,
        /// For a decimal column: an exact factor the value is multiplied by (a unit
        /// conversion: `0.001` for MB to GB).
        multiply: Option<&'static str>,
        /// For a date-time column: the field is the last instant of a period at the
        /// format's finest precision (`23:59` of a day), so one unit of that precision
        /// (a minute) is added to give FOCUS's exclusive end.
        end_inclusive: bool,
    },
    /// A constant (`CNY`, `Usage`, `0`).
    Value(&'static str),
    /// The first instant of the month a field's time falls in (in the map's time zone),
    /// or of the month after it (`next`, for the period's exclusive end).
    Month {
        /// The JSON pointer of the field.
        pointer: &'static str,
        /// How the field writes it (`[year]-[month]`, or a full date and time).
        format: &'static str,
        /// Whether the value is the next month's first instant.
        next: bool,
    },
    /// The vendor's data cannot honestly fill this column: always null, for the reason
    /// given.
    Unavailable(&'static str),
}

/// One FOCUS row: the mapped columns in order, each with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusRow {
    /// The columns' names and values, in the mapping's order.
    pub columns: Vec<(&'static str, FocusValue)>,
}

impl FocusRow {
    /// The value of column `name`, if the mapping has that column.
    pub fn get(&self, name: &str) -> Option<&FocusValue> {
        self.columns
            .iter()
            .find(|(column, _)| *column == name)
            .map(|(_, value)| value)
    }
}

/// One value of a FOCUS row.
#[derive(Debug, Clone, PartialEq)]
pub enum FocusValue {
    /// No value (an absent field, or a column the vendor cannot fill).
    Null,
    /// An exact decimal.
    Decimal(Decimal),
    /// A UTC date and time.
    DateTime(time::OffsetDateTime),
    /// Text.
    String(String),
    /// JSON text.
    Json(String),
}

impl FocusValue {
    /// Whether it is [`FocusValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, FocusValue::Null)
    }
}

/// Writes the value as FOCUS text: a decimal's digits, a date-time as
/// `YYYY-MM-DDTHH:mm:ssZ`, text and JSON as they are, null as nothing.
impl fmt::Display for FocusValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FocusValue::Null => Ok(()),
            FocusValue::Decimal(d) => write!(f, "{d}"),
            FocusValue::DateTime(t) => times::write_utc(f, *t),
            FocusValue::String(s) | FocusValue::Json(s) => f.write_str(s),
        }
    }
}

/// A record that does not convert to a FOCUS row: the column, the field and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("FOCUS column `{column}`{}: {message}", pointer.map(|p| format!(" from `{p}`")).unwrap_or_default())]
pub struct FocusError {
    /// The FOCUS column.
    pub column: &'static str,
    /// The record field it reads, if any.
    pub pointer: Option<&'static str>,
    /// What went wrong (names the value read, which is never a secret: secret fields
    /// are not mapped).
    pub message: String,
}

/// A row as a JSON object: each column by name, in order; a decimal as a JSON number
/// with its exact digits, a date-time as `YYYY-MM-DDTHH:mm:ssZ`, JSON as the value itself,
/// null as `null`.
impl serde::Serialize for FocusRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap};
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (name, value) in &self.columns {
            match value {
                FocusValue::Null => map.serialize_entry(name, &())?,
                FocusValue::Decimal(d) => {
                    // A JSON number with the decimal's exact digits.
                    let raw = serde_json::value::RawValue::from_string(d.as_str().to_owned())
                        .map_err(S::Error::custom)?;
                    map.serialize_entry(name, &raw)?;
                }
                FocusValue::DateTime(_) => map.serialize_entry(name, &value.to_string())?,
                FocusValue::String(s) => map.serialize_entry(name, s)?,
                FocusValue::Json(text) => {
                    let raw: &serde_json::value::RawValue =
                        serde_json::from_str(text).map_err(S::Error::custom)?;
                    map.serialize_entry(name, raw)?;
                }
            }
        }
        map.end()
    }
}
