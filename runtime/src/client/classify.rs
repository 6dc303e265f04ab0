//! The classify phase: the one place that decides what an attempt's outcome means.

use crate::error::{Error, TimeoutKind};
use crate::retry::Verdict;

/// The verdict on a failed attempt. A success the caller's check refused
/// (`refused_by_check`: a page repeating the page before it) is fetched again. Otherwise
/// `stale` asks the auth scheme whether the server refused the identity (it is asked
/// only when a replay is still possible, since a scheme forgets the identity it says is
/// stale), and then the error's kind decides, by the table in [`crate::retry`].
pub(crate) fn classify(
    error: &Error,
    refused_by_check: bool,
    stale: impl FnOnce() -> bool,
) -> Verdict {
    if refused_by_check {
        return Verdict::Transient;
    }
    // Errors raised before the request went out say nothing about the identity.
    let answered = !matches!(
        error,
        Error::Auth(_)
            | Error::Validation { .. }
            | Error::Request { .. }
            | Error::Pagination { .. }
    );
    if answered && stale() {
        return Verdict::StaleIdentity;
    }
    let transient = match error {
        Error::Transport { .. } => true,
        Error::Timeout { kind, .. } => *kind != TimeoutKind::Total,
        // The spec's table, applied when the error was read (`ApiError::transient`).
        Error::Api(api) => api.transient,
        Error::Decode(decode) => decode.truncated(),
        Error::Pagination { .. }
        | Error::Validation { .. }
        | Error::Auth(_)
        | Error::Request { .. }
        | Error::BodyTooLarge { .. }
        | Error::Config(_)
        | Error::Focus(_) => false,
    };
    if transient {
        Verdict::Transient
    } else {
        Verdict::Final
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn timeout(kind: TimeoutKind) -> Error {
        Error::Timeout {
            operation: "Op",
            kind,
            after: Duration::from_secs(1),
            attempts: 1,
        }
    }

    #[test]
    fn timeouts_of_an_attempt_are_transient_the_deadline_is_final() {
        assert_eq!(
            classify(&timeout(TimeoutKind::Attempt), false, || false),
            Verdict::Transient
        );
        assert_eq!(
            classify(&timeout(TimeoutKind::Connect), false, || false),
            Verdict::Transient
        );
        assert_eq!(
            classify(&timeout(TimeoutKind::Total), false, || false),
            Verdict::Final
        );
    }

    #[test]
    fn errors_raised_before_sending_never_make_an_identity_stale() {
        let mut asked = false;
        let request = Error::Request {
            operation: "Op",
            message: "bad header".to_owned(),
        };
        assert_eq!(
            classify(&request, false, || {
                asked = true;
                true
            }),
            Verdict::Final
        );
        assert!(
            !asked,
            "the scheme is not asked about errors raised before sending"
        );
        assert_eq!(
            classify(&timeout(TimeoutKind::Attempt), false, || true),
            Verdict::StaleIdentity
        );
        let paging = Error::Pagination {
            operation: "Op",
            page: 2,
            message: "repeated".to_owned(),
        };
        // Refused by the caller's check, it is fetched again without asking the scheme;
        // the same error raised any other way is final.
        let mut asked = false;
        let verdict = classify(&paging, true, || {
            asked = true;
            true
        });
        assert_eq!((verdict, asked), (Verdict::Transient, false));
        assert_eq!(classify(&paging, false, || true), Verdict::Final);
    }
}
