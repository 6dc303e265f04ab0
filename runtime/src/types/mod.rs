//! Value types shared by generated clients: [`Secret`] and [`Decimal`], and
//! [`UnlistedValue`], the error of a generated closed enum's `parse`.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

mod enums;

pub use enums::UnlistedValue;

/// A credential or other sensitive text (`format: password` in a spec).
///
/// `Debug` prints `Secret(***)`, `Display` and `Serialize` print `***`: a record logged,
/// printed or stored as JSON never carries the value. The value leaves only through
/// [`Secret::expose`], and through `Serialize` inside [`with_secrets_exposed`], which the
/// client uses to write request bodies (a JSON login body carries the password).
///
/// ```
/// use meterage_runtime::Secret;
/// use meterage_runtime::types::with_secrets_exposed;
///
/// let password = Secret::new("hunter2");
/// assert_eq!(format!("{password:?} {password}"), "Secret(***) ***");
/// assert_eq!(serde_json::to_string(&password)?, r#""***""#);
/// assert_eq!(password.expose(), "hunter2");
/// let body = with_secrets_exposed(|| serde_json::to_string(&password))?;
/// assert_eq!(body, r#""hunter2""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a sensitive value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The wrapped value. Every call site that exposes a secret is easy to find.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The number of Unicode scalar values in the secret, for length checks that must
    /// not reveal the value.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

thread_local! {
    /// Whether `Secret`s on this thread serialize as their values.
    static EXPOSE_SECRETS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with [`Secret`]s serializing as their values instead of `***`, on this thread
/// only: for writing a request body (the client does so for every body it sends) or a
/// credential store of your own.
pub fn with_secrets_exposed<R>(f: impl FnOnce() -> R) -> R {
    /// Puts the previous setting back, also when `f` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            EXPOSE_SECRETS.with(|expose| expose.set(self.0));
        }
    }
    let _restore = Restore(EXPOSE_SECRETS.with(|expose| expose.replace(true)));
    f()
}

impl Serialize for Secret {
    /// `***`, except inside [`with_secrets_exposed`].
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EXPOSE_SECRETS.with(std::cell::Cell::get) {
            serializer.serialize_str(&self.0)
        } else {
            serializer.serialize_str("***")
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A decimal number kept exactly as the server sent it (`format: decimal`), for money.
///
/// It decodes from a JSON string (`"3.6659520000"` is kept digit for digit) or from a
/// JSON number, and encodes back to the same JSON kind: a string stays a string and a
/// number stays a number. Through the client a JSON number keeps its exact digits too
/// (`25.0` stays `25.0`); decoded by plain `serde_json::from_str` it arrives as an `f64`
/// and is kept as its shortest round-trip text (`25`). Equality compares the text, so
/// `"1.50"` and `"1.5"` differ.
///
/// The accepted text is `-?digits(.digits)?([eE][+-]?digits)?`; anything else is refused
/// with a [`DecimalError`], also when decoding a response.
///
/// ```
/// use meterage_runtime::Decimal;
///
/// let price: Decimal = "3.6659520000".parse()?;
/// assert_eq!(price.as_str(), "3.6659520000");
/// assert_eq!(price.to_f64(), Some(3.665952));
/// # Ok::<(), meterage_runtime::types::DecimalError>(())
/// ```
#[derive(Clone)]
pub struct Decimal {
    text: String,
    number: bool,
}

/// The error returned when text is not a decimal number.
///
/// Its message names the rule the text broke, without repeating the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid decimal number: {reason}")]
pub struct DecimalError {
    reason: &'static str,
}

impl DecimalError {
    fn new(reason: &'static str) -> Self {
        Self { reason }
    }
}

fn check_decimal(text: &str) -> Result<(), DecimalError> {
    fn digits(bytes: &[u8], mut i: usize) -> usize {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    }
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(DecimalError::new("the text is empty"));
    }
    let mut i = usize::from(bytes[0] == b'-');
    let end = digits(bytes, i);
    if end == i {
        return Err(DecimalError::new("expected a digit at the start"));
    }
    i = end;
    if i < bytes.len() && bytes[i] == b'.' {
        let end = digits(bytes, i + 1);
        if end == i + 1 {
            return Err(DecimalError::new(
                "expected a digit after the decimal point",
            ));
        }
        i = end;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        let end = digits(bytes, i);
        if end == i {
            return Err(DecimalError::new("expected a digit in the exponent"));
        }
        i = end;
    }
    if i != bytes.len() {
        return Err(DecimalError::new("unexpected character"));
    }
    Ok(())
}

/// Shortest round-trip text of an `f64`, without a trailing `.0` (`25.0` is `"25"`),
/// with an exponent only for very large or small magnitudes (`1e-7`).
pub(crate) fn format_f64(value: f64) -> String {
    let text = format!("{value:?}");
    match text.strip_suffix(".0") {
        Some(stripped) => stripped.to_owned(),
        None => text,
    }
}

/// Shortest round-trip text of an `f32`, like [`format_f64`].
pub(crate) fn format_f32(value: f32) -> String {
    let text = format!("{value:?}");
    match text.strip_suffix(".0") {
        Some(stripped) => stripped.to_owned(),
        None => text,
    }
}

impl Decimal {
    /// A decimal from its text; it is sent as a JSON string.
    ///
    /// ```
    /// use meterage_runtime::Decimal;
    ///
    /// assert_eq!(Decimal::new("1.50")?.as_str(), "1.50");
    /// assert!(Decimal::new("1,50").is_err());
    /// # Ok::<(), meterage_runtime::types::DecimalError>(())
    /// ```
    pub fn new(text: impl Into<String>) -> Result<Self, DecimalError> {
        let text = text.into();
        check_decimal(&text)?;
        Ok(Self {
            text,
            number: false,
        })
    }

