//! `meterage focus-check` over small FOCUS 1.2 datasets written here, against the FinOps
//! Foundation's requirements model read from `../shared/focus/model-1.2.json` (beside
//! the workspace) or from the file `METERAGE_FOCUS_MODEL` names.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow_array::{ArrayRef, Decimal128Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use meterage_cli::focus_check::{self, Report, Status};
use parquet::arrow::ArrowWriter;

/// Whether the requirements model is there to test against. A checkout without the
/// shared folder beside it skips these tests, saying so on standard error; when
/// `METERAGE_FOCUS_MODEL` names a file, it must exist (`model_path` fails saying where it
/// looked).
fn model_available() -> bool {
    if std::env::var_os("METERAGE_FOCUS_MODEL").is_some() || default_model().is_file() {
        return true;
    }
    eprintln!(
        "SKIPPED: the FOCUS 1.2 requirements model is not at {} (set METERAGE_FOCUS_MODEL to its path)",
        default_model().display()
    );
    false
}

fn default_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/focus/model-1.2.json")
}

/// The requirements model: `METERAGE_FOCUS_MODEL`, or `../shared/focus/model-1.2.json`
/// beside the workspace; a test needing it fails saying where it looked.
fn model_path() -> PathBuf {
    let path = match std::env::var_os("METERAGE_FOCUS_MODEL") {
        Some(path) => PathBuf::from(path),
        None => default_model(),
    };
    assert!(
        path.is_file(),
        "the FOCUS 1.2 requirements model is expected at {} (the FinOps Foundation \
         validator's model-1.2.json, kept outside the project); set METERAGE_FOCUS_MODEL \
         to its path to use another copy",
        path.display()
    );
    path
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meterage-focus-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join(name)
}

const APPLICABLE: &[&str] = &["USAGE_MEASUREMENT_SUPPORTED"];

/// Three usage-only rows (traffic with no cost), every mandatory FOCUS 1.2 column and
/// the consumed quantity and unit.
fn sample() -> Vec<(&'static str, Vec<&'static str>)> {
    let same = |v: &'static str| vec![v; 3];
    vec![
        ("BilledCost", same("0")),
        ("BillingAccountId", same("acct-1001")),
        ("BillingAccountName", same("Example Holdings")),
        ("BillingCurrency", same("CNY")),
        ("BillingPeriodEnd", same("2026-12-01T00:00:00Z")),
        ("BillingPeriodStart", same("2026-11-01T00:00:00Z")),
        ("ChargeCategory", same("Usage")),
        ("ChargeClass", same("")),
        ("ChargeDescription", same("Pool traffic")),
        ("ChargeFrequency", same("Usage-Based")),
        (
            "ChargePeriodEnd",
            vec![
                "2026-11-02T00:00:00Z",
                "2026-11-03T00:00:00Z",
                "2026-11-04T00:00:00Z",
            ],
        ),
        (
            "ChargePeriodStart",
            vec![
                "2026-11-01T00:00:00Z",
                "2026-11-02T00:00:00Z",
                "2026-11-03T00:00:00Z",
            ],
        ),
        ("ConsumedQuantity", vec!["1.5", "0.25", "12"]),
        ("ConsumedUnit", same("GB")),
        ("ContractedCost", same("0")),
        ("EffectiveCost", same("0")),
        ("InvoiceIssuerName", same("Example Networks")),
        ("ListCost", same("0")),
        ("PricingQuantity", vec!["1.5", "0.25", "12"]),
        ("PricingUnit", same("GB")),
        ("ProviderName", same("Example Networks")),
        ("PublisherName", same("Example Networks")),
        ("ServiceCategory", same("Networking")),
        ("ServiceName", same("Pool Flow")),
    ]
}

fn write_csv(name: &str, columns: &[(&str, Vec<&str>)]) -> PathBuf {
    let path = scratch(name);
    let mut writer = csv::Writer::from_path(&path).expect("csv file");
    writer
        .write_record(columns.iter().map(|(name, _)| *name))
        .expect("header");
    for row in 0..columns[0].1.len() {
        writer
            .write_record(columns.iter().map(|(_, values)| values[row]))
            .expect("row");
    }
    writer.flush().expect("flush");
    path
}

