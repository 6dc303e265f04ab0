//! The error of the closed enums generated code writes: [`UnlistedValue`].

use std::fmt;

/// A value a closed enum does not list: the error of its `parse`.
///
/// `Display` gives `` `gpu` is not a ResourceType: one of `router`, `bandwidth` ``.
///
/// ```
/// use meterage_runtime::UnlistedValue;
///
/// let error = UnlistedValue::new("UserSort", "age", &["userName", "-userName"]);
/// assert_eq!(
///     error.to_string(),
///     "`age` is not a UserSort: one of `userName`, `-userName`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlistedValue {
    /// The enum's type name.
    pub type_name: &'static str,
    /// The value given.
    pub value: String,
    /// The values the enum lists.
    pub expected: &'static [&'static str],
}

impl UnlistedValue {
    /// `value` is not one of `expected`, the values of `type_name`.
    pub fn new(type_name: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        Self {
            type_name,
            value: value.to_owned(),
            expected,
        }
    }
}

impl fmt::Display for UnlistedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a {}: one of ", self.value, self.type_name)?;
        for (i, value) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnlistedValue {}
