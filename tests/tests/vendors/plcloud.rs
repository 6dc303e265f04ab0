//! PLCloud: a Django console session (CSRF cookie and header, trusted origin) and the
//! form-encoded RPC action `POST /api/` with `action=GetConsumptionsByQuery`.
//!
//! The session is kept by a small `Authorize` implementation here, through the
//! runtime's public seam: it sends the cookies, `X-CSRFToken`, `Origin` and `Referer`
//! on every attempt, and the test feeds it the `Set-Cookie`s of `openConsole` and `login`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use meterage_clients::plcloud::{types::ResourceType, Client};
use meterage_clients::runtime::reqwest::{
    self,
    header::{HeaderMap, HeaderValue},
};
use meterage_clients::runtime::{AuthContext, AuthFuture, Authorize};
use meterage_tests::{plcloud, Server};

#[derive(Debug, Clone, Default)]
struct ConsoleSession {
    cookies: Arc<Mutex<BTreeMap<String, String>>>,
    csrf_header: bool,
}

impl ConsoleSession {
    fn new() -> Self {
        ConsoleSession {
            csrf_header: true,
            ..ConsoleSession::default()
        }
    }

    fn absorb(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().expect("jar");
        for value in headers.get_all("set-cookie") {
            let text = value.to_str().expect("ASCII cookie");
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                jar.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("jar").get(name).cloned()
    }
}

impl Authorize for ConsoleSession {
    fn authorize<'a>(
        &'a self,
        _ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        let jar = self.cookies.lock().expect("jar").clone();
        let headers = request.headers_mut();
        if !jar.is_empty() {
            let cookie = jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            headers.insert(
                "cookie",
                HeaderValue::from_str(&cookie).expect("cookie header"),
            );
        }
        if let (true, Some(csrf)) = (self.csrf_header, jar.get("csrftoken")) {
            headers.insert(
                "x-csrftoken",
                HeaderValue::from_str(csrf).expect("csrf header"),
            );
        }
        headers.insert("origin", HeaderValue::from_static(plcloud::ORIGIN));
        headers.insert(
            "referer",
            HeaderValue::from_static("https://console.plcloud.com/"),
        );
        Box::pin(async { Ok(()) })
    }
}

/// A client whose session holds the anonymous cookies of `GET /api/`.
async fn opened(server: &Server, session: &ConsoleSession) -> Client {
    let client: Client = Client::builder()
        .base_url(server.base_url())
        .auth(session.clone())
        .build()
        .expect("client");
    let console = client.open_console().send().await.expect("console page");
    session.absorb(console.headers());
    client
}

/// A client whose session is logged in (its cookies rotated by the login).
async fn logged_in(server: &Server, session: &ConsoleSession) -> Client {
    let client = opened(server, session).await;
    let csrf = session.cookie("csrftoken").expect("csrftoken cookie");
    let login = client
        .login(csrf, plcloud::USER.0, plcloud::USER.1)
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 302);
    session.absorb(login.headers());
    client
}

