//! The login-token flow: a token from the spec's login call, and its logout call
//! (Huawei NCE-Campus `createToken` / `deleteToken`).

use std::fmt;

use serde_json::Value;

use crate::auth::{
    AuthContext, DoneFuture, Expiring, IdentityFuture, ResolveIdentity, UsernamePassword,
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
    /// A JSON pointer to the token in the login response (`/data/token_id`).
    pub token: &'static str,
    /// Vendor codes that mean the token is no longer valid (besides HTTP 401), compared
    /// with [`code_matches`](crate::envelope::code_matches): a bare code also stands for
    /// its namespaced forms (`ExpiredTokenException` for
    /// `com.amazon.coral.service#ExpiredTokenException`).
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
/// obtained again once; [`Authorize::logout`](crate::auth::Authorize::logout) calls the spec's logout operation.
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

impl ResolveIdentity<Secret> for LoginToken {
    fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, Secret> {
        Box::pin(async move {
            let spec = self.spec;
            let login = spec.login.id;
            let mut request = Request::sign_in(spec.login);
            if spec.json_body {
                request.json(spec.username_field, &self.credentials.username);
                request.json(spec.password_field, &self.credentials.password);
            } else {
                request.form(spec.username_field, &self.credentials.username);
                request.form(spec.password_field, &self.credentials.password);
            }
            let response = ctx.sign_in(request, "signing in").await?;
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
        outcome.is_refusal(self.spec.stale_codes)
    }

    fn logout<'a>(&'a self, ctx: AuthContext<'a>, token: &'a Secret) -> DoneFuture<'a> {
        Box::pin(async move {
            let Some(logout) = &self.spec.logout else {
                return Ok(());
            };
            let mut request = Request::sign_in(logout.operation);
            request.header(logout.header, token);
            if let Some(field) = logout.token_field {
                request.json(field, token);
            }
            ctx.client.send_sign_in(request).await.map(|_| ())
        })
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::testing::refused;

    static LOGIN: Operation = Operation::get("createToken", "/tokens");
    static SPEC: LoginTokenSpec = LoginTokenSpec {
        login: &LOGIN,
        json_body: true,
        username_field: "userName",
        password_field: "password",
        token: "/data/token_id",
        stale_codes: &["ExpiredTokenException", "svc#TokenRevoked"],
        logout: None,
    };

    fn stale(status: u16, code: Option<&str>) -> bool {
        let login = LoginToken::new(
            &SPEC,
            UsernamePassword {
                username: "u".into(),
                password: "p".into(),
            },
        );
        login.is_stale(&refused(status, code))
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
}
