//! Shared test fixtures: the four vendors' error envelopes as their specs (and so the
//! generated clients) declare them, and a client and a runtime for unit tests. Written
//! with `meterage_runtime::` paths so that the integration tests' support module
//! includes the same file (`tests/support/mod.rs`).

#![allow(dead_code, clippy::unwrap_used)]

use meterage_runtime::interceptor::AttemptOutcome;
use meterage_runtime::retry::Verdict;
use meterage_runtime::{Client, Error, ErrorEnvelope, SuccessRule};

/// Huawei iMaster NCE-Campus: `errcode` `"0"` is success, HTTP 200 with another code a
/// failure.
pub static NCE: ErrorEnvelope = ErrorEnvelope {
    code: &["/errcode", "/errCode"],
    message: &["/errmsg", "/errMsg"],
    success: SuccessRule::Codes(&["0"]),
    transient: &["500"],
    credential_codes: &["401"],
    ..ErrorEnvelope::NONE
};

/// Huawei Cloud GSL: the status decides; `GSL.00010003` is busy.
pub static GSL: ErrorEnvelope = ErrorEnvelope {
    code: &["/error_code"],
    message: &["/error_msg"],
    request_id: &["/request_id"],
    request_id_header: Some("X-Request-Id"),
    transient: &["GSL.00010003"],
    credential_codes: &["APIGW.0301", "APIG.0301"],
    ..ErrorEnvelope::NONE
};

/// Kaopuyun (Alibaba-style RPC): any `Code` in a 2xx body is a failure.
pub static KAOPUYUN: ErrorEnvelope = ErrorEnvelope {
    code: &["/Code"],
    message: &["/Message"],
    request_id: &["/RequestId"],
    success: SuccessRule::NoCode,
    transient: &["ServiceUnavailable", "Throttling", "Throttling.User"],
    credential_codes: &[
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "MissingSecurityToken",
        "InvalidSecurityToken.Malformed",
        "InvalidSecurityToken.Expired",
        "InvalidSecurityToken.MismatchWithAccessKey",
    ],
    ..ErrorEnvelope::NONE
};

/// PLCloud: `code` `200` is success.
pub static PLCLOUD: ErrorEnvelope = ErrorEnvelope {
    code: &["/code"],
    message: &["/message"],
    success: SuccessRule::Codes(&["200"]),
    transient: &["500"],
    credential_codes: &["401", "403"],
    credential_statuses: &[403],
    ..ErrorEnvelope::NONE
};

/// A client of a base URL nothing listens on, for tests that send nothing.
pub fn client() -> Client {
    Client::builder("http://127.0.0.1:9").build().unwrap()
}

/// Runs `future` to completion on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// The error of a failed attempt in [`refused`]'s outcomes.
pub static FAILED: Error = Error::Config(String::new());

/// The outcome of an attempt the server answered with `status` and vendor `code`.
pub fn refused(status: u16, code: Option<&str>) -> AttemptOutcome<'_> {
    AttemptOutcome {
        status: Some(status),
        headers: None,
        vendor_code: code,
        request_id: None,
        error: Some(&FAILED),
        elapsed: std::time::Duration::ZERO,
        verdict: Verdict::Final,
    }
}
