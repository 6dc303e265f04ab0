//! Huawei iMaster NCE-Campus: northbound token login and user traffic records.
//!
//! - `POST /controller/v2/tokens` with JSON `{"userName", "password"}` logs in: HTTP 200,
//!   errcode `"0"` and `data.token_id`; a wrong password is HTTP 200 with errcode `"1"`.
//! - Every other call sends `X-ACCESS-TOKEN`. A token expires after 10 minutes without
//!   use (each use extends it; [`Nce::set_idle_timeout`], the fake's [`Clock`]) or when
//!   a test says so ([`Nce::expire_tokens`]); an unknown or expired token gets HTTP 401
//!   with errcode `"401"`.
//! - `DELETE /controller/v2/tokens` with JSON `{"token"}` logs out.
//! - `GET /controller/campus/v1/accountservice/user/timeflowstinfos` pages the records
//!   (`pageIndex` from 1, `pageSize`, both echoed, `totalRecords`); bad parameters get
//!   HTTP 400 with errcode `"2"`.
//!
//! The real controller is HTTPS only: [`start_with`]`(Options::https())` serves it so.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::clock::{Clock, Span, Utc};
use crate::dataset::{window, Dataset, Order};
use crate::harness::{page_asked, Canned, Harness, Injected, Outcome, Vendor};
use crate::log::{Log, Recorded};
use crate::server::{Fake, Options};
use crate::{get as param, json as reply, lock, parse_pairs};

#[cfg(test)]
mod tests;

/// The northbound account the fake accepts: (userName, password).
pub const USER: (&str, &str) = ("northbound@tenant", "Nce-Pa55word!");
/// The login and logout path.
pub const TOKENS_PATH: &str = "/controller/v2/tokens";
/// The listing path.
pub const LIST_PATH: &str = "/controller/campus/v1/accountservice/user/timeflowstinfos";
/// How many records a fresh fake serves.
pub const DEFAULT_RECORDS: u64 = 45;
/// The site every record belongs to.
pub const SITE_ID: &str = "a91e1696-02a2-4a68-bad4-aa639359c8cf";
/// The idle timeout of a token on a fresh fake.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// `2017-11-24 08:00:00` UTC, in milliseconds: record `i` was last charged `i + 1`
/// minutes later.
const FIRST_CHARGE_MS: i64 = 1_511_510_400_000;

/// User traffic record `index` (from 0), as the listing serves it: user `index + 1`,
/// every value a string, numbers included, as NCE sends them.
pub fn record(index: u64) -> Value {
    let n = index + 1;
    let signed = i64::try_from(n).unwrap_or(i64::MAX);
    let charged = FIRST_CHARGE_MS.saturating_add(signed.saturating_mul(60_000));
    json!({
        "id": format!("7c1f5e3a-0000-4000-8000-{n:012}"),
        "siteId": SITE_ID,
        "userName": format!("user{n:02}"),
        "lastChargeTime": Utc::from_unix_ms(charged).spaced(),
        "usedFlow": (n * 10).to_string(),
        "usedTime": (n * 3).to_string(),
        "policyFlow": "1024",
        "policyTime": "600",
        "remainFlow": (1024 - signed * 10).to_string(),
        "remainTime": (600 - signed * 3).to_string(),
    })
}

/// The first `len` records in server order (no filter, no sort): what paging through
/// the whole listing must return.
pub fn records(len: u64) -> impl Iterator<Item = Value> {
    (0..len).map(record)
}

/// The controller's state: tokens, their idle timeout and the clock they expire by.
#[derive(Debug)]
pub struct Nce {
    /// The controller's clock; advance it to let tokens expire.
    pub clock: Clock,
    log: Arc<Log>,
    dataset: Arc<Dataset>,
    /// Token -> last use, in the clock's milliseconds.
    tokens: Mutex<HashMap<String, i64>>,
    idle: Span,
    issued: AtomicU64,
}

