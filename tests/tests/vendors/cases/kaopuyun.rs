//! Kaopuyun, every request signed (Alibaba RPC v1), by a permanent or a temporary key.

use meterage_clients::kaopuyun as kp;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error};
use meterage_tests::{kaopuyun, Fake};
use serde_json::{json, Value};

use super::{drained, items, json_call, Call, Credentials, Records, VendorCase};
use crate::support::{builder, kaopuyun_key, kaopuyun_signature, kaopuyun_temporary_key};

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
