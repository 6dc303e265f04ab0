//! IAM tokens by password (OpenStack Keystone v3, as Huawei Cloud IAM serves it).

use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::auth::{AuthContext, Expiring, IdentityFuture, ResolveIdentity, TokenAuth};
use crate::interceptor::AttemptOutcome;
use crate::request::{Operation, Request};
use crate::types::Secret;

/// How a spec's IAM token call works, emitted as a `const` by generated code from
/// `x-auth-scheme: {kind: keystone-password, ...}`.
#[derive(Debug)]
pub struct KeystoneSpec {
    /// The token operation (`KeystoneCreateUserTokenByPassword`, `POST /v3/auth/tokens`).
    pub login: &'static Operation,
    /// The IAM endpoint, with `{region}` where the region goes
    /// (`https://iam.{region}.myhuaweicloud.com`).
    pub endpoint: &'static str,
    /// The region (and project name) used unless the caller sets one (`cn-north-4`).
    pub default_region: &'static str,
    /// The response header carrying the token (`X-Subject-Token`).
    pub token_header: &'static str,
    /// Vendor codes that mean the token is no longer valid (besides HTTP 401), compared
    /// with [`code_matches`](crate::envelope::code_matches): a bare code also stands for
    /// its namespaced forms (`ExpiredTokenException` for
    /// `com.amazon.coral.service#ExpiredTokenException`).
    pub stale_codes: &'static [&'static str],
}

/// An IAM user: account (domain) name, user name and password, with named fields so
/// they cannot be swapped.
///
/// ```
/// use meterage_runtime::auth::KeystoneUser;
///
/// let user = KeystoneUser {
///     domain: "my-account".into(),
///     name: "billing-reader".into(),
///     password: "p4ss".into(),
/// };
/// assert!(!format!("{user:?}").contains("p4ss"));
/// ```
#[derive(Debug, Clone)]
pub struct KeystoneUser {
    /// The account (domain) the user belongs to.
    pub domain: String,
    /// The IAM user name.
    pub name: String,
    /// The IAM user's password.
    pub password: Secret,
}

/// An IAM user token obtained with a password, scoped to a project (Huawei Cloud: the
/// token comes back in `X-Subject-Token` with HTTP 201 and is valid for 24 hours).
///
/// The token's lifetime is taken from the response (`expires_at` minus `issued_at`, both
/// by the server's clock, so a skewed local clock does not matter); the client renews it
/// before it expires, and again once when the service refuses it.
///
/// ```
/// use meterage_runtime::auth::{KeystonePassword, KeystoneSpec, KeystoneUser};
/// # static OP: meterage_runtime::Operation = meterage_runtime::Operation {
/// #     id: "KeystoneCreateUserTokenByPassword", method: meterage_runtime::Method::Post,
/// #     success: 201, public: true, idempotent: false, secret_response: false,
/// #     path: "/v3/auth/tokens", server: None,
/// #     envelope: &meterage_runtime::ErrorEnvelope::NONE,
/// # };
/// # static IAM: KeystoneSpec = KeystoneSpec { login: &OP,
/// #     endpoint: "https://iam.{region}.myhuaweicloud.com", default_region: "cn-north-4",
/// #     token_header: "X-Subject-Token", stale_codes: &[] };
/// let user = KeystoneUser { domain: "acme".into(), name: "bill".into(), password: "pw".into() };
/// let provider = KeystonePassword::new(&IAM, user).region("ap-southeast-1");
/// assert_eq!(provider.endpoint(), "https://iam.ap-southeast-1.myhuaweicloud.com");
/// ```
pub struct KeystonePassword {
    spec: &'static KeystoneSpec,
    user: KeystoneUser,
    region: String,
    project_id: Option<String>,
    endpoint: Option<String>,
}

impl KeystonePassword {
    /// Signs `user` in as `spec` says, scoped to the spec's default region.
    pub fn new(spec: &'static KeystoneSpec, user: KeystoneUser) -> Self {
        Self {
            spec,
            user,
            region: spec.default_region.to_owned(),
            project_id: None,
            endpoint: None,
        }
    }

