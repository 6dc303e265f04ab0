//! Signing in as each vendor requires, through the runtime alone: the first call signs
//! in, wrong credentials end in the vendor's error and nothing else, an expiry in the
//! middle of a run is transparent with one sign-in for twenty concurrent calls, IAM
//! tokens are renewed before they expire, and NCE runs over HTTPS with a private CA.

use std::time::Duration;

use axum::http::Method;
use meterage_clients::runtime::auth::{KeystoneUser, UsernamePassword};
use meterage_clients::runtime::{Error, TryStreamExt};
use meterage_clients::{huawei_gsl, kaopuyun as kp, plcloud as pl};
use meterage_tests::plcloud::Expired;
use meterage_tests::{gsl, kaopuyun, nce, plcloud, Fault, Options};

use crate::support::{
    as_json, assert_same_records, configure, expected, gsl_aksk_client, gsl_iam_client, iam_user,
    kaopuyun_client, nce_client, nce_user, plcloud_client, plcloud_user,
};

/// Runs `call` twenty times at once and checks every call succeeded.
async fn twenty_at_once<F, Fut, T>(call: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = (0..20).map(|_| tokio::spawn(call())).collect();
    for task in tasks {
        task.await.expect("task").expect("call");
    }
}

// ---- NCE-Campus: a login token ------------------------------------------------------

#[tokio::test]
async fn nce_first_call_logs_in_over_https_and_returns_every_record() {
    let server = nce::start_with(Options::https()).await;
    assert!(server.base_url().starts_with("https://"));
    let client = nce_client(&server, nce_user());
    let users: Vec<_> = client
        .get_time_flow_st_info_list()
        .page_size(10)
        .items()
        .try_collect()
        .await
        .expect("every record");
    assert_same_records(
        &as_json(&users),
        &expected(nce::records(nce::DEFAULT_RECORDS)),
    );
    assert_eq!(server.log.logins(), 1);
    assert_eq!(server.log.listing_requests(), 5);
    let login = &server.log.requests()[0];
    assert_eq!(login.path, nce::TOKENS_PATH);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&login.body).expect("JSON login"),
        serde_json::json!({"userName": nce::USER.0, "password": nce::USER.1})
    );
    for request in server.log.requests().iter().skip(1) {
        assert!(request.header("X-ACCESS-TOKEN").is_some(), "{request:?}");
    }
}

#[tokio::test]
async fn nce_without_the_ca_fails_with_a_clear_tls_error() {
    let server = nce::start_with(Options::https()).await;
    let client = configure(nce_campus_builder(), server.base_url())
        .auth(meterage_clients::nce_campus::auth::access_token_login(
            nce_user(),
        ))
        .build()
        .expect("client");
    let error = client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect_err("an unknown CA");
    let text = error.to_string();
    // The sign-in call is the first to reach the server: it fails, and says why.
    assert!(matches!(&error, Error::Auth(_)), "{error:?}");
    assert!(
        text.contains("certificate") && text.contains("UnknownIssuer"),
        "{text}"
    );
    assert_eq!(server.log.requests().len(), 0, "no request got through TLS");
}

fn nce_campus_builder(
) -> meterage_clients::runtime::ClientBuilder<meterage_clients::nce_campus::Client> {
    meterage_clients::nce_campus::Client::builder()
}

#[tokio::test]
async fn nce_wrong_credentials_are_the_vendors_error_and_nothing_else_happens() {
    let server = nce::start().await;
    let client = nce_client(
        &server,
        UsernamePassword {
            username: nce::USER.0.into(),
            password: "not-the-password".into(),
        },
    );
    let error = client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect_err("refused");
    assert!(matches!(&error, Error::Auth(_)), "{error:?}");
    assert_eq!(error.vendor_code(), Some("1"));
    let api = error.api().expect("the vendor's answer");
    assert_eq!((api.operation, api.status), ("createToken", 200));
    assert!(
        error.to_string().contains("Username or password error"),
        "{error}"
    );
    assert!(!format!("{error} {error:?}").contains("not-the-password"));
    // One login attempt, no listing request, no retry.
    assert_eq!(server.log.count(Method::POST, nce::TOKENS_PATH), 1);
    assert_eq!(server.log.listing_requests(), 0);
    assert_eq!(server.log.logins(), 0);
}

