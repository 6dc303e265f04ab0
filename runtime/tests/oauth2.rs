//! The OAuth 2.0 client credentials grant against a fake token endpoint and a resource
//! on loopback: the form on the wire, one token for concurrent calls, renewal before
//! expiry and when the API refuses the token, the token endpoint's refusal, and a
//! token endpoint that hangs.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use meterage_runtime::auth::{ClientCredentials, OAuth2ClientCredentials, OAuth2Spec};
use meterage_runtime::{
    Client, ClientBuilder, Error, ErrorEnvelope, Method, Operation, Request, TimeoutKind,
};
use serde_json::{json, Value};
use support::{op, serve};

mod support;

const SECRET: &str = "Gx8Q~s3cr3t+client/secret=";

static ARM: OAuth2Spec = OAuth2Spec {
    token_url: "http://127.0.0.1:{port}/{tenant}/oauth2/v2.0/token",
    scope: Some("https://management.azure.com/.default"),
    form: &[("client_info", "1")],
    stale_codes: &[],
};

static USAGE: Operation = op(
    "UsageDetailsList",
    Method::Get,
    "/usage",
    &ErrorEnvelope::NONE,
);

/// The fake's state: tokens issued so far, and calls the resource served.
#[derive(Default)]
struct Fake {
    issued: AtomicUsize,
    served: AtomicUsize,
}

async fn token(
    State(fake): State<Arc<Fake>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if tenant == "hung" {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    assert_eq!(tenant, "contoso.onmicrosoft.com");
    assert_eq!(
        headers["content-type"].to_str().unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert!(headers.get("authorization").is_none());
    let form = |secret: &str| {
        format!(
            "grant_type=client_credentials&client_id=6731de76-14a6-49ae-97bc-6eba6914391e\
             &client_secret={secret}&scope=https%3A%2F%2Fmanagement.azure.com%2F.default\
             &client_info=1"
        )
    };
    if body != form("Gx8Q~s3cr3t%2Bclient%2Fsecret%3D") {
        assert_eq!(body, form("not-the-secret"));
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.",
                "error_codes": [7000215],
                "trace_id": "0a7cc2e4-1b77-4c8a"
            })),
        )
            .into_response();
    }
    // Give concurrent callers time to pile up on one sign-in.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let n = fake.issued.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({
        "token_type": "Bearer",
        "expires_in": "3",
        "ext_expires_in": 3,
        "access_token": format!("eyJ0eXAi.token-{n}")
    }))
    .into_response()
}

async fn usage(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    let current = format!(
        "Bearer eyJ0eXAi.token-{}",
        fake.issued.load(Ordering::SeqCst)
    );
    let sent = headers.get("authorization").map(|v| v.to_str().unwrap());
    if sent != Some(current.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"code": "InvalidAuthenticationToken"}})),
        )
            .into_response();
    }
    fake.served.fetch_add(1, Ordering::SeqCst);
    Json(json!({"value": []})).into_response()
}

async fn start() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let router = Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/usage", get(usage))
        .with_state(fake.clone());
    (serve(router).await, fake)
}

fn client(base: &str, secret: &str) -> Client {
    client_with(
        base,
        "contoso.onmicrosoft.com",
        secret,
        Client::builder(base),
    )
}

fn client_with(base: &str, tenant: &str, secret: &str, builder: ClientBuilder<Client>) -> Client {
    let port = base.rsplit(':').next().unwrap();
    let auth = OAuth2ClientCredentials::bearer(
        &ARM,
        ClientCredentials {
            tenant: Some(tenant.into()),
            client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
            client_secret: secret.into(),
        },
    )
    .variable("port", port);
    builder.auth(auth).build().unwrap()
}

#[tokio::test]
async fn one_token_for_concurrent_calls_then_renewed_before_expiry() {
    let (base, fake) = start().await;
    let client = client(&base, SECRET);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send::<Value>(Request::new(&USAGE)).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(fake.issued.load(Ordering::SeqCst), 1);
    assert_eq!(fake.served.load(Ordering::SeqCst), 20);

    // Three seconds of life: renewed once less than a fifth of it remains.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    client.send::<Value>(Request::new(&USAGE)).await.unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 2);
    assert_eq!(fake.served.load(Ordering::SeqCst), 21);
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_the_call_replayed() {
    let (base, fake) = start().await;
    let first = client(&base, SECRET);
    first.send::<Value>(Request::new(&USAGE)).await.unwrap();
    // Another client's sign-in makes the first one's token refused (HTTP 401).
    client(&base, SECRET)
        .send::<Value>(Request::new(&USAGE))
        .await
        .unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 2);
    first.send::<Value>(Request::new(&USAGE)).await.unwrap();
    assert_eq!(fake.issued.load(Ordering::SeqCst), 3);
    assert_eq!(fake.served.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_wrong_secret_is_an_auth_error_with_the_vendors_code() {
    let (base, fake) = start().await;
    let wrong = "not-the-secret";
    let client = client(&base, wrong);
    let error = client
        .send::<Value>(Request::new(&USAGE))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert_eq!(error.vendor_code(), Some("invalid_client"));
    let api = error.api().unwrap();
    assert_eq!(api.status, 401);
    assert_eq!(
        api.message.as_deref(),
        Some("AADSTS7000215: Invalid client secret provided.")
    );
    assert_eq!(api.request_id.as_deref(), Some("0a7cc2e4-1b77-4c8a"));
    let text = error.to_string();
    assert!(
        text.starts_with("UsageDetailsList: authorization failed: signing in with OAuth2Token failed: OAuth2Token: HTTP 401, vendor error invalid_client: AADSTS7000215"),
        "{text}"
    );
    let debug = format!("{error:?}");
    for shown in [&text, &debug] {
        assert!(!shown.contains(wrong) && !shown.contains(SECRET), "{shown}");
    }
    assert_eq!(fake.issued.load(Ordering::SeqCst), 0);
    assert_eq!(fake.served.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_hung_token_endpoint_ends_the_call_at_its_deadline() {
    let (base, fake) = start().await;
    let builder = Client::builder(&base).total_timeout(Duration::from_millis(300));
    let client = client_with(&base, "hung", SECRET, builder);
    let started = std::time::Instant::now();
    let error = client
        .send::<Value>(Request::new(&USAGE))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{error:?}");
    match &error {
        Error::Timeout {
            operation,
            kind,
            attempts,
            ..
        } => assert_eq!(
            (*operation, *kind, *attempts),
            ("UsageDetailsList", TimeoutKind::Total, 1)
        ),
        other => panic!("expected the call's deadline, got {other:?}"),
    }
    assert_eq!(fake.served.load(Ordering::SeqCst), 0);
}
