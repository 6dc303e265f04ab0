//! Protocol details found writing specs for AWS Cost Explorer (JSON 1.1) and Azure
//! Consumption: vendor JSON media types are JSON, a success that may come without
//! content is an `Option`, and a parameter may keep its reserved characters. The
//! fixture `fixtures/media.yaml` holds them all (its snapshot runs against a loopback
//! server in the meterage-tests crate); the small specs here hold one case each.

use meterage_codegen::ir::{Api, BodyKind, Location, Operation, TypeRef};
use meterage_codegen::{generate_full, lower_spec, Generated, NoFiles, Settings, SpecSource};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

fn fixture() -> (String, Api) {
    let path = "tests/fixtures/media.yaml";
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("fixture exists");
    let api = lower_spec(&SpecSource { path, text: &text }).unwrap_or_else(|d| panic!("{d}"));
    let source = meterage_codegen::generate(&SpecSource { path, text: &text })
        .unwrap_or_else(|d| panic!("{d}"));
    (source, api)
}

fn op<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

/// The module and warnings of `paths` (and `rest`) after [`HEAD`].
fn generated(paths: &str, rest: &str) -> Generated {
    let text = format!("{HEAD}paths:\n{paths}{rest}");
    generate_full(
        &SpecSource {
            path: "specs/t.yaml",
            text: &text,
        },
        &Settings::default(),
        &NoFiles,
    )
    .unwrap_or_else(|d| panic!("{d}\n{text}"))
}

fn lowered(paths: &str) -> Api {
    let text = format!("{HEAD}paths:\n{paths}");
    lower_spec(&SpecSource {
        path: "specs/t.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}\n{text}"))
}

/// The source without whitespace, nor the trailing comma the formatter adds when it
/// breaks a long call over lines.
fn flat(source: &str) -> String {
    source
        .split_whitespace()
        .collect::<String>()
        .replace(",)", ")")
}

#[test]
fn vendor_json_bodies_and_responses_are_typed() {
    let (source, api) = fixture();
    let aws = op(&api, "GetCostAndUsage");
    assert_eq!(aws.body, Some(BodyKind::Json));
    assert_eq!(
        aws.content_type.as_deref(),
        Some("application/x-amz-json-1.1")
    );
    let body: Vec<(&str, Location)> = aws
        .params
        .iter()
        .filter(|p| p.location != Location::Header)
        .map(|p| (p.wire_name.as_str(), p.location))
        .collect();
    assert_eq!(
        body,
        [
            ("Granularity", Location::Json),
            ("Metrics", Location::Json),
            ("NextPageToken", Location::Json)
        ]
    );
    assert!(
        matches!(&aws.response.ty, Some(TypeRef::Named(id)) if api.types[*id].name.as_str() == "CostAndUsage"),
        "{:?}",
        aws.response
    );
    assert_eq!(aws.response.empty, None);
    assert_eq!(aws.error_bodies.len(), 1, "the 400 body is typed too");

    let tags = op(&api, "BatchTag");
    assert_eq!(tags.body, Some(BodyKind::Json));
    assert_eq!(
        tags.content_type.as_deref(),
        Some("application/vnd.api+json; charset=utf-8")
    );
    assert!(
        matches!(&tags.params[..], [p] if p.location == Location::Body && matches!(p.ty, TypeRef::Array(_))),
        "{:?}",
        tags.params
    );
    assert!(tags.response.ty.is_some());

    let source = flat(&source);
    for wanted in [
        "request.json_body();request.content_type(\"application/x-amz-json-1.1\");",
        "request.json(\"Granularity\",&self.granularity);",
        "impl meterage_runtime::call::Sending<types::CostAndUsage>",
        "request.content_type(\"application/vnd.api+json;charset=utf-8\");if let Some(value) = &self.body { request.json_value(value);}",
        "body:Option<Vec<types::BatchTagBodyItem>>",
    ] {
        assert!(source.contains(&flat(wanted)), "{wanted}");
    }
    assert!(!source.contains("bytes_body"), "no body is bytes");
}

#[test]
fn every_json_media_type_is_sent_and_read_as_json() {
    for media in [
        "application/x-amz-json-1.0",
        "application/x-amz-json-1.1",
        "application/problem+json",
        "application/vnd.api+json",
        "application/json; charset=utf-8",
        "Application/JSON",
    ] {
        let api = lowered(&format!(
            "  /a:\n    post:\n      operationId: a\n      requestBody:\n        content:\n          '{media}': {{schema: {{type: object, properties: {{n: {{type: integer}}}}}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            '{media}': {{schema: {{type: object, properties: {{m: {{type: integer}}}}}}}}\n"
        ));
        let a = &api.operations[0];
        assert_eq!(a.body, Some(BodyKind::Json), "{media}");
        let wanted = (media != "application/json").then_some(media);
        assert_eq!(a.content_type.as_deref(), wanted, "{media}");
        assert_eq!(a.params[0].location, Location::Json, "{media}");
        assert!(a.response.ty.is_some(), "{media}");
    }
}

