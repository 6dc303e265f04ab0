//! `meterage API OPERATION --focus --format csv` against the fakes of the four seed
//! APIs: one FOCUS row per record, the header the mapping's columns, each cell the
//! mapping applied to the fake's record (the seed records' time-zone conversion and
//! exact decimals pinned literally); JSON Lines too; `--focus` only where a spec maps.

mod support;

use meterage_clients::{huawei_gsl, kaopuyun as kaopuyun_api, nce_campus, plcloud as plcloud_api};
use meterage_runtime::focus::{apply, FocusMap, FocusValue};
use meterage_runtime::Decimal;
use meterage_tests::{gsl, kaopuyun, nce, plcloud, Options};
use serde_json::Value;
use support::{fails, folder, meterage, stderr};

/// The CSV rows `--focus --format csv` printed: the header, then the cells of each row.
fn csv_rows(output: &std::process::Output) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(output.status.success(), "stderr: {}", stderr(output));
    let mut reader = csv::Reader::from_reader(&output.stdout[..]);
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|row| row.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// Asserts that `output` is the CSV of `map` applied to each of `records`, and returns
/// the rows.
fn assert_focus_csv(
    output: &std::process::Output,
    map: &FocusMap,
    records: &[Value],
) -> Vec<Vec<String>> {
    let (header, rows) = csv_rows(output);
    let columns: Vec<&str> = map.columns.iter().map(|c| c.name).collect();
    assert_eq!(header, columns);
    assert_eq!(rows.len(), records.len(), "one row per record");
    for (i, (row, record)) in rows.iter().zip(records).enumerate() {
        let want = apply(map, record).expect("the record maps");
        assert_eq!(row.len(), want.columns.len(), "row {i}");
        for (cell, (name, value)) in row.iter().zip(&want.columns) {
            match value {
                // The value, exactly: a vendor's `60` is the client's `60.0`.
                FocusValue::Decimal(d) => {
                    let got: Decimal = cell
                        .parse()
                        .unwrap_or_else(|e| panic!("row {i} {name}: {e}"));
                    assert_eq!(&got, d, "row {i} {name}");
                }
                other => assert_eq!(cell, &other.to_string(), "row {i} {name}"),
            }
        }
    }
    rows
}

/// The cell of column `name` in `row`, whose header is `map`'s.
fn cell<'r>(map: &FocusMap, row: &'r [String], name: &str) -> &'r str {
    let at = map.columns.iter().position(|c| c.name == name).expect(name);
    &row[at]
}

#[tokio::test]
async fn kaopuyun_bills_as_focus_csv() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(23);
    let env = vec![
        ("KAOPUYUN_URL", server.base_url()),
        ("KAOPUYUN_ACCESS_KEY_ID", kaopuyun::KEY.0.to_owned()),
        ("KAOPUYUN_ACCESS_KEY_SECRET", kaopuyun::KEY.1.to_owned()),
    ];
    let op = [
        "kaopuyun",
        "describe-flow-bills",
        "--focus",
        "--format",
        "csv",
    ];
    let output = meterage(&op, env.clone()).await;
    let map = kaopuyun_api::DescribeFlowBills::FOCUS;
    let rows = assert_focus_csv(&output, map, &kaopuyun::bills(23).collect::<Vec<_>>());
    // 2022-10-25 10:15 in China is 02:15 UTC; 23:59 of the 31st ends at the 1st's midnight.
    assert_eq!(
        cell(map, &rows[0], "ChargePeriodStart"),
        "2022-10-25T02:15:00Z"
    );
    assert_eq!(
        cell(map, &rows[0], "ChargePeriodEnd"),
        "2022-10-31T16:00:00Z"
    );
    assert_eq!(cell(map, &rows[0], "BilledCost"), "21.45");
    assert_eq!(cell(map, &rows[1], "BilledCost"), "25.0");
    assert_eq!(cell(map, &rows[0], "BillingAccountId"), "");

    // JSON Lines too: one object per record, the FOCUS columns in order.
    let jsonl = meterage(&["kaopuyun", "describe-flow-bills", "--focus"], env).await;
    let text = String::from_utf8(jsonl.stdout).expect("UTF-8");
    assert_eq!(text.lines().count(), 23);
    assert!(
        text.starts_with(r#"{"BilledCost":21.45,"BillingAccountId":null"#),
        "{text}"
    );
}

