//! OpenAPI 3.1 read as 3.0: a pass over the YAML tree of a 3.1 document that rewrites
//! what 3.1 says differently into the form 3.0 says it in, so that bundling, typing
//! (`openapiv3`, which reads 3.0) and lowering read one language and a 3.1 document
//! lowers to the same IR as its 3.0 equivalent.
//!
//! The rewrite is in place: a node keeps its JSON pointer wherever the 3.0 form has the
//! same place (`type: [string, "null"]` becomes `type: string` and `nullable: true` in
//! the same schema). Where a rewrite moves a node (a `$ref` with siblings wrapped in an
//! `allOf`, `const` to `enum`, `prefixItems` to `items`, a path item inlined from
//! `components.pathItems`), the move is recorded in [`Downgraded`], and diagnostics
//! about the moved node are pointed back at its place in the 3.1 file, so they name the
//! right line. The schema rewrites are in `schema.rs`; this file walks the document
//! to every schema and rewrites what is outside schemas (`webhooks`, `pathItems`,
//! `jsonSchemaDialect`, `info.summary`, `paths` and an operation's `responses` made
//! optional).
//!
//! A 3.0 document is not touched ([`downgrade`] returns at once).

mod schema;

use crate::yaml::{Mapping, Value};

use crate::diagnostics::{escape_token, Diagnostic, Sink};

/// The schema dialects a 3.1 document may declare that are read as it says: the OpenAPI
/// 3.1 base dialect and JSON Schema 2020-12, which it extends.
const DIALECTS: &[&str] = &[
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Whether the tree is an OpenAPI 3.1 document (its `openapi` field says `3.1.x`).
pub fn is_v31(tree: &Value) -> bool {
    match tree.get("openapi") {
        Some(Value::String(v)) => v == "3.1" || v.starts_with("3.1."),
        Some(Value::Number(n)) => n.as_f64() == Some(3.1),
        _ => false,
    }
}

/// The moves a [`downgrade`] made, to point diagnostics back at the 3.1 file.
#[derive(Debug, Default)]
pub struct Downgraded {
    /// (pointer in the rewritten tree, pointer in the file), in the order made: each
    /// maps the tree after the move to the tree before it.
    moves: Vec<(String, String)>,
}

impl Downgraded {
    /// Points `diagnostic` (about the rewritten tree of the file `file`) at the place in
    /// the file it is about.
    pub fn origin(&self, file: &str, diagnostic: &mut Diagnostic) {
        if diagnostic.file != file {
            return;
        }
        // The latest move first: each maps its tree back to the one before it.
        for (now, was) in self.moves.iter().rev() {
            let p = &diagnostic.pointer;
            let inside = p == now
                || p.strip_prefix(now.as_str())
                    .is_some_and(|r| r.starts_with('/'));
            if inside {
                diagnostic.pointer = format!("{was}{}", &p[now.len()..]);
            }
        }
    }

    fn moved(&mut self, now: String, was: String) {
        self.moves.push((now, was));
    }
}

/// Rewrites the OpenAPI 3.1 document `tree` into the OpenAPI 3.0 form (see the module
/// docs); a 3.0 document is left as it is. What is skipped or approximated is a warning
/// in `sink`.
pub fn downgrade(tree: &mut Value, sink: &mut Sink) -> Downgraded {
    let mut d = Downgrade {
        sink,
        out: Downgraded::default(),
    };
    if !is_v31(tree) {
        return d.out;
    }
    let Some(root) = tree.as_mapping_mut() else {
        return d.out;
    };
    d.root(root);
    // Numeric exclusive bounds became `minimum` and `maximum`: fitted to 64 bits as
    // parsing fitted the others.
    crate::load::fit_integer_bounds(tree);
    d.out
}

/// Rewrites a node another file holds, copied into a 3.1 document's components by
/// bundling: a schema, parameter, header, response or request body (`section` is its
/// section's key, `schemas` ...) at `at`, its moves added to `out`.
pub fn fragment(node: &mut Value, section: &str, at: &str, sink: &mut Sink, out: &mut Downgraded) {
    let mut d = Downgrade {
        sink,
        out: std::mem::take(out),
    };
    match (section, &mut *node) {
        ("schemas", _) => d.schema(node, at),
        ("parameters" | "headers", Value::Mapping(p)) => d.parameter(p, at),
        ("responses", Value::Mapping(r)) => d.response(r, at),
        ("requestBodies", Value::Mapping(b)) => d.content(b, at),
        _ => {}
    }
    *out = d.out;
}

struct Downgrade<'s> {
    sink: &'s mut Sink,
    out: Downgraded,
}

/// The methods a path item holds operations under.
const VERBS: &[&str] = crate::lint::VERBS;

fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Downgrade<'_> {
    fn root(&mut self, root: &mut Mapping) {
        // `webhooks` (requests the API makes to its callers) are warned about by the
        // lint (`honour`); nothing reads them.
        root.remove("webhooks");
        if let Some(dialect) = root.remove("jsonSchemaDialect") {
            let text = dialect.as_str().unwrap_or_default();
            if !DIALECTS.contains(&text.trim_end_matches('#')) {
                self.sink.warn(
                    "/jsonSchemaDialect",
                    format!(
                        "`jsonSchemaDialect: {text}`: schemas are read as OpenAPI 3.1's own dialect (JSON Schema 2020-12) all the same"
                    ),
                );
            }
        }
        if let Some(Value::Mapping(info)) = root.get_mut("info") {
            info_summary(info);
        }
        let path_items = match root.get_mut("components") {
            Some(Value::Mapping(c)) => c.remove("pathItems"),
            _ => None,
        };
        if !root.contains_key("paths") {
            root.insert("paths".into(), Value::Mapping(Mapping::new()));
        }
        if let Some(Value::Mapping(paths)) = root.get_mut("paths") {
            for (key, item) in paths.iter_mut() {
                let Some(key) = key_text(key) else { continue };
                let at = format!("/paths/{}", escape_token(&key));
                self.inline_path_item(item, &at, path_items.as_ref());
                if let Value::Mapping(item) = item {
                    self.path_item(item, &at);
                }
            }
        }
        if let Some(Value::Mapping(components)) = root.get_mut("components") {
            self.components(components);
        }
    }

    /// A path item written as a reference to `components.pathItems` becomes a copy of
    /// it (3.0 has no such section); diagnostics in the copy name the component.
    fn inline_path_item(&mut self, item: &mut Value, at: &str, path_items: Option<&Value>) {
        let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        let Some(name) = reference.strip_prefix("#/components/pathItems/") else {
            return;
        };
        let unescaped = name.replace("~1", "/").replace("~0", "~");
        let Some(Value::Mapping(target)) = path_items.and_then(|p| p.get(unescaped.as_str()))
        else {
            self.sink.error(
                &format!("{at}/$ref"),
                format!(
                    "unknown `$ref: {reference}`: there is no `components.pathItems.{unescaped}`"
                ),
            );
            return;
        };
        let mut copy = target.clone();
        if let Value::Mapping(own) = item {
            for (k, v) in own.iter().filter(|(k, _)| k.as_str() != Some("$ref")) {
                copy.insert(k.clone(), v.clone());
            }
        }
        *item = Value::Mapping(copy);
        self.out
            .moved(at.to_owned(), format!("/components/pathItems/{name}"));
    }

    fn path_item(&mut self, item: &mut Mapping, at: &str) {
        self.parameters(item, at);
        for verb in VERBS {
            let Some(Value::Mapping(op)) = item.get_mut(*verb) else {
                continue;
            };
            let at = format!("{at}/{verb}");
            // 3.1 made `responses` optional; 3.0 reads no responses as `{}`.
            if !op.contains_key("responses") {
                op.insert("responses".into(), Value::Mapping(Mapping::new()));
            }
            self.parameters(op, &at);
            if let Some(Value::Mapping(body)) = op.get_mut("requestBody") {
                self.content(body, &format!("{at}/requestBody"));
            }
            if let Some(Value::Mapping(responses)) = op.get_mut("responses") {
                for (status, response) in responses.iter_mut() {
                    let Some(status) = key_text(status) else {
                        continue;
                    };
                    if let Value::Mapping(r) = response {
                        self.response(r, &format!("{at}/responses/{}", escape_token(&status)));
                    }
                }
            }
        }
    }

    fn components(&mut self, components: &mut Mapping) {
        for section in [
            "schemas",
            "parameters",
            "headers",
            "responses",
            "requestBodies",
        ] {
            let Some(Value::Mapping(map)) = components.get_mut(section) else {
                continue;
            };
            for (name, node) in map.iter_mut() {
                let Some(name) = key_text(name) else { continue };
                let at = format!("/components/{section}/{}", escape_token(&name));
                match (section, node) {
                    ("schemas", s) => self.schema(s, &at),
                    ("parameters" | "headers", Value::Mapping(p)) => self.parameter(p, &at),
                    ("responses", Value::Mapping(r)) => self.response(r, &at),
                    ("requestBodies", Value::Mapping(b)) => self.content(b, &at),
                    _ => {}
                }
            }
        }
    }

    fn parameters(&mut self, owner: &mut Mapping, at: &str) {
        if let Some(Value::Sequence(list)) = owner.get_mut("parameters") {
            for (i, p) in list.iter_mut().enumerate() {
                if let Value::Mapping(p) = p {
                    self.parameter(p, &format!("{at}/parameters/{i}"));
                }
            }
        }
    }

    /// A parameter or a header.
    fn parameter(&mut self, p: &mut Mapping, at: &str) {
        if let Some(s) = p.get_mut("schema") {
            self.schema(s, &format!("{at}/schema"));
        }
        self.content(p, at);
    }

    fn response(&mut self, r: &mut Mapping, at: &str) {
        self.content(r, at);
        if let Some(Value::Mapping(headers)) = r.get_mut("headers") {
            for (name, h) in headers.iter_mut() {
                let Some(name) = key_text(name) else { continue };
                if let Value::Mapping(h) = h {
                    self.parameter(h, &format!("{at}/headers/{}", escape_token(&name)));
                }
            }
        }
    }

    fn content(&mut self, owner: &mut Mapping, at: &str) {
        let Some(Value::Mapping(content)) = owner.get_mut("content") else {
            return;
        };
        for (media, m) in content.iter_mut() {
            let Some(media) = key_text(media) else {
                continue;
            };
            if let Some(s) = m.get_mut("schema") {
                let at = format!("{at}/content/{}/schema", escape_token(&media));
                self.schema(s, &at);
            }
        }
    }
}

/// `info.summary` (new in 3.1) becomes the first paragraph of the description, which
/// the module's docs are written from.
fn info_summary(info: &mut Mapping) {
    let Some(summary) = info.remove("summary") else {
        return;
    };
    let Some(summary) = summary.as_str().map(str::trim).filter(|s| !s.is_empty()) else {
        return;
    };
    let description = match info.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{summary}\n\n{d}"),
        _ => summary.to_owned(),
    };
    info.insert("description".into(), description.into());
}
