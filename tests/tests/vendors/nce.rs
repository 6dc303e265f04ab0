//! Huawei NCE-Campus: token login, `X-ACCESS-TOKEN`, errcodes on HTTP 200.

use meterage_clients::nce_campus::{auth, types, Client};
use meterage_clients::runtime::{Error, Secret};
use meterage_tests::{nce, Server};

/// Logs in through the generated `create_token`; returns a client sending the token, and the token.
async fn login(server: &Server) -> (Client, Secret) {
    let anonymous: Client = Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("client");
    let (user, password) = nce::USER;
    let session = anonymous
        .create_token(user, password)
        .send()
        .await
        .expect("login");
    let data = session.data.as_ref().expect("token data");
    let token = data.token_id.clone().expect("token_id");
    let client = Client::builder()
        .base_url(server.base_url())
        .auth(auth::access_token(token.clone()))
        .build()
        .expect("client");
    (client, token)
}

#[tokio::test]
async fn login_is_the_vendor_wire_request() {
    let server = nce::start().await;
    // A client that holds a (stale) token: login is `security: []`, so it is not sent.
    let client: Client = Client::builder()
        .base_url(server.base_url())
        .auth(auth::access_token("stale-token"))
        .build()
        .expect("client");
    let (user, password) = nce::USER;
    let request = client.create_token(user, password);
    assert!(
        !format!("{request:?}").contains(password),
        "Debug shows the password"
    );
    let session = request.send().await.expect("login");
    assert_eq!(session.errcode.as_deref(), Some("0"));
    let data = session.data.as_ref().expect("data");
    assert_eq!(
        data.token_id.as_ref().map(|t| t.expose()),
        Some("x-nce-token-0001-3f9a")
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
        ("POST", "/controller/v2/tokens", None)
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
    let server = nce::start().await;
    let (client, _) = login(&server).await;
    let page = client
        .get_time_flow_st_info_list()
        .site_id("a91e1696-02a2-4a68-bad4-aa639359c8cf")
        .page_index(2)
        .page_size(5)
        .sort(types::UserSort::UserNameDesc)
        .user_name("user")
        .used_time("20")
        .used_flow("10")
        .begin_time("2017-11-24 08:00:00")
        .end_time("2017-11-25 17:26:55")
        .send()
        .await
        .expect("page");

    let sent = server.log.last().expect("sent");
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        (
            "GET",
            "/controller/campus/v1/accountservice/user/timeflowstinfos"
        )
    );
    assert_eq!(
        sent.query.as_deref(),
        Some("siteId=a91e1696-02a2-4a68-bad4-aa639359c8cf&pageIndex=2&pageSize=5&sort=-userName&userName=user&usedTime=20&usedFlow=10&beginTime=2017-11-24%2008%3A00%3A00&endTime=2017-11-25%2017%3A26%3A55")
    );
    assert_eq!(sent.header("X-ACCESS-TOKEN"), Some("x-nce-token-0001-3f9a"));

    // usedTime >= 20 means records 7..=45 (39 of them), newest name first.
    assert_eq!(page.errcode.as_deref(), Some("0"));
    assert_eq!(page.total_records, Some(39));
    assert_eq!((page.page_index, page.page_size), (Some(2), Some(5)));
    let data = page.data.as_deref().unwrap_or_default();
    let names: Vec<&str> = data.iter().filter_map(|r| r.user_name.as_deref()).collect();
    assert_eq!(names, ["user40", "user39", "user38", "user37", "user36"]);
    // NCE sends numbers as strings; the types keep them as strings.
    assert_eq!(data[0].used_flow.as_deref(), Some("400"));
}

#[tokio::test]
async fn errcode_on_http_200_is_an_error() {
    let server = nce::start().await;
    let client: Client = Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("client");
    let err = client
        .create_token(nce::USER.0, "wrong-password")
        .send()
        .await
        .expect_err("rejected");
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 200);
    assert_eq!(api.code.as_deref(), Some("1"));
    assert_eq!(api.message.as_deref(), Some("Username or password error."));
    assert!(!err.to_string().contains("wrong-password"));
}

#[tokio::test]
async fn bad_parameters_fail_before_sending_or_at_the_vendor() {
    let server = nce::start().await;
    let (client, _) = login(&server).await;
    let sent_before = server.log.requests().len();
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
    assert_eq!(server.log.requests().len(), sent_before);

    // A format the client does not know about: the vendor's 400 comes back whole.
    let err = client
        .get_time_flow_st_info_list()
        .begin_time("2017/11/24")
        .send()
        .await
        .expect_err("400");
    let api = err.api().expect("an API error");
    assert_eq!((api.status, api.code.as_deref()), (400, Some("2")));
    assert_eq!(
        api.message.as_deref(),
        Some("beginTime must be yyyy-MM-dd HH:mm:ss.")
    );
}