#[test]
fn a_success_that_is_not_json_is_not_decoded_and_says_so_when_it_has_a_structure() {
    let g = generated(
        "  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/x-ndjson: {schema: {type: object, properties: {n: {type: integer}}}}\n  /b:\n    get:\n      operationId: b\n      responses:\n        '200':\n          description: ok\n          content:\n            text/html: {schema: {type: string}}\n",
        "",
    );
    let report = g.warnings.to_string();
    assert_eq!(g.warnings.warnings().count(), 1, "{report}");
    assert!(
        report.contains("(at /paths/~1a/get/responses/200/content/application~1x-ndjson/schema): warning: `application/x-ndjson` is not JSON: the success body is not decoded (`send` returns no body, `send_raw` its bytes)"),
        "{report}"
    );
    assert!(
        flat(&g.source).contains(&flat("impl meterage_runtime::call::Sending<()>")),
        "{}",
        g.source
    );
}

#[test]
fn an_answer_without_content_makes_the_success_optional() {
    let (source, api) = fixture();
    // 200 with a body, then 204.
    let usage = op(&api, "UsageDetails_List");
    assert_eq!(usage.response.status, 200);
    assert_eq!(usage.response.empty.as_deref(), Some("204"));
    // 204 first: the body of the 200 after it is what the call returns.
    let delete = op(&api, "Budgets_Delete");
    assert_eq!(delete.response.status, 200);
    assert_eq!(delete.response.empty.as_deref(), Some("204"));
    assert!(delete.response.ty.is_some());
    // A paged operation: `None` is an empty page, the last.
    let paged = op(&api, "Budgets_ListPaged");
    assert_eq!(paged.response.empty.as_deref(), Some("204"));
    assert!(paged.pagination.is_some());

    let source = flat(&source);
    for wanted in [
        "impl meterage_runtime::call::Sending<Option<types::UsageDetailsList>>",
        "impl meterage_runtime::call::Sending<Option<types::Budget>>",
        "impl meterage_runtime::call::Sending<Option<types::BudgetsListPagedResponse>>",
        "typePage=Option<types::BudgetsListPagedResponse>;",
        "impl meterage_runtime::Page for types::BudgetsListPagedResponse {",
        "or `None` when the server answers 204 without content",
        "An answer without content (204) is an empty page, `None`, and the last.",
    ] {
        assert!(source.contains(&flat(wanted)), "{wanted}");
    }
}

#[test]
fn which_answers_make_the_success_optional() {
    let body = "          content:\n            application/json: {schema: {type: object, properties: {n: {type: integer}}}}\n";
    // (responses, the success status, whether it has a body, the empty answer)
    let cases: Vec<(String, u16, bool, Option<&str>)> = vec![
        (format!("        '200':\n          description: ok\n{body}"), 200, true, None),
        ("        '204': {description: none}\n".to_owned(), 204, false, None),
        (format!("        '200':\n          description: ok\n{body}        '202': {{description: accepted}}\n"), 200, true, Some("202")),
        (format!("        '200':\n          description: ok\n{body}        2XX: {{description: any}}\n"), 200, true, Some("2XX")),
        // A 204 never has content, whatever the spec says of it.
        (format!("        '200':\n          description: ok\n{body}        '204':\n          description: none\n{body}"), 200, true, Some("204")),
        (format!("        '204':\n          description: none\n{body}"), 204, true, Some("204")),
        // Two answers with a body, and an error without one: not optional.
        (format!("        '201':\n          description: made\n{body}        '200':\n          description: there\n{body}        '404': {{description: gone}}\n"), 201, true, None),
        // Without content first, a body later: that body, optional.
        (format!("        '200': {{description: nothing yet}}\n        '201':\n          description: made\n{body}"), 201, true, Some("200")),
        // A redirect documented as the success stays the success.
        (format!("        '302': {{description: moved}}\n        '200':\n          description: ok\n{body}"), 302, false, None),
        // `default` is the success only without 2xx or 3xx; it is never an empty answer.
        (format!("        default:\n          description: any\n{body}"), 200, true, None),
        (format!("        '204': {{description: none}}\n        default:\n          description: error\n{body}"), 204, false, None),
    ];
    for (responses, status, typed, empty) in cases {
        let api = lowered(&format!(
            "  /a:\n    get:\n      operationId: a\n      responses:\n{responses}"
        ));
        let r = &api.operations[0].response;
        assert_eq!(
            (r.status, r.ty.is_some(), r.empty.as_deref()),
            (status, typed, empty),
            "{responses}"
        );
    }
}

