//! Sorting a spec's problems into kinds, so that a run over the corpus says which
//! OpenAPI constructs block how many specs.
//!
//! A kind is the diagnostic's message with its specifics (the names in backticks and
//! quotes) blanked out, refined where the message covers several constructs by reading
//! the spec node the diagnostic points at: the one message about composition becomes
//! `schema uses allOf` (and `oneOf`, ...), a refused security scheme names its type, a
//! refused query style names the style. Messages the refinements do not know (they
//! follow the generator's wording, which may change) keep their blanked form, so
//! nothing is lost, only less finely sorted.

use std::collections::BTreeMap;

use meterage_codegen::Diagnostic;
use serde_yaml::Value;

/// Diagnostics of one kind within one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The kind (see the module docs).
    pub kind: String,
    /// How many diagnostics of the spec have this kind.
    pub count: usize,
    /// The first few of them, as the generator printed them.
    pub examples: Vec<String>,
}

/// How many example messages a group keeps.
pub const EXAMPLES: usize = 3;

/// Groups `diagnostics` by kind, most frequent first; `tree` is the spec, parsed, for
/// the refinements (without it, kinds stay unrefined).
pub fn group(diagnostics: &[Diagnostic], tree: Option<&Value>) -> Vec<Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for d in diagnostics {
        for kind in kinds(&d.message, &d.pointer, tree) {
            let g = groups.entry(kind.clone()).or_insert_with(|| Group {
                kind,
                count: 0,
                examples: Vec::new(),
            });
            g.count += 1;
            if g.examples.len() < EXAMPLES {
                g.examples.push(d.to_string());
            }
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    out
}

/// The kinds of one diagnostic: usually one, one per keyword for composition. `tree`
/// is the spec, parsed, when it could be.
pub fn kinds(message: &str, pointer: &str, tree: Option<&Value>) -> Vec<String> {
    let refined = tree.and_then(|tree| refine(message, pointer, tree, resolve(tree, pointer)?));
    match refined {
        Some(kinds) if !kinds.is_empty() => kinds,
        _ => vec![normalize(message)],
    }
}

fn refine(message: &str, pointer: &str, tree: &Value, node: &Value) -> Option<Vec<String>> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    if message.contains("`oneOf`, `anyOf`, `allOf` and `not`") {
        let found = ["allOf", "oneOf", "anyOf", "not"]
            .into_iter()
            .filter(|k| node.get(*k).is_some())
            .map(|k| format!("schema uses {k}"))
            .collect();
        return Some(found);
    }
    if message.starts_with("security scheme") {
        let ty = text(node, "type").unwrap_or_else(|| "?".into());
        let detail = match ty.as_str() {
            "http" => text(node, "scheme").map(|s| s.to_ascii_lowercase()),
            "apiKey" => text(node, "in").map(|i| format!("in {i}")),
            _ => None,
        };
        return Some(vec![match detail {
            Some(d) => format!("security scheme: {ty} {d}"),
            None => format!("security scheme: {ty}"),
        }]);
    }
    if message.contains("only `style: form` is supported") && pointer.ends_with("/style") {
        return node
            .as_str()
            .map(|style| vec![format!("query parameter style: {style}")]);
    }
    if message.starts_with("request body media types") {
        let types = node.as_mapping()?;
        return Some(
            types
                .keys()
                .filter_map(Value::as_str)
                .map(|t| format!("request body media type: {t}"))
                .collect(),
        );
    }
    if message.starts_with("cookie parameter") {
        return Some(vec!["cookie parameter".into()]);
    }
    if message.contains("only scalars, string enums and arrays of them") {
        let location = message
            .split_once(" in the ")
            .and_then(|(_, rest)| rest.split_once(':'))
            .map_or("?", |(location, _)| location);
        // A parameter holds its schema; a flattened body property is one.
        let ty = describe_schema(tree, node.get("schema").unwrap_or(node), 0);
        return Some(vec![format!(
            "parameter in the {location}: not a scalar, enum or array of them ({ty})"
        )]);
    }
    None
}

