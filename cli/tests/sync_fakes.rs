//! `meterage sync` against the vendor fakes, each run a child process with exactly the
//! environment of one API's credentials: every record exactly once, read back with SQL
//! and compared with the fake's records, after (a) one run, (b) two runs, (c) a run
//! killed with SIGKILL after some pages and run again (which does not ask for the
//! committed pages again), (d) a run that meets every transient fault the fakes offer.

mod sync_support;

use std::time::{Duration, Instant};

use meterage_cli::sync::table_name;
use meterage_runtime::describe::{FieldKind, OperationInfo};
use meterage_tests::{aliyun, gsl, kaopuyun, nce, Fault, Server};
use rusqlite::Connection;
use serde_json::Value;
use sync_support::{api, operation, positions, records, succeeded, try_positions, Db, Sync};

#[test]
fn sync_child() {
    sync_support::child();
}

/// One API's listing as its fake serves it.
struct Vendor {
    /// The API's module name.
    api: &'static str,
    /// The listing the fake serves.
    operation: &'static str,
    /// A month covering the fake's records.
    month: &'static str,
    /// The environment of the client: base URL and credentials.
    env: fn(&Server) -> Vec<(String, String)>,
    /// The fake's record `i`.
    record: fn(u64) -> Value,
    /// Records per page when the caller sets no page size.
    page_size: u64,
    /// Whether the client signs in (and so meets an expired session).
    signs_in: bool,
}

fn vars(
    server: &Server,
    url: &str,
    user: (&str, &str),
    key: (&str, &str),
) -> Vec<(String, String)> {
    vec![
        (url.to_owned(), server.base_url()),
        (user.0.to_owned(), key.0.to_owned()),
        (user.1.to_owned(), key.1.to_owned()),
    ]
}

const KAOPUYUN: Vendor = Vendor {
    api: "kaopuyun",
    operation: "describe_flow_bills",
    month: "2023-02",
    env: |server| {
        vars(
            server,
            "KAOPUYUN_URL",
            ("KAOPUYUN_ACCESS_KEY_ID", "KAOPUYUN_ACCESS_KEY_SECRET"),
            kaopuyun::KEY,
        )
    },
    record: kaopuyun::bill,
    page_size: 10,
    signs_in: false,
};

const GSL: Vendor = Vendor {
    api: "huawei_gsl",
    operation: "list_sim_pools",
    month: "2022-09",
    env: |server| {
        vars(
            server,
            "HUAWEI_GSL_URL",
            ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"),
            gsl::AKSK,
        )
    },
    record: gsl::pool,
    page_size: 10,
    signs_in: false,
};

const NCE: Vendor = Vendor {
    api: "nce_campus",
    operation: "get_time_flow_st_info_list",
    month: "2017-11",
    env: |server| {
        vars(
            server,
            "NCE_CAMPUS_URL",
            ("NCE_CAMPUS_USERNAME", "NCE_CAMPUS_PASSWORD"),
            nce::USER,
        )
    },
    record: nce::record,
    page_size: 20,
    signs_in: true,
};

const ALIYUN: Vendor = Vendor {
    api: "aliyun_bss",
    operation: "describe_instance_bill",
    month: "2026-11",
    env: |server| {
        vars(
            server,
            "ALIBABA_CLOUD_BSS_URL",
            (
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            ),
            aliyun::KEYS.key,
        )
    },
    record: aliyun::bill,
    page_size: 20,
    signs_in: false,
};

impl Vendor {
    fn operation(&self) -> &'static OperationInfo {
        operation(api(self.api), self.operation)
    }

    fn table(&self) -> String {
        table_name(api(self.api), self.operation())
    }

    /// `meterage sync API --db DB --month M`.
    fn args<'a>(&'a self, db: &'a Db) -> Vec<&'a str> {
        vec![
            self.api,
            "--db",
            db.path.to_str().expect("a UTF-8 path"),
            "--month",
            self.month,
        ]
    }

    /// The fake's first `len` records as the table must hold them.
    fn expected(&self, len: u64) -> Vec<Value> {
        let operation = self.operation();
        let want = (0..len).map(|i| numbers_from_text((self.record)(i), operation));
        sync_support::expected(want, operation)
    }

    /// Checks that the table holds exactly the fake's first `len` records.
    fn holds(&self, db: &Db, len: u64) {
        let got = records(&db.path, api(self.api), self.operation());
        assert_eq!(got.len() as u64, len, "rows of {}", self.table());
        let want = self.expected(len);
        for (at, (got, want)) in got.iter().zip(&want).enumerate() {
            assert_eq!(got, want, "row {at} of {}", self.table());
        }
    }
}

