//! Huawei GSL, with an IAM token from the fake IAM or every request signed with an
//! access key.

use meterage_clients::huawei_gsl;
use meterage_clients::runtime::auth::KeystoneUser;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error};
use meterage_tests::gsl::{self, Gsl, Iam};
use meterage_tests::{Fake, Server};
use serde_json::{json, Value};

use super::{drained, items, json_call, Call, Credentials, Records, VendorCase};
use crate::support::{builder, gsl_aksk, iam_login, iam_user};

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
