//! The offset style's streams against a loopback server that pages by item offset and
//! limit, caps the limit, can repeat the page before and counts requests.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::pagination::{Offset, Page, Paginate};
use meterage_runtime::{Client, Error, Operation, Request, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;

use support::paging::{ids, until_error, Thing as Record};

static LIST: Operation = Operation::get("ListRecords", "/records");

#[derive(Debug, Deserialize)]
struct RecordPage {
    total: Option<u64>,
    records: Vec<Record>,
}

impl Page for RecordPage {
    support::paging::page_items!(i64, records; total = total);
}

/// A hand-written request builder, as generated code writes them.
#[derive(Debug, Clone)]
struct ListRecords {
    client: Client,
    offset: Option<i64>,
    limit: Option<i64>,
}

impl Paginate for ListRecords {
    support::paging::paginate_basics!(LIST, i64, offset, limit);

    type Page = RecordPage;
    type Style = Offset<i64>;

    const PAGINATION: Offset<i64> = Offset {
        offset_param: "offset",
        limit_param: "limit",
        default_limit: Some(10),
        max_offset: None,
    };

    fn page_request(&self, offset: i64) -> Result<Request, Error> {
        let mut request = Request::new(&LIST);
        request.query("offset", &offset);
        request.query_opt("limit", &self.limit);
        Ok(request)
    }
}

/// How the server pages.
#[derive(Debug, Default)]
struct Server {
    records: u32,
    /// The most records on a page, whatever the limit asked.
    cap: u32,
    declare_total: bool,
    /// Offset -> how many times to answer it with the records of offset 0.
    repeat: Mutex<HashMap<u32, usize>>,
    /// The offsets asked for, in order.
    asked: Mutex<Vec<u32>>,
}

#[derive(Deserialize)]
struct OffsetQuery {
    offset: u32,
    limit: Option<u32>,
}

async fn list(State(server): State<Arc<Server>>, Query(query): Query<OffsetQuery>) -> Json<Value> {
    server.asked.lock().unwrap().push(query.offset);
    let mut start = query.offset;
    if let Some(left) = server.repeat.lock().unwrap().get_mut(&query.offset) {
        if *left > 0 {
            *left -= 1;
            start = 0;
        }
    }
    let end = (start + query.limit.unwrap_or(10).min(server.cap)).min(server.records);
    let records: Vec<Value> = (start..end).map(|id| json!({"id": id})).collect();
    let mut body = json!({"records": records});
    if server.declare_total {
        body["total"] = json!(server.records);
    }
    Json(body)
}

async fn serve(server: Server) -> (Client, Arc<Server>) {
    let (client, server, _) =
        support::paging::serve(server, Router::new().route("/records", get(list))).await;
    (client, server)
}

/// A server of `records` records, at most `cap` a page, that declares the total.
async fn serve_total(records: u32, cap: u32) -> (Client, Arc<Server>) {
    serve(Server {
        records,
        cap,
        declare_total: true,
        ..Server::default()
    })
    .await
}

fn list_records(client: &Client, limit: Option<i64>) -> ListRecords {
    ListRecords {
        client: client.clone(),
        offset: None,
        limit,
    }
}

#[tokio::test]
async fn every_record_once_by_total_short_page_or_empty_page() {
    // (records, cap, limit, total, offsets asked)
    type Case = (u32, u32, Option<i64>, bool, &'static [u32]);
    let cases: &[Case] = &[
        // The total ends it, on a short page or a full one.
        (25, 10, None, true, &[0, 10, 20]),
        (20, 10, None, true, &[0, 10]),
        // Without a total, a short page ends it; a full last page needs the empty one.
        (25, 10, None, false, &[0, 10, 20]),
        (20, 10, None, false, &[0, 10, 20]),
        // The server caps the limit at 4: each offset follows the items of the page
        // before, none lost, to the total.
        (10, 4, Some(5), true, &[0, 4, 8]),
        // An empty listing is one empty page.
        (0, 10, None, true, &[0]),
    ];
    for &(records, cap, limit, declare_total, offsets) in cases {
        let (client, server) = serve(Server {
            records,
            cap,
            declare_total,
            ..Server::default()
        })
        .await;
        let context =
            format!("{records} records, cap {cap}, limit {limit:?}, total {declare_total}");
        let got: Vec<Record> = list_records(&client, limit)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&got), (0..records).collect::<Vec<_>>(), "{context}");
        assert_eq!(*server.asked.lock().unwrap(), offsets, "{context}");
    }
}

#[tokio::test]
async fn pages_carry_their_offset_and_start_where_the_caller_says() {
    let (client, _) = serve_total(25, 10).await;
    let mut request = list_records(&client, Some(10));
    request.offset = Some(5);
    let pages: Vec<_> = request.pages().try_collect().await.unwrap();
    let offsets: Vec<i64> = pages.iter().map(|page| page.number()).collect();
    assert_eq!(offsets, [5, 15]);
    assert_eq!(*pages[1].cursor(), 15);
    assert_eq!(ids(pages[1].items()), (15..25).collect::<Vec<_>>());
}

#[tokio::test]
async fn prefetch_fetches_nothing_ahead_and_loses_nothing() {
    let (client, server) = serve_total(30, 7).await;
    let got: Vec<Record> = list_records(&client, Some(10))
        .items()
        .prefetch(4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&got), (0..30).collect::<Vec<_>>());
    assert_eq!(*server.asked.lock().unwrap(), [0, 7, 14, 21, 28]);
}

#[tokio::test]
async fn a_repeated_page_is_fetched_again_never_yielded_twice() {
    let (client, server) = serve_total(30, 10).await;
    server.repeat.lock().unwrap().insert(10, 2);
    let got: Vec<Record> = list_records(&client, None)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&got), (0..30).collect::<Vec<_>>());
    assert_eq!(*server.asked.lock().unwrap(), [0, 10, 10, 10, 20]);

    // Repeated for good: an error, not a loop.
    let (client, server) = serve_total(30, 10).await;
    server.repeat.lock().unwrap().insert(10, usize::MAX);
    let result: Result<Vec<Record>, Error> =
        list_records(&client, None).items().try_collect().await;
    let error = result.unwrap_err();
    support::paging::assert_stopped_at(&error, 10);
    assert_eq!(
        error.to_string(),
        "ListRecords: paging stopped at page 10: the server answered 4 times with the page \
         before (page 0) instead of page 10"
    );
    assert_eq!(server.asked.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn max_pages_stops_with_an_error_when_more_remain() {
    let (client, server) = serve_total(50, 10).await;
    let mut items = list_records(&client, None).items().max_pages(2);
    let (got, error) = until_error(&mut items).await;
    assert_eq!(got, (0..20).collect::<Vec<_>>());
    support::paging::assert_stopped_at(&error, 10);
    assert_eq!(*server.asked.lock().unwrap(), [0, 10]);

    // Exactly as many pages as allowed: no error.
    let got = support::paging::within(list_records(&client, None), 5)
        .await
        .unwrap();
    assert_eq!(got.len(), 50);
}
