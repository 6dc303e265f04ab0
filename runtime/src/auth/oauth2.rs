//! OAuth 2.0 access tokens by the client credentials grant (RFC 6749 §4.4, as Azure's
//! Microsoft identity platform serves it).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::auth::identity::seconds;
use crate::auth::{AuthContext, Expiring, IdentityFuture, ResolveIdentity, TokenAuth};
use crate::envelope::ErrorEnvelope;
use crate::interceptor::AttemptOutcome;
use crate::request::{Method, Operation, Request};
use crate::types::Secret;

/// How a spec's token endpoint works, emitted as a `static` by generated code from
/// `x-auth-scheme: {kind: oauth2-client-credentials, ...}` (or an `oauth2` scheme with a
/// `clientCredentials` flow).
#[derive(Debug)]
pub struct OAuth2Spec {
    /// The token endpoint, with `{name}` where a variable goes
    /// (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`); `{tenant}` is
    /// [`ClientCredentials::tenant`], other variables are set with
    /// [`OAuth2ClientCredentials::variable`].
    pub token_url: &'static str,
    /// The `scope` asked for unless the caller sets one
    /// (`https://management.azure.com/.default`); `None` sends no `scope`.
    pub scope: Option<&'static str>,
    /// Constant form fields sent after the standard ones, in this order.
    pub form: &'static [(&'static str, &'static str)],
    /// Vendor codes that mean the token is no longer valid (besides HTTP 401), compared
    /// with [`code_matches`](crate::envelope::code_matches).
    pub stale_codes: &'static [&'static str],
}

/// The error answer of a token endpoint (RFC 6749 §5.2): `error` is the code,
/// `error_description` the message, Azure's `trace_id` the request id.
static TOKEN_ERRORS: ErrorEnvelope = ErrorEnvelope {
    code: &["/error"],
    message: &["/error_description"],
    request_id: &["/trace_id"],
    ..ErrorEnvelope::NONE
};

/// The token request, `OAuth2Token` in errors: a `POST` to the token URL (set on each
/// request with [`Request::server`], so it may be on another host than the API, and
/// [`ClientBuilder::server_override`](crate::ClientBuilder::server_override) redirects
/// it), public, its answer a secret. Asking for a client credentials token twice
/// issues two tokens and changes nothing else, so transient failures are retried.
static TOKEN_CALL: Operation = Operation {
    id: "OAuth2Token",
    method: Method::Post,
    success: 200,
    public: true,
    idempotent: true,
    secret_response: true,
    path: "",
    server: None,
    envelope: &TOKEN_ERRORS,
};

/// An OAuth 2.0 client: its id and secret, and the tenant (directory) it signs in to
/// where the token URL has a `{tenant}`. Named fields, so they cannot be swapped.
///
/// ```
/// use meterage_runtime::auth::ClientCredentials;
///
/// let client = ClientCredentials {
///     tenant: Some("contoso.onmicrosoft.com".into()),
///     client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
///     client_secret: "sampleCredentia1s".into(),
/// };
/// assert!(!format!("{client:?}").contains("sampleCredentia1s"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    /// The tenant (Azure: the directory id or domain), for the token URL's `{tenant}`.
    pub tenant: Option<String>,
    /// The application (client) id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// An OAuth 2.0 access token obtained by the client credentials grant (RFC 6749 §4.4):
/// `grant_type=client_credentials`, `client_id`, `client_secret`, `scope` and the spec's
/// constant fields, form-encoded, posted to the token URL; the answer's `access_token`
/// is valid for its `expires_in` seconds (a number or a numeric string, as Azure's v1
/// endpoint sends it). A refusal (`{"error": "invalid_client", ...}`) is an
/// [`Error::Auth`](crate::Error::Auth) caused by an [`Error::Api`](crate::Error::Api)
/// with the `error` as its code and the `error_description` as its message.
///
/// Sent as `Authorization: Bearer <token>` by [`OAuth2Auth`], which renews it before it
/// expires, and again once when the API refuses it.
///
/// ```
/// use meterage_runtime::auth::{ClientCredentials, OAuth2ClientCredentials, OAuth2Spec};
///
/// static AZURE: OAuth2Spec = OAuth2Spec {
///     token_url: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
///     scope: Some("https://management.azure.com/.default"),
///     form: &[],
///     stale_codes: &[],
/// };
/// let client = ClientCredentials {
///     tenant: None,
///     client_id: "app".into(),
///     client_secret: "s3cr3t".into(),
/// };
/// let provider = OAuth2ClientCredentials::new(&AZURE, client).tenant("contoso");
/// assert_eq!(
///     provider.token_url().unwrap(),
///     "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
/// );
/// ```
pub struct OAuth2ClientCredentials {
    spec: &'static OAuth2Spec,
    credentials: ClientCredentials,
    variables: Vec<(String, String)>,
    scope: Option<String>,
    token_url: Option<String>,
    authority_host: Option<String>,
}

