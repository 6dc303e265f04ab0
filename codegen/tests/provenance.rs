//! `x-source` and the rules of a transcribed spec: labels of the wrong form are errors
//! that say what and where, a response schema's `required` needs a label once the spec
//! names its source document, and a spec's own examples must satisfy its constraints.

use meterage_codegen::{generate, generate_full, NoFiles, Settings, SpecSource};

fn run(text: &str) -> Result<String, String> {
    generate(&SpecSource {
        path: "specs/p.yaml",
        text,
    })
    .map_err(|d| d.to_string())
}

fn errors(text: &str) -> String {
    match run(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(report) => report,
    }
}

/// A one-operation spec: `info` ends the info object, `param` is the only parameter and
/// `schema` the body of `Page`, the success response's schema, whose example is `example`.
fn spec(info: &str, param: &str, schema: &str, example: &str) -> String {
    format!(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
{info}
paths:
  /pages:
    get:
      operationId: listPages
      parameters:
{param}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Page'
              example:
{example}
components:
  schemas:
    Page:
{schema}
"
    )
}

const PARAM: &str = "        - name: size
          in: query
          schema: {type: integer, minimum: 10}
          example: 10";

const PAGE: &str = "      type: object
      required: [items]
      x-source:
        required: 'meterage: a page without its records is not a page'
      properties:
        items:
          type: array
          items:
            $ref: '#/components/schemas/Item'
    Item:
      type: object
      properties:
        left: {type: number, minimum: 0}
        name: {type: string, maxLength: 4}";

const EXAMPLE: &str = "                items:
                  - left: 1.5
                    name: abc";

const SEED: &str = "  x-source: 'seed: the vendor page'";

#[test]
fn a_labelled_transcription_generates() {
    run(&spec(SEED, PARAM, PAGE, EXAMPLE)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn an_unlabelled_required_in_a_response_schema_is_an_error() {
    let item = PAGE.replace(
        "    Item:\n      type: object\n",
        "    Item:\n      type: object\n      required: [left]\n",
    );
    let report = errors(&spec(SEED, PARAM, &item, EXAMPLE));
    assert!(
        report.contains("(at /components/schemas/Item/required): a response schema lists `required` properties without saying why"),
        "{report}"
    );
    assert_eq!(report.lines().count(), 1, "{report}");

    // The same schema in a spec that names no source document is not held to the rule.
    run(&spec("", PARAM, &item, EXAMPLE)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn examples_that_contradict_a_constraint_are_errors() {
    let example = "                items:
                  - left: -42.59
                    name: abcde
                  - name: ok";
    let report = errors(&spec(SEED, PARAM, PAGE, example));
    for wanted in [
        "(at /components/schemas/Item/properties/left/minimum): the spec's own example contradicts `minimum`: -42.59 is below 0 at /paths/~1pages/get/responses/200/content/application~1json/example/items/0/left",
        "(at /components/schemas/Item/properties/name/maxLength): the spec's own example contradicts `maxLength`: \"abcde\" is longer at",
    ] {
        assert!(report.contains(wanted), "{wanted:?} not in:\n{report}");
    }
    assert_eq!(report.lines().count(), 2, "{report}");

    let missing = errors(&spec(SEED, PARAM, PAGE, "                count: 1"));
    assert!(
        missing.contains("(at /components/schemas/Page/required): the spec's own example contradicts `required`: `items` is missing"),
        "{missing}"
    );

    let param = PARAM.replace("example: 10", "example: 5");
    let report = errors(&spec(SEED, &param, PAGE, EXAMPLE));
    assert!(
        report.contains("(at /paths/~1pages/get/parameters/0/schema/minimum): the spec's own example contradicts `minimum`: 5 is below 10 at /paths/~1pages/get/parameters/0/example"),
        "{report}"
    );
}

#[test]
fn labels_of_the_wrong_form_say_what_and_where() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "unknown kind",
            "x-source: 'rumour: heard it somewhere'",
            "(at /x-source): unknown `x-source` kind `rumour`: use one of `seed`, `vendor-sdk`, `vendor-docs`, `inferred`, `assumption`, `meterage`",
        ),
        (
            "no kind",
            "x-source: the vendor page",
            "(at /x-source): an `x-source` statement is a string `<kind>: <where or why>`",
        ),
        (
            "empty statement",
            "x-source: 'seed:  '",
            "(at /x-source): `seed:` says nothing: say where or why",
        ),
        (
            "a label for a key the object lacks",
            "x-source: {servers: 'vendor-docs: the endpoint list'}",
            "(at /x-source/servers): `x-source` labels `servers`, which this object does not have",
        ),
        (
            "not a string or mapping",
            "x-source: [seed]",
            "(at /x-source): `x-source` is a string `<kind>: <where or why>`, or a mapping",
        ),
    ];
    for (case, root, wanted) in cases {
        let report = errors(&spec(&format!("{SEED}\n{root}"), PARAM, PAGE, EXAMPLE));
        assert!(
            report.contains(wanted),
            "{case}: {wanted:?} not in:\n{report}"
        );
    }

    // A misspelt label is an unknown key: a warning, as every unknown key is (generation
    // goes on; the shipped specs are kept free of warnings by a test), that names the key
    // it was probably meant to be.
    let text = spec(
        &format!("{SEED}\nx-sorce: 'seed: the vendor page'"),
        PARAM,
        PAGE,
        EXAMPLE,
    );
    let source = SpecSource {
        path: "specs/p.yaml",
        text: &text,
    };
    let generated = generate_full(&source, &Settings::default(), &NoFiles)
        .unwrap_or_else(|d| panic!("a misspelt label is not an error:\n{d}"));
    let warnings = generated.warnings.to_string();
    assert!(
        warnings.contains("specs/p.yaml:6:1 (at /x-sorce): warning: `x-sorce` is not an extension meterage reads (ignored); did you mean `x-source`?"),
        "{warnings}"
    );

    // Labels are checked on nested objects too, with the line of the label.
    let page = PAGE.replace(
        "required: 'meterage: a page without its records is not a page'",
        "required: 'meterage: a page without its records is not a page'\n        minimum: 'seed: the page'",
    );
    let report = errors(&spec(SEED, PARAM, &page, EXAMPLE));
    assert!(
        report.contains("specs/p.yaml:33:9 (at /components/schemas/Page/x-source/minimum): `x-source` labels `minimum`, which this object does not have"),
        "{report}"
    );
}
