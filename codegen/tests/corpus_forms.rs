//! The forms real public specs take (`fixtures/corpus-forms.yaml`, snapshot-tested in
//! `snapshots.rs`): operations told apart by a path key's fragment, an operation's
//! relative server, a path item given by `$ref`, a security requirement naming no
//! scheme, Swagger 2.0 parameters; what each becomes, and each mistake reported at its
//! line with what to change.

use meterage_codegen::{
    generate_full, lower_full, Diagnostics, Generated, NoFiles, ReadFile, Settings, SpecSource,
};

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\nservers:\n  - url: https://api.example.com/2.0\n";

fn fixture() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus-forms.yaml"),
    )
    .expect("fixture exists")
}

fn full(text: &str, files: &dyn ReadFile) -> Result<Generated, Diagnostics> {
    generate_full(
        &SpecSource {
            path: "specs/t.yaml",
            text,
        },
        &Settings::default(),
        files,
    )
}

fn errors(text: &str) -> String {
    match full(text, &NoFiles) {
        Ok(g) => panic!("expected errors, got a module:\n{}", g.source),
        Err(d) => d.to_string(),
    }
}

#[test]
fn the_fixture_lowers_each_form() {
    let text = fixture();
    let (api, warnings) = lower_full(
        &SpecSource {
            path: "tests/fixtures/corpus-forms.yaml",
            text: &text,
        },
        &NoFiles,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let op = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
    };
    let action = |id: &str| {
        op(id)
            .rpc_action
            .as_ref()
            .map(|a| (format!("{:?}", a.location), a.name.clone(), a.value.clone()))
    };
    // `#Action=X`: the constant parameter sends it; else the call does, in the query
    // or, with a form body, in the form.
    assert_eq!(action("ListThings"), None);
    assert!(op("ListThings")
        .params
        .iter()
        .any(|p| p.wire_name == "Action" && p.constant.as_deref() == Some("ListThings")));
    assert_eq!(
        action("GetThing"),
        Some(("Query".into(), "Action".into(), "GetThing".into()))
    );
    assert_eq!(
        action("PutThing"),
        Some(("Form".into(), "Action".into(), "PutThing".into()))
    );
    for id in [
        "ListThings",
        "GetThing",
        "PutThing",
        "GetFile",
        "GetSharedLink",
    ] {
        assert!(!op(id).path.contains('#'), "{id}: {}", op(id).path);
    }
    assert_eq!(op("GetSharedLink").path, "/files/{file_id}");
    // Servers: relative ones resolved against the document's.
    assert_eq!(
        op("UploadFile").server.as_deref(),
        Some("https://upload.example.com/api/2.0")
    );
    assert_eq!(
        op("GetMe").server.as_deref(),
        Some("https://api.example.com/v2")
    );
    assert_eq!(op("GetFile").server, None);
    // The path item given by `$ref`.
    assert_eq!(op("ListWidgets").path, "/widgets");
    // A requirement naming no scheme: public.
    assert!(op("GetStatus").public && op("GetStatus").security.is_empty());
    assert!(!op("GetFile").public && op("GetFile").security == ["token"]);

    let report = warnings.to_string();
    assert_eq!(report.lines().count(), 3, "{report}");
    assert!(
        report.contains("tests/fixtures/corpus-forms.yaml:56:5 (at /paths/~1files~1{file_id}/get): warning: `GetFile` shares `GET /files/{file_id}` with `GetSharedLink`, and nothing the generator sends tells them apart (a path key's fragment is not sent): each is its own method on that URL; if the vendor tells them apart by a parameter or header, declare it with `x-rpc-action` on each"),
        "{report}"
    );
    assert!(report.contains(":63:5 (at /paths/~1files~1{file_id}#get_shared_link/get): warning: `GetSharedLink` shares `GET /files/{file_id}` with `GetFile`, and nothing"), "{report}");
    assert!(report.contains(":94:11 (at /paths/~1status/get/security/0): warning: security requirement `undeclared` names no security scheme: it is ignored, and an operation no other requirement gives a scheme is public (sends no credentials); define `undeclared` under `components.securitySchemes` to send it"), "{report}");
}

#[test]
fn fragment_actions_need_their_own_values() {
    let op = |key: &str, id: &str, params: &str| {
        format!("  {key}:\n    get:\n      operationId: {id}\n      parameters: [{params}]\n      responses:\n        '200': {{description: ok}}\n")
    };
    let action = |value: &str| {
        format!("{{name: Action, in: query, required: true, schema: {{type: string, enum: [{value}]}}}}")
    };
    // A fragment's action and a declared one sending the same value.
    let text = format!(
        "{HEAD}paths:\n{}  /#other:\n    get:\n      operationId: B\n      x-rpc-action: {{in: query, name: Action, value: A}}\n      responses:\n        '200': {{description: ok}}\n",
        op("/#Action=A", "A", "")
    );
    let report = errors(&text);
    assert!(
        report.contains(
            "specs/t.yaml:15:5 (at /paths/~1#other/get): `B` and `A` both send Action `A` to GET /"
        ),
        "{report}"
    );
    // A fragment naming a value its parameter does not take.
    for param in [
        "{name: Action, in: query, schema: {type: string}}".to_owned(),
        action("B"),
    ] {
        let text = format!("{HEAD}paths:\n{}", op("/#Action=A", "A", &param));
        let report = errors(&text);
        assert!(
            report.contains("specs/t.yaml:9:5 (at /paths/~1#Action=A/get): the path key's fragment `#Action=A` says this operation sends `Action=A`, but its parameter `Action` is not the constant `A`: make it required with `enum: [A]`, or remove it and the generator sends `Action=A` itself"),
            "{report}"
        );
    }
    // Fragments alone: a method each, a warning each.
    let text = format!(
        "{HEAD}paths:\n{}{}",
        op("/c#one", "one", ""),
        op("/c#two", "two", "")
    );
    let generated = full(&text, &NoFiles).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(generated.warnings.len(), 2, "{}", generated.warnings);
    assert!(
        generated.source.contains("pub fn one(&self)")
            && generated.source.contains("pub fn two(&self)"),
        "{}",
        generated.source
    );
    assert!(!generated.source.contains("#one"), "{}", generated.source);
}

