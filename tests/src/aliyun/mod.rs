//! Alibaba Cloud BSS OpenAPI (`business.aliyuncs.com`, version 2017-12-14):
//! `GET` or `POST /?Action=DescribeInstanceBill&...`, signed the Alibaba Cloud RPC v1 way
//! (HMAC-SHA1), paged with `NextToken` and `MaxResults`.
//!
//! The gateway's checks are the shared [`crate::rpc::Gate`]'s (keys, STS tokens,
//! signature, timestamp, nonce): the fake knows a permanent key and a temporary one
//! issued with its security token ([`KEYS`]). A `POST` may carry its parameters in the
//! query or in a form body; it is signed with `POST`.
//!
//! Then the action's checks, and the page: `BillingCycle` (`yyyy-MM`) is required,
//! `MaxResults` is 1 to 300 (default 20), `NextToken` must be one the fake issued (it
//! carries the position of the page, see [`records::token`]). `ProductCode`,
//! `ProductType`, `SubscriptionType`, `InstanceID` and `IsHideZeroCharge` filter the
//! bills; `Granularity=DAILY` requires `BillingDate` in the cycle and adds it to every
//! bill; `IsBillingItem=true` adds the billable item's fields ([`records::shaped`]).
//! The last page has an empty `NextToken`.
//!
//! Errors are Alibaba's `{RequestId, HostId, Code, Message, Recommend}`:
//!
//! | check | status | `Code` |
//! |---|---|---|
//! | another `Action` | 404 | `InvalidAction.NotFound` |
//! | another `Version` | 400 | `InvalidVersion` |
//! | no `BillingCycle` | 400 | `MissingBillingCycle` |
//! | a token the fake did not issue | 400 | `InvalidNextToken` |
//! | any other bad parameter | 400 | `InvalidParameter` |
//!
//! Busy is `ServiceUnavailable` (503); throttled is `Throttling.User`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::dataset::{window, Dataset, Order, Window};
use crate::harness::{Canned, Harness, Injected, Outcome, Vendor};
use crate::log::Recorded;
use crate::rpc::{self, Gate, Keys};
use crate::server::{Fake, Options};
use crate::{get as param, json as reply, parse_pairs};

pub mod records;
#[cfg(test)]
mod tests;

pub use records::{bill, bills, offset_of, shaped, token};

/// The keys the fake knows: a permanent one, and a temporary (STS) one issued with its
/// security token (base64-like: its `+`, `/` and `=` must be percent-encoded).
pub const KEYS: Keys = Keys {
    key: ("LTAI5tMeterageBssTest01", "aliyun-test-secret"),
    temporary: ("STS.NUmeterageBss4Temp0rary", "aliyun-temporary-secret"),
    token: "CAIS+gF1q6Ft5B2yfSjIr5bss/temporary+token==",
};
/// The `RequestId` of every error.
pub const ERROR_REQUEST_ID: &str = "5E6C8E0A-5C6B-4E4B-9B31-0B6C3C8F1A20";
/// The `RequestId` of every page.
pub const REQUEST_ID: &str = "79EE7556-0CFD-44EB-9CD6-B3B526E3A85F";
/// The `HostId` of every error.
pub const HOST_ID: &str = "business.aliyuncs.com";
/// The account the bills are of: (AccountID, AccountName).
pub const ACCOUNT: (&str, &str) = ("1234567890123456", "meterage-test@aliyun.com");
/// How many bills a fresh fake serves.
pub const DEFAULT_BILLS: u64 = 60;
/// `MaxResults` when the request sets none.
pub const DEFAULT_MAX_RESULTS: u64 = 20;
/// The largest `MaxResults`.
pub const MAX_RESULTS: u64 = 300;

/// BSS's state: the gateway (nonces, token lifetime) and the clock it checks
/// timestamps against.
#[derive(Debug)]
pub struct Aliyun {
    dataset: Arc<Dataset>,
    gate: Gate,
}

