//! Standard OpenAPI 3.0 keywords the generator does not honour are never dropped
//! unseen: each gives a warning at its file:line saying what the generated code does
//! instead (docs/spec-extensions.md, "Errors and warnings", lists them); a value that
//! asks for nothing (`uniqueItems: false`) gives none; and the keywords honoured in
//! part change the generated code as documented.

use meterage_codegen::{generate_full, Diagnostics, NoFiles, Settings, SpecSource};

const FILE: &str = "specs/kw.yaml";

/// A spec of one operation `GET /things` taking `params` (YAML flow sequence items) and
/// answering the schema `Thing`, with `op_extra` after the responses (indented 6, keys
/// of the operation; 4, of the path item) and `components` after the schemas.
fn spec(params: &str, op_extra: &str, thing: &str, components: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: K, version: '1'}}
servers: [{{url: 'https://api.example.com'}}]
paths:
  /things:
    get:
      operationId: listThings
      parameters: [{params}]
      responses:
        '200':
          description: things
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Thing'}}
{op_extra}
components:
  schemas:
    Thing: {thing}
    Other: {{type: object, properties: {{b: {{type: integer}}}}}}
    Third: {{type: object, properties: {{c: {{type: integer}}}}}}
{components}
"
    )
}

const THING: &str = "{type: object, properties: {a: {type: string}}}";

fn run(text: &str) -> (Option<String>, Diagnostics) {
    match generate_full(
        &SpecSource { path: FILE, text },
        &Settings::default(),
        &NoFiles,
    ) {
        Ok(g) => (Some(g.source), g.warnings),
        Err(d) => (None, d),
    }
}

/// (case, spec, pointer of the warning, what it says)
fn cases() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let schema = |thing: &str| spec("", "", thing, "");
    vec![
        ("xml", schema("{type: object, xml: {name: thing}, properties: {a: {type: string}}}"), "/components/schemas/Thing/xml", "XML is neither read nor written"),
        ("multipleOf", schema("{type: object, properties: {a: {type: integer, multipleOf: 5}}}"), "/components/schemas/Thing/properties/a/multipleOf", "not checked before sending"),
        ("uniqueItems", schema("{type: object, properties: {a: {type: array, uniqueItems: true, items: {type: string}}}}"), "/components/schemas/Thing/properties/a/uniqueItems", "not checked before sending"),
        ("minProperties", schema("{type: object, minProperties: 1, properties: {a: {type: string}}}"), "/components/schemas/Thing/minProperties", "not checked before sending"),
        ("maxProperties", schema("{type: object, maxProperties: 3, properties: {a: {type: string}}}"), "/components/schemas/Thing/maxProperties", "not checked before sending"),
        ("deprecated property", schema("{type: object, properties: {a: {type: string, deprecated: true}}}"), "/components/schemas/Thing/properties/a/deprecated", "not marked in the generated code"),
        ("schema externalDocs", schema("{type: object, externalDocs: {url: 'https://docs.example.com'}, properties: {a: {type: string}}}"), "/components/schemas/Thing/externalDocs", "does not reach the generated docs"),
        ("deprecated parameter", spec("{name: q, in: query, deprecated: true, schema: {type: string}}", "", THING, ""), "/paths/~1things/get/parameters/0/deprecated", "not marked in the generated code"),
        ("callbacks", spec("", "      callbacks: {done: {'{$request.body#/url}': {post: {responses: {'200': {description: ok}}}}}}", THING, ""), "/paths/~1things/get/callbacks", "callbacks are requests the server makes"),
        ("links", spec("", "", THING, "  responses:\n    Done: {description: done, links: {next: {operationId: listThings}}}"), "/components/responses/Done/links", "links are not followed"),
        ("component links", spec("", "", THING, "  links: {next: {operationId: listThings}}"), "/components/links", "links are not followed"),
        ("component callbacks", spec("", "", THING, "  callbacks: {done: {'{$url}': {post: {responses: {'200': {description: ok}}}}}}"), "/components/callbacks", "callbacks are requests the server makes"),
        ("discriminator without oneOf", schema("{type: object, discriminator: {propertyName: a}, properties: {a: {type: string}}}"), "/components/schemas/Thing/discriminator", "read on a `oneOf` or `anyOf` only"),
        ("discriminator mapping to no alternative", schema("{oneOf: [{$ref: '#/components/schemas/Other'}, {$ref: '#/components/schemas/Third'}], discriminator: {propertyName: kind, mapping: {other: '#/components/schemas/Other', gone: '#/components/schemas/Gone'}}}"), "/components/schemas/Thing/discriminator/mapping/gone", "none of the alternatives"),
        ("inline discriminator", schema("{oneOf: [{type: object, properties: {b: {type: integer}}}, {type: string}], discriminator: {propertyName: kind}}"), "/components/schemas/Thing/discriminator", "cannot tag the inline alternatives"),
        ("not", schema("{type: object, properties: {a: {not: {type: string}}}}"), "/components/schemas/Thing/properties/a", "`not` has no Rust type"),
        ("label style", spec("{name: id, in: path, required: true, style: label, schema: {type: string}}", "", THING, "").replace("/things:", "/things/{id}:"), "/paths/~1things~1{id}/get/parameters/0/style", "are not supported"),
        ("allowReserved on a header", spec("{name: X-Q, in: header, allowReserved: true, schema: {type: string}}", "", THING, ""), "/paths/~1things/get/parameters/0/allowReserved", "has no effect"),
        ("a header parameter OpenAPI ignores", spec("{name: Accept, in: header, schema: {type: string}}", "", THING, ""), "/paths/~1things/get/parameters/0/name", "is ignored"),
        ("x-pagination on a path item", spec("", "    x-pagination: {style: cursor, token: t, next: /n, items: /i}", THING, ""), "/paths/~1things/x-pagination", "is read on an operation only"),
        ("x-enum-varnames without an enum", schema("{type: object, properties: {a: {type: string, x-enum-varnames: [A]}}}"), "/components/schemas/Thing/properties/a/x-enum-varnames", "has neither"),
        ("x-env on an operation", spec("", "      x-env: {base-url: URL}", THING, ""), "/paths/~1things/get/x-env", "is read on the document root only"),
        ("a part's contentType", spec("", "      requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}, encoding: {file: {contentType: image/png}}}}}", THING, ""), "/paths/~1things/get/requestBody/content/multipart~1form-data/encoding/file/contentType", "is not honoured"),
        ("a part's headers", spec("", "      requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}, encoding: {file: {headers: {X-Part: {schema: {type: string}}}}}}}}", THING, ""), "/paths/~1things/get/requestBody/content/multipart~1form-data/encoding/file/headers", "are not sent"),
        ("encoding of a JSON body", spec("", "      requestBody: {content: {application/json: {schema: {type: object, properties: {a: {type: string}}}, encoding: {a: {contentType: text/plain}}}}}", THING, ""), "/paths/~1things/get/requestBody/content/application~1json/encoding/a", "no effect"),
        ("schemes required together", spec("", "      security: [{a: [], b: []}]", THING, "  securitySchemes:\n    a: {type: apiKey, in: header, name: X-A}\n    b: {type: apiKey, in: query, name: b}"), "/paths/~1things/get/security/0", "together"),
    ]
}

