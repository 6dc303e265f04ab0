//! `meterage sync` fills the `focus` table with the FOCUS rows of every synced listing
//! its spec maps (`x-focus`): Kaopuyun, GSL, NCE-Campus, PLCloud and Alibaba Cloud, one
//! row per vendor record, kept in step on a second run; the query the README and
//! docs/focus.md show, run exactly as written, sums a month's `BilledCost` per
//! `ProviderName` and `ConsumedQuantity` per `ConsumedUnit` across the vendors.

mod support;

use std::path::Path;

use meterage_tests::{aliyun, gsl, kaopuyun, nce, plcloud};
use rusqlite::Connection;
use support::{folder, meterage, stderr};

/// The month query's first and next month's first instants, as the docs write them:
/// October 2022 in China Standard Time.
const OCTOBER_2022: (&str, &str) = ("2022-09-30T16:00:00Z", "2022-10-31T16:00:00Z");

/// The SQL block of `file` (relative to the workspace) holding the month query.
fn documented_query(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    let text = std::fs::read_to_string(&path).expect("the document");
    let start = text
        .find("```sql\nSELECT 'BilledCost'")
        .unwrap_or_else(|| panic!("{file} shows the month query"))
        + "```sql\n".len();
    let end = start + text[start..].find("```").expect("the block's end");
    text[start..end].to_owned()
}

/// The rows of `query`: (measure, per, amount).
fn rows(connection: &Connection, query: &str) -> Vec<(String, String, f64)> {
    connection
        .prepare(query)
        .expect("the query")
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
}

/// Asserts that `got` is `want`: the measures and groups exactly, the sums to 1e-9.
fn assert_rows(got: &[(String, String, f64)], want: &[(&str, &str, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1.as_str()), (w.0, w.1), "{got:?}");
        assert!((g.2 - w.2).abs() < 1e-9, "{got:?} against {want:?}");
    }
}

fn count(connection: &Connection, sql: &str) -> i64 {
    connection.query_row(sql, [], |row| row.get(0)).expect(sql)
}

