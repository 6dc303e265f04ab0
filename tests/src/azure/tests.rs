//! The Resource Manager and token endpoint fakes refuse what Azure refuses, with its
//! answers, and page as it does. Requests are plain reqwest calls.

use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::percent_encode;
use crate::testing::{answer, assert_each_once, get, http};
use crate::Server;

/// Posts `form` (already encoded) to the token endpoint of `tenant`.
async fn sign_in(entra: &Server, tenant: &str, form: &str) -> (u16, Value) {
    let url = format!("{}/{tenant}/oauth2/v2.0/token", entra.base_url());
    let sent = http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .expect("sent");
    answer(sent).await
}

/// The right form, with `secret`.
fn form(secret: &str) -> String {
    format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope={}",
        CLIENT.0,
        percent_encode(secret),
        percent_encode(SCOPE)
    )
}

/// A token of the fake's client.
async fn token(entra: &Server) -> String {
    let (status, body) = sign_in(entra, TENANT_ID, &form(CLIENT.1)).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().expect("a token").to_owned()
}

/// `GET <path>?<query>` with the bearer `token`: status, body (`null` for none), headers.
async fn call(arm: &Server, path: &str, token: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let bearer = format!("Bearer {token}");
    let response = get(arm, path, &[("Authorization", &bearer)]).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON")
    };
    (status, body, headers)
}

fn listing(query: &str) -> String {
    format!("{}?{query}", list_path(SUBSCRIPTION_ID))
}

fn arm_error(code: &str) -> impl Fn(&Value) -> bool + '_ {
    move |body| body["error"]["code"] == code && body["error"]["message"].is_string()
}

#[tokio::test]
async fn the_token_endpoint_issues_bearer_tokens_and_refuses_as_entra_does() {
    let arm = start().await;
    let entra = start_entra(&arm).await;
    let (status, body) = sign_in(&entra, TENANT_DOMAIN, &form(CLIENT.1)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["token_type"],
            &body["expires_in"],
            &body["ext_expires_in"]
        ),
        (&json!("Bearer"), &json!(3599), &json!(3599))
    );
    let claims = token::verify(body["access_token"].as_str().expect("token")).expect("signed");
    assert_eq!(
        (claims.tenant.as_str(), claims.app.as_str()),
        (TENANT_ID, CLIENT.0)
    );
    assert_eq!(entra.log.logins(), 1);

    let other_scope = "grant_type=client_credentials&client_id=".to_owned()
        + CLIENT.0
        + "&client_secret="
        + &percent_encode(CLIENT.1);
    let cases: Vec<(&str, String, u16, &str, u64)> = vec![
        (TENANT_ID, form("wrong"), 401, "invalid_client", 7_000_215),
        (
            "other-tenant",
            form(CLIENT.1),
            400,
            "invalid_request",
            90_002,
        ),
        (
            TENANT_ID,
            other_scope.clone(),
            400,
            "invalid_request",
            900_144,
        ),
        (
            TENANT_ID,
            format!("{other_scope}&scope=https%3A%2F%2Fmanagement.azure.com%2Fuser_impersonation"),
            400,
            "invalid_scope",
            1_002_012,
        ),
        (
            TENANT_ID,
            format!("{other_scope}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"),
            400,
            "invalid_resource",
            500_011,
        ),
        (
            TENANT_ID,
            form(CLIENT.1).replace(CLIENT.0, "00000000-0000-0000-0000-000000000000"),
            400,
            "unauthorized_client",
            700_016,
        ),
        (
            TENANT_ID,
            form(CLIENT.1).replace("client_credentials", "password"),
            400,
            "unsupported_grant_type",
            70_003,
        ),
        (
            TENANT_ID,
            format!(
                "grant_type=client_credentials&client_id={}&scope=x",
                CLIENT.0
            ),
            401,
            "invalid_client",
            7_000_218,
        ),
    ];
    for (tenant, sent, status, error, code) in cases {
        let (got, body) = sign_in(&entra, tenant, &sent).await;
        assert_eq!(
            (got, &body["error"]),
            (status, &json!(error)),
            "{sent}: {body}"
        );
        assert_eq!(body["error_codes"], json!([code]), "{body}");
        let description = body["error_description"].as_str().expect("a description");
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{description}"
        );
        assert_eq!(body["trace_id"], TRACE_ID);
        assert!(body["timestamp"].is_string() && body["correlation_id"].is_string());
        assert!(!description.contains(CLIENT.1), "{description}");
    }
    assert_eq!(entra.log.logins(), 1, "no refused sign-in counts");
}

