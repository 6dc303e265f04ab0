//! `Serialize` and `Deserialize` for generated structs, written by [`wire_struct!`](crate::wire_struct).
//!
//! `#[derive(serde::Serialize, serde::Deserialize)]` writes, for every struct, a field
//! enum with its own visitor (three `visit_*` methods), a visitor reading the struct
//! from a sequence and another reading it from a map, and a serializer that counts its
//! fields: about 250 lines of expanded code for a struct of ten fields, type checked in
//! every generated crate. Generated structs need only the map forms, so
//! [`wire_struct!`](crate::wire_struct) writes one `visit_map` whose arms and endings call the small generic
//! functions here, which the compiler checks once, in this crate.
//!
//! What a generated struct accepts and writes is what the derive's did with
//! `#[serde(rename = "…")]` on every field and
//! `#[serde(default, skip_serializing_if = "Option::is_none")]` on the optional ones:
//! unknown keys are skipped, a repeated key is an error (`duplicate field`), a missing
//! required key is an error (`missing field`) unless its type reads a missing value
//! (an `Option`, which is then `None`), an optional field that is `None` is left out
//! when serializing. The one difference: a struct is no longer read from a JSON array
//! of its fields' values in order, which no API sends.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct};

/// Writes `Serialize` and `Deserialize` for a generated struct from its fields' wire
/// names; a field is `optional` (an `Option` left out when `None`, absent or `null`
/// read as `None`) or `required`.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// pub struct Bill {
///     pub total: Option<i64>,
///     pub items: Vec<String>,
/// }
///
/// meterage_runtime::wire_struct!(Bill {
///     total: "Total" optional,
///     items: "Items" required,
/// });
///
/// let bill: Bill = serde_json::from_str(r#"{"Items": ["a"], "Other": 1}"#).unwrap();
/// assert_eq!(bill, Bill { total: None, items: vec!["a".into()] });
/// assert_eq!(serde_json::to_string(&bill).unwrap(), r#"{"Items":["a"]}"#);
/// let missing = serde_json::from_str::<Bill>("{}").unwrap_err();
/// assert!(missing.to_string().starts_with("missing field `Items`"));
/// ```
#[macro_export]
macro_rules! wire_struct {
    // The generic parameters and the visitor have names no generated type takes, so
    // a struct called `A` or `Fields` is not shadowed inside the impls.
    ($name:ident { $($field:ident : $wire:literal $mode:ident),* $(,)? }) => {
        impl $crate::serde::Serialize for $name {
            fn serialize<__S: $crate::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                // `mut` is unused for a struct without fields.
                #[allow(unused_mut)]
                let mut out = $crate::wire::start(
                    serializer,
                    stringify!($name),
                    0 $(+ $crate::wire::$mode::count(&self.$field))*,
                )?;
                $($crate::wire::$mode::put(&mut out, $wire, &self.$field)?;)*
                $crate::serde::ser::SerializeStruct::end(out)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                struct __Fields;
                impl<'de> $crate::serde::de::Visitor<'de> for __Fields {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<__A: $crate::serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> ::core::result::Result<$name, __A::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        while let ::core::option::Option::Some(key) = $crate::wire::key(&mut map)? {
                            match &*key {
                                $($wire => $crate::wire::take(&mut map, &mut $field, $wire)?,)*
                                _ => $crate::wire::skip(&mut map)?,
                            }
                        }
                        ::core::result::Result::Ok($name {
                            $($field: $crate::wire::$mode::finish::<__A::Error, _>($field, $wire)?,)*
                        })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), &[$($wire),*], __Fields)
            }
        }
    };
}

/// Starts serializing a struct of `len` present fields.
#[doc(hidden)]
pub fn start<S: serde::Serializer>(
    serializer: S,
    name: &'static str,
    len: usize,
) -> Result<S::SerializeStruct, S::Error> {
    serializer.serialize_struct(name, len)
}

/// Reads the next key of a map, borrowed from the input where the input allows.
#[doc(hidden)]
pub fn key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Cow<'de, str>>, A::Error> {
    map.next_key_seed(KeySeed)
}

/// Reads the value of field `name` into its slot; a second value is an error.
#[doc(hidden)]
pub fn take<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the struct does not have.
#[doc(hidden)]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of a closed enum whose wire values are `values` and whose variants, in the
/// same order, are `all`; an unlisted value is an error naming the enum `name` and
/// what it lists.
///
/// # Errors
///
/// `value` is none of `values`.
#[doc(hidden)]
pub fn parse_enum<T: Copy>(
    name: &'static str,
    value: &str,
    values: &'static [&'static str],
    all: &[T],
) -> Result<T, crate::UnlistedValue> {
    values
        .iter()
        .position(|v| *v == value)
        .and_then(|i| all.get(i).copied())
        .ok_or_else(|| crate::UnlistedValue::new(name, value, values))
}

/// Fields that must be present (an `Option` among them reads a missing key as `None`,
/// and is written as `null` when `None`).
#[doc(hidden)]
pub mod required {
    use super::*;

    /// Counts the field: always there.
    pub fn count<T: ?Sized>(_: &T) -> usize {
        1
    }

    /// Writes the field.
    pub fn put<S: SerializeStruct, T: Serialize + ?Sized>(
        out: &mut S,
        name: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        out.serialize_field(name, value)
    }

    /// The field's value, or `missing field` when it was absent and its type cannot
    /// read a missing value.
    pub fn finish<'de, E: de::Error, T: Deserialize<'de>>(
        slot: Option<T>,
        name: &'static str,
    ) -> Result<T, E> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing(name, PhantomData)),
        }
    }
}