#[tokio::test]
async fn logout_ends_the_token() {
    let server = nce::start().await;
    let (client, token) = login(&server).await;
    client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("works while logged in");

    client
        .delete_token(token.clone())
        .send()
        .await
        .expect("logout");
    let sent = server.log.last().expect("sent");
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("DELETE", "/controller/v2/tokens")
    );
    assert_eq!(
        sent.body_text(),
        format!(r#"{{"token":"{}"}}"#, token.expose())
    );

    let err = client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect_err("token ended");
    assert_eq!((err.status(), err.vendor_code()), (Some(401), Some("401")));
}

/// The auth seam carries a login session: an `Authorize` that logs in through the
/// client's own HTTP client before the first call, caches the token, and logs in again
/// once when the vendor refuses it (`is_stale` then `invalidate`). The runtime's
/// `login-token` scheme will do this from the spec's declaration; this proves the seam.
#[derive(Debug)]
struct LoginFirst {
    base_url: String,
    token: tokio::sync::Mutex<Option<String>>,
    logins: std::sync::atomic::AtomicUsize,
}

impl meterage_clients::runtime::Authorize for LoginFirst {
    fn authorize<'a>(
        &'a self,
        ctx: meterage_clients::runtime::AuthContext<'a>,
        request: &'a mut meterage_clients::runtime::reqwest::Request,
    ) -> meterage_clients::runtime::AuthFuture<'a> {
        Box::pin(async move {
            let mut token = self.token.lock().await;
            if token.is_none() {
                self.logins
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let body = serde_json::json!({"userName": nce::USER.0, "password": nce::USER.1});
                let bytes = ctx
                    .http
                    .post(format!("{}/controller/v2/tokens", self.base_url))
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .map_err(|e| ctx.error(format!("login failed: {}", e.without_url())))?
                    .bytes()
                    .await
                    .map_err(|e| ctx.error(format!("login failed: {}", e.without_url())))?;
                let reply: serde_json::Value = serde_json::from_slice(&bytes)
                    .map_err(|_| ctx.error("login answered something else than JSON"))?;
                let id = reply["data"]["token_id"]
                    .as_str()
                    .ok_or_else(|| ctx.error("login gave no token"))?;
                *token = Some(id.to_owned());
            }
            let value = token.as_deref().unwrap_or_default();
            let mut header =
                meterage_clients::runtime::reqwest::header::HeaderValue::from_str(value)
                    .map_err(|_| ctx.error("the token is not a header value"))?;
            header.set_sensitive(true);
            request.headers_mut().insert("X-ACCESS-TOKEN", header);
            Ok(())
        })
    }

    fn is_stale(&self, status: u16, _vendor_code: Option<&str>) -> bool {
        status == 401
    }

    fn invalidate(&self) {
        if let Ok(mut token) = self.token.try_lock() {
            *token = None;
        }
    }
}

#[tokio::test]
async fn the_auth_seam_logs_in_first_and_again_when_refused() {
    let server = nce::start().await;
    let auth = std::sync::Arc::new(LoginFirst {
        base_url: server.base_url(),
        token: tokio::sync::Mutex::new(None),
        logins: std::sync::atomic::AtomicUsize::new(0),
    });
    let client: Client = Client::builder()
        .base_url(server.base_url())
        .auth_shared(auth.clone())
        .build()
        .expect("client");

    client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("logged in first");
    client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("token reused");
    assert_eq!(auth.logins.load(std::sync::atomic::Ordering::SeqCst), 1);

    // The vendor forgets the token (it expired): one 401, one new login, one retry.
    let token = auth.token.lock().await.clone().expect("a token");
    let other: Client = Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("client");
    other.delete_token(token).send().await.expect("logout");
    let page = client
        .get_time_flow_st_info_list()
        .send()
        .await
        .expect("logged in again");
    assert_eq!(page.total_records, Some(45));
    assert_eq!(auth.logins.load(std::sync::atomic::Ordering::SeqCst), 2);

    let paths: Vec<String> = server
        .log
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let list = "GET /controller/campus/v1/accountservice/user/timeflowstinfos";
    let login = "POST /controller/v2/tokens";
    let logout = "DELETE /controller/v2/tokens";
    assert_eq!(paths, [login, list, list, logout, list, login, list]);
}
