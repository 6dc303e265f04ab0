//! `x-record-key` and `x-period`: what they declare reaches the generated `cli` module's
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
        "paging: Some(describe::Paging { style: \"page-number\", cursor_param: Some(\"page\"), }),",
        // The nested object is a static of its own; `multipleOf: 0.01` fixes the scale.
        "kind: describe::FieldKind::Object(&FIELDS_",
        "kind: describe::FieldKind::Decimal { scale: Some(2), },",
        // `run` dispatches to the operation's function.
        "\"list_records\" => run_list_records(client, args, sink).await,",
    ] {
        let wanted: String = wanted.split_whitespace().collect();
        assert!(flat.contains(&wanted), "{wanted} not in:\n{source}");
    }
    // Constants are not parameters the caller sets.
    assert!(
        !flat.contains("name:\"version\""),
        "a constant listed as a parameter"
    );
}

#[test]
fn a_key_naming_no_top_level_field_is_an_error_at_its_line() {
    let text = spec("      x-record-key: [id, amount]\n");
    let report = errors_of(&text);
    let line = line_of(&text, "x-record-key");
    assert!(
        report.contains(&format!("specs/records.yaml:{line}:")),
        "{report}"
    );
    assert!(
        report.contains("`x-record-key` names `amount`, which is no top-level field of the record (its fields: `id`, `cycle`, `usage`)"),
        "{report}"
    );
}

#[test]
fn a_key_that_is_empty_repeated_or_not_a_list_is_an_error() {
    for (ext, wanted) in [
        ("      x-record-key: []\n", "`x-record-key` names no field"),
        (
            "      x-record-key: [id, id]\n",
            "`x-record-key` names `id` twice",
        ),
        ("      x-record-key: id\n", "invalid `x-record-key`"),
    ] {
        let text = spec(ext);
        let report = errors_of(&text);
        let line = line_of(&text, "x-record-key");
        assert!(
            report.contains(&format!("specs/records.yaml:{line}:")) && report.contains(wanted),
            "{ext}: {report}"
        );
    }
}

#[test]
fn a_period_parameter_that_does_not_exist_is_an_error_at_its_line() {
    let text = spec(
        "      x-period:\n        start: from\n        end: until\n        format: \"[year]-[month]-[day]\"\n",
    );
    let report = errors_of(&text);
    let line = line_of(&text, "end: until");
    assert!(
        report.contains(&format!("specs/records.yaml:{line}:")),
        "{report}"
    );
    assert!(
        report.contains("`x-period` `end` names `until`, which is no parameter the caller sets (its parameters: `page`, `size`, `from`, `to`)"),
        "{report}"
    );
    // A constant is no period parameter either.
    let text = spec("      x-period:\n        start: version\n        format: \"[year]\"\n");
    let report = errors_of(&text);
    assert!(
        report.contains(&format!(
            "specs/records.yaml:{}:",
            line_of(&text, "start: version")
        )) && report.contains("`x-period` `start` names `version`"),
        "{report}"
    );
}

#[test]
fn a_format_time_cannot_read_is_an_error_at_its_line() {
    let text = spec("      x-period:\n        start: from\n        format: \"[year]-[mnth]\"\n");
    let report = errors_of(&text);
    let line = line_of(&text, "format: \"[year]-[mnth]\"");
    assert!(
        report.contains(&format!("specs/records.yaml:{line}:")),
        "{report}"
    );
    assert!(
        report.contains("`x-period` `format` `[year]-[mnth]` is not a `time` format description"),
        "{report}"
    );
}

#[test]
fn an_unknown_period_key_and_an_inclusive_end_without_end_are_errors() {
    let text = spec(
        "      x-period:\n        start: from\n        stop: to\n        format: \"[year]\"\n",
    );
    let report = errors_of(&text);
    let line = line_of(&text, "x-period:");
    assert!(
        report.contains(&format!("specs/records.yaml:{line}:"))
            && report.contains("invalid `x-period`: unknown field `stop`"),
        "{report}"
    );
    let text = spec(
        "      x-period:\n        start: from\n        format: \"[year]\"\n        end-inclusive: true\n",
    );
    let report = errors_of(&text);
    let line = line_of(&text, "end-inclusive");
    assert!(
        report.contains(&format!("specs/records.yaml:{line}:"))
            && report.contains("`end-inclusive` says how `end` is read, and there is no `end`"),
        "{report}"
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
