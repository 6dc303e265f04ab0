//! The GSL and IAM fakes refuse what the gateway and IAM refuse, with their answers.
//! Requests are signed here by a separate, minimal signer (not [`super::aksk`]).

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::*;
use crate::testing::{answer, assert_each_once, get, get_json, http};
use crate::Server;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs `GET /v1/sim-pools?<query>` (pairs given encoded and sorted) for `host` at
/// `date`: the `Authorization` value.
fn sign(query: &str, host: &str, date: &str, (ak, sk): (&str, &str)) -> String {
    let canonical = format!(
        "GET\n/v1/sim-pools/\n{query}\nhost:{host}\nx-sdk-date:{date}\n\nhost;x-sdk-date\n{}",
        hex(&Sha256::digest(b""))
    );
    let to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(sk.as_bytes()).expect("any key length");
    mac.update(to_sign.as_bytes());
    let signature = hex(&mac.finalize().into_bytes());
    format!("SDK-HMAC-SHA256 Access={ak}, SignedHeaders=host;x-sdk-date, Signature={signature}")
}

fn now_date(offset_secs: i64) -> String {
    Utc::from_unix_ms(Clock::default().now_ms() + offset_secs * 1000).basic()
}

async fn signed_get(
    server: &Server,
    sent_query: &str,
    authorization: &str,
    date: &str,
) -> (u16, Value) {
    let headers = [("X-Sdk-Date", date), ("Authorization", authorization)];
    get_json(server, &format!("{LIST_PATH}?{sent_query}"), &headers).await
}

async fn with_token(server: &Server, token: &str, query: &str) -> (u16, Value) {
    let path = format!("{LIST_PATH}?{query}");
    get_json(server, &path, &[("X-Auth-Token", token)]).await
}

fn gateway(message: &str) -> Value {
    json!({"error_code": "APIGW.0301", "error_msg": format!("Incorrect IAM authentication information: {message}"), "request_id": REQUEST_ID})
}

#[tokio::test]
async fn aksk_signatures_are_verified() {
    let server = start().await;
    let host = server.addr().to_string();
    let date = now_date(0);
    let query = "limit=20&offset=1";
    let good = sign(query, &host, &date, AKSK);
    let (status, body) = signed_get(&server, query, &good, &date).await;
    assert_eq!((status, body["count"].as_u64()), (200, Some(37)), "{body}");

    // The parameters are sorted before signing: any order on the wire verifies.
    let (status, _) = signed_get(&server, "offset=1&limit=20", &good, &date).await;
    assert_eq!(status, 200);

    let mut tampered = good.clone();
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(tampered.len() - 1.., last);
    let refused = (401, gateway("verify aksk signature fail"));
    assert_eq!(signed_get(&server, query, &tampered, &date).await, refused);
    // A parameter changed after signing.
    assert_eq!(
        signed_get(&server, "limit=30&offset=1", &good, &date).await,
        refused
    );
    // The date changed after signing.
    assert_eq!(
        signed_get(&server, query, &good, &now_date(1)).await,
        refused
    );
    // Signed with another secret.
    let wrong = sign(query, &host, &date, (AKSK.0, "another-secret"));
    assert_eq!(signed_get(&server, query, &wrong, &date).await, refused);
    // Not the vendor's scheme.
    let other = good.replace("SDK-HMAC-SHA256", "SDK-HMAC-SHA1");
    assert_eq!(signed_get(&server, query, &other, &date).await, refused);

    let stranger = sign(query, &host, &date, ("UNKNOWNACCESSKEY0000", AKSK.1));
    assert_eq!(
        signed_get(&server, query, &stranger, &date).await,
        (401, gateway("ak not exist"))
    );
}

#[tokio::test]
async fn stale_or_future_dates_are_refused() {
    let server = start().await;
    let host = server.addr().to_string();
    let expired = (401, gateway("calc ak sk signature fail:signature expired"));
    for offset in [-16 * 60, 16 * 60] {
        let date = now_date(offset);
        let authorization = sign("", &host, &date, AKSK);
        assert_eq!(
            signed_get(&server, "", &authorization, &date).await,
            expired,
            "{offset}"
        );
    }
    for bad_date in ["2020-06-08T02:39:00Z", "yesterday"] {
        let authorization = sign("", &host, bad_date, AKSK);
        assert_eq!(
            signed_get(&server, "", &authorization, bad_date).await,
            expired
        );
    }
    // A fresh signature goes stale when the gateway's clock moves on.
    let date = now_date(0);
    let authorization = sign("", &host, &date, AKSK);
    assert_eq!(signed_get(&server, "", &authorization, &date).await.0, 200);
    server.vendor.clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(
        signed_get(&server, "", &authorization, &date).await,
        expired
    );
}

#[tokio::test]
async fn unsigned_or_unknown_tokens_are_refused() {
    let server = start().await;
    let response = get(&server, LIST_PATH, &[]).await;
    assert_eq!(
        response.headers().get("X-Request-Id").map(|v| v.as_bytes()),
        Some(REQUEST_ID.as_bytes())
    );
    assert_eq!(
        answer(response).await,
        (401, gateway("x-auth-token not found"))
    );
    assert_eq!(
        with_token(&server, "not-a-token", "").await,
        (401, gateway("decrypt token fail"))
    );
    assert_eq!(with_token(&server, TOKEN, "").await.0, 200);
    server.vendor.expire_tokens();
    let (status, body) = with_token(&server, TOKEN, "").await;
    assert_eq!((status, &body["error_code"]), (401, &json!("APIGW.0301")));
    let message = body["error_msg"].as_str().expect("message");
    assert!(
        message
            .starts_with("Incorrect IAM authentication information: token expires, expires_at: "),
        "{message}"
    );
}

