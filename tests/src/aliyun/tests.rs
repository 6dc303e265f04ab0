//! The BSS fake pages by token, answers BSS's codes and takes GET and POST. The
//! gateway's own refusals are tested once, on the Kaopuyun fake that shares it; here
//! requests are signed with the gateway's verifier ([`crate::rpc::signature()`], pinned
//! to Alibaba's published vector).

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

use super::*;
use crate::clock::Utc;
use crate::rpc::{percent_encode, signature};
use crate::testing::{answer, get_json, http};
use crate::{Fault, Server};

static NONCE: AtomicU64 = AtomicU64::new(0);

/// The parameters of a `DescribeInstanceBill` call with `extra`, signed for `method` by
/// key `id` with `secret`, with `SecurityToken` when `token` is given; as a query string.
fn signed_as(
    method: &str,
    (id, secret): (&str, &str),
    token: Option<&str>,
    extra: &[(&str, &str)],
) -> String {
    let nonce = format!("nonce-{}", NONCE.fetch_add(1, Ordering::SeqCst));
    let now = Utc::from_unix_ms(Clock::default().now_ms()).iso_seconds();
    let mut params: Vec<(String, String)> = [
        ("Action", "DescribeInstanceBill"),
        ("Version", "2017-12-14"),
        ("Format", "JSON"),
        ("AccessKeyId", id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", &nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", &now),
    ]
    .iter()
    .chain(token.map(|t| ("SecurityToken", t)).iter())
    .chain(extra)
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let signature = signature(method, &params, secret);
    params.push(("Signature".into(), signature));
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// [`signed_as`] by the permanent key, for `GET`.
fn signed(extra: &[(&str, &str)]) -> String {
    signed_as("GET", KEYS.key, None, extra)
}

async fn call(server: &Server, query: &str) -> (u16, Value) {
    get_json(server, &format!("/?{query}"), &[]).await
}

/// The `Code` of the answer to `query`.
async fn code(server: &Server, query: &str) -> Value {
    call(server, query).await.1["Code"].clone()
}

/// BSS's error body with `status`, `code` and `message`.
fn error(status: u16, code: &str, message: &str) -> (u16, Value) {
    (
        status,
        json!({
            "RequestId": ERROR_REQUEST_ID, "HostId": HOST_ID, "Code": code, "Message": message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=BssOpenApi&requestId={ERROR_REQUEST_ID}"),
        }),
    )
}

fn invalid(name: &str) -> (u16, Value) {
    error(
        400,
        "InvalidParameter",
        &format!("The specified parameter {name} is not valid."),
    )
}

/// Parameters of a call besides the common ones.
type Params<'a> = Vec<(&'a str, &'a str)>;

const CYCLE: (&str, &str) = ("BillingCycle", "2026-11");

#[tokio::test]
async fn tokens_page_through_every_bill_and_the_last_page_has_none() {
    let server = start().await;
    let mut token = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let mut extra = vec![CYCLE, ("MaxResults", "25")];
        if !token.is_empty() {
            extra.push(("NextToken", &token));
        }
        let (status, body) = call(&server, &signed(&extra)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (&body["Code"], &body["Success"], &body["RequestId"]),
            (&json!("Success"), &json!(true), &json!(REQUEST_ID))
        );
        let data = &body["Data"];
        assert_eq!(data["TotalCount"], 60);
        assert_eq!(data["MaxResults"], 25);
        assert_eq!(data["BillingCycle"], "2026-11");
        assert_eq!(data["AccountID"], ACCOUNT.0);
        seen.extend(data["Items"].as_array().expect("items").iter().cloned());
        pages += 1;
        token = data["NextToken"].as_str().expect("a token").to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, bills(60).collect::<Vec<_>>());
    assert_eq!(server.log.listing_pages(), [1, 2, 3]);
}

