//! The Cost Explorer fake refuses what AWS's front end and the service refuse, with
//! their codes, and pages every result exactly once.

use std::time::Duration;

use axum::http::HeaderValue;

use super::*;
use crate::clock::Utc;
use crate::testing::{answer, http};
use crate::{Fault, Server};

/// Who signs a request: a key, and the session token it sends.
#[derive(Clone, Copy)]
struct Signer {
    key: (&'static str, &'static str),
    token: Option<&'static str>,
}

const PERMANENT: Signer = signer(KEY, None);
const TEMPORARY: Signer = signer(TEMPORARY_KEY, Some(SESSION_TOKEN));

const fn signer(key: (&'static str, &'static str), token: Option<&'static str>) -> Signer {
    Signer { key, token }
}

/// `POST /` of `body` with `target`, signed by `signer` at `at_ms`; status, headers and
/// JSON body of the answer.
async fn call_at(
    server: &Server,
    body: &Value,
    target: &str,
    signer: Signer,
    at_ms: i64,
) -> (u16, HeaderMap, Value) {
    let body = body.to_string();
    let host = server.addr().to_string();
    let amz_date = Utc::from_unix_ms(at_ms).basic();
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        headers.insert(name, HeaderValue::from_str(value).expect("a header value"));
    };
    put("content-type", MEDIA_TYPE);
    put("host", &host);
    put("x-amz-date", &amz_date);
    put("x-amz-target", target);
    let mut signed_headers = vec!["content-type", "host", "x-amz-date"];
    if let Some(token) = signer.token {
        put("x-amz-security-token", token);
        signed_headers.push("x-amz-security-token");
    }
    signed_headers.push("x-amz-target");
    let request = Signed {
        method: &Method::POST,
        path: "/",
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let authorization =
        sigv4::authorization(&request, signer.key, &amz_date, SCOPE, &signed_headers);
    let mut sent = http().post(format!("{}/", server.base_url())).body(body);
    for (name, value) in &headers {
        if name != "host" {
            sent = sent.header(name, value);
        }
    }
    let response = sent
        .header("authorization", authorization)
        .send()
        .await
        .expect("sent");
    let headers = response.headers().clone();
    let (status, body) = answer(response).await;
    (status, headers, body)
}

async fn call(server: &Fake<Aws>, body: &Value, signer: Signer) -> (u16, HeaderMap, Value) {
    call_at(server, body, TARGET, signer, server.vendor.clock.now_ms()).await
}

/// Checks an error answer: status, namespaced code, message field, headers.
fn assert_error(answer: &(u16, HeaderMap, Value), status: u16, code: &str) {
    let (got, headers, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["__type"], qualified(code), "{body}");
    let field = namespace_of(code).1;
    assert!(body[field].is_string(), "{body}");
    let kind = headers["x-amzn-errortype"].to_str().expect("ASCII");
    assert!(kind.starts_with(&format!("{code}:")), "{kind}");
    assert_eq!(headers["x-amzn-requestid"], ERROR_REQUEST_ID);
}

#[tokio::test]
async fn every_result_once_over_pages_bound_to_the_query() {
    let server = start().await;
    let mut body = default_request();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, headers, page) = call(&server, &body, PERMANENT).await;
        assert_eq!(status, 200, "{page}");
        assert!(headers.contains_key("x-amzn-requestid"));
        assert_eq!(page["GroupDefinitions"][0]["Key"], "SERVICE");
        seen.extend(page["ResultsByTime"].as_array().expect("results").clone());
        pages += 1;
        match page.get("NextPageToken") {
            Some(token) => body["NextPageToken"] = token.clone(),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, (0..DEFAULT_RESULTS).map(result).collect::<Vec<_>>());
    assert_eq!(
        seen[0]["TimePeriod"],
        json!({"Start": "2025-01-01", "End": "2025-01-02"})
    );
    assert_eq!(seen[0]["Total"], json!({}));
    let metrics = &seen[0]["Groups"][0]["Metrics"];
    assert_eq!(metrics["UnblendedCost"]["Unit"], "USD");
    assert!(metrics["UsageQuantity"]["Amount"].is_string());
    assert_eq!(server.log.listing_pages(), [1, 2, 3, 4, 5]);

    // A token of another query is refused, and so is one that is not a token.
    let mut other = default_request();
    other["Granularity"] = json!("MONTHLY");
    other["NextPageToken"] = body["NextPageToken"].clone();
    assert_error(
        &call(&server, &other, PERMANENT).await,
        400,
        "RequestChangedException",
    );
    other["NextPageToken"] = json!("not-a-token");
    assert_error(
        &call(&server, &other, PERMANENT).await,
        400,
        "InvalidNextTokenException",
    );
}