#[tokio::test]
async fn login_and_query_are_the_vendor_wire_requests() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let client = logged_in(&server, &session).await;

    let requests = server.log.requests();
    let login = &requests[1];
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", "/auth/login/")
    );
    assert_eq!(
        login.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        login.body_text(),
        format!(
            "csrfmiddlewaretoken={}&username=joelei&password=Pl-Pa55word%21",
            "csrf0000000000000000000000000001"
        )
    );
    // Login rotated both cookies.
    assert_eq!(
        session.cookie("csrftoken").as_deref(),
        Some("csrf0000000000000000000000000003")
    );
    assert_eq!(
        session.cookie("sessionid").as_deref(),
        Some("sess0000000000000000000000000004")
    );

    let page = client
        .get_consumptions_by_query()
        .region("")
        .r#type(ResourceType::Instance)
        .start_at("2014-12-01")
        .end_at("2014-12-02")
        .send()
        .await
        .expect("records");

    let sent = server.log.last().expect("sent");
    assert_eq!(
        (
            sent.method.as_str(),
            sent.path.as_str(),
            sent.query.as_deref()
        ),
        ("POST", "/api/", None)
    );
    assert_eq!(
        sent.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    // The seed's form data, in the seed's order, with the action filled in.
    assert_eq!(
        sent.body_text(),
        "action=GetConsumptionsByQuery&region=&type=instance&start_at=2014-12-01&end_at=2014-12-02"
    );
    assert_eq!(
        sent.header("X-CSRFToken"),
        Some("csrf0000000000000000000000000003")
    );
    assert_eq!(sent.header("Origin"), Some("https://console.plcloud.com"));

    assert_eq!((page.code, page.message.as_str()), (200, "成功"));
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].name, "joelei1");
    assert_eq!(page.data[0].amount.as_str(), "3.6659520000");
    assert_eq!(page.total_amount.as_str(), "3.6659520000");
}

#[tokio::test]
async fn all_records_sum_exactly() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let client = logged_in(&server, &session).await;
    let page = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect("records");
    assert_eq!(page.data.len(), 12);
    // 3.6659520000 + (1 + 2 + ... + 11) + 11 * 0.24
    assert_eq!(page.total_amount.as_str(), "72.3059520000");
    assert_eq!(
        server.log.last().map(|r| r.body_text()),
        Some("action=GetConsumptionsByQuery".to_owned())
    );
}

#[tokio::test]
async fn an_unknown_type_gives_an_empty_list() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let client = logged_in(&server, &session).await;
    let page = client
        .get_consumptions_by_query()
        .r#type(ResourceType::from("gpu"))
        .send()
        .await
        .expect("records");
    assert!(page.data.is_empty());
    assert_eq!(
        server.log.last().map(|r| r.body_text()),
        Some("action=GetConsumptionsByQuery&type=gpu".to_owned())
    );
}

#[tokio::test]
async fn code_on_http_200_is_an_error() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let client = logged_in(&server, &session).await;
    let err = client
        .get_consumptions_by_query()
        .start_at("2014/12/01")
        .send()
        .await
        .expect_err("bad date");
    let api = err.api().expect("an API error");
    assert_eq!((api.status, api.code.as_deref()), (200, Some("400")));
    assert_eq!(api.message.as_deref(), Some("start_at 参数格式错误"));
}

#[tokio::test]
async fn a_missing_csrf_header_gets_the_html_403_page() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let _ = logged_in(&server, &session).await;
    let careless = ConsoleSession {
        csrf_header: false,
        ..session.clone()
    };
    let client: Client = Client::builder()
        .base_url(server.base_url())
        .auth(careless)
        .build()
        .expect("client");
    let err = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect_err("CSRF");
    let api = err.api().expect("an API error");
    assert_eq!((api.status, api.code.as_deref()), (403, None));
    assert!(
        api.message
            .as_deref()
            .is_some_and(|m| m.contains("CSRF verification failed")),
        "{api:?}"
    );
    assert!(
        api.body_text().starts_with("<!DOCTYPE html>"),
        "the page is kept whole"
    );
    assert!(
        !format!("{err:?}").contains("sess0000"),
        "the session cookie leaked"
    );
}

#[tokio::test]
async fn a_logged_out_session_is_redirected_to_login() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let client = opened(&server, &session).await;
    let err = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect_err("not logged in");
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 302, "redirects are not followed");
    assert_eq!(api.header("location"), Some("/auth/login/?next=/api/"));
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again() {
    let server = plcloud::start().await;
    let session = ConsoleSession::new();
    let client = opened(&server, &session).await;
    let csrf = session.cookie("csrftoken").expect("csrftoken");
    let response = client
        .login(csrf, plcloud::USER.0, "wrong")
        .send()
        .await
        .expect("a 200 page");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no new session"
    );
}
