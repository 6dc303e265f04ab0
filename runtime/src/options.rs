//! Per-call settings: timeouts and retries that override the client's defaults.

use std::time::Duration;

use crate::retry::RetryPolicy;

/// Settings for one call, overriding the client's defaults
/// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout),
/// [`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout),
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry)). Generated request builders
/// take them through `.options(..)`.
///
/// ```
/// use std::time::Duration;
/// use meterage_runtime::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(5))
///     .total_timeout(Duration::from_secs(60))
///     .retry(RetryPolicy::standard().max_attempts(6));
/// assert_eq!(options.attempt_timeout(), Some(Duration::from_secs(5)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// No overrides: the client's defaults apply.
    pub const fn new() -> Self {
        Self {
            attempt_timeout: None,
            total_timeout: None,
            retry: None,
        }
    }

    /// The timeout of each attempt, from sending the request until its body is read.
    pub const fn timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The deadline of the whole call: every attempt and every wait between them.
    pub const fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// The retry policy of this call.
    pub const fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// One attempt only.
    pub const fn no_retries(self) -> Self {
        self.retry(RetryPolicy::disabled())
    }

    /// The attempt timeout set here, if any.
    pub const fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The total timeout set here, if any.
    pub const fn total_timeout_value(&self) -> Option<Duration> {
        self.total_timeout
    }

    /// The retry policy set here, if any.
    pub const fn retry_policy(&self) -> Option<RetryPolicy> {
        self.retry
    }
}
