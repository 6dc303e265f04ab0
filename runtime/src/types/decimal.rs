//! [`Decimal`]: an exact decimal number for money, keeping the vendor's text.
//!
//! The value is a coefficient and a scale (`coefficient × 10^-scale`), read once from
//! the text; the text is kept beside it for display and for writing the value back.
//! Arithmetic, equality, hashing and ordering use the value; `Display`, `as_str` and
//! serialization use the text. Serde support is in `decimal/serde_impl.rs`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

mod serde_impl;

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
/// `+=`, `-=`, `*=` and [`Sum`] are exact; there is no float anywhere and no rounding.
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

/// A value without its text: what arithmetic works on, so that a sum formats its text
/// once, at the end.
#[derive(Clone, Copy)]
struct Parts {
    coefficient: i128,
    scale: i32,
    number: bool,
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

/// `10^exp` as a `u128`, or `None` past `10^38`.
fn pow10(exp: u32) -> Option<u128> {
    10u128.checked_pow(exp)
}

/// The coefficient and scale of a decimal text, checking its grammar.
fn parse(text: &str) -> Result<(i128, i32), DecimalError> {
    match parse_short(text.as_bytes()) {
        Some(parts) => Ok(parts),
        None => parse_any(text.as_bytes()),
    }
}

/// [`parse`] of the common case, `-?digits(.digits)?` in at most 19 characters after
/// the sign (so the digits fit a `u64`); `None` for anything else, valid or not.
fn parse_short(bytes: &[u8]) -> Option<(i128, i32)> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut value: u64 = 0;
    let mut point = None;
    for (i, &byte) in digits.iter().enumerate() {
        match byte {
            b'0'..=b'9' => value = value * 10 + u64::from(byte - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < digits.len() => point = Some(i),
            _ => return None,
        }
    }
    let scale = point.map_or(0, |p| digits.len() - p - 1) as i32;
    let value = i128::from(value);
    Some((if negative { -value } else { value }, scale))
}

/// [`parse`] of any text: exponents, and up to 38 significant digits.
fn parse_any(bytes: &[u8]) -> Result<(i128, i32), DecimalError> {
    if bytes.is_empty() {
        return Err(DecimalError::new("the text is empty"));
    }
    let negative = bytes[0] == b'-';
    let mut i = usize::from(negative);
    // The magnitude, with a run of zeros not multiplied in yet (so that trailing zeros
    // that would not fit can be dropped instead).
    let mut magnitude: u128 = 0;
    let mut zeros: u32 = 0;
    let mut too_long = false;
    let mut digit = |d: u8| {
        if d == 0 {
            zeros = zeros.saturating_add(1);
        } else if magnitude == 0 {
            magnitude = u128::from(d);
            zeros = 0;
        } else {
            let factor = if zeros == 0 {
                Some(10)
            } else {
                pow10(zeros + 1)
            };
            match factor
                .and_then(|p| magnitude.checked_mul(p))
                .and_then(|m| m.checked_add(u128::from(d)))
            {
                Some(m) => magnitude = m,
                None => too_long = true,
            }
            zeros = 0;
        }
    };
    let start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        digit(bytes[i] - b'0');
        i += 1;
    }
    if i == start {
        return Err(DecimalError::new("expected a digit at the start"));
    }
    let mut fraction: i64 = 0;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            digit(bytes[i] - b'0');
            i += 1;
        }
        if i == start {
            return Err(DecimalError::new(
                "expected a digit after the decimal point",
            ));
        }
        fraction = (i - start) as i64;
    }
    let mut exponent: i64 = 0;
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        let negative = i < bytes.len() && bytes[i] == b'-';
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            exponent = (exponent * 10 + i64::from(bytes[i] - b'0')).min(i64::from(i32::MAX));
            i += 1;
        }
        if i == start {
            return Err(DecimalError::new("expected a digit in the exponent"));
        }
        if negative {
            exponent = -exponent;
        }
    }
    if i != bytes.len() {
        return Err(DecimalError::new("unexpected character"));
    }
    if too_long {
        return Err(DecimalError::new(
            "more significant digits than an i128 holds (38 always fit)",
        ));
    }
    let mut scale = fraction - exponent;
    if magnitude == 0 {
        return Ok((
            0,
            scale.clamp(-i64::from(MAX_SCALE), i64::from(MAX_SCALE)) as i32,
        ));
    }
    // The trailing zeros: multiplied in where they fit, else dropped from the scale.
    match pow10(zeros).and_then(|p| magnitude.checked_mul(p)) {
        Some(m) if m <= i128::MAX as u128 => magnitude = m,
        _ => scale -= i64::from(zeros),
    }
    if magnitude > i128::MAX as u128 {
        return Err(DecimalError::new(
            "more significant digits than an i128 holds (38 always fit)",
        ));
    }
    if scale.abs() > i64::from(MAX_SCALE) {
        return Err(DecimalError::new(
            "the exponent is out of range (at most 10000 digits from the point)",
        ));
    }
    let coefficient = magnitude as i128;
    Ok((
        if negative { -coefficient } else { coefficient },
        scale as i32,
    ))
}

