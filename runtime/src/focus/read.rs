//! Reading a record's fields by JSON pointer from its JSON text, as raw values: a
//! number stays the text the record serialized it as.

use std::collections::HashMap;

use serde_json::value::RawValue;

/// One value read from a record.
#[derive(Debug)]
pub(super) enum Raw<'a> {
    /// `null`, or no such field.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text.
    Number(&'a str),
    /// A string, unescaped.
    String(String),
    /// An object or an array, as its JSON text.
    Composite(&'a str),
}

/// A record's top-level fields.
pub(super) struct Record<'a> {
    top: HashMap<String, &'a RawValue>,
}

impl<'a> Record<'a> {
    /// The fields of the JSON object `json`.
    pub(super) fn new(json: &'a str) -> Result<Self, String> {
        serde_json::from_str(json)
            .map(|top| Record { top })
            .map_err(|e| format!("the record is not a JSON object: {e}"))
    }

    /// The value at `pointer` (`/a/b/0`); [`Raw::Null`] where no value is.
    pub(super) fn get(&self, pointer: &str) -> Result<Raw<'a>, String> {
        let mut tokens = pointer.split('/').skip(1).map(unescape);
        let Some(first) = tokens.next() else {
            return Err("the pointer names no field".to_owned());
        };
        let Some(mut value) = self.top.get(&first).copied() else {
            return Ok(Raw::Null);
        };
        for token in tokens {
            match child(value, &token)? {
                Some(next) => value = next,
                None => return Ok(Raw::Null),
            }
        }
        classify(value)
    }
}

/// The member `token` of the object or array `value`, if there is one.
fn child<'a>(value: &'a RawValue, token: &str) -> Result<Option<&'a RawValue>, String> {
    let text = value.get().trim_start();
    if text.starts_with('{') {
        let members: HashMap<String, &'a RawValue> =
            serde_json::from_str(value.get()).map_err(|e| e.to_string())?;
        Ok(members.get(token).copied())
    } else if text.starts_with('[') {
        let items: Vec<&'a RawValue> =
            serde_json::from_str(value.get()).map_err(|e| e.to_string())?;
        Ok(token
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i).copied()))
    } else {
        Ok(None)
    }
}

/// What kind of JSON value `value` is.
fn classify(value: &RawValue) -> Result<Raw<'_>, String> {
    let text = value.get().trim();
    Ok(match text.as_bytes().first() {
        Some(b'n') | None => Raw::Null,
        Some(b't') => Raw::Bool(true),
        Some(b'f') => Raw::Bool(false),
        Some(b'"') => Raw::String(serde_json::from_str(text).map_err(|e| e.to_string())?),
        Some(b'{' | b'[') => Raw::Composite(text),
        Some(_) => Raw::Number(text),
    })
}

/// A JSON pointer token unescaped (`~1` is `/`, `~0` is `~`).
pub(super) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
