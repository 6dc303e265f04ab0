//! The identity cache: one sign-in for many callers, renewed before it expires.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::auth::{AuthContext, Expiring, IdentityGeneration, ResolveIdentity};
use crate::error::{ApiError, AuthError, Error};

/// How long before its expiry a credential is renewed, at most; a short-lived credential
/// is renewed when a fifth of its lifetime remains.
pub const DEFAULT_RENEWAL_MARGIN: Duration = Duration::from_secs(300);

/// Caches the credential a [`ResolveIdentity`] yields.
///
/// - **Single flight**: however many calls need a credential at once, one of them asks
///   the provider and the others wait for its answer; a sign-in that fails is reported
///   to every call that was waiting for it, without signing in again for each.
/// - **Renewal**: a credential that expires is renewed when less than the margin
///   (at most [`DEFAULT_RENEWAL_MARGIN`], at most a fifth of its lifetime) remains; if the
///   renewal fails while the old credential is still valid, the old one is used.
/// - **Generations**: each credential has a generation number; forgetting a refused
///   credential ([`IdentityCache::invalidate`]) only forgets that generation, so twenty
///   calls refused at once cause one new sign-in, not twenty.
pub struct IdentityCache<T> {
    current: Mutex<Option<Entry<T>>>,
    refresh: tokio::sync::Mutex<()>,
    generations: AtomicU64,
    failures: AtomicU64,
    last_failure: Mutex<Option<Failure>>,
    margin: Duration,
}

struct Entry<T> {
    value: Arc<T>,
    generation: u64,
    renew_at: Option<Instant>,
    expires_at: Option<Instant>,
}

/// The last failed sign-in, for the calls that waited for it.
struct Failure {
    message: String,
    api: Option<ApiError>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<T> fmt::Debug for IdentityCache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.current);
        f.debug_struct("IdentityCache")
            .field("cached", &state.is_some())
            .field("generation", &state.as_ref().map(|entry| entry.generation))
            .field("margin", &self.margin)
            .finish()
    }
}

impl<T> Default for IdentityCache<T> {
    fn default() -> Self {
        Self::new(DEFAULT_RENEWAL_MARGIN)
    }
}

impl<T> IdentityCache<T> {
    /// An empty cache renewing credentials `margin` before they expire (at most a fifth
    /// of their lifetime before).
    pub fn new(margin: Duration) -> Self {
        Self {
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            generations: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            last_failure: Mutex::new(None),
            margin,
        }
    }

    /// The credential for the next request: the cached one while it is fresh, otherwise
    /// a new one from `provider` (one sign-in for all concurrent callers).
    ///
    /// # Errors
    ///
    /// The provider's error; calls that waited for a sign-in that failed get an
    /// [`Error::Auth`] saying so, with the vendor's answer when there was one.
    pub async fn get<P>(
        &self,
        provider: &P,
        ctx: AuthContext<'_>,
    ) -> Result<(Arc<T>, IdentityGeneration), Error>
    where
        P: ResolveIdentity<T> + ?Sized,
    {
        self.get_with(ctx, || provider.resolve(ctx)).await
    }

    /// Like [`IdentityCache::get`], with the credential obtained by `fetch`.
    ///
    /// # Errors
    ///
    /// As [`IdentityCache::get`].
    pub async fn get_with<F, Fut>(
        &self,
        ctx: AuthContext<'_>,
        fetch: F,
    ) -> Result<(Arc<T>, IdentityGeneration), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Expiring<T>, Error>>,
    {
        if let Some(hit) = self.fresh(Instant::now()) {
            return Ok(hit);
        }
        let epoch = self.failures.load(Ordering::Acquire);
        let _refreshing = self.refresh.lock().await;
        let now = Instant::now();
        if let Some(hit) = self.fresh(now) {
            return Ok(hit);
        }
        if self.failures.load(Ordering::Acquire) != epoch {
            if let Some(failure) = lock(&self.last_failure).as_ref() {
                let mut error = AuthError::new(
                    ctx.operation.id,
                    format!("a concurrent sign-in failed: {}", failure.message),
                );
                if let Some(api) = &failure.api {
                    error = error.caused_by(Error::Api(Box::new(api.clone())));
                }
                return Err(error.into());
            }
        }
        match fetch().await {
            Ok(fresh) => Ok(self.store(fresh, now)),
            Err(error) => {
                if let Some(hit) = self.unexpired(now) {
                    tracing::warn!(
                        operation = ctx.operation.id,
                        error = %error,
                        "renewing a credential failed; using the current one until it expires"
                    );
                    return Ok(hit);
                }
                *lock(&self.last_failure) = Some(Failure {
                    message: error.to_string(),
                    api: error.api().cloned(),
                });
                self.failures.fetch_add(1, Ordering::AcqRel);
                Err(error)
            }
        }
    }

