//! Kaopuyun's RPC endpoint: `GET /?Action=DescribeFlowBills&...`, signed the Alibaba
//! Cloud RPC v1 way (HMAC-SHA1).
//!
//! The fake verifies the signature with its own code ([`signature()`]), refuses a
//! `Timestamp` more than 15 minutes from its clock and a `SignatureNonce` seen before,
//! validates parameters and pages the bills (`PageNumber` from 1, `PageSize` up to 50,
//! `Total`).
//!
//! It knows a permanent key ([`KEY`]) and a temporary (STS) one ([`TEMPORARY_KEY`]),
//! issued with its token ([`SECURITY_TOKEN`]) when the fake starts and valid for
//! [`TOKEN_LIFETIME_MS`] of its clock. As on Alibaba Cloud, a temporary key's request
//! carries the common parameter `SecurityToken`, covered by the signature, and is
//! signed with the temporary key's own secret; the token must be the one issued with
//! that key.
//!
//! Errors are Alibaba-style `{RequestId, Code, Message}`: the gateway's refusals (the
//! shared [`crate::rpc::Gate`]: keys, tokens, signature, timestamp, nonce), then the
//! action's own:
//!
//! | check | status | `Code` |
//! |---|---|---|
//! | unknown `ProductType` | 400 | `ProductTypeIsInvalid` |
//! | unknown `BillStatus` | 400 | `ValueNotSupported` |
//! | bad paging or date parameter | 400 | `InvalidParameter` |
//!
//! `RegionCode`, `ResourceUUID` and the bill dates are accepted (dates are checked for
//! their format) but do not filter: their semantics are unknown.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::clock::{Clock, Utc};
use crate::dataset::{window, Dataset, Order};
use crate::harness::{page_asked, Canned, Harness, Injected, Outcome, Vendor};
use crate::log::Recorded;
use crate::rpc::{self, Gate, Keys};
use crate::server::{Fake, Options};
use crate::{get as param, json as reply, parse_pairs};

#[cfg(test)]
mod tests;

pub use crate::rpc::{percent_encode, signature, TIMESTAMP_WINDOW_MS, TOKEN_LIFETIME_MS};

/// The access key the fake knows: (AccessKeyId, secret).
pub const KEY: (&str, &str) = ("sz0000ei53aw", "kaopuyun-test-secret");
/// The temporary (STS) access key the fake issued: (AccessKeyId, secret). Its requests
/// carry [`SECURITY_TOKEN`]. Alibaba Cloud's temporary key ids start with `STS.`.
pub const TEMPORARY_KEY: (&str, &str) = ("STS.NTkaopuyun4Temp0rary", "kaopuyun-temporary-secret");
/// The keys the gateway knows.
const KEYS: Keys = Keys {
    key: KEY,
    temporary: TEMPORARY_KEY,
    token: SECURITY_TOKEN,
};
/// The security token the fake issued with [`TEMPORARY_KEY`]: base64-like, so that its
/// `+`, `/` and `=` must be percent-encoded on the wire and in the signature.
pub const SECURITY_TOKEN: &str = "CAIS8wF1q6Ft5B2yfSjIr5b+kaopuyun/temporary+token==";
/// The `RequestId` of every error.
pub const ERROR_REQUEST_ID: &str = "0f4e1b7e-3c1d-4a8e-9a55-5c2f7e1b2a10";
/// The `RequestId` of every page.
pub const REQUEST_ID: &str = "742fbe80-0ea9-11eb-9b36-0208cb7f7896";
/// How many bills a fresh fake serves.
pub const DEFAULT_BILLS: u64 = 60;
/// The product types the fake knows.
pub const PRODUCT_TYPES: [&str; 5] = ["OWN_ECS", "BWP", "OWN_EIP", "CDN", "OSS"];

/// The status of bill `index`, which the listing filters on but does not send (the
/// seed's bills have none).
fn status_of(index: u64) -> Option<&'static str> {
    match index.checked_sub(3) {
        None => None,
        Some(i) if i % 2 == 0 => Some("CLEARED"),
        Some(_) => Some("UNCLEAR"),
    }
}

/// Bill `index` (from 0) as the listing serves it: the seed's three example bills, then
/// generated ones.
pub fn bill(index: u64) -> Value {
    match index {
        0 => {
            json!({"PayPrice": 21.45, "BillType": "RENEW_PRODUCT", "BillUUID": "s70000000rfm", "BillBeginTime": "2022-10-25 10:15", "TotalPrice": 21.45, "ProductType": "BWP", "PaymentType": "PRE_PAID", "PayTime": "2022-10-25 10:15", "BillEndTime": "2022-10-31 23:59"})
        }
        1 => {
            json!({"PayPrice": 25.0, "BillType": "RENEW_PRODUCT", "BillUUID": "s70000000rfk", "BillBeginTime": "2022-10-26 00:00", "TotalPrice": 25.0, "ProductType": "OWN_EIP", "PaymentType": "PRE_PAID", "PayTime": "2022-10-25 10:00", "BillEndTime": "2022-11-25 23:59"})
        }
        2 => {
            json!({"PayPrice": 25.0, "BillType": "RENEW_PRODUCT", "BillUUID": "s70000000rfi", "BillBeginTime": "2022-10-26 00:00", "TotalPrice": 25.0, "ProductType": "OWN_EIP", "PaymentType": "PRE_PAID", "PayTime": "2022-10-25 10:00", "BillEndTime": "2022-11-25 23:59"})
        }
        _ => {
            let i = index - 3;
            let price = (100 + i * 37 % 900) as f64 / 10.0;
            json!({
                "PayPrice": price, "BillType": if i.is_multiple_of(4) { "NEW_PRODUCT" } else { "RENEW_PRODUCT" },
                "BillUUID": format!("s7000000{i:04}"), "BillBeginTime": "2023-02-01 00:00", "TotalPrice": price,
                "ProductType": PRODUCT_TYPES[(i % 3) as usize], "PaymentType": "PRE_PAID",
                "PayTime": "2023-02-01 00:00", "BillEndTime": "2023-03-01 00:00",
            })
        }
    }
}

