//! Where the cursor style sends its token (`token-in` of `x-pagination`): a `token`
//! that names nothing there, or something that is not an optional string, a body that
//! is not a JSON object, and an unknown `token-in`, each refused at its line.

use meterage_codegen::{generate, SpecSource};

/// The report of generating `text`, which must fail.
fn report(text: &str) -> String {
    match generate(&SpecSource {
        path: "specs/bad.yaml",
        text,
    }) {
        Ok(source) => panic!("expected errors, got a module:\n{source}"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

/// A spec of one `POST /costs/{Region}`, its `x-pagination` (indented) and its request body
/// (indented, after `requestBody:`), beside a header and a query parameter.
fn spec(pagination: &str, body: &str) -> String {
    format!(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /costs/{{Region}}:
    post:
      operationId: getCosts
      x-pagination:
{pagination}
      parameters:
        - {{name: X-Token, in: header, schema: {{type: string}}}}
        - {{name: X-Count, in: header, schema: {{type: integer}}}}
        - {{name: Page, in: query, schema: {{type: string}}}}
        - {{name: Region, in: path, required: true, schema: {{type: string}}}}
{body}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  Items: {{type: array, items: {{type: string}}}}
                  NextPageToken: {{type: string}}
"
    )
}

/// An `x-pagination` sending `token` where `token_in` says (no `token-in` when empty).
fn pagination(token: &str, token_in: &str) -> String {
    let token_in = match token_in {
        "" => String::new(),
        token_in => format!("        token-in: {token_in}\n"),
    };
    format!("        style: cursor\n        token: {token}\n{token_in}        next: /NextPageToken\n        items: /Items")
}

/// A JSON object body with an optional string, a required string and an integer.
const JSON_BODY: &str = "      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [Account]
              properties:
                NextPageToken: {type: string}
                Account: {type: string}
                MaxResults: {type: integer}";

#[test]
fn a_token_in_the_body_must_be_an_optional_string_property_of_a_json_object() {
    let at = "(at /paths/~1costs~1{Region}/post/x-pagination/token)";
    let cases: &[(&str, &str)] = &[
        (
            "Token",
            "`token: Token` names no top-level property of the JSON request body",
        ),
        (
            "Account",
            "`token: Account` must name an optional property of the JSON request body: the stream sets it",
        ),
        (
            "MaxResults",
            "`token: MaxResults` must name a string property of the JSON request body",
        ),
        (
            "X-Token",
            "`token: X-Token` names a header parameter, not a property of the JSON request body: set `token-in: header`",
        ),
        (
            "Region",
            "`token: Region` names a path parameter: the token goes in the query, a header or the JSON body (`token-in`)",
        ),
    ];
    for (token, wanted) in cases {
        let wanted = format!("specs/bad.yaml:11:9 {at}: {wanted}");
        let got = report(&spec(&pagination(token, "body"), JSON_BODY));
        assert!(got.contains(&wanted), "{wanted:?} not in:\n{got}");
    }
}

#[test]
fn a_token_in_the_body_needs_a_json_object_body() {
    let form = JSON_BODY.replace("application/json", "application/x-www-form-urlencoded");
    let array = "      requestBody:
        content:
          application/json:
            schema: {type: array, items: {type: string}}";
    let cases: &[(&str, &str)] = &[
        ("", "this operation has no request body"),
        (&form, "this operation's request body is not JSON"),
        (array, "its schema is not an object of properties"),
    ];
    for (body, problem) in cases {
        let wanted = format!(
            "specs/bad.yaml:12:9 (at /paths/~1costs~1{{Region}}/post/x-pagination/token-in): `token-in: body` needs a JSON request body whose top-level properties include `NextPageToken`: {problem}"
        );
        let got = report(&spec(&pagination("NextPageToken", "body"), body));
        assert!(got.contains(&wanted), "{wanted:?} not in:\n{got}");
    }
}

#[test]
fn a_token_in_a_header_or_the_query_must_be_an_optional_string_parameter_there() {
    let at = "specs/bad.yaml:11:9 (at /paths/~1costs~1{Region}/post/x-pagination/token)";
    let cases: &[(&str, &str, &str)] = &[
        (
            "X-Count",
            "header",
            "`token: X-Count` must name a string header parameter",
        ),
        (
            "Page",
            "header",
            "`token: Page` names a parameter in the query, not a header parameter: set `token-in: query`",
        ),
        (
            "X-Token",
            "",
            "`token: X-Token` names a header parameter, not a parameter in the query: set `token-in: header`",
        ),
        (
            "NextPageToken",
            "query",
            "`token: NextPageToken` names a property of the JSON request body, not a parameter in the query: set `token-in: body`",
        ),
        (
            "Nothing",
            "header",
            "`token: Nothing` names no parameter of this operation",
        ),
    ];
    for (token, token_in, wanted) in cases {
        let wanted = format!("{at}: {wanted}");
        let got = report(&spec(&pagination(token, token_in), JSON_BODY));
        assert!(got.contains(&wanted), "{wanted:?} not in:\n{got}");
    }
}

#[test]
fn token_in_is_one_of_three_places() {
    let got = report(&spec(&pagination("NextPageToken", "cookie"), JSON_BODY));
    let wanted = "specs/bad.yaml:12:9 (at /paths/~1costs~1{Region}/post/x-pagination/token-in): `token-in: cookie`: the token goes in the `query` (the default), a `header` or the JSON `body`";
    assert!(got.contains(wanted), "{wanted:?} not in:\n{got}");
}

/// A header token is found whatever the case of its name; the generated module sends
/// it, and the body token, where `token-in` says.
#[test]
fn tokens_in_a_header_or_the_body_generate() {
    let generated = |text: &str| {
        generate(&SpecSource {
            path: "specs/good.yaml",
            text,
        })
        .unwrap_or_else(|d| panic!("{d}"))
    };
    let module = generated(&spec(&pagination("x-token", "header"), JSON_BODY));
    assert!(module.contains("TokenIn::Header"), "{module}");
    let module = generated(&spec(&pagination("NextPageToken", "body"), JSON_BODY));
    assert!(module.contains("TokenIn::Body"), "{module}");
}
