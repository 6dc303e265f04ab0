//! Identities: what the caller is (a token, a key pair, a session) and where it comes
//! from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::auth::{AuthContext, DoneFuture};
use crate::error::Error;
use crate::interceptor::AttemptOutcome;

/// The future a [`ResolveIdentity`] implementation returns.
pub type IdentityFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<Expiring<T>, Error>> + Send + 'a>>;

/// An identity and how long it stays valid.
#[derive(Clone, PartialEq, Eq)]
pub struct Expiring<T> {
    /// The identity.
    pub value: T,
    /// How long it is valid from now; `None` when it does not expire on its own (it is
    /// used until the server refuses it).
    pub valid_for: Option<Duration>,
}

impl<T> Expiring<T> {
    /// An identity valid until the server refuses it.
    pub fn forever(value: T) -> Self {
        Self {
            value,
            valid_for: None,
        }
    }

    /// An identity valid for `duration` from now.
    pub fn for_duration(value: T, duration: Duration) -> Self {
        Self {
            value,
            valid_for: Some(duration),
        }
    }
}

/// A lifetime in seconds as a sign-in answer gives it (OAuth 2.0's `expires_in`, RFC
/// 6749 §5.1: a number, or a numeric string as Azure's v1 endpoint sends it): `Ok(None)`
/// when absent or `null`, `Err(())` when it is not a number of seconds.
pub(crate) fn seconds(value: Option<&serde_json::Value>) -> Result<Option<Duration>, ()> {
    use serde_json::Value;
    let seconds = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match seconds {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Ok(Some(Duration::from_secs_f64(seconds.min(u32::MAX.into()))))
        }
        _ => Err(()),
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

/// What the caller is: an identity of type `T` (a token, a key pair, a session), fixed,
/// from a sign-in call, or your own.
///
/// A [`Scheme`](crate::auth::Scheme) caches what it yields; `resolve` is called for the
/// first call, again a margin before the identity expires, and again after the server
/// refused it ([`ResolveIdentity::is_stale`]).
pub trait ResolveIdentity<T>: fmt::Debug + Send + Sync + 'static {
    /// Obtains an identity (signing in if that is what it takes).
    fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, T>;

    /// Whether a failed attempt means the identity went stale (HTTP 401, an "expired"
    /// vendor code). Default: HTTP 401.
    fn is_stale(&self, outcome: &AttemptOutcome<'_>) -> bool {
        outcome.status == Some(401)
    }

    /// Ends the session `identity` belongs to. Default: nothing.
    fn logout<'a>(&'a self, _ctx: AuthContext<'a>, _identity: &'a T) -> DoneFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A resolver from an async function, for identities your own code obtains (a vault, a
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

/// The resolver [`from_fn`] makes.
pub struct FnProvider<F>(F);

impl<F> fmt::Debug for FnProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnProvider")
    }
}

impl<T, F, Fut> ResolveIdentity<T> for FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Expiring<T>, Error>> + Send + 'static,
{
    fn resolve<'a>(&'a self, _ctx: AuthContext<'a>) -> IdentityFuture<'a, T> {
        Box::pin((self.0)())
    }
}
