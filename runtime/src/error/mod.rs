//! The error type of every generated call, and its parts.

use std::fmt;
use std::time::Duration;

use crate::types::format_f64;

// A leaf module, so that neither this module nor `validate` depends on the other's
// dependents; `error::Violation` and `error::Constraint` stay valid paths.
pub use crate::violation::{Constraint, Violation};
// Defined next to the value types of generated code; `error::UnlistedValue` stays a
// valid path.
pub use crate::types::UnlistedValue;

mod kind;
mod parts;

pub(crate) use kind::api_kind;
pub use kind::ErrorKind;
pub use parts::{ApiError, AuthError, DecodeError};

/// Everything that can go wrong with a call. Every message starts with the operation id
/// and says what failed and why.
///
/// Errors keep their cause chain ([`std::error::Error::source`]); the `Display` of a
/// transport error also spells the chain out (`connection closed before message
/// completed`), since that is where the reason is.
///
/// `Debug` and `Display` never show credentials: transport errors drop the URL (whose
/// query may carry a signature), header values that look like credentials are redacted,
/// raw bodies are summarised by their length, and no excerpt is taken of a body that
/// may carry a credential (a login response).
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke constraints of the spec (`maxLength`, `minimum`, ...); nothing
    /// was sent. All violations are listed, in the order they were checked.
    #[error("{operation}: invalid request: {}", JoinViolations(violations))]
    Validation {
        /// The operation id.
        operation: &'static str,
        /// Every broken constraint.
        violations: Vec<Violation>,
    },

    /// The server answered with a failure: a non-2xx status, or a 2xx body whose vendor
    /// code reports one.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The request could not be sent or the response could not be read (connection
    /// refused or dropped, TLS handshake, invalid response). The URL is removed from the
    /// source error.
    #[error("{operation}: HTTP request failed: {}{}", Chain(source), Attempts(*attempts))]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The HTTP client's error, without its URL.
        source: reqwest::Error,
    },

    /// No answer in time: connecting, one attempt, or the whole call took longer than
    /// the configured timeout.
    #[error("{operation}: {kind} after {}{}", Seconds(*after), Attempts(*attempts))]
    Timeout {
        /// The operation id.
        operation: &'static str,
        /// Which timeout expired.
        kind: TimeoutKind,
        /// The timeout that expired.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
    },

    /// A successful response did not match the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// Signing in failed, or the request could not be authorized before it was sent (a
    /// missing credential). A vendor's answer to a failed sign-in is the
    /// [`AuthError::source`], which [`Error::api`], [`Error::status`],
    /// [`Error::vendor_code`], [`Error::request_id`], [`Error::is_transient`] and
    /// [`Error::attempts`] see through to. A call whose credentials the vendor refuses
    /// is an [`Error::Api`] whose [`kind`](Error::kind) is [`ErrorKind::Auth`]: ask
    /// `kind()`, not the variant, whether the credentials were the problem.
    #[error(transparent)]
    Auth(Box<AuthError>),

    /// The request could not be built: a bad header value, a body field that could not
    /// be serialized, mixed body kinds, an invalid URL.
    #[error("{operation}: cannot build the request: {message}")]
    Request {
        /// The operation id.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },

    /// The response body is larger than the client's limit
    /// ([`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes)); it was
    /// not read whole.
    #[error("{operation}: the HTTP {status} response body is larger than the {limit}-byte limit")]
    BodyTooLarge {
        /// The operation id.
        operation: &'static str,
        /// The HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },

    /// Paging went wrong in a way a retry cannot mend: the server kept answering with
    /// the page before the one asked for, or sent more items than its declared total,
    /// or (cursor style) kept answering a token with itself, or gave a token an earlier
    /// page was asked with.
    #[error("{operation}: paging stopped at page {page}: {message}")]
    Pagination {
        /// The operation id.
        operation: &'static str,
        /// The page that was asked for: its page number, its item offset (offset
        /// style), or its place in the walk counted from 1 (cursor style).
        page: i64,
        /// What the server did.
        message: String,
    },

    /// The client configuration is invalid (for example the base URL, a CA file, a
    /// missing environment variable).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// A record did not convert to a FOCUS row (a value its `x-focus` column cannot
    /// take): [`focus`](crate::focus).
    #[error(transparent)]
    Focus(Box<crate::focus::FocusError>),
}

impl From<crate::focus::FocusError> for Error {
    fn from(error: crate::focus::FocusError) -> Self {
        Error::Focus(Box::new(error))
    }
}

/// Which timeout expired ([`Error::Timeout`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (TCP and TLS).
    Connect,
    /// One attempt: from sending the request until the whole body is read.
    Attempt,
    /// The whole call, all attempts and waits between them included.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "could not connect",
            TimeoutKind::Attempt => "no complete response",
            TimeoutKind::Total => "the call did not finish",
        })
    }
}

