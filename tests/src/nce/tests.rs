//! The NCE fake checks what the controller checks, with the controller's answers.

use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::testing::{answer, assert_each_once, chain, get_json, http, trusting};
use crate::{Fault, Server};

async fn login_with(client: &reqwest::Client, server: &Server, password: &str) -> (u16, Value) {
    let response = client
        .post(format!("{}{TOKENS_PATH}", server.base_url()))
        .json(&json!({"userName": USER.0, "password": password}))
        .send()
        .await
        .expect("sent");
    answer(response).await
}

async fn sign_in(server: &Server) -> String {
    let (status, body) = login_with(&http(), server, USER.1).await;
    assert_eq!((status, &body["errcode"]), (200, &json!("0")), "{body}");
    body["data"]["token_id"]
        .as_str()
        .expect("token_id")
        .to_owned()
}

/// A fresh fake and a token it issued.
async fn signed_in() -> (Fake<Nce>, String) {
    let server = start().await;
    let token = sign_in(&server).await;
    (server, token)
}

async fn list(server: &Server, token: &str, query: &str) -> (u16, Value) {
    let path = format!("{LIST_PATH}?{query}");
    get_json(server, &path, &[("X-ACCESS-TOKEN", token)]).await
}

/// The answers to `query` for pages `1..=last`, in order.
async fn pages(server: &Server, token: &str, query: &str, last: u64) -> Vec<(u16, Value)> {
    let mut answers = Vec::new();
    for page in 1..=last {
        let query = format!("{query}&pageIndex={page}");
        answers.push(list(server, token, &query).await);
    }
    answers
}

fn expired() -> Value {
    json!({"errcode": "401", "errmsg": "The token is invalid or has expired."})
}

#[tokio::test]
async fn login_issues_a_token_and_counts_the_sign_in() {
    let server = start().await;
    let (status, body) = login_with(&http(), &server, USER.1).await;
    assert_eq!(status, 200);
    assert_eq!(body["errcode"], "0");
    assert_eq!(body["data"]["token_id"], "x-nce-token-0001-3f9a");
    let expires = body["data"]["expiredDate"].as_str().expect("expiredDate");
    assert!(Utc::parse_spaced(expires).is_some(), "{expires}");
    assert_eq!(server.log.logins(), 1);
    assert_eq!(server.vendor.live_tokens(), 1);
}

#[tokio::test]
async fn a_wrong_password_is_an_errcode_on_http_200_and_nothing_else() {
    let server = start().await;
    let (status, body) = login_with(&http(), &server, "wrong").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"errcode": "1", "errmsg": "Username or password error."})
    );
    assert_eq!(server.log.logins(), 0);
    assert_eq!(server.vendor.live_tokens(), 0);
}

#[tokio::test]
async fn calls_need_a_live_token() {
    let server = start().await;
    assert_eq!(get_json(&server, LIST_PATH, &[]).await, (401, expired()));
    assert_eq!(
        list(&server, "x-nce-token-0001-3f9a", "").await,
        (401, expired())
    );

    let token = sign_in(&server).await;
    let (status, body) = list(&server, &token, "").await;
    assert_eq!((status, body["totalRecords"].as_u64()), (200, Some(45)));
}

#[tokio::test]
async fn tokens_slide_and_expire_when_idle() {
    let (server, token) = signed_in().await;
    let clock = &server.vendor.clock;
    clock.advance(Duration::from_secs(9 * 60));
    assert_eq!(list(&server, &token, "").await.0, 200);
    clock.advance(Duration::from_secs(9 * 60));
    assert_eq!(
        list(&server, &token, "").await.0,
        200,
        "each use extends it"
    );
    clock.advance(Duration::from_secs(10 * 60 + 1));
    assert_eq!(list(&server, &token, "").await, (401, expired()));
    assert_eq!(server.vendor.live_tokens(), 0);

    server.vendor.set_idle_timeout(Duration::from_secs(1));
    let token = sign_in(&server).await;
    clock.advance(Duration::from_secs(2));
    assert_eq!(list(&server, &token, "").await, (401, expired()));
}

#[tokio::test]
async fn tokens_expire_on_demand_and_mid_run() {
    let (server, token) = signed_in().await;
    server.vendor.expire_tokens();
    assert_eq!(list(&server, &token, "").await, (401, expired()));

    let token = sign_in(&server).await;
    server.faults.on_page(2, Fault::ExpireSessions);
    assert_eq!(list(&server, &token, "pageIndex=1").await.0, 200);
    assert_eq!(list(&server, &token, "pageIndex=2").await, (401, expired()));
    assert_eq!(server.log.logins(), 2);
}

