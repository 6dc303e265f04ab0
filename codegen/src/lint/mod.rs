//! Unknown keys: a misspelt keyword (`maxLenght`, `requried`) is silently ignored by
//! serde, so a constraint or a required flag would vanish from the generated code. This
//! pass walks the YAML tree with the OpenAPI 3.0 object model (and, in a 3.1 document,
//! the keys and places 3.1 adds, before [`crate::downgrade`] rewrites them) and warns about every key
//! that the object does not define (`x-` extensions excepted), with the closest known
//! key, warns about known keys the generator does not honour (the `honour` module), and
//! checks the form of every `x-source` it meets (see [`crate::provenance`]). A
//! warning, not an error: vendors publish specs with stray keys, and generation
//! goes on without them (the shipped specs are kept free of warnings by a test).

use crate::yaml::{Mapping, Value};

use crate::diagnostics::{escape_token, Sink};
use crate::{extensions, honour, provenance};

mod keys;

pub(crate) use keys::VERBS;
use keys::{
    COMPONENTS, HEADER, MEDIA_TYPE, OPERATION, PARAMETER, PATH_ITEM, REQUEST_BODY, RESPONSE, ROOT,
    SCHEMA, SECURITY_SCHEME, V31, V31_SUBSCHEMA, V31_SUBSCHEMAS,
};

/// Reports every unknown key of the OpenAPI objects in `root`, and extension keys that
/// look like a misspelling of one of ours. A 3.1 document is walked with the keys 3.1
/// adds (and its new places for schemas: `prefixItems`, `$defs`, `components.pathItems`).
pub fn unknown_keys(root: &Value, sink: &mut Sink) {
    let v31 = crate::downgrade::is_v31(root);
    let mut w = Walker {
        sink,
        v31,
        nullable: Vec::new(),
    };
    let Some(map) = root.as_mapping() else { return };
    w.keys(map, "", ROOT, "the document root");
    if let Some(info) = get(map, "info").and_then(Value::as_mapping) {
        provenance::check_source(info, "/info", w.sink);
    }
    w.servers(map, "");
    if let Some(paths) = get(map, "paths").and_then(Value::as_mapping) {
        for (key, item) in paths {
            w.path_item(item, &format!("/paths/{}", escape_token(&text(key))));
        }
    }
    if let Some(components) = get(map, "components").and_then(Value::as_mapping) {
        w.keys(components, "/components", COMPONENTS, "components");
        if v31 {
            for (key, item) in get(components, "pathItems")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                let at = format!("/components/pathItems/{}", escape_token(&text(key)));
                w.path_item(item, &at);
            }
        }
        let each = |name: &'static str| {
            get(components, name)
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
                .map(move |(k, v)| (format!("/components/{name}/{}", escape_token(&text(k))), v))
        };
        for (at, schema) in each("schemas") {
            w.schema(schema, &at);
        }
        for (at, p) in each("parameters") {
            w.parameter(p, &at);
        }
        for (at, r) in each("responses") {
            w.response(r, &at);
        }
        for (at, b) in each("requestBodies") {
            w.request_body(b, &at);
        }
        for (at, h) in each("headers") {
            w.header(h, &at);
        }
        for (at, scheme) in each("securitySchemes") {
            if let Some(map) = scheme.as_mapping() {
                w.keys(map, &at, SECURITY_SCHEME, "a security scheme");
            }
        }
    }
    if let Some(first) = w.nullable.first() {
        let others = match w.nullable.len() - 1 {
            0 => String::new(),
            1 => " (here and in 1 other schema)".to_owned(),
            n => format!(" (here and in {n} other schemas)"),
        };
        w.sink.warn(
            first,
            format!("`nullable` is OpenAPI 3.0's: 3.1 writes `type: [T, \"null\"]`; it is read all the same{others}"),
        );
    }
}

struct Walker<'s> {
    sink: &'s mut Sink,
    /// Whether the document is OpenAPI 3.1 (its keys are known too).
    v31: bool,
    /// Where a 3.1 document's schemas say `nullable` (warned about once).
    nullable: Vec<String>,
}

