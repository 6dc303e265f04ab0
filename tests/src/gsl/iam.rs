//! Huawei Cloud IAM (its own host): `POST /v3/auth/tokens`, password method, project
//! scope. It issues tokens into the GSL fake's token store: 201, the token in
//! `X-Subject-Token`, `token.expires_at` = now + the configured lifetime.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use super::{Gsl, DOMAIN_ID, PROJECT_ID, REQUEST_ID, TOKEN, USER, USER_ID};
use crate::clock::{Clock, Utc};
use crate::harness::{Canned, Harness, Injected, Outcome, Vendor};
use crate::log::{Log, Recorded};
use crate::server::{Fake, Options};
use crate::{json as reply, lock};

/// The IAM token path.
pub const TOKENS_PATH: &str = "/v3/auth/tokens";

/// The IAM fake's state: the GSL fake it issues tokens for.
#[derive(Debug)]
pub struct Iam {
    gsl: Arc<Gsl>,
    log: Arc<Log>,
}

impl Iam {
    /// Tokens issued from now on live `lifetime` (24 hours on a fresh fake).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.gsl.set_token_lifetime(lifetime);
    }

    /// Expires every token now, [`TOKEN`] included.
    pub fn expire_tokens(&self) {
        self.gsl.expire_tokens();
    }

    /// The clock IAM and GSL share.
    pub fn clock(&self) -> &Clock {
        &self.gsl.clock
    }
}

fn keystone(status: StatusCode, message: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    reply(
        status,
        json!({"error": {"code": status.as_u16(), "message": message, "title": title}}),
    )
}

impl Vendor for Iam {
    /// Keystone's own error body.
    const BUSY: Canned = Canned::Json(
        503,
        r#"{"error":{"code":503,"message":"The service is currently unavailable.","title":"Service Unavailable"}}"#,
    );
    /// The gateway's, as for GSL.
    const THROTTLED: Canned = Gsl::THROTTLED;

    fn listing_page(&self, _: &Recorded) -> Option<u64> {
        None
    }

    fn signs_in(&self, request: &Recorded) -> bool {
        request.method == "POST" && request.path == TOKENS_PATH
    }

    /// IAM is behind the same API gateway as GSL: its errors are the gateway's.
    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        self.gsl.error(status, code, message)
    }

    fn expire_sessions(&self) {
        self.gsl.expire_tokens();
    }
}

/// Starts IAM over plain HTTP, issuing tokens the GSL fake `gsl` accepts (and sharing
/// its clock). Its log counts the sign-ins.
pub async fn start_iam(gsl: &Fake<Gsl>) -> Fake<Iam> {
    start_iam_with(gsl, Options::default()).await
}

/// Starts IAM with `options`, issuing tokens the GSL fake `gsl` accepts.
pub async fn start_iam_with(gsl: &Fake<Gsl>, options: Options) -> Fake<Iam> {
    let iam = |harness: &Harness| Iam {
        gsl: gsl.vendor.clone(),
        log: harness.log.clone(),
    };
    Fake::start(
        0,
        options,
        iam,
        Router::new().route(TOKENS_PATH, post(issue)),
    )
    .await
}

/// Whether the scope names the project the fake knows, by name or by id.
fn project_known(scope: &Value) -> bool {
    let project = &scope["project"];
    project["name"] == USER.3 || project["id"] == PROJECT_ID
}

async fn issue(
    State(iam): State<Arc<Iam>>,
    injected: Injected,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    body: axum::body::Bytes,
) -> Outcome {
    injected.backend(&*iam)?;
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return Err(keystone(
            StatusCode::BAD_REQUEST,
            "The request body is invalid.",
        ));
    };
    let identity = &v["auth"]["identity"];
    if identity["methods"] != json!(["password"]) {
        return Err(keystone(
            StatusCode::BAD_REQUEST,
            "The identity method is not supported.",
        ));
    }
    let user = &identity["password"]["user"];
    let (name, password, domain, project) = USER;
    if user["name"] != name || user["password"] != password || user["domain"]["name"] != domain {
        return Err(keystone(
            StatusCode::UNAUTHORIZED,
            "The username or password is wrong.",
        ));
    }
    if !project_known(&v["auth"]["scope"]) {
        return Err(keystone(
            StatusCode::BAD_REQUEST,
            "The project does not exist.",
        ));
    }
    let gsl = &iam.gsl;
    let n = gsl.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("{TOKEN}-{n:06}");
    let issued = gsl.clock.now_ms();
    let expires = issued.saturating_add(gsl.lifetime.ms());
    lock(&gsl.tokens).insert(token.clone(), expires);
    iam.log.count_login();
    let mut body = json!({"token": {
        "expires_at": Utc::from_unix_ms(expires).iso_micros(),
        "issued_at": Utc::from_unix_ms(issued).iso_micros(),
        "methods": ["password"],
        "project": {"id": PROJECT_ID, "name": project, "domain": {"id": DOMAIN_ID, "name": domain}},
        "user": {"id": USER_ID, "name": name, "domain": {"id": DOMAIN_ID, "name": domain}, "password_expires_at": ""},
        "catalog": [],
    }});
    if query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|p| p.starts_with("nocatalog=") && p.len() > 10)
    }) {
        if let Some(token) = body["token"].as_object_mut() {
            token.remove("catalog");
        }
    }
    Ok((
        StatusCode::CREATED,
        [
            ("X-Subject-Token", token.as_str()),
            ("X-Request-Id", REQUEST_ID),
            ("Content-Type", "application/json"),
        ],
        body.to_string(),
    )
        .into_response())
}