#[tokio::test]
async fn nce_an_expiry_is_transparent_with_one_login_for_twenty_calls() {
    let server = nce::start().await;
    let client = nce_client(&server, nce_user());
    client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("first");
    assert_eq!(server.log.logins(), 1);

    server.vendor.expire_tokens();
    let c = client.clone();
    twenty_at_once(move || {
        let c = c.clone();
        async move { c.get_time_flow_st_info_list().send().await }
    })
    .await;
    assert_eq!(
        server.log.logins(),
        2,
        "one new login for twenty refused calls"
    );

    // In the middle of a stream too.
    server.dataset.set_len(95);
    server.faults.on_page(4, Fault::ExpireSessions);
    let users: Vec<_> = client
        .get_time_flow_st_info_list()
        .page_size(10)
        .items()
        .try_collect()
        .await
        .expect("every record");
    assert_same_records(&as_json(&users), &expected(nce::records(95)));
    assert_eq!(server.log.logins(), 3);
    assert_eq!(server.faults.remaining(), 0);
}

#[tokio::test]
async fn nce_logout_ends_the_token_and_the_next_call_logs_in_again() {
    let server = nce::start().await;
    let client = nce_client(&server, nce_user());
    client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("first");
    assert_eq!(server.vendor.live_tokens(), 1);
    client.logout().await.expect("logout");
    assert_eq!(server.vendor.live_tokens(), 0);
    let logout = server.log.last().expect("the logout");
    assert_eq!(
        (logout.method.as_str(), logout.path.as_str()),
        ("DELETE", nce::TOKENS_PATH)
    );
    let token = logout
        .header("X-ACCESS-TOKEN")
        .expect("token header")
        .to_owned();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&logout.body).expect("JSON"),
        serde_json::json!({ "token": token })
    );
    // Logging out twice does nothing more.
    client.logout().await.expect("second logout");
    assert_eq!(server.log.count(Method::DELETE, nce::TOKENS_PATH), 1);
    client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("again");
    assert_eq!(server.log.logins(), 2);
}

// ---- Huawei GSL: an IAM token, or AK/SK signing --------------------------------------

#[tokio::test]
async fn gsl_first_call_obtains_an_iam_token_and_returns_every_pool() {
    let server = gsl::start().await;
    let iam = gsl::start_iam(&server).await;
    let client = gsl_iam_client(&server, &iam, iam_user());
    let pools: Vec<_> = client
        .list_sim_pools()
        .items()
        .try_collect()
        .await
        .expect("every pool");
    assert_same_records(&as_json(&pools), &expected(gsl::pools(gsl::DEFAULT_POOLS)));
    assert_eq!(iam.log.logins(), 1);
    let login = &iam.log.requests()[0];
    let body: serde_json::Value = serde_json::from_slice(&login.body).expect("JSON");
    assert_eq!(
        body["auth"]["identity"]["methods"],
        serde_json::json!(["password"])
    );
    assert_eq!(body["auth"]["scope"]["project"]["name"], gsl::USER.3);
    let token = server.log.requests()[0]
        .header("X-Auth-Token")
        .expect("token")
        .to_owned();
    assert!(server
        .log
        .requests()
        .iter()
        .all(|r| r.header("X-Auth-Token") == Some(token.as_str())));

    // AK/SK signing reaches the same pools; a fixed token does too.
    let signed = gsl_aksk_client(&server);
    let pools: Vec<_> = signed
        .list_sim_pools()
        .items()
        .try_collect()
        .await
        .expect("pools");
    assert_eq!(pools.len(), 37);
    let fixed = configure(huawei_gsl::Client::builder(), server.base_url())
        .auth(huawei_gsl::auth::iam_token(gsl::TOKEN))
        .build()
        .expect("client");
    assert_eq!(
        fixed.list_sim_pools().send().await.expect("page").count,
        Some(37)
    );
}