/// `Authorization: Bearer <token>` with a token of the client credentials grant.
pub type OAuth2Auth = TokenAuth<OAuth2ClientCredentials>;

impl OAuth2ClientCredentials {
    /// Signs `credentials` in as `spec` says.
    pub fn new(spec: &'static OAuth2Spec, credentials: ClientCredentials) -> Self {
        Self {
            spec,
            credentials,
            variables: Vec::new(),
            scope: None,
            token_url: None,
            authority_host: None,
        }
    }

    /// `Authorization: Bearer <token>` on every request, the token obtained as `spec`
    /// says.
    pub fn bearer(spec: &'static OAuth2Spec, credentials: ClientCredentials) -> OAuth2Auth {
        TokenAuth::with_provider("Authorization", Self::new(spec, credentials))
            .with_prefix("Bearer ")
    }

    /// Signs in to this tenant (the token URL's `{tenant}`).
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.credentials.tenant = Some(tenant.into());
        self
    }

    /// Fills the token URL's `{name}` with `value` (`{tenant}` is
    /// [`tenant`](Self::tenant)).
    pub fn variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        if name == "tenant" {
            return self.tenant(value);
        }
        self.variables.retain(|(known, _)| *known != name);
        self.variables.push((name, value.into()));
        self
    }

    /// Asks for this `scope` instead of the spec's.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sends the token request to this URL instead of the spec's.
    pub fn token_endpoint(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Signs in at this authority host instead of the spec's: the token URL's scheme,
    /// host and port become the host's, its path stays, as Azure's SDKs read
    /// `AZURE_AUTHORITY_HOST` (`https://login.microsoftonline.us` for Azure Government;
    /// a host without a scheme is `https://`, a trailing `/` is dropped). A URL set with
    /// [`token_endpoint`](Self::token_endpoint) wins over it.
    pub fn authority_host(mut self, host: impl Into<String>) -> Self {
        self.authority_host = Some(host.into());
        self
    }

    /// The URL the token request goes to: the one set with
    /// [`token_endpoint`](Self::token_endpoint), else the spec's on the
    /// [`authority_host`](Self::authority_host) if one is set, its variables filled.
    ///
    /// # Errors
    ///
    /// A message naming the first variable that is not set, or saying what is wrong
    /// with the authority host.
    pub fn token_url(&self) -> Result<String, String> {
        if let Some(url) = &self.token_url {
            return Ok(url.clone());
        }
        let template = self.spec.token_url;
        let mut url = String::with_capacity(template.len() + 32);
        let mut rest = template;
        if let Some(host) = &self.authority_host {
            let (authority, path) = authority_and_path(template);
            let host = host.trim().trim_end_matches('/');
            if host.is_empty() {
                return Err(format!(
                    "the authority host is empty (it replaces `{authority}` in `{template}`)"
                ));
            }
            if !host.starts_with("https://") && !host.starts_with("http://") {
                if host.contains("://") {
                    return Err(format!("the authority host `{host}` is not an http(s) URL"));
                }
                url.push_str("https://");
            }
            url.push_str(host);
            rest = path;
        }
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            let value = if name == "tenant" {
                self.credentials.tenant.as_deref()
            } else {
                self.variables
                    .iter()
                    .find(|(known, _)| known == name)
                    .map(|(_, value)| value.as_str())
            };
            let Some(value) = value.filter(|value| !value.is_empty()) else {
                return Err(format!(
                    "the token URL's `{{{name}}}` is not set (`{template}`)"
                ));
            };
            url.push_str(&rest[..start]);
            url.push_str(&crate::request::percent_encode(value));
            rest = &rest[start + len + 1..];
        }
        url.push_str(rest);
        Ok(url)
    }

    /// The token request: the form, to the token URL.
    fn token_request(&self) -> Result<Request, String> {
        let mut request = Request::sign_in(&TOKEN_CALL);
        request.server(self.token_url()?);
        request.form("grant_type", "client_credentials");
        request.form("client_id", &self.credentials.client_id);
        request.form("client_secret", &self.credentials.client_secret);
        match (&self.scope, self.spec.scope) {
            (Some(scope), _) => request.form("scope", scope),
            (None, Some(scope)) => request.form("scope", scope),
            (None, None) => {}
        }
        for &(name, value) in self.spec.form {
            request.form(name, value);
        }
        Ok(request)
    }
}

