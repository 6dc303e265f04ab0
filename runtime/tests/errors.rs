//! What a program can act on in an error, and the one request id of every response:
//! against a real server on loopback.

#![allow(clippy::unwrap_used)]

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::{Client, Method, Operation, Request, RetryPolicy};
use serde_json::{json, Value};
use support::{op, serve, GSL, KAOPUYUN};

mod support;

/// The `ListSimPools` operation of GSL's envelope at `path`.
fn gsl(path: &'static str) -> &'static Operation {
    Box::leak(Box::new(op("ListSimPools", Method::Get, path, &GSL)))
}

/// The `DescribeFlowBills` operation of Kaopuyun's envelope at `path`.
fn kaopuyun(path: &'static str) -> &'static Operation {
    Box::leak(Box::new(op(
        "DescribeFlowBills",
        Method::Get,
        path,
        &KAOPUYUN,
    )))
}

fn with_request_id(id: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", id.parse().unwrap());
    headers
}

async fn server() -> Client {
    let router = Router::new()
        .route(
            "/kaopuyun/ok",
            get(|| async { Json(json!({"RequestId": "kp-ok", "Items": []})) }),
        )
        .route(
            "/kaopuyun/fail",
            get(|| async {
                Json(json!({"RequestId": "kp-fail", "Code": "Forbidden", "Message": "no"}))
            }),
        )
        .route(
            "/gsl/body-id",
            get(|| async { Json(json!({"request_id": "gsl-body", "count": 0})) }),
        )
        .route(
            "/gsl/both",
            get(|| async {
                (
                    with_request_id("gsl-header"),
                    Json(json!({"request_id": "gsl-body"})),
                )
            }),
        )
        .route("/gsl/none", get(|| async { Json(json!({"count": 0})) }))
        .route(
            "/gsl/bad",
            get(|| async { Json(json!({"request_id": "gsl-bad", "count": "many"})) }),
        )
        .route(
            "/gsl/403",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    with_request_id("gsl-403-header"),
                    Json(json!({"error_code": "GSL.00011004", "request_id": "gsl-403-body"})),
                )
                    .into_response()
            }),
        );
    let base = serve(router).await;
    Client::builder(base)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// The body's id when no header carries one (Kaopuyun's `RequestId`, GSL's
/// `request_id`), the header's when both do, on every way of sending.
#[tokio::test]
async fn one_request_id_on_success_from_the_header_else_the_body() {
    let client = server().await;
    let ok = client
        .send::<Value>(Request::new(kaopuyun("/kaopuyun/ok")))
        .await
        .unwrap();
    assert_eq!(ok.request_id(), Some("kp-ok"));
    let raw = client
        .send_raw(Request::new(kaopuyun("/kaopuyun/ok")))
        .await
        .unwrap();
    assert_eq!(raw.request_id(), Some("kp-ok"));
    let bare = client
        .send_without_body(Request::new(kaopuyun("/kaopuyun/ok")))
        .await
        .unwrap();
    assert_eq!(bare.request_id(), Some("kp-ok"));

    let body = client
        .send::<Value>(Request::new(gsl("/gsl/body-id")))
        .await
        .unwrap();
    assert_eq!(body.request_id(), Some("gsl-body"));
    let raw = client
        .send_raw(Request::new(gsl("/gsl/body-id")))
        .await
        .unwrap();
    assert_eq!(raw.request_id(), Some("gsl-body"));
    let both = client
        .send::<Value>(Request::new(gsl("/gsl/both")))
        .await
        .unwrap();
    assert_eq!(both.request_id(), Some("gsl-header"));
    let none = client
        .send::<Value>(Request::new(gsl("/gsl/none")))
        .await
        .unwrap();
    assert_eq!(none.request_id(), None);
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Count {
    count: u32,
}

/// Errors carry the same id by the same rule: an API failure on 2xx or not, and a body
/// that did not decode.
#[tokio::test]
async fn one_request_id_on_errors() {
    let client = server().await;
    let error = client
        .send::<Value>(Request::new(kaopuyun("/kaopuyun/fail")))
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("kp-fail"), "{error:?}");
    let error = client
        .send::<Value>(Request::new(gsl("/gsl/403")))
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("gsl-403-header"), "{error:?}");
    assert_eq!(
        error.api().unwrap().request_id.as_deref(),
        Some("gsl-403-header")
    );
    let error = client
        .send::<Count>(Request::new(gsl("/gsl/bad")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, meterage_runtime::Error::Decode(_)),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("gsl-bad"), "{error:?}");
}

