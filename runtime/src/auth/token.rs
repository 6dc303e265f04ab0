//! Tokens in a header: fixed ([`HeaderToken`]), or obtained by a login call
//! ([`LoginToken`]) or any other [`ProvideIdentity`].

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::auth::cache::IdentityCache;
use crate::auth::{
    AuthContext, AuthFuture, Authorization, Authorize, DoneFuture, Expiring, IdentityFuture,
    ProvideIdentity,
};
use crate::interceptor::AttemptOutcome;
use crate::request::{Operation, Request};
use crate::types::Secret;

/// A token sent in a header on every request, from a provider `P`: a fixed token
/// ([`HeaderToken`]), a login call ([`LoginToken`]), an IAM token
/// ([`KeystonePassword`](crate::auth::KeystonePassword)), or your own.
///
/// The token is cached (one sign-in for all concurrent calls), renewed before it expires,
/// and obtained again once when the server refuses it. The header value is marked
/// sensitive; `Debug` shows the header name and the provider, never the token.
pub struct TokenAuth<P> {
    header: &'static str,
    prefix: &'static str,
    provider: P,
    cache: IdentityCache<Secret>,
}

/// A fixed token in a header (`X-Auth-Token`, `X-ACCESS-TOKEN`).
///
/// ```
/// use meterage_runtime::HeaderToken;
///
/// let auth = HeaderToken::new("X-Auth-Token", "MIIEvQ-token");
/// assert!(!format!("{auth:?}").contains("MIIEvQ"));
/// ```
pub type HeaderToken = TokenAuth<Secret>;

impl TokenAuth<Secret> {
    /// Sends `token` in the header `header` on every request.
    pub fn new(header: &'static str, token: impl Into<Secret>) -> Self {
        Self::with_provider(header, token.into())
    }

    /// Sends `Authorization: Bearer <token>` on every request (HTTP `bearer`, and the
    /// access token of OAuth 2.0 or OpenID Connect, which the caller obtains).
    ///
    /// ```
    /// let auth = meterage_runtime::HeaderToken::bearer("tok-s3cr3t");
    /// assert!(!format!("{auth:?}").contains("s3cr3t"));
    /// ```
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::new("Authorization", token).with_prefix("Bearer ")
    }

    /// Sends `Authorization: Basic <base64 of user:password>` on every request (HTTP
    /// `basic`).
    ///
    /// ```
    /// let auth = meterage_runtime::HeaderToken::basic("user", "p4ss");
    /// assert!(!format!("{auth:?}").contains("p4ss"));
    /// ```
    pub fn basic(username: &str, password: impl Into<Secret>) -> Self {
        use base64::Engine as _;
        let password: Secret = password.into();
        let pair = format!("{username}:{}", password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        Self::new("Authorization", encoded).with_prefix("Basic ")
    }
}

impl<P: ProvideIdentity<Secret>> TokenAuth<P> {
    /// Sends the token `provider` yields in the header `header`.
    pub fn with_provider(header: &'static str, provider: P) -> Self {
        Self {
            header,
            prefix: "",
            provider,
            cache: IdentityCache::default(),
        }
    }

    /// Writes `prefix` before the token in the header (`"Bearer "`).
    pub fn with_prefix(mut self, prefix: &'static str) -> Self {
        self.prefix = prefix;
        self
    }

    /// The header name.
    pub fn header(&self) -> &'static str {
        self.header
    }

    /// The provider.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// The provider, to change its settings before the first call.
    pub fn provider_mut(&mut self) -> &mut P {
        &mut self.provider
    }

    /// Changes the provider with a function taking and returning it (builder methods).
    pub fn map_provider(mut self, f: impl FnOnce(P) -> P) -> Self {
        self.provider = f(self.provider);
        self.cache = IdentityCache::default();
        self
    }
}

impl<P: fmt::Debug> fmt::Debug for TokenAuth<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAuth")
            .field("header", &self.header)
            .field("prefix", &self.prefix)
            .field("provider", &self.provider)
            .field("cache", &self.cache)
            .finish()
    }
}

impl<P: ProvideIdentity<Secret>> Authorize for TokenAuth<P> {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            let (token, used) = self.cache.get(&self.provider, ctx).await?;
            let prefixed;
            let token = if self.prefix.is_empty() {
                &token
            } else {
                prefixed = Secret::new(format!("{}{}", self.prefix, token.expose()));
                &prefixed
            };
            let (name, value) =
                header_entry(self.header, token).map_err(|message| ctx.error(message))?;
            request.headers_mut().insert(name, value);
            Ok(used)
        })
    }

    fn rejected(&self, outcome: &AttemptOutcome<'_>, used: Authorization) -> bool {
        self.provider.is_stale(outcome) && self.cache.invalidate(used)
    }

    fn logout<'a>(&'a self, ctx: AuthContext<'a>) -> DoneFuture<'a> {
        Box::pin(async move {
            match self.cache.take() {
                Some(token) => self.provider.logout(ctx, &token).await,
                None => Ok(()),
            }
        })
    }
}

