//! One operation's invocation: the parsed flags turned into [`Args`] (text, as the
//! generated `run` reads them), the period of `--month`, the secret parameters read from
//! the environment, and the output and limits asked for.

use std::path::PathBuf;

use clap::ArgMatches;
use meterage_runtime::describe::{Api, Args, OperationInfo};
use meterage_runtime::Secret;

use crate::apis::{kebab, secret_var};
use crate::commands::{flag, flag_name, param_id};
use crate::errors::Failure;
use crate::period::{self, Month};
use crate::progress::Limits;

/// What `meterage API OPERATION ...` asks for.
#[derive(Debug)]
pub struct Invocation {
    /// The API.
    pub api: &'static Api,
    /// The operation.
    pub operation: &'static OperationInfo,
    /// Its arguments (secret ones are added by [`Invocation::read_secrets`]).
    pub args: Args,
    /// `--format`, if given.
    pub format: Option<String>,
    /// `-o FILE`.
    pub output: Option<PathBuf>,
    /// `--partition DIR`.
    pub partition: Option<PathBuf>,
    /// `--month`.
    pub month: Option<Month>,
    /// `--max-records` and `--max-pages`.
    pub limits: Limits,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--quiet`.
    pub quiet: bool,
    /// `--focus` (only mapped operations have the flag).
    pub focus: bool,
}

impl Invocation {
    /// The invocation of `operation` of `api` from its subcommand's `matches` (the global
    /// flags included).
    ///
    /// # Errors
    ///
    /// A usage failure: a secret given as a flag, `--month` for an operation without a
    /// period or with its period parameters given too, a month that does not read.
    pub fn new(
        api: &'static Api,
        operation: &'static OperationInfo,
        matches: &ArgMatches,
    ) -> Result<Self, Failure> {
        let name = format!("{} {}", kebab(api.name), kebab(operation.name));
        let mut args = Args::new();
        for param in operation.params {
            let Some(values) = matches.get_many::<String>(&param_id(param.name)) else {
                continue;
            };
            if param.secret {
                return Err(Failure::Usage(format!(
                    "{name}: --{} is a secret and never taken on the command line: set {} \
                     in the environment or in a profile (--profile)",
                    flag_name(param.name),
                    secret_var(api.name, param.name)
                )));
            }
            for value in values {
                args.push(param.name, value.clone());
            }
        }
        let month = match matches.get_one::<String>(flag::MONTH) {
            None => None,
            Some(text) => {
                let month: Month = text
                    .parse()
                    .map_err(|error| Failure::Usage(format!("--month: {error}")))?;
                let Some(period) = &operation.period else {
                    return Err(Failure::Usage(format!(
                        "{name}: --month is for operations with a period, and this one has \
                         none (`meterage list` shows the periods)"
                    )));
                };
                for (param, value) in period::args(period, month)
                    .map_err(|error| Failure::Usage(format!("{name}: {error}")))?
                {
                    if args.contains(param) {
                        return Err(Failure::Usage(format!(
                            "{name}: --month sets --{}: give one or the other",
                            flag_name(param)
                        )));
                    }
                    args.set(param, value);
                }
                Some(month)
            }
        };
        let limits = Limits {
            records: matches.get_one::<u64>(flag::MAX_RECORDS).copied(),
            pages: matches.get_one::<u64>(flag::MAX_PAGES).copied(),
        };
        Ok(Self {
            api,
            operation,
            args,
            format: matches.get_one::<String>(flag::FORMAT).cloned(),
            output: matches.get_one::<String>(flag::OUTPUT).map(PathBuf::from),
            partition: matches
                .get_one::<String>(flag::PARTITION)
                .map(PathBuf::from),
            month,
            limits,
            profile: matches.get_one::<String>(flag::PROFILE).cloned(),
            quiet: matches.get_flag(flag::QUIET),
            focus: matches
                .try_get_one::<bool>(flag::FOCUS)
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false),
        })
    }

    /// Reads each secret parameter from its variable (`METERAGE_<API>_<PARAM>`, see
    /// [`secret_var`]) through `env`, when set.
    pub fn read_secrets(&mut self, env: impl Fn(&str) -> Option<String>) {
        for param in self.operation.params.iter().filter(|param| param.secret) {
            if let Some(value) = env(&secret_var(self.api.name, param.name)) {
                self.args.set_secret(param.name, Secret::from(value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{command_of, FAKE};

    fn invocation(argv: &[&str]) -> Result<Invocation, Failure> {
        let matches = command_of()
            .try_get_matches_from(argv)
            .map_err(|error| Failure::Usage(error.to_string()))?;
        let (_, api) = matches.subcommand().expect("an API");
        let (operation, matches) = api.subcommand().expect("an operation");
        let operation = FAKE
            .operations
            .iter()
            .find(|op| kebab(op.name) == operation)
            .expect("known");
        Invocation::new(&FAKE, operation, matches)
    }

    #[test]
    fn flags_become_args_keyed_by_setter_name() {
        let call = invocation(&[
            "meterage",
            "fake-api",
            "list-bills",
            "--month",
            "2026-10",
            "--product-type",
            "cdn",
            "--ids",
            "1",
            "--ids",
            "2",
            "--param-format",
            "JSON",
            "--format",
            "csv",
            "--max-records",
            "3",
        ])
        .expect("parsed");
        let args = &call.args;
        assert_eq!(args.text("bill_begin"), Some("2026-10-01 00:00:00".into()));
        assert_eq!(args.text("bill_end"), Some("2026-10-31 23:59:59".into()));
        assert_eq!(args.text("product_type"), Some("cdn".into()));
        assert_eq!(args.parse_all::<u8>("ids"), Ok(Some(vec![1, 2])));
        assert_eq!(args.text("format"), Some("JSON".into()));
        assert_eq!(call.format.as_deref(), Some("csv"));
        assert_eq!(call.limits.records, Some(3));
        assert_eq!(
            call.month.map(|m| m.to_string()).as_deref(),
            Some("2026-10")
        );
    }

    #[test]
    fn a_secret_flag_is_refused_saying_where_it_goes() {
        let Err(Failure::Usage(message)) = invocation(&[
            "meterage",
            "fake-api",
            "list-bills",
            "--month",
            "2026-10",
            "--password",
            "hunter2",
        ]) else {
            panic!("a secret flag was taken");
        };
        assert!(message.contains("METERAGE_FAKE_API_PASSWORD"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");

        let mut call = invocation(&["meterage", "fake-api", "list-bills", "--month", "2026-10"])
            .expect("parsed");
        call.read_secrets(|name| (name == "METERAGE_FAKE_API_PASSWORD").then(|| "pw".into()));
        assert_eq!(
            call.args.secret("password").map(|s| s.expose().to_owned()),
            Some("pw".into())
        );
    }

    #[test]
    fn month_is_refused_where_it_cannot_apply() {
        let failure = invocation(&["meterage", "fake-api", "get-balance", "--month", "2026-10"]);
        assert!(
            matches!(&failure, Err(Failure::Usage(m)) if m.contains("has none")),
            "{failure:?}"
        );
        let both = invocation(&[
            "meterage",
            "fake-api",
            "list-bills",
            "--month",
            "2026-10",
            "--bill-begin",
            "2026-10-02 00:00:00",
        ]);
        assert!(
            matches!(&both, Err(Failure::Usage(m)) if m.contains("--month sets --bill-begin")),
            "{both:?}"
        );
        let bad = invocation(&["meterage", "fake-api", "list-bills", "--month", "2026-1"]);
        assert!(
            matches!(&bad, Err(Failure::Usage(m)) if m.contains("YYYY-MM")),
            "{bad:?}"
        );
        // Without --month the period parameters are required.
        let missing = invocation(&["meterage", "fake-api", "list-bills"]);
        assert!(
            matches!(&missing, Err(Failure::Usage(m)) if m.contains("--bill-begin")),
            "{missing:?}"
        );
    }
}
