//! Signing in as each vendor requires, through the runtime alone. The table runs, for
//! every case: the first call signs in (or signs) and returns every record; wrong
//! credentials end in the vendor's error and nothing else; and for the cases that sign
//! in, an expiry is transparent with one sign-in for twenty concurrent calls, and a
//! sign-in that never answers ends the call at its deadline. Then what only one vendor
//! does: NCE over HTTPS with a private CA and its logout, IAM tokens renewed before
//! they expire, clients from the environment.

use std::time::Duration;

use axum::http::Method;
use meterage_clients::runtime::{CallOptions, Error, TimeoutKind, TryStreamExt};
use meterage_clients::{huawei_gsl, kaopuyun as kp, nce_campus as nc, plcloud as pl};
use meterage_tests::{gsl, nce, Fault, Options, When};
use serde_json::Value;

use crate::cases::{
    table, AliyunBss, AwsCostExplorer, Azure, Credentials, GslAksk, GslIam, Kaopuyun, NceCampus,
    Plcloud, VendorCase,
};
use crate::support::{
    assert_same_records, client, fast_retries, iam_login, iam_user, nce_login, serve,
};

table! {
    aliyun_bss: AliyunBss => [first_call_returns_every_record, wrong_credentials],
    aliyun_bss_sts: AliyunBss<true> => [first_call_returns_every_record, wrong_credentials],
    nce_campus: NceCampus => [first_call_returns_every_record, wrong_credentials, expiry_is_transparent, hung_sign_in_times_out],
    gsl_iam: GslIam => [first_call_returns_every_record, wrong_credentials, expiry_is_transparent, hung_sign_in_times_out],
    gsl_aksk: GslAksk => [first_call_returns_every_record, wrong_credentials],
    kaopuyun: Kaopuyun => [first_call_returns_every_record, wrong_credentials],
    kaopuyun_sts: Kaopuyun<true> => [first_call_returns_every_record, wrong_credentials],
    plcloud: Plcloud => [first_call_returns_every_record, wrong_credentials, expiry_is_transparent, hung_sign_in_times_out],
    plcloud_forbidden: Plcloud<true> => [expiry_is_transparent],
    aws: AwsCostExplorer => [first_call_returns_every_record, wrong_credentials],
    aws_sts: AwsCostExplorer<true> => [first_call_returns_every_record, wrong_credentials],
    azure_consumption: Azure => [first_call_returns_every_record, wrong_credentials, expiry_is_transparent, hung_sign_in_times_out],
}

/// The first call signs in once (or signs its requests) and paging returns every
/// record, in order; the vendor's sign-in is on the wire as the vendor expects.
async fn first_call_returns_every_record<C: VendorCase>() {
    let case = C::start().await;
    let client = case.client(Credentials::Right);
    let records: Vec<Value> = C::records(&client, 10, CallOptions::new())
        .try_collect()
        .await
        .expect("every record");
    let len = case.server().dataset.len();
    assert_same_records(&records, &C::expected(len));
    let signs_in = case.sign_in_server().is_some();
    assert_eq!(case.sign_ins(), u64::from(signs_in));
    assert_eq!(case.server().log.listing_requests(), C::pages(len, 10));
    case.check_first_call();
}

/// Wrong credentials are the vendor's refusal, which never shows the secret: one
/// refused sign-in and no call (or one refused call), nothing retried.
async fn wrong_credentials<C: VendorCase>() {
    let case = C::start().await;
    let error = C::page(&case.client(Credentials::Wrong))
        .await
        .expect_err("refused");
    assert!(!format!("{error} {error:?}").contains(C::WRONG_SECRET));
    if let Some(signer) = case.sign_in_server() {
        assert!(matches!(&error, Error::Auth(_)), "{error:?}");
        assert_eq!(signer.log.sign_in_requests(), 1);
        assert_eq!(signer.log.logins(), 0);
        assert_eq!(case.server().log.listing_requests(), 0);
    } else {
        assert_eq!(case.server().log.requests().len(), 1);
        assert_eq!(case.server().log.listing_requests(), 1);
    }
    case.check_refusal(&error);
}

