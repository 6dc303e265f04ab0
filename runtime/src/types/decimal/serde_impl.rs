//! `Serialize` and `Deserialize` for [`Decimal`]: the exact JSON text both ways.
//!
//! Reading, a `Decimal` asks the deserializer for the value's raw JSON text the way
//! `serde_json::value::RawValue` does (a newtype struct of serde_json's raw-value name).
//! `serde_json`'s deserializers (from a slice, a string, a reader or a `Value`) answer
//! with the text (`25.0`), so plain `serde_json::from_str` keeps every digit without
//! serde_json's `arbitrary_precision` feature; every other deserializer sees an
//! ordinary newtype and hands over the value as usual (a number as an `f64`). Writing, a
//! number decimal goes to `serde_json` as a raw value with exactly its digits.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use super::Decimal;

/// The newtype name under which `serde_json` hands over a value's raw JSON text (its
/// `RawValue` uses it; `serde_json::value::RawValue`'s own `Deserialize` is the
/// reference). A test (`plain_serde_json_keeps_the_text`) fails if it ever changes.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The key under which `serde_json` with its `arbitrary_precision` feature hands over a
/// number's text when asked for any value (through `#[serde(flatten)]` or an untagged
/// enum, say), should another crate of the program enable that feature.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl Serialize for Decimal {
    /// A string decimal is written as a JSON string; a number decimal as a JSON number
    /// with exactly its digits (`25.0` stays `25.0`), through `serde_json`'s raw values.
    /// Serializers other than `serde_json`'s get the digits as `u64`, `i64` or `f64`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.as_str();
        if !self.number {
            return serializer.serialize_str(text);
        }
        if std::any::type_name::<S>().contains("serde_json::") {
            if let Ok(raw) = serde_json::value::RawValue::from_string(text.to_owned()) {
                return raw.serialize(serializer);
            }
        }
        if let Ok(value) = text.parse::<u64>() {
            return serializer.serialize_u64(value);
        }
        if let Ok(value) = text.parse::<i64>() {
            return serializer.serialize_i64(value);
        }
        match self.to_f64() {
            Some(value) => serializer.serialize_f64(value),
            None => Err(serde::ser::Error::custom(
                "decimal number is out of the f64 range",
            )),
        }
    }
}

struct DecimalVisitor;

impl DecimalVisitor {
    /// A decimal from the exact JSON text of a value: a number's digits, or a string.
    fn from_raw<E: de::Error>(raw: &str) -> Result<Decimal, E> {
        let raw = raw.trim();
        if let Some(quoted) = raw.strip_prefix('"') {
            let text = match quoted.strip_suffix('"') {
                Some(inner) if !inner.contains('\\') => Cow::Borrowed(inner),
                _ => Cow::Owned(serde_json::from_str::<String>(raw).map_err(E::custom)?),
            };
            return Decimal::new(text.into_owned()).map_err(E::custom);
        }
        let unexpected = match raw.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => {
                let mut decimal = Decimal::new(raw).map_err(E::custom)?;
                decimal.number = true;
                return Ok(decimal);
            }
            Some(b't') => de::Unexpected::Bool(true),
            Some(b'f') => de::Unexpected::Bool(false),
            Some(b'n') => de::Unexpected::Unit,
            Some(b'[') => de::Unexpected::Seq,
            Some(b'{') => de::Unexpected::Map,
            _ => de::Unexpected::Other("a value that is not JSON"),
        };
        Err(E::invalid_type(unexpected, &DecimalVisitor))
    }

    fn number<E: de::Error>(text: String) -> Result<Decimal, E> {
        let mut decimal = Decimal::new(text).map_err(E::custom)?;
        decimal.number = true;
        Ok(decimal)
    }
}

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number as a JSON number or string")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Decimal, D::Error> {
        inner.deserialize_any(DecimalVisitor)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        if map.next_key_seed(RawKey)? == Some(true) {
            let raw = map.next_value::<Cow<'de, str>>()?;
            return DecimalVisitor::from_raw(&raw);
        }
        Err(de::Error::invalid_type(de::Unexpected::Map, &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Decimal, E> {
        Decimal::new(value).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Decimal, E> {
        DecimalVisitor::number(value.to_string())
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Decimal, E> {
        DecimalVisitor::number(value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        Decimal::from_f64(value).ok_or_else(|| E::custom("decimal number is not finite"))
    }
}

/// Reads a map's key: whether it is one under which `serde_json` hands over raw text,
/// compared where it lies (serde_json hands its token over as a `&str` to copy).
struct RawKey;

impl<'de> de::DeserializeSeed<'de> for RawKey {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for RawKey {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == RAW_VALUE_TOKEN || key == NUMBER_TOKEN)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// From `serde_json` (any of its deserializers, the client's included), the exact
    /// JSON text: `25.0` stays `25.0`. From other deserializers, a number arrives as
    /// the deserializer gives it (an `f64` is kept as its shortest text).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
    }
}
