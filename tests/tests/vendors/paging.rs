//! The paging fixture's generated module (`codegen/tests/snapshots/paging.rs`) compiles
//! warning-free and pages as its spec says: by item offset and limit, the items and the
//! total nested under `Data`; by a token read from `/Data/NextToken` or from the
//! `X-Next-Cursor` header, the token sent in the query, a header or the JSON body (as
//! AWS JSON APIs page), with the next token at any depth; by a next link in the body or
//! in a `Link` header; every record once.

// Public items of a module inside a test binary are unreachable, hence `dead_code`;
// every other warning fails the build.
#[deny(warnings)]
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../codegen/tests/snapshots/paging.rs"]
mod paging_api;

use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use meterage_runtime::pagination::{Page, PageOf};
use meterage_runtime::{Error, Stream, TryStreamExt};
use meterage_tests::Server;
use paging_api::Client;
use serde_json::json;

/// Ten records; a page holds at most 4 whatever the limit asked, and declares the total
/// only when the caller set a limit.
async fn answer(headers: axum::http::HeaderMap, uri: Uri, body: axum::body::Bytes) -> Response {
    match uri.path() {
        "/events" => return events(&uri),
        "/logs" => return logs(&uri),
        "/costs" => return costs(&body),
        "/usage" => return usage(&body),
        "/audit" => return audit(&headers),
        "/v2/invoices" => {
            let host = headers.get("host").and_then(|host| host.to_str().ok());
            return invoices(&uri, host.unwrap_or_default());
        }
        "/v2/repos" => return repos(&uri),
        _ => {}
    }
    let pairs = meterage_tests::parse_pairs(uri.query().unwrap_or_default());
    let number = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.parse::<u32>().ok())
    };
    let offset = number("offset").unwrap_or(0);
    let limit = number("limit");
    let end = (offset + limit.unwrap_or(3).min(4)).min(10);
    let items: Vec<_> = (offset..end).map(|id| json!({"id": id})).collect();
    let data = match limit {
        Some(_) => json!({"Items": items, "Total": 10}),
        None => json!({"Items": items}),
    };
    meterage_tests::json(StatusCode::OK, json!({"Data": data}))
}

