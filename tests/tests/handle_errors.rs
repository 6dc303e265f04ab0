//! "Handle vendor errors", written as a consumer writes it: through `meterage_clients`
//! only, matching on `err.kind()` and printing the request id, status and vendor code,
//! against the vendor fakes.

use std::time::Duration;

use meterage_clients::runtime::auth::{AccessKey, UsernamePassword};
use meterage_clients::runtime::{
    Authorize, ClientBuilder, Error, ErrorKind, RetryPolicy, TryStreamExt,
};
use meterage_clients::{huawei_gsl, kaopuyun, nce_campus};
use meterage_tests::{gsl, nce, Fault, Server, When};

/// What the program prints for a failed call: one line, by kind.
fn report(error: &Error) -> String {
    let what = match error.kind() {
        ErrorKind::Auth => "check the credentials",
        ErrorKind::Throttled => "busy, try later",
        ErrorKind::Timeout | ErrorKind::Transport => "network trouble",
        ErrorKind::Service => "the vendor refused the call",
        _ => "failed",
    };
    format!(
        "{what}: status {}, code {}, request id {}, {} attempt(s)",
        error.status().map_or("-".to_owned(), |s| s.to_string()),
        error.vendor_code().unwrap_or("-"),
        error.request_id().unwrap_or("-"),
        error.attempts(),
    )
}

fn key((id, secret): (&str, &str)) -> AccessKey {
    AccessKey {
        id: id.into(),
        secret: secret.into(),
        security_token: None,
    }
}

/// A client of `server` with `auth` and quick retries, for any of the APIs.
fn client<C: From<meterage_clients::runtime::Client>>(server: &Server, auth: impl Authorize) -> C {
    ClientBuilder::<C>::new(server.base_url())
        .auth(auth)
        .retry(quick_retries())
        .build()
        .expect("a client of the fake")
}

/// A Kaopuyun client of `server` signing with the fake's key id and `secret`.
fn kaopuyun_client(server: &Server, secret: &str) -> kaopuyun::Client {
    let id = meterage_tests::kaopuyun::KEY.0;
    client(server, kaopuyun::auth::rpc_signature(key((id, secret))))
}

/// A GSL client of `server` signing with the fake's AK and `secret`.
fn gsl_client(server: &Server, secret: &str) -> huawei_gsl::Client {
    client(
        server,
        huawei_gsl::auth::aksk_signature(key((gsl::AKSK.0, secret))),
    )
}

/// An NCE client of `server` logging in as the fake's user with `password`.
fn nce_client(server: &Server, password: &str) -> nce_campus::Client {
    let user = UsernamePassword {
        username: nce::USER.0.into(),
        password: password.into(),
    };
    client(server, nce_campus::auth::access_token_login(user))
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

#[tokio::test]
async fn refused_credentials_are_of_kind_auth_whatever_the_vendor() {
    // Kaopuyun: a wrong secret, refused with Alibaba's code on HTTP 400.
    let server = meterage_tests::kaopuyun::start().await;
    let client = kaopuyun_client(&server, "not-the-secret");
    let error = client
        .describe_flow_bills()
        .send()
        .await
        .expect_err("the call fails");
    assert_eq!(
        report(&error),
        format!(
            "check the credentials: status 400, code SignatureDoesNotMatch, request id {}, 1 attempt(s)",
            meterage_tests::kaopuyun::ERROR_REQUEST_ID
        )
    );

    // GSL: a wrong AK/SK signature, refused by the gateway with HTTP 401.
    let server = gsl::start().await;
    let client = gsl_client(&server, "wrong");
    let error = client
        .list_sim_pools()
        .send()
        .await
        .expect_err("the call fails");
    assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(401), Some("APIGW.0301"))
    );
    assert!(error.request_id().is_some(), "{error:?}");

    // NCE: a wrong password at sign-in.
    let server = nce::start().await;
    let client = nce_client(&server, "wrong");
    let error = client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect_err("the call fails");
    assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
    assert_eq!(error.vendor_code(), Some("1"));
}

