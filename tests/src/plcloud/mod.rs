//! PLCloud's Django console.
//!
//! - `GET /api/` sets the `csrftoken` and `sessionid` cookies (those the request lacks).
//! - `POST /auth/login/` (form `csrfmiddlewaretoken, region, username, password`) passes
//!   Django's CSRF check ([`csrf`]), then either logs in: 302 to the console with BOTH
//!   cookies rotated, or shows the form again: 200 HTML, no new cookie.
//! - `POST /api/` passes the CSRF check (cookies, `X-CSRFToken`, `Origin`/`Referer`);
//!   a session that is not logged in, or expired ([`Plcloud::expire_sessions`]), gets a
//!   302 to `/auth/login/?next=/api/` or Django's HTML 403, as
//!   [`Plcloud::set_expired_answer`] chooses. Then `action=GetConsumptionsByQuery`
//!   answers `{code: 200, message, data, total_amount}` (no pagination); bad dates get
//!   `code` 400 on HTTP 200.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::dataset::Dataset;
use crate::harness::{Canned, Harness, Injected, Outcome, Vendor};
use crate::log::{Log, Recorded};
use crate::server::{Fake, Options};
use crate::wire::cookies;
use crate::{get as param, json as reply, lock, parse_pairs};

pub mod csrf;
mod records;
#[cfg(test)]
mod tests;

pub use records::{record, records};

/// The console account the fake accepts: (username, password).
pub const USER: (&str, &str) = ("joelei", "Pl-Pa55word!");
/// The origin Django trusts.
pub const ORIGIN: &str = "https://console.plcloud.com";
/// The API path.
pub const API_PATH: &str = "/api/";
/// The login path.
pub const LOGIN_PATH: &str = "/auth/login/";
/// Where a successful login redirects.
pub const CONSOLE_PATH: &str = "/console/";
/// Where a call without a valid session is redirected (in [`Expired::Redirect`] mode).
pub const LOGIN_REDIRECT: &str = "/auth/login/?next=/api/";
/// How many records a fresh fake serves.
pub const DEFAULT_RECORDS: u64 = 12;

/// How the console answers a call whose session is not (or no longer) logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Expired {
    /// 302 to [`LOGIN_REDIRECT`] (`login_required`), the default.
    #[default]
    Redirect,
    /// Django's HTML 403 page (`PermissionDenied`).
    Forbidden,
}

/// The console's state: sessions, live CSRF tokens, and the answer to a dead session.
#[derive(Debug)]
pub struct Plcloud {
    log: Arc<Log>,
    dataset: Arc<Dataset>,
    /// sessionid -> the user logged in, if any.
    sessions: Mutex<HashMap<String, Option<String>>>,
    csrf: Mutex<HashSet<String>>,
    counter: AtomicU64,
    expired: Mutex<Expired>,
}

impl Plcloud {
    /// Ends every session now: the next call gets the [`Expired`] answer.
    pub fn expire_sessions(&self) {
        lock(&self.sessions).clear();
    }

    /// Chooses how a call without a logged-in session is answered.
    pub fn set_expired_answer(&self, answer: Expired) {
        *lock(&self.expired) = answer;
    }

    /// How many sessions are logged in.
    pub fn logged_in(&self) -> usize {
        lock(&self.sessions)
            .values()
            .filter(|u| u.is_some())
            .count()
    }

    fn fresh(&self, what: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        // Django's tokens are 32 characters of [a-zA-Z0-9].
        format!("{what}{n:0>28}")
    }

    fn live_csrf(&self, token: &str) -> bool {
        lock(&self.csrf).contains(token)
    }

    /// Django's CSRF check of a POST whose form carries `form_token`: the request's
    /// cookies when it passes, Django's 403 page when it does not.
    fn csrf_protect(
        &self,
        headers: &HeaderMap,
        form_token: Option<&str>,
    ) -> Result<BTreeMap<String, String>, Response> {
        let jar = cookies(headers);
        let cookie = jar.get("csrftoken").map(String::as_str);
        csrf::check(headers, cookie, form_token, |t| self.live_csrf(t))?;
        Ok(jar)
    }
}

impl Vendor for Plcloud {
    const BUSY: Canned = Canned::Error(500, "500", "服务器繁忙,请稍后重试");
    /// Its nginx's page.
    const THROTTLED: Canned = Canned::GatewayPage(429);

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        if request.method != "POST" || request.path != API_PATH {
            return None;
        }
        let form = form(
            request.header("content-type").unwrap_or_default(),
            &request.body,
        )?;
        (param(&form, "action") == Some("GetConsumptionsByQuery")).then_some(1)
    }

    fn signs_in(&self, request: &Recorded) -> bool {
        request.method == "POST" && request.path == LOGIN_PATH
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        let code = code
            .parse::<i64>()
            .map_or_else(|_| Value::from(code), Value::from);
        reply(status, json!({"code": code, "message": message}))
    }

    fn expire_sessions(&self) {
        Plcloud::expire_sessions(self);
    }
}

/// Starts the console over plain HTTP with [`DEFAULT_RECORDS`] records.
pub async fn start() -> Fake<Plcloud> {
    start_with(Options::default()).await
}

/// Starts the console with `options`.
pub async fn start_with(options: Options) -> Fake<Plcloud> {
    let routes = Router::new()
        .route(API_PATH, get(open).post(api))
        .route(LOGIN_PATH, post(login));
    let console = |harness: &Harness| Plcloud {
        log: harness.log.clone(),
        dataset: harness.dataset.clone(),
        sessions: Mutex::default(),
        csrf: Mutex::default(),
        counter: AtomicU64::new(0),
        expired: Mutex::default(),
    };
    Fake::start(DEFAULT_RECORDS, options, console, routes).await
}