fn gsl_error(status: StatusCode, code: &'static str) -> axum::response::Response {
    (
        status,
        with_request_id("gsl-err"),
        Json(json!({"error_code": code, "error_msg": "refused"})),
    )
        .into_response()
}

async fn kinds_server() -> String {
    let mut router = Router::new();
    for (path, status, code) in [
        ("/gsl/401", StatusCode::UNAUTHORIZED, "APIGW.0301"),
        (
            "/gsl/busy",
            StatusCode::INTERNAL_SERVER_ERROR,
            "GSL.00010003",
        ),
        ("/gsl/400", StatusCode::BAD_REQUEST, "GSL.00010004"),
        ("/gsl/429", StatusCode::TOO_MANY_REQUESTS, "APIGW.0308"),
        (
            "/gsl/500-auth",
            StatusCode::INTERNAL_SERVER_ERROR,
            "APIGW.0301",
        ),
    ] {
        router = router.route(path, get(move || async move { gsl_error(status, code) }));
    }
    let router = router
        .route(
            "/gsl/503",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down").into_response() }),
        )
        .route(
            "/gsl/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                Json(json!({}))
            }),
        )
        .route(
            "/kaopuyun/signature",
            get(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({
                        "RequestId": "kp-sig",
                        "Code": "SignatureDoesNotMatch",
                        "Message": "Specified signature is not matched with our calculation."
                    })),
                )
                    .into_response()
            }),
        )
        .route(
            "/gsl/bad",
            get(|| async { Json(json!({"request_id": "gsl-bad", "count": "many"})) }),
        );
    serve(router).await
}

