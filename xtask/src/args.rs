//! The one argument parser of `cargo xtask`'s subcommands.
//!
//! A subcommand's [`Syntax`] names its flags (switches, and flags that take a value,
//! once or repeatedly), its operands and its usage text; [`Syntax::parse`] checks the
//! arguments against it. Every error names the argument at fault (an unknown flag, a
//! flag without its value or given twice, a missing or unexpected operand) and ends
//! with the usage text. `-h` or `--help` anywhere a flag may stand gives [`Help`].

use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, Result};

/// A flag of a subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// The flag, with its dashes: `--spec`.
    pub name: &'static str,
    /// What its value is, for errors (`a file`, `a number`); `None` for a switch.
    pub takes: Option<&'static str>,
    /// Whether it may be given more than once (each value is kept).
    pub repeats: bool,
}

impl Flag {
    /// A flag without a value.
    pub const fn switch(name: &'static str) -> Self {
        Self {
            name,
            takes: None,
            repeats: false,
        }
    }

    /// A flag followed by a value, `takes` saying what it is (`a file`).
    pub const fn value(name: &'static str, takes: &'static str) -> Self {
        Self {
            name,
            takes: Some(takes),
            repeats: false,
        }
    }

    /// The same flag, allowed more than once.
    pub const fn repeated(self) -> Self {
        Self {
            repeats: true,
            ..self
        }
    }
}

/// What a subcommand takes after its name.
#[derive(Debug, Clone, Copy)]
pub struct Syntax {
    /// The usage text: printed by `--help`, and after every error.
    pub usage: &'static str,
    /// Its flags.
    pub flags: &'static [Flag],
    /// The operands (arguments that are not flags) it needs, by name, in order.
    pub operands: &'static [&'static str],
    /// The operands that may follow those, by name.
    pub optional: &'static [&'static str],
}

/// `-h` or `--help` was given: the caller prints the usage text (this error's message)
/// and succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help(pub &'static str);

impl fmt::Display for Help {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Help {}

/// Whether `arg` stands where a flag does (`-x`, `--long`; a lone `-` is an operand).
fn is_flag(arg: &str) -> bool {
    arg.len() > 1 && arg.starts_with('-')
}

impl Syntax {
    /// A subcommand that takes nothing but `--help`.
    pub const fn bare(usage: &'static str) -> Self {
        Self {
            usage,
            flags: &[],
            operands: &[],
            optional: &[],
        }
    }

    /// An error about the arguments: `message`, then the usage text.
    pub fn error(&self, message: impl fmt::Display) -> anyhow::Error {
        anyhow!("{message}\n{}", self.usage)
    }

    /// Checks `args` (those after the subcommand's name) against the syntax.
    ///
    /// # Errors
    ///
    /// [`Help`] for `-h` or `--help`; otherwise an error naming an unknown flag, a flag
    /// without its value (none follows, or a flag does), a flag given twice that may
    /// be given once, a missing operand or an unexpected one.
    pub fn parse(&self, args: impl IntoIterator<Item = String>) -> Result<Parsed> {
        let mut parsed = Parsed {
            syntax: *self,
            given: Vec::new(),
            operands: Vec::new(),
        };
        let mut args = args.into_iter().peekable();
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Err(Help(self.usage).into());
            }
            if !is_flag(&arg) {
                parsed.operands.push(arg);
                continue;
            }
            let Some(flag) = self.flags.iter().find(|f| f.name == arg) else {
                return Err(self.error(format_args!("unknown option {arg}")));
            };
            if !flag.repeats && parsed.has(flag.name) {
                return Err(self.error(format_args!("{arg} is given more than once")));
            }
            let value = match flag.takes {
                None => None,
                Some(takes) => match args.next_if(|next| !is_flag(next)) {
                    Some(value) => Some(value),
                    None => return Err(self.error(format_args!("{arg} needs {takes}"))),
                },
            };
            parsed.given.push((flag.name, value));
        }
        if let Some(missing) = self.operands.get(parsed.operands.len()) {
            return Err(self.error(format_args!("missing {missing}")));
        }
        if let Some(extra) = parsed
            .operands
            .get(self.operands.len() + self.optional.len())
        {
            return Err(self.error(format_args!("unexpected argument {extra}")));
        }
        Ok(parsed)
    }
}

