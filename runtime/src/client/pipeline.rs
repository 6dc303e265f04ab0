//! One call, phase by phase, in the spirit of the smithy-rs orchestrator:
//!
//! ```text
//! build the body once, then for each attempt, under the attempt timeout and the call's
//! deadline {
//!     build       the attempt's HTTP request, from the call's request and body
//!     modify      interceptors change the request
//!     identity    the auth scheme resolves its identity (cached; may sign in)
//!     sign        the auth scheme signs (fresh nonce and timestamp)
//!     send, read  the request goes out, the whole body comes back (within the cap)
//!     classify    success | stale identity | transient | final   (client::classify)
//!     observe     interceptors see the outcome and its verdict
//!     decide      return | replay once with a new identity | wait and retry | fail
//! }
//! ```
//!
//! Sign-in runs inside the attempt, so a login endpoint that hangs ends the call at its
//! deadline like any other slow answer.

use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::auth::{AuthContext, IdentityGeneration};
use crate::client::classify::classify;
use crate::client::expect::Expect;
use crate::client::transmit::{read, Failed};
use crate::client::Client;
use crate::error::{Error, TimeoutKind};
use crate::interceptor::{AttemptContext, AttemptOutcome, Interceptor, Replay, TraceStep};
use crate::request::Request;
use crate::response::Response;
use crate::retry::{ShouldRetry, Verdict};

/// How far an attempt got before it ended (a timeout drops it wherever it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Interceptors, identity and signing: nothing has been sent.
    Preparing,
    /// The request went out.
    Sent,
}

/// What an attempt ended in.
struct Ended<O> {
    outcome: Result<Response<O>, Failed>,
    /// The identity the attempt was signed with.
    used: IdentityGeneration,
}

impl Client {
    /// Runs one call: attempts, auth, retries, decoding; see the module docs.
    pub(crate) async fn run<E: Expect>(
        &self,
        request: Request,
        expect: E,
    ) -> Result<Response<E::Output>, Error> {
        let span = tracing::debug_span!("meterage_call", operation = request.operation().id);
        self.attempts(request, expect).instrument(span).await
    }

