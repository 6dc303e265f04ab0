//! A token in a header: the signer of every token scheme, and its fixed form.

use std::fmt;
use std::sync::OnceLock;

use reqwest::header::{HeaderName, HeaderValue};

use crate::auth::{AuthContext, Expiring, IdentityFuture, ResolveIdentity, Scheme, Sign};
use crate::interceptor::AttemptOutcome;
use crate::types::Secret;

/// Puts a token in a header on every request (`X-Auth-Token: <token>`,
/// `Authorization: Bearer <token>`). The header value is marked sensitive; `Debug` shows
/// the header name and prefix, never the token.
#[derive(Clone)]
pub struct HeaderSigner {
    header: &'static str,
    prefix: &'static str,
    /// `header` parsed, on the first request (`None`: not a valid header name).
    name: OnceLock<Option<HeaderName>>,
}

impl fmt::Debug for HeaderSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderSigner")
            .field("header", &self.header)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl HeaderSigner {
    /// The token alone in header `header`.
    pub const fn new(header: &'static str) -> Self {
        Self {
            header,
            prefix: "",
            name: OnceLock::new(),
        }
    }

    /// Writes `prefix` before the token (`"Bearer "`).
    pub const fn with_prefix(mut self, prefix: &'static str) -> Self {
        self.prefix = prefix;
        self
    }

    /// The header name.
    pub const fn header(&self) -> &'static str {
        self.header
    }
}

impl Sign for HeaderSigner {
    type Identity = Secret;

    fn sign(&self, token: &Secret, request: &mut reqwest::Request) -> Result<(), String> {
        let prefixed;
        let token = if self.prefix.is_empty() {
            token
        } else {
            prefixed = Secret::new(format!("{}{}", self.prefix, token.expose()));
            &prefixed
        };
        let name = self
            .name
            .get_or_init(|| HeaderName::from_bytes(self.header.as_bytes()).ok());
        let (name, value) = match name {
            Some(name) => (name.clone(), header_value(self.header, token)?),
            None => header_entry(self.header, token)?,
        };
        request.headers_mut().insert(name, value);
        Ok(())
    }
}

/// A token sent in a header on every request, from a resolver `P`: a fixed token
/// ([`HeaderToken`]), a login call ([`LoginToken`](crate::auth::LoginToken)), an IAM
/// token ([`KeystonePassword`](crate::auth::KeystonePassword)), or your own.
///
/// The token is cached (one sign-in for all concurrent calls), renewed before it expires,
/// and obtained again once when the server refuses it.
pub type TokenAuth<P> = Scheme<P, HeaderSigner>;

/// A fixed token in a header (`X-Auth-Token`, `X-ACCESS-TOKEN`).
///
/// ```
/// use meterage_runtime::HeaderToken;
///
/// let auth = HeaderToken::new("X-Auth-Token", "MIIEvQ-token");
/// assert!(!format!("{auth:?}").contains("MIIEvQ"));
/// ```
pub type HeaderToken = TokenAuth<Secret>;

impl Scheme<Secret, HeaderSigner> {
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

impl<P: ResolveIdentity<Secret>> Scheme<P, HeaderSigner> {
    /// Sends the token `provider` yields in the header `header`.
    pub fn with_provider(header: &'static str, provider: P) -> Self {
        Scheme::from_parts(provider, HeaderSigner::new(header))
    }

    /// Writes `prefix` before the token in the header (`"Bearer "`).
    pub fn with_prefix(self, prefix: &'static str) -> Self {
        self.map_signer(|signer| signer.with_prefix(prefix))
    }

    /// The header name.
    pub fn header(&self) -> &'static str {
        self.signer().header()
    }
}

/// A fixed token: always the same, never stale (a refused fixed token is not replayed).
impl ResolveIdentity<Secret> for Secret {
    fn resolve<'a>(&'a self, _ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
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
    Ok((name, header_value(header, credential)?))
}

/// The sensitive value of header `header` for a credential; the error message never
/// contains the credential.
fn header_value(header: &str, credential: &Secret) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(credential.expose())
        .map_err(|_| format!("the credential for header `{header}` is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, "http://h/x".parse().unwrap())
    }

    #[test]
    fn the_header_is_set_on_every_request_and_a_bad_name_is_an_error_each_time() {
        let signer = HeaderSigner::new("X-Auth-Token").with_prefix("Bearer ");
        for token in ["t0ken-1", "t0ken-2"] {
            let mut http = request();
            signer.sign(&Secret::new(token), &mut http).unwrap();
            let value = &http.headers()["x-auth-token"];
            assert_eq!(value, &format!("Bearer {token}"));
            assert!(value.is_sensitive());
        }
        assert_eq!(
            format!("{signer:?}"),
            r#"HeaderSigner { header: "X-Auth-Token", prefix: "Bearer " }"#
        );

        let bad = HeaderSigner::new("X Auth");
        for _ in 0..2 {
            let error = bad
                .sign(&Secret::new("s3cr3t"), &mut request())
                .unwrap_err();
            assert_eq!(error, "`X Auth` is not a valid header name");
        }
        let error = signer
            .sign(&Secret::new("bad\nvalue-s3cr3t"), &mut request())
            .unwrap_err();
        assert!(error.contains("not a valid header value"), "{error}");
        assert!(!error.contains("s3cr3t"), "{error}");
    }
}
