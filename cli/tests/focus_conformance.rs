//! Every MUST rule of the FOCUS 1.2 model that applies, run on each mapped API's own
//! `--focus` output: `meterage API OPERATION --focus --format csv` against the API's fake,
//! then the checker (`meterage_cli::focus_check`). The rules that fail are exactly the ones
//! `docs/focus.md` explains (mandatory values the vendor's data does not carry, a mapping
//! question, a value kept as sent); any other failure, or one of these passing, fails
//! the test, so the docs and the mappings stay in step.

mod support;

use std::path::{Path, PathBuf};

use meterage_cli::focus_check::{self, Status};
use meterage_tests::{azure, environment};

/// The requirements model beside the checkout (or `METERAGE_FOCUS_MODEL`); `None`, said
/// on standard error, where it is absent.
fn model() -> Option<PathBuf> {
    let path = std::env::var_os("METERAGE_FOCUS_MODEL").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/focus/model-1.2.json"),
        PathBuf::from,
    );
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: no FOCUS 1.2 requirements model at {}",
            path.display()
        );
        None
    }
}

/// The failing MUST rules of `api`'s `--focus` output of 30 records of its fake, with the
/// applicability criteria `applicable`.
async fn failing(api: &str, operation: &[&str], applicable: &[&str], model: &Path) -> Vec<String> {
    let dir = support::folder(&format!("focus-conformance-{api}"));
    let running = environment::start(api, 30, &dir).await.expect("a fake");
    let file = dir.join("focus.csv");
    let file_arg = file.display().to_string();
    let mut args = vec![api];
    args.extend(operation);
    args.extend(["--focus", "--format", "csv", "-o", &file_arg]);
    let output = support::meterage(&args, running.env.clone()).await;
    assert!(
        output.status.success(),
        "{api}: {}",
        support::stderr(&output)
    );
    let currencies = model.with_file_name("currency_codes.csv");
    let applicable: Vec<String> = applicable.iter().map(|s| (*s).to_owned()).collect();
    let report =
        focus_check::check_file(&file, model, Some(&currencies), &applicable).expect("checked");
    let mut ids: Vec<String> = report
        .rules
        .iter()
        .filter(|rule| rule.is_must() && matches!(rule.status, Status::Fail { .. }))
        .map(|rule| rule.id.clone())
        .collect();
    ids.sort();
    ids
}

/// The composite rules above every failure: the dataset's, and its mandatory columns'.
const DATASET: [&str; 2] = ["CostAndUsage-D-000-M", "CostAndUsage-D-002-M"];
/// No account in the records.
const ACCOUNT: [&str; 2] = ["BillingAccountId-C-000-M", "BillingAccountId-C-001-M"];
/// No priced quantity in the records.
const PRICING: [&str; 3] = [
    "PricingQuantity-C-000-M",
    "PricingQuantity-C-003-M",
    "PricingQuantity-C-005-C",
];
/// A purchase's cost kept as its `EffectiveCost`: the vendor's data amortizes none of
/// it, and the model's check wants 0 of every purchase (docs/focus.md says why).
const PURCHASE: [&str; 2] = ["EffectiveCost-C-000-M", "EffectiveCost-C-005-C"];

fn expected(parts: &[&[&str]]) -> Vec<String> {
    let mut ids: Vec<String> = parts
        .iter()
        .flat_map(|part| part.iter().map(|id| (*id).to_owned()))
        .collect();
    ids.sort();
    ids
}

const USAGE: &[&str] = &["USAGE_MEASUREMENT_SUPPORTED"];

