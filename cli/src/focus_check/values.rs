//! The value grammars the checks use: exact decimals, FOCUS date-times, NumericFormat,
//! UnitFormat and KeyValueFormat.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// An exact decimal `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// Parses `-?digits(.digits)?([eE][+-]?digits)?`; `None` for anything else or a value
    /// past 38 digits.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (number, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(b - b'0'))?;
        }
        let mut scale = i64::try_from(fraction.len()).ok()? - i64::from(exponent);
        while scale < 0 {
            mantissa = mantissa.checked_mul(10)?;
            scale += 1;
        }
        let scale = u32::try_from(scale).ok().filter(|s| *s <= 76)?;
        Some(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        })
    }

    /// The nearest `f64` (for comparisons past `i128`).
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }

    fn rescaled(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// Compares exactly; `None` when aligning the scales overflows.
    pub fn compare(self, other: Decimal) -> Option<Ordering> {
        let scale = self.scale.max(other.scale);
        Some(self.rescaled(scale)?.cmp(&other.rescaled(scale)?))
    }

    /// Whether `self × by`, rounded half away from zero to `result`'s scale, is `result`
    /// (a cost is its unit price times its quantity at the cost's own precision); `None`
    /// when the exact product overflows.
    pub fn product_matches(self, by: Decimal, result: Decimal) -> Option<bool> {
        let product = Decimal {
            mantissa: self.mantissa.checked_mul(by.mantissa)?,
            scale: self.scale.checked_add(by.scale)?,
        };
        if product.scale <= result.scale {
            return Some(product.compare(result)? == Ordering::Equal);
        }
        let extra = product.scale - result.scale;
        let target = result.rescaled(product.scale)?;
        let difference = product.mantissa.checked_sub(target)?.checked_abs()?;
        let half = 5i128.checked_mul(10i128.checked_pow(extra - 1)?)?;
        Some(difference <= half)
    }
}

/// Whether `text` is a FOCUS date-time, exactly `YYYY-MM-DDTHH:mm:ssZ` with a real date
/// and time.
pub fn is_focus_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20 && b[19] == b'Z' && date_time_prefix(b)
}

