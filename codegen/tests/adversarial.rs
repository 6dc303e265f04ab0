//! The generator never panics, whatever the spec: a property test over specs made by a
//! small seeded generator of malformed and adversarial documents (every schema form in
//! random combinations, broken and cyclic `$ref`s, chains, pointers into paths, refs to
//! files, names that are keywords, digits, symbols, non-ASCII or 5,000 characters long,
//! deep nesting, truncations and byte damage of valid specs, invalid UTF-8).
//!
//! Each case must give a module or diagnostics (each naming the file and saying what is
//! wrong); a panic is caught only to fail the test with the seed and the spec that
//! caused it. The default run takes a few seconds; a longer one:
//!
//! ```text
//! METERAGE_FUZZ_CASES=20000 cargo test -p meterage-codegen --release --test adversarial
//! METERAGE_FUZZ_SEED=12345 cargo test -p meterage-codegen --test adversarial  # one seed
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};

use meterage_codegen::{generate_full, Diagnostics, NoFiles, ReadFile, Settings, SpecSource};
use serde_yaml::{Mapping, Value};

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn one(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "Pet",
    "pet",
    "PET",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "_",
    "",
    "2fa",
    "123",
    "用户名",
    "a.b",
    "a-b",
    "a/b",
    "$ref",
    "@id",
    "user name",
    "Option",
    "String",
    "Result",
    "Box",
    "Vec",
    "Client",
    "types",
    "auth",
    "Unknown",
    "r#type",
    "async",
    "fn",
    "mod",
    "Value",
    "OPERATION",
    "send",
    "client",
    "body",
    "~0~1",
    "%7B",
    "{id}",
    "é",
];

fn key(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in entries {
        m.insert(key(k), v);
    }
    Value::Mapping(m)
}

struct Gen {
    rng: Rng,
    components: Vec<String>,
    /// Whether the specs are OpenAPI 3.1, their schemas mixing in 3.1's forms.
    v31: bool,
}

impl Gen {
    fn name(&mut self) -> String {
        match self.rng.below(10) {
            0 => "x".repeat(1 + self.rng.below(5_000)),
            1 => format!("{}{}", self.rng.pick(NAMES), self.rng.below(3)),
            _ => (*self.rng.pick(NAMES)).to_owned(),
        }
    }

    fn reference(&mut self) -> Value {
        let weird = self.components.is_empty() || self.rng.chance(25);
        let target = match if weird { self.rng.below(12) } else { 11 } {
            0 => "#/components/schemas/Missing".to_owned(),
            1 => "./elsewhere.yaml#/Pet".to_owned(),
            2 => "#/paths/~1a/get/responses/200/content/application~1json/schema".to_owned(),
            3 => "#/components/schemas".to_owned(),
            4 => "#/components/schemas/C0/properties/p".to_owned(),
            5 => "https://example.com/x.json".to_owned(),
            6 => "#".to_owned(),
            7 => "#/components/parameters/P".to_owned(),
            _ if !self.components.is_empty() => {
                let name = self.rng.pick(&self.components).clone();
                format!(
                    "#/components/schemas/{}",
                    name.replace('~', "~0").replace('/', "~1")
                )
            }
            _ => "#/nowhere".to_owned(),
        };
        map(vec![("$ref", key(&target))])
    }