#[tokio::test]
async fn resource_manager_checks_the_bearer_token() {
    let arm = start().await;
    let entra = start_entra(&arm).await;
    let page = listing("api-version=2024-08-01");

    let response = get(&arm, &page, &[]).await;
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        challenge.starts_with("Bearer authorization_uri=")
            && challenge.contains("error=\"invalid_token\"")
    );
    let (status, body) = answer(response).await;
    assert_eq!(status, 401);
    assert!(arm_error("AuthenticationFailed")(&body), "{body}");

    let (status, body, _) = call(&arm, &page, "eyJ0eXAiOiJKV1QifQ.e30.c2lnbmF0dXJl").await;
    assert_eq!(status, 401);
    assert!(arm_error("InvalidAuthenticationToken")(&body), "{body}");

    let token = token(&entra).await;
    let (status, body, headers) = call(&arm, &page, &token).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        headers.contains_key("x-ms-request-id")
            && headers.contains_key("x-ms-correlation-request-id")
    );

    // An hour later the token has expired, on the fake's clock.
    arm.vendor.clock.advance(Duration::from_secs(3600));
    let (status, body, headers) = call(&arm, &page, &token).await;
    assert_eq!(status, 401);
    assert!(arm_error("ExpiredAuthenticationToken")(&body), "{body}");
    let message = body["error"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("The access token expiry UTC time '"),
        "{message}"
    );
    assert_eq!(headers["x-ms-request-id"], REQUEST_ID);

    // A fresh token works until the fake ends every token.
    let fresh = self::token(&entra).await;
    assert_eq!(call(&arm, &page, &fresh).await.0, 200);
    arm.vendor.expire_tokens();
    let (status, body, _) = call(&arm, &page, &fresh).await;
    assert_eq!(status, 401);
    assert!(arm_error("ExpiredAuthenticationToken")(&body), "{body}");
    assert_eq!(call(&arm, &page, &self::token(&entra).await).await.0, 200);
}

#[tokio::test]
async fn tokens_of_another_tenant_or_resource_are_refused() {
    let arm = start().await;
    let page = listing("api-version=2024-08-01");
    let now = arm.vendor.clock.now_ms() / 1000;
    let claims = token::Claims {
        audience: token::AUDIENCE.to_owned(),
        tenant: TENANT_ID.to_owned(),
        app: CLIENT.0.to_owned(),
        issued: now,
        expires: now + 3599,
        serial: 1,
    };
    assert_eq!(call(&arm, &page, &token::mint(&claims)).await.0, 200);
    let other_tenant = token::Claims {
        tenant: "11111111-2222-3333-4444-555555555555".to_owned(),
        ..claims.clone()
    };
    let graph = token::Claims {
        audience: "https://graph.microsoft.com/".to_owned(),
        ..claims
    };
    for (token, code) in [
        (other_tenant, "InvalidAuthenticationTokenTenant"),
        (graph, "InvalidAuthenticationToken"),
    ] {
        let (status, body, headers) = call(&arm, &page, &token::mint(&token)).await;
        assert_eq!(status, 401);
        assert!(arm_error(code)(&body), "{body}");
        assert!(headers.contains_key("www-authenticate"));
    }
}

#[tokio::test]
async fn resource_manager_checks_the_api_version_and_the_subscription() {
    let arm = start().await;
    let entra = start_entra(&arm).await;
    let token = token(&entra).await;
    let refused = [
        (listing(""), 400, "MissingApiVersionParameter"),
        (
            listing("api-version=2099-01-01"),
            400,
            "InvalidApiVersionParameter",
        ),
        (
            format!(
                "{}?api-version=2024-08-01",
                list_path("00000000-0000-0000-0000-000000000000")
            ),
            404,
            "SubscriptionNotFound",
        ),
        (
            listing("api-version=2024-08-01&%24top=1001"),
            400,
            "BadRequest",
        ),
        (
            listing("api-version=2024-08-01&%24skiptoken=nope"),
            400,
            "BadRequest",
        ),
        (
            listing("api-version=2024-08-01&%24filter=properties%2FchargeType%20ne%20%27Usage%27"),
            400,
            "BadRequest",
        ),
        (
            listing("api-version=2024-08-01&metric=cost"),
            400,
            "BadRequest",
        ),
    ];
    for (path, status, code) in refused {
        let (got, body, headers) = call(&arm, &path, &token).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(arm_error(code)(&body), "{path}: {body}");
        assert_eq!(headers["x-ms-request-id"], REQUEST_ID);
    }
}

