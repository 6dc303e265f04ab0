//! OpenAPI 3.1: a 3.1 document generates the module its 3.0 equivalent generates, its
//! problems are reported at their lines of the 3.1 file, the lint knows its keys, and
//! versions meterage does not read (3.2, Swagger 2.0) are refused with a reason.

use meterage_codegen::{generate, generate_full, NoFiles, Settings, SpecSource};

/// A document with one operation: a query parameter of schema `param` and a response
/// of schema `body`, both inline; `extra` is appended at the root (indented as it).
fn doc(version: &str, param: &str, body: &str, extra: &str) -> String {
    format!(
        "openapi: {version}\ninfo: {{title: T, version: '1'}}\npaths:\n  /x:\n    get:\n      operationId: getX\n      parameters:\n        - name: n\n          in: query\n          schema: {param}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {body}\n{extra}"
    )
}

fn module(text: &str) -> String {
    generate(&SpecSource {
        path: "specs/same.yaml",
        text,
    })
    .unwrap_or_else(|d| panic!("{d}\n{text}"))
}

const OWNER: &str =
    "components:\n  schemas:\n    Owner: {type: object, properties: {name: {type: string}}}\n";

/// A pair of texts: the parameter's and the body's schema, or the root's extra text, in
/// 3.1 and in 3.0.
type Pair = [&'static str; 2];

/// (case, the 3.1 parameter and body schemas, the 3.0 ones, the root's extra text in
/// 3.1 and in 3.0)
const SAME: &[(&str, Pair, Pair, Pair)] = &[
    (
        "type lists with null",
        ["{type: [integer, 'null']}", "{type: object, properties: {a: {type: [string, 'null']}, b: {type: ['null', number]}}}"],
        ["{type: integer, nullable: true}", "{type: object, properties: {a: {type: string, nullable: true}, b: {type: number, nullable: true}}}"],
        ["", ""],
    ),
    (
        "null alone",
        ["{type: string}", "{type: object, properties: {a: {type: 'null'}, b: {oneOf: [{type: 'null'}, {type: integer}]}, c: {type: ['null']}}}"],
        ["{type: string}", "{type: object, properties: {a: {nullable: true}, b: {oneOf: [{nullable: true}, {type: integer}]}, c: {nullable: true}}}"],
        ["", ""],
    ),
    (
        "several types",
        ["{type: [string, integer]}", "{type: object, properties: {a: {type: [string, integer, 'null'], maxLength: 3, minimum: 1}}}"],
        ["{anyOf: [{type: string}, {type: integer}]}", "{type: object, properties: {a: {nullable: true, anyOf: [{type: string, maxLength: 3}, {type: integer, minimum: 1}]}}}"],
        ["", ""],
    ),
    (
        "const",
        ["{const: fixed}", "{type: object, required: [kind], properties: {kind: {type: string, const: cat}}}"],
        ["{enum: [fixed]}", "{type: object, required: [kind], properties: {kind: {type: string, enum: [cat]}}}"],
        ["", ""],
    ),
    (
        "examples",
        ["{type: string, examples: [a, b]}", "{type: object, properties: {a: {type: integer, examples: [3]}}}"],
        ["{type: string, example: a}", "{type: object, properties: {a: {type: integer, example: 3}}}"],
        ["", ""],
    ),
    (
        "exclusive bounds as numbers",
        ["{type: integer, exclusiveMinimum: 0, maximum: 10, exclusiveMaximum: 12}", "{type: object, properties: {a: {type: number, minimum: 5, exclusiveMinimum: 2}}}"],
        ["{type: integer, minimum: 0, exclusiveMinimum: true, maximum: 10}", "{type: object, properties: {a: {type: number, minimum: 5}}}"],
        ["", ""],
    ),
    (
        "exclusive bounds beyond 64 bits",
        ["{type: integer, exclusiveMaximum: 1e300}", "{type: string}"],
        ["{type: integer}", "{type: string}"],
        ["", ""],
    ),
    (
        "$ref with a description",
        ["{type: string}", "{type: object, properties: {o: {$ref: '#/components/schemas/Owner', description: The owner.}}}"],
        ["{type: string}", "{type: object, properties: {o: {allOf: [{$ref: '#/components/schemas/Owner'}], description: The owner.}}}"],
        [OWNER, OWNER],
    ),
    (
        "contentEncoding and contentMediaType",
        ["{type: string, contentEncoding: base64}", "{type: object, properties: {a: {type: string, contentEncoding: base64, contentMediaType: image/png}, b: {type: string, contentMediaType: application/json}}}"],
        ["{type: string, format: byte}", "{type: object, properties: {a: {type: string, format: byte}, b: {type: string}}}"],
        ["", ""],
    ),
    (
        "unevaluatedProperties",
        ["{type: string}", "{type: object, unevaluatedProperties: false, properties: {a: {type: string}}}"],
        ["{type: string}", "{type: object, additionalProperties: false, properties: {a: {type: string}}}"],
        ["", ""],
    ),
    (
        "prefixItems and boolean schemas",
        ["{type: array, prefixItems: [{type: integer}, {type: integer}], items: false}", "{type: object, properties: {a: true, b: {type: array, items: true}, c: {type: array, prefixItems: [{type: string}, {type: integer}]}}}"],
        ["{type: array, items: {type: integer}}", "{type: object, properties: {a: {}, b: {type: array, items: {}}, c: {type: array, items: {anyOf: [{type: string}, {type: integer}]}}}}"],
        ["", ""],
    ),
    (
        "webhooks, jsonSchemaDialect, info.summary's place, license.identifier",
        ["{type: string}", "{type: string}"],
        ["{type: string}", "{type: string}"],
        [
            "jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\nwebhooks:\n  ping:\n    post:\n      responses: {'200': {description: ok}}\n",
            "",
        ],
    ),
];

#[test]
fn a_31_document_generates_what_its_30_equivalent_does() {
    for (case, [p31, b31], [p30, b30], [x31, x30]) in SAME {
        let v31 = module(&doc("3.1.0", p31, b31, x31));
        let v30 = module(&doc("3.0.3", p30, b30, x30));
        assert!(
            v31 == v30,
            "{case}: the 3.1 module differs from the 3.0 one:\n--- 3.1\n{v31}\n--- 3.0\n{v30}"
        );
    }
}

#[test]
fn path_items_from_components_and_documents_without_paths() {
    let op = "get: {operationId: getX, responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}}\n";
    let v31 = module(&format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /x:\n    $ref: '#/components/pathItems/X'\ncomponents:\n  pathItems:\n    X:\n      {op}"
    ));
    let v30 = module(&format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /x:\n    {op}"
    ));
    assert_eq!(v31, v30);
    let none = module("openapi: 3.1.1\ninfo: {title: T, version: '1'}\ncomponents: {}\n");
    assert!(none.contains("pub struct Client"), "{none}");
}

