//! Numbers the YAML library cannot hold (beyond 64 bits) are not syntax errors.

use meterage_codegen::ir::TypeRef;
use meterage_codegen::{lower_spec, SpecSource};

fn spec(schema: &str) -> String {
    format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    get:\n      operationId: x\n      parameters:\n        - name: n\n          in: query\n          schema: {schema}\n      responses:\n        '200': {{description: ok}}\n")
}

#[test]
fn an_integer_bound_beyond_64_bits_is_dropped_not_refused() {
    // DigitalOcean's spec has `maximum: 18446744073709552000` (2^64 rounded).
    let text = spec("{type: integer, format: int64, minimum: -18446744073709552000, maximum: 18446744073709552000}");
    let api = lower_spec(&SpecSource {
        path: "big.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let p = &api.operations[0].params[0];
    assert_eq!(p.ty, TypeRef::I64);
    assert_eq!((p.constraints.minimum, p.constraints.maximum), (None, None));
    let module = meterage_codegen::generate(&SpecSource {
        path: "big.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        module.contains("pub fn n(mut self, value: i64)"),
        "{module}"
    );
}

#[test]
fn a_bound_no_int64_can_meet_still_refuses_every_value() {
    let text =
        spec("{type: integer, maximum: -99999999999999999999, minimum: 9223372036854775808}");
    let api = lower_spec(&SpecSource {
        path: "far.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let c = &api.operations[0].params[0].constraints;
    assert_eq!(c.maximum, Some(i64::MIN as f64));
    assert_eq!(c.minimum, Some(i64::MAX as f64));
}

#[test]
fn a_huge_example_value_is_kept_as_a_number() {
    let text = spec("{type: number, example: 123456789012345678901234567890}");
    let api = lower_spec(&SpecSource {
        path: "example.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let example = api.operations[0].params[0].example.as_deref();
    assert_eq!(example, Some("1.2345678901234568e+29"));
}