#[tokio::test]
async fn gsl_wrong_credentials_are_the_vendors_error_and_nothing_else_happens() {
    let server = gsl::start().await;
    let iam = gsl::start_iam(&server).await;
    let client = gsl_iam_client(
        &server,
        &iam,
        KeystoneUser {
            password: "wrong-password".into(),
            ..iam_user()
        },
    );
    let error = client.list_sim_pools().send().await.expect_err("refused");
    assert!(matches!(&error, Error::Auth(_)), "{error:?}");
    let api = error.api().expect("IAM's answer");
    assert_eq!(api.status, 401);
    assert_eq!(
        (api.code.as_deref(), api.message.as_deref()),
        (Some("401"), Some("The username or password is wrong."))
    );
    assert!(!format!("{error} {error:?}").contains("wrong-password"));
    assert_eq!(iam.log.requests().len(), 1);
    assert_eq!(server.log.requests().len(), 0);

    // A wrong secret key: the gateway's refusal, once.
    let wrong = configure(huawei_gsl::Client::builder(), server.base_url())
        .auth(huawei_gsl::auth::aksk_signature(
            meterage_clients::runtime::auth::AccessKey {
                id: gsl::AKSK.0.into(),
                secret: "not-the-secret".into(),
                security_token: None,
            },
        ))
        .build()
        .expect("client");
    let error = wrong.list_sim_pools().send().await.expect_err("refused");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(401), Some("APIGW.0301"))
    );
    assert!(
        error.to_string().contains("verify aksk signature fail"),
        "{error}"
    );
    assert!(error.api().and_then(|a| a.request_id.as_deref()).is_some());
    assert_eq!(server.log.requests().len(), 1);
}

#[tokio::test]
async fn gsl_an_expiry_is_transparent_with_one_sign_in_for_twenty_calls() {
    let server = gsl::start().await;
    let iam = gsl::start_iam(&server).await;
    let client = gsl_iam_client(&server, &iam, iam_user());
    client.list_sim_pools().send().await.expect("first");
    server.vendor.expire_tokens();
    let c = client.clone();
    twenty_at_once(move || {
        let c = c.clone();
        async move { c.list_sim_pools().send().await }
    })
    .await;
    assert_eq!(iam.log.logins(), 2);
}

#[tokio::test]
async fn gsl_iam_tokens_are_renewed_before_they_expire() {
    let server = gsl::start().await;
    let iam = gsl::start_iam(&server).await;
    iam.vendor.set_token_lifetime(Duration::from_secs(2));
    let client = gsl_iam_client(&server, &iam, iam_user());
    client.list_sim_pools().send().await.expect("first");
    tokio::time::sleep(Duration::from_millis(500)).await;
    client.list_sim_pools().send().await.expect("still fresh");
    assert_eq!(iam.log.logins(), 1);
    // Past four fifths of its lifetime the token is renewed before use: no call is refused.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    client.list_sim_pools().send().await.expect("renewed");
    assert_eq!(iam.log.logins(), 2);
    // A refused request would have been replayed: three calls, three requests.
    assert_eq!(server.log.requests().len(), 3, "no request was refused");
}

// ---- Kaopuyun: every request signed --------------------------------------------------

#[tokio::test]
async fn kaopuyun_every_request_is_signed_afresh_and_returns_every_bill() {
    let server = kaopuyun::start().await;
    let client = kaopuyun_client(&server, kaopuyun::KEY);
    let bills: Vec<_> = client
        .describe_flow_bills()
        .items()
        .try_collect()
        .await
        .expect("every bill");
    assert_same_records(
        &as_json(&bills),
        &expected(kaopuyun::bills(kaopuyun::DEFAULT_BILLS)),
    );
    // Twenty at once: twenty fresh nonces, all accepted.
    let before = server.vendor.nonces_seen();
    let c = client.clone();
    twenty_at_once(move || {
        let c = c.clone();
        async move { c.describe_flow_bills().send().await }
    })
    .await;
    assert_eq!(server.vendor.nonces_seen(), before + 20);
}

