//! [`Args`]: an operation's arguments as text, keyed by setter name, and their
//! conversion to the setters' types.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;

use crate::Secret;

/// An operation's arguments as text (as a command line gives them), keyed by the
/// setters' names. Secret values are kept apart and never shown by `Debug`.
#[derive(Default, Clone)]
pub struct Args {
    values: BTreeMap<String, Vec<String>>,
    secrets: BTreeMap<String, Secret>,
}

/// An argument that does not read as its parameter's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter `{param}`: cannot read {value:?}: {problem}")]
pub struct ArgError {
    /// The setter's name.
    pub param: String,
    /// The text given.
    pub value: String,
    /// Why it does not read.
    pub problem: String,
}

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to the one value `value` (replacing any before).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.values.insert(name.into(), vec![value.into()]);
        self
    }

    /// Adds `value` to the values of `name` (for a parameter taking several).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.values
            .entry(name.into())
            .or_default()
            .push(value.into());
        self
    }

    /// Sets the secret parameter `name`.
    pub fn set_secret(&mut self, name: impl Into<String>, value: Secret) -> &mut Self {
        self.secrets.insert(name.into(), value);
        self
    }

    /// Removes `name`'s values.
    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.values.remove(name);
        self.secrets.remove(name);
        self
    }

    /// Whether `name` has a value.
    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name) || self.secrets.contains_key(name)
    }

    /// The names given, secret ones included, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self
            .values
            .keys()
            .chain(self.secrets.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// The first value of `name` as text.
    pub fn text(&self, name: &str) -> Option<String> {
        self.values
            .get(name)
            .and_then(|values| values.first())
            .cloned()
    }

    /// The first value of `name` read by `T`'s `FromStr`.
    ///
    /// # Errors
    ///
    /// An [`ArgError`] naming the parameter, the text and why it does not read.
    pub fn parse<T>(&self, name: &str) -> Result<Option<T>, ArgError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        match self.values.get(name).and_then(|values| values.first()) {
            None => Ok(None),
            Some(text) => parse_one(name, text).map(Some),
        }
    }

    /// Every value of `name`, each read by `T`'s `FromStr` (a parameter taking several).
    ///
    /// # Errors
    ///
    /// An [`ArgError`] for the first value that does not read.
    pub fn parse_all<T>(&self, name: &str) -> Result<Option<Vec<T>>, ArgError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        match self.values.get(name) {
            None => Ok(None),
            Some(values) => values
                .iter()
                .map(|text| parse_one(name, text))
                .collect::<Result<_, _>>()
                .map(Some),
        }
    }

    /// The first value of `name` read as JSON into `T` (an object or array parameter).
    ///
    /// # Errors
    ///
    /// An [`ArgError`] with the JSON error and where it is.
    pub fn json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ArgError> {
        match self.values.get(name).and_then(|values| values.first()) {
            None => Ok(None),
            Some(text) => serde_json::from_str(text)
                .map(Some)
                .map_err(|error| ArgError {
                    param: name.to_owned(),
                    value: text.clone(),
                    problem: format!("not the JSON expected: {error}"),
                }),
        }
    }

    /// The secret parameter `name`.
    pub fn secret(&self, name: &str) -> Option<Secret> {
        self.secrets.get(name).cloned()
    }
}

/// `value`, or an [`ArgError`] saying the parameter `name` is required: for a required
/// parameter the client method takes as an argument (so there is no builder to check it).
///
/// # Errors
///
/// `value` is `None`.
pub fn required<T>(name: &str, value: Option<T>) -> Result<T, ArgError> {
    value.ok_or_else(|| ArgError {
        param: name.to_owned(),
        value: String::new(),
        problem: "the parameter is required".to_owned(),
    })
}

/// Sets a builder's parameter from an optional argument: what generated `run` functions
/// call once per parameter (`builder.set_arg(args.text("region"), Builder::region)`).
pub trait SetArg: Sized {
    /// `setter(self, value)` when there is a value, else `self` unchanged.
    fn set_arg<T>(self, value: Option<T>, setter: impl FnOnce(Self, T) -> Self) -> Self {
        match value {
            Some(value) => setter(self, value),
            None => self,
        }
    }
}

impl<B> SetArg for B {}

fn parse_one<T>(name: &str, text: &str) -> Result<T, ArgError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    text.parse().map_err(|error: T::Err| ArgError {
        param: name.to_owned(),
        value: text.to_owned(),
        problem: error.to_string(),
    })
}

impl fmt::Debug for Args {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Args")
            .field("values", &self.values)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_their_types_and_errors_name_the_parameter() {
        let mut args = Args::new();
        args.set("page_size", "20")
            .push("ids", "1")
            .push("ids", "2")
            .set("bad", "x1");
        args.set_secret("password", Secret::from("hunter2"));
        assert_eq!(args.parse::<i32>("page_size"), Ok(Some(20)));
        assert_eq!(args.parse::<i32>("absent"), Ok(None));
        assert_eq!(args.parse_all::<u8>("ids"), Ok(Some(vec![1, 2])));
        let Err(error) = args.parse::<i64>("bad") else {
            panic!("`x1` read as an integer");
        };
        assert_eq!(error.param, "bad");
        assert!(
            error
                .to_string()
                .starts_with("parameter `bad`: cannot read \"x1\""),
            "{error}"
        );
        assert_eq!(args.json::<u8>("ids"), Ok(Some(1)));
        assert!(args.json::<Vec<u8>>("ids").is_err());
        assert!(!format!("{args:?}").contains("hunter2"));
        assert_eq!(required("page_size", Some(1)), Ok(1));
        let missing = required::<u8>("scope", None).expect_err("nothing given");
        assert_eq!(missing.param, "scope");
        assert_eq!(
            missing.to_string(),
            "parameter `scope`: cannot read \"\": the parameter is required"
        );
        let set = |value: Option<u8>| 1u8.set_arg(value, |base, value| base + value);
        assert_eq!((set(Some(2)), set(None)), (3, 1));
        assert_eq!(
            args.names().collect::<Vec<_>>(),
            ["bad", "ids", "page_size", "password"]
        );
    }
}
