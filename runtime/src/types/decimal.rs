//! [`Decimal`]: an exact decimal number for money, keeping the vendor's text.
//!
//! The value is a coefficient and a scale (`coefficient × 10^-scale`), read once from
//! the text; the text is kept beside it for display and for writing the value back.
//! Arithmetic, equality, hashing and ordering use the value; `Display`, `as_str` and
//! serialization use the text. Reading the text is in `decimal/parse.rs`, arithmetic in `decimal/arith.rs`, serde in
//! `decimal/serde_impl.rs`, the `rust_decimal` conversions in
//! `decimal/rust_decimal_impl.rs`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

mod arith;
mod parse;
#[cfg(feature = "rust_decimal")]
mod rust_decimal_impl;
mod serde_impl;

use arith::Parts;
use parse::{normalized, parse, pow10, rescale};

/// The largest scale (digits after the point) a decimal may have, and the negation of
/// the smallest (`1e10000` has scale -10,000).
pub const MAX_SCALE: i32 = 10_000;

/// A decimal number kept exactly (`format: decimal`), for money.
///
/// It decodes from a JSON string (`"3.6659520000"`) or a JSON number (`25.0`), keeping
/// the text digit for digit, also through plain `serde_json::from_str` /
/// `from_slice` / `from_reader`, and encodes back to the same JSON kind with the same
/// text: a record written with `serde_json::to_string` and read back compares equal
/// and prints the same.
///
/// **Value semantics.** Equality, hashing and ordering compare values, not texts:
/// `25.0 == 25`, `"1.50" == 1.5`, and equal values hash alike. `+`, `-`, `*`, unary `-`,
/// `+=`, `-=`, `*=` and [`Sum`](std::iter::Sum) are exact; there is no float anywhere and no rounding.
/// A computed result displays canonically: its digits with as many decimals as its
/// scale (`25.0 + 1.50` is `26.50`, `1.5 * 1.5` is `2.25`); a value read from text
/// displays exactly as that text.
///
/// **Limits.** The value is held as an `i128` coefficient and a scale within
/// ±[`MAX_SCALE`]: every number of up to 38 significant digits (trailing zeros do not
/// count) fits, and text beyond that is refused with a [`DecimalError`] rather than
/// rounded. A result that would not fit makes [`checked_add`](Self::checked_add),
/// [`checked_sub`](Self::checked_sub) and [`checked_mul`](Self::checked_mul) return
/// `None`; the operators **panic** then, as integer overflow does in debug builds (money
/// sums stay far below 38 digits; use the `checked_*` methods for untrusted magnitudes).
///
/// The accepted text is `-?digits(.digits)?([eE][+-]?digits)?`.
///
/// ```
/// use meterage_runtime::Decimal;
///
/// let price: Decimal = "3.6659520000".parse()?;
/// assert_eq!(price.as_str(), "3.6659520000");
/// assert_eq!(price, "3.665952".parse()?);
/// let total: Decimal = ["25.0", "21.45", "0.05"]
///     .iter()
///     .map(|text| text.parse::<Decimal>())
///     .sum::<Result<Decimal, _>>()?;
/// assert_eq!(total.to_string(), "46.50");
/// assert!(total > price);
/// # Ok::<(), meterage_runtime::types::DecimalError>(())
/// ```
#[derive(Clone)]
pub struct Decimal {
    /// The value is `coefficient × 10^-scale`; never `i128::MIN`, so it negates.
    coefficient: i128,
    /// Digits after the point; negative for trailing zeros before it.
    scale: i32,
    /// Whether it is written as a JSON number (rather than a JSON string).
    number: bool,
    /// The text as received or constructed; for a computed value, its canonical text.
    text: String,
}

/// The error returned when text is not a decimal number this type can hold.
///
/// Its message names the rule the text broke, without repeating the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid decimal number: {reason}")]
pub struct DecimalError {
    reason: &'static str,
}