#[tokio::test]
async fn results_follow_the_period_and_granularity() {
    let server = start().await;
    let mut body = default_request();
    body["TimePeriod"] = json!({"Start": "2024-11-01", "End": "2025-02-01"});
    body["Granularity"] = json!("MONTHLY");
    body.as_object_mut().expect("object").remove("GroupBy");
    let (status, _, page) = call(&server, &body, PERMANENT).await;
    assert_eq!(status, 200, "{page}");
    let results = page["ResultsByTime"].as_array().expect("results");
    let starts: Vec<&Value> = results.iter().map(|r| &r["TimePeriod"]["Start"]).collect();
    assert_eq!(starts, ["2024-11-01", "2024-12-01", "2025-01-01"]);
    assert_eq!(results[2]["TimePeriod"]["End"], "2025-02-01");
    assert_eq!(results[0]["Groups"], json!([]));
    assert!(results[0]["Total"]["UnblendedCost"]["Amount"].is_string());
    assert!(page.get("NextPageToken").is_none());
}

#[tokio::test]
async fn invalid_queries_are_validation_errors() {
    let server = start().await;
    let change = |edit: fn(&mut Value)| {
        let mut body = default_request();
        edit(&mut body);
        body
    };
    for body in [
        change(|b| b["TimePeriod"]["Start"] = json!("2025/01/01")),
        change(|b| b["TimePeriod"]["End"] = json!("2024-12-31")),
        change(|b| b["Metrics"] = json!(["UnblendedCost", "Pennies"])),
        change(|b| b["Metrics"] = json!([])),
        change(|b| b["Granularity"] = json!("WEEKLY")),
        change(|b| b["GroupBy"] = json!([{"Type": "DIMENSION", "Key": "COLOUR"}])),
    ] {
        assert_error(
            &call(&server, &body, PERMANENT).await,
            400,
            "ValidationException",
        );
    }
    assert_error(
        &call(&server, &json!([1, 2]), PERMANENT).await,
        400,
        "SerializationException",
    );
}

