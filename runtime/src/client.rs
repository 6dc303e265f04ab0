//! The client generated API modules send their requests through.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::{AuthContext, Authorize, NoAuth};
use crate::error::{ApiError, Error};
use crate::request::{Operation, Request};
use crate::response::Response;

/// Length of the text kept as the message of a non-JSON error body.
const MESSAGE_CHARS: usize = 200;

/// Sends requests built by generated code: URL, headers, authorization, error mapping and
/// decoding.
///
/// Cheap to clone (the state is shared). `Debug` shows the base URL, user agent,
/// validation flag and the auth scheme's `Debug` (which redacts credentials).
///
/// ```no_run
/// use meterage_runtime::{Client, ErrorEnvelope, HeaderToken, Method, Operation, Request};
///
/// static GSL_ERRORS: ErrorEnvelope = ErrorEnvelope {
///     code: &["/error_code"],
///     message: &["/error_msg"],
///     request_id: &["/request_id"],
///     request_id_header: Some("X-Request-Id"),
///     success: &[],
/// };
/// static LIST_SIM_POOLS: Operation = Operation {
///     id: "ListSimPools",
///     method: Method::Get,
///     success: 200,
///     public: false,
///     path: "/v1/sim-pools",
///     server: None,
///     envelope: &GSL_ERRORS,
/// };
///
/// # async fn run() -> Result<(), meterage_runtime::Error> {
/// let client = Client::builder("https://gsl.cn-north-4.myhuaweicloud.com")
///     .auth(HeaderToken::new("X-Auth-Token", "token"))
///     .build()?;
/// let mut request = Request::new(&LIST_SIM_POOLS);
/// request.query("limit", &50);
/// let response = client.send::<serde_json::Value>(request).await?;
/// println!("{} pools", response["count"]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    user_agent: String,
    user_agent_value: HeaderValue,
    http: reqwest::Client,
    auth: Arc<dyn Authorize>,
    validate: bool,
    timeout: Option<Duration>,
    max_body: usize,
    overrides: Vec<(String, String)>,
}

/// A response read in full, after the status and envelope checks.
struct Raw {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    /// `None` for an empty body.
    json: Option<Result<Value, serde_json::Error>>,
}

impl Client {
    /// A builder for a client whose default base URL is `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder<Client> {
        ClientBuilder::new(base_url)
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether generated code checks request constraints before sending.
    pub fn validates_requests(&self) -> bool {
        self.inner.validate
    }

    /// The underlying HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The auth scheme.
    pub fn auth(&self) -> &dyn Authorize {
        &*self.inner.auth
    }

