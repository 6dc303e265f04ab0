//! A listing's table: created with the record key as its primary key, given the columns
//! it lacks (fields the spec gained, fields the vendor sends outside the spec), and the
//! upsert that writes a row of it.

use std::collections::HashMap;

use meterage_runtime::describe::FieldKind;
use rusqlite::Connection;

use super::store::{Store, StoreError};
use crate::record::Columns;

/// The column every table has besides the record's fields: when the row was written
/// (RFC 3339, UTC).
pub const SYNCED_AT: &str = "_synced_at";

/// One listing's table as this run writes it.
#[derive(Debug)]
pub struct Table {
    pub(super) name: String,
    /// Every column of the table, in table order (`_synced_at` included).
    pub(super) columns: Vec<TableColumn>,
    /// Lowercase column name → index in `columns` (SQLite's names ignore ASCII case).
    pub(super) by_name: HashMap<String, usize>,
    /// For each column of the record schema, its index in `columns`.
    pub(super) schema: Vec<usize>,
    /// The key columns' indices in `columns`.
    pub(super) key: Vec<usize>,
    pub(super) synced_at: usize,
    /// The upsert for the current columns.
    pub(super) upsert: String,
}

#[derive(Debug)]
pub(super) struct TableColumn {
    pub(super) name: String,
    /// Whether a number is stored as a float (`REAL`), else as its exact text.
    pub(super) real: bool,
}

impl Store {
    /// The table `name` for records of `columns`, keyed by `key` (wire names): created
    /// if absent, given the columns it lacks if present.
    ///
    /// # Errors
    ///
    /// SQLite's, or [`StoreError::KeyChanged`] when the table has another primary key.
    pub fn table(
        &mut self,
        name: &str,
        columns: &Columns,
        key: &[&str],
    ) -> Result<Table, StoreError> {
        let schema: Vec<TableColumn> = columns
            .columns()
            .iter()
            .map(|column| TableColumn {
                name: column.name.clone(),
                real: matches!(column.kind, FieldKind::Number),
            })
            .collect();
        let types: Vec<&str> = columns
            .columns()
            .iter()
            .map(|column| sql_type(column.kind))
            .collect();
        let existing = self.write(&format!("cannot create table `{name}`"), |conn| {
            let mut defs: Vec<String> = schema
                .iter()
                .zip(&types)
                .map(|(column, ty)| {
                    let not_null = if key.contains(&column.name.as_str()) {
                        " NOT NULL"
                    } else {
                        ""
                    };
                    format!("{} {ty}{not_null}", quote(&column.name))
                })
                .collect();
            defs.push(format!("{} TEXT NOT NULL", quote(SYNCED_AT)));
            let keys: Vec<String> = key.iter().map(|k| quote(k)).collect();
            defs.push(format!("PRIMARY KEY ({})", keys.join(", ")));
            conn.execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {} ({})",
                quote(name),
                defs.join(", ")
            ))?;
            table_info(conn, name)
        })?;
        let was: Vec<&str> = {
            let mut pk: Vec<&(String, String, i64)> =
                existing.iter().filter(|(_, _, pk)| *pk > 0).collect();
            pk.sort_by_key(|(_, _, pk)| *pk);
            pk.iter().map(|(name, _, _)| name.as_str()).collect()
        };
        if !was
            .iter()
            .map(|n| n.to_ascii_lowercase())
            .eq(key.iter().map(|n| n.to_ascii_lowercase()))
        {
            return Err(StoreError::KeyChanged {
                path: self.path().to_owned(),
                table: name.to_owned(),
                was: was.join(", "),
                now: key.join(", "),
            });
        }
        let mut table = Table {
            name: name.to_owned(),
            columns: existing
                .iter()
                .map(|(name, ty, _)| TableColumn {
                    name: name.clone(),
                    real: ty.eq_ignore_ascii_case("REAL"),
                })
                .collect(),
            by_name: HashMap::new(),
            schema: Vec::new(),
            key: Vec::new(),
            synced_at: 0,
            upsert: String::new(),
        };
        table.index();
        // Fields the spec gained since the table was made.
        let missing: Vec<(usize, &TableColumn)> = schema
            .iter()
            .enumerate()
            .filter(|(_, column)| table.find(&column.name).is_none())
            .collect();
        if !missing.is_empty() {
            self.write(&format!("cannot add columns to `{name}`"), |conn| {
                for &(at, column) in &missing {
                    add_column(conn, name, &column.name, types[at])?;
                }
                Ok(())
            })?;
            for (_, column) in missing {
                table.columns.push(TableColumn {
                    name: column.name.clone(),
                    real: column.real,
                });
            }
            table.index();
        }
        table.schema = schema
            .iter()
            .map(|column| table.find(&column.name).unwrap_or(usize::MAX))
            .collect();
        table.key = key
            .iter()
            .map(|k| table.find(k).unwrap_or(usize::MAX))
            .collect();
        table.synced_at = table.find(SYNCED_AT).unwrap_or(usize::MAX);
        table.upsert = table.upsert_sql();
        Ok(table)
    }
}

impl Table {
    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its columns' names, in table order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|column| column.name.as_str())
    }

    pub(super) fn find(&self, name: &str) -> Option<usize> {
        self.by_name.get(&name.to_ascii_lowercase()).copied()
    }

    pub(super) fn index(&mut self) {
        self.by_name = self
            .columns
            .iter()
            .enumerate()
            .map(|(at, column)| (column.name.to_ascii_lowercase(), at))
            .collect();
    }

    pub(super) fn upsert_sql(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| quote(&c.name)).collect();
        let params: Vec<String> = (1..=names.len()).map(|n| format!("?{n}")).collect();
        let keys: Vec<&str> = self.key.iter().map(|&at| names[at].as_str()).collect();
        let updates: Vec<String> = names
            .iter()
            .enumerate()
            .filter(|(at, _)| !self.key.contains(at))
            .map(|(_, name)| format!("{name} = excluded.{name}"))
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
            quote(&self.name),
            names.join(", "),
            params.join(", "),
            keys.join(", "),
            updates.join(", ")
        )
    }
}

/// `name` as an SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The declared type of a column of `kind`: exact decimals, text and nested values as
/// `TEXT`; enums and values of any type with none, so SQLite keeps each value as it is
/// bound (an integer enum stays an integer, a text one text).
fn sql_type(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Integer | FieldKind::Boolean => "INTEGER",
        FieldKind::Number => "REAL",
        FieldKind::Enum | FieldKind::Json => "",
        _ => "TEXT",
    }
}

pub(super) fn add_column(
    conn: &Connection,
    table: &str,
    name: &str,
    ty: &str,
) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "ALTER TABLE {} ADD COLUMN {} {ty}",
        quote(table),
        quote(name)
    ))
}

/// `(name, declared type, position in the primary key)` of each column of `table`.
fn table_info(conn: &Connection, table: &str) -> rusqlite::Result<Vec<(String, String, i64)>> {
    let mut statement = conn.prepare("SELECT name, type, pk FROM pragma_table_info(?1)")?;
    let rows = statement.query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect()
}