    /// Scopes the token to the project named after `region` (and uses that region's IAM
    /// endpoint, unless one is set).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Scopes the token to the project with this id instead of the region's project.
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// Sends the token request to this IAM endpoint (`https://iam.example.com`).
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The IAM endpoint the token request goes to.
    pub fn endpoint(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => endpoint.clone(),
            None => self.spec.endpoint.replace("{region}", &self.region),
        }
    }

    /// The token request: the password method, scoped to the project, to the endpoint.
    fn token_request(&self) -> Request {
        let mut request = Request::sign_in(self.spec.login);
        request.server(self.endpoint());
        request.json("auth", &self.body());
        request
    }

    fn body(&self) -> Value {
        let scope = match &self.project_id {
            Some(id) => json!({ "project": { "id": id } }),
            None => json!({ "project": { "name": self.region } }),
        };
        json!({
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "domain": { "name": self.user.domain },
                        "name": self.user.name,
                        "password": self.user.password.expose(),
                    }
                }
            },
            "scope": scope,
        })
    }
}

/// The provider's settings, on the auth scheme built around it
/// (`auth::iam_token_login(user).region("ap-southeast-1")`).
impl TokenAuth<KeystonePassword> {
    /// See [`KeystonePassword::region`].
    pub fn region(self, region: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.region(region))
    }

    /// See [`KeystonePassword::project_id`].
    pub fn project_id(self, id: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.project_id(id))
    }

    /// See [`KeystonePassword::iam_endpoint`].
    pub fn iam_endpoint(self, url: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.iam_endpoint(url))
    }
}

impl fmt::Debug for KeystonePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeystonePassword")
            .field("user", &self.user)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("endpoint", &self.endpoint())
            .finish()
    }
}

/// The token's lifetime from a Keystone token body: `expires_at - issued_at` when both
/// are there, else `expires_at - now`; `None` when the body does not say.
fn lifetime(body: &Value, now: SystemTime) -> Option<Duration> {
    let at = |name: &str| {
        body.pointer(&format!("/token/{name}"))
            .and_then(Value::as_str)
            .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
    };
    let expires = at("expires_at")?;
    let from = at("issued_at").unwrap_or_else(|| OffsetDateTime::from(now));
    let seconds = (expires - from).as_seconds_f64();
    (seconds > 0.0).then(|| Duration::from_secs_f64(seconds))
}

impl ResolveIdentity<Secret> for KeystonePassword {
    fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
        Box::pin(async move {
            let response = ctx.sign_in(self.token_request(), "signing in").await?;
            let spec = self.spec;
            let token = response
                .header(spec.token_header)
                .filter(|token| !token.is_empty())
                .ok_or_else(|| {
                    ctx.error(format!(
                        "the {} response has no `{}` header",
                        spec.login.id, spec.token_header
                    ))
                })?;
            let token = Secret::new(token);
            let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
            Ok(match lifetime(&body, SystemTime::now()) {
                Some(life) => Expiring::for_duration(token, life),
                // Huawei Cloud documents 24 hours.
                None => Expiring::for_duration(token, Duration::from_secs(24 * 3600)),
            })
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

    #[test]
    fn stale_codes_match_with_or_without_a_namespace() {
        static LOGIN: Operation = Operation::get("KeystoneCreateUserTokenByPassword", "/");
        static SPEC: KeystoneSpec = KeystoneSpec {
            login: &LOGIN,
            endpoint: "https://iam.{region}.example.com",
            default_region: "cn-north-4",
            token_header: "X-Subject-Token",
            stale_codes: &["APIGW.0307", "ExpiredTokenException"],
        };
        let iam = KeystonePassword::new(
            &SPEC,
            KeystoneUser {
                domain: "d".into(),
                name: "n".into(),
                password: "p".into(),
            },
        );
        let stale = |status: u16, code: Option<&str>| iam.is_stale(&refused(status, code));
        assert!(stale(401, None));
        assert!(stale(403, Some("APIGW.0307")));
        assert!(stale(
            400,
            Some("com.amazon.coral.service#ExpiredTokenException")
        ));
        assert!(!stale(403, Some("APIGW.0301")));
        assert!(!stale(403, Some("APIGW.0307.1")));
    }

    #[test]
    fn lifetime_from_the_servers_clock() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let body = json!({"token": {
            "expires_at": "2023-09-19T08:30:52.345000Z",
            "issued_at": "2023-09-18T08:30:52.345000Z"
        }});
        assert_eq!(lifetime(&body, now), Some(Duration::from_secs(86_400)));
        let only_expiry = json!({"token": {"expires_at": "2023-11-14T22:13:30Z"}});
        assert_eq!(lifetime(&only_expiry, now), Some(Duration::from_secs(10)));
        assert_eq!(
            lifetime(&json!({"token": {"expires_at": "soon"}}), now),
            None
        );
        assert_eq!(lifetime(&json!({}), now), None);
        let past = json!({"token": {"expires_at": "2000-01-01T00:00:00Z"}});
        assert_eq!(lifetime(&past, now), None);
    }
}