#[tokio::test]
async fn sync_fills_focus_with_every_mapped_listing_in_step_with_its_table() {
    let kaopuyun_fake = kaopuyun::start().await;
    kaopuyun_fake.dataset.set_len(3);
    let gsl_fake = gsl::start().await;
    gsl_fake.dataset.set_len(12);
    let plcloud_fake = plcloud::start().await;
    plcloud_fake.dataset.set_len(5);
    let nce_fake = nce::start().await;
    nce_fake.dataset.set_len(7);
    let aliyun_fake = aliyun::start().await;
    aliyun_fake.dataset.set_len(4);
    let dir = folder("sync-focus");
    let db = dir.join("focus.sqlite").display().to_string();
    let env = || {
        vec![
            ("KAOPUYUN_URL", kaopuyun_fake.base_url()),
            ("KAOPUYUN_ACCESS_KEY_ID", kaopuyun::KEY.0.to_owned()),
            ("KAOPUYUN_ACCESS_KEY_SECRET", kaopuyun::KEY.1.to_owned()),
            ("HUAWEI_GSL_URL", gsl_fake.base_url()),
            ("HUAWEICLOUD_SDK_AK", gsl::AKSK.0.to_owned()),
            ("HUAWEICLOUD_SDK_SK", gsl::AKSK.1.to_owned()),
            ("PLCLOUD_URL", plcloud_fake.base_url()),
            ("PLCLOUD_USERNAME", plcloud::USER.0.to_owned()),
            ("PLCLOUD_PASSWORD", plcloud::USER.1.to_owned()),
            ("NCE_CAMPUS_URL", nce_fake.base_url()),
            ("NCE_CAMPUS_USERNAME", nce::USER.0.to_owned()),
            ("NCE_CAMPUS_PASSWORD", nce::USER.1.to_owned()),
            ("ALIBABA_CLOUD_BSS_URL", aliyun_fake.base_url()),
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", aliyun::KEYS.key.0.to_owned()),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                aliyun::KEYS.key.1.to_owned(),
            ),
        ]
    };
    // Each fake lists the records of the period asked for: each its own month.
    let runs: [&[&str]; 5] = [
        &["sync", "kaopuyun", "--month", "2022-10", "--db", &db],
        &["sync", "huawei-gsl", "--db", &db, "--month", "2022-09"],
        &["sync", "plcloud", "--db", &db, "--month", "2014-12"],
        &["sync", "nce-campus", "--db", &db, "--month", "2017-11"],
        &["sync", "aliyun-bss", "--db", &db, "--month", "2026-11"],
    ];
    for _ in 0..2 {
        for run in &runs {
            let output = meterage(run, env()).await;
            assert!(output.status.success(), "{run:?}: {}", stderr(&output));
        }
    }
    let connection = Connection::open(&db).expect("the database");
    for (vendor, table) in [
        ("kaopuyun", "kaopuyun__describe_flow_bills"),
        ("huawei_gsl", "huawei_gsl__list_sim_pools"),
        ("plcloud", "plcloud__get_consumptions_by_query"),
        ("nce_campus", "nce_campus__get_time_flow_st_info_list"),
        ("aliyun_bss", "aliyun_bss__describe_instance_bill"),
    ] {
        let records = count(&connection, &format!("SELECT count(*) FROM {table}"));
        let rows = count(
            &connection,
            &format!(
                "SELECT count(*) FROM focus WHERE vendor = '{vendor}' AND listing = '{table}'"
            ),
        );
        assert!(records > 0, "{table} is empty");
        assert_eq!(
            rows, records,
            "one FOCUS row per record of {table}, after two runs"
        );
    }
    // Keyed by the record key: a composite one as a JSON array.
    let key: String = connection
        .query_row(
            "SELECT record_key FROM focus WHERE vendor = 'huawei_gsl' ORDER BY record_key LIMIT 1",
            [],
            |row| row.get(0),
        )
        .expect("a GSL row");
    assert!(key.starts_with("[\"1000000000\","), "{key}");
    let exact: String = connection
        .query_row(
            "SELECT BilledCost FROM focus WHERE vendor = 'plcloud' AND record_key = ?1",
            [plcloud::record(0)["id"].as_str().expect("an id")],
            |row| row.get(0),
        )
        .expect("the seed's record");
    assert_eq!(exact, "3.6659520000", "exact digits, as text");

    // The query, exactly as the README and docs/focus.md show it.
    let query = documented_query("docs/focus.md");
    assert_eq!(
        documented_query("README.md"),
        query,
        "the README shows docs/focus.md's query"
    );
    assert!(query.contains(OCTOBER_2022.0) && query.contains(OCTOBER_2022.1));
    // October 2022 in China (UTC+08:00): the three Kaopuyun bills (21.45 + 25 + 25).
    assert_rows(
        &rows(&connection, &query),
        &[("BilledCost", "Kaopuyun", 71.45)],
    );

    // The same query for each other vendor's month: the fakes serve their seeds' months.
    let month = |start: &str, end: &str| {
        rows(
            &connection,
            &query
                .replace(OCTOBER_2022.0, start)
                .replace(OCTOBER_2022.1, end),
        )
    };
    // September 2022: the GSL pools' flow, MB as GB, at no cost.
    let used: f64 = (0..12)
        .map(|i| gsl::pool(i)["flow_used"].as_f64().expect("flow"))
        .sum();
    assert_rows(
        &month("2022-08-31T16:00:00Z", "2022-09-30T16:00:00Z"),
        &[
            ("BilledCost", "Huawei Cloud", 0.0),
            ("ConsumedQuantity", "GB", used / 1000.0),
        ],
    );
    // November 2017: NCE-Campus users' traffic, 10 + 20 + … + 70 MB, at no cost.
    assert_rows(
        &month("2017-10-31T16:00:00Z", "2017-11-30T16:00:00Z"),
        &[
            ("BilledCost", "Huawei iMaster NCE-Campus", 0.0),
            ("ConsumedQuantity", "GB", 0.28),
        ],
    );
    // December 2014: PLCloud's consumption amounts and billed hours.
    let sum = |field: &str| -> f64 {
        (0..5)
            .map(|i| {
                plcloud::record(i)[field]
                    .as_str()
                    .and_then(|v| v.parse::<f64>().ok())
                    .expect("a decimal string")
            })
            .sum()
    };
    assert_rows(
        &month("2014-11-30T16:00:00Z", "2014-12-31T16:00:00Z"),
        &[
            ("BilledCost", "PLCloud", sum("amount")),
            ("ConsumedQuantity", "Hours", sum("cost_time")),
        ],
    );
    // An Alibaba Cloud item carries no billing period (docs/focus.md): in the table, in
    // no month.
    assert_eq!(
        count(
            &connection,
            "SELECT count(*) FROM focus WHERE vendor = 'aliyun_bss' AND BillingPeriodStart IS NULL"
        ),
        count(
            &connection,
            "SELECT count(*) FROM aliyun_bss__describe_instance_bill"
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}
