//! The sync's store against hand-written descriptors and a runner that pages an
//! in-memory list of records: tables, keys, upserts, resume, schema evolution, skips.

use std::cell::Cell as Counter;
use std::path::{Path, PathBuf};

use meterage_cli::sync::{self, Batch, Options, Resumed, Runner, SyncError, SyncErrorKind};
use meterage_runtime::describe::{
    Api, Args, Field, FieldKind, OperationInfo, PageInfo, Paging, ParamInfo, Period, RunError,
    Sink, ValueKind,
};
use rusqlite::Connection;
use serde_json::value::RawValue;

const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        description: "",
        required: false,
        kind,
    }
}

static USAGE: [Field; 1] = [field("flow", FieldKind::Decimal { scale: None })];
static BILL: [Field; 5] = [
    field("id", FieldKind::String),
    field("amount", FieldKind::Decimal { scale: Some(2) }),
    field("count", FieldKind::Integer),
    field("usage", FieldKind::Object(&USAGE)),
    field("tags", FieldKind::Array),
];
/// The same records, after the spec gained a field.
static BILL_GAINED: [Field; 6] = [
    field("id", FieldKind::String),
    field("amount", FieldKind::Decimal { scale: Some(2) }),
    field("count", FieldKind::Integer),
    field("usage", FieldKind::Object(&USAGE)),
    field("tags", FieldKind::Array),
    field("ratio", FieldKind::Number),
];
static PAGE: [ParamInfo; 2] = [param("page", false), param("month", true)];

const fn param(name: &'static str, required: bool) -> ParamInfo {
    ParamInfo {
        name,
        wire: name,
        location: "query",
        description: "",
        required,
        secret: false,
        repeated: false,
        kind: ValueKind::String,
        constraints: "",
    }
}

const fn operation(
    name: &'static str,
    record: &'static [Field],
    cursor_param: Option<&'static str>,
) -> OperationInfo {
    OperationInfo {
        name,
        id: name,
        endpoint: "GET /",
        params: &PAGE,
        record,
        paging: Some(Paging {
            style: if cursor_param.is_some() {
                "page-number"
            } else {
                "next-link"
            },
            cursor_param,
        }),
        record_key: &["id"],
        period: Some(Period {
            start: "month",
            end: None,
            format: "[year]-[month]",
            end_inclusive: false,
        }),
        ..OperationInfo::DEFAULTS
    }
}

const fn api(name: &'static str, operations: &'static [OperationInfo]) -> Api {
    Api {
        name,
        title: "",
        description: "",
        spec: "specs/vendor.yaml",
        url_env: "VENDOR_URL",
        credentials: &[],
        operations,
    }
}

static BILLS: [OperationInfo; 1] = [operation("list_bills", &BILL, Some("page"))];
static VENDOR: Api = api("vendor", &BILLS);
static OTHER: Api = api("other", &BILLS);
static BILLS_GAINED: [OperationInfo; 1] = [operation("list_bills", &BILL_GAINED, Some("page"))];
static VENDOR_GAINED: Api = api("vendor", &BILLS_GAINED);
static LINKED: [OperationInfo; 1] = [operation("list_bills", &BILL, None)];
static VENDOR_LINKED: Api = api("vendor", &LINKED);

/// Pages `records` three at a time, from the page its cursor parameter names; gives up
/// (as a dying process would stop) before page `stop_at`, if set.
struct Pages {
    records: Vec<Box<RawValue>>,
    stop_at: Option<u64>,
    /// A wait before each page.
    pause: std::time::Duration,
    /// The pages asked for, in order.
    asked: std::cell::RefCell<Vec<u64>>,
    runs: Counter<u32>,
}

const PAGE_SIZE: usize = 3;

impl Pages {
    fn new(bills: &[Bill]) -> Self {
        Self {
            records: bills.iter().map(Bill::raw).collect(),
            stop_at: None,
            pause: std::time::Duration::ZERO,
            asked: Default::default(),
            runs: Counter::new(0),
        }
    }
}

