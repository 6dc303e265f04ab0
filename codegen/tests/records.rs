//! `x-records`, `x-record-key` and `x-period`: what they declare reaches the generated `cli` module's
//! data, and every mistake in them is an error at its line (spec file:line).

use meterage_codegen::{generate, SpecSource};

/// A paged listing whose items have `id` and `cycle`, with `extensions` on the
/// operation (each line indented by six spaces).
fn spec(extensions: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info:
  title: Records
  version: '1'
servers:
  - url: https://api.example.com
paths:
  /records:
    get:
      operationId: listRecords
{extensions}      x-pagination:
        style: page-number
        page: page
        size: size
        items: /records
      parameters:
        - {{name: page, in: query, schema: {{type: integer}}}}
        - {{name: size, in: query, schema: {{type: integer}}}}
        - {{name: from, in: query, schema: {{type: string}}}}
        - {{name: to, in: query, schema: {{type: string}}}}
        - {{name: version, in: query, required: true, schema: {{type: string, enum: ['1']}}}}
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
                        id: {{type: string}}
                        cycle: {{type: string}}
                        usage:
                          type: object
                          properties:
                            amount: {{type: number, format: decimal, multipleOf: 0.01}}
"#
    )
}

fn errors_of(text: &str) -> String {
    match generate(&SpecSource {
        path: "specs/records.yaml",
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

#[test]
fn keys_and_periods_reach_the_cli_data() {
    let text = spec(
        "      x-record-key: [id, cycle]\n      x-period:\n        start: from\n        end: to\n        format: \"[year]-[month]-[day]\"\n        end-inclusive: true\n",
    );
    let source = generate(&SpecSource {
        path: "specs/records.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let flat: String = source.split_whitespace().collect();
    for wanted in [
        "#[cfg(feature = \"cli\")] pub mod cli {",
        "record_key: &[\"id\", \"cycle\"],",
        "period: Some(describe::Period { start: \"from\", end: Some(\"to\"), format: \"[year]-[month]-[day]\", end_inclusive: true, }),",
        "paging: Some(describe::Paging::new(\"page-number\", Some(\"page\"))),",
        // The nested object is a static of its own; `multipleOf: 0.01` fixes the scale.
        "describe::FieldKind::Object(&FIELDS_",
        "describe::FieldKind::decimal(Some(2))",
        // `run` has an arm for the operation, calling its function, which pages.
        "\"list_records\" => run_list_records(client, args, sink).await,",
        "async fn run_list_records<S: describe::Sink>(",
        "describe::drive::pages(builder, sink).await",
    ] {
        let wanted: String = wanted.split_whitespace().collect();
        assert!(flat.contains(&wanted), "{wanted} not in:\n{source}");
    }
    // Constants are not parameters the caller sets.
    assert!(
        !flat.contains("describe::param(\"version\""),
        "a constant listed as a parameter"
    );
}

/// Asserts generating `text` fails with `wanted` at the line holding `at`.
fn assert_error_at(text: &str, at: &str, wanted: &str) {
    let report = errors_of(text);
    let line = line_of(text, at);
    assert!(
        report.contains(&format!("specs/records.yaml:{line}:")) && report.contains(wanted),
        "{wanted:?} at line {line} not in:\n{report}"
    );
}

/// The spec without `x-pagination`, with `x-records: <records>`.
fn unpaged(records: &str) -> String {
    spec(&format!("      x-records: {records}\n")).replace(
        "      x-pagination:\n        style: page-number\n        page: page\n        size: size\n        items: /records\n",
        "",
    )
}

/// (operation extensions, the text of the line the error is at, the error)
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "      x-record-key: [id, amount]\n",
        "x-record-key",
        "`x-record-key` names `amount`, which is no top-level field of the record (its fields: `id`, `cycle`, `usage`)",
    ),
    ("      x-record-key: []\n", "x-record-key", "`x-record-key` names no field"),
    ("      x-record-key: [id, id]\n", "x-record-key", "`x-record-key` names `id` twice"),
    ("      x-record-key: id\n", "x-record-key", "invalid `x-record-key`"),
    (
        "      x-period:\n        start: from\n        end: until\n        format: \"[year]-[month]-[day]\"\n",
        "end: until",
        "`x-period` `end` names `until`, which is no parameter the caller sets (its parameters: `page`, `size`, `from`, `to`)",
    ),
    // A constant is no period parameter either.
    (
        "      x-period:\n        start: version\n        format: \"[year]\"\n",
        "start: version",
        "`x-period` `start` names `version`",
    ),
    (
        "      x-period:\n        start: from\n        format: \"[year]-[mnth]\"\n",
        "format: \"[year]-[mnth]\"",
        "`x-period` `format` `[year]-[mnth]` is not a `time` format description",
    ),
    (
        "      x-period:\n        start: from\n        stop: to\n        format: \"[year]\"\n",
        "x-period:",
        "invalid `x-period`: unknown field `stop`",
    ),
    (
        "      x-period:\n        start: from\n        format: \"[year]\"\n        end-inclusive: true\n",
        "end-inclusive",
        "`end-inclusive` says how `end` is read, and there is no `end`",
    ),
    // A paged operation's records are its pages' items.
    (
        "      x-records: /records\n",
        "x-records",
        "`x-records` is for an operation that does not page",
    ),
];

#[test]
fn each_mistake_in_a_key_a_period_or_records_is_an_error_at_its_line() {
    for (extensions, at, wanted) in ERRORS {
        assert_error_at(&spec(extensions), at, wanted);
    }
    for (records, wanted) in [
        ("/usage", "`x-records` names `usage`, which is no array property of the success body (its arrays: `records`)"),
        ("/records/0", "`x-records` is a JSON pointer to a top-level property of the success body (`/data`), not `/records/0`"),
    ] {
        assert_error_at(&unpaged(records), "x-records", wanted);
    }
}

#[test]
fn records_of_an_unpaged_body_are_the_elements_of_one_of_its_arrays() {
    let source = generate(&SpecSource {
        path: "specs/records.yaml",
        text: &unpaged("/records"),
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let flat: String = source.split_whitespace().collect();
    assert!(
        flat.contains("describe::drive::each_in(builder.send(),|body|body.records.as_deref().unwrap_or_default(),sink,)"),
        "{source}"
    );
}

#[test]
fn the_extensions_are_read_on_operations_only() {
    let text = spec("").replace(
        "info:\n  title: Records",
        "x-record-key: [id]\ninfo:\n  title: Records",
    );
    let generated = meterage_codegen::generate_full(
        &SpecSource {
            path: "specs/records.yaml",
            text: &text,
        },
        &meterage_codegen::Settings::default(),
        &meterage_codegen::NoFiles,
    );
    let warnings = match generated {
        Ok(generated) => generated
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(d) => panic!("{d}"),
    };
    assert!(
        warnings.contains("`x-record-key` is read on an operation only"),
        "{warnings}"
    );
}