/// A GSL fake and the IAM fake issuing its tokens.
async fn gsl_and_iam() -> (Fake<Gsl>, Fake<Iam>) {
    let gsl = start().await;
    let iam = start_iam(&gsl).await;
    (gsl, iam)
}

fn iam_body(password: &str, scope: Value) -> Value {
    let (name, _, domain, _) = USER;
    json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": name, "password": password, "domain": {"name": domain}}}}, "scope": scope}})
}

async fn iam_login(iam: &Server, body: &Value) -> reqwest::Response {
    http()
        .post(format!("{}{IAM_TOKENS_PATH}", iam.base_url()))
        .json(body)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn iam_issues_tokens_that_open_gsl_and_expire() {
    let (gsl, iam) = gsl_and_iam().await;
    iam.vendor.set_token_lifetime(Duration::from_secs(2));
    let by_name = json!({"project": {"name": USER.3}});
    let response = iam_login(&iam, &iam_body(USER.1, by_name)).await;
    assert_eq!(response.status(), 201);
    let token = response.headers()["X-Subject-Token"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let (_, body) = answer(response).await;
    let at = |field: &str| {
        let text = body["token"][field].as_str().expect("a time");
        assert_eq!(text.len(), "2023-09-19T08:30:52.345000Z".len(), "{text}");
        let seconds = Utc::parse_iso_seconds(&format!("{}Z", &text[..19])).expect("ISO 8601");
        seconds.unix_ms() + text[20..23].parse::<i64>().expect("millis")
    };
    assert_eq!(at("expires_at") - at("issued_at"), 2000);
    assert_eq!(body["token"]["project"]["id"], PROJECT_ID);
    assert_eq!(iam.log.logins(), 1);

    assert_eq!(with_token(&gsl, &token, "").await.0, 200);
    iam.vendor.clock().advance(Duration::from_secs(2));
    let expires_at = body["token"]["expires_at"].as_str().expect("expires_at");
    assert_eq!(
        with_token(&gsl, &token, "").await,
        (
            401,
            gateway(&format!("token expires, expires_at: {expires_at}"))
        )
    );
    // The static token does not expire with time.
    assert_eq!(with_token(&gsl, TOKEN, "").await.0, 200);

    // A project scope by id works too, and each sign-in gets its own token.
    let by_id = json!({"project": {"id": PROJECT_ID}});
    let response = iam_login(&iam, &iam_body(USER.1, by_id)).await;
    assert_eq!(response.status(), 201);
    assert_ne!(response.headers()["X-Subject-Token"], token.as_str());
    assert_eq!(iam.log.logins(), 2);
}

#[tokio::test]
async fn iam_refuses_a_wrong_password_and_nothing_else_happens() {
    let (gsl, iam) = gsl_and_iam().await;
    let response = iam_login(
        &iam,
        &iam_body("wrong", json!({"project": {"name": USER.3}})),
    )
    .await;
    assert!(response.headers().get("X-Subject-Token").is_none());
    assert_eq!(
        answer(response).await,
        (
            401,
            json!({"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}})
        )
    );
    let response = iam_login(
        &iam,
        &iam_body(USER.1, json!({"project": {"name": "eu-west-0"}})),
    )
    .await;
    assert_eq!(
        answer(response).await,
        (
            400,
            json!({"error": {"code": 400, "message": "The project does not exist.", "title": "Bad Request"}})
        )
    );
    assert_eq!(iam.log.logins(), 0);
    assert!(gsl.log.requests().is_empty());
}

#[tokio::test]
async fn pages_are_numbered_by_offset_and_cover_the_dataset() {
    let server = start().await;
    server.dataset.set_len(1234);
    let mut seen = Vec::new();
    for offset in 1..=3 {
        let (status, body) =
            with_token(&server, TOKEN, &format!("limit=500&offset={offset}")).await;
        assert_eq!(status, 200);
        assert_eq!(
            (&body["limit"], &body["offset"], &body["count"]),
            (&json!(500), &json!(offset), &json!(1234))
        );
        seen.extend(body["pools"].as_array().expect("pools").iter().cloned());
    }
    assert_eq!(seen.len(), 1234);
    assert_each_once(&seen, pools(1234), "id");
    let (_, body) = with_token(&server, TOKEN, "").await;
    assert_eq!((&body["limit"], &body["offset"]), (&json!(10), &json!(1)));
    assert_eq!(body["pools"].as_array().map(Vec::len), Some(10));
}

#[tokio::test]
async fn out_of_range_parameters_get_the_vendor_codes() {
    let server = start().await;
    let bad = (
        400,
        json!({"error_code": "GSL.00010004", "error_msg": "参数异常", "request_id": REQUEST_ID}),
    );
    let long = "p".repeat(101);
    for query in [
        "limit=9",
        "limit=501",
        "offset=0",
        "offset=1000001",
        "limit=ten",
        &*format!("pool_name={long}"),
        "all_billing_cycle=yes",
        "status=1,x",
    ] {
        assert_eq!(with_token(&server, TOKEN, query).await, bad, "{query}");
    }
    let cycle = (
        403,
        json!({"error_code": "GSL.00011004", "error_msg": "账期不合法,请检查!", "request_id": REQUEST_ID}),
    );
    for query in ["billing_cycle=2022-13", "billing_cycle=2022-9"] {
        assert_eq!(with_token(&server, TOKEN, query).await, cycle, "{query}");
    }
    let (status, body) = with_token(&server, TOKEN, "pool_name=pool&status=1&limit=100").await;
    assert_eq!((status, &body["count"]), (200, &json!(29)));
}
