//! What the runtime's integration tests share: a server on loopback for any router, and
//! the vendors' error envelopes and operations as generated clients declare them.
//!
//! Each test binary includes this module (`mod support;`) and uses a part of it.

#![allow(dead_code)]

use axum::Router;
use meterage_runtime::{ErrorEnvelope, Method, Operation};

/// Serves `router` on an ephemeral loopback port for the rest of the test; returns its
/// base URL, `http://127.0.0.1:<port>`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("the bound address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    format!("http://{addr}")
}

/// An operation of `envelope` answering 200, idempotent when it is a `GET`, as
/// generated code declares one.
pub const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    envelope: &'static ErrorEnvelope,
) -> Operation {
    Operation {
        id,
        method,
        success: 200,
        public: false,
        idempotent: matches!(method, Method::Get),
        secret_response: false,
        path,
        server: None,
        envelope,
    }
}

#[path = "../../src/testing.rs"]
mod fixtures;

#[allow(unused_imports)]
pub use fixtures::{GSL, KAOPUYUN, NCE, PLCLOUD};

pub mod paging;
