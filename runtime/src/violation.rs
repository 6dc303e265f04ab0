//! The violations a [`Validator`](crate::Validator) reports: which parameter broke which
//! constraint of the spec. A leaf module: [`Error::Validation`](crate::Error::Validation)
//! holds them and the validator makes them, without either importing the other.

use std::fmt;

use crate::types::format_f64;

/// One broken request constraint.
///
/// `Display` gives `parameter `limit` must be at most 500, got 600`.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The parameter's wire name.
    pub param: &'static str,
    /// The constraint it broke.
    pub constraint: Constraint,
    /// The offending value as text: strings quoted, numbers bare, item counts and secret
    /// lengths as counts.
    pub value: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parameter `{}` must {} {}, got {}",
            self.param,
            self.constraint.verb(),
            self.constraint,
            self.value
        )
    }
}

/// A request constraint from the spec.
///
/// `Display` gives the phrase after "must be" / "must have": `at most 500`,
/// `at least 7 characters long`, `at most 3 items`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Constraint {
    /// `minLength`: at least this many characters (Unicode scalar values).
    MinLength(u64),
    /// `maxLength`: at most this many characters (Unicode scalar values).
    MaxLength(u64),
    /// `minimum`: at least this value.
    Minimum(f64),
    /// `maximum`: at most this value.
    Maximum(f64),
    /// `exclusiveMinimum`: greater than this value.
    ExclusiveMinimum(f64),
    /// `exclusiveMaximum`: less than this value.
    ExclusiveMaximum(f64),
    /// `minItems`: at least this many items.
    MinItems(u64),
    /// `maxItems`: at most this many items.
    MaxItems(u64),
    /// `minLength` and `maxLength` both equal to this: exactly this many characters.
    ExactLength(u64),
    /// `minItems` and `maxItems` both equal to this: exactly this many items.
    ExactItems(u64),
    /// `pattern`: the value matches this regular expression.
    Pattern(&'static str),
    /// A date or time format (with the pattern checking it): the value is written so.
    Format(&'static str),
    /// A required parameter given by a setter: it must be set (the value is `nothing`).
    Required,
}

impl Constraint {
    fn verb(&self) -> &'static str {
        match self {
            Constraint::MinItems(_) | Constraint::MaxItems(_) | Constraint::ExactItems(_) => "have",
            Constraint::Pattern(_) => "match",
            _ => "be",
        }
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Constraint::MinLength(n) => write!(
                f,
                "at least {n} {} long",
                plural(n, "character", "characters")
            ),
            Constraint::MaxLength(n) => write!(
                f,
                "at most {n} {} long",
                plural(n, "character", "characters")
            ),
            Constraint::ExactLength(n) => write!(
                f,
                "exactly {n} {} long",
                plural(n, "character", "characters")
            ),
            Constraint::Minimum(x) => write!(f, "at least {}", format_f64(x)),
            Constraint::Maximum(x) => write!(f, "at most {}", format_f64(x)),
            Constraint::ExclusiveMinimum(x) => write!(f, "greater than {}", format_f64(x)),
            Constraint::ExclusiveMaximum(x) => write!(f, "less than {}", format_f64(x)),
            Constraint::MinItems(n) => write!(f, "at least {n} {}", plural(n, "item", "items")),
            Constraint::MaxItems(n) => write!(f, "at most {n} {}", plural(n, "item", "items")),
            Constraint::ExactItems(n) => write!(f, "exactly {n} {}", plural(n, "item", "items")),
            Constraint::Pattern(pattern) => write!(f, "the pattern `{pattern}`"),
            Constraint::Format(format) => write!(f, "formatted `{format}`"),
            Constraint::Required => f.write_str("set"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_and_constraint_display() {
        let cases: &[(Constraint, &str, &str)] = &[
            (
                Constraint::Maximum(500.0),
                "600",
                "parameter `p` must be at most 500, got 600",
            ),
            (
                Constraint::Minimum(10.0),
                "5",
                "parameter `p` must be at least 10, got 5",
            ),
            (
                Constraint::ExclusiveMinimum(0.5),
                "0.5",
                "parameter `p` must be greater than 0.5, got 0.5",
            ),
            (
                Constraint::ExclusiveMaximum(1.0),
                "2",
                "parameter `p` must be less than 1, got 2",
            ),
            (
                Constraint::MinLength(1),
                "\"\"",
                "parameter `p` must be at least 1 character long, got \"\"",
            ),
            (
                Constraint::MaxLength(64),
                "\"x\"",
                "parameter `p` must be at most 64 characters long, got \"x\"",
            ),
            (
                Constraint::ExactLength(7),
                "\"2022-9\"",
                "parameter `p` must be exactly 7 characters long, got \"2022-9\"",
            ),
            (
                Constraint::MinItems(1),
                "0",
                "parameter `p` must have at least 1 item, got 0",
            ),
            (
                Constraint::MaxItems(3),
                "4",
                "parameter `p` must have at most 3 items, got 4",
            ),
            (
                Constraint::ExactItems(2),
                "1",
                "parameter `p` must have exactly 2 items, got 1",
            ),
        ];
        for (constraint, value, text) in cases {
            let violation = Violation {
                param: "p",
                constraint: *constraint,
                value: (*value).to_owned(),
            };
            assert_eq!(violation.to_string(), *text);
        }
    }
}