impl Error {
    /// A transport error for `operation`, with the URL removed from `source`; a timeout
    /// reported by the HTTP client becomes [`Error::Timeout`].
    pub fn transport(operation: &'static str, source: reqwest::Error) -> Self {
        Self::transport_after(operation, source, 1, None)
    }

    pub(crate) fn transport_after(
        operation: &'static str,
        source: reqwest::Error,
        attempts: u32,
        connect_timeout: Option<Duration>,
    ) -> Self {
        if source.is_timeout() && source.is_connect() {
            if let Some(after) = connect_timeout {
                return Error::Timeout {
                    operation,
                    kind: TimeoutKind::Connect,
                    after,
                    attempts,
                };
            }
        }
        Error::Transport {
            operation,
            attempts,
            source: source.without_url(),
        }
    }

    /// The API failure, if this is one (also when it is the cause of an
    /// [`Error::Auth`]: the vendor's answer to a failed sign-in).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::Auth(auth) => auth.source.as_deref().and_then(Error::api),
            _ => None,
        }
    }

    /// The HTTP status of the response, if one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|status| status.as_u16()),
            Error::Auth(auth) => auth.source.as_deref().and_then(Error::status),
            _ => None,
        }
    }

    /// The request id of the response that failed, by the rule of
    /// [`Response::request_id`](crate::Response::request_id) (the envelope's header, else
    /// its body pointer): of an API failure, of a body that did not decode, and of a
    /// failed sign-in's own answer.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode(decode) => decode.request_id.as_deref(),
            Error::Auth(auth) => auth.source.as_deref().and_then(Error::request_id),
            _ => None,
        }
    }

    /// The vendor error code of an API failure (or of a failed sign-in), if the body
    /// carried one.
    pub fn vendor_code(&self) -> Option<&str> {
        self.api().and_then(|api| api.code.as_deref())
    }

    /// The operation id, for every error except [`Error::Config`] and [`Error::Focus`].
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Validation { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Request { operation, .. }
            | Error::Pagination { operation, .. }
            | Error::BodyTooLarge { operation, .. } => Some(operation),
            Error::Api(api) => Some(api.operation),
            Error::Decode(decode) => Some(decode.operation),
            Error::Auth(auth) => Some(auth.operation),
            Error::Config(_) | Error::Focus(_) => None,
        }
    }

    /// Whether the same call might succeed later: a dropped connection, a timeout, a
    /// "busy" answer (408, 429, 500, 502, 503, 504 or a vendor code the spec declares
    /// transient), a body cut short; for a failed sign-in ([`Error::Auth`]), whether its
    /// own call's failure was one of these. The client already retried such failures of
    /// idempotent calls and of sign-in calls as often as its
    /// [`RetryPolicy`](crate::RetryPolicy) allows.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(api) => api.transient,
            Error::Decode(decode) => decode.truncated(),
            Error::Auth(auth) => auth.source.as_deref().is_some_and(Error::is_transient),
            _ => false,
        }
    }

    /// How many attempts the call made before failing (0 when nothing was sent); for a
    /// failed sign-in ([`Error::Auth`]), the attempts of the sign-in call.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts,
            Error::Api(api) => api.attempts,
            Error::Decode(decode) => decode.attempts,
            Error::BodyTooLarge { .. } => 1,
            Error::Auth(auth) => auth.source.as_deref().map_or(0, Error::attempts),
            _ => 0,
        }
    }

    /// The same error with its attempt count set, for the client's retry loop.
    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts = n,
            Error::Api(api) => api.attempts = n,
            Error::Decode(decode) => decode.attempts = n,
            _ => {}
        }
        self
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation {
                operation,
                violations,
            } => f
                .debug_struct("Validation")
                .field("operation", operation)
                .field("violations", violations)
                .finish(),
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::Transport {
                operation,
                attempts,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation,
                kind,
                after,
                attempts,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("kind", kind)
                .field("after", after)
                .field("attempts", attempts)
                .finish(),
            Error::Decode(decode) => f.debug_tuple("Decode").field(decode).finish(),
            Error::Auth(auth) => f.debug_tuple("Auth").field(auth).finish(),
            Error::Focus(focus) => f.debug_tuple("Focus").field(focus).finish(),
            Error::Request { operation, message } => f
                .debug_struct("Request")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::BodyTooLarge {
                operation,
                status,
                limit,
            } => f
                .debug_struct("BodyTooLarge")
                .field("operation", operation)
                .field("status", status)
                .field("limit", limit)
                .finish(),
            Error::Pagination {
                operation,
                page,
                message,
            } => f
                .debug_struct("Pagination")
                .field("operation", operation)
                .field("page", page)
                .field("message", message)
                .finish(),
            Error::Config(message) => f.debug_tuple("Config").field(message).finish(),
        }
    }
}