#[tokio::test]
async fn signatures_keys_and_session_tokens_are_checked() {
    let server = start().await;
    let body = default_request();
    let now = server.vendor.clock.now_ms();
    assert_eq!(call(&server, &body, TEMPORARY).await.0, 200);

    let wrong = signer((KEY.0, "not-the-secret"), None);
    assert_error(
        &call(&server, &body, wrong).await,
        403,
        "InvalidSignatureException",
    );
    let unknown = signer(("AKIAUNKNOWNEXAMPLE00", KEY.1), None);
    assert_error(
        &call(&server, &body, unknown).await,
        403,
        "UnrecognizedClientException",
    );
    let without_token = signer(TEMPORARY_KEY, None);
    assert_error(
        &call(&server, &body, without_token).await,
        403,
        "UnrecognizedClientException",
    );
    let other_token = signer(TEMPORARY_KEY, Some("IQoJb3JpZ2luX2VjEnot-issued"));
    assert_error(
        &call(&server, &body, other_token).await,
        403,
        "UnrecognizedClientException",
    );
    let stale = call_at(&server, &body, TARGET, PERMANENT, now - 6 * 60 * 1000).await;
    assert_error(&stale, 403, "InvalidSignatureException");
    assert!(stale.2["message"]
        .as_str()
        .expect("text")
        .starts_with("Signature expired"));
    let other_operation = "AWSInsightsIndexService.GetCostForecastEverything";
    let unknown_target = call_at(&server, &body, other_operation, PERMANENT, now).await;
    assert_error(&unknown_target, 400, "UnknownOperationException");

    // Past the token's lifetime (and signed at the fake's new time).
    server
        .vendor
        .clock
        .advance(Duration::from_millis(TOKEN_LIFETIME_MS as u64 + 1000));
    assert_error(
        &call(&server, &body, TEMPORARY).await,
        400,
        "ExpiredTokenException",
    );
    assert_eq!(call(&server, &body, PERMANENT).await.0, 200);

    // Expired by the fault plan's expiry, as a session's end.
    server.vendor.clock.reset();
    server.vendor.expire_sessions();
    assert_error(
        &call(&server, &body, TEMPORARY).await,
        400,
        "ExpiredTokenException",
    );

    // No signature at all.
    let response = http()
        .post(format!("{}/", server.base_url()))
        .header("x-amz-target", TARGET)
        .header("content-type", MEDIA_TYPE)
        .body(body.to_string())
        .send()
        .await
        .expect("sent");
    let headers = response.headers().clone();
    let (status, answer) = answer(response).await;
    assert_error(
        &(status, headers, answer),
        400,
        "MissingAuthenticationTokenException",
    );
}

#[tokio::test]
async fn a_stale_page_is_the_page_before_with_its_token() {
    let server = start().await;
    server.faults.on_page(
        2,
        Fault::RepeatPreviousPage {
            echo_previous: false,
        },
    );
    let first = call(&server, &default_request(), PERMANENT).await.2;
    let mut body = default_request();
    body["NextPageToken"] = first["NextPageToken"].clone();
    let stale = call(&server, &body, PERMANENT).await.2;
    assert_eq!(stale, first, "page 1 again, its token pointing at page 2");
    let second = call(&server, &body, PERMANENT).await.2;
    assert_eq!(second["ResultsByTime"][0], result(10));
    // Throttling is the service's own code, on 400.
    server.faults.on_page(
        1,
        Fault::vendor_error(400, "LimitExceededException", "Rate exceeded"),
    );
    let throttled = call(&server, &default_request(), PERMANENT).await;
    assert_error(&throttled, 400, "LimitExceededException");
    assert_eq!(throttled.2["Message"], "Rate exceeded");
}

#[tokio::test]
async fn dimension_values_share_the_endpoint() {
    let server = start().await;
    server.vendor.set_page_size(2);
    let now = server.vendor.clock.now_ms();
    let mut body = json!({
        "TimePeriod": {"Start": "2025-01-01", "End": "2025-02-01"},
        "Dimension": "SERVICE",
        "SearchString": "amazon",
    });
    let mut values = Vec::new();
    loop {
        let (status, _, page) = call_at(&server, &body, DIMENSIONS_TARGET, PERMANENT, now).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["TotalSize"], 4);
        values.extend(page["DimensionValues"].as_array().expect("values").clone());
        match page.get("NextPageToken") {
            Some(token) => body["NextPageToken"] = token.clone(),
            None => break,
        }
    }
    let names: Vec<&Value> = values.iter().map(|v| &v["Value"]).collect();
    assert_eq!(names, &query::SERVICES[1..]);
    body["Dimension"] = json!("COLOUR");
    let refused = call_at(&server, &body, DIMENSIONS_TARGET, PERMANENT, now).await;
    assert_error(&refused, 400, "ValidationException");
    assert_eq!(server.log.listing_requests(), 0, "not the cost listing");
}
