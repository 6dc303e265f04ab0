//! The vendor cases the scenario tables run: each starts its fake, builds a client for
//! it with the right or wrong credentials, lists every record through the generated
//! client, says which records it must get and how its identity expires, and carries the
//! vendor's own expectations (its error codes, its sign-in on the wire).
//!
//! | case | fake | identity | listing |
//! |---|---|---|---|
//! | [`NceCampus`] | NCE-Campus over HTTPS | a login token | `items()`, paged |
//! | [`GslIam`] | GSL and IAM | an IAM token | `items()`, paged |
//! | [`GslAksk`] | GSL | an AK/SK signature per request | `items()`, paged |
//! | [`Kaopuyun`] | Kaopuyun | an RPC signature per request (`Kaopuyun<true>`: by a temporary key with its security token) | `items()`, paged |
//! | [`AliyunBss`] | Alibaba Cloud BSS | an RPC signature per request (`AliyunBss<true>`: by a temporary key with its security token) | `items()`, by `NextToken` |
//! | [`Plcloud`] | PLCloud | a console session (an ended one is a redirect; `Plcloud<true>`: Django's 403) | `send()`, one list |
//! | [`Azure`] (`cases/azure.rs`) | Azure Resource Manager and Entra ID | an OAuth 2.0 client credentials token | `items()`, by `nextLink` |
//! | [`AwsCostExplorer`] | AWS Cost Explorer | a SigV4 signature per request (`AwsCostExplorer<true>`: by a temporary key with its session token) | `items()`, cursor-paged |
//!
//! Each vendor's case is in its own file under `cases/`.
//!
//! [`table!`] turns rows of a case and its scenarios (`async fn scenario<C: VendorCase>()`)
//! into one `#[tokio::test]` per case and scenario, named `<table>::<case>::<scenario>`.

use std::future::Future;
use std::pin::Pin;

use meterage_clients::runtime::{
    CallOptions, Client, ClientBuilder, Error, Stream, StreamExt, TryStreamExt,
};
use meterage_tests::records::{expected, numbers_as_floats};
use meterage_tests::{Fake, Server, Vendor};
use serde::Serialize;
use serde_json::Value;

pub mod aliyun;
mod aws;
mod azure;
mod gsl;
mod kaopuyun;
mod nce;
mod plcloud;

pub use aliyun::AliyunBss;
pub use aws::{default_query, AwsCostExplorer};
pub use azure::Azure;
pub use gsl::{GslAksk, GslIam};
pub use kaopuyun::Kaopuyun;
pub use nce::NceCampus;
pub use plcloud::Plcloud;

/// One call's outcome, on its way.
pub type Call<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

/// Records as they arrive, as JSON values (numbers as `f64`, as [`expected`] gives them).
pub type Records = Pin<Box<dyn Stream<Item = Result<Value, Error>> + Send>>;

/// Which credentials a client signs in or signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// Those the fake accepts.
    Right,
    /// The right user or key with the case's [`VendorCase::WRONG_SECRET`].
    Wrong,
}