/// The source chain of an error, joined with `: `, leaving out a cause whose text the
/// previous one already says.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous = self.0.to_string();
        f.write_str(&previous)?;
        let mut next = self.0.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !previous.contains(&text) {
                write!(f, ": {text}")?;
            }
            previous = text;
            next = cause.source();
        }
        Ok(())
    }
}

/// ` (after N attempts)` when more than one attempt was made.
pub(super) struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " (after {} attempts)", self.0)?;
        }
        Ok(())
    }
}

/// A duration as seconds with up to three decimals (`2.5s`, `30s`).
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis.is_multiple_of(1000) {
            write!(f, "{}s", millis / 1000)
        } else {
            write!(f, "{}s", format_f64(self.0.as_secs_f64()))
        }
    }
}

struct JoinViolations<'a>(&'a [Violation]);

impl fmt::Display for JoinViolations<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use reqwest::header::HeaderMap;

    use super::*;

    fn api(code: Option<&str>, message: Option<&str>, request_id: Option<&str>) -> ApiError {
        ApiError {
            operation: "ListSimPools",
            status: 403,
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
            headers: HeaderMap::new(),
            body: b"{}".to_vec(),
            transient: false,
            kind: ErrorKind::Service,
            attempts: 1,
        }
    }

    #[test]
    fn api_display() {
        let cases = [
            (
                api(Some("GSL.00011004"), Some("账期不合法,请检查!"), Some("r-1")),
                "ListSimPools: HTTP 403, vendor error GSL.00011004: 账期不合法,请检查! (request id r-1)",
            ),
            (
                api(Some("GSL.00011004"), None, None),
                "ListSimPools: HTTP 403, vendor error GSL.00011004",
            ),
            (api(None, Some("Forbidden"), None), "ListSimPools: HTTP 403: Forbidden"),
            (api(None, None, None), "ListSimPools: HTTP 403"),
        ];
        for (error, text) in cases {
            assert_eq!(Error::Api(Box::new(error)).to_string(), text);
        }
    }

    #[test]
    fn accessors() {
        let error = Error::Api(Box::new(api(Some("X"), None, None)));
        assert_eq!(error.status(), Some(403));
        assert_eq!(error.vendor_code(), Some("X"));
        assert_eq!(error.operation(), Some("ListSimPools"));
        assert_eq!(error.api().unwrap().body_text(), "{}");
        let config = Error::Config("bad".into());
        assert_eq!(config.status(), None);
        assert_eq!(config.operation(), None);
        assert!(config.api().is_none());
        assert_eq!(config.to_string(), "invalid client configuration: bad");
    }
    #[test]
    fn debug_hides_bodies_and_credential_headers() {
        let mut error = api(None, None, None);
        error.headers.insert(
            "set-cookie",
            reqwest::header::HeaderValue::from_static("sessionid=s3cr3t"),
        );
        error.headers.insert(
            "x-subject-token",
            reqwest::header::HeaderValue::from_static("MIItoken"),
        );
        error.body = b"{\"token\":\"MIItoken\"}".to_vec();
        let debug = format!("{:?}", Error::Api(Box::new(error)));
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(!debug.contains("MIItoken"), "{debug}");
        assert!(debug.contains("set-cookie"), "{debug}");
        assert!(debug.contains("<20 bytes>"), "{debug}");
    }
}
