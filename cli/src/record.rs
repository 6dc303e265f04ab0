//! Records as flat rows: one cell per column of the operation's record schema, nested
//! objects flattened into dotted column names, numbers exactly as the vendor wrote them.
//!
//! A record is serialized once to JSON (the generated types write exact decimals as
//! their text) and read back as raw values, so no number passes through `f64`.

use std::collections::BTreeMap;

use meterage_runtime::describe::{Field, FieldKind};
use serde::Serialize;
use serde_json::value::RawValue;

/// The columns of an operation's records.
#[derive(Debug, Clone)]
pub struct Columns {
    columns: Vec<Column>,
    /// Top-level field name → the range of its columns.
    top: BTreeMap<String, (usize, usize)>,
}

/// One column.
#[derive(Debug, Clone)]
pub struct Column {
    /// The dotted wire name (`usage.flow`).
    pub name: String,
    /// The path of wire names from the record down to the value.
    pub path: Vec<&'static str>,
    /// The kind of its values (`Object` never: objects are flattened, or `Json` when
    /// they recur).
    pub kind: FieldKind,
    /// The field's description.
    pub description: &'static str,
}

/// One value of a flat row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Absent or `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits 64 bits.
    Integer(i64),
    /// Any other number, as the exact JSON text.
    Number(String),
    /// A string.
    Text(String),
    /// An array, an object or a value of another type than the schema's, as JSON text.
    Json(String),
}

/// A record that does not serialize, or does not read back.
#[derive(Debug, thiserror::Error)]
#[error("a record does not serialize as JSON: {0}")]
pub struct RecordError(#[from] serde_json::Error);

impl Columns {
    /// The columns of records with `fields`: nested objects flattened (an object type
    /// met again inside itself is one JSON column).
    pub fn new(fields: &'static [Field]) -> Self {
        let mut columns = Vec::new();
        let mut top = BTreeMap::new();
        for field in fields {
            let start = columns.len();
            let mut path = vec![field.name];
            let mut seen = vec![fields.as_ptr()];
            push(&mut columns, &mut path, field, &mut seen);
            top.insert(field.name.to_owned(), (start, columns.len()));
        }
        Self { columns, top }
    }

    /// The columns of records with `fields`, one per top-level field: a nested object is
    /// one column of JSON text (`FieldKind::Json`), as a table of records keeps it.
    pub fn top_level(fields: &'static [Field]) -> Self {
        let columns = fields
            .iter()
            .map(|field| Column {
                name: field.name.to_owned(),
                path: vec![field.name],
                kind: match field.kind {
                    FieldKind::Object(_) => FieldKind::Json,
                    kind => kind,
                },
                description: field.description,
            })
            .collect();
        let top = fields
            .iter()
            .enumerate()
            .map(|(at, field)| (field.name.to_owned(), (at, at + 1)))
            .collect();
        Self { columns, top }
    }

    /// The columns, in schema order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether there are no columns (records that are not objects).
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// `record` as one cell per column, and the top-level fields the schema does not
    /// know (a record of another shape than the spec's), each as one cell, in name order.
    ///
    /// # Errors
    ///
    /// A record that does not serialize as JSON.
    pub fn flatten<T: Serialize>(&self, record: &T) -> Result<Row, RecordError> {
        let json = serde_json::to_string(record)?;
        self.flatten_json(&json)
    }

    /// [`Columns::flatten`] of a record already written as JSON.
    ///
    /// # Errors
    ///
    /// Text that is not JSON.
    pub fn flatten_json(&self, json: &str) -> Result<Row, RecordError> {
        let mut cells = vec![Cell::Null; self.columns.len()];
        let mut extra = Vec::new();
        let Ok(object) = serde_json::from_str::<BTreeMap<&str, &RawValue>>(json) else {
            // Not an object: the whole record is one value, of no column.
            let raw: &RawValue = serde_json::from_str(json)?;
            extra.push((String::new(), cell(raw, FieldKind::Json)?));
            return Ok(Row { cells, extra });
        };
        for (name, raw) in object {
            match self.top.get(name) {
                Some(&(start, end)) => self.fill(&mut cells, start, end, 1, raw)?,
                None => extra.push((name.to_owned(), cell(raw, FieldKind::Json)?)),
            }
        }
        Ok(Row { cells, extra })
    }

    /// Fills the cells `start..end`, whose paths share their first `depth` names, from
    /// `raw`, the value at that common path.
    fn fill(
        &self,
        cells: &mut [Cell],
        start: usize,
        end: usize,
        depth: usize,
        raw: &RawValue,
    ) -> Result<(), RecordError> {
        let first = &self.columns[start];
        if end - start == 1 && first.path.len() == depth {
            cells[start] = cell(raw, first.kind)?;
            return Ok(());
        }
        // An object flattened into the columns below it.
        let text = raw.get();
        if text == "null" {
            return Ok(());
        }
        let Ok(object) = serde_json::from_str::<BTreeMap<&str, &RawValue>>(text) else {
            // Not an object where the schema has one: kept whole in the first column.
            cells[start] = Cell::Json(text.to_owned());
            return Ok(());
        };
        let mut at = start;
        while at < end {
            let name = self.columns[at].path[depth];
            let mut group_end = at + 1;
            while group_end < end && self.columns[group_end].path[depth] == name {
                group_end += 1;
            }
            if let Some(value) = object.get(name) {
                self.fill(cells, at, group_end, depth + 1, value)?;
            }
            at = group_end;
        }
        Ok(())
    }
}

/// One record as cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One cell per column, in the order of [`Columns::columns`].
    pub cells: Vec<Cell>,
    /// Top-level fields no column holds, by wire name.
    pub extra: Vec<(String, Cell)>,
}

