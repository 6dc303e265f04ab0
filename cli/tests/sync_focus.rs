//! `meterage sync` fills the `focus` table with the FOCUS rows of every synced listing
//! its spec maps (`x-focus`), one per vendor record, kept in step on a second run; the
//! README's query sums a month's `BilledCost` per `ProviderName` and
//! `ConsumedQuantity` per `ConsumedUnit` across the vendors.

mod support;

use meterage_tests::{gsl, kaopuyun, plcloud};
use rusqlite::Connection;
use support::{folder, meterage, stderr};

/// The README's query: one month (its first and next month's first instants, UTC) of
/// every vendor, cost per provider and usage per unit.
const MONTH_QUERY: &str = "\
SELECT 'BilledCost' AS measure, ProviderName AS per, total(BilledCost) AS amount
  FROM focus WHERE BillingPeriodStart >= ?1 AND BillingPeriodStart < ?2
  GROUP BY ProviderName
UNION ALL
SELECT 'ConsumedQuantity', ConsumedUnit, total(ConsumedQuantity)
  FROM focus WHERE BillingPeriodStart >= ?1 AND BillingPeriodStart < ?2
    AND ConsumedUnit IS NOT NULL
  GROUP BY ConsumedUnit
ORDER BY 1, 2";

fn month(connection: &Connection, start: &str, end: &str) -> Vec<(String, String, f64)> {
    connection
        .prepare(MONTH_QUERY)
        .expect("the query")
        .query_map([start, end], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
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
        ]
    };
    // Each fake lists the records of the period asked for: each its own month.
    let runs: [&[&str]; 3] = [
        &["sync", "kaopuyun", "--month", "2022-10", "--db", &db],
        &["sync", "huawei-gsl", "--db", &db, "--month", "2022-09"],
        &["sync", "plcloud", "--db", &db, "--month", "2014-12"],
    ];
    for _ in 0..2 {
        for run in &runs {
            let output = meterage(run, env()).await;
            assert!(output.status.success(), "{}", stderr(&output));
        }
    }
    let connection = Connection::open(&db).expect("the database");
    for (vendor, table) in [
        ("kaopuyun", "kaopuyun__describe_flow_bills"),
        ("huawei_gsl", "huawei_gsl__list_sim_pools"),
        ("plcloud", "plcloud__get_consumptions_by_query"),
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

    // October 2022 in China (UTC+08:00): the three Kaopuyun bills.
    let october = month(&connection, "2022-09-30T16:00:00Z", "2022-10-31T16:00:00Z");
    assert_eq!(october.len(), 1, "{october:?}");
    assert_eq!(
        (october[0].0.as_str(), october[0].1.as_str()),
        ("BilledCost", "Kaopuyun")
    );
    assert!((october[0].2 - 71.45).abs() < 1e-9, "{october:?}");
    // September 2022: the GSL pools' flow, at no cost.
    let september = month(&connection, "2022-08-31T16:00:00Z", "2022-09-30T16:00:00Z");
    let used: f64 = (0..12)
        .map(|i| gsl::pool(i)["flow_used"].as_f64().expect("flow"))
        .sum();
    assert_eq!(september.len(), 2, "{september:?}");
    assert_eq!(
        (september[0].1.as_str(), september[0].2),
        ("Huawei Cloud", 0.0)
    );
    assert_eq!(september[1].1, "GB");
    assert!(
        (september[1].2 - used / 1000.0).abs() < 1e-9,
        "{september:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
