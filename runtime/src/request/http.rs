//! Building the `reqwest::Request` that a [`Request`] describes.

use std::borrow::Cow;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};

use super::Request;
use crate::error::Error;

/// A request's body as sent and its content type ([`Request::body_bytes`]): built once
/// per call and shared by its attempts (a retry sends the same bytes, the same multipart
/// boundary).
pub(crate) type HttpBody = Option<(Cow<'static, str>, Bytes)>;

impl Request {
    /// Builds the HTTP request against `base` (a base URL without trailing slash).
    #[cfg(test)]
    pub(crate) fn to_http(
        &self,
        base: &str,
        user_agent: &HeaderValue,
    ) -> Result<reqwest::Request, Error> {
        self.to_http_with(base, user_agent, self.body_bytes())
    }

    /// Builds the HTTP request against `base` (a base URL without trailing slash) with
    /// `body`, this request's [`Request::body_bytes`]. The request is left as it was, so
    /// that a retry builds its attempt again.
    pub(crate) fn to_http_with(
        &self,
        base: &str,
        user_agent: &HeaderValue,
        body: HttpBody,
    ) -> Result<reqwest::Request, Error> {
        let operation = self.operation.id;
        let request_error = |message: String| Error::Request { operation, message };
        if let Some(message) = &self.error {
            return Err(request_error(message.clone()));
        }
        if let Some(start) = self.path.find('{') {
            let rest = &self.path[start..];
            let end = rest.find('}').map_or(rest.len(), |end| end + 1);
            return Err(request_error(format!(
                "the path parameter `{}` is not set",
                &rest[..end]
            )));
        }

        let mut url = String::with_capacity(base.len() + self.path.len() + 64);
        url.push_str(base);
        if !self.path.is_empty() && !self.path.starts_with('/') {
            url.push('/');
        }
        url.push_str(&self.path);
        if !self.query.is_empty() {
            url.push('?');
            super::encoding::push_pairs(&mut url, &self.query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|error| request_error(format!("invalid URL for `{}`: {error}", base)))?;
        let url = match &self.link {
            None => url,
            Some(link) if link.origin() == url.origin() => link.clone(),
            Some(link) => {
                return Err(request_error(format!(
                    "the next link goes to {}, not to the server of the request ({}): not followed",
                    link.origin().ascii_serialization(),
                    url.origin().ascii_serialization()
                )))
            }
        };

        // Room for the parameters, user agent, accept, cookies, content type and the
        // auth scheme's headers, so that the map is allocated once.
        let mut headers = HeaderMap::with_capacity(self.headers.len() + 6);
        for param in &self.headers {
            let name = HeaderName::from_bytes(param.name.as_bytes()).map_err(|_| {
                request_error(format!("`{}` is not a valid header name", param.name))
            })?;
            let mut value = HeaderValue::from_str(&param.value).map_err(|_| {
                request_error(format!(
                    "the value of header `{}` is not a valid header value",
                    param.name
                ))
            })?;
            value.set_sensitive(param.sensitive);
            headers.append(name, value);
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, user_agent.clone());
        }
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            let value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| {
                request_error("a cookie value is not a valid header value".to_owned())
            })?;
            headers.append(reqwest::header::COOKIE, value);
        }
        if let Some((content_type, _)) = &body {
            if !headers.contains_key(CONTENT_TYPE) {
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    request_error(format!("`{content_type}` is not a valid content type"))
                })?;
                headers.insert(CONTENT_TYPE, value);
            }
        }

        let mut request = reqwest::Request::new(self.operation.method.into(), url);
        *request.headers_mut() = headers;
        if let Some((_, bytes)) = body {
            *request.body_mut() = Some(reqwest::Body::from(bytes));
        }
        Ok(request)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::request::tests::{ua, OP};
    use crate::types::Secret;

    #[test]
    fn a_next_link_replaces_path_and_query_on_the_same_origin_only() {
        let link = |url: &str| {
            let mut request = Request::new(&OP);
            request.path_param("id", "7");
            request.query("q", &"first");
            request.follow_link(Some(&reqwest::Url::parse(url).unwrap()));
            request.to_http("http://h:8080/base", &ua())
        };
        let sent = link("http://h:8080/base/items?page=2").unwrap();
        assert_eq!(sent.url().as_str(), "http://h:8080/base/items?page=2");
        for other in ["http://h:8081/x", "https://h:8080/x", "http://evil:8080/x"] {
            match link(other) {
                Err(Error::Request { message, .. }) => {
                    assert!(message.contains("not followed"), "{other}: {message}");
                }
                built => panic!("{other}: {built:?}"),
            }
        }
        // The first page, without a link, keeps its path and query.
        let mut first = Request::new(&OP);
        first.path_param("id", "7");
        first.follow_link(None);
        assert!(!first
            .to_http("http://h", &ua())
            .unwrap()
            .url()
            .as_str()
            .contains("page"));
    }

    #[test]
    fn build_errors_do_not_panic() {
        struct Failing;
        impl serde::Serialize for Failing {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("boom"))
            }
        }

        let build = |setup: &dyn Fn(&mut Request)| {
            let mut request = Request::new(&OP);
            setup(&mut request);
            match request.to_http("http://h", &ua()) {
                Err(Error::Request { operation, message }) => {
                    assert_eq!(operation, "GetItem");
                    message
                }
                other => panic!("expected a request error, got {other:?}"),
            }
        };
        let message = build(&|r| {
            r.path_param("id", "1");
            r.json("x", &Failing);
        });
        assert!(
            message.contains("`x` cannot be serialized: boom"),
            "{message}"
        );
        let message = build(&|r| {
            r.path_param("id", "1");
            r.form("a", "1");
            r.json("b", &1);
        });
        assert!(message.contains("mixes form fields and JSON"), "{message}");
        let message = build(&|r| r.query("a", "1"));
        assert_eq!(message, "the path parameter `{id}` is not set");
        let message = build(&|r| r.path_param("nope", "1"));
        assert!(message.contains("has no parameter `nope`"), "{message}");
        let message = build(&|r| {
            r.path_param("id", "1");
            r.header("X-Token", &Secret::new("bad\nvalue-s3cr3t"));
        });
        assert!(!message.contains("s3cr3t"), "{message}");
        let message = build(&|r| {
            r.path_param("id", "1");
            r.header("bad header", "v");
        });
        assert!(message.contains("not a valid header name"), "{message}");
    }
}