/// The request's form: form-encoded, or a JSON object (values as text).
fn form(content_type: &str, body: &[u8]) -> Option<Vec<(String, String)>> {
    if content_type.starts_with("application/json") {
        let map = serde_json::from_slice::<serde_json::Map<String, Value>>(body).ok()?;
        Some(
            map.into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect(),
        )
    } else {
        Some(parse_pairs(&String::from_utf8_lossy(body)))
    }
}

fn csrf_cookie(csrf: &str) -> (header::HeaderName, String) {
    (
        header::SET_COOKIE,
        format!("csrftoken={csrf}; expires=Mon, 22 Nov 2027 00:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax"),
    )
}

fn session_cookie(session: &str) -> (header::HeaderName, String) {
    (
        header::SET_COOKIE,
        format!("sessionid={session}; HttpOnly; Path=/; SameSite=Lax"),
    )
}

async fn open(State(c): State<Arc<Plcloud>>, headers: HeaderMap) -> Response {
    let jar = cookies(&headers);
    let mut set = Vec::new();
    if !jar.get("csrftoken").is_some_and(|t| c.live_csrf(t)) {
        let csrf = c.fresh("csrf");
        lock(&c.csrf).insert(csrf.clone());
        set.push(csrf_cookie(&csrf));
    }
    if !jar
        .get("sessionid")
        .is_some_and(|s| lock(&c.sessions).contains_key(s))
    {
        let session = c.fresh("anon");
        lock(&c.sessions).insert(session.clone(), None);
        set.push(session_cookie(&session));
    }
    // Several `Set-Cookie`s: appended, as an array of pairs would overwrite them.
    (
        StatusCode::OK,
        AppendHeaders(set),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<html><body>PLCloud console</body></html>",
    )
        .into_response()
}

async fn login(
    State(c): State<Arc<Plcloud>>,
    injected: Injected,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Outcome {
    let form = parse_pairs(&String::from_utf8_lossy(&body));
    let jar = c.csrf_protect(&headers, param(&form, "csrfmiddlewaretoken"))?;
    injected.backend(&*c)?;
    if param(&form, "username") != Some(USER.0) || param(&form, "password") != Some(USER.1) {
        // Django shows the form again: 200, HTML, no new session.
        return Err(csrf::html(
            StatusCode::OK,
            "<form method=\"post\"><p class=\"errornote\">Please enter a correct username and password.</p></form>".to_owned(),
        ));
    }
    // Login rotates both cookies: the old ones are dead.
    let (csrf, session) = (c.fresh("csrf"), c.fresh("sess"));
    {
        let mut tokens = lock(&c.csrf);
        if let Some(old) = jar.get("csrftoken") {
            tokens.remove(old);
        }
        tokens.insert(csrf.clone());
    }
    {
        let mut sessions = lock(&c.sessions);
        if let Some(old) = jar.get("sessionid") {
            sessions.remove(old);
        }
        sessions.insert(session.clone(), Some(USER.0.to_owned()));
    }
    c.log.count_login();
    Ok((
        StatusCode::FOUND,
        AppendHeaders([csrf_cookie(&csrf), session_cookie(&session)]),
        [(header::LOCATION, CONSOLE_PATH)],
    )
        .into_response())
}

fn valid_date(s: &str) -> bool {
    crate::clock::Utc::parse_spaced(&format!("{s} 00:00:00")).is_some()
}

async fn api(
    State(c): State<Arc<Plcloud>>,
    injected: Injected,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Outcome {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let form = form(content_type, &body);
    let form_token = form
        .as_deref()
        .and_then(|f| param(f, "csrfmiddlewaretoken"));
    let jar = c.csrf_protect(&headers, form_token)?;
    let logged_in = jar
        .get("sessionid")
        .is_some_and(|s| lock(&c.sessions).get(s).is_some_and(Option::is_some));
    if !logged_in {
        return Err(match *lock(&c.expired) {
            Expired::Redirect => {
                (StatusCode::FOUND, [(header::LOCATION, LOGIN_REDIRECT)]).into_response()
            }
            Expired::Forbidden => csrf::permission_denied(),
        });
    }
    injected.backend(&*c)?;
    // Failures on HTTP 200: only `code` tells.
    let Some(form) = form else {
        return Err(c.error(StatusCode::OK, "400", "请求格式错误"));
    };
    if param(&form, "action") != Some("GetConsumptionsByQuery") {
        return Err(c.error(StatusCode::OK, "404", "未知的 action"));
    }
    for name in ["start_at", "end_at"] {
        if param(&form, name).is_some_and(|d| !d.is_empty() && !valid_date(d)) {
            return Err(c.error(StatusCode::OK, "400", &format!("{name} 参数格式错误")));
        }
    }
    let ty = param(&form, "type").filter(|t| !t.is_empty());
    let start = param(&form, "start_at").filter(|d| !d.is_empty());
    let end = param(&form, "end_at").filter(|d| !d.is_empty());
    let day = |r: &Value, field: &str| r[field].as_str().map(|v| v[..10].to_owned());
    let data = records(c.dataset.len())
        .filter(|r| ty.is_none_or(|t| r["res_type"] == t))
        .filter(|r| start.is_none_or(|s| day(r, "start_at").is_some_and(|v| v.as_str() >= s)))
        .filter(|r| end.is_none_or(|e| day(r, "end_at").is_some_and(|v| v.as_str() <= e)));
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        records::body(data),
    )
        .into_response())
}