#[test]
fn reserved_path_and_query_parameters_pass_the_flag() {
    let (source, api) = fixture();
    let flags = |id: &str| -> Vec<(String, bool)> {
        op(&api, id)
            .params
            .iter()
            .map(|p| (p.wire_name.clone(), p.allow_reserved))
            .collect()
    };
    let owned = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
        list.iter().map(|(n, f)| ((*n).to_owned(), *f)).collect()
    };
    assert_eq!(
        flags("UsageDetails_List"),
        owned(&[
            ("scope", true),
            ("$filter", true),
            ("$skiptoken", false),
            ("api-version", false)
        ])
    );
    assert_eq!(
        flags("Budgets_Delete"),
        owned(&[("scope", true), ("name", false), ("tags", true)])
    );
    let source = flat(&source);
    for wanted in [
        // x-ms-skip-url-encoding on a path parameter that is a method argument.
        "request.path_param_as(\"scope\",&self.scope,meterage_runtime::request::Encoding::AllowReserved);",
        // allowReserved on a query parameter.
        "request.query_as(\"$filter\",value,meterage_runtime::request::Encoding::AllowReserved);",
        // allowReserved on a path parameter with a setter.
        "if let Some(value) = &self.scope { request.path_param_as(\"scope\", value, meterage_runtime::request::Encoding::AllowReserved); }",
        // An array, in its style.
        "request.query_value_as(\"tags\",value,meterage_runtime::request::Style::Form,meterage_runtime::request::Encoding::AllowReserved);",
        // Their neighbours are encoded strictly, as before.
        "request.path_param(\"name\",value);",
        "request.query_opt(\"$skiptoken\",&self.skiptoken);",
        "Reserved characters are sent as they are, so the value may span segments",
    ] {
        assert!(source.contains(&flat(wanted)), "{wanted}");
    }
}

#[test]
fn reserved_characters_from_a_component_a_path_item_and_a_constant() {
    let g = generated(
        "  /{scope}/x:\n    parameters:\n      - {name: scope, in: path, required: true, allowReserved: true, schema: {type: string}}\n    get:\n      operationId: a\n      parameters:\n        - $ref: '#/components/parameters/Expand'\n        - {name: v, in: query, required: true, x-ms-skip-url-encoding: true, schema: {type: string, enum: ['a/b']}}\n      responses:\n        '200': {description: ok}\n",
        "components:\n  parameters:\n    Expand: {name: expand, in: query, allowReserved: true, schema: {type: string}}\n",
    );
    assert_eq!(g.warnings.warnings().count(), 0, "{}", g.warnings);
    let source = flat(&g.source);
    for wanted in [
        "request.path_param_as(\"scope\",&self.scope,meterage_runtime::request::Encoding::AllowReserved);",
        "request.query_as(\"expand\",value,meterage_runtime::request::Encoding::AllowReserved);",
        "request.query_as(\"v\",\"a/b\",meterage_runtime::request::Encoding::AllowReserved);",
    ] {
        assert!(source.contains(&flat(wanted)), "{wanted}\n{}", g.source);
    }
}

#[test]
fn reserved_characters_where_nothing_is_percent_encoded_are_warned_about() {
    let g = generated(
        "  /a:\n    post:\n      operationId: a\n      parameters:\n        - {name: X-Scope, in: header, allowReserved: true, schema: {type: string}}\n        - {name: session, in: cookie, x-ms-skip-url-encoding: true, schema: {type: string}}\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema: {type: object, properties: {url: {type: string}}}\n            encoding:\n              url: {allowReserved: true}\n      responses:\n        '200': {description: ok}\n",
        "",
    );
    let report = g.warnings.to_string();
    assert_eq!(g.warnings.warnings().count(), 3, "{report}");
    for wanted in [
        "specs/t.yaml:8:39 (at /paths/~1a/post/parameters/0/allowReserved): warning: header parameter `X-Scope`: `allowReserved` has no effect: header values are sent as they are, never percent-encoded",
        "(at /paths/~1a/post/parameters/1/x-ms-skip-url-encoding): warning: cookie parameter `session`: `x-ms-skip-url-encoding` has no effect: cookie values are sent as they are, never percent-encoded",
        "(at /paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/encoding/url/allowReserved): warning: form field `url`: `allowReserved` is not supported: the field is percent-encoded like every other",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
    let source = flat(&g.source);
    assert!(!source.contains("Encoding::AllowReserved"), "{}", g.source);
}

#[test]
fn a_skip_url_encoding_that_is_not_a_boolean_is_an_error() {
    let text = format!(
        "{HEAD}paths:\n  /{{scope}}:\n    get:\n      operationId: a\n      parameters:\n        - {{name: scope, in: path, required: true, x-ms-skip-url-encoding: 'yes', schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    let report = meterage_codegen::generate(&SpecSource {
        path: "specs/t.yaml",
        text: &text,
    })
    .expect_err("an invalid extension")
    .to_string();
    assert!(
        report.contains("(at /paths/~1{scope}/get/parameters/0/x-ms-skip-url-encoding): invalid `x-ms-skip-url-encoding`: invalid type: string \"yes\", expected a boolean"),
        "{report}"
    );
}
