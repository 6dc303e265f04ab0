//! Configuring a client: base URL, auth, transport (TLS, proxy, timeouts), retries.

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::{Authorize, NoAuth};
use crate::client::{Client, Inner};
use crate::error::Error;
use crate::interceptor::Interceptor;
use crate::retry::RetryPolicy;

/// The default of [`ClientBuilder::max_body_bytes`].
const DEFAULT_MAX_BODY: usize = 32 << 20;
/// The default of [`ClientBuilder::connect_timeout`].
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default of [`ClientBuilder::timeout`].
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The environment variable naming an extra CA certificate file (PEM) to trust
/// ([`ClientBuilder::transport_from_env`]).
pub const CA_FILE_ENV: &str = "METERAGE_CA_FILE";

/// Configures a [`Client`] and builds it, or a generated wrapper `C` around one.
///
/// Defaults a user never has to think about: connect timeout 10 s, 30 s per attempt, no
/// overall deadline, [`RetryPolicy::standard`] for idempotent calls, responses up to
/// 32 MiB, redirects never followed, request validation on, TLS trusting the webpki
/// roots.
///
/// ```
/// use std::time::Duration;
/// use meterage_runtime::{Client, HeaderToken, RetryPolicy};
///
/// let client = Client::builder("https://gsl.cn-north-4.myhuaweicloud.com/")
///     .auth(HeaderToken::new("X-Auth-Token", "token"))
///     .user_agent("billing-sync/1.0")
///     .timeout(Duration::from_secs(20))
///     .retry(RetryPolicy::standard().max_attempts(6))
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
    interceptors: Vec<Arc<dyn Interceptor>>,
    settings: Settings,
    overrides: Vec<(String, String)>,
    tls: Tls,
    _client: PhantomData<fn() -> C>,
}

/// What a builder collects and its client keeps of how calls are made: request checks,
/// timeouts, retries, the body cap.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    /// Whether generated code checks request constraints before sending.
    pub(super) validate: bool,
    /// One attempt's timeout.
    pub(super) attempt_timeout: Duration,
    /// The whole call's deadline, if any.
    pub(super) total_timeout: Option<Duration>,
    /// Connecting's timeout.
    pub(super) connect_timeout: Duration,
    /// The retry policy.
    pub(super) retry: RetryPolicy,
    /// The largest response body read, in bytes.
    pub(super) max_body: usize,
}

/// Transport settings applied when the client builds its own `reqwest::Client`.
#[derive(Default)]
struct Tls {
    ca_pem: Vec<(String, Vec<u8>)>,
    ca_files: Vec<PathBuf>,
    native_roots: bool,
    accept_invalid_certs: bool,
    proxy: Option<String>,
}

