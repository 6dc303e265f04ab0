//! [`Tap`], the top-level wrapper when a 2xx body can report a failure: the envelope's
//! properties, read on the way.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::envelope::SuccessKeys;

/// The top-level deserializer when the envelope looks into 2xx bodies: passes every
/// call through to `inner`, and a map at the top copies the properties named in `keys` into `captured`.
pub(super) struct Tap<'k, 'c, D> {
    pub(super) inner: D,
    pub(super) keys: &'k SuccessKeys,
    pub(super) captured: &'c mut Map<String, Value>,
}

macro_rules! forward_tap {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method(visitor)
        }
    )*};
}

impl<'de, D> Deserializer<'de> for Tap<'_, '_, D>
where
    D: Deserializer<'de, Error = serde_json::Error>,
{
    type Error = serde_json::Error;

    forward_tap! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_option
        deserialize_unit deserialize_seq deserialize_identifier
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_any(TapVisitor {
            inner: visitor,
            keys: self.keys,
            captured: self.captured,
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_map(TapVisitor {
            inner: visitor,
            keys: self.keys,
            captured: self.captured,
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // An ignored body is still read for the envelope's properties.
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_struct(
            name,
            fields,
            TapVisitor {
                inner: visitor,
                keys: self.keys,
                captured: self.captured,
            },
        )
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_enum(name, variants, visitor)
    }
}

/// The top-level visitor of a [`Tap`]: a map is handed on wrapped in [`TapMap`].
struct TapVisitor<'k, 'c, V> {
    inner: V,
    keys: &'k SuccessKeys,
    captured: &'c mut Map<String, Value>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TapVisitor<'_, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_scalar_visits!(inner);

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(inner)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(inner)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(TapMap {
            inner: map,
            keys: self.keys,
            captured: self.captured,
            current: None,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// The top-level map of a [`Tap`]: reads each key itself, and the value of a tapped key
/// as a JSON value (kept), then hands both on.
struct TapMap<'k, 'c, A> {
    inner: A,
    keys: &'k SuccessKeys,
    captured: &'c mut Map<String, Value>,
    /// The key just read, when it is one to capture.
    current: Option<String>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TapMap<'_, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key_seed(crate::wire::KeySeed)? else {
            return Ok(None);
        };
        self.current = self.keys.contains(&key).then(|| key.clone().into_owned());
        match key {
            Cow::Borrowed(key) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(key))
                .map(Some),
            Cow::Owned(key) => seed
                .deserialize(de::value::StringDeserializer::new(key))
                .map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.current.take() {
            None => self.inner.next_value_seed(seed),
            Some(key) => {
                let value: Value = self.inner.next_value()?;
                let result = seed.deserialize(value.clone()).map_err(de::Error::custom);
                self.captured.insert(key, value);
                result
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}
