//! Reading the tree from text (through any serde parser: serde_yaml, serde_json).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{scalar_text, Mapping, TaggedValue, Value};

/// Mappings with more entries than this check their keys for duplicates with a set
/// rather than by scanning.
const SCAN_LIMIT: usize = 16;

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

/// Builds a [`Value`] from a parser's events. An integer too large for 64 bits
/// (`18446744073709552000`) becomes the nearest floating-point number instead of failing
/// the whole document as malformed; a duplicate key is an error; every vector is cut to
/// its length.
struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Number((v as f64).into()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Number((v as f64).into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        items.shrink_to_fit();
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(Value, Value)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        // Once the mapping is large: the keys seen, by kind and text.
        let mut seen: Option<HashSet<(bool, String)>> = None;
        while let Some(key) = map.next_key::<Value>()? {
            let duplicate = match &mut seen {
                Some(seen) => !seen.insert(key_id(&key)),
                None => {
                    let found = entries.iter().any(|(k, _)| *k == key);
                    if !found && entries.len() >= SCAN_LIMIT {
                        let ids = entries.iter().map(|(k, _)| key_id(k));
                        seen = Some(ids.chain([key_id(&key)]).collect());
                    }
                    found
                }
            };
            if duplicate {
                let key = match &key {
                    Value::String(s) => format!("with key {s:?}"),
                    other => format!("with key {}", scalar_text(other)),
                };
                return Err(de::Error::custom(format_args!("duplicate entry {key}")));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        entries.shrink_to_fit();
        Ok(Value::Mapping(Mapping { entries }))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, contents): (String, _) = data.variant()?;
        let value = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// A key's kind (string or not) and text, for finding duplicates.
fn key_id(key: &Value) -> (bool, String) {
    (key.is_string(), scalar_text(key))
}
