//! The shared fault plan, dataset and log, exercised through the GSL fake (the vendor
//! envelopes of the other fakes are checked in their own tests).

use std::time::Duration;

use axum::http::Method;
use serde_json::{json, Value};

use crate::gsl::{self, LIST_PATH, REQUEST_ID, TOKEN};
use crate::testing::{answer, chain, get, get_json, http, impatient};
use crate::{Fault, Server, When};

/// The path and query of page `offset`, ten pools a page.
fn page_path(offset: u64) -> String {
    format!("{LIST_PATH}?limit=10&offset={offset}")
}

/// The header that opens GSL.
const AUTH: [(&str, &str); 1] = [("X-Auth-Token", TOKEN)];

/// The request for page `offset` through `client`, to send and see it fail.
fn page_request(client: &reqwest::Client, server: &Server, offset: u64) -> reqwest::RequestBuilder {
    let url = format!("{}{}", server.base_url(), page_path(offset));
    client.get(url).header(AUTH[0].0, AUTH[0].1)
}

/// The answer to page `offset`.
async fn page_response(server: &Server, offset: u64) -> reqwest::Response {
    get(server, &page_path(offset), &AUTH).await
}

async fn page(server: &Server, offset: u64) -> (u16, Value) {
    get_json(server, &page_path(offset), &AUTH).await
}

