use serde_json::json;

use super::{apply, ColumnMap, ColumnType, FocusMap, FocusValue, Source};

/// A field column without conversions.
const fn field(name: &'static str, ty: ColumnType, pointer: &'static str) -> ColumnMap {
    ColumnMap {
        name,
        ty,
        source: Source::Field {
            pointer,
            map: &[],
            default: None,
            format: None,
            multiply: None,
            end_inclusive: false,
        },
    }
}

static MAP: FocusMap = FocusMap {
    time_zone_seconds: 8 * 3600,
    columns: &[
        field("BilledCost", ColumnType::Decimal, "/PayPrice"),
        ColumnMap {
            name: "BillingCurrency",
            ty: ColumnType::String,
            source: Source::Value("CNY"),
        },
        ColumnMap {
            name: "BillingPeriodEnd",
            ty: ColumnType::DateTime,
            source: Source::Month {
                pointer: "/cycle",
                format: "[year]-[month]",
                next: true,
            },
        },
        ColumnMap {
            name: "BillingPeriodStart",
            ty: ColumnType::DateTime,
            source: Source::Month {
                pointer: "/cycle",
                format: "[year]-[month]",
                next: false,
            },
        },
        ColumnMap {
            name: "ChargeCategory",
            ty: ColumnType::String,
            source: Source::Field {
                pointer: "/BillType",
                map: &[("NEW_PRODUCT", "Purchase"), ("RENEW_PRODUCT", "Purchase")],
                default: Some("Usage"),
                format: None,
                multiply: None,
                end_inclusive: false,
            },
        },
        ColumnMap {
            name: "ChargePeriodEnd",
            ty: ColumnType::DateTime,
            source: Source::Field {
                pointer: "/End",
                map: &[],
                default: None,
                format: Some("[year]-[month]-[day] [hour]:[minute]"),
                multiply: None,
                end_inclusive: true,
            },
        },
        ColumnMap {
            name: "ConsumedQuantity",
            ty: ColumnType::Decimal,
            source: Source::Field {
                pointer: "/usage/flow",
                map: &[],
                default: None,
                format: None,
                multiply: Some("0.001"),
                end_inclusive: false,
            },
        },
        ColumnMap {
            name: "SubAccountId",
            ty: ColumnType::String,
            source: Source::Unavailable("no account"),
        },
        field("Tags", ColumnType::Json, "/tags"),
        field("x_Modified", ColumnType::DateTime, "/modified"),
    ],
};

fn text(row: &super::FocusRow, column: &str) -> String {
    row.get(column).expect(column).to_string()
}

#[test]
fn a_record_becomes_a_row_in_the_maps_order() {
    let record = json!({
        "PayPrice": 0.1, "BillType": "RENEW_PRODUCT", "cycle": "2022-12",
        "End": "2022-10-31 23:59", "usage": {"flow": 102.59},
        "tags": {"team": "a"}, "modified": "2022-09-22T18:57:15.000+00:00"
    });
    let row = apply(&MAP, &record).expect("a value");
    let names: Vec<_> = row.columns.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        MAP.columns.iter().map(|c| c.name).collect::<Vec<_>>()
    );
    assert_eq!(text(&row, "BilledCost"), "0.1");
    assert_eq!(text(&row, "BillingCurrency"), "CNY");
    assert_eq!(text(&row, "BillingPeriodStart"), "2022-11-30T16:00:00Z");
    assert_eq!(text(&row, "BillingPeriodEnd"), "2022-12-31T16:00:00Z");
    assert_eq!(text(&row, "ChargeCategory"), "Purchase");
    assert_eq!(text(&row, "ChargePeriodEnd"), "2022-10-31T16:00:00Z");
    assert_eq!(text(&row, "ConsumedQuantity"), "0.10259");
    assert_eq!(row.get("SubAccountId"), Some(&FocusValue::Null));
    assert_eq!(text(&row, "Tags"), r#"{"team":"a"}"#);
    assert_eq!(text(&row, "x_Modified"), "2022-09-22T18:57:15Z");
}

#[test]
fn an_unlisted_code_takes_the_default_and_absent_fields_are_null() {
    let row = apply(&MAP, &json!({"BillType": "REFUND"})).expect("a value");
    assert_eq!(text(&row, "ChargeCategory"), "Usage");
    assert!(row.get("BilledCost").expect("a value").is_null());
    assert!(row.get("BillingPeriodStart").expect("a value").is_null());
}

#[test]
fn decimals_stay_exact_from_strings_and_numbers() {
    let row = apply(
        &MAP,
        &json!({"PayPrice": "3.6659520000", "usage": {"flow": "12345678901234567890.123"}}),
    )
    .expect("a value");
    assert_eq!(text(&row, "BilledCost"), "3.6659520000");
    assert_eq!(text(&row, "ConsumedQuantity"), "12345678901234567.890123");
}

#[test]
fn a_value_the_column_cannot_take_names_the_column_and_field() {
    let err = apply(&MAP, &json!({"PayPrice": "a lot"})).expect_err("an error");
    assert_eq!(err.column, "BilledCost");
    assert_eq!(err.pointer, Some("/PayPrice"));
    assert!(
        err.to_string().contains("`a lot` is not a decimal number"),
        "{err}"
    );
    let err = apply(&MAP, &json!({"End": "2022-10-31"})).expect_err("an error");
    assert_eq!(err.column, "ChargePeriodEnd");
    assert!(err.to_string().contains("2022-10-31"), "{err}");
}

