//! Azure Consumption's `UsageDetails_List` on the Resource Manager fake, with a bearer
//! token of the Entra ID fake (the OAuth 2.0 client credentials grant).

use meterage_clients::azure_consumption as az;
use meterage_clients::runtime::auth::ClientCredentials;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error};
use meterage_tests::azure::{self, Arm, Entra};
use meterage_tests::records::expected;
use meterage_tests::{parse_pairs, Fake, Recorded, Server};
use serde_json::{json, Value};

use super::{drained, items, json_call, Call, Credentials, Records, VendorCase};
use crate::support::builder;

/// Azure Resource Manager with an Entra ID token; pages by `nextLink`.
pub struct Azure {
    arm: Fake<Arm>,
    entra: Fake<Entra>,
}

/// The scope the case lists: the fake's subscription, written as Azure documents it.
fn scope() -> String {
    format!("/subscriptions/{}", azure::SUBSCRIPTION_ID)
}

/// The query pairs of `request`.
fn query(request: &Recorded) -> Vec<(String, String)> {
    parse_pairs(request.query.as_deref().unwrap_or(""))
}

impl Azure {
    /// Every request to Resource Manager carried `api-version=2024-08-01` and a bearer
    /// token.
    fn check_requests(&self) {
        let requests = self.arm.log.requests();
        assert!(!requests.is_empty());
        for request in &requests {
            let pairs = query(request);
            assert_eq!(
                meterage_tests::get(&pairs, "api-version"),
                Some(azure::API_VERSION),
                "{request:?}"
            );
            let bearer = request.header("authorization").unwrap_or_default();
            assert!(bearer.starts_with("Bearer ey"), "{request:?}");
        }
    }
}

impl VendorCase for Azure {
    type Client = az::Client;

    const PAGED: bool = true;
    const WRONG_SECRET: &'static str = "Qx8Q~not-the-client-secret";
    const BUSY: (u16, &'static str) = (503, "ServiceUnavailable");
    const REFUSED_PAGE: (u16, &'static str, &'static str) = (
        403,
        "AuthorizationFailed",
        "The client '5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4' with object id '5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4' does not have authorization to perform action 'Microsoft.Consumption/usageDetails/read' over scope '/subscriptions/9b1f7e2a-6c3d-4e5f-8a9b-0c1d2e3f4a5b' or the scope is invalid. If access was recently granted, please refresh your credentials.",
    );
    const ERROR_REQUEST_ID: Option<&'static str> = Some(azure::REQUEST_ID);
    const RECORD: fn(u64) -> Value = azure::usage_detail;

    type Vendor = Arm;

    async fn start() -> Self {
        let arm = azure::start().await;
        let entra = azure::start_entra(&arm).await;
        Azure { arm, entra }
    }

    fn fake(&self) -> &Fake<Arm> {
        &self.arm
    }

    fn sign_in_server(&self) -> Option<&Server> {
        Some(&self.entra)
    }

    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        let (client_id, secret) = azure::CLIENT;
        let login = az::auth::azure_auth_login(ClientCredentials {
            tenant: Some(azure::TENANT_ID.into()),
            client_id: client_id.into(),
            client_secret: Self::secret(credentials, secret).into(),
        })
        .authority_host(self.entra.base_url());
        builder(&self.arm, login)
    }

    fn records(client: &Self::Client, page_size: u32, options: CallOptions) -> Records {
        let top = i32::try_from(page_size).expect("a page size");
        items(
            client
                .usage_details_list(scope())
                .top(top)
                .options(options)
                .items(),
        )
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(client.usage_details_list(scope()).send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        drained(client.usage_details_list(scope()).top(1001).items())
    }

    fn invalid_message() -> String {
        "UsageDetails_List: invalid request: parameter `$top` must be at most 1000, got 1001".into()
    }

    /// The details without their `null` fields (`tags: null`), which a typed client
    /// leaves out.
    fn expected(len: u64) -> Vec<Value> {
        expected(azure::usage_details(len).map(azure::without_nulls))
    }

    fn page_body(records: Vec<Value>) -> Value {
        json!({"value": records, "nextLink": null})
    }

    fn check_first_call(&self) {
        let sign_in = &self.entra.log.requests()[0];
        assert_eq!(
            sign_in.path,
            format!("/{}/oauth2/v2.0/token", azure::TENANT_ID)
        );
        assert_eq!(
            sign_in.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let form = parse_pairs(&sign_in.body_text());
        let (client_id, secret) = azure::CLIENT;
        let want = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", azure::SCOPE),
        ];
        let got: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, want);
        self.check_requests();
        let requests = self.arm.log.requests();
        let token = requests[0].header("authorization");
        assert!(requests.iter().all(|r| r.header("authorization") == token));
        // The first page is the operation's own request; every next one a `nextLink`,
        // `$top` kept and a `$skiptoken` added.
        assert_eq!(
            requests[0].path,
            azure::list_path(azure::SUBSCRIPTION_ID),
            "the scope's `/` kept"
        );
        assert!(meterage_tests::get(&query(&requests[0]), "$skiptoken").is_none());
        for request in requests.iter().skip(1) {
            let pairs = query(request);
            assert_eq!(meterage_tests::get(&pairs, "$top"), Some("10"));
            assert!(meterage_tests::get(&pairs, "$skiptoken").is_some());
        }
    }

    fn check_refusal(&self, error: &Error) {
        assert_eq!(
            (error.status(), error.vendor_code()),
            (Some(401), Some("invalid_client"))
        );
        let api = error.api().expect("Entra's answer");
        let message = api.message.as_deref().unwrap_or_default();
        assert!(
            message.starts_with("AADSTS7000215: Invalid client secret provided."),
            "{message}"
        );
        assert_eq!(api.request_id.as_deref(), Some(azure::TRACE_ID));
        assert_eq!(self.arm.log.requests().len(), 0);
    }

    fn check_after_faults(&self) {
        self.check_requests();
    }
}