#[test]
fn info_summary_opens_the_module_docs() {
    let text = "openapi: 3.1.0\ninfo:\n  title: T\n  summary: What T is for.\n  description: More about T.\n  version: '1'\n  license: {name: MIT, identifier: MIT}\n";
    let source = module(text);
    assert!(
        source.contains("//! What T is for.\n//!\n//! More about T."),
        "{source}"
    );
}

/// The report of a spec generation refused, as text.
fn refused(text: &str) -> String {
    match generate(&SpecSource {
        path: "specs/v31.yaml",
        text,
    }) {
        Ok(source) => panic!("expected errors, got a module:\n{source}"),
        Err(d) => d.to_string(),
    }
}

#[test]
fn problems_are_reported_at_their_line_of_the_31_file() {
    // A broken reference beside a description (moved into an `allOf` to be read), and
    // one in a path item of `components.pathItems` (copied into `paths`).
    let text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    $ref: '#/components/pathItems/X'\ncomponents:\n  pathItems:\n    X:\n      get:\n        operationId: getX\n        responses:\n          '200':\n            description: ok\n            content:\n              application/json:\n                schema:\n                  $ref: '#/components/schemas/Missing'\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          description: a b\n          $ref: '#/components/schemas/Gone'\n";
    let report = refused(text);
    for wanted in [
        "specs/v31.yaml:17:19 (at /components/pathItems/X/get/responses/200/content/application~1json/schema/$ref)",
        "specs/v31.yaml:24:11 (at /components/schemas/A/properties/b/$ref)",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
    let missing = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    $ref: '#/components/pathItems/Nope'\n";
    let report = refused(missing);
    assert!(
        report.contains("specs/v31.yaml:5:5 (at /paths/~1x/$ref)")
            && report.contains("there is no `components.pathItems.Nope`"),
        "{report}"
    );
}

#[test]
fn versions_not_read_are_refused_with_a_reason() {
    let cases = [
        (
            "openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
            [
                "specs/v31.yaml:1:1 (at /openapi)",
                "OpenAPI 3.2",
                "not supported yet",
            ],
        ),
        (
            "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
            [
                "specs/v31.yaml:1:1 (at /swagger)",
                "Swagger 2.0",
                "convert it first",
            ],
        ),
        (
            "openapi: 2.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
            [
                "specs/v31.yaml:1:1 (at /openapi)",
                "Swagger 2.0",
                "`swagger`",
            ],
        ),
    ];
    for (text, wanted) in cases {
        let report = refused(text);
        for w in wanted {
            assert!(report.contains(w), "{w:?} not in:\n{report}");
        }
    }
}

fn warnings(text: &str) -> Vec<String> {
    let generated = generate_full(
        &SpecSource {
            path: "specs/v31.yaml",
            text,
        },
        &Settings::default(),
        &NoFiles,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    generated.warnings.iter().map(|w| w.to_string()).collect()
}

#[test]
fn the_lint_knows_31_keys_and_still_finds_misspellings() {
    let keys = "{type: object, $comment: c, $id: 'urn:a', $schema: 'https://json-schema.org/draft/2020-12/schema', properties: {a: {type: string, const: x, examples: [x], contentMediaType: text/plain}, b: {$ref: '#/components/schemas/B', summary: s, description: d}}}";
    let extra = "components:\n  schemas:\n    B: {type: string}\n";
    let text = doc("3.1.0", "{type: string}", keys, extra);
    assert_eq!(warnings(&text), Vec::<String>::new());

    let typo = doc(
        "3.1.0",
        "{type: string, constt: x}",
        "{type: object, properties: {a: {type: string, nullable: true}, b: {type: integer, nullable: true}}}",
        "",
    );
    let found = warnings(&typo);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].contains("unknown key `constt` in a schema (ignored); did you mean `const`?"),
        "{found:#?}"
    );
    assert!(found[1].contains("(at /paths/~1x/get/responses/200/content/application~1json/schema/properties/a/nullable): warning: `nullable` is OpenAPI 3.0's: 3.1 writes `type: [T, \"null\"]`; it is read all the same (here and in 1 other schema)"), "{found:#?}");

    // The same 3.1 keys in a 3.0 document are unknown there.
    let v30 = doc("3.0.3", "{type: string, const: x}", "{type: string}", "");
    let found = warnings(&v30);
    assert!(
        found
            .iter()
            .any(|w| w.contains("unknown key `const` in a schema")),
        "{found:#?}"
    );
}

