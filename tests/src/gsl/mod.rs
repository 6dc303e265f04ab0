//! Huawei Cloud GSL (`GET /v1/sim-pools`) behind the API gateway, and the IAM token call
//! on its own host ([`start_iam`]).
//!
//! - Auth, either way the vendor accepts: `X-Auth-Token` with a token IAM issued (or
//!   the ever-valid [`TOKEN`]), or an `SDK-HMAC-SHA256` signature with [`AKSK`],
//!   verified by [`aksk`]. Refusals are the gateway's: HTTP 401, `APIGW.0301`, the
//!   gateway's message and `request_id` (an expired token: `token expires, expires_at:
//!   ...`; a stale `X-Sdk-Date`: `calc ak sk signature fail:signature expired`; a wrong
//!   signature: `verify aksk signature fail`).
//! - Paging: `offset` is the page number (1..=1000000, default 1, echoed), `limit`
//!   10..=500 (default 10, echoed), `count` the total; out of range is 400
//!   `GSL.00010004`, an invalid `billing_cycle` 403 `GSL.00011004`.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::clock::{Clock, Span, Utc};
use crate::dataset::{window, Dataset, Order};
use crate::harness::{page_asked, Canned, Harness, Injected, Outcome, Vendor};
use crate::log::Recorded;
use crate::server::{Fake, Options};
use crate::{get as param, json as reply, lock, parse_pairs};

pub mod aksk;
mod iam;
#[cfg(test)]
mod tests;

pub use iam::{start_iam, start_iam_with, Iam, TOKENS_PATH as IAM_TOKENS_PATH};

/// A token GSL always accepts (until [`Gsl::expire_tokens`]), as if IAM had issued it.
pub const TOKEN: &str =
    "MIIZkQYJKoZIhvcNAQcCoIIZgjCCGX4CAQExDTALBglghkgBZQMEAgEwghejBgkqhkiG9w0BBwGgghe";
/// The IAM user, password, domain and project (by name: the region) the fake IAM accepts.
pub const USER: (&str, &str, &str, &str) = (
    "gsl-operator",
    "Iam-Pa55word!",
    "example-domain",
    "cn-north-4",
);
/// The id of the project: IAM accepts a scope by id too.
pub const PROJECT_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// The id of the domain.
pub const DOMAIN_ID: &str = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf";
/// The id of the user.
pub const USER_ID: &str = "u0u1u2u3u4u5u6u7u8u9uaubucudueuf";
/// The access key and secret key the gateway knows.
pub const AKSK: (&str, &str) = (
    "HPUAEXAMPLEACCESSKEY",
    "gsl-example-secret-key-0123456789abcdef",
);
/// The `request_id` of every gateway and GSL error (also sent as `X-Request-Id`).
pub const REQUEST_ID: &str = "5e9b8fa2c9b84c45b37c3c1e5f2c3d11";
/// The listing path.
pub const LIST_PATH: &str = "/v1/sim-pools";
/// How many pools a fresh fake serves.
pub const DEFAULT_POOLS: u64 = 37;
/// The lifetime of an IAM token on a fresh fake.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Pool `index` (from 0): the seed's example pool first, then generated ones.
pub fn pool(index: u64) -> Value {
    if index == 0 {
        return json!({
            "id": 1000000000, "pool_name": "流量池名称", "price_plan_name": "中国联通消费级每月30M联接服务(1年)",
            "price_plan_id": "10000", "effective_time": "2022-08-26T16:00:00.000+00:00",
            "expired_time": "2022-09-26T15:59:59.000+00:00", "billing_cycle": "2022-09",
            "flow_total": 60, "flow_used": 102.59, "flow_left": -42.59, "quantity": 100,
            "modify_time": "2022-09-22T18:57:15.000+00:00", "order_id": 100000000,
            "activated_sim_quantity": 2, "inactive_sim_quantity": 0, "disassembled_sim_quantity": 98,
            "order_ids": "1000000", "status": 1
        });
    }
    let i = index;
    let total = i as f64 * 30.0;
    let used = (i * 7 % 50) as f64 + 0.25;
    json!({
        "id": 1_000_000_000 + i, "pool_name": format!("pool-{i:02}"),
        "price_plan_name": "IoT 30M", "price_plan_id": format!("{}", 10000 + i),
        "effective_time": "2022-08-26T16:00:00.000+00:00", "expired_time": "2023-08-26T15:59:59.000+00:00",
        "billing_cycle": "2022-09", "flow_total": total, "flow_used": used, "flow_left": total - used,
        "quantity": i, "modify_time": "2022-09-22T18:57:15.000+00:00", "order_id": 100_000_000 + i,
        "activated_sim_quantity": i, "inactive_sim_quantity": 0, "disassembled_sim_quantity": 0,
        "order_ids": format!("{}", 1_000_000 + i), "status": u8::from(!i.is_multiple_of(5))
    })
}