/// A record with the numbers the vendor sends as strings (NCE, PLCloud) as the numbers
/// the client reads them as, where the spec says the field is a number.
fn numbers_from_text(record: Value, operation: &OperationInfo) -> Value {
    let Value::Object(mut fields) = record else {
        return record;
    };
    for field in operation.record {
        let numeric = matches!(
            field.kind,
            FieldKind::Integer | FieldKind::Number | FieldKind::Decimal { .. }
        );
        if let (true, Some(Value::String(text))) = (numeric, fields.get(field.name)) {
            if let Ok(number @ Value::Number(_)) = serde_json::from_str(text) {
                fields.insert(field.name.to_owned(), number);
            }
        }
    }
    Value::Object(fields)
}

/// (a) One run, every API with credentials (here, one): every record once, and the
/// report says what it wrote.
async fn one_run(server: &Server, vendor: &Vendor, db: &Db) {
    let len = vendor.page_size * 9 + 3;
    server.dataset.set_len(len);
    let sync = Sync {
        env: (vendor.env)(server),
    };
    let mut args = vendor.args(db);
    args.remove(0); // no API named: the ones whose credentials are set
    let stdout = succeeded(&sync.run(&args).await);
    vendor.holds(db, len);
    let line = format!(
        "{} (month={}): 10 pages, {len} records\n",
        vendor.table(),
        vendor.month
    );
    assert!(stdout.contains(&line), "{stdout}");
    let position = &positions(&db.path)[&(vendor.table(), format!("month={}", vendor.month))];
    assert_eq!(
        position,
        &(None, "done".to_owned(), 10, i64::try_from(len).unwrap_or(0))
    );
}