    /// Sends `request` and decodes the JSON success body into `T`.
    ///
    /// An empty body decodes like JSON `null` (so `()` and `Option<_>` accept it).
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when the request cannot be built, [`Error::Auth`] when the auth
    /// scheme fails, [`Error::Transport`] when nothing usable came back,
    /// [`Error::Api`] for a failure status or a failure vendor code, and
    /// [`Error::Decode`] when the body does not match `T`.
    pub async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<Response<T>, Error> {
        let operation = request.operation();
        let raw = self.execute(request).await?;
        let value = match raw.json {
            None => Value::Null,
            Some(Ok(value)) => value,
            Some(Err(source)) => {
                return Err(Error::Decode {
                    operation: operation.id,
                    status: raw.status,
                    path: ".".to_owned(),
                    source,
                    body: raw.body,
                })
            }
        };
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(body) => Ok(Response::new(
                raw.status,
                raw.headers,
                body,
                operation.envelope.request_id_header,
            )),
            Err(error) => Err(Error::Decode {
                operation: operation.id,
                status: raw.status,
                path: error.path().to_string(),
                source: error.into_inner(),
                body: raw.body,
            }),
        }
    }

    /// Sends an operation whose success response has no body to decode (HTML, empty).
    ///
    /// The status checks apply, and so does the envelope's success rule when the body is
    /// JSON.
    ///
    /// # Errors
    ///
    /// As [`Client::send`], except that there is no [`Error::Decode`].
    pub async fn send_without_body(&self, request: Request) -> Result<Response<()>, Error> {
        let operation = request.operation();
        let raw = self.execute(request).await?;
        Ok(Response::new(
            raw.status,
            raw.headers,
            (),
            operation.envelope.request_id_header,
        ))
    }

    /// Sends `request` and returns the success body's bytes undecoded, exactly as the
    /// server sent them (status and envelope rules apply as in [`Client::send`]).
    ///
    /// # Errors
    ///
    /// As [`Client::send`], except that there is no [`Error::Decode`].
    pub async fn send_raw(&self, request: Request) -> Result<Response<Vec<u8>>, Error> {
        let operation = request.operation();
        let raw = self.execute(request).await?;
        Ok(Response::new(
            raw.status,
            raw.headers,
            raw.body,
            operation.envelope.request_id_header,
        ))
    }

    /// The base URL an operation goes to.
    fn server_for(&self, operation: &Operation) -> &str {
        match operation.server {
            None => &self.inner.base_url,
            Some(server) => {
                let server = server.trim_end_matches('/');
                self.inner
                    .overrides
                    .iter()
                    .find(|(from, _)| from == server)
                    .map_or(server, |(_, to)| to.as_str())
            }
        }
    }

    /// Sends with authorization and at most one retry for a stale credential; returns the
    /// successful response read in full.
    async fn execute(&self, request: Request) -> Result<Raw, Error> {
        let inner = &*self.inner;
        let operation = request.operation();
        let prepared = request.into_http(self.server_for(operation), &inner.user_agent_value)?;
        let mut retried = false;
        loop {
            let mut attempt = prepared.try_clone().ok_or_else(|| Error::Request {
                operation: operation.id,
                message: "the request body cannot be cloned for another attempt".to_owned(),
            })?;
            if inner.timeout.is_some() {
                *attempt.timeout_mut() = inner.timeout;
            }
            let ctx = AuthContext {
                operation,
                http: &inner.http,
            };
            inner.auth.authorize(ctx, &mut attempt).await?;
            let mut response = inner
                .http
                .execute(attempt)
                .await
                .map_err(|error| Error::transport(operation.id, error))?;
            let status = response.status().as_u16();
            let headers = std::mem::take(response.headers_mut());
            let body = read_body(&mut response, operation.id, status, inner.max_body).await?;
            match check(operation, status, headers, body) {
                Ok(raw) => return Ok(raw),
                Err(api) => {
                    if !retried && inner.auth.is_stale(api.status, api.code.as_deref()) {
                        inner.auth.invalidate();
                        retried = true;
                        continue;
                    }
                    return Err(Error::Api(api));
                }
            }
        }
    }
}

/// The default of [`ClientBuilder::max_body_bytes`].
const DEFAULT_MAX_BODY: usize = 32 << 20;

/// Reads a response body, refusing one larger than `limit` before buffering it whole.
async fn read_body(
    response: &mut reqwest::Response,
    operation: &'static str,
    status: u16,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let too_large = || Error::BodyTooLarge {
        operation,
        status,
        limit,
    };
    let announced = response.content_length().unwrap_or(0);
    if usize::try_from(announced).map_or(true, |n| n > limit) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| Error::transport(operation, error))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Applies the status and envelope rules to a response read in full.
fn check(
    operation: &'static Operation,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
) -> Result<Raw, Box<ApiError>> {
    let json = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(serde_json::from_slice::<Value>(&body))
    };
    let parsed = match &json {
        Some(Ok(value)) => Some(value),
        _ => None,
    };
    let success = (200..300).contains(&status) || status == operation.success;
    let failed_envelope =
        success && parsed.is_some_and(|value| operation.envelope.is_failure(value));
    if success && !failed_envelope {
        return Ok(Raw {
            status,
            headers,
            body,
            json,
        });
    }

    let envelope = operation.envelope;
    let (code, mut message, mut request_id) = match parsed {
        Some(value) => (
            envelope.code_of(value),
            envelope.message_of(value),
            envelope.request_id_of(value),
        ),
        None => (None, None, None),
    };
    if code.is_none() && message.is_none() {
        let html = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().contains("html"));
        message = text_message(&String::from_utf8_lossy(&body), html && parsed.is_none());
    }
    if request_id.is_none() {
        request_id = envelope
            .request_id_header
            .and_then(|name| headers.get(name))
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
    }
    Err(Box::new(ApiError {
        operation: operation.id,
        status,
        code,
        message,
        request_id,
        headers,
        body,
    }))
}