#[tokio::test]
async fn huawei_gsl_pools_as_focus_csv() {
    let server = gsl::start().await;
    server.dataset.set_len(21);
    let env = vec![
        ("HUAWEI_GSL_URL", server.base_url()),
        ("HUAWEICLOUD_SDK_AK", gsl::AKSK.0.to_owned()),
        ("HUAWEICLOUD_SDK_SK", gsl::AKSK.1.to_owned()),
    ];
    let op = ["huawei-gsl", "list-sim-pools", "--focus", "--format", "csv"];
    let output = meterage(&op, env).await;
    let map = huawei_gsl::ListSimPools::FOCUS;
    let rows = assert_focus_csv(&output, map, &gsl::pools(21).collect::<Vec<_>>());
    assert_eq!(cell(map, &rows[0], "ConsumedQuantity"), "0.10259");
    assert_eq!(cell(map, &rows[0], "ConsumedUnit"), "GB");
    assert_eq!(cell(map, &rows[0], "BilledCost"), "0");
    assert_eq!(
        cell(map, &rows[0], "BillingPeriodStart"),
        "2022-08-31T16:00:00Z"
    );
}

#[tokio::test]
async fn nce_campus_traffic_as_focus_csv() {
    let server = nce::start_with(Options::https()).await;
    server.dataset.set_len(17);
    let dir = folder("focus-nce");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, server.ca_pem().expect("a CA")).expect("CA file");
    let env = vec![
        ("NCE_CAMPUS_URL", server.base_url()),
        ("NCE_CAMPUS_USERNAME", nce::USER.0.to_owned()),
        ("NCE_CAMPUS_PASSWORD", nce::USER.1.to_owned()),
        ("METERAGE_CA_FILE", ca.display().to_string()),
    ];
    let op = [
        "nce-campus",
        "get-time-flow-st-info-list",
        "--focus",
        "--format",
        "csv",
    ];
    let output = meterage(&op, env).await;
    let map = nce_campus::GetTimeFlowStInfoList::FOCUS;
    let rows = assert_focus_csv(&output, map, &nce::records(17).collect::<Vec<_>>());
    assert_eq!(cell(map, &rows[0], "ConsumedQuantity"), "0.010");
    assert_eq!(cell(map, &rows[0], "ChargePeriodStart"), "");
    assert_eq!(
        cell(map, &rows[0], "x_LastChargeTime"),
        "2017-11-24T00:01:00Z"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn plcloud_consumptions_as_focus_csv() {
    let server = plcloud::start().await;
    server.dataset.set_len(9);
    let env = vec![
        ("PLCLOUD_URL", server.base_url()),
        ("PLCLOUD_USERNAME", plcloud::USER.0.to_owned()),
        ("PLCLOUD_PASSWORD", plcloud::USER.1.to_owned()),
    ];
    let op = [
        "plcloud",
        "get-consumptions-by-query",
        "--focus",
        "--format",
        "csv",
    ];
    let output = meterage(&op, env.clone()).await;
    let map = plcloud_api::GetConsumptionsByQuery::FOCUS;
    let rows = assert_focus_csv(&output, map, &plcloud::records(9).collect::<Vec<_>>());
    assert_eq!(cell(map, &rows[0], "BilledCost"), "3.6659520000");
    assert_eq!(
        cell(map, &rows[0], "ChargePeriodStart"),
        "2014-11-30T16:00:00Z"
    );
    assert_eq!(cell(map, &rows[0], "ConsumedUnit"), "Hours");

    // An operation without a mapping has no --focus.
    let output = meterage(&["plcloud", "open-console", "--focus"], env).await;
    fails(&output, 2, &["--focus"]);
}
