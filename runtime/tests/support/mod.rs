//! What the runtime's integration tests share: a server on loopback for any router, and
//! the vendors' error envelopes and operations as generated clients declare them.
//!
//! Each test binary includes this module (`mod support;`) and uses a part of it.

#![allow(dead_code)]

use axum::Router;
use meterage_runtime::{ErrorEnvelope, Method, Operation, SuccessRule};

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

/// Huawei Cloud (GSL, the API gateway): `{error_code, error_msg, request_id}`, a failure
/// by status; `GSL.00010003` is "busy, try again".
pub static GSL: ErrorEnvelope = ErrorEnvelope {
    code: &["/error_code"],
    message: &["/error_msg"],
    request_id: &["/request_id"],
    request_id_header: Some("X-Request-Id"),
    success: SuccessRule::Status,
    transient: &["GSL.00010003"],
};

/// NCE-Campus: `{errcode, errmsg}`, errcode `"0"` the only success, on any status.
pub static NCE: ErrorEnvelope = ErrorEnvelope {
    code: &["/errcode", "/errCode"],
    message: &["/errmsg", "/errMsg"],
    request_id: &[],
    request_id_header: None,
    success: SuccessRule::Codes(&["0"]),
    transient: &["500"],
};

/// Alibaba-style RPC (Kaopuyun): `{RequestId, Code, Message}` whatever the status; a
/// body with a `Code` is a failure.
pub static KAOPUYUN: ErrorEnvelope = ErrorEnvelope {
    code: &["/Code"],
    message: &["/Message"],
    request_id: &["/RequestId"],
    request_id_header: None,
    success: SuccessRule::NoCode,
    transient: &["ServiceUnavailable", "Throttling", "Throttling.User"],
};

/// PLCloud's console API: `{code, message}`, code 200 the only success.
pub static PLCLOUD: ErrorEnvelope = ErrorEnvelope {
    code: &["/code"],
    message: &["/message"],
    request_id: &[],
    request_id_header: None,
    success: SuccessRule::Codes(&["200"]),
    transient: &["500"],
};
