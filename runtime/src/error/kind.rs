//! [`ErrorKind`]: what a program does about an [`Error`], whoever the vendor.

use std::fmt;

use crate::envelope::ErrorEnvelope;
use crate::error::Error;

/// What kind of failure an [`Error`] is, by what a program does about it
/// ([`Error::kind`]). The same for every vendor: the spec's `x-error-envelope` maps the
/// vendor's codes onto it (`credentials`, `transient`, `final`).
///
/// | kind | what happened | what to do |
/// | --- | --- | --- |
/// | [`Auth`](ErrorKind::Auth) | the credentials were refused: a vendor code the spec declares under `credentials`, HTTP 401, a sign-in the server refused, a credential missing | fix the credentials; retrying will not help |
/// | [`Throttled`](ErrorKind::Throttled) | the server is busy or limiting the rate: HTTP 429, a vendor code the spec declares `transient` | try again later (the client already retried as its policy allows) |
/// | [`Timeout`](ErrorKind::Timeout) | no answer in time | try again later, or give the call more time |
/// | [`Transport`](ErrorKind::Transport) | the request could not be sent or the answer not read (connection refused or dropped, TLS) | check the network; [`Error::is_transient`] says whether trying again may help |
/// | [`Service`](ErrorKind::Service) | the server answered with any other failure (a bad parameter, a missing resource, HTTP 5xx), or its pages contradict each other | read [`Error::vendor_code`]; [`Error::is_transient`] says whether trying again may help |
/// | [`Validation`](ErrorKind::Validation) | the request broke the spec's constraints or could not be built; nothing was sent | fix the arguments |
/// | [`Decode`](ErrorKind::Decode) | a success answer did not match the expected type, or was larger than the client's limit | report it (the spec and the API disagree) |
/// | [`Config`](ErrorKind::Config) | the client's configuration is invalid (base URL, CA file, environment) | fix the configuration |
///
/// A failed sign-in ([`Error::Auth`]) whose own call failed in a way worth retrying (a
/// timeout, a dropped connection, a "busy" answer, after the client's retries) has the
/// kind of that failure: the credentials were never judged. Every other failed sign-in
/// is [`Auth`](ErrorKind::Auth).
///
/// The kinds are not exhaustive: match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The credentials were refused, or could not be had.
    Auth,
    /// The server is busy or limiting the rate.
    Throttled,
    /// No answer in time.
    Timeout,
    /// The request could not be sent or the answer could not be read.
    Transport,
    /// Any other failure the server reported.
    Service,
    /// The request broke the spec's constraints or could not be built; nothing was sent.
    Validation,
    /// A success answer could not be decoded.
    Decode,
    /// The client configuration is invalid.
    Config,
}

impl fmt::Display for ErrorKind {
    /// The kind's name in lowercase (`auth`, `throttled`, ...), as in logs and metrics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format!("{self:?}").to_ascii_lowercase())
    }
}

impl Error {
    /// What kind of failure this is (see [`ErrorKind`] for the table).
    ///
    /// ```
    /// use meterage_runtime::{Error, ErrorKind};
    ///
    /// fn advice(error: &Error) -> &'static str {
    ///     match error.kind() {
    ///         ErrorKind::Auth => "check the access key and secret",
    ///         ErrorKind::Throttled | ErrorKind::Timeout => "try again later",
    ///         _ if error.is_transient() => "try again later",
    ///         _ => "see the error",
    ///     }
    /// }
    /// assert_eq!(advice(&Error::Config("no base URL".into())), "see the error");
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation { .. } | Error::Request { .. } => ErrorKind::Validation,
            Error::Api(api) => api.kind,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode(_) | Error::BodyTooLarge { .. } | Error::Focus(_) => ErrorKind::Decode,
            Error::Auth(auth) => match auth.source.as_deref() {
                Some(source) if source.is_transient() => source.kind(),
                _ => ErrorKind::Auth,
            },
            Error::Pagination { .. } => ErrorKind::Service,
            Error::Config(_) => ErrorKind::Config,
        }
    }
}

/// The [`ErrorKind`] of a failed answer: [`ErrorKind::Auth`] for a credential code the
/// envelope declares, HTTP 401 or a credential status it declares,
/// [`ErrorKind::Throttled`] for HTTP 429 or a vendor code the envelope declares
/// transient, [`ErrorKind::Service`] otherwise.
pub(crate) fn api_kind(envelope: &ErrorEnvelope, status: u16, code: Option<&str>) -> ErrorKind {
    match code {
        Some(code) if envelope.is_credential_code(code) => return ErrorKind::Auth,
        Some(code) if envelope.is_final_code(code) => return ErrorKind::Service,
        Some(code) if envelope.is_transient_code(code) => return ErrorKind::Throttled,
        _ => {}
    }
    match status {
        401 => ErrorKind::Auth,
        status if envelope.credential_statuses.contains(&status) => ErrorKind::Auth,
        429 => ErrorKind::Throttled,
        _ => ErrorKind::Service,
    }
}