#[tokio::test]
async fn logout_ends_the_token() {
    let (server, token) = signed_in().await;
    let base = server.base_url();
    let logout = |t: String| {
        let request = http()
            .delete(format!("{base}{TOKENS_PATH}"))
            .json(&json!({"token": t}));
        async move { answer(request.send().await.expect("sent")).await }
    };
    assert_eq!(
        logout(token.clone()).await,
        (
            200,
            json!({"errcode": "0", "errmsg": "Delete token successfully."})
        )
    );
    assert_eq!(list(&server, &token, "").await, (401, expired()));
    assert_eq!(
        logout(token).await,
        (
            200,
            json!({"errcode": "1", "errmsg": "The token does not exist."})
        )
    );
}

#[tokio::test]
async fn paging_serves_every_record_once_in_order() {
    let (server, token) = signed_in().await;
    server.dataset.set_len(1000);
    let mut seen = Vec::new();
    for (page, (status, body)) in (1..).zip(pages(&server, &token, "pageSize=100", 11).await) {
        assert_eq!(status, 200);
        assert_eq!(
            (body["pageIndex"].as_u64(), body["pageSize"].as_u64()),
            (Some(page), Some(100))
        );
        assert_eq!(body["totalRecords"], 1000);
        seen.extend(body["data"].as_array().expect("data").iter().cloned());
    }
    assert_each_once(&seen, records(1000), "userName");
}

#[tokio::test]
async fn sorting_orders_by_name_beyond_99_users() {
    let (server, token) = signed_in().await;
    server.dataset.set_len(120);
    let answers = pages(&server, &token, "sort=-userName&pageSize=50", 3).await;
    let names: Vec<String> = answers
        .iter()
        .flat_map(|(_, body)| body["data"].as_array().expect("data"))
        .map(|r| r["userName"].as_str().expect("name").to_owned())
        .collect();
    let mut expected: Vec<String> = (1..=120).map(|n| format!("user{n:02}")).collect();
    expected.sort();
    expected.reverse();
    assert_eq!(names, expected);
    assert_eq!(&names[..2], ["user99", "user98"]);
}

#[tokio::test]
async fn filters_select_records() {
    let (server, token) = signed_in().await;
    let (_, body) = list(
        &server,
        &token,
        "usedTime=20&beginTime=2017-11-24%2008%3A10%3A00&pageSize=100",
    )
    .await;
    // usedTime >= 20 keeps users 7 and up; charged from 08:10 keeps users 10 and up.
    assert_eq!(body["totalRecords"], 36);
    assert_eq!(body["data"][0]["userName"], "user10");
}

#[tokio::test]
async fn bad_parameters_get_http_400() {
    let (server, token) = signed_in().await;
    let long = "u".repeat(65);
    for (query, message) in [
        (
            "pageIndex=0",
            "pageIndex and pageSize must be positive integers.",
        ),
        (
            "pageSize=x",
            "pageIndex and pageSize must be positive integers.",
        ),
        (
            &*format!("userName={long}"),
            "The length of userName exceeds 64.",
        ),
        ("sort=name", "sort must be userName or -userName."),
        (
            "beginTime=2017%2F11%2F24",
            "beginTime must be yyyy-MM-dd HH:mm:ss.",
        ),
    ] {
        assert_eq!(
            list(&server, &token, query).await,
            (400, json!({"errcode": "2", "errmsg": message})),
            "{query}"
        );
    }
}

#[tokio::test]
async fn https_needs_the_test_ca() {
    let server = start_with(Options::https()).await;
    assert!(server.base_url().starts_with("https://127.0.0.1:"));
    let pem = server.ca_pem().expect("a CA");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");

    let (status, body) = login_with(&trusting(pem), &server, USER.1).await;
    assert_eq!((status, &body["errcode"]), (200, &json!("0")));

    // The system's roots do not know the test CA: the handshake fails.
    let err = reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .build()
        .expect("client")
        .post(format!("{}{TOKENS_PATH}", server.base_url()))
        .json(&json!({"userName": USER.0, "password": USER.1}))
        .send()
        .await
        .expect_err("untrusted");
    let text = chain(&err);
    assert!(text.contains("UnknownIssuer"), "{text}");
    // Plain HTTP to the TLS port is no HTTP answer either.
    let plain = server.base_url().replace("https://", "http://");
    assert!(http()
        .get(format!("{plain}{LIST_PATH}"))
        .send()
        .await
        .is_err());
    assert_eq!(server.log.logins(), 1);
}

#[tokio::test]
async fn injected_vendor_errors_use_the_nce_envelope() {
    let (server, token) = signed_in().await;
    server.faults.inject(Fault::Busy);
    assert_eq!(
        list(&server, &token, "").await,
        (
            500,
            json!({"errcode": "500", "errmsg": "The system is busy. Try again later."})
        )
    );
    server.faults.on_route(
        axum::http::Method::POST,
        TOKENS_PATH,
        Fault::vendor_error(200, "3", "The account is locked."),
    );
    assert_eq!(
        login_with(&http(), &server, USER.1).await,
        (
            200,
            json!({"errcode": "3", "errmsg": "The account is locked."})
        )
    );
    assert_eq!(server.log.logins(), 1, "the refused sign-in is not counted");
}
