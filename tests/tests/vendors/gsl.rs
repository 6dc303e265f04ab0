//! Huawei Cloud GSL: `GET /v1/sim-pools` with an IAM token, and the IAM token call.

use meterage_clients::huawei_gsl::{auth, types, Client};
use meterage_clients::runtime::{CallOptions, Error, Page};
use meterage_tests::gsl::{self, Gsl};
use meterage_tests::{Fake, Fault, When};
use serde_json::json;

use crate::support::{builder, client, gsl_aksk, last_query, serve, unchecked, vendor_answer};

/// A GSL fake, and a client of it with the token it always accepts.
async fn with_token() -> (Fake<Gsl>, Client) {
    serve(gsl::start(), auth::iam_token(gsl::TOKEN)).await
}

#[tokio::test]
async fn list_sim_pools_is_the_vendor_wire_request() {
    let (server, client) = with_token().await;
    let page = client
        .list_sim_pools()
        .pool_name("pool")
        .limit(10)
        .offset(2)
        .billing_cycle("2022-09")
        .all_billing_cycle(false)
        .status([1])
        .send()
        .await
        .expect("page");

    let sent = server.log.last().expect("one request");
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path, "/v1/sim-pools");
    assert_eq!(
        sent.query.as_deref(),
        Some("pool_name=pool&limit=10&offset=2&billing_cycle=2022-09&all_billing_cycle=false&status=1")
    );
    assert_eq!(sent.header("X-Auth-Token"), Some(gsl::TOKEN));
    assert_eq!(sent.header("Accept"), Some("application/json"));
    assert!(sent.body.is_empty());

    // 36 pools are named pool-NN; 7 of them (every fifth) are discarded.
    assert_eq!(page.status(), 200);
    assert_eq!(
        (page.limit, page.offset, page.count),
        (Some(10), Some(2), Some(29))
    );
    let names: Vec<&str> = page
        .pools
        .iter()
        .filter_map(|p| p.pool_name.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            "pool-13", "pool-14", "pool-16", "pool-17", "pool-18", "pool-19", "pool-21", "pool-22",
            "pool-23", "pool-24"
        ]
    );
    assert_eq!(page.body().total(), Some(29));
    assert_eq!(page.body().items().len(), 10);
}

#[tokio::test]
async fn the_issue_example_reads_like_hand_written_rust() {
    let (server, client) = with_token().await;
    let response = client
        .list_sim_pools()
        .billing_cycle("2022-09")
        .limit(100)
        .send()
        .await
        .expect("page");
    let flow_left: Option<f64> = response.pools[0].flow_left;
    assert_eq!(flow_left, Some(-42.59));
    assert_eq!(response.count, Some(37));
    assert_eq!(response.pools.len(), 37);
    // Parameters go out in spec order, whatever order the setters were called in.
    assert_eq!(last_query(&server), "limit=100&billing_cycle=2022-09");
}

#[tokio::test]
async fn constraints_are_checked_before_sending() {
    let (server, client) = with_token().await;
    let err = client
        .list_sim_pools()
        .limit(600)
        .offset(0)
        .billing_cycle("2022-9")
        .pool_name("p".repeat(101))
        .send()
        .await
        .expect_err("invalid");
    let Error::Validation {
        operation,
        violations,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*operation, "ListSimPools");
    let params: Vec<&str> = violations.iter().map(|v| v.param).collect();
    // `2022-9` is both too short and not `yyyy-MM`: two violations of one parameter.
    assert_eq!(
        params,
        [
            "pool_name",
            "limit",
            "offset",
            "billing_cycle",
            "billing_cycle"
        ]
    );
    let message = err.to_string();
    for wanted in [
        "`limit` must be at most 500, got 600",
        "`offset` must be at least 1, got 0",
        "`billing_cycle` must be exactly 7 characters long, got \"2022-9\"",
        "`billing_cycle` must be formatted `yyyy-MM`, got \"2022-9\"",
        "`pool_name` must be at most 100 characters long",
    ] {
        assert!(message.contains(wanted), "{wanted:?} not in {message}");
    }
    assert!(server.log.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn validation_can_be_turned_off_and_the_vendor_answers() {
    let server = gsl::start().await;
    let client: Client = unchecked(&server, auth::iam_token(gsl::TOKEN));
    let refused = client.list_sim_pools().limit(600).send().await;
    let err = refused.expect_err("vendor rejects");
    let api = vendor_answer(&err, 400, Some("GSL.00010004"));
    assert_eq!(api.message.as_deref(), Some("参数异常"));
    assert_eq!(
        api.request_id.as_deref(),
        Some("5e9b8fa2c9b84c45b37c3c1e5f2c3d11")
    );
    assert_eq!(last_query(&server), "limit=600");
}

#[tokio::test]
async fn vendor_errors_reach_the_caller_with_status_and_code() {
    let server = gsl::start().await;
    // The client refuses month 13 (the spec's pattern); with validation off the vendor
    // sees it, and answers 403.
    let lax: Client = unchecked(&server, auth::iam_token(gsl::TOKEN));
    let err = lax
        .list_sim_pools()
        .billing_cycle("2022-13")
        .send()
        .await
        .expect_err("403");
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.vendor_code(), Some("GSL.00011004"));
    let text = err.to_string();
    assert!(
        text.contains("ListSimPools") && text.contains("403") && text.contains("账期不合法"),
        "{text}"
    );

    // A wrong token: the API gateway's code.
    let stranger: Client = client(&server, auth::iam_token("not-a-token"));
    let err = stranger.list_sim_pools().send().await.expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.vendor_code(), Some("APIGW.0301"));
    assert!(
        !format!("{err:?}{err}").contains("not-a-token"),
        "the token leaked into the error"
    );
}

