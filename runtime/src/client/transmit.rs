//! The send and read phases: one attempt on the wire, and the whole body read within
//! the client's cap.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;

use crate::client::expect::Expect;
use crate::client::Client;
use crate::decode::{excerpt, Decoded, Undecodable};
use crate::error::{DecodeError, Error};
use crate::request::Operation;
use crate::response::{header_named, Response};
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
        // As sent (interceptors may have changed it), when the HTTP client may follow a
        // redirect: the client's own follows none.
        let url = inner.http_given.then(|| request.url().clone());
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
        if url.is_some_and(|url| *response.url() != url) {
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
        let announced = response.content_length();
        let announced = match announced.map(usize::try_from) {
            None => None,
            Some(Ok(n)) if n <= limit => Some(n),
            Some(_) => return Err(too_large()),
        };
        let mut body = Gathered::new(announced);
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.push(chunk);
        }
        Ok((status, headers, body.into_bytes()))
    }
}

/// A body read chunk by chunk: a body that comes in one chunk is kept as it came (no
/// copy); a longer one is copied once, into one buffer of the announced length (or of
/// the whole, joined at the end, when no length was announced).
struct Gathered {
    /// The `Content-Length`, when the server announced one (within the cap).
    announced: Option<usize>,
    /// The first chunk, until a second one comes.
    first: Option<Bytes>,
    /// With a length announced: the chunks so far, copied into one buffer.
    joined: BytesMut,
    /// Without a length announced: the chunks after the first, joined at the end.
    rest: Vec<Bytes>,
    /// The bytes read so far.
    len: usize,
}

impl Gathered {
    fn new(announced: Option<usize>) -> Self {
        Gathered {
            announced,
            first: None,
            joined: BytesMut::new(),
            rest: Vec::new(),
            len: 0,
        }
    }

    /// The bytes read so far.
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        self.len += chunk.len();
        match (self.announced, self.first.take()) {
            (_, None) if self.joined.is_empty() && self.rest.is_empty() => {
                self.first = Some(chunk);
            }
            (Some(announced), first) => {
                if let Some(first) = first {
                    // The second chunk: one buffer for the whole announced body.
                    self.joined.reserve(announced.max(self.len));
                    self.joined.extend_from_slice(&first);
                }
                self.joined.extend_from_slice(&chunk);
            }
            (None, first) => {
                self.first = first;
                self.rest.push(chunk);
            }
        }
    }

    fn into_bytes(self) -> Bytes {
        if !self.joined.is_empty() {
            return self.joined.freeze();
        }
        let Some(first) = self.first else {
            return Bytes::new();
        };
        if self.rest.is_empty() {
            return first;
        }
        let mut joined = BytesMut::with_capacity(self.len);
        joined.extend_from_slice(&first);
        for chunk in &self.rest {
            joined.extend_from_slice(chunk);
        }
        joined.freeze()
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
        .is_none_or(|name| header_named(&headers, name).is_none());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn gathered(announced: Option<usize>, chunks: &[&'static [u8]]) -> Bytes {
        let mut body = Gathered::new(announced);
        for chunk in chunks {
            body.push(Bytes::from_static(chunk));
        }
        assert_eq!(
            body.len(),
            chunks.iter().map(|chunk| chunk.len()).sum::<usize>()
        );
        body.into_bytes()
    }

    #[test]
    fn a_body_in_one_chunk_is_kept_as_it_came() {
        static BODY: &[u8] = br#"{"pools":[]}"#;
        for announced in [Some(BODY.len()), None] {
            let body = gathered(announced, &[b"", BODY, b""]);
            assert_eq!(body, BODY);
            // The same memory: not copied.
            assert_eq!(body.as_ptr(), BODY.as_ptr());
        }
        assert!(gathered(Some(0), &[]).is_empty());
        assert!(gathered(None, &[b""]).is_empty());
    }

    #[test]
    fn chunks_are_joined_in_order_with_or_without_an_announced_length() {
        let chunks: &[&'static [u8]] = &[b"{\"po", b"ols\":", b"[1,2", b"]}"];
        for announced in [Some(14), None] {
            let body = gathered(announced, chunks);
            assert_eq!(body, &b"{\"pools\":[1,2]}"[..]);
        }
        // An announced length is room reserved once, not a limit on what is joined.
        let body = gathered(Some(3), chunks);
        assert_eq!(body, &b"{\"pools\":[1,2]}"[..]);
    }
}