fn check(path: &Path, applicable: &[&str]) -> Report {
    let applicable: Vec<String> = applicable.iter().map(|s| s.to_string()).collect();
    focus_check::check_file(path, &model_path(), None, &applicable).expect("the check runs")
}

fn failing(report: &Report) -> Vec<&str> {
    report.ids("fail")
}

fn with(column: &str, values: Vec<&'static str>) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut columns = sample();
    let slot = columns
        .iter_mut()
        .find(|(name, _)| *name == column)
        .expect("a sample column");
    slot.1 = values;
    columns
}

#[test]
fn the_valid_sample_passes_every_rule_it_can_evaluate() {
    if !model_available() {
        return;
    }
    let report = check(&write_csv("valid.csv", &sample()), APPLICABLE);
    // Only the two RECOMMENDED columns left out fail; no MUST rule does.
    assert_eq!(
        failing(&report),
        ["CostAndUsage-D-033-O", "CostAndUsage-D-042-O"],
        "{}",
        report.to_text()
    );
    assert!(report.must_rules_pass());
    assert_eq!(report.rows, 3);
    assert_eq!(report.rules.len(), 621);
    let t = report.totals;
    assert_eq!(t.total(), 621);
    assert_eq!(
        (t.pass, t.fail, t.not_applicable, t.cannot_evaluate),
        EXPECTED_TOTALS,
        "{}",
        report.to_text()
    );
    let must = report.by_keyword["MUST"];
    assert_eq!(
        (
            must.pass,
            must.fail,
            must.not_applicable,
            must.cannot_evaluate
        ),
        EXPECTED_MUST
    );
    let sum: usize = report.by_keyword.values().map(|c| c.total()).sum();
    assert_eq!(sum, 621);
    // Rules with no machine-checkable requirement are never counted as passed.
    assert!(matches!(
        &report.rule("DateTimeFormat-A-001-M").expect("rule").status,
        Status::CannotEvaluate { reason } if reason.contains("Dynamic")
    ));
    // A rule under a criterion not declared is not applicable.
    assert!(matches!(
        &report.rule("CostAndUsage-D-003-C").expect("rule").status,
        Status::NotApplicable { reason } if reason.contains("AVAILABILITY_ZONE_SUPPORTED")
    ));
    assert!(matches!(
        report.rule("BillingCurrency-C-006-M").expect("rule").status,
        Status::Pass { checked_rows: 3 }
    ));
}

/// (pass, fail, not applicable, cannot evaluate) over all 621 rules for the sample.
const EXPECTED_TOTALS: (usize, usize, usize, usize) = (130, 2, 373, 116);
/// The same over the 472 `MUST` rules.
const EXPECTED_MUST: (usize, usize, usize, usize) = (103, 0, 287, 82);

/// The rules failing, apart from the two RECOMMENDED columns the sample leaves out.
fn defects(report: &Report) -> Vec<&str> {
    failing(report)
        .into_iter()
        .filter(|id| !["CostAndUsage-D-033-O", "CostAndUsage-D-042-O"].contains(id))
        .collect()
}

fn fail_detail(report: &Report, id: &str) -> (usize, Vec<(usize, Option<String>)>) {
    match &report.rule(id).expect("rule").status {
        Status::Fail {
            failing_rows,
            examples,
            ..
        } => (
            *failing_rows,
            examples.iter().map(|e| (e.row, e.value.clone())).collect(),
        ),
        other => panic!("{id} does not fail: {other:?}"),
    }
}