/// (b) Two runs, the vendor listing more records the second time: one row per record,
/// the rows of the first run updated in place (same rowid).
async fn two_runs(server: &Server, vendor: &Vendor, db: &Db) {
    let sync = Sync {
        env: (vendor.env)(server),
    };
    let first = vendor.page_size * 4 + 1;
    server.dataset.set_len(first);
    succeeded(&sync.run(&vendor.args(db)).await);
    vendor.holds(db, first);
    let rowids = |db: &Db| -> Vec<(i64, String)> {
        let conn = Connection::open(&db.path).expect("the database");
        let key = vendor.operation().record_key[0];
        let sql = format!(
            "SELECT rowid, CAST(\"{key}\" AS TEXT) FROM \"{}\" ORDER BY rowid",
            vendor.table()
        );
        let mut statement = conn.prepare(&sql).expect("the table");
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let before = rowids(db);
    let second = first + vendor.page_size * 2;
    server.dataset.set_len(second);
    let stdout = succeeded(&sync.run(&vendor.args(db)).await);
    assert!(!stdout.contains("resumed"), "{stdout}");
    vendor.holds(db, second);
    assert_eq!(rowids(db)[..before.len()], before[..], "updated in place");
}

/// (c) A run killed with SIGKILL after some pages are committed, then run again: it
/// continues at the saved page, never asking for a committed page again, and the table
/// ends with every record once.
async fn killed_and_resumed(server: &Server, vendor: &Vendor, db: &Db) {
    // Commits come every second (the default batch), the pages 4 at a time every 200 ms.
    let pages = 80;
    let len = vendor.page_size * pages - 2;
    server.dataset.set_len(len);
    server.dataset.set_latency(Duration::from_millis(200));
    let sync = Sync {
        env: (vendor.env)(server),
    };
    let mut child = sync.spawn(&vendor.args(db));
    let scope = (vendor.table(), format!("month={}", vendor.month));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let position = db
            .path
            .exists()
            .then(|| try_positions(&db.path).ok())
            .flatten()
            .and_then(|positions| positions.get(&scope).cloned());
        if let Some((Some(_), status, pages, _)) = position {
            if pages >= 3 {
                assert_eq!(status, "running");
                break;
            }
        }
        assert!(Instant::now() < deadline, "no page committed in 60 s");
        assert!(
            child.try_wait().expect("the child").is_none(),
            "the sync ended early"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("the killed child");
    // What the killed run left: its position and its records, consistent.
    let (cursor, status, pages_done, records_done) = positions(&db.path)[&scope].clone();
    let cursor = cursor.expect("a next page");
    assert_eq!(status, "running");
    let pages_done = u64::try_from(pages_done).expect("pages");
    assert!(pages_done < pages, "killed before the end");
    let rows = records(&db.path, api(vendor.api), vendor.operation());
    assert_eq!(
        rows.len() as i64,
        records_done,
        "rows and position in one transaction"
    );
    assert_eq!(rows, vendor.expected(records_done as u64));
    assert_eq!(
        records_done as u64,
        pages_done * vendor.page_size,
        "whole pages"
    );

    // The killed run's requests still in the fake's hands finish before its log is read.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.dataset.set_latency(Duration::ZERO);
    let asked_before = server.log.listing_pages().len();
    let stdout = succeeded(&sync.run(&vendor.args(db)).await);
    let asked: Vec<u64> = server.log.listing_pages()[asked_before..].to_vec();
    let next = pages_done + 1;
    assert_eq!(
        asked.iter().min(),
        Some(&next),
        "continued after the committed pages: {asked:?}"
    );
    let param = vendor
        .operation()
        .paging
        .and_then(|paging| paging.cursor_param)
        .expect("a cursor parameter");
    let line = format!(", resumed after {pages_done} pages written before ({param} = {cursor})\n");
    assert!(stdout.contains(&line), "{stdout}");
    vendor.holds(db, len);
    let (_, status, pages_total, records_total) = positions(&db.path)[&scope].clone();
    assert_eq!(
        (status.as_str(), pages_total, records_total),
        (
            "done",
            i64::try_from(pages).unwrap_or(0),
            i64::try_from(len).unwrap_or(0)
        )
    );
}

/// A page slower than most, but within the client's default timeout.
const SLOW: Duration = Duration::from_millis(1500);

/// Every transient fault the fakes know (as the vendor tests' list): an expired session
/// has no effect on a vendor that signs each request.
fn transient_faults() -> Vec<Fault> {
    vec![
        Fault::Busy,
        Fault::TooManyRequests { retry_after: 1 },
        Fault::DropConnection,
        Fault::Delay(SLOW),
        Fault::TruncatedJson,
        Fault::MalformedJson,
        Fault::GatewayHtml(502),
        Fault::GatewayHtml(503),
        Fault::RepeatPreviousPage {
            echo_previous: true,
        },
        Fault::RepeatPreviousPage {
            echo_previous: false,
        },
        Fault::ShiftTotal(7),
        Fault::ShiftTotal(-30),
        Fault::CutBody,
        Fault::DropResponse,
        Fault::ExpireSessions,
    ]
}

/// (d) One transient fault on each page from page 2: every record once, every fault met.
async fn through_every_fault(server: &Server, vendor: &Vendor, db: &Db) {
    let faults = transient_faults();
    let len = vendor.page_size * (faults.len() as u64 + 5) + 7;
    server.dataset.set_len(len);
    for (page, fault) in (2..).zip(faults) {
        server.faults.on_page(page, fault);
    }
    let sync = Sync {
        env: (vendor.env)(server),
    };
    succeeded(&sync.run(&vendor.args(db)).await);
    vendor.holds(db, len);
    assert_eq!(server.faults.remaining(), 0, "every fault struck");
    if vendor.signs_in {
        assert_eq!(server.log.logins(), 2, "signed in again after the expiry");
    }
}

macro_rules! vendors {
    ($($name:ident: $start:path, $vendor:expr;)*) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn one_run_writes_every_record_once() {
                let server = $start().await;
                one_run(&server, &$vendor, &Db::new(concat!(stringify!($name), "-one"))).await;
            }

            #[tokio::test]
            async fn two_runs_keep_one_row_per_record() {
                let server = $start().await;
                two_runs(&server, &$vendor, &Db::new(concat!(stringify!($name), "-two"))).await;
            }

            #[tokio::test]
            async fn a_killed_run_resumes_after_its_committed_pages() {
                let server = $start().await;
                let db = Db::new(concat!(stringify!($name), "-killed"));
                killed_and_resumed(&server, &$vendor, &db).await;
            }

            #[tokio::test]
            async fn every_transient_fault_leaves_every_record_once() {
                let server = $start().await;
                let db = Db::new(concat!(stringify!($name), "-faults"));
                through_every_fault(&server, &$vendor, &db).await;
            }
        }
    )*};
}

