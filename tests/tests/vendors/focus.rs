//! FOCUS rows (`x-focus`) of each mapped listing against its fake: the seed's records
//! pinned column by column (time-zone conversion, inclusive ends made exclusive, exact
//! decimals, unit conversions, nulls where the vendor's data cannot fill a column), and
//! one row per record of the whole listing, in order.

use meterage_clients::runtime::focus::{FocusRow, FocusValue};
use meterage_clients::runtime::{Decimal, Error, Stream, TryStreamExt};
use meterage_clients::{aliyun_bss, huawei_gsl, kaopuyun, nce_campus, plcloud};
use meterage_tests::{aliyun, gsl, kaopuyun as kaopuyun_fake, nce, plcloud as plcloud_fake};
use serde_json::Value;

use crate::cases::aliyun::{aliyun_signature, CYCLE};
use crate::support::{access_key, kaopuyun_key, nce_login, plcloud_login, serve};

/// Asserts that `row` has exactly the columns `wanted`, in that order, each written as
/// given ("" for null).
fn assert_row(row: &FocusRow, wanted: &[(&str, &str)]) {
    let got: Vec<(&str, String)> = row
        .columns
        .iter()
        .map(|(name, value)| (*name, value.to_string()))
        .collect();
    let wanted: Vec<(&str, String)> = wanted.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
    assert_eq!(got, wanted);
}

/// The columns every usage-only row (GSL pools, NCE traffic) has alike: no cost, no
/// account, usage in GB, networking.
const USAGE_ONLY: [(&str, &str); 14] = [
    ("BilledCost", "0"),
    ("BillingAccountId", ""),
    ("BillingAccountName", ""),
    ("BillingCurrency", "CNY"),
    ("ChargeCategory", "Usage"),
    ("ChargeClass", ""),
    ("ChargeFrequency", "Usage-Based"),
    ("ConsumedUnit", "GB"),
    ("ContractedCost", "0"),
    ("EffectiveCost", "0"),
    ("ListCost", "0"),
    ("PricingQuantity", ""),
    ("PricingUnit", ""),
    ("ServiceCategory", "Networking"),
];

/// Asserts that `row` has exactly the columns of [`USAGE_ONLY`] and `own`, each written
/// as given, in FOCUS order (`x_` columns last, by name).
fn assert_usage_row(row: &FocusRow, own: &[(&str, &str)]) {
    let mut wanted: Vec<(&str, &str)> = USAGE_ONLY.iter().chain(own).copied().collect();
    wanted.sort_by_key(|(name, _)| (name.starts_with("x_"), *name));
    assert_row(row, &wanted);
}

/// Every row `rows` yields, after checking there are `count`.
async fn rows_of(rows: impl Stream<Item = Result<FocusRow, Error>>, count: u64) -> Vec<FocusRow> {
    let rows: Vec<FocusRow> = rows.try_collect().await.expect("rows");
    assert_eq!(rows.len() as u64, count, "one row per record");
    rows
}

/// The decimal in column `name` of `row`.
fn decimal(row: &FocusRow, name: &str) -> Decimal {
    match row.get(name) {
        Some(FocusValue::Decimal(d)) => d.clone(),
        other => panic!("{name} is no decimal: {other:?}"),
    }
}

/// A JSON number or string of a fake's record as a decimal.
fn decimal_of(value: &Value) -> Decimal {
    match value {
        Value::String(s) => s.parse().expect("a decimal string"),
        other => other.to_string().parse().expect("a decimal number"),
    }
}

