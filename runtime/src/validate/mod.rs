//! Checking request parameters against the spec's constraints before sending.

use std::sync::OnceLock;

use crate::error::Error;
use crate::request::Operation;
use crate::types::{format_f64, Secret};

pub use crate::violation::{Constraint, Violation};

/// Values longer than this many characters are shortened in violation messages.
const MAX_SHOWN_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    MinLength,
    MaxLength,
    MinItems,
    MaxItems,
}

/// A spec's `pattern`, compiled on first use, emitted as a `static` by generated code.
///
/// ```
/// use meterage_runtime::validate::Pattern;
///
/// static BILLING_CYCLE: Pattern = Pattern::new(r"^\d{4}-\d{2}$", Some("yyyy-MM"));
/// assert!(BILLING_CYCLE.matches("2022-09"));
/// assert!(!BILLING_CYCLE.matches("2022-9"));
/// ```
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    format: Option<&'static str>,
    compiled: OnceLock<Option<regex_lite::Regex>>,
}

impl Pattern {
    /// The regular expression `source`; `format` names the date or time format it checks,
    /// for messages (`yyyy-MM`).
    pub const fn new(source: &'static str, format: Option<&'static str>) -> Self {
        Self {
            source,
            format,
            compiled: OnceLock::new(),
        }
    }

    /// The regular expression.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` matches; `true` when the expression does not compile.
    pub fn matches(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| regex_lite::Regex::new(self.source).ok())
            .as_ref()
            .is_none_or(|regex| regex.is_match(text))
    }
}

/// Collects constraint violations of one request, so that all of them are reported
/// together.
///
/// Generated code calls the checks for every constrained parameter that is set (when
/// [`Client::validates_requests`](crate::Client::validates_requests) is on), then
/// [`Validator::finish`]. Lengths count Unicode scalar values (`char`s), as JSON Schema
/// does. When a parameter has equal minimum and maximum lengths (or item counts), the
/// violation says "exactly".
///
/// Generated code never passes a [`Secret`] to the string checks: it uses
/// [`Validator::min_length_secret`] and [`Validator::max_length_secret`], which report the
/// length only.
///
/// ```
/// use meterage_runtime::{ErrorEnvelope, Method, Operation, Validator};
///
/// static OP: Operation = Operation {
///     id: "ListSimPools",
///     method: Method::Get,
///     success: 200,
///     public: false,
///     idempotent: true,
///     secret_response: false,
///     path: "/v1/sim-pools",
///     server: None,
///     envelope: &ErrorEnvelope::NONE,
/// };
/// let mut v = Validator::new(&OP);
/// v.maximum("limit", 600.0, 500.0);
/// v.min_length("billing_cycle", "2022-9", 7);
/// v.max_length("billing_cycle", "2022-9", 7);
/// assert_eq!(
///     v.finish().unwrap_err().to_string(),
///     "ListSimPools: invalid request: parameter `limit` must be at most 500, got 600; \
///      parameter `billing_cycle` must be exactly 7 characters long, got \"2022-9\""
/// );
/// ```
#[derive(Debug)]
pub struct Validator {
    operation: &'static Operation,
    violations: Vec<Violation>,
    bounds: Vec<(&'static str, Bound, u64)>,
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn quoted(value: &str) -> String {
    let chars = value.chars().count();
    if chars <= MAX_SHOWN_CHARS {
        format!("{value:?}")
    } else {
        let shown: String = value.chars().take(MAX_SHOWN_CHARS).collect();
        format!("{shown:?}... ({chars} characters)")
    }
}

fn characters(n: u64) -> String {
    if n == 1 {
        "<1 character>".to_owned()
    } else {
        format!("<{n} characters>")
    }
}

impl Validator {
    /// A validator for one request of `operation`.
    pub fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            violations: Vec::new(),
            bounds: Vec::new(),
        }
    }

    fn push(&mut self, param: &'static str, constraint: Constraint, value: String) {
        self.violations.push(Violation {
            param,
            constraint,
            value,
        });
    }

    fn length(&mut self, param: &'static str, len: u64, bound: Bound, n: u64) -> bool {
        self.bounds.push((param, bound, n));
        match bound {
            Bound::MinLength | Bound::MinItems => len < n,
            Bound::MaxLength | Bound::MaxItems => len > n,
        }
    }

    /// `minLength`: `value` has at least `min` characters.
    pub fn min_length(&mut self, param: &'static str, value: &str, min: u64) {
        if self.length(param, count(value.chars().count()), Bound::MinLength, min) {
            self.push(param, Constraint::MinLength(min), quoted(value));
        }
    }

    /// `maxLength`: `value` has at most `max` characters.
    pub fn max_length(&mut self, param: &'static str, value: &str, max: u64) {
        if self.length(param, count(value.chars().count()), Bound::MaxLength, max) {
            self.push(param, Constraint::MaxLength(max), quoted(value));
        }
    }

