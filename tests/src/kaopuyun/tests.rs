//! The Kaopuyun fake refuses what Alibaba-style RPC gateways refuse, with their codes.
//! Requests are signed here by a separate, minimal signer (not [`super::signature()`]).

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

use super::*;
use crate::testing::{answer, assert_each_once, get, get_json, http};
use crate::{Fault, Server};

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The query string of a `DescribeFlowBills` call with `extra` parameters, signed by the
/// permanent key's id with `secret`.
fn signed(extra: &[(&str, &str)], nonce: &str, timestamp: &str, secret: &str) -> String {
    signed_as(KEY.0, None, extra, nonce, timestamp, secret)
}

/// The query string of a `DescribeFlowBills` call with `extra` parameters, signed by key
/// `id` with `secret`, carrying `SecurityToken` when `token` is given.
fn signed_as(
    id: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
    nonce: &str,
    timestamp: &str,
    secret: &str,
) -> String {
    let token = token.map(|token| ("SecurityToken", token));
    let mut params: Vec<(String, String)> = [
        ("Action", "DescribeFlowBills"),
        ("Version", "2014-05-26"),
        ("Format", "JSON"),
        ("AccessKeyId", id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
    ]
    .iter()
    .chain(token.iter())
    .chain(extra)
    .map(|(k, v)| (enc(k), enc(v)))
    .collect();
    let mut sorted = params.clone();
    sorted.sort();
    let canonical: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let to_sign = format!("GET&%2F&{}", enc(&canonical.join("&")));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("key");
    mac.update(to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    params.push(("Signature".into(), enc(&signature)));
    params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn now(offset_secs: i64) -> String {
    Utc::from_unix_ms(Clock::default().now_ms() + offset_secs * 1000).iso_seconds()
}

async fn call(server: &Server, query: &str) -> (u16, Value) {
    get_json(server, &format!("/?{query}"), &[]).await
}

/// An answer of the gateway or the action: status, `Code` and `Message`.
type Refusal = (u16, &'static str, &'static str);

const NONCE_USED: Refusal = (
    400,
    "SignatureNonceUsed",
    "Specified signature nonce was used already.",
);
const EXPIRED: Refusal = (
    400,
    "InvalidTimeStamp.Expired",
    "Specified time stamp or date value is expired.",
);
const MALFORMED_TIMESTAMP: Refusal = (
    400,
    "InvalidTimeStamp.Format",
    "Specified time stamp is not valid.",
);
const MISMATCH: Refusal = (
    400,
    "SignatureDoesNotMatch",
    "Specified signature is not matched with our calculation.",
);
const UNKNOWN_KEY: Refusal = (
    404,
    "InvalidAccessKeyId.NotFound",
    "Specified access key is not found.",
);
const NO_SIGNATURE: Refusal = (
    400,
    "MissingSignature",
    "Signature is mandatory for this action.",
);
const OTHER_METHOD: Refusal = (
    400,
    "InvalidSignatureMethod",
    "Specified signature method is not supported.",
);
const NO_TOKEN: Refusal = (
    400,
    "MissingSecurityToken",
    "SecurityToken is mandatory for this action.",
);
const TOKEN_NOT_ISSUED: Refusal = (
    400,
    "InvalidSecurityToken.Malformed",
    "Specified SecurityToken is malformed.",
);
const TOKEN_EXPIRED: Refusal = (
    400,
    "InvalidSecurityToken.Expired",
    "Specified SecurityToken is expired.",
);
const TOKEN_OF_ANOTHER_KEY: Refusal = (
    400,
    "InvalidSecurityToken.MismatchWithAccessKey",
    "Specified SecurityToken mismatch with the AccessKey.",
);
const BUSY: Refusal = (
    503,
    "ServiceUnavailable",
    "The request has failed due to a temporary failure of the server.",
);
const THROTTLED: Refusal = (
    429,
    "Throttling.User",
    "Request was denied due to user flow control.",
);

/// `refusal` as the fake answers it, in the Alibaba-style envelope.
fn error((status, code, message): Refusal) -> (u16, Value) {
    (
        status,
        json!({"RequestId": ERROR_REQUEST_ID, "Code": code, "Message": message}),
    )
}

#[tokio::test]
async fn a_signed_call_pages_the_bills_and_a_replay_is_refused() {
    let server = start().await;
    let query = signed(&[("PageSize", "3")], "nonce-1", &now(0), KEY.1);
    let (status, body) = call(&server, &query).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Total"], 60);
    assert_eq!(body["RequestId"], REQUEST_ID);
    assert_eq!(body["Items"], json!(bills(3).collect::<Vec<_>>()));
    assert_eq!(call(&server, &query).await, error(NONCE_USED));
    assert_eq!(server.vendor.nonces_seen(), 1);
}

#[tokio::test]
async fn stale_and_malformed_timestamps_are_refused_without_using_the_nonce() {
    let server = start().await;
    let expired = error(EXPIRED);
    for offset in [-16 * 60, 16 * 60] {
        let query = signed(&[], "nonce-1", &now(offset), KEY.1);
        assert_eq!(call(&server, &query).await, expired, "{offset}");
    }
    let query = signed(&[], "nonce-1", "2016-02-23 12:46:24", KEY.1);
    assert_eq!(call(&server, &query).await, error(MALFORMED_TIMESTAMP));
    // The refused requests did not use the nonce up.
    assert_eq!(
        call(&server, &signed(&[], "nonce-1", &now(0), KEY.1))
            .await
            .0,
        200
    );
    // A fresh timestamp goes stale when the server's clock moves on.
    let query = signed(&[], "nonce-2", &now(0), KEY.1);
    server.vendor.clock().advance(Duration::from_secs(16 * 60));
    assert_eq!(call(&server, &query).await, expired);
}

#[tokio::test]
async fn tampered_or_foreign_signatures_are_refused() {
    let server = start().await;
    let mismatch = error(MISMATCH);
    let query = signed(&[("PageSize", "5")], "nonce-1", &now(0), KEY.1);
    let (head, signature) = query.rsplit_once("Signature=").expect("signed");
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{head}Signature={flipped}{}", &signature[1..]);
    assert_eq!(call(&server, &tampered).await, mismatch);
    // A parameter changed after signing.
    assert_eq!(
        call(&server, &query.replace("PageSize=5", "PageSize=6")).await,
        mismatch
    );
    // A space sent as `+` is a plus, not a space: the signature no longer matches.
    let date = signed(
        &[("BillBeginDate", "2023-02-01 00:00:00")],
        "nonce-2",
        &now(0),
        KEY.1,
    );
    assert_eq!(call(&server, &date.replace("%20", "+")).await, mismatch);
    assert_eq!(call(&server, &date).await.0, 200);
    // Another secret.
    let wrong = signed(&[], "nonce-3", &now(0), "not-the-secret");
    assert_eq!(call(&server, &wrong).await, mismatch);
    // Another key, a missing signature, another method.
    let stranger = signed(&[], "nonce-4", &now(0), KEY.1).replace(KEY.0, "unknown");
    assert_eq!(call(&server, &stranger).await, error(UNKNOWN_KEY));
    assert_eq!(
        call(&server, head.trim_end_matches('&')).await,
        error(NO_SIGNATURE)
    );
    let sha256 = signed(&[], "nonce-5", &now(0), KEY.1).replace("HMAC-SHA1", "HMAC-SHA256");
    assert_eq!(call(&server, &sha256).await, error(OTHER_METHOD));
}

#[tokio::test]
async fn business_errors_use_the_seed_codes() {
    let server = start().await;
    let cases = [
        (
            ("ProductType", "GPU"),
            "ProductTypeIsInvalid",
            "ProductType无效的产品类型",
        ),
        (
            ("BillStatus", "LOST"),
            "ValueNotSupported",
            "BillStatus参数不合法",
        ),
        (
            ("PageSize", "51"),
            "InvalidParameter",
            "PageNumber or PageSize is not valid.",
        ),
        (
            ("PageNumber", "0"),
            "InvalidParameter",
            "PageNumber or PageSize is not valid.",
        ),
        (
            ("BillEndDate", "2023-02-01"),
            "InvalidParameter",
            "BillEndDate is not valid.",
        ),
    ];
    for (i, (param, code, message)) in cases.into_iter().enumerate() {
        let query = signed(&[param], &format!("nonce-{i}"), &now(0), KEY.1);
        assert_eq!(
            call(&server, &query).await,
            error((400, code, message)),
            "{param:?}"
        );
    }
    // A failure on HTTP 200, on demand.
    server.faults.inject(Fault::vendor_error(
        200,
        "DescribeFlowBillsFail",
        "查询流水账单列表失败:timeout",
    ));
    let query = signed(&[], "nonce-x", &now(0), KEY.1);
    assert_eq!(
        call(&server, &query).await,
        error((200, "DescribeFlowBillsFail", "查询流水账单列表失败:timeout"))
    );
}

#[tokio::test]
async fn filters_and_pages_cover_the_dataset() {
    let server = start().await;
    let query = signed(
        &[("ProductType", "OWN_ECS"), ("BillStatus", "CLEARED")],
        "n-0",
        &now(0),
        KEY.1,
    );
    let (_, body) = call(&server, &query).await;
    // Generated bills 0, 3, 6, ... are OWN_ECS; the even ones of them are CLEARED.
    assert_eq!(body["Total"], 10);

    server.dataset.set_len(500);
    let mut seen = Vec::new();
    for page in 1..=10 {
        let number = page.to_string();
        let query = signed(
            &[("PageNumber", &number), ("PageSize", "50")],
            &format!("p-{page}"),
            &now(0),
            KEY.1,
        );
        let (status, body) = call(&server, &query).await;
        assert_eq!((status, &body["Total"]), (200, &json!(500)));
        seen.extend(body["Items"].as_array().expect("items").iter().cloned());
    }
    assert_each_once(&seen, bills(500), "BillUUID");
}

#[tokio::test]
async fn a_dropped_answer_still_used_the_nonce() {
    let server = start().await;
    server.faults.inject(Fault::DropResponse);
    let query = signed(&[], "once", &now(0), KEY.1);
    let err = http()
        .get(format!("{}/?{query}", server.base_url()))
        .send()
        .await
        .expect_err("no answer");
    assert!(err.is_request(), "{err:?}");
    assert_eq!(call(&server, &query).await, error(NONCE_USED));
}

#[tokio::test]
async fn busy_after_the_signature_check_and_throttling_before_it() {
    let server = start().await;
    server.faults.on_request(1, Fault::Busy);
    server
        .faults
        .on_request(2, Fault::TooManyRequests { retry_after: 3 });
    let busy = signed(&[], "b-1", &now(0), KEY.1);
    assert_eq!(call(&server, &busy).await, error(BUSY));
    let throttled = signed(&[], "b-2", &now(0), KEY.1);
    let response = get(&server, &format!("/?{throttled}"), &[]).await;
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(answer(response).await, error(THROTTLED));
    // The backend saw the busy call's nonce; the gateway turned the other away first.
    assert_eq!(call(&server, &busy).await.1["Code"], "SignatureNonceUsed");
    assert_eq!(call(&server, &throttled).await.0, 200);
}

#[tokio::test]
async fn a_temporary_key_signs_with_its_own_secret_and_the_issued_token() {
    let server = start().await;
    let (id, secret) = TEMPORARY_KEY;
    let query = signed_as(
        id,
        Some(SECURITY_TOKEN),
        &[("PageSize", "3")],
        "t-1",
        &now(0),
        secret,
    );
    // The token's `+`, `/` and `=` are percent-encoded.
    assert!(query.contains(&format!("SecurityToken={}", enc(SECURITY_TOKEN))));
    let (status, body) = call(&server, &query).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Items"], json!(bills(3).collect::<Vec<_>>()));

    let mismatch = error(MISMATCH);
    // The token is covered by the signature: one added after signing breaks it.
    let unsigned = format!(
        "{}&SecurityToken={}",
        signed_as(id, None, &[], "t-2", &now(0), secret),
        enc(SECURITY_TOKEN)
    );
    assert_eq!(call(&server, &unsigned).await, mismatch);
    // The permanent key's secret does not sign for the temporary key.
    let foreign = signed_as(id, Some(SECURITY_TOKEN), &[], "t-3", &now(0), KEY.1);
    assert_eq!(call(&server, &foreign).await, mismatch);
    assert_eq!(server.vendor.nonces_seen(), 1);
}

#[tokio::test]
async fn a_missing_unknown_or_expired_token_is_refused_with_alibabas_codes() {
    let server = start().await;
    let (id, secret) = TEMPORARY_KEY;
    let missing = error(NO_TOKEN);
    assert_eq!(
        call(&server, &signed_as(id, None, &[], "n", &now(0), secret)).await,
        missing
    );
    assert_eq!(
        call(&server, &signed_as(id, Some(""), &[], "n", &now(0), secret)).await,
        missing
    );
    let malformed = error(TOKEN_NOT_ISSUED);
    for token in ["CAIS-not-issued", &SECURITY_TOKEN[1..]] {
        let query = signed_as(id, Some(token), &[], "n", &now(0), secret);
        assert_eq!(call(&server, &query).await, malformed, "{token}");
    }
    // A token with the permanent key; a temporary key the fake never issued.
    let query = signed_as(KEY.0, Some(SECURITY_TOKEN), &[], "n", &now(0), KEY.1);
    assert_eq!(call(&server, &query).await, error(TOKEN_OF_ANOTHER_KEY));
    let query = signed_as("STS.other", Some(SECURITY_TOKEN), &[], "n", &now(0), secret);
    assert_eq!(call(&server, &query).await, error(UNKNOWN_KEY));
    assert_eq!(
        server.vendor.nonces_seen(),
        0,
        "no refused request used a nonce"
    );

    // An hour later the token has expired, even in a request stamped with that time.
    server
        .vendor
        .clock()
        .advance(Duration::from_millis(TOKEN_LIFETIME_MS as u64 + 1000));
    let later = Utc::from_unix_ms(server.vendor.clock().now_ms()).iso_seconds();
    let query = signed_as(id, Some(SECURITY_TOKEN), &[], "n", &later, secret);
    assert_eq!(call(&server, &query).await, error(TOKEN_EXPIRED));
    // The permanent key still works then.
    assert_eq!(call(&server, &signed(&[], "n", &later, KEY.1)).await.0, 200);
}
