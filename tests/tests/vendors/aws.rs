//! AWS Cost Explorer beyond the scenario tables: the service's throttling code on HTTP
//! 400, namespaced, is retried; an ended session token and a signature for another
//! region are final refusals with the vendor's code; amounts keep their digits; and
//! `GetDimensionValues` shares `POST /`, told apart by `X-Amz-Target`.

use meterage_clients::aws_cost_explorer::types::{DateInterval, Dimension};
use meterage_clients::aws_cost_explorer::{auth, Client};
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::{CallOptions, Error, TryStreamExt};
use meterage_tests::{aws, Fault, Vendor as _};

use crate::cases::default_query;
use crate::support::{access_key, as_json, assert_same_records, client, expected, vendor_answer};

/// The fake's temporary key with its session token.
fn temporary_key() -> AccessKey {
    AccessKey {
        security_token: Some(aws::SESSION_TOKEN.into()),
        ..access_key(aws::TEMPORARY_KEY)
    }
}

#[tokio::test]
async fn aws_limit_exceeded_on_400_is_retried_and_reported_transient() {
    let server = aws::start().await;
    let client: Client = client(&server, auth::sigv4(access_key(aws::KEY)));
    let throttled = || {
        Fault::vendor_error(
            400,
            "com.amazonaws.costexplorer#LimitExceededException",
            "Rate exceeded",
        )
    };
    server.faults.on_page(2, throttled());
    let results: Vec<_> = default_query(&client)
        .items()
        .try_collect()
        .await
        .expect("every result after a retry");
    assert_same_records(&as_json(&results), &expected((0..45).map(aws::result)));
    assert_eq!(server.log.listing_pages(), [1, 2, 2, 3, 4, 5]);

    server.faults.on_page(1, throttled());
    let error = default_query(&client)
        .options(CallOptions::new().no_retries())
        .send()
        .await
        .expect_err("throttled");
    vendor_answer(
        &error,
        400,
        Some("com.amazonaws.costexplorer#LimitExceededException"),
    );
    assert!(error.is_transient(), "{error:?}");
}

#[tokio::test]
async fn aws_an_ended_session_token_is_the_vendors_final_refusal() {
    let server = aws::start().await;
    let client: Client = client(&server, auth::sigv4(temporary_key()));
    default_query(&client)
        .send()
        .await
        .expect("the token is valid");
    server.vendor.expire_sessions();
    let error = default_query(&client).send().await.expect_err("expired");
    vendor_answer(
        &error,
        400,
        Some("com.amazon.coral.service#ExpiredTokenException"),
    );
    assert!(!error.is_transient(), "{error:?}");
    assert_eq!(server.log.requests().len(), 2, "not retried");
    assert!(!format!("{error} {error:?}").contains(aws::SESSION_TOKEN));
}

#[tokio::test]
async fn aws_a_signature_for_another_region_is_refused() {
    let server = aws::start().await;
    let sigv4 = auth::sigv4(access_key(aws::KEY)).region("eu-west-1");
    let client: Client = client(&server, sigv4);
    let error = default_query(&client)
        .send()
        .await
        .expect_err("wrong scope");
    vendor_answer(
        &error,
        403,
        Some("com.amazon.coral.service#InvalidSignatureException"),
    );
    let authorization = server.log.requests()[0]
        .header("authorization")
        .expect("signed")
        .to_owned();
    assert!(
        authorization.contains("/eu-west-1/ce/aws4_request"),
        "{authorization}"
    );
}

#[tokio::test]
async fn aws_amounts_keep_the_digits_the_service_sent() {
    let server = aws::start().await;
    let client: Client = client(&server, auth::sigv4(access_key(aws::KEY)));
    let page = default_query(&client).send().await.expect("a page");
    let first = &page.results_by_time.as_ref().expect("results")[0];
    let groups = first.groups.as_ref().expect("groups");
    let sent = aws::result(0);
    for (group, sent) in groups
        .iter()
        .zip(sent["Groups"].as_array().expect("groups"))
    {
        let metrics = group.metrics.as_ref().expect("metrics");
        for name in ["UnblendedCost", "UsageQuantity"] {
            let amount = metrics[name].amount.as_ref().expect("an amount");
            assert_eq!(
                amount.as_str(),
                sent["Metrics"][name]["Amount"].as_str().expect("text")
            );
        }
    }
}

#[tokio::test]
async fn aws_dimension_values_share_the_endpoint_by_their_target() {
    let server = aws::start().await;
    server.vendor.set_page_size(2);
    let client: Client = client(&server, auth::sigv4(access_key(aws::KEY)));
    let period = DateInterval {
        start: "2025-01-01".into(),
        end: "2025-02-01".into(),
    };
    let values: Vec<_> = client
        .get_dimension_values(period, Dimension::Service)
        .items()
        .try_collect()
        .await
        .expect("every value");
    let names: Vec<&str> = values.iter().filter_map(|v| v.value.as_deref()).collect();
    assert_eq!(names, aws::query::SERVICES);
    let requests = server.log.requests();
    assert_eq!(requests.len(), 3, "three pages of two");
    for request in &requests {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/")
        );
        assert_eq!(request.header("x-amz-target"), Some(aws::DIMENSIONS_TARGET));
    }
    let error = client
        .get_dimension_values(
            DateInterval {
                start: "2025-02-01".into(),
                end: "2025-01-01".into(),
            },
            Dimension::Service,
        )
        .send()
        .await
        .expect_err("an empty period");
    assert!(matches!(&error, Error::Api(_)), "{error:?}");
    assert_eq!(
        error.vendor_code(),
        Some("com.amazon.coral.validate#ValidationException")
    );
}
