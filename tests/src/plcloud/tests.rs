//! The PLCloud fake checks what Django checks, in Django's order, with Django's pages.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::testing::{answer, http, text};
use crate::{Fault, Server};

/// A browser-like session: the cookies it holds.
#[derive(Default, Clone)]
struct Jar(BTreeMap<String, String>);

impl Jar {
    fn absorb(&mut self, response: &reqwest::Response) -> usize {
        let mut set = 0;
        for value in response.headers().get_all("set-cookie") {
            let pair = value
                .to_str()
                .expect("ASCII")
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.0.insert(name.to_owned(), value.to_owned());
                set += 1;
            }
        }
        set
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn csrf(&self) -> String {
        self.0.get("csrftoken").cloned().unwrap_or_default()
    }
}

async fn open(server: &Server) -> Jar {
    let response = http()
        .get(format!("{}{API_PATH}", server.base_url()))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let mut jar = Jar::default();
    assert_eq!(jar.absorb(&response), 2, "csrftoken and sessionid");
    jar
}

/// `POST path` with the jar's cookies, `origin` and `referer` if given, and `form`.
async fn post(
    server: &Server,
    path: &str,
    jar: &Jar,
    csrf_header: Option<&str>,
    (origin, referer): (Option<&str>, Option<&str>),
    form: &str,
) -> reqwest::Response {
    let mut request = http()
        .post(format!("{}{path}", server.base_url()))
        .header("Cookie", jar.header())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(token) = csrf_header {
        request = request.header("X-CSRFToken", token);
    }
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    if let Some(referer) = referer {
        request = request.header("Referer", referer);
    }
    request.send().await.expect("sent")
}

const TRUSTED: (Option<&str>, Option<&str>) = (Some(ORIGIN), Some("https://console.plcloud.com/"));

fn login_form(jar: &Jar, password: &str) -> String {
    format!(
        "csrfmiddlewaretoken={}&region=&username={}&password={password}",
        jar.csrf(),
        USER.0
    )
}

/// The password of [`USER`], form-encoded.
const PASSWORD: &str = "Pl-Pa55word%21";

/// The form of the one action.
const ACTION: &str = "action=GetConsumptionsByQuery";

/// Posts the login form for `password` from a trusted origin, as the console page does.
async fn log_in(server: &Server, jar: &Jar, password: &str) -> reqwest::Response {
    let form = login_form(jar, password);
    post(server, LOGIN_PATH, jar, None, TRUSTED, &form).await
}

async fn logged_in(server: &Server) -> Jar {
    let mut jar = open(server).await;
    let response = log_in(server, &jar, PASSWORD).await;
    assert_eq!(response.status(), 302);
    assert_eq!(jar.absorb(&response), 2, "both cookies rotate");
    jar
}

/// Calls the action with `csrf_header`, `origin` and `referer`.
async fn call(
    server: &Server,
    jar: &Jar,
    csrf_header: Option<&str>,
    sent: (Option<&str>, Option<&str>),
) -> reqwest::Response {
    post(server, API_PATH, jar, csrf_header, sent, ACTION).await
}

/// Calls the action as the console does.
async fn query(server: &Server, jar: &Jar) -> reqwest::Response {
    call(server, jar, Some(&jar.csrf()), TRUSTED).await
}

async fn refused_because(response: reqwest::Response, reason: &str) {
    let html = response.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .starts_with("text/html");
    let (status, page) = text(response).await;
    assert_eq!(status, 403);
    assert!(html, "an HTML page");
    assert!(
        page.contains("CSRF verification failed. Request aborted."),
        "{page}"
    );
    assert!(page.contains(reason), "{reason:?} not in {page}");
}

#[tokio::test]
async fn login_rotates_both_cookies_and_counts_the_sign_in() {
    let server = start().await;
    let before = open(&server).await;
    let mut jar = before.clone();
    let response = log_in(&server, &jar, PASSWORD).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], CONSOLE_PATH);
    jar.absorb(&response);
    assert_ne!(jar.0["csrftoken"], before.0["csrftoken"]);
    assert_ne!(jar.0["sessionid"], before.0["sessionid"]);
    assert_eq!(server.log.logins(), 1);

    let (status, body) = answer(query(&server, &jar).await).await;
    assert_eq!(
        (status, &body["code"], &body["message"]),
        (200, &json!(200), &json!("成功"))
    );
    assert_eq!(body["data"], json!(records(12).collect::<Vec<_>>()));

    // The token of before the login is dead, even sent consistently.
    let stale = Jar([
        ("csrftoken".to_owned(), before.csrf()),
        ("sessionid".to_owned(), jar.0["sessionid"].clone()),
    ]
    .into());
    refused_because(query(&server, &stale).await, "CSRF token incorrect.").await;
    // The new cookie with the old header: the header no longer matches.
    let response = call(&server, &jar, Some(&before.csrf()), TRUSTED).await;
    refused_because(response, "CSRF token incorrect.").await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_and_nothing_else_happens() {
    let server = start().await;
    let jar = open(&server).await;
    let response = log_in(&server, &jar, "wrong").await;
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no new session"
    );
    let (status, page) = text(response).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Please enter a correct username and password."),
        "{page}"
    );
    assert_eq!((server.log.logins(), server.vendor.logged_in()), (0, 0));
    // The session is still anonymous.
    assert_eq!(query(&server, &jar).await.status(), 302);
}