/// Every page, following `nextLink` from `first`: the details in order and the links.
async fn walk(arm: &Server, first: &str, token: &str) -> (Vec<Value>, Vec<String>) {
    let (mut details, mut links) = (Vec::new(), Vec::new());
    let (status, mut body, _) = call(arm, first, token).await;
    loop {
        assert_eq!(status, 200, "{body}");
        details.extend(body["value"].as_array().expect("value").iter().cloned());
        let Some(link) = body["nextLink"].as_str().map(str::to_owned) else {
            break;
        };
        let path = link
            .strip_prefix(&arm.base_url())
            .unwrap_or_else(|| panic!("an absolute link to the fake: {link}"))
            .to_owned();
        links.push(link);
        body = call(arm, &path, token).await.1;
    }
    (details, links)
}

#[tokio::test]
async fn pages_follow_absolute_next_links_with_a_skiptoken() {
    let arm = start().await;
    let entra = start_entra(&arm).await;
    let token = token(&entra).await;
    arm.dataset.set_len(95);
    let (details, links) = walk(&arm, &listing("api-version=2024-08-01&%24top=10"), &token).await;
    assert_each_once(&details, usage_details(95), "name");
    assert_eq!(links.len(), 9);
    assert!(
        links[0].contains("?api-version=2024-08-01&$top=10&$skiptoken=")
            && links[0].ends_with("%3D"),
        "{}",
        links[0]
    );
    assert_eq!(arm.log.listing_pages(), (1..=10).collect::<Vec<_>>());

    // Without `$top`, 1000 a page.
    arm.dataset.set_len(2345);
    let (details, links) = walk(&arm, &listing("api-version=2024-08-01"), &token).await;
    assert_eq!((details.len(), links.len()), (2345, 2));

    // A filter is kept in the links; nothing at all is 204.
    arm.dataset.set_len(95);
    let filter =
        "properties%2FresourceGroup%20eq%20%27rg-data%27%20and%20tags%20eq%20%27env%3Aprod%27";
    let (details, links) = walk(
        &arm,
        &listing(&format!(
            "api-version=2024-08-01&%24top=5&%24filter={filter}"
        )),
        &token,
    )
    .await;
    let want: Vec<Value> = usage_details(95)
        .filter(|d| d["properties"]["resourceGroup"] == "rg-data" && d["tags"]["env"] == "prod")
        .collect();
    assert!(want.len() > 5);
    assert_eq!(details, want);
    assert!(links
        .iter()
        .all(|l| l.contains(&format!("$filter={filter}"))));
    arm.dataset.set_len(0);
    let (status, body, _) = call(&arm, &listing("api-version=2024-08-01"), &token).await;
    assert_eq!((status, body), (204, Value::Null));
}

#[tokio::test]
async fn expand_adds_meter_details_on_every_page() {
    let arm = start().await;
    let entra = start_entra(&arm).await;
    let token = token(&entra).await;
    let query = "api-version=2024-08-01&%24expand=properties%2FmeterDetails&%24top=20&metric=usage";
    let (details, links) = walk(&arm, &listing(query), &token).await;
    assert_eq!((details.len(), links.len()), (57, 2));
    assert!(links
        .iter()
        .all(|l| l.contains("&$expand=properties%2FmeterDetails&metric=usage&$top=20&")));
    let meters = details
        .iter()
        .filter(|d| d["properties"]["meterDetails"]["serviceFamily"].is_string());
    assert_eq!(meters.count(), 57);
    assert!(details
        .iter()
        .all(|d| d["properties"].get("additionalInfo").is_none()));
    let both = expanded(
        usage_detail(0),
        "properties/meterDetails, properties/additionalInfo",
    );
    assert!(both["properties"]["additionalInfo"]
        .as_str()
        .is_some_and(|i| i.starts_with('{')));
    // Not asked, not there.
    assert_eq!(expanded(usage_detail(0), ""), usage_detail(0));
}

#[test]
fn details_carry_exact_decimals_and_nulls() {
    let detail = usage_detail(2);
    assert_eq!(detail["type"], "Microsoft.Consumption/usageDetails");
    assert_eq!(
        (detail["kind"].as_str(), detail["tags"].is_null()),
        (Some("legacy"), true)
    );
    let p = &detail["properties"];
    assert_eq!(p["subscriptionId"], SUBSCRIPTION_ID);
    // cost = quantity * unitPrice, to the last digit.
    assert_eq!(p["quantity"].to_string(), "1.6838");
    assert_eq!(p["unitPrice"].to_string(), "0.000162");
    assert_eq!(p["cost"].to_string(), "0.0002727756");
    assert!(usage_detail(3)["tags"].is_object());
    assert_eq!(
        without_nulls(json!({"a": null, "b": {"c": null, "d": 1}})),
        json!({"b": {"d": 1}})
    );
}
