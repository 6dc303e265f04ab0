//! Parameter styles, cookies, whole and multipart bodies, and the standard security
//! schemes, as a real HTTP server on loopback receives them.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, Uri};
use axum::routing::any;
use axum::{Json, Router};
use meterage_runtime::auth::{ApiKey, KeyPlace};
use meterage_runtime::request::Style;
use meterage_runtime::{
    Client, ClientBuilder, HeaderToken, Method, Operation, Request, RetryPolicy,
};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;

/// What the server saw.
#[derive(Debug, Deserialize)]
struct Seen {
    path: String,
    query: String,
    headers: BTreeMap<String, String>,
    body: String,
}

async fn echo(uri: Uri, RawQuery(query): RawQuery, headers: HeaderMap, body: Bytes) -> Json<Value> {
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("?").to_owned()))
        .collect();
    Json(json!({
        "path": uri.path(),
        "query": query.unwrap_or_default(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
}

async fn serve() -> String {
    support::serve(Router::new().fallback(any(echo))).await
}

static POST: Operation = support::op(
    "Post",
    Method::Post,
    "/v1/items/{id}",
    &meterage_runtime::ErrorEnvelope::NONE,
);

type Configure = Box<dyn FnOnce(ClientBuilder<Client>) -> ClientBuilder<Client>>;

async fn send(auth: Option<Configure>, request: Request) -> Seen {
    let base = serve().await;
    let mut builder = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(RetryPolicy::disabled());
    if let Some(auth) = auth {
        builder = auth(builder);
    }
    let client = builder.build().unwrap();
    client.send::<Seen>(request).await.unwrap().into_inner()
}

#[derive(serde::Serialize)]
struct Filter {
    status: Vec<&'static str>,
    card: BTreeMap<&'static str, &'static str>,
    none: Option<i32>,
}

#[tokio::test]
async fn parameters_in_every_style() {
    let mut request = Request::new(&POST);
    request.path_value("id", &["a", "b"], Style::Simple);
    request.query_joined("pipes", &["x", "y"], '|');
    request.query_joined("spaces", &[1, 2], ' ');
    let filter = Filter {
        status: vec!["paid", "open"],
        card: BTreeMap::from([("exp", "12/30")]),
        none: None,
    };
    request.query_value("filter", &filter, Style::DeepObject);
    request.query_value("point", &json!({"x": 1, "y": 2}), Style::FormExploded);
    request.query_value("json", &json!({"a": [1]}), Style::Json);
    request.cookie("session", "s1");
    request.cookie_value("ids", &[3, 4], Style::Form);
    request.header_value("X-Pair", &json!({"a": 1, "b": "z"}), Style::SimpleExploded);
    let seen = send(None, request).await;
    assert_eq!(seen.path, "/v1/items/a%2Cb");
    assert_eq!(
        seen.query,
        "pipes=x%7Cy&spaces=1%202\
         &filter%5Bcard%5D%5Bexp%5D=12%2F30&filter%5Bstatus%5D%5B0%5D=paid&filter%5Bstatus%5D%5B1%5D=open\
         &x=1&y=2&json=%7B%22a%22%3A%5B1%5D%7D"
    );
    assert_eq!(seen.headers["cookie"], "session=s1; ids=3,4");
    assert_eq!(seen.headers["x-pair"], "a=1,b=z");
}

#[tokio::test]
async fn whole_json_bytes_and_form_bodies() {
    let mut request = Request::new(&POST);
    request.path_param("id", "1");
    request.json_value(&json!([{"op": "add"}]));
    request.content_type("application/json-patch+json");
    let seen = send(None, request).await;
    assert_eq!(seen.body, r#"[{"op":"add"}]"#);
    assert_eq!(seen.headers["content-type"], "application/json-patch+json");

    let mut request = Request::new(&POST);
    request.path_param("id", "1");
    request.bytes_body(&b"a,b\n1,2\n"[..]);
    request.content_type("text/csv");
    let seen = send(None, request).await;
    assert_eq!(seen.body, "a,b\n1,2\n");
    assert_eq!(seen.headers["content-type"], "text/csv");

    let mut request = Request::new(&POST);
    request.path_param("id", "1");
    request.form("amount", &100);
    request.form_value(
        "metadata",
        &json!({"order": "6735", "tags": ["a b"]}),
        Style::DeepObject,
    );
    let seen = send(None, request).await;
    assert_eq!(
        seen.body,
        "amount=100&metadata%5Border%5D=6735&metadata%5Btags%5D%5B0%5D=a%20b"
    );
    assert_eq!(
        seen.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
}

#[tokio::test]
async fn multipart_bodies_carry_text_json_and_files() {
    let mut request = Request::new(&POST);
    request.path_param("id", "1");
    request.part("purpose", "dispute_evidence");
    request.part_json("meta", &json!({"k": 1}));
    request.part_file("file", &meterage_runtime::Bytes::from_static(b"%PDF-1.7"));
    let seen = send(None, request).await;
    let content_type = &seen.headers["content-type"];
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let parts: Vec<&str> = seen.body.split(&format!("--{boundary}")).collect();
    assert_eq!(parts.len(), 5, "{}", seen.body);
    assert_eq!(
        parts[1],
        "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n"
    );
    assert_eq!(
        parts[2],
        "\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}\r\n"
    );
    assert_eq!(
        parts[3],
        "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n%PDF-1.7\r\n"
    );
    assert_eq!(parts[4], "--\r\n");
}

#[tokio::test]
async fn bearer_basic_and_api_keys_reach_the_server() {
    let request = || {
        let mut r = Request::new(&POST);
        r.path_param("id", "1");
        r.cookie("theme", "dark");
        r
    };
    let seen = send(
        Some(Box::new(|b| b.auth(HeaderToken::bearer("tok-1")))),
        request(),
    )
    .await;
    assert_eq!(seen.headers["authorization"], "Bearer tok-1");

    let seen = send(
        Some(Box::new(|b| {
            b.auth(HeaderToken::basic("Aladdin", "open sesame"))
        })),
        request(),
    )
    .await;
    assert_eq!(
        seen.headers["authorization"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );

    let seen = send(
        Some(Box::new(|b| {
            b.auth(ApiKey::new(KeyPlace::Query, "api_key", "k1"))
        })),
        request(),
    )
    .await;
    assert_eq!(seen.query, "api_key=k1");

    let seen = send(
        Some(Box::new(|b| {
            b.auth(ApiKey::new(KeyPlace::Cookie, "key", "k2"))
        })),
        request(),
    )
    .await;
    assert_eq!(seen.headers["cookie"], "theme=dark; key=k2");
}

/// An AWS JSON 1.1 call: the body is JSON sent with the spec's media type, and the
/// answer, of that media type too, decodes as JSON.
#[tokio::test]
async fn a_vendor_json_body_goes_out_with_its_media_type() {
    async fn aws(headers: HeaderMap, body: Bytes) -> impl axum::response::IntoResponse {
        let seen = json!({
            "ContentType": headers.get("content-type").map(|v| v.to_str().unwrap_or("?")),
            "Target": headers.get("x-amz-target").map(|v| v.to_str().unwrap_or("?")),
            "Body": String::from_utf8_lossy(&body),
        });
        (
            [("content-type", "application/x-amz-json-1.1")],
            seen.to_string(),
        )
    }
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        content_type: Option<String>,
        target: Option<String>,
        body: String,
    }
    static COST: Operation = Operation {
        idempotent: true,
        ..support::op(
            "GetCostAndUsage",
            Method::Post,
            "/",
            &meterage_runtime::ErrorEnvelope::NONE,
        )
    };
    let base = support::serve(Router::new().route("/", axum::routing::post(aws))).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    // As the generated builder of an `application/x-amz-json-1.1` body writes it.
    let mut request = Request::new(&COST);
    request.json_body();
    request.content_type("application/x-amz-json-1.1");
    request.header("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage");
    request.json("Granularity", "MONTHLY");
    request.json("Metrics", &["UnblendedCost"]);
    let answer = client.send::<Answer>(request).await.unwrap();
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(
        answer.target.as_deref(),
        Some("AWSInsightsIndexService.GetCostAndUsage")
    );
    assert_eq!(
        answer.body,
        r#"{"Granularity":"MONTHLY","Metrics":["UnblendedCost"]}"#
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-json-1.1")
    );

    // A whole JSON value (`body` parameter) carries it too.
    let mut request = Request::new(&COST);
    request.content_type("application/vnd.api+json; charset=utf-8");
    request.json_value(&json!([{"id": "1"}]));
    let answer = client.send::<Answer>(request).await.unwrap();
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/vnd.api+json; charset=utf-8")
    );
    assert_eq!(answer.body, r#"[{"id":"1"}]"#);
}

/// An answer without content (`204 No Content`) decodes as `None` where the spec
/// documents one beside a body, and a body as `Some`.
#[tokio::test]
async fn an_answer_without_content_is_none_and_a_body_is_some() {
    async fn usage(uri: Uri) -> axum::response::Response {
        use axum::response::IntoResponse;
        if uri.path().ends_with("/empty") {
            axum::http::StatusCode::NO_CONTENT.into_response()
        } else {
            Json(json!({"value": [{"id": "u1"}]})).into_response()
        }
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Usage {
        value: Vec<Value>,
    }
    static USAGE: Operation = Operation::get("UsageDetails_List", "/usage/{period}");
    let base = support::serve(Router::new().fallback(any(usage))).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    let request = |period: &str| {
        let mut request = Request::new(&USAGE);
        request.path_param("period", period);
        request
    };

    let none = client
        .send::<Option<Usage>>(request("empty"))
        .await
        .unwrap();
    assert_eq!(none.status(), 204);
    assert_eq!(*none, None);

    let some = client
        .send::<Option<Usage>>(request("2024-05"))
        .await
        .unwrap();
    assert_eq!(some.status(), 200);
    assert_eq!(
        some.as_ref().map(|u| u.value.len()),
        Some(1),
        "{:?}",
        some.body()
    );

    // Without the `Option`, what a spec that documents no 204 gets from one.
    let error = client
        .send::<Usage>(request("empty"))
        .await
        .expect_err("an empty body is not a `Usage`");
    assert!(
        matches!(&error, meterage_runtime::Error::Decode(_)),
        "{error}"
    );
    assert!(error.to_string().contains("invalid type: null"), "{error}");
}

/// A path parameter that keeps reserved characters spans segments on the wire; one
/// whose value would leave the path is refused before anything is sent.
#[tokio::test]
async fn reserved_path_and_query_values_on_the_wire() {
    use meterage_runtime::request::Encoding;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    static SCOPED: Operation = Operation::get(
        "UsageDetails_List",
        "/{scope}/providers/Microsoft.Consumption/usageDetails",
    );
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let router = Router::new().fallback(any(
        move |uri: Uri, query: RawQuery, headers: HeaderMap, body: Bytes| {
            counted.fetch_add(1, Ordering::SeqCst);
            echo(uri, query, headers, body)
        },
    ));
    let base = support::serve(router).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    let request = |scope: &str, encoding: Encoding| {
        let mut request = Request::new(&SCOPED);
        request.path_param_as("scope", scope, encoding);
        request.query_as(
            "$filter",
            "properties/usageStart ge '2024-05-01'",
            Encoding::AllowReserved,
        );
        request.query("api-version", "2023-05-01");
        request
    };

    let seen = client
        .send::<Seen>(request(
            "subscriptions/0000-1111/resourceGroups/my rg",
            Encoding::AllowReserved,
        ))
        .await
        .unwrap();
    assert_eq!(
        seen.path,
        "/subscriptions/0000-1111/resourceGroups/my%20rg/providers/Microsoft.Consumption/usageDetails"
    );
    assert_eq!(
        seen.query,
        "%24filter=properties/usageStart%20ge%20%272024-05-01%27&api-version=2023-05-01"
    );

    // Every reserved character a path allows reaches the server as it was written.
    let seen = client
        .send::<Seen>(request("a:b@c/!$&'()*+,;=/%2F", Encoding::AllowReserved))
        .await
        .unwrap();
    assert_eq!(
        seen.path,
        "/a:b@c/!$&'()*+,;=/%2F/providers/Microsoft.Consumption/usageDetails"
    );

    // Azure documents scopes with slashes around them.
    let seen = client
        .send::<Seen>(request(
            "/subscriptions/0000-1111/",
            Encoding::AllowReserved,
        ))
        .await
        .unwrap();
    assert_eq!(
        seen.path,
        "/subscriptions/0000-1111/providers/Microsoft.Consumption/usageDetails"
    );

    // Strict, the same value is one segment.
    let seen = client
        .send::<Seen>(request("subscriptions/0000-1111", Encoding::Strict))
        .await
        .unwrap();
    assert_eq!(
        seen.path,
        "/subscriptions%2F0000-1111/providers/Microsoft.Consumption/usageDetails"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 4);

    for (scope, encoding, problem) in [
        (
            "subscriptions/0000-1111/../../admin",
            Encoding::AllowReserved,
            "has a `..` segment",
        ),
        (
            "subscriptions//x",
            Encoding::AllowReserved,
            "has an empty segment (`//`)",
        ),
        ("..", Encoding::Strict, "has a `..` segment"),
        ("", Encoding::Strict, "is empty"),
    ] {
        match client.send::<Seen>(request(scope, encoding)).await {
            Err(meterage_runtime::Error::Request { operation, message }) => {
                assert_eq!(operation, "UsageDetails_List");
                assert_eq!(
                    message,
                    format!("the path parameter `scope` {problem}: the path would name another resource")
                );
            }
            other => panic!("{scope:?} {encoding:?}: {other:?}"),
        }
    }
    assert_eq!(hits.load(Ordering::SeqCst), 4, "nothing refused was sent");
}