    /// A schema in one of OpenAPI 3.1's forms (some of them broken).
    fn schema31(&mut self, depth: usize) -> Value {
        let types = |g: &mut Gen| {
            let n = g.rng.below(4);
            let names = [
                "string", "integer", "number", "null", "object", "array", "boolean",
            ];
            Value::Sequence(
                (0..n)
                    .map(|_| match g.rng.below(10) {
                        0 => Value::from(3),
                        _ => key(g.rng.one(&names)),
                    })
                    .collect(),
            )
        };
        let sub = |g: &mut Gen| g.schema(depth.saturating_sub(1));
        match self.rng.below(12) {
            0 => map(vec![
                ("type", types(self)),
                ("maxLength", Value::from(2)),
                ("minimum", Value::from(1)),
            ]),
            1 => map(vec![("const", key(&self.name()))]),
            2 => map(vec![
                ("type", key("integer")),
                ("examples", Value::Sequence(vec![Value::from(1), key("x")])),
                ("exclusiveMinimum", Value::from(-3)),
                (
                    "exclusiveMaximum",
                    if self.rng.chance(50) {
                        Value::from(1e300)
                    } else {
                        Value::Bool(true)
                    },
                ),
                ("minimum", Value::from(0)),
            ]),
            3 => map(vec![
                ("type", key("string")),
                (
                    "contentEncoding",
                    key(self.rng.one(&["base64", "base64url", "7bit", ""])),
                ),
                (
                    "contentMediaType",
                    key(self
                        .rng
                        .one(&["image/png", "application/json", "text/plain"])),
                ),
                ("format", key("date")),
            ]),
            4 => Value::Bool(self.rng.chance(50)),
            5 => {
                let n = self.rng.below(3);
                let items: Vec<Value> = (0..n).map(|_| sub(self)).collect();
                let rest = match self.rng.below(3) {
                    0 => Value::Bool(false),
                    1 => Value::Bool(true),
                    _ => sub(self),
                };
                map(vec![
                    ("prefixItems", Value::Sequence(items)),
                    ("items", rest),
                ])
            }
            6 => map(vec![
                ("type", key("object")),
                (
                    "unevaluatedProperties",
                    if self.rng.chance(50) {
                        Value::Bool(false)
                    } else {
                        sub(self)
                    },
                ),
                (
                    "dependentRequired",
                    map(vec![("a", Value::Sequence(vec![key("b")]))]),
                ),
            ]),
            7 => {
                let mut r = self.reference();
                if let Value::Mapping(m) = &mut r {
                    m.insert(key("description"), key("beside a reference"));
                    if self.rng.chance(30) {
                        m.insert(
                            key("allOf"),
                            if self.rng.chance(50) {
                                key("not a list")
                            } else {
                                Value::Sequence(vec![sub(self)])
                            },
                        );
                    }
                    if self.rng.chance(30) {
                        m.insert(key("type"), types(self));
                    }
                }
                r
            }
            8 => map(vec![
                ("$defs", map(vec![("D", sub(self))])),
                ("$ref", key("#/components/schemas/C0/$defs/D")),
            ]),
            9 => map(vec![
                ("type", types(self)),
                ("anyOf", Value::Sequence(vec![sub(self)])),
                ("oneOf", Value::Sequence(vec![])),
            ]),
            _ => self.schema(depth),
        }
    }

    fn schema(&mut self, depth: usize) -> Value {
        if self.v31 && self.rng.chance(30) {
            return self.schema31(depth);
        }
        if depth == 0 || self.rng.chance(20) {
            return match self.rng.below(8) {
                0 => self.reference(),
                1 => map(vec![
                    ("type", key("string")),
                    (
                        "format",
                        key(self.rng.one(&[
                            "date-time",
                            "uuid",
                            "byte",
                            "binary",
                            "password",
                            "decimal",
                            "int64",
                        ])),
                    ),
                ]),
                2 => map(vec![
                    ("type", key("integer")),
                    ("format", key(self.rng.one(&["int32", "int64", "uint64"]))),
                ]),
                3 => map(vec![("type", key("number"))]),
                4 => map(vec![
                    ("type", key("boolean")),
                    ("nullable", Value::Bool(true)),
                ]),
                5 => map(vec![(
                    "type",
                    key(self.rng.one(&["null", "file", "object", "any"])),
                )]),
                6 if self.rng.chance(5) => Value::String("not a schema".into()),
                _ => map(vec![]),
            };
        }
        let list = |g: &mut Gen, depth: usize| {
            let n = g.rng.below(4);
            Value::Sequence((0..n).map(|_| g.schema(depth - 1)).collect())
        };
        match self.rng.below(12) {
            0 | 1 => {
                let mut props = Mapping::new();
                for _ in 0..self.rng.below(5) {
                    let name = self.name();
                    props.insert(key(&name), self.schema(depth - 1));
                }
                let mut entries = vec![("properties", Value::Mapping(props))];
                if self.rng.chance(70) {
                    entries.push(("type", key("object")));
                }
                if self.rng.chance(40) {
                    let required: Vec<Value> =
                        (0..self.rng.below(3)).map(|_| key(&self.name())).collect();
                    entries.push(("required", Value::Sequence(required)));
                }
                if self.rng.chance(20) {
                    entries.push(("allOf", list(self, depth)));
                }
                if self.rng.chance(15) {
                    entries.push(("readOnly", Value::Bool(true)));
                }
                map(entries)
            }
            2 => map(vec![("allOf", list(self, depth))]),
            3 => {
                let mut entries = vec![(
                    if self.rng.chance(50) {
                        "oneOf"
                    } else {
                        "anyOf"
                    },
                    list(self, depth),
                )];
                if self.rng.chance(40) {
                    let mut mapping = Mapping::new();
                    mapping.insert(key(&self.name()), key("#/components/schemas/C0"));
                    entries.push((
                        "discriminator",
                        map(vec![
                            ("propertyName", key(&self.name())),
                            ("mapping", Value::Mapping(mapping)),
                        ]),
                    ));
                }
                if self.rng.chance(30) {
                    entries.push(("type", key("object")));
                }
                map(entries)
            }
            4 => map(vec![
                ("type", key("array")),
                ("items", self.schema(depth - 1)),
                ("maxLength", Value::from(3)),
            ]),
            5 => map(vec![
                ("type", key("object")),
                (
                    "additionalProperties",
                    if self.rng.chance(50) {
                        self.schema(depth - 1)
                    } else {
                        Value::Bool(self.rng.chance(50))
                    },
                ),
            ]),
            6 => {
                let values: Vec<Value> = (0..self.rng.below(5))
                    .map(|_| match self.rng.below(4) {
                        0 => Value::Null,
                        1 => Value::from(self.rng.below(3) as i64),
                        _ => key(&self.name()),
                    })
                    .collect();
                let mut entries = vec![("enum", Value::Sequence(values))];
                if self.rng.chance(60) {
                    entries.push(("type", key(self.rng.one(&["string", "integer"]))));
                }
                map(entries)
            }
            7 => map(vec![("not", self.schema(depth - 1))]),
            8 => map(vec![
                ("type", key("integer")),
                ("minimum", Value::from(18_446_744_073_709_552_000.0)),
                ("maximum", Value::from(-1e300)),
            ]),
            _ => self.reference(),
        }
    }