/// Once the vendor ends the identity, twenty concurrent calls succeed with one new
/// sign-in; an expiry in the middle of a listing loses no record.
async fn expiry_is_transparent<C: VendorCase>() {
    let case = C::start().await;
    let client = case.client(Credentials::Right);
    C::page(&client).await.expect("first");
    assert_eq!(case.sign_ins(), 1);

    case.expire();
    let calls: Vec<_> = (0..20).map(|_| tokio::spawn(C::page(&client))).collect();
    for call in calls {
        call.await.expect("task").expect("call");
    }
    assert_eq!(
        case.sign_ins(),
        2,
        "one new sign-in for twenty refused calls"
    );

    // In the middle of a listing too.
    let server = case.server();
    server.dataset.set_len(95);
    let when = if C::PAGED {
        When::Page(4)
    } else {
        When::Listing
    };
    server.faults.add(when, Some(1), Fault::ExpireSessions);
    let records: Vec<Value> = C::records(&client, 10, CallOptions::new())
        .try_collect()
        .await
        .expect("every record");
    assert_same_records(&records, &C::expected(95));
    assert_eq!(case.sign_ins(), 3);
    assert_eq!(server.faults.remaining(), 0);
}

/// The deadline of the calls in [`hung_sign_in_times_out`].
const DEADLINE: Duration = Duration::from_millis(300);
/// How long such a call may take before the test calls it hung.
const HUNG: Duration = Duration::from_secs(5);

/// A sign-in endpoint that never answers ends the call at its deadline with
/// `Error::Timeout`: the call's deadline bounds its sign-in too.
async fn hung_sign_in_times_out<C: VendorCase>() {
    let case = C::start().await;
    let signer = case.sign_in_server().expect("a case that signs in");
    signer.faults.add(When::SignIn, None, Fault::Hang);
    let client = case
        .builder(Credentials::Right)
        .total_timeout(DEADLINE)
        .build()
        .expect("client");
    let Ok(outcome) = tokio::time::timeout(HUNG, C::page(&client)).await else {
        panic!("the call had not ended {HUNG:?} after it started, its deadline {DEADLINE:?}");
    };
    let error = outcome.expect_err("no sign-in, no call");
    // The call's own timeout, not the sign-in's wrapped in `Error::Auth`.
    assert!(
        matches!(error, Error::Timeout { kind: TimeoutKind::Total, after, .. } if after <= DEADLINE),
        "{error:?}"
    );
    assert_eq!(signer.log.sign_in_requests(), 1);
    assert_eq!(signer.log.logins(), 0);
    assert_eq!(case.server().log.listing_requests(), 0);
}

// ---- NCE-Campus: HTTPS and logout ---------------------------------------------------

#[tokio::test]
async fn nce_without_the_ca_fails_with_a_clear_tls_error() {
    let server = nce::start_with(Options::https()).await;
    // The test defaults, but not the fake's CA.
    let client = nc::Client::builder()
        .base_url(server.base_url())
        .retry(fast_retries())
        .timeout(Duration::from_secs(10))
        .auth(nce_login())
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

#[tokio::test]
async fn nce_logout_ends_the_token_and_the_next_call_logs_in_again() {
    let (server, client): (_, nc::Client) = serve(nce::start(), nce_login()).await;
    let call = || client.get_time_flow_st_info_list().send();
    call().await.expect("first");
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
    call().await.expect("again");
    assert_eq!(server.log.logins(), 2);
}

// ---- Huawei GSL: IAM tokens are renewed ahead -----------------------------------------

#[tokio::test]
async fn gsl_iam_tokens_are_renewed_before_they_expire() {
    let server = gsl::start().await;
    let iam = gsl::start_iam(&server).await;
    iam.vendor.set_token_lifetime(Duration::from_secs(2));
    let client: huawei_gsl::Client = client(&server, iam_login(&iam, iam_user()));
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
