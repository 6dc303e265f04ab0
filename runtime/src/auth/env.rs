//! Reading credentials and settings from environment variables, with errors that name
//! the variable (never its value).

use crate::error::Error;
use crate::types::Secret;

/// The value of the environment variable `name`.
///
/// # Errors
///
/// [`Error::Config`] when it is not set, empty, or not valid UTF-8.
pub fn var(name: &str) -> Result<String, Error> {
    var_opt(name)?
        .ok_or_else(|| Error::Config(format!("the environment variable {name} is not set")))
}

/// The value of the environment variable `name`, `None` when it is not set or empty.
///
/// # Errors
///
/// [`Error::Config`] when it is not valid UTF-8.
pub fn var_opt(name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::Config(format!(
            "the environment variable {name} is not valid UTF-8"
        ))),
    }
}

/// The value of the environment variable `name`, as a [`Secret`].
///
/// # Errors
///
/// As [`var`]; the message names the variable, never its value.
pub fn secret(name: &str) -> Result<Secret, Error> {
    var(name).map(Secret::new)
}

/// Whether every variable in `names` is set (and not empty): how generated
/// `from_env` constructors choose among an API's auth schemes.
pub fn all_set(names: &[&str]) -> bool {
    names
        .iter()
        .all(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}
