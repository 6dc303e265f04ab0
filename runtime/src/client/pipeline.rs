//! One call, attempt by attempt:
//!
//! ```text
//! build the request once, then for each attempt {
//!     interceptors modify it; the auth step signs it (cached credential, fresh nonce)
//!     send it, read the body             (per-attempt timeout, overall deadline)
//!     classify: success -> decode once, from bytes, into the typed response
//!               stale credential -> forget it, replay once
//!               transient -> wait (backoff with jitter, or Retry-After), try again
//!               otherwise -> the error
//! }
//! ```

use std::marker::PhantomData;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::Authorization;
use crate::classify::api_error;
use crate::client::Client;
use crate::decode::{decode, envelope_failure, excerpt, Decoded, Undecodable};
use crate::error::{DecodeError, Error, TimeoutKind};
use crate::interceptor::{AttemptContext, AttemptOutcome, Replay};
use crate::request::{Operation, Request};
use crate::response::Response;
use crate::retry::{retry_after, ShouldRetry};

/// What a call expects of a success body.
pub(crate) trait Expect: Send + Sync {
    /// The decoded body.
    type Output: Send;

    /// Reads a success body: the value, or the failure the envelope found in it.
    fn read(
        &self,
        operation: &Operation,
        body: &Bytes,
    ) -> Result<Decoded<Self::Output>, Undecodable>;
}

/// A JSON body decoded into `T`.
pub(crate) struct Json<T>(PhantomData<fn() -> T>);

impl<T> Json<T> {
    pub(crate) fn new() -> Self {
        Json(PhantomData)
    }
}

impl<T: DeserializeOwned + Send> Expect for Json<T> {
    type Output = T;

    fn read(&self, operation: &Operation, body: &Bytes) -> Result<Decoded<T>, Undecodable> {
        decode(body, operation.envelope)
    }
}

/// The body's bytes, undecoded.
pub(crate) struct Raw;

impl Expect for Raw {
    type Output = Bytes;

    fn read(&self, operation: &Operation, body: &Bytes) -> Result<Decoded<Bytes>, Undecodable> {
        Ok(match envelope_failure(body, operation.envelope) {
            Some(captured) => Decoded::Failure(captured),
            None => Decoded::Ok(body.clone()),
        })
    }
}

/// No body to decode.
pub(crate) struct Nothing;

impl Expect for Nothing {
    type Output = ();

    fn read(&self, operation: &Operation, body: &Bytes) -> Result<Decoded<()>, Undecodable> {
        Ok(match envelope_failure(body, operation.envelope) {
            Some(captured) => Decoded::Failure(captured),
            None => Decoded::Ok(()),
        })
    }
}

/// A failed attempt and what the retry decision needs to know of it.
struct Failed {
    error: Error,
    /// Whether another attempt may succeed.
    transient: bool,
    /// Whether the request may have reached the server (false for a refused connection).
    reached_server: bool,
    retry_after: Option<Duration>,
}

