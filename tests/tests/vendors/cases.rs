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
//!
//! [`table!`] turns rows of a case and its scenarios (`async fn scenario<C: VendorCase>()`)
//! into one `#[tokio::test]` per case and scenario, named `<table>::<case>::<scenario>`.

use std::future::Future;
use std::pin::Pin;

use axum::http::Method;
use futures_util::{stream, TryFutureExt};
use meterage_clients::runtime::auth::KeystoneUser;
use meterage_clients::runtime::{
    CallOptions, Client, ClientBuilder, Error, Stream, StreamExt, TryStreamExt,
};
use meterage_clients::{huawei_gsl, kaopuyun as kp, nce_campus, plcloud as pl};
use meterage_tests::gsl::{Gsl, Iam};
use meterage_tests::plcloud::Expired;
use meterage_tests::records::{expected, numbers_as_floats};
use meterage_tests::{gsl, kaopuyun, nce, plcloud, Fake, Options, Server, Vendor};
use serde::Serialize;
use serde_json::{json, Value};

pub mod aliyun;
pub use aliyun::AliyunBss;

use crate::support::{
    builder, gsl_aksk, iam_login, iam_user, kaopuyun_key, kaopuyun_signature,
    kaopuyun_temporary_key, user,
};

mod azure;
pub use azure::Azure;

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
    /// that signs each request.
    fn sign_in_server(&self) -> Option<&Server>;

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

// ---- NCE-Campus ---------------------------------------------------------------------

/// NCE-Campus over HTTPS with a private CA; a login token.
pub struct NceCampus {
    fake: Fake<nce::Nce>,
}

impl VendorCase for NceCampus {
    type Client = nce_campus::Client;

    const PAGED: bool = true;
    const WRONG_SECRET: &'static str = "not-the-password";
    const BUSY: (u16, &'static str) = (500, "500");
    const REFUSED_PAGE: (u16, &'static str, &'static str) = (200, "2", "Invalid parameter.");
    const ERROR_REQUEST_ID: Option<&'static str> = None;
    const RECORD: fn(u64) -> Value = nce::record;

    type Vendor = nce::Nce;

    async fn start() -> Self {
        NceCampus {
            fake: nce::start_with(Options::https()).await,
        }
    }

    fn fake(&self) -> &Fake<nce::Nce> {
        &self.fake
    }

    fn sign_in_server(&self) -> Option<&Server> {
        Some(&self.fake)
    }

    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        let password = Self::secret(credentials, nce::USER.1);
        let login = nce_campus::auth::access_token_login(user((nce::USER.0, password)));
        builder(&self.fake, login)
    }

    fn records(client: &Self::Client, page_size: u32, options: CallOptions) -> Records {
        let size = i32::try_from(page_size).expect("a page size");
        items(
            client
                .get_time_flow_st_info_list()
                .page_size(size)
                .options(options)
                .items(),
        )
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(client.get_time_flow_st_info_list().send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        let name = "u".repeat(65);
        drained(client.get_time_flow_st_info_list().user_name(name).items())
    }

    fn invalid_message() -> String {
        let name = "u".repeat(65);
        format!("getTimeFlowStInfoList: invalid request: parameter `userName` must be at most 64 characters long, got \"{name}\"")
    }

    fn page_body(records: Vec<Value>) -> Value {
        json!({"errcode": "0", "totalRecords": null, "data": records})
    }

    fn check_first_call(&self) {
        assert!(self.fake.base_url().starts_with("https://"));
        let requests = self.fake.log.requests();
        let login = &requests[0];
        assert_eq!(login.path, nce::TOKENS_PATH);
        assert_eq!(
            serde_json::from_slice::<Value>(&login.body).expect("JSON login"),
            json!({"userName": nce::USER.0, "password": nce::USER.1})
        );
        for request in requests.iter().skip(1) {
            assert!(request.header("X-ACCESS-TOKEN").is_some(), "{request:?}");
        }
    }

    fn check_refusal(&self, error: &Error) {
        assert_eq!(error.vendor_code(), Some("1"));
        let api = error.api().expect("the vendor's answer");
        assert_eq!((api.operation, api.status), ("createToken", 200));
        assert!(
            error.to_string().contains("Username or password error"),
            "{error}"
        );
    }
}

// ---- Huawei GSL ---------------------------------------------------------------------

/// GSL with an IAM token from the fake IAM.
pub type GslIam = HuaweiGsl<true>;

/// GSL with every request signed with an access key.
pub type GslAksk = HuaweiGsl<false>;

/// GSL, with an IAM token from the fake IAM when `IAM`, else every request signed with
/// an access key.
pub struct HuaweiGsl<const IAM: bool> {
    fake: Fake<Gsl>,
    iam: Option<Fake<Iam>>,
}

impl<const IAM: bool> VendorCase for HuaweiGsl<IAM> {
    type Client = huawei_gsl::Client;

