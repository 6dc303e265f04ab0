//! Page and item streams against a paging server on loopback that can repeat a page,
//! change its total and count requests.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::pagination::{Page, PageNumber, Paginate};
use meterage_runtime::{Client, Error, Operation, Request, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;

use support::paging::{ids, until_error, Thing};

static LIST: Operation = Operation::get("ListThings", "/things");

#[derive(Debug, Deserialize)]
struct ThingPage {
    page: Option<i32>,
    total: Option<u64>,
    things: Vec<Thing>,
}

impl Page for ThingPage {
    support::paging::page_items!(i32, things; total = total);

    fn page_number(&self) -> Option<i32> {
        self.page
    }
}

/// A hand-written request builder, as generated code writes them.
#[derive(Debug, Clone)]
struct ListThings {
    client: Client,
    page: Option<i32>,
    size: Option<i32>,
}

impl Paginate for ListThings {
    support::paging::paginate_basics!(LIST, i32, page, size);

    type Page = ThingPage;
    type Style = PageNumber<i32>;

    const PAGINATION: PageNumber<i32> = PageNumber {
        page_param: "page",
        size_param: "size",
        first_page: 1,
        default_size: Some(10),
        last_page: Some(50),
    };

    fn page_request(&self, page: i32) -> Result<Request, Error> {
        let mut request = Request::new(&LIST);
        request.query("page", &page);
        request.query_opt("size", &self.size);
        Ok(request)
    }
}

/// How the server misbehaves.
#[derive(Debug, Default)]
struct Server {
    total_items: u32,
    /// Whether pages echo their number.
    echo: bool,
    /// Whether pages declare the total.
    declare_total: bool,
    /// Page number -> how many times to answer it with the page before.
    repeat: Mutex<HashMap<i32, usize>>,
    /// Page number -> the total to declare on it instead.
    total_on: Mutex<HashMap<i32, u64>>,
    /// Requests per page number.
    hits: Mutex<HashMap<i32, usize>>,
    requests: AtomicUsize,
    latency: Duration,
}

#[derive(Deserialize)]
struct PageQuery {
    page: i32,
    size: Option<i32>,
}

async fn list(State(server): State<Arc<Server>>, Query(query): Query<PageQuery>) -> Json<Value> {
    server.requests.fetch_add(1, Ordering::SeqCst);
    *server.hits.lock().unwrap().entry(query.page).or_default() += 1;
    tokio::time::sleep(server.latency).await;
    let size = query.size.unwrap_or(10);
    let mut served = query.page;
    if let Some(left) = server.repeat.lock().unwrap().get_mut(&query.page) {
        if *left > 0 {
            *left -= 1;
            served = query.page - 1;
        }
    }
    let start = u32::try_from((served - 1) * size).unwrap();
    let end = (start + u32::try_from(size).unwrap()).min(server.total_items);
    let things: Vec<Value> = (start..end).map(|id| json!({"id": id})).collect();
    let total = server
        .total_on
        .lock()
        .unwrap()
        .get(&query.page)
        .copied()
        .unwrap_or(u64::from(server.total_items));
    let mut body = json!({"things": things});
    if server.echo {
        body["page"] = json!(served);
    }
    if server.declare_total {
        body["total"] = json!(total);
    }
    Json(body)
}

async fn serve(server: Server) -> (Client, Arc<Server>) {
    let (client, server, _) =
        support::paging::serve(server, Router::new().route("/things", get(list))).await;
    (client, server)
}

/// A server of `total_items` items that declares the total.
async fn serve_total(total_items: u32) -> (Client, Arc<Server>) {
    serve(Server {
        total_items,
        declare_total: true,
        ..Server::default()
    })
    .await
}

/// A server of `total_items` items that declares the total and echoes page numbers.
async fn serve_echoing(total_items: u32) -> (Client, Arc<Server>) {
    serve(Server {
        total_items,
        echo: true,
        declare_total: true,
        ..Server::default()
    })
    .await
}

/// Walks every item of the listing: ids `0..items` in order, in `requests` requests.
async fn assert_walk(client: &Client, server: &Server, items: u32, requests: usize, context: &str) {
    let things: Vec<Thing> = list_things(client).items().try_collect().await.unwrap();
    assert_eq!(ids(&things), (0..items).collect::<Vec<_>>(), "{context}");
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        requests,
        "{context}"
    );
}

/// The ids of every item, fetched four pages ahead.
async fn prefetched_ids(client: &Client) -> Vec<u32> {
    let items = list_things(client).items().prefetch(4);
    ids(&items.try_collect::<Vec<Thing>>().await.unwrap())
}

fn list_things(client: &Client) -> ListThings {
    ListThings {
        client: client.clone(),
        page: None,
        size: None,
    }
}