/// The start of a text body as a one-line message: whitespace collapsed, at most
/// [`MESSAGE_CHARS`] characters; for HTML the text without tags, scripts and styles
/// (falling back to the raw text if that leaves nothing). `None` for a blank body.
fn text_message(text: &str, html: bool) -> Option<String> {
    let looks_html = html || text.trim_start().starts_with('<');
    let stripped = if looks_html {
        Some(strip_html(text))
    } else {
        None
    };
    let source = match &stripped {
        Some(stripped) if !stripped.trim().is_empty() => stripped.as_str(),
        _ => text,
    };
    let mut message = String::new();
    for word in source.split_whitespace() {
        if !message.is_empty() {
            message.push(' ');
        }
        message.push_str(word);
        if message.chars().count() >= MESSAGE_CHARS {
            break;
        }
    }
    let message: String = message.chars().take(MESSAGE_CHARS).collect();
    (!message.is_empty()).then_some(message)
}

/// The text of an HTML document: tags, comments, `<script>` and `<style>` removed, a few
/// common entities decoded.
fn strip_html(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |end| i + end + 3);
        } else if let Some(tag) = ["<script", "<style"]
            .iter()
            .find(|tag| rest.starts_with(**tag))
        {
            let close = format!("</{}", &tag[1..]);
            i = match rest.find(&close) {
                Some(end) => {
                    let after = i + end;
                    lower[after..]
                        .find('>')
                        .map_or(html.len(), |gt| after + gt + 1)
                }
                None => html.len(),
            };
            out.push(' ');
        } else if rest.starts_with('<') {
            i = rest.find('>').map_or(html.len(), |end| i + end + 1);
            out.push(' ');
        } else {
            let end = rest.find('<').map_or(html.len(), |end| i + end);
            out.push_str(&html[i..end]);
            i = end;
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("user_agent", &inner.user_agent)
            .field("validate_requests", &inner.validate)
            .field("timeout", &inner.timeout)
            .field("server_overrides", &inner.overrides)
            .field("auth", &inner.auth)
            .finish()
    }
}

/// Configures a [`Client`] and builds it, or a generated wrapper `C` around one.
///
/// ```
/// use meterage_runtime::{Client, HeaderToken};
///
/// let client = Client::builder("https://gsl.cn-north-4.myhuaweicloud.com/")
///     .auth(HeaderToken::new("X-Auth-Token", "token"))
///     .user_agent("billing-sync/1.0")
///     .server_override("https://iam.cn-north-4.myhuaweicloud.com", "http://127.0.0.1:8080")
///     .build()?;
/// assert_eq!(client.base_url(), "https://gsl.cn-north-4.myhuaweicloud.com");
/// # Ok::<(), meterage_runtime::Error>(())
/// ```
pub struct ClientBuilder<C = Client> {
    base_url: String,
    http: Option<reqwest::Client>,
    user_agent: String,
    auth: Arc<dyn Authorize>,
    validate: bool,
    timeout: Option<Duration>,
    max_body: usize,
    overrides: Vec<(String, String)>,
    _client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("validate_requests", &self.validate)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body)
            .field("server_overrides", &self.overrides)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the default base URL `base_url`, no auth, request validation on and
    /// the user agent `meterage/<version>`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            http: None,
            user_agent: concat!("meterage/", env!("CARGO_PKG_VERSION")).to_owned(),
            auth: Arc::new(NoAuth),
            validate: true,
            timeout: None,
            max_body: DEFAULT_MAX_BODY,
            overrides: Vec::new(),
            _client: PhantomData,
        }
    }

    /// Replaces the base URL (for example with a test server's).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Uses `client` for HTTP (proxies, TLS settings, connection pools). Default: a new
    /// `reqwest::Client` with reqwest's defaults, except that redirects are not followed
    /// (see [`Operation::success`](crate::Operation::success)). A client given here keeps
    /// its own redirect policy.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The `User-Agent` header of every request. Default `meterage/<crate version>`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// The auth scheme. Default [`NoAuth`].
    pub fn auth(mut self, auth: impl Authorize) -> Self {
        self.auth = Arc::new(auth);
        self
    }

    /// A shared auth scheme, for example one login session used by several clients.
    pub fn auth_shared(mut self, auth: Arc<dyn Authorize>) -> Self {
        self.auth = auth;
        self
    }

    /// Whether generated code checks request constraints before sending. Default `true`.
    pub fn validate_requests(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// A timeout for each attempt, from sending until the body is read. Default: none
    /// beyond the HTTP client's own.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest response body read, in bytes; a larger one fails with
    /// [`Error::BodyTooLarge`] without being buffered whole. Default 32 MiB.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// Sends operations whose own server URL is `from` to `to` instead (tests point the
    /// IAM host at a loopback server). Trailing slashes do not matter.
    pub fn server_override(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        let from = from.into().trim_end_matches('/').to_owned();
        self.overrides.retain(|(existing, _)| *existing != from);
        self.overrides.push((from, to.into()));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the base URL or an override target is not an absolute
    /// `http`/`https` URL (without user name, password, query or fragment), when the user
    /// agent is not a valid header value, or when the HTTP client cannot be created.
    pub fn build(self) -> Result<C, Error> {
        let base_url = check_base_url("base URL", &self.base_url)?;
        let overrides = self
            .overrides
            .into_iter()
            .map(|(from, to)| Ok((from, check_base_url("server override", &to)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let user_agent_value = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".to_owned()))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| {
                    Error::Config(format!("cannot create the HTTP client: {error}"))
                })?,
        };
        let client = Client {
            inner: Arc::new(Inner {
                base_url,
                user_agent: self.user_agent,
                user_agent_value,
                http,
                auth: self.auth,
                validate: self.validate,
                timeout: self.timeout,
                max_body: self.max_body,
                overrides,
            }),
        };
        Ok(C::from(client))
    }
}

/// Redacts a `user:password@` part of URL text, for error messages.
fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |end| authority_start + end);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}***{}",
            &url[..authority_start],
            &url[authority_start + at..]
        ),
        None => url.to_owned(),
    }
}