/// Faults whose body is not the vendor's: kept whole in the error (the busy answer,
/// and the retries of all three, are in the `faults` table).
#[tokio::test]
async fn faults_are_reported_without_losing_the_body() {
    let (server, client) = with_token().await;

    // With retries off, each is reported with what the server sent.
    let once = || {
        client
            .list_sim_pools()
            .options(CallOptions::new().no_retries())
            .send()
    };
    let truncated =
        r#"{"limit": 10, "offset": 1, "count": 1, "pools": [{"id": 1, "pool_name": "x""#;
    server.faults.add(
        When::Listing,
        Some(1),
        Fault::raw(200, "application/json", truncated),
    );
    let err = once().await.expect_err("truncated");
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.status, 200);
    assert!(decode.truncated());
    assert_eq!(decode.body, truncated.as_bytes(), "the raw body is kept");

    // A body of the wrong shape is not retried, even with retries on.
    let wrong_type = r#"{"limit": 10, "offset": 1, "count": 1, "pools": [{"id": "one"}]}"#;
    server.faults.add(
        When::Listing,
        Some(1),
        Fault::raw(200, "application/json", wrong_type),
    );
    let before = server.log.listing_requests();
    let err = client
        .list_sim_pools()
        .send()
        .await
        .expect_err("wrong type");
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "pools[0].id");
    assert_eq!(server.log.listing_requests(), before + 1);

    server
        .faults
        .add(When::Listing, Some(1), Fault::GatewayHtml(502));
    let err = once().await.expect_err("gateway");
    let api = vendor_answer(&err, 502, None);
    assert!(
        api.message
            .as_deref()
            .is_some_and(|m| m.contains("502 Bad Gateway")),
        "{api:?}"
    );
}

#[tokio::test]
async fn a_hostile_body_size_is_refused_without_buffering_it() {
    let server = gsl::start().await;
    let client: Client = builder(&server, auth::iam_token(gsl::TOKEN))
        .max_body_bytes(64 * 1024)
        .build()
        .expect("client");
    server.faults.inject(Fault::raw(
        200,
        "application/json",
        format!("[{}]", "0,".repeat(100_000)),
    ));
    let err = client.list_sim_pools().send().await.expect_err("too large");
    let Error::BodyTooLarge { status, limit, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*status, *limit), (200, 64 * 1024));
    assert!(
        err.to_string().contains("larger than the 65536-byte limit"),
        "{err}"
    );
    // The next, normal response still works.
    assert_eq!(
        client.list_sim_pools().send().await.expect("page").count,
        Some(37)
    );
}

#[tokio::test]
async fn iam_token_call_goes_to_the_iam_host() {
    let gsl_server = gsl::start().await;
    let iam_server = gsl::start_iam(&gsl_server).await;
    // The client signs with AK/SK; the IAM call is `security: []`, so it goes unsigned.
    let iam_host = "https://iam.cn-north-4.myhuaweicloud.com";
    let signing: Client = builder(&gsl_server, gsl_aksk(("AK-example", "SK-example")))
        .server_override(iam_host, iam_server.base_url())
        .build()
        .expect("client");
    let (name, password, domain, project) = gsl::USER;
    let auth = types::IamAuth {
        identity: types::IamIdentity {
            methods: vec!["password".into()],
            password: types::IamPasswordIdentity {
                user: types::IamUser {
                    name: name.into(),
                    password: password.into(),
                    domain: types::IamDomain {
                        name: domain.into(),
                    },
                },
            },
        },
        scope: types::IamScope {
            project: types::IamProject {
                name: project.into(),
                id: None,
            },
        },
    };
    let response = signing
        .keystone_create_user_token_by_password(auth.clone())
        .send()
        .await
        .expect("token");
    assert_eq!(response.status(), 201);
    let issued = format!("{}-000001", gsl::TOKEN);
    assert_eq!(response.header("X-Subject-Token"), Some(issued.as_str()));
    assert!(gsl_server.log.requests().is_empty());

    let sent = iam_server.log.last().expect("sent to IAM");
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/v3/auth/tokens")
    );
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    assert_eq!(
        (sent.header("Authorization"), sent.header("X-Sdk-Date")),
        (None, None)
    );
    let body: serde_json::Value = serde_json::from_slice(&sent.body).expect("JSON body");
    assert_eq!(
        body,
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": name, "password": password, "domain": {"name": domain}}}}, "scope": {"project": {"name": project}}}})
    );
    assert!(
        !format!("{auth:?}").contains(password),
        "Debug shows the password"
    );

    // The token it returns opens GSL.
    let token = response
        .header("X-Subject-Token")
        .expect("token header")
        .to_owned();
    let gsl_client: Client = client(&gsl_server, auth::iam_token(token));
    assert_eq!(
        gsl_client
            .list_sim_pools()
            .send()
            .await
            .expect("page")
            .count,
        Some(37)
    );
}
