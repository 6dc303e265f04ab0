//! The login-token flow: a token from the spec's login call, and its logout call
//! (Huawei NCE-Campus `createToken` / `deleteToken`), with the login's constant fields,
//! its parameters filled by the caller, a prefix before the token and a lifetime.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::auth::identity::seconds;
use crate::auth::{
    AuthContext, DoneFuture, Expiring, IdentityFuture, ResolveIdentity, TokenAuth, UsernamePassword,
};
use crate::interceptor::AttemptOutcome;
use crate::request::{Operation, Request};
use crate::types::Secret;

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
    /// Values every login sends (`grant_type=password` in the body), after the
    /// credentials, in this order.
    pub constants: &'static [(LoginField, &'static str)],
    /// Values of the login the caller sets with [`LoginToken::parameter`] (a path
    /// parameter `{tenantId}`), sent after the constants, in this order. A login with
    /// one of them unset fails before anything is sent, naming it.
    pub parameters: &'static [LoginField],
    /// A JSON pointer to the token in the login response (`/data/token_id`).
    pub token: &'static str,
    /// Written before the token in the header (`"Bearer "`; empty for the bare token),
    /// by the scheme and by the logout call.
    pub prefix: &'static str,
    /// How long a token is valid from the login's answer, unless `expires_in` says
    /// otherwise; `None` with no `expires_in`: until the server refuses it. It is
    /// renewed before it runs out (see [`IdentityCache`](crate::auth::cache::IdentityCache)).
    pub lifetime: Option<Duration>,
    /// A JSON pointer to the token's lifetime in seconds in the login response
    /// (`/expires_in`; a number or a numeric string). When the answer has none there,
    /// `lifetime` applies.
    pub expires_in: Option<&'static str>,
    /// Vendor codes that mean the token is no longer valid (besides HTTP 401), compared
    /// with [`code_matches`](crate::envelope::code_matches): a bare code also stands for
    /// its namespaced forms (`ExpiredTokenException` for
    /// `com.amazon.coral.service#ExpiredTokenException`).
    pub stale_codes: &'static [&'static str],
    /// How to log out, if the API has a call for it.
    pub logout: Option<LogoutSpec>,
}

/// Where a value of the login call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPlace {
    /// The path parameter `{name}`.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
    /// A field of the login body (JSON or form, as the spec's `json_body` says).
    Body,
}

/// A named value of the login call and where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginField {
    /// Where it goes.
    pub place: LoginPlace,
    /// Its wire name (`grant_type`, `tenantId`).
    pub name: &'static str,
}

impl LoginField {
    /// Puts `value` into the login request.
    fn apply(&self, request: &mut Request, json_body: bool, value: &str) {
        match self.place {
            LoginPlace::Path => request.path_param(self.name, value),
            LoginPlace::Query => request.query(self.name, value),
            LoginPlace::Header => request.header(self.name, value),
            LoginPlace::Body if json_body => request.json(self.name, value),
            LoginPlace::Body => request.form(self.name, value),
        }
    }
}

/// A spec's logout call.
#[derive(Debug)]
pub struct LogoutSpec {
    /// The logout operation (`deleteToken`, `DELETE /controller/v2/tokens`).
    pub operation: &'static Operation,
    /// The header the token is sent in (after the spec's `prefix`).
    pub header: &'static str,
    /// The JSON body field carrying the token (`token`), if the call takes one.
    pub token_field: Option<&'static str>,
}

/// A token from the spec's login call (Huawei NCE-Campus: `createToken` with a user name
/// and password, token at `/data/token_id`), used until the server refuses it or its
/// lifetime runs out, then obtained again once;
/// [`Authorize::logout`](crate::auth::Authorize::logout) calls the spec's logout
/// operation.
///
/// Wrong credentials end the call in [`Error::Auth`](crate::Error::Auth) whose source is
/// the vendor's answer (`errcode` and `errmsg`), without retrying the login.
pub struct LoginToken {
    spec: &'static LoginTokenSpec,
    credentials: UsernamePassword,
    parameters: Vec<(String, String)>,
}

impl LoginToken {
    /// Logs in with `credentials` as `spec` says.
    pub fn new(spec: &'static LoginTokenSpec, credentials: UsernamePassword) -> Self {
        Self {
            spec,
            credentials,
            parameters: Vec::new(),
        }
    }

