//! What a serde type accepts, asked of the type itself: the variants of a tagged enum
//! and the fields of a struct with `deny_unknown_fields`. Serde names the variants or
//! fields it would have accepted when it meets another; a probe feeds it a name no type
//! has and keeps that list. The lists of `x-auth-scheme` kinds and settings and of
//! `x-pagination` keys ([`crate::extensions`]) are read this way, so they cannot drift
//! from the types lowering reads the spec into.

use serde::de::value::MapDeserializer;
use serde::de::{DeserializeOwned, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// A key no type declares.
const UNKNOWN: &str = "\u{1}probe";

/// An error that keeps only the variants or fields a deserializer would have accepted.
#[derive(Debug)]
struct Accepted(&'static [&'static str]);

impl std::fmt::Display for Accepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "expected one of {}", self.0.join(", "))
    }
}

impl std::error::Error for Accepted {}

impl serde::de::Error for Accepted {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Accepted(&[])
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Accepted(expected)
    }

    fn unknown_field(_: &str, expected: &'static [&'static str]) -> Self {
        Accepted(expected)
    }
}

/// A value of a probe: a string, or a mapping holding only a key no type declares.
#[derive(Clone, Copy)]
enum Probe {
    /// A string.
    Text(&'static str),
    /// `{UNKNOWN: ""}`.
    Unknown,
}

impl<'de> IntoDeserializer<'de, Accepted> for Probe {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Probe {
    type Error = Accepted;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Accepted> {
        match self {
            Probe::Text(text) => visitor.visit_borrowed_str(text),
            Probe::Unknown => visitor.visit_map(MapDeserializer::new(std::iter::once((
                UNKNOWN,
                Probe::Text(""),
            )))),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

/// What `T` accepted when given the mapping `entries`: the names serde listed on
/// meeting the unknown one, or nothing.
fn accepted<T: DeserializeOwned>(entries: &[(&'static str, Probe)]) -> &'static [&'static str] {
    let probe = MapDeserializer::<_, Accepted>::new(entries.iter().copied());
    match T::deserialize(probe) {
        Err(Accepted(names)) => names,
        Ok(_) => &[],
    }
}

/// The variants of the enum `T`, internally tagged by `tag`, as it spells them.
pub(crate) fn variants<T: DeserializeOwned>(tag: &'static str) -> &'static [&'static str] {
    accepted::<T>(&[(tag, Probe::Text(UNKNOWN))])
}

/// The keys `T` (tagged `tag: value`, or untagged when `tag` is empty) takes: each
/// field, and each key of a field that is itself a struct, as `field.key`.
pub(crate) fn keys<T: DeserializeOwned>(tag: &'static str, value: &'static str) -> Vec<String> {
    let with = |entry: (&'static str, Probe)| {
        let mut entries = Vec::new();
        if !tag.is_empty() {
            entries.push((tag, Probe::Text(value)));
        }
        entries.push(entry);
        entries
    };
    let mut keys = Vec::new();
    for &field in accepted::<T>(&with((UNKNOWN, Probe::Text("")))) {
        if field == tag {
            continue;
        }
        keys.push(field.to_owned());
        for &inner in accepted::<T>(&with((field, Probe::Unknown))) {
            keys.push(format!("{field}.{inner}"));
        }
    }
    keys
}