#[tokio::test]
async fn every_item_once_by_total_and_by_short_page() {
    for (echo, declare_total) in [(true, true), (false, true), (false, false), (true, false)] {
        let (client, server) = serve(Server {
            total_items: 95,
            echo,
            declare_total,
            ..Server::default()
        })
        .await;
        // Ten pages, the last one short: no request past it.
        let context = format!("echo {echo} total {declare_total}");
        assert_walk(&client, &server, 95, 10, &context).await;
    }
}

#[tokio::test]
async fn an_exact_multiple_stops_at_the_total_or_at_an_empty_page() {
    let (client, server) = serve_total(40).await;
    let things: Vec<Thing> = list_things(&client).items().try_collect().await.unwrap();
    assert_eq!(things.len(), 40);
    assert_eq!(server.requests.load(Ordering::SeqCst), 4);

    // Without a total, one more request finds the empty page.
    let (client, server) = serve(Server {
        total_items: 40,
        ..Server::default()
    })
    .await;
    let pages: Vec<_> = list_things(&client).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 4);
    assert_eq!(server.requests.load(Ordering::SeqCst), 5);
    assert_eq!(pages[3].number(), 4);
    assert_eq!(pages[3].status(), 200);

    // An empty result is one empty page.
    let (client, _) = serve(Server::default()).await;
    let pages: Vec<_> = list_things(&client).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items().is_empty());
}

#[tokio::test]
async fn a_repeated_page_is_fetched_again_never_yielded_twice() {
    for echo in [true, false] {
        let (client, server) = serve(Server {
            total_items: 60,
            echo,
            declare_total: true,
            ..Server::default()
        })
        .await;
        server.repeat.lock().unwrap().extend([(3, 1), (5, 2)]);
        let things: Vec<Thing> = list_things(&client).items().try_collect().await.unwrap();
        assert_eq!(ids(&things), (0..60).collect::<Vec<_>>(), "echo {echo}");
        let hits = server.hits.lock().unwrap().clone();
        assert_eq!((hits[&3], hits[&5], hits[&4]), (2, 3, 1), "echo {echo}");
    }
}

#[tokio::test]
async fn a_page_repeated_for_good_is_an_error_not_a_loop() {
    let (client, server) = serve_total(60).await;
    server.repeat.lock().unwrap().insert(2, usize::MAX);
    let mut items = list_things(&client).items();
    let (got, error) = until_error(&mut items).await;
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    support::paging::assert_stopped_at(&error, 2);
    assert_eq!(
        error.to_string(),
        "ListThings: paging stopped at page 2: the server answered 4 times with the page \
         before (page 1) instead of page 2"
    );
    // The stream is over after the error.
    assert!(items.next().await.is_none());
    assert_eq!(server.hits.lock().unwrap()[&2], 4);
}

#[tokio::test]
async fn a_total_that_changes_mid_run_loses_nothing() {
    for changed in [25, 180] {
        let (client, server) = serve_echoing(100).await;
        server.total_on.lock().unwrap().insert(3, changed);
        // Paging went on to the empty page after the last full one.
        assert_walk(&client, &server, 100, 11, &format!("total {changed}")).await;
    }
}

#[tokio::test]
async fn starting_page_size_and_the_last_page_the_api_accepts() {
    let (client, server) = serve_echoing(95).await;
    let request = ListThings {
        client: client.clone(),
        page: Some(3),
        size: Some(20),
    };
    let pages: Vec<_> = request.pages().try_collect().await.unwrap();
    let numbers: Vec<i32> = pages.iter().map(|page| page.number()).collect();
    assert_eq!(numbers, [3, 4, 5]);
    assert_eq!(pages[0].items().first(), Some(&Thing { id: 40 }));
    assert_eq!(pages[2].items().len(), 15);
    assert_eq!(pages[0].total(), Some(95));
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);

    // A server that never runs out hits the API's last page number (50): an error.
    let (client, _) = serve(Server {
        total_items: 10_000,
        ..Server::default()
    })
    .await;
    let request = ListThings {
        client,
        page: Some(48),
        size: None,
    };
    let results: Vec<_> = request.pages().collect().await;
    assert_eq!(results.len(), 3);
    let error = results[2].as_ref().unwrap_err();
    assert!(
        error
            .to_string()
            .contains("page 50 is the last page number the API accepts, and it was full"),
        "{error}"
    );
}

