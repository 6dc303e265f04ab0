//! AWS Signature Version 4: the AWS test suite's vectors (`tests/data/sigv4/`), and calls
//! to a loopback server (`sigv4/loopback.rs`) that verifies every signature with the
//! small SigV4 of `sigv4/verify.rs` (not the `aws-sigv4` crate the client signs with),
//! itself checked here against the vectors' canonical requests and strings to sign.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use meterage_runtime::auth::{AccessKey, AwsSigv4Signer};
use serde::Deserialize;

use verify::{header_values, parse_authorization, signature, string_to_sign, Signed};

#[path = "sigv4/loopback.rs"]
mod loopback;
mod support;
#[path = "sigv4/verify.rs"]
mod verify;

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
