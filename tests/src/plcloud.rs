//! PLCloud's Django console: `GET /api/` hands out a CSRF cookie, `POST /auth/login/`
//! logs in and rotates both cookies, `POST /api/` runs actions for a logged-in session
//! that sends the CSRF header and a trusted `Origin` (or `Referer`), as Django checks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::{get as param, json as reply, lock, parse_pairs};

/// The console account the fake accepts.
pub const USER: (&str, &str) = ("joelei", "Pl-Pa55word!");
/// The origin Django trusts.
pub const ORIGIN: &str = "https://console.plcloud.com";

#[derive(Debug, Default)]
struct Session {
    csrf: String,
    user: Option<String>,
}

#[derive(Debug, Default)]
struct Console {
    sessions: Mutex<BTreeMap<String, Session>>,
    counter: Mutex<u32>,
}

impl Console {
    fn fresh(&self, what: &str) -> String {
        let mut n = lock(&self.counter);
        *n += 1;
        // Django's tokens are 32 (csrf) or 32+ (session) characters of [a-zA-Z0-9].
        format!("{what}{:0>28}", *n)
    }
}

/// The seed's record, then 11 more across resource types and days.
pub fn records() -> Vec<Value> {
    let mut records = vec![json!({
        "res_type": "instance", "res_meta": {"memory_gb": 2, "ephemeral_gb": 0, "vcpus": 1, "disk_gb": 0},
        "start_at": "2014-12-01 00:00:00", "name": "joelei1", "region": "shenzhen", "unit_price": "0.152748",
        "end_at": "2014-12-02 00:00:00", "billing_type": "hour", "amount": "3.6659520000", "remarks": "资源更新",
        "billing_id": "c9ee5686-4066-4a65-a632-ad9b12a71881", "cost_time": "24.0000",
        "res_id": "ced51e4a-e659-4641-a859-64f5d38e576d", "id": "f5b4d92d-3486-46b6-bf4b-1888d1eca706",
        "is_billing": false, "region_name": ""
    })];
    let types = ["router", "bandwidth", "volume", "floatingip"];
    for i in 1..=11u32 {
        let day = 1 + i % 5;
        records.push(json!({
            "res_type": types[(i % 4) as usize], "res_meta": {"size": i * 10},
            "start_at": format!("2014-12-{day:02} 00:00:00"), "name": format!("res-{i}"), "region": "shenzhen",
            "unit_price": "0.010000", "end_at": format!("2014-12-{:02} 00:00:00", day + 1), "billing_type": "hour",
            "amount": format!("{}.2400000000", i), "remarks": "", "billing_id": format!("bill-{i:04}"),
            "cost_time": "24.0000", "res_id": format!("res-{i:04}"), "id": format!("rec-{i:04}"),
            "is_billing": true, "region_name": "深圳"
        }));
    }
    records
}

/// The PLCloud console.
pub fn router() -> Router {
    Router::new()
        .route("/api/", get(open).post(api))
        .route("/auth/login/", post(login))
        .with_state(Arc::new(Console::default()))
}

fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| {
            c.trim()
                .split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

fn forbidden(reason: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><title>403 Forbidden</title></head><body>\n<h1>Forbidden <span>(403)</span></h1>\n<p>CSRF verification failed. Request aborted.</p>\n<p>{reason}</p>\n</body></html>\n"
    );
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// Django's CSRF check for unsafe methods: the token in the header (or form) equals the
/// cookie, and the request comes from the trusted origin.
fn csrf_ok(
    headers: &HeaderMap,
    cookie_token: Option<&str>,
    form_token: Option<&str>,
) -> Result<(), Response> {
    let Some(cookie_token) = cookie_token else {
        return Err(forbidden("CSRF cookie not set."));
    };
    let header_token = headers.get("X-CSRFToken").and_then(|v| v.to_str().ok());
    if header_token.or(form_token) != Some(cookie_token) {
        return Err(forbidden("CSRF token incorrect."));
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    match (origin, referer) {
        (Some(o), _) if o == ORIGIN => Ok(()),
        (Some(o), _) => Err(forbidden(&format!(
            "Origin checking failed - {o} does not match any trusted origins."
        ))),
        (None, Some(r)) if r.starts_with(&format!("{ORIGIN}/")) => Ok(()),
        (None, _) => Err(forbidden("Referer checking failed - no Referer.")),
    }
}

fn set_cookies(csrf: &str, session: &str) -> [(header::HeaderName, String); 2] {
    [
        (header::SET_COOKIE, format!("csrftoken={csrf}; expires=Mon, 22 Nov 2027 00:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax")),
        (header::SET_COOKIE, format!("sessionid={session}; HttpOnly; Path=/; SameSite=Lax")),
    ]
}

async fn open(State(c): State<Arc<Console>>) -> Response {
    let (csrf, session) = (c.fresh("csrf"), c.fresh("anon"));
    lock(&c.sessions).insert(
        session.clone(),
        Session {
            csrf: csrf.clone(),
            user: None,
        },
    );
    // Several `Set-Cookie`s: appended, as an array of pairs would overwrite them.
    (
        StatusCode::OK,
        AppendHeaders(set_cookies(&csrf, &session)),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<html><body>PLCloud console</body></html>",
    )
        .into_response()
}

async fn login(
    State(c): State<Arc<Console>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = parse_pairs(&String::from_utf8_lossy(&body));
    let jar = cookies(&headers);
    let Some(session_id) = jar.get("sessionid") else {
        return forbidden("CSRF cookie not set.");
    };
    let known_csrf = lock(&c.sessions).get(session_id).map(|s| s.csrf.clone());
    if known_csrf.is_none() || jar.get("csrftoken") != known_csrf.as_ref() {
        return forbidden("CSRF cookie not set.");
    }
    if let Err(r) = csrf_ok(
        &headers,
        jar.get("csrftoken").map(String::as_str),
        param(&form, "csrfmiddlewaretoken"),
    ) {
        return r;
    }
    if param(&form, "username") != Some(USER.0) || param(&form, "password") != Some(USER.1) {
        // Django shows the form again: 200, HTML, no new session.
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<form>Please enter a correct username and password.</form>",
        )
            .into_response();
    }
    // Login rotates both cookies.
    let (csrf, session) = (c.fresh("csrf"), c.fresh("sess"));
    {
        let mut sessions = lock(&c.sessions);
        sessions.remove(session_id);
        sessions.insert(
            session.clone(),
            Session {
                csrf: csrf.clone(),
                user: Some(USER.0.to_owned()),
            },
        );
    }
    (
        StatusCode::FOUND,
        AppendHeaders(set_cookies(&csrf, &session)),
        [(header::LOCATION, "/console/")],
    )
        .into_response()
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

async fn api(
    State(c): State<Arc<Console>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let jar = cookies(&headers);
    let session = jar.get("sessionid").and_then(|id| {
        lock(&c.sessions)
            .get(id)
            .map(|s| (s.csrf.clone(), s.user.clone()))
    });
    let Some((csrf, Some(_user))) = session else {
        return (
            StatusCode::FOUND,
            [(header::LOCATION, "/auth/login/?next=/api/")],
        )
            .into_response();
    };
    if jar.get("csrftoken") != Some(&csrf) {
        return forbidden("CSRF token incorrect.");
    }
    if let Err(r) = csrf_ok(&headers, Some(&csrf), None) {
        return r;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let form: Vec<(String, String)> = if content_type.starts_with("application/json") {
        match serde_json::from_slice::<serde_json::Map<String, Value>>(&body) {
            Ok(m) => m
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect(),
            Err(_) => {
                return reply(
                    StatusCode::OK,
                    json!({"code": 400, "message": "请求格式错误"}),
                )
            }
        }
    } else {
        parse_pairs(&String::from_utf8_lossy(&body))
    };
    if param(&form, "action") != Some("GetConsumptionsByQuery") {
        return reply(
            StatusCode::OK,
            json!({"code": 404, "message": "未知的 action"}),
        );
    }
    for name in ["start_at", "end_at"] {
        if param(&form, name).is_some_and(|d| !d.is_empty() && !valid_date(d)) {
            // A failure on HTTP 200: only `code` tells.
            return reply(
                StatusCode::OK,
                json!({"code": 400, "message": format!("{name} 参数格式错误")}),
            );
        }
    }
    let ty = param(&form, "type").filter(|t| !t.is_empty());
    let start = param(&form, "start_at").filter(|d| !d.is_empty());
    let end = param(&form, "end_at").filter(|d| !d.is_empty());
    let data: Vec<Value> = records()
        .into_iter()
        .filter(|r| ty.is_none_or(|t| r["res_type"] == t))
        .filter(|r| start.is_none_or(|s| r["start_at"].as_str().is_some_and(|v| &v[..10] >= s)))
        .filter(|r| end.is_none_or(|e| r["end_at"].as_str().is_some_and(|v| &v[..10] <= e)))
        .collect();
    // Sum in integer units of 1e-10, as the vendor's decimal strings carry ten places.
    let total: i128 = data
        .iter()
        .filter_map(|r| r["amount"].as_str())
        .filter_map(|a| {
            let (int, frac) = a.split_once('.').unwrap_or((a, ""));
            let frac = format!("{frac:0<10}");
            Some(
                int.parse::<i128>().ok()? * 10_000_000_000
                    + frac.get(..10)?.parse::<i128>().ok()?,
            )
        })
        .sum();
    let total_amount = format!("{}.{:010}", total / 10_000_000_000, total % 10_000_000_000);
    reply(
        StatusCode::OK,
        json!({"message": "成功", "code": 200, "data": data, "total_amount": total_amount}),
    )
}
