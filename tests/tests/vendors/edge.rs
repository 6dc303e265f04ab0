//! The edge-name fixture's generated module (`codegen/tests/snapshots/edge_names.rs`)
//! compiles warning-free and sends what its odd names say: keywords, digits, non-ASCII
//! and dashed wire names, path parameters that need encoding, exploded and
//! comma-separated arrays, a header parameter, a constant, and a JSON body with a secret.

// Public items of a module inside a test binary are unreachable, hence `dead_code`;
// every other warning fails the build.
#[deny(warnings)]
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../codegen/tests/snapshots/edge_names.rs"]
mod edge_names;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use edge_names::{types, Client};
use meterage_tests::Server;

fn router() -> Router {
    Router::new().route(
        "/api/items/{id}",
        get(|| async {
            meterage_tests::json(
                StatusCode::OK,
                serde_json::json!({"self": "me", "type": null, "2fa": true, "用户名": "张三", "items": [{"order": "-userName", "amount": "1.50"}, {"order": "sideways"}], "extra": {"a": 1}, "tree": {"child": {"pair": {"node": {"children": [{}]}}}}}),
            )
        })
        .delete(|| async { StatusCode::NO_CONTENT }),
    )
    .route("/api/options/codes", get(|| async { StatusCode::NO_CONTENT }))
}

/// The fixture's server, and a client of it.
async fn serve() -> (Server, Client) {
    let server = Server::start(router()).await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.base_url()))
        .build()
        .expect("client");
    (server, client)
}

#[tokio::test]
async fn odd_names_reach_the_wire_intact() {
    let (server, client) = serve().await;
    let response = client
        .new2("a b/c")
        .r#type("t")
        .r#ref("r")
        .self_("s")
        .n2fa(true)
        .user_name("bob")
        .u7528_u6237_u540d("张三")
        .x_trace_id("trace-1")
        .tags(["x", "y z"])
        .ids([1, 2])
        .ratio(0.5)
        .order(types::Order::UserName2)
        .send()
        .await
        .expect("response");

    let sent = server.log.last().expect("sent");
    assert_eq!(sent.path, "/api/items/a%20b%2Fc");
    assert_eq!(
        sent.query.as_deref(),
        Some("type=t&ref=r&self=s&2fa=true&user-name=bob&%E7%94%A8%E6%88%B7%E5%90%8D=%E5%BC%A0%E4%B8%89&tags=x&tags=y%20z&ids=1,2&ratio=0.5&order=-userName&Version=2024-01-01")
    );
    assert_eq!(sent.header("X-Trace-Id"), Some("trace-1"));

    assert_eq!(response.self_, "me");
    assert_eq!(response.r#type, None);
    assert_eq!(response.n2fa, Some(true));
    assert_eq!(response.u7528_u6237_u540d.as_deref(), Some("张三"));
    assert_eq!(response.items[0].order, Some(types::Order::UserName2));
    assert_eq!(
        response.items[0].amount.as_ref().map(|a| a.as_str()),
        Some("1.50")
    );
    let sideways = response.items[1].order.clone().expect("an order");
    assert!(
        matches!(&sideways, types::Order::Unknown(v) if v.as_str() == "sideways"),
        "{sideways:?}"
    );
    assert_eq!(sideways, types::Order::from("sideways"));
    // A listed value always has its own variant, whichever way it is made, even the
    // value spelt like the variant for unlisted ones.
    assert_eq!(types::Order::from("userName"), types::Order::UserName);
    assert_eq!(types::Order::from("Unknown"), types::Order::Unknown2);
    assert_eq!("2x".parse::<types::Order>(), Ok(types::Order::N2x));
    assert_eq!(response.extra.as_ref().and_then(|m| m.get("a")), Some(&1));
    // Recursive types are boxed where they contain themselves.
    let tree = response.tree.as_ref().expect("tree");
    let pair = tree
        .child
        .as_ref()
        .and_then(|c| c.pair.as_ref())
        .expect("pair");
    assert_eq!(pair.node.children.as_ref().map(Vec::len), Some(1));
}

#[tokio::test]
async fn constraints_of_odd_names_are_checked() {
    let (server, client) = serve().await;
    let err = client
        .new2("x")
        .user_name("")
        .tags(["a", "b", "c", "d"])
        .ratio(1.0)
        .send()
        .await
        .expect_err("invalid");
    let text = err.to_string();
    for wanted in [
        "`user-name` must be at least 1 character long, got \"\"",
        "`tags` must have at most 3 items",
        "`ratio` must be less than 1",
    ] {
        assert!(text.contains(wanted), "{wanted:?} not in {text}");
    }
    assert!(server.log.requests().is_empty());
}

#[tokio::test]
async fn a_json_body_with_a_secret_and_no_response_body() {
    let (server, client) = serve().await;
    let request = client
        .client()
        .item_id("id-1")
        .reason("hunter2")
        .nested(types::Client2Nested {
            deep: Some("d".into()),
        });
    assert!(!format!("{request:?}").contains("hunter2"));
    let response = request.send().await.expect("204");
    assert_eq!(response.status(), 204);
    let sent = server.log.last().expect("sent");
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("DELETE", "/api/items/id-1")
    );
    assert_eq!(
        sent.body_text(),
        r#"{"reason":"hunter2","nested":{"deep":"d"}}"#
    );
}

#[tokio::test]
async fn two_operations_with_one_value_list_share_one_enum_under_both_names() {
    let (server, client) = serve().await;
    // `Option2ErrorCodeVersion` is written as an alias of `Option2Version`: each name
    // reaches the variants, the constants and `parse`, and a value made under one name
    // is a value of the other.
    let version: types::Option2ErrorCodeVersion = types::Option2ErrorCodeVersion::N20250601;
    let same: types::Option2Version = version;
    assert_eq!(
        types::Option2ErrorCodeVersion::ALL,
        types::Option2Version::ALL
    );
    assert_eq!(
        types::Option2ErrorCodeVersion::VALUES,
        ["2024-01-01", "2025-06-01"]
    );
    assert_eq!(
        "2024-01-01".parse::<types::Option2ErrorCodeVersion>(),
        Ok(types::Option2Version::N20240101)
    );
    assert!("2026-01-01"
        .parse::<types::Option2ErrorCodeVersion>()
        .is_err());
    match same {
        types::Option2ErrorCodeVersion::N20240101 => panic!("the other value"),
        types::Option2ErrorCodeVersion::N20250601 => {}
    }

    // Both operations' setters take it, and send its wire value.
    client
        .option2_error_code()
        .version(version)
        .send()
        .await
        .expect("204");
    assert_eq!(
        server.log.last().expect("sent").query.as_deref(),
        Some("Version=2025-06-01")
    );
    let _ = client.option().version(same);
}
