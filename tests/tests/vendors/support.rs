//! Clients of the four generated APIs pointed at their fakes, signed in the vendor's way.

use std::time::Duration;

use meterage_clients::runtime::auth::{AccessKey, KeystoneUser, UsernamePassword};
use meterage_clients::runtime::{ClientBuilder, RetryPolicy};
use meterage_clients::{huawei_gsl, kaopuyun, nce_campus, plcloud};
use meterage_tests::gsl::{Gsl, Iam};
use meterage_tests::kaopuyun::Kaopuyun;
use meterage_tests::nce::Nce;
use meterage_tests::plcloud::Plcloud;
pub use meterage_tests::records::{as_json, assert_same_records, expected};
use meterage_tests::{gsl, nce, plcloud as pl, Fake};

/// Retries that do not make tests wait: the policy's shape, with millisecond backoffs.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// The defaults every test client shares: fast retries and a 10 s timeout (the system's
/// proxy settings apply, as for any client; CI sets none).
pub fn configure<C: From<meterage_clients::runtime::Client>>(
    builder: ClientBuilder<C>,
    base_url: String,
) -> ClientBuilder<C> {
    builder
        .base_url(base_url)
        .retry(fast_retries())
        .timeout(Duration::from_secs(10))
}

/// A user name and password.
pub fn user((username, password): (&str, &str)) -> UsernamePassword {
    UsernamePassword {
        username: username.into(),
        password: password.into(),
    }
}

/// The NCE account the fake accepts.
pub fn nce_user() -> UsernamePassword {
    user(nce::USER)
}

/// A builder of NCE clients that log in with `credentials` (trusting the fake's CA over
/// HTTPS).
pub fn nce_builder(
    server: &Fake<Nce>,
    credentials: UsernamePassword,
) -> ClientBuilder<nce_campus::Client> {
    let builder = configure(nce_campus::Client::builder(), server.base_url())
        .auth(nce_campus::auth::access_token_login(credentials));
    match server.ca_pem() {
        Some(ca) => builder.add_root_certificate_pem("the test CA", ca),
        None => builder,
    }
}

/// An NCE client that logs in with `credentials` (trusting the fake's CA over HTTPS).
pub fn nce_client(server: &Fake<Nce>, credentials: UsernamePassword) -> nce_campus::Client {
    nce_builder(server, credentials)
        .build()
        .expect("NCE client")
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

/// A builder of GSL clients with an IAM token obtained from the fake IAM for `user`.
pub fn gsl_iam_builder(
    server: &Fake<Gsl>,
    iam: &Fake<Iam>,
    user: KeystoneUser,
) -> ClientBuilder<huawei_gsl::Client> {
    configure(huawei_gsl::Client::builder(), server.base_url())
        .auth(huawei_gsl::auth::iam_token_login(user).iam_endpoint(iam.base_url()))
}

/// A GSL client with an IAM token obtained from the fake IAM.
pub fn gsl_iam_client(
    server: &Fake<Gsl>,
    iam: &Fake<Iam>,
    user: KeystoneUser,
) -> huawei_gsl::Client {
    gsl_iam_builder(server, iam, user)
        .build()
        .expect("GSL client")
}

/// An access key without a security token.
pub fn access_key((id, secret): (&str, &str)) -> AccessKey {
    AccessKey {
        id: id.into(),
        secret: secret.into(),
        security_token: None,
    }
}

/// A builder of GSL clients signing with `key`.
pub fn gsl_aksk_builder(
    server: &Fake<Gsl>,
    key: (&str, &str),
) -> ClientBuilder<huawei_gsl::Client> {
    configure(huawei_gsl::Client::builder(), server.base_url())
        .auth(huawei_gsl::auth::aksk_signature(access_key(key)))
}

/// A GSL client signing with the fake's AK/SK.
pub fn gsl_aksk_client(server: &Fake<Gsl>) -> huawei_gsl::Client {
    gsl_aksk_builder(server, gsl::AKSK)
        .build()
        .expect("GSL client")
}

/// A builder of Kaopuyun clients signing with `key`.
pub fn kaopuyun_builder(
    server: &Fake<Kaopuyun>,
    key: (&str, &str),
) -> ClientBuilder<kaopuyun::Client> {
    kaopuyun_key_builder(server, access_key(key))
}

/// A builder of Kaopuyun clients signing with `key`, temporary or not.
pub fn kaopuyun_key_builder(
    server: &Fake<Kaopuyun>,
    key: AccessKey,
) -> ClientBuilder<kaopuyun::Client> {
    configure(kaopuyun::Client::builder(), server.base_url())
        .auth(kaopuyun::auth::rpc_signature(key))
}

/// The Kaopuyun fake's temporary (STS) key with `secret`, carrying the token the fake
/// issued with it.
pub fn kaopuyun_temporary_key(secret: &str) -> AccessKey {
    AccessKey {
        id: meterage_tests::kaopuyun::TEMPORARY_KEY.0.into(),
        secret: secret.into(),
        security_token: Some(meterage_tests::kaopuyun::SECURITY_TOKEN.into()),
    }
}

/// A Kaopuyun client signing with `key`.
pub fn kaopuyun_client(server: &Fake<Kaopuyun>, key: (&str, &str)) -> kaopuyun::Client {
    kaopuyun_builder(server, key)
        .build()
        .expect("Kaopuyun client")
}

/// The PLCloud console account the fake accepts.
pub fn plcloud_user() -> UsernamePassword {
    user(pl::USER)
}

/// A builder of PLCloud clients with a console session for `credentials`.
pub fn plcloud_builder(
    server: &Fake<Plcloud>,
    credentials: UsernamePassword,
) -> ClientBuilder<plcloud::Client> {
    configure(plcloud::Client::builder(), server.base_url())
        .auth(plcloud::auth::console_session(credentials))
}

/// A PLCloud client with a console session for `credentials`.
pub fn plcloud_client(server: &Fake<Plcloud>, credentials: UsernamePassword) -> plcloud::Client {
    plcloud_builder(server, credentials)
        .build()
        .expect("PLCloud client")
}
