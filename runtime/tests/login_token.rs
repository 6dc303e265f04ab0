//! The login-token flow against a fake login call and a resource on loopback: the
//! login's constant fields and parameters on the wire (body, path, query, header), the
//! token's prefix, renewal before the lifetime the answer (or the spec) gives runs out,
//! an unset parameter, and the prefixed token in the logout call.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use meterage_runtime::auth::{
    LoginField, LoginPlace, LoginToken, LoginTokenSpec, LogoutSpec, TokenAuth, UsernamePassword,
};
use meterage_runtime::{Client, Error, ErrorEnvelope, Method, Operation, Request};
use serde_json::{json, Value};
use support::{op, serve};

mod support;

static LOGIN: Operation = Operation {
    public: true,
    secret_response: true,
    ..op(
        "createToken",
        Method::Post,
        "/v3/{tenantId}/tokens",
        &ErrorEnvelope::NONE,
    )
};
static LOGOUT: Operation = Operation {
    public: true,
    ..op(
        "deleteToken",
        Method::Delete,
        "/v3/tokens",
        &ErrorEnvelope::NONE,
    )
};
static USAGE: Operation = op("listUsage", Method::Get, "/usage", &ErrorEnvelope::NONE);

/// The answer's lifetime at `/expires_in`, a fixed lifetime of an hour besides.
static ANSWERED: LoginTokenSpec = LoginTokenSpec {
    login: &LOGIN,
    json_body: true,
    username_field: "userName",
    password_field: "password",
    constants: &[
        (
            LoginField {
                place: LoginPlace::Body,
                name: "grant_type",
            },
            "password",
        ),
        (
            LoginField {
                place: LoginPlace::Body,
                name: "scope",
            },
            "openid usage",
        ),
        (
            LoginField {
                place: LoginPlace::Query,
                name: "client",
            },
            "meterage",
        ),
    ],
    parameters: &[
        LoginField {
            place: LoginPlace::Path,
            name: "tenantId",
        },
        LoginField {
            place: LoginPlace::Header,
            name: "X-Region",
        },
    ],
    token: "/data/token_id",
    prefix: "Bearer ",
    lifetime: Some(Duration::from_secs(3600)),
    expires_in: Some("/expires_in"),
    stale_codes: &[],
    logout: Some(LogoutSpec {
        operation: &LOGOUT,
        header: "Authorization",
        token_field: None,
    }),
};

/// A fixed lifetime of two seconds; the answer's `expires_in` is not read.
static FIXED: LoginTokenSpec = LoginTokenSpec {
    lifetime: Some(Duration::from_secs(2)),
    expires_in: None,
    logout: None,
    ..ANSWERED
};

/// The fake's state: logins so far, calls served, and the logout's header.
#[derive(Default)]
struct Fake {
    issued: AtomicUsize,
    served: AtomicUsize,
    logged_out: Mutex<Option<String>>,
}

async fn login(
    State(fake): State<Arc<Fake>>,
    Path(tenant): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    // Written here from the vendor's documentation, not from the spec above.
    assert_eq!(tenant, "t-42/a", "the tenant, one path segment");
    assert_eq!(query.get("client").map(String::as_str), Some("meterage"));
    assert_eq!(headers["x-region"].to_str().unwrap(), "cn-north");
    assert!(headers.get("authorization").is_none());
    assert_eq!(
        body,
        json!({
            "userName": "alice",
            "password": "pw",
            "grant_type": "password",
            "scope": "openid usage"
        })
    );
    let n = fake.issued.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({"data": {"token_id": format!("tok-{n}")}, "expires_in": "3"})).into_response()
}

async fn usage(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    let current = format!("Bearer tok-{}", fake.issued.load(Ordering::SeqCst));
    if headers.get("authorization").map(|v| v.to_str().unwrap()) != Some(current.as_str()) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    fake.served.fetch_add(1, Ordering::SeqCst);
    Json(json!({"value": []})).into_response()
}

async fn logout(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    let sent = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    *fake.logged_out.lock().unwrap() = sent;
    Json(json!({})).into_response()
}

async fn start() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let router = Router::new()
        .route("/v3/{tenant}/tokens", post(login))
        .route("/v3/tokens", delete(logout))
        .route("/usage", get(usage))
        .with_state(fake.clone());
    (serve(router).await, fake)
}

fn auth(spec: &'static LoginTokenSpec) -> TokenAuth<LoginToken> {
    let credentials = UsernamePassword {
        username: "alice".into(),
        password: "pw".into(),
    };
    LoginToken::in_header("Authorization", spec, credentials)
}

fn client(base: &str, auth: TokenAuth<LoginToken>) -> Client {
    Client::builder(base).auth(auth).build().unwrap()
}

/// A client of `spec` with both of its parameters set.
fn signed_in(base: &str, spec: &'static LoginTokenSpec) -> Client {
    let auth = auth(spec)
        .parameter("tenantId", "t-42/a")
        .parameter("X-Region", "cn-north");
    client(base, auth)
}

async fn call(client: &Client) -> Result<Value, Error> {
    client
        .send::<Value>(Request::new(&USAGE))
        .await
        .map(|r| r.into_inner())
}

#[tokio::test]
async fn the_login_sends_constants_and_parameters_and_the_token_is_renewed_as_answered() {
    let (base, fake) = start().await;
    let client = signed_in(&base, &ANSWERED);
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 1);
    // Three seconds of life by the answer (not the spec's hour): renewed once less than
    // a fifth of it remains.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    call(&client).await.unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 2);
    assert_eq!(fake.served.load(Ordering::SeqCst), 3);

    client.logout(&LOGOUT).await.unwrap();
    assert_eq!(
        fake.logged_out.lock().unwrap().as_deref(),
        Some("Bearer tok-2")
    );
}

#[tokio::test]
async fn a_fixed_lifetime_renews_the_token_before_it_runs_out() {
    let (base, fake) = start().await;
    let client = signed_in(&base, &FIXED);
    call(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    call(&client).await.unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 1);
    // Two seconds of life (the answer's three are not read): renewed after 1.6.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    call(&client).await.unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 2);
    assert_eq!(fake.served.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_unset_parameter_fails_the_call_before_any_login() {
    let (base, fake) = start().await;
    let client = client(&base, auth(&ANSWERED).parameter("tenantId", "t-42/a"));
    let error = call(&client).await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("the createToken login's parameter `X-Region` is not set"),
        "{text}"
    );
    assert_eq!(fake.issued.load(Ordering::SeqCst), 0);
    assert_eq!(fake.served.load(Ordering::SeqCst), 0);
}
