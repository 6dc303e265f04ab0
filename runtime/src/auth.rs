//! Request authorization: the [`Authorize`] trait and the simple schemes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use reqwest::header::{HeaderName, HeaderValue};

use crate::error::Error;
use crate::request::Operation;
use crate::types::Secret;

/// The future an [`Authorize`] implementation returns.
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// Context an auth scheme gets for each attempt.
#[derive(Debug, Clone, Copy)]
pub struct AuthContext<'a> {
    /// The operation being sent.
    pub operation: &'static Operation,
    /// The client's HTTP client, for schemes that log in first.
    pub http: &'a reqwest::Client,
}

impl<'a> AuthContext<'a> {
    /// A context for `operation` using `http`.
    pub fn new(operation: &'static Operation, http: &'a reqwest::Client) -> Self {
        Self { operation, http }
    }

    /// An [`Error::Auth`] for this context's operation.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::Auth {
            operation: self.operation.id,
            message: message.into(),
        }
    }
}

/// Request authorization.
///
/// Runs on every attempt (including retries), after the request is complete (URL with
/// query, headers, body bytes), so a signature can cover a fresh nonce and timestamp; it
/// may be async and may log in first through [`AuthContext::http`].
///
/// `Debug` is part of the contract: it must not show credentials, because
/// [`Client`](crate::Client)'s `Debug` prints it.
///
/// ```
/// use meterage_runtime::{AuthContext, AuthFuture, Authorize};
///
/// /// Adds a fixed query parameter to every request.
/// #[derive(Debug)]
/// struct Tenant(&'static str);
///
/// impl Authorize for Tenant {
///     fn authorize<'a>(
///         &'a self,
///         _ctx: AuthContext<'a>,
///         request: &'a mut meterage_runtime::reqwest::Request,
///     ) -> AuthFuture<'a> {
///         Box::pin(async move {
///             request.url_mut().query_pairs_mut().append_pair("tenant", self.0);
///             Ok(())
///         })
///     }
/// }
/// ```
pub trait Authorize: fmt::Debug + Send + Sync + 'static {
    /// Authorizes `request` (adds headers, query parameters, a signature).
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a>;

    /// Called with a failed response's status and vendor code (a non-2xx status, or a 2xx
    /// status whose body carries a failure code); `true` means the credential went stale
    /// and the client should call [`Authorize::invalidate`], authorize again and retry
    /// once. Default `false`.
    fn is_stale(&self, _status: u16, _vendor_code: Option<&str>) -> bool {
        false
    }

    /// Forgets cached credentials (after [`Authorize::is_stale`] returned `true`).
    /// Default: nothing.
    fn invalidate(&self) {}
}

/// No authorization: requests are sent as they are.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

impl Authorize for NoAuth {
    fn authorize<'a>(
        &'a self,
        _ctx: AuthContext<'a>,
        _request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A static credential in a header (`X-Auth-Token`, `X-ACCESS-TOKEN`).
///
/// The header value is marked sensitive, and `Debug` redacts the token.
///
/// ```
/// use meterage_runtime::HeaderToken;
///
/// let auth = HeaderToken::new("X-Auth-Token", "MIIEvQ-token");
/// assert!(!format!("{auth:?}").contains("MIIEvQ"));
/// ```
#[derive(Clone)]
pub struct HeaderToken {
    header: &'static str,
    token: Secret,
}

impl HeaderToken {
    /// Sends `token` in the header `header` on every request.
    pub fn new(header: &'static str, token: impl Into<Secret>) -> Self {
        Self {
            header,
            token: token.into(),
        }
    }

    /// The header name.
    pub fn header(&self) -> &'static str {
        self.header
    }
}

impl fmt::Debug for HeaderToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderToken")
            .field("header", &self.header)
            .field("token", &self.token)
            .finish()
    }
}

impl Authorize for HeaderToken {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        if ctx.operation.public {
            return Box::pin(std::future::ready(Ok(())));
        }
        let result = header_entry(self.header, &self.token)
            .map(|(name, value)| {
                request.headers_mut().insert(name, value);
            })
            .map_err(|message| ctx.error(message));
        Box::pin(std::future::ready(result))
    }
}

/// A header name and a sensitive header value for a credential; the error message never
/// contains the credential.
pub(crate) fn header_entry(
    header: &str,
    credential: &Secret,
) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(header.as_bytes())
        .map_err(|_| format!("`{header}` is not a valid header name"))?;
    let mut value = HeaderValue::from_str(credential.expose())
        .map_err(|_| format!("the credential for header `{header}` is not a valid header value"))?;
    value.set_sensitive(true);
    Ok((name, value))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::envelope::ErrorEnvelope;
    use crate::request::Method;

    static OP: Operation = Operation {
        id: "Op",
        method: Method::Get,
        success: 200,
        public: false,
        path: "/",
        server: None,
        envelope: &ErrorEnvelope::NONE,
    };

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn header_token_sets_a_sensitive_header() {
        let http = reqwest::Client::new();
        let auth = HeaderToken::new("X-ACCESS-TOKEN", "tok-s3cr3t");
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            reqwest::Url::parse("http://h/").unwrap(),
        );
        block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap();
        let value = &request.headers()["x-access-token"];
        assert_eq!(value, "tok-s3cr3t");
        assert!(value.is_sensitive());
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        assert!(!auth.is_stale(401, None));
    }

    #[test]
    fn header_token_leaves_public_operations_alone() {
        static LOGIN: Operation = Operation {
            id: "Login",
            public: true,
            ..OP
        };
        let http = reqwest::Client::new();
        let auth = HeaderToken::new("X-ACCESS-TOKEN", "tok-s3cr3t");
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            reqwest::Url::parse("http://h/login").unwrap(),
        );
        block_on(auth.authorize(AuthContext::new(&LOGIN, &http), &mut request)).unwrap();
        assert!(request.headers().get("x-access-token").is_none());
    }

    #[test]
    fn header_token_bad_value_is_an_auth_error_without_the_token() {
        let http = reqwest::Client::new();
        let auth = HeaderToken::new("X-Auth-Token", "tok\ns3cr3t");
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            reqwest::Url::parse("http://h/").unwrap(),
        );
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap_err();
        assert!(matches!(
            error,
            Error::Auth {
                operation: "Op",
                ..
            }
        ));
        assert!(!error.to_string().contains("s3cr3t"));
        assert!(!format!("{error:?}").contains("s3cr3t"));
    }
}
