//! The Alibaba Cloud BSS case: `DescribeInstanceBill` paged by `NextToken`, every
//! request signed (Alibaba RPC v1), by a permanent key or (`AliyunBss<true>`) a
//! temporary one carrying its STS security token.

use std::collections::BTreeSet;

use meterage_clients::aliyun_bss;
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error};
use meterage_tests::{aliyun, get, parse_pairs, Fake};
use serde_json::{json, Value};

use super::{drained, items, json_call, Call, Credentials, Records, VendorCase};
use crate::support::{access_key, builder};

/// The billing cycle every call of the case asks for.
pub const CYCLE: &str = "2026-11";

/// BSS, every request signed; `STS`: by the fake's temporary key, each request carrying
/// its security token.
pub struct AliyunBss<const STS: bool = false> {
    fake: Fake<aliyun::Aliyun>,
}

impl<const STS: bool> AliyunBss<STS> {
    /// The parameters of every request the fake received, in order.
    fn requests(&self) -> Vec<Vec<(String, String)>> {
        let requests = self.fake.log.requests();
        assert!(!requests.is_empty());
        requests
            .iter()
            .map(|r| parse_pairs(r.query.as_deref().unwrap_or("")))
            .collect()
    }

    /// Every request the fake received was a `DescribeInstanceBill` of [`CYCLE`] signed
    /// by the case's key, carrying the security token for a temporary key and none
    /// otherwise.
    fn check_keys(&self) {
        let (id, token) = if STS {
            (aliyun::KEYS.temporary.0, Some(aliyun::KEYS.token))
        } else {
            (aliyun::KEYS.key.0, None)
        };
        for pairs in self.requests() {
            assert_eq!(get(&pairs, "AccessKeyId"), Some(id));
            assert_eq!(get(&pairs, "SecurityToken"), token);
            assert_eq!(get(&pairs, "Action"), Some("DescribeInstanceBill"));
            assert_eq!(get(&pairs, "Version"), Some("2017-12-14"));
            assert_eq!(get(&pairs, "BillingCycle"), Some(CYCLE));
        }
    }
}

/// A BSS signature with `key`, temporary (carrying its security token) or not.
pub fn aliyun_signature(key: AccessKey) -> impl meterage_clients::runtime::Authorize {
    aliyun_bss::auth::rpc_signature(key)
}

impl<const STS: bool> VendorCase for AliyunBss<STS> {
    type Client = aliyun_bss::Client;

    const PAGED: bool = true;
    const WRONG_SECRET: &'static str = "not-the-secret";
    const BUSY: (u16, &'static str) = (503, "ServiceUnavailable");
    // BSS reports some failures in a 200 body with a `Code` other than `Success`.
    const REFUSED_PAGE: (u16, &'static str, &'static str) = (
        200,
        "NotApplicable",
        "This API is not applicable for caller.",
    );
    const ERROR_REQUEST_ID: Option<&'static str> = Some(aliyun::ERROR_REQUEST_ID);
    const RECORD: fn(u64) -> Value = aliyun::bill;

    type Vendor = aliyun::Aliyun;

    fn start() -> impl std::future::Future<Output = Self> + Send {
        let fake = aliyun::start();
        async { Self { fake: fake.await } }
    }

    fn fake(&self) -> &Fake<Self::Vendor> {
        &self.fake
    }

    /// Every request is signed: no sign-in.
    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        let key = if STS {
            let (id, secret) = aliyun::KEYS.temporary;
            AccessKey {
                security_token: Some(aliyun::KEYS.token.into()),
                ..access_key((id, Self::secret(credentials, secret)))
            }
        } else {
            let (id, secret) = aliyun::KEYS.key;
            access_key((id, Self::secret(credentials, secret)))
        };
        builder(&self.fake, aliyun_signature(key))
    }

    fn records(client: &Self::Client, page_size: u32, options: CallOptions) -> Records {
        let size = i32::try_from(page_size).expect("a page size");
        items(
            client
                .describe_instance_bill(CYCLE)
                .max_results(size)
                .options(options)
                .items(),
        )
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(client.describe_instance_bill(CYCLE).send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        drained(
            client
                .describe_instance_bill(CYCLE)
                .max_results(301)
                .items(),
        )
    }

    fn invalid_message() -> String {
        "DescribeInstanceBill: invalid request: parameter `MaxResults` must be at most 300, got 301"
            .into()
    }

    fn page_body(records: Vec<Value>) -> Value {
        json!({"Data": {"TotalCount": null, "NextToken": null, "Items": records}})
    }

    fn check_first_call(&self) {
        self.check_keys();
        // The first page is asked without a token, each next one with the token the
        // page before gave.
        let tokens: Vec<Option<String>> = self
            .requests()
            .iter()
            .map(|pairs| get(pairs, "NextToken").map(str::to_owned))
            .collect();
        let wanted: Vec<Option<String>> = (0..tokens.len() as u64)
            .map(|page| (page > 0).then(|| aliyun::token(page * 10)))
            .collect();
        assert_eq!(tokens, wanted);
    }

    fn check_refusal(&self, error: &Error) {
        assert_eq!(
            (error.status(), error.vendor_code()),
            (Some(400), Some("SignatureDoesNotMatch"))
        );
        let api = error.api().expect("API error");
        assert_eq!(api.request_id.as_deref(), Some(aliyun::ERROR_REQUEST_ID));
        assert!(api.message.is_some(), "{api:?}");
        assert!(!format!("{error} {error:?}").contains(aliyun::KEYS.token));
        self.check_keys();
    }

    fn check_after_faults(&self) {
        self.check_keys();
        // Every attempt was signed afresh: as many distinct nonces as requests.
        let requests = self.requests();
        let nonces: BTreeSet<&str> = requests
            .iter()
            .filter_map(|pairs| get(pairs, "SignatureNonce"))
            .collect();
        assert_eq!(nonces.len(), requests.len());
        // 15 pages and one more attempt for each fault but the two shifted totals (a
        // token, not the total, says where the listing ends).
        assert_eq!(requests.len(), 15 + 11);
    }
}
