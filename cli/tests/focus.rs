//! `meterage API OPERATION --focus --format csv` against the fakes of every mapped API
//! (the four seed APIs, Alibaba Cloud BSS, AWS Cost Explorer and Azure Consumption): one FOCUS row per
//! record, the header the mapping's columns, each cell the mapping applied to the fake's
//! record (time-zone conversion and exact decimals pinned literally); JSON Lines too;
//! `--focus` only where a spec maps.

mod support;

use meterage_clients::{
    aliyun_bss, aws_cost_explorer, azure_consumption, huawei_gsl, kaopuyun as kaopuyun_api,
    nce_campus, plcloud as plcloud_api,
};
use meterage_runtime::focus::{apply, FocusMap, FocusValue};
use meterage_runtime::Decimal;
use meterage_tests::{aliyun, aws, azure, environment, gsl, kaopuyun, nce, plcloud, Options};
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
                // The same JSON: a client's map need not keep the fake's key order.
                FocusValue::Json(text) => {
                    let got: Value = serde_json::from_str(cell)
                        .unwrap_or_else(|e| panic!("row {i} {name}: {e}"));
                    let want: Value = serde_json::from_str(text).expect("JSON");
                    assert_eq!(got, want, "row {i} {name}");
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

#[tokio::test]
async fn aws_cost_and_usage_totals_as_focus_csv() {
    let server = aws::start().await;
    server.dataset.set_len(40);
    let env = vec![
        ("AWS_ENDPOINT_URL_COST_EXPLORER", server.base_url()),
        ("AWS_ACCESS_KEY_ID", aws::KEY.0.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", aws::KEY.1.to_owned()),
    ];
    let map = aws_cost_explorer::GetCostAndUsage::FOCUS;
    let metrics = [
        "NetUnblendedCost",
        "NetAmortizedCost",
        "UnblendedCost",
        "UsageQuantity",
    ];
    // The fake's results of the same query, ungrouped: each period's `Total`.
    let results = |granularity: &str, start: &str, end: &str, n: u64| -> Vec<Value> {
        let query = aws::query::Query::parse(&serde_json::json!({
            "TimePeriod": {"Start": start, "End": end},
            "Granularity": granularity,
            "Metrics": metrics,
        }))
        .expect("a query");
        (0..n).map(|i| query.result(i)).collect()
    };
    let run = |granularity: &'static str, period: &'static str| {
        let mut args = vec![
            "aws-cost-explorer",
            "get-cost-and-usage",
            "--focus",
            "--format",
            "csv",
            "--granularity",
            granularity,
            "--time-period",
            period,
        ];
        for metric in metrics {
            args.extend(["--metrics", metric]);
        }
        meterage_args(args, env.clone())
    };

    let output = run("DAILY", r#"{"Start":"2025-01-01","End":"2025-02-01"}"#).await;
    let rows = assert_focus_csv(
        &output,
        map,
        &results("DAILY", "2025-01-01", "2025-02-01", 31),
    );
    // Result 1: 2 January, UTC; the amounts' decimal text exactly.
    assert_eq!(
        cell(map, &rows[1], "ChargePeriodStart"),
        "2025-01-02T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "ChargePeriodEnd"),
        "2025-01-03T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "BillingPeriodStart"),
        "2025-01-01T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "BillingPeriodEnd"),
        "2025-02-01T00:00:00Z"
    );
    assert_eq!(cell(map, &rows[1], "BilledCost"), "147.0001921153");
    assert_eq!(cell(map, &rows[1], "EffectiveCost"), "147.0001921153");
    assert_eq!(cell(map, &rows[1], "x_UnblendedCost"), "147.0001606966");
    assert_eq!(cell(map, &rows[1], "BillingCurrency"), "USD");
    assert_eq!(cell(map, &rows[1], "x_UsageQuantity"), "442.6966");
    assert_eq!(cell(map, &rows[1], "x_UsageQuantityUnit"), "N/A");
    for column in [
        "ChargeCategory",
        "ServiceName",
        "BillingAccountId",
        "ListCost",
    ] {
        assert_eq!(cell(map, &rows[1], column), "", "{column} is unavailable");
    }

    // Hourly periods carry their time: the same format reads both.
    let output = run(
        "HOURLY",
        r#"{"Start":"2025-01-31T22:00:00Z","End":"2025-02-01T01:00:00Z"}"#,
    )
    .await;
    let rows = assert_focus_csv(
        &output,
        map,
        &results("HOURLY", "2025-01-31T22:00:00Z", "2025-02-01T01:00:00Z", 3),
    );
    assert_eq!(
        cell(map, &rows[1], "ChargePeriodStart"),
        "2025-01-31T23:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "ChargePeriodEnd"),
        "2025-02-01T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[2], "BillingPeriodStart"),
        "2025-02-01T00:00:00Z"
    );
}

#[tokio::test]
async fn azure_usage_details_as_focus_csv() {
    // The fake of Resource Manager and of Entra ID, over HTTPS, its CA trusted.
    let dir = folder("focus-azure");
    let running = environment::start("azure-consumption", 25, &dir)
        .await
        .expect("a fake");
    let env = running.env.clone();
    let scope = format!("/subscriptions/{}", azure::SUBSCRIPTION_ID);
    let op = [
        "azure-consumption",
        "usage-details-list",
        "--scope",
        &scope,
        "--expand",
        "properties/meterDetails",
        "--focus",
        "--format",
        "csv",
    ];
    let output = meterage(&op, env.clone()).await;
    let map = azure_consumption::UsageDetailsList::FOCUS;
    let records: Vec<Value> = azure::usage_details(25)
        .map(|d| azure::expanded(d, "properties/meterDetails"))
        .collect();
    let rows = assert_focus_csv(&output, map, &records);
    // Detail 1: the 2nd of November 2024, a day of UTC; the period's last day inclusive.
    assert_eq!(
        cell(map, &rows[1], "ChargePeriodStart"),
        "2024-11-02T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "ChargePeriodEnd"),
        "2024-11-03T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "BillingPeriodStart"),
        "2024-11-01T00:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[1], "BillingPeriodEnd"),
        "2024-12-01T00:00:00Z"
    );
    // 0.8919 × 0.000131, to its ten decimals.
    assert_eq!(cell(map, &rows[1], "BilledCost"), "0.0001168389");
    assert_eq!(cell(map, &rows[1], "ConsumedQuantity"), "0.8919");
    assert_eq!(cell(map, &rows[1], "PricingUnit"), "10K");
    assert_eq!(cell(map, &rows[0], "ConsumedUnit"), "1 Hour");
    assert_eq!(cell(map, &rows[1], "ChargeCategory"), "Usage");
    assert_eq!(cell(map, &rows[1], "ChargeFrequency"), "Usage-Based");
    assert_eq!(cell(map, &rows[1], "PublisherName"), "Microsoft");
    assert_eq!(cell(map, &rows[1], "ServiceCategory"), "Storage");
    assert_eq!(cell(map, &rows[3], "ServiceCategory"), "Databases");
    assert_eq!(cell(map, &rows[0], "Tags"), "");
    assert_eq!(cell(map, &rows[1], "EffectiveCost"), "");

    // Without `--expand`, no unit of measure: the units are null.
    let plain = [&op[..4], &op[6..]].concat();
    let output = meterage(&plain, env).await;
    let rows = assert_focus_csv(&output, map, &azure::usage_details(25).collect::<Vec<_>>());
    assert_eq!(cell(map, &rows[0], "ConsumedUnit"), "");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn aliyun_daily_instance_bills_as_focus_csv() {
    let server = aliyun::start().await;
    server.dataset.set_len(27);
    let (id, secret) = aliyun::KEYS.key;
    let env = vec![
        ("ALIBABA_CLOUD_BSS_URL", server.base_url()),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", id.to_owned()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret.to_owned()),
    ];
    let op = [
        "aliyun-bss",
        "describe-instance-bill",
        "--billing-cycle",
        "2026-11",
        "--granularity",
        "DAILY",
        "--billing-date",
        "2026-11-05",
        "--focus",
        "--format",
        "csv",
    ];
    let output = meterage(&op, env).await;
    let map = aliyun_bss::DescribeInstanceBill::FOCUS;
    let records: Vec<Value> = (0..27)
        .map(|i| aliyun::shaped(i, Some("2026-11-05"), false))
        .collect();
    let rows = assert_focus_csv(&output, map, &records);
    // A China Standard Time day: 16:00 UTC the day before, to 16:00 of the day.
    assert_eq!(
        cell(map, &rows[0], "ChargePeriodStart"),
        "2026-11-04T16:00:00Z"
    );
    assert_eq!(
        cell(map, &rows[0], "ChargePeriodEnd"),
        "2026-11-05T16:00:00Z"
    );
    // A prepaid subscription is a purchase, its cost what was paid (docs/focus.md).
    assert_eq!(cell(map, &rows[0], "ChargeCategory"), "Purchase");
    assert_eq!(cell(map, &rows[0], "ChargeFrequency"), "Recurring");
    assert_eq!(cell(map, &rows[0], "EffectiveCost"), "10.0");
    assert_eq!(cell(map, &rows[1], "ChargeCategory"), "Usage");
    assert_eq!(cell(map, &rows[1], "ChargeFrequency"), "Usage-Based");
    assert_eq!(cell(map, &rows[1], "BilledCost"), "10.27");
    assert_eq!(cell(map, &rows[1], "ListCost"), "10.37");
    assert_eq!(cell(map, &rows[1], "BillingPeriodStart"), "");
}

/// `meterage` with owned arguments.
async fn meterage_args(args: Vec<&str>, env: Vec<(&'static str, String)>) -> std::process::Output {
    meterage(&args, env).await
}