vendors! {
    kaopuyun_flow_bills: kaopuyun::start, KAOPUYUN;
    gsl_sim_pools: gsl::start, GSL;
    nce_traffic: nce::start, NCE;
    aliyun_instance_bills: aliyun::start, ALIYUN;
}

/// Every API none of whose listings a sync can fill (no record key, or parameters only
/// the caller can choose), named with working-looking credentials: exit code 2, each
/// listing (or the API) on a line saying why, nothing sent.
#[tokio::test]
async fn apis_with_nothing_to_sync_say_why_and_exit_2() {
    let month = Some("2026-10".parse().expect("a month"));
    let mut seen = 0;
    for &api in meterage_clients::cli::APIS {
        let listings: Vec<_> = api
            .operations
            .iter()
            .filter(|op| !op.record_key.is_empty())
            .collect();
        if listings
            .iter()
            .any(|op| meterage_cli::sync::plan(op, month).is_ok())
        {
            continue;
        }
        seen += 1;
        let db = Db::new(&format!("nothing-{}", api.name));
        let mut env = vec![(api.url_env.to_owned(), "http://127.0.0.1:9".to_owned())];
        for var in api.credentials[0].vars.iter().filter(|var| var.required) {
            env.push((var.name.to_owned(), "a-value".to_owned()));
        }
        let sync = Sync { env };
        let kebab = api.name.replace('_', "-");
        let path = db.path.to_str().expect("UTF-8");
        let output = sync
            .run(&[&kebab, "--db", path, "--month", "2026-10"])
            .await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", api.name);
        assert!(stderr.contains("error: nothing to sync:\n"), "{stderr}");
        if listings.is_empty() {
            assert!(
                stderr.contains(&format!(
                    "  {kebab}: no operation of its spec declares a record key"
                )),
                "{stderr}"
            );
        }
        for op in listings {
            let reason = meterage_cli::sync::plan(op, month).expect_err("skipped");
            let line = format!("  {}: {reason}", table_name(api, op));
            assert!(stderr.contains(&line), "{stderr}");
        }
    }
    assert!(seen > 0, "no API without a listing to sync");
}

/// Credentials: an API named without them exits 3 naming the variables, one the vendor
/// refuses exits 3 with the vendor's code; an unknown API, or none named and none with
/// credentials, exits 2 saying what there is.
#[tokio::test]
async fn credentials_missing_or_refused_exit_3_and_unknown_apis_exit_2() {
    let db = Db::new("credentials");
    let path = db.path.to_str().expect("UTF-8");
    let nothing = Sync { env: Vec::new() };
    let output = nothing
        .run(&["kaopuyun", "--db", path, "--month", "2023-02"])
        .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("error: kaopuyun: "), "{stderr}");
    assert!(stderr.contains("KAOPUYUN_ACCESS_KEY_ID"), "{stderr}");

    let server = kaopuyun::start().await;
    server.dataset.set_len(5);
    let refused = Sync {
        env: vars(
            &server,
            "KAOPUYUN_URL",
            ("KAOPUYUN_ACCESS_KEY_ID", "KAOPUYUN_ACCESS_KEY_SECRET"),
            (kaopuyun::KEY.0, "not-the-secret"),
        ),
    };
    let output = refused
        .run(&["kaopuyun", "--db", path, "--month", "2023-02"])
        .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("1 of 1 listings failed")
            && stderr.contains("kaopuyun__describe_flow_bills (month=2023-02): ")
            && stderr.contains("SignatureDoesNotMatch"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("kaopuyun__describe_flow_bills (month=2023-02): failed: "),
        "{stdout}"
    );

    let output = nothing.run(&["no-such-api", "--db", path]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: no API `no-such-api`; the APIs are: aliyun-bss, "),
        "{stderr}"
    );
    let output = nothing.run(&["--db", path]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no API has its credentials in the environment")
            && stderr.contains("\n  kaopuyun: KAOPUYUN_ACCESS_KEY_ID KAOPUYUN_ACCESS_KEY_SECRET"),
        "{stderr}"
    );
}