#[tokio::test]
async fn post_carries_its_parameters_in_a_form_body_signed_for_post() {
    let server = start().await;
    let url = format!("{}/", server.base_url());
    let post = |body: String| {
        http()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let response = post(signed_as(
        "POST",
        KEYS.key,
        None,
        &[CYCLE, ("MaxResults", "5")],
    ))
    .await
    .expect("sent");
    let (status, body) = answer(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Data"]["Items"], json!(bills(5).collect::<Vec<_>>()));
    assert_eq!(server.log.listing_requests(), 1);
    // Signed as if for GET: refused.
    let response = post(signed(&[CYCLE])).await.expect("sent");
    assert_eq!(
        answer(response).await,
        error(
            400,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation."
        )
    );
}

#[tokio::test]
async fn business_errors_use_bss_codes() {
    let server = start().await;
    let cases: Vec<(Params<'_>, (u16, Value))> = vec![
        (
            vec![],
            error(
                400,
                "MissingBillingCycle",
                "BillingCycle is mandatory for this action.",
            ),
        ),
        (vec![("BillingCycle", "2026-13")], invalid("BillingCycle")),
        (vec![("BillingCycle", "2026/11")], invalid("BillingCycle")),
        (vec![CYCLE, ("MaxResults", "301")], invalid("MaxResults")),
        (vec![CYCLE, ("MaxResults", "0")], invalid("MaxResults")),
        (
            vec![CYCLE, ("NextToken", "CAESEgoQCg4KCm")],
            error(
                400,
                "InvalidNextToken",
                "The specified NextToken is not valid.",
            ),
        ),
        (
            vec![CYCLE, ("SubscriptionType", "Prepaid")],
            invalid("SubscriptionType"),
        ),
        (
            vec![CYCLE, ("Granularity", "DAILY")],
            invalid("BillingDate"),
        ),
        (
            vec![
                CYCLE,
                ("Granularity", "DAILY"),
                ("BillingDate", "2026-12-01"),
            ],
            invalid("BillingDate"),
        ),
        (
            vec![CYCLE, ("Granularity", "HOURLY")],
            invalid("Granularity"),
        ),
        (
            vec![CYCLE, ("IsBillingItem", "yes")],
            invalid("IsBillingItem or IsHideZeroCharge"),
        ),
    ];
    for (extra, wanted) in cases {
        assert_eq!(call(&server, &signed(&extra)).await, wanted, "{extra:?}");
    }
    // The action and version are the query's own: sign another one.
    let other = signed(&[CYCLE]).replace("DescribeInstanceBill", "DescribeBill");
    assert_eq!(code(&server, &other).await, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn filters_daily_bills_and_billable_items() {
    let server = start().await;
    let items = |body: &Value| body["Data"]["Items"].as_array().expect("items").clone();
    let (_, body) = call(
        &server,
        &signed(&[CYCLE, ("ProductCode", "rds"), ("MaxResults", "300")]),
    )
    .await;
    let want: Vec<Value> = (0..60).filter(|i| i % 4 == 1).map(bill).collect();
    assert_eq!(items(&body), want);
    assert_eq!(body["Data"]["TotalCount"], 15);
    assert_eq!(body["Data"]["NextToken"], "");

    let (_, body) = call(
        &server,
        &signed(&[CYCLE, ("IsHideZeroCharge", "true"), ("MaxResults", "300")]),
    )
    .await;
    assert_eq!(body["Data"]["TotalCount"], 60 - 8);

    let (_, body) = call(
        &server,
        &signed(&[
            CYCLE,
            ("Granularity", "DAILY"),
            ("BillingDate", "2026-11-02"),
            ("IsBillingItem", "true"),
            ("MaxResults", "3"),
        ]),
    )
    .await;
    let got = items(&body);
    assert_eq!(got.len(), 3);
    assert_eq!(got[1], shaped(1, Some("2026-11-02"), true));
    assert_eq!(got[1]["BillingDate"], "2026-11-02");
    assert!(got[1]["Usage"].is_string() && got[1]["ListPrice"].is_string());
    assert_eq!(body["Data"]["NextToken"], token(3));
}

#[tokio::test]
async fn a_temporary_key_needs_its_token() {
    let server = start().await;
    let query = signed_as("GET", KEYS.temporary, Some(KEYS.token), &[CYCLE]);
    assert_eq!(call(&server, &query).await.0, 200);
    let query = signed_as("GET", KEYS.temporary, None, &[CYCLE]);
    assert_eq!(
        call(&server, &query).await,
        error(
            400,
            "MissingSecurityToken",
            "SecurityToken is mandatory for this action."
        )
    );
    let query = signed_as("GET", ("LTAI-unknown", "x"), None, &[CYCLE]);
    assert_eq!(code(&server, &query).await, "InvalidAccessKeyId.NotFound");
}

#[tokio::test]
async fn faults_strike_the_page_its_token_points_at() {
    let server = start().await;
    server.faults.on_page(2, Fault::Busy);
    server.faults.on_page(
        3,
        Fault::RepeatPreviousPage {
            echo_previous: true,
        },
    );
    let size = ("MaxResults", "10");
    assert_eq!(call(&server, &signed(&[CYCLE, size])).await.0, 200);
    let second = token(10);
    let (status, body) = call(&server, &signed(&[CYCLE, size, ("NextToken", &second)])).await;
    assert_eq!((status, &body["Code"]), (503, &json!("ServiceUnavailable")));
    let (_, body) = call(&server, &signed(&[CYCLE, size, ("NextToken", &second)])).await;
    assert_eq!(body["Data"]["NextToken"], token(20));
    // Page 3 repeats page 2, and the token page 2 gave: the one it was asked with.
    let third = token(20);
    let (_, body) = call(&server, &signed(&[CYCLE, size, ("NextToken", &third)])).await;
    assert_eq!(body["Data"]["Items"][0], bill(10));
    assert_eq!(body["Data"]["NextToken"], third);
    assert_eq!(server.log.listing_pages(), [1, 2, 2, 3]);
    assert_eq!(server.faults.remaining(), 0);
}