#[tokio::test]
async fn login_checks_csrf_the_django_way() {
    let server = start().await;
    let jar = open(&server).await;
    let form = login_form(&jar, PASSWORD);
    let no_token = format!("region=&username={}&password=x", USER.0);
    let wrong_token = form.replace(&jar.csrf(), "csrf0000000000000000000000009999");
    let no_cookie = Jar::default();
    let evil = Some("https://evil.example");
    // What is sent (cookies, origin and referer, form) and why Django refuses it.
    let refusals = [
        (
            &jar,
            (None, None),
            &form,
            "Referer checking failed - no Referer.",
        ),
        (
            &jar,
            (evil, None),
            &form,
            "Origin checking failed - https://evil.example does not match any trusted origins.",
        ),
        (
            &jar,
            (None, Some("https://evil.example/")),
            &form,
            "Referer checking failed - https://evil.example/ does not match any trusted origins.",
        ),
        (&jar, TRUSTED, &no_token, "CSRF token missing."),
        (&jar, TRUSTED, &wrong_token, "CSRF token incorrect."),
        (&no_cookie, TRUSTED, &form, "CSRF cookie not set."),
    ];
    for (cookies, sent, form, reason) in refusals {
        let response = post(&server, LOGIN_PATH, cookies, None, sent, form).await;
        refused_because(response, reason).await;
    }
    assert_eq!(server.log.logins(), 0);

    // A Referer alone is enough (older Django), and so is the header instead of the field.
    let referer_only = (None, Some("https://console.plcloud.com/auth/login/"));
    let form = format!("username={}&password={PASSWORD}", USER.0);
    let csrf = jar.csrf();
    let response = post(&server, LOGIN_PATH, &jar, Some(&csrf), referer_only, &form).await;
    assert_eq!(response.status(), 302);
}

#[tokio::test]
async fn calls_need_the_csrf_header_and_a_trusted_origin() {
    let server = start().await;
    let jar = logged_in(&server).await;
    let csrf = Some(jar.csrf());
    let csrf = csrf.as_deref();
    // What is sent (the header, origin and referer) and why Django refuses it.
    let refusals = [
        (None, TRUSTED, "CSRF token missing."),
        (csrf, (None, None), "Referer checking failed - no Referer."),
        (
            csrf,
            (Some("http://console.plcloud.com"), None),
            "Origin checking failed - http://console.plcloud.com does not match any trusted origins.",
        ),
    ];
    for (header, sent, reason) in refusals {
        refused_because(call(&server, &jar, header, sent).await, reason).await;
    }
    assert_eq!(query(&server, &jar).await.status(), 200);
}
#[tokio::test]
async fn an_expired_session_is_redirected_or_forbidden() {
    let server = start().await;
    let jar = logged_in(&server).await;
    server.vendor.expire_sessions();
    let response = query(&server, &jar).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], LOGIN_REDIRECT);

    let jar = logged_in(&server).await;
    server.vendor.set_expired_answer(Expired::Forbidden);
    server.faults.inject(Fault::ExpireSessions);
    let (status, page) = text(query(&server, &jar).await).await;
    assert_eq!(status, 403);
    assert!(page.contains("<h1>403 Forbidden</h1>"), "{page}");
    assert!(!page.contains("CSRF"), "not a CSRF failure: {page}");
    assert_eq!(server.log.logins(), 2);
}

#[tokio::test]
async fn codes_other_than_200_and_filters() {
    let server = start().await;
    let jar = logged_in(&server).await;
    server
        .faults
        .inject(Fault::vendor_error(200, "500", "查询失败"));
    assert_eq!(
        answer(query(&server, &jar).await).await,
        (200, json!({"code": 500, "message": "查询失败"}))
    );
    server.faults.inject(Fault::Busy);
    assert_eq!(
        answer(query(&server, &jar).await).await,
        (
            500,
            json!({"code": 500, "message": "服务器繁忙,请稍后重试"})
        )
    );
    let form = "action=GetConsumptionsByQuery&type=instance&start_at=2014-12-01&end_at=2014-12-02";
    let csrf = jar.csrf();
    let (_, body) = answer(post(&server, API_PATH, &jar, Some(&csrf), TRUSTED, form).await).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["total_amount"], "3.6659520000");
    let bad = "action=GetConsumptionsByQuery&start_at=2014%2F12%2F01";
    assert_eq!(
        answer(post(&server, API_PATH, &jar, Some(&csrf), TRUSTED, bad).await).await,
        (
            200,
            json!({"code": 400, "message": "start_at 参数格式错误"})
        )
    );
    // A big list is served whole.
    server.dataset.set_len(20_000);
    let (_, body) = answer(query(&server, &jar).await).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(20_000));
    assert_eq!(body["data"][19_999], record(19_999));
}