/// `coefficient` without its trailing zeros, and `scale` lowered to match.
fn normalized(mut coefficient: i128, mut scale: i32) -> (i128, i32) {
    if coefficient == 0 {
        return (0, 0);
    }
    while coefficient % 10 == 0 {
        coefficient /= 10;
        scale -= 1;
    }
    (coefficient, scale)
}

/// `coefficient` rescaled from scale `from` up to scale `to` (`to >= from`).
fn rescale(coefficient: i128, from: i32, to: i32) -> Option<i128> {
    let by = u32::try_from(i64::from(to) - i64::from(from)).ok()?;
    if coefficient == 0 {
        return Some(0);
    }
    let factor = i128::try_from(pow10(by)?).ok()?;
    coefficient.checked_mul(factor)
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

impl Parts {
    /// Zero, a JSON number.
    const ZERO: Parts = Parts {
        coefficient: 0,
        scale: 0,
        number: true,
    };

    /// The decimal, with its canonical text: the digits and a point (`26.50`,
    /// `-0.005`, `500` for scale -2).
    fn into_decimal(self) -> Decimal {
        let digits = self.coefficient.unsigned_abs().to_string();
        let sign = if self.coefficient < 0 { "-" } else { "" };
        let text = match usize::try_from(self.scale) {
            Ok(0) => format!("{sign}{digits}"),
            Ok(scale) if digits.len() > scale => {
                let (whole, fraction) = digits.split_at(digits.len() - scale);
                format!("{sign}{whole}.{fraction}")
            }
            Ok(scale) => format!("{sign}0.{}{digits}", "0".repeat(scale - digits.len())),
            Err(_) if self.coefficient == 0 => "0".to_owned(),
            Err(_) => format!(
                "{sign}{digits}{}",
                "0".repeat(self.scale.unsigned_abs() as usize)
            ),
        };
        Decimal {
            coefficient: self.coefficient,
            scale: self.scale,
            number: self.number,
            text,
        }
    }

    /// The two coefficients at one scale, the larger of the two; `None` when one does
    /// not fit even after dropping trailing zeros.
    fn aligned(self, other: Parts) -> Option<(i128, i128, i32)> {
        let align = |(a, sa): (i128, i32), (b, sb): (i128, i32)| {
            let scale = sa.max(sb);
            Some((rescale(a, sa, scale)?, rescale(b, sb, scale)?, scale))
        };
        align(
            (self.coefficient, self.scale),
            (other.coefficient, other.scale),
        )
        .or_else(|| {
            align(
                normalized(self.coefficient, self.scale),
                normalized(other.coefficient, other.scale),
            )
        })
    }

    /// [`Parts::add`], panicking like `+` when the sum does not fit.
    fn plus(self, other: Parts) -> Parts {
        match self.add(other) {
            Some(sum) => sum,
            None => panic!(
                "decimal addition overflowed: {} and {}",
                self.into_decimal(),
                other.into_decimal()
            ),
        }
    }

    fn add(self, other: Parts) -> Option<Parts> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Parts {
            coefficient: a.checked_add(b).filter(|&sum| sum != i128::MIN)?,
            scale,
            number: self.number && other.number,
        })
    }

    fn sub(self, other: Parts) -> Option<Parts> {
        // A coefficient is never `i128::MIN`: it negates.
        self.add(Parts {
            coefficient: -other.coefficient,
            ..other
        })
    }

    fn mul(self, other: Parts) -> Option<Parts> {
        let number = self.number && other.number;
        if self.coefficient == 0 || other.coefficient == 0 {
            let scale = (self.scale + other.scale).clamp(-MAX_SCALE, MAX_SCALE);
            return Some(Parts {
                coefficient: 0,
                scale,
                number,
            });
        }
        let multiply = |(a, sa): (i128, i32), (b, sb): (i128, i32)| {
            let product = a.checked_mul(b).filter(|&p| p != i128::MIN)?;
            let scale = sa.checked_add(sb).filter(|s| s.abs() <= MAX_SCALE)?;
            Some((product, scale))
        };
        let (coefficient, scale) = multiply(
            (self.coefficient, self.scale),
            (other.coefficient, other.scale),
        )
        .or_else(|| {
            multiply(
                normalized(self.coefficient, self.scale),
                normalized(other.coefficient, other.scale),
            )
        })?;
        Some(Parts {
            coefficient,
            scale,
            number,
        })
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

impl Neg for Decimal {
    type Output = Decimal;

    /// The negated value, its text with the sign changed (zero keeps its text).
    fn neg(self) -> Decimal {
        -&self
    }
}

impl Neg for &Decimal {
    type Output = Decimal;

    fn neg(self) -> Decimal {
        let text = match self.text.strip_prefix('-') {
            _ if self.coefficient == 0 => self.text.clone(),
            Some(positive) => positive.to_owned(),
            None => format!("-{}", self.text),
        };
        Decimal {
            coefficient: -self.coefficient,
            scale: self.scale,
            number: self.number,
            text,
        }
    }
}

/// Implements a binary operator for every mix of owned and borrowed operands through
/// the `checked_*` method, panicking when the result does not fit.
macro_rules! operator {
    ($trait:ident $method:ident $checked:ident $assign:ident $assign_method:ident $what:literal) => {
        impl $trait<&Decimal> for &Decimal {
            type Output = Decimal;

            /// Exact.
            ///
            /// # Panics
            ///
            #[doc = concat!("When the result does not fit (see [`Decimal`]'s limits); [`Decimal::", stringify!($checked), "`] returns `None` instead.")]
            fn $method(self, other: &Decimal) -> Decimal {
                match self.$checked(other) {
                    Some(result) => result,
                    None => panic!(concat!("decimal ", $what, " overflowed: {} and {}"), self, other),
                }
            }
        }

        impl $trait<Decimal> for Decimal {
            type Output = Decimal;

            fn $method(self, other: Decimal) -> Decimal {
                (&self).$method(&other)
            }
        }

        impl $trait<&Decimal> for Decimal {
            type Output = Decimal;

            fn $method(self, other: &Decimal) -> Decimal {
                (&self).$method(other)
            }
        }

        impl $trait<Decimal> for &Decimal {
            type Output = Decimal;

            fn $method(self, other: Decimal) -> Decimal {
                self.$method(&other)
            }
        }

        impl $assign<&Decimal> for Decimal {
            fn $assign_method(&mut self, other: &Decimal) {
                *self = (&*self).$method(other);
            }
        }

        impl $assign<Decimal> for Decimal {
            fn $assign_method(&mut self, other: Decimal) {
                *self = (&*self).$method(&other);
            }
        }
    };
}

operator!(Add add checked_add AddAssign add_assign "addition");
operator!(Sub sub checked_sub SubAssign sub_assign "subtraction");
operator!(Mul mul checked_mul MulAssign mul_assign "multiplication");

impl Sum for Decimal {
    /// The exact sum, zero for none.
    ///
    /// # Panics
    ///
    /// When a partial sum does not fit; [`Decimal::checked_sum`] returns `None` instead.
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Decimal {
        iter.fold(Parts::ZERO, |sum, value| sum.plus(value.parts()))
            .into_decimal()
    }
}

impl<'a> Sum<&'a Decimal> for Decimal {
    /// The exact sum, zero for none.
    ///
    /// # Panics
    ///
    /// When a partial sum does not fit; [`Decimal::checked_sum`] returns `None` instead.
    fn sum<I: Iterator<Item = &'a Decimal>>(iter: I) -> Decimal {
        iter.fold(Parts::ZERO, |sum, value| sum.plus(value.parts()))
            .into_decimal()
    }
}

