//! Calls through a client signing with `AwsSigv4`, to a loopback server that verifies
//! every signature with the test's own SigV4 ([`crate::verify`]).

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::{Json, Router};
use meterage_runtime::auth::{AccessKey, AwsSigv4};
use meterage_runtime::{ErrorEnvelope, Method, Operation, Request};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::support::{self, client, TamperAfterSigning};
use crate::verify::{header_values, parse_authorization, signature, string_to_sign, Signed};

const KEY: (&str, &str) = ("AKIDLOOPBACK", "loopback/s3cr3t+key");
const SESSION: &str = "session-s3cr3t-token";

/// Cost Explorer's error body: `__type` and `message`.
static AWS_JSON: ErrorEnvelope = ErrorEnvelope {
    code: &["/__type"],
    message: &["/message", "/Message"],
    ..ErrorEnvelope::NONE
};

static GET_COST: Operation = support::op("GetCostAndUsage", Method::Post, "/", &AWS_JSON);
static LIST: Operation = support::op("ListThings", Method::Get, "/things/{name}", &AWS_JSON);

/// Seconds since the epoch of `YYYYMMDDTHHMMSSZ`.
fn amz_date_seconds(text: &str) -> Option<i64> {
    if text.len() != 16 || &text[8..9] != "T" || !text.ends_with('Z') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u8>().ok();
    let month = time::Month::try_from(number(4..6)?).ok()?;
    let date = time::Date::from_calendar_date(text.get(..4)?.parse().ok()?, month, number(6..8)?);
    let at = date
        .ok()?
        .with_hms(number(9..11)?, number(11..13)?, number(13..15)?);
    Some(at.ok()?.assume_utc().unix_timestamp())
}

#[derive(Default)]
struct Seen {
    /// `(X-Amz-Date, Signature)` of every request whose signature matched.
    verified: Mutex<Vec<(String, String)>>,
    /// Requests to `/things/flaky` so far.
    flaky: Mutex<usize>,
}

fn refuse(status: StatusCode, code: &str, message: &str) -> AxumResponse {
    (status, Json(json!({"__type": code, "message": message}))).into_response()
}

