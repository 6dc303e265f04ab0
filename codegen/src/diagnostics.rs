//! Errors about a spec: what is wrong and where (file, JSON pointer, line:column).
//!
//! The generator never stops at the first problem of a phase: it collects a
//! [`Diagnostic`] per problem and returns them together as [`Diagnostics`].

use std::fmt;

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, as the caller named it (`specs/huawei-gsl.yaml`).
    pub file: String,
    /// JSON pointer (RFC 6901) to the offending node, empty for the whole document.
    pub pointer: String,
    /// 1-based line and column of the node, where the YAML parser knows them.
    pub position: Option<(usize, usize)>,
    /// What is wrong, without a trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All problems found in one run over one spec; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The problems, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (never true for a returned error).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer reference token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a JSON pointer from reference tokens.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    tokens.into_iter().fold(String::new(), |mut acc, t| {
        acc.push('/');
        acc.push_str(&escape_token(t.as_ref()));
        acc
    })
}

/// Collects diagnostics for one spec file during a phase.
#[derive(Debug)]
pub struct Sink {
    file: String,
    found: Vec<Diagnostic>,
}

impl Sink {
    /// An empty sink for `file`.
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_owned(),
            found: Vec::new(),
        }
    }

    /// Records a problem at `pointer`.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.found.push(Diagnostic {
            file: self.file.clone(),
            pointer: pointer.to_owned(),
            position: None,
            message: message.into(),
        });
    }

    /// How many problems were recorded so far.
    pub fn count(&self) -> usize {
        self.found.len()
    }

    /// Whether nothing was recorded.
    pub fn is_clean(&self) -> bool {
        self.found.is_empty()
    }

    /// The recorded problems, positioned with `locate` where it knows the pointer.
    pub fn finish(self, locate: impl Fn(&str) -> Option<(usize, usize)>) -> Diagnostics {
        Diagnostics(
            self.found
                .into_iter()
                .map(|mut d| {
                    d.position = d.position.or_else(|| locate(&d.pointer));
                    d
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            pointer(["paths", "/v1/sim-pools", "get"]),
            "/paths/~1v1~1sim-pools/get"
        );
        assert_eq!(pointer(["a~b"]), "/a~0b");
        assert_eq!(pointer(Vec::<String>::new()), "");
    }

    #[test]
    fn display_names_file_line_and_pointer() {
        let d = Diagnostic {
            file: "specs/x.yaml".into(),
            pointer: "/paths".into(),
            position: Some((3, 5)),
            message: "bad".into(),
        };
        assert_eq!(d.to_string(), "specs/x.yaml:3:5 (at /paths): bad");
    }
}
