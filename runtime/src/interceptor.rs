//! Interceptors: hooks around every attempt of every call.
//!
//! A client runs its interceptors in order at three points of each attempt, around the
//! pipeline's phases (see [`client`](crate::client)):
//!
//! 1. [`Interceptor::modify_request`], before *resolve identity* and *sign*: add a
//!    header, a query parameter; may be async. A signature covers what it added.
//! 2. [`Interceptor::read_request`], after *sign*, just before *send*: observe the final
//!    request (the runtime's tracing logs here).
//! 3. [`Interceptor::read_response`], after *classify*, with the response or the error
//!    and the [`Verdict`]: observe it, or ask for the request to be sent again once.
//!
//! Add your own with [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::Error;
use crate::request::Operation;
use crate::retry::Verdict;

/// The future [`Interceptor::modify_request`] returns.
pub type InterceptFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// Where an attempt stands, as interceptors see it.
#[derive(Debug)]
pub struct AttemptContext {
    /// The operation being called.
    pub operation: &'static Operation,
    /// The attempt number, from 1.
    pub attempt: u32,
    /// Whether the call goes out without credentials (`security: []`, or a sign-in
    /// call the runtime makes itself).
    pub public: bool,
    /// Whether a [`Replay::Once`] would still be honoured in this call.
    pub(crate) may_replay: bool,
}

impl AttemptContext {
    /// Whether asking for [`Replay::Once`] would still be honoured (once per call).
    pub fn may_replay(&self) -> bool {
        self.may_replay
    }
}

/// How an attempt ended, as [`Interceptor::read_response`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct AttemptOutcome<'a> {
    /// The HTTP status, if a response arrived.
    pub status: Option<u16>,
    /// The response headers, if a response arrived.
    pub headers: Option<&'a HeaderMap>,
    /// The vendor error code the envelope found in a failed response.
    pub vendor_code: Option<&'a str>,
    /// The request id from the response body or headers.
    pub request_id: Option<&'a str>,
    /// The error the attempt ended in; `None` for a success.
    pub error: Option<&'a Error>,
    /// From sending the request until the outcome was known.
    pub elapsed: Duration,
    /// What the client makes of it: success, stale identity, transient or final.
    pub verdict: Verdict,
}

impl AttemptOutcome<'_> {
    /// Whether the server refused the attempt's identity: HTTP 401, or a vendor code that
    /// is one of `stale_codes` (compared by [`code_matches`](crate::envelope::code_matches),
    /// so a namespaced code matches its bare name).
    pub fn is_refusal(&self, stale_codes: &[&str]) -> bool {
        self.status == Some(401)
            || self
                .vendor_code
                .is_some_and(|code| crate::envelope::any_code_matches(stale_codes, code))
    }
}

/// What an interceptor asks of the client after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Carry on: return the result, or retry it by the retry policy.
    No,
    /// Send the request again now, once per call, outside the retry budget (a credential
    /// was renewed). Ignored for successful attempts.
    Once,
}

/// A hook around every attempt of every call; see the [module docs](self).
///
/// `Debug` is part of the contract, as for [`Authorize`](crate::auth::Authorize): it must
/// not show credentials.
///
/// ```
/// use meterage_runtime::interceptor::{AttemptContext, InterceptFuture, Interceptor};
///
/// /// Tags every request with a tenant header.
/// #[derive(Debug)]
/// struct Tenant(&'static str);
///
/// impl Interceptor for Tenant {
///     fn modify_request<'a>(
///         &'a self,
///         _ctx: &'a mut AttemptContext,
///         request: &'a mut meterage_runtime::reqwest::Request,
///     ) -> InterceptFuture<'a> {
///         let value = meterage_runtime::reqwest::header::HeaderValue::from_static(self.0);
///         request.headers_mut().insert("x-tenant", value);
///         Box::pin(std::future::ready(Ok(())))
///     }
/// }
/// ```
pub trait Interceptor: fmt::Debug + Send + Sync + 'static {
    /// Changes the request before it is signed. Default: nothing.
    fn modify_request<'a>(
        &'a self,
        _ctx: &'a mut AttemptContext,
        _request: &'a mut reqwest::Request,
    ) -> InterceptFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// Observes the signed request just before it is sent. Default: nothing.
    fn read_request(&self, _ctx: &AttemptContext, _request: &reqwest::Request) {}

    /// Observes how the attempt ended. Default: [`Replay::No`].
    fn read_response(&self, _ctx: &AttemptContext, _outcome: &AttemptOutcome<'_>) -> Replay {
        Replay::No
    }
}

/// The tracing step: one event per attempt sent and per attempt ended, inside the
/// call's and the attempt's spans. It logs the method, the path (never the query, which
/// may carry a signature), status, vendor code, request id and latency; never headers or
/// bodies. The client calls it after the caller's interceptors, directly rather than
/// from their list (it changes no request, so it has no `modify_request` to await).
#[derive(Debug)]
pub(crate) struct TraceStep;

impl Interceptor for TraceStep {
    fn read_request(&self, ctx: &AttemptContext, request: &reqwest::Request) {
        tracing::debug!(
            operation = ctx.operation.id,
            attempt = ctx.attempt,
            method = %request.method(),
            path = request.url().path(),
            "sending request"
        );
    }

    fn read_response(&self, ctx: &AttemptContext, outcome: &AttemptOutcome<'_>) -> Replay {
        let latency_ms = u64::try_from(outcome.elapsed.as_millis()).unwrap_or(u64::MAX);
        match outcome.error {
            None => tracing::debug!(
                operation = ctx.operation.id,
                attempt = ctx.attempt,
                status = outcome.status,
                request_id = outcome.request_id,
                latency_ms,
                "response"
            ),
            Some(error) => tracing::info!(
                operation = ctx.operation.id,
                attempt = ctx.attempt,
                status = outcome.status,
                vendor_code = outcome.vendor_code,
                request_id = outcome.request_id,
                latency_ms,
                error = %error,
                "attempt failed"
            ),
        }
        Replay::No
    }
}