#[test]
fn the_year_rolls_over_for_the_next_month() {
    let row = apply(&MAP, &json!({"cycle": "2022-12"})).expect("a value");
    assert_eq!(text(&row, "BillingPeriodEnd"), "2022-12-31T16:00:00Z");
    let utc = FocusMap {
        time_zone_seconds: 0,
        columns: &MAP.columns[2..4],
    };
    let row = apply(&utc, &json!({"cycle": "2022-12"})).expect("a value");
    assert_eq!(text(&row, "BillingPeriodEnd"), "2023-01-01T00:00:00Z");
    assert_eq!(text(&row, "BillingPeriodStart"), "2022-12-01T00:00:00Z");
}

#[test]
fn an_array_is_its_elements_null_none_and_an_object_one_record() {
    static AT: FocusMap = FocusMap {
        time_zone_seconds: 0,
        columns: &[field("BilledCost", ColumnType::Decimal, "/amount")],
    };
    let body = json!([{"amount": "3.6659520000"}, {"amount": "0.24"}]);
    let rows = super::body_rows(&AT, &body).expect("a value");
    let costs: Vec<String> = rows.iter().map(|r| text(r, "BilledCost")).collect();
    assert_eq!(costs, ["3.6659520000", "0.24"]);
    assert!(super::body_rows(&AT, &json!(null))
        .expect("a value")
        .is_empty());
    let one = super::body_rows(&AT, &json!({"amount": 1})).expect("a value");
    assert_eq!(one.len(), 1);
}

#[test]
fn a_row_serializes_as_an_object_in_column_order_with_exact_values() {
    let record =
        json!({"PayPrice": "3.6659520000", "BillType": "NEW_PRODUCT", "tags": {"b": 1, "a": [2]}});
    let row = apply(&MAP, &record).expect("a row");
    let text = serde_json::to_string(&row).expect("JSON");
    assert!(
        text.starts_with(
            r#"{"BilledCost":3.6659520000,"BillingCurrency":"CNY","BillingPeriodEnd":null"#
        ),
        "{text}"
    );
    assert!(text.contains(r#""Tags":{"a":[2],"b":1}"#), "{text}");
}

/// A date-time column read with `format` (inclusive end with `end_inclusive`), in UTC.
const fn timed(name: &'static str, format: &'static str, end_inclusive: bool) -> ColumnMap {
    ColumnMap {
        name,
        ty: ColumnType::DateTime,
        source: Source::Field {
            pointer: "/at",
            map: &[],
            default: None,
            format: Some(format),
            multiply: None,
            end_inclusive,
        },
    }
}

#[test]
fn an_optional_part_of_a_format_reads_a_date_or_a_date_and_time() {
    // AWS writes a daily or monthly period as a date, an hourly one with its time.
    static EITHER: FocusMap = FocusMap {
        time_zone_seconds: 0,
        columns: &[
            timed(
                "ChargePeriodEnd",
                "[year]-[month]-[day][optional [T[hour]:[minute]:[second]Z]]",
                true,
            ),
            timed(
                "ChargePeriodStart",
                "[year]-[month]-[day][optional [T[hour]:[minute]:[second]Z]]",
                false,
            ),
        ],
    };
    let day = apply(&EITHER, &json!({"at": "2025-01-31"})).expect("a date");
    assert_eq!(text(&day, "ChargePeriodStart"), "2025-01-31T00:00:00Z");
    // An inclusive end at the precision read: a day for a date.
    assert_eq!(text(&day, "ChargePeriodEnd"), "2025-02-01T00:00:00Z");
    let hour = apply(&EITHER, &json!({"at": "2025-01-31T23:00:00Z"})).expect("a time");
    assert_eq!(text(&hour, "ChargePeriodStart"), "2025-01-31T23:00:00Z");
    assert_eq!(text(&hour, "ChargePeriodEnd"), "2025-01-31T23:00:01Z");
    let err = apply(&EITHER, &json!({"at": "2025-01-31 23:00"})).expect_err("neither");
    assert!(err.to_string().contains("left over"), "{err}");
}

#[test]
fn a_literal_midnight_reads_a_days_date_time_at_day_precision() {
    // Azure's daily `date` is a midnight written in full: the day ends a day later.
    static DAY: FocusMap = FocusMap {
        time_zone_seconds: 0,
        columns: &[timed(
            "ChargePeriodEnd",
            "[year]-[month]-[day]T00:00:00[optional [.0000000]]Z",
            true,
        )],
    };
    for at in ["2024-11-30T00:00:00.0000000Z", "2024-11-30T00:00:00Z"] {
        let row = apply(&DAY, &json!({ "at": at })).expect("a day");
        assert_eq!(
            text(&row, "ChargePeriodEnd"),
            "2024-12-01T00:00:00Z",
            "{at}"
        );
    }
    // A time that is not midnight is not a day's: an error, not a wrong end.
    let err = apply(&DAY, &json!({"at": "2024-11-30T13:00:00Z"})).expect_err("not midnight");
    assert_eq!(err.column, "ChargePeriodEnd");
}
