//! `x-focus`: how a listing's records become FOCUS 1.2 rows, read on an operation and
//! checked against its record type: known columns ([`crate::focus::COLUMNS`]) or `x_`
//! names, pointers to fields the record has, conversions the fields' types can take,
//! a valid time zone and `time` formats.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::Lowerer;
use crate::extensions::X_FOCUS;
use crate::ir::{FocusColumn, FocusMap, FocusSource, FocusType, TypeKind, TypeRef};

/// `x-focus`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FocusExt {
    time_zone: String,
    columns: IndexMap<String, ColumnExt>,
}

/// One column of `x-focus`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ColumnExt {
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    unavailable: Option<String>,
    #[serde(default)]
    map: Option<IndexMap<String, Value>>,
    #[serde(default)]
    default: Option<Value>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    multiply: Option<Value>,
    #[serde(default)]
    end_inclusive: bool,
}

/// What a field's type can be converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    /// A number (integer, float, decimal).
    Number,
    /// Text (a string, an enum, a date written as text).
    Text,
    /// A boolean.
    Bool,
    /// An object or array.
    Composite,
    /// Any JSON: every conversion is tried when a record is read.
    Any,
}

impl Lowerer<'_, '_> {
    /// `x-focus` of the operation at `pointer`, whose records are `record`.
    pub(super) fn focus(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        record: Option<&TypeRef>,
    ) -> Option<FocusMap> {
        let ext: FocusExt = self.extension(extensions, X_FOCUS, pointer)?;
        let at = format!("{pointer}/{X_FOCUS}");
        let mut ok = true;
        let time_zone_seconds = match zone_seconds(&ext.time_zone) {
            Some(seconds) => seconds,
            None => {
                self.error(
                    &format!("{at}/time-zone"),
                    format!("`{X_FOCUS}` `time-zone` `{}` is no UTC offset: write `+08:00`, `-05:00` or `Z`", ext.time_zone),
                );
                ok = false;
                0
            }
        };
        let Some(record) = record.cloned() else {
            self.error(
                &at,
                format!("`{X_FOCUS}` maps records, and the operation returns no typed body"),
            );
            return None;
        };
        let mut columns = Vec::new();
        for (name, column) in &ext.columns {
            let col_at = format!("{at}/columns/{name}");
            match self.focus_column(name, column, &record, &col_at) {
                Some(column) => columns.push(column),
                None => ok = false,
            }
        }
        columns.sort_by(|a, b| {
            (crate::focus::order(&a.name), &a.name).cmp(&(crate::focus::order(&b.name), &b.name))
        });
        ok.then_some(FocusMap {
            time_zone_seconds,
            columns,
        })
    }