/// Fields typed `Option<T>` that may be absent: left out when `None`.
#[doc(hidden)]
pub mod optional {
    use super::*;

    /// Counts the field when it is present.
    pub fn count<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }

    /// Writes the field when it is present, skips it otherwise.
    pub fn put<S: SerializeStruct, T: Serialize>(
        out: &mut S,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(_) => out.serialize_field(name, value),
            None => out.skip_field(name),
        }
    }

    /// The field's value: `None` when absent or `null`.
    pub fn finish<E, T>(slot: Option<Option<T>>, _name: &'static str) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }
}

/// Reads a map key, borrowed from the input when it is written there without escapes
/// (serde's own `Cow<str>` always copies it); a key that is not UTF-8 names no field and
/// is read lossily, to be skipped like any unknown key.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(String::from_utf8_lossy(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
    }
}

/// The deserializer of a field that was not there: an `Option` reads it as `None`,
/// any other type fails with `missing field`.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    #[derive(Debug, Clone, PartialEq)]
    struct Inner {
        name: Option<String>,
    }
    crate::wire_struct!(Inner { name: "name" optional });

    #[derive(Debug, Clone, PartialEq)]
    struct Outer {
        r#type: String,
        nullable: Option<i64>,
        count: Option<u32>,
        inner: Vec<Inner>,
        extra: BTreeMap<String, String>,
    }
    crate::wire_struct!(Outer {
        r#type: "Type" required,
        nullable: "nullable" required,
        count: "Count" optional,
        inner: "inner" required,
        extra: "extra" required,
    });

    #[derive(Debug, PartialEq)]
    struct Empty {}
    crate::wire_struct!(Empty {});

    // Names the impls use for themselves do not shadow the struct's.
    #[derive(Debug, PartialEq)]
    struct A {
        r#fields: Option<Box<A>>,
    }
    crate::wire_struct!(A { r#fields: "fields" optional });

    fn outer() -> Outer {
        Outer {
            r#type: "t".into(),
            nullable: None,
            count: Some(3),
            inner: vec![
                Inner { name: None },
                Inner {
                    name: Some("n".into()),
                },
            ],
            extra: BTreeMap::from([("k".into(), "v".into())]),
        }
    }

    #[test]
    fn round_trips_through_json_and_leaves_out_absent_optionals() {
        let text = serde_json::to_string(&outer()).unwrap();
        assert_eq!(
            text,
            r#"{"Type":"t","nullable":null,"Count":3,"inner":[{},{"name":"n"}],"extra":{"k":"v"}}"#
        );
        assert_eq!(serde_json::from_str::<Outer>(&text).unwrap(), outer());
        // A `serde_json::Value` hands keys over as owned strings.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::from_value::<Outer>(value).unwrap(), outer());
    }

    #[test]
    fn absent_null_and_unknown_keys() {
        let read: Outer = serde_json::from_str(
            r#"{"Type":"t","Count":null,"inner":[],"extra":{},"unknown":[1,{"a":2}]}"#,
        )
        .unwrap();
        assert_eq!(read.count, None);
        // A required `Option` that is absent reads as `None`, as with the derive.
        assert_eq!(read.nullable, None);
        // An escaped key is read (owned) and matched like any other.
        let escaped: Inner = serde_json::from_str(r#"{"na\u006de":"x"}"#).unwrap();
        assert_eq!(escaped.name.as_deref(), Some("x"));
        assert_eq!(
            serde_json::from_str::<Empty>(r#"{"a":1}"#).unwrap(),
            Empty {}
        );
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
        let nested: A = serde_json::from_str(r#"{"fields":{"fields":null}}"#).unwrap();
        assert_eq!(
            nested,
            A {
                r#fields: Some(Box::new(A { r#fields: None }))
            }
        );
    }

    #[test]
    fn errors_name_the_field_and_the_struct() {
        let missing = serde_json::from_str::<Outer>(r#"{"inner":[],"extra":{}}"#).unwrap_err();
        assert!(
            missing.to_string().starts_with("missing field `Type`"),
            "{missing}"
        );
        let twice = serde_json::from_str::<Inner>(r#"{"name":"a","name":"b"}"#).unwrap_err();
        assert!(
            twice.to_string().starts_with("duplicate field `name`"),
            "{twice}"
        );
        let wrong = serde_json::from_str::<Inner>("[1]").unwrap_err();
        assert!(
            wrong
                .to_string()
                .starts_with("invalid type: sequence, expected struct Inner"),
            "{wrong}"
        );
        let typed = serde_json::from_str::<Outer>(r#"{"Type":1}"#).unwrap_err();
        assert!(
            typed
                .to_string()
                .starts_with("invalid type: integer `1`, expected a string"),
            "{typed}"
        );
    }

    #[test]
    fn parse_enum_finds_the_variant_at_the_value_s_position() {
        const VALUES: &[&str] = &["a", "bb", "c"];
        assert_eq!(super::parse_enum("E", "bb", VALUES, &[1, 2, 3]), Ok(2));
        assert_eq!(super::parse_enum("E", "c", VALUES, &[1, 2, 3]), Ok(3));
        let err = super::parse_enum("E", "b", VALUES, &[1, 2, 3]).unwrap_err();
        assert_eq!(
            err.to_string(),
            crate::UnlistedValue::new("E", "b", VALUES).to_string()
        );
        assert!(err.to_string().contains("`b`"), "{err}");
    }

    #[test]
    fn paths_reach_inside_fields() {
        let text = r#"{"Type":"t","inner":[{"name":5}],"extra":{}}"#;
        let de = &mut serde_json::Deserializer::from_str(text);
        let err = serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "inner[0].name");
    }
}
