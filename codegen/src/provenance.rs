//! Provenance: where the statements of a spec come from.
//!
//! Specs are transcribed from vendor documents, and every transcription adds things the
//! document does not say: a field marked `required`, a `minimum` that seemed obvious, a
//! header read in the vendor's SDK. `x-source` labels each such statement with its
//! origin, so that a spec author can tell fact from guess (docs/spec-extensions.md):
//!
//! ```yaml
//! info:
//!   x-source: "seed: Huawei Cloud GSL API reference"   # the document the spec transcribes
//! x-source:                                            # labels for keys of an object
//!   x-error-envelope/request-id-header: "vendor-sdk: huaweicloud-sdk-go-v3 core/sdkerr/errors.go"
//! ```
//!
//! [`check_source`] checks the form of one `x-source` (the lint calls it on every OpenAPI
//! object it walks). A spec whose `info` carries `x-source` declares the document it
//! transcribes, and [`transcription_rules`] then holds it to two rules that keep response
//! schemas descriptive: a response schema's `required` list says where the guarantee
//! comes from, and the spec's own examples satisfy its constraints.

use std::collections::HashSet;

use crate::yaml::{Mapping, Value};

use crate::diagnostics::{escape_token, Sink};
use crate::extensions::X_SOURCE;

/// The kinds of source an `x-source` statement names (`<kind>: <where or why>`), each
/// with what it means.
pub const KINDS: &[(&str, &str)] = &[
    ("seed", "stated by the document the spec transcribes"),
    ("vendor-sdk", "read in the vendor's own SDK"),
    (
        "vendor-docs",
        "read in the vendor's documentation beyond that document",
    ),
    (
        "inferred",
        "strong indirect evidence, such as the conventions of the platform the API imitates",
    ),
    (
        "assumption",
        "a guess nobody has confirmed; the code must be tolerant there",
    ),
    (
        "meterage",
        "a decision of this project, not a statement about the vendor",
    ),
];

const FORM: &str = "a string `<kind>: <where or why>`";

/// Checks the form of the `x-source` of `owner`, the object at pointer `at`: a statement
/// string, or a mapping from keys of `owner` (or `/`-separated paths below them, such as
/// `x-error-envelope/request-id-header`) to statement strings.
pub fn check_source(owner: &Mapping, at: &str, sink: &mut Sink) {
    let Some(value) = owner.get(X_SOURCE) else {
        return;
    };
    let here = format!("{at}/{X_SOURCE}");
    match value {
        Value::String(statement) => check_statement(statement, &here, sink),
        Value::Mapping(labels) => {
            if labels.is_empty() {
                sink.error(&here, format!("`{X_SOURCE}` is empty"));
            }
            for (key, statement) in labels {
                let Some(key) = key.as_str() else {
                    sink.error(
                        &here,
                        format!("the keys of `{X_SOURCE}` name keys of this object"),
                    );
                    continue;
                };
                let at_key = format!("{here}/{}", escape_token(key));
                if key == X_SOURCE || resolve(owner, key).is_none() {
                    sink.error(
                        &at_key,
                        format!("`{X_SOURCE}` labels `{key}`, which this object does not have"),
                    );
                }
                match statement {
                    Value::String(s) => check_statement(s, &at_key, sink),
                    _ => sink.error(&at_key, format!("an `{X_SOURCE}` statement is {FORM}")),
                }
            }
        }
        _ => sink.error(
            &here,
            format!(
                "`{X_SOURCE}` is {FORM}, or a mapping from keys of this object to such strings"
            ),
        ),
    }
}