/// A fixed token: always the same, never stale (a refused fixed token is not replayed).
impl ProvideIdentity<Secret> for Secret {
    fn provide<'a>(&'a self, _ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
        Box::pin(std::future::ready(Ok(Expiring::forever(self.clone()))))
    }

    fn is_stale(&self, _outcome: &AttemptOutcome<'_>) -> bool {
        false
    }
}

/// A header name and a sensitive header value for a credential; the error message never
/// contains the credential.
pub(crate) fn header_entry(
    header: &str,
    credential: &Secret,
) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(header.as_bytes())
        .map_err(|_| format!("`{header}` is not a valid header name"))?;
    let mut value = HeaderValue::from_str(credential.expose())
        .map_err(|_| format!("the credential for header `{header}` is not a valid header value"))?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// A user name and password. Build it with named fields, so the two cannot be swapped:
///
/// ```
/// use meterage_runtime::auth::UsernamePassword;
///
/// let login = UsernamePassword {
///     username: "northbound@tenant".into(),
///     password: "p4ss".into(),
/// };
/// assert!(!format!("{login:?}").contains("p4ss"));
/// ```
#[derive(Clone)]
pub struct UsernamePassword {
    /// The user (account) name.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl fmt::Debug for UsernamePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernamePassword")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// How a spec's login call works, emitted as a `const` by generated code from
/// `x-auth-scheme: {kind: login-token, ...}`.
#[derive(Debug)]
pub struct LoginTokenSpec {
    /// The login operation (`createToken`, `POST /controller/v2/tokens`).
    pub login: &'static Operation,
    /// Whether the login body is JSON (`true`) or a form.
    pub json_body: bool,
    /// The body field carrying the user name (`userName`).
    pub username_field: &'static str,
    /// The body field carrying the password (`password`).
    pub password_field: &'static str,
    /// A JSON pointer to the token in the login response (`/data/token_id`).
    pub token: &'static str,
    /// Vendor codes that mean the token is no longer valid (besides HTTP 401).
    pub stale_codes: &'static [&'static str],
    /// How to log out, if the API has a call for it.
    pub logout: Option<LogoutSpec>,
}

/// A spec's logout call.
#[derive(Debug)]
pub struct LogoutSpec {
    /// The logout operation (`deleteToken`, `DELETE /controller/v2/tokens`).
    pub operation: &'static Operation,
    /// The header the token is sent in.
    pub header: &'static str,
    /// The JSON body field carrying the token (`token`), if the call takes one.
    pub token_field: Option<&'static str>,
}

/// A token from the spec's login call (Huawei NCE-Campus: `createToken` with a user name
/// and password, token at `/data/token_id`), used until the server refuses it, then
/// obtained again once; [`Authorize::logout`] calls the spec's logout operation.
///
/// Wrong credentials end the call in [`Error::Auth`](crate::Error::Auth) whose source is
/// the vendor's answer (`errcode` and `errmsg`), without retrying the login.
pub struct LoginToken {
    spec: &'static LoginTokenSpec,
    credentials: UsernamePassword,
}

impl LoginToken {
    /// Logs in with `credentials` as `spec` says.
    pub fn new(spec: &'static LoginTokenSpec, credentials: UsernamePassword) -> Self {
        Self { spec, credentials }
    }
}

impl fmt::Debug for LoginToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginToken")
            .field("login", &self.spec.login.id)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl ProvideIdentity<Secret> for LoginToken {
    fn provide<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
        Box::pin(async move {
            let spec = self.spec;
            let login = spec.login.id;
            let mut request = Request::new(spec.login);
            request.without_auth();
            if spec.json_body {
                request.json(spec.username_field, &self.credentials.username);
                request.json(spec.password_field, &self.credentials.password);
            } else {
                request.form(spec.username_field, &self.credentials.username);
                request.form(spec.password_field, &self.credentials.password);
            }
            let response = ctx.client.send_raw(request).await.map_err(|error| {
                ctx.error_caused_by(format!("signing in with {login} failed"), error)
            })?;
            let body: Value = serde_json::from_slice(response.body()).map_err(|error| {
                ctx.error(format!("the {login} response is not JSON ({error})"))
            })?;
            match body.pointer(spec.token).and_then(Value::as_str) {
                Some(token) if !token.is_empty() => Ok(Expiring::forever(Secret::new(token))),
                _ => Err(ctx.error(format!(
                    "the {login} response has no token at `{}`",
                    spec.token
                ))),
            }
        })
    }

    fn is_stale(&self, outcome: &AttemptOutcome<'_>) -> bool {
        outcome.status == Some(401)
            || outcome
                .vendor_code
                .is_some_and(|code| self.spec.stale_codes.contains(&code))
    }

    fn logout<'a>(&'a self, ctx: AuthContext<'a>, token: &'a Secret) -> DoneFuture<'a> {
        Box::pin(async move {
            let Some(logout) = &self.spec.logout else {
                return Ok(());
            };
            let mut request = Request::new(logout.operation);
            request.without_auth();
            request.header(logout.header, token);
            if let Some(field) = logout.token_field {
                request.json(field, token);
            }
            ctx.client.send_raw(request).await.map(|_| ())
        })
    }
}
