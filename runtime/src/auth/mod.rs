//! Authentication in two parts: who the caller is ([`ResolveIdentity`]) and how each
//! request proves it ([`Sign`]), joined by one [`Scheme`] that caches the identity.
//!
//! As in the AWS SDK for Rust, identity is kept apart from signing:
//!
//! - a **resolver** yields an identity with an optional lifetime: a fixed token or key
//!   pair, a token from a login call ([`LoginToken`], NCE-Campus), an IAM token
//!   ([`KeystonePassword`], Huawei Cloud), an OAuth 2.0 access token by the client
//!   credentials grant ([`OAuth2ClientCredentials`], Azure's Microsoft identity platform),
//!   a console session ([`DjangoLogin`], PLCloud), or your own async function
//!   ([`from_fn`]);
//! - a **signer** applies it to every attempt: a header ([`HeaderSigner`]), an HMAC
//!   signature with a fresh timestamp and nonce ([`RpcV1Signer`], [`SdkSigner`],
//!   [`AwsSigv4Signer`]),
//!   session cookies and CSRF headers ([`SessionSigner`]), a key in the query or a
//!   cookie ([`KeySigner`]);
//! - a [`Scheme`] joins the two and owns the one [`IdentityCache`](cache::IdentityCache)
//!   every scheme shares: one sign-in serves every call however many run at once
//!   (single flight), it is renewed a margin before it expires, a refused identity is
//!   forgotten (once, by generation) and the call replayed, and logout ends it.
//!
//! The client runs the scheme as two phases of every attempt (see
//! [`client`](crate::client)): *resolve identity* (which may sign in), then *sign*, both
//! under the attempt's timeout and the call's deadline, after the request is complete,
//! so a signature always covers a fresh nonce and timestamp.
//!
//! The named schemes are aliases of [`Scheme`]: [`TokenAuth`] (and [`HeaderToken`],
//! [`OAuth2Auth`]), [`RpcSignatureV1`], [`SdkHmacSha256`], [`AwsSigv4`],
//! [`DjangoSession`], [`ApiKey`]. A new scheme is one file: its resolver or its signer
//! (or both), and an alias.
//!
//! When the server refuses an identity (HTTP 401, a vendor's "token expired" code, a
//! redirect to a login page), the scheme forgets it, signs in again once and the client
//! replays the call; a sign-in that fails ends the call with [`Error::Auth`], carrying the
//! vendor's answer, and is never retried in a loop.
//!
//! [`Error::Auth`]: crate::Error::Auth

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use reqwest::header::HeaderMap;

use crate::error::Error;
use crate::interceptor::AttemptOutcome;

mod api_key;
mod aws_sigv4;
pub mod cache;
mod context;
mod django;
pub mod env;
mod identity;
mod keys;
mod keystone;
mod login_token;
mod oauth2;
mod rpc_v1;
mod scheme;
mod sdk_hmac;
pub(crate) mod signing;
mod token;

pub use api_key::{ApiKey, KeyPlace, KeySigner};
pub use aws_sigv4::{AwsSigv4, AwsSigv4Signer};
pub use context::{AuthContext, SignInClient, SignInFuture};
pub use django::{ConsoleSession, DjangoLogin, DjangoSession, DjangoSessionSpec, SessionSigner};
pub use identity::{from_fn, Expiring, FnProvider, IdentityFuture, ResolveIdentity};
pub use keys::{AccessKey, UsernamePassword};
pub use keystone::{KeystonePassword, KeystoneSpec, KeystoneUser};
pub use login_token::{LoginField, LoginPlace, LoginToken, LoginTokenSpec, LogoutSpec};
pub use oauth2::{ClientCredentials, OAuth2Auth, OAuth2ClientCredentials, OAuth2Spec};
pub use rpc_v1::{rpc_v1_signature, RpcSignatureV1, RpcV1Signer};
pub use scheme::{Scheme, Sign};
pub use sdk_hmac::{
    sdk_canonical_query, sdk_canonical_request, sdk_canonical_uri, sdk_hmac_sha256_signature,
    sdk_signed_headers, SdkHmacSha256, SdkSigner,
};
pub use token::{HeaderSigner, HeaderToken, TokenAuth};

/// The future an [`Authorize`] implementation returns.
pub type AuthFuture<'a> =
    Pin<Box<dyn Future<Output = Result<IdentityGeneration, Error>> + Send + 'a>>;

/// A future of nothing but success or an error (logging out).
pub type DoneFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// Which cached identity signed an attempt: its generation in the scheme's cache, so
/// that an identity refused by the server is forgotten only if nobody has renewed it
/// since. [`IdentityGeneration::NONE`] when nothing cached was used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentityGeneration(u64);

impl IdentityGeneration {
    /// Signed with nothing cached (no auth, or a scheme without a cache).
    pub const NONE: IdentityGeneration = IdentityGeneration(0);

    /// The identity of cache generation `generation`.
    pub const fn new(generation: u64) -> Self {
        IdentityGeneration(generation)
    }

    /// The cache generation.
    pub const fn get(self) -> u64 {
        self.0
    }
}

/// Request authorization: the seam between a client and its auth scheme, object-safe so
/// a client holds any scheme. [`Scheme`] implements it for every resolver and signer;
/// implement it yourself only for something that fits neither.
///
/// Runs on every attempt (retries included), after the request is complete (URL with
/// query, headers, body bytes), so a signature can cover a fresh nonce and timestamp; it
/// may be async and may sign in first through [`AuthContext::client`]. Calls marked
/// public (`security: []`, sign-in calls) are not authorized at all.
///
/// `Debug` is part of the contract: it must not show credentials, because
/// [`Client`](crate::Client)'s `Debug` prints it.
///
/// ```
/// use meterage_runtime::auth::{AuthContext, AuthFuture, Authorize, IdentityGeneration};
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
///             Ok(IdentityGeneration::NONE)
///         })
///     }
/// }
/// ```
pub trait Authorize: fmt::Debug + Send + Sync + 'static {
    /// Resolves the identity (signing in if needed) and signs `request` with it; returns
    /// which cached identity it used.
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a>;

    /// Called when an attempt signed with `used` failed (a failure status, a failure
    /// vendor code, or no response): `true` means the identity went stale and has been
    /// forgotten (or the signature can be mended by signing again), and the client
    /// should authorize again and replay the call (once). Default `false`.
    fn rejected(&self, _outcome: &AttemptOutcome<'_>, _used: IdentityGeneration) -> bool {
        false
    }

    /// Sees the headers of every response to an authorized call (a session scheme keeps
    /// rotated cookies). Default: nothing.
    fn observe_response(&self, _headers: &HeaderMap) {}

    /// Ends the session, if the scheme has one (NCE-Campus: the spec's logout call), and
    /// forgets the identity. Default: nothing.
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
        Box::pin(std::future::ready(Ok(IdentityGeneration::NONE)))
    }
}
