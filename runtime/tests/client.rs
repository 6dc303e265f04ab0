//! End-to-end tests of `Client` against a real HTTP server on loopback.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use meterage_runtime::interceptor::AttemptOutcome;
use meterage_runtime::{
    AuthContext, AuthFuture, Authorize, Client, ClientBuilder, Error, ErrorEnvelope, HeaderToken,
    IdentityGeneration, Method, Operation, Request, RetryPolicy, Secret, SuccessRule, Validator,
};
use serde::Deserialize;
use serde_json::{json, Value};
use support::{op, GSL, KAOPUYUN, NCE, PLCLOUD};

mod support;

const TOKEN: &str = "tok-SUPER-s3cr3t-42";

static ECHO_GET: Operation = op("EchoGet", Method::Get, "/v1/items/{id}", &GSL);
static ECHO_FORM: Operation = op("GetConsumptionsByQuery", Method::Post, "/api/", &PLCLOUD);
static ECHO_JSON: Operation = op("Login", Method::Post, "/controller/v2/tokens", &GSL);
static GSL_403: Operation = op("ListSimPools", Method::Get, "/gsl/403", &GSL);
static HTML_403: Operation = op(
    "GetConsumptionsByQuery",
    Method::Post,
    "/html/403",
    &PLCLOUD,
);
static HTML_200: Operation = op("Logout", Method::Get, "/html/200", &GSL);
static NCE_FAIL: Operation = op("TimeFlowStInfos", Method::Get, "/nce/fail", &NCE);
static NCE_OK: Operation = op("TimeFlowStInfos", Method::Get, "/nce/ok", &NCE);
static PL_FAIL: Operation = op("GetConsumptionsByQuery", Method::Post, "/pl/fail", &PLCLOUD);
static KAOPUYUN_FAIL: Operation = op(
    "DescribeFlowBills",
    Method::Get,
    "/kaopuyun/fail",
    &KAOPUYUN,
);
static KAOPUYUN_400: Operation = op("DescribeFlowBills", Method::Get, "/kaopuyun/400", &KAOPUYUN);
static KAOPUYUN_OK: Operation = op("DescribeFlowBills", Method::Get, "/kaopuyun/ok", &KAOPUYUN);
static BAD_BODY: Operation = op("ListSimPools", Method::Get, "/bad", &GSL);
static NOT_JSON_200: Operation = op("ListSimPools", Method::Get, "/html/200", &GSL);
static STALE: Operation = op("ListSimPools", Method::Get, "/stale", &GSL);
static ALWAYS_401: Operation = op("ListSimPools", Method::Get, "/always401", &GSL);
static IAM: Operation = Operation {
    server: Some("https://iam.cn-north-4.myhuaweicloud.com"),
    ..op(
        "KeystoneCreateUserTokenByPassword",
        Method::Post,
        "/v3/auth/tokens",
        &GSL,
    )
};

#[derive(Debug, Deserialize)]
struct Echo {
    method: String,
    path: String,
    query: Option<String>,
    body: String,
    content_type: Option<String>,
    auth_token: Option<String>,
    access_token: Option<String>,
    user_agent: Option<String>,
    accept: Option<String>,
}

/// Only decoded to fail: the fields are never read.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Pools {
    count: i64,
    pools: Vec<Pool>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Pool {
    pool_name: String,
    flow_left: f64,
}

#[derive(Debug, Deserialize)]
struct NceList {
    #[serde(rename = "totalRecords")]
    total_records: i64,
}

fn header(headers: &HeaderMap, name: &str) -> Value {
    headers.get(name).map_or(Value::Null, |v| {
        Value::String(v.to_str().unwrap().to_owned())
    })
}

async fn echo(
    method: HttpMethod,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "body": String::from_utf8(body.to_vec()).unwrap(),
        "content_type": header(&headers, "content-type"),
        "auth_token": header(&headers, "x-auth-token"),
        "access_token": header(&headers, "x-access-token"),
        "user_agent": header(&headers, "user-agent"),
        "accept": header(&headers, "accept"),
    }))
}

