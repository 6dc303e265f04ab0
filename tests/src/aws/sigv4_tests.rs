//! The SigV4 verifier against AWS's published examples.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

#[test]
fn the_documented_iam_example() {
    // AWS General Reference, "Examples of the complete Signature Version 4 signing
    // process": IAM ListUsers on 2015-08-30.
    let headers: HeaderMap = [
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("host", "iam.amazonaws.com"),
        ("x-amz-date", "20150830T123600Z"),
    ]
    .into_iter()
    .map(|(name, value)| {
        (
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    })
    .collect();
    let request = Signed {
        method: &Method::GET,
        path: "/",
        query: "Action=ListUsers&Version=2010-05-08",
        headers: &headers,
        body: b"",
    };
    let signed = ["content-type", "host", "x-amz-date"];
    let canonical = canonical_request(&request, &signed).expect("headers present");
    assert_eq!(
        canonical,
        "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let scope = "20150830/us-east-1/iam/aws4_request";
    let to_sign = string_to_sign("20150830T123600Z", scope, &canonical);
    assert_eq!(
        to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
    );
    let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
    assert_eq!(
        hex(&key),
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    );
    assert_eq!(
        signature(&key, &to_sign),
        "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    );
}

/// The SigV4 test suite's `get-vanilla` request, with its `Authorization`.
fn vanilla(headers: &mut HeaderMap) -> Signed<'_> {
    headers.insert("host", HeaderValue::from_static("example.amazonaws.com"));
    headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
    headers.insert("authorization", HeaderValue::from_static(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ));
    get_root(headers)
}

/// `GET /` without a query or body, with `headers`.
fn get_root(headers: &HeaderMap) -> Signed<'_> {
    crate::gsl::aksk::get("/", "", headers)
}

#[test]
fn the_test_suite_get_vanilla_passes_the_whole_check() {
    let mut headers = HeaderMap::new();
    let request = vanilla(&mut headers);
    let at = Utc::parse_basic("20150830T123600Z")
        .expect("date")
        .unix_ms();
    let scope = Scope {
        region: "us-east-1",
        service: "service",
    };
    let auth = check(&request, scope, at).expect("well formed");
    assert_eq!(auth.key_id, "AKIDEXAMPLE");
    assert_eq!(verify_with(&request, &auth, SECRET), Ok(()));
    assert_eq!(
        verify_with(&request, &auth, "another secret"),
        Err(Refusal::Mismatch)
    );
    // The client-side helper signs the same way.
    assert_eq!(
        authorization(
            &request,
            ("AKIDEXAMPLE", SECRET),
            "20150830T123600Z",
            scope,
            &["host", "x-amz-date"]
        ),
        request.headers["authorization"].to_str().expect("ASCII")
    );
    assert!(check(&request, scope, at + WINDOW_MS).is_ok());
    assert!(matches!(
        check(&request, scope, at + WINDOW_MS + 1000),
        Err(Refusal::Expired(_))
    ));
    let ce = Scope {
        service: "ce",
        ..scope
    };
    assert!(matches!(check(&request, ce, at), Err(Refusal::Scope(_))));
    let west = Scope {
        region: "us-west-2",
        ..scope
    };
    assert!(matches!(check(&request, west, at), Err(Refusal::Scope(_))));
}

#[test]
fn malformed_authorizations_are_incomplete() {
    for bad in [
        "AWS4-HMAC-SHA1 Credential=A/20150830/us-east-1/ce/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/ce/aws4_request, Signature=00",
        "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/ce, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/ce/aws4_request SignedHeaders=host, Signature=00",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    let mut headers = HeaderMap::new();
    vanilla(&mut headers);
    headers.remove("x-amz-date");
    let scope = Scope {
        region: "us-east-1",
        service: "service",
    };
    assert!(matches!(
        check(&get_root(&headers), scope, 0),
        Err(Refusal::Incomplete(_))
    ));
    headers.remove("authorization");
    assert_eq!(
        check(&get_root(&headers), scope, 0).err(),
        Some(Refusal::Missing)
    );
    // A signed header the request lacks.
    let mut headers = HeaderMap::new();
    let request = vanilla(&mut headers);
    let auth = Authorization {
        signed_headers: vec!["host", "x-amz-date", "x-amz-target"],
        ..parse(request.headers["authorization"].to_str().expect("ASCII")).expect("parsed")
    };
    assert!(matches!(
        verify_with(&request, &auth, SECRET),
        Err(Refusal::Incomplete(_))
    ));
}

#[test]
fn canonical_uris_encode_each_segment_again() {
    assert_eq!(canonical_uri("/"), "/");
    assert_eq!(canonical_uri(""), "/");
    assert_eq!(canonical_uri("/a%20b/c"), "/a%2520b/c");
}
