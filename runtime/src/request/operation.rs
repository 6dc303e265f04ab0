//! The static description of an operation: [`Operation`] and its HTTP [`Method`].

use std::fmt;

use crate::envelope::ErrorEnvelope;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method's name on the wire, for example `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Method> for reqwest::Method {
    fn from(method: Method) -> Self {
        match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Head => reqwest::Method::HEAD,
            Method::Options => reqwest::Method::OPTIONS,
        }
    }
}

/// Static description of one operation, emitted as a `const` by generated code.
///
/// ```
/// use meterage_runtime::{ErrorEnvelope, Method, Operation};
///
/// const LIST_SIM_POOLS: Operation = Operation {
///     id: "ListSimPools",
///     method: Method::Get,
///     success: 200,
///     public: false,
///     idempotent: true,
///     secret_response: false,
///     path: "/v1/sim-pools",
///     server: None,
///     envelope: &ErrorEnvelope::NONE,
/// };
/// assert_eq!(LIST_SIM_POOLS.method.as_str(), "GET");
/// ```
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`, for example `"ListSimPools"`; it starts every error
    /// message.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The documented success status (200, 201, ...). Every 2xx status is a success;
    /// a 3xx status is one only when it is this one (a console login answering
    /// `302 Found`). The client never follows redirects, so other 3xx answers reach the
    /// caller as [`crate::Error::Api`] (a redirect to a login page says the
    /// session ended).
    pub success: u16,
    /// Whether the spec says this operation takes no credentials (`security: []`, as a
    /// login call). The built-in schemes ([`HeaderToken`](crate::HeaderToken) and the
    /// signers) then send none; a custom [`Authorize`](crate::Authorize) reads it from
    /// [`AuthContext::operation`](crate::AuthContext) and decides (a console session still
    /// sends its CSRF cookie to the login form).
    pub public: bool,
    /// Whether sending the call twice does no more than sending it once (GET, HEAD, PUT,
    /// DELETE, OPTIONS, and calls the spec marks `x-idempotent: true`, such as read-only
    /// RPC actions): only such calls are retried once the request may have reached the
    /// server.
    pub idempotent: bool,
    /// Whether the success body may carry a credential (a login response): no excerpt of
    /// it ever appears in an error message.
    pub secret_response: bool,
    /// The path template with `{name}` placeholders, for example `/v1/items/{id}` (a
    /// spec's `#fragment` already removed).
    pub path: &'static str,
    /// An operation-level server URL overriding the client's base URL (see
    /// [`ClientBuilder::server_override`](crate::ClientBuilder::server_override)).
    pub server: Option<&'static str>,
    /// Where the vendor puts its error code and message.
    pub envelope: &'static ErrorEnvelope,
}

impl Operation {
    /// An idempotent `GET` of `path` whose success is HTTP 200, signed, with no error
    /// envelope: a starting point for a hand-written operation, the rest set with struct
    /// update syntax.
    ///
    /// ```
    /// use meterage_runtime::{Method, Operation};
    ///
    /// static CREATE: Operation = Operation {
    ///     method: Method::Post,
    ///     idempotent: false,
    ///     success: 201,
    ///     ..Operation::get("CreateItem", "/v1/items")
    /// };
    /// assert_eq!((CREATE.id, CREATE.path, CREATE.success), ("CreateItem", "/v1/items", 201));
    /// ```
    pub const fn get(id: &'static str, path: &'static str) -> Operation {
        Operation {
            id,
            method: Method::Get,
            success: 200,
            public: false,
            idempotent: true,
            secret_response: false,
            path,
            server: None,
            envelope: &ErrorEnvelope::NONE,
        }
    }
}
