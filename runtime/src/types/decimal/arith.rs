//! Arithmetic on [`Decimal`]s: exact `+`, `-`, `*`, unary `-` and `Sum`, on the value
//! without its text ([`Parts`]).

use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use super::parse::{normalized, rescale};
use super::{Decimal, MAX_SCALE};

/// A value without its text: what arithmetic works on, so that a sum formats its text
/// once, at the end.
#[derive(Clone, Copy)]
pub(super) struct Parts {
    pub(super) coefficient: i128,
    pub(super) scale: i32,
    pub(super) number: bool,
}

impl Parts {
    /// Zero, a JSON number.
    pub(super) const ZERO: Parts = Parts {
        coefficient: 0,
        scale: 0,
        number: true,
    };

    /// The decimal, with its canonical text: the digits and a point (`26.50`,
    /// `-0.005`, `500` for scale -2).
    pub(super) fn into_decimal(self) -> Decimal {
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
    pub(super) fn plus(self, other: Parts) -> Parts {
        match self.add(other) {
            Some(sum) => sum,
            None => panic!(
                "decimal addition overflowed: {} and {}",
                self.into_decimal(),
                other.into_decimal()
            ),
        }
    }

    pub(super) fn add(self, other: Parts) -> Option<Parts> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Parts {
            coefficient: a.checked_add(b).filter(|&sum| sum != i128::MIN)?,
            scale,
            number: self.number && other.number,
        })
    }

    pub(super) fn sub(self, other: Parts) -> Option<Parts> {
        // A coefficient is never `i128::MIN`: it negates.
        self.add(Parts {
            coefficient: -other.coefficient,
            ..other
        })
    }

    pub(super) fn mul(self, other: Parts) -> Option<Parts> {
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