    const PAGED: bool = true;
    const WRONG_SECRET: &'static str = if IAM {
        "wrong-password"
    } else {
        "not-the-secret"
    };
    const BUSY: (u16, &'static str) = (500, "GSL.00010003");
    const REFUSED_PAGE: (u16, &'static str, &'static str) = (400, "GSL.00010004", "参数异常");
    const ERROR_REQUEST_ID: Option<&'static str> = Some(gsl::REQUEST_ID);
    const RECORD: fn(u64) -> Value = gsl::pool;

    type Vendor = Gsl;

    async fn start() -> Self {
        let fake = gsl::start().await;
        let iam = if IAM {
            Some(gsl::start_iam(&fake).await)
        } else {
            None
        };
        HuaweiGsl { fake, iam }
    }

    fn fake(&self) -> &Fake<Gsl> {
        &self.fake
    }

    fn sign_in_server(&self) -> Option<&Server> {
        self.iam.as_ref().map(|iam| &iam.server)
    }

    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        match &self.iam {
            Some(iam) => {
                let user = KeystoneUser {
                    password: Self::secret(credentials, gsl::USER.1).into(),
                    ..iam_user()
                };
                builder(&self.fake, iam_login(iam, user))
            }
            None => {
                let secret = Self::secret(credentials, gsl::AKSK.1);
                builder(&self.fake, gsl_aksk((gsl::AKSK.0, secret)))
            }
        }
    }

    fn records(client: &Self::Client, page_size: u32, options: CallOptions) -> Records {
        items(
            client
                .list_sim_pools()
                .limit(i64::from(page_size))
                .options(options)
                .items(),
        )
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(client.list_sim_pools().send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        drained(client.list_sim_pools().limit(501).items())
    }

    fn invalid_message() -> String {
        "ListSimPools: invalid request: parameter `limit` must be at most 500, got 501".into()
    }

    fn page_body(records: Vec<Value>) -> Value {
        json!({"count": null, "pools": records})
    }

    fn check_first_call(&self) {
        let Some(iam) = &self.iam else {
            return;
        };
        let login = &iam.log.requests()[0];
        let body: Value = serde_json::from_slice(&login.body).expect("JSON");
        assert_eq!(body["auth"]["identity"]["methods"], json!(["password"]));
        assert_eq!(body["auth"]["scope"]["project"]["name"], gsl::USER.3);
        let requests = self.fake.log.requests();
        let token = requests[0].header("X-Auth-Token").expect("token");
        assert!(requests
            .iter()
            .all(|r| r.header("X-Auth-Token") == Some(token)));
    }

    fn check_refusal(&self, error: &Error) {
        if let Some(iam) = &self.iam {
            let api = error.api().expect("IAM's answer");
            assert_eq!(api.status, 401);
            assert_eq!(
                (api.code.as_deref(), api.message.as_deref()),
                (Some("401"), Some("The username or password is wrong."))
            );
            assert_eq!(iam.log.requests().len(), 1);
            assert_eq!(self.fake.log.requests().len(), 0);
        } else {
            // The gateway's refusal of the signature.
            assert_eq!(
                (error.status(), error.vendor_code()),
                (Some(401), Some("APIGW.0301"))
            );
            assert!(
                error.to_string().contains("verify aksk signature fail"),
                "{error}"
            );
            assert!(error.api().and_then(|a| a.request_id.as_deref()).is_some());
        }
    }
}

// ---- Kaopuyun -----------------------------------------------------------------------

/// Kaopuyun, every request signed (Alibaba RPC v1); `STS`: by the fake's temporary key,
/// each request carrying its security token.
pub struct Kaopuyun<const STS: bool = false> {
    fake: Fake<kaopuyun::Kaopuyun>,
}

impl<const STS: bool> Kaopuyun<STS> {
    /// Every request the fake received was signed by the case's key, carrying the
    /// security token for a temporary key and none otherwise.
    fn check_keys(&self) {
        let (id, token) = if STS {
            (kaopuyun::TEMPORARY_KEY.0, Some(kaopuyun::SECURITY_TOKEN))
        } else {
            (kaopuyun::KEY.0, None)
        };
        let requests = self.fake.log.requests();
        assert!(!requests.is_empty());
        for request in requests {
            let pairs = meterage_tests::parse_pairs(request.query.as_deref().unwrap_or(""));
            assert_eq!(meterage_tests::get(&pairs, "AccessKeyId"), Some(id));
            assert_eq!(meterage_tests::get(&pairs, "SecurityToken"), token);
        }
    }
}

impl<const STS: bool> VendorCase for Kaopuyun<STS> {
    type Client = kp::Client;