/// Verifies the request's signature as AWS does, then echoes what was signed.
async fn handle(State(seen): State<Arc<Seen>>, request: axum::extract::Request) -> AxumResponse {
    let (head, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let (method, uri, headers) = (head.method, head.uri, head.headers);
    let denied =
        |message: &str| refuse(StatusCode::FORBIDDEN, "InvalidSignatureException", message);
    let all: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let authorization = header_values(&all, "authorization");
    let Some(parts) = parse_authorization(&authorization) else {
        return refuse(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "no signature",
        );
    };
    if parts.access_key != KEY.0 {
        return refuse(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "unknown key",
        );
    }
    let amz_date = header_values(&all, "x-amz-date");
    let Some(at) = amz_date_seconds(&amz_date) else {
        return denied("X-Amz-Date is missing or malformed");
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if (at - now).abs() > 300 {
        return denied("Signature expired");
    }
    let scope: Vec<&str> = parts.scope.split('/').collect();
    if scope.len() != 4 || scope[0] != &amz_date[..8] || scope[3] != "aws4_request" {
        return denied("Credential should be scoped to a valid date and aws4_request");
    }
    let signed_names: Vec<&str> = parts.signed_headers.split(';').collect();
    let token = header_values(&all, "x-amz-security-token");
    let required = ["host", "x-amz-date", "content-type", "x-amz-target"];
    if required
        .iter()
        .any(|name| headers.contains_key(*name) && !signed_names.contains(name))
        || (!token.is_empty() && !signed_names.contains(&"x-amz-security-token"))
    {
        return denied("a header that must be signed is not");
    }
    let signed = Signed {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &all,
        body: &body,
    };
    let canonical = signed.canonical_request(parts.signed_headers);
    let expected = signature(
        KEY.1,
        parts.scope,
        &string_to_sign(&amz_date, parts.scope, &canonical),
    );
    if parts.signature != expected {
        return denied(
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    seen.verified
        .lock()
        .unwrap()
        .push((amz_date.clone(), parts.signature.to_owned()));
    if uri.path() == "/things/flaky" {
        let mut flaky = seen.flaky.lock().unwrap();
        *flaky += 1;
        if *flaky == 1 {
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "try again",
            );
        }
    }
    Json(json!({
        "region": scope[1],
        "service": scope[2],
        "signed_headers": parts.signed_headers,
        "security_token": (!token.is_empty()).then_some(token),
        "target": header_values(&all, "x-amz-target"),
        "body": String::from_utf8(body.to_vec()).unwrap(),
    }))
    .into_response()
}

async fn serve() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let router = Router::new().fallback(handle).with_state(seen.clone());
    (support::serve(router).await, seen)
}

fn key(secret: &str, token: Option<&str>) -> AccessKey {
    AccessKey {
        id: KEY.0.to_owned(),
        secret: secret.into(),
        security_token: token.map(Into::into),
    }
}

#[derive(Debug, Deserialize)]
struct Echo {
    region: String,
    service: String,
    signed_headers: String,
    security_token: Option<String>,
    target: String,
    body: String,
}

fn get_cost() -> Request {
    let mut request = Request::new(&GET_COST);
    request.header("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage");
    request.json_value(&json!({"Granularity": "DAILY", "Metrics": ["UnblendedCost"]}));
    request.content_type("application/x-amz-json-1.1");
    request
}

#[tokio::test]
async fn a_json_call_is_signed_and_verified_by_the_server() {
    let (base, seen) = serve().await;
    let auth = AwsSigv4::new(key(KEY.1, Some(SESSION)), "ce", "us-east-1").region("eu-west-1");
    let client = client(&base, auth);
    let echo = client.send::<Echo>(get_cost()).await.unwrap();
    assert_eq!(
        (echo.region.as_str(), echo.service.as_str()),
        ("eu-west-1", "ce")
    );
    assert_eq!(
        echo.signed_headers,
        "accept;content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
    );
    assert_eq!(echo.security_token.as_deref(), Some(SESSION));
    assert_eq!(echo.target, "AWSInsightsIndexService.GetCostAndUsage");
    assert_eq!(
        echo.body,
        r#"{"Granularity":"DAILY","Metrics":["UnblendedCost"]}"#
    );
    assert_eq!(seen.verified.lock().unwrap().len(), 1);
    let debug = format!("{client:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");

    // Without a session token: no token header, nothing of it signed.
    let client = self::client(&base, AwsSigv4::new(key(KEY.1, None), "ce", "us-east-1"));
    let echo = client.send::<Echo>(get_cost()).await.unwrap();
    assert_eq!(
        echo.signed_headers,
        "accept;content-type;host;x-amz-date;x-amz-target"
    );
    assert_eq!(echo.security_token, None);
}

#[tokio::test]
async fn paths_and_queries_are_signed_as_sent() {
    let (base, _) = serve().await;
    let client = client(
        &base,
        AwsSigv4::new(key(KEY.1, None), "things", "us-west-2"),
    );
    let mut request = Request::new(&LIST);
    request.path_param("name", "a b/ሴ");
    request.query("filter", "x=1&y=2");
    request.query("Z", "~tilde");
    request.query("a", "");
    let echo = client.send::<Echo>(request).await.unwrap();
    assert_eq!(echo.signed_headers, "accept;host;x-amz-date");
    assert_eq!(echo.service, "things");
}

/// Changes the action selector after signing.
fn retarget(request: &mut reqwest::Request) {
    request.headers_mut().insert(
        "x-amz-target",
        reqwest::header::HeaderValue::from_static("AWSInsightsIndexService.GetTags"),
    );
}

#[tokio::test]
async fn wrong_keys_and_tampering_are_refused_and_retries_sign_again() {
    let (base, seen) = serve().await;
    let wrong = client(
        &base,
        AwsSigv4::new(key("not-the-key", None), "ce", "us-east-1"),
    );
    let error = wrong.send::<Value>(get_cost()).await.unwrap_err();
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.vendor_code(), Some("InvalidSignatureException"));
    assert!(!format!("{error} {error:?}").contains("not-the-key"));

    let tampered = client(
        &base,
        TamperAfterSigning(AwsSigv4::new(key(KEY.1, None), "ce", "us-east-1"), retarget),
    );
    let error = tampered.send::<Value>(get_cost()).await.unwrap_err();
    assert_eq!(error.vendor_code(), Some("InvalidSignatureException"));
    assert!(seen.verified.lock().unwrap().is_empty());

    // A retried attempt carries a signature of its own, which the server verifies again.
    let client = client(
        &base,
        AwsSigv4::new(key(KEY.1, Some(SESSION)), "ce", "us-east-1"),
    );
    let mut request = Request::new(&LIST);
    request.path_param("name", "flaky");
    client.send::<Echo>(request).await.unwrap();
    let verified = seen.verified.lock().unwrap().clone();
    assert_eq!(verified.len(), 2, "{verified:?}");
    assert_eq!(*seen.flaky.lock().unwrap(), 2);
}
