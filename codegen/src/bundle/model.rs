//! The OpenAPI object model, as far as references need it: what kind of object a place
//! in the document is, and every `$ref` with the kind of object it stands for.

use crate::yaml::Value;

use super::{Section, Site};
use crate::diagnostics::escape_token;

/// The kind of object at `tokens` in the OpenAPI object model, if it is one a `$ref`
/// may stand for.
pub(super) fn model_section(tokens: &[String]) -> Option<Section> {
    #[derive(Clone, Copy)]
    enum S {
        Root,
        Paths,
        PathItem,
        Operation,
        ParamList,
        Parameter,
        RequestBody,
        Responses,
        Response,
        Headers,
        Content,
        Media,
        Examples,
        Example,
        Components,
        Section(Section),
        Schema,
        Properties,
        SchemaList,
        Other,
    }
    let mut state = S::Root;
    for t in tokens {
        let t = t.as_str();
        state = match (state, t) {
            (S::Root, "paths") => S::Paths,
            (S::Root, "components") => S::Components,
            (S::Paths, _) => S::PathItem,
            (S::PathItem | S::Operation, "parameters") => S::ParamList,
            (
                S::PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace",
            ) => S::Operation,
            (S::Operation, "requestBody") => S::RequestBody,
            (S::Operation, "responses") => S::Responses,
            (S::ParamList, _) => S::Parameter,
            (S::Parameter, "schema") | (S::Media, "schema") => S::Schema,
            (S::Parameter | S::RequestBody | S::Response, "content") => S::Content,
            (S::Parameter | S::Media, "examples") => S::Examples,
            (S::Responses, _) => S::Response,
            (S::Response, "headers") => S::Headers,
            (S::Headers, _) => S::Parameter,
            (S::Content, _) => S::Media,
            (S::Examples, _) => S::Example,
            (S::Components, section) => match Section::of_key(section) {
                Some(s) => S::Section(s),
                None => S::Other,
            },
            (S::Section(Section::Schemas), _) => S::Schema,
            (S::Section(Section::Parameters | Section::Headers), _) => S::Parameter,
            (S::Section(Section::Responses), _) => S::Response,
            (S::Section(Section::RequestBodies), _) => S::RequestBody,
            (S::Section(Section::Examples), _) => S::Example,
            (S::Section(_), _) => S::Other,
            // `$defs` (JSON Schema 2020-12, in OpenAPI 3.1) holds schemas by name, as
            // `definitions` did in earlier drafts (some 3.0 specs keep it).
            (S::Schema, "properties" | "$defs" | "definitions") => S::Properties,
            (S::Schema, "items" | "not" | "additionalProperties") => S::Schema,
            (S::Schema, "allOf" | "oneOf" | "anyOf") => S::SchemaList,
            (S::Properties | S::SchemaList, _) => S::Schema,
            _ => S::Other,
        };
    }
    match (state, tokens.iter().rev().nth(1).map(String::as_str)) {
        (S::Schema, _) => Some(Section::Schemas),
        (S::Parameter, Some("headers")) => Some(Section::Headers),
        (S::Parameter, _) => Some(Section::Parameters),
        (S::Response, _) => Some(Section::Responses),
        (S::RequestBody, _) => Some(Section::RequestBodies),
        (S::Example, _) => Some(Section::Examples),
        (S::Section(_) | S::Other | S::PathItem | S::Operation, _) => Some(Section::Other),
        _ => None,
    }
}

/// Every `$ref` in `value` (an object of kind `section` at `pointer`, `Other` for the
/// document root), with the kind of object each stands for.
pub(super) fn refs(value: &Value, pointer: &str, section: Section, out: &mut Vec<Site>) {
    let walk = Walk { out };
    let mut walk = walk;
    match section {
        Section::Other if pointer.is_empty() => walk.document(value),
        Section::Other => {}
        s => walk.object(value, pointer, s),
    }
}

/// Every `$ref` in the path item `item` at `pointer`, with the kind of object each
/// stands for.
pub(super) fn path_item_refs(item: &Value, pointer: &str, out: &mut Vec<Site>) {
    Walk { out }.path_item(item, pointer);
}

struct Walk<'o> {
    out: &'o mut Vec<Site>,
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn entries(value: &Value) -> impl Iterator<Item = (String, &Value)> {
    value
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(k, v)| (key_text(k), v))
}