/// Whether `text` reads as an ISO 8601 date-time of any precision or offset: a date,
/// `T` or a space, `HH:mm`, optional seconds and fraction, optional `Z` or `±HH:mm`.
pub fn is_iso_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 16 || !(b[10] == b'T' || b[10] == b' ') {
        return false;
    }
    let mut padded = [b'0'; 19];
    padded[..16].copy_from_slice(&b[..16]);
    padded[10] = b'T';
    let mut rest = &b[16..];
    if let [b':', s1, s2, tail @ ..] = rest {
        padded[16] = b':';
        padded[17] = *s1;
        padded[18] = *s2;
        rest = tail;
        if let [b'.', tail @ ..] = rest {
            let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return false;
            }
            rest = &tail[digits..];
        }
    } else {
        padded[16] = b':';
    }
    let offset_ok = match rest {
        [] | [b'Z'] => true,
        [sign, h1, h2, b':', m1, m2] | [sign, h1, h2, m1, m2] => {
            (*sign == b'+' || *sign == b'-') && [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    offset_ok && date_time_prefix(&padded)
}

fn date_time_prefix(b: &[u8]) -> bool {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let shape = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    let month_length = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    };
    shape && (1..=month_length).contains(&day) && hour < 24 && minute < 60 && second < 60
}

/// Whether `text` follows NumericFormat: an integer, a decimal or E notation (`mEn`),
/// a `-` for negatives only, no `+`, no separators, symbols or units.
pub fn is_numeric_format(text: &str) -> bool {
    let (number, exponent) = match text.split_once('E') {
        Some((m, n)) => (m, Some(n)),
        None => (text, None),
    };
    let plain = |s: &str| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        !whole.is_empty()
            && !fraction.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
    };
    let exponent_ok = exponent.is_none_or(|n| {
        let digits = n.strip_prefix('-').unwrap_or(n);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    plain(number) && exponent_ok
}

/// Whether `text` has the shape of UnitFormat: an optional whole-number quantity and a
/// space, then unit words of letters joined by `-` (per time unit, `GB-Hours`) or `/`
/// (rate, `Requests/Second`), or single spaces.
pub fn is_unit_format(text: &str) -> bool {
    let units = match text.split_once(' ') {
        Some((quantity, rest)) if quantity.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => text,
    };
    !units.is_empty()
        && units
            .split(['-', '/', ' '])
            .all(|word| !word.is_empty() && word.chars().all(char::is_alphabetic))
}

/// Why `text` does not follow KeyValueFormat (a JSON object, keys unique, values a
/// number, string, boolean or null), `None` when it does.
pub fn key_value_problem(text: &str) -> Option<String> {
    serde_json::from_str::<KeyValueObject>(text)
        .err()
        .map(|e| e.to_string())
}

struct KeyValueObject;

impl<'de> Deserialize<'de> for KeyValueObject {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_map(KeyValueVisitor)
    }
}

struct KeyValueVisitor;

impl<'de> Visitor<'de> for KeyValueVisitor {
    type Value = KeyValueObject;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyValueObject, A::Error> {
        let mut keys = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: serde_json::Value = map.next_value()?;
            if value.is_object() || value.is_array() {
                return Err(de::Error::custom(format!(
                    "the value of key {key:?} is an object or array"
                )));
            }
            if !keys.insert(key.clone()) {
                return Err(de::Error::custom(format!("key {key:?} appears twice")));
            }
        }
        Ok(KeyValueObject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|| panic!("{text} is not a decimal"))
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(d("0.10").compare(d("0.1")), Some(Ordering::Equal));
        assert_eq!(d("-0.01").compare(d("0")), Some(Ordering::Less));
        assert_eq!(d("1.5E2").compare(d("150")), Some(Ordering::Equal));
        assert_eq!(d("15E-1").compare(d("1.5")), Some(Ordering::Equal));
        for bad in ["", "-", "1.", ".5", "1,5", "+1", "1e", "abc", "1.2.3"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
        assert_eq!(d("0.333").product_matches(d("3"), d("1.00")), Some(true));
        assert_eq!(d("0.333").product_matches(d("3"), d("0.999")), Some(true));
        assert_eq!(d("0.335").product_matches(d("3"), d("1.00")), Some(true));
        assert_eq!(d("0.34").product_matches(d("3"), d("1.00")), Some(false));
    }

    #[test]
    fn date_times() {
        assert!(is_focus_datetime("2026-11-01T00:00:00Z"));
        for bad in [
            "2026-11-01 00:00:00",
            "2026-11-01T00:00:00+08:00",
            "2026-11-01T00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-01T24:00:00Z",
            "2026-11-01T00:00:00.5Z",
        ] {
            assert!(!is_focus_datetime(bad), "{bad}");
        }
        for good in [
            "2026-11-01T00:00:00Z",
            "2026-11-01 08:00",
            "2026-11-01T00:00:00.123+08:00",
            "2026-11-01T00:00:00-0500",
        ] {
            assert!(is_iso_datetime(good), "{good}");
        }
        assert!(!is_iso_datetime("2026-11-01"));
        assert!(!is_iso_datetime("yesterday at noon"));
    }

    #[test]
    fn numeric_unit_and_key_value_formats() {
        for good in ["0", "-1.25", "1.2E3", "1E-5"] {
            assert!(is_numeric_format(good), "{good}");
        }
        for bad in ["+1", "1,000", "$5", "1/2", "1E+3", "1.", "5 GB", ""] {
            assert!(!is_numeric_format(bad), "{bad}");
        }
        for good in [
            "GB",
            "GB-Hours",
            "Requests/Second",
            "1000 Requests",
            "Virtual CPU-Hours",
        ] {
            assert!(is_unit_format(good), "{good}");
        }
        for bad in ["", "GB--Hours", "1.5 GB", "GB_Hours", "100"] {
            assert!(!is_unit_format(bad), "{bad}");
        }
        assert_eq!(key_value_problem(r#"{"env":"prod","n":1,"x":null}"#), None);
        assert!(key_value_problem(r#"{"a":1,"a":2}"#).is_some());
        assert!(key_value_problem(r#"{"a":[1]}"#).is_some());
        assert!(key_value_problem("[1]").is_some());
    }
}
