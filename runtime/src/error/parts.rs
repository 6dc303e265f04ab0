//! The parts of an [`Error`] that carry a vendor's answer or a sign-in's failure:
//! [`ApiError`], [`DecodeError`], [`AuthError`].

use std::borrow::Cow;
use std::fmt;

use reqwest::header::HeaderMap;

use crate::error::{Attempts, Error, ErrorKind};
use crate::response::HeadersDebug;

/// A failure reported by the server.
///
/// `Display` gives `ListSimPools: HTTP 403, vendor error GSL.00011004: 账期不合法,请检查!
/// (request id 3f2a)`, leaving out the parts the response did not have.
#[derive(Clone)]
pub struct ApiError {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP status (a 2xx status when the vendor code reported the failure).
    pub status: u16,
    /// The vendor error code, numbers rendered as text.
    pub code: Option<String>,
    /// The vendor error message. When the envelope finds neither code nor message (a body
    /// that is not JSON, or JSON of another shape), the first 200 characters of the body
    /// text with whitespace collapsed; for HTML (an error page) the text without tags,
    /// scripts and styles.
    pub message: Option<String>,
    /// The request id, from the body or the envelope's request id header.
    pub request_id: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body, whole.
    pub body: Vec<u8>,
    /// Whether another attempt may succeed, by the table in [`crate::retry`]: HTTP 408,
    /// 429, 500, 502, 503, 504 or a vendor code the spec declares transient, less what
    /// the spec declares final.
    pub transient: bool,
    /// What kind of failure the answer is: [`ErrorKind::Auth`] for a code the spec
    /// declares under `credentials` (or HTTP 401), [`ErrorKind::Throttled`] for HTTP 429
    /// or a code it declares `transient`, [`ErrorKind::Service`] otherwise.
    pub kind: ErrorKind,
    /// How many attempts the call made.
    pub attempts: u32,
}

impl ApiError {
    /// An HTTP `status` answer to `operation`, for a test of code that handles errors:
    /// no vendor code, message, request id, headers or body, one attempt; its `kind` and
    /// `transient` by the status alone, as an answer no envelope rule decides (401
    /// `Auth`, 429 `Throttled`, else `Service`; retried on 408, 429, 500, 502, 503,
    /// 504). Set the fields a test needs afterwards, then make it an [`Error`] with
    /// `Error::from`:
    ///
    /// ```
    /// use meterage_runtime::{ApiError, Error, ErrorKind};
    ///
    /// let mut api = ApiError::new("ListSimPools", 403);
    /// api.code = Some("GSL.00011004".into());
    /// api.request_id = Some("3f2a".into());
    /// let error = Error::from(api);
    /// assert_eq!((error.kind(), error.vendor_code(), error.request_id()), (ErrorKind::Service, Some("GSL.00011004"), Some("3f2a")));
    /// assert_eq!(error.to_string(), "ListSimPools: HTTP 403, vendor error GSL.00011004 (request id 3f2a)");
    /// ```
    pub fn new(operation: &'static str, status: u16) -> Self {
        Self {
            operation,
            status,
            code: None,
            message: None,
            request_id: None,
            headers: HeaderMap::new(),
            body: Vec::new(),
            transient: crate::retry::is_transient_status(status),
            kind: crate::error::api_kind(&crate::ErrorEnvelope::NONE, status, None),
            attempts: 1,
        }
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The value of response header `name`, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body decoded as JSON into `T`: a spec's error type, when the error envelope
    /// does not already read the vendor's code and message.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape.
    pub fn body_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("headers", &HeadersDebug(&self.headers))
            .field("body", &BodyLen(self.body.len()))
            .field("transient", &self.transient)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Error::Api(Box::new(api))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = self;
        write!(f, "{}: HTTP {}", api.operation, api.status)?;
        if let Some(code) = &api.code {
            write!(f, ", vendor error {code}")?;
        }
        if let Some(message) = api.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {message}")?;
        }
        if let Some(request_id) = &api.request_id {
            write!(f, " (request id {request_id})")?;
        }
        write!(f, "{}", Attempts(api.attempts))
    }
}

/// A successful response whose body does not match the expected type.
///
/// `Display` gives the JSON path, the decoder's reason and an excerpt of the body around
/// the place decoding stopped:
///
/// ```text
/// ListSimPools: cannot decode the HTTP 200 body at `pools[1].price_plan_name`: invalid
/// type: null, expected a string at line 1 column 80 (near `"price_plan_name":null,...`)
/// ```
pub struct DecodeError {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: u16,
    /// Where in the body decoding failed, for example `pools[0].flow_left` (`.` is the
    /// whole body).
    pub path: String,
    /// The decoder's error.
    pub source: serde_json::Error,
    /// The raw body, kept for diagnosis (not printed).
    pub body: Vec<u8>,
    /// A short excerpt of the body around the failure; `None` when the body may carry a
    /// credential.
    pub excerpt: Option<String>,
    /// The request id: the error envelope's request id header, else its body pointer.
    pub request_id: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
}

impl DecodeError {
    /// Whether the body is not even complete JSON (cut short, or not JSON at all, such as
    /// an HTML page sent with a success status): a retry may get a good one.
    pub fn truncated(&self) -> bool {
        matches!(
            self.source.classify(),
            serde_json::error::Category::Eof | serde_json::error::Category::Syntax
        )
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &self.path)
            .field("source", &self.source)
            .field("body", &BodyLen(self.body.len()))
            .field("excerpt", &self.excerpt)
            .field("request_id", &self.request_id)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot decode the HTTP {} body at `{}`: {}",
            self.operation, self.status, self.path, self.source
        )?;
        if let Some(excerpt) = &self.excerpt {
            write!(f, " (near `{excerpt}`)")?;
        }
        write!(f, "{}", Attempts(self.attempts))
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Signing in failed, or a request could not be authorized.
///
/// `Display` gives `getTimeFlowStInfoList: authorization failed: signing in with
/// createToken failed: createToken: HTTP 200, vendor error 1: Username or password error.`;
/// the vendor's answer is the [`source`](AuthError::source), so
/// [`Error::vendor_code`] and [`Error::api`] reach it.
pub struct AuthError {
    /// The operation being authorized.
    pub operation: &'static str,
    /// What went wrong; never contains a credential.
    pub message: String,
    /// The failure that caused it (the sign-in call's own error), if any.
    pub source: Option<Box<Error>>,
}

impl AuthError {
    /// An auth error for `operation`.
    pub fn new(operation: &'static str, message: impl Into<String>) -> Self {
        Self {
            operation,
            message: message.into(),
            source: None,
        }
    }

    /// The same error with `source` as its cause.
    pub fn caused_by(mut self, source: Error) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        Error::Auth(Box::new(error))
    }
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthError")
            .field("operation", &self.operation)
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: authorization failed: {}",
            self.operation, self.message
        )?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|error| error as &(dyn std::error::Error + 'static))
    }
}

/// A body in `Debug` output: its length only.
struct BodyLen(usize);

impl fmt::Debug for BodyLen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}
