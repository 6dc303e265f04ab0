//! Why a command failed, the one line it prints on standard error, and its exit code.
//!
//! | code | meaning | error kinds |
//! | --- | --- | --- |
//! | 0 | success | |
//! | 1 | the records could not be written (output file, disk) | |
//! | 2 | usage or configuration: a bad flag or value (nothing was sent), a bad profile, base URL or CA file | `validation`, `config`, an argument that does not read |
//! | 3 | the credentials are not set (no way of signing in has its variables), were refused, or a sign-in failed | `auth` |
//! | 4 | the vendor answered with an error, or with an answer that does not match its spec | `service`, `throttled`, `decode` |
//! | 5 | no answer: the network, TLS or a timeout | `transport`, `timeout` |

use std::fmt;

use meterage_runtime::describe::RunError;
use meterage_runtime::{Error, ErrorKind};

/// The exit codes and what they mean, as `meterage --help` lists them.
pub const EXIT_CODES: [(u8, &str); 6] = [
    (0, "success"),
    (
        1,
        "the records could not be written (output file, disk); focus-check: a MUST rule fails",
    ),
    (
        2,
        "usage or configuration: a bad flag or value (nothing was sent), a bad profile, base \
         URL or CA file",
    ),
    (
        3,
        "the credentials are not set, or were refused (or a sign-in failed)",
    ),
    (
        4,
        "the vendor answered with an error (or an answer its spec does not describe)",
    ),
    (5, "no answer: network, TLS or timeout"),
];

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// A bad flag, value or configuration, found before anything was sent.
    Usage(String),
    /// The call of operation `operation` of API `api` failed.
    Call {
        /// The API (module name).
        api: &'static str,
        /// The operation (method name).
        operation: &'static str,
        /// What failed.
        error: Error,
    },
    /// The client of API `api` could not be made because no way of signing in has its
    /// variables set (the runtime's configuration error says which to set).
    NoCredentials {
        /// The API (module name).
        api: &'static str,
        /// The operation (method name).
        operation: &'static str,
        /// The client's error.
        error: Error,
    },
    /// The records could not be written.
    Output(String),
    /// `meterage focus-check` found a `MUST` rule failing (its report is printed apart).
    Check(String),
    /// `meterage sync` failed ([`crate::sync::SyncError`]; its report is printed apart).
    Sync {
        /// What failed.
        message: String,
        /// Its exit code ([`crate::sync::SyncErrorKind::exit_code`]).
        code: u8,
    },
}

impl Failure {
    /// The failure of a run of operation `operation` of API `api`.
    pub fn of_run<E: fmt::Display>(
        api: &'static str,
        operation: &'static str,
        error: RunError<E>,
    ) -> Self {
        match error {
            RunError::NoOperation(name) => Failure::Usage(format!("{api}: no operation `{name}`")),
            RunError::Arg(error) => Failure::Usage(format!(
                "{} {}: --{}: cannot read {:?}: {}",
                crate::apis::kebab(api),
                crate::apis::kebab(operation),
                crate::commands::flag_name(&error.param),
                error.value,
                error.problem
            )),
            RunError::Call(error) => Failure::Call {
                api,
                operation,
                error,
            },
            RunError::Sink(error) => Failure::Output(error.to_string()),
        }
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Output(_) | Failure::Check(_) => 1,
            Failure::NoCredentials { .. } => 3,
            Failure::Sync { code, .. } => *code,
            Failure::Call { error, .. } => exit_code(error.kind()),
        }
    }
}

/// The exit code of an error of kind `kind`.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Validation | ErrorKind::Config => 2,
        ErrorKind::Auth => 3,
        ErrorKind::Service | ErrorKind::Throttled | ErrorKind::Decode => 4,
        ErrorKind::Transport | ErrorKind::Timeout => 5,
        // A kind added later: the vendor's side until said otherwise.
        _ => 4,
    }
}

impl fmt::Display for Failure {
    /// One line: `kaopuyun describe-flow-bills: auth error: HTTP 403, vendor code
    /// InvalidAccessKeyId: ... (request id 3f2a)`. The runtime's errors carry no secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Check(message) => write!(f, "{}", one_line(message)),
            // Its lines are the listings that failed, one each.
            Failure::Sync { message, .. } => write!(f, "sync: {message}"),
            Failure::Output(message) => {
                write!(f, "cannot write the records: {}", one_line(message))
            }
            Failure::NoCredentials {
                api,
                operation,
                error,
            } => write!(
                f,
                "{} {}: no credentials: {} (or give a --profile)",
                crate::apis::kebab(api),
                crate::apis::kebab(operation),
                one_line(&error.to_string())
            ),
            Failure::Call {
                api,
                operation,
                error,
            } => {
                let (api, operation) = (crate::apis::kebab(api), crate::apis::kebab(operation));
                write!(f, "{api} {operation}: {} error: ", error.kind())?;
                match error.api() {
                    Some(answer) => {
                        write!(f, "HTTP {}", answer.status)?;
                        if let Some(code) = error.vendor_code() {
                            write!(f, ", vendor code {code}")?;
                        }
                        if let Some(message) = &answer.message {
                            write!(f, ": {}", one_line(message))?;
                        }
                    }
                    None => write!(f, "{}", one_line(&error.to_string()))?,
                }
                if let Some(id) = error.request_id() {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
        }
    }
}

/// `text` on one line (line breaks become spaces).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_the_documented_codes() {
        let table = [
            (ErrorKind::Validation, 2),
            (ErrorKind::Config, 2),
            (ErrorKind::Auth, 3),
            (ErrorKind::Service, 4),
            (ErrorKind::Throttled, 4),
            (ErrorKind::Decode, 4),
            (ErrorKind::Transport, 5),
            (ErrorKind::Timeout, 5),
        ];
        for (kind, code) in table {
            assert_eq!(exit_code(kind), code, "{kind}");
            assert!(EXIT_CODES.iter().any(|(listed, _)| *listed == code));
        }
    }

    #[test]
    fn a_call_failure_is_one_line_naming_the_operation_and_kind() {
        let failure = Failure::Call {
            api: "huawei_gsl",
            operation: "list_sim_pools",
            error: Error::Config("no base URL\nset HUAWEI_GSL_URL".into()),
        };
        assert_eq!(failure.exit_code(), 2);
        let line = failure.to_string();
        assert!(
            line.starts_with("huawei-gsl list-sim-pools: config error: "),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("set HUAWEI_GSL_URL"), "{line}");
    }
}