#[test]
fn a_relative_server_needs_an_absolute_one_to_resolve_against() {
    let text = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\nservers:\n  - url: /api\npaths:\n  /x:\n    get:\n      operationId: getX\n      servers:\n        - url: /elsewhere\n      responses:\n        '200': {description: ok}\n";
    let report = errors(text);
    assert_eq!(
        report.trim_end(),
        "specs/t.yaml:12:11 (at /paths/~1x/get/servers/0): this server `/elsewhere` is relative, and the document has no absolute server to resolve it against: make the document's first server, or this one, an absolute http(s) URL"
    );
}

#[test]
fn swagger_parameters_say_what_to_write_instead() {
    let text = format!(
        "{HEAD}paths:\n  /upload:\n    post:\n      operationId: upload\n      parameters:\n        - name: file\n          in: formData\n          type: file\n        - {{$ref: '#/components/parameters/Body'}}\n      responses:\n        '200': {{description: ok}}\ncomponents:\n  parameters:\n    Body:\n      name: payload\n      in: body\n      schema: {{type: object}}\n"
    );
    let report = errors(&text);
    let lines: Vec<&str> = report.lines().filter(|l| !l.contains("warning:")).collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert!(
        lines[0].starts_with("specs/t.yaml:13:11 (at /paths/~1upload/post/parameters/0/in): parameter `file`: `in: formData` is Swagger 2.0's; OpenAPI 3 has no form parameters: make `file` a property of the operation's `requestBody` schema under `content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {...}}}}` (`multipart/form-data` when a field is a file"),
        "{report}"
    );
    assert!(
        lines[1].starts_with("specs/t.yaml:22:7 (at /components/parameters/Body/in): parameter `payload`: `in: body` is Swagger 2.0's; OpenAPI 3 has no body parameters: write the operation's `requestBody: {content: {application/json: {schema: <this parameter's schema>}}}`"),
        "{report}"
    );
}

/// Other files, in memory.
struct Files;

impl ReadFile for Files {
    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            "specs/paths/items.yaml" => Ok("item:\n  get:\n    operationId: getItem\n    responses:\n      '200':\n        description: ok\n        content:\n          application/json:\n            schema: {$ref: '#/Item'}\nItem:\n  type: object\n  properties:\n    id: {type: string, enum: [a, a]}\n".into()),
            _ => Err(format!("{path}: no such file")),
        }
    }
}

#[test]
fn a_path_item_ref_is_followed_into_its_file() {
    let text = format!(
        "{HEAD}paths:\n  /item:\n    $ref: 'paths/items.yaml#/item'\n  /gone:\n    $ref: 'paths/items.yaml#/nothing'\n"
    );
    let report = match full(&text, &Files) {
        Ok(g) => panic!("expected an error:\n{}", g.source),
        Err(d) => d.to_string(),
    };
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines,
        [
            "specs/t.yaml:11:5 (at /paths/~1gone/$ref): `$ref: paths/items.yaml#/nothing` names no path item (an object of operations) in `specs/paths/items.yaml`",
            "specs/paths/items.yaml:13:24 (at /Item/properties/id/enum): warning: the enum value `a` is listed twice: it is one variant",
        ],
        "{report}"
    );
    let text = format!("{HEAD}paths:\n  /item:\n    $ref: 'paths/items.yaml#/item'\n");
    let generated = full(&text, &Files).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated.source.contains("pub fn get_item(&self)")
            && generated.source.contains("pub struct Item"),
        "{}",
        generated.source
    );
}

/// ato.gov.au's spec: a record type named `Type` (a keyword as a snake-case name) made
/// the `cli` data's static name invalid, a panic; just-eat.co.uk's: a request body
/// without media types.
#[test]
fn keyword_type_names_and_bodies_without_media_types() {
    let text = format!(
        "{HEAD}paths:\n  /types:\n    get:\n      operationId: listTypes\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Type'}}\n  /prefs:\n    post:\n      operationId: setPrefs\n      requestBody:\n        content: {{}}\n      responses:\n        '204': {{description: done}}\ncomponents:\n  schemas:\n    Type:\n      type: object\n      properties:\n        name: {{type: string}}\n"
    );
    let generated = full(&text, &NoFiles).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated.source.contains("FIELDS_TYPE"),
        "{}",
        generated.source
    );
    assert_eq!(
        generated.warnings.to_string().trim_end(),
        "specs/t.yaml:21:9 (at /paths/~1prefs/post/requestBody/content): warning: the request body has no media type (`content` is empty): no body is sent; name the media type it takes (`application/json: {schema: ...}`) to send one"
    );
}

/// The OpenAPI project's webhook example: no operation, so the `cli` module's `run`
/// reads none of its arguments (unused variables failed the crate with warnings denied):
/// they are let go.
#[test]
fn an_api_without_operations_runs_none() {
    let text = "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\nwebhooks:\n  ping:\n    post:\n      responses:\n        '200': {description: ok}\n";
    let generated = full(text, &NoFiles).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated.source.contains(
            "let _ = (client, args, sink);\n        Err(describe::RunError::NoOperation(operation.to_owned()))\n    }"
        ),
        "{}",
        generated.source
    );
}