    fn parameter(&mut self) -> Value {
        if self.rng.chance(10) {
            return map(vec![(
                "$ref",
                key(self.rng.one(&[
                    "#/components/parameters/P",
                    "#/components/parameters/Nope",
                    "#/paths/~1a/get/parameters/0",
                ])),
            )]);
        }
        let location = if self.rng.chance(3) {
            "body"
        } else {
            self.rng.one(&["query", "header", "cookie", "query"])
        };
        let mut entries = vec![
            ("name", key(&self.name())),
            ("in", key(location)),
            ("required", Value::Bool(self.rng.chance(50))),
        ];
        if self.rng.chance(20) {
            entries.push((
                "content",
                map(vec![(
                    "application/json",
                    map(vec![("schema", self.schema(2))]),
                )]),
            ));
        } else {
            entries.push(("schema", self.schema(3)));
        }
        if self.rng.chance(40) {
            entries.push((
                "style",
                key(self.rng.one(&[
                    "form",
                    "simple",
                    "deepObject",
                    "pipeDelimited",
                    "spaceDelimited",
                    "label",
                    "matrix",
                ])),
            ));
            entries.push(("explode", Value::Bool(self.rng.chance(50))));
        }
        map(entries)
    }

    fn operation(&mut self) -> Value {
        let mut entries = Vec::new();
        if self.rng.chance(80) {
            entries.push(("operationId", key(&self.name())));
        }
        let params: Vec<Value> = (0..self.rng.below(4)).map(|_| self.parameter()).collect();
        entries.push(("parameters", Value::Sequence(params)));
        if self.rng.chance(50) {
            let media = *self.rng.pick(&[
                "application/json",
                "application/json; charset=utf-8",
                "application/merge-patch+json",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "application/octet-stream",
                "*/*",
                "text/plain",
                "image/*",
            ]);
            entries.push((
                "requestBody",
                map(vec![
                    ("required", Value::Bool(self.rng.chance(50))),
                    (
                        "content",
                        map(vec![(media, map(vec![("schema", self.schema(3))]))]),
                    ),
                ]),
            ));
        }
        let mut responses = Mapping::new();
        for _ in 0..self.rng.below(4) {
            let code = if self.rng.chance(3) {
                "abc"
            } else {
                self.rng
                    .one(&["200", "201", "204", "2XX", "302", "404", "4XX", "default"])
            };
            let body = match self.rng.below(3) {
                0 => map(vec![("description", key("d"))]),
                1 => map(vec![("$ref", key("#/components/responses/R"))]),
                _ => map(vec![
                    ("description", key("d")),
                    (
                        "content",
                        map(vec![(
                            self.rng.one(&[
                                "application/json",
                                "application/vnd.x+json",
                                "text/csv",
                            ]),
                            map(vec![("schema", self.schema(3)), ("example", key("x"))]),
                        )]),
                    ),
                ]),
            };
            responses.insert(key(code), body);
        }
        entries.push(("responses", Value::Mapping(responses)));
        if self.rng.chance(20) {
            entries.push((
                "security",
                Value::Sequence(vec![map(vec![(
                    self.rng.one(&["s0", "s1", "nope"]),
                    Value::Sequence(vec![]),
                )])]),
            ));
        }
        map(entries)
    }

