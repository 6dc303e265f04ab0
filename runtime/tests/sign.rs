//! End-to-end tests of the request-signing schemes against a loopback server that
//! recomputes every signature with its own small implementation and refuses mismatches.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::{Json, Router};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use meterage_runtime::auth::{from_fn, AccessKey, Expiring};
use meterage_runtime::{Error, Method, Operation, Request, RpcSignatureV1, SdkHmacSha256, Secret};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Digest as _;
use support::{client, hex, rfc3986 as encode, TamperAfterSigning, KAOPUYUN};

mod support;

const RPC_KEY: (&str, &str) = ("kp-access-id", "kp-s3cr3t-secret");
const SDK_KEY: (&str, &str) = ("HW-ACCESS-KEY", "hw-s3cr3t-sk");
const SDK_TOKEN: &str = "temporary-s3cr3t-token";

/// An operation of the Alibaba-style envelope, as the RPC and SDK servers below answer.
const fn op(id: &'static str, method: Method, path: &'static str) -> Operation {
    support::op(id, method, path, &KAOPUYUN)
}

static RPC_GET: Operation = op("DescribeFlowBills", Method::Get, "/");
static RPC_FORM: Operation = op("DescribeFlowBills", Method::Post, "/");
static RPC_NONCE_USED_ONCE: Operation =
    op("DescribeFlowBills", Method::Get, "/rpc/nonce-used-once");
static SDK_GET: Operation = op("ListSimPools", Method::Get, "/sdk/v1/sim-pools");
static SDK_POST: Operation = op("CreateItem", Method::Post, "/sdk/v1/items/{name}");
static SDK_ONCE: Operation = op("ListSimPools", Method::Get, "/sdk/once");

// ----- the server's own implementation of both algorithms ------------------------------

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (k, v) = s.split_once('=').unwrap_or((s, ""));
            (decode(k).unwrap(), decode(v).unwrap())
        })
        .collect()
}