impl Walk<'_> {
    fn document(&mut self, root: &Value) {
        for (path, item) in entries(root.get("paths").unwrap_or(&Value::Null)) {
            self.path_item(item, &format!("/paths/{}", escape_token(&path)));
        }
        let components = root.get("components").unwrap_or(&Value::Null);
        for (key, map) in entries(components) {
            let Some(section) = Section::of_key(&key) else {
                continue;
            };
            for (name, item) in entries(map) {
                let at = format!("/components/{key}/{}", escape_token(&name));
                self.object(item, &at, section);
            }
        }
    }

    /// A path item's parameters and operations (a path item that is a `$ref` is copied
    /// in before this walk: `Bundler::path_items`).
    fn path_item(&mut self, item: &Value, at: &str) {
        self.list(
            item.get("parameters"),
            &format!("{at}/parameters"),
            Section::Parameters,
        );
        for (verb, op) in entries(item) {
            if ![
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&verb.as_str())
            {
                continue;
            }
            let at = format!("{at}/{verb}");
            self.list(
                op.get("parameters"),
                &format!("{at}/parameters"),
                Section::Parameters,
            );
            if let Some(body) = op.get("requestBody") {
                self.object(body, &format!("{at}/requestBody"), Section::RequestBodies);
            }
            for (status, r) in entries(op.get("responses").unwrap_or(&Value::Null)) {
                self.object(
                    r,
                    &format!("{at}/responses/{}", escape_token(&status)),
                    Section::Responses,
                );
            }
        }
    }

    fn list(&mut self, list: Option<&Value>, at: &str, section: Section) {
        if let Some(items) = list.and_then(Value::as_sequence) {
            for (i, item) in items.iter().enumerate() {
                self.object(item, &format!("{at}/{i}"), section);
            }
        }
    }

    fn map(&mut self, map: Option<&Value>, at: &str, section: Section) {
        for (name, item) in entries(map.unwrap_or(&Value::Null)) {
            self.object(item, &format!("{at}/{}", escape_token(&name)), section);
        }
    }

    /// An object of kind `section`, which may be a `$ref`.
    fn object(&mut self, value: &Value, at: &str, section: Section) {
        if let Some(target) = value.get("$ref").and_then(Value::as_str) {
            self.out.push(Site {
                pointer: at.to_owned(),
                section,
                target: target.to_owned(),
            });
            return;
        }
        match section {
            Section::Schemas => self.schema(value, at),
            Section::Parameters | Section::Headers => {
                if let Some(s) = value.get("schema") {
                    self.object(s, &format!("{at}/schema"), Section::Schemas);
                }
                self.content(value, at);
                self.map(
                    value.get("examples"),
                    &format!("{at}/examples"),
                    Section::Examples,
                );
            }
            Section::RequestBodies => self.content(value, at),
            Section::Responses => {
                self.content(value, at);
                self.map(
                    value.get("headers"),
                    &format!("{at}/headers"),
                    Section::Headers,
                );
            }
            Section::Examples | Section::SecuritySchemes | Section::Other => {}
        }
    }

    fn content(&mut self, value: &Value, at: &str) {
        for (media, m) in entries(value.get("content").unwrap_or(&Value::Null)) {
            let at = format!("{at}/content/{}", escape_token(&media));
            if let Some(s) = m.get("schema") {
                self.object(s, &format!("{at}/schema"), Section::Schemas);
            }
            self.map(
                m.get("examples"),
                &format!("{at}/examples"),
                Section::Examples,
            );
        }
    }

    fn schema(&mut self, value: &Value, at: &str) {
        for key in ["items", "not"] {
            if let Some(s) = value.get(key) {
                self.object(s, &format!("{at}/{key}"), Section::Schemas);
            }
        }
        if let Some(s) = value.get("additionalProperties").filter(|v| v.is_mapping()) {
            self.object(s, &format!("{at}/additionalProperties"), Section::Schemas);
        }
        for key in ["properties", "$defs", "definitions"] {
            self.map(value.get(key), &format!("{at}/{key}"), Section::Schemas);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            self.list(value.get(key), &format!("{at}/{key}"), Section::Schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::tree::{join, percent_decode, split_pointer};

    fn strings(tokens: &[&str]) -> Vec<String> {
        tokens.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn the_object_model_tells_what_a_node_is() {
        let cases: &[(&[&str], Option<Section>)] = &[
            (
                &["components", "schemas", "A", "definitions", "B"],
                Some(Section::Schemas),
            ),
            (
                &["paths", "/a", "get", "responses", "default"],
                Some(Section::Responses),
            ),
            (
                &["paths", "/a", "get", "parameters", "0"],
                Some(Section::Parameters),
            ),
            (
                &["paths", "/a", "parameters", "1"],
                Some(Section::Parameters),
            ),
            (
                &[
                    "paths",
                    "/a",
                    "get",
                    "responses",
                    "200",
                    "headers",
                    "X-Rate",
                ],
                Some(Section::Headers),
            ),
            (
                &[
                    "paths",
                    "/a",
                    "get",
                    "responses",
                    "200",
                    "content",
                    "application/json",
                    "schema",
                    "allOf",
                    "0",
                    "properties",
                    "items",
                    "items",
                ],
                Some(Section::Schemas),
            ),
            (
                &["components", "schemas", "Pet", "properties", "owner"],
                Some(Section::Schemas),
            ),
            (
                &["paths", "/a", "get", "requestBody"],
                Some(Section::RequestBodies),
            ),
            (&["paths", "/a"], Some(Section::Other)),
        ];
        for (tokens, want) in cases {
            assert_eq!(model_section(&strings(tokens)), *want, "{tokens:?}");
        }
    }

    #[test]
    fn paths_join_and_normalize() {
        assert_eq!(
            join("specs/api.yaml", "./schemas/Pet.yaml"),
            "specs/schemas/Pet.yaml"
        );
        assert_eq!(join("specs/a/b.yaml", "../c.yaml"), "specs/c.yaml");
        assert_eq!(join("api.yaml", "x.yaml"), "x.yaml");
        assert_eq!(join("api.yaml", "../x.yaml"), "../x.yaml");
    }

    #[test]
    fn fragments_are_decoded() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(
            split_pointer("/paths/~1a~1{id}/get"),
            Some(strings(&["paths", "/a/{id}", "get"]))
        );
    }
}
