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

/// The value of the first of the environment variables `names` that is set (and not
/// empty), `None` when none is: how a generated `Client::from_env` reads a base URL that
/// several variables may give (`AWS_ENDPOINT_URL_COST_EXPLORER`, then `AWS_ENDPOINT_URL`).
///
/// # Errors
///
/// [`Error::Config`] when a variable before the one set is not valid UTF-8, or that one
/// is not.
pub fn first_var_opt(names: &[&str]) -> Result<Option<String>, Error> {
    for name in names {
        if let Some(value) = var_opt(name)? {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// As [`first_var_opt`], when one of `names` must be set.
///
/// # Errors
///
/// [`Error::Config`] naming every variable when none is set, or as [`first_var_opt`].
pub fn first_var(names: &[&str]) -> Result<String, Error> {
    first_var_opt(names)?.ok_or_else(|| {
        Error::Config(format!(
            "none of the environment variables {} is set",
            names.join(", ")
        ))
    })
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_first_set_variable_wins() {
        let unset = "METERAGE_TEST_SURELY_UNSET_VARIABLE";
        let path = std::env::var("PATH").unwrap();
        assert_eq!(first_var_opt(&[unset, "PATH", "HOME"]).unwrap(), Some(path));
        assert_eq!(first_var_opt(&[unset]).unwrap(), None);
        assert_eq!(first_var_opt(&[]).unwrap(), None);
        let error = first_var(&[unset, "METERAGE_TEST_ALSO_UNSET"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            Error::Config(
                "none of the environment variables METERAGE_TEST_SURELY_UNSET_VARIABLE, METERAGE_TEST_ALSO_UNSET is set"
                    .into()
            )
            .to_string()
        );
    }
}