    /// The scheme that sends the token in `header`, after the spec's prefix.
    pub fn in_header(
        header: &'static str,
        spec: &'static LoginTokenSpec,
        credentials: UsernamePassword,
    ) -> TokenAuth<LoginToken> {
        TokenAuth::with_provider(header, Self::new(spec, credentials)).with_prefix(spec.prefix)
    }

    /// Sets the login's parameter `name` (one of the spec's `parameters`, such as the
    /// path parameter `tenantId`) to `value`; a name the spec does not declare fails the
    /// login, saying so.
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.parameters.retain(|(known, _)| *known != name);
        self.parameters.push((name, value.into()));
        self
    }

    /// The login request: credentials, constants, then parameters.
    fn login_request(&self) -> Result<Request, String> {
        let spec = self.spec;
        let login = spec.login.id;
        if let Some((name, _)) = self
            .parameters
            .iter()
            .find(|(name, _)| !spec.parameters.iter().any(|p| p.name == name))
        {
            let declared: Vec<&str> = spec.parameters.iter().map(|p| p.name).collect();
            return Err(format!(
                "`{name}` is not a parameter of the {login} login (its parameters: {})",
                if declared.is_empty() {
                    "none".to_owned()
                } else {
                    declared.join(", ")
                }
            ));
        }
        let mut request = Request::sign_in(spec.login);
        if spec.json_body {
            request.json(spec.username_field, &self.credentials.username);
            request.json(spec.password_field, &self.credentials.password);
        } else {
            request.form(spec.username_field, &self.credentials.username);
            request.form(spec.password_field, &self.credentials.password);
        }
        for (field, value) in spec.constants {
            field.apply(&mut request, spec.json_body, value);
        }
        for field in spec.parameters {
            let value = self
                .parameters
                .iter()
                .find(|(name, _)| name == field.name)
                .map(|(_, value)| value.as_str())
                .ok_or_else(|| {
                    format!(
                        "the {login} login's parameter `{}` is not set (`.parameter(\"{}\", ..)`)",
                        field.name, field.name
                    )
                })?;
            field.apply(&mut request, spec.json_body, value);
        }
        Ok(request)
    }

    /// The token and its lifetime from the login's answer.
    fn read_token(&self, body: &[u8]) -> Result<Expiring<Secret>, String> {
        let spec = self.spec;
        let login = spec.login.id;
        let body: Value = serde_json::from_slice(body)
            .map_err(|error| format!("the {login} response is not JSON ({error})"))?;
        let token = match body.pointer(spec.token).and_then(Value::as_str) {
            Some(token) if !token.is_empty() => Secret::new(token),
            _ => {
                return Err(format!(
                    "the {login} response has no token at `{}`",
                    spec.token
                ))
            }
        };
        let declared = match spec.expires_in {
            Some(pointer) => seconds(body.pointer(pointer)).map_err(|()| {
                format!("the {login} response's `{pointer}` is not a number of seconds")
            })?,
            None => None,
        };
        Ok(match declared.or(spec.lifetime) {
            Some(life) => Expiring::for_duration(token, life),
            None => Expiring::forever(token),
        })
    }
}

/// The login's parameters, on the auth scheme built around it
/// (`auth::nce_login(credentials).parameter("tenantId", "t-1")`).
impl TokenAuth<LoginToken> {
    /// See [`LoginToken::parameter`].
    pub fn parameter(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map_provider(|provider| provider.parameter(name, value))
    }
}

impl fmt::Debug for LoginToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginToken")
            .field("login", &self.spec.login.id)
            .field("credentials", &self.credentials)
            .field("parameters", &self.parameters)
            .finish()
    }
}