    /// Forgets the credential of generation `used` (refused by the server), unless it has
    /// been renewed since. Returns whether a replay would use another credential: `false`
    /// for [`IdentityGeneration::NONE`] (nothing cached was used).
    pub fn invalidate(&self, used: IdentityGeneration) -> bool {
        if used == IdentityGeneration::NONE {
            return false;
        }
        let mut state = lock(&self.current);
        if state
            .as_ref()
            .is_some_and(|entry| entry.generation == used.get())
        {
            *state = None;
        }
        true
    }

    /// Forgets the cached credential and returns it.
    pub fn take(&self) -> Option<Arc<T>> {
        lock(&self.current).take().map(|entry| entry.value)
    }

    /// The cached credential, fresh or not.
    pub fn peek(&self) -> Option<Arc<T>> {
        lock(&self.current)
            .as_ref()
            .map(|entry| entry.value.clone())
    }

    /// Runs `f` on the cached credential, if there is one.
    pub fn with_current<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        lock(&self.current).as_ref().map(|entry| f(&entry.value))
    }

    /// The cached credential while it is before its renewal time.
    fn fresh(&self, now: Instant) -> Option<(Arc<T>, IdentityGeneration)> {
        self.cached_before(now, |entry| entry.renew_at)
    }

    /// The cached credential while it has not expired (past its renewal time or not).
    fn unexpired(&self, now: Instant) -> Option<(Arc<T>, IdentityGeneration)> {
        self.cached_before(now, |entry| entry.expires_at)
    }

    /// The cached credential, unless `now` is at or past the instant `until` gives.
    fn cached_before(
        &self,
        now: Instant,
        until: impl Fn(&Entry<T>) -> Option<Instant>,
    ) -> Option<(Arc<T>, IdentityGeneration)> {
        let state = lock(&self.current);
        let entry = state.as_ref()?;
        if until(entry).is_some_and(|at| now >= at) {
            return None;
        }
        Some((
            entry.value.clone(),
            IdentityGeneration::new(entry.generation),
        ))
    }

    fn store(&self, fresh: Expiring<T>, now: Instant) -> (Arc<T>, IdentityGeneration) {
        let generation = self.generations.fetch_add(1, Ordering::AcqRel) + 1;
        let (renew_at, expires_at) = match fresh.valid_for {
            None => (None, None),
            Some(lifetime) => {
                let margin = self.margin.min(lifetime / 5);
                (
                    now.checked_add(lifetime - margin),
                    now.checked_add(lifetime),
                )
            }
        };
        let value = Arc::new(fresh.value);
        *lock(&self.current) = Some(Entry {
            value: value.clone(),
            generation,
            renew_at,
            expires_at,
        });
        *lock(&self.last_failure) = None;
        (value, IdentityGeneration::new(generation))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::auth::IdentityFuture;
    use crate::client::Client;
    use crate::testing::client;

    use crate::request::Operation;

    static OP: Operation = Operation::get("Op", "/");

    /// Counts sign-ins; each takes `delay` and yields `token-<n>` valid for `life`, or
    /// fails while `fail` is set.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicU64,
        delay: Duration,
        life: Option<Duration>,
        fail: std::sync::atomic::AtomicBool,
    }

    impl Counting {
        fn new(delay: Duration, life: Option<Duration>) -> Self {
            Self {
                calls: AtomicU64::new(0),
                delay,
                life,
                fail: false.into(),
            }
        }
    }

    impl ResolveIdentity<String> for Counting {
        fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, String> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(self.delay).await;
                if self.fail.load(Ordering::SeqCst) {
                    return Err(ctx.error("wrong password"));
                }
                let token = format!("token-{n}");
                Ok(Expiring {
                    value: token,
                    valid_for: self.life,
                })
            })
        }
    }

    /// What a call of [`IdentityCache::get`] returns in these tests.
    type Got = Result<(Arc<String>, IdentityGeneration), Error>;

    /// `n` tasks asking `cache` for a credential at once.
    fn at_once(
        n: usize,
        cache: &Arc<IdentityCache<String>>,
        provider: &Arc<Counting>,
        client: &Client,
    ) -> Vec<tokio::task::JoinHandle<Got>> {
        (0..n)
            .map(|_| {
                let (cache, provider, client) = (cache.clone(), provider.clone(), client.clone());
                tokio::spawn(
                    async move { cache.get(&*provider, AuthContext::new(&OP, &client)).await },
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn twenty_concurrent_callers_share_one_sign_in_and_one_renewal() {
        let client = client();
        let provider = Arc::new(Counting::new(Duration::from_millis(30), None));
        let cache = Arc::new(IdentityCache::<String>::default());
        let tasks = at_once(20, &cache, &provider, &client);
        let mut used = Vec::new();
        for task in tasks {
            let (token, generation) = task.await.unwrap().unwrap();
            assert_eq!(*token, "token-1");
            used.push(generation);
        }
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);

        // All twenty are refused at once: one new sign-in.
        for generation in &used {
            assert!(cache.invalidate(*generation));
        }
        let tasks = at_once(20, &cache, &provider, &client);
        for task in tasks {
            assert_eq!(*task.await.unwrap().unwrap().0, "token-2");
        }
        // A late refusal of the old generation does not forget the new credential.
        assert!(cache.invalidate(used[0]));
        assert_eq!(cache.peek().as_deref().map(String::as_str), Some("token-2"));
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
        assert!(!cache.invalidate(IdentityGeneration::NONE));
    }

    #[tokio::test]
    async fn short_lived_credentials_are_renewed_before_they_expire() {
        let client = client();
        let provider = Counting::new(Duration::ZERO, Some(Duration::from_millis(500)));
        let cache = IdentityCache::<String>::default();
        let ctx = AuthContext::new(&OP, &client);
        assert_eq!(*cache.get(&provider, ctx).await.unwrap().0, "token-1");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(*cache.get(&provider, ctx).await.unwrap().0, "token-1");
        // 420 ms in: less than a fifth of the lifetime remains.
        tokio::time::sleep(Duration::from_millis(220)).await;
        assert_eq!(*cache.get(&provider, ctx).await.unwrap().0, "token-2");
        // A failed renewal keeps the unexpired credential.
        provider.fail.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(420)).await;
        assert_eq!(*cache.get(&provider, ctx).await.unwrap().0, "token-2");
        // Once it has expired, the failure is the answer.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let error = cache.get(&provider, ctx).await.unwrap_err();
        assert!(error.to_string().contains("wrong password"), "{error}");
    }

    #[tokio::test]
    async fn a_failed_sign_in_is_shared_by_its_waiters() {
        let client = client();
        let provider = Arc::new(Counting::new(Duration::from_millis(50), None));
        provider.fail.store(true, Ordering::SeqCst);
        let cache = Arc::new(IdentityCache::<String>::default());
        let tasks = at_once(10, &cache, &provider, &client);
        for task in tasks {
            let error = task.await.unwrap().unwrap_err();
            assert!(matches!(error, Error::Auth(_)), "{error:?}");
            assert!(error.to_string().contains("wrong password"), "{error}");
        }
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
        // A later call tries again.
        provider.fail.store(false, Ordering::SeqCst);
        let ctx = AuthContext::new(&OP, &client);
        assert_eq!(*cache.get(&*provider, ctx).await.unwrap().0, "token-2");
    }
}
