//! AWS Cost Explorer's JSON 1.1 endpoint: `POST /` with `Content-Type:
//! application/x-amz-json-1.1` and `X-Amz-Target:
//! AWSInsightsIndexService.GetCostAndUsage`, signed with AWS Signature Version 4.
//!
//! The fake verifies the signature with its own code ([`sigv4`]): the credential scope
//! [`SCOPE`] (`us-east-1`, `ce`), `X-Amz-Date` within 5 minutes of its clock, `host`
//! and `x-amz-date` signed. It knows a permanent key ([`KEY`]) and a temporary one
//! ([`TEMPORARY_KEY`]) whose requests carry `X-Amz-Security-Token` [`SESSION_TOKEN`],
//! valid for [`TOKEN_LIFETIME_MS`] of the fake's clock or until `expire_sessions`.
//!
//! `GetCostAndUsage` is checked as the service does ([`query`]) and answers one
//! `ResultsByTime` entry per period of `TimePeriod` (at most the dataset's length of
//! them), [`Aws::page_size`] a page, with an opaque `NextPageToken` bound to the query.
//! `Filter` is accepted and not applied. `GetDimensionValues` (`X-Amz-Target:
//! AWSInsightsIndexService.GetDimensionValues`) lists the values of a dimension
//! ([`dimensions`]).
//!
//! Errors are AWS JSON 1.1's: a JSON body `{"__type": "<namespace>#<Code>", "message":
//! "..."}` (`Message` for the codes the service's model declares), the `x-amzn-ErrorType`
//! header and, on every answer, `x-amzn-RequestId`:
//!
//! | check | status | code |
//! |---|---|---|
//! | no `Authorization` | 400 | `MissingAuthenticationTokenException` |
//! | `Authorization` or `X-Amz-Date` malformed, `host` or `x-amz-date` unsigned | 400 | `IncompleteSignatureException` |
//! | unknown key id, a temporary key without its token, a token not issued | 403 | `UnrecognizedClientException` |
//! | the temporary key's token past its lifetime | 400 | `ExpiredTokenException` |
//! | credential scope of another region, service or day; `X-Amz-Date` off by more than 5 minutes; a wrong signature | 403 | `InvalidSignatureException` |
//! | `X-Amz-Target` not an operation of the service | 400 | `UnknownOperationException` |
//! | a body that is not a JSON object | 400 | `SerializationException` |
//! | bad dates, granularity, metric or group | 400 | `ValidationException` |
//! | a token that is not one | 400 | `InvalidNextTokenException` |
//! | a token of another query | 400 | `RequestChangedException` |
//!
//! The service's other codes (`LimitExceededException`, its throttling, on HTTP 400;
//! `DataUnavailableException`, `BillExpirationException`) are served through the fault
//! plan (`Fault::vendor_error`); the harness's throttling fault answers
//! `LimitExceededException`.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::dataset::Dataset;
use crate::harness::{Canned, Harness, Injected, Outcome, Vendor};
use crate::log::Recorded;
use crate::server::{Fake, Options};

pub mod dimensions;
pub mod query;
pub mod sigv4;
#[cfg(test)]
mod tests;

use query::Query;
use sigv4::{Refusal, Scope, Signed};

/// The access key the fake knows: (access key id, secret access key).
pub const KEY: (&str, &str) = (
    "AKIAMETERAGE7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYmeterageKEY",
);
/// The temporary key the fake issued (AWS's temporary key ids start with `ASIA`); its
/// requests carry [`SESSION_TOKEN`].
pub const TEMPORARY_KEY: (&str, &str) = (
    "ASIAMETERAGE7TEMPKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
);
/// The session token issued with [`TEMPORARY_KEY`]: base64 text, `+`, `/` and `=`
/// included.
pub const SESSION_TOKEN: &str =
    "IQoJb3JpZ2luX2VjEMeterage+session/token//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
/// How long the session token is valid on the fake's clock: STS's default hour.
pub const TOKEN_LIFETIME_MS: i64 = 3600 * 1000;
/// The endpoint's credential scope: region `us-east-1`, signing name `ce`.
pub const SCOPE: Scope<'static> = Scope {
    region: "us-east-1",
    service: "ce",
};
/// The `X-Amz-Target` of `GetCostAndUsage`.
pub const TARGET: &str = "AWSInsightsIndexService.GetCostAndUsage";
/// The `X-Amz-Target` of `GetDimensionValues`.
pub const DIMENSIONS_TARGET: &str = "AWSInsightsIndexService.GetDimensionValues";
/// The JSON 1.1 media type of requests and answers.
pub const MEDIA_TYPE: &str = "application/x-amz-json-1.1";
/// The `x-amzn-RequestId` of every error.
pub const ERROR_REQUEST_ID: &str = "9c1bd4e6-2f0a-4b8e-9d3c-61a5e0f7b2c4";
/// How many results a fresh fake serves (at most: no more than the query's periods).
pub const DEFAULT_RESULTS: u64 = 45;
/// How many results a page holds, unless a test changes it.
pub const DEFAULT_PAGE_SIZE: u64 = 10;
/// The `TimePeriod` of the default query ([`default_request`]): all of 2025.
pub const PERIOD: (&str, &str) = ("2025-01-01", "2026-01-01");