async fn raw(server: &Server, offset: u64) -> (u16, Vec<u8>) {
    let response = page_response(server, offset).await;
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

/// The body of page `offset` as served without a fault, then the answer to it with
/// `fault` (a fault on the body: the status is still 200).
async fn normal_then(server: &Server, offset: u64, fault: Fault) -> (Vec<u8>, reqwest::Response) {
    let (_, normal) = raw(server, offset).await;
    server.faults.on_page(offset, fault);
    let response = page_response(server, offset).await;
    assert_eq!(response.status(), 200);
    (normal, response)
}

fn ids(body: &Value) -> Vec<u64> {
    body["pools"]
        .as_array()
        .expect("pools")
        .iter()
        .filter_map(|p| p["id"].as_u64())
        .collect()
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_a_retry_works() {
    let server = gsl::start().await;
    server.faults.on_page(2, Fault::DropConnection);
    assert_eq!(page(&server, 1).await.0, 200);
    let err = page_request(&http(), &server, 2)
        .send()
        .await
        .expect_err("dropped");
    assert!(err.is_request(), "{err:?}");
    let text = chain(&err);
    assert!(
        text.contains("connection closed before message completed"),
        "{text}"
    );
    assert_eq!(page(&server, 2).await.0, 200, "first time only");
    assert_eq!(server.log.listing_requests(), 3);
    let served = server.faults.served();
    assert_eq!(served.len(), 1);
    assert_eq!(
        (served[0].listing, &served[0].fault),
        (Some((2, 2)), &Fault::DropConnection)
    );
    assert_eq!(served[0].route, format!("GET {LIST_PATH}"));
    assert_eq!(server.faults.remaining(), 0);
}

#[tokio::test]
async fn throttling_and_gateway_pages() {
    let server = gsl::start().await;
    server
        .faults
        .on_request(1, Fault::TooManyRequests { retry_after: 7 });
    server.faults.on_request(2, Fault::GatewayHtml(502));
    let response = page_response(&server, 1).await;
    assert_eq!(response.headers()["retry-after"], "7");
    let (status, body) = answer(response).await;
    assert_eq!((status, &body["error_code"]), (429, &json!("APIGW.0308")));
    assert_eq!(body["request_id"], REQUEST_ID);

    let response = page_response(&server, 1).await;
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    let page = response.text().await.expect("a page");
    assert!(
        page.contains("<center><h1>502 Bad Gateway</h1></center>"),
        "{page}"
    );
    assert_eq!(self::page(&server, 1).await.0, 200);
}

#[tokio::test]
async fn the_busy_error_strikes_after_authentication() {
    let server = gsl::start().await;
    server.faults.inject(Fault::Busy);
    let refused = get(&server, LIST_PATH, &[("X-Auth-Token", "not-a-token")]).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(server.faults.remaining(), 1, "the strike went back");
    assert!(server.faults.served().is_empty());
    assert_eq!(
        page(&server, 1).await,
        (
            500,
            json!({"error_code": "GSL.00010003", "error_msg": "系统繁忙,请稍后重试。", "request_id": REQUEST_ID})
        )
    );
    assert_eq!(page(&server, 1).await.0, 200);
}

#[tokio::test]
async fn every_time_and_nth_request_rules() {
    let server = gsl::start().await;
    server.faults.on_every_page(2, Fault::Busy);
    server.faults.on_request(
        4,
        Fault::vendor_error(403, "GSL.00011004", "账期不合法,请检查!"),
    );
    let statuses = [
        page(&server, 2).await.0,
        page(&server, 2).await.0,
        page(&server, 1).await.0,
        page(&server, 1).await.0,
        page(&server, 1).await.0,
    ];
    assert_eq!(statuses, [500, 500, 200, 403, 200]);
    assert_eq!(
        server.faults.remaining(),
        0,
        "every-time rules are not counted"
    );
    server.faults.clear();
    assert_eq!(page(&server, 2).await.0, 200);
}

#[tokio::test]
async fn a_slow_answer_outlasts_a_client_timeout() {
    let server = gsl::start().await;
    server
        .faults
        .on_page(1, Fault::Delay(Duration::from_secs(5)));
    let impatient = impatient(Duration::from_millis(300));
    let err = page_request(&impatient, &server, 1)
        .send()
        .await
        .expect_err("too slow");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(page(&server, 1).await.0, 200);

    server.dataset.set_latency(Duration::from_secs(5));
    let err = page_request(&impatient, &server, 1)
        .send()
        .await
        .expect_err("too slow");
    assert!(err.is_timeout(), "{err:?}");
    server.dataset.set_latency(Duration::ZERO);
    assert_eq!(page(&server, 1).await.0, 200);
}

#[tokio::test]
async fn a_hanging_sign_in_never_answers_and_other_routes_still_do() {
    let server = crate::nce::start().await;
    server.faults.add(When::SignIn, None, Fault::Hang);
    let impatient = impatient(Duration::from_millis(300));
    let (user, password) = crate::nce::USER;
    for _ in 0..2 {
        let err = impatient
            .post(format!("{}{}", server.base_url(), crate::nce::TOKENS_PATH))
            .json(&json!({"userName": user, "password": password}))
            .send()
            .await
            .expect_err("no answer");
        assert!(err.is_timeout(), "{err:?}");
    }
    assert_eq!(server.log.sign_in_requests(), 2);
    assert_eq!(server.log.logins(), 0);
    // The listing still answers (without a token: the vendor's 401).
    let listing = format!("{}{}", server.base_url(), crate::nce::LIST_PATH);
    let (status, _) = answer(impatient.get(listing).send().await.expect("answered")).await;
    assert_eq!(status, 401);
    assert_eq!(server.log.sign_in_requests(), 2);
    assert_eq!(server.log.listing_pages(), [1]);
}

#[tokio::test]
async fn truncated_and_malformed_json_keep_status_200() {
    let server = gsl::start().await;
    let (normal, response) = normal_then(&server, 2, Fault::TruncatedJson).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let length: usize = response.headers()["content-length"]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("a number");
    let cut = response.bytes().await.expect("the whole short body");
    assert_eq!((length, cut.len()), (normal.len() / 2, normal.len() / 2));
    assert!(normal.starts_with(&cut), "a prefix of the real answer");
    assert!(serde_json::from_slice::<Value>(&cut).is_err());

    server.faults.on_page(2, Fault::MalformedJson);
    let (status, spoilt) = raw(&server, 2).await;
    assert_eq!((status, spoilt.len()), (200, normal.len()));
    assert_eq!(
        normal.iter().zip(&spoilt).filter(|(a, b)| a != b).count(),
        1
    );
    assert!(serde_json::from_slice::<Value>(&spoilt).is_err());
    assert_eq!(raw(&server, 2).await, (200, normal));
}

#[tokio::test]
async fn a_cut_body_fails_while_reading() {
    let server = gsl::start().await;
    let (normal, response) = normal_then(&server, 1, Fault::CutBody).await;
    assert_eq!(
        response.headers()["content-length"],
        normal.len().to_string().as_str()
    );
    let err = response.bytes().await.expect_err("the body is cut");
    assert!(err.is_body() || err.is_decode(), "{err:?}");
}

#[tokio::test]
async fn a_repeated_page_serves_the_previous_records() {
    let server = gsl::start().await;
    let (_, two) = page(&server, 2).await;
    let (_, three) = page(&server, 3).await;
    server.faults.on_page(
        3,
        Fault::RepeatPreviousPage {
            echo_previous: false,
        },
    );
    let (status, repeated) = page(&server, 3).await;
    assert_eq!(
        (status, &repeated["offset"], &repeated["count"]),
        (200, &json!(3), &json!(37))
    );
    assert_eq!(ids(&repeated), ids(&two));
    assert_eq!(page(&server, 3).await.1, three, "first time only");

    server.faults.on_page(
        3,
        Fault::RepeatPreviousPage {
            echo_previous: true,
        },
    );
    assert_eq!(page(&server, 3).await.1, two, "the whole previous answer");
    server.faults.on_page(
        1,
        Fault::RepeatPreviousPage {
            echo_previous: true,
        },
    );
    assert_eq!(
        ids(&page(&server, 1).await.1),
        ids(&page(&server, 1).await.1)
    );
}

#[tokio::test]
async fn totals_change_once_or_for_good() {
    let server = gsl::start().await;
    server.faults.on_page(2, Fault::ShiftTotal(5));
    let counts = [
        page(&server, 1).await.1["count"].clone(),
        page(&server, 2).await.1["count"].clone(),
        page(&server, 3).await.1["count"].clone(),
    ];
    assert_eq!(counts, [json!(37), json!(42), json!(37)]);
    server.dataset.set_len(45);
    let (_, last) = page(&server, 5).await;
    assert_eq!((&last["count"], ids(&last).len()), (&json!(45), 5));
}

#[tokio::test]
async fn the_log_counts_routes_even_when_not_recording() {
    let server = gsl::start().await;
    page(&server, 1).await;
    server.log.keep_requests(false);
    page(&server, 2).await;
    http()
        .get(format!("{}/elsewhere", server.base_url()))
        .send()
        .await
        .expect("sent");
    assert_eq!(server.log.requests().len(), 1);
    assert_eq!(
        server.log.listing_pages(),
        [1],
        "recorded with the requests"
    );
    assert_eq!(server.log.count(Method::GET, LIST_PATH), 2);
    assert_eq!(server.log.count(Method::GET, "/elsewhere"), 1);
    assert_eq!(server.log.listing_requests(), 2);
    assert_eq!(server.log.routes().len(), 2);
}

#[tokio::test]
async fn any_router_serves_answer_and_network_faults() {
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let server = Server::start(router).await;
    server
        .faults
        .inject(Fault::json(503, json!({"down": true})));
    server.faults.add(
        When::Route(Method::GET, "/".into()),
        Some(1),
        Fault::DropConnection,
    );
    let url = format!("{}/", server.base_url());
    assert_eq!(
        answer(http().get(&url).send().await.expect("sent")).await,
        (503, json!({"down": true}))
    );
    assert!(http().get(&url).send().await.is_err());
    let hello = http()
        .get(&url)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert_eq!(hello, "hello");
    assert!(server.ca_pem().is_none());
}