/// Arguments that passed [`Syntax::parse`].
#[derive(Debug, Clone)]
pub struct Parsed {
    syntax: Syntax,
    /// The flags given, in order, with their values.
    given: Vec<(&'static str, Option<String>)>,
    /// The operands given, in order.
    pub operands: Vec<String>,
}

impl Parsed {
    /// Whether no flag and no operand was given.
    pub fn is_empty(&self) -> bool {
        self.given.is_empty() && self.operands.is_empty()
    }

    /// Whether `flag` was given.
    pub fn has(&self, flag: &str) -> bool {
        self.given.iter().any(|(name, _)| *name == flag)
    }

    /// The value of `flag`, if given.
    pub fn value(&self, flag: &str) -> Option<&str> {
        self.values(flag).into_iter().next()
    }

    /// Every value of a repeated `flag`, in the order given.
    pub fn values(&self, flag: &str) -> Vec<&str> {
        self.given
            .iter()
            .filter(|(name, _)| *name == flag)
            .filter_map(|(_, value)| value.as_deref())
            .collect()
    }

    /// The value of `flag` parsed as a `T`, if given.
    ///
    /// # Errors
    ///
    /// The value does not parse: the error names the flag and the value.
    pub fn parsed<T>(&self, flag: &str) -> Result<Option<T>>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let Some(value) = self.value(flag) else {
            return Ok(None);
        };
        let takes = self
            .syntax
            .flags
            .iter()
            .find(|f| f.name == flag)
            .and_then(|f| f.takes)
            .unwrap_or("a value");
        value
            .parse()
            .map(Some)
            .map_err(|e| anyhow!("{flag} needs {takes}, not {value:?} ({e})"))
    }