/// `(namespace, message field)` of a code: the validator's, the AWS front end's
/// (authentication, protocol; lower-case `message`), or the service's own, as its model
/// declares them (the namespace of these is an assumption).
fn namespace_of(code: &str) -> (&'static str, &'static str) {
    match code {
        "ValidationException" => ("com.amazon.coral.validate", "message"),
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "IncompleteSignatureException"
        | "MissingAuthenticationTokenException"
        | "ExpiredTokenException"
        | "AccessDeniedException"
        | "SerializationException"
        | "UnknownOperationException"
        | "ServiceUnavailableException" => ("com.amazon.coral.service", "message"),
        _ => ("com.amazonaws.costexplorer", "Message"),
    }
}

/// `code` with its namespace: a code that has one already is kept.
pub fn qualified(code: &str) -> String {
    if code.contains('#') {
        code.to_owned()
    } else {
        format!("{}#{code}", namespace_of(code).0)
    }
}

/// The body of the default query: `GetCostAndUsage` for [`PERIOD`], daily,
/// `UnblendedCost` and `UsageQuantity`, grouped by service.
pub fn default_request() -> Value {
    json!({
        "TimePeriod": {"Start": PERIOD.0, "End": PERIOD.1},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost", "UsageQuantity"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
    })
}

/// Result `index` (from 0) of the default query, as the fake serves it.
pub fn result(index: u64) -> Value {
    match Query::parse(&default_request()) {
        Ok(query) => query.result(index),
        Err((code, message)) => json!({"invalid": code, "message": message}),
    }
}

/// Cost Explorer's state: its clock, its page size, when the session token expires.
#[derive(Debug)]
pub struct Aws {
    page_size: AtomicU64,
    request_ids: AtomicU64,
    dataset: Arc<Dataset>,
    token_expires_ms: AtomicI64,
    /// The endpoint's clock; advance it to make signatures stale and, past
    /// [`TOKEN_LIFETIME_MS`], the session token expired.
    pub clock: Clock,
}

impl Aws {
    /// The state of a fresh endpoint serving `harness`'s dataset: its token issued now.
    fn new(harness: &Harness) -> Aws {
        let clock = Clock::default();
        Aws {
            page_size: AtomicU64::new(DEFAULT_PAGE_SIZE),
            request_ids: AtomicU64::new(1),
            dataset: harness.dataset.clone(),
            token_expires_ms: AtomicI64::new(clock.now_ms() + TOKEN_LIFETIME_MS),
            clock,
        }
    }

    /// How many results a page holds.
    pub fn page_size(&self) -> u64 {
        self.page_size.load(Ordering::SeqCst)
    }

    /// Serves `size` results a page from now on.
    pub fn set_page_size(&self, size: u64) {
        self.page_size.store(size.max(1), Ordering::SeqCst);
    }

    fn request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::SeqCst);
        format!("5b0c2a1e-7d3f-4c69-8e21-{n:012x}")
    }

    /// A JSON 1.1 answer with a fresh request id.
    fn answer(&self, body: &Value) -> Response {
        let mut response = (
            StatusCode::OK,
            [(header::CONTENT_TYPE, MEDIA_TYPE)],
            body.to_string(),
        )
            .into_response();
        if let Ok(id) = HeaderValue::from_str(&self.request_id()) {
            response.headers_mut().insert("x-amzn-RequestId", id);
        }
        response
    }
}

