//! Tracing: every call and attempt is traced, and no secret reaches the log.
//!
//! Alone in its test binary: `tracing` caches per call site whether anyone listens, and a
//! test that installs its subscriber for one thread while other tests of the same process
//! hit the same call sites without one may find them cached as unheard.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::{Client, Request, RetryPolicy};
use serde_json::{json, Value};

mod support;

static GET: meterage_runtime::Operation = support::op(
    "ListSimPools",
    meterage_runtime::Method::Get,
    "/x",
    &support::GSL,
);

const BUSY: &str = r#"{"error_code":"GSL.00010003","error_msg":"系统繁忙,请稍后重试。"}"#;

/// A `MakeWriter` collecting everything written into one shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn every_call_and_attempt_is_traced_without_secrets() {
    use meterage_runtime::auth::AccessKey;
    use meterage_runtime::{RpcSignatureV1, Secret};

    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // Busy once, then an answer.
    let calls = Arc::new(AtomicUsize::new(0));
    let router = Router::new().route(
        "/x",
        get(move || {
            let first = calls.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                if first {
                    (StatusCode::INTERNAL_SERVER_ERROR, BUSY).into_response()
                } else {
                    Json(json!({"count": 1})).into_response()
                }
            }
        }),
    );
    let base = support::serve(router).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(RetryPolicy::standard().initial_backoff(Duration::from_millis(2)))
        .auth(RpcSignatureV1::new(AccessKey {
            id: "key-id".into(),
            secret: "key-s3cr3t".into(),
            security_token: None,
        }))
        .build()
        .unwrap();
    let mut request = Request::new(&GET);
    request.query("password", &Secret::new("query-s3cr3t"));
    client.send::<Value>(request).await.unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for wanted in [
        "meterage_call",
        "operation=\"ListSimPools\"",
        "attempt{n=1}",
        "attempt{n=2}",
        "attempt failed",
        "status=500",
        "vendor_code=\"GSL.00010003\"",
        "latency_ms=",
        "retrying",
        "status=200",
    ] {
        assert!(log.contains(wanted), "{wanted:?} not in:\n{log}");
    }
    for secret in ["s3cr3t", "Signature", "query-"] {
        assert!(!log.contains(secret), "{secret:?} in:\n{log}");
    }
}