impl DecimalError {
    pub(super) fn new(reason: &'static str) -> Self {
        Self { reason }
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
        let (coefficient, scale) = parse(&text)?;
        Ok(Self {
            coefficient,
            scale,
            number: false,
            text,
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
        if !value.is_finite() {
            return None;
        }
        let mut decimal = Self::new(super::format_f64(value)).ok()?;
        decimal.number = true;
        Some(decimal)
    }

    /// The decimal `coefficient × 10^-scale`, sent as a JSON number and displayed
    /// canonically (`from_parts(2550, 2)` is `25.50`); `None` when `scale` is beyond
    /// ±[`MAX_SCALE`] or `coefficient` is `i128::MIN`.
    pub fn from_parts(coefficient: i128, scale: i32) -> Option<Self> {
        (coefficient != i128::MIN && scale.abs() <= MAX_SCALE)
            .then(|| Self::computed(coefficient, scale, true))
    }

    fn computed(coefficient: i128, scale: i32, number: bool) -> Self {
        Parts {
            coefficient,
            scale,
            number,
        }
        .into_decimal()
    }

    fn parts(&self) -> Parts {
        Parts {
            coefficient: self.coefficient,
            scale: self.scale,
            number: self.number,
        }
    }

    /// The text: exactly as received or constructed, or for a computed value its
    /// canonical text (digits, with as many decimals as the scale).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this decimal is written as a JSON number (rather than a JSON string). A
    /// computed value is a number when all its operands are.
    pub fn is_number(&self) -> bool {
        self.number
    }

    /// The coefficient: the value is `coefficient() × 10^-scale()`.
    pub fn coefficient(&self) -> i128 {
        self.coefficient
    }

    /// The scale: digits after the point (negative for zeros before it). `25.0` has
    /// coefficient 250 and scale 1; trailing zeros beyond 38 digits are not counted.
    pub fn scale(&self) -> i32 {
        self.scale
    }

    /// The nearest `f64`, or `None` when the value is outside the `f64` range.
    pub fn to_f64(&self) -> Option<f64> {
        self.as_str()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
    }

    /// Whether the value is zero (`0`, `0.00`, `-0`).
    pub fn is_zero(&self) -> bool {
        self.coefficient == 0
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.coefficient < 0
    }

    /// `self + other`, exactly; `None` when the result does not fit (see the type's
    /// limits).
    pub fn checked_add(&self, other: &Self) -> Option<Self> {
        self.parts().add(other.parts()).map(Parts::into_decimal)
    }

    /// `self - other`, exactly; `None` when the result does not fit.
    pub fn checked_sub(&self, other: &Self) -> Option<Self> {
        self.parts().sub(other.parts()).map(Parts::into_decimal)
    }

    /// `self × other`, exactly (the scales add up: `1.5 × 1.5` is `2.25`); `None` when
    /// the result does not fit.
    pub fn checked_mul(&self, other: &Self) -> Option<Self> {
        self.parts().mul(other.parts()).map(Parts::into_decimal)
    }

    /// The sum of `values`, exactly; `None` when a partial sum does not fit.
    pub fn checked_sum<'a>(values: impl IntoIterator<Item = &'a Decimal>) -> Option<Self> {
        values
            .into_iter()
            .try_fold(Parts::ZERO, |sum, value| sum.add(value.parts()))
            .map(Parts::into_decimal)
    }

    /// The same value without trailing zeros after the point, as a computed value
    /// (`25.50` gives `25.5`, `100` stays `100`).
    pub fn normalize(&self) -> Self {
        let (mut coefficient, mut scale) = normalized(self.coefficient, self.scale);
        if scale < 0 {
            if let Some(c) = rescale(coefficient, scale, 0) {
                (coefficient, scale) = (c, 0);
            }
        }
        Self::computed(coefficient, scale, self.number)
    }
}

impl Default for Decimal {
    /// Zero, written as a JSON number.
    fn default() -> Self {
        Self::computed(0, 0, true)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.as_str())
    }
}

impl fmt::Display for Decimal {
    /// The text as received, or a computed value's canonical text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

macro_rules! from_integer {
    ($($int:ty)*) => {$(
        impl From<$int> for Decimal {
            /// The integer, written as a JSON number.
            fn from(value: $int) -> Self {
                Self::computed(i128::from(value), 0, true)
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 u8 u16 u32 u64);

impl PartialEq for Decimal {
    /// By value: `25.0 == 25`.
    fn eq(&self, other: &Self) -> bool {
        if self.scale == other.scale {
            self.coefficient == other.coefficient
        } else {
            self.cmp(other) == Ordering::Equal
        }
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    /// By value, consistent with equality: `25.0` and `25` hash alike.
    fn hash<H: Hasher>(&self, state: &mut H) {
        normalized(self.coefficient, self.scale).hash(state);
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    /// By value: `-1 < 0.5 < 1.50 == 1.5 < 2`.
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = self.coefficient.signum().cmp(&other.coefficient.signum());
        if sign != Ordering::Equal || self.coefficient == 0 {
            return sign;
        }
        // Same sign, both non-zero: compare the magnitudes at the larger scale. A
        // magnitude that overflows when rescaled is larger than any that fits.
        let (a, b) = (
            self.coefficient.unsigned_abs(),
            other.coefficient.unsigned_abs(),
        );
        let up = |m: u128, by: i64| {
            u32::try_from(by)
                .ok()
                .and_then(pow10)
                .and_then(|p| m.checked_mul(p))
        };
        let by = i64::from(self.scale) - i64::from(other.scale);
        let magnitude = match by.cmp(&0) {
            Ordering::Equal => a.cmp(&b),
            Ordering::Greater => up(b, by).map_or(Ordering::Less, |b| a.cmp(&b)),
            Ordering::Less => up(a, -by).map_or(Ordering::Greater, |a| a.cmp(&b)),
        };
        if self.coefficient < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

#[cfg(test)]
mod tests;
