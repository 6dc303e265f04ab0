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

static KAOPUYUN_OK: Operation = op("DescribeFlowBills", Method::Get, "/kaopuyun/ok", &KAOPUYUN);
static KAOPUYUN_FAIL: Operation = op(
    "DescribeFlowBills",
    Method::Get,
    "/kaopuyun/fail",
    &KAOPUYUN,
);
static GSL_BODY_ID: Operation = op("ListSimPools", Method::Get, "/gsl/body-id", &GSL);
static GSL_BOTH: Operation = op("ListSimPools", Method::Get, "/gsl/both", &GSL);
static GSL_NONE: Operation = op("ListSimPools", Method::Get, "/gsl/none", &GSL);
static GSL_BAD: Operation = op("ListSimPools", Method::Get, "/gsl/bad", &GSL);
static GSL_403: Operation = op("ListSimPools", Method::Get, "/gsl/403", &GSL);

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
        .send::<Value>(Request::new(&KAOPUYUN_OK))
        .await
        .unwrap();
    assert_eq!(ok.request_id(), Some("kp-ok"));
    let raw = client.send_raw(Request::new(&KAOPUYUN_OK)).await.unwrap();
    assert_eq!(raw.request_id(), Some("kp-ok"));
    let bare = client
        .send_without_body(Request::new(&KAOPUYUN_OK))
        .await
        .unwrap();
    assert_eq!(bare.request_id(), Some("kp-ok"));

    let body = client
        .send::<Value>(Request::new(&GSL_BODY_ID))
        .await
        .unwrap();
    assert_eq!(body.request_id(), Some("gsl-body"));
    let raw = client.send_raw(Request::new(&GSL_BODY_ID)).await.unwrap();
    assert_eq!(raw.request_id(), Some("gsl-body"));
    let both = client.send::<Value>(Request::new(&GSL_BOTH)).await.unwrap();
    assert_eq!(both.request_id(), Some("gsl-header"));
    let none = client.send::<Value>(Request::new(&GSL_NONE)).await.unwrap();
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
        .send::<Value>(Request::new(&KAOPUYUN_FAIL))
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("kp-fail"), "{error:?}");
    let error = client
        .send::<Value>(Request::new(&GSL_403))
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("gsl-403-header"), "{error:?}");
    assert_eq!(
        error.api().unwrap().request_id.as_deref(),
        Some("gsl-403-header")
    );
    let error = client
        .send::<Count>(Request::new(&GSL_BAD))
        .await
        .unwrap_err();
    assert!(
        matches!(error, meterage_runtime::Error::Decode(_)),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("gsl-bad"), "{error:?}");
}