/// The provider's settings, on the auth scheme built around it
/// (`auth::arm_login(client).tenant("contoso")`).
impl TokenAuth<OAuth2ClientCredentials> {
    /// See [`OAuth2ClientCredentials::tenant`].
    pub fn tenant(self, tenant: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.tenant(tenant))
    }

    /// See [`OAuth2ClientCredentials::variable`].
    pub fn variable(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.variable(name, value))
    }

    /// See [`OAuth2ClientCredentials::scope`].
    pub fn scope(self, scope: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.scope(scope))
    }

    /// See [`OAuth2ClientCredentials::token_endpoint`].
    pub fn token_endpoint(self, url: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.token_endpoint(url))
    }

    /// See [`OAuth2ClientCredentials::authority_host`].
    pub fn authority_host(self, host: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.authority_host(host))
    }
}

/// A token URL template split after its scheme, host and port:
/// (`https://login.microsoftonline.com`, `/{tenant}/oauth2/v2.0/token`).
fn authority_and_path(template: &str) -> (&str, &str) {
    let after_scheme = template.find("://").map_or(0, |at| at + 3);
    let end = template[after_scheme..]
        .find(['/', '?'])
        .map_or(template.len(), |at| after_scheme + at);
    template.split_at(end)
}

impl fmt::Debug for OAuth2ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2ClientCredentials")
            .field("credentials", &self.credentials)
            .field("variables", &self.variables)
            .field("scope", &self.scope.as_deref().or(self.spec.scope))
            .field("token_url", &self.token_url())
            .finish()
    }
}

/// The lifetime an `expires_in` gives (seconds, a number or a numeric string):
/// `Ok(None)` when absent (the token is used until the API refuses it), an error when it
/// is not a number of seconds.
fn expires_in(value: Option<&Value>) -> Result<Option<Duration>, String> {
    seconds(value)
        .map_err(|()| "the token response's `expires_in` is not a number of seconds".to_owned())
}

/// The access token and its lifetime from a token response body.
fn read_token(body: &[u8]) -> Result<Expiring<Secret>, String> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| "the token response is not a JSON object".to_owned())?;
    let token = body
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .ok_or("the token response has no `access_token`")?;
    if let Some(kind) = body.get("token_type").and_then(Value::as_str) {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(format!(
                "the token response's `token_type` is `{kind}`, not `Bearer`"
            ));
        }
    }
    let token = Secret::new(token);
    Ok(match expires_in(body.get("expires_in"))? {
        Some(life) => Expiring::for_duration(token, life),
        None => Expiring::forever(token),
    })
}