    /// A decimal from its text that is sent as a JSON number, digit for digit
    /// (`serde_json` writes it as it is; other serializers get the nearest `f64`).
    pub fn new_number(text: impl Into<String>) -> Result<Self, DecimalError> {
        let mut decimal = Self::new(text)?;
        if decimal.to_f64().is_none() {
            return Err(DecimalError::new("the number is out of range"));
        }
        decimal.number = true;
        Ok(decimal)
    }

    /// A decimal from a finite `f64`, kept as its shortest round-trip text and sent as a
    /// JSON number; `None` for NaN and infinities.
    pub fn from_f64(value: f64) -> Option<Self> {
        value.is_finite().then(|| Self {
            text: format_f64(value),
            number: true,
        })
    }

    /// The text, exactly as received or constructed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this decimal is written as a JSON number (rather than a JSON string).
    pub fn is_number(&self) -> bool {
        self.number
    }

    /// The nearest `f64`, or `None` when the value is outside the `f64` range.
    pub fn to_f64(&self) -> Option<f64> {
        self.text
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.text)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Decimal {}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl Serialize for Decimal {
    /// A string decimal is written as a JSON string; a number decimal as a JSON number
    /// with exactly its digits (`25.0` stays `25.0`), through `serde_json`'s raw values.
    /// Serializers other than `serde_json`'s get the digits as `u64`, `i64` or `f64`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.number {
            return serializer.serialize_str(&self.text);
        }
        if std::any::type_name::<S>().contains("serde_json::") {
            if let Ok(raw) = serde_json::value::RawValue::from_string(self.text.clone()) {
                return raw.serialize(serializer);
            }
        }
        if let Ok(value) = self.text.parse::<u64>() {
            return serializer.serialize_u64(value);
        }
        if let Ok(value) = self.text.parse::<i64>() {
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

/// The name under which [`Decimal`] asks a deserializer for its value. The client's
/// decoder (`crate::decode`) answers it with the number's exact JSON text; every other
/// deserializer treats it as an ordinary newtype and hands over the value as usual.
pub(crate) const DECIMAL_MARKER: &str = "$meterage_runtime::Decimal";

/// The key of the one-entry map through which the client's decoder passes a number's
/// exact JSON text to [`Decimal`].
pub(crate) const DECIMAL_RAW_KEY: &str = "$meterage_runtime::Decimal::raw";

struct DecimalVisitor;

impl DecimalVisitor {
    /// A decimal from the exact JSON text of a value: a number's digits, or a string.
    fn from_raw<E: de::Error>(raw: &str) -> Result<Decimal, E> {
        let raw = raw.trim();
        if raw.starts_with('"') {
            let text: String = serde_json::from_str(raw).map_err(E::custom)?;
            return Decimal::new(text).map_err(E::custom);
        }
        let mut decimal = Decimal::new(raw)
            .map_err(|_| E::invalid_type(de::Unexpected::Other(raw), &DecimalVisitor))?;
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
        match map.next_key::<std::borrow::Cow<'de, str>>()? {
            Some(key) if key == DECIMAL_RAW_KEY => {
                let raw = map.next_value::<std::borrow::Cow<'de, str>>()?;
                DecimalVisitor::from_raw(&raw)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Decimal, E> {
        Decimal::new(value).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal {
            text: value.to_string(),
            number: true,
        })
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal {
            text: value.to_string(),
            number: true,
        })
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        Decimal::from_f64(value).ok_or_else(|| E::custom("decimal number is not finite"))
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// Through the client's decoder, a JSON number keeps its exact digits (`25.0`); through
    /// other deserializers (plain `serde_json::from_str`, `serde_json::Value`) a number
    /// arrives as an `f64` and is kept as its shortest text (`25`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(DECIMAL_MARKER, DecimalVisitor)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new("tok-123456");
        let debug = format!("{secret:?} {:?}", Some(secret.clone()));
        assert!(!debug.contains("tok-123456"), "{debug}");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(secret.expose(), "tok-123456");
        assert_eq!(Secret::from("a"), Secret::from(String::from("a")));
    }

    #[test]
    fn secret_serde_is_redacted_unless_exposed() {
        let secret: Secret = serde_json::from_str("\"pw\"").unwrap();
        assert_eq!(secret.expose(), "pw");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"***\"");
        assert_eq!(secret.to_string(), "***");
        let exposed = with_secrets_exposed(|| serde_json::to_string(&secret).unwrap());
        assert_eq!(exposed, "\"pw\"");
        // The setting is put back, nested or after a panic.
        with_secrets_exposed(|| with_secrets_exposed(|| ()));
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"***\"");
        let _ = std::panic::catch_unwind(|| with_secrets_exposed(|| panic!("boom")));
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"***\"");
    }