    /// `minLength` on a secret: the violation shows the length only (`<3 characters>`).
    pub fn min_length_secret(&mut self, param: &'static str, value: &Secret, min: u64) {
        let len = count(value.char_count());
        if self.length(param, len, Bound::MinLength, min) {
            self.push(param, Constraint::MinLength(min), characters(len));
        }
    }

    /// `maxLength` on a secret: the violation shows the length only (`<65 characters>`).
    pub fn max_length_secret(&mut self, param: &'static str, value: &Secret, max: u64) {
        let len = count(value.char_count());
        if self.length(param, len, Bound::MaxLength, max) {
            self.push(param, Constraint::MaxLength(max), characters(len));
        }
    }

    /// `minimum`: `value >= min` (NaN is a violation).
    pub fn minimum(&mut self, param: &'static str, value: f64, min: f64) {
        if value.is_nan() || value < min {
            self.push(param, Constraint::Minimum(min), format_f64(value));
        }
    }

    /// `maximum`: `value <= max` (NaN is a violation).
    pub fn maximum(&mut self, param: &'static str, value: f64, max: f64) {
        if value.is_nan() || value > max {
            self.push(param, Constraint::Maximum(max), format_f64(value));
        }
    }

    /// `exclusiveMinimum`: `value > min` (NaN is a violation).
    pub fn exclusive_minimum(&mut self, param: &'static str, value: f64, min: f64) {
        if value.is_nan() || value <= min {
            self.push(param, Constraint::ExclusiveMinimum(min), format_f64(value));
        }
    }

    /// `exclusiveMaximum`: `value < max` (NaN is a violation).
    pub fn exclusive_maximum(&mut self, param: &'static str, value: f64, max: f64) {
        if value.is_nan() || value >= max {
            self.push(param, Constraint::ExclusiveMaximum(max), format_f64(value));
        }
    }

    /// `minItems`: an array parameter has at least `min` items.
    pub fn min_items(&mut self, param: &'static str, len: usize, min: u64) {
        if self.length(param, count(len), Bound::MinItems, min) {
            self.push(param, Constraint::MinItems(min), len.to_string());
        }
    }

    /// `maxItems`: an array parameter has at most `max` items.
    pub fn max_items(&mut self, param: &'static str, len: usize, max: u64) {
        if self.length(param, count(len), Bound::MaxItems, max) {
            self.push(param, Constraint::MaxItems(max), len.to_string());
        }
    }

    /// `pattern`: `value` matches `pattern` (a spec's regular expression, unanchored as
    /// in JSON Schema). A pattern this runtime cannot compile checks nothing (the
    /// generator warns about it).
    pub fn pattern(&mut self, param: &'static str, value: &str, pattern: &'static Pattern) {
        if !pattern.matches(value) {
            let constraint = match pattern.format {
                Some(format) => Constraint::Format(format),
                None => Constraint::Pattern(pattern.source),
            };
            self.push(param, constraint, quoted(value));
        }
    }

    /// A required parameter that has a setter (not a method argument) was set.
    pub fn required(&mut self, param: &'static str, set: bool) {
        if !set {
            self.push(param, Constraint::Required, "nothing".to_owned());
        }
    }

    /// Whether no violation was recorded so far.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }

