//! A successful response: status, headers and the decoded body.

use std::fmt;
use std::ops::Deref;

use reqwest::header::{HeaderMap, HeaderValue};

/// The first value of header `name` (in any case), found by comparing names: on every
/// call, looking through a response's few headers costs less than parsing `name` into a
/// `HeaderName`, which `HeaderMap::get(&str)` does each time.
pub(crate) fn header_named<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h HeaderValue> {
    headers
        .iter()
        .find(|(key, _)| key.as_str().eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// A successful response: status, headers and the decoded body.
///
/// It dereferences to the body, so `response.pools[0].flow_left` works. `Debug` redacts
/// header values that look like credentials (`Set-Cookie`, `X-Subject-Token`, ...).
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    body: T,
    request_id_header: Option<&'static str>,
    /// The request id the error envelope's body pointers found in the body.
    body_request_id: Option<String>,
    /// The URL the request went to (not in `Debug`: its query may carry a credential).
    url: Option<reqwest::Url>,
}

impl<T> Response<T> {
    /// A response from its parts; `request_id_header` names the header
    /// [`Response::request_id`] reads.
    pub fn new(
        status: u16,
        headers: HeaderMap,
        body: T,
        request_id_header: Option<&'static str>,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            request_id_header,
            body_request_id: None,
            url: None,
        }
    }

    /// A `200` response with no headers (so no request id) and `body`, for a test of
    /// code that takes a [`Response`] (cargo feature `test-util`).
    ///
    /// ```
    /// use meterage_runtime::Response;
    ///
    /// let response = Response::for_test(vec!["a record"]);
    /// assert_eq!((response.status(), response.len()), (200, 1));
    /// ```
    #[cfg(feature = "test-util")]
    pub fn for_test(body: T) -> Self {
        Self::new(200, HeaderMap::new(), body, None)
    }

    /// The same response with `request_id` as the request id its body carries (read
    /// through the error envelope's body pointers), which [`Response::request_id`]
    /// returns when the response has no request id header.
    pub fn with_body_request_id(mut self, request_id: Option<String>) -> Self {
        self.body_request_id = request_id;
        self
    }

    /// Keeps the URL the request went to (a next link is relative to it).
    pub(crate) fn with_url(mut self, url: reqwest::Url) -> Self {
        self.url = Some(url);
        self
    }

    /// The URL the request went to, if the pipeline recorded it.
    pub(crate) fn url(&self) -> Option<&reqwest::Url> {
        self.url.as_ref()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of header `name` (case-insensitive), if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The request id: from the error envelope's request id header when the spec names
    /// one and the response has it, else from the body where the envelope's request id
    /// pointers lead (Kaopuyun's `RequestId`, GSL's `request_id`). The same rule gives
    /// [`Error::request_id`](crate::Error::request_id) of a failure.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id_header
            .and_then(|name| header_named(&self.headers, name))
            .and_then(|value| value.to_str().ok())
            .or(self.body_request_id.as_deref())
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, consuming the response.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Status, headers and body.
    pub fn into_parts(self) -> (u16, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// Applies `f` to the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            request_id_header: self.request_id_header,
            body_request_id: self.body_request_id,
            url: self.url,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &HeadersDebug(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

/// Whether a header probably carries a credential, judged by its sensitive flag and name.
pub(crate) fn is_credential_header(name: &str, value: &HeaderValue) -> bool {
    const WORDS: &[&str] = &[
        "auth",
        "cookie",
        "token",
        "secret",
        "password",
        "session",
        "csrf",
        "signature",
        "credential",
        "key",
    ];
    value.is_sensitive() || {
        let name = name.to_ascii_lowercase();
        WORDS.iter().any(|word| name.contains(word))
    }
}

/// `Debug` for a header map that prints `***` for values that may be credentials.
pub(crate) struct HeadersDebug<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for HeadersDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_credential_header(name.as_str(), value) {
                map.entry(&name.as_str(), &"***");
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accessors_and_deref() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        headers.insert("x-subject-token", HeaderValue::from_static("MIItoken"));
        headers.insert("set-cookie", HeaderValue::from_static("sessionid=abc"));
        let response = Response::new(201, headers, vec![1, 2, 3], Some("X-Request-Id"));
        assert_eq!(response.status(), 201);
        assert_eq!(response.len(), 3);
        assert_eq!(response.request_id(), Some("r-1"));
        assert_eq!(response.header("X-SUBJECT-TOKEN"), Some("MIItoken"));
        let debug = format!("{response:?}");
        assert!(debug.contains("r-1"), "{debug}");
        assert!(!debug.contains("MIItoken"), "{debug}");
        assert!(!debug.contains("sessionid=abc"), "{debug}");
        let response = response.map(|body| body.len());
        assert_eq!(*response.body(), 3);
        let (status, headers, body) = response.into_parts();
        assert_eq!((status, headers.len(), body), (201, 3, 3));

        let response = Response::new(200, HeaderMap::new(), "x", None);
        assert_eq!(response.request_id(), None);
        // The first of several values, whatever the case of the name asked for.
        let mut headers = HeaderMap::new();
        headers.insert("date", HeaderValue::from_static("today"));
        headers.append("x-request-id", HeaderValue::from_static("r-2"));
        headers.append("x-request-id", HeaderValue::from_static("r-3"));
        for name in ["x-request-id", "X-Request-ID"] {
            let value = header_named(&headers, name).unwrap();
            assert_eq!(value, "r-2");
        }
        assert_eq!(header_named(&headers, "x-request"), None);
        assert_eq!(header_named(&headers, "bad name"), None);
        assert_eq!(response.into_inner(), "x");
        let response = Response::new(200, HeaderMap::new(), (), None);
        // The body's request id when the header is absent; the header when both are.
        let response = response.with_body_request_id(Some("b-1".to_owned()));
        assert_eq!(response.request_id(), Some("b-1"));
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("h-1"));
        let response = Response::new(200, headers, (), Some("X-Request-Id"))
            .with_body_request_id(Some("b-1".to_owned()));
        assert_eq!(response.request_id(), Some("h-1"));
    }
}