impl Runner for Pages {
    async fn run<S: Sink>(
        &self,
        api: &'static Api,
        operation: &'static OperationInfo,
        args: &Args,
        sink: &mut S,
    ) -> Result<(), RunError<S::Error>> {
        assert!(["vendor", "other"].contains(&api.name), "{}", api.name);
        assert_eq!(operation.name, "list_bills");
        assert_eq!(args.text("month").as_deref(), Some("2026-10"));
        self.runs.set(self.runs.get() + 1);
        let linked = operation.paging.and_then(|p| p.cursor_param).is_none();
        let first: u64 = args.parse("page")?.unwrap_or(1);
        let chunks: Vec<&[Box<RawValue>]> = self.records.chunks(PAGE_SIZE).collect();
        for (index, page) in (first..).enumerate() {
            let Some(records) = chunks.get(usize::try_from(page - 1).unwrap_or(usize::MAX)) else {
                break;
            };
            if self.stop_at == Some(page) {
                return Err(RunError::NoOperation("the process died".into()));
            }
            std::thread::sleep(self.pause);
            self.asked.borrow_mut().push(page);
            let info = PageInfo {
                cursor: (!linked).then(|| page.to_string()),
                index: index as u64 + 1,
                records: records.len(),
                total: Some(self.records.len() as u64),
                request_id: None,
            };
            if sink.page(&info).map_err(RunError::Sink)?.is_break() {
                return Ok(());
            }
            for record in *records {
                if sink.record(record).map_err(RunError::Sink)?.is_break() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// A record, written as JSON text so its numbers keep their digits.
#[derive(Clone)]
struct Bill {
    i: u64,
    amount: String,
    /// More fields, `,"name":value...`.
    more: String,
}

fn bill(i: u64) -> Bill {
    Bill {
        i,
        amount: format!("{i}.10"),
        more: String::new(),
    }
}

type Expected = (String, String, i64, String, String);

impl Bill {
    fn raw(&self) -> Box<RawValue> {
        let Bill { i, amount, more } = self;
        RawValue::from_string(format!(
            r#"{{"id":"b{i}","amount":{amount},"count":{i},"usage":{{"flow":0.50}},"tags":["x",{i}]{more}}}"#
        ))
        .expect("JSON")
    }

    fn expected(&self) -> Expected {
        (
            format!("b{}", self.i),
            self.amount.clone(),
            i64::try_from(self.i).expect("a count"),
            r#"{"flow":0.50}"#.to_owned(),
            format!(r#"["x",{}]"#, self.i),
        )
    }
}

struct Db {
    _dir: TempDir,
    path: PathBuf,
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn db(test: &str) -> Db {
    let dir = std::env::temp_dir().join(format!("meterage-sync-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    Db {
        path: dir.join("sync.sqlite"),
        _dir: TempDir(dir),
    }
}

fn options(path: &Path) -> Options {
    Options {
        db: path.to_owned(),
        month: Some("2026-10".parse().expect("a month")),
        batch: Batch::EVERY_PAGE,
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// Every row of the table as `(id, amount, count, usage, tags)`, by id.
fn rows(path: &Path) -> Vec<Expected> {
    rows_of(path, "vendor__list_bills")
}

fn rows_of(path: &Path, table: &str) -> Vec<Expected> {
    let conn = Connection::open(path).expect("the database");
    let mut statement = conn
        .prepare(&format!(
            "SELECT id, amount, count, usage, tags, typeof(amount), typeof(count) \
             FROM {table} ORDER BY count"
        ))
        .expect("the table");
    statement
        .query_map([], |row| {
            assert_eq!(row.get::<_, String>(5)?, "text", "exact decimals are text");
            assert_eq!(row.get::<_, String>(6)?, "integer");
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn expected(bills: &[Bill]) -> Vec<Expected> {
    bills.iter().map(Bill::expected).collect()
}

#[test]
fn one_run_writes_every_record_once_with_exact_cells() {
    let db = db("one");
    let records: Vec<Bill> = (0..10).map(bill).collect();
    let runner = Pages::new(&records);
    let report = block_on(sync::sync(&options(&db.path), &[&VENDOR], &runner)).expect("a sync");
    assert_eq!(rows(&db.path), expected(&records));
    assert_eq!(rows(&db.path)[1].1, "1.10", "the decimal's digits as sent");
    let table = &report.tables[0];
    assert_eq!(table.table, "vendor__list_bills");
    assert_eq!(table.scope, "month=2026-10");
    assert_eq!((table.pages, table.records), (4, 10));
    assert_eq!(table.resumed, Resumed::No);
    let text = report.to_string();
    assert!(
        text.starts_with("vendor__list_bills (month=2026-10): 4 pages, 10 records\n"),
        "{text}"
    );
}

#[test]
fn a_second_run_updates_rows_in_place() {
    let db = db("twice");
    let mut records: Vec<Bill> = (0..7).map(bill).collect();
    block_on(sync::sync(
        &options(&db.path),
        &[&VENDOR],
        &Pages::new(&records),
    ))
    .expect("a sync");
    records[2].amount = "99.990".into();
    let runner = Pages::new(&records);
    let report = block_on(sync::sync(&options(&db.path), &[&VENDOR], &runner)).expect("a sync");
    assert_eq!(rows(&db.path), expected(&records));
    assert_eq!(
        report.tables[0].resumed,
        Resumed::No,
        "the first run finished"
    );
    assert_eq!(*runner.asked.borrow(), [1, 2, 3], "started over");
}

#[test]
fn an_interrupted_run_continues_after_its_last_committed_page() {
    let db = db("resume");
    let records: Vec<Bill> = (0..14).map(bill).collect();
    let mut dying = Pages::new(&records);
    dying.stop_at = Some(4);
    let Err(error) = block_on(sync::sync(&options(&db.path), &[&VENDOR], &dying)) else {
        panic!("the run died and still succeeded");
    };
    assert_eq!(error.kind(), SyncErrorKind::Usage);
    let report = error.report().expect("the report");
    assert_eq!(report.failed[0].table, "vendor__list_bills");
    // Pages 1 and 2 are committed (page 3 waits for the page after it to be known).
    assert_eq!(rows(&db.path), expected(&records[..6]));
    let runner = Pages::new(&records);
    let report = block_on(sync::sync(&options(&db.path), &[&VENDOR], &runner)).expect("a sync");
    assert_eq!(
        *runner.asked.borrow(),
        [3, 4, 5],
        "committed pages not asked again"
    );
    assert_eq!(
        report.tables[0].resumed,
        Resumed::At {
            param: "page".into(),
            cursor: "3".into(),
            pages: 2
        }
    );
    assert_eq!((report.tables[0].pages, report.tables[0].records), (3, 8));
    assert_eq!(rows(&db.path), expected(&records));
    assert!(
        report
            .to_string()
            .contains(", resumed after 2 pages written before (page = 3)\n"),
        "{report}"
    );
    // Finished: the next run starts over.
    let runner = Pages::new(&records);
    block_on(sync::sync(&options(&db.path), &[&VENDOR], &runner)).expect("a sync");
    assert_eq!(*runner.asked.borrow(), [1, 2, 3, 4, 5]);
    assert_eq!(rows(&db.path), expected(&records));
}

#[test]
fn a_next_link_listing_restarts_from_the_first_page_and_keeps_records_once() {
    let db = db("linked");
    let records: Vec<Bill> = (0..9).map(bill).collect();
    let mut dying = Pages::new(&records);
    dying.stop_at = Some(3);
    assert!(block_on(sync::sync(&options(&db.path), &[&VENDOR_LINKED], &dying)).is_err());
    assert_eq!(rows(&db.path), expected(&records[..3]));
    let runner = Pages::new(&records);
    let report =
        block_on(sync::sync(&options(&db.path), &[&VENDOR_LINKED], &runner)).expect("a sync");
    assert_eq!(report.tables[0].resumed, Resumed::Restarted);
    assert_eq!(*runner.asked.borrow(), [1, 2, 3]);
    assert_eq!(rows(&db.path), expected(&records));
}

#[test]
fn new_fields_become_columns() {
    let db = db("evolve");
    let records: Vec<Bill> = (0..4).map(bill).collect();
    block_on(sync::sync(
        &options(&db.path),
        &[&VENDOR],
        &Pages::new(&records),
    ))
    .expect("a sync");
    // The spec gained `ratio`, and the vendor sends `region`, which no spec names.
    let records: Vec<Bill> = (0..4)
        .map(|i| Bill {
            more: format!(r#","ratio":0.25,"region":"r{i}""#),
            ..bill(i)
        })
        .collect();
    let report = block_on(sync::sync(
        &options(&db.path),
        &[&VENDOR_GAINED],
        &Pages::new(&records),
    ))
    .expect("a sync with new fields");
    assert!(report.failed.is_empty());
    assert_eq!(rows(&db.path), expected(&records));
    let conn = Connection::open(&db.path).expect("the database");
    let (ratio, kind, region): (f64, String, String) = conn
        .query_row(
            "SELECT ratio, typeof(ratio), region FROM vendor__list_bills WHERE id = 'b3'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .expect("the new columns");
    assert_eq!(
        (ratio, kind.as_str(), region.as_str()),
        (0.25, "real", "r3")
    );
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('vendor__list_bills')")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .expect("the columns");
    assert_eq!(
        columns,
        [
            "id",
            "amount",
            "count",
            "usage",
            "tags",
            "_synced_at",
            "ratio",
            "region"
        ]
    );
}

#[test]
fn a_record_without_its_key_fails_its_listing_with_the_field_named() {
    let db = db("nokey");
    let mut runner = Pages::new(&[bill(0)]);
    runner
        .records
        .push(RawValue::from_string(r#"{"count":1}"#.into()).expect("JSON"));
    let Err(error) = block_on(sync::sync(&options(&db.path), &[&VENDOR], &runner)) else {
        panic!("a record without its key was written");
    };
    assert_eq!(error.kind(), SyncErrorKind::Database);
    let text = error.to_string();
    assert!(
        text.contains(
            "vendor__list_bills (month=2026-10): table `vendor__list_bills`: a record has no \
             value for its record key (`id`)"
        ),
        "{text}"
    );
}

#[test]
fn listings_the_sync_cannot_fill_are_skipped_with_why() {
    let db = db("skip");
    let runner = Pages::new(&[]);
    let no_month = Options {
        month: None,
        ..options(&db.path)
    };
    let Err(SyncError::Usage(text)) = block_on(sync::sync(&no_month, &[&VENDOR], &runner)) else {
        panic!("a sync of nothing succeeded");
    };
    assert_eq!(runner.runs.get(), 0);
    assert_eq!(
        text,
        "nothing to sync:\n  vendor__list_bills: it lists one period at a time (month): give \
         --month YYYY-MM"
    );
    static NEEDS: [ParamInfo; 2] = [param("page", false), param("account_id", true)];
    let mut needs = operation("list_bills", &BILL, Some("page"));
    needs.params = &NEEDS;
    assert_eq!(
        sync::plan(&needs, None).map(|(_, scope)| scope),
        Err(
            "it needs --account-id (a value a sync cannot choose); run the operation itself \
             instead"
                .to_owned()
        )
    );
    let Err(SyncError::Store(error)) = block_on(sync::sync(
        &options(Path::new("/nonexistent/dir/db.sqlite")),
        &[&VENDOR],
        &runner,
    )) else {
        panic!("a database in a missing directory opened");
    };
    assert!(
        error
            .to_string()
            .starts_with("database /nonexistent/dir/db.sqlite: cannot open it"),
        "{error}"
    );
}

#[test]
fn syncs_of_different_apis_write_one_file_at_once() {
    let db = db("together");
    let records: Vec<Bill> = (0..30).map(bill).collect();
    let path = &db.path;
    std::thread::scope(|scope| {
        let runs: Vec<_> = [&VENDOR, &OTHER]
            .into_iter()
            .map(|api| {
                let records = &records;
                scope.spawn(move || {
                    let mut runner = Pages::new(records);
                    runner.pause = std::time::Duration::from_millis(5);
                    block_on(sync::sync(&options(path), &[api], &runner))
                })
            })
            .collect();
        for run in runs {
            let report = run.join().expect("a sync thread").expect("a sync");
            assert_eq!(report.tables[0].records, 30);
        }
    });
    assert_eq!(rows_of(path, "vendor__list_bills"), expected(&records));
    assert_eq!(rows_of(path, "other__list_bills"), expected(&records));
}

#[test]
fn a_table_keyed_otherwise_is_refused_with_what_to_do() {
    let db = db("rekeyed");
    let conn = Connection::open(&db.path).expect("the database");
    conn.execute_batch(
        "CREATE TABLE vendor__list_bills (id TEXT, count INTEGER, PRIMARY KEY (count))",
    )
    .expect("a table");
    let Err(error) = block_on(sync::sync(
        &options(&db.path),
        &[&VENDOR],
        &Pages::new(&[bill(1)]),
    )) else {
        panic!("a table keyed by another column was written");
    };
    let text = error.to_string();
    assert!(
        text.contains(
            "table `vendor__list_bills` has the primary key (count) but the spec's record key \
             is now (id); drop the table"
        ),
        "{text}"
    );
}

#[test]
fn a_batch_commits_whole_pages_once_enough_records_gathered() {
    let db = db("batch");
    let records: Vec<Bill> = (0..20).map(bill).collect();
    let batched = Options {
        batch: Batch {
            rows: 7,
            interval: std::time::Duration::from_secs(3600),
        },
        ..options(&db.path)
    };
    let mut dying = Pages::new(&records);
    dying.stop_at = Some(6);
    assert!(block_on(sync::sync(&batched, &[&VENDOR], &dying)).is_err());
    // Pages 1 to 3 (9 records) went in together when page 4 arrived; page 4, whole
    // when page 5 arrived, when the run failed; page 5 was never known to be whole.
    assert_eq!(rows(&db.path), expected(&records[..12]));
    let runner = Pages::new(&records);
    let report = block_on(sync::sync(&batched, &[&VENDOR], &runner)).expect("a sync");
    assert_eq!(*runner.asked.borrow(), [5, 6, 7]);
    assert_eq!((report.tables[0].pages, report.tables[0].records), (3, 8));
    assert_eq!(rows(&db.path), expected(&records));
}