impl ResolveIdentity<Secret> for OAuth2ClientCredentials {
    fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
        Box::pin(async move {
            let request = self.token_request().map_err(|message| ctx.error(message))?;
            let response = ctx.sign_in(request, "signing in").await?;
            read_token(response.body()).map_err(|message| ctx.error(message))
        })
    }

    fn is_stale(&self, outcome: &AttemptOutcome<'_>) -> bool {
        outcome.is_refusal(self.spec.stale_codes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testing::refused;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    static AZURE: OAuth2Spec = OAuth2Spec {
        token_url: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        scope: Some("https://management.azure.com/.default"),
        form: &[("client_info", "1"), ("x-app", "meter age")],
        stale_codes: &["InvalidAuthenticationTokenTenant"],
    };

    fn client() -> OAuth2ClientCredentials {
        OAuth2ClientCredentials::new(
            &AZURE,
            ClientCredentials {
                tenant: Some("contoso.onmicrosoft.com".into()),
                client_id: "6731de76-14a6".into(),
                client_secret: "s3cr3t+/=&".into(),
            },
        )
    }

    fn sent(provider: &OAuth2ClientCredentials) -> (String, String, String) {
        let request = provider.token_request().unwrap();
        let base = request.server_url().unwrap().to_owned();
        let http = request
            .to_http(&base, &HeaderValue::from_static("test"))
            .unwrap();
        let body = std::str::from_utf8(http.body().unwrap().as_bytes().unwrap()).unwrap();
        let content_type = http.headers()["content-type"].to_str().unwrap().to_owned();
        (http.url().to_string(), content_type, body.to_owned())
    }

    #[test]
    fn the_token_request_is_the_exact_form() {
        let (url, content_type, body) = sent(&client());
        assert_eq!(
            url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            body,
            "grant_type=client_credentials&client_id=6731de76-14a6&client_secret=s3cr3t%2B%2F%3D%26\
             &scope=https%3A%2F%2Fmanagement.azure.com%2F.default&client_info=1&x-app=meter%20age"
        );
        let (_, _, body) = sent(&client().scope("api://meterage/.default"));
        assert!(
            body.contains("&scope=api%3A%2F%2Fmeterage%2F.default&"),
            "{body}"
        );
        assert_eq!(TOKEN_CALL.method, Method::Post);
        assert!(TOKEN_CALL.public && TOKEN_CALL.secret_response);
    }

    #[test]
    fn stale_on_401_or_a_listed_code() {
        let provider = client();
        let stale = |status: u16, code: Option<&str>| provider.is_stale(&refused(status, code));
        assert!(stale(401, None));
        assert!(stale(401, Some("InvalidAuthenticationToken")));
        assert!(stale(403, Some("InvalidAuthenticationTokenTenant")));
        assert!(!stale(403, Some("AuthorizationFailed")));
        assert!(!stale(429, None));
    }

    #[test]
    fn token_url_variables() {
        let provider = client().tenant("a/b").variable("cloud", "x");
        assert_eq!(
            provider.token_url().unwrap(),
            "https://login.microsoftonline.com/a%2Fb/oauth2/v2.0/token"
        );
        let mut unset = client();
        unset.credentials.tenant = None;
        assert_eq!(
            unset.token_url().unwrap_err(),
            "the token URL's `{tenant}` is not set \
             (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`)"
        );
        let moved = unset.token_endpoint("http://127.0.0.1:9/token");
        assert_eq!(moved.token_url().unwrap(), "http://127.0.0.1:9/token");
        let debug = format!("{:?}", client());
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }

    #[test]
    fn the_authority_host_replaces_the_token_urls_scheme_and_host() {
        let at = |host: &str| client().authority_host(host).token_url();
        let path = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
        for (host, want) in [
            (
                "https://login.microsoftonline.us",
                "https://login.microsoftonline.us",
            ),
            (
                "https://login.microsoftonline.us/",
                "https://login.microsoftonline.us",
            ),
            ("login.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
            ("http://127.0.0.1:8400", "http://127.0.0.1:8400"),
        ] {
            assert_eq!(at(host).unwrap(), format!("{want}{path}"), "{host}");
        }
        assert_eq!(
            at(" ").unwrap_err(),
            "the authority host is empty (it replaces `https://login.microsoftonline.com` in \
             `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`)"
        );
        assert_eq!(
            at("ftp://login").unwrap_err(),
            "the authority host `ftp://login` is not an http(s) URL"
        );
        // A token endpoint of the caller's wins.
        let moved = client()
            .authority_host("https://login.microsoftonline.us")
            .token_endpoint("http://127.0.0.1:9/token");
        assert_eq!(moved.token_url().unwrap(), "http://127.0.0.1:9/token");
        assert_eq!(
            authority_and_path("https://h:1?x=1"),
            ("https://h:1", "?x=1")
        );
        assert_eq!(authority_and_path("https://h"), ("https://h", ""));
    }

    #[test]
    fn expires_in_is_seconds_as_a_number_or_a_string() {
        let secs = |value: Value| expires_in(Some(&value));
        assert_eq!(secs(json!(3599)), Ok(Some(Duration::from_secs(3599))));
        assert_eq!(secs(json!("3599")), Ok(Some(Duration::from_secs(3599))));
        assert_eq!(secs(json!(" 60 ")), Ok(Some(Duration::from_secs(60))));
        assert_eq!(secs(json!(1.5)), Ok(Some(Duration::from_millis(1500))));
        assert_eq!(secs(json!(0)), Ok(Some(Duration::ZERO)));
        assert_eq!(expires_in(None), Ok(None));
        assert_eq!(secs(Value::Null), Ok(None));
        for bad in [
            json!("soon"),
            json!(-1),
            json!(true),
            json!([60]),
            json!(""),
        ] {
            assert!(secs(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_token_and_its_lifetime_from_the_answer() {
        let body = br#"{"token_type":"Bearer","expires_in":"3599","ext_expires_in":3599,"access_token":"eyJ0eXAi"}"#;
        let token = read_token(body).unwrap();
        assert_eq!(token.value.expose(), "eyJ0eXAi");
        assert_eq!(token.valid_for, Some(Duration::from_secs(3599)));
        let forever = read_token(br#"{"access_token":"t"}"#).unwrap();
        assert_eq!(forever.valid_for, None);
        assert_eq!(
            read_token(br#"{"token_type":"pop","access_token":"t"}"#).unwrap_err(),
            "the token response's `token_type` is `pop`, not `Bearer`"
        );
        assert_eq!(
            read_token(br#"{"access_token":""}"#).unwrap_err(),
            "the token response has no `access_token`"
        );
        assert!(read_token(b"<html>").is_err());
    }
}