    const PAGED: bool = true;
    const WRONG_SECRET: &'static str = "not-the-secret";
    const BUSY: (u16, &'static str) = (503, "ServiceUnavailable");
    const REFUSED_PAGE: (u16, &'static str, &'static str) =
        (200, "DescribeFlowBillsFail", "查询流水账单列表失败:xxx");
    const ERROR_REQUEST_ID: Option<&'static str> = Some(kaopuyun::ERROR_REQUEST_ID);
    const RECORD: fn(u64) -> Value = kaopuyun::bill;

    type Vendor = kaopuyun::Kaopuyun;

    async fn start() -> Self {
        Self {
            fake: kaopuyun::start().await,
        }
    }

    fn fake(&self) -> &Fake<kaopuyun::Kaopuyun> {
        &self.fake
    }

    fn sign_in_server(&self) -> Option<&Server> {
        None
    }

    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        if STS {
            let secret = Self::secret(credentials, kaopuyun::TEMPORARY_KEY.1);
            builder(
                &self.fake,
                kaopuyun_signature(kaopuyun_temporary_key(secret)),
            )
        } else {
            let secret = Self::secret(credentials, kaopuyun::KEY.1);
            builder(&self.fake, kaopuyun_key((kaopuyun::KEY.0, secret)))
        }
    }

    fn records(client: &Self::Client, page_size: u32, options: CallOptions) -> Records {
        let size = i32::try_from(page_size).expect("a page size");
        items(
            client
                .describe_flow_bills()
                .page_size(size)
                .options(options)
                .items(),
        )
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(client.describe_flow_bills().send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        drained(client.describe_flow_bills().page_size(51).items())
    }

    fn invalid_message() -> String {
        "DescribeFlowBills: invalid request: parameter `PageSize` must be at most 50, got 51".into()
    }

    fn page_body(records: Vec<Value>) -> Value {
        json!({"Total": null, "Items": records})
    }

    fn check_first_call(&self) {
        self.check_keys();
    }

    fn check_refusal(&self, error: &Error) {
        assert_eq!(
            (error.status(), error.vendor_code()),
            (Some(400), Some("SignatureDoesNotMatch"))
        );
        let api = error.api().expect("API error");
        assert!(api.message.is_some() && api.request_id.is_some(), "{api:?}");
        assert!(!format!("{error} {error:?}").contains(kaopuyun::SECURITY_TOKEN));
        self.check_keys();
    }

    fn check_after_faults(&self) {
        self.check_keys();
        // Every attempt was signed afresh: as many distinct nonces as requests.
        let requests = self.fake.log.requests();
        let nonces: std::collections::BTreeSet<String> = requests
            .iter()
            .filter_map(|r| {
                let pairs = meterage_tests::parse_pairs(r.query.as_deref().unwrap_or(""));
                meterage_tests::get(&pairs, "SignatureNonce").map(str::to_owned)
            })
            .collect();
        assert_eq!(nonces.len(), requests.len());
        // 15 pages, one more attempt for each fault but the two shifted totals, and, the
        // total having changed, one request finding the empty page after the last.
        assert_eq!(requests.len(), 15 + 11 + 1);
    }
}

// ---- PLCloud ------------------------------------------------------------------------

/// PLCloud's console session; an ended session is answered with a redirect to the
/// login, or with `FORBIDDEN` Django's HTML 403.
pub struct Plcloud<const FORBIDDEN: bool = false> {
    fake: Fake<plcloud::Plcloud>,
}

impl<const FORBIDDEN: bool> VendorCase for Plcloud<FORBIDDEN> {
    type Client = pl::Client;