impl Vendor for Aws {
    const BUSY: Canned = Canned::Error(
        503,
        "ServiceUnavailableException",
        "Service is unavailable. Please try again later.",
    );
    const THROTTLED: Canned = Canned::Error(400, "LimitExceededException", "Rate exceeded");

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        if request.method != Method::POST
            || request.path != "/"
            || request.header("x-amz-target") != Some(TARGET)
        {
            return None;
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        Some(match body.get("NextPageToken").and_then(Value::as_str) {
            None => 1,
            Some(token) => {
                query::decode(token).map_or(0, |(offset, _)| offset / self.page_size() + 1)
            }
        })
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        let bare = code.rsplit('#').next().unwrap_or(code);
        let (namespace, field) = namespace_of(bare);
        let mut body = serde_json::Map::new();
        body.insert("__type".into(), json!(qualified(code)));
        body.insert(field.into(), json!(message));
        let kind = format!("{bare}:http://internal.amazon.com/coral/{namespace}/");
        let mut response = (
            status,
            [(header::CONTENT_TYPE, MEDIA_TYPE)],
            Value::Object(body).to_string(),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(
            "x-amzn-RequestId",
            HeaderValue::from_static(ERROR_REQUEST_ID),
        );
        if let Ok(kind) = HeaderValue::from_str(&kind) {
            headers.insert("x-amzn-ErrorType", kind);
        }
        response
    }

    /// Expires the session token of [`TEMPORARY_KEY`]: its requests are refused with
    /// `ExpiredTokenException` from now on (the permanent key signs on).
    fn expire_sessions(&self) {
        self.token_expires_ms.store(i64::MIN, Ordering::SeqCst);
    }
}

/// Starts the endpoint over plain HTTP with [`DEFAULT_RESULTS`] results.
pub async fn start() -> Fake<Aws> {
    start_with(Options::default()).await
}

/// Starts the endpoint with `options`.
pub async fn start_with(options: Options) -> Fake<Aws> {
    Fake::start(
        DEFAULT_RESULTS,
        options,
        Aws::new,
        Router::new().route("/", post(endpoint)),
    )
    .await
}

/// The secret `key_id` signs with, checking the session token a temporary key needs.
fn secret_of(aws: &Aws, key_id: &str, headers: &HeaderMap) -> Result<&'static str, Response> {
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    let unrecognized = || {
        aws.error(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    };
    if key_id == KEY.0 && token.is_none() {
        return Ok(KEY.1);
    }
    if key_id != TEMPORARY_KEY.0 || token != Some(SESSION_TOKEN) {
        return Err(unrecognized());
    }
    if aws.clock.now_ms() > aws.token_expires_ms.load(Ordering::SeqCst) {
        return Err(aws.error(
            StatusCode::BAD_REQUEST,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ));
    }
    Ok(TEMPORARY_KEY.1)
}

/// The front end's checks: the signature, the key and its token.
fn authenticate(aws: &Aws, request: &Signed<'_>) -> Result<(), Response> {
    let refused = |refusal: Refusal| {
        match refusal {
        Refusal::Missing => aws.error(
            StatusCode::BAD_REQUEST,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ),
        Refusal::Incomplete(message) => aws.error(
            StatusCode::BAD_REQUEST,
            "IncompleteSignatureException",
            &message,
        ),
        Refusal::Scope(message) | Refusal::Expired(message) => {
            aws.error(StatusCode::FORBIDDEN, "InvalidSignatureException", &message)
        }
        Refusal::Mismatch => aws.error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ),
    }
    };
    let auth = sigv4::check(request, SCOPE, aws.clock.now_ms()).map_err(refused)?;
    let secret = secret_of(aws, auth.key_id, request.headers)?;
    sigv4::verify_with(request, &auth, secret).map_err(refused)
}

async fn endpoint(
    State(aws): State<Arc<Aws>>,
    injected: Injected,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Outcome {
    let signed = Signed {
        method: &method,
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &headers,
        body: &body,
    };
    authenticate(&aws, &signed)?;
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    if target != Some(TARGET) && target != Some(DIMENSIONS_TARGET) {
        return Err(aws.error(
            StatusCode::BAD_REQUEST,
            "UnknownOperationException",
            "The action or operation requested is invalid. Verify that the action is typed correctly.",
        ));
    }
    let paging = injected.backend(&*aws)?;
    let fail = |(code, message): query::Invalid| aws.error(StatusCode::BAD_REQUEST, code, &message);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let request: Value = match serde_json::from_slice(&body) {
        Ok(value) if content_type == Some(MEDIA_TYPE) => value,
        _ => Value::Null,
    };
    if target == Some(DIMENSIONS_TARGET) {
        let answer = dimensions::answer(&request, aws.page_size()).map_err(fail)?;
        return Ok(aws.answer(&answer));
    }
    let query = Query::parse(&request).map_err(fail)?;
    let offset = match request.get("NextPageToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => query.offset(token).map_err(fail)?,
    };
    let size = aws.page_size();
    let total = query.periods().min(aws.dataset.len());
    // A stale page (an injected repeat) is the page before's answer, token included.
    let start = paging.page(offset / size + 1).saturating_sub(1) * size;
    let end = total.min(start.saturating_add(size));
    let results: Vec<Value> = (start..end).map(|i| query.result(i)).collect();
    let mut answer = json!({"ResultsByTime": results, "DimensionValueAttributes": []});
    if !query.group_by.is_empty() {
        let definitions: Vec<Value> = query
            .group_by
            .iter()
            .map(|(kind, key)| json!({"Type": kind, "Key": key}))
            .collect();
        answer["GroupDefinitions"] = Value::Array(definitions);
    }
    if end < total {
        answer["NextPageToken"] = json!(query.token(end));
    }
    Ok(aws.answer(&answer))
}