#[test]
fn operations_without_responses_and_documents_of_webhooks_only() {
    // 3.1 made an operation's `responses` optional.
    let text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    post: {operationId: postX}\n";
    let found = warnings(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("no 2xx, 3xx or `default` response"),
        "{found:#?}"
    );
    // No operation: no error envelope constant left unused.
    let text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks:\n  w:\n    post: {responses: {'200': {description: ok}}}\n";
    let source = module(text);
    assert!(!source.contains("ERROR_ENVELOPE"), "{source}");
}

#[test]
fn the_31_keywords_not_honoured_are_warnings_at_their_line() {
    let cases = [
        (
            "dependentRequired: {a: [b]}",
            "/dependentRequired",
            "stay optional",
        ),
        (
            "dependentSchemas: {a: {required: [b]}}",
            "/dependentSchemas",
            "the schema without them",
        ),
        (
            "if: {required: [a]}\n      then: {required: [b]}",
            "/if",
            "conditional schemas",
        ),
        (
            "contains: {type: string}",
            "/contains",
            "not checked before sending",
        ),
        (
            "minContains: 2",
            "/minContains",
            "not checked before sending",
        ),
        (
            "maxContains: 3",
            "/maxContains",
            "not checked before sending",
        ),
        (
            "propertyNames: {maxLength: 3}",
            "/propertyNames",
            "not checked before sending",
        ),
        (
            "unevaluatedItems: false",
            "/unevaluatedItems",
            "not checked before sending",
        ),
        (
            "patternProperties: {'^x': {type: string}}",
            "/patternProperties",
            "read as `additionalProperties` says",
        ),
        ("$dynamicRef: '#node'", "/$dynamicRef", "not followed"),
        (
            "contentSchema: {type: object}",
            "/contentSchema",
            "not typed",
        ),
    ];
    for (keyword, pointer, says) in cases {
        let text = format!(
            "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\ncomponents:\n  schemas:\n    S:\n      type: object\n      {keyword}\n"
        );
        let found = warnings(&text);
        let at = format!("specs/v31.yaml:7:7 (at /components/schemas/S{pointer}): warning:");
        assert!(
            found
                .iter()
                .any(|w| w.starts_with(&at) && w.contains("is not honoured") && w.contains(says)),
            "{keyword}: {at} ... {says:?} not in {found:#?}"
        );
    }
}