fn push(
    columns: &mut Vec<Column>,
    path: &mut Vec<&'static str>,
    field: &'static Field,
    seen: &mut Vec<*const Field>,
) {
    match field.kind {
        FieldKind::Object(fields) if !fields.is_empty() && !seen.contains(&fields.as_ptr()) => {
            seen.push(fields.as_ptr());
            for inner in fields {
                path.push(inner.name);
                push(columns, path, inner, seen);
                path.pop();
            }
            seen.pop();
        }
        kind => {
            let kind = match kind {
                FieldKind::Object(_) => FieldKind::Json,
                kind => kind,
            };
            columns.push(Column {
                name: path.join("."),
                path: path.clone(),
                kind,
                description: field.description,
            });
        }
    }
}

/// The cell of `raw`, a value the schema says is of `kind`.
fn cell(raw: &RawValue, kind: FieldKind) -> Result<Cell, RecordError> {
    let text = raw.get();
    Ok(match text.as_bytes().first() {
        None | Some(b'n') => Cell::Null,
        Some(b't') => Cell::Bool(true),
        Some(b'f') => Cell::Bool(false),
        // A number the vendor sends as a string stays text, its digits as sent.
        Some(b'"') => Cell::Text(serde_json::from_str(text)?),
        Some(b'{' | b'[') => Cell::Json(text.to_owned()),
        Some(_) => match text.parse::<i64>() {
            Ok(integer) if !matches!(kind, FieldKind::Decimal { .. } | FieldKind::Number) => {
                Cell::Integer(integer)
            }
            _ => Cell::Number(text.to_owned()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static INNER: [Field; 2] = [
        Field {
            name: "flow",
            description: "",
            required: false,
            kind: FieldKind::Decimal { scale: None },
        },
        Field {
            name: "unit",
            description: "",
            required: false,
            kind: FieldKind::String,
        },
    ];
    static FIELDS: [Field; 4] = [
        Field {
            name: "id",
            description: "",
            required: true,
            kind: FieldKind::Integer,
        },
        Field {
            name: "price",
            description: "",
            required: false,
            kind: FieldKind::Decimal { scale: None },
        },
        Field {
            name: "usage",
            description: "",
            required: false,
            kind: FieldKind::Object(&INNER),
        },
        Field {
            name: "tags",
            description: "",
            required: false,
            kind: FieldKind::Array,
        },
    ];

    #[test]
    fn nested_objects_flatten_into_dotted_columns_with_exact_numbers() {
        let columns = Columns::new(&FIELDS);
        let names: Vec<_> = columns.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "price", "usage.flow", "usage.unit", "tags"]);
        let row = columns
            .flatten_json(
                r#"{"id":7,"price":25.0,"usage":{"unit":"MB","flow":1.10},"tags":["a"],"new":"x"}"#,
            )
            .expect("a JSON object");
        assert_eq!(
            row.cells,
            [
                Cell::Integer(7),
                Cell::Number("25.0".into()),
                Cell::Number("1.10".into()),
                Cell::Text("MB".into()),
                Cell::Json(r#"["a"]"#.into()),
            ]
        );
        assert_eq!(row.extra, [("new".to_owned(), Cell::Text("x".into()))]);
        let row = columns
            .flatten_json(r#"{"id":8,"usage":null}"#)
            .expect("a JSON object");
        assert_eq!(row.cells[1..4], [Cell::Null, Cell::Null, Cell::Null]);
    }

    #[test]
    fn top_level_columns_keep_nested_objects_as_json_text() {
        let columns = Columns::top_level(&FIELDS);
        let names: Vec<_> = columns.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "price", "usage", "tags"]);
        assert!(matches!(columns.columns()[2].kind, FieldKind::Json));
        let row = columns
            .flatten_json(r#"{"id":7,"price":25.0,"usage":{"unit":"MB","flow":1.10},"new":2}"#)
            .expect("a JSON object");
        assert_eq!(
            row.cells,
            [
                Cell::Integer(7),
                Cell::Number("25.0".into()),
                Cell::Json(r#"{"unit":"MB","flow":1.10}"#.into()),
                Cell::Null,
            ]
        );
        assert_eq!(row.extra, [("new".to_owned(), Cell::Integer(2))]);
    }
}
