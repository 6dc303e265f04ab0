//! A 3.1 schema (JSON Schema 2020-12) rewritten to the 3.0 form, node by node:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `true` / `false` as a schema | `{}` / `{not: {}}` |
//! | `$ref` with siblings | `allOf: [{$ref}]` beside the siblings (the reference gives the type, a sibling `description` the docs) |
//! | `type: [T, "null"]` | `type: T`, `nullable: true` (`[integer, number]` is `number`) |
//! | `type: "null"` | no `type`, `nullable: true` (any value, or the null branch of a `oneOf`) |
//! | `type: [A, B]` | `anyOf: [{type: A, ...}, {type: B, ...}]`, each with its type's keywords |
//! | `const: X` | `enum: [X]` |
//! | `examples: [a, ...]` | `example: a` |
//! | `exclusiveMinimum: 5` | `minimum: 5`, `exclusiveMinimum: true` (the stricter of it and `minimum`) |
//! | `contentEncoding: base64` on a string | `format: byte` |
//! | `contentMediaType` (not JSON, not text) on a string without an encoding | `format: binary` |
//! | `unevaluatedProperties` | `additionalProperties` when that is absent |
//! | `prefixItems: [A, B]` | `items: {anyOf: [A, B]}` (with a warning), or `items: A` when all are `A` |
//! | `items: true` / `items: false` | `items: {}` / no `items` |

use crate::yaml::{Mapping, Value};

use super::Downgrade;
use crate::diagnostics::escape_token;

/// The keywords that apply to one JSON type only, by type, for splitting a schema of
/// several types into one branch per type.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "string",
        &[
            "minLength",
            "maxLength",
            "pattern",
            "contentEncoding",
            "contentMediaType",
        ],
    ),
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    (
        "integer",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    (
        "array",
        &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
        ],
    ),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "unevaluatedProperties",
            "minProperties",
            "maxProperties",
        ],
    ),
];

/// The `format`s that belong to numbers when a schema has several types.
const NUMBER_FORMATS: &[&str] = &["int32", "int64", "float", "double", "decimal"];

