//! Which types are written: a type only the error responses use is written when the
//! error envelope does not read those bodies, example or not, and no generated test
//! names a type that is not written.

use meterage_codegen::{generate, SpecSource};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /items:\n    get:\n      operationId: listItems\n";

fn module(rest: &str, envelope: &str) -> String {
    let text = format!("{HEAD}{rest}{envelope}");
    generate(&SpecSource {
        path: "specs/t.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}\n{text}"))
}

const RESPONSES: &str = "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {n: {type: integer}}}\n        '404':\n          description: missing\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Problem'}\n";
const COMPONENTS: &str = "components:\n  schemas:\n    Problem:\n      description: What went wrong.\n      type: object\n      properties: {code: {type: string}, message: {type: string}}\n";

#[test]
fn an_error_body_without_an_example_is_written_when_no_envelope_reads_it() {
    let source = module(RESPONSES, COMPONENTS);
    assert!(source.contains("pub struct Problem {"), "{source}");
    assert!(source.contains("The error body of"), "{source}");
}

#[test]
fn an_error_body_the_envelope_reads_is_not_written_nor_named_by_a_test() {
    let envelope = "x-error-envelope: {code: /code, message: /message}\n";
    // The example is an array of the error type: its test checks the envelope, and
    // names no type that is not written.
    let responses = RESPONSES.replace(
        "              schema: {$ref: '#/components/schemas/Problem'}\n",
        "              schema: {type: array, items: {$ref: '#/components/schemas/Problem'}}\n              example: [{code: E1, message: gone}]\n",
    );
    let source = module(&responses, &format!("{COMPONENTS}{envelope}"));
    assert!(!source.contains("struct Problem"), "{source}");
    assert!(!source.contains("types::Problem"), "{source}");
    assert!(source.contains("fn list_items_404()"), "{source}");
}

#[test]
fn an_error_body_of_many_operations_names_the_first_eight() {
    let mut paths = String::new();
    for i in 0..11 {
        paths.push_str(&format!(
            "  /items/{i}:\n    get:\n      operationId: item{i}\n{RESPONSES}"
        ));
    }
    let text =
        format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}{COMPONENTS}");
    let source = generate(&SpecSource {
        path: "specs/t.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}\n{text}"));
    let flat: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("The error body of [`Item0`](super::Item0), [`Item1`](super::Item1),"),
        "{source}"
    );
    assert!(
        flat.contains("[`Item7`](super::Item7), and 3 other operations: read it from the error"),
        "{source}"
    );
    assert!(!flat.contains("super::Item8"), "{source}");
}