const CSRF_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <title>403 Forbidden</title>
  <style type="text/css">html * { padding:0; margin:0; }</style>
</head>
<body>
<div id="summary">
  <h1>Forbidden <span>(403)</span></h1>
  <p>CSRF verification failed. Request aborted.</p>
</div>
</body>
</html>"#;

#[derive(Default)]
struct Hits {
    stale: AtomicUsize,
    always401: AtomicUsize,
}

async fn stale(State(hits): State<Arc<Hits>>, headers: HeaderMap) -> AxumResponse {
    hits.stale.fetch_add(1, Ordering::SeqCst);
    if headers
        .get("x-access-token")
        .is_some_and(|v| v == "token-2")
    {
        Json(json!({"count": 0, "pools": []})).into_response()
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: token expired"})),
        )
            .into_response()
    }
}

async fn always401(State(hits): State<Arc<Hits>>) -> AxumResponse {
    hits.always401.fetch_add(1, Ordering::SeqCst);
    (StatusCode::UNAUTHORIZED, "Unauthorized").into_response()
}

async fn serve() -> (String, Arc<Hits>) {
    let hits = Arc::new(Hits::default());
    let router = Router::new()
        .route(
            "/gsl/403",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    [("X-Request-Id", "req-gsl-1")],
                    Json(json!({"error_code": "GSL.00011004", "error_msg": "账期不合法,请检查!"})),
                )
            }),
        )
        .route(
            "/html/403",
            post(|| async {
                (
                    StatusCode::FORBIDDEN,
                    [("content-type", "text/html; charset=utf-8")],
                    CSRF_PAGE,
                )
            }),
        )
        .route(
            "/html/200",
            get(|| async {
                (
                    [("content-type", "text/html"), ("X-Request-Id", "req-html")],
                    "<html><body>bye</body></html>",
                )
            }),
        )
        .route(
            "/nce/fail",
            get(|| async { Json(json!({"errcode": "1", "errmsg": "Operation failed."})) }),
        )
        .route(
            "/nce/ok",
            get(|| async {
                Json(json!({"errcode": "0", "errmsg": "", "totalRecords": 3, "data": []}))
            }),
        )
        .route(
            "/kaopuyun/fail",
            get(|| async {
                Json(json!({
                    "RequestId": "742fbe80-0ea9-11eb-9b36-0208cb7f7896",
                    "Code": "DescribeFlowBillsFail",
                    "Message": "查询流水账单列表失败:timeout"
                }))
            }),
        )
        .route(
            "/kaopuyun/400",
            get(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"RequestId": "r-400", "Code": "ValueNotSupported", "Message": "BillStatus参数不合法"})),
                )
            }),
        )
        .route(
            "/kaopuyun/ok",
            get(|| async { Json(json!({"Total": 0, "Items": [], "RequestId": "r-ok"})) }),
        )
        .route(
            "/pl/fail",
            post(|| async { Json(json!({"code": 403, "message": "无权限", "data": []})) }),
        )
        .route(
            "/bad",
            get(|| async {
                Json(json!({"count": 2, "pools": [
                    {"pool_name": "a", "flow_left": 1.5},
                    {"pool_name": "b", "flow_left": "lots"}
                ]}))
            }),
        )
        .route("/stale", get(stale))
        .route("/always401", get(always401))
        .fallback(echo)
        .with_state(hits.clone());
    (support::serve(router).await, hits)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn builder(base: &str) -> ClientBuilder<Client> {
    Client::builder(base)
        .http_client(http())
        .retry(RetryPolicy::standard().initial_backoff(std::time::Duration::from_millis(1)))
}