    const PAGED: bool = false;
    const WRONG_SECRET: &'static str = "not-the-password";
    const BUSY: (u16, &'static str) = (500, "500");
    const REFUSED_PAGE: (u16, &'static str, &'static str) = (200, "403", "无权限");
    const ERROR_REQUEST_ID: Option<&'static str> = None;
    const RECORD: fn(u64) -> Value = plcloud::record;

    type Vendor = plcloud::Plcloud;

    async fn start() -> Self {
        let fake = plcloud::start().await;
        if FORBIDDEN {
            fake.vendor.set_expired_answer(Expired::Forbidden);
        }
        Plcloud { fake }
    }

    fn fake(&self) -> &Fake<plcloud::Plcloud> {
        &self.fake
    }

    fn sign_in_server(&self) -> Option<&Server> {
        Some(&self.fake)
    }

    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        let password = Self::secret(credentials, plcloud::USER.1);
        let login = pl::auth::console_session(user((plcloud::USER.0, password)));
        builder(&self.fake, login)
    }

    fn records(client: &Self::Client, _page_size: u32, options: CallOptions) -> Records {
        let call = client.get_consumptions_by_query().options(options);
        let list = async move {
            match call.send().await {
                Ok(list) => list.data.iter().map(|r| Ok(json_of(r))).collect(),
                Err(error) => vec![Err(error)],
            }
        };
        Box::pin(stream::once(list).flat_map(stream::iter))
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(client.get_consumptions_by_query().send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        let call = client.get_consumptions_by_query().start_at("2014/12/01");
        Box::pin(call.end_at("2014-12-02").send().map_ok(drop))
    }

    fn invalid_message() -> String {
        "GetConsumptionsByQuery: invalid request: parameter `start_at` must be formatted `YYYY-MM-DD`, got \"2014/12/01\"".into()
    }

    fn page_body(records: Vec<Value>) -> Value {
        // `code` 200 is the success the envelope looks for.
        json!({"code": 200, "data": records, "total_amount": null})
    }

    fn check_first_call(&self) {
        let requests = self.fake.log.requests();
        let routes: Vec<String> = requests.iter().map(|r| r.route()).collect();
        assert_eq!(
            routes,
            ["GET /api/", "POST /auth/login/", "POST /api/"],
            "open the console, log in, call"
        );
        let call = &requests[2];
        assert!(cookie(call, "sessionid").is_some(), "{call:?}");
        let csrf = cookie(call, "csrftoken").expect("csrf cookie");
        assert_eq!(call.header("x-csrftoken"), Some(csrf), "the rotated token");
        let origin = self.fake.base_url();
        assert_eq!(call.header("origin"), Some(origin.as_str()));
        assert_eq!(call.header("referer"), Some(format!("{origin}/").as_str()));
    }

    fn check_refusal(&self, error: &Error) {
        let text = error.to_string();
        assert!(text.contains("refused the user name or password"), "{text}");
        assert_eq!(self.fake.log.count(Method::POST, plcloud::API_PATH), 0);
    }
}