fn get<'v>(map: &'v Mapping, key: &str) -> Option<&'v Value> {
    map.get(key)
}

fn text(key: &Value) -> String {
    match key {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// The edit distance between two keys, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

impl Walker<'_> {
    fn keys(&mut self, map: &Mapping, at: &str, known: &[&str], what: &str) {
        provenance::check_source(map, at, self.sink);
        let extra = V31
            .iter()
            .find(|(w, _)| self.v31 && *w == what)
            .map_or(&[][..], |(_, keys)| *keys);
        for key in map.keys() {
            let key = text(key);
            if key.starts_with("x-") {
                if let Some(why) = honour::misplaced_extension(what, &key, map) {
                    self.sink.warn(&format!("{at}/{}", escape_token(&key)), why);
                    continue;
                }
                let near = extensions::ALL
                    .iter()
                    .find(|ours| **ours != key && distance(&key, ours) <= 2);
                if let Some(ours) = near {
                    self.sink.warn(
                        &format!("{at}/{}", escape_token(&key)),
                        format!("`{key}` is not an extension meterage reads (ignored); did you mean `{ours}`?"),
                    );
                }
                continue;
            }
            // A 3.1 reference object may have a summary and a description.
            let v31_key = self.v31
                && (extra.contains(&key.as_str())
                    || (map.contains_key("$ref")
                        && ["summary", "description"].contains(&key.as_str())));
            if self.v31 && what == "a schema" && key == "nullable" {
                self.nullable.push(format!("{at}/nullable"));
                continue;
            }
            if known.contains(&key.as_str()) || v31_key {
                let value = map.get(key.as_str()).unwrap_or(&Value::Null);
                if let Some(why) = honour::not_honoured(what, &key, value, map) {
                    self.sink.warn(&format!("{at}/{}", escape_token(&key)), why);
                }
                continue;
            }
            let closest = known
                .iter()
                .chain(extra)
                .map(|k| {
                    (
                        distance(&key.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                        *k,
                    )
                })
                .min();
            let hint = match closest {
                Some((d, k)) if d <= 2 => format!("; did you mean `{k}`?"),
                _ => String::new(),
            };
            self.sink.warn(
                &format!("{at}/{}", escape_token(&key)),
                format!("unknown key `{key}` in {what} (ignored){hint}"),
            );
        }
    }

    /// The `x-source` of each server (and its variables) of `owner`; their other keys are
    /// not checked.
    fn servers(&mut self, owner: &Mapping, at: &str) {
        let Some(list) = get(owner, "servers").and_then(Value::as_sequence) else {
            return;
        };
        for (i, server) in list.iter().enumerate() {
            let Some(server) = server.as_mapping() else {
                continue;
            };
            let at = format!("{at}/servers/{i}");
            provenance::check_source(server, &at, self.sink);
            if let Some(vars) = get(server, "variables").and_then(Value::as_mapping) {
                for (name, var) in vars {
                    if let Some(var) = var.as_mapping() {
                        let at = format!("{at}/variables/{}", escape_token(&text(name)));
                        provenance::check_source(var, &at, self.sink);
                    }
                }
            }
        }
    }

    fn path_item(&mut self, item: &Value, at: &str) {
        let Some(item) = item.as_mapping() else {
            return;
        };
        self.keys(item, at, PATH_ITEM, "a path item");
        self.servers(item, at);
        self.parameters(item, at);
        for verb in VERBS {
            if let Some(op) = get(item, verb).and_then(Value::as_mapping) {
                self.operation(op, &format!("{at}/{verb}"));
            }
        }
    }

    fn operation(&mut self, op: &Mapping, at: &str) {
        self.keys(op, at, OPERATION, "an operation");
        self.servers(op, at);
        self.parameters(op, at);
        if let Some(body) = get(op, "requestBody") {
            self.request_body(body, &format!("{at}/requestBody"));
        }
        if let Some(responses) = get(op, "responses").and_then(Value::as_mapping) {
            for (status, response) in responses {
                self.response(
                    response,
                    &format!("{at}/responses/{}", escape_token(&text(status))),
                );
            }
        }
    }

    fn parameters(&mut self, owner: &Mapping, at: &str) {
        if let Some(list) = get(owner, "parameters").and_then(Value::as_sequence) {
            for (i, p) in list.iter().enumerate() {
                self.parameter(p, &format!("{at}/parameters/{i}"));
            }
        }
    }

    fn parameter(&mut self, p: &Value, at: &str) {
        let Some(map) = p.as_mapping() else { return };
        self.keys(map, at, PARAMETER, "a parameter");
        self.schema_and_content(map, at);
    }

    fn header(&mut self, h: &Value, at: &str) {
        let Some(map) = h.as_mapping() else { return };
        self.keys(map, at, HEADER, "a header");
        self.schema_and_content(map, at);
    }

    fn schema_and_content(&mut self, map: &Mapping, at: &str) {
        if let Some(schema) = get(map, "schema") {
            self.schema(schema, &format!("{at}/schema"));
        }
        self.content(map, at);
    }

    fn request_body(&mut self, b: &Value, at: &str) {
        let Some(map) = b.as_mapping() else { return };
        self.keys(map, at, REQUEST_BODY, "a request body");
        self.content(map, at);
    }

    fn response(&mut self, r: &Value, at: &str) {
        let Some(map) = r.as_mapping() else { return };
        self.keys(map, at, RESPONSE, "a response");
        self.content(map, at);
        if let Some(headers) = get(map, "headers").and_then(Value::as_mapping) {
            for (name, h) in headers {
                self.header(h, &format!("{at}/headers/{}", escape_token(&text(name))));
            }
        }
    }

    fn content(&mut self, map: &Mapping, at: &str) {
        let Some(content) = get(map, "content").and_then(Value::as_mapping) else {
            return;
        };
        for (media, m) in content {
            let Some(m) = m.as_mapping() else { continue };
            let at = format!("{at}/content/{}", escape_token(&text(media)));
            self.keys(m, &at, MEDIA_TYPE, "a media type");
            if let Some(schema) = get(m, "schema") {
                self.schema(schema, &format!("{at}/schema"));
            }
        }
    }

    fn schema(&mut self, schema: &Value, at: &str) {
        let Some(map) = schema.as_mapping() else {
            return;
        };
        self.keys(map, at, SCHEMA, "a schema");
        for key in ["items", "not"] {
            if let Some(s) = get(map, key) {
                self.schema(s, &format!("{at}/{key}"));
            }
        }
        if let Some(s) = get(map, "additionalProperties").filter(|v| v.is_mapping()) {
            self.schema(s, &format!("{at}/additionalProperties"));
        }
        if let Some(props) = get(map, "properties").and_then(Value::as_mapping) {
            for (name, s) in props {
                self.schema(s, &format!("{at}/properties/{}", escape_token(&text(name))));
            }
        }
        let lists: &[&str] = if self.v31 {
            &["allOf", "oneOf", "anyOf", "prefixItems"]
        } else {
            &["allOf", "oneOf", "anyOf"]
        };
        for key in lists {
            if let Some(list) = get(map, key).and_then(Value::as_sequence) {
                for (i, s) in list.iter().enumerate() {
                    self.schema(s, &format!("{at}/{key}/{i}"));
                }
            }
        }
        if !self.v31 {
            return;
        }
        for key in V31_SUBSCHEMA {
            if let Some(s) = get(map, key) {
                self.schema(s, &format!("{at}/{key}"));
            }
        }
        for key in V31_SUBSCHEMAS {
            for (name, s) in get(map, key)
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                self.schema(s, &format!("{at}/{key}/{}", escape_token(&text(name))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn edit_distance() {
        let cases = [
            ("maxLenght", "maxLength", 2),
            ("requried", "required", 2),
            ("type", "type", 0),
            ("", "abc", 3),
        ];
        for (a, b, d) in cases {
            assert_eq!(distance(a, b), d, "{a} -> {b}");
        }
    }
}
