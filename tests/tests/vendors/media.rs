//! The media fixture's generated module (`codegen/tests/snapshots/media.rs`) compiles
//! warning-free and does on the wire what its spec says: an AWS JSON 1.1 body typed and
//! sent with its media type, a success that may come without content returned as an
//! `Option` (a paged one ending at the empty answer), and Azure scopes that span path
//! segments.

// Public items of a module inside a test binary are unreachable, hence `dead_code`;
// every other warning fails the build.
#[deny(warnings)]
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../codegen/tests/snapshots/media.rs"]
mod media_api;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use media_api::{types, Client};
use meterage_runtime::TryStreamExt;
use meterage_tests::Server;
use serde_json::json;

/// Answers as AWS Cost Explorer and Azure Consumption would; the log keeps the requests.
async fn answer(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let query = uri.query().unwrap_or_default();
    let vendor_json = |media: &'static str, body: serde_json::Value| {
        ([("content-type", media)], body.to_string()).into_response()
    };
    match (method.as_str(), path) {
        ("POST", "/") => vendor_json(
            "application/x-amz-json-1.1",
            json!({"ResultsByTime": [{"Estimated": true}], "NextPageToken": "t2"}),
        ),
        ("POST", "/tags") => vendor_json("application/vnd.api+json", json!({"count": 2})),
        ("GET", "/budgets") => {
            // Four budgets, two a page; past them, no content.
            let page: u32 = query
                .strip_prefix("page=")
                .and_then(|p| p.split('&').next())
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            let ids: Vec<u32> = (page * 2 - 1..=page * 2).filter(|id| *id <= 4).collect();
            if ids.is_empty() {
                return StatusCode::NO_CONTENT.into_response();
            }
            let value: Vec<_> = ids
                .iter()
                .map(|id| json!({"id": format!("b{id}")}))
                .collect();
            meterage_tests::json(StatusCode::OK, json!({"value": value}))
        }
        ("DELETE", _) if path.ends_with("/budgets/gone") => StatusCode::NO_CONTENT.into_response(),
        ("DELETE", _) => meterage_tests::json(StatusCode::OK, json!({"id": "b1", "amount": 10.5})),
        ("GET", _) if query.contains("%24skiptoken=none") => StatusCode::NO_CONTENT.into_response(),
        ("GET", _) => meterage_tests::json(
            StatusCode::OK,
            json!({"value": [{"id": "u1", "name": "usage"}]}),
        ),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn serve() -> (Server, Client) {
    crate::support::serve_router(Router::new().fallback(answer)).await
}

/// The last request went out with `content_type` and `body`.
fn assert_sent(server: &Server, content_type: &str, body: &str) {
    let sent = server.log.last().expect("sent");
    assert_eq!(sent.header("content-type"), Some(content_type));
    assert_eq!(sent.body_text(), body);
}

#[tokio::test]
async fn an_aws_json_body_is_typed_and_sent_with_its_media_type() {
    let (server, client) = serve().await;
    let response = client
        .get_cost_and_usage(types::GetCostAndUsageGranularity::Monthly)
        .metrics(["UnblendedCost"])
        .send()
        .await
        .expect("costs");
    assert_sent(
        &server,
        "application/x-amz-json-1.1",
        r#"{"Granularity":"MONTHLY","Metrics":["UnblendedCost"]}"#,
    );
    let sent = server.log.last().expect("sent");
    let target = sent.header("x-amz-target");
    assert_eq!(target, Some("AWSInsightsIndexService.GetCostAndUsage"));
    assert_eq!(response.next_page_token.as_deref(), Some("t2"));
    let estimated = response.results_by_time.as_ref().map(|r| r[0].estimated);
    assert_eq!(estimated, Some(Some(true)));

    let response = client
        .batch_tag()
        .body(vec![types::BatchTagBodyItem {
            id: Some("1".into()),
        }])
        .send()
        .await
        .expect("tags");
    assert_sent(
        &server,
        "application/vnd.api+json; charset=utf-8",
        r#"[{"id":"1"}]"#,
    );
    assert_eq!(response.count, Some(2));
}

#[tokio::test]
async fn an_answer_without_content_is_none() {
    let (server, client) = serve().await;
    let scope = "subscriptions/0000-1111/resourceGroups/rg";
    let some = client
        .usage_details_list(scope)
        .filter("properties/usageStart ge '2024-05-01'")
        .send()
        .await
        .expect("usage");
    assert_eq!(some.status(), 200);
    let usage = some.as_ref().expect("a body");
    assert_eq!(usage.value.as_ref().map(Vec::len), Some(1));

    let none = client
        .usage_details_list(scope)
        .skiptoken("none")
        .send()
        .await
        .expect("no usage");
    assert_eq!(none.status(), 204);
    assert!(none.is_none());

    // 204 listed before 200: the body of the 200 is still what the call returns.
    let deleted = client
        .budgets_delete()
        .scope(scope)
        .name("b1")
        .send()
        .await
        .expect("deleted");
    assert_eq!(deleted.as_ref().and_then(|b| b.id.as_deref()), Some("b1"));
    let gone = client
        .budgets_delete()
        .scope(scope)
        .name("gone")
        .send()
        .await
        .expect("already gone");
    assert!(gone.into_inner().is_none());
    assert_eq!(server.log.requests().len(), 4);
}

#[tokio::test]
async fn a_page_without_content_ends_the_stream() {
    let (server, client) = serve().await;
    let budgets: Vec<types::Budget> = client
        .budgets_list_paged()
        .items()
        .try_collect()
        .await
        .expect("budgets");
    let ids: Vec<&str> = budgets.iter().filter_map(|b| b.id.as_deref()).collect();
    assert_eq!(ids, ["b1", "b2", "b3", "b4"]);
    // Two full pages, then the 204 that ends the walk.
    assert_eq!(server.log.requests().len(), 3);
}

#[tokio::test]
async fn a_scope_spans_path_segments_and_cannot_leave_the_path() {
    let (server, client) = serve().await;
    client
        .usage_details_list("/subscriptions/0000-1111/resourceGroups/my rg/")
        .filter("properties/usageStart ge '2024-05-01'")
        .send()
        .await
        .expect("usage");
    let sent = server.log.last().expect("sent");
    assert_eq!(
        sent.path,
        "/subscriptions/0000-1111/resourceGroups/my%20rg/providers/Microsoft.Consumption/usageDetails"
    );
    assert_eq!(
        sent.query.as_deref(),
        Some("%24filter=properties/usageStart%20ge%20%272024-05-01%27&api-version=2023-05-01")
    );

    client
        .budgets_delete()
        .scope("providers/Microsoft.Billing/billingAccounts/1:2")
        .name("a/b")
        .tags(["x/y", "z"])
        .send()
        .await
        .expect("deleted");
    let sent = server.log.last().expect("sent");
    // `allowReserved` on `scope`; `name`, without it, stays one segment.
    assert_eq!(
        sent.path,
        "/providers/Microsoft.Billing/billingAccounts/1:2/providers/Microsoft.Consumption/budgets/a%2Fb"
    );
    assert_eq!(sent.query.as_deref(), Some("tags=x/y,z"));

    let error = client
        .usage_details_list("subscriptions/0000-1111/../../tenants")
        .send()
        .await
        .expect_err("a path that leaves its template");
    assert!(
        matches!(&error, meterage_runtime::Error::Request { operation, message }
            if *operation == "UsageDetails_List"
                && message == "the path parameter `scope` has a `..` segment: the path would name another resource"),
        "{error}"
    );
    assert_eq!(server.log.requests().len(), 2, "nothing refused is sent");
}