#[tokio::test]
async fn a_busy_vendor_is_throttled_after_the_retries_and_a_busy_sign_in_is_retried() {
    let server = gsl::start().await;
    server.faults.add(When::Listing, None, Fault::Busy);
    let client = gsl_client(&server, gsl::AKSK.1);
    let error = client
        .list_sim_pools()
        .send()
        .await
        .expect_err("the call fails");
    assert!(
        report(&error).starts_with("busy, try later: status 500, code GSL.00010003,"),
        "{}",
        report(&error)
    );
    assert!(
        report(&error).ends_with("3 attempt(s)"),
        "{}",
        report(&error)
    );
    assert!(error.is_transient());

    // NCE answers the login once with its busy code: the login is sent again, the call
    // succeeds.
    let server = nce::start().await;
    server.faults.add(When::SignIn, Some(1), Fault::Busy);
    let client = nce_client(&server, nce::USER.1);
    let page = client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("a success");
    assert!(page
        .data
        .as_ref()
        .is_some_and(|records| !records.is_empty()));
    assert_eq!(server.log.sign_in_requests(), 2);
    assert_eq!(server.log.logins(), 1);
}

/// Kaopuyun sends its request id only in the body: every success and every page has it.
#[tokio::test]
async fn every_page_has_its_request_id() {
    let server = meterage_tests::kaopuyun::start().await;
    let client = kaopuyun_client(&server, meterage_tests::kaopuyun::KEY.1);
    let first = client
        .describe_flow_bills()
        .send()
        .await
        .expect("a success");
    assert_eq!(
        first.request_id(),
        Some(meterage_tests::kaopuyun::REQUEST_ID)
    );
    let mut pages = client.describe_flow_bills().page_size(10).pages();
    let mut seen = 0;
    while let Some(page) = pages.try_next().await.expect("a page") {
        assert_eq!(
            page.request_id(),
            Some(meterage_tests::kaopuyun::REQUEST_ID)
        );
        seen += 1;
    }
    assert!(seen > 1, "{seen} pages");
}

/// An operation's documented codes, matched as an enum; an unlisted code is kept.
#[tokio::test]
async fn an_operations_documented_codes_are_an_enum() {
    use huawei_gsl::ListSimPoolsErrorCode;

    let server = gsl::start().await;
    server.faults.add(
        When::Listing,
        Some(1),
        Fault::vendor_error(403, "GSL.00011004", "账期不合法,请检查!"),
    );
    let client = gsl_client(&server, gsl::AKSK.1);
    let error = client
        .list_sim_pools()
        .send()
        .await
        .expect_err("the call fails");
    let advice = match ListSimPoolsErrorCode::of(&error) {
        Some(ListSimPoolsErrorCode::Gsl00011004) => "pick another billing cycle".to_owned(),
        Some(code) => format!("vendor error {code}"),
        None => error.to_string(),
    };
    assert_eq!(advice, "pick another billing cycle");
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(
        ListSimPoolsErrorCode::from_code("GSL.99999999"),
        ListSimPoolsErrorCode::Unknown("GSL.99999999".to_owned())
    );
    assert_eq!(
        ListSimPoolsErrorCode::Gsl00010003.to_string(),
        "GSL.00010003"
    );
}

/// A consumer's unit test of its own error handling builds the errors it handles: no
/// server, no vendor.
#[test]
fn a_consumers_test_builds_the_errors_it_handles() {
    use huawei_gsl::ListSimPoolsErrorCode;
    use meterage_clients::runtime::{ApiError, AuthError};

    let mut busy = ApiError::new("ListSimPools", 500);
    busy.code = Some("GSL.00010003".into());
    busy.request_id = Some("req-7".into());
    busy.attempts = 3;
    let busy = Error::from(busy);
    assert_eq!(
        report(&busy),
        "the vendor refused the call: status 500, code GSL.00010003, request id req-7, 3 attempt(s)"
    );
    assert!(busy.is_transient());
    assert_eq!(
        ListSimPoolsErrorCode::of(&busy),
        Some(ListSimPoolsErrorCode::Gsl00010003)
    );

    // A sign-in refused with HTTP 401: the accessors see through to its answer.
    let mut refused = ApiError::new("Login", 401);
    refused.code = Some("APIGW.0301".into());
    let sign_in = Error::from(
        AuthError::new("ListSimPools", "the sign-in was refused").caused_by(refused.into()),
    );
    assert_eq!(
        report(&sign_in),
        "check the credentials: status 401, code APIGW.0301, request id -, 1 attempt(s)"
    );
}