/// Files a spec's `$ref`s name, from a list.
struct Files(&'static [(&'static str, &'static str)]);

impl meterage_codegen::ReadFile for Files {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| format!("no file {path}"))
    }
}

#[test]
fn schemas_of_other_files_are_read_as_31_too() {
    let spec = |version: &str| {
        format!("openapi: {version}\ninfo: {{title: T, version: '1'}}\npaths:\n  /pet:\n    get:\n      operationId: getPet\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'pet.yaml'}}\n")
    };
    let run = |text: &str, files: &'static [(&'static str, &'static str)]| {
        generate_full(
            &SpecSource {
                path: "specs/same.yaml",
                text,
            },
            &Settings::default(),
            &Files(files),
        )
    };
    let v31 = run(
        &spec("3.1.0"),
        &[(
            "specs/pet.yaml",
            "type: object\nrequired: [kind]\nproperties:\n  name: {type: [string, 'null']}\n  kind: {const: cat}\n  tags: {type: array, prefixItems: [{type: string}]}\n",
        )],
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let v30 = run(
        &spec("3.0.3"),
        &[(
            "specs/pet.yaml",
            "type: object\nrequired: [kind]\nproperties:\n  name: {type: string, nullable: true}\n  kind: {enum: [cat]}\n  tags: {type: array, items: {type: string}}\n",
        )],
    )
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(v31.source, v30.source);

    // A problem in the other file is reported at its line there, a moved node too.
    let report = run(
        &spec("3.1.0"),
        &[(
            "specs/pet.yaml",
            "type: object\nproperties:\n  owner:\n    description: who\n    $ref: '#/Nobody'\n",
        )],
    )
    .expect_err("a broken reference")
    .to_string();
    assert!(
        report.contains("specs/pet.yaml:5:5 (at /properties/owner/$ref)"),
        "{report}"
    );
}