    #[test]
    fn decimal_grammar() {
        let cases: &[(&str, bool)] = &[
            ("0", true),
            ("-1", true),
            ("3.6659520000", true),
            ("1e5", true),
            ("1.5E-3", true),
            ("2e+10", true),
            ("007", true),
            ("", false),
            ("-", false),
            (".5", false),
            ("5.", false),
            ("1,5", false),
            (" 1", false),
            ("1 ", false),
            ("+1", false),
            ("1e", false),
            ("1e+", false),
            ("NaN", false),
            ("1.2.3", false),
        ];
        for (text, ok) in cases {
            assert_eq!(text.parse::<Decimal>().is_ok(), *ok, "{text:?}");
        }
    }

    #[test]
    fn decimal_json_roundtrips() {
        // (JSON in, text kept, JSON out)
        let cases: &[(&str, &str, &str)] = &[
            ("\"3.6659520000\"", "3.6659520000", "\"3.6659520000\""),
            ("\"1.50\"", "1.50", "\"1.50\""),
            ("21.45", "21.45", "21.45"),
            ("25.0", "25", "25"),
            ("25", "25", "25"),
            ("-42.59", "-42.59", "-42.59"),
            ("-7", "-7", "-7"),
            (
                "18446744073709551615",
                "18446744073709551615",
                "18446744073709551615",
            ),
            ("0.1", "0.1", "0.1"),
            ("1e-7", "1e-7", "1e-7"),
        ];
        for (json, text, out) in cases {
            let decimal: Decimal = serde_json::from_str(json).unwrap();
            assert_eq!(decimal.as_str(), *text, "{json}");
            assert_eq!(decimal.is_number(), !json.starts_with('"'), "{json}");
            let encoded = serde_json::to_string(&decimal).unwrap();
            assert_eq!(encoded, *out, "{json}");
            // Through serde_json::Value, as the client decodes.
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            let via_value: Decimal = serde_json::from_value(value).unwrap();
            assert_eq!(via_value.as_str(), *text, "{json}");
        }
    }

    #[test]
    fn decimal_refuses_bad_json() {
        for json in ["\"abc\"", "\"\"", "true", "null", "[]"] {
            assert!(serde_json::from_str::<Decimal>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn decimal_accessors() {
        let d = Decimal::new("1.50").unwrap();
        assert_eq!(d.to_string(), "1.50");
        assert_eq!(format!("{d:?}"), "Decimal(1.50)");
        assert_eq!(d.to_f64(), Some(1.5));
        assert_ne!(d, Decimal::new("1.5").unwrap());
        assert_eq!(d, Decimal::new_number("1.50").unwrap());
        assert_eq!(Decimal::new("1e400").unwrap().to_f64(), None);
        assert!(Decimal::new_number("1e400").is_err());
        assert_eq!(Decimal::from_f64(f64::NAN), None);
        let n = Decimal::new_number("1.50").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "1.50");
        assert_eq!(
            serde_json::to_value(&n).unwrap(),
            serde_json::json!(1.5),
            "through serde_json::Value a number is an f64"
        );
        assert_eq!(
            Decimal::new("x").unwrap_err().to_string(),
            "invalid decimal number: expected a digit at the start"
        );
    }

    #[test]
    fn float_formatting() {
        let cases: &[(f64, &str)] = &[
            (25.0, "25"),
            (21.45, "21.45"),
            (-0.5, "-0.5"),
            (0.0, "0"),
            (1e-7, "1e-7"),
            (1e20, "1e20"),
            (123456.789, "123456.789"),
        ];
        for (value, text) in cases {
            assert_eq!(format_f64(*value), *text);
        }
        assert_eq!(format_f32(2.5), "2.5");
        assert_eq!(format_f32(3.0), "3");
        assert_eq!(format_f32(0.1), "0.1");
    }
}
