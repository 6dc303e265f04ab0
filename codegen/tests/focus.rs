//! `x-focus`: a mapping reaches the generated builder (`FOCUS`, `focus()`) and the `cli`
//! data, and every mistake in it is an error at its line (spec file:line).

use meterage_codegen::{generate, SpecSource};

/// A paged listing of records with a decimal, an integer, text, a local time and a map
/// of amounts by name (AWS's metrics), with
/// `x-focus` columns `columns` (each line indented by eight spaces) at `time_zone`.
fn spec(time_zone: &str, columns: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info:
  title: Focus
  version: '1'
servers:
  - url: https://api.example.com
paths:
  /records:
    get:
      operationId: listRecords
      x-focus:
        time-zone: "{time_zone}"
        columns:
{columns}      x-pagination:
        style: page-number
        page: page
        size: size
        items: /records
      parameters:
        - {{name: page, in: query, schema: {{type: integer}}}}
        - {{name: size, in: query, schema: {{type: integer}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  records:
                    type: array
                    items:
                      type: object
                      properties:
                        price: {{type: number, format: decimal}}
                        flow: {{type: integer}}
                        kind: {{type: string}}
                        begin: {{type: string}}
                        usage:
                          type: object
                          properties:
                            amount: {{type: string, format: decimal}}
                        metrics:
                          type: object
                          additionalProperties:
                            type: object
                            properties:
                              Amount: {{type: string, format: decimal}}
                              Unit: {{type: string}}
"#
    )
}

fn errors_of(text: &str) -> String {
    match generate(&SpecSource {
        path: "specs/focus.yaml",
        text,
    }) {
        Ok(source) => panic!("expected errors, got a module:\n{source}"),
        Err(d) => d.to_string(),
    }
}

/// The line of the first line of `text` containing `needle`, from 1.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the spec"))
        + 1
}

/// Asserts that `columns` at `+08:00` is refused with `message` at the line of `needle`.
fn assert_refused(columns: &str, needle: &str, message: &str) {
    let text = spec("+08:00", columns);
    let errors = errors_of(&text);
    let at = format!("specs/focus.yaml:{}", line_of(&text, needle));
    assert!(errors.contains(&at), "no error at {at}:\n{errors}");
    assert!(errors.contains(message), "no {message:?}:\n{errors}");
}

#[test]
fn a_mapping_reaches_the_builder_and_the_cli_data() {
    let text = spec(
        "+08:00",
        "          BilledCost: {field: /usage/amount, multiply: \"0.01\"}\n          ChargePeriodStart: {field: /begin, format: \"[year]-[month]-[day] [hour]:[minute]\"}\n          BillingCurrency: {value: CNY}\n          ConsumedQuantity: {field: /flow}\n          x_Kind: {field: /kind, map: {a: A}}\n          SubAccountId: {unavailable: \"not in the record\"}\n",
    );
    let source = generate(&SpecSource {
        path: "specs/focus.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let compact: String = source.split_whitespace().collect();
    for wanted in [
        "pubconstFOCUS:&'staticmeterage_runtime::focus::FocusMap",
        "time_zone_seconds:28800",
        "pubfnfocus(self,)",
        "meterage_runtime::focus::rows(Self::FOCUS,self.items())",
        "focus:Some(super::ListRecords::FOCUS)",
        "focus::decimal(\"BilledCost\",focus::field(\"/usage/amount\").multiply(\"0.01\")",
        "focus::string(\"SubAccountId\",focus::unavailable(\"notintherecord\")",
    ] {
        assert!(compact.contains(wanted), "no {wanted} in:\n{source}");
    }
    // FOCUS order (alphabetical), then x_ columns.
    let order: Vec<usize> = [
        "\"BilledCost\"",
        "\"BillingCurrency\"",
        "\"ChargePeriodStart\"",
        "\"ConsumedQuantity\"",
        "\"SubAccountId\"",
        "\"x_Kind\"",
    ]
    .iter()
    .map(|name| {
        compact
            .find(&format!("({name},"))
            .unwrap_or_else(|| panic!("no {name}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn an_unknown_column_is_an_error_at_its_line() {
    assert_refused(
        "          BilledCosts: {field: /price}\n",
        "BilledCosts:",
        "`BilledCosts` is no FOCUS 1.2 column",
    );
}

#[test]
fn a_pointer_to_no_field_is_an_error_naming_the_fields() {
    assert_refused(
        "          BilledCost: {field: /usage/amont}\n",
        "BilledCost:",
        "`/usage/amont` points to no field: `amont` is none of amount",
    );
}

#[test]
fn a_date_format_on_a_number_is_an_error() {
    assert_refused(
        "          ChargePeriodStart: {field: /flow, format: \"[year]-[month]\"}\n",
        "ChargePeriodStart:",
        "`/flow` is a number, and a date `format` reads text",
    );
}

#[test]
fn a_decimal_column_from_plain_text_is_an_error() {
    assert_refused(
        "          BilledCost: {field: /kind}\n",
        "BilledCost:",
        "the field is text (a string without `format: decimal`)",
    );
}

#[test]
fn multiply_on_a_text_column_or_with_a_float_factor_is_an_error() {
    assert_refused(
        "          ChargeDescription: {field: /kind, multiply: \"2\"}\n",
        "ChargeDescription:",
        "`multiply` converts the number of a Decimal column's field",
    );
    assert_refused(
        "          ConsumedQuantity: {field: /flow, multiply: 0.001}\n",
        "ConsumedQuantity:",
        "`multiply` takes an exact decimal written as a string",
    );
}

#[test]
fn a_bad_time_zone_or_format_is_an_error() {
    let text = spec("CST", "          BillingCurrency: {value: CNY}\n");
    let errors = errors_of(&text);
    assert!(
        errors.contains(&format!("specs/focus.yaml:{}", line_of(&text, "time-zone"))),
        "{errors}"
    );
    assert!(
        errors.contains("`time-zone` `CST` is no UTC offset"),
        "{errors}"
    );
    assert_refused(
        "          ChargePeriodStart: {field: /begin, format: \"[year]-[mnth]\"}\n",
        "ChargePeriodStart:",
        "is not a `time` format description",
    );
    assert_refused(
        "          BillingPeriodStart: {month: /begin, format: \"[day]\"}\n",
        "BillingPeriodStart:",
        "reads no `[year]` and `[month]`",
    );
}

#[test]
fn a_column_needs_exactly_one_source_and_a_reason_when_unavailable() {
    assert_refused(
        "          BilledCost: {field: /price, value: \"0\"}\n",
        "BilledCost:",
        "needs exactly one of `field`, `value`, `month` and `unavailable`",
    );
    assert_refused(
        "          SubAccountId: {unavailable: \" \"}\n",
        "SubAccountId:",
        "say why the vendor's data cannot fill it",
    );
    assert_refused(
        "          BilledCost: {value: free}\n",
        "BilledCost:",
        "`free` is not a decimal number",
    );
}

#[test]
fn a_format_with_an_optional_part_and_a_pointer_through_a_map_are_accepted() {
    let text = spec(
        "Z",
        "          BilledCost: {field: /metrics/NetUnblendedCost/Amount}\n          BillingCurrency: {field: /metrics/NetUnblendedCost/Unit}\n          ChargePeriodStart: {field: /begin, format: \"[year]-[month]-[day][optional [T[hour]:[minute]:[second]Z]]\"}\n          ChargePeriodEnd: {field: /begin, format: \"[year]-[month]-[day]T00:00:00[optional [.0000000]]Z\", end-inclusive: true}\n",
    );
    let source = generate(&SpecSource {
        path: "specs/focus.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        source.contains("[optional [T[hour]:[minute]:[second]Z]]"),
        "{source}"
    );
}

#[test]
fn a_bad_optional_part_or_a_field_missing_below_a_map_is_an_error_at_its_line() {
    assert_refused(
        "          ChargePeriodStart: {field: /begin, format: \"[year]-[month]-[day][optional [T[hour]]\"}\n",
        "ChargePeriodStart",
        "is not a `time` format description",
    );
    assert_refused(
        "          BilledCost: {field: /metrics/NetUnblendedCost/Amonut}\n",
        "BilledCost",
        "`Amonut` is none of Amount, Unit",
    );
}
