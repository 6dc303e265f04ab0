//! Conversions between [`Decimal`] and `rust_decimal::Decimal` (feature `rust_decimal`).

use super::parse::{normalized, rescale};
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
                (rescale(coefficient, scale, 0)?, 0)
            } else {
                (coefficient, scale)
            };
            rust_decimal::Decimal::try_from_i128_with_scale(coefficient, u32::try_from(scale).ok()?)
                .ok()
        };
        convert(value.coefficient, value.scale)
            .or_else(|| {
                let (coefficient, scale) = normalized(value.coefficient, value.scale);
                convert(coefficient, scale)
            })
            .ok_or_else(|| DecimalError::new("out of rust_decimal's range (96 bits, 28 decimals)"))
    }
}

impl TryFrom<Decimal> for rust_decimal::Decimal {
    type Error = DecimalError;

    fn try_from(value: Decimal) -> Result<Self, DecimalError> {
        rust_decimal::Decimal::try_from(&value)
    }
}
