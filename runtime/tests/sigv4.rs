//! AWS Signature Version 4: the AWS test suite's vectors (`tests/data/sigv4/`), and calls
//! to a loopback server that verifies every signature with the small SigV4 written
//! below (not the `aws-sigv4` crate the client signs with), itself checked against the
//! vectors' canonical requests and strings to sign.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use meterage_runtime::auth::{AccessKey, AwsSigv4, AwsSigv4Signer};
use meterage_runtime::{ErrorEnvelope, Method, Operation, Request};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod support;

use support::{client, hex, rfc3986 as encode, TamperAfterSigning};

const VECTORS: [&str; 28] = [
    "get-header-key-duplicate",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-slash-dot-slash-normalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slashes-normalized",
    "get-unreserved",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
];

// ----- the test's own SigV4 ------------------------------------------------------------

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match text.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
            Some(Ok(byte)) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The path with empty and `.` segments dropped and `..` applied, each segment encoded
/// again (the path as sent is encoded already: services other than S3 want it twice).
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = format!(
        "/{}",
        segments
            .iter()
            .map(|s| encode(s))
            .collect::<Vec<_>>()
            .join("/")
    );
    if !segments.is_empty() && path.ends_with('/') {
        out.push('/');
    }
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (k, v) = s.split_once('=').unwrap_or((s, ""));
            (encode(&decode(k)), encode(&decode(v)))
        })
        .collect();
    pairs.sort();
    let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join("&")
}

/// A header's values in order, each trimmed with inner runs of spaces made one, joined
/// with `,`.
fn header_values(headers: &[(String, String)], name: &str) -> String {
    let values: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| {
            v.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    values.join(",")
}

/// What a request is signed over, as a server sees it.
struct Signed<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a [(String, String)],
    body: &'a [u8],
}

impl Signed<'_> {
    fn canonical_request(&self, signed_headers: &str) -> String {
        let mut canonical_headers = String::new();
        for name in signed_headers.split(';') {
            let values = header_values(self.headers, name);
            canonical_headers.push_str(&format!("{name}:{values}\n"));
        }
        let payload = match header_values(self.headers, "x-amz-content-sha256") {
            hash if !hash.is_empty() => hash,
            _ => hex(&Sha256::digest(self.body)),
        };
        format!(
            "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload}",
            self.method,
            canonical_uri(self.path),
            canonical_query(self.query)
        )
    }
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `scope` is `date/region/service/aws4_request`.
fn signature(secret: &str, scope: &str, string_to_sign: &str) -> String {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in scope.split('/') {
        key = hmac(&key, part);
    }
    hex(&hmac(&key, string_to_sign))
}

/// The parts of `AWS4-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex`.
struct Authorization<'a> {
    access_key: &'a str,
    scope: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 Credential=")?;
    let (credential, rest) = rest.split_once(", SignedHeaders=")?;
    let (signed_headers, signature) = rest.split_once(", Signature=")?;
    let (access_key, scope) = credential.split_once('/')?;
    Some(Authorization {
        access_key,
        scope,
        signed_headers,
        signature,
    })
}

// ----- the vectors ---------------------------------------------------------------------

struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn read(vector: &str, file: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/data/sigv4", vector, file]
        .iter()
        .collect();
    std::fs::read_to_string(Path::new(&path)).unwrap()
}

/// `METHOD target HTTP/1.1`, `Name:value` lines, a blank line, the body.
fn parse_request(text: &str) -> RawRequest {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let mut start = lines.next().unwrap().split(' ');
    let method = start.next().unwrap().to_owned();
    let target = start.next().unwrap().to_owned();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    RawRequest {
        method,
        target,
        headers,
        body: body.to_owned(),
    }
}

#[derive(Deserialize)]
struct Context {
    credentials: Credentials,
    region: String,
    service: String,
    timestamp: String,
    #[serde(default)]
    omit_session_token: bool,
    #[serde(default = "yes")]
    sign_body: bool,
}

#[derive(Deserialize)]
struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
}

fn yes() -> bool {
    true
}

/// The headers of a request as `(lower-case name, value)`, sorted by name only (the
/// values of one name keep their order).
fn sorted(headers: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .into_iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn the_aws_test_suite_vectors_sign_as_they_state() {
    for vector in VECTORS {
        let context: Context = serde_json::from_str(&read(vector, "context.json")).unwrap();
        let raw = parse_request(&read(vector, "request.txt"));
        let host = header_values(&raw.headers, "host");
        let url = reqwest::Url::parse(&format!("https://{host}{}", raw.target)).unwrap();
        let mut request = reqwest::Request::new(
            reqwest::Method::from_bytes(raw.method.as_bytes()).unwrap(),
            url,
        );
        // The host is the URL's, as in a real call (reqwest adds the header when sending).
        for (name, value) in raw.headers.iter().filter(|(n, _)| n != "Host") {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap();
            let value = reqwest::header::HeaderValue::from_str(value).unwrap();
            request.headers_mut().append(name, value);
        }
        if !raw.body.is_empty() {
            *request.body_mut() = Some(raw.body.clone().into());
        }
        let mut signer = AwsSigv4Signer::new(&context.service, &context.region);
        if context.sign_body {
            signer = signer.content_sha256_header();
        }
        if context.omit_session_token {
            signer = signer.session_token_unsigned();
        }
        let key = AccessKey {
            id: context.credentials.access_key_id.clone(),
            secret: context.credentials.secret_access_key.as_str().into(),
            security_token: context.credentials.token.as_deref().map(Into::into),
        };
        let time = time::OffsetDateTime::parse(
            &context.timestamp,
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        signer
            .sign_at(&key, &mut request, SystemTime::from(time))
            .unwrap();

        // The signer's headers are the signed request's, `Authorization` exactly.
        let expected = parse_request(&read(vector, "header-signed-request.txt"));
        let expected = sorted(expected.headers.into_iter().filter(|(n, _)| n != "Host"));
        let actual = sorted(
            request
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned())),
        );
        assert_eq!(actual, expected, "{vector}");
        let expected_signature = read(vector, "header-signature.txt");
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(
            authorization.ends_with(&format!("Signature={expected_signature}")),
            "{vector}"
        );

        // The test's own SigV4 (the loopback server's) agrees with the suite.
        let signed_request = parse_request(&read(vector, "header-signed-request.txt"));
        let authorization = header_values(&signed_request.headers, "authorization");
        let parts = parse_authorization(&authorization).unwrap();
        let (path, query) = raw.target.split_once('?').unwrap_or((&raw.target, ""));
        let signed = Signed {
            method: &raw.method,
            path,
            query,
            headers: &signed_request.headers,
            body: raw.body.as_bytes(),
        };
        let canonical = signed.canonical_request(parts.signed_headers);
        assert_eq!(
            canonical,
            read(vector, "header-canonical-request.txt"),
            "{vector}"
        );
        let amz_date = header_values(&signed_request.headers, "x-amz-date");
        let to_sign = string_to_sign(&amz_date, parts.scope, &canonical);
        assert_eq!(
            to_sign,
            read(vector, "header-string-to-sign.txt"),
            "{vector}"
        );
        assert_eq!(
            signature(
                &context.credentials.secret_access_key,
                parts.scope,
                &to_sign
            ),
            expected_signature,
            "{vector}"
        );
    }
}

// ----- calls to a loopback server that verifies them -----------------------------------

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
