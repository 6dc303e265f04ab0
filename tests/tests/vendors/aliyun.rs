//! Alibaba Cloud BSS: `DescribeInstanceBill`, paged by `NextToken`, what the shared
//! tables do not cover: the wire request and its filters, BSS's own refusals, a token
//! that would loop, throttling answered with 400, exact amounts, the environment.

use meterage_clients::aliyun_bss::types::{Granularity, SubscriptionType};
use meterage_clients::aliyun_bss::Client;
use meterage_clients::runtime::{Error, TryStreamExt};
use meterage_tests::aliyun::{self, Aliyun};
use meterage_tests::{parse_pairs, Fake, Fault};
use serde_json::{json, Value};

use crate::cases::aliyun::{aliyun_signature, CYCLE};
use crate::support::{
    access_key, as_json, assert_same_records, client, expected, serve, vendor_answer,
};

/// A BSS fake, and a client of it signing with the permanent key.
async fn served() -> (Fake<Aliyun>, Client) {
    serve(
        aliyun::start(),
        aliyun_signature(access_key(aliyun::KEYS.key)),
    )
    .await
}

#[tokio::test]
async fn filters_go_on_the_wire_and_the_records_match_them() {
    let (server, client) = served().await;
    let bills: Vec<_> = client
        .describe_instance_bill(CYCLE)
        .product_code("rds")
        .subscription_type(SubscriptionType::PayAsYouGo)
        .is_billing_item(false)
        .max_results(4)
        .items()
        .try_collect()
        .await
        .expect("bills");
    let bills = as_json(&bills);
    let wanted = (0..60)
        .filter(|i| i % 4 == 1 && i % 3 != 0)
        .map(aliyun::bill);
    assert_same_records(&bills, &expected(wanted));
    assert_eq!(bills.len(), 10);
    // Three pages of four; the business parameters first, in spec order, then the
    // signature's.
    let requests = server.log.requests();
    assert_eq!(requests.len(), 3);
    let query = requests[0].query.clone().expect("a query");
    let business = "Action=DescribeInstanceBill&Version=2017-12-14&Format=JSON&BillingCycle=2026-11&ProductCode=rds&SubscriptionType=PayAsYouGo&IsBillingItem=false&MaxResults=4&";
    assert!(query.starts_with(business), "{query}");
    let last = parse_pairs(requests[2].query.as_deref().unwrap_or(""));
    assert_eq!(
        meterage_tests::get(&last, "NextToken"),
        Some(aliyun::token(8).as_str())
    );
}

#[tokio::test]
async fn bss_refusals_are_final_with_its_codes() {
    let (server, client) = served().await;
    let bills = client.describe_instance_bill(CYCLE);
    let foreign = bills.clone().next_token("CAES-not-issued").send();
    let error = foreign.await.expect_err("a token BSS did not issue");
    vendor_answer(&error, 400, Some("InvalidNextToken"));
    let daily = bills.granularity(Granularity::Daily).send();
    let error = daily.await.expect_err("DAILY without BillingDate");
    let api = vendor_answer(&error, 400, Some("InvalidParameter"));
    assert_eq!(api.request_id.as_deref(), Some(aliyun::ERROR_REQUEST_ID));
    assert!(!error.is_transient());
    assert_eq!(server.log.requests().len(), 2, "neither was retried");
}

#[tokio::test]
async fn throttling_answered_with_400_is_retried_by_its_code() {
    let (server, client) = served().await;
    server.faults.on_page(
        2,
        Fault::vendor_error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        ),
    );
    let bills: Vec<_> = client
        .describe_instance_bill(CYCLE)
        .max_results(25)
        .items()
        .try_collect()
        .await
        .expect("every bill");
    assert_eq!(bills.len(), 60);
    assert_eq!(server.log.listing_pages(), [1, 2, 2, 3]);
}

#[tokio::test]
async fn a_token_given_twice_ends_the_stream_as_a_loop() {
    let (server, client) = served().await;
    let page = |items: Vec<Value>, next: String| json!({"Code": "Success", "Data": {"Items": items, "NextToken": next}});
    // Page 3 hands back the token page 2 was asked with.
    let third = page(aliyun::bills(30).skip(20).collect(), aliyun::token(10));
    server.faults.on_page(3, Fault::json(200, third));
    let error = client
        .describe_instance_bill(CYCLE)
        .max_results(10)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("a loop");
    assert!(matches!(error, Error::Pagination { .. }), "{error:?}");
    assert!(error.to_string().contains("loop"), "{error}");
    assert_eq!(server.log.listing_pages(), [1, 2, 3]);
}

#[tokio::test]
async fn amounts_keep_the_vendors_digits() {
    let (_server, client) = served().await;
    let page = client
        .describe_instance_bill(CYCLE)
        .max_results(1)
        .send()
        .await
        .expect("a page");
    let bill = &page.data.items[0];
    let amount = |value: &Option<meterage_clients::runtime::Decimal>| {
        value.as_ref().expect("an amount").to_string()
    };
    assert_eq!(amount(&bill.pretax_gross_amount), "10.0");
    assert_eq!(amount(&bill.outstanding_amount), "0.0");
    assert_eq!(
        page.data.next_token.as_deref(),
        Some(aliyun::token(1).as_str())
    );
    assert_eq!(page.data.total_count, Some(60));
}

/// `from_env` without its variables names the ones it needs (none is set in the test
/// environment).
#[test]
fn from_env_names_alibabas_variables() {
    let text = Client::from_env().expect_err("no credentials").to_string();
    for name in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ] {
        assert!(text.contains(name), "{text}");
    }
}

#[tokio::test]
async fn refused_keys_give_alibabas_codes_and_no_record() {
    let server = aliyun::start().await;
    let (temporary, secret) = aliyun::KEYS.temporary;
    for (key, status, code) in [
        (
            ("LTAI-not-known", secret),
            404,
            "InvalidAccessKeyId.NotFound",
        ),
        ((temporary, secret), 400, "MissingSecurityToken"),
    ] {
        let bss: Client = client(&server, aliyun_signature(access_key(key)));
        let mut bills = bss.describe_instance_bill(CYCLE).items();
        let error = bills.try_next().await.expect_err("refused");
        vendor_answer(&error, status, Some(code));
    }
    assert_eq!(server.log.requests().len(), 2, "neither was retried");
}
