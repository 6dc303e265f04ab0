//! Value types shared by generated clients: [`Secret`] and [`Decimal`], and
//! [`UnlistedValue`], the error of a generated closed enum's `parse`.

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

mod decimal;
mod enums;

pub use decimal::{Decimal, DecimalError, MAX_SCALE};
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