fn param<'p>(pairs: &'p [(String, String)], name: &str) -> Option<&'p str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn rpc_signature(method: &str, params: &[(String, String)], secret: &str) -> String {
    let mut encoded: Vec<String> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    encoded.sort();
    let string_to_sign = format!("{method}&%2F&{}", encode(&encoded.join("&")));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn sdk_signature(
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    signed: &[&str],
    body: &[u8],
    sk: &str,
) -> String {
    let decoded_path = decode(path).unwrap();
    let mut uri: String = decoded_path
        .split('/')
        .map(encode)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut query = pairs(query);
    query.sort();
    let query: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let mut canonical_headers = String::new();
    for name in signed {
        let value = headers[*name].to_str().unwrap().trim();
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let canonical = format!(
        "{method}\n{uri}\n{}\n{canonical_headers}\n{}\n{}",
        query.join("&"),
        signed.join(";"),
        hex(&sha2::Sha256::digest(body))
    );
    let date = headers["x-sdk-date"].to_str().unwrap();
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex(&sha2::Sha256::digest(canonical.as_bytes()))
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(sk.as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Seconds since the epoch of a UTC date and time (Howard Hinnant's days_from_civil).
fn epoch(y: i64, m: i64, d: i64, hh: i64, mm: i64, ss: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400 + hh * 3600 + mm * 60 + ss
}

/// Parses `digits` at the given byte ranges of `text`.
fn fields(text: &str, ranges: [(usize, usize); 6]) -> Option<[i64; 6]> {
    let mut out = [0; 6];
    for (slot, (start, end)) in out.iter_mut().zip(ranges) {
        *slot = text.get(start..end)?.parse().ok()?;
    }
    Some(out)
}

fn fresh(secs: Option<[i64; 6]>) -> bool {
    secs.is_some_and(|[y, m, d, hh, mm, ss]| (epoch(y, m, d, hh, mm, ss) - now()).abs() <= 900)
}

// ----- the server ----------------------------------------------------------------------

#[derive(Default)]
struct Seen {
    nonces: Mutex<HashSet<String>>,
    nonce_log: Mutex<Vec<String>>,
    nonce_used_once: AtomicUsize,
    sdk_once: AtomicUsize,
    sdk_signatures: Mutex<Vec<String>>,
}

fn fail(status: StatusCode, code: &str, message: &str) -> AxumResponse {
    (status, Json(json!({"Code": code, "Message": message}))).into_response()
}

/// One request as the fake gateway received it.
struct Received {
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn parts(&self) -> (&HttpMethod, &Uri, &HeaderMap, &[u8]) {
        (&self.method, &self.uri, &self.headers, &self.body)
    }
}

async fn handle(
    State(seen): State<Arc<Seen>>,
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> AxumResponse {
    let received = Received {
        method,
        uri,
        headers,
        body,
    };
    if received.uri.path().starts_with("/sdk") {
        sdk(&seen, &received)
    } else {
        rpc(&seen, &received)
    }
}

fn rpc(seen: &Seen, received: &Received) -> AxumResponse {
    let (method, uri, headers, body) = received.parts();
    let query = pairs(uri.query().unwrap_or(""));
    let mut params = query.clone();
    let form = headers.get("content-type").is_some_and(|v| {
        v.to_str()
            .unwrap()
            .starts_with("application/x-www-form-urlencoded")
    });
    if form {
        params.extend(pairs(std::str::from_utf8(body).unwrap()));
    }
    if params.iter().any(|(_, v)| v.is_empty()) {
        return fail(
            StatusCode::BAD_REQUEST,
            "EmptyParameter",
            "empty parameter sent",
        );
    }
    if param(&query, "AccessKeyId") != Some(RPC_KEY.0) {
        return fail(
            StatusCode::NOT_FOUND,
            "InvalidAccessKeyId.NotFound",
            "no such key",
        );
    }
    if param(&query, "SignatureMethod") != Some("HMAC-SHA1")
        || param(&query, "SignatureVersion") != Some("1.0")
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidSignatureMethod",
            "bad method",
        );
    }
    let Some(signature) = param(&query, "Signature") else {
        return fail(StatusCode::BAD_REQUEST, "MissingSignature", "no signature");
    };
    if signature != rpc_signature(method.as_str(), &params, RPC_KEY.1) {
        return fail(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    if query.last().map(|(k, _)| k.as_str()) != Some("Signature") {
        return fail(
            StatusCode::BAD_REQUEST,
            "SignatureNotLast",
            "Signature must come last",
        );
    }
    let timestamp = param(&query, "Timestamp").unwrap_or("");
    let shape =
        timestamp.len() == 20 && timestamp.as_bytes()[10] == b'T' && timestamp.ends_with('Z');
    if !shape
        || !fresh(fields(
            timestamp,
            [(0, 4), (5, 7), (8, 10), (11, 13), (14, 16), (17, 19)],
        ))
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired",
            "bad timestamp",
        );
    }
    let nonce = param(&query, "SignatureNonce").unwrap_or("").to_owned();
    if nonce.len() != 36 || nonce.as_bytes()[14] != b'4' {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidSignatureNonce",
            "not a UUID v4",
        );
    }
    seen.nonce_log.lock().unwrap().push(nonce.clone());
    if !seen.nonces.lock().unwrap().insert(nonce.clone()) {
        return fail(
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed",
            "nonce used already",
        );
    }
    if uri.path() == "/rpc/nonce-used-once"
        && seen.nonce_used_once.fetch_add(1, Ordering::SeqCst) == 0
    {
        // Pretend a collision on the first attempt: the client must retry with a new nonce.
        return fail(
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed",
            "nonce used already",
        );
    }
    Json(json!({
        "query": uri.query(),
        "body": String::from_utf8(body.to_vec()).unwrap(),
        "nonce": nonce,
    }))
    .into_response()
}

fn sdk(seen: &Seen, received: &Received) -> AxumResponse {
    let (method, uri, headers, body) = received.parts();
    let unauthorized = |code: &str, message: &str| fail(StatusCode::UNAUTHORIZED, code, message);
    if headers.get_all("host").iter().count() != 1 {
        return fail(
            StatusCode::BAD_REQUEST,
            "DuplicateHost",
            "one Host header expected",
        );
    }
    let Some(authorization) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return unauthorized("APIGW.0301", "no Authorization header");
    };
    let Some(rest) = authorization.strip_prefix("SDK-HMAC-SHA256 ") else {
        return unauthorized("APIGW.0301", "unknown algorithm");
    };
    let parts: Vec<(&str, &str)> = rest
        .split(", ")
        .filter_map(|part| part.split_once('='))
        .collect();
    let field = |name: &str| parts.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let (Some(access), Some(signed), Some(signature)) =
        (field("Access"), field("SignedHeaders"), field("Signature"))
    else {
        return unauthorized("APIGW.0301", "malformed Authorization header");
    };
    if access != SDK_KEY.0 {
        return unauthorized("APIGW.0301", "unknown access key");
    }
    let signed: Vec<&str> = signed.split(';').collect();
    if !signed.contains(&"host") || !signed.contains(&"x-sdk-date") {
        return unauthorized("APIGW.0301", "host and x-sdk-date must be signed");
    }
    if signed.iter().any(|name| !headers.contains_key(*name)) {
        return unauthorized("APIGW.0301", "a signed header is missing");
    }
    let date = headers["x-sdk-date"].to_str().unwrap();
    if date.len() != 16
        || !fresh(fields(
            date,
            [(0, 4), (4, 6), (6, 8), (9, 11), (11, 13), (13, 15)],
        ))
    {
        return unauthorized("APIGW.0303", "x-sdk-date is not fresh");
    }
    let expected = sdk_signature(
        method.as_str(),
        uri.path(),
        uri.query().unwrap_or(""),
        headers,
        &signed,
        body,
        SDK_KEY.1,
    );
    if signature != expected {
        return unauthorized(
            "APIGW.0301",
            "Incorrect IAM authentication information: verify aksk signature fail",
        );
    }
    seen.sdk_signatures
        .lock()
        .unwrap()
        .push(signature.to_owned());
    if uri.path() == "/sdk/once" && seen.sdk_once.fetch_add(1, Ordering::SeqCst) == 0 {
        return unauthorized("APIGW.0307", "token needs refreshing");
    }
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    Json(json!({
        "signed_headers": signed.join(";"),
        "path": uri.path(),
        "query": uri.query(),
        "body": String::from_utf8(body.to_vec()).unwrap(),
        "host": header("host"),
        "project_id": header("x-project-id"),
        "security_token": header("x-security-token"),
    }))
    .into_response()
}

async fn serve() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let router = Router::new().fallback(handle).with_state(seen.clone());
    (support::serve(router).await, seen)
}

