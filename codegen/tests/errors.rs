//! Bad input to the generator gives clear errors, never a panic: each names the spec
//! file, the place (JSON pointer and line:column) and what is wrong, and one run
//! reports every problem of a spec.

use meterage_codegen::{generate, Diagnostics, SpecSource};

fn errors(text: &str) -> Diagnostics {
    match generate(&SpecSource {
        path: "specs/bad.yaml",
        text,
    }) {
        Ok(source) => panic!("expected errors, got a module:\n{source}"),
        Err(d) => d,
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n";

/// (case, spec text, substrings the report must contain)
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "malformed YAML",
        "openapi: 3.0.3\ninfo:\n  title: [unclosed\n",
        &["specs/bad.yaml:4:1: malformed YAML: did not find expected ',' or ']', while parsing a flow sequence"],
    ),
    ("not a mapping", "- a\n- b\n", &["specs/bad.yaml:1:1", "not a mapping"]),
    (
        "Swagger 2.0",
        "swagger: '2.0'\ninfo:\n  title: T\n  version: '1'\npaths: {}\n",
        &["specs/bad.yaml:1:1 (at /swagger)", "Swagger 2.0", "OpenAPI 3.0.x and 3.1.x"],
    ),
    (
        "OpenAPI 3.2",
        "info:\n  title: T\n  version: '1'\nopenapi: 3.2.0\npaths: {}\n",
        &["specs/bad.yaml:4:1 (at /openapi)", "OpenAPI 3.2", "not supported"],
    ),
    ("no version", "info:\n  title: T\npaths: {}\n", &["no `openapi` version field"]),
    (
        "not OpenAPI",
        "openapi: 3.0.3\ninfo:\n  version: '1'\npaths: {}\n",
        &["specs/bad.yaml:", "not a valid OpenAPI 3.0 document", "title"],
    ),
];

#[test]
fn load_errors_say_what_and_where() {
    for (case, text, wanted) in CASES {
        let report = errors(text).to_string();
        for w in *wanted {
            assert!(report.contains(w), "{case}: {w:?} not in:\n{report}");
        }
    }
}

#[test]
fn unknown_ref_points_at_the_line() {
    let text = format!(
        "{HEAD}paths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Missing'\n"
    );
    let report = errors(&text).to_string();
    assert!(report.contains("specs/bad.yaml:15:17"), "{report}");
    assert!(
        report.contains("/paths/~1x/get/responses/200/content/application~1json/schema/$ref"),
        "{report}"
    );
    assert!(
        report.contains("unknown `$ref: #/components/schemas/Missing`"),
        "{report}"
    );
}

