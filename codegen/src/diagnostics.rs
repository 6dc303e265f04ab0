//! Problems in a spec: what is wrong and where (file, JSON pointer, line:column), and
//! what the generator did about it.
//!
//! The generator never stops at the first problem of a phase: it collects a
//! [`Diagnostic`] per problem and returns them together as [`Diagnostics`]. An
//! [error](Severity::Error) stops generation; a [warning](Severity::Warning) says what
//! was skipped or approximated, and generation goes on.

use std::collections::HashSet;
use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The generator went on: the construct was skipped or approximated, as the message
    /// says.
    Warning,
    /// No module is generated.
    Error,
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether generation stopped.
    pub severity: Severity,
    /// The spec file, as the caller named it (`specs/huawei-gsl.yaml`), or the file a
    /// `$ref` brought in.
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
        if self.severity == Severity::Warning {
            write!(f, ": warning")?;
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

    /// The errors (each stopped generation).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// The warnings (each construct skipped or approximated).
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
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

/// Collects diagnostics for one spec file during a run.
///
/// The same problem at the same place is recorded once: a component used by many
/// operations is reported once, not once per use.
#[derive(Debug)]
pub struct Sink {
    file: String,
    found: Vec<Diagnostic>,
    seen: HashSet<(String, String)>,
    errors: usize,
}

impl Sink {
    /// An empty sink for `file`.
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_owned(),
            found: Vec::new(),
            seen: HashSet::new(),
            errors: 0,
        }
    }

    fn push(&mut self, severity: Severity, pointer: &str, message: String) {
        if !self.seen.insert((pointer.to_owned(), message.clone())) {
            return;
        }
        if severity == Severity::Error {
            self.errors += 1;
        }
        self.found.push(Diagnostic {
            severity,
            file: self.file.clone(),
            pointer: pointer.to_owned(),
            position: None,
            message,
        });
    }

    /// Records a problem at `pointer` that stops generation.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, pointer, message.into());
    }

    /// Records a problem at `pointer` the generator worked around; `message` says how.
    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, message.into());
    }

    /// Records a finished diagnostic (from another file, already positioned).
    pub fn push_diagnostic(&mut self, diagnostic: Diagnostic) {
        if diagnostic.severity == Severity::Error {
            self.errors += 1;
        }
        self.found.push(diagnostic);
    }

    /// How many errors were recorded so far.
    pub fn count(&self) -> usize {
        self.errors
    }

    /// Whether no error was recorded (warnings may have been).
    pub fn is_clean(&self) -> bool {
        self.errors == 0
    }

    /// The recorded problems, positioned with `locate` where it knows the pointer.
    pub fn finish(self, locate: impl Fn(&Diagnostic) -> Option<(usize, usize)>) -> Diagnostics {
        Diagnostics(
            self.found
                .into_iter()
                .map(|mut d| {
                    d.position = d.position.or_else(|| locate(&d));
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
        let mut d = Diagnostic {
            severity: Severity::Error,
            file: "specs/x.yaml".into(),
            pointer: "/paths".into(),
            position: Some((3, 5)),
            message: "bad".into(),
        };
        assert_eq!(d.to_string(), "specs/x.yaml:3:5 (at /paths): bad");
        d.severity = Severity::Warning;
        assert_eq!(d.to_string(), "specs/x.yaml:3:5 (at /paths): warning: bad");
    }

    #[test]
    fn a_problem_is_recorded_once_per_place() {
        let mut sink = Sink::new("s.yaml");
        sink.warn("/a", "w");
        sink.warn("/a", "w");
        sink.error("/a", "e");
        sink.error("/b", "e");
        assert_eq!(sink.count(), 2);
        assert!(!sink.is_clean());
        let d = sink.finish(|_| None);
        assert_eq!(d.len(), 3);
        assert_eq!(d.warnings().count(), 1);
    }
}