fn key(pair: (&str, &str)) -> AccessKey {
    AccessKey {
        id: pair.0.to_owned(),
        secret: pair.1.into(),
        security_token: None,
    }
}

#[derive(Debug, Deserialize)]
struct RpcEcho {
    query: String,
    body: String,
    nonce: String,
}

#[derive(Debug, Deserialize)]
struct SdkEcho {
    signed_headers: String,
    path: String,
    query: Option<String>,
    body: String,
    host: String,
    project_id: Option<String>,
    security_token: Option<String>,
}

/// Adds a query parameter after signing.
fn add_limit(request: &mut reqwest::Request) {
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair("limit", "500");
}

// ----- RPC signature v1 ----------------------------------------------------------------

fn rpc_request(operation: &'static Operation) -> Request {
    let mut request = Request::new(operation);
    request.query("Action", "DescribeFlowBills");
    request.query("Format", "JSON");
    request.query("Version", "2014-05-26");
    request
}

#[tokio::test]
async fn rpc_v1_query_is_signed_and_checked_by_the_server() {
    let (base, seen) = serve().await;
    let client = client(&base, RpcSignatureV1::new(key(RPC_KEY)));
    let mut request = rpc_request(&RPC_GET);
    request.query("ProductType", "");
    request.query("RegionCode", "cn east 1");
    request.query("BillBeginDate", "2022-10-01 00:00:00");
    request.query_csv("Status", &["a,b", "c"]);
    request.query("Note", "a+b/张");
    let response = client.send::<RpcEcho>(request).await.unwrap();
    let prefix = "Action=DescribeFlowBills&Format=JSON&Version=2014-05-26\
                  &RegionCode=cn%20east%201&BillBeginDate=2022-10-01%2000%3A00%3A00\
                  &Status=a%2Cb%2Cc&Note=a%2Bb%2F%E5%BC%A0&AccessKeyId=kp-access-id\
                  &SignatureMethod=HMAC-SHA1&SignatureNonce=";
    assert!(response.query.starts_with(prefix), "{}", response.query);
    let rest = &response.query[prefix.len()..];
    assert_eq!(&rest[..36], response.nonce);
    assert!(
        rest[36..].starts_with("&SignatureVersion=1.0&Timestamp=20"),
        "{rest}"
    );
    assert!(rest.contains("Z&Signature="), "{rest}");
    assert_eq!(response.body, "");
    assert_eq!(seen.nonce_log.lock().unwrap().len(), 1);
    assert!(!format!("{client:?}").contains(RPC_KEY.1));
}