    async fn attempts<E: Expect>(
        &self,
        request: Request,
        expect: E,
    ) -> Result<Response<E::Output>, Error> {
        let inner = &*self.inner;
        let operation = request.operation();
        let options = *request.options();
        let policy = options.retry_policy().unwrap_or(inner.settings.retry);
        let attempt_timeout = options
            .attempt_timeout()
            .unwrap_or(inner.settings.attempt_timeout);
        let deadline = options
            .total_timeout_value()
            .or(inner.settings.total_timeout)
            .and_then(|total| Instant::now().checked_add(total));
        let public = request.skips_auth();
        let repeatable = request.repeatable();
        let server = self.server_for(operation, request.server_url());
        let user_agent = &inner.user_agent_value;
        // The body is built once; each attempt's request is built from `request` and
        // goes out with its attempt, so a call answered at once copies no request.
        let body = request.body_bytes();
        let first = request.to_http_with(server, user_agent, body.clone())?;
        let url = first.url().clone();
        let mut first = Some(first);

        let mut attempts = 0u32;
        let mut replayed = false;
        loop {
            attempts += 1;
            let http = match first.take() {
                Some(http) => http,
                None => request.to_http_with(server, user_agent, body.clone())?,
            };
            let mut ctx = AttemptContext {
                operation,
                attempt: attempts,
                public,
                may_replay: !replayed,
            };
            let started = Instant::now();
            let remaining = deadline.map(|at| at.saturating_duration_since(started));
            let (limit, kind) = match remaining {
                Some(left) if left < attempt_timeout => (left, TimeoutKind::Total),
                _ => (attempt_timeout, TimeoutKind::Attempt),
            };
            let mut phase = Phase::Preparing;
            let span = tracing::debug_span!("attempt", n = attempts);
            let timed = tokio::time::timeout(
                limit,
                self.attempt(&mut ctx, http, &expect, &mut phase)
                    .instrument(span.clone()),
            )
            .await;
            let timeout = |kind| Error::Timeout {
                operation: operation.id,
                kind,
                after: limit,
                attempts,
            };
            let mut ended = timed.unwrap_or_else(|_| Ended {
                outcome: Err(Failed {
                    error: timeout(kind),
                    reached_server: phase == Phase::Sent,
                    retry_after: None,
                    refused_by_check: false,
                }),
                used: IdentityGeneration::NONE,
            });
            // A sign-in that timed out is this attempt timing out: its own timer may
            // fire on the same tick as the attempt's, and win.
            if let Err(failed) = &mut ended.outcome {
                if sign_in_timed_out(&failed.error) {
                    let passed = deadline.is_some_and(|at| Instant::now() >= at);
                    failed.error = timeout(if passed { TimeoutKind::Total } else { kind });
                }
            }

            // Classify, then let the interceptors observe the outcome and its verdict.
            let elapsed = started.elapsed();
            let (verdict, replay) = span.in_scope(|| self.judge(&ctx, &ended, elapsed));
            let failed = match ended.outcome {
                Ok(response) => return Ok(response.with_url(url)),
                Err(failed) => failed,
            };

            // Decide.
            if (verdict == Verdict::StaleIdentity || replay == Replay::Once) && !replayed {
                replayed = true;
                continue;
            }
            let counted = attempts - u32::from(replayed);
            if verdict == Verdict::Transient && (repeatable || !failed.reached_server) {
                if let Some(wait) = self.wait_before_retry(policy, counted, &failed, deadline) {
                    tracing::debug!(
                        operation = operation.id,
                        attempt = attempts,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            return Err(failed.error.with_attempts(attempts));
        }
    }

    /// The phases of one attempt up to the read: modify, identity, sign, send, read.
    async fn attempt<E: Expect>(
        &self,
        ctx: &mut AttemptContext,
        mut http: reqwest::Request,
        expect: &E,
        phase: &mut Phase,
    ) -> Ended<E::Output> {
        let inner = &*self.inner;
        let operation = ctx.operation;
        let unsent = |error: Error| Ended {
            outcome: Err(Failed::unsent(error)),
            used: IdentityGeneration::NONE,
        };
        for interceptor in &inner.interceptors {
            if let Err(error) = interceptor.modify_request(ctx, &mut http).await {
                return unsent(error);
            }
        }
        let mut used = IdentityGeneration::NONE;
        if !ctx.public {
            match inner
                .auth
                .authorize(AuthContext::new(operation, self), &mut http)
                .await
            {
                Ok(generation) => used = generation,
                Err(error) => return unsent(error),
            }
        }
        for interceptor in &inner.interceptors {
            interceptor.read_request(ctx, &http);
        }
        TraceStep.read_request(ctx, &http);
        *phase = Phase::Sent;
        let outcome = match self.transmit(http, operation).await {
            Ok((status, headers, body)) => {
                if !ctx.public {
                    inner.auth.observe_response(&headers);
                }
                read(operation, expect, ctx.attempt, status, headers, body)
            }
            Err(failed) => Err(failed),
        };
        Ended { outcome, used }
    }

    /// The classify and observe phases: the verdict on an attempt, and whether an
    /// interceptor asked for a replay.
    fn judge<O>(
        &self,
        ctx: &AttemptContext,
        ended: &Ended<O>,
        elapsed: Duration,
    ) -> (Verdict, Replay) {
        let inner = &*self.inner;
        let view = match &ended.outcome {
            Ok(response) => AttemptOutcome {
                status: Some(response.status()),
                headers: Some(response.headers()),
                vendor_code: None,
                request_id: response.request_id(),
                error: None,
                elapsed,
                verdict: Verdict::Success,
            },
            Err(failed) => {
                let api = failed.error.api();
                let mut view = AttemptOutcome {
                    status: failed.error.status(),
                    headers: api.map(|api| &api.headers),
                    vendor_code: api.and_then(|api| api.code.as_deref()),
                    request_id: failed.error.request_id(),
                    error: Some(&failed.error),
                    elapsed,
                    verdict: Verdict::Final,
                };
                view.verdict = classify(&failed.error, failed.refused_by_check, || {
                    !ctx.public && ctx.may_replay && inner.auth.rejected(&view, ended.used)
                });
                view
            }
        };
        let mut replay = Replay::No;
        for interceptor in &inner.interceptors {
            if interceptor.read_response(ctx, &view) == Replay::Once && view.error.is_some() {
                replay = Replay::Once;
            }
        }
        TraceStep.read_response(ctx, &view);
        (view.verdict, replay)
    }

    /// The wait before retrying a transient failure after `counted` attempts, if the
    /// policy allows another and it ends before the deadline.
    fn wait_before_retry(
        &self,
        policy: crate::retry::RetryPolicy,
        counted: u32,
        failed: &Failed,
        deadline: Option<Instant>,
    ) -> Option<Duration> {
        match policy.decide(counted, failed.retry_after) {
            ShouldRetry::After(wait) => deadline
                .is_none_or(|at| Instant::now() + wait < at)
                .then_some(wait),
            ShouldRetry::No => None,
        }
    }
}

/// Whether `error` is a sign-in that failed because its own call timed out.
fn sign_in_timed_out(error: &Error) -> bool {
    matches!(error, Error::Auth(auth) if matches!(auth.source.as_deref(), Some(Error::Timeout { .. })))
}
