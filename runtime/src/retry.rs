//! Retries: which failures are worth another attempt, and how long to wait before it.
//!
//! Every attempt ends in one [`Verdict`], decided in one place (the client's classify
//! phase): a success, a stale identity (signed in again and replayed once, outside the
//! retry budget), a transient failure, or a final one. A transient failure is retried
//! when the call is idempotent or a sign-in call ([`Request::sign_in`](crate::Request::sign_in)),
//! or the request never reached the server, attempts
//! remain ([`RetryPolicy`]), and the wait fits the call's deadline. Waits grow
//! exponentially with full jitter; a server's `Retry-After` is honoured when it is
//! within the policy's cap.
//!
//! # What is transient
//!
//! | outcome | verdict |
//! |---|---|
//! | connection refused, reset or dropped; a body cut short | transient |
//! | one attempt's timeout | transient |
//! | the call's own deadline | final |
//! | HTTP 408, 429, 500, 502, 503, 504 | transient, unless the spec says final |
//! | a vendor code in `x-error-envelope` `transient` (any status, HTTP 200 included) | transient |
//! | a vendor code in `final` or `credentials`, a status in `final-statuses` | final (first rule that matches) |
//! | a status in `transient-statuses` | transient |
//! | any other status or vendor code | final |
//! | HTTP 401, a vendor's "expired" code, a redirect to a login page | stale identity |
//! | a body that does not decode, one larger than the cap, a sign-in that failed | final |
//! | a page that repeats the page before it ([`pagination`](crate::pagination)) | transient |
//!
//! The order for a failed response is: the vendor code's `final`, then its `transient`,
//! then the status's `final-statuses`, then `transient-statuses` and the table above
//! ([`ErrorEnvelope::is_transient`](crate::ErrorEnvelope::is_transient)). The same rule
//! sets [`ApiError::transient`](crate::ApiError::transient). Listed codes are compared
//! with [`code_matches`](crate::envelope::code_matches): a bare `ThrottlingException`
//! also matches the namespaced `aws.protocols#ThrottlingException` and
//! `ThrottlingException:http://...`.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How an attempt ended, as the client judges it; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// A success: the response is returned.
    Success,
    /// The server refused the identity the attempt was signed with; the scheme forgot
    /// it, and the call is signed again and replayed (once).
    StaleIdentity,
    /// Another attempt may succeed.
    Transient,
    /// Another attempt would fail the same way.
    Final,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShouldRetry {
    /// Try again after this delay.
    After(Duration),
    /// Give up: the failure is final.
    No,
}

/// How often and how patiently a client retries transient failures.
///
/// The default ([`RetryPolicy::standard`]) makes at most 4 attempts, waits a random time
/// up to 200 ms, 400 ms, 800 ms (doubling, capped at 10 s) between them, and honours a
/// server's `Retry-After` of up to 60 s (a longer one ends the call with the server's
/// answer rather than waiting).
///
/// ```
/// use std::time::Duration;
/// use meterage_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::standard()
///     .max_attempts(8)
///     .initial_backoff(Duration::from_millis(500))
///     .max_backoff(Duration::from_secs(30));
/// assert_eq!(patient.attempts(), 8);
/// assert!(patient.backoff_cap(3) <= Duration::from_secs(2));
/// assert_eq!(RetryPolicy::disabled().attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// At most 4 attempts, backoff from 200 ms doubling up to 10 s with full jitter,
    /// `Retry-After` honoured up to 60 s.
    pub const fn standard() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }

    /// One attempt, no retries.
    pub const fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// The number of attempts, the first one included (at least 1).
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// The cap of the first wait; each further wait's cap doubles.
    pub const fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest cap of a wait.
    pub const fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client waits for; a server asking for more ends the
    /// call with its answer.
    pub const fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The number of attempts, the first one included.
    pub const fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The cap of the wait before retry number `retry` (1 for the wait after the first
    /// attempt): `initial_backoff * 2^(retry - 1)`, at most `max_backoff`.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The decision after attempt number `attempt` failed transiently; `retry_after` is
    /// the server's `Retry-After`, if it sent one.
    pub fn decide(&self, attempt: u32, retry_after: Option<Duration>) -> ShouldRetry {
        if attempt >= self.max_attempts {
            return ShouldRetry::No;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => ShouldRetry::No,
            Some(wait) => ShouldRetry::After(wait),
            None => ShouldRetry::After(full_jitter(self.backoff_cap(attempt))),
        }
    }
}

/// A uniformly random duration between zero and `cap` (AWS's "full jitter").
fn full_jitter(cap: Duration) -> Duration {
    let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

/// Whether an HTTP status says "try again later" by default: 408, 429, 500, 502, 503,
/// 504 (as AWS's standard retry mode has it). A spec narrows or widens this per API.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for: delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, counted from `now`). A date in the past is zero; an
/// unreadable value is `None`.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc2822).ok()?;
    let at = SystemTime::from(date);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_stays_below_it() {
        let policy = RetryPolicy::standard();
        let caps: Vec<u128> = (1..=8).map(|n| policy.backoff_cap(n).as_millis()).collect();
        assert_eq!(caps, [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
        assert_eq!(policy.backoff_cap(200), Duration::from_secs(10));
        for attempt in 1..4 {
            for _ in 0..200 {
                match policy.decide(attempt, None) {
                    ShouldRetry::After(wait) => assert!(wait <= policy.backoff_cap(attempt)),
                    ShouldRetry::No => panic!("attempt {attempt} should be retried"),
                }
            }
        }
        // Full jitter spreads the waits: 200 draws are not all in the top half.
        let low = (0..200)
            .filter(|_| full_jitter(Duration::from_millis(800)) < Duration::from_millis(400))
            .count();
        assert!(low > 0 && low < 200, "{low}");
    }

    #[test]
    fn attempts_and_retry_after() {
        let policy = RetryPolicy::standard().max_attempts(3);
        assert_eq!(policy.decide(3, None), ShouldRetry::No);
        assert_eq!(
            policy.decide(1, Some(Duration::from_secs(2))),
            ShouldRetry::After(Duration::from_secs(2))
        );
        assert_eq!(
            policy.decide(1, Some(Duration::from_secs(61))),
            ShouldRetry::No
        );
        assert_eq!(RetryPolicy::disabled().decide(1, None), ShouldRetry::No);
        assert_eq!(RetryPolicy::standard().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn transient_statuses() {
        let transient: Vec<u16> = (100..600).filter(|s| is_transient_status(*s)).collect();
        assert_eq!(transient, [408, 429, 500, 502, 503, 504]);
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50
        let parse = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            retry_after(&headers, now)
        };
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(parse("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-5"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }
}