#[tokio::test]
async fn rpc_v1_form_body_is_signed_and_left_in_the_body() {
    let (base, _) = serve().await;
    let client = client(&base, RpcSignatureV1::new(key(RPC_KEY)));
    let mut request = rpc_request(&RPC_FORM);
    request.form("PageSize", &10);
    request.form("RegionCode", "cn 1");
    request.form("ResourceUUID", &Secret::new("uuid+1"));
    let response = client.send::<RpcEcho>(request).await.unwrap();
    assert_eq!(
        response.body,
        "PageSize=10&RegionCode=cn%201&ResourceUUID=uuid%2B1"
    );
    assert!(!response.query.contains("PageSize"), "{}", response.query);
}

#[tokio::test]
async fn rpc_v1_retry_gets_a_fresh_nonce() {
    let (base, seen) = serve().await;
    let client = client(&base, RpcSignatureV1::new(key(RPC_KEY)));
    let response = client
        .send::<RpcEcho>(rpc_request(&RPC_NONCE_USED_ONCE))
        .await
        .unwrap();
    let log = seen.nonce_log.lock().unwrap().clone();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_ne!(log[0], log[1]);
    assert_eq!(response.nonce, log[1]);

    // Ten more requests, ten more distinct nonces.
    for _ in 0..10 {
        client.send::<RpcEcho>(rpc_request(&RPC_GET)).await.unwrap();
    }
    assert_eq!(seen.nonces.lock().unwrap().len(), 12);
}

#[tokio::test]
async fn rpc_v1_mismatches_are_refused() {
    let (base, _) = serve().await;
    let wrong = client(
        &base,
        RpcSignatureV1::new(key((RPC_KEY.0, "not-the-secret"))),
    );
    let error = wrong
        .send::<Value>(rpc_request(&RPC_GET))
        .await
        .unwrap_err();
    assert_eq!(error.vendor_code(), Some("SignatureDoesNotMatch"));

    let tampered = client(
        &base,
        TamperAfterSigning(RpcSignatureV1::new(key(RPC_KEY)), add_limit),
    );
    let error = tampered
        .send::<Value>(rpc_request(&RPC_GET))
        .await
        .unwrap_err();
    assert_eq!(error.vendor_code(), Some("SignatureDoesNotMatch"));

    // JSON bodies cannot be signed by this scheme.
    let right = client(&base, RpcSignatureV1::new(key(RPC_KEY)));
    let mut request = rpc_request(&RPC_FORM);
    request.json("PageSize", &10);
    let error = right.send::<Value>(request).await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(!format!("{error} {error:?}").contains(RPC_KEY.1));
}