    fn spec(&mut self) -> Value {
        let count = self.rng.below(6);
        self.components = (0..count)
            .map(|i| if i == 0 { "C0".to_owned() } else { self.name() })
            .collect();
        let mut schemas = Mapping::new();
        for name in self.components.clone() {
            let schema = if self.rng.chance(10) {
                self.reference()
            } else {
                self.schema(4)
            };
            schemas.insert(key(&name), schema);
        }
        let mut paths = Mapping::new();
        for _ in 0..self.rng.below(5) {
            let path = match self.rng.below(20) {
                0 => format!("/{}/{{{}}}", self.name(), self.name()),
                1 => "no-slash".to_owned(),
                2 | 3 => "/c#one".to_owned(),
                4..=7 => "/a".to_owned(),
                _ => format!("/{}", self.name()),
            };
            let mut item = Mapping::new();
            for _ in 0..1 + self.rng.below(2) {
                let verb = self
                    .rng
                    .one(&["get", "post", "put", "patch", "delete", "trace", "head"]);
                item.insert(key(verb), self.operation());
            }
            paths.insert(key(&path), Value::Mapping(item));
        }
        let scheme = |g: &mut Gen| match g.rng.below(7) {
            0 => map(vec![
                ("type", key("http")),
                ("scheme", key(g.rng.one(&["bearer", "basic", "digest"]))),
            ]),
            1 => map(vec![("type", key("oauth2")), ("flows", map(vec![]))]),
            2 => map(vec![
                ("type", key("openIdConnect")),
                ("openIdConnectUrl", key("https://x")),
            ]),
            3 => map(vec![
                ("type", key("apiKey")),
                ("in", key(g.rng.one(&["query", "cookie", "header"]))),
                ("name", key(&g.name())),
            ]),
            4 => map(vec![
                ("type", key("apiKey")),
                ("in", key("header")),
                ("name", key("X")),
                ("x-auth-scheme", map(vec![("kind", key("login-token"))])),
            ]),
            5 => map(vec![("$ref", key("#/components/securitySchemes/s0"))]),
            _ if g.rng.chance(10) => key("nonsense"),
            _ => map(vec![("type", key("http")), ("scheme", key("bearer"))]),
        };
        let s0 = scheme(self);
        let s1 = scheme(self);
        let mut extra = Vec::new();
        let mut with_paths = true;
        if self.v31 {
            let item = map(vec![("get", self.operation())]);
            extra.push(("pathItems", map(vec![("I", item)])));
            let reference = if self.rng.chance(50) {
                "#/components/pathItems/I"
            } else {
                "#/components/pathItems/Nope"
            };
            paths.insert(key("/item"), map(vec![("$ref", key(reference))]));
            with_paths = !self.rng.chance(20);
        }
        let mut components = vec![
            ("schemas", Value::Mapping(schemas)),
            (
                "parameters",
                map(vec![(
                    "P",
                    map(vec![
                        ("name", key("p")),
                        ("in", key("query")),
                        ("schema", self.schema(2)),
                    ]),
                )]),
            ),
            (
                "responses",
                map(vec![(
                    "R",
                    map(vec![("$ref", key("#/components/responses/R"))]),
                )]),
            ),
            ("securitySchemes", map(vec![("s0", s0), ("s1", s1)])),
        ];
        components.extend(extra);
        let mut root = vec![
            ("openapi", key(if self.v31 { "3.1.0" } else { "3.0.3" })),
            (
                "info",
                map(vec![("title", key(&self.name())), ("version", key("1"))]),
            ),
            (
                "servers",
                Value::Sequence(vec![map(vec![
                    (
                        "url",
                        key(self.rng.one(&[
                            "https://api.example.com/{v}",
                            "/relative",
                            "http://h",
                        ])),
                    ),
                    (
                        "variables",
                        map(vec![("v", map(vec![("default", key("v1"))]))]),
                    ),
                ])]),
            ),
            ("components", map(components)),
        ];
        if with_paths {
            root.push(("paths", Value::Mapping(paths)));
        }
        if self.v31 {
            root.push((
                "webhooks",
                map(vec![("w", map(vec![("post", self.operation())]))]),
            ));
            root.push((
                "jsonSchemaDialect",
                key(self
                    .rng
                    .one(&["https://json-schema.org/draft/2020-12/schema", "urn:other"])),
            ));
        }
        map(root)
    }
}