impl Nce {
    /// Expires every token now (the next call with one gets HTTP 401).
    pub fn expire_tokens(&self) {
        lock(&self.tokens).clear();
    }

    /// Tokens expire after `idle` without use from now on.
    pub fn set_idle_timeout(&self, idle: Duration) {
        self.idle.set(idle);
    }

    /// How many tokens are live (issued, not logged out, not expired).
    pub fn live_tokens(&self) -> usize {
        let now = self.clock.now_ms();
        let idle = self.idle.ms();
        lock(&self.tokens)
            .values()
            .filter(|&&last| now - last <= idle)
            .count()
    }

    fn authenticate(&self, headers: &HeaderMap) -> Result<(), Response> {
        let token = headers
            .get("X-ACCESS-TOKEN")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let now = self.clock.now_ms();
        let idle = self.idle.ms();
        let mut tokens = lock(&self.tokens);
        match tokens.get_mut(token) {
            Some(last) if now - *last <= idle => {
                // Each use extends the token: a sliding idle timeout.
                *last = now;
                Ok(())
            }
            Some(_) => {
                tokens.remove(token);
                Err(self.expired())
            }
            None => Err(self.expired()),
        }
    }

    fn expired(&self) -> Response {
        self.error(
            StatusCode::UNAUTHORIZED,
            "401",
            "The token is invalid or has expired.",
        )
    }
}

impl Vendor for Nce {
    const BUSY: Canned = Canned::Error(500, "500", "The system is busy. Try again later.");
    const THROTTLED: Canned = Canned::Error(429, "429", "Too many requests.");

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        (request.method == "GET" && request.path == LIST_PATH)
            .then(|| page_asked(request, "pageIndex"))
    }

    fn signs_in(&self, request: &Recorded) -> bool {
        request.method == "POST" && request.path == TOKENS_PATH
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        reply(status, json!({"errcode": code, "errmsg": message}))
    }

    fn expire_sessions(&self) {
        self.expire_tokens();
    }
}

/// Starts the controller over plain HTTP with [`DEFAULT_RECORDS`] records.
pub async fn start() -> Fake<Nce> {
    start_with(Options::default()).await
}

/// Starts the controller with `options` (HTTPS: `Options::https()`).
pub async fn start_with(options: Options) -> Fake<Nce> {
    let routes = Router::new()
        .route(TOKENS_PATH, post(login).delete(logout))
        .route(LIST_PATH, get(list));
    let nce = |harness: &Harness| Nce {
        clock: Clock::default(),
        log: harness.log.clone(),
        dataset: harness.dataset.clone(),
        tokens: Mutex::default(),
        idle: Span::new(IDLE_TIMEOUT),
        issued: AtomicU64::new(0),
    };
    Fake::start(DEFAULT_RECORDS, options, nce, routes).await
}

async fn login(
    State(nce): State<Arc<Nce>>,
    injected: Injected,
    body: axum::body::Bytes,
) -> Outcome {
    injected.backend(&*nce)?;
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return Err(nce.error(StatusCode::BAD_REQUEST, "2", "Invalid request body."));
    };
    if v["userName"] != USER.0 || v["password"] != USER.1 {
        // A business failure: HTTP 200 with a non-zero errcode.
        return Err(nce.error(StatusCode::OK, "1", "Username or password error."));
    }
    let n = nce.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("x-nce-token-{n:04}-3f9a");
    let now = nce.clock.now_ms();
    lock(&nce.tokens).insert(token.clone(), now);
    nce.log.count_login();
    let expired = Utc::from_unix_ms(now.saturating_add(nce.idle.ms())).spaced();
    Ok(reply(
        StatusCode::OK,
        json!({"errcode": "0", "errmsg": "Get token successfully.", "data": {"token_id": token, "expiredDate": expired}}),
    ))
}

async fn logout(State(nce): State<Arc<Nce>>, body: axum::body::Bytes) -> Response {
    let token = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_owned));
    match token {
        Some(t) if lock(&nce.tokens).remove(&t).is_some() => {
            nce.error(StatusCode::OK, "0", "Delete token successfully.")
        }
        _ => nce.error(StatusCode::OK, "1", "The token does not exist."),
    }
}