    /// Operand `index` parsed as a `T`, if given.
    ///
    /// # Errors
    ///
    /// It does not parse: the error names the operand and its value.
    pub fn operand<T>(&self, index: usize) -> Result<Option<T>>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let Some(value) = self.operands.get(index) else {
            return Ok(None);
        };
        let name = self
            .syntax
            .operands
            .iter()
            .chain(self.syntax.optional)
            .nth(index)
            .copied()
            .unwrap_or("an argument");
        value
            .parse()
            .map(Some)
            .map_err(|e| anyhow!("{name} {value:?}: {e}"))
    }

    /// An error about these arguments (`--a and --b go together`), with the usage text.
    pub fn error(&self, message: impl fmt::Display) -> anyhow::Error {
        self.syntax.error(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYNTAX: Syntax = Syntax {
        usage: "usage: demo [--small] [--only NAME]... [--out DIR] [--runs N] FILE [N]",
        flags: &[
            Flag::switch("--small"),
            Flag::value("--only", "a spec name").repeated(),
            Flag::value("--out", "a directory"),
            Flag::value("--runs", "a number"),
        ],
        operands: &["FILE"],
        optional: &["N"],
    };

    fn parse(args: &[&str]) -> Result<Parsed> {
        SYNTAX.parse(args.iter().map(|a| (*a).to_owned()))
    }

    fn error(args: &[&str]) -> String {
        format!("{:#}", parse(args).expect_err("an error"))
    }

    #[test]
    fn flags_values_and_operands() {
        let parsed = parse(&["--only", "a", "f.yaml", "--small", "--only", "b", "3"]).expect("ok");
        assert!(parsed.has("--small"));
        assert!(!parsed.has("--out"));
        assert_eq!(parsed.values("--only"), ["a", "b"], "a repeated flag");
        assert_eq!(parsed.value("--only"), Some("a"));
        assert_eq!(parsed.value("--out"), None);
        assert_eq!(parsed.operands, ["f.yaml", "3"]);
        assert_eq!(parsed.operand::<u32>(1).expect("a number"), Some(3));
        assert_eq!(parsed.operand::<u32>(2).expect("none"), None);
        assert!(!parsed.is_empty());
        // A lone `-` is an operand (standard input, by convention).
        assert_eq!(parse(&["-"]).expect("ok").operands, ["-"]);
        let parsed = parse(&["--runs", "4", "f"]).expect("ok");
        assert_eq!(parsed.parsed::<usize>("--runs").expect("a number"), Some(4));
        assert_eq!(parsed.parsed::<usize>("--out").expect("absent"), None);
    }

    #[test]
    fn an_unknown_flag_is_named() {
        assert_eq!(
            error(&["f", "--fast"]),
            "unknown option --fast\nusage: demo [--small] [--only NAME]... [--out DIR] [--runs N] FILE [N]"
        );
        assert!(error(&["-x", "f"]).starts_with("unknown option -x\n"));
    }

    #[test]
    fn a_missing_value_is_named() {
        assert!(error(&["f", "--only"]).starts_with("--only needs a spec name\nusage: demo"));
        // A flag is not a value.
        assert!(error(&["--out", "--small", "f"]).starts_with("--out needs a directory\n"));
        assert!(error(&["--out", "-h", "f"]).starts_with("--out needs a directory\n"));
    }

    #[test]
    fn a_flag_given_twice_is_named_unless_it_repeats() {
        assert!(error(&["--out", "a", "--out", "b", "f"])
            .starts_with("--out is given more than once\n"));
        assert!(
            error(&["--small", "--small", "f"]).starts_with("--small is given more than once\n")
        );
        let parsed = parse(&["--only", "a", "--only", "b", "--only", "a", "f"]).expect("ok");
        assert_eq!(parsed.values("--only"), ["a", "b", "a"]);
    }

    #[test]
    fn operands_are_counted() {
        assert!(error(&["--small"]).starts_with("missing FILE\nusage: demo"));
        assert!(error(&["a", "1", "b"]).starts_with("unexpected argument b\n"));
        let bare = Syntax::bare("usage: bare");
        assert!(bare.parse(Vec::new()).expect("nothing").is_empty());
        assert_eq!(
            format!(
                "{:#}",
                bare.parse(vec!["x".to_owned()]).expect_err("no operands")
            ),
            "unexpected argument x\nusage: bare"
        );
        assert_eq!(
            format!(
                "{:#}",
                bare.parse(vec!["--x".to_owned()]).expect_err("no flags")
            ),
            "unknown option --x\nusage: bare"
        );
    }

    #[test]
    fn values_that_do_not_parse_are_named() {
        let parsed = parse(&["--runs", "many", "f", "x"]).expect("parses");
        assert_eq!(
            format!(
                "{:#}",
                parsed.parsed::<usize>("--runs").expect_err("not a number")
            ),
            "--runs needs a number, not \"many\" (invalid digit found in string)"
        );
        assert_eq!(
            format!(
                "{:#}",
                parsed.operand::<usize>(1).expect_err("not a number")
            ),
            "N \"x\": invalid digit found in string"
        );
        assert_eq!(
            format!("{:#}", parsed.error("--a and --b go together")),
            "--a and --b go together\nusage: demo [--small] [--only NAME]... [--out DIR] [--runs N] FILE [N]"
        );
    }

    #[test]
    fn help_anywhere_a_flag_stands() {
        for args in [&["--help"][..], &["f", "-h"], &["--only", "a", "--help"]] {
            let error = parse(args).expect_err("help");
            assert_eq!(
                error.downcast_ref::<Help>(),
                Some(&Help(SYNTAX.usage)),
                "{args:?}"
            );
        }
        // As a value it is not help, it is a missing value.
        assert!(parse(&["--only", "--help"])
            .expect_err("missing value")
            .downcast_ref::<Help>()
            .is_none());
    }
}