impl Aliyun {
    /// BSS's state over the dataset of `harness`.
    fn new(harness: &Harness) -> Aliyun {
        Aliyun {
            gate: Gate::new(KEYS),
            dataset: harness.dataset.clone(),
        }
    }

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

/// The parameters of a request: its query, then for a `POST` its form body.
fn request_pairs(method: &Method, query: Option<&str>, body: &[u8]) -> Vec<(String, String)> {
    let mut pairs = parse_pairs(query.unwrap_or(""));
    if method == Method::POST {
        pairs.extend(parse_pairs(&String::from_utf8_lossy(body)));
    }
    pairs
}

impl Vendor for Aliyun {
    const BUSY: Canned = rpc::BUSY;
    const THROTTLED: Canned = rpc::THROTTLED;

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        if request.path != "/" || ![Method::GET, Method::POST].contains(&request.method) {
            return None;
        }
        let pairs = request_pairs(&request.method, request.query.as_deref(), &request.body);
        if param(&pairs, "Action") != Some("DescribeInstanceBill") {
            return None;
        }
        let size = match param(&pairs, "MaxResults") {
            None => DEFAULT_MAX_RESULTS,
            Some(n) => n.parse().ok().filter(|n| *n > 0)?,
        };
        Some(match param(&pairs, "NextToken").filter(|t| !t.is_empty()) {
            None => 1,
            Some(token) => offset_of(token).map_or(0, |offset| offset / size + 1),
        })
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        reply(
            status,
            json!({
                "RequestId": ERROR_REQUEST_ID, "HostId": HOST_ID, "Code": code, "Message": message,
                "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=BssOpenApi&requestId={ERROR_REQUEST_ID}"),
            }),
        )
    }

    /// Requests are signed one by one: there is no session to expire.
    fn expire_sessions(&self) {}
}

/// Starts the endpoint over plain HTTP with [`DEFAULT_BILLS`] bills.
pub async fn start() -> Fake<Aliyun> {
    start_with(Options::default()).await
}

/// Starts the endpoint with `options`.
pub async fn start_with(options: Options) -> Fake<Aliyun> {
    let router = Router::new().route("/", get(rpc).post(rpc));
    Fake::start(DEFAULT_BILLS, options, Aliyun::new, router).await
}

/// The parameters that keep the bills whose field of the same name has their value.
const FILTERS: [&str; 4] = [
    "ProductCode",
    "ProductType",
    "SubscriptionType",
    "InstanceID",
];

/// What a valid request asks for.
struct Query<'a> {
    cycle: &'a str,
    offset: u64,
    size: u64,
    billing_date: Option<&'a str>,
    by_item: bool,
    hide_zero: bool,
}

/// An optional `true`/`false` parameter; `Err` for any other value.
fn flag(pairs: &[(String, String)], name: &str) -> Result<bool, ()> {
    match param(pairs, name) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(()),
    }
}

/// Whether `text` is a month `yyyy-MM`.
fn is_month(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit())
        && matches!(text[5..].parse::<u8>(), Ok(1..=12))
}

/// Whether `text` is a day `yyyy-MM-dd` of the month `cycle` (a valid `yyyy-MM`).
fn is_day_of(text: &str, cycle: &str) -> bool {
    text.len() == 10
        && text.starts_with(cycle)
        && text.as_bytes()[7] == b'-'
        && text[8..].bytes().all(|b| b.is_ascii_digit())
        && matches!(text[8..].parse::<u8>(), Ok(1..=31))
}