    /// One column, checked; `None` after reporting its errors.
    fn focus_column(
        &mut self,
        name: &str,
        ext: &ColumnExt,
        record: &TypeRef,
        at: &str,
    ) -> Option<FocusColumn> {
        let known = crate::focus::column(name);
        if known.is_none() && !name.starts_with("x_") {
            self.error(at, format!("`{name}` is no FOCUS 1.2 column (see the column list in docs/focus.md); a vendor fact FOCUS has no column for takes a name starting with `x_`"));
            return None;
        }
        let sources = [
            ext.field.is_some(),
            ext.value.is_some(),
            ext.month.is_some(),
            ext.unavailable.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            self.error(at, format!("column `{name}` needs exactly one of `field`, `value`, `month` and `unavailable`"));
            return None;
        }
        let extras = ext.map.is_some()
            || ext.default.is_some()
            || ext.multiply.is_some()
            || ext.end_inclusive;
        if ext.field.is_none() && extras {
            self.error(at, format!("column `{name}`: `map`, `default`, `multiply` and `end-inclusive` convert a `field`"));
            return None;
        }
        if let Some(reason) = &ext.unavailable {
            if reason.trim().is_empty() {
                self.error(
                    &format!("{at}/unavailable"),
                    format!("column `{name}`: say why the vendor's data cannot fill it"),
                );
                return None;
            }
            let ty = known.map_or(FocusType::String, |(ty, _)| ty);
            return Some(column(name, ty, FocusSource::Unavailable(reason.clone())));
        }
        if let Some(value) = &ext.value {
            let text = self.scalar(value, &format!("{at}/value"), name)?;
            let ty = known.map_or(FocusType::String, |(ty, _)| ty);
            if let Some(problem) = constant_problem(ty, &text) {
                self.error(
                    &format!("{at}/value"),
                    format!("column `{name}`: {problem}"),
                );
                return None;
            }
            return Some(column(name, ty, FocusSource::Value(text)));
        }
        if let Some(field) = &ext.month {
            let ty = known.map_or(FocusType::DateTime, |(ty, _)| ty);
            let leaf = self.focus_leaf(record, field, &format!("{at}/month"), name)?;
            if ty != FocusType::DateTime {
                self.error(
                    &format!("{at}/month"),
                    format!("column `{name}` is not a DateTime column: `month` gives a date-time"),
                );
                return None;
            }
            let Some(format) = &ext.format else {
                self.error(at, format!("column `{name}`: `month` needs the `format` the field writes its month in (`[year]-[month]`)"));
                return None;
            };
            self.check_format(format, leaf, field, &format!("{at}/format"), name)?;
            let next = name.ends_with("End");
            return Some(column(
                name,
                ty,
                FocusSource::Month {
                    pointer: field.clone(),
                    format: format.clone(),
                    next,
                },
            ));
        }
        let field = ext.field.as_ref()?;
        let leaf = self.focus_leaf(record, field, &format!("{at}/field"), name)?;
        let mut map = Vec::new();
        for (from, to) in ext.map.iter().flatten() {
            map.push((
                from.clone(),
                self.scalar(to, &format!("{at}/map/{from}"), name)?,
            ));
        }
        let default = match &ext.default {
            Some(value) => Some(self.scalar(value, &format!("{at}/default"), name)?),
            None => None,
        };
        let mapped = !map.is_empty() || default.is_some();
        let ty = match known {
            Some((ty, _)) => ty,
            None if ext.format.is_some() => FocusType::DateTime,
            None if mapped => FocusType::String,
            None => match leaf {
                Leaf::Number => FocusType::Decimal,
                Leaf::Composite => FocusType::Json,
                _ => FocusType::String,
            },
        };
        if ext.format.is_some() && ty != FocusType::DateTime {
            self.error(
                &format!("{at}/format"),
                format!("column `{name}` is not a DateTime column: a `format` reads times"),
            );
            return None;
        }
        if ext.end_inclusive && ext.format.is_none() {
            self.error(&format!("{at}/end-inclusive"), format!("column `{name}`: `end-inclusive` adds one unit of the `format`'s precision, and there is no `format`"));
            return None;
        }
        if let Some(format) = &ext.format {
            self.check_format(format, leaf, field, &format!("{at}/format"), name)?;
        }
        let multiply = match &ext.multiply {
            Some(Value::String(factor)) if is_decimal(factor) => Some(factor.clone()),
            Some(other) => {
                self.error(&format!("{at}/multiply"), format!("column `{name}`: `multiply` takes an exact decimal written as a string (`\"0.001\"`), not {other}"));
                return None;
            }
            None => None,
        };
        if !mapped {
            let problem = match (ty, leaf) {
                (FocusType::Decimal, Leaf::Text) => Some("the field is text (a string without `format: decimal`), and a Decimal column needs a number"),
                (FocusType::Decimal, Leaf::Bool | Leaf::Composite) => Some("a Decimal column needs a number"),
                (FocusType::DateTime, Leaf::Number) => Some("the field is a number, and a DateTime column reads a time written as text"),
                (FocusType::DateTime, Leaf::Bool | Leaf::Composite) => Some("a DateTime column reads a time written as text"),
                _ => None,
            };
            if let Some(problem) = problem {
                self.error(
                    &format!("{at}/field"),
                    format!("column `{name}` from `{field}`: {problem}"),
                );
                return None;
            }
        }
        if multiply.is_some() && (ty != FocusType::Decimal || mapped) {
            self.error(
                &format!("{at}/multiply"),
                format!(
                    "column `{name}`: `multiply` converts the number of a Decimal column's field"
                ),
            );
            return None;
        }
        Some(column(
            name,
            ty,
            FocusSource::Field {
                pointer: field.clone(),
                map,
                default,
                format: ext.format.clone(),
                multiply,
                end_inclusive: ext.end_inclusive,
            },
        ))
    }