#[tokio::test]
async fn kaopuyun_bills_are_rows_with_utc_times_and_exact_costs() {
    let (_server, client): (_, kaopuyun::Client) =
        serve(kaopuyun_fake::start(), kaopuyun_key(kaopuyun_fake::KEY)).await;
    let rows = rows_of(
        client.describe_flow_bills().focus(),
        kaopuyun_fake::DEFAULT_BILLS,
    )
    .await;
    assert_row(
        &rows[0],
        &[
            ("BilledCost", "21.45"),
            ("BillingAccountId", ""),
            ("BillingAccountName", ""),
            ("BillingCurrency", "CNY"),
            ("BillingPeriodEnd", "2022-10-31T16:00:00Z"),
            ("BillingPeriodStart", "2022-09-30T16:00:00Z"),
            ("ChargeCategory", "Purchase"),
            ("ChargeClass", ""),
            ("ChargeDescription", "BWP"),
            ("ChargeFrequency", "Recurring"),
            ("ChargePeriodEnd", "2022-10-31T16:00:00Z"),
            ("ChargePeriodStart", "2022-10-25T02:15:00Z"),
            ("ContractedCost", "21.45"),
            ("EffectiveCost", "21.45"),
            ("InvoiceIssuerName", "Kaopuyun"),
            ("ListCost", "21.45"),
            ("PricingQuantity", ""),
            ("PricingUnit", ""),
            ("ProviderName", "Kaopuyun"),
            ("PublisherName", "Kaopuyun"),
            ("ServiceCategory", "Networking"),
            ("ServiceName", "BWP"),
            ("x_BillUUID", "s70000000rfm"),
            ("x_PayTime", "2022-10-25T02:15:00Z"),
            ("x_PaymentType", "PRE_PAID"),
        ],
    );
    // 25.0 stays 25.0, digit for digit; 2022-11-25 23:59 local is the 25th's last minute.
    assert_eq!(
        rows[1]
            .get("BilledCost")
            .map(ToString::to_string)
            .as_deref(),
        Some("25.0")
    );
    assert_eq!(
        rows[1]
            .get("ChargePeriodEnd")
            .map(ToString::to_string)
            .as_deref(),
        Some("2022-11-25T16:00:00Z")
    );
    assert_eq!(
        rows[1]
            .get("ServiceCategory")
            .map(ToString::to_string)
            .as_deref(),
        Some("Networking")
    );
    for (i, row) in rows.iter().enumerate() {
        let bill = kaopuyun_fake::bill(i as u64);
        assert_eq!(
            decimal(row, "BilledCost"),
            decimal_of(&bill["PayPrice"]),
            "bill {i}"
        );
        assert_eq!(
            decimal(row, "ListCost"),
            decimal_of(&bill["TotalPrice"]),
            "bill {i}"
        );
        let frequency = match bill["BillType"].as_str() {
            Some("NEW_PRODUCT") => "One-Time",
            Some("RENEW_PRODUCT") => "Recurring",
            other => panic!("bill {i} has BillType {other:?}"),
        };
        assert_eq!(
            row.get("ChargeFrequency")
                .map(ToString::to_string)
                .as_deref(),
            Some(frequency)
        );
        assert_eq!(
            row.get("x_BillUUID").map(ToString::to_string).as_ref(),
            bill["BillUUID"].as_str().map(str::to_owned).as_ref()
        );
    }
}

#[tokio::test]
async fn gsl_pools_are_usage_rows_with_flow_in_gb() {
    let (_server, client): (_, huawei_gsl::Client) =
        serve(gsl::start(), huawei_gsl::auth::iam_token(gsl::TOKEN)).await;
    let rows = rows_of(
        client.list_sim_pools().limit(10).focus(),
        gsl::DEFAULT_POOLS,
    )
    .await;
    assert_usage_row(
        &rows[0],
        &[
            ("BillingPeriodEnd", "2022-09-30T16:00:00Z"),
            ("BillingPeriodStart", "2022-08-31T16:00:00Z"),
            ("ChargeDescription", "中国联通消费级每月30M联接服务(1年)"),
            ("ChargePeriodEnd", "2022-09-30T16:00:00Z"),
            ("ChargePeriodStart", "2022-08-31T16:00:00Z"),
            ("ConsumedQuantity", "0.10259"),
            ("InvoiceIssuerName", "Huawei Cloud"),
            ("ProviderName", "Huawei Cloud"),
            ("PublisherName", "Huawei Cloud"),
            ("ResourceId", "1000000000"),
            ("ResourceName", "流量池名称"),
            ("ServiceName", "Global SIM Link"),
            ("x_FlowLeft", "-42.59"),
            ("x_FlowTotal", "60.0"),
            ("x_PricePlanId", "10000"),
        ],
    );
    let thousand: Decimal = "1000".parse().expect("a decimal");
    for (i, row) in rows.iter().enumerate() {
        let pool = gsl::pool(i as u64);
        assert_eq!(
            decimal(row, "ConsumedQuantity") * &thousand,
            decimal_of(&pool["flow_used"]),
            "pool {i}"
        );
        assert_eq!(decimal(row, "BilledCost"), Decimal::default(), "pool {i}");
    }
}

