//! The send and read phases: one attempt on the wire, and the whole body read within
//! the client's cap.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;

use crate::client::expect::Expect;
use crate::client::Client;
use crate::decode::{excerpt, Decoded, Undecodable};
use crate::error::{DecodeError, Error};
use crate::request::Operation;
use crate::response::Response;
use crate::retry::retry_after;
use crate::vendor_error::{api_error, header_request_id};

/// A failed attempt and what the retry decision needs to know of it besides the error.
pub(crate) struct Failed {
    pub(crate) error: Error,
    /// Whether the request may have reached the server (false for a refused connection,
    /// or a sign-in that never let it go out).
    pub(crate) reached_server: bool,
    /// The server's `Retry-After`.
    pub(crate) retry_after: Option<Duration>,
    /// Whether the caller's check refused a success (a page repeating the page before
    /// it): worth fetching again, whatever the error says.
    pub(crate) refused_by_check: bool,
}

impl Failed {
    fn reached(error: Error) -> Self {
        Failed {
            error,
            reached_server: true,
            retry_after: None,
            refused_by_check: false,
        }
    }

    /// A failure before anything was sent (an interceptor or the auth phase).
    pub(crate) fn unsent(error: Error) -> Self {
        Failed {
            error,
            reached_server: false,
            retry_after: None,
            refused_by_check: false,
        }
    }
}

impl Client {
    /// Sends one attempt and reads the whole body (up to the client's limit).
    pub(crate) async fn transmit(
        &self,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<(u16, HeaderMap, Bytes), Failed> {
        let inner = &*self.inner;
        let url = request.url().clone();
        let transport = |error: reqwest::Error| Failed {
            reached_server: !error.is_connect(),
            retry_after: None,
            refused_by_check: false,
            error: Error::transport_after(
                operation.id,
                error,
                1,
                Some(inner.settings.connect_timeout),
            ),
        };
        let mut response = inner.http.execute(request).await.map_err(transport)?;
        if *response.url() != url {
            return Err(Failed::reached(Error::Config(format!(
                "{}: the HTTP client followed a redirect; build it with \
                 reqwest::redirect::Policy::none()",
                operation.id
            ))));
        }
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let limit = inner.settings.max_body;
        let too_large = || {
            Failed::reached(Error::BodyTooLarge {
                operation: operation.id,
                status,
                limit,
            })
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

/// The read phase: a response's status, headers and body made into the decoded success
/// or the failure they report (a failure status, a failure vendor code in a 2xx body, a
/// body that does not decode, a success the caller's check refuses).
pub(crate) fn read<E: Expect>(
    operation: &'static Operation,
    expect: &E,
    attempt: u32,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<E::Output>, Failed> {
    let success = (200..300).contains(&status) || status == operation.success;
    if !success {
        let retry_after = retry_after(&headers, SystemTime::now());
        let api = api_error(operation, status, headers, body.to_vec(), None);
        return Err(Failed {
            retry_after,
            ..Failed::reached(Error::Api(Box::new(api)))
        });
    }
    // The body's request id is read only when no header carries one.
    let body_request_id = operation
        .envelope
        .request_id_header
        .is_none_or(|name| !headers.contains_key(name));
    match expect.read(operation, &body, body_request_id) {
        Ok(Decoded::Ok(value, body_request_id)) => match expect.recheck(&value, attempt) {
            Some(error) => Err(Failed {
                refused_by_check: true,
                ..Failed::reached(error)
            }),
            None => Ok(
                Response::new(status, headers, value, operation.envelope.request_id_header)
                    .with_body_request_id(body_request_id),
            ),
        },
        Ok(Decoded::Failure(captured)) => {
            let api = api_error(operation, status, headers, body.to_vec(), Some(captured));
            Err(Failed::reached(Error::Api(Box::new(api))))
        }
        Err(Undecodable { path, source }) => {
            let excerpt = (!operation.secret_response).then(|| excerpt(&body, &source));
            let request_id = header_request_id(operation, &headers).or_else(|| {
                serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|value| operation.envelope.request_id_of(&value))
            });
            Err(Failed::reached(Error::Decode(Box::new(DecodeError {
                operation: operation.id,
                status,
                path,
                source,
                body: body.to_vec(),
                excerpt,
                request_id,
                attempts: 1,
            }))))
        }
    }
}