#[tokio::test]
async fn prefetch_keeps_order_and_stops_at_the_end() {
    let (client, server) = serve(Server {
        total_items: 205,
        declare_total: true,
        latency: Duration::from_millis(20),
        ..Server::default()
    })
    .await;
    assert_eq!(prefetched_ids(&client).await, (0..205).collect::<Vec<_>>());
    // The total is known after the first page: nothing is fetched past page 21.
    assert_eq!(server.requests.load(Ordering::SeqCst), 21);

    // Without a total, a few pages past the end may be fetched ahead, and are dropped.
    let (client, server) = serve(Server {
        total_items: 205,
        latency: Duration::from_millis(5),
        ..Server::default()
    })
    .await;
    assert_eq!(prefetched_ids(&client).await, (0..205).collect::<Vec<_>>());
    let requests = server.requests.load(Ordering::SeqCst);
    assert!((21..=25).contains(&requests), "{requests}");
}

#[tokio::test]
async fn streams_can_be_spawned() {
    let (client, _) = serve_total(33).await;
    let request = list_things(&client);
    let handle = tokio::spawn(request.items().try_collect::<Vec<Thing>>());
    assert_eq!(handle.await.unwrap().unwrap().len(), 33);
}

#[tokio::test]
async fn a_server_with_pages_without_end_stops_at_the_callers_limit() {
    // Full pages and no total: the server always seems to have more.
    let (client, server) = serve(Server {
        total_items: 10_000,
        ..Server::default()
    })
    .await;
    let mut items = list_things(&client).items().prefetch(2).max_pages(5);
    let (got, error) = until_error(&mut items).await;
    // Every item of the five pages arrives before the error; nothing past them is asked.
    assert_eq!(got, (0..50).collect::<Vec<_>>());
    assert_eq!(
        error.to_string(),
        "ListThings: paging stopped at page 5: the server still has pages after 5 pages, \
         the most this stream was allowed to read (max_pages)"
    );
    assert!(items.next().await.is_none());
    assert_eq!(server.requests.load(Ordering::SeqCst), 5);

    // A walk that ends within the limit is not an error.
    let (client, _) = serve_total(45).await;
    let things = support::paging::within(list_things(&client), 5)
        .await
        .unwrap();
    assert_eq!(things.len(), 45);
}

/// A listing whose server answers `204 No Content` for a page without items (the spec
/// documents the 204 beside the page's body): the generated builder's page type is
/// `Option<_>`, and `None` is an empty page, the last.
#[derive(Debug, Clone)]
struct MaybeThings {
    client: Client,
}

static MAYBE: Operation = Operation::get("ListMaybeThings", "/maybe-things");

impl Paginate for MaybeThings {
    support::paging::paginate_basics!(MAYBE, i32);

    type Page = Option<ThingPage>;
    type Style = PageNumber<i32>;

    const PAGINATION: PageNumber<i32> = PageNumber {
        last_page: None,
        ..ListThings::PAGINATION
    };

    fn page_request(&self, page: i32) -> Result<Request, Error> {
        let mut request = Request::new(&MAYBE);
        request.query("page", &page);
        Ok(request)
    }
}

#[tokio::test]
async fn an_answer_without_content_is_an_empty_last_page() {
    async fn maybe(
        State((items, requests)): State<(u32, Arc<AtomicUsize>)>,
        Query(query): Query<PageQuery>,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        requests.fetch_add(1, Ordering::SeqCst);
        let start = u32::try_from((query.page - 1) * 10).unwrap();
        if start >= items {
            return axum::http::StatusCode::NO_CONTENT.into_response();
        }
        let things: Vec<Value> = (start..(start + 10).min(items))
            .map(|id| json!({"id": id}))
            .collect();
        Json(json!({"things": things})).into_response()
    }
    // (items, pages yielded, requests): a 204 ends the walk like an empty page (which
    // is yielded only when it is the first); a short page ends it by itself.
    for (items, pages, sent) in [(20, 2, 3), (0, 1, 1), (15, 2, 2)] {
        let requests = Arc::new(AtomicUsize::new(0));
        let router = Router::new()
            .route("/maybe-things", get(maybe))
            .with_state((items, requests.clone()));
        let client = Client::builder(support::serve(router).await)
            .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
            .build()
            .unwrap();
        let listing = MaybeThings { client };
        let got: Vec<_> = listing.clone().pages().try_collect().await.unwrap();
        assert_eq!(got.len(), pages, "{items} items");
        assert_eq!(requests.load(Ordering::SeqCst), sent, "{items} items");
        assert!(got
            .iter()
            .all(|page| page.is_some() == (page.status() == 200)));
        if items == 0 {
            assert_eq!(got[0].status(), 204);
            assert!(got[0].is_none() && got[0].items().is_empty());
            assert_eq!(got[0].total(), None);
        }

        let things: Vec<Thing> = listing.items().try_collect().await.unwrap();
        assert_eq!(ids(&things), (0..items).collect::<Vec<_>>());
    }
}
