//! PLCloud on the wire: the console login the runtime performs (CSRF cookie, form,
//! rotated cookies), the form-encoded RPC action `POST /api/` with
//! `action=GetConsumptionsByQuery`, codes on HTTP 200 and Django's HTML pages.

use meterage_clients::plcloud::{self as pl, types::ResourceType};
use meterage_clients::runtime::ErrorKind;
use meterage_tests::{plcloud, Fault, When};

use crate::support::{assert_vendor_error, plcloud_login, serve, unchecked, vendor_answer};

#[tokio::test]
async fn login_and_query_are_the_vendor_wire_requests() {
    let (server, client): (_, pl::Client) = serve(plcloud::start(), plcloud_login()).await;
    let page = client
        .get_consumptions_by_query()
        .region("")
        .r#type(ResourceType::Instance)
        .start_at("2014-12-01")
        .end_at("2014-12-02")
        .send()
        .await
        .expect("records");

    let requests = server.log.requests();
    let open = &requests[0];
    assert_eq!((open.method.as_str(), open.path.as_str()), ("GET", "/api/"));
    assert_eq!(open.header("cookie"), None);
    let login = &requests[1];
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", plcloud::LOGIN_PATH)
    );
    assert_eq!(
        login.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    let first_csrf = login
        .header("cookie")
        .and_then(|c| c.split("; ").find_map(|p| p.strip_prefix("csrftoken=")))
        .expect("the CSRF cookie of the console page")
        .to_owned();
    assert_eq!(login.header("x-csrftoken"), Some(first_csrf.as_str()));
    assert_eq!(
        login.body_text(),
        format!("csrfmiddlewaretoken={first_csrf}&username=joelei&password=Pl-Pa55word%21")
    );

    let sent = &requests[2];
    assert_eq!(
        (
            sent.method.as_str(),
            sent.path.as_str(),
            sent.query.as_deref()
        ),
        ("POST", "/api/", None)
    );
    // The seed's form data, in the seed's order, with the action filled in.
    assert_eq!(
        sent.body_text(),
        "action=GetConsumptionsByQuery&region=&type=instance&start_at=2014-12-01&end_at=2014-12-02"
    );
    let csrf = sent.header("x-csrftoken").expect("CSRF header");
    assert_ne!(csrf, first_csrf, "login rotated the CSRF token");

    assert_eq!(
        (page.code, page.message.as_deref()),
        (Some(200), Some("成功"))
    );
    assert_eq!(page.data.len(), 1);
    assert_eq!(
        page.data[0].amount.as_ref().map(|a| a.as_str()),
        Some("3.6659520000")
    );
    assert_eq!(
        page.total_amount.as_ref().map(|a| a.as_str()),
        Some("3.6659520000")
    );
}

#[tokio::test]
async fn all_records_sum_exactly_and_a_resource_type_filters() {
    let (server, client): (_, pl::Client) = serve(plcloud::start(), plcloud_login()).await;
    let page = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect("records");
    assert_eq!(page.data.len(), 12);
    // 3.6659520000 + (1 + 2 + ... + 11) + 11 * 0.24
    assert_eq!(
        page.total_amount.as_ref().map(|a| a.as_str()),
        Some("72.3059520000")
    );
    assert_eq!(
        server.log.last().map(|r| r.body_text()),
        Some("action=GetConsumptionsByQuery".to_owned())
    );

    // The seed lists the valid types: a closed set, so another is refused before sending.
    let unlisted = "gpu".parse::<ResourceType>().expect_err("not listed");
    assert_eq!(
        unlisted.to_string(),
        "`gpu` is not a ResourceType: one of `router`, `bandwidth`, `instance`, `volume`, `image`, `floatingip`, `loadbalance`, `cdn`"
    );
    let page = client
        .get_consumptions_by_query()
        .r#type("volume".parse::<ResourceType>().expect("listed"))
        .send()
        .await
        .expect("records");
    assert!(!page.data.is_empty());
    assert!(page
        .data
        .iter()
        .all(|r| r.res_type.as_deref() == Some("volume")));
    assert_eq!(
        server.log.last().map(|r| r.body_text()),
        Some("action=GetConsumptionsByQuery&type=volume".to_owned())
    );
}

#[tokio::test]
async fn code_on_http_200_is_an_error() {
    let server = plcloud::start().await;
    // The client refuses a date not `YYYY-MM-DD` (see streams.rs); with validation off
    // the console answers HTTP 200 with `code` 400.
    let client: pl::Client = unchecked(&server, plcloud_login());
    let query = client.get_consumptions_by_query().start_at("2014/12/01");
    let err = query.send().await.expect_err("bad date");
    assert_vendor_error(&err, 200, "400", "start_at 参数格式错误");
}

#[tokio::test]
async fn a_csrf_failure_page_is_kept_whole_without_leaking_the_session() {
    let (server, client): (_, pl::Client) = serve(plcloud::start(), plcloud_login()).await;
    client
        .get_consumptions_by_query()
        .send()
        .await
        .expect("logged in");
    // Django's CSRF page twice: the session is renewed once, then the page is the answer.
    let page = "<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p></body></html>";
    server.faults.add(
        When::Listing,
        Some(2),
        Fault::raw(403, "text/html; charset=utf-8", page),
    );
    let err = client
        .get_consumptions_by_query()
        .send()
        .await
        .expect_err("CSRF");
    let api = vendor_answer(&err, 403, None);
    assert!(
        api.message
            .as_deref()
            .is_some_and(|m| m.contains("CSRF verification failed")),
        "{api:?}"
    );
    assert_eq!(api.body_text(), page, "the page is kept whole");
    // Every session the client held: none appears in the error.
    let shown = format!("{err:?} {err}");
    let sessions: Vec<String> = server
        .log
        .requests()
        .iter()
        .filter_map(|r| r.header("cookie"))
        .flat_map(|c| c.split("; ").map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|c| c.strip_prefix("sessionid=").map(str::to_owned))
        .collect();
    assert!(!sessions.is_empty(), "the client sent its session");
    for session in &sessions {
        assert!(!shown.contains(session.as_str()), "{session} in {shown}");
    }
    assert!(!shown.contains("sessionid="));
    assert_eq!(
        server.log.logins(),
        2,
        "one new session for the first refusal"
    );
    assert_eq!(server.log.listing_requests(), 3);
    // A fresh session refused too: the credentials' refusal (`credential-statuses: [403]`),
    // not worth another attempt.
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(!err.is_transient());
}