impl Downgrade<'_> {
    /// Rewrites the schema `node` at `at` and every schema in it.
    pub(super) fn schema(&mut self, node: &mut Value, at: &str) {
        match node {
            Value::Bool(true) => *node = Value::Mapping(Mapping::new()),
            Value::Bool(false) => {
                let mut not = Mapping::new();
                not.insert("not".into(), Value::Mapping(Mapping::new()));
                *node = Value::Mapping(not);
            }
            Value::Mapping(map) => {
                self.ref_siblings(map, at);
                self.type_list(map, at);
                self.constant(map, at);
                self.examples(map, at);
                self.exclusive_bounds(map, at);
                self.encoded(map, at);
                self.unevaluated(map, at);
                self.prefix_items(map, at);
                self.children(map, at);
            }
            _ => {}
        }
    }

    fn children(&mut self, map: &mut Mapping, at: &str) {
        for key in ["items", "not", "additionalProperties"] {
            match map.get_mut(key) {
                Some(s @ Value::Mapping(_)) => self.schema(s, &format!("{at}/{key}")),
                Some(s @ Value::Bool(_)) if key != "additionalProperties" => {
                    self.schema(s, &format!("{at}/{key}"))
                }
                _ => {}
            }
        }
        for key in ["properties", "$defs"] {
            if let Some(Value::Mapping(props)) = map.get_mut(key) {
                for (name, s) in props.iter_mut() {
                    let Some(name) = super::key_text(name) else {
                        continue;
                    };
                    self.schema(s, &format!("{at}/{key}/{}", escape_token(&name)));
                }
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Sequence(list)) = map.get_mut(key) {
                for (i, s) in list.iter_mut().enumerate() {
                    self.schema(s, &format!("{at}/{key}/{i}"));
                }
            }
        }
    }

    /// `$ref` beside other keywords: in 3.1 both apply, in 3.0 the siblings are ignored.
    /// The reference becomes a part of an `allOf`, which lowering reads as the referenced
    /// type when the siblings only describe it.
    fn ref_siblings(&mut self, map: &mut Mapping, at: &str) {
        if map.len() < 2 || !map.contains_key("$ref") {
            return;
        }
        let Some(reference) = map.remove("$ref") else {
            return;
        };
        let mut part = Mapping::new();
        part.insert("$ref".into(), reference);
        let all_of = map
            .entry("allOf".into())
            .or_insert_with(|| Value::Sequence(Vec::new()));
        if let Value::Sequence(parts) = all_of {
            self.out
                .moved(format!("{at}/allOf/{}", parts.len()), at.to_owned());
            parts.push(Value::Mapping(part));
        } else {
            // `allOf` that is not a list is refused by typing; the reference is kept.
            map.insert("$ref".into(), part.remove("$ref").unwrap_or_default());
        }
    }

    /// `type` as a list: `null` in it makes the schema nullable, one other type is the
    /// type, several are an `anyOf` of one branch per type.
    fn type_list(&mut self, map: &mut Mapping, at: &str) {
        if map.get("type").and_then(Value::as_str) == Some("null") {
            // Only null: 3.0 has no such type, but a schema of no type that is
            // nullable reads the same (any value, or a null branch of a `oneOf`).
            map.remove("type");
            map.insert("nullable".into(), true.into());
            return;
        }
        let Some(Value::Sequence(types)) = map.get("type") else {
            return;
        };
        let mut names: Vec<String> = Vec::new();
        for t in types {
            match t.as_str() {
                Some(name) if !names.iter().any(|n| n == name) => names.push(name.to_owned()),
                Some(_) => {}
                None => {
                    self.sink.warn(
                        &format!("{at}/type"),
                        "`type` lists something that is not a type name: the value is any JSON value",
                    );
                    map.remove("type");
                    return;
                }
            }
        }
        let nullable = names.iter().any(|n| n == "null");
        names.retain(|n| n != "null");
        if names.iter().any(|n| n == "number") {
            names.retain(|n| n != "integer");
        }
        if nullable {
            map.insert("nullable".into(), true.into());
        }
        match names.as_slice() {
            [] => {
                map.remove("type");
            }
            [one] => {
                map.insert("type".into(), one.as_str().into());
            }
            several => {
                let several = several.to_vec();
                self.split_types(map, &several, at);
            }
        }
    }

    fn split_types(&mut self, map: &mut Mapping, types: &[String], at: &str) {
        let key = ["anyOf", "oneOf"]
            .into_iter()
            .find(|k| !map.contains_key(*k));
        let Some(key) = key else {
            self.sink.warn(
                &format!("{at}/type"),
                format!(
                    "a schema of several types that already has `anyOf` and `oneOf`: it is read as `type: {}`",
                    types[0]
                ),
            );
            map.insert("type".into(), types[0].as_str().into());
            return;
        };
        map.remove("type");
        let format = map.remove("format");
        let mut branches = Vec::new();
        for (i, t) in types.iter().enumerate() {
            let mut branch = Mapping::new();
            branch.insert("type".into(), t.as_str().into());
            let own = TYPE_KEYWORDS
                .iter()
                .find(|(name, _)| name == t)
                .map_or(&[][..], |(_, keys)| *keys);
            for k in own {
                // A keyword two branches share (a number's `minimum` for `integer`
                // too) is copied; it leaves the schema below.
                if let Some(v) = map.get(*k) {
                    branch.insert((*k).into(), v.clone());
                }
            }
            if let Some(Value::String(f)) = &format {
                let numeric = NUMBER_FORMATS.contains(&f.as_str());
                let fits = match t.as_str() {
                    "string" => !numeric,
                    "number" | "integer" => numeric,
                    _ => false,
                };
                if fits {
                    branch.insert("format".into(), f.as_str().into());
                }
            }
            self.out.moved(format!("{at}/{key}/{i}"), at.to_owned());
            branches.push(Value::Mapping(branch));
        }
        for (t, keys) in TYPE_KEYWORDS {
            if types.iter().any(|name| name == t) {
                for k in *keys {
                    map.remove(*k);
                }
            }
        }
        map.insert(key.into(), Value::Sequence(branches));
    }

    /// `const: X` is the enum of one value, as 3.0 writes a constant.
    fn constant(&mut self, map: &mut Mapping, at: &str) {
        let Some(value) = map.remove("const") else {
            return;
        };
        // Beside an `enum`, `const` is the stricter: the one value allowed.
        map.insert("enum".into(), Value::Sequence(vec![value]));
        self.out
            .moved(format!("{at}/enum/0"), format!("{at}/const"));
        self.out.moved(format!("{at}/enum"), format!("{at}/const"));
    }

    /// `examples` (a list in a 3.1 schema) gives its first value as `example`.
    fn examples(&mut self, map: &mut Mapping, at: &str) {
        if !matches!(map.get("examples"), Some(Value::Sequence(_))) {
            return;
        }
        let Some(Value::Sequence(mut list)) = map.remove("examples") else {
            return;
        };
        if list.is_empty() || map.contains_key("example") {
            return;
        }
        map.insert("example".into(), list.swap_remove(0));
        self.out
            .moved(format!("{at}/example"), format!("{at}/examples/0"));
    }

    /// `exclusiveMinimum: 5` (a number in 3.1, a flag on `minimum` in 3.0), and
    /// likewise `exclusiveMaximum`; the stricter of it and `minimum` is kept.
    fn exclusive_bounds(&mut self, map: &mut Mapping, at: &str) {
        for (exclusive, bound, stricter) in [
            ("exclusiveMinimum", "minimum", 1.0),
            ("exclusiveMaximum", "maximum", -1.0),
        ] {
            let Some(Value::Number(limit)) = map.get(exclusive).cloned() else {
                continue;
            };
            let limit_f = limit.as_f64().unwrap_or(0.0);
            let inclusive = map.get(bound).and_then(Value::as_f64);
            match inclusive {
                // `minimum: 7` is stricter than `exclusiveMinimum: 5`.
                Some(b) if (b - limit_f) * stricter > 0.0 => {
                    map.remove(exclusive);
                }
                _ => {
                    map.insert(bound.into(), Value::Number(limit));
                    map.insert(exclusive.into(), true.into());
                    self.out
                        .moved(format!("{at}/{bound}"), format!("{at}/{exclusive}"));
                }
            }
        }
    }

    /// `contentEncoding` and `contentMediaType` on a string: base64 is bytes
    /// (`format: byte`), a media type that is neither JSON nor text is raw bytes
    /// (`format: binary`), as 3.0 writes them.
    fn encoded(&mut self, map: &mut Mapping, at: &str) {
        let encoding = map.remove("contentEncoding");
        let media = map.remove("contentMediaType");
        if encoding.is_none() && media.is_none() {
            return;
        }
        let string = matches!(
            map.get("type").and_then(Value::as_str),
            Some("string") | None
        );
        let format = match encoding.as_ref().map(|e| e.as_str().unwrap_or_default()) {
            Some(e) if e.eq_ignore_ascii_case("base64") => Some(("byte", "contentEncoding")),
            Some(e) => {
                self.sink.warn(
                    &format!("{at}/contentEncoding"),
                    format!("`contentEncoding: {e}` is not decoded: the value is the encoded text"),
                );
                None
            }
            None => {
                let media = media.as_ref().and_then(Value::as_str).unwrap_or_default();
                let text = media.starts_with("text/") || crate::media::is_json(media);
                (!text).then_some(("binary", "contentMediaType"))
            }
        };
        if let Some((format, from)) = format.filter(|_| string && !map.contains_key("format")) {
            map.insert("format".into(), format.into());
            self.out
                .moved(format!("{at}/format"), format!("{at}/{from}"));
        }
    }

    /// `unevaluatedProperties` is `additionalProperties` to a generator: `false` closes
    /// the object, a schema types the other members.
    fn unevaluated(&mut self, map: &mut Mapping, at: &str) {
        let Some(value) = map.remove("unevaluatedProperties") else {
            return;
        };
        if map.contains_key("additionalProperties") || value == Value::Bool(true) {
            return;
        }
        map.insert("additionalProperties".into(), value);
        self.out.moved(
            format!("{at}/additionalProperties"),
            format!("{at}/unevaluatedProperties"),
        );
    }

    /// `prefixItems` types each position of an array; a Rust `Vec` has one item type,
    /// so the items are read as one of the positions' types (the type itself when all
    /// are the same). `items` beside it types the items after those.
    fn prefix_items(&mut self, map: &mut Mapping, at: &str) {
        let Some(prefix) = map.remove("prefixItems") else {
            match map.get("items") {
                Some(Value::Bool(false)) => {
                    map.remove("items");
                }
                Some(Value::Bool(true)) => {
                    map.insert("items".into(), Value::Mapping(Mapping::new()));
                }
                _ => {}
            }
            return;
        };
        let Value::Sequence(mut members) = prefix else {
            return;
        };
        let rest = map.remove("items");
        let from_rest = matches!(rest, Some(Value::Mapping(_)));
        if let Some(rest @ Value::Mapping(_)) = rest {
            members.push(rest);
        }
        if members.is_empty() {
            return;
        }
        if !map.contains_key("type") {
            map.insert("type".into(), "array".into());
        }
        if members.iter().all(|m| *m == members[0]) {
            map.insert("items".into(), members.swap_remove(0));
            self.out
                .moved(format!("{at}/items"), format!("{at}/prefixItems/0"));
            return;
        }
        let n = members.len();
        for i in 0..n {
            let was = if from_rest && i == n - 1 {
                format!("{at}/items")
            } else {
                format!("{at}/prefixItems/{i}")
            };
            self.out.moved(format!("{at}/items/anyOf/{i}"), was);
        }
        let mut items = Mapping::new();
        items.insert("anyOf".into(), Value::Sequence(members));
        map.insert("items".into(), Value::Mapping(items));
        self.sink.warn(
            &format!("{at}/prefixItems"),
            "`prefixItems` gives each position of the array its own type: the generated code reads every item as one of them",
        );
    }
}
