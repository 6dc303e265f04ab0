//! Clients of the four generated APIs pointed at their fakes, signed in the vendor's way,
//! and the checks of a vendor's error answer the tests share.

use std::future::Future;
use std::time::Duration;

use meterage_clients::runtime::auth::{AccessKey, KeystoneUser, UsernamePassword};
use meterage_clients::runtime::{ApiError, Authorize, Client, ClientBuilder, Error, RetryPolicy};
use meterage_clients::{huawei_gsl, kaopuyun, nce_campus, plcloud};
pub use meterage_tests::records::{as_json, assert_same_records, expected};
use meterage_tests::{gsl, nce, plcloud as pl, Fake, Server};

/// Retries that do not make tests wait: the policy's shape, with millisecond backoffs.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// A builder of clients of `server` that sign in or sign with `auth`, with the defaults
/// every test client shares: fast retries, a 10 s timeout and, when the fake serves
/// HTTPS, its CA trusted (the system's proxy settings apply, as for any client; CI sets
/// none).
pub fn builder<C: From<Client>>(server: &Server, auth: impl Authorize) -> ClientBuilder<C> {
    let builder = ClientBuilder::new(server.base_url())
        .retry(fast_retries())
        .timeout(Duration::from_secs(10))
        .auth(auth);
    match server.ca_pem() {
        Some(ca) => builder.add_root_certificate_pem("the test CA", ca),
        None => builder,
    }
}

/// A server of `router`, and a client of it with no credentials and the client's defaults.
pub async fn serve_router<C: From<Client>>(router: axum::Router) -> (Server, C) {
    let server = Server::start(router).await;
    let client = ClientBuilder::new(server.base_url())
        .build()
        .expect("client");
    (server, client)
}

/// A client of `server` that signs in or signs with `auth`, with the test defaults.
pub fn client<C: From<Client>>(server: &Server, auth: impl Authorize) -> C {
    builder(server, auth).build().expect("a client of the fake")
}

/// The fake `start` starts, and a client of it that signs in or signs with `auth`.
pub async fn serve<V, C: From<Client>>(
    start: impl Future<Output = Fake<V>>,
    auth: impl Authorize,
) -> (Fake<V>, C) {
    let fake = start.await;
    let client = client(&fake, auth);
    (fake, client)
}

/// A client of `server` that signs in or signs with `auth` and sends what it is given,
/// unchecked (request validation off), so that the vendor answers.
pub fn unchecked<C: From<Client>>(server: &Server, auth: impl Authorize) -> C {
    builder(server, auth)
        .validate_requests(false)
        .build()
        .expect("a client of the fake")
}

/// A user name and password.
pub fn user((username, password): (&str, &str)) -> UsernamePassword {
    UsernamePassword {
        username: username.into(),
        password: password.into(),
    }
}

/// NCE's token login with the northbound account the fake accepts.
pub fn nce_login() -> impl Authorize {
    nce_campus::auth::access_token_login(user(nce::USER))
}

/// The IAM user the fake accepts.
pub fn iam_user() -> KeystoneUser {
    let (name, password, domain, _) = gsl::USER;
    KeystoneUser {
        domain: domain.into(),
        name: name.into(),
        password: password.into(),
    }
}

/// GSL's IAM token, obtained from the fake `iam` for `user`.
pub fn iam_login(iam: &Server, user: KeystoneUser) -> impl Authorize {
    huawei_gsl::auth::iam_token_login(user).iam_endpoint(iam.base_url())
}

/// An access key without a security token.
pub fn access_key((id, secret): (&str, &str)) -> AccessKey {
    AccessKey {
        id: id.into(),
        secret: secret.into(),
        security_token: None,
    }
}

/// GSL's AK/SK signature with `key`.
pub fn gsl_aksk(key: (&str, &str)) -> impl Authorize {
    huawei_gsl::auth::aksk_signature(access_key(key))
}

/// Kaopuyun's RPC signature with `key`.
pub fn kaopuyun_key(key: (&str, &str)) -> impl Authorize {
    kaopuyun_signature(access_key(key))
}

/// Kaopuyun's RPC signature with `key`, temporary (carrying its security token) or not.
pub fn kaopuyun_signature(key: AccessKey) -> impl Authorize {
    kaopuyun::auth::rpc_signature(key)
}

/// The Kaopuyun fake's temporary (STS) key with `secret`, carrying the token the fake
/// issued with it.
pub fn kaopuyun_temporary_key(secret: &str) -> AccessKey {
    let (id, _) = meterage_tests::kaopuyun::TEMPORARY_KEY;
    AccessKey {
        security_token: Some(meterage_tests::kaopuyun::SECURITY_TOKEN.into()),
        ..access_key((id, secret))
    }
}

/// PLCloud's console session for the account the fake accepts.
pub fn plcloud_login() -> impl Authorize {
    plcloud::auth::console_session(user(pl::USER))
}

/// The query string of the last request `server` received (empty without one).
pub fn last_query(server: &Server) -> String {
    server.log.last().and_then(|r| r.query).unwrap_or_default()
}

/// Checks that the last request `server` received had `wanted` in its query string.
pub fn assert_last_query_has(server: &Server, wanted: &str) {
    let query = last_query(server);
    assert!(query.contains(wanted), "{wanted:?} not in {query}");
}

/// Checks that `error` is the client's refusal of a parameter, before anything reached
/// `server`, and that its message says `wanted`.
pub fn assert_refused(error: &Error, server: &Server, wanted: &str) {
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert!(
        error.to_string().contains(wanted),
        "{wanted:?} not in {error}"
    );
    assert_eq!(server.log.requests().len(), 0, "nothing was sent");
}

/// The vendor's answer `error` carries, checked: its HTTP status and its code.
pub fn vendor_answer<'e>(error: &'e Error, status: u16, code: Option<&str>) -> &'e ApiError {
    let api = error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"));
    assert_eq!((api.status, api.code.as_deref()), (status, code), "{error}");
    api
}

/// Checks that `error` is the vendor's answer with `status`, `code` and `message`.
pub fn assert_vendor_error(error: &Error, status: u16, code: &str, message: &str) {
    let api = vendor_answer(error, status, Some(code));
    assert_eq!(api.message.as_deref(), Some(message), "{error}");
}