/// The first `len` pools in server order (no filter): what paging through the whole
/// listing must return.
pub fn pools(len: u64) -> impl Iterator<Item = Value> {
    (0..len).map(pool)
}

/// GSL's state: the tokens IAM issued, their lifetime and the clock (shared with IAM).
#[derive(Debug)]
pub struct Gsl {
    /// The clock of GSL, its gateway and IAM; advance it to expire tokens or make
    /// signed requests look stale.
    pub clock: Clock,
    dataset: Arc<Dataset>,
    /// Token -> expiry, in the clock's milliseconds.
    tokens: Mutex<HashMap<String, i64>>,
    lifetime: Span,
    issued: AtomicU64,
}

impl Gsl {
    /// Expires every token now, [`TOKEN`] included.
    pub fn expire_tokens(&self) {
        let now = self.clock.now_ms();
        lock(&self.tokens)
            .values_mut()
            .for_each(|expiry| *expiry = now);
    }

    /// Tokens IAM issues from now on live `lifetime` (24 hours on a fresh fake).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.lifetime.set(lifetime);
    }

    fn gateway(&self, message: &str) -> Response {
        self.error(
            StatusCode::UNAUTHORIZED,
            "APIGW.0301",
            &format!("Incorrect IAM authentication information: {message}"),
        )
    }

    /// The gateway's check: a live IAM token, or a valid AK/SK signature.
    fn authenticate(&self, request: &aksk::Signed<'_>) -> Result<(), Response> {
        let headers = request.headers;
        if let Some(token) = headers.get("X-Auth-Token") {
            let token = token.to_str().unwrap_or_default();
            let expiry = lock(&self.tokens).get(token).copied();
            return match expiry {
                None => Err(self.gateway("decrypt token fail")),
                Some(expiry) if self.clock.now_ms() >= expiry => Err(self.gateway(&format!(
                    "token expires, expires_at: {}",
                    Utc::from_unix_ms(expiry).iso_micros()
                ))),
                Some(_) => Ok(()),
            };
        }
        if headers.get("Authorization").is_none() {
            return Err(self.gateway("x-auth-token not found"));
        }
        aksk::verify(request, &[AKSK], self.clock.now_ms()).map_err(|refusal| match refusal {
            aksk::Refusal::UnknownKey => self.gateway("ak not exist"),
            aksk::Refusal::Expired => self.gateway("calc ak sk signature fail:signature expired"),
            aksk::Refusal::Malformed | aksk::Refusal::Mismatch => {
                self.gateway("verify aksk signature fail")
            }
        })
    }
}

impl Vendor for Gsl {
    const BUSY: Canned = Canned::Error(500, "GSL.00010003", "系统繁忙,请稍后重试。");
    const THROTTLED: Canned = Canned::Error(
        429,
        "APIGW.0308",
        "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second",
    );

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        (request.method == "GET" && request.path == LIST_PATH)
            .then(|| page_asked(request, "offset"))
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        let mut response = reply(
            status,
            json!({"error_code": code, "error_msg": message, "request_id": REQUEST_ID}),
        );
        response
            .headers_mut()
            .insert("X-Request-Id", HeaderValue::from_static(REQUEST_ID));
        response
    }

    fn expire_sessions(&self) {
        self.expire_tokens();
    }
}

