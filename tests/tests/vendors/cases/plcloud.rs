//! PLCloud's console session.

use axum::http::Method;
use futures_util::{stream, TryFutureExt};
use meterage_clients::plcloud as pl;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error, StreamExt};
use meterage_tests::plcloud::{self, Expired};
use meterage_tests::{Fake, Server};
use serde_json::{json, Value};

use super::{cookie, json_call, json_of, Call, Credentials, Records, VendorCase};
use crate::support::{builder, user};

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