/// Damages a text: truncates it, drops a byte range, or duplicates a line.
fn damage(rng: &mut Rng, text: &str) -> String {
    let mut cut = rng.below(text.len() + 1);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match rng.below(3) {
        0 => text[..cut].to_owned(),
        1 => {
            let mut end = (cut + rng.below(40)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{}", &text[..cut], &text[end..])
        }
        _ => {
            let lines: Vec<&str> = text.lines().collect();
            let i = rng.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            if let Some(line) = lines.get(i) {
                out.insert(i, line);
            }
            out.join("\n")
        }
    }
}

/// Files a `$ref` may name: one that refers back and forth, one that is not YAML.
struct Files;

impl ReadFile for Files {
    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            "specs/elsewhere.yaml" => Ok("Pet:\n  type: object\n  properties:\n    next: {$ref: '#/Pet'}\n    back: {$ref: 'fuzz.yaml#/components/schemas/C0'}\n    other: {$ref: './broken.yaml'}\n".into()),
            "specs/broken.yaml" => Ok("[unclosed".into()),
            _ => Err("no such file".into()),
        }
    }
}

/// Generates `text`; fails the test, naming the case, on a panic or an empty report.
/// Returns whether a module was generated.
fn check(case: &str, text: &str, files: &dyn ReadFile) -> bool {
    let source = SpecSource {
        path: "specs/fuzz.yaml",
        text,
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        generate_full(&source, &Settings::default(), files)
    }));
    match result {
        Err(_) => panic!("the generator panicked on {case}:\n{text}"),
        Ok(Ok(generated)) => {
            assert!(!generated.source.is_empty(), "{case}: an empty module");
            well_formed(case, &generated.warnings);
            true
        }
        Ok(Err(diagnostics)) => {
            assert!(
                diagnostics.has_errors(),
                "{case}: an error result without an error"
            );
            well_formed(case, &diagnostics);
            if std::env::var_os("METERAGE_FUZZ_SHOW").is_some() {
                if let Some(e) = diagnostics.errors().next() {
                    eprintln!("{case}: {}", e.message);
                }
            }
            false
        }
    }
}

fn well_formed(case: &str, diagnostics: &Diagnostics) {
    for d in diagnostics.iter() {
        assert!(!d.message.is_empty(), "{case}: an empty message");
        assert!(
            !d.file.is_empty(),
            "{case}: a diagnostic without a file: {d}"
        );
    }
}

fn cases() -> (u64, usize) {
    let seed = std::env::var("METERAGE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let count = std::env::var("METERAGE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok());
    match seed {
        Some(seed) => (seed, count.unwrap_or(1)),
        None => (0x005e_ed0f_cafe, count.unwrap_or(400)),
    }
}

#[test]
fn random_specs_never_panic() {
    random_specs(false);
}

/// The same with OpenAPI 3.1 documents, their schemas mixing 3.1's forms (type lists,
/// `const`, numeric exclusive bounds, boolean schemas, `prefixItems`, `$ref` with
/// siblings, `$defs`, `pathItems`, `webhooks`) into the others.
#[test]
fn random_31_specs_never_panic() {
    random_specs(true);
}

