//! The client generated API modules send their requests through.
//!
//! Every call runs one pipeline of named phases (`pipeline.rs`): modify (interceptors),
//! resolve identity and sign (the auth scheme), send and read (`transmit.rs`), classify
//! (`classify.rs`: the one place that decides success, stale identity, transient or
//! final), observe (interceptors) and decide (return, replay once, retry, fail). The
//! whole attempt, sign-in included, runs under the attempt timeout and the call's
//! deadline.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;

use crate::auth::{AuthContext, Authorize, SignInClient, SignInFuture};
use crate::error::Error;
use crate::interceptor::Interceptor;
use crate::request::{Operation, Request};
use crate::response::Response;
use crate::retry::RetryPolicy;

mod builder;
mod classify;
mod expect;
mod pipeline;
mod transmit;

pub use builder::ClientBuilder;

/// Sends requests built by generated code: URL, headers, authorization, timeouts and
/// retries, error mapping and decoding.
///
/// Cheap to clone: clones share one connection pool, one auth scheme and its cached
/// credential. `Debug` shows the base URL, user agent, settings and the auth scheme's
/// `Debug` (which redacts credentials).
///
/// ```no_run
/// use meterage_runtime::{Client, ErrorEnvelope, HeaderToken, Method, Operation, Request};
///
/// static LIST_SIM_POOLS: Operation = Operation {
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
///
/// # async fn run() -> Result<(), meterage_runtime::Error> {
/// let client = Client::builder("https://gsl.cn-north-4.myhuaweicloud.com")
///     .auth(HeaderToken::new("X-Auth-Token", "token"))
///     .build()?;
/// let mut request = Request::new(&LIST_SIM_POOLS);
/// request.query("limit", &50);
/// let response = client.send::<serde_json::Value>(request).await?;
/// println!("{} pools", response["count"]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    user_agent: String,
    user_agent_value: HeaderValue,
    http: reqwest::Client,
    /// Whether `http` was given by the caller ([`ClientBuilder::http_client`]): it may
    /// follow redirects, so each response's URL is checked against the request's. The
    /// client's own follows none.
    http_given: bool,
    auth: Arc<dyn Authorize>,
    /// The caller's interceptors (the tracing step runs after them, called directly).
    interceptors: Vec<Arc<dyn Interceptor>>,
    settings: builder::Settings,
    overrides: Vec<(String, String)>,
}

impl Client {
    /// A builder for a client whose default base URL is `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder<Client> {
        ClientBuilder::new(base_url)
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether generated code checks request constraints before sending.
    pub fn validates_requests(&self) -> bool {
        self.inner.settings.validate
    }

    /// The underlying HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The auth scheme.
    pub fn auth(&self) -> &dyn Authorize {
        &*self.inner.auth
    }

    /// The default retry policy of this client's calls.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.settings.retry
    }

    /// The base URL a call of `operation` goes to: `server` if given (a request's own),
    /// else the operation's own server, else the client's base URL; an operation or
    /// request server is replaced by its
    /// [`server_override`](ClientBuilder::server_override), if one is set.
    pub fn server_for<'s>(&'s self, operation: &'s Operation, server: Option<&'s str>) -> &'s str {
        match server.or(operation.server) {
            None => &self.inner.base_url,
            Some(server) => {
                let server = server.trim_end_matches('/');
                self.inner
                    .overrides
                    .iter()
                    .find(|(from, _)| from == server)
                    .map_or(server, |(_, to)| to.as_str())
            }
        }
    }

    /// Sends `request` and decodes the JSON success body into `T`, straight from the
    /// bytes, once. An empty body decodes like JSON `null` (so `()` and `Option<_>`
    /// accept it).
    ///
    /// Transient failures of idempotent calls are retried by the client's (or the
    /// request's) [`RetryPolicy`]; a credential the server refuses is renewed and the call
    /// replayed once.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when the request cannot be built, [`Error::Auth`] when signing
    /// in fails, [`Error::Transport`] or [`Error::Timeout`] when no usable answer came
    /// back, [`Error::Api`] for a failure status or a failure vendor code, and
    /// [`Error::Decode`] when the body does not match `T`.
    pub async fn send<T: DeserializeOwned + Send>(
        &self,
        request: Request,
    ) -> Result<Response<T>, Error> {
        self.run(request, expect::Json::<T>::new()).await
    }

    /// Sends an operation whose success response has no body to decode (HTML, empty).
    ///
    /// The status checks apply, and so does the envelope's success rule when the body is
    /// JSON.
    ///
    /// # Errors
    ///
    /// As [`Client::send`], except that there is no [`Error::Decode`].
    pub async fn send_without_body(&self, request: Request) -> Result<Response<()>, Error> {
        self.run(request, expect::Nothing).await
    }

    /// Sends `request` and returns the success body's bytes undecoded, exactly as the
    /// server sent them. The status rules apply; the envelope's success rule too, when
    /// the spec says a 2xx body can report a failure (the body is then scanned, not
    /// decoded).
    ///
    /// # Errors
    ///
    /// As [`Client::send`], except that there is no [`Error::Decode`].
    pub async fn send_raw(&self, request: Request) -> Result<Response<Bytes>, Error> {
        self.run(request, expect::Raw).await
    }

    /// Sends `request` and decodes the success body into `T`, then asks `check` about
    /// it: `Some(error)` makes the answer a transient failure, fetched again by the
    /// call's retry policy, and `error` ends the call when attempts run out (a page that
    /// repeats the page before it).
    pub(crate) async fn send_checked<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        check: impl Fn(&T, u32) -> Option<Error> + Send + Sync + 'static,
    ) -> Result<Response<T>, Error> {
        self.run(request, expect::Json::checked(Box::new(check)))
            .await
    }

    /// Ends the auth scheme's session, if it has one (NCE-Campus: the spec's logout
    /// call), and forgets the credential; the next call signs in again.
    ///
    /// # Errors
    ///
    /// The logout call's error.
    pub async fn logout(&self, operation: &'static Operation) -> Result<(), Error> {
        self.inner
            .auth
            .logout(AuthContext::new(operation, self))
            .await
    }
}

impl SignInClient for Client {
    fn send_sign_in(&self, request: Request) -> SignInFuture<'_> {
        Box::pin(self.send_raw(request))
    }

    fn server_for<'s>(&'s self, operation: &'s Operation, server: Option<&'s str>) -> &'s str {
        Client::server_for(self, operation, server)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("user_agent", &inner.user_agent)
            .field("settings", &inner.settings)
            .field("server_overrides", &inner.overrides)
            .field("interceptors", &inner.interceptors)
            .field("auth", &inner.auth)
            .finish()
    }
}