#[test]
fn every_problem_of_a_spec_is_reported_together() {
    let text = format!(
        "{HEAD}paths:
  /a:
    get:
      responses:
        '200': {{description: ok}}
  /b/{{id}}:
    get:
      operationId: getB
      parameters:
        - {{name: p, in: query, schema: {{$ref: '#/components/schemas/Nope'}}}}
        - {{name: sid, in: cookie, schema: {{type: string}}}}
      x-pagination: {{style: keyset, page: p, size: q, items: /x}}
      responses:
        '200': {{description: ok}}
  /c#one:
    get:
      operationId: one
      responses:
        '200': {{description: ok}}
  /c#two:
    get:
      operationId: two
      responses:
        '200': {{description: ok}}
components:
  schemas:
    Twice:
      type: string
      enum: [a, b, a]
  securitySchemes:
    weird:
      type: apiKey
      in: header
      name: X-Sig
      x-auth-scheme: {{kind: quantum-signature}}
"
    );
    let d = errors(&text);
    let report = d.to_string();
    for wanted in [
        "(at /paths/~1a/get): warning: the operation has no `operationId`: it is named `get_a`",
        "the path has `{id}` but no path parameter `id`",
        "unknown `$ref: #/components/schemas/Nope`",
        "`style: keyset`: not a paging style; one of `page-number`, `offset`, `cursor`, `next-link`",
        "warning: `one` shares `GET /c` with `two`, and nothing the generator sends tells them apart",
        "unknown auth scheme kind `quantum-signature`",
        "warning: the enum value `a` is listed twice: it is one variant",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
    assert!(d.len() >= 7, "{report}");
    assert_eq!(d.warnings().count(), 4, "{report}");
    assert!(
        d.iter()
            .all(|e| e.file == "specs/bad.yaml" && e.position.is_some()),
        "{report}"
    );
}

/// The kinds an unknown `kind` is told about are the kinds the settings are read as: the
/// list and the parsing come from one declaration.
#[test]
fn an_unknown_auth_kind_names_every_known_one() {
    let scheme = |settings: &str| {
        format!("{HEAD}paths: {{}}\ncomponents:\n  securitySchemes:\n    s:\n      type: apiKey\n      in: header\n      name: X-Token\n      x-auth-scheme: {settings}\n")
    };
    let kinds = meterage_codegen::ir::AuthKind::declared();
    assert!(kinds.contains(&"login-token"), "{kinds:?}");
    for (settings, named) in [
        ("{kind: quantum-signature}", "`quantum-signature`"),
        ("{kind: Login-Token}", "`Login-Token`"),
        ("{env: {token: T}}", "(none given)"),
    ] {
        let report = errors(&scheme(settings)).to_string();
        let wanted = format!(
            "specs/bad.yaml:12:7 (at /components/securitySchemes/s/x-auth-scheme): unknown auth scheme kind {named}; known kinds: {}",
            kinds.join(", ")
        );
        assert_eq!(report, wanted);
    }
    for kind in kinds {
        let report = errors(&scheme(&format!("{{kind: {kind}, bogus: 1}}"))).to_string();
        assert!(
            report.contains("invalid `x-auth-scheme`: unknown field `bogus`"),
            "{kind}: {report}"
        );
    }
}

#[test]
fn oauth2_client_credentials_settings_are_checked_where_they_are() {
    let scheme = |name: &str, settings: &str| {
        format!("{HEAD}paths: {{}}\ncomponents:\n  securitySchemes:\n    s:\n      type: apiKey\n      in: header\n      name: {name}\n      x-auth-scheme: {settings}\n")
    };
    let report = errors(&scheme(
        "Authorization",
        "{kind: oauth2-client-credentials, scope: a}",
    ))
    .to_string();
    assert_eq!(
        report,
        "specs/bad.yaml:12:7 (at /components/securitySchemes/s/x-auth-scheme): invalid `x-auth-scheme`: missing field `token-url` (see docs/spec-extensions.md)"
    );
    let report = errors(&scheme(
        "X-Token",
        "{kind: oauth2-client-credentials, token-url: /oauth2/token}",
    ))
    .to_string();
    assert_eq!(
        report,
        "specs/bad.yaml:12:7 (at /components/securitySchemes/s/x-auth-scheme): `oauth2-client-credentials` sends `Authorization: Bearer <token>`: declare the scheme `in: header` with `name: Authorization`\n\
         specs/bad.yaml:12:56 (at /components/securitySchemes/s/x-auth-scheme/token-url): `token-url: /oauth2/token` must be an absolute http(s) URL"
    );
}

#[test]
fn aws_sigv4_settings_are_checked_where_they_are() {
    let scheme = |name: &str, settings: &str| {
        format!("{HEAD}paths: {{}}\ncomponents:\n  securitySchemes:\n    s:\n      type: apiKey\n      in: header\n      name: {name}\n      x-auth-scheme: {settings}\n")
    };
    let report = errors(&scheme(
        "Authorization",
        "{kind: aws-sigv4, region: us-east-1}",
    ))
    .to_string();
    assert_eq!(
        report,
        "specs/bad.yaml:12:7 (at /components/securitySchemes/s/x-auth-scheme): invalid `x-auth-scheme`: missing field `service` (see docs/spec-extensions.md)"
    );
    let report = errors(&scheme(
        "Authorization",
        "{kind: aws-sigv4, service: ce, region: us-east-1, signing-name: ce}",
    ))
    .to_string();
    assert!(
        report.starts_with("specs/bad.yaml:12:7 (at /components/securitySchemes/s/x-auth-scheme): invalid `x-auth-scheme`: unknown field `signing-name`, expected one of `service`, `region`, `env`"),
        "{report}"
    );
    let report = errors(&scheme(
        "Authorization",
        "{kind: aws-sigv4, service: ce, region: us-east-1, env: {access-key: A, secret-key: S, token: T}}",
    ))
    .to_string();
    assert!(report.contains("unknown field `token`, expected one of `access-key`, `secret-key`, `session-token`, `region`"), "{report}");
    let report = errors(&scheme(
        "X-Amz-Signature",
        "{kind: aws-sigv4, service: Cost Explorer, region: us-east-1}",
    ))
    .to_string();
    assert_eq!(
        report,
        "specs/bad.yaml:12:7 (at /components/securitySchemes/s/x-auth-scheme): `aws-sigv4` signs in the `Authorization` header: declare the scheme `in: header` with `name: Authorization`\n\
         specs/bad.yaml:12:40 (at /components/securitySchemes/s/x-auth-scheme/service): `service: Cost Explorer` must be an AWS service name such as `ce` (lower-case letters, digits and `-`)"
    );
}

#[test]
fn misspelt_keys_are_caught_not_ignored() {
    let text = format!(
        "{HEAD}paths:
  /x:
    get:
      operationId: getX
      x-paginaton: {{style: page-number}}
      parameters:
        - name: q
          in: query
          requried: true
          schema:
            type: string
            maxLenght: 8
      responses:
        '200':
          description: ok
          x-vendor-note: extensions are fine
          content:
            application/json:
              schema:
                type: object
                properties:
                  a: {{type: string, nulable: true}}
"
    );
    let generated = meterage_codegen::generate_full(
        &SpecSource {
            path: "specs/bad.yaml",
            text: &text,
        },
        &meterage_codegen::Settings::default(),
        &meterage_codegen::NoFiles,
    )
    .expect("unknown keys are warnings");
    let report = generated.warnings.to_string();
    assert_eq!(generated.warnings.warnings().count(), 4, "{report}");
    for wanted in [
        "specs/bad.yaml:9:7 (at /paths/~1x/get/x-paginaton): warning: `x-paginaton` is not an extension meterage reads (ignored); did you mean `x-pagination`?",
        "specs/bad.yaml:13:11 (at /paths/~1x/get/parameters/0/requried): warning: unknown key `requried` in a parameter (ignored); did you mean `required`?",
        "specs/bad.yaml:16:13 (at /paths/~1x/get/parameters/0/schema/maxLenght): warning: unknown key `maxLenght` in a schema (ignored); did you mean `maxLength`?",
        "(at /paths/~1x/get/responses/200/content/application~1json/schema/properties/a/nulable): warning: unknown key `nulable` in a schema (ignored); did you mean `nullable`?",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
    assert!(!report.contains("x-vendor-note"), "{report}");
}

#[test]
fn a_base_url_from_the_first_of_several_variables() {
    let spec = |servers: &str, env: &str| {
        format!("{HEAD}{servers}x-env: {{base-url: {env}}}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200': {{description: ok}}\n")
    };
    let module = generate(&SpecSource {
        path: "specs/env.yaml",
        text: &spec("", "[A_URL, B_URL]"),
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let flat: String = module.split_whitespace().collect();
    assert!(
        flat.contains("letbuilder=Self::builder(meterage_runtime::auth::env::first_var(&[\"A_URL\",\"B_URL\"])?"),
        "{module}"
    );
    assert!(
        module.contains("the base URL from the first of `A_URL`, `B_URL` that is set;"),
        "{module}"
    );
    // One variable in a list is the one variable.
    let module = generate(&SpecSource {
        path: "specs/env.yaml",
        text: &spec("servers:\n  - url: https://a.example\n", "[A_URL]"),
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        module.contains("meterage_runtime::auth::env::var_opt(\"A_URL\")?"),
        "{module}"
    );
    for bad in ["[]", "[A_URL, 7]", "{a: b}", "''"] {
        let report = errors(&spec("", bad)).to_string();
        assert!(
            report.starts_with("specs/bad.yaml:5:9 (at /x-env/base-url): `base-url` names an environment variable, or a list of them of which the first set wins"),
            "{bad}: {report}"
        );
    }
}

#[test]
fn a_relative_server_leaves_the_base_url_to_the_caller() {
    let text = format!(
        "{HEAD}servers:\n  - url: /api/v1\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200': {{description: ok}}\n"
    );
    let module = generate(&SpecSource {
        path: "specs/rel.yaml",
        text: &text,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        module.contains("pub fn builder(") && module.contains("base_url: impl Into<String>,"),
        "{module}"
    );
    assert!(!module.contains("DEFAULT_BASE_URL"), "{module}");

    let text = format!(
        "{HEAD}paths:\n  /x:\n    get:\n      operationId: getX\n      servers:\n        - url: /elsewhere\n      responses:\n        '200': {{description: ok}}\n"
    );
    let report = errors(&text).to_string();
    assert!(
        report.contains(
            "this server `/elsewhere` is relative, and the document has no absolute server to resolve it against"
        ),
        "{report}"
    );
}

#[test]
fn rpc_actions_may_share_a_url_but_not_a_value() {
    let op = |id: &str, value: &str| {
        format!("  /#{id}:\n    get:\n      operationId: {id}\n      x-rpc-action: {{in: query, name: Action, value: {value}}}\n      responses:\n        '200': {{description: ok}}\n")
    };
    let fine = format!("{HEAD}paths:\n{}{}", op("A", "DoA"), op("B", "DoB"));
    let module = generate(&SpecSource {
        path: "specs/rpc.yaml",
        text: &fine,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        module.contains("request.query(\"Action\", \"DoA\");"),
        "{module}"
    );
    assert!(
        module.contains("request.query(\"Action\", \"DoB\");"),
        "{module}"
    );

    let clash = format!("{HEAD}paths:\n{}{}", op("A", "Same"), op("B", "Same"));
    let report = errors(&clash).to_string();
    assert!(
        report.contains("`B` and `A` both send Action `Same` to GET /"),
        "{report}"
    );
}

#[test]
fn header_rpc_actions_share_a_url_and_are_checked() {
    let op = |id: &str, action: &str| {
        format!("  /#{id}:\n    post:\n      operationId: {id}\n      x-rpc-action: {action}\n      responses:\n        '200': {{description: ok}}\n")
    };
    let target = |value: &str| format!("{{in: header, name: X-Amz-Target, value: {value}}}");
    let fine = format!(
        "{HEAD}paths:\n{}{}",
        op("A", &target("Svc.A")),
        op("B", "{in: header, name: x-amz-target, value: Svc.B}")
    );
    let module = generate(&SpecSource {
        path: "specs/rpc.yaml",
        text: &fine,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        module.contains("request.header(\"X-Amz-Target\", \"Svc.A\");"),
        "{module}"
    );
    assert!(
        module.contains("`POST /` with `X-Amz-Target: Svc.A`"),
        "{module}"
    );

    let clash = format!(
        "{HEAD}paths:\n{}{}",
        op("A", &target("Same")),
        op("B", &target("Same"))
    );
    let report = errors(&clash).to_string();
    assert!(
        report.contains("`B` and `A` both send X-Amz-Target `Same` to POST /"),
        "{report}"
    );
    let mixed = format!(
        "{HEAD}paths:\n{}{}",
        op("A", &target("Svc.A")),
        op("B", "{in: query, name: X-Amz-Target, value: Svc.B}")
    );
    let report = errors(&mixed).to_string();
    assert!(
        report.contains("2 operations share POST /; each must declare `x-rpc-action` with the same `in` and `name`"),
        "{report}"
    );
    let report = errors(&format!(
        "{HEAD}paths:\n{}",
        op("A", "{in: header, name: X Target, value: Svc.A}")
    ))
    .to_string();
    assert_eq!(
        report,
        "specs/bad.yaml:9:34 (at /paths/~1#A/post/x-rpc-action/name): `name: X Target` is not an HTTP header name"
    );
    let declared = format!(
        "{HEAD}paths:\n  /:\n    post:\n      operationId: A\n      x-rpc-action: {}\n      parameters:\n        - {{name: x-amz-target, in: header, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok}}\n",
        target("Svc.A")
    );
    let report = errors(&declared).to_string();
    assert!(
        report.contains(
            "`X-Amz-Target` is the RPC action parameter: do not declare it as a parameter too"
        ),
        "{report}"
    );
    let report = errors(&format!(
        "{HEAD}paths:\n{}",
        op("A", "{in: path, name: a, value: b}")
    ))
    .to_string();
    assert!(
        report.contains("`in: path`: use `query`, `form`, `json` or `header`"),
        "{report}"
    );
}

#[test]
fn hostile_input_never_panics() {
    let texts = [
        String::new(),
        "openapi: 3.0.3".to_owned(),
        "openapi: [3]\n".to_owned(),
        format!("{HEAD}paths:\n  x:\n    get:\n      operationId: '!!'\n      responses: {{}}\n"),
        format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/A'}}\n"),
        format!("{HEAD}paths: {{}}\nx-error-envelope: 7\n"),
        "\u{feff}\u{0}".to_owned(),
    ];
    for text in &texts {
        let _ = generate(&SpecSource {
            path: "specs/hostile.yaml",
            text,
        });
    }
}

/// Every spec with any one line removed (a truncated edit, a lost indent level) either
/// lowers (and, for every tenth, generates) or reports diagnostics; the generator never
/// panics.
#[test]
fn damaged_product_specs_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("specs/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("spec text");
        let lines: Vec<&str> = text.lines().collect();
        // Every third line, from an offset that differs between files: fast in debug builds.
        for skip in (checked % 3..lines.len()).step_by(3) {
            let damaged: String = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            let source = SpecSource {
                path: "specs/damaged.yaml",
                text: &damaged,
            };
            // Lowering is where the spec drives the code; emitting too, for a sample.
            let result = if skip % 10 == 0 {
                generate(&source).map(drop)
            } else {
                meterage_codegen::lower_spec(&source).map(drop)
            };
            if let Err(d) = result {
                assert!(!d.is_empty());
                for e in d.iter() {
                    assert!(
                        !e.message.is_empty() && e.file == "specs/damaged.yaml",
                        "{e}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 400, "only {checked} variants checked");
}

/// Files for a spec split over several: problems in them are reported in them.
struct Split;

impl meterage_codegen::ReadFile for Split {
    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            "specs/schemas.yaml" => Ok("Pet:\n  type: object\n  properties:\n    tag: {$ref: '#/Tag'}\n    owner: {$ref: '#/Nobody'}\n    x: {type: string, enum: [a, a]}\nTag: {type: string}\n".into()),
            other => Err(format!("{other}: no such file")),
        }
    }
}

#[test]
fn problems_in_other_files_and_behind_pointers_are_reported_where_they_are() {
    let text = format!(
        "{HEAD}paths:
  /a:
    get:
      operationId: a
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: './schemas.yaml#/Pet'}}
  /b:
    get:
      operationId: b
      responses:
        '200': {{$ref: '#/paths/~1a/get/responses/200'}}
  /c:
    get:
      operationId: c
      responses:
        '200': {{$ref: '#/paths/~1a/get/responses/200'}}
        '404':
          description: gone
          content:
            application/json:
              schema: {{$ref: './missing.yaml'}}
"
    );
    let d = meterage_codegen::generate_full(
        &SpecSource {
            path: "specs/split.yaml",
            text: &text,
        },
        &meterage_codegen::Settings::default(),
        &Split,
    )
    .expect_err("broken references");
    let report = d.to_string();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines,
        [
            "specs/split.yaml:29:24 (at /paths/~1c/get/responses/404/content/application~1json/schema/$ref): `$ref: ./missing.yaml`: cannot read `specs/missing.yaml`: specs/missing.yaml: no such file",
            "specs/schemas.yaml:5:13 (at /Pet/properties/owner/$ref): `$ref: #/Nobody`: `specs/schemas.yaml` has no node `#/Nobody`",
            "specs/schemas.yaml:6:23 (at /Pet/properties/x/enum): warning: the enum value `a` is listed twice: it is one variant",
        ],
        "{report}"
    );
}

/// JSON specs are read by a faster parser than YAML specs; what is read, and what is
/// reported, must not depend on it.
#[test]
fn a_json_spec_reads_as_the_same_yaml_would() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for spec in ["huawei-gsl", "kaopuyun", "nce-campus", "plcloud"] {
        let yaml = std::fs::read_to_string(root.join(format!("../specs/{spec}.yaml")))
            .expect("spec exists");
        // serde_yaml's tree keeps the keys' order (serde_json's would sort them).
        let tree: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("valid YAML");
        let json = serde_json::to_string_pretty(&tree).expect("JSON");
        let read = |text: &str| {
            meterage_codegen::generate_full(
                &SpecSource {
                    path: "specs/api",
                    text,
                },
                &meterage_codegen::Settings::default(),
                &meterage_codegen::NoFiles,
            )
            .map(|g| (g.source, g.warnings.to_string()))
            .map_err(|d| d.to_string())
        };
        let from_yaml = read(&yaml);
        assert!(from_yaml.is_ok(), "{spec}: {from_yaml:?}");
        let from_json = read(&json);
        if from_json != from_yaml {
            let dir = std::env::temp_dir();
            std::fs::write(
                dir.join(format!("{spec}.from-json")),
                format!("{from_json:#?}"),
            )
            .ok();
            std::fs::write(
                dir.join(format!("{spec}.from-yaml")),
                format!("{from_yaml:#?}"),
            )
            .ok();
            panic!(
                "{spec}: the JSON text generates another module than the YAML (both written to {})",
                dir.display()
            );
        }
    }
    // Refused JSON gets the YAML parser's positioned message.
    let duplicate = "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"T\", \"version\": \"1\"},\n  \"openapi\": \"3.0.3\"\n}\n";
    let report = errors(duplicate).to_string();
    assert!(
        report.contains("specs/bad.yaml:1:1: malformed YAML: duplicate entry with key \"openapi\""),
        "{report}"
    );
    let broken =
        "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"T\" \"version\": \"1\"}\n}\n";
    let report = errors(broken).to_string();
    assert!(
        report.contains("specs/bad.yaml:3:") && report.contains("malformed YAML"),
        "{report}"
    );
}

#[test]
fn retry_rules_that_contradict_themselves_are_refused_where_they_are() {
    let text = format!(
        "{HEAD}x-error-envelope:\n  code: /code\n  transient: [Busy]\n  final: [Busy, Bad]\n  transient-statuses: [409, 700]\n  final-statuses: [409]\n  credential-statuses: [409, 99]\npaths: {{}}\n"
    );
    let report = errors(&text).to_string();
    for wanted in [
        "specs/bad.yaml:8:3 (at /x-error-envelope/final)",
        "`Busy` is listed both as `transient` and as `final`",
        "(at /x-error-envelope/transient-statuses/1)",
        "`700` is not an HTTP status (100 to 599)",
        "(at /x-error-envelope/final-statuses)",
        "HTTP 409 is listed both as transient and as final",
        "(at /x-error-envelope/credential-statuses)",
        "HTTP 409 is listed both as transient and as a credential refusal",
        "(at /x-error-envelope/credential-statuses/1)",
        "`99` is not an HTTP status (100 to 599)",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
    let text = format!("{HEAD}x-error-envelope:\n  final: [Bad]\npaths: {{}}\n");
    let report = errors(&text).to_string();
    assert!(
        report.contains("`final` needs a `code` pointer to compare"),
        "{report}"
    );
    let text = format!("{HEAD}x-error-envelope:\n  credentials: [BadKey]\npaths: {{}}\n");
    let report = errors(&text).to_string();
    assert!(
        report.contains("`credentials` needs a `code` pointer to compare"),
        "{report}"
    );
}

/// Two codes of `x-error-codes` that make one variant, or a code that makes the
/// variant holding the unlisted ones, are refused where they are.
#[test]
fn error_codes_that_make_one_variant_are_refused_where_they_are() {
    let text = format!(
        "{HEAD}paths:\n  /x:\n    get:\n      operationId: getX\n      x-error-codes: [Bad.Thing, BadThing, Unknown]\n      responses:\n        '200': {{description: ok}}\n"
    );
    let report = errors(&text).to_string();
    for wanted in [
        "(at /paths/~1x/get/x-error-codes/1)",
        "`BadThing` and `Bad.Thing` both make the variant `BadThing`",
        "(at /paths/~1x/get/x-error-codes/2)",
        "`Unknown` would be the variant `Unknown`",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
}

/// A code that says the credentials were refused cannot also be "busy, try again".
#[test]
fn a_credential_code_listed_as_transient_is_refused_where_it_is() {
    let text = format!(
        "{HEAD}x-error-envelope:\n  code: /code\n  transient: [Busy, SignatureDoesNotMatch]\n  credentials: [SignatureDoesNotMatch]\npaths: {{}}\n"
    );
    let report = errors(&text).to_string();
    for wanted in [
        "specs/bad.yaml:8:3 (at /x-error-envelope/credentials)",
        "`SignatureDoesNotMatch` is listed both as `transient` and as `credentials`",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
}

/// An offset-paged operation: a parameter the style needs that the operation lacks, and
/// pointers (of any depth) that name no property or a property of the wrong type, each
/// at its line.
#[test]
fn offset_paging_names_missing_parameters_and_wrong_pointers() {
    let spec = |pagination: &str| {
        format!(
            "{HEAD}paths:
  /records:
    get:
      operationId: listRecords
      x-pagination:
{pagination}
      parameters:
        - {{name: offset, in: query, schema: {{type: integer}}}}
        - {{name: limit, in: query, schema: {{type: integer}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  Data:
                    type: object
                    properties:
                      Items: {{type: array, items: {{type: string}}}}
                      Total: {{type: integer}}
"
        )
    };
    let report = errors(&spec(
        "        style: offset\n        offset: skip\n        limit: limit\n        items: /Data/Items",
    ))
    .to_string();
    assert!(
        report.contains("specs/bad.yaml:11:9 (at /paths/~1records/get/x-pagination/offset): `offset: skip` names no parameter of this operation"),
        "{report}"
    );
    let report = errors(&spec(
        "        style: offset\n        offset: offset\n        limit: limit\n        items: /Data/Nope\n        total: /Data/Items",
    ))
    .to_string();
    assert!(
        report.contains("specs/bad.yaml:13:9 (at /paths/~1records/get/x-pagination/items): `items: /Data/Nope` must point at an array property of the response"),
        "{report}"
    );
    let report = errors(&spec(
        "        style: offset\n        offset: offset\n        limit: limit\n        items: /Data/Items\n        total: /Data/Items",
    ))
    .to_string();
    assert!(
        report.contains("specs/bad.yaml:14:9 (at /paths/~1records/get/x-pagination/total): `total: /Data/Items` must point at an integer property of the response"),
        "{report}"
    );
    // The page-number style's keys are not the offset style's.
    let report = errors(&spec(
        "        style: offset\n        page: offset\n        limit: limit\n        items: /Data/Items",
    ))
    .to_string();
    assert!(report.contains("unknown field `page`"), "{report}");
}

/// A cursor-paged operation: a token parameter that is missing or not an optional
/// string in the query, a `next` pointer that names no string, and `next` and
/// `next-header` both or neither, each at its line.
#[test]
fn cursor_paging_names_a_wrong_token_parameter_and_a_wrong_pointer() {
    let spec = |pagination: &str| {
        format!(
            "{HEAD}paths:
  /events:
    get:
      operationId: listEvents
      x-pagination:
{pagination}
      parameters:
        - {{name: NextToken, in: query, schema: {{type: string}}}}
        - {{name: Limit, in: query, schema: {{type: integer}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  Data:
                    type: object
                    properties:
                      Items: {{type: array, items: {{type: string}}}}
                      NextToken: {{type: string}}
                      Count: {{type: integer}}
"
        )
    };
    let cases: &[(&str, &str)] = &[
        (
            "        style: cursor\n        token: Token\n        next: /Data/NextToken\n        items: /Data/Items",
            "specs/bad.yaml:11:9 (at /paths/~1events/get/x-pagination/token): `token: Token` names no parameter of this operation",
        ),
        (
            "        style: cursor\n        token: Limit\n        next: /Data/NextToken\n        items: /Data/Items",
            "specs/bad.yaml:11:9 (at /paths/~1events/get/x-pagination/token): `token: Limit` must name a string parameter in the query",
        ),
        (
            "        style: cursor\n        token: NextToken\n        next: /Data/Count\n        items: /Data/Items",
            "specs/bad.yaml:12:9 (at /paths/~1events/get/x-pagination/next): `next: /Data/Count` must point at a string property of the response",
        ),
        (
            "        style: cursor\n        token: NextToken\n        next: /Data/Nope/NextToken\n        items: /Data/Items",
            "specs/bad.yaml:12:9 (at /paths/~1events/get/x-pagination/next): `next: /Data/Nope/NextToken` must point at a string property of the response",
        ),
        (
            "        style: cursor\n        token: NextToken\n        next: /Data/NextToken\n        next-header: X-Next\n        items: /Data/Items",
            "specs/bad.yaml:9:7 (at /paths/~1events/get/x-pagination): a cursor style needs exactly one of `next`",
        ),
        (
            "        style: cursor\n        token: NextToken\n        items: /Data/Items",
            "specs/bad.yaml:9:7 (at /paths/~1events/get/x-pagination): a cursor style needs exactly one of `next`",
        ),
    ];
    for (pagination, wanted) in cases {
        let report = errors(&spec(pagination)).to_string();
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
}

/// A next-link-paged operation: a `next` pointer that names no string, `next` and
/// `next-header` both or neither, and a key of another style, each at its line.
#[test]
fn next_link_paging_names_a_wrong_pointer() {
    let spec = |pagination: &str| {
        format!(
            "{HEAD}paths:
  /invoices:
    get:
      operationId: listInvoices
      x-pagination:
{pagination}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  value: {{type: array, items: {{type: string}}}}
                  nextLink: {{type: string}}
                  count: {{type: integer}}
"
        )
    };
    let cases: &[(&str, &str)] = &[
        (
            "        style: next-link\n        next: /count\n        items: /value",
            "specs/bad.yaml:11:9 (at /paths/~1invoices/get/x-pagination/next): `next: /count` must point at a string property of the response",
        ),
        (
            "        style: next-link\n        next: /links/next\n        items: /value",
            "specs/bad.yaml:11:9 (at /paths/~1invoices/get/x-pagination/next): `next: /links/next` must point at a string property of the response",
        ),
        (
            "        style: next-link\n        next: /nextLink\n        items: /nextLink",
            "specs/bad.yaml:12:9 (at /paths/~1invoices/get/x-pagination/items): `items: /nextLink` must point at an array property of the response",
        ),
        (
            "        style: next-link\n        next: /nextLink\n        next-header: Link\n        items: /value",
            "specs/bad.yaml:9:7 (at /paths/~1invoices/get/x-pagination): a next-link style needs exactly one of `next`",
        ),
        (
            "        style: next-link\n        items: /value",
            "specs/bad.yaml:9:7 (at /paths/~1invoices/get/x-pagination): a next-link style needs exactly one of `next`",
        ),
        (
            "        style: next-link\n        token: t\n        next: /nextLink\n        items: /value",
            "unknown field `token`",
        ),
    ];
    for (pagination, wanted) in cases {
        let report = errors(&spec(pagination)).to_string();
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
}
