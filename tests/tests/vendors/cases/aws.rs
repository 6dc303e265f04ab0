//! AWS Cost Explorer, every request signed with SigV4, by a permanent key or a temporary
//! one with its session token.

use meterage_clients::aws_cost_explorer as ce;
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::{CallOptions, ClientBuilder, Error};
use meterage_tests::{aws, Fake};
use serde_json::{json, Value};

use super::{drained, items, json_call, Call, Credentials, Records, VendorCase};
use crate::support::{access_key, builder};

/// Cost Explorer, every request signed with SigV4; `STS`: by the fake's temporary key,
/// each request carrying its session token.
pub struct AwsCostExplorer<const STS: bool = false> {
    fake: Fake<aws::Aws>,
}

/// The group-by of the fake's default query: by service.
fn by_service() -> ce::types::GroupDefinition {
    ce::types::GroupDefinition {
        r#type: Some(ce::types::GroupDefinitionType::Dimension),
        key: Some("SERVICE".into()),
    }
}

/// The fake's default query (`aws::default_request`) as a call: all of
/// [`aws::PERIOD`], daily, `UnblendedCost` and `UsageQuantity`, by service.
pub fn default_query(client: &ce::Client) -> ce::GetCostAndUsage {
    use ce::types::{DateInterval, Granularity, MetricName};
    let (start, end) = aws::PERIOD;
    let period = DateInterval {
        start: start.into(),
        end: end.into(),
    };
    let metrics = [MetricName::UnblendedCost, MetricName::UsageQuantity];
    client
        .get_cost_and_usage(period, Granularity::Daily, metrics)
        .group_by(vec![by_service()])
}

impl<const STS: bool> AwsCostExplorer<STS> {
    /// Every request the fake received was signed by the case's key for `ce` in
    /// `us-east-1`, carrying the session token for a temporary key and none otherwise.
    fn check_keys(&self) {
        let (id, token) = if STS {
            (aws::TEMPORARY_KEY.0, Some(aws::SESSION_TOKEN))
        } else {
            (aws::KEY.0, None)
        };
        let requests = self.fake.log.requests();
        assert!(!requests.is_empty());
        let scope = format!("Credential={id}/");
        for request in requests {
            let authorization = request.header("authorization").expect("signed");
            assert!(
                authorization.starts_with("AWS4-HMAC-SHA256 "),
                "{authorization}"
            );
            assert!(authorization.contains(&scope), "{authorization}");
            assert!(
                authorization.contains("/us-east-1/ce/aws4_request"),
                "{authorization}"
            );
            assert_eq!(request.header("x-amz-security-token"), token);
            assert_eq!(request.header("x-amz-target"), Some(aws::TARGET));
        }
    }
}

impl<const STS: bool> VendorCase for AwsCostExplorer<STS> {
    type Client = ce::Client;

    const PAGED: bool = true;
    const WRONG_SECRET: &'static str = "not-the-secret-access-key";
    const BUSY: (u16, &'static str) = (503, "com.amazon.coral.service#ServiceUnavailableException");
    const REFUSED_PAGE: (u16, &'static str, &'static str) = (
        400,
        "com.amazonaws.costexplorer#DataUnavailableException",
        "The requested data is unavailable.",
    );
    const ERROR_REQUEST_ID: Option<&'static str> = Some(aws::ERROR_REQUEST_ID);
    const RECORD: fn(u64) -> Value = aws::result;

    type Vendor = aws::Aws;

    async fn start() -> Self {
        Self {
            fake: aws::start().await,
        }
    }

    fn fake(&self) -> &Fake<aws::Aws> {
        &self.fake
    }

    fn builder(&self, credentials: Credentials) -> ClientBuilder<Self::Client> {
        let key = if STS {
            AccessKey {
                security_token: Some(aws::SESSION_TOKEN.into()),
                ..access_key((
                    aws::TEMPORARY_KEY.0,
                    Self::secret(credentials, aws::TEMPORARY_KEY.1),
                ))
            }
        } else {
            access_key((aws::KEY.0, Self::secret(credentials, aws::KEY.1)))
        };
        builder(&self.fake, ce::auth::sigv4(key))
    }

    /// The fake's pages hold [`aws::DEFAULT_PAGE_SIZE`] results: Cost Explorer takes no
    /// page size.
    fn pages(len: u64, _page_size: u32) -> u64 {
        len.div_ceil(aws::DEFAULT_PAGE_SIZE)
    }

    fn records(client: &Self::Client, _page_size: u32, options: CallOptions) -> Records {
        items(default_query(client).options(options).items())
    }

    fn page(client: &Self::Client) -> Call<Value> {
        json_call(default_query(client).send())
    }

    fn invalid(client: &Self::Client) -> Call<()> {
        drained(
            default_query(client)
                .group_by(vec![by_service(); 3])
                .items(),
        )
    }

    fn invalid_message() -> String {
        "GetCostAndUsage: invalid request: parameter `GroupBy` must have at most 2 items, got 3"
            .into()
    }

    fn page_body(records: Vec<Value>) -> Value {
        json!({"ResultsByTime": records, "NextPageToken": null, "GroupDefinitions": null, "DimensionValueAttributes": null})
    }

    fn check_first_call(&self) {
        self.check_keys();
        let requests = self.fake.log.requests();
        let first = &requests[0];
        assert_eq!(first.header("content-type"), Some(aws::MEDIA_TYPE));
        let body: Value = serde_json::from_slice(&first.body).expect("a JSON body");
        assert_eq!(body, aws::default_request());
        for request in &requests[1..] {
            let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
            assert!(body["NextPageToken"].is_string(), "{body}");
        }
    }

    fn check_refusal(&self, error: &Error) {
        assert_eq!(
            (error.status(), error.vendor_code()),
            (
                Some(403),
                Some("com.amazon.coral.service#InvalidSignatureException")
            )
        );
        let api = error.api().expect("API error");
        assert_eq!(api.request_id.as_deref(), Some(aws::ERROR_REQUEST_ID));
        assert!(
            api.message
                .as_deref()
                .is_some_and(|m| m.contains("signature we calculated does not match")),
            "{api:?}"
        );
        assert!(!format!("{error} {error:?}").contains(aws::SESSION_TOKEN));
        self.check_keys();
    }

    fn check_after_faults(&self) {
        self.check_keys();
        // 30 pages, and one more attempt for each fault but the two shifted totals
        // (Cost Explorer declares no total).
        assert_eq!(self.fake.log.requests().len(), 30 + 11);
    }
}