#[cfg(feature = "rust_decimal")]
mod rust_decimal_impl {
    use super::{Decimal, DecimalError};

    impl From<rust_decimal::Decimal> for Decimal {
        /// The same value, written as a JSON string like [`Decimal::new`]'s, displayed
        /// with `rust_decimal`'s scale (`25.50` stays `25.50`).
        fn from(value: rust_decimal::Decimal) -> Self {
            // rust_decimal: a 96-bit mantissa and a scale of 0 to 28; always fits.
            Decimal::computed(value.mantissa(), value.scale() as i32, false)
        }
    }

    impl TryFrom<&Decimal> for rust_decimal::Decimal {
        type Error = DecimalError;

        /// The same value, exactly; an error when it needs more than `rust_decimal`'s 96
        /// bits or 28 decimals (trailing zeros are dropped first to make it fit).
        fn try_from(value: &Decimal) -> Result<Self, DecimalError> {
            let convert = |coefficient: i128, scale: i32| {
                let (coefficient, scale) = if scale < 0 {
                    (super::rescale(coefficient, scale, 0)?, 0)
                } else {
                    (coefficient, scale)
                };
                rust_decimal::Decimal::try_from_i128_with_scale(
                    coefficient,
                    u32::try_from(scale).ok()?,
                )
                .ok()
            };
            convert(value.coefficient, value.scale)
                .or_else(|| {
                    let (coefficient, scale) = super::normalized(value.coefficient, value.scale);
                    convert(coefficient, scale)
                })
                .ok_or_else(|| {
                    DecimalError::new("out of rust_decimal's range (96 bits, 28 decimals)")
                })
        }
    }

    impl TryFrom<Decimal> for rust_decimal::Decimal {
        type Error = DecimalError;

        fn try_from(value: Decimal) -> Result<Self, DecimalError> {
            rust_decimal::Decimal::try_from(&value)
        }
    }
}

#[cfg(test)]
mod tests;