#[tokio::test]
async fn nce_traffic_is_usage_rows_without_a_charge_period() {
    let (_server, client): (_, nce_campus::Client) = serve(nce::start(), nce_login()).await;
    let rows = rows_of(
        client
            .get_time_flow_st_info_list()
            .site_id(nce::SITE_ID)
            .focus(),
        nce::DEFAULT_RECORDS,
    )
    .await;
    assert_usage_row(
        &rows[0],
        &[
            ("BillingPeriodEnd", "2017-11-30T16:00:00Z"),
            ("BillingPeriodStart", "2017-10-31T16:00:00Z"),
            ("ChargeDescription", "Campus user traffic"),
            ("ChargePeriodEnd", ""),
            ("ChargePeriodStart", ""),
            ("ConsumedQuantity", "0.010"),
            ("InvoiceIssuerName", "Huawei"),
            ("ProviderName", "Huawei iMaster NCE-Campus"),
            ("PublisherName", "Huawei"),
            ("ResourceId", "user01"),
            ("ServiceName", "Campus network access"),
            ("SubAccountId", nce::SITE_ID),
            ("x_LastChargeTime", "2017-11-24T00:01:00Z"),
            ("x_PolicyFlow", "1024"),
            ("x_RemainFlow", "1014"),
            ("x_UsedTime", "3"),
        ],
    );
    let thousand: Decimal = "1000".parse().expect("a decimal");
    for (i, row) in rows.iter().enumerate() {
        let record = nce::record(i as u64);
        assert_eq!(
            decimal(row, "ConsumedQuantity") * &thousand,
            decimal_of(&record["usedFlow"]),
            "record {i}"
        );
        assert_eq!(
            row.get("ResourceId").map(ToString::to_string).as_ref(),
            record["userName"].as_str().map(str::to_owned).as_ref()
        );
    }
}

#[tokio::test]
async fn plcloud_consumptions_are_rows_of_the_data_list() {
    let (_server, client): (_, plcloud::Client) =
        serve(plcloud_fake::start(), plcloud_login()).await;
    let rows = rows_of(
        client.get_consumptions_by_query().focus(),
        plcloud_fake::DEFAULT_RECORDS,
    )
    .await;
    let meta: Value = match rows[0].get("x_ResMeta") {
        Some(FocusValue::Json(text)) => serde_json::from_str(text).expect("JSON"),
        other => panic!("x_ResMeta is no JSON: {other:?}"),
    };
    assert_eq!(meta, plcloud_fake::record(0)["res_meta"]);
    let mut first = rows[0].clone();
    first.columns.retain(|(name, _)| *name != "x_ResMeta");
    assert_row(
        &first,
        &[
            ("BilledCost", "3.6659520000"),
            ("BillingAccountId", ""),
            ("BillingAccountName", ""),
            ("BillingCurrency", "CNY"),
            ("BillingPeriodEnd", "2014-12-31T16:00:00Z"),
            ("BillingPeriodStart", "2014-11-30T16:00:00Z"),
            ("ChargeCategory", "Usage"),
            ("ChargeClass", ""),
            ("ChargeDescription", "instance"),
            ("ChargeFrequency", "Usage-Based"),
            ("ChargePeriodEnd", "2014-12-01T16:00:00Z"),
            ("ChargePeriodStart", "2014-11-30T16:00:00Z"),
            ("ConsumedQuantity", "24.0000"),
            ("ConsumedUnit", "Hours"),
            ("ContractedCost", "3.6659520000"),
            ("EffectiveCost", "3.6659520000"),
            ("InvoiceIssuerName", "PLCloud"),
            ("ListCost", "3.6659520000"),
            ("ListUnitPrice", "0.152748"),
            ("PricingQuantity", "24.0000"),
            ("PricingUnit", "Hours"),
            ("ProviderName", "PLCloud"),
            ("PublisherName", "PLCloud"),
            ("RegionId", "shenzhen"),
            ("ResourceId", "ced51e4a-e659-4641-a859-64f5d38e576d"),
            ("ResourceName", "joelei1"),
            ("ResourceType", "instance"),
            ("ServiceCategory", "Compute"),
            ("ServiceName", "instance"),
            ("x_BillingId", "c9ee5686-4066-4a65-a632-ad9b12a71881"),
            ("x_Id", "f5b4d92d-3486-46b6-bf4b-1888d1eca706"),
            ("x_IsBilling", "false"),
        ],
    );
    for (i, row) in rows.iter().enumerate() {
        let record = plcloud_fake::record(i as u64);
        assert_eq!(
            row.get("BilledCost").map(ToString::to_string).as_ref(),
            record["amount"].as_str().map(str::to_owned).as_ref(),
            "record {i}"
        );
    }
}