#[tokio::test]
async fn each_apis_focus_output_fails_only_the_rules_its_data_cannot_meet() {
    let Some(model) = model() else {
        return;
    };
    assert_eq!(
        failing("kaopuyun", &["describe-flow-bills"], &[], &model).await,
        expected(&[&DATASET, &ACCOUNT, &PRICING, &PURCHASE])
    );
    assert_eq!(
        failing("huawei-gsl", &["list-sim-pools"], USAGE, &model).await,
        expected(&[&DATASET, &ACCOUNT, &PRICING])
    );
    let charge_period = [
        "ChargePeriodEnd-C-000-M",
        "ChargePeriodEnd-C-003-M",
        "ChargePeriodStart-C-000-M",
        "ChargePeriodStart-C-003-M",
    ];
    assert_eq!(
        failing("nce-campus", &["get-time-flow-st-info-list"], USAGE, &model).await,
        expected(&[&DATASET, &ACCOUNT, &PRICING, &charge_period])
    );
    // The fake's made-up `unit_price` × `cost_time` is not always its `amount`.
    let unit_price = ["ListUnitPrice-C-007-C", "ListUnitPrice-C-010-C"];
    assert_eq!(
        failing("plcloud", &["get-consumptions-by-query"], USAGE, &model).await,
        expected(&[&DATASET, &ACCOUNT, &unit_price])
    );
    let billing_period = [
        "BillingPeriodEnd-C-000-M",
        "BillingPeriodEnd-C-003-M",
        "BillingPeriodStart-C-000-M",
        "BillingPeriodStart-C-003-M",
    ];
    assert_eq!(
        failing(
            "aliyun-bss",
            &["describe-instance-bill", "--billing-cycle", "2026-11"],
            &[],
            &model
        )
        .await,
        expected(&[
            &DATASET,
            &PRICING,
            &PURCHASE,
            &billing_period,
            &charge_period
        ])
    );
    // Each period's total of the account, at the metrics the mapping reads.
    let aws = [
        "get-cost-and-usage",
        "--granularity",
        "DAILY",
        "--time-period",
        r#"{"Start":"2025-01-01","End":"2025-02-01"}"#,
        "--metrics",
        "NetUnblendedCost",
        "--metrics",
        "NetAmortizedCost",
        "--metrics",
        "UnblendedCost",
        "--metrics",
        "UsageQuantity",
    ];
    assert_eq!(
        failing("aws-cost-explorer", &aws, &[], &model).await,
        expected(&[&DATASET, &ACCOUNT, &AWS_TOTAL])
    );
    let scope = format!("/subscriptions/{}", azure::SUBSCRIPTION_ID);
    let azure = [
        "usage-details-list",
        "--scope",
        &scope,
        "--expand",
        "properties/meterDetails",
    ];
    assert_eq!(
        failing("azure-consumption", &azure, USAGE, &model).await,
        expected(&[&DATASET, &AZURE_COSTS])
    );
}

/// What a period's total of every service and record type cannot say (AWS): its charge
/// category (so no pricing rule applies), its service, its list and contracted costs.
const AWS_TOTAL: [&str; 14] = [
    "ChargeCategory-C-000-M",
    "ChargeCategory-C-002-M",
    "ChargeCategory-C-003-M",
    "ContractedCost-C-000-M",
    "ContractedCost-C-003-M",
    "ContractedCost-C-004-M",
    "ListCost-C-000-M",
    "ListCost-C-003-M",
    "ListCost-C-004-M",
    "ServiceCategory-C-000-M",
    "ServiceCategory-C-002-M",
    "ServiceCategory-C-003-M",
    "ServiceName-C-000-M",
    "ServiceName-C-003-M",
];
/// The costs a usage detail does not carry (Azure): its effective (amortized), list and
/// contracted costs.
const AZURE_COSTS: [&str; 9] = [
    "ContractedCost-C-000-M",
    "ContractedCost-C-003-M",
    "ContractedCost-C-004-M",
    "EffectiveCost-C-000-M",
    "EffectiveCost-C-003-M",
    "EffectiveCost-C-004-M",
    "ListCost-C-000-M",
    "ListCost-C-003-M",
    "ListCost-C-004-M",
];
