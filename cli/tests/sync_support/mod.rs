//! What the sync tests against the fakes share: the sync run in a child process (this
//! test binary again, so each run has exactly the environment it is given and can be
//! killed with SIGKILL), and the tables read back as JSON records.

#![allow(dead_code)] // each test binary uses a part

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use meterage_cli::sync;
use meterage_runtime::describe::{Api, FieldKind, OperationInfo};
use meterage_tests::records::numbers_as_floats;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde_json::{Map, Value};

/// The variable that makes this test binary's `sync_child` test run a sync: the
/// command line after `sync`, its words separated by `\x1f`.
const CHILD: &str = "METERAGE_SYNC_TEST_CHILD";

/// The body of each binary's `sync_child` test: nothing in a normal run; in a child
/// started by [`Sync`], the sync, its report on stdout, its error on stderr, and the
/// exit code of its kind.
pub fn child() {
    let Some(args) = std::env::var_os(CHILD) else {
        return;
    };
    let args = args.to_string_lossy().into_owned();
    let words = std::iter::once("sync").chain(args.split('\x1f').filter(|w| !w.is_empty()));
    let matches = sync::command().get_matches_from(words);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let code = match runtime.block_on(sync::run(&matches)) {
        Ok(report) => {
            println!("{report}");
            0
        }
        Err(error) => {
            if let Some(report) = error.report() {
                println!("{report}");
            }
            eprintln!("error: {error}");
            i32::from(error.kind().exit_code())
        }
    };
    std::process::exit(code);
}

/// A database in a fresh folder, removed on drop.
pub struct Db {
    dir: PathBuf,
    /// The database file.
    pub path: PathBuf,
}

impl Db {
    /// A fresh one for test `name`.
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("meterage-sync-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Self {
            path: dir.join("meterage.sqlite"),
            dir,
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `meterage sync` in a child process with exactly the environment `env`.
pub struct Sync {
    /// The environment (the fakes' URLs and credentials).
    pub env: Vec<(String, String)>,
}

impl Sync {
    fn command(&self, args: &[&str]) -> Command {
        let exe = std::env::current_exe().expect("the test binary");
        let mut command = Command::new(exe);
        command
            .args(["--exact", "sync_child", "--nocapture", "--quiet"])
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env(CHILD, OsString::from(args.join("\x1f")))
            .stdin(Stdio::null());
        command
    }

    /// Runs `meterage sync ARGS` to its end (off the async runtime's threads).
    pub async fn run(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        tokio::task::spawn_blocking(move || command.output().expect("the sync runs"))
            .await
            .expect("joined")
    }

    /// Starts `meterage sync ARGS`, to kill.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the sync starts")
    }
}

/// Checks that `output` is a success, printing its streams if not; its stdout.
pub fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The API `name` of the generated descriptors.
pub fn api(name: &str) -> &'static Api {
    meterage_clients::cli::APIS
        .iter()
        .copied()
        .find(|api| api.name == name)
        .unwrap_or_else(|| panic!("no API {name}"))
}

/// The operation `name` of API `api`.
pub fn operation(api: &'static Api, name: &str) -> &'static OperationInfo {
    api.operation(name)
        .unwrap_or_else(|| panic!("no operation {}::{name}", api.name))
}

/// The rows of `operation`'s table as JSON records as the vendor sent them (columns by
/// wire name, nulls left out, decimals and JSON text read back, numbers as `f64`), in
/// the order of their record key; and the key of each.
pub fn records(db: &Path, api: &'static Api, operation: &'static OperationInfo) -> Vec<Value> {
    let conn = Connection::open(db).expect("the database");
    let table = sync::table_name(api, operation);
    let mut statement = conn
        .prepare(&format!("SELECT * FROM \"{table}\""))
        .expect("the table");
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.query([]).expect("rows");
    let mut records = Vec::new();
    while let Some(row) = rows.next().expect("a row") {
        let mut record = Map::new();
        for (at, name) in names.iter().enumerate() {
            if name == sync::store::SYNCED_AT {
                let synced: String = row.get(at).expect("_synced_at");
                assert!(synced.ends_with('Z'), "{synced}");
                continue;
            }
            let kind = operation
                .record
                .iter()
                .find(|field| field.name == name)
                .map(|field| field.kind);
            let cell = row.get_ref(at).expect("a cell");
            // A part of a composite key the record lacks is kept as the empty text.
            let key = operation.record_key.contains(&name.as_str());
            if key && operation.record_key.len() > 1 && cell == ValueRef::Text(b"") {
                continue;
            }
            if let Some(value) = value(cell, kind) {
                record.insert(name.clone(), value);
            }
        }
        records.push(numbers_as_floats(Value::Object(record)));
    }
    sort_by_key(&mut records, operation);
    records
}

/// `want` (a fake's records) as [`records`] gives them: numbers as `f64`, nulls left
/// out, in the order of the record key.
pub fn expected(
    want: impl Iterator<Item = Value>,
    operation: &'static OperationInfo,
) -> Vec<Value> {
    let mut want: Vec<Value> = want
        .map(|record| match numbers_as_floats(record) {
            Value::Object(fields) => {
                Value::Object(fields.into_iter().filter(|(_, v)| !v.is_null()).collect())
            }
            other => other,
        })
        .collect();
    sort_by_key(&mut want, operation);
    want
}

fn sort_by_key(records: &mut [Value], operation: &OperationInfo) {
    let key = |record: &Value| -> Vec<String> {
        operation
            .record_key
            .iter()
            .map(|name| record[*name].to_string())
            .collect()
    };
    records.sort_by_cached_key(key);
}

/// A cell as the JSON value the vendor sent, for a field of `kind` (`None`: outside the
/// schema).
fn value(cell: ValueRef<'_>, kind: Option<FieldKind>) -> Option<Value> {
    Some(match cell {
        ValueRef::Null => return None,
        ValueRef::Integer(i) if matches!(kind, Some(FieldKind::Boolean)) => Value::Bool(i != 0),
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            match kind {
                Some(FieldKind::String | FieldKind::Enum) => Value::String(text.to_owned()),
                // Decimals, JSON text, and fields outside the schema (numbers there keep
                // their digits as text).
                _ => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
            }
        }
        ValueRef::Blob(_) => panic!("a blob in a sync table"),
    })
}

/// A saved position: `(next cursor, status, pages, records)`.
pub type Saved = (Option<String>, String, i64, i64);

/// The saved positions, by `(table, scope)`.
pub fn positions(db: &Path) -> BTreeMap<(String, String), Saved> {
    try_positions(db).expect("the state table")
}

/// [`positions`], or SQLite's error (no state table yet).
pub fn try_positions(db: &Path) -> rusqlite::Result<BTreeMap<(String, String), Saved>> {
    let conn = Connection::open(db)?;
    let mut statement = conn.prepare(
        "SELECT \"table\", scope, next_cursor, status, pages, records FROM _meterage_sync",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            (row.get(0)?, row.get(1)?),
            (row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?),
        ))
    })?;
    rows.collect()
}