#[tokio::test]
async fn kaopuyun_wrong_credentials_are_the_vendors_error_and_nothing_else_happens() {
    let server = kaopuyun::start().await;
    let client = kaopuyun_client(&server, (kaopuyun::KEY.0, "not-the-secret"));
    let error = client
        .describe_flow_bills()
        .send()
        .await
        .expect_err("refused");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(400), Some("SignatureDoesNotMatch"))
    );
    let api = error.api().expect("API error");
    assert!(api.message.is_some() && api.request_id.is_some(), "{api:?}");
    assert!(!format!("{error} {error:?}").contains("not-the-secret"));
    assert_eq!(server.log.requests().len(), 1);

    let client = kaopuyun_client(&server, ("no-such-key", kaopuyun::KEY.1));
    let error = client
        .describe_flow_bills()
        .send()
        .await
        .expect_err("refused");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(404), Some("InvalidAccessKeyId.NotFound"))
    );
}

// ---- PLCloud: a Django console session ------------------------------------------------

#[tokio::test]
async fn plcloud_first_call_opens_a_session_and_returns_every_record() {
    let server = plcloud::start().await;
    let client = plcloud_client(&server, plcloud_user());
    let records = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect("records");
    assert_same_records(
        &as_json(&records.data),
        &expected(plcloud::records(plcloud::DEFAULT_RECORDS)),
    );
    assert_eq!(server.log.logins(), 1);
    let requests = server.log.requests();
    let routes: Vec<String> = requests.iter().map(|r| r.route()).collect();
    assert_eq!(
        routes,
        ["GET /api/", "POST /auth/login/", "POST /api/"],
        "open the console, log in, call"
    );
    let call = &requests[2];
    let cookies = call.header("cookie").expect("cookies");
    assert!(
        cookies.contains("csrftoken=") && cookies.contains("sessionid="),
        "{cookies}"
    );
    let csrf = cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("csrftoken="))
        .expect("csrf cookie");
    assert_eq!(call.header("x-csrftoken"), Some(csrf), "the rotated token");
    let origin = server.base_url();
    assert_eq!(call.header("origin"), Some(origin.as_str()));
    assert_eq!(call.header("referer"), Some(format!("{origin}/").as_str()));
}

#[tokio::test]
async fn plcloud_a_rejected_password_says_so_and_nothing_else_happens() {
    let server = plcloud::start().await;
    let client = plcloud_client(
        &server,
        UsernamePassword {
            username: plcloud::USER.0.into(),
            password: "not-the-password".into(),
        },
    );
    let error = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect_err("refused");
    assert!(matches!(&error, Error::Auth(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("refused the user name or password"), "{text}");
    assert!(!text.contains("not-the-password"));
    assert_eq!(server.log.logins(), 0);
    assert_eq!(server.log.count(Method::POST, plcloud::LOGIN_PATH), 1);
    assert_eq!(server.log.count(Method::POST, plcloud::API_PATH), 0);
}

#[tokio::test]
async fn plcloud_an_ended_session_is_transparent_with_one_login_for_twenty_calls() {
    for answer in [Expired::Redirect, Expired::Forbidden] {
        let server = plcloud::start().await;
        server.vendor.set_expired_answer(answer);
        let client = plcloud_client(&server, plcloud_user());
        client
            .get_consumptions_by_query()
            .send()
            .await
            .expect("first");
        server.vendor.expire_sessions();
        let c = client.clone();
        twenty_at_once(move || {
            let c = c.clone();
            async move { c.get_consumptions_by_query().send().await }
        })
        .await;
        assert_eq!(server.log.logins(), 2, "{answer:?}");
    }
}

/// `from_env` without its variables names the ones it needs (none is set for these APIs
/// in the test environment).
#[test]
fn clients_from_the_environment_name_the_missing_variables() {
    // No variables are set for these names in the test environment.
    let error = pl::Client::from_env().expect_err("no credentials");
    let text = error.to_string();
    assert!(
        text.contains("PLCLOUD_USERNAME") && text.contains("PLCLOUD_PASSWORD"),
        "{text}"
    );
    let error = kp::Client::from_env().expect_err("no credentials");
    assert!(
        error.to_string().contains("KAOPUYUN_ACCESS_KEY_ID"),
        "{error}"
    );
}