/// The value of the query parameter `name`, if sent.
fn param(uri: &Uri, name: &str) -> Option<String> {
    meterage_tests::parse_pairs(uri.query().unwrap_or_default())
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// Seven events, three a page; the token of the page from event `n` is `e<n>`, in the
/// body; the last page's token is empty.
fn events(uri: &Uri) -> Response {
    let start: u32 = param(uri, "NextToken")
        .and_then(|token| token.strip_prefix('e').and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let end = (start + 3).min(7);
    let events: Vec<_> = (start..end).map(|id| json!({"id": id})).collect();
    let next = if end < 7 {
        format!("e{end}")
    } else {
        String::new()
    };
    meterage_tests::json(
        StatusCode::OK,
        json!({"Data": {"Events": events, "NextToken": next}}),
    )
}

/// Five log lines, two a page; the next cursor in `X-Next-Cursor`, none on the last.
fn logs(uri: &Uri) -> Response {
    let start: usize = param(uri, "cursor")
        .and_then(|cursor| cursor.parse().ok())
        .unwrap_or(0);
    let end = (start + 2).min(5);
    let lines: Vec<String> = (start..end).map(|n| format!("line {n}")).collect();
    with_next_cursor(json!({ "lines": lines }), (end < 5).then_some(end))
}

/// `body` as the answer, the next cursor (if any) in `X-Next-Cursor`.
fn with_next_cursor(body: serde_json::Value, next: Option<usize>) -> Response {
    let mut response = meterage_tests::json(StatusCode::OK, body);
    if let Some(next) = next {
        response
            .headers_mut()
            .insert("x-next-cursor", axum::http::HeaderValue::from(next));
    }
    response
}

/// The JSON body of a request, and its string property `name`, if sent.
fn body_token(body: &[u8], name: &str) -> (serde_json::Value, Option<String>) {
    let body: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
    let token = body
        .get(name)
        .and_then(|token| token.as_str())
        .map(str::to_owned);
    (body, token)
}

/// Five costs, two a page; the token of the page from cost `n` is `c<n>`, sent as the
/// body's `NextPageToken`, and the next one at `/NextPageToken`, absent on the last
/// page. A body without `TimePeriod` or `Granularity` is refused.
fn costs(body: &[u8]) -> Response {
    let (body, token) = body_token(body, "NextPageToken");
    if body.get("TimePeriod").is_none() || body.get("Granularity").is_none() {
        return meterage_tests::json(StatusCode::BAD_REQUEST, json!({"message": "incomplete"}));
    }
    let start: u32 = token
        .and_then(|token| token.strip_prefix('c').and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let end = (start + 2).min(5);
    let results: Vec<_> = (start..end).map(|id| json!({"id": id})).collect();
    let mut page = json!({ "ResultsByTime": results });
    if end < 5 {
        page["NextPageToken"] = json!(format!("c{end}"));
    }
    meterage_tests::json(StatusCode::OK, page)
}

/// Six usage records, three a page; the token sent as the body's `cursor`, the next
/// one in the `X-Next-Cursor` header.
fn usage(body: &[u8]) -> Response {
    let (_, token) = body_token(body, "cursor");
    let start: usize = token.and_then(|token| token.parse().ok()).unwrap_or(0);
    let end = (start + 3).min(6);
    let usage: Vec<_> = (start..end).map(|id| json!({"id": id})).collect();
    with_next_cursor(json!({ "usage": usage }), (end < 6).then_some(end))
}

/// Five audit entries, two a page; the token sent in `X-Page-Token`, the next one at
/// `/meta/paging/next`.
fn audit(headers: &axum::http::HeaderMap) -> Response {
    let start: u32 = headers
        .get("x-page-token")
        .and_then(|token| token.to_str().ok())
        .and_then(|token| token.strip_prefix('a').and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let end = (start + 2).min(5);
    let entries: Vec<_> = (start..end).map(|id| json!({"id": id})).collect();
    let next = if end < 5 {
        json!({"paging": {"next": format!("a{end}")}})
    } else {
        json!({"paging": {}})
    };
    meterage_tests::json(StatusCode::OK, json!({"entries": entries, "meta": next}))
}

/// Five invoices, two a page; page 2 linked relatively, page 3 absolutely (at `host`,
/// the server's own).
fn invoices(uri: &Uri, host: &str) -> Response {
    let page: u32 = param(uri, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let start = (page - 1) * 2;
    let end = (start + 2).min(5);
    let value: Vec<_> = (start..end).map(|id| json!({"id": id})).collect();
    let mut body = json!({ "value": value });
    match page {
        1 => body["odata.nextLink"] = json!("invoices?status=open&page=2"),
        2 => {
            body["odata.nextLink"] = json!(format!("http://{host}/v2/invoices?status=open&page=3"))
        }
        _ => {}
    }
    meterage_tests::json(StatusCode::OK, body)
}

/// Three repositories, two a page, the next in a `Link` header.
fn repos(uri: &Uri) -> Response {
    let page: usize = param(uri, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let names = ["alpha", "beta", "gamma"];
    let repos = &names[(page - 1) * 2..(page * 2).min(3)];
    let mut response = meterage_tests::json(StatusCode::OK, json!({ "repos": repos }));
    if page == 1 {
        response.headers_mut().insert(
            "link",
            axum::http::HeaderValue::from_static(
                r#"</v2/repos?page=2>; rel="next", </v2/repos?page=2>; rel="last""#,
            ),
        );
    }
    response
}

async fn serve() -> (Server, Client) {
    crate::support::serve_router(Router::new().fallback(answer)).await
}

/// Every page `pages` yields.
async fn all_pages<P>(pages: impl Stream<Item = Result<P, Error>>) -> Vec<P> {
    pages.try_collect().await.expect("pages")
}

/// The ids of the items `items` yields, as `id` reads them.
async fn item_ids<T>(items: impl Stream<Item = Result<T, Error>>, id: fn(T) -> i32) -> Vec<i32> {
    items.map_ok(id).try_collect().await.expect("items")
}

/// The ids of the items on `pages`, in order, as `id` reads them.
fn ids_on<T: Page, C>(pages: Vec<PageOf<T, C>>, id: fn(T::Item) -> i32) -> Vec<i32> {
    pages
        .into_iter()
        .flat_map(PageOf::into_items)
        .map(id)
        .collect()
}

/// The queries the server received, in order.
fn queries(server: &Server) -> Vec<String> {
    server
        .log
        .requests()
        .into_iter()
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn offsets_follow_the_items_of_each_page_to_the_total() {
    let (server, client) = serve().await;
    // The server caps the limit at 4: the next offset is where the items ended.
    let records = item_ids(client.list_records().limit(5).items(), |record| record.id).await;
    assert_eq!(records, (0..10).collect::<Vec<_>>());
    assert_eq!(
        queries(&server),
        ["offset=0&limit=5", "offset=4&limit=5", "offset=8&limit=5"]
    );
}

#[tokio::test]
async fn without_a_total_a_short_page_is_the_last() {
    let (server, client) = serve().await;
    let pages = all_pages(client.list_records().offset(2).pages()).await;
    let offsets: Vec<i64> = pages.iter().map(|page| page.number()).collect();
    assert_eq!(offsets, [2, 5, 8]);
    let records = ids_on(pages, |record| record.id);
    assert_eq!(records, (2..10).collect::<Vec<_>>());
    assert_eq!(queries(&server).len(), 3);
}

#[tokio::test]
async fn tokens_from_the_body_to_an_empty_one() {
    let (server, client) = serve().await;
    let pages = all_pages(client.list_events().max_results(3).pages()).await;
    let tokens: Vec<Option<&str>> = pages.iter().map(|page| page.cursor().token()).collect();
    assert_eq!(tokens, [None, Some("e3"), Some("e6")]);
    let events = ids_on(pages, |event| event.id);
    assert_eq!(events, (0..7).collect::<Vec<_>>());
    assert_eq!(
        queries(&server),
        [
            "MaxResults=3",
            "NextToken=e3&MaxResults=3",
            "NextToken=e6&MaxResults=3"
        ]
    );
}

#[tokio::test]
async fn cursors_from_a_header_from_the_callers_cursor() {
    let (server, client) = serve().await;
    let lines: Vec<String> = client
        .list_logs()
        .cursor("1")
        .items()
        .try_collect()
        .await
        .expect("lines");
    assert_eq!(lines, ["line 1", "line 2", "line 3", "line 4"]);
    assert_eq!(queries(&server), ["cursor=1", "cursor=3"]);
}

#[tokio::test]
async fn next_links_from_the_body_relative_then_absolute() {
    let (server, client) = serve().await;
    // The first page's link is relative; the second's absolute, to this server.
    let invoices = item_ids(client.list_invoices().status("open").items(), |invoice| {
        invoice.id
    })
    .await;
    assert_eq!(invoices, [0, 1, 2, 3, 4]);
    assert_eq!(
        queries(&server),
        ["status=open", "status=open&page=2", "status=open&page=3"]
    );
}

#[tokio::test]
async fn next_links_from_a_link_header() {
    let (server, client) = serve().await;
    let repos: Vec<String> = client
        .list_repos()
        .items()
        .try_collect()
        .await
        .expect("repos");
    assert_eq!(repos, ["alpha", "beta", "gamma"]);
    assert_eq!(queries(&server), ["", "page=2"]);
}

/// The JSON bodies the server received, in order.
fn bodies(server: &Server) -> Vec<serde_json::Value> {
    server
        .log
        .requests()
        .into_iter()
        .map(|r| serde_json::from_slice(&r.body).expect("a JSON body"))
        .collect()
}

#[tokio::test]
async fn tokens_in_the_json_body_the_rest_of_the_body_unchanged() {
    let (server, client) = serve().await;
    let period = paging_api::types::GetCostsTimePeriod {
        start: "2026-11-01".to_owned(),
        end: "2026-12-01".to_owned(),
    };
    let costs = item_ids(
        client
            .get_costs(period, paging_api::types::GetCostsGranularity::Daily)
            .items(),
        |cost| cost.id,
    )
    .await;
    assert_eq!(costs, [0, 1, 2, 3, 4]);
    let first =
        json!({"TimePeriod": {"Start": "2026-11-01", "End": "2026-12-01"}, "Granularity": "DAILY"});
    let with = |token: &str| {
        let mut body = first.clone();
        body["NextPageToken"] = json!(token);
        body
    };
    assert_eq!(bodies(&server), [first.clone(), with("c2"), with("c4")]);
    assert_eq!(queries(&server), ["", "", ""]);
}

#[tokio::test]
async fn a_body_token_from_the_callers_token_the_next_from_a_header() {
    let (server, client) = serve().await;
    let usage = item_ids(
        client.query_usage().meter("cpu").cursor("1").items(),
        |record| record.id,
    )
    .await;
    assert_eq!(usage, [1, 2, 3, 4, 5]);
    assert_eq!(
        bodies(&server),
        [
            json!({"meter": "cpu", "cursor": "1"}),
            json!({"meter": "cpu", "cursor": "4"})
        ]
    );
}

#[tokio::test]
async fn tokens_in_a_header_the_next_three_levels_deep() {
    let (server, client) = serve().await;
    let entries = item_ids(client.list_audit().actor("ops").items(), |entry| entry.id).await;
    assert_eq!(entries, [0, 1, 2, 3, 4]);
    let sent: Vec<Option<String>> = server
        .log
        .requests()
        .into_iter()
        .map(|r| {
            let token = r.headers.get("x-page-token");
            token.map(|token| token.to_str().expect("ASCII").to_owned())
        })
        .collect();
    assert_eq!(sent, [None, Some("a2".to_owned()), Some("a4".to_owned())]);
    assert_eq!(queries(&server), ["actor=ops", "actor=ops", "actor=ops"]);
}

#[tokio::test]
async fn the_cli_run_gives_the_records_of_items_by_offset() {
    let (server, client) = serve().await;
    let typed = crate::cli::records_of(client.list_records().limit(5).items()).await;
    let mut recorder = crate::cli::Recorder::default();
    let args = crate::cli::args(&[("limit", "5")]);
    paging_api::cli::run(&client, "list_records", &args, &mut recorder)
        .await
        .expect("a run");
    assert_eq!(recorder.records, typed);
    assert_eq!(typed.len(), 10);
    // Each page asked at the offset where the page before ended.
    let cursors: Vec<_> = recorder.pages.iter().map(|p| p.0.as_deref()).collect();
    assert_eq!(cursors, [Some("0"), Some("4"), Some("8")]);
    assert_eq!(server.log.requests().len(), 6);
}
