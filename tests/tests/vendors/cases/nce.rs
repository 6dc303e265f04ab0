//! NCE-Campus over HTTPS with a private CA; a login token.

use meterage_clients::nce_campus;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error};
use meterage_tests::{nce, Fake, Options, Server};
use serde_json::{json, Value};

use super::{drained, items, json_call, Call, Credentials, Records, VendorCase};
use crate::support::{builder, user};

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
