//! The `focus` table of a sync: the FOCUS 1.2 rows (`x-focus`) of every synced listing,
//! keyed by vendor (the API), listing (its table) and record key, written in the same
//! transaction as the vendor table's page, so the two never disagree.
//!
//! Its columns are those of the mappings synced so far, added as new ones appear; every
//! value is text (decimals with their exact digits, date-times `YYYY-MM-DDTHH:mm:ssZ`):
//! `SUM("BilledCost")` reads them as numbers.

use meterage_runtime::focus::{FocusMap, FocusRow, FocusValue};
use rusqlite::types::Value;
use rusqlite::Connection;

use super::table::{add_column, quote, SYNCED_AT};

/// The table's name.
pub const TABLE: &str = "focus";

/// The columns that identify a row, its primary key.
const KEY: [&str; 3] = ["vendor", "listing", "record_key"];

/// The `focus` table, ready for one listing's rows.
#[derive(Debug)]
pub struct FocusTable {
    vendor: String,
    listing: String,
    map: &'static FocusMap,
    upsert: String,
}

impl FocusTable {
    /// Creates the table if absent, adds the columns of `map` it lacks, and prepares
    /// the upsert of rows of listing `listing` of API `vendor`.
    pub(super) fn open(
        conn: &Connection,
        vendor: &str,
        listing: &str,
        map: &'static FocusMap,
    ) -> rusqlite::Result<Self> {
        conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (vendor TEXT NOT NULL, listing TEXT NOT NULL, \
             record_key TEXT NOT NULL, {} TEXT, PRIMARY KEY (vendor, listing, record_key))",
            quote(SYNCED_AT)
        ))?;
        let existing: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{TABLE}')"))?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        for column in map.columns {
            if !existing.iter().any(|name| name == column.name) {
                add_column(conn, TABLE, column.name, "TEXT")?;
            }
        }
        let names: Vec<String> = map.columns.iter().map(|c| quote(c.name)).collect();
        let all: Vec<String> = KEY
            .iter()
            .map(|k| (*k).to_owned())
            .chain(names.iter().cloned())
            .chain([quote(SYNCED_AT)])
            .collect();
        let marks = vec!["?"; all.len()].join(", ");
        let updates: Vec<String> = names
            .iter()
            .chain([&quote(SYNCED_AT)])
            .map(|name| format!("{name} = excluded.{name}"))
            .collect();
        let upsert = format!(
            "INSERT INTO {TABLE} ({}) VALUES ({marks}) ON CONFLICT ({}) DO UPDATE SET {}",
            all.join(", "),
            KEY.join(", "),
            updates.join(", ")
        );
        Ok(Self {
            vendor: vendor.to_owned(),
            listing: listing.to_owned(),
            map,
            upsert,
        })
    }

    /// The mapping its rows are made with.
    pub fn map(&self) -> &'static FocusMap {
        self.map
    }

    /// Upserts `row` of the record whose key is `key` (see [`record_key`]), at `now`.
    pub(super) fn write(
        &self,
        conn: &Connection,
        key: String,
        row: &FocusRow,
        now: &str,
    ) -> rusqlite::Result<()> {
        let mut values = vec![
            Value::Text(self.vendor.clone()),
            Value::Text(self.listing.clone()),
            Value::Text(key),
        ];
        values.extend(row.columns.iter().map(|(_, value)| match value {
            FocusValue::Null => Value::Null,
            other => Value::Text(other.to_string()),
        }));
        values.push(Value::Text(now.to_owned()));
        conn.prepare_cached(&self.upsert)?
            .execute(rusqlite::params_from_iter(values.iter()))?;
        Ok(())
    }
}

/// The `record_key` of a record whose key columns hold `values`: the one value's text,
/// or a JSON array of the texts of a composite key.
pub(super) fn record_key(values: &[&Value]) -> String {
    let texts: Vec<String> = values
        .iter()
        .map(|value| match value {
            Value::Null => String::new(),
            Value::Integer(i) => i.to_string(),
            Value::Real(r) => r.to_string(),
            Value::Text(t) => t.clone(),
            Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
        })
        .collect();
    match texts.as_slice() {
        [one] => one.clone(),
        many => serde_json::to_string(many).unwrap_or_default(),
    }
}