fn random_specs(v31: bool) {
    let (first, count) = cases();
    let mut generated = 0;
    for n in 0..count as u64 {
        let seed = first.wrapping_add(n) | 1;
        let mut g = Gen {
            rng: Rng(seed),
            components: Vec::new(),
            v31,
        };
        let spec = g.spec();
        let text = serde_yaml::to_string(&spec).expect("a YAML value prints");
        if std::env::var_os("METERAGE_FUZZ_SHOW").is_some() {
            eprintln!("case seed {seed}");
            if std::env::var_os("METERAGE_FUZZ_DUMP").is_some() {
                eprintln!("{text}");
            }
        }
        generated += usize::from(check(&format!("seed {seed}"), &text, &Files));
        // The same spec damaged, as a hand edit or a cut download leaves it.
        let damaged = damage(&mut g.rng, &text);
        check(&format!("seed {seed}, damaged"), &damaged, &NoFiles);
    }
    // The generator of specs reaches both outcomes: modules and refusals.
    if count >= 100 {
        assert!(
            generated * 20 >= count && generated < count,
            "{generated} of {count} specs generated a module"
        );
    }
    eprintln!("{generated} of {count} random specs generated a module");
}

#[test]
fn deep_long_and_cyclic_documents_never_panic() {
    let head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";
    let deep_yaml = format!(
        "{head}paths: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut deep_schema = String::from("{type: string}");
    for _ in 0..60 {
        deep_schema = format!("{{type: object, properties: {{a: {deep_schema}}}}}");
    }
    let deep_schema = format!("{head}paths: {{}}\ncomponents:\n  schemas:\n    D: {deep_schema}\n");
    let long_name = "n".repeat(200_000);
    let long = format!("{head}paths:\n  ? /{long_name}\n  :\n    get:\n      operationId: {long_name}\n      responses: {{'200': {{description: ok}}}}\n");
    let cycles = format!(
        "{head}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    C: {{allOf: [{{$ref: '#/components/schemas/D'}}], properties: {{x: {{type: string}}}}}}\n    D: {{allOf: [{{$ref: '#/components/schemas/C'}}], properties: {{y: {{type: string}}}}}}\n    E: {{type: array, items: {{$ref: '#/components/schemas/E'}}}}\n    F: {{oneOf: [{{$ref: '#/components/schemas/F'}}, {{type: string}}]}}\n    G: {{anyOf: [{{$ref: '#/components/schemas/G'}}]}}\n    H: {{type: object, properties: {{x: {{$ref: '#/components/schemas/H/properties/y'}}, y: {{$ref: '#/components/schemas/H'}}}}}}\n"
    );
    let self_pointer = format!(
        "{head}paths: {{}}\ncomponents:\n  schemas:\n    H: {{type: object, properties: {{x: {{$ref: '#/components/schemas/H/properties/x'}}}}}}\n"
    );
    let aliases = format!(
        "{head}paths: &p {{}}\nx-a: *p\ncomponents: {{schemas: {{A: {{type: string}}}}}}\n"
    );
    let tagged =
        format!("{head}paths: {{}}\ncomponents: {{schemas: {{A: !tagged {{type: string}}}}}}\n");
    for (case, text) in [
        ("deep YAML", deep_yaml.as_str()),
        ("deep schema", deep_schema.as_str()),
        ("long names", long.as_str()),
        ("cycles", cycles.as_str()),
        ("a pointer to itself", self_pointer.as_str()),
        ("anchors", aliases.as_str()),
        ("a YAML tag", tagged.as_str()),
        ("a byte-order mark", "\u{feff}openapi: 3.0.3\n"),
        ("JSON", "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {}}"),
        ("Swagger 2.0", "swagger: '2.0'\n"),
        ("OpenAPI 3.2", "openapi: 3.2.0\n"),
        ("OpenAPI 3.1", "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n"),
        ("not OpenAPI", "name: my-package\nversion: 1.0.0\n"),
    ] {
        let generated = check(case, text, &Files);
        let refused = [
            "deep YAML",
            "Swagger 2.0",
            "OpenAPI 3.2",
            "not OpenAPI",
            "a byte-order mark",
            "a YAML tag",
        ];
        assert_eq!(generated, !refused.contains(&case), "{case}");
    }
}

#[test]
fn invalid_utf8_is_an_error_with_its_place() {
    let bytes = b"openapi: 3.0.3\ninfo:\n  title: caf\xe9\n";
    let d = meterage_codegen::load::decode("specs/latin1.yaml", bytes).expect_err("not UTF-8");
    let text = d.to_string();
    assert!(
        text.starts_with(
            "specs/latin1.yaml:3:13: the file is not UTF-8 text (byte 0xe9 at offset 33)"
        ),
        "{text}"
    );
    assert!(meterage_codegen::load::decode("a.yaml", "ok: é".as_bytes()).is_ok());
}