/// Every kind a call can end in, from the answers that map to it; a refused credential
/// keeps its vendor details reachable through `api()`.
#[tokio::test]
async fn each_kind_from_the_answers_that_map_to_it() {
    use meterage_runtime::ErrorKind;

    let base = kinds_server().await;
    let client = Client::builder(base.clone())
        .retry(RetryPolicy::disabled())
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let kind_of = |op: &'static Operation| {
        let client = client.clone();
        async move {
            let error = client.send::<Value>(Request::new(op)).await.unwrap_err();
            (error.kind(), error)
        }
    };

    let (kind, error) = kind_of(gsl("/gsl/401")).await;
    assert_eq!(kind, ErrorKind::Auth, "{error:?}");
    assert_eq!(error.vendor_code(), Some("APIGW.0301"));
    // A credential code decides over a status retried by default: refused, not busy.
    let (kind, error) = kind_of(gsl("/gsl/500-auth")).await;
    assert_eq!(kind, ErrorKind::Auth, "{error:?}");
    assert!(!error.is_transient());
    let (kind, error) = kind_of(kaopuyun("/kaopuyun/signature")).await;
    assert_eq!(kind, ErrorKind::Auth, "{error:?}");
    let api = error.api().unwrap();
    assert_eq!(
        (api.status, api.code.as_deref(), api.request_id.as_deref()),
        (400, Some("SignatureDoesNotMatch"), Some("kp-sig"))
    );
    assert!(api
        .message
        .as_deref()
        .unwrap()
        .starts_with("Specified signature"));
    assert!(api.body_text().contains("SignatureDoesNotMatch"));
    assert!(!error.is_transient());

    let (kind, error) = kind_of(gsl("/gsl/busy")).await;
    assert_eq!(kind, ErrorKind::Throttled, "{error:?}");
    assert!(error.is_transient());
    let (kind, error) = kind_of(gsl("/gsl/429")).await;
    assert_eq!(kind, ErrorKind::Throttled, "{error:?}");
    let (kind, error) = kind_of(gsl("/gsl/400")).await;
    assert_eq!(kind, ErrorKind::Service, "{error:?}");
    assert!(!error.is_transient());
    let (kind, error) = kind_of(gsl("/gsl/503")).await;
    assert_eq!(kind, ErrorKind::Service, "{error:?}");
    assert!(error.is_transient());
    let (kind, error) = kind_of(gsl("/gsl/slow")).await;
    assert_eq!(kind, ErrorKind::Timeout, "{error:?}");
    let error = client
        .send::<Count>(Request::new(gsl("/gsl/bad")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");

    // Nothing listens on the port of a listener just dropped.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = Client::builder(closed)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
        .send::<Value>(Request::new(gsl("/gsl/400")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert!(error.is_transient());

    let error = Client::builder("not a url").build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error:?}");
    assert_eq!(ErrorKind::Throttled.to_string(), "throttled");
}

/// The sign-in call of [`SignIn`]: a `POST`, not idempotent.
static LOGIN: Operation = op("Login", Method::Post, "/login", &GSL);
static GUARDED: Operation = op("ListSimPools", Method::Get, "/guarded", &GSL);

/// An auth scheme that signs in through the client before every call, sending the
/// token the login answers.
#[derive(Debug)]
struct SignIn;

impl meterage_runtime::Authorize for SignIn {
    fn authorize<'a>(
        &'a self,
        ctx: meterage_runtime::AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> meterage_runtime::AuthFuture<'a> {
        Box::pin(async move {
            let answer = ctx.sign_in(Request::sign_in(&LOGIN), "signing in").await?;
            let token: Value = serde_json::from_slice(answer.body()).unwrap();
            let token = token["token"].as_str().unwrap().parse().unwrap();
            request.headers_mut().insert("x-auth-token", token);
            Ok(meterage_runtime::IdentityGeneration::new(1))
        })
    }

    fn rejected(
        &self,
        _outcome: &meterage_runtime::interceptor::AttemptOutcome<'_>,
        _used: meterage_runtime::IdentityGeneration,
    ) -> bool {
        false
    }
}

/// A login that answers each of `answers` in turn (status and vendor code), then
/// succeeds; counts the logins it saw.
async fn login_server(
    answers: Vec<(StatusCode, &'static str)>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let logins = Arc::new(AtomicUsize::new(0));
    let seen = logins.clone();
    let router = Router::new()
        .route(
            "/login",
            axum::routing::post(move || {
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let answer = answers.get(n).copied();
                async move {
                    match answer {
                        Some((status, code)) => (
                            status,
                            with_request_id("login-err"),
                            Json(json!({"error_code": code, "error_msg": "no"})),
                        )
                            .into_response(),
                        None => Json(json!({"token": "t-1"})).into_response(),
                    }
                }
            }),
        )
        .route(
            "/guarded",
            get(|headers: HeaderMap| async move {
                match headers.get("x-auth-token") {
                    Some(token) if token == "t-1" => Json(json!({"ok": true})).into_response(),
                    _ => StatusCode::UNAUTHORIZED.into_response(),
                }
            }),
        );
    (serve(router).await, logins)
}

fn signing_client(base: String) -> Client {
    Client::builder(base)
        .auth(SignIn)
        .retry(
            RetryPolicy::standard()
                .max_attempts(3)
                .initial_backoff(std::time::Duration::from_millis(1))
                .max_backoff(std::time::Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

/// A sign-in (a `POST`) that meets a declared-transient "busy" answer is retried like
/// any call, and the call then succeeds.
#[tokio::test]
async fn a_busy_sign_in_is_retried() {
    use std::sync::atomic::Ordering;

    let (base, logins) =
        login_server(vec![(StatusCode::INTERNAL_SERVER_ERROR, "GSL.00010003")]).await;
    let client = signing_client(base);
    let ok = client.send::<Value>(Request::new(&GUARDED)).await.unwrap();
    assert_eq!(ok["ok"], true);
    assert_eq!(logins.load(Ordering::SeqCst), 2);
}

/// A sign-in that stays busy ends as `Error::Auth`, and every accessor sees through it
/// to the sign-in call's own failure: its status, code, request id, attempts, and that
/// another try may succeed; its kind is the failure's, the credentials never judged.
#[tokio::test]
async fn a_failed_sign_in_is_seen_through() {
    use meterage_runtime::{Error, ErrorKind};
    use std::sync::atomic::Ordering;

    let busy = (StatusCode::INTERNAL_SERVER_ERROR, "GSL.00010003");
    let (base, logins) = login_server(vec![busy; 5]).await;
    let error = signing_client(base)
        .send::<Value>(Request::new(&GUARDED))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert_eq!(logins.load(Ordering::SeqCst), 3, "the policy's 3 attempts");
    assert_eq!(error.attempts(), 3);
    assert!(error.is_transient());
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.vendor_code(), Some("GSL.00010003"));
    assert_eq!(error.request_id(), Some("login-err"));
    assert_eq!(error.kind(), ErrorKind::Throttled);
    assert_eq!(error.operation(), Some("ListSimPools"));

    // Refused credentials at sign-in: not retried, of kind auth.
    let (base, logins) = login_server(vec![(StatusCode::UNAUTHORIZED, "APIGW.0301")]).await;
    let error = signing_client(base)
        .send::<Value>(Request::new(&GUARDED))
        .await
        .unwrap_err();
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    assert_eq!(error.kind(), ErrorKind::Auth, "{error:?}");
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_transient());
    assert_eq!(error.vendor_code(), Some("APIGW.0301"));
}