#[test]
fn every_keyword_not_honoured_is_a_warning_at_its_line() {
    let mut failures = Vec::new();
    for (case, text, pointer, said) in cases() {
        let (_, problems) = run(&text);
        let found = problems.0.iter().any(|d| {
            d.file == FILE
                && d.pointer == pointer
                && d.position.is_some()
                && d.message.contains(said)
        });
        if !found {
            failures.push(format!(
                "{case}: no problem at {pointer} (with a line) saying {said:?}; got:\n{problems}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_keyword_that_asks_for_nothing_is_not_warned_about() {
    for thing in [
        "{type: object, properties: {a: {type: array, uniqueItems: false, items: {type: string}}}}",
        "{type: object, properties: {a: {type: string, deprecated: false}}}",
        "{type: object, properties: {a: {type: string, readOnly: true}, b: {type: string, writeOnly: true}}}",
    ] {
        let (source, warnings) = run(&spec("", "", thing, ""));
        assert!(source.is_some() && warnings.0.is_empty(), "{thing}:\n{warnings}");
    }
}

#[test]
fn external_docs_of_the_document_and_operations_are_linked_from_the_generated_docs() {
    let text = spec(
        "",
        "      externalDocs: {url: 'https://docs.example.com/things', description: The things API}",
        THING,
        "",
    )
    .replace(
        "servers:",
        "externalDocs: {url: 'https://docs.example.com'}\nservers:",
    );
    let (source, warnings) = run(&text);
    let source = source.unwrap_or_else(|| panic!("{warnings}"));
    assert!(warnings.0.is_empty(), "{warnings}");
    assert!(
        source.contains("See also: [The things API](https://docs.example.com/things)."),
        "no link to the operation's docs"
    );
    assert!(
        source.contains("See also: <https://docs.example.com>."),
        "no link to the document's docs"
    );
}

#[test]
fn exploded_space_and_pipe_delimited_arrays_repeat_the_name() {
    // OpenAPI 3.0's style table: `spaceDelimited` and `pipeDelimited` exploded are
    // `form` exploded; not exploded, they join with their delimiter.
    for (style, explode, call) in [
        ("spaceDelimited", "true", "request.query_multi(\"ids\""),
        ("pipeDelimited", "true", "request.query_multi(\"ids\""),
        ("spaceDelimited", "false", "request.query_joined(\"ids\""),
        ("pipeDelimited", "false", "request.query_joined(\"ids\""),
    ] {
        let param = format!(
            "{{name: ids, in: query, style: {style}, explode: {explode}, schema: {{type: array, items: {{type: string}}}}}}"
        );
        let (source, warnings) = run(&spec(&param, "", THING, ""));
        let source = source.unwrap_or_else(|| panic!("{style}: {warnings}"));
        assert!(
            source.contains(call),
            "{style} explode {explode}: no {call}"
        );
    }
}
