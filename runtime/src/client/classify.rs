//! The classify phase: the one place that decides what an attempt's outcome means.

use crate::error::{Error, TimeoutKind};
use crate::retry::Verdict;

/// The verdict on a failed attempt: `stale` asks the auth scheme whether the server
/// refused the identity (it is asked only when a replay is still possible, since a
/// scheme forgets the identity it says is stale); otherwise the error's kind decides,
/// by the table in [`crate::retry`].
pub(crate) fn classify(error: &Error, stale: impl FnOnce() -> bool) -> Verdict {
    // Errors raised before the request went out, or by the caller's check, say nothing
    // about the identity.
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
        // Within a call, only a success the caller's check refused: a page repeating
        // the page before it, fetched again.
        Error::Pagination { .. } => true,
        Error::Validation { .. }
        | Error::Auth(_)
        | Error::Request { .. }
        | Error::BodyTooLarge { .. }
        | Error::Config(_) => false,
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
            classify(&timeout(TimeoutKind::Attempt), || false),
            Verdict::Transient
        );
        assert_eq!(
            classify(&timeout(TimeoutKind::Connect), || false),
            Verdict::Transient
        );
        assert_eq!(
            classify(&timeout(TimeoutKind::Total), || false),
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
            classify(&request, || {
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
            classify(&timeout(TimeoutKind::Attempt), || true),
            Verdict::StaleIdentity
        );
        let paging = Error::Pagination {
            operation: "Op",
            page: 2,
            message: "repeated".to_owned(),
        };
        assert_eq!(classify(&paging, || true), Verdict::Transient);
    }
}