// ----- SDK-HMAC-SHA256 -----------------------------------------------------------------

#[tokio::test]
async fn sdk_hmac_sha256_is_signed_and_checked_by_the_server() {
    let (base, seen) = serve().await;
    let auth = SdkHmacSha256::new(AccessKey {
        security_token: Some(SDK_TOKEN.into()),
        ..key(SDK_KEY)
    })
    .project_id("0a1b2c3d");
    let client = client(&base, auth);
    let mut request = Request::new(&SDK_GET);
    request.query("limit", &50);
    request.query("pool_name", "pool a+b");
    request.query_csv("status", &[1, 0]);
    request.query("all_billing_cycle", &false);
    let response = client.send::<SdkEcho>(request).await.unwrap();
    assert_eq!(
        response.signed_headers,
        "host;x-project-id;x-sdk-date;x-security-token"
    );
    assert_eq!(response.host, base.trim_start_matches("http://"));
    assert_eq!(response.project_id.as_deref(), Some("0a1b2c3d"));
    assert_eq!(response.security_token.as_deref(), Some(SDK_TOKEN));
    assert_eq!(
        response.query.as_deref(),
        Some("limit=50&pool_name=pool%20a%2Bb&status=1,0&all_billing_cycle=false")
    );
    assert_eq!(seen.sdk_signatures.lock().unwrap().len(), 1);
    let debug = format!("{client:?}");
    assert!(
        !debug.contains(SDK_KEY.1) && !debug.contains(SDK_TOKEN),
        "{debug}"
    );
}

#[tokio::test]
async fn sdk_hmac_sha256_signs_bodies_and_encoded_paths() {
    let (base, _) = serve().await;
    let client = client(&base, SdkHmacSha256::new(key(SDK_KEY)));

    let mut request = Request::new(&SDK_POST);
    request.path_param("name", "sim pools");
    request.json("pool_name", "a");
    request.json("limit", &10);
    let response = client.send::<SdkEcho>(request).await.unwrap();
    assert_eq!(response.path, "/sdk/v1/items/sim%20pools");
    assert_eq!(response.signed_headers, "content-type;host;x-sdk-date");
    assert_eq!(response.body, r#"{"pool_name":"a","limit":10}"#);
    assert_eq!(response.query, None);

    let mut request = Request::new(&SDK_POST);
    request.path_param("name", "用户");
    request.form("a", "1 2");
    let response = client.send::<SdkEcho>(request).await.unwrap();
    assert_eq!(response.body, "a=1%202");
    assert_eq!(response.signed_headers, "content-type;host;x-sdk-date");
}

#[tokio::test]
async fn sdk_hmac_sha256_mismatches_are_refused_and_retries_sign_again() {
    let (base, seen) = serve().await;
    let wrong = client(&base, SdkHmacSha256::new(key((SDK_KEY.0, "not-the-sk"))));
    let error = wrong
        .send::<Value>(Request::new(&SDK_GET))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.vendor_code(), Some("APIGW.0301"));

    let tampered = client(
        &base,
        TamperAfterSigning(SdkHmacSha256::new(key(SDK_KEY)), add_limit),
    );
    let error = tampered
        .send::<Value>(Request::new(&SDK_GET))
        .await
        .unwrap_err();
    assert_eq!(error.vendor_code(), Some("APIGW.0301"));
    assert!(!format!("{error} {error:?}").contains(SDK_KEY.1));

    // Keys from a resolver of the caller's own are stale on a 401 (the default), so the
    // client signs again and replays once.
    let keys = from_fn(|| async { Ok(Expiring::forever(key(SDK_KEY))) });
    let retrying = client(&base, SdkHmacSha256::with_provider(keys));
    retrying
        .send::<SdkEcho>(Request::new(&SDK_ONCE))
        .await
        .unwrap();
    assert_eq!(seen.sdk_once.load(Ordering::SeqCst), 2);
    assert_eq!(seen.sdk_signatures.lock().unwrap().len(), 2);
}
