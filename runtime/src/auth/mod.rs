//! Authentication: who the caller is ([identities](ProvideIdentity)), and how each
//! request proves it ([`Authorize`]).
//!
//! As in the AWS SDK for Rust, identity is kept apart from signing:
//!
//! - a **provider** yields a credential with an optional lifetime: a fixed token or key
//!   pair, a token from a login call ([`LoginToken`], NCE-Campus), an IAM token
//!   ([`KeystonePassword`], Huawei Cloud), a console session ([`DjangoSession`], PLCloud),
//!   or your own async provider ([`from_fn`]);
//! - the client **caches** it ([`IdentityCache`](cache::IdentityCache)): one sign-in
//!   serves every call, however many run at once (single flight), and it is renewed a
//!   margin before it expires;
//! - a **signer** applies it to every attempt: a header ([`HeaderToken`]), an HMAC
//!   signature with a fresh timestamp and nonce ([`SdkHmacSha256`], [`RpcSignatureV1`]),
//!   session cookies and CSRF headers.
//!
//! When the server refuses a credential (HTTP 401, a vendor's "token expired" code, a
//! redirect to a login page), the scheme forgets it, signs in again once and the client
//! replays the call; a sign-in that fails ends the call with [`Error::Auth`], carrying the
//! vendor's answer, and is never retried in a loop.
//!
//! [`SdkHmacSha256`]: crate::SdkHmacSha256
//! [`RpcSignatureV1`]: crate::RpcSignatureV1

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::client::Client;
use crate::error::{AuthError, Error};
use crate::interceptor::AttemptOutcome;
use crate::request::Operation;

mod api_key;
pub mod cache;
mod django;
pub mod env;
mod keys;
mod keystone;
mod token;

pub use api_key::{ApiKey, KeyPlace};
pub use django::{DjangoSession, DjangoSessionSpec};
pub use keys::AccessKey;
pub use keystone::{KeystonePassword, KeystoneSpec, KeystoneUser};
pub use token::{HeaderToken, LoginToken, LoginTokenSpec, LogoutSpec, TokenAuth, UsernamePassword};

/// The future an [`Authorize`] implementation returns.
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<Authorization, Error>> + Send + 'a>>;

/// The future a [`ProvideIdentity`] implementation returns.
pub type IdentityFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<Expiring<T>, Error>> + Send + 'a>>;

/// A future of nothing but success or an error (logging out).
pub type DoneFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// Context an auth scheme gets: the operation being authorized, and the client, through
/// which a scheme sends its own sign-in calls.
#[derive(Debug, Clone, Copy)]
pub struct AuthContext<'a> {
    /// The operation being sent.
    pub operation: &'static Operation,
    /// The client, for sign-in calls (send them with
    /// [`Request::without_auth`](crate::Request::without_auth)).
    pub client: &'a Client,
}

impl<'a> AuthContext<'a> {
    /// A context for `operation` on `client`.
    pub fn new(operation: &'static Operation, client: &'a Client) -> Self {
        Self { operation, client }
    }

    /// An [`Error::Auth`] for this context's operation.
    pub fn error(&self, message: impl Into<String>) -> Error {
        AuthError::new(self.operation.id, message).into()
    }

    /// An [`Error::Auth`] for this context's operation, caused by `source` (a sign-in
    /// call's own failure).
    pub fn error_caused_by(&self, message: impl Into<String>, source: Error) -> Error {
        AuthError::new(self.operation.id, message)
            .caused_by(source)
            .into()
    }
}

/// What signed an attempt: the generation of the cached credential, so that a
/// credential refused by the server is forgotten only if nobody has renewed it since.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Authorization(u64);

impl Authorization {
    /// Signed with nothing cached (a fixed credential, or no auth).
    pub const NONE: Authorization = Authorization(0);

    /// The credential of cache generation `generation`.
    pub const fn generation(generation: u64) -> Self {
        Authorization(generation)
    }

    /// The cache generation.
    pub const fn get(self) -> u64 {
        self.0
    }
}