/// The node `path` (`a/b/0`: mapping keys and sequence indices, `~1` for a `/` inside a
/// key) names below `owner`.
fn resolve<'v>(owner: &'v Mapping, path: &str) -> Option<&'v Value> {
    let mut tokens = path
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"));
    let mut node = owner.get(tokens.next()?.as_str())?;
    for token in tokens {
        node = match node {
            Value::Mapping(map) => map.get(token.as_str())?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn check_statement(statement: &str, at: &str, sink: &mut Sink) {
    let kinds = || {
        KINDS
            .iter()
            .map(|(k, _)| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((kind, text)) = statement.split_once(':') else {
        sink.error(
            at,
            format!(
                "an `{X_SOURCE}` statement is {FORM}, where the kind is one of {}",
                kinds()
            ),
        );
        return;
    };
    let kind = kind.trim();
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        sink.error(
            at,
            format!("unknown `{X_SOURCE}` kind `{kind}`: use one of {}", kinds()),
        );
    }
    if text.trim().is_empty() {
        sink.error(at, format!("`{kind}:` says nothing: say where or why"));
    }
}

/// The rules of a spec that transcribes a document (one whose `info` carries `x-source`):
///
/// - a response schema (any schema a response reaches) that lists `required`
///   properties labels `required` in its `x-source`: a response field is required only
///   where the vendor guarantees it, and the document rarely says so;
/// - every example of a response, parameter or request body satisfies the constraints
///   of its schema (`minimum`, `maxLength`, `required`, ...): where the document's own
///   example contradicts a constraint, the constraint goes (responses are described,
///   never checked).
pub fn transcription_rules(root: &Value, sink: &mut Sink) {
    let Some(root) = root.as_mapping() else {
        return;
    };
    let transcribes = root
        .get("info")
        .and_then(Value::as_mapping)
        .is_some_and(|info| info.contains_key(X_SOURCE));
    if !transcribes {
        return;
    }
    let mut rules = Rules {
        root,
        sink,
        required_seen: HashSet::new(),
    };
    let Some(paths) = root.get("paths").and_then(Value::as_mapping) else {
        return;
    };
    for (key, item) in paths {
        let (Some(key), Some(item)) = (key.as_str(), item.as_mapping()) else {
            continue;
        };
        let at = format!("/paths/{}", escape_token(key));
        rules.parameters(item, &at);
        for verb in crate::lint::VERBS {
            if let Some(op) = item.get(*verb).and_then(Value::as_mapping) {
                rules.operation(op, &format!("{at}/{verb}"));
            }
        }
    }
}

struct Rules<'r, 's> {
    root: &'r Mapping,
    sink: &'s mut Sink,
    /// Schemas whose `required` rule was checked, by pointer.
    required_seen: HashSet<String>,
}

impl<'r> Rules<'r, '_> {
    /// Follows a local `$ref` into `components/<section>`, returning the node and its
    /// pointer (one level: a chain or a broken reference is the lowering's to report).
    fn follow(&self, node: &'r Value, at: &str, section: &str) -> (&'r Value, String) {
        let target = node
            .as_mapping()
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(&format!("#/components/{section}/")))
            .and_then(|name| {
                let found = self
                    .root
                    .get("components")?
                    .as_mapping()?
                    .get(section)?
                    .as_mapping()?
                    .get(name)?;
                Some((
                    found,
                    format!("/components/{section}/{}", escape_token(name)),
                ))
            });
        target.unwrap_or_else(|| (node, at.to_owned()))
    }

    fn operation(&mut self, op: &'r Mapping, at: &str) {
        self.parameters(op, at);
        if let Some(body) = op.get("requestBody") {
            let (body, at) = self.follow(body, &format!("{at}/requestBody"), "requestBodies");
            if let Some(body) = body.as_mapping() {
                self.content(body, &at, false);
            }
        }
        let Some(responses) = op.get("responses").and_then(Value::as_mapping) else {
            return;
        };
        for (status, response) in responses {
            let status = match status {
                Value::String(s) => s.to_string(),
                Value::Number(n) => n.to_string(),
                _ => continue,
            };
            let at = format!("{at}/responses/{}", escape_token(&status));
            let (response, at) = self.follow(response, &at, "responses");
            if let Some(response) = response.as_mapping() {
                self.content(response, &at, true);
            }
        }
    }

    fn parameters(&mut self, owner: &'r Mapping, at: &str) {
        let Some(list) = owner.get("parameters").and_then(Value::as_sequence) else {
            return;
        };
        for (i, p) in list.iter().enumerate() {
            let (p, at) = self.follow(p, &format!("{at}/parameters/{i}"), "parameters");
            if let (Some(p), Some(schema)) = (p.as_mapping(), p.get("schema")) {
                self.examples(p, &at, schema, &format!("{at}/schema"));
            }
        }
    }

    /// The schemas and examples of each media type of a request body or response.
    fn content(&mut self, owner: &'r Mapping, at: &str, response: bool) {
        let Some(content) = owner.get("content").and_then(Value::as_mapping) else {
            return;
        };
        for (media, m) in content {
            let (Some(media), Some(m)) = (media.as_str(), m.as_mapping()) else {
                continue;
            };
            let at = format!("{at}/content/{}", escape_token(media));
            let Some(schema) = m.get("schema") else {
                continue;
            };
            if response {
                self.required(schema, &format!("{at}/schema"));
            }
            self.examples(m, &at, schema, &format!("{at}/schema"));
        }
    }

    /// `example` and each `examples/*/value` of `owner` against `schema`.
    fn examples(&mut self, owner: &'r Mapping, at: &str, schema: &'r Value, schema_at: &str) {
        if let Some(example) = owner.get("example") {
            self.example(example, &format!("{at}/example"), schema, schema_at);
        }
        if let Some(examples) = owner.get("examples").and_then(Value::as_mapping) {
            for (name, e) in examples {
                let Some(name) = name.as_str() else { continue };
                if let Some(value) = e.as_mapping().and_then(|e| e.get("value")) {
                    let at = format!("{at}/examples/{}/value", escape_token(name));
                    self.example(value, &at, schema, schema_at);
                }
            }
        }
    }

    /// The `required` rule for `schema` and every schema it reaches.
    fn required(&mut self, schema: &'r Value, at: &str) {
        let (schema, at) = self.follow(schema, at, "schemas");
        if !self.required_seen.insert(at.clone()) {
            return;
        }
        let Some(map) = schema.as_mapping() else {
            return;
        };
        let lists_required = map
            .get("required")
            .and_then(Value::as_sequence)
            .is_some_and(|r| !r.is_empty());
        let labelled = map
            .get(X_SOURCE)
            .and_then(Value::as_mapping)
            .is_some_and(|labels| labels.contains_key("required"));
        if lists_required && !labelled {
            self.sink.error(
                &format!("{at}/required"),
                format!(
                    "a response schema lists `required` properties without saying why: a \
                     response field is required only where the vendor guarantees it, so label \
                     `required` in this schema's `{X_SOURCE}` or drop it (absent and `null` \
                     fields then decode)"
                ),
            );
        }
        for (key, sub) in children(map) {
            self.required(sub, &format!("{at}/{key}"));
        }
    }

    /// Checks one example value against the constraints of its schema.
    fn example(&mut self, value: &'r Value, at: &str, schema: &'r Value, schema_at: &str) {
        let (schema, schema_at) = self.follow(schema, schema_at, "schemas");
        let Some(s) = schema.as_mapping() else {
            return;
        };
        // Every member of an `allOf` binds the example; `oneOf` and `anyOf` members do not
        // each, so they are left alone.
        if let Some(list) = s.get("allOf").and_then(Value::as_sequence) {
            for (i, member) in list.iter().enumerate() {
                self.example(value, at, member, &format!("{schema_at}/allOf/{i}"));
            }
        }
        let bound = |key: &str| s.get(key).and_then(Value::as_f64);
        let flag = |key: &str| s.get(key).and_then(Value::as_bool).unwrap_or(false);
        let mut contradicts = |key: &str, said: String| {
            self.sink.error(
                &format!("{schema_at}/{key}"),
                format!(
                    "the spec's own example contradicts `{key}`: {said} at {at}; a schema \
                     describes what the vendor sends, so correct or drop the constraint"
                ),
            );
        };
        match value {
            Value::Number(n) => {
                let Some(v) = n.as_f64() else { return };
                if let Some(min) = bound("minimum") {
                    if v < min || (flag("exclusiveMinimum") && v == min) {
                        contradicts("minimum", format!("{v} is below {min}"));
                    }
                }
                if let Some(max) = bound("maximum") {
                    if v > max || (flag("exclusiveMaximum") && v == max) {
                        contradicts("maximum", format!("{v} is above {max}"));
                    }
                }
            }
            Value::String(text) => {
                let len = text.chars().count() as f64;
                if bound("minLength").is_some_and(|min| len < min) {
                    contradicts("minLength", format!("{text:?} is shorter"));
                }
                if bound("maxLength").is_some_and(|max| len > max) {
                    contradicts("maxLength", format!("{text:?} is longer"));
                }
            }
            Value::Sequence(items) => {
                let len = items.len() as f64;
                if bound("minItems").is_some_and(|min| len < min) {
                    contradicts("minItems", format!("{} items are fewer", items.len()));
                }
                if bound("maxItems").is_some_and(|max| len > max) {
                    contradicts("maxItems", format!("{} items are more", items.len()));
                }
                if let Some(item_schema) = s.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.example(
                            item,
                            &format!("{at}/{i}"),
                            item_schema,
                            &format!("{schema_at}/items"),
                        );
                    }
                }
            }
            Value::Mapping(fields) => {
                for name in s
                    .get("required")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !fields.contains_key(name) {
                        contradicts("required", format!("`{name}` is missing"));
                    }
                }
                let Some(props) = s.get("properties").and_then(Value::as_mapping) else {
                    return;
                };
                for (name, field) in fields {
                    let Some(name) = name.as_str() else { continue };
                    if let Some(prop) = props.get(name) {
                        let token = escape_token(name);
                        self.example(
                            field,
                            &format!("{at}/{token}"),
                            prop,
                            &format!("{schema_at}/properties/{token}"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// The sub-schemas of a schema, each with its pointer suffix.
fn children(schema: &Mapping) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for key in ["items", "not"] {
        if let Some(s) = schema.get(key) {
            out.push((key.to_owned(), s));
        }
    }
    if let Some(s) = schema
        .get("additionalProperties")
        .filter(|v| v.is_mapping())
    {
        out.push(("additionalProperties".to_owned(), s));
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_mapping) {
        for (name, s) in props {
            if let Some(name) = name.as_str() {
                out.push((format!("properties/{}", escape_token(name)), s));
            }
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_sequence) {
            for (i, s) in list.iter().enumerate() {
                out.push((format!("{key}/{i}"), s));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn paths_resolve_through_mappings_and_sequences() {
        let owner: crate::yaml::Value = serde_yaml::from_str(
            "x-error-envelope: {request-id-header: X-Request-Id, transient: [A, B]}\nrequired: [a]\n'a/b': 1\n",
        )
        .expect("yaml");
        let owner = owner.as_mapping().cloned().expect("a mapping");
        assert!(resolve(&owner, "required").is_some());
        assert!(resolve(&owner, "x-error-envelope/request-id-header").is_some());
        assert!(resolve(&owner, "x-error-envelope/transient/1").is_some());
        assert!(resolve(&owner, "x-error-envelope/transient/2").is_none());
        assert!(resolve(&owner, "a~1b").is_some());
        assert!(resolve(&owner, "minimum").is_none());
        assert!(resolve(&owner, "required/x").is_none());
    }
}