/// A vendor as the scenarios see it. Vendor-specific checks are hooks that do nothing
/// unless a case has something of its own to check.
pub trait VendorCase: Sized + Send + Sync + 'static {
    /// The generated client.
    type Client: From<Client> + Clone + Send + Sync + 'static;

    /// Whether the listing is paged (`items()` over pages); PLCloud's is one list.
    const PAGED: bool;
    /// The password or secret key of [`Credentials::Wrong`]: it must never be shown.
    const WRONG_SECRET: &'static str;
    /// The status and code of the vendor's own "busy, try again later" answer.
    const BUSY: (u16, &'static str);
    /// A failure the vendor reports on a page: status, code and message.
    const REFUSED_PAGE: (u16, &'static str, &'static str);
    /// The request id the vendor's errors carry, if its envelope has one.
    const ERROR_REQUEST_ID: Option<&'static str>;
    /// The fake's record generator: record `i` as the fake serves it.
    const RECORD: fn(u64) -> Value;

    /// The vendor state of the fake serving the API.
    type Vendor: Vendor;

    /// Starts the case's fakes (plain HTTP but for NCE-Campus, HTTPS like the vendor).
    fn start() -> impl Future<Output = Self> + Send;

    /// The fake serving the API.
    fn fake(&self) -> &Fake<Self::Vendor>;

    /// The server of the fake serving the API.
    fn server(&self) -> &Server {
        &self.fake().server
    }

    /// The fake that signs callers in (the API's own, or IAM's); `None` for a vendor
    /// that signs each request (the default).
    fn sign_in_server(&self) -> Option<&Server> {
        None
    }

    /// A builder for a client of the fake, with the test defaults and `credentials`.
    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client>;

    /// The password or secret key of `credentials`, `right` being the one the fake
    /// accepts.
    fn secret(credentials: Credentials, right: &'static str) -> &'static str {
        match credentials {
            Credentials::Right => right,
            Credentials::Wrong => Self::WRONG_SECRET,
        }
    }

    /// A client of the fake with the test defaults and `credentials`.
    fn client(&self, credentials: Credentials) -> Self::Client {
        self.builder(credentials)
            .build()
            .expect("the case's client")
    }

    /// How many listing requests fetch `len` records `page_size` a page.
    fn pages(len: u64, page_size: u32) -> u64 {
        if Self::PAGED {
            len.div_ceil(u64::from(page_size))
        } else {
            1
        }
    }

    /// Every record of the listing, `page_size` a page (PLCloud's one list ignores it).
    fn records(client: &Self::Client, page_size: u32, options: CallOptions) -> Records;

    /// One call of the listing (its first page), the whole answer as JSON.
    fn page(client: &Self::Client) -> Call<Value>;

    /// A call with a parameter the spec refuses, through the listing.
    fn invalid(client: &Self::Client) -> Call<()>;

    /// The whole message of [`VendorCase::invalid`]'s refusal.
    fn invalid_message() -> String;

    /// The records the fake serves when its dataset holds `len`, in order.
    fn expected(len: u64) -> Vec<Value> {
        expected((0..len).map(Self::RECORD))
    }

    /// A record as the fake serves it, to leave fields out of.
    fn seed() -> Value {
        Self::RECORD(0)
    }

    /// The vendor's answer to the listing carrying `records`, with its other fields
    /// (the total, the paging envelope) `null`.
    fn page_body(records: Vec<Value>) -> Value;

    /// Ends the identity the fake gave out (its tokens or sessions); nothing for a vendor
    /// that signs each request.
    fn expire(&self) {
        self.fake().vendor.expire_sessions();
    }

    /// Successful sign-ins so far (0 for a vendor that signs each request).
    fn sign_ins(&self) -> u64 {
        self.sign_in_server().map_or(0, |s| s.log.logins())
    }

    /// What the vendor's first call must show on the wire, besides every record.
    fn check_first_call(&self) {}

    /// What the vendor's refusal of wrong credentials must say.
    fn check_refusal(&self, error: &Error) {
        let _ = error;
    }

    /// What the vendor's run through every transient fault must show.
    fn check_after_faults(&self) {}
}

/// One `#[tokio::test]` per case and scenario, in a module per case: the row
/// `nce_campus: NceCampus => [a, b]` makes `nce_campus::a`, which runs `a::<NceCampus>()`,
/// and `nce_campus::b`.
macro_rules! table {
    ($($case:ident: $ty:ty => [$($scenario:ident),+ $(,)?]),+ $(,)?) => {
        $(
            mod $case {
                use super::*;
                $(
                    #[tokio::test]
                    async fn $scenario() {
                        super::$scenario::<$ty>().await;
                    }
                )+
            }
        )+
    };
}

pub(crate) use table;

/// A decoded value as JSON, numbers as `f64`.
fn json_of<T: Serialize>(value: &T) -> Value {
    numbers_as_floats(serde_json::to_value(value).expect("records serialize"))
}

/// A call's answer, as JSON.
fn json_call<T: Serialize>(
    sent: impl Future<Output = Result<meterage_clients::runtime::Response<T>, Error>> + Send + 'static,
) -> Call<Value> {
    Box::pin(async move { sent.await.map(|answer| json_of(&*answer)) })
}

/// A listing read to its end, its records dropped.
fn drained<T: Send>(items: impl Stream<Item = Result<T, Error>> + Send + 'static) -> Call<()> {
    Box::pin(async move { items.try_collect::<Vec<_>>().await.map(drop) })
}

/// An `items()` stream as [`Records`].
fn items<S, T>(stream: S) -> Records
where
    S: Stream<Item = Result<T, Error>> + Send + 'static,
    T: Serialize,
{
    Box::pin(stream.map(|item| item.map(|record| json_of(&record))))
}

/// Whether the cookie header of `request` holds `name=...`; its value.
fn cookie<'r>(request: &'r meterage_tests::Recorded, name: &str) -> Option<&'r str> {
    request
        .header("cookie")?
        .split("; ")
        .find_map(|c| c.strip_prefix(name)?.strip_prefix('='))
}