/// Request authorization: the seam between a client and its auth scheme.
///
/// Runs on every attempt (retries included), after the request is complete (URL with
/// query, headers, body bytes), so a signature can cover a fresh nonce and timestamp; it
/// may be async and may sign in first through [`AuthContext::client`]. Calls marked
/// public (`security: []`, sign-in calls) are not authorized at all.
///
/// `Debug` is part of the contract: it must not show credentials, because
/// [`Client`]'s `Debug` prints it.
///
/// ```
/// use meterage_runtime::auth::{AuthContext, AuthFuture, Authorization, Authorize};
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
///             Ok(Authorization::NONE)
///         })
///     }
/// }
/// ```
pub trait Authorize: fmt::Debug + Send + Sync + 'static {
    /// Authorizes `request` (adds headers, query parameters, a signature), signing in
    /// first if needed; returns what it signed with.
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a>;

    /// Called when an attempt authorized with `used` failed (a failure status, a failure
    /// vendor code, or no response): `true` means the credential went stale and has been
    /// forgotten, and the client should authorize again and replay the call (once).
    /// Default `false`.
    fn rejected(&self, _outcome: &AttemptOutcome<'_>, _used: Authorization) -> bool {
        false
    }

    /// Sees the headers of every response to an authorized call (a session scheme keeps
    /// rotated cookies). Default: nothing.
    fn observe_response(&self, _headers: &HeaderMap) {}

    /// Ends the session, if the scheme has one (NCE-Campus: the spec's logout call), and
    /// forgets the credential. Default: nothing.
    fn logout<'a>(&'a self, _ctx: AuthContext<'a>) -> DoneFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
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
        Box::pin(std::future::ready(Ok(Authorization::NONE)))
    }
}

/// A credential and how long it stays valid.
#[derive(Clone, PartialEq, Eq)]
pub struct Expiring<T> {
    /// The credential.
    pub value: T,
    /// How long it is valid from now; `None` when it does not expire on its own (it is
    /// used until the server refuses it).
    pub valid_for: Option<Duration>,
}

impl<T> Expiring<T> {
    /// A credential valid until the server refuses it.
    pub fn forever(value: T) -> Self {
        Self {
            value,
            valid_for: None,
        }
    }

    /// A credential valid for `duration` from now.
    pub fn for_duration(value: T, duration: Duration) -> Self {
        Self {
            value,
            valid_for: Some(duration),
        }
    }
}

impl<T> fmt::Debug for Expiring<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expiring")
            .field("value", &"***")
            .field("valid_for", &self.valid_for)
            .finish()
    }
}

/// A source of credentials of type `T` (a token, a key pair, a session): fixed, from a
/// sign-in call, or your own.
///
/// The client caches what it yields (see [`cache::IdentityCache`]); `provide` is called
/// for the first call, again a margin before the credential expires, and again after
/// the server refused it ([`ProvideIdentity::is_stale`]).
pub trait ProvideIdentity<T>: fmt::Debug + Send + Sync + 'static {
    /// Obtains a credential (signing in if that is what it takes).
    fn provide<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, T>;

    /// Whether a failed attempt means the credential went stale (HTTP 401, an "expired"
    /// vendor code). Default: HTTP 401.
    fn is_stale(&self, outcome: &AttemptOutcome<'_>) -> bool {
        outcome.status == Some(401)
    }

    /// Ends the session `credential` belongs to. Default: nothing.
    fn logout<'a>(&'a self, _ctx: AuthContext<'a>, _credential: &'a T) -> DoneFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A provider from an async function, for credentials your own code obtains (a vault, a
/// token service).
///
/// ```
/// use std::time::Duration;
/// use meterage_runtime::auth::{from_fn, Expiring, TokenAuth};
/// use meterage_runtime::Secret;
///
/// let auth = TokenAuth::with_provider(
///     "X-Auth-Token",
///     from_fn(|| async {
///         let token = Secret::new("from-my-vault");
///         Ok(Expiring::for_duration(token, Duration::from_secs(3600)))
///     }),
/// );
/// # let _ = auth;
/// ```
pub fn from_fn<T, F, Fut>(f: F) -> FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Expiring<T>, Error>> + Send + 'static,
{
    FnProvider(f)
}

/// The provider [`from_fn`] makes.
pub struct FnProvider<F>(F);

impl<F> fmt::Debug for FnProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnProvider")
    }
}

impl<T, F, Fut> ProvideIdentity<T> for FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Expiring<T>, Error>> + Send + 'static,
{
    fn provide<'a>(&'a self, _ctx: AuthContext<'a>) -> IdentityFuture<'a, T> {
        Box::pin((self.0)())
    }
}
