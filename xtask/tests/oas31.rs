//! `codegen/tests/fixtures/oas31.yaml` writes every construct OpenAPI 3.1 says
//! differently from 3.0 (`type` lists with null, `const`, `examples`, `$ref` with
//! siblings, numeric exclusive bounds, `contentEncoding`/`contentMediaType`, boolean
//! schemas, `prefixItems`, `unevaluatedProperties`, `dependentRequired`, `$defs`,
//! `webhooks`, `pathItems`, `jsonSchemaDialect`, `info.summary`, `license.identifier`).
//! Its crate compiles with warnings denied, and the generator warns about exactly what
//! it approximates, each warning at its line of the 3.1 file.

use std::fs;

#[test]
fn the_oas31_fixture_generates_and_compiles_with_warnings_denied() {
    let root = xtask::workspace_root();
    let spec = "codegen/tests/fixtures/oas31.yaml";
    let text = fs::read_to_string(root.join(spec)).expect("fixture");
    let generated = xtask::generate_spec(
        &root,
        spec,
        &text,
        &xtask::standalone_settings("oas31-client"),
    )
    .unwrap_or_else(|d| panic!("{d}"));

    let warnings: Vec<String> = generated.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "codegen/tests/fixtures/oas31.yaml:73:1 (at /webhooks): warning: `webhooks` is not honoured: webhooks are requests the API makes to its callers: no code is generated for them",
            "codegen/tests/fixtures/oas31.yaml:120:7 (at /components/schemas/Device/dependentRequired): warning: `dependentRequired` is not honoured: the members it names stay optional and are not checked before sending",
            "codegen/tests/fixtures/oas31.yaml:136:11 (at /components/schemas/Device/properties/tags/prefixItems): warning: `prefixItems` gives each position of the array its own type: the generated code reads every item as one of them",
        ]
    );

    let flat: String = generated.source.split_whitespace().collect();
    for wanted in [
        // `info.summary` opens the module's docs.
        "//! Metered usage of a fleet of devices.",
        // A path item from `components.pathItems`, its parameters with numeric
        // exclusive bounds; `type: [integer, \"null\"]` an optional integer.
        "pub fn get_device(&self, device_id: i64) -> GetDevice {",
        "pub fn limit(mut self, value: i64) -> Self {",
        "Must be at least 1, less than 101.",
        // `const` is a one-value enum, `prefixItems` of one type a list of it, of two
        // an enum of both; `true` any JSON value; `$defs` a type of its own.
        "pub kind: DeviceKind,",
        "pub location: Vec<f64>,",
        "pub tags: Option<Vec<DeviceTagsItem>>,",
        "pub spare: Option<meterage_runtime::serde_json::Value>,",
        "pub calibration: Option<DeviceDefsCalibration>,",
        // A `$ref` with a description: the referenced type, the sibling's docs.
        "/// Who pays for the device's readings.",
        "pub owner: Option<Owner>,",
        // `[number, integer]` is a number, exclusive; several types and null an
        // optional enum of them.
        "pub value: f64,",
        "Documented as greater than 0",
        "pub note: Option<ReadingNote>,",
        // A multipart part with a media type is a file.
        "pub fn attach(&self, file: impl Into<meterage_runtime::Bytes>) -> Attach {",
        "request.part_file(\"file\", &self.file);",
    ] {
        let wanted_flat: String = wanted.split_whitespace().collect();
        assert!(flat.contains(&wanted_flat), "{wanted:?} not in the module");
    }
    // Webhooks make no code.
    assert!(!flat.contains("reading_added"), "a webhook was generated");

    let compiled = xtask::corpus::compile::check_generated(&root, "oas31-client", &generated)
        .expect("crate written and cargo run");
    assert!(
        compiled.ok,
        "{} errors: {:#?}",
        compiled.errors, compiled.groups
    );
}
