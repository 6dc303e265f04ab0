//! Huawei iMaster NCE-Campus: northbound token login and user traffic records.
//!
//! Success is HTTP 200 with `errcode` `"0"`; a business failure is HTTP 200 with another
//! `errcode`; validation failures are HTTP 400. Every call but login needs a live
//! `X-ACCESS-TOKEN`.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::{get as param, json as reply, lock, page_of, parse_pairs};

/// The northbound account the fake accepts.
pub const USER: (&str, &str) = ("northbound@tenant", "Nce-Pa55word!");

/// The fake's state: issued tokens and user records.
#[derive(Debug)]
pub struct Nce {
    tokens: Mutex<BTreeSet<String>>,
    issued: Mutex<u32>,
    records: Vec<Value>,
}

/// 45 user traffic records; all values are strings, numbers included, as NCE sends them.
pub fn records() -> Vec<Value> {
    (1..=45u32)
        .map(|i| {
            json!({
                "id": format!("7c1f5e3a-0000-4000-8000-{i:012}"),
                "siteId": "a91e1696-02a2-4a68-bad4-aa639359c8cf",
                "userName": format!("user{i:02}"),
                "lastChargeTime": format!("2017-11-24 {:02}:{:02}:00", 8 + i / 10, i % 60),
                "usedFlow": format!("{}", i * 10),
                "usedTime": format!("{}", i * 3),
                "policyFlow": "1024",
                "policyTime": "600",
                "remainFlow": format!("{}", 1024 - i * 10),
                "remainTime": format!("{}", 600 - i * 3),
            })
        })
        .collect()
}

fn fail(status: StatusCode, code: &str, msg: &str) -> Response {
    reply(status, json!({"errcode": code, "errmsg": msg}))
}

/// The NCE-Campus controller.
pub fn router() -> Router {
    let state = Arc::new(Nce {
        tokens: Mutex::default(),
        issued: Mutex::new(0),
        records: records(),
    });
    Router::new()
        .route("/controller/v2/tokens", post(login).delete(logout))
        .route(
            "/controller/campus/v1/accountservice/user/timeflowstinfos",
            get(list),
        )
        .with_state(state)
}

async fn login(State(nce): State<Arc<Nce>>, body: axum::body::Bytes) -> Response {
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "1", "Invalid request body.");
    };
    if v["userName"] != USER.0 || v["password"] != USER.1 {
        // A business failure: HTTP 200 with a non-zero errcode.
        return fail(StatusCode::OK, "1", "Username or password error.");
    }
    let token = {
        let mut n = lock(&nce.issued);
        *n += 1;
        format!("x-nce-token-{:04}-3f9a", *n)
    };
    lock(&nce.tokens).insert(token.clone());
    reply(
        StatusCode::OK,
        json!({"errcode": "0", "errmsg": "Get token successfully.", "data": {"token_id": token, "expiredDate": "2026-11-23 19:30:00"}}),
    )
}

async fn logout(State(nce): State<Arc<Nce>>, body: axum::body::Bytes) -> Response {
    let token = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_owned));
    match token {
        Some(t) if lock(&nce.tokens).remove(&t) => {
            fail(StatusCode::OK, "0", "Delete token successfully.")
        }
        _ => fail(StatusCode::OK, "1", "The token does not exist."),
    }
}

fn valid_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

async fn list(
    State(nce): State<Arc<Nce>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let token = headers
        .get("X-ACCESS-TOKEN")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !lock(&nce.tokens).contains(token) {
        return fail(
            StatusCode::UNAUTHORIZED,
            "401",
            "The token is invalid or has expired.",
        );
    }
    let pairs = parse_pairs(query.as_deref().unwrap_or(""));
    let int = |name: &str, default: usize| match param(&pairs, name) {
        None => Some(default),
        Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1),
    };
    let (Some(page_index), Some(page_size)) = (int("pageIndex", 1), int("pageSize", 20)) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "2",
            "pageIndex and pageSize must be positive integers.",
        );
    };
    if param(&pairs, "userName").is_some_and(|u| u.chars().count() > 64) {
        return fail(
            StatusCode::BAD_REQUEST,
            "2",
            "The length of userName exceeds 64.",
        );
    }
    let sort = param(&pairs, "sort");
    if sort.is_some_and(|s| s != "userName" && s != "-userName") {
        return fail(
            StatusCode::BAD_REQUEST,
            "2",
            "sort must be userName or -userName.",
        );
    }
    for name in ["beginTime", "endTime"] {
        if param(&pairs, name).is_some_and(|t| !valid_time(t)) {
            return fail(
                StatusCode::BAD_REQUEST,
                "2",
                &format!("{name} must be yyyy-MM-dd HH:mm:ss."),
            );
        }
    }
    let at_least = |name: &str, field: &str, record: &Value| {
        param(&pairs, name).is_none_or(|min| {
            let min: u64 = min.parse().unwrap_or(u64::MAX);
            record[field]
                .as_str()
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|v| v >= min)
        })
    };
    let mut matching: Vec<Value> = nce
        .records
        .iter()
        .filter(|r| param(&pairs, "siteId").is_none_or(|s| r["siteId"] == s))
        .filter(|r| {
            param(&pairs, "userName")
                .is_none_or(|u| r["userName"].as_str().is_some_and(|n| n.contains(u)))
        })
        .filter(|r| at_least("usedFlow", "usedFlow", r) && at_least("usedTime", "usedTime", r))
        .filter(|r| {
            let t = r["lastChargeTime"].as_str().unwrap_or_default();
            param(&pairs, "beginTime").is_none_or(|b| t >= b)
                && param(&pairs, "endTime").is_none_or(|e| t <= e)
        })
        .cloned()
        .collect();
    if sort == Some("-userName") {
        matching.reverse();
    }
    reply(
        StatusCode::OK,
        json!({
            "errcode": "0", "errmsg": "", "pageIndex": page_index, "pageSize": page_size,
            "totalRecords": matching.len(), "data": page_of(&matching, page_index, page_size)
        }),
    )
}