/// The first `len` bills in server order (no filter): what paging through the whole
/// listing must return.
pub fn bills(len: u64) -> impl Iterator<Item = Value> {
    (0..len).map(bill)
}

/// Kaopuyun's state: the nonces seen, the clock timestamps are checked against, and
/// when the issued security token expires.
#[derive(Debug)]
pub struct Kaopuyun {
    dataset: Arc<Dataset>,
    gate: Gate,
}

impl Kaopuyun {
    /// How many distinct nonces the server has accepted.
    pub fn nonces_seen(&self) -> usize {
        self.gate.nonces_seen()
    }

    /// The server's clock; advance it to make signed requests look stale (and, past
    /// the token's lifetime, the security token expired).
    pub fn clock(&self) -> &Clock {
        self.gate.clock()
    }
}

impl Vendor for Kaopuyun {
    const BUSY: Canned = rpc::BUSY;
    const THROTTLED: Canned = rpc::THROTTLED;

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        if request.method != "GET" || request.path != "/" {
            return None;
        }
        let pairs = parse_pairs(request.query.as_deref().unwrap_or(""));
        (param(&pairs, "Action") == Some("DescribeFlowBills"))
            .then(|| page_asked(request, "PageNumber"))
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        reply(
            status,
            json!({"RequestId": ERROR_REQUEST_ID, "Code": code, "Message": message}),
        )
    }

    /// Requests are signed one by one: there is no session to expire.
    fn expire_sessions(&self) {}
}

/// Starts the endpoint over plain HTTP with [`DEFAULT_BILLS`] bills.
pub async fn start() -> Fake<Kaopuyun> {
    start_with(Options::default()).await
}

/// Starts the endpoint with `options`.
pub async fn start_with(options: Options) -> Fake<Kaopuyun> {
    let kaopuyun = |harness: &Harness| Kaopuyun {
        gate: Gate::new(KEYS),
        dataset: harness.dataset.clone(),
    };
    Fake::start(
        DEFAULT_BILLS,
        options,
        kaopuyun,
        Router::new().route("/", get(rpc)),
    )
    .await
}

/// The gateway's checks: parameters, key, signature, timestamp, nonce.
fn authenticate(k: &Kaopuyun, pairs: &[(String, String)]) -> Result<(), Response> {
    k.gate
        .check("GET", pairs)
        .map_err(|r| k.error(r.status, &r.code, &r.message))
}

/// The action's own checks; the filters on success.
fn business(k: &Kaopuyun, pairs: &[(String, String)]) -> Result<(u64, u64), Response> {
    let fail = |code: &str, message: &str| Err(k.error(StatusCode::BAD_REQUEST, code, message));
    if param(pairs, "Version") != Some("2014-05-26") {
        return fail(
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    }
    if param(pairs, "Format") != Some("JSON") {
        return fail("InvalidParameter", "Format must be JSON.");
    }
    if param(pairs, "Action") != Some("DescribeFlowBills") {
        return fail(
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    if param(pairs, "ProductType").is_some_and(|p| !PRODUCT_TYPES.contains(&p)) {
        return fail("ProductTypeIsInvalid", "ProductType无效的产品类型");
    }
    if param(pairs, "BillStatus").is_some_and(|s| s != "CLEARED" && s != "UNCLEAR") {
        return fail("ValueNotSupported", "BillStatus参数不合法");
    }
    for name in ["BillBeginDate", "BillEndDate"] {
        if param(pairs, name).is_some_and(|d| Utc::parse_spaced(d).is_none()) {
            return fail("InvalidParameter", &format!("{name} is not valid."));
        }
    }
    let number = |name: &str, default: u64, max: u64| match param(pairs, name) {
        None => Some(default),
        Some(v) => v.parse::<u64>().ok().filter(|n| (1..=max).contains(n)),
    };
    match (
        number("PageNumber", 1, u64::MAX),
        number("PageSize", 10, 50),
    ) {
        (Some(page), Some(size)) => Ok((page, size)),
        _ => fail("InvalidParameter", "PageNumber or PageSize is not valid."),
    }
}

async fn rpc(
    State(k): State<Arc<Kaopuyun>>,
    injected: Injected,
    RawQuery(query): RawQuery,
) -> Outcome {
    let pairs = parse_pairs(query.as_deref().unwrap_or(""));
    authenticate(&k, &pairs)?;
    let paging = injected.backend(&*k)?;
    let (page, size) = business(&k, &pairs)?;
    let product = param(&pairs, "ProductType");
    let status = param(&pairs, "BillStatus");
    let keep = |i: u64| {
        product.is_none_or(|p| bill(i)["ProductType"] == p)
            && status.is_none_or(|s| status_of(i).is_none_or(|bs| bs == s))
    };
    let filter: Option<&dyn Fn(u64) -> bool> =
        (product.is_some() || status.is_some()).then_some(&keep);
    let w = window(
        k.dataset.len(),
        paging.page(page),
        size,
        Order::Index,
        filter,
    );
    Ok(reply(
        StatusCode::OK,
        json!({"Total": paging.total(w.total), "Items": w.records(bill), "RequestId": REQUEST_ID}),
    ))
}
