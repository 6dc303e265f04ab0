//! Azure Consumption: `UsageDetails_List` on Resource Manager with an Entra ID token.
//! What the tables do not cover: the wire request, a token that expires on the
//! server's clock, a filter kept across `nextLink`s, an empty subscription, the
//! vendor's 404 and `from_env`.

use std::time::Duration;

use meterage_clients::azure_consumption::{Client, UsageDetailsList};
use meterage_clients::runtime::auth::ClientCredentials;
use meterage_clients::runtime::{Error, TryStreamExt};
use meterage_tests::azure::{self, Arm, Entra};
use meterage_tests::{parse_pairs, Fake};
use serde_json::Value;

use crate::support::{as_json, assert_same_records, client, expected};

/// Resource Manager, the token endpoint, and a client signing in there.
async fn served() -> (Fake<Arm>, Fake<Entra>, Client) {
    let arm = azure::start().await;
    let entra = azure::start_entra(&arm).await;
    let login = meterage_clients::azure_consumption::auth::azure_auth_login(ClientCredentials {
        tenant: Some(azure::TENANT_DOMAIN.into()),
        client_id: azure::CLIENT.0.into(),
        client_secret: azure::CLIENT.1.into(),
    })
    .authority_host(entra.base_url());
    let client = client(&arm, login);
    (arm, entra, client)
}

/// Every detail `call` lists, as JSON.
async fn listed(call: UsageDetailsList) -> Vec<Value> {
    let details = call.items().try_collect::<Vec<_>>().await;
    as_json(&details.expect("every detail"))
}

/// The fake's subscription as a scope, with the trailing `/` Azure documents.
fn subscription() -> String {
    format!("/subscriptions/{}/", azure::SUBSCRIPTION_ID)
}

#[tokio::test]
async fn usage_details_list_is_the_vendor_wire_request() {
    let (arm, entra, client) = served().await;
    let page = client
        .usage_details_list(subscription())
        .filter("properties/chargeType eq 'Usage'")
        .top(20)
        .send()
        .await
        .expect("a page")
        .into_inner()
        .expect("not empty");
    assert_eq!(page.value.as_ref().map(Vec::len), Some(20));
    let next = page.next_link.as_deref().expect("more pages");
    assert!(next.starts_with(&arm.base_url()), "{next}");

    let sent = arm.log.last().expect("sent");
    // The scope spans segments, its trailing `/` dropped where the path has one.
    assert_eq!(sent.path, azure::list_path(azure::SUBSCRIPTION_ID));
    let pairs = parse_pairs(sent.query.as_deref().unwrap_or(""));
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["$filter", "$top", "api-version"], "spec order");
    assert_eq!(
        meterage_tests::get(&pairs, "api-version"),
        Some("2024-08-01")
    );
    assert_eq!(
        meterage_tests::get(&pairs, "$filter"),
        Some("properties/chargeType eq 'Usage'")
    );
    // Signed in at the domain's tenant, on the authority host given.
    let sign_in = entra.log.last().expect("a sign-in");
    assert_eq!(
        sign_in.path,
        format!("/{}/oauth2/v2.0/token", azure::TENANT_DOMAIN)
    );
}

#[tokio::test]
async fn a_token_expired_on_the_servers_clock_is_renewed_once() {
    let (arm, entra, client) = served().await;
    client
        .usage_details_list(subscription())
        .send()
        .await
        .expect("first");
    // The client still thinks its token good for an hour; the server is an hour ahead.
    arm.vendor.clock.advance(Duration::from_secs(3600));
    client
        .usage_details_list(subscription())
        .send()
        .await
        .expect("renewed");
    assert_eq!(entra.log.logins(), 2);
    // The first call, the refused one and its replay.
    assert_eq!(arm.log.requests().len(), 3);
}

#[tokio::test]
async fn a_filter_is_kept_in_every_next_link() {
    let (arm, _entra, client) = served().await;
    arm.dataset.set_len(200);
    let filter = "properties/resourceGroup eq 'rg-web' and tags eq 'env:prod'";
    let details = listed(
        client
            .usage_details_list(subscription())
            .filter(filter)
            .top(4),
    )
    .await;
    let want: Vec<Value> = azure::usage_details(200)
        .filter(|d| d["properties"]["resourceGroup"] == "rg-web" && d["tags"]["env"] == "prod")
        .map(azure::without_nulls)
        .collect();
    assert!(want.len() > 8, "several pages");
    assert_same_records(&details, &expected(want.clone().into_iter()));
    assert_eq!(
        arm.log.listing_requests(),
        u64::try_from(want.len().div_ceil(4)).expect("a count")
    );
}

#[tokio::test]
async fn expanded_meter_details_decode_on_every_page() {
    let (arm, _entra, client) = served().await;
    let call = client.usage_details_list(subscription()).top(25);
    let details = listed(call.expand("properties/meterDetails")).await;
    // The typed client kept each `meterDetails` (a field it did not know would be lost).
    let want = azure::usage_details(57)
        .map(|detail| azure::without_nulls(azure::expanded(detail, "properties/meterDetails")));
    assert_same_records(&details, &expected(want));
    assert!(details[56]["properties"]["meterDetails"]["meterCategory"].is_string());
    assert_eq!(arm.log.listing_requests(), 3);
}

#[tokio::test]
async fn an_empty_subscription_is_no_content_and_no_detail() {
    let (arm, _entra, client) = served().await;
    arm.dataset.set_len(0);
    let answer = client
        .usage_details_list(subscription())
        .send()
        .await
        .expect("204");
    assert_eq!(answer.status(), 204);
    assert!(answer.is_none());
    let details = listed(client.usage_details_list(subscription())).await;
    assert!(details.is_empty());
}

#[tokio::test]
async fn another_subscription_is_the_vendors_404_and_final() {
    let (arm, _entra, client) = served().await;
    let other = "/subscriptions/00000000-0000-0000-0000-000000000000";
    let error = client
        .usage_details_list(other)
        .send()
        .await
        .expect_err("none");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(404), Some("SubscriptionNotFound"))
    );
    assert!(!error.is_transient());
    let api = error.api().expect("the vendor's answer");
    assert_eq!(api.request_id.as_deref(), Some(azure::REQUEST_ID));
    assert_eq!(arm.log.requests().len(), 1, "not retried");
}

/// `from_env` without its variables names the ones it needs (none is set in the test
/// environment).
#[test]
fn from_env_names_the_missing_variables() {
    let error = Client::from_env().expect_err("no credentials");
    let text = error.to_string();
    assert!(
        ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID"]
            .iter()
            .all(|var| text.contains(var)),
        "{text}"
    );
}