impl Tls {
    fn is_default(&self) -> bool {
        self.ca_pem.is_empty()
            && self.ca_files.is_empty()
            && !self.native_roots
            && !self.accept_invalid_certs
            && self.proxy.is_none()
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("settings", &self.settings)
            .field("server_overrides", &self.overrides)
            .field(
                "extra_roots",
                &(self.tls.ca_pem.len() + self.tls.ca_files.len()),
            )
            .field("native_roots", &self.tls.native_roots)
            .field(
                "danger_accept_invalid_certs",
                &self.tls.accept_invalid_certs,
            )
            .field("interceptors", &self.interceptors)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the default base URL `base_url`, no auth and the defaults above.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            http: None,
            user_agent: concat!("meterage/", env!("CARGO_PKG_VERSION")).to_owned(),
            auth: Arc::new(NoAuth),
            interceptors: Vec::new(),
            settings: Settings {
                validate: true,
                attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
                total_timeout: None,
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                retry: RetryPolicy::standard(),
                max_body: DEFAULT_MAX_BODY,
            },
            overrides: Vec::new(),
            tls: Tls::default(),
            _client: PhantomData,
        }
    }

    /// Replaces the base URL (for example with a test server's).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Uses `client` for HTTP instead of building one. It must not follow redirects
    /// (`reqwest::redirect::Policy::none()`): a console login answers with a redirect the
    /// client must see, and a redirect to a login page means a session ended. A call whose
    /// response came from a followed redirect fails with [`Error::Config`] saying so. The
    /// transport settings of this builder (CA certificates, roots, proxy, connect timeout)
    /// cannot be applied to a given client; setting both is an [`Error::Config`].
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

    /// Adds an interceptor; interceptors run in the order they were added, their
    /// `modify_request` before the identity and sign phases (see [`crate::interceptor`]).
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Whether generated code checks request constraints before sending. Default `true`.
    pub fn validate_requests(mut self, on: bool) -> Self {
        self.settings.validate = on;
        self
    }

    /// The timeout of each attempt, from sending the request until its body is read.
    /// Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.attempt_timeout = timeout;
        self
    }

    /// A deadline for each whole call: all attempts and the waits between them. Default:
    /// none (the retry policy bounds a call).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.settings.total_timeout = Some(timeout);
        self
    }

    /// The timeout for establishing a connection (TCP and TLS). Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// The retry policy for transient failures. Default [`RetryPolicy::standard`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The largest response body read, in bytes; a larger one fails with
    /// [`Error::BodyTooLarge`] without being buffered whole. Default 32 MiB.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.settings.max_body = limit;
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

    /// Trusts the CA certificates in `pem` (one or more PEM blocks) in addition to the
    /// built-in roots: a controller with a certificate from a private CA (NCE-Campus
    /// often runs on one). `name` says where the PEM came from, for error messages.
    pub fn add_root_certificate_pem(
        mut self,
        name: impl Into<String>,
        pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.tls.ca_pem.push((name.into(), pem.into()));
        self
    }

    /// Trusts the CA certificates in the PEM file at `path`, read when the client is
    /// built.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.ca_files.push(path.into());
        self
    }

    /// Also trusts the platform's native root certificates. Default: only the webpki
    /// roots (and any added CA).
    pub fn tls_native_roots(mut self, on: bool) -> Self {
        self.tls.native_roots = on;
        self
    }

    /// Accepts any server certificate, expired, self-signed or for another host.
    /// Dangerous: anyone on the path can read and change the traffic, credentials
    /// included. Prefer [`ClientBuilder::add_root_certificate_pem`].
    pub fn danger_accept_invalid_certs(mut self, on: bool) -> Self {
        self.tls.accept_invalid_certs = on;
        self
    }

    /// Sends every request through the proxy at `url` (`http://proxy:3128`). Default:
    /// the system's proxy settings (`HTTPS_PROXY` and friends).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.tls.proxy = Some(url.into());
        self
    }

    /// Applies the transport settings of the environment: when `METERAGE_CA_FILE` is set,
    /// the PEM file it names is trusted in addition to the built-in roots and the
    /// platform's native ones.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the variable is not valid UTF-8.
    pub fn transport_from_env(mut self) -> Result<Self, Error> {
        if let Some(path) = crate::auth::env::var_opt(CA_FILE_ENV)? {
            self = self.ca_file(path).tls_native_roots(true);
        }
        Ok(self)
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the base URL or an override target is not an absolute
    /// `http`/`https` URL (without user name, password, query or fragment), when the user
    /// agent is not a valid header value, when a CA file cannot be read or holds no
    /// certificate, when the proxy URL is invalid, or when the HTTP client cannot be
    /// created.
    pub fn build(self) -> Result<C, Error> {
        let base_url = check_base_url("base URL", &self.base_url)?;
        let overrides = self
            .overrides
            .into_iter()
            .map(|(from, to)| Ok((from, check_base_url("server override", &to)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let user_agent_value = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".to_owned()))?;
        let http_given = self.http.is_some();
        let http = match self.http {
            Some(_) if !self.tls.is_default() => {
                return Err(Error::Config(
                    "CA certificates, root, proxy and certificate settings cannot be applied \
                     to a given reqwest::Client; configure that client instead"
                        .to_owned(),
                ))
            }
            Some(http) => http,
            None => build_http(&self.tls, self.settings.connect_timeout)?,
        };
        let client = Client {
            inner: Arc::new(Inner {
                base_url,
                user_agent: self.user_agent,
                user_agent_value,
                http,
                http_given,
                auth: self.auth,
                interceptors: self.interceptors,
                settings: self.settings,
                overrides,
            }),
        };
        Ok(C::from(client))
    }
}

/// The client's own `reqwest::Client`: no redirects, the connect timeout, TLS roots and
/// proxy as configured.
fn build_http(tls: &Tls, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .tls_built_in_native_certs(tls.native_roots)
        .danger_accept_invalid_certs(tls.accept_invalid_certs);
    let mut bundles: Vec<(String, Vec<u8>)> = tls.ca_pem.clone();
    for path in &tls.ca_files {
        let pem = std::fs::read(path).map_err(|error| {
            Error::Config(format!(
                "cannot read the CA file {}: {error}",
                path.display()
            ))
        })?;
        bundles.push((path.display().to_string(), pem));
    }
    for (name, pem) in &bundles {
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|error| {
            Error::Config(format!(
                "the CA certificates in {name} are not valid PEM: {error}"
            ))
        })?;
        if certificates.is_empty() {
            return Err(Error::Config(format!(
                "{name} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"
            )));
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if let Some(proxy) = &tls.proxy {
        let proxy = reqwest::Proxy::all(proxy).map_err(|error| {
            Error::Config(format!(
                "invalid proxy URL `{}`: {error}",
                redact_userinfo(proxy)
            ))
        })?;
        builder = builder.proxy(proxy);
    }
    builder
        .build()
        .map_err(|error| Error::Config(format!("cannot create the HTTP client: {error}")))
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

    use crate::request::{Method, Operation};

    static OP: Operation = Operation::get("Op", "/x");

    static IAM: Operation = Operation {
        method: Method::Post,
        public: true,
        idempotent: false,
        secret_response: true,
        server: Some("https://iam.cn-north-4.myhuaweicloud.com/"),
        ..Operation::get("Login", "/v3/auth/tokens")
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
        assert_eq!(client.server_for(&OP, None), "http://localhost:1");
        assert_eq!(client.server_for(&IAM, None), "http://127.0.0.1:2");
        assert_eq!(
            client.server_for(&OP, Some("https://iam.cn-north-4.myhuaweicloud.com")),
            "http://127.0.0.1:2"
        );
        assert_eq!(
            client.server_for(&IAM, Some("https://iam.example.com/")),
            "https://iam.example.com"
        );
        let debug = format!("{client:?}");
        assert!(debug.contains("ua/1"), "{debug}");
        assert!(debug.contains("X-Auth-Token"), "{debug}");
        assert!(!debug.contains("tok-s3cr3t"), "{debug}");
        let builder = Client::builder("http://h").auth(HeaderToken::new("X", "tok-s3cr3t"));
        assert!(!format!("{builder:?}").contains("tok-s3cr3t"));

        let plain = Client::builder("http://h").build().unwrap();
        assert!(plain.validates_requests());
        assert_eq!(
            plain.server_for(&IAM, None),
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
    fn transport_settings_are_checked_when_building() {
        let error = Client::builder("http://h")
            .add_root_certificate_pem("inline", "not a certificate")
            .build()
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("inline holds no PEM certificate"),
            "{error}"
        );
        let error = Client::builder("http://h")
            .ca_file("/nonexistent/ca.pem")
            .build()
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("cannot read the CA file /nonexistent/ca.pem"),
            "{error}"
        );
        let error = Client::builder("http://h")
            .proxy("http://user:s3cr3t@[bad")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("invalid proxy URL"), "{error}");
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        let error = Client::builder("http://h")
            .http_client(reqwest::Client::new())
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap_err();
        assert!(
            error.to_string().contains("given reqwest::Client"),
            "{error}"
        );
        Client::builder("http://h")
            .proxy("http://proxy.example:3128")
            .tls_native_roots(true)
            .build()
            .unwrap();
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
}
