//! Reading a decimal's text: its grammar, coefficient and scale, and the coefficient
//! helpers arithmetic and ordering share.

use super::{DecimalError, MAX_SCALE};

/// `10^exp` as a `u128`, or `None` past `10^38`.
pub(super) fn pow10(exp: u32) -> Option<u128> {
    10u128.checked_pow(exp)
}

/// The coefficient and scale of a decimal text, checking its grammar.
pub(super) fn parse(text: &str) -> Result<(i128, i32), DecimalError> {
    match parse_short(text.as_bytes()) {
        Some(parts) => Ok(parts),
        None => parse_any(text.as_bytes()),
    }
}

/// [`parse`] of the common case, `-?digits(.digits)?` in at most 19 characters after
/// the sign (so the digits fit a `u64`); `None` for anything else, valid or not.
pub(super) fn parse_short(bytes: &[u8]) -> Option<(i128, i32)> {
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
pub(super) fn parse_any(bytes: &[u8]) -> Result<(i128, i32), DecimalError> {
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
pub(super) fn normalized(mut coefficient: i128, mut scale: i32) -> (i128, i32) {
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
pub(super) fn rescale(coefficient: i128, from: i32, to: i32) -> Option<i128> {
    let by = u32::try_from(i64::from(to) - i64::from(from)).ok()?;
    if coefficient == 0 {
        return Some(0);
    }
    let factor = i128::try_from(pow10(by)?).ok()?;
    coefficient.checked_mul(factor)
}