#[test]
fn a_missing_mandatory_column_fails_its_presence_rule_and_the_dataset() {
    if !model_available() {
        return;
    }
    let columns: Vec<_> = sample()
        .into_iter()
        .filter(|(name, _)| *name != "BillingCurrency")
        .collect();
    let report = check(&write_csv("no-currency.csv", &columns), APPLICABLE);
    assert_eq!(
        defects(&report),
        [
            "CostAndUsage-D-000-M",
            "CostAndUsage-D-001-M",
            "CostAndUsage-D-035-M"
        ],
        "{}",
        report.to_text()
    );
    assert!(!report.must_rules_pass());
    assert!(matches!(
        &report.rule("CostAndUsage-D-035-M").expect("rule").status,
        Status::Fail { reason: Some(reason), .. } if reason == "column BillingCurrency is not in the dataset"
    ));
    // The column's own rules do not apply to a column that is not there.
    assert!(matches!(
        &report.rule("BillingCurrency-C-006-M").expect("rule").status,
        Status::NotApplicable { reason } if reason.contains("BillingCurrency")
    ));
}

#[test]
fn a_null_charge_period_start_fails_its_nullability_rule() {
    if !model_available() {
        return;
    }
    let columns = with(
        "ChargePeriodStart",
        vec!["2026-11-01T00:00:00Z", "", "2026-11-03T00:00:00Z"],
    );
    let report = check(&write_csv("null-start.csv", &columns), APPLICABLE);
    assert_eq!(
        defects(&report),
        [
            "ChargePeriodStart-C-000-M",
            "ChargePeriodStart-C-003-M",
            "CostAndUsage-D-000-M",
            "CostAndUsage-D-002-M"
        ],
        "{}",
        report.to_text()
    );
    assert_eq!(
        fail_detail(&report, "ChargePeriodStart-C-003-M"),
        (1, vec![(2, None)])
    );
}

#[test]
fn a_bad_currency_code_fails_the_national_currency_rule() {
    if !model_available() {
        return;
    }
    let columns = with("BillingCurrency", vec!["CNY", "XYZ", "RMB"]);
    let report = check(&write_csv("bad-currency.csv", &columns), APPLICABLE);
    assert_eq!(
        defects(&report),
        [
            "BillingCurrency-C-000-M",
            "BillingCurrency-C-003-M",
            "BillingCurrency-C-006-M",
            "CostAndUsage-D-000-M",
            "CostAndUsage-D-002-M"
        ],
        "{}",
        report.to_text()
    );
    assert_eq!(
        fail_detail(&report, "BillingCurrency-C-006-M"),
        (2, vec![(2, Some("XYZ".into())), (3, Some("RMB".into()))])
    );
}

#[test]
fn a_date_time_not_in_utc_format_fails_the_format_rule_only() {
    if !model_available() {
        return;
    }
    let columns = with(
        "ChargePeriodEnd",
        vec![
            "2026-11-02T00:00:00Z",
            "2026-11-03 08:00:00",
            "2026-11-04T08:00:00+08:00",
        ],
    );
    let report = check(&write_csv("local-time.csv", &columns), APPLICABLE);
    // Still ISO 8601 date-times (the type rule passes) but not `YYYY-MM-DDTHH:mm:ssZ`.
    assert_eq!(
        defects(&report),
        [
            "ChargePeriodEnd-C-000-M",
            "ChargePeriodEnd-C-002-M",
            "CostAndUsage-D-000-M",
            "CostAndUsage-D-002-M"
        ],
        "{}",
        report.to_text()
    );
    assert_eq!(
        fail_detail(&report, "ChargePeriodEnd-C-002-M"),
        (
            2,
            vec![
                (2, Some("2026-11-03 08:00:00".into())),
                (3, Some("2026-11-04T08:00:00+08:00".into()))
            ]
        )
    );
    assert!(matches!(
        report.rule("ChargePeriodEnd-C-001-M").expect("rule").status,
        Status::Pass { .. }
    ));
}