/// Starts GSL over plain HTTP with [`DEFAULT_POOLS`] pools.
pub async fn start() -> Fake<Gsl> {
    start_with(Options::default()).await
}

/// Starts GSL with `options`.
pub async fn start_with(options: Options) -> Fake<Gsl> {
    let gsl = |harness: &Harness| Gsl {
        clock: Clock::default(),
        dataset: harness.dataset.clone(),
        tokens: Mutex::new(HashMap::from([(TOKEN.to_owned(), i64::MAX)])),
        lifetime: Span::new(TOKEN_LIFETIME),
        issued: AtomicU64::new(0),
    };
    Fake::start(
        DEFAULT_POOLS,
        options,
        gsl,
        Router::new().route(LIST_PATH, get(list)),
    )
    .await
}

fn bad_request(gsl: &Gsl) -> Response {
    gsl.error(StatusCode::BAD_REQUEST, "GSL.00010004", "参数异常")
}

/// `limit`, `offset` and the filters, validated the vendor's way.
struct Query {
    limit: u64,
    offset: u64,
    name: Option<String>,
    cycle: Option<String>,
    statuses: Option<Vec<i64>>,
}

fn query(gsl: &Gsl, pairs: &[(String, String)]) -> Result<Query, Response> {
    let int = |name: &str, default: u64, min: u64, max: u64| match param(pairs, name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad_request(gsl)),
    };
    let limit = int("limit", 10, 10, 500)?;
    let offset = int("offset", 1, 1, 1_000_000)?;
    let name = param(pairs, "pool_name");
    if name.is_some_and(|n| n.chars().count() > 100) {
        return Err(bad_request(gsl));
    }
    let cycle = param(pairs, "billing_cycle");
    if let Some(cycle) = cycle {
        let valid = cycle.len() == 7
            && cycle.as_bytes()[4] == b'-'
            && cycle[..4].parse::<u16>().is_ok()
            && cycle[5..]
                .parse::<u8>()
                .is_ok_and(|m| (1..=12).contains(&m));
        if !valid {
            // The vendor answers an invalid billing cycle with 403, not 400.
            return Err(gsl.error(StatusCode::FORBIDDEN, "GSL.00011004", "账期不合法,请检查!"));
        }
    }
    if param(pairs, "all_billing_cycle").is_some_and(|f| f != "true" && f != "false") {
        return Err(bad_request(gsl));
    }
    let statuses = match param(pairs, "status") {
        None => None,
        Some(csv) => Some(
            csv.split(',')
                .map(str::parse)
                .collect::<Result<Vec<i64>, _>>()
                .map_err(|_| bad_request(gsl))?,
        ),
    };
    Ok(Query {
        limit,
        offset,
        name: name.map(str::to_owned),
        cycle: cycle.map(str::to_owned),
        statuses,
    })
}

async fn list(
    State(gsl): State<Arc<Gsl>>,
    injected: Injected,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Outcome {
    let signed = aksk::Signed {
        method: &method,
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &headers,
        body: &body,
    };
    gsl.authenticate(&signed)?;
    let paging = injected.backend(&*gsl)?;
    let q = query(&gsl, &parse_pairs(uri.query().unwrap_or("")))?;
    let keep = |i: u64| {
        let p = pool(i);
        q.name
            .as_deref()
            .is_none_or(|n| p["pool_name"].as_str().is_some_and(|pn| pn.contains(n)))
            && q.cycle.as_deref().is_none_or(|c| p["billing_cycle"] == c)
            && q.statuses
                .as_ref()
                .is_none_or(|s| p["status"].as_i64().is_some_and(|st| s.contains(&st)))
    };
    let filtered = q.name.is_some() || q.cycle.is_some() || q.statuses.is_some();
    let filter: Option<&dyn Fn(u64) -> bool> = filtered.then_some(&keep);
    let w = window(
        gsl.dataset.len(),
        paging.page(q.offset),
        q.limit,
        Order::Index,
        filter,
    );
    Ok(reply(
        StatusCode::OK,
        json!({"limit": q.limit, "offset": paging.echo(q.offset), "count": paging.total(w.total), "pools": w.records(pool)}),
    ))
}