/// The action's own checks; what the request asks for on success.
fn business<'p>(a: &Aliyun, pairs: &'p [(String, String)]) -> Result<Query<'p>, Response> {
    let fail = |code: &str, message: &str| Err(a.error(StatusCode::BAD_REQUEST, code, message));
    let invalid = |name: &str| {
        fail(
            "InvalidParameter",
            &format!("The specified parameter {name} is not valid."),
        )
    };
    if param(pairs, "Action") != Some("DescribeInstanceBill") {
        return Err(a.error(
            StatusCode::NOT_FOUND,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        ));
    }
    if param(pairs, "Version") != Some("2017-12-14") {
        return fail(
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    }
    if param(pairs, "Format") != Some("JSON") {
        return invalid("Format");
    }
    let Some(cycle) = param(pairs, "BillingCycle").filter(|c| !c.is_empty()) else {
        return fail(
            "MissingBillingCycle",
            "BillingCycle is mandatory for this action.",
        );
    };
    if !is_month(cycle) {
        return invalid("BillingCycle");
    }
    let size = match param(pairs, "MaxResults") {
        None => DEFAULT_MAX_RESULTS,
        Some(n) => match n.parse::<u64>() {
            Ok(n @ 1..=MAX_RESULTS) => n,
            _ => return invalid("MaxResults"),
        },
    };
    let offset = match param(pairs, "NextToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match offset_of(token) {
            Some(offset) => offset,
            None => return fail("InvalidNextToken", "The specified NextToken is not valid."),
        },
    };
    if param(pairs, "SubscriptionType").is_some_and(|s| !records::SUBSCRIPTION_TYPES.contains(&s)) {
        return invalid("SubscriptionType");
    }
    let billing_date = match param(pairs, "Granularity") {
        None | Some("MONTHLY") => None,
        Some("DAILY") => match param(pairs, "BillingDate") {
            Some(date) if is_day_of(date, cycle) => Some(date),
            _ => return invalid("BillingDate"),
        },
        Some(_) => return invalid("Granularity"),
    };
    let (Ok(by_item), Ok(hide_zero)) = (
        flag(pairs, "IsBillingItem"),
        flag(pairs, "IsHideZeroCharge"),
    ) else {
        return invalid("IsBillingItem or IsHideZeroCharge");
    };
    Ok(Query {
        cycle,
        offset,
        size,
        billing_date,
        by_item,
        hide_zero,
    })
}

/// The `size` bills from position `start` of the listing (filtered by `keep`): the
/// first page of `start + size` bills, less the first `start`.
fn window_at(len: u64, start: u64, size: u64, keep: Option<&dyn Fn(u64) -> bool>) -> Window {
    let Window { total, indices } = window(len, 1, start.saturating_add(size), Order::Index, keep);
    let indices = indices
        .into_iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX));
    Window {
        total,
        indices: indices.collect(),
    }
}

async fn rpc(
    State(a): State<Arc<Aliyun>>,
    injected: Injected,
    method: Method,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Outcome {
    let pairs = request_pairs(&method, query.as_deref(), &body);
    a.gate
        .check(method.as_str(), &pairs)
        .map_err(|r| a.error(r.status, &r.code, &r.message))?;
    let paging = injected.backend(&*a)?;
    let q = business(&a, &pairs)?;
    let matches =
        |name: &str, i: u64| param(&pairs, name).is_none_or(|wanted| bill(i)[name] == wanted);
    let keep = |i: u64| {
        FILTERS.iter().all(|name| matches(name, i)) && !(q.hide_zero && records::zero_charge(i))
    };
    let filtered = q.hide_zero || FILTERS.iter().any(|name| param(&pairs, name).is_some());
    let filter: Option<&dyn Fn(u64) -> bool> = filtered.then_some(&keep);
    // A repeated page (an injected fault) serves the page before this one, and with
    // `echo_previous` the token that page gave, the one this request was asked with.
    let asked = q.offset / q.size + 1;
    let start = if paging.page(asked) < asked {
        q.offset.saturating_sub(q.size)
    } else {
        q.offset
    };
    let w = window_at(a.dataset.len(), start, q.size, filter);
    let next = if paging.echo(asked) < asked {
        start + q.size
    } else {
        q.offset + q.size
    };
    let items: Vec<Value> = w
        .indices
        .iter()
        .map(|&i| shaped(i, q.billing_date, q.by_item))
        .collect();
    let next_token = if next < w.total {
        token(next)
    } else {
        String::new()
    };
    Ok(reply(
        StatusCode::OK,
        json!({
            "RequestId": REQUEST_ID, "Success": true, "Code": "Success", "Message": "Successful!",
            "Data": {
                "BillingCycle": q.cycle, "AccountID": ACCOUNT.0, "AccountName": ACCOUNT.1,
                "TotalCount": paging.total(w.total), "NextToken": next_token,
                "MaxResults": q.size, "Items": items,
            },
        }),
    ))
}