    /// `Ok` when every check passed; otherwise [`Error::Validation`] with all violations in
    /// call order.
    pub fn finish(self) -> Result<(), Error> {
        if self.violations.is_empty() {
            return Ok(());
        }
        let bounds = self.bounds;
        let has = |param: &str, bound: Bound, n: u64| {
            bounds
                .iter()
                .any(|&(p, b, m)| p == param && b == bound && m == n)
        };
        let violations = self
            .violations
            .into_iter()
            .map(|mut violation| {
                violation.constraint = match violation.constraint {
                    Constraint::MinLength(n) if has(violation.param, Bound::MaxLength, n) => {
                        Constraint::ExactLength(n)
                    }
                    Constraint::MaxLength(n) if has(violation.param, Bound::MinLength, n) => {
                        Constraint::ExactLength(n)
                    }
                    Constraint::MinItems(n) if has(violation.param, Bound::MaxItems, n) => {
                        Constraint::ExactItems(n)
                    }
                    Constraint::MaxItems(n) if has(violation.param, Bound::MinItems, n) => {
                        Constraint::ExactItems(n)
                    }
                    other => other,
                };
                violation
            })
            .collect();
        Err(Error::Validation {
            operation: self.operation.id,
            violations,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    static OP: Operation = Operation::get("ListSimPools", "/v1/sim-pools");

    fn message(checks: impl FnOnce(&mut Validator)) -> Option<String> {
        let mut validator = Validator::new(&OP);
        checks(&mut validator);
        validator.finish().err().map(|error| error.to_string())
    }

    #[test]
    fn passing_checks() {
        assert_eq!(
            message(|v| {
                v.min_length("a", "用户", 2);
                v.max_length("a", "用户", 2);
                v.minimum("b", 10.0, 10.0);
                v.maximum("b", 500.0, 500.0);
                v.exclusive_minimum("c", 0.1, 0.0);
                v.exclusive_maximum("c", -0.1, 0.0);
                v.min_items("d", 1, 1);
                v.max_items("d", 3, 3);
                v.min_length_secret("e", &Secret::new("pw"), 1);
                v.max_length_secret("e", &Secret::new("pw"), 2);
            }),
            None
        );
    }

    #[test]
    fn violation_messages() {
        let p = "ListSimPools: invalid request: parameter";
        type Checks = Box<dyn FnOnce(&mut Validator)>;
        let cases: Vec<(Checks, String)> = vec![
            (
                Box::new(|v| v.maximum("limit", 600.0, 500.0)),
                format!("{p} `limit` must be at most 500, got 600"),
            ),
            (
                Box::new(|v| v.minimum("limit", 5.0, 10.0)),
                format!("{p} `limit` must be at least 10, got 5"),
            ),
            (
                Box::new(|v| v.minimum("limit", f64::NAN, 10.0)),
                format!("{p} `limit` must be at least 10, got NaN"),
            ),
            (
                Box::new(|v| v.exclusive_minimum("x", 0.0, 0.0)),
                format!("{p} `x` must be greater than 0, got 0"),
            ),
            (
                Box::new(|v| v.exclusive_maximum("x", 1.5, 1.5)),
                format!("{p} `x` must be less than 1.5, got 1.5"),
            ),
            (
                Box::new(|v| v.max_length("userName", &"用".repeat(65), 64)),
                format!(
                    "{p} `userName` must be at most 64 characters long, got \"{}\"",
                    "用".repeat(65)
                ),
            ),
            (
                Box::new(|v| v.min_length("name", "", 1)),
                format!("{p} `name` must be at least 1 character long, got \"\""),
            ),
            (
                Box::new(|v| v.max_length("q", "say \"hi\"", 3)),
                format!("{p} `q` must be at most 3 characters long, got \"say \\\"hi\\\"\""),
            ),
            (
                Box::new(|v| v.max_length("long", &"x".repeat(150), 120)),
                format!(
                    "{p} `long` must be at most 120 characters long, got \"{}\"... (150 characters)",
                    "x".repeat(100)
                ),
            ),
            (
                Box::new(|v| v.max_length_secret("password", &Secret::new("s3cr3t-value"), 8)),
                format!("{p} `password` must be at most 8 characters long, got <12 characters>"),
            ),
            (
                Box::new(|v| v.min_length_secret("password", &Secret::new("s"), 8)),
                format!("{p} `password` must be at least 8 characters long, got <1 character>"),
            ),
            (
                Box::new(|v| v.min_items("status", 0, 1)),
                format!("{p} `status` must have at least 1 item, got 0"),
            ),
            (
                Box::new(|v| v.max_items("status", 5, 2)),
                format!("{p} `status` must have at most 2 items, got 5"),
            ),
            (
                Box::new(|v| {
                    v.min_items("pair", 1, 2);
                    v.max_items("pair", 1, 2);
                }),
                format!("{p} `pair` must have exactly 2 items, got 1"),
            ),
            (
                Box::new(|v| {
                    v.maximum("limit", 600.0, 500.0);
                    v.min_length("billing_cycle", "2022-9", 7);
                    v.max_length("billing_cycle", "2022-9", 7);
                }),
                "ListSimPools: invalid request: parameter `limit` must be at most 500, got 600; \
                 parameter `billing_cycle` must be exactly 7 characters long, got \"2022-9\""
                    .to_owned(),
            ),
            (
                // Only the parameter with equal bounds says "exactly".
                Box::new(|v| {
                    v.min_length("a", "x", 2);
                    v.max_length("b", "xyz", 2);
                }),
                format!(
                    "{p} `a` must be at least 2 characters long, got \"x\"; \
                     parameter `b` must be at most 2 characters long, got \"xyz\""
                ),
            ),
        ];
        for (checks, want) in cases {
            assert_eq!(message(checks).unwrap(), want);
        }
    }

    #[test]
    fn secrets_never_appear() {
        let mut v = Validator::new(&OP);
        v.max_length_secret("password", &Secret::new("s3cr3t-value"), 8);
        let error = v.finish().unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"));
        assert!(!format!("{error:?}").contains("s3cr3t"));
    }

    #[test]
    fn finish_keeps_structured_violations() {
        let mut v = Validator::new(&OP);
        v.maximum("limit", 600.0, 500.0);
        assert!(!v.is_ok());
        match v.finish() {
            Err(Error::Validation {
                operation,
                violations,
            }) => {
                assert_eq!(operation, "ListSimPools");
                assert_eq!(violations.len(), 1);
                assert_eq!(violations[0].param, "limit");
                assert_eq!(violations[0].constraint, Constraint::Maximum(500.0));
                assert_eq!(violations[0].value, "600");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
