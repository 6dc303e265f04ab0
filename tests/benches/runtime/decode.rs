//! Section 5: decoding a page of Kaopuyun bills, whose `PayPrice` and `TotalPrice` are
//! `Decimal`s sent as JSON numbers.
//!
//! Plain `serde_json::from_slice` into the generated type is what a consumer reading
//! stored records does; into a `serde_json::Value` is a reference the runtime does not
//! touch (two builds compared in one session divide by it). The call compares the
//! generated client's `send()` with `reqwest` + `serde_json::from_slice` against a
//! loopback server answering the same fixed page.

use std::hint::black_box;
use std::time::Duration;

use meterage_clients::kaopuyun::{self, types::DescribeFlowBillsResponse};
use meterage_clients::runtime::auth::AccessKey;
use meterage_tests::kaopuyun as fake;

use super::{body_of, median, micros, serve_fixed};

/// Bills in the page.
const BILLS: u64 = 500;

/// The page: `BILLS` of the fake's bills, as the fake renders them.
fn page() -> String {
    serde_json::json!({
        "Total": BILLS, "RequestId": fake::REQUEST_ID,
        "Items": fake::bills(BILLS).collect::<Vec<_>>(),
    })
    .to_string()
}

/// A Kaopuyun client of `base` (the fixed server checks no signature).
fn client(base: &str) -> kaopuyun::Client {
    kaopuyun::Client::builder()
        .base_url(base)
        .auth(kaopuyun::auth::rpc_signature(AccessKey {
            id: fake::KEY.0.into(),
            secret: fake::KEY.1.into(),
            security_token: None,
        }))
        .build()
        .expect("client")
}

/// Plain `serde_json::from_slice` of `body` into the generated type.
fn typed(body: &[u8]) {
    let page: DescribeFlowBillsResponse = serde_json::from_slice(body).expect("decoded");
    black_box(page);
}

/// Plain `serde_json::from_slice` of `body` into a `serde_json::Value`.
fn value(body: &[u8]) {
    let page: serde_json::Value = serde_json::from_slice(body).expect("decoded");
    black_box(page);
}

pub(super) async fn bills() {
    println!("\n## Decoding a page of {BILLS} Kaopuyun bills (two decimals each)");
    println!("| decoding | µs per page | ratio |");
    println!("|---|---:|---:|");
    let body = page();
    let bytes = body.as_bytes();
    let (mut plain, mut reference) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        plain = plain.min(median(20, 400, || async { typed(bytes) }).await);
        reference = reference.min(median(20, 400, || async { value(bytes) }).await);
    }
    let ratio = plain.as_secs_f64() / reference.as_secs_f64();
    println!(
        "| `serde_json::Value` (reference) | {:.1} | 1.000 |",
        micros(reference)
    );
    println!(
        "| `serde_json::from_slice` into the generated type | {:.1} | {ratio:.3} |",
        micros(plain)
    );

    let base = serve_fixed("/", body.clone()).await;
    let http = reqwest::Client::new();
    let client = client(&base);
    let url = format!("{base}/?Action=DescribeFlowBills");
    let hand = || async {
        typed(&body_of(http.get(&url)).await);
    };
    let generated = || async {
        black_box(client.describe_flow_bills().send().await.expect("page"));
    };
    let (mut hand_best, mut generated_best) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        hand_best = hand_best.min(median(20, 120, hand).await);
        generated_best = generated_best.min(median(20, 120, generated).await);
    }
    println!(
        "| a call, hand-written `reqwest` + `serde_json::from_slice` | {:.1} | - |",
        micros(hand_best)
    );
    println!(
        "| a call, generated `send()` | {:.1} | {:.3} (of the hand-written call) |",
        micros(generated_best),
        generated_best.as_secs_f64() / hand_best.as_secs_f64()
    );
}

/// Decodes the page 2,000 times one way (`typed`, `value`, or `client`: 200 calls), for
/// instruction counts under `valgrind --tool=callgrind`.
pub(super) async fn variant(variant: &str) {
    let body = page();
    match variant {
        "value" => (0..2000).for_each(|_| value(body.as_bytes())),
        "client" => {
            let client = client(&serve_fixed("/", body).await);
            for _ in 0..200 {
                black_box(client.describe_flow_bills().send().await.expect("page"));
            }
        }
        _ => (0..2000).for_each(|_| typed(body.as_bytes())),
    }
    println!("decoded the page of {BILLS} bills one way: {variant}");
}