impl ResolveIdentity<Secret> for LoginToken {
    fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
        Box::pin(async move {
            let request = self.login_request().map_err(|message| ctx.error(message))?;
            let response = ctx.sign_in(request, "signing in").await?;
            self.read_token(response.body())
                .map_err(|message| ctx.error(message))
        })
    }

    fn is_stale(&self, outcome: &AttemptOutcome<'_>) -> bool {
        outcome.is_refusal(self.spec.stale_codes)
    }

    fn logout<'a>(&'a self, ctx: AuthContext<'a>, token: &'a Secret) -> DoneFuture<'a> {
        Box::pin(async move {
            let Some(logout) = &self.spec.logout else {
                return Ok(());
            };
            let mut request = Request::sign_in(logout.operation);
            if self.spec.prefix.is_empty() {
                request.header(logout.header, token);
            } else {
                let value = Secret::new(format!("{}{}", self.spec.prefix, token.expose()));
                request.header(logout.header, &value);
            }
            if let Some(field) = logout.token_field {
                request.json(field, token);
            }
            ctx.client.send_sign_in(request).await.map(|_| ())
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {

    use super::*;
    use crate::testing::refused;

    static LOGIN: Operation = Operation::get("createToken", "/tokens");
    static SPEC: LoginTokenSpec = LoginTokenSpec {
        login: &LOGIN,
        json_body: true,
        username_field: "userName",
        password_field: "password",
        constants: &[],
        parameters: &[],
        token: "/data/token_id",
        prefix: "",
        lifetime: None,
        expires_in: None,
        stale_codes: &["ExpiredTokenException", "svc#TokenRevoked"],
        logout: None,
    };
    static TIMED: LoginTokenSpec = LoginTokenSpec {
        lifetime: Some(Duration::from_secs(1800)),
        expires_in: Some("/expires_in"),
        logout: None,
        ..SPEC
    };

    fn login(spec: &'static LoginTokenSpec) -> LoginToken {
        LoginToken::new(
            spec,
            UsernamePassword {
                username: "u".into(),
                password: "p".into(),
            },
        )
    }

    fn stale(status: u16, code: Option<&str>) -> bool {
        login(&SPEC).is_stale(&refused(status, code))
    }

    #[test]
    fn stale_codes_match_with_or_without_a_namespace() {
        assert!(stale(401, None));
        assert!(stale(400, Some("ExpiredTokenException")));
        assert!(stale(
            400,
            Some("com.amazon.coral.service#ExpiredTokenException")
        ));
        assert!(stale(400, Some("ExpiredTokenException:http://internal/x")));
        // A qualified listed code is that namespace's only.
        assert!(stale(400, Some("svc#TokenRevoked")));
        assert!(!stale(400, Some("TokenRevoked")));
        assert!(!stale(400, Some("other#TokenRevoked")));
        assert!(!stale(400, Some("ExpiredToken")));
        assert!(!stale(400, None));
    }

    #[test]
    fn the_lifetime_is_the_answers_else_the_specs_else_none() {
        let read = |spec, body: &str| login(spec).read_token(body.as_bytes());
        let token = r#"{"data": {"token_id": "t"}"#;
        let life = |body: String| read(&TIMED, &body).unwrap().valid_for;
        assert_eq!(
            life(format!("{token}, \"expires_in\": 60}}")),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            life(format!("{token}, \"expires_in\": \"90\"}}")),
            Some(Duration::from_secs(90))
        );
        assert_eq!(life(format!("{token}}}")), Some(Duration::from_secs(1800)));
        assert_eq!(read(&SPEC, &format!("{token}}}")).unwrap().valid_for, None);
        let error = read(&TIMED, &format!("{token}, \"expires_in\": \"soon\"}}")).unwrap_err();
        assert_eq!(
            error,
            "the createToken response's `/expires_in` is not a number of seconds"
        );
        let error = read(&SPEC, r#"{"data": {"token_id": ""}}"#).unwrap_err();
        assert_eq!(
            error,
            "the createToken response has no token at `/data/token_id`"
        );
    }

    #[test]
    fn an_unset_or_unknown_parameter_fails_the_login_naming_it() {
        static TENANT: LoginTokenSpec = LoginTokenSpec {
            parameters: &[LoginField {
                place: LoginPlace::Path,
                name: "tenantId",
            }],
            logout: None,
            ..SPEC
        };
        let error = login(&TENANT).login_request().err().unwrap();
        assert_eq!(
            error,
            "the createToken login's parameter `tenantId` is not set (`.parameter(\"tenantId\", ..)`)"
        );
        let error = login(&TENANT)
            .parameter("tenantID", "t")
            .login_request()
            .err()
            .unwrap();
        assert_eq!(
            error,
            "`tenantID` is not a parameter of the createToken login (its parameters: tenantId)"
        );
        assert!(login(&TENANT)
            .parameter("tenantId", "t")
            .login_request()
            .is_ok());
    }
}