#[tokio::test]
async fn query_string_and_path_on_the_wire() {
    let (base, _) = serve().await;
    let client = builder(&base)
        .auth(HeaderToken::new("X-Auth-Token", TOKEN))
        .build()
        .unwrap();
    let mut request = Request::new(&ECHO_GET);
    request.path_param("id", "a b/c");
    request.query("userName", "张 三");
    request.query("beginTime", "2022-10-25 10:15:00");
    request.query("plus", "a+b~");
    request.query_opt("skipped", &None::<i32>);
    request.query_opt("limit", &Some(500));
    request.query_csv("status", &[0, 1]);
    request.query_multi("tag", &["x", "y"]);
    request.query("flag", &true);
    request.query("ratio", &25.0);
    let response = client.send::<Echo>(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.method, "GET");
    assert_eq!(response.path, "/v1/items/a%20b%2Fc");
    assert_eq!(
        response.query.as_deref(),
        Some(
            "userName=%E5%BC%A0%20%E4%B8%89&beginTime=2022-10-25%2010%3A15%3A00&plus=a%2Bb~\
             &limit=500&status=0,1&tag=x&tag=y&flag=true&ratio=25"
        )
    );
    assert_eq!(response.auth_token.as_deref(), Some(TOKEN));
    assert_eq!(response.accept.as_deref(), Some("application/json"));
    assert_eq!(
        response.user_agent.as_deref(),
        Some(concat!("meterage/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(response.body, "");
    assert_eq!(response.content_type, None);

    // Secrets never show in Debug output.
    assert_eq!(response.access_token, None);
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("X-Auth-Token"), "{debug}");
}

#[tokio::test]
async fn form_body_on_the_wire() {
    let (base, _) = serve().await;
    let client = builder(&base).user_agent("billing/2").build().unwrap();
    let mut request = Request::new(&ECHO_FORM);
    request.form("action", "GetConsumptionsByQuery");
    request.form("region", "cn 1");
    request.form("start_at", "2022-10-01");
    request.form_opt("type", &None::<String>);
    request.form("password", &Secret::new("p@ss+w"));
    let debug = format!("{request:?}");
    assert!(!debug.contains("p@ss+w"), "{debug}");
    let response = client.send::<Echo>(request).await.unwrap();
    assert_eq!(response.method, "POST");
    assert_eq!(response.path, "/api/");
    assert_eq!(response.query, None);
    assert_eq!(
        response.body,
        "action=GetConsumptionsByQuery&region=cn%201&start_at=2022-10-01&password=p%40ss%2Bw"
    );
    assert_eq!(
        response.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(response.user_agent.as_deref(), Some("billing/2"));
}

#[tokio::test]
async fn json_body_on_the_wire() {
    let (base, _) = serve().await;
    let client = builder(&base).build().unwrap();
    let mut request = Request::new(&ECHO_JSON);
    request.json("userName", "admin");
    request.json("password", &Secret::new("pw"));
    request.json_opt("extra", &None::<i32>);
    let response = client.send::<Echo>(request).await.unwrap();
    assert_eq!(response.body, r#"{"userName":"admin","password":"pw"}"#);
    assert_eq!(response.content_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn server_override_redirects_an_operation() {
    let (base, _) = serve().await;
    let client = Client::builder("https://gsl.cn-north-4.myhuaweicloud.com")
        .http_client(http())
        .server_override("https://iam.cn-north-4.myhuaweicloud.com/", base)
        .build()
        .unwrap();
    let response = client.send::<Echo>(Request::new(&IAM)).await.unwrap();
    assert_eq!(response.path, "/v3/auth/tokens");
}

#[tokio::test]
async fn json_403_is_an_api_error() {
    let (base, _) = serve().await;
    let client = builder(&base)
        .auth(HeaderToken::new("X-Auth-Token", TOKEN))
        .build()
        .unwrap();
    let error = client
        .send::<Value>(Request::new(&GSL_403))
        .await
        .unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.status, 403);
    assert_eq!(api.code.as_deref(), Some("GSL.00011004"));
    assert_eq!(api.message.as_deref(), Some("账期不合法,请检查!"));
    assert_eq!(api.request_id.as_deref(), Some("req-gsl-1"));
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.vendor_code(), Some("GSL.00011004"));
    assert_eq!(
        error.to_string(),
        "ListSimPools: HTTP 403, vendor error GSL.00011004: 账期不合法,请检查! (request id req-gsl-1)"
    );
    assert!(api.body_text().contains("GSL.00011004"));
    let debug = format!("{error:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
}

#[tokio::test]
async fn html_403_is_an_api_error_with_a_text_message() {
    let (base, _) = serve().await;
    let client = builder(&base).build().unwrap();
    let mut request = Request::new(&HTML_403);
    request.form("action", "GetConsumptionsByQuery");
    let error = client.send::<Value>(request).await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.status, 403);
    assert_eq!(api.code, None);
    let message = api.message.as_deref().unwrap();
    assert!(
        message.contains("CSRF verification failed. Request aborted."),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    assert!(message.chars().count() <= 200);
    assert_eq!(api.body_text(), CSRF_PAGE);
    assert!(error
        .to_string()
        .starts_with("GetConsumptionsByQuery: HTTP 403: "));
}

#[tokio::test]
async fn failure_code_on_200_is_an_api_error() {
    let (base, _) = serve().await;
    let client = builder(&base).build().unwrap();

    let error = client
        .send::<Value>(Request::new(&NCE_FAIL))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "TimeFlowStInfos: HTTP 200, vendor error 1: Operation failed."
    );
    assert_eq!(error.status(), Some(200));

    // The success rule applies without a decoded body too.
    let error = client
        .send_without_body(Request::new(&NCE_FAIL))
        .await
        .unwrap_err();
    assert_eq!(error.vendor_code(), Some("1"));

    let mut request = Request::new(&PL_FAIL);
    request.form("action", "GetConsumptionsByQuery");
    let error = client.send::<Value>(request).await.unwrap_err();
    assert_eq!(error.vendor_code(), Some("403"));
    assert_eq!(error.api().unwrap().message.as_deref(), Some("无权限"));

    let ok = client.send::<NceList>(Request::new(&NCE_OK)).await.unwrap();
    assert_eq!(ok.total_records, 3);
}

/// An Alibaba-style RPC API answers an error as `{RequestId, Code, Message}` whatever the
/// status: on HTTP 200 too it is `Error::Api` with the vendor's code, message and request
/// id (`success: no-code`), and a body without `Code` is a success.
#[tokio::test]
async fn an_rpc_error_body_is_an_api_error_on_any_status() {
    let (base, _) = serve().await;
    let client = builder(&base).build().unwrap();

    for (op, status, code, message, request_id) in [
        (
            &KAOPUYUN_FAIL,
            200,
            "DescribeFlowBillsFail",
            "查询流水账单列表失败:timeout",
            "742fbe80-0ea9-11eb-9b36-0208cb7f7896",
        ),
        (
            &KAOPUYUN_400,
            400,
            "ValueNotSupported",
            "BillStatus参数不合法",
            "r-400",
        ),
    ] {
        for error in [
            client.send::<Value>(Request::new(op)).await.unwrap_err(),
            client
                .send_without_body(Request::new(op))
                .await
                .unwrap_err(),
        ] {
            let api = error
                .api()
                .unwrap_or_else(|| panic!("{}: not an API error: {error:?}", op.path));
            assert_eq!(api.status, status, "{error}");
            assert_eq!(error.vendor_code(), Some(code), "{error}");
            assert_eq!(api.message.as_deref(), Some(message), "{error}");
            assert_eq!(api.request_id.as_deref(), Some(request_id), "{error}");
        }
    }

    let ok = client
        .send::<Value>(Request::new(&KAOPUYUN_OK))
        .await
        .unwrap();
    assert_eq!(ok["RequestId"], "r-ok");
}

#[tokio::test]
async fn bad_json_is_a_decode_error_with_the_path() {
    let (base, _) = serve().await;
    let client = builder(&base).build().unwrap();
    let error = client
        .send::<Pools>(Request::new(&BAD_BODY))
        .await
        .unwrap_err();
    match &error {
        Error::Decode(decode) => {
            assert_eq!(decode.operation, "ListSimPools");
            assert_eq!(decode.status, 200);
            assert_eq!(decode.path, "pools[1].flow_left");
            assert!(decode.body_text().contains("lots"));
            assert!(!decode.truncated());
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(
        error.to_string().starts_with(
            "ListSimPools: cannot decode the HTTP 200 body at `pools[1].flow_left`: invalid type: string \"lots\", expected f64"
        ),
        "{error}"
    );
    // The message shows where in the body decoding stopped, not the body.
    let text = error.to_string();
    assert!(
        text.contains(r#"(near `"#) && text.contains(r#""flow_left":"lots""#),
        "{text}"
    );
    let debug = format!("{error:?}");
    assert!(debug.contains("body: <92 bytes>"), "{debug}");
    assert!(!debug.contains(r#"{"count":2"#), "{debug}");

    let error = client
        .send::<Pools>(Request::new(&NOT_JSON_200))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Decode(decode) if decode.path == "." && decode.truncated()),
        "{error:?}"
    );
    // Not even JSON: worth another attempt, and the client made them.
    assert!(error.is_transient());
    assert_eq!(error.attempts(), 4);
}

#[tokio::test]
async fn send_without_body_accepts_html() {
    let (base, _) = serve().await;
    let client = builder(&base).build().unwrap();
    let response = client
        .send_without_body(Request::new(&HTML_200))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-html"));
    assert_eq!(response.header("content-type"), Some("text/html"));
}

#[derive(Debug, Default)]
struct Counters {
    authorize: AtomicUsize,
    invalidate: AtomicUsize,
    generation: AtomicUsize,
}

/// Logs in lazily: the token is `token-<generation>`, and a 401 makes it stale.
#[derive(Debug)]
struct CountingAuth(Arc<Counters>);

impl Authorize for CountingAuth {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            assert!(!ctx.operation.id.is_empty());
            self.0.authorize.fetch_add(1, Ordering::SeqCst);
            let generation = self.0.generation.load(Ordering::SeqCst) + 1;
            let value = format!("token-{generation}").parse().unwrap();
            request.headers_mut().insert("x-access-token", value);
            Ok(IdentityGeneration::new(generation as u64))
        })
    }

    fn rejected(&self, outcome: &AttemptOutcome<'_>, used: IdentityGeneration) -> bool {
        if outcome.status != Some(401) {
            return false;
        }
        assert!(used.get() > 0);
        self.0.invalidate.fetch_add(1, Ordering::SeqCst);
        self.0.generation.fetch_add(1, Ordering::SeqCst);
        true
    }
}

#[tokio::test]
async fn stale_credential_is_retried_exactly_once() {
    let (base, hits) = serve().await;
    let counters = Arc::new(Counters::default());
    let client = builder(&base)
        .auth(CountingAuth(counters.clone()))
        .build()
        .unwrap();

    let response = client.send::<Value>(Request::new(&STALE)).await.unwrap();
    assert_eq!(response["count"], 0);
    assert_eq!(counters.authorize.load(Ordering::SeqCst), 2);
    assert_eq!(counters.invalidate.load(Ordering::SeqCst), 1);
    assert_eq!(hits.stale.load(Ordering::SeqCst), 2);

    // A credential that stays refused: one retry, then the error.
    let error = client
        .send::<Value>(Request::new(&ALWAYS_401))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        error.api().unwrap().message.as_deref(),
        Some("Unauthorized")
    );
    assert_eq!(hits.always401.load(Ordering::SeqCst), 2);
    assert_eq!(counters.authorize.load(Ordering::SeqCst), 4);
    assert_eq!(counters.invalidate.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn no_retry_without_a_stale_credential() {
    let (base, hits) = serve().await;
    let client = builder(&base)
        .auth(HeaderToken::new("X-ACCESS-TOKEN", TOKEN))
        .build()
        .unwrap();
    let error = client
        .send::<Value>(Request::new(&STALE))
        .await
        .unwrap_err();
    assert_eq!(error.vendor_code(), Some("APIGW.0301"));
    assert_eq!(hits.stale.load(Ordering::SeqCst), 1);
    assert!(!format!("{error:?} {error}").contains(TOKEN));
}

#[tokio::test]
async fn transport_errors_hide_the_url() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = builder(&format!("http://{addr}")).build().unwrap();
    let mut request = Request::new(&ECHO_GET);
    request.path_param("id", "1");
    request.query("Signature", &Secret::new("sig-s3cr3t"));
    let error = client.send::<Value>(request).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.starts_with("EchoGet: HTTP request failed"), "{text}");
    // The reason is in the message, and the connection was refused before anything was
    // sent, so the call was retried although it is not idempotent.
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(text.ends_with("(after 4 attempts)"), "{text}");
    assert_eq!(error.attempts(), 4);
    let text = format!("{error} {error:?}");
    assert!(!text.contains("sig-s3cr3t"), "{text}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        assert!(!cause.to_string().contains("sig-s3cr3t"));
        source = cause.source();
    }
}

#[tokio::test]
async fn request_errors_are_reported_by_send() {
    let client = builder("http://127.0.0.1:9").build().unwrap();
    let mut request = Request::new(&ECHO_FORM);
    request.form("a", "1");
    request.json("b", &2);
    let error = client.send::<Value>(request).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "GetConsumptionsByQuery: cannot build the request: the body mixes form fields and JSON properties"
    );

    let mut validator = Validator::new(&GSL_403);
    validator.maximum("limit", 600.0, 500.0);
    validator.min_length("billing_cycle", "2022-9", 7);
    validator.max_length("billing_cycle", "2022-9", 7);
    assert_eq!(
        validator.finish().unwrap_err().to_string(),
        "ListSimPools: invalid request: parameter `limit` must be at most 500, got 600; \
         parameter `billing_cycle` must be exactly 7 characters long, got \"2022-9\""
    );
}

#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder("http://127.0.0.1:9").build().unwrap();
    let send = client.send::<Value>(Request::new(&GSL_403));
    assert_send(&send);
    let without = client.send_without_body(Request::new(&GSL_403));
    assert_send(&without);
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<Client>();
    assert_sync::<Error>();
    assert_sync::<Request>();
}

#[test]
fn config_errors() {
    let error = Client::builder("not a url").build().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error
        .to_string()
        .starts_with("invalid client configuration: invalid base URL `not a url`"));
    let error = Client::builder("https://user:s3cr3t@example.com")
        .build()
        .unwrap_err();
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

/// Generated code emits operations and envelopes as `const` items and borrows them as
/// `&'static`.
#[test]
fn const_operations_are_promoted_to_static() {
    const ENVELOPE: ErrorEnvelope = ErrorEnvelope {
        code: &["/Code"],
        message: &["/Message"],
        request_id: &["/RequestId"],
        request_id_header: None,
        success: SuccessRule::NoCode,
        transient: &[],
        ..ErrorEnvelope::NONE
    };
    const DESCRIBE: Operation = Operation {
        envelope: &ENVELOPE,
        ..Operation::get("DescribeFlowBills", "/")
    };
    let mut request = Request::new(&DESCRIBE);
    request.query("Action", "DescribeFlowBills");
    assert_eq!(request.operation().id, "DescribeFlowBills");
    assert_eq!(request.query_string(), "Action=DescribeFlowBills");
}
