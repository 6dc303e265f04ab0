//! A scheme: an identity resolver and a signer joined by the identity cache. The one
//! implementation of [`Authorize`] that every named scheme shares.

use std::fmt;

use reqwest::header::HeaderMap;

use crate::auth::cache::IdentityCache;
use crate::auth::{
    AuthContext, AuthFuture, Authorize, DoneFuture, IdentityGeneration, ResolveIdentity,
};
use crate::interceptor::AttemptOutcome;

/// How a request proves an identity: a header, a signature, cookies. Pure and
/// synchronous; it runs on every attempt, after the request is complete.
pub trait Sign: fmt::Debug + Send + Sync + 'static {
    /// The identity this signer applies (a token, a key pair, a session).
    type Identity: Send + Sync + 'static;

    /// Signs `request` with `identity`. The error says what is wrong, never the secret.
    ///
    /// # Errors
    ///
    /// A message for [`Error::Auth`](crate::Error::Auth): the identity cannot be put into
    /// the request (not a valid header value, a body the signature cannot cover).
    fn sign(&self, identity: &Self::Identity, request: &mut reqwest::Request)
        -> Result<(), String>;

    /// Whether the server refused this attempt's signature for a reason that signing
    /// again mends, with the same identity (a nonce it had seen). Default `false`.
    fn sign_again(&self, _outcome: &AttemptOutcome<'_>) -> bool {
        false
    }

    /// Sees the headers of every response to a call signed with `identity` (a session
    /// keeps rotated cookies). Default: nothing.
    fn observe_response(&self, _identity: &Self::Identity, _headers: &HeaderMap) {}
}

/// An auth scheme: the identity a resolver `R` yields, cached, applied to every attempt
/// by a signer `S`.
///
/// The cache ([`IdentityCache`]) gives every scheme the same behaviour: one sign-in for
/// all concurrent calls, renewal a margin before expiry, a refused identity forgotten
/// (by generation, so twenty refusals cause one sign-in) and the call replayed once, and
/// logout. The named schemes are aliases: [`TokenAuth`](crate::auth::TokenAuth),
/// [`RpcSignatureV1`](crate::RpcSignatureV1), [`SdkHmacSha256`](crate::SdkHmacSha256),
/// [`AwsSigv4`](crate::AwsSigv4),
/// [`DjangoSession`](crate::auth::DjangoSession), [`ApiKey`](crate::auth::ApiKey).
///
/// ```
/// use meterage_runtime::auth::{HeaderSigner, Scheme};
/// use meterage_runtime::Secret;
///
/// // A fixed token in a header: what `HeaderToken::new` builds.
/// let auth = Scheme::from_parts(Secret::new("t0ken"), HeaderSigner::new("X-Auth-Token"));
/// assert!(!format!("{auth:?}").contains("t0ken"));
/// ```
pub struct Scheme<R, S: Sign> {
    resolver: R,
    signer: S,
    cache: IdentityCache<S::Identity>,
}

impl<R, S: Sign> Scheme<R, S> {
    /// The identities `resolver` yields, signed by `signer`.
    pub fn from_parts(resolver: R, signer: S) -> Self {
        Self {
            resolver,
            signer,
            cache: IdentityCache::default(),
        }
    }

    /// The identity resolver.
    pub fn provider(&self) -> &R {
        &self.resolver
    }

    /// The identity resolver, to change its settings before the first call.
    pub fn provider_mut(&mut self) -> &mut R {
        &mut self.resolver
    }

    /// Changes the resolver with a function taking and returning it (builder methods);
    /// a cached identity is forgotten.
    pub fn map_provider(mut self, f: impl FnOnce(R) -> R) -> Self {
        self.resolver = f(self.resolver);
        self.cache = IdentityCache::default();
        self
    }

    /// The signer.
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// Changes the signer with a function taking and returning it (builder methods).
    pub fn map_signer(mut self, f: impl FnOnce(S) -> S) -> Self {
        self.signer = f(self.signer);
        self
    }

    /// The identity cache.
    pub fn cache(&self) -> &IdentityCache<S::Identity> {
        &self.cache
    }
}

impl<R: fmt::Debug, S: Sign> fmt::Debug for Scheme<R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("identity", &self.resolver)
            .field("signer", &self.signer)
            .field("cache", &self.cache)
            .finish()
    }
}

impl<R, S> Authorize for Scheme<R, S>
where
    R: ResolveIdentity<S::Identity>,
    S: Sign,
{
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            let (identity, used) = self.cache.get(&self.resolver, ctx).await?;
            self.signer
                .sign(&identity, request)
                .map_err(|message| ctx.error(message))?;
            Ok(used)
        })
    }

    fn rejected(&self, outcome: &AttemptOutcome<'_>, used: IdentityGeneration) -> bool {
        self.signer.sign_again(outcome)
            || (self.resolver.is_stale(outcome) && self.cache.invalidate(used))
    }

    fn observe_response(&self, headers: &HeaderMap) {
        self.cache
            .with_current(|identity| self.signer.observe_response(identity, headers));
    }

    fn logout<'a>(&'a self, ctx: AuthContext<'a>) -> DoneFuture<'a> {
        Box::pin(async move {
            match self.cache.take() {
                Some(identity) => self.resolver.logout(ctx, &identity).await,
                None => Ok(()),
            }
        })
    }
}