/// Checks a base URL and returns it normalized, without a trailing slash.
fn check_base_url(what: &str, url: &str) -> Result<String, Error> {
    let shown = redact_userinfo(url);
    let invalid = |reason: String| Error::Config(format!("invalid {what} `{shown}`: {reason}"));
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme must be http or https, not {}",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("there is no host".to_owned()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "credentials do not belong in the URL; use an auth scheme".to_owned(),
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment".to_owned()));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::auth::HeaderToken;
    use crate::envelope::ErrorEnvelope;
    use crate::request::Method;

    static NCE: ErrorEnvelope = ErrorEnvelope {
        code: &["/errcode", "/errCode"],
        message: &["/errmsg", "/errMsg"],
        request_id: &[],
        request_id_header: Some("X-Request-Id"),
        success: &["0"],
    };

    static OP: Operation = Operation {
        id: "Op",
        method: Method::Get,
        success: 200,
        public: false,
        path: "/x",
        server: None,
        envelope: &NCE,
    };

    static IAM: Operation = Operation {
        id: "Login",
        method: Method::Post,
        success: 200,
        public: false,
        path: "/v3/auth/tokens",
        server: Some("https://iam.cn-north-4.myhuaweicloud.com/"),
        envelope: &ErrorEnvelope::NONE,
    };

    #[test]
    fn base_url_checks() {
        let ok = [
            (
                "https://gsl.cn-north-4.myhuaweicloud.com",
                "https://gsl.cn-north-4.myhuaweicloud.com",
            ),
            ("https://Example.COM/", "https://example.com"),
            ("http://127.0.0.1:8080/api/", "http://127.0.0.1:8080/api"),
        ];
        for (input, want) in ok {
            assert_eq!(check_base_url("base URL", input).unwrap(), want);
        }
        let bad = [
            ("", "relative URL without a base"),
            ("gsl.example.com", "relative URL"),
            ("ftp://example.com", "http or https"),
            ("https://example.com/?a=1", "no query"),
            ("https://example.com/#f", "no query or fragment"),
            ("https://user:s3cr3t@example.com", "credentials"),
        ];
        for (input, want) in bad {
            let message = check_base_url("base URL", input).unwrap_err().to_string();
            assert!(message.contains(want), "{input}: {message}");
            assert!(!message.contains("s3cr3t"), "{message}");
        }
        assert_eq!(redact_userinfo("https://u:p@h/x@y"), "https://***@h/x@y");
        assert_eq!(redact_userinfo("nonsense"), "nonsense");
    }

    #[test]
    fn builder_and_debug() {
        let client = Client::builder("http://localhost:1/")
            .auth(HeaderToken::new("X-Auth-Token", "tok-s3cr3t"))
            .validate_requests(false)
            .user_agent("ua/1")
            .server_override(
                "https://iam.cn-north-4.myhuaweicloud.com",
                "http://127.0.0.1:2/",
            )
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://localhost:1");
        assert!(!client.validates_requests());
        assert_eq!(client.server_for(&OP), "http://localhost:1");
        assert_eq!(client.server_for(&IAM), "http://127.0.0.1:2");
        let debug = format!("{client:?}");
        assert!(debug.contains("ua/1"), "{debug}");
        assert!(debug.contains("X-Auth-Token"), "{debug}");
        assert!(!debug.contains("tok-s3cr3t"), "{debug}");
        let builder = Client::builder("http://h").auth(HeaderToken::new("X", "tok-s3cr3t"));
        assert!(!format!("{builder:?}").contains("tok-s3cr3t"));

        let plain = Client::builder("http://h").build().unwrap();
        assert!(plain.validates_requests());
        assert_eq!(
            plain.server_for(&IAM),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        assert!(format!("{plain:?}").contains(concat!("meterage/", env!("CARGO_PKG_VERSION"))));

        let error = Client::builder("http://h")
            .user_agent("bad\nua")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)));
        let error = Client::builder("http://h")
            .server_override("https://iam", "not a url")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("server override"), "{error}");
    }

    #[test]
    fn builder_builds_wrappers() {
        struct Wrapper(Client);
        impl From<Client> for Wrapper {
            fn from(client: Client) -> Self {
                Wrapper(client)
            }
        }
        let wrapper: Wrapper = ClientBuilder::new("http://h").build().unwrap();
        assert_eq!(wrapper.0.base_url(), "http://h");
    }

    fn failure(status: u16, content_type: Option<&str>, body: &str) -> Box<ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        }
        headers.insert("x-request-id", HeaderValue::from_static("hdr-1"));
        match check(&OP, status, headers, body.as_bytes().to_vec()) {
            Ok(_) => panic!("expected a failure for {status} {body}"),
            Err(api) => api,
        }
    }

    #[test]
    fn check_rules() {
        let ok = |status: u16, body: &str| {
            check(&OP, status, HeaderMap::new(), body.as_bytes().to_vec()).is_ok()
        };
        assert!(ok(200, r#"{"errcode":"0","data":[]}"#));
        assert!(ok(200, r#"{"data":[]}"#));
        assert!(ok(200, "<html>ok</html>"));
        assert!(ok(204, ""));
        assert!(ok(201, "   "));

        let api = failure(200, None, r#"{"errcode":"1","errmsg":"failed"}"#);
        assert_eq!(
            (
                api.status,
                api.code.as_deref(),
                api.message.as_deref(),
                api.request_id.as_deref()
            ),
            (200, Some("1"), Some("failed"), Some("hdr-1"))
        );
        let api = failure(
            400,
            Some("application/json"),
            r#"{"errCode":"9","errMsg":"bad"}"#,
        );
        assert_eq!(
            (api.code.as_deref(), api.message.as_deref()),
            (Some("9"), Some("bad"))
        );
        let api = failure(500, Some("text/plain"), "  Internal\n\n  error   here ");
        assert_eq!(api.message.as_deref(), Some("Internal error here"));
        assert_eq!(api.code, None);
        let api = failure(502, None, "");
        assert_eq!(api.message, None);
        let api = failure(
            404,
            Some("application/json"),
            r#"{"detail":"no such thing"}"#,
        );
        assert_eq!(
            api.message.as_deref(),
            Some(r#"{"detail":"no such thing"}"#)
        );
    }

    #[test]
    fn html_messages() {
        let page = r#"<!DOCTYPE html>
<html lang="en"><head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <title>403 Forbidden</title>
  <style type="text/css">html * { padding:0; margin:0; } body * { padding:10px 20px; }</style>
  <script>var x = "<b>";</script>
</head><body>
<!-- a comment -->
<div id="summary"><h1>Forbidden <span>(403)</span></h1>
<p>CSRF verification failed. Request aborted.</p>
<p>You are seeing this message because this HTTPS site requires a &ldquo;Referer header&rdquo; &amp; more.</p>
</div></body></html>"#;
        let api = failure(403, Some("text/html; charset=utf-8"), page);
        let message = api.message.clone().unwrap();
        assert!(
            message.starts_with(
                "403 Forbidden Forbidden (403) CSRF verification failed. Request aborted."
            ),
            "{message}"
        );
        assert!(!message.contains("padding"), "{message}");
        assert!(message.chars().count() <= MESSAGE_CHARS);
        assert_eq!(api.body_text(), page);

        let long = format!("<p>{}</p>", "字".repeat(500));
        let message = text_message(&long, true).unwrap();
        assert_eq!(message.chars().count(), MESSAGE_CHARS);
        // Unterminated markup does not panic.
        for odd in ["<", "<script", "<!--", "<style>x", "a<b", "<p>é</p"] {
            let _ = text_message(odd, true);
        }
        assert_eq!(text_message("<br>", true).as_deref(), Some("<br>"));
    }
}