/// A short description of a schema's shape for a kind: `object`, `array of object`,
/// `allOf`, `array without type` (`$ref`s followed).
fn describe_schema(tree: &Value, schema: &Value, depth: usize) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference.strip_prefix('#').and_then(|p| resolve(tree, p));
        return match target {
            Some(t) if depth < MAX_REFS => describe_schema(tree, t, depth + 1),
            _ => "$ref".into(),
        };
    }
    for k in ["allOf", "oneOf", "anyOf", "not"] {
        if schema.get(k).is_some() {
            return k.into();
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => match schema.get("items") {
            Some(items) => format!("array of {}", describe_schema(tree, items, depth + 1)),
            None => "array".into(),
        },
        Some(t) => t.into(),
        None if schema.get("properties").is_some() => "object without type".into(),
        None if schema.get("items").is_some() => "array without type".into(),
        None => "no type".into(),
    }
}

/// The message with its specifics blanked: text in backticks becomes `…`, text in
/// double quotes `"…"`; an unknown key keeps its name and loses the suggestion.
pub fn normalize(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown key `") {
        if let Some((key, tail)) = rest.split_once('`') {
            let place = tail
                .split_once(" (it would be ignored)")
                .map_or(tail, |(p, _)| p);
            return format!("unknown key `{key}`{place}");
        }
    }
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                out.push(c);
                out.push('…');
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The node a JSON pointer names in a parsed spec. YAML keys that are numbers or
/// booleans (`200:` for a response) match their text. Local `$ref`s on the way (and
/// at the end) are followed, as the generator follows them: its pointers continue
/// through a referenced request body or schema as if it were written in place.
pub fn resolve<'a>(tree: &'a Value, pointer: &str) -> Option<&'a Value> {
    resolve_within(tree, pointer, 0)
}

/// How many `$ref`s one lookup follows at most (a cycle stops there).
const MAX_REFS: usize = 32;

fn resolve_within<'a>(tree: &'a Value, pointer: &str, depth: usize) -> Option<&'a Value> {
    if depth > MAX_REFS {
        return None;
    }
    let mut node = tree;
    if !pointer.is_empty() {
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            node = match node {
                Value::Mapping(map) => match lookup(map, &token) {
                    Some(next) => next,
                    None => {
                        let target = follow(tree, node, depth)?;
                        lookup(target.as_mapping()?, &token)?
                    }
                },
                Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
    }
    match follow(tree, node, depth) {
        Some(target) => Some(target),
        None => Some(node),
    }
}

/// The target of `node`'s local `$ref`, if it has one.
fn follow<'a>(tree: &'a Value, node: &Value, depth: usize) -> Option<&'a Value> {
    let reference = node.get("$ref")?.as_str()?;
    resolve_within(tree, reference.strip_prefix('#')?, depth + 1)
}

fn lookup<'a>(map: &'a serde_yaml::Mapping, token: &str) -> Option<&'a Value> {
    map.get(token).or_else(|| {
        map.iter()
            .find(|(k, _)| key_text(k).as_deref() == Some(token))
            .map(|(_, v)| v)
    })
}

fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(pointer: &str, message: &str) -> Diagnostic {
        Diagnostic {
            severity: meterage_codegen::Severity::Error,
            file: "spec.yaml".into(),
            pointer: pointer.into(),
            position: None,
            message: message.into(),
        }
    }

    const SPEC: &str = r#"
paths:
  /pets:
    get:
      parameters:
        - {name: filter, in: query, style: deepObject, schema: {type: object}}
        - {name: tags, in: query, schema: {type: array, items: {$ref: '#/components/schemas/Tag'}}}
      responses:
        200:
          description: ok
    post:
      requestBody:
        content:
          multipart/form-data: {schema: {type: object}}
components:
  schemas:
    Tag: {type: object}
    Pet:
      allOf: [{$ref: '#/components/schemas/Base'}]
      oneOf: [{type: string}]
  securitySchemes:
    bearer: {type: http, scheme: Bearer}
    oauth: {type: oauth2, flows: {}}
