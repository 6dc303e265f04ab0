//! Huawei NCE-Campus on the wire: the login call, `X-ACCESS-TOKEN`, the query string,
//! errcodes on HTTP 200 and the vendor's 400s.

use meterage_clients::nce_campus::{auth, types, Client};
use meterage_clients::runtime::{Decimal, Error, NoAuth};
use meterage_tests::nce;

use crate::support::{assert_refused, assert_vendor_error, nce_login, serve, unchecked};

#[tokio::test]
async fn login_is_the_vendor_wire_request_and_never_carries_a_token() {
    // The generated login call is `security: []`: a client holding a token sends none.
    let (server, client): (_, Client) =
        serve(nce::start(), auth::access_token("stale-token")).await;
    let (user, password) = nce::USER;
    let request = client.create_token().user_name(user).password(password);
    assert!(
        !format!("{request:?}").contains(password),
        "Debug shows the password"
    );
    let session = request.send().await.expect("login");
    assert_eq!(session.errcode.as_deref(), Some("0"));
    let data = session.data.as_ref().expect("data");
    let token = data.token_id.as_ref().expect("a token");
    assert_eq!(
        token.expose(),
        "x-nce-token-0001-3f9a",
        "a fresh server's first token"
    );
    assert!(
        !format!("{session:?}").contains("x-nce-token"),
        "Debug shows the token"
    );

    let sent = server.log.last().expect("sent");
    assert_eq!(
        (
            sent.method.as_str(),
            sent.path.as_str(),
            sent.query.as_deref()
        ),
        ("POST", nce::TOKENS_PATH, None)
    );
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    assert_eq!(
        sent.body_text(),
        format!(r#"{{"userName":"{user}","password":"{password}"}}"#)
    );
    assert_eq!(sent.header("X-ACCESS-TOKEN"), None);
}

#[tokio::test]
async fn user_traffic_query_is_the_vendor_wire_request() {
    let (server, client): (_, Client) = serve(nce::start(), nce_login()).await;
    let page = client
        .get_time_flow_st_info_list()
        .site_id(nce::SITE_ID)
        .page_index(2)
        .page_size(5)
        .sort(types::UserSort::UserNameDesc)
        .user_name("user")
        .used_time(20)
        .used_flow("10".parse::<Decimal>().expect("a decimal"))
        .begin_time("2017-11-24 08:00:00")
        .end_time("2017-11-25 17:26:55")
        .send()
        .await
        .expect("page");

    let sent = server.log.last().expect("sent");
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", nce::LIST_PATH)
    );
    assert_eq!(
        sent.query.as_deref(),
        Some("siteId=a91e1696-02a2-4a68-bad4-aa639359c8cf&pageIndex=2&pageSize=5&sort=-userName&userName=user&usedTime=20&usedFlow=10&beginTime=2017-11-24%2008%3A00%3A00&endTime=2017-11-25%2017%3A26%3A55")
    );
    let login = &server.log.requests()[0];
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", nce::TOKENS_PATH),
        "the first request logged in"
    );
    assert_eq!(sent.header("X-ACCESS-TOKEN"), Some("x-nce-token-0001-3f9a"));
    assert_eq!(page.errcode.as_deref(), Some("0"));
    assert_eq!((page.page_index, page.page_size), (Some(2), Some(5)));
    assert_eq!(page.total_records, Some(39));
    let data = page.data.as_deref().unwrap_or_default();
    let names: Vec<_> = data.iter().filter_map(|r| r.user_name.as_deref()).collect();
    assert_eq!(names, ["user40", "user39", "user38", "user37", "user36"]);
    // NCE sends numbers as strings; the types read them as decimals, keeping the text.
    let used_flow = data[0].used_flow.as_ref().expect("usedFlow");
    assert_eq!((used_flow.as_str(), used_flow.is_number()), ("400", false));
    assert_eq!(*used_flow, Decimal::from(400));
    let remain = data[0].remain_flow.as_ref().expect("remainFlow");
    assert_eq!(remain + used_flow, Decimal::from(1024));
}

#[tokio::test]
async fn errcode_on_http_200_is_an_error() {
    let (_server, client): (_, Client) = serve(nce::start(), NoAuth).await;
    let err = client
        .create_token()
        .user_name(nce::USER.0)
        .password("wrong-password")
        .send()
        .await
        .expect_err("rejected");
    assert_vendor_error(&err, 200, "1", "Username or password error.");
    assert!(!err.to_string().contains("wrong-password"));
}

#[tokio::test]
async fn bad_parameters_fail_before_sending_or_at_the_vendor() {
    let (server, client): (_, Client) = serve(nce::start(), nce_login()).await;
    let err = client
        .get_time_flow_st_info_list()
        .user_name("u".repeat(65))
        .page_index(0)
        .send()
        .await
        .expect_err("invalid");
    let Error::Validation { violations, .. } = &err else {
        panic!("{err:?}")
    };
    let params: Vec<&str> = violations.iter().map(|v| v.param).collect();
    assert_eq!(params, ["pageIndex", "userName"]);
    assert!(
        err.to_string()
            .contains("`userName` must be at most 64 characters"),
        "{err}"
    );
    assert_eq!(
        server.log.requests().len(),
        0,
        "nothing was sent, no login either"
    );

    // A date in the wrong format: the client refuses it; with validation off, the
    // vendor's 400 comes back whole.
    let err = client
        .get_time_flow_st_info_list()
        .begin_time("2017/11/24")
        .send()
        .await
        .expect_err("refused");
    let wanted = "`beginTime` must be formatted `yyyy-MM-dd HH:mm:ss`, got \"2017/11/24\"";
    assert_refused(&err, &server, wanted);
    let unchecked: Client = unchecked(&server, nce_login());
    let listing = unchecked.get_time_flow_st_info_list();
    let err = listing
        .begin_time("2017/11/24")
        .send()
        .await
        .expect_err("400");
    assert_vendor_error(&err, 400, "2", "beginTime must be yyyy-MM-dd HH:mm:ss.");
    assert_eq!(server.log.listing_requests(), 1, "a 400 is not retried");
}