#[test]
fn the_cli_data_carries_each_map() {
    for (api, operation) in [
        ("kaopuyun", "describe_flow_bills"),
        ("huawei_gsl", "list_sim_pools"),
        ("nce_campus", "get_time_flow_st_info_list"),
        ("plcloud", "get_consumptions_by_query"),
        ("aliyun_bss", "describe_instance_bill"),
    ] {
        let found = meterage_clients::cli::APIS
            .iter()
            .find(|a| a.name == api)
            .and_then(|a| a.operation(operation))
            .and_then(|op| op.focus);
        assert!(found.is_some(), "{api} {operation} has no FOCUS map");
    }
    let names = |map: &meterage_clients::runtime::focus::FocusMap| {
        map.columns.iter().map(|c| c.name).collect::<Vec<_>>()
    };
    let described = meterage_clients::kaopuyun::cli::API
        .operation("describe_flow_bills")
        .and_then(|op| op.focus)
        .expect("a map");
    assert_eq!(names(described), names(kaopuyun::DescribeFlowBills::FOCUS));
}

#[tokio::test]
async fn aliyun_instance_bills_are_rows_with_their_accounts_and_costs() {
    let (_server, client): (_, aliyun_bss::Client) = serve(
        aliyun::start(),
        aliyun_signature(access_key(aliyun::KEYS.key)),
    )
    .await;
    let rows = rows_of(
        client.describe_instance_bill(CYCLE).focus(),
        aliyun::DEFAULT_BILLS,
    )
    .await;
    let text = |row: &FocusRow, name: &str| row.get(name).map(ToString::to_string);
    for (i, row) in rows.iter().enumerate() {
        let bill = aliyun::bill(i as u64);
        assert_eq!(
            decimal(row, "BilledCost"),
            decimal_of(&bill["PretaxAmount"]),
            "bill {i}"
        );
        assert_eq!(
            decimal(row, "ListCost"),
            decimal_of(&bill["PretaxGrossAmount"]),
            "bill {i}"
        );
        let (category, frequency) = match bill["SubscriptionType"].as_str() {
            Some("Subscription") => ("Purchase", "Recurring"),
            Some("PayAsYouGo") => ("Usage", "Usage-Based"),
            other => panic!("bill {i}: {other:?}"),
        };
        assert_eq!(
            text(row, "ChargeCategory").as_deref(),
            Some(category),
            "bill {i}"
        );
        assert_eq!(
            text(row, "ChargeFrequency").as_deref(),
            Some(frequency),
            "bill {i}"
        );
        let service = match bill["ProductCode"].as_str() {
            Some("ecs") => "Compute",
            Some("rds") => "Databases",
            Some("oss") => "Storage",
            Some("cdn") => "Networking",
            other => panic!("bill {i}: {other:?}"),
        };
        assert_eq!(
            text(row, "ServiceCategory").as_deref(),
            Some(service),
            "bill {i}"
        );
        for (column, field) in [
            ("BillingAccountId", "BillAccountID"),
            ("BillingAccountName", "BillAccountName"),
            ("BillingCurrency", "Currency"),
            ("SubAccountId", "OwnerID"),
            ("ResourceId", "InstanceID"),
            ("ResourceName", "NickName"),
            ("RegionName", "Region"),
            ("AvailabilityZone", "Zone"),
        ] {
            assert_eq!(
                text(row, column),
                bill[field].as_str().map(str::to_owned),
                "bill {i} {column}"
            );
        }
        // A monthly item carries neither its cycle nor a day.
        for column in [
            "BillingPeriodStart",
            "BillingPeriodEnd",
            "ChargePeriodStart",
            "ChargePeriodEnd",
        ] {
            assert_eq!(
                row.get(column),
                Some(&FocusValue::Null),
                "bill {i} {column}"
            );
        }
    }
}