#[test]
fn values_outside_the_rules_fail_the_rules_naming_them() {
    if !model_available() {
        return;
    }
    let cases: &[(&str, Vec<&'static str>, &[&str])] = &[
        // Not an allowed value; a refund row with a consumed quantity also breaks the
        // ConsumedQuantity rules for charges other than usage.
        (
            "ChargeCategory",
            vec!["Usage", "Refund", "Usage"],
            &[
                "ChargeCategory-C-000-M",
                "ChargeCategory-C-003-M",
                "ConsumedQuantity-C-000-C",
                "ConsumedQuantity-C-003-C",
                "ConsumedQuantity-C-004-C",
            ],
        ),
        // Thousands separators: not a decimal (type, value) nor NumericFormat.
        (
            "BilledCost",
            vec!["0", "1,000.00", "0"],
            &[
                "BilledCost-C-000-M",
                "BilledCost-C-001-M",
                "BilledCost-C-002-M",
                "BilledCost-C-004-M",
            ],
        ),
        // A usage row without pricing quantity, whose PricingUnit is then not null.
        (
            "PricingQuantity",
            vec!["1.5", "", "12"],
            &[
                "PricingQuantity-C-000-M",
                "PricingQuantity-C-003-M",
                "PricingQuantity-C-005-C",
                "PricingUnit-C-000-M",
                "PricingUnit-C-004-C",
                "PricingUnit-C-005-C",
            ],
        ),
        // A consumed quantity without its unit.
        (
            "ConsumedUnit",
            vec!["GB", "", "GB"],
            &[
                "ConsumedUnit-C-000-C",
                "ConsumedUnit-C-004-C",
                "ConsumedUnit-C-006-C",
            ],
        ),
        // Not an allowed category, and a service now in two categories.
        (
            "ServiceCategory",
            vec!["Networking", "Plumbing", "Networking"],
            &[
                "ServiceCategory-C-000-M",
                "ServiceCategory-C-003-M",
                "ServiceName-C-000-M",
                "ServiceName-C-004-C",
                "ServiceName-C-005-C",
            ],
        ),
    ];
    let mut mismatches = Vec::new();
    for (column, values, expected) in cases {
        let columns = with(column, values.clone());
        let report = check(
            &write_csv(&format!("bad-{column}.csv"), &columns),
            APPLICABLE,
        );
        let mut expected: Vec<&str> = expected.to_vec();
        expected.extend(["CostAndUsage-D-000-M", "CostAndUsage-D-002-M"]);
        expected.sort();
        let found = defects(&report);
        if found != expected {
            mismatches.push(format!("{column}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");

    // FOCUS 1.2 has non-negativity rules for unit prices only: a negative consumed
    // quantity breaks no rule of the model, and the checker invents none.
    let columns = with("ConsumedQuantity", vec!["1.5", "-0.25", "12"]);
    let report = check(&write_csv("negative-quantity.csv", &columns), APPLICABLE);
    assert_eq!(defects(&report), Vec::<&str>::new());
}

#[test]
fn an_unknown_check_function_cannot_be_evaluated_and_is_never_passed() {
    if !model_available() {
        return;
    }
    let text = std::fs::read_to_string(model_path()).expect("model");
    let mut model: serde_json::Value = serde_json::from_str(&text).expect("model JSON");
    model["ModelRules"]["BilledCost-C-004-M"]["ValidationCriteria"]["Requirement"] =
        serde_json::json!({"CheckFunction": "CheckExactPennies", "ColumnName": "BilledCost"});
    let changed = scratch("model-with-unknown-check.json");
    std::fs::write(&changed, model.to_string()).expect("write model");
    let currencies = model_path().with_file_name("currency_codes.csv");
    let report = focus_check::check_file(
        &write_csv("valid-for-unknown.csv", &sample()),
        &changed,
        Some(&currencies),
        &["USAGE_MEASUREMENT_SUPPORTED".to_owned()],
    )
    .expect("the check runs");
    assert!(matches!(
        &report.rule("BilledCost-C-004-M").expect("rule").status,
        Status::CannotEvaluate { reason } if reason.contains("CheckExactPennies") && reason.contains("not known")
    ));
    let t = report.totals;
    assert_eq!(
        (t.pass, t.fail, t.not_applicable, t.cannot_evaluate),
        (
            EXPECTED_TOTALS.0 - 1,
            EXPECTED_TOTALS.1,
            EXPECTED_TOTALS.2,
            EXPECTED_TOTALS.3 + 1
        )
    );
}

#[test]
fn without_the_currency_list_currency_rules_cannot_be_evaluated() {
    if !model_available() {
        return;
    }
    let text = std::fs::read_to_string(model_path()).expect("model");
    let alone = scratch("alone/model-1.2.json");
    std::fs::create_dir_all(alone.parent().expect("parent")).expect("dir");
    std::fs::write(&alone, text).expect("copy");
    let report = focus_check::check_file(
        &write_csv("valid-no-list.csv", &sample()),
        &alone,
        None,
        &["USAGE_MEASUREMENT_SUPPORTED".to_owned()],
    )
    .expect("the check runs");
    assert!(matches!(
        &report.rule("BillingCurrency-C-006-M").expect("rule").status,
        Status::CannotEvaluate { reason } if reason.contains("currency_codes.csv")
    ));
}

fn write_parquet(name: &str, billed_cost_as_text: bool) -> PathBuf {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (column, values) in sample() {
        let decimal = matches!(
            column,
            "BilledCost"
                | "ContractedCost"
                | "EffectiveCost"
                | "ListCost"
                | "ConsumedQuantity"
                | "PricingQuantity"
        ) && !(billed_cost_as_text && column == "BilledCost");
        let (data_type, array): (DataType, ArrayRef) =
            if column.ends_with("PeriodStart") || column.ends_with("PeriodEnd") {
                let seconds: Vec<Option<i64>> = values
                    .iter()
                    .map(|v| {
                        let day: i64 = v[8..10].parse().expect("day");
                        let month_start = if &v[5..7] == "12" {
                            1_795_996_800
                        } else {
                            1_793_491_200
                        };
                        Some(month_start + (day - 1) * 86_400)
                    })
                    .collect();
                (
                    DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
                    Arc::new(TimestampSecondArray::from(seconds).with_timezone("UTC")),
                )
            } else if decimal {
                let units: Vec<Option<i128>> = values
                    .iter()
                    .map(|v| {
                        let (whole, fraction) = v.split_once('.').unwrap_or((v, ""));
                        let digits = format!("{whole}{fraction:0<6}");
                        Some(digits.parse().expect("digits"))
                    })
                    .collect();
                let array = Decimal128Array::from(units)
                    .with_precision_and_scale(38, 6)
                    .expect("decimal");
                (DataType::Decimal128(38, 6), Arc::new(array))
            } else {
                let texts: Vec<Option<&str>> = values
                    .iter()
                    .map(|v| (!v.is_empty()).then_some(*v))
                    .collect();
                (DataType::Utf8, Arc::new(StringArray::from(texts)))
            };
        fields.push(Field::new(column, data_type, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).expect("batch");
    let path = scratch(name);
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).expect("file"), schema, None)
            .expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    path
}

#[test]
fn the_valid_sample_as_parquet_passes_and_a_text_cost_column_fails_its_type() {
    if !model_available() {
        return;
    }
    let report = check(&write_parquet("valid.parquet", false), APPLICABLE);
    assert_eq!(defects(&report), Vec::<&str>::new(), "{}", report.to_text());
    let t = report.totals;
    assert_eq!(
        (t.pass, t.fail, t.not_applicable, t.cannot_evaluate),
        EXPECTED_TOTALS,
        "{}",
        report.to_text()
    );
    assert!(report.must_rules_pass());

    let report = check(&write_parquet("text-cost.parquet", true), APPLICABLE);
    assert_eq!(
        defects(&report),
        [
            "BilledCost-C-000-M",
            "BilledCost-C-001-M",
            "CostAndUsage-D-000-M",
            "CostAndUsage-D-002-M"
        ],
        "{}",
        report.to_text()
    );
    assert!(matches!(
        &report.rule("BilledCost-C-001-M").expect("rule").status,
        Status::Fail { reason: Some(reason), .. } if reason.contains("Utf8")
    ));
}

#[test]
fn the_command_line_reports_in_json_and_says_whether_must_rules_pass() {
    if !model_available() {
        return;
    }
    let model = model_path();
    let good = write_csv("cli-valid.csv", &sample());
    let bad = write_csv(
        "cli-bad.csv",
        &with("BillingCurrency", vec!["CNY", "XYZ", "CNY"]),
    );
    let run = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "focus-check".to_owned(),
            file.display().to_string(),
            "--rules".to_owned(),
            model.display().to_string(),
            "--applicable".to_owned(),
            "USAGE_MEASUREMENT_SUPPORTED".to_owned(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let matches = focus_check::command()
            .try_get_matches_from(args)
            .expect("arguments");
        focus_check::run(&matches)
    };
    let outcome = run(&good, &["--format", "json"]).expect("runs");
    assert!(outcome.passed());
    let json: serde_json::Value = serde_json::from_str(&outcome.rendered).expect("JSON");
    assert_eq!(json["rows"], 3);
    assert_eq!(json["totals"]["pass"], EXPECTED_TOTALS.0);
    assert_eq!(json["rules"].as_array().expect("rules").len(), 621);

    let outcome = run(&bad, &["--only-must"]).expect("runs");
    assert!(!outcome.passed());
    assert!(outcome.report.rules.iter().all(|r| r.is_must()));
    assert!(outcome.rendered.lines().any(|l| l.starts_with("FAIL")
        && l.contains("BillingCurrency-C-006-M")
        && l.contains("row 2: BillingCurrency = \"XYZ\"")));

    // The binary: the report on standard output, exit 0 when every MUST rule it
    // evaluates passes, 1 when one fails, 2 when the input cannot be read.
    let binary = |file: &Path, rules: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_meterage"))
            .arg("focus-check")
            .arg(file)
            .arg("--rules")
            .arg(rules)
            .args(["--applicable", "USAGE_MEASUREMENT_SUPPORTED", "--only-must"])
            .output()
            .expect("meterage runs")
    };
    let passed = binary(&good, &model);
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );
    assert!(String::from_utf8_lossy(&passed.stdout).contains("PASS"));
    let failed = binary(&bad, &model);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("BillingCurrency-C-006-M"));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("a MUST rule fails"));
    let unreadable = binary(&good, Path::new("/nonexistent/model.json"));
    assert_eq!(unreadable.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unreadable.stderr).contains("/nonexistent/model.json"));

    let error =
        run(&good, &["--applicable", "TELEPORTATION_SUPPORTED"]).expect_err("unknown criterion");
    assert!(
        error.to_string().contains("TELEPORTATION_SUPPORTED"),
        "{error}"
    );
}

