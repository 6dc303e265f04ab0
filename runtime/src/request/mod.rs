//! Operations and the requests generated code builds for them.
//!
//! Parameters of any shape go through [`style`] (OpenAPI's `style` and `explode`);
//! multipart bodies through the private `multipart` module.

use std::borrow::Cow;
use std::fmt;

use crate::options::CallOptions;

mod body;
mod encoding;
mod http;
mod multipart;
mod operation;
mod params;
pub mod style;

pub(crate) use encoding::join_encoded;
pub use encoding::{percent_encode, Encoding};
pub use operation::{Method, Operation};
pub use params::ToParam;
pub use style::Style;

use body::Body;
use params::HeaderParam;

/// `value` as the JSON text sent on the wire. With [`wire_value`], the only ways a
/// request serializes a value, so that every body, part and structured parameter
/// carries the secrets inside it ([`Secret`](crate::Secret) serializes as `***` anywhere
/// else).
pub(crate) fn wire_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    crate::types::with_secrets_exposed(|| serde_json::to_vec(value))
}

/// `value` as the JSON value a structured parameter is written from (see [`wire_json`]).
pub(crate) fn wire_value<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<serde_json::Value> {
    crate::types::with_secrets_exposed(|| serde_json::to_value(value))
}

/// One request under construction.
///
/// Generated code creates it for an [`Operation`], sets the parameters, and hands it to
/// [`Client::send`](crate::Client::send). Mistakes that cannot panic here (a body field
/// that cannot be serialized, form fields mixed with JSON properties, an unknown path
/// parameter) are remembered and reported by `send` as
/// [`Error::Request`](crate::Error::Request).
///
/// `Debug` shows the operation, the path template and the names of the parameters, never
/// their values.
pub struct Request {
    operation: &'static Operation,
    path: String,
    /// Encoded `name=value` pairs, in call order.
    query: Vec<(Cow<'static, str>, String)>,
    headers: Vec<HeaderParam>,
    /// `name=value` pairs of the `Cookie` header, in call order.
    cookies: Vec<(Cow<'static, str>, String)>,
    body: Body,
    content_type: Option<&'static str>,
    error: Option<String>,
    options: CallOptions,
    server: Option<String>,
    without_auth: bool,
    /// A sign-in call: retried on a transient failure even when its operation is not
    /// idempotent (a login sent twice signs in twice, no more).
    sign_in: bool,
    /// A next link to follow instead of the path and query (the next-link style).
    link: Option<reqwest::Url>,
}

impl Request {
    /// A request for `operation` with no parameters set.
    pub fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            path: operation.path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::None,
            content_type: None,
            error: None,
            options: CallOptions::new(),
            server: None,
            without_auth: false,
            sign_in: false,
            link: None,
        }
    }

    /// Sends this request to a page's next link (the next-link style: the URL of its
    /// `PageLink`), in place of its path and query; the first page, without a link,
    /// keeps them. The link must be
    /// on the server the request goes to (scheme, host and port), or building the request
    /// fails: credentials are never sent to another origin.
    pub fn follow_link(&mut self, link: Option<&reqwest::Url>) {
        if let Some(url) = link {
            self.link = Some(url.clone());
        }
    }

    /// The per-call options (timeouts, retries).
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// Sets the per-call options.
    pub fn set_options(&mut self, options: CallOptions) {
        self.options = options;
    }

    /// Sends this request to `base_url` instead of the operation's server or the client's
    /// base URL (a sign-in call to the IAM endpoint of a chosen region). The client's
    /// [`server_override`](crate::ClientBuilder::server_override)s still apply.
    pub fn server(&mut self, base_url: impl Into<String>) {
        self.server = Some(base_url.into());
    }

    /// The server set with [`Request::server`].
    pub fn server_url(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// A request for `operation` sent without the client's auth scheme: a sign-in call
    /// an auth scheme makes itself (see [`Request::without_auth`]). Like an idempotent
    /// call, it is retried on a transient failure (a dropped connection, a "busy"
    /// answer) by the client's [`RetryPolicy`](crate::RetryPolicy), whatever its method:
    /// a login sent twice signs in twice, and the second session is the one kept.
    pub fn sign_in(operation: &'static Operation) -> Self {
        let mut request = Self::new(operation);
        request.without_auth();
        request.sign_in = true;
        request
    }

    /// Whether a transient failure of this request may be retried after the server may
    /// have seen it: its operation is idempotent, or it is a sign-in call
    /// ([`Request::sign_in`]).
    pub fn repeatable(&self) -> bool {
        self.operation.idempotent || self.sign_in
    }

    /// Sends this request without running the client's auth scheme: for the sign-in
    /// calls an auth scheme makes itself, which set their own headers.
    pub fn without_auth(&mut self) {
        self.without_auth = true;
    }

    /// Whether the client's auth scheme is skipped for this request (it is also skipped
    /// for operations the spec marks public).
    pub fn skips_auth(&self) -> bool {
        self.without_auth || self.operation.public
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The path with the parameters set so far substituted.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The encoded query string (without `?`) as it will be sent.
    pub fn query_string(&self) -> String {
        encoding::join_pairs(&self.query)
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Names<I>(I);
        impl<'a, I: Iterator<Item = &'a str> + Clone> fmt::Debug for Names<I> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.clone()).finish()
            }
        }