impl Failed {
    fn outcome(&self, elapsed: Duration) -> AttemptOutcome<'_> {
        let api = self.error.api();
        AttemptOutcome {
            status: self.error.status(),
            headers: api.map(|api| &api.headers),
            vendor_code: api.and_then(|api| api.code.as_deref()),
            request_id: api.and_then(|api| api.request_id.as_deref()),
            error: Some(&self.error),
            elapsed,
        }
    }
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
        let policy = options.retry_policy().unwrap_or(inner.retry);
        let attempt_timeout = options.attempt_timeout().unwrap_or(inner.attempt_timeout);
        let deadline = options
            .total_timeout_value()
            .or(inner.total_timeout)
            .and_then(|total| Instant::now().checked_add(total));
        let public = request.skips_auth();
        let server = self.server_for(operation, request.server_url()).to_owned();
        let prepared = request.into_http(&server, &inner.user_agent_value)?;

        let mut attempts = 0u32;
        let mut replayed = false;
        loop {
            attempts += 1;
            let mut http = prepared.try_clone().ok_or_else(|| Error::Request {
                operation: operation.id,
                message: "the request body cannot be cloned for another attempt".to_owned(),
            })?;
            let mut ctx = AttemptContext {
                operation,
                attempt: attempts,
                client: self,
                public,
                authorization: Authorization::NONE,
                may_replay: !replayed,
            };
            let span = tracing::debug_span!("attempt", n = attempts);
            let result = async {
                for interceptor in &inner.interceptors {
                    interceptor.modify_request(&mut ctx, &mut http).await?;
                }
                for interceptor in &inner.interceptors {
                    interceptor.read_request(&ctx, &http);
                }
                let started = Instant::now();
                let remaining = deadline.map(|at| at.saturating_duration_since(started));
                let (limit, kind) = match remaining {
                    Some(left) if left < attempt_timeout => (left, TimeoutKind::Total),
                    _ => (attempt_timeout, TimeoutKind::Attempt),
                };
                let outcome =
                    match tokio::time::timeout(limit, self.transmit(http, operation)).await {
                        Err(_) => Err(Failed {
                            error: Error::Timeout {
                                operation: operation.id,
                                kind,
                                after: limit,
                                attempts,
                            },
                            transient: kind == TimeoutKind::Attempt,
                            reached_server: true,
                            retry_after: None,
                        }),
                        Ok(Err(failed)) => Err(failed),
                        Ok(Ok((status, headers, body))) => {
                            classify(operation, &expect, status, headers, body)
                        }
                    };
                let elapsed = started.elapsed();
                let mut replay = Replay::No;
                match &outcome {
                    Ok(response) => {
                        let view = AttemptOutcome {
                            status: Some(response.status()),
                            headers: Some(response.headers()),
                            vendor_code: None,
                            request_id: response.request_id(),
                            error: None,
                            elapsed,
                        };
                        for interceptor in &inner.interceptors {
                            interceptor.read_response(&ctx, &view);
                        }
                    }
                    Err(failed) => {
                        let view = failed.outcome(elapsed);
                        for interceptor in &inner.interceptors {
                            if interceptor.read_response(&ctx, &view) == Replay::Once {
                                replay = Replay::Once;
                            }
                        }
                    }
                }
                Ok::<_, Error>((outcome, replay))
            }
            .instrument(span)
            .await;
            let (outcome, replay) = result.map_err(|error| error.with_attempts(attempts))?;
            let failed = match outcome {
                Ok(response) => return Ok(response),
                Err(failed) => failed,
            };
            if replay == Replay::Once && !replayed {
                replayed = true;
                continue;
            }
            let counted = attempts - u32::from(replayed);
            if failed.transient && (operation.idempotent || !failed.reached_server) {
                if let ShouldRetry::After(wait) = policy.decide(counted, failed.retry_after) {
                    let fits = deadline.is_none_or(|at| Instant::now() + wait < at);
                    if fits {
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
            }
            return Err(failed.error.with_attempts(attempts));
        }
    }

    /// Sends one attempt and reads the whole body (up to the client's limit).
    async fn transmit(
        &self,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<(u16, HeaderMap, Bytes), Failed> {
        let inner = &*self.inner;
        let url = request.url().clone();
        let transport = |error: reqwest::Error| Failed {
            reached_server: !error.is_connect(),
            transient: true,
            retry_after: None,
            error: Error::transport_after(operation.id, error, 1, Some(inner.connect_timeout)),
        };
        let mut response = inner.http.execute(request).await.map_err(transport)?;
        if *response.url() != url {
            return Err(Failed {
                error: Error::Config(format!(
                    "{}: the HTTP client followed a redirect; build it with \
                     reqwest::redirect::Policy::none()",
                    operation.id
                )),
                transient: false,
                reached_server: true,
                retry_after: None,
            });
        }
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let limit = inner.max_body;
        let too_large = || Failed {
            error: Error::BodyTooLarge {
                operation: operation.id,
                status,
                limit,
            },
            transient: false,
            reached_server: true,
            retry_after: None,
        };
        let announced = response.content_length().unwrap_or(0);
        if usize::try_from(announced).map_or(true, |n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, Bytes::from(body)))
    }
}

/// The response of an attempt: the decoded success, or the failure with whether it is
/// worth retrying.
fn classify<E: Expect>(
    operation: &'static Operation,
    expect: &E,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<E::Output>, Failed> {
    let success = (200..300).contains(&status) || status == operation.success;
    if !success {
        let retry_after = retry_after(&headers, SystemTime::now());
        let api = api_error(operation, status, headers, body.to_vec(), None);
        return Err(Failed {
            transient: api.transient,
            reached_server: true,
            retry_after,
            error: Error::Api(Box::new(api)),
        });
    }
    match expect.read(operation, &body) {
        Ok(Decoded::Ok(value)) => Ok(Response::new(
            status,
            headers,
            value,
            operation.envelope.request_id_header,
        )),
        Ok(Decoded::Failure(captured)) => {
            let api = api_error(operation, status, headers, body.to_vec(), Some(captured));
            Err(Failed {
                transient: api.transient,
                reached_server: true,
                retry_after: None,
                error: Error::Api(Box::new(api)),
            })
        }
        Err(Undecodable { path, source }) => {
            let excerpt = (!operation.secret_response).then(|| excerpt(&body, &source));
            let decode = DecodeError {
                operation: operation.id,
                status,
                path,
                source,
                body: body.to_vec(),
                excerpt,
                attempts: 1,
            };
            Err(Failed {
                transient: decode.truncated(),
                reached_server: true,
                retry_after: None,
                error: Error::Decode(Box::new(decode)),
            })
        }
    }
}