"#;

    #[test]
    fn composition_is_split_by_keyword_and_counted() {
        let tree: Value = serde_yaml::from_str(SPEC).expect("yaml");
        let message = "`oneOf`, `anyOf`, `allOf` and `not` are not supported yet: describe the shape with one object schema";
        let groups = group(
            &[
                diagnostic("/components/schemas/Pet", message),
                diagnostic("/components/schemas/Nowhere", message),
            ],
            Some(&tree),
        );
        let kinds: Vec<(&str, usize)> = groups.iter().map(|g| (g.kind.as_str(), g.count)).collect();
        assert_eq!(
            kinds,
            [
                ("`…`, `…`, `…` and `…` are not supported yet: describe the shape with one object schema", 1),
                ("schema uses allOf", 1),
                ("schema uses oneOf", 1),
            ]
        );
        assert_eq!(
            groups[1].examples,
            [format!("spec.yaml (at /components/schemas/Pet): {message}")]
        );
    }

    #[test]
    fn schemes_styles_media_types_and_parameters_are_named() {
        let tree: Value = serde_yaml::from_str(SPEC).expect("yaml");
        let cases = [
            ("/components/securitySchemes/bearer", "security scheme `bearer`: only `apiKey` schemes (with `x-auth-scheme` where needed) are supported yet", "security scheme: http bearer"),
            ("/components/securitySchemes/oauth", "security scheme `oauth`: only `apiKey` schemes (with `x-auth-scheme` where needed) are supported yet", "security scheme: oauth2"),
            ("/paths/~1pets/get/parameters/0/style", "query parameter `filter`: only `style: form` is supported", "query parameter style: deepObject"),
            ("/paths/~1pets/post/requestBody/content", "request body media types [\"multipart/form-data\"]: only `application/json` and `application/x-www-form-urlencoded` are supported", "request body media type: multipart/form-data"),
            ("/paths/~1pets/get/parameters/1", "parameter `tags` in the query: only scalars, string enums and arrays of them are supported here", "parameter in the query: not a scalar, enum or array of them (array of object)"),
        ];
        for (pointer, message, kind) in cases {
            assert!(resolve(&tree, pointer).is_some(), "{pointer} resolves");
            assert_eq!(kinds(message, pointer, Some(&tree)), [kind], "{message}");
        }
    }

    #[test]
    fn pointers_continue_through_refs() {
        let tree: Value = serde_yaml::from_str(
            r#"
paths:
  /a:
    post:
      requestBody: {$ref: '#/components/requestBodies/B'}
components:
  requestBodies:
    B:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/S'}
  schemas:
    S:
      properties:
        p: {$ref: '#/components/schemas/P'}
    P: {anyOf: [{type: string}]}
    Loop: {$ref: '#/components/schemas/Loop'}
"#,
        )
        .expect("yaml");
        let node = resolve(
            &tree,
            "/paths/~1a/post/requestBody/content/application~1json/schema/properties/p",
        );
        assert!(node.is_some_and(|n| n.get("anyOf").is_some()), "{node:?}");
        assert!(resolve(&tree, "/components/schemas/Loop/x").is_none());
    }

    #[test]
    fn numeric_yaml_keys_resolve_by_their_text() {
        let tree: Value = serde_yaml::from_str(SPEC).expect("yaml");
        let node = resolve(&tree, "/paths/~1pets/get/responses/200/description");
        assert_eq!(node.and_then(Value::as_str), Some("ok"));
        assert!(resolve(&tree, "/paths/~1pets/get/parameters/9").is_none());
        assert!(resolve(&tree, "no-slash").is_none());
    }

    #[test]
    fn unknown_messages_are_blanked_and_unknown_keys_keep_their_name() {
        assert_eq!(
            normalize("unknown `$ref: #/components/schemas/X`: there is no `components.schemas.X`"),
            "unknown `…`: there is no `…`"
        );
        assert_eq!(
            normalize("unknown key `discriminator` in a schema (it would be ignored); did you mean `description`?"),
            "unknown key `discriminator` in a schema"
        );
        assert_eq!(
            normalize("media types [\"a/b\", \"c/d\"]"),
            "media types [\"…\", \"…\"]"
        );
        // No node to read: the blanked message is the kind.
        assert_eq!(
            kinds("security scheme `s`: only `apiKey` schemes", "/x", None),
            ["security scheme `…`: only `…` schemes"]
        );
    }
}