        let mut debug = f.debug_struct("Request");
        debug
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .field(
                "query",
                &Names(self.query.iter().map(|(name, _)| name.as_ref())),
            )
            .field("headers", &Names(self.headers.iter().map(|h| h.name)))
            .field(
                "cookies",
                &Names(self.cookies.iter().map(|(name, _)| name.as_ref())),
            );
        match &self.body {
            Body::None => debug.field("body", &"none"),
            Body::Form(fields) => {
                debug.field("form", &Names(fields.iter().map(|(name, _)| name.as_ref())))
            }
            Body::Json(fields) => debug.field("json", &Names(fields.iter().map(|(name, _)| *name))),
            Body::JsonValue(_) => debug.field("body", &"json"),
            Body::Bytes(bytes) => debug.field("body", &format_args!("{} bytes", bytes.len())),
            Body::Multipart(parts) => {
                debug.field("parts", &Names(parts.iter().map(multipart::Part::name)))
            }
        };
        debug.field("error", &self.error).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    use crate::types::Secret;

    pub(super) static OP: Operation = Operation {
        method: Method::Post,
        idempotent: false,
        ..Operation::get("GetItem", "/v1/items/{id}")
    };

    pub(super) fn ua() -> HeaderValue {
        HeaderValue::from_static("test")
    }

    /// `Secret` serializes as `***` outside a request: every way a request serializes a
    /// value must send the secret itself.
    #[test]
    fn every_serialized_body_and_parameter_sends_the_secret() {
        #[derive(serde::Serialize)]
        struct Login {
            user: &'static str,
            password: Secret,
        }
        let login = || Login {
            user: "admin",
            password: Secret::new("pw-1"),
        };
        let body = |request: Request| {
            let http = request.to_http("http://h", &ua()).unwrap();
            let query = http.url().query().unwrap_or_default().to_owned();
            let bytes = http.body().and_then(|b| b.as_bytes()).unwrap_or_default();
            format!("{query} {}", String::from_utf8_lossy(bytes))
        };

        let mut whole = Request::new(&OP);
        whole.path_param("id", "1");
        whole.json_value(&login());
        assert_eq!(body(whole), r#" {"user":"admin","password":"pw-1"}"#);

        let mut part = Request::new(&OP);
        part.path_param("id", "1");
        part.part_json("login", &login());
        let sent = body(part);
        assert!(
            sent.contains(r#"{"user":"admin","password":"pw-1"}"#),
            "{sent}"
        );

        let mut query = Request::new(&OP);
        query.path_param("id", "1");
        query.query_value("login", &login(), Style::DeepObject);
        assert_eq!(
            body(query),
            "login%5Bpassword%5D=pw-1&login%5Buser%5D=admin "
        );

        let mut form = Request::new(&OP);
        form.path_param("id", "1");
        form.form_value("login", &login(), Style::DeepObject);
        assert_eq!(
            body(form),
            " login%5Bpassword%5D=pw-1&login%5Buser%5D=admin"
        );

        // Outside a request, still hidden.
        assert_eq!(
            serde_json::to_string(&login()).unwrap(),
            r#"{"user":"admin","password":"***"}"#
        );
    }

    #[test]
    fn headers_and_redaction() {
        let mut request = Request::new(&OP);
        request.path_param("id", "1");
        request.header("X-ACCESS-TOKEN", &Secret::new("tok-s3cr3t"));
        request.header_opt("X-Opt", &Some(5));
        request.header_opt("X-None", &None::<i32>);
        request.query("sig", &Secret::new("sig-s3cr3t"));
        request.form("password", &Secret::new("pw-s3cr3t"));
        let debug = format!("{request:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("X-ACCESS-TOKEN"), "{debug}");
        assert!(debug.contains("password"), "{debug}");
        let http = request.to_http("http://h", &ua()).unwrap();
        assert!(http.headers()["x-access-token"].is_sensitive());
        assert_eq!(http.headers()["x-opt"], "5");
        assert!(!http.headers().contains_key("x-none"));
        assert!(!format!("{:?}", http.headers()).contains("tok-s3cr3t"));
    }
}
