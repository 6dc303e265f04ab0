//! The constructors of the `test-util` feature: `new` on each struct only received, its
//! required fields as arguments in spec order, the others `None`; nothing on a struct a
//! caller sends (a struct literal builds it).

use meterage_codegen::{generate, SpecSource};

const SPEC: &str = r#"openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Wide'}
    post:
      operationId: addItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties: {tag: {$ref: '#/components/schemas/Tag'}}
      responses:
        '204': {description: done}
components:
  schemas:
    Wide:
      type: object
      required: [h, a, b, c, d, e, f, g]
      properties:
        a: {type: string}
        note: {type: string}
        b: {type: integer}
        c: {type: array, items: {$ref: '#/components/schemas/Narrow'}}
        d: {type: string}
        e: {type: string}
        f: {type: string}
        g: {type: string}
        h: {type: boolean}
    Narrow:
      type: object
      properties: {n: {type: integer}}
    Tag:
      type: object
      properties: {name: {type: string}}
"#;

fn module() -> String {
    generate(&SpecSource {
        path: "specs/t.yaml",
        text: SPEC,
    })
    .unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn received_structs_get_new_of_their_required_fields() {
    let source = module();
    let wide = "#[cfg(feature = \"test-util\")]\n    impl Wide {\n        /// A value with `a`, `b`, `c`, `d`, `e`, `f`, `g`, `h` as given, every other field `None`, for tests (cargo feature `test-util`); set the fields a test needs afterwards (`value.note = Some(..)`).\n        #[allow(clippy::too_many_arguments)]\n        pub fn new(\n            a: String,\n            b: i64,\n            c: Vec<Narrow>,\n";
    assert!(source.contains(wide), "{source}");
    assert!(source.contains("            note: None,\n"), "{source}");
    let narrow = "    impl Narrow {\n        /// A value with every field `None`, for tests (cargo feature `test-util`); set the fields a test needs afterwards (`value.n = Some(..)`).\n        #[allow(clippy::new_without_default)]\n        pub fn new() -> Self {\n            Self { n: None }\n        }\n";
    assert!(source.contains(narrow), "{source}");
}

#[test]
fn sent_structs_get_no_constructor() {
    let source = module();
    assert!(source.contains("pub struct Tag {"), "{source}");
    assert!(!source.contains("impl Tag {"), "{source}");
    assert_eq!(
        source.matches("#[cfg(feature = \"test-util\")]").count(),
        2,
        "{source}"
    );
}
