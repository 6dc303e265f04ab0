//! The parsed spec: a compact YAML tree.
//!
//! [`Value`] reads like [`serde_yaml::Value`] (same variants, same mapping semantics:
//! insertion order kept, [`Mapping::remove`] swaps the last entry in) but holds a spec
//! in 1.4-3 times its text's size where serde_yaml's tree took 6-19 times (see
//! `BENCHMARKS.md`): a node is 32 bytes, a string of up to [`Str::INLINE`] bytes is kept
//! inside it, and a mapping is one vector of pairs, looked up by scanning. Specs'
//! mappings are small; the large ones (`paths`, `components`' sections) are walked,
//! and searched only to follow a `$ref` (the `x-source` rules, a node bundling moves).
//! The typed document is read from it by value ([`Value`] is a serde `Deserializer`),
//! as it was from serde_yaml's tree, with the same errors.

use serde::de::Unexpected;
pub use serde_yaml::Number;

mod de;
mod mapping;
mod read;
mod string;

pub use mapping::{Entry, Mapping};
pub use string::Str;

/// A YAML node.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`, `~` or nothing.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or floating-point number.
    Number(Number),
    /// A string.
    String(Str),
    /// A sequence.
    Sequence(Vec<Value>),
    /// A mapping.
    Mapping(Mapping),
    /// A node with a YAML tag (`!Ref x`).
    Tagged(Box<TaggedValue>),
}

/// A tagged node: its tag and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedValue {
    /// The tag.
    pub tag: serde_yaml::value::Tag,
    /// The node tagged.
    pub value: Value,
}

/// What a [`Value`] or [`Mapping`] is indexed by: a key (text or node) or a position.
pub trait Index {
    /// Whether `key` is this key.
    fn is_key(&self, key: &Value) -> bool;
    /// The position in a sequence, when this is one.
    fn position(&self) -> Option<usize> {
        None
    }
}

impl Index for str {
    fn is_key(&self, key: &Value) -> bool {
        matches!(key, Value::String(s) if s.as_str() == self)
    }
}

impl Index for String {
    fn is_key(&self, key: &Value) -> bool {
        self.as_str().is_key(key)
    }
}

impl Index for Value {
    fn is_key(&self, key: &Value) -> bool {
        self == key
    }
}

impl Index for usize {
    fn is_key(&self, _key: &Value) -> bool {
        false
    }
    fn position(&self) -> Option<usize> {
        Some(*self)
    }
}

impl<T: Index + ?Sized> Index for &T {
    fn is_key(&self, key: &Value) -> bool {
        (**self).is_key(key)
    }
    fn position(&self) -> Option<usize> {
        (**self).position()
    }
}

impl Value {
    /// The child at `index`: a mapping's value for a key, a sequence's item at a position.
    pub fn get<I: Index>(&self, index: I) -> Option<&Value> {
        match self {
            Value::Mapping(m) => m.get(index),
            Value::Sequence(items) => index.position().and_then(|i| items.get(i)),
            Value::Tagged(t) => t.value.get(index),
            _ => None,
        }
    }

    /// The child at `index`, to change.
    pub fn get_mut<I: Index>(&mut self, index: I) -> Option<&mut Value> {
        match self {
            Value::Mapping(m) => m.get_mut(index),
            Value::Sequence(items) => index.position().and_then(|i| items.get_mut(i)),
            Value::Tagged(t) => t.value.get_mut(index),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// A boolean's value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A number as an `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The mapping, when this is one.
    pub fn as_mapping(&self) -> Option<&Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The mapping, to change.
    pub fn as_mapping_mut(&mut self) -> Option<&mut Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_sequence(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a mapping.
    pub fn is_mapping(&self) -> bool {
        matches!(self, Value::Mapping(_))
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Bytes this node holds outside itself (its strings, items and entries, all the
    /// way down), as allocated: what the tree costs beyond its root's 32 bytes.
    pub fn heap_bytes(&self) -> usize {
        match self {
            Value::String(s) => s.heap_bytes(),
            Value::Sequence(items) => {
                items.capacity() * std::mem::size_of::<Value>()
                    + items.iter().map(Value::heap_bytes).sum::<usize>()
            }
            Value::Mapping(m) => {
                m.entries.capacity() * std::mem::size_of::<(Value, Value)>()
                    + m.entries
                        .iter()
                        .map(|(k, v)| k.heap_bytes() + v.heap_bytes())
                        .sum::<usize>()
            }
            Value::Tagged(t) => std::mem::size_of::<TaggedValue>() + t.value.heap_bytes(),
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
    }

    /// What serde would be told this node is, for type errors.
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Unexpected::Unsigned(u),
                (_, Some(i), _) => Unexpected::Signed(i),
                (_, _, f) => Unexpected::Float(f.unwrap_or_default()),
            },
            Value::String(s) => Unexpected::Str(s),
            Value::Sequence(_) => Unexpected::Seq,
            Value::Mapping(_) => Unexpected::Map,
            Value::Tagged(_) => Unexpected::Enum,
        }
    }

    /// The same node as serde_yaml's tree (for the rare paths read through it).
    fn into_serde_yaml(self) -> serde_yaml::Value {
        match self {
            Value::Null => serde_yaml::Value::Null,
            Value::Bool(b) => serde_yaml::Value::Bool(b),
            Value::Number(n) => serde_yaml::Value::Number(n),
            Value::String(s) => serde_yaml::Value::String(s.into_string()),
            Value::Sequence(items) => {
                serde_yaml::Value::Sequence(items.into_iter().map(Value::into_serde_yaml).collect())
            }
            Value::Mapping(m) => serde_yaml::Value::Mapping(
                m.entries
                    .into_iter()
                    .map(|(k, v)| (k.into_serde_yaml(), v.into_serde_yaml()))
                    .collect(),
            ),
            Value::Tagged(t) => {
                serde_yaml::Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
                    tag: t.tag,
                    value: t.value.into_serde_yaml(),
                }))
            }
        }
    }