#[test]
fn a_hundred_thousand_rows_check_in_reasonable_time() {
    if !model_available() {
        return;
    }
    let path = scratch("large.csv");
    let mut writer = csv::Writer::from_path(&path).expect("csv");
    let columns = sample();
    writer
        .write_record(columns.iter().map(|(n, _)| *n))
        .expect("header");
    for row in 0..100_000 {
        writer
            .write_record(columns.iter().map(|(_, v)| v[row % 3]))
            .expect("row");
    }
    writer.flush().expect("flush");
    let started = Instant::now();
    let report = check(&path, APPLICABLE);
    eprintln!("focus-check of 100000 rows: {:?}", started.elapsed());
    assert_eq!(report.rows, 100_000);
    assert!(report.must_rules_pass());
    let t = report.totals;
    assert_eq!(
        (t.pass, t.fail, t.not_applicable, t.cannot_evaluate),
        EXPECTED_TOTALS
    );
}

#[test]
fn unreadable_input_is_an_error_naming_the_file_and_place() {
    if !model_available() {
        return;
    }
    let ragged = scratch("ragged.csv");
    std::fs::write(&ragged, "BilledCost,BillingCurrency\n0,CNY\n0\n").expect("write");
    let error = focus_check::check_file(&ragged, &model_path(), None, &[]).expect_err("ragged");
    let message = error.to_string();
    assert!(
        message.contains("ragged.csv") && message.contains("line: 3"),
        "{message}"
    );

    let not_a_model = scratch("not-a-model.json");
    std::fs::write(&not_a_model, "{\"ModelRules\": [1]}").expect("write");
    let error = focus_check::check_file(&ragged, &not_a_model, None, &[]).expect_err("model");
    let message = error.to_string();
    assert!(
        message.contains("not-a-model.json") && message.contains("line 1"),
        "{message}"
    );
}