/// The listing's query, validated.
struct Query {
    page: u64,
    size: u64,
    descending: Option<bool>,
    filters: Vec<(&'static str, String)>,
}

fn query(pairs: &[(String, String)]) -> Result<Query, String> {
    let positive = |name: &str, default: u64| match param(pairs, name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| "pageIndex and pageSize must be positive integers.".to_owned()),
    };
    let (page, size) = (positive("pageIndex", 1)?, positive("pageSize", 20)?);
    if param(pairs, "userName").is_some_and(|u| u.chars().count() > 64) {
        return Err("The length of userName exceeds 64.".into());
    }
    let descending = match param(pairs, "sort") {
        None => None,
        Some("userName") => Some(false),
        Some("-userName") => Some(true),
        Some(_) => return Err("sort must be userName or -userName.".into()),
    };
    for name in ["beginTime", "endTime"] {
        if param(pairs, name).is_some_and(|t| Utc::parse_spaced(t).is_none()) {
            return Err(format!("{name} must be yyyy-MM-dd HH:mm:ss."));
        }
    }
    let filters = [
        "siteId",
        "userName",
        "usedFlow",
        "usedTime",
        "beginTime",
        "endTime",
    ]
    .into_iter()
    .filter_map(|name| param(pairs, name).map(|v| (name, v.to_owned())))
    .collect();
    Ok(Query {
        page,
        size,
        descending,
        filters,
    })
}

fn keeps(filters: &[(&str, String)], record: &Value) -> bool {
    let text = |field: &str| record[field].as_str().unwrap_or_default();
    let at_least = |field: &str, min: &str| {
        let min: u64 = min.parse().unwrap_or(u64::MAX);
        text(field).parse::<u64>().is_ok_and(|v| v >= min)
    };
    filters.iter().all(|(name, v)| match *name {
        "siteId" => text("siteId") == v,
        "userName" => text("userName").contains(v.as_str()),
        "usedFlow" | "usedTime" => at_least(name, v),
        "beginTime" => text("lastChargeTime") >= v.as_str(),
        "endTime" => text("lastChargeTime") <= v.as_str(),
        _ => true,
    })
}

async fn list(
    State(nce): State<Arc<Nce>>,
    injected: Injected,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Outcome {
    nce.authenticate(&headers)?;
    let paging = injected.backend(&*nce)?;
    let pairs = parse_pairs(raw.as_deref().unwrap_or(""));
    let q = query(&pairs).map_err(|message| nce.error(StatusCode::BAD_REQUEST, "2", &message))?;
    let len = nce.dataset.len();
    // Names are `user01`..`user99`, then longer: beyond 99 records, name order is not
    // index order, so a sorted listing sorts the names.
    let sorted: Vec<u64>;
    let order = match q.descending {
        None | Some(false) if len <= 99 => Order::Index,
        Some(true) if len <= 99 => Order::Reverse,
        None => Order::Index,
        Some(descending) => {
            let mut names: Vec<(String, u64)> =
                (0..len).map(|i| (format!("user{:02}", i + 1), i)).collect();
            names.sort();
            if descending {
                names.reverse();
            }
            sorted = names.into_iter().map(|(_, i)| i).collect();
            Order::Explicit(&sorted)
        }
    };
    let keep = |i: u64| keeps(&q.filters, &record(i));
    let filter: Option<&dyn Fn(u64) -> bool> = (!q.filters.is_empty()).then_some(&keep);
    let w = window(len, paging.page(q.page), q.size, order, filter);
    Ok(reply(
        StatusCode::OK,
        json!({
            "errcode": "0", "errmsg": "", "pageIndex": paging.echo(q.page), "pageSize": q.size,
            "totalRecords": paging.total(w.total), "data": w.records(record)
        }),
    ))
}
