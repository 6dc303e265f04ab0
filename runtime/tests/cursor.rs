//! The cursor style's streams against a loopback server that pages by token, the next
//! token in the body (`/Data/NextToken`) or in a header, and can repeat a token, loop,
//! end on an empty token or send an empty page with a token.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::pagination::{CursorToken, Page, PageToken, Paginate};
use meterage_runtime::{Client, Error, Operation, Request, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;

use support::paging::{ids, until_error, Thing as Record};

static LIST: Operation = Operation::get("ListRecords", "/records");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Data {
    items: Vec<Record>,
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RecordPage {
    data: Data,
}

impl Page for RecordPage {
    support::paging::page_items!(i64, data.items);

    fn next_token(&self) -> Option<&str> {
        self.data.next_token.as_deref()
    }
}

/// A hand-written request builder, as generated code writes them; `header` reads the
/// next token from `X-Next-Token` instead of the body.
#[derive(Debug, Clone)]
struct ListRecords<const HEADER: bool> {
    client: Client,
    token: Option<String>,
}

impl<const HEADER: bool> Paginate for ListRecords<HEADER> {
    support::paging::paginate_basics!(LIST, i64);

    type Page = RecordPage;
    type Style = CursorToken;

    const PAGINATION: CursorToken = CursorToken {
        token_param: "NextToken",
        next_header: if HEADER { Some("x-next-token") } else { None },
    };

    fn start_token(&self) -> Option<String> {
        self.token.clone()
    }

    fn page_request(&self, page: PageToken) -> Result<Request, Error> {
        let mut request = Request::new(&LIST);
        request.query_opt("NextToken", &page.0);
        Ok(request)
    }
}

/// How the server pages: records `0..records`, three a page; the token of the page
/// starting at record `n` is `t<n>`.
#[derive(Debug, Default)]
struct Server {
    records: u32,
    /// Whether the next token goes in `X-Next-Token` rather than the body.
    header: bool,
    /// Whether the last page carries an empty token rather than none.
    empty_at_end: bool,
    /// Token -> how many times to answer it with itself as the next token.
    repeat: Mutex<HashMap<String, usize>>,
    /// Token -> the next token to give instead (a loop).
    next_instead: Mutex<HashMap<String, String>>,
    /// Tokens whose page is empty (its next token still given).
    empty: Vec<String>,
    /// The tokens asked with, in order (`-` for none).
    asked: Mutex<Vec<String>>,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(rename = "NextToken")]
    token: Option<String>,
}

async fn list(
    State(server): State<Arc<Server>>,
    Query(query): Query<TokenQuery>,
) -> (HeaderMap, Json<Value>) {
    let token = query.token.unwrap_or_default();
    server.asked.lock().unwrap().push(if token.is_empty() {
        "-".to_owned()
    } else {
        token.clone()
    });
    let start: u32 = token.strip_prefix('t').map_or(0, |n| n.parse().unwrap());
    let end = (start + 3).min(server.records);
    let items: Vec<Value> = if server.empty.contains(&token) {
        Vec::new()
    } else {
        (start..end).map(|id| json!({"id": id})).collect()
    };
    let mut next = (end < server.records).then(|| format!("t{end}"));
    if let Some(left) = server.repeat.lock().unwrap().get_mut(&token) {
        if *left > 0 {
            *left -= 1;
            next = Some(token.clone());
        }
    }
    if let Some(instead) = server.next_instead.lock().unwrap().get(&token) {
        next = Some(instead.clone());
    }
    if next.is_none() && server.empty_at_end {
        next = Some(String::new());
    }
    let mut headers = HeaderMap::new();
    let mut data = json!({"Items": items});
    match (server.header, next) {
        (true, Some(next)) => {
            headers.insert("x-next-token", next.parse().unwrap());
        }
        (false, Some(next)) => data["NextToken"] = json!(next),
        (_, None) => {}
    }
    (headers, Json(json!({"Data": data})))
}

async fn serve(server: Server) -> (Client, Arc<Server>) {
    let (client, server, _) =
        support::paging::serve(server, Router::new().route("/records", get(list))).await;
    (client, server)
}

/// A server of `records` records that answers every token as asked.
async fn serve_records(records: u32) -> (Client, Arc<Server>) {
    serve(Server {
        records,
        ..Server::default()
    })
    .await
}

async fn all<const HEADER: bool>(client: &Client) -> Result<Vec<Record>, Error> {
    ListRecords::<HEADER> {
        client: client.clone(),
        token: None,
    }
    .items()
    .prefetch(3)
    .try_collect()
    .await
}

#[tokio::test]
async fn every_record_once_from_the_body_or_a_header_to_the_last_token() {
    for (header, empty_at_end) in [(false, false), (true, false), (false, true), (true, true)] {
        let (client, server) = serve(Server {
            records: 10,
            header,
            empty_at_end,
            ..Server::default()
        })
        .await;
        let context = format!("header {header}, empty token at the end {empty_at_end}");
        let got = if header {
            all::<true>(&client).await
        } else {
            all::<false>(&client).await
        };
        assert_eq!(ids(&got.unwrap()), (0..10).collect::<Vec<_>>(), "{context}");
        // One page at a time, whatever prefetch says: the token comes with the page.
        assert_eq!(
            *server.asked.lock().unwrap(),
            ["-", "t3", "t6", "t9"],
            "{context}"
        );
    }
}

#[tokio::test]
async fn pages_carry_their_token_and_start_at_the_callers() {
    let (client, server) = serve(Server {
        records: 7,
        empty: vec!["t3".to_owned()],
        ..Server::default()
    })
    .await;
    let pages: Vec<_> = ListRecords::<false> {
        client: client.clone(),
        token: None,
    }
    .pages()
    .try_collect()
    .await
    .unwrap();
    // An empty page with a next token is not the end.
    let tokens: Vec<Option<&str>> = pages.iter().map(|page| page.cursor().token()).collect();
    assert_eq!(tokens, [None, Some("t3"), Some("t6")]);
    assert!(pages[1].items().is_empty());
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3", "t6"]);

    let (client, server) = serve_records(10).await;
    let got: Vec<Record> = ListRecords::<false> {
        client,
        token: Some("t6".to_owned()),
    }
    .items()
    .try_collect()
    .await
    .unwrap();
    assert_eq!(ids(&got), [6, 7, 8, 9]);
    assert_eq!(*server.asked.lock().unwrap(), ["t6", "t9"]);
}

#[tokio::test]
async fn a_repeated_token_is_fetched_again_once_then_an_error() {
    // Once: the page is fetched again, nothing lost or yielded twice.
    for header in [false, true] {
        let (client, server) = serve(Server {
            records: 10,
            header,
            ..Server::default()
        })
        .await;
        server.repeat.lock().unwrap().insert("t3".to_owned(), 1);
        let got = if header {
            all::<true>(&client).await
        } else {
            all::<false>(&client).await
        };
        assert_eq!(
            ids(&got.unwrap()),
            (0..10).collect::<Vec<_>>(),
            "header {header}"
        );
        let asked = server.asked.lock().unwrap().clone();
        assert_eq!(asked, ["-", "t3", "t3", "t6", "t9"], "header {header}");
    }

    // For good: one more request, then the error.
    let (client, server) = serve_records(10).await;
    server
        .repeat
        .lock()
        .unwrap()
        .insert("t3".to_owned(), usize::MAX);
    let mut items = ListRecords::<false> {
        client: client.clone(),
        token: None,
    }
    .items();
    let (got, error) = until_error(&mut items).await;
    assert_eq!(got, [0, 1, 2]);
    support::paging::assert_stopped_at(&error, 2);
    assert_eq!(
        error.to_string(),
        "ListRecords: paging stopped at page 2: the server answered token \"t3\" twice with \
         the same token as the next one: paging would loop"
    );
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3", "t3"]);
    assert!(items.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn a_token_that_comes_back_is_a_loop_not_a_walk_forever() {
    let (client, server) = serve_records(30).await;
    server
        .next_instead
        .lock()
        .unwrap()
        .insert("t9".to_owned(), "t3".to_owned());
    let error = all::<false>(&client).await.unwrap_err();
    support::paging::assert_stopped_saying(
        &error,
        4,
        "the next token \"t3\", which an earlier page was asked with",
    );
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3", "t6", "t9"]);
}

#[tokio::test]
async fn max_pages_stops_with_an_error_when_more_remain() {
    let (client, server) = serve_records(30).await;
    let request = ListRecords::<false> {
        client: client.clone(),
        token: None,
    };
    let error = support::paging::within(request, 2).await.unwrap_err();
    support::paging::assert_stopped_saying(&error, 2, "(max_pages)");
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3"]);

    let (client, _) = serve_records(6).await;
    let request = ListRecords::<false> {
        client,
        token: None,
    };
    let got = support::paging::within(request, 2).await.unwrap();
    assert_eq!(got.len(), 6);
}