    /// The node without its tag, if it has one.
    fn untag(self) -> Value {
        match self {
            Value::Tagged(t) => t.value.untag(),
            other => other,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n.into())
    }
}

impl From<Mapping> for Value {
    fn from(m: Mapping) -> Self {
        Value::Mapping(m)
    }
}

/// A scalar's text in messages (a string as itself, a number as written).
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn a_node_is_four_words_and_short_strings_stay_inside_it() {
        assert_eq!(std::mem::size_of::<Value>(), 32);
        let short = Value::from("application/json");
        assert_eq!(short.heap_bytes(), 0);
        assert_eq!(short.as_str(), Some("application/json"));
        let long = Value::from("#/components/schemas/SimPoolStatus");
        assert_eq!(long.heap_bytes(), 34);
        assert_eq!(long.as_str(), Some("#/components/schemas/SimPoolStatus"));
        assert_eq!(
            Value::from("é".repeat(11)).as_str(),
            Some("é".repeat(11).as_str())
        );
    }

    #[test]
    fn mappings_keep_serde_yamls_order_and_removal() {
        let mut m: Mapping = serde_yaml::from_str::<Value>("{a: 1, b: 2, c: 3, d: 4}")
            .ok()
            .and_then(|v| v.as_mapping().cloned())
            .unwrap_or_default();
        m.insert("b".into(), "two".into());
        assert_eq!(m.remove("a"), Some(Value::from(1)));
        let keys: Vec<&str> = m.keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["d", "b", "c"]);
        assert_eq!(m.get("b").and_then(Value::as_str), Some("two"));
        *m.entry("e".into()).or_insert_with(|| Value::Null) = true.into();
        assert_eq!(m.get("e"), Some(&Value::Bool(true)));
    }

    #[test]
    fn duplicate_keys_are_refused_in_small_and_large_mappings() {
        let small = serde_yaml::from_str::<Value>("{a: 1, a: 2}");
        assert!(small.is_err_and(|e| e.to_string().contains("duplicate entry with key \"a\"")));
        let mut large: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(serde_yaml::from_str::<Value>(&large).is_ok());
        large.push_str("k7: again\n");
        let refused = serde_yaml::from_str::<Value>(&large);
        assert!(refused.is_err_and(|e| e.to_string().contains("duplicate entry with key \"k7\"")));
        // A number and a string of the same text are two keys.
        assert!(serde_yaml::from_str::<Value>("{1: a, '1': b}").is_ok());
    }

    #[test]
    fn the_typed_document_reads_the_same_from_either_tree() {
        let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: q, in: query, style: form, schema: {type: integer, minimum: 1}}\n      responses:\n        200: {description: ok}\n        default: {description: no}\n";
        let ours = serde_yaml::from_str::<Value>(text)
            .map_err(|e| e.to_string())
            .and_then(|v| openapiv3::OpenAPI::deserialize(v).map_err(|e| e.to_string()));
        let theirs = serde_yaml::from_str::<serde_yaml::Value>(text)
            .map_err(|e| e.to_string())
            .and_then(|v| openapiv3::OpenAPI::deserialize(v).map_err(|e| e.to_string()));
        assert_eq!(ours, theirs);
        assert!(ours.is_ok());
        let bad = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: [1]}}}}}\n";
        let ours = serde_yaml::from_str::<Value>(bad)
            .map_err(|e| e.to_string())
            .and_then(|v| openapiv3::OpenAPI::deserialize(v).map_err(|e| e.to_string()));
        let theirs = serde_yaml::from_str::<serde_yaml::Value>(bad)
            .map_err(|e| e.to_string())
            .and_then(|v| openapiv3::OpenAPI::deserialize(v).map_err(|e| e.to_string()));
        assert_eq!(ours, theirs);
        assert!(ours.is_err());
    }
}