    /// A constant of the extension as text: a string, number or boolean.
    fn scalar(&mut self, value: &Value, at: &str, name: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.error(
                    at,
                    format!("column `{name}`: a constant is a string or a number, not {other}"),
                );
                None
            }
        }
    }

    /// What the field at `field` of `record` can convert to, or its error reported.
    fn focus_leaf(&mut self, record: &TypeRef, field: &str, at: &str, name: &str) -> Option<Leaf> {
        match self.resolve_pointer(record, field) {
            Ok(ty) => Some(self.leaf(&ty)),
            Err(e) => {
                self.error(at, format!("column `{name}`: {e}"));
                None
            }
        }
    }

    /// Checks a `time` format description for a text field.
    fn check_format(
        &mut self,
        format: &str,
        leaf: Leaf,
        field: &str,
        at: &str,
        name: &str,
    ) -> Option<()> {
        if leaf == Leaf::Number {
            self.error(
                at,
                format!("column `{name}`: `{field}` is a number, and a date `format` reads text"),
            );
            return None;
        }
        match time::format_description::parse_owned::<1>(format) {
            Ok(_) if format.contains("[year") && format.contains("[month") => Some(()),
            Ok(_) => {
                self.error(
                    at,
                    format!(
                        "column `{name}`: the `format` `{format}` reads no `[year]` and `[month]`"
                    ),
                );
                None
            }
            Err(e) => {
                self.error(at, format!("column `{name}`: `{format}` is not a `time` format description: {e} (write e.g. `[year]-[month]-[day] [hour]:[minute]`)"));
                None
            }
        }
    }

    /// The type at JSON pointer `pointer` inside `ty`.
    fn resolve_pointer(&self, ty: &TypeRef, pointer: &str) -> Result<TypeRef, String> {
        if !pointer.starts_with('/') || pointer.len() < 2 {
            return Err(format!(
                "`{pointer}` is no JSON pointer to a field (write `/Field`)"
            ));
        }
        let mut current = ty.clone();
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            current = match current {
                TypeRef::Named(id) => match &self.types.get(id).kind {
                    TypeKind::Struct { fields } => {
                        match fields.iter().find(|f| f.wire_name == token) {
                            Some(field) => field.ty.clone(),
                            None => {
                                let names: Vec<&str> =
                                    fields.iter().map(|f| f.wire_name.as_str()).collect();
                                return Err(format!(
                                    "`{pointer}` points to no field: `{token}` is none of {}",
                                    names.join(", ")
                                ));
                            }
                        }
                    }
                    TypeKind::OneOf { .. } => return Ok(TypeRef::Json),
                    TypeKind::Enum { .. } => {
                        return Err(format!("`{pointer}`: `{token}` is inside an enum value"))
                    }
                },
                TypeRef::Map(inner) => *inner,
                TypeRef::Array(inner) if token.parse::<usize>().is_ok() => *inner,
                TypeRef::Json | TypeRef::JsonObject => return Ok(TypeRef::Json),
                _ => {
                    return Err(format!(
                    "`{pointer}` points to no field: `{token}` is below a value that has no fields"
                ))
                }
            };
        }
        Ok(current)
    }

    /// What a field of type `ty` converts to.
    fn leaf(&self, ty: &TypeRef) -> Leaf {
        match ty {
            TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Decimal => Leaf::Number,
            TypeRef::String | TypeRef::Date(_) => Leaf::Text,
            TypeRef::Bool => Leaf::Bool,
            TypeRef::Json => Leaf::Any,
            TypeRef::Named(id) => match &self.types.get(*id).kind {
                TypeKind::Enum { .. } => Leaf::Text,
                TypeKind::OneOf { .. } => Leaf::Any,
                TypeKind::Struct { .. } => Leaf::Composite,
            },
            _ => Leaf::Composite,
        }
    }
}

/// A column.
fn column(name: &str, ty: FocusType, source: FocusSource) -> FocusColumn {
    FocusColumn {
        name: name.to_owned(),
        ty,
        source,
    }
}

/// Why constant `text` cannot be a value of type `ty`, if it cannot.
fn constant_problem(ty: FocusType, text: &str) -> Option<String> {
    match ty {
        FocusType::Decimal if !is_decimal(text) => {
            Some(format!("`{text}` is not a decimal number"))
        }
        FocusType::DateTime
            if time::OffsetDateTime::parse(
                text,
                &time::format_description::well_known::Rfc3339,
            )
            .is_err() =>
        {
            Some(format!(
                "`{text}` is not an RFC 3339 date-time (`2026-10-01T00:00:00Z`)"
            ))
        }
        _ => None,
    }
}

/// Whether `text` is a plain decimal number (`-12.5`, `0.001`).
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The offset `+08:00` (or `Z`, `UTC`) in seconds.
fn zone_seconds(text: &str) -> Option<i32> {
    if text == "Z" || text == "UTC" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}
