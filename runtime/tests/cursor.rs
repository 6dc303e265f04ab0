//! The cursor style's streams against a loopback server that pages by token, the token
//! sent as a query parameter, a header or a field of a JSON body, the next token in the
//! body (`/Data/NextToken`) or in a header, and can repeat a token, loop, end on an
//! empty token or send an empty page with a token.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::pagination::{CursorToken, Page, PageToken, Paginate, TokenIn};
use meterage_runtime::{Client, Error, Method, Operation, Request, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;

use support::paging::{ids, until_error, Thing as Record};

static LIST: Operation = Operation::get("ListRecords", "/records");
/// The same listing as a `POST` of a JSON body (as AWS JSON APIs page).
static SEARCH: Operation = Operation {
    method: Method::Post,
    ..Operation::get("ListRecords", "/records")
};

/// Where a builder sends the token (`TokenIn` as a const parameter).
const QUERY: u8 = 0;
const HEADER: u8 = 1;
const BODY: u8 = 2;

/// The header the token goes out in when `token-in` is `header`.
const TOKEN_HEADER: &str = "x-token";

/// The filter every request of a JSON body carries besides the token.
fn filter() -> Value {
    json!({"Dimensions": {"Key": "SERVICE", "Values": ["EC2"]}})
}

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

/// A hand-written request builder, as generated code writes them: the token goes out
/// where `IN` says (`QUERY`, `HEADER` or `BODY`); `NEXT_IN_HEADER` reads the next token
/// from `X-Next-Token` instead of the body.
#[derive(Debug, Clone)]
struct ListRecords<const NEXT_IN_HEADER: bool, const IN: u8> {
    client: Client,
    token: Option<String>,
}

impl<const NEXT_IN_HEADER: bool, const IN: u8> ListRecords<NEXT_IN_HEADER, IN> {
    fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
            token: None,
        }
    }
}

impl<const NEXT_IN_HEADER: bool, const IN: u8> Paginate for ListRecords<NEXT_IN_HEADER, IN> {
    support::paging::paginate_basics!(LIST, i64);

    type Page = RecordPage;
    type Style = CursorToken;

    const PAGINATION: CursorToken = CursorToken {
        token_param: if IN == HEADER {
            TOKEN_HEADER
        } else {
            "NextToken"
        },
        token_in: match IN {
            QUERY => TokenIn::Query,
            HEADER => TokenIn::Header,
            _ => TokenIn::Body,
        },
        next_header: if NEXT_IN_HEADER {
            Some("x-next-token")
        } else {
            None
        },
    };

    fn start_token(&self) -> Option<String> {
        self.token.clone()
    }

    fn page_request(&self, page: PageToken) -> Result<Request, Error> {
        let token = page.0;
        let request = match IN {
            QUERY => {
                let mut request = Request::new(&LIST);
                request.query_opt("NextToken", &token);
                request
            }
            HEADER => {
                let mut request = Request::new(&LIST);
                request.header_opt(TOKEN_HEADER, &token);
                request
            }
            _ => {
                let mut request = Request::new(&SEARCH);
                request.json("Filter", &filter());
                request.json_opt("NextToken", &token);
                request.json("Granularity", "DAILY");
                request
            }
        };
        Ok(request)
    }
}

/// How the server pages: records `0..records`, three a page; the token of the page
/// starting at record `n` is `t<n>`, read only where `token_in` says.
#[derive(Debug, Default)]
struct Server {
    records: u32,
    /// Where the token comes (`QUERY`, `HEADER` or `BODY`).
    token_in: u8,
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
    /// The JSON bodies received, without their token.
    bodies: Mutex<Vec<Value>>,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(rename = "NextToken")]
    token: Option<String>,
}

/// The token of a request, where the server reads it.
fn token_of(server: &Server, query: TokenQuery, headers: &HeaderMap, body: &Bytes) -> String {
    let token = match server.token_in {
        QUERY => query.token,
        HEADER => headers
            .get(TOKEN_HEADER)
            .map(|value| value.to_str().unwrap().to_owned()),
        _ => {
            let mut body: Value = serde_json::from_slice(body).unwrap();
            let token = body
                .as_object_mut()
                .unwrap()
                .remove("NextToken")
                .map(|token| token.as_str().unwrap().to_owned());
            server.bodies.lock().unwrap().push(body);
            token
        }
    };
    token.unwrap_or_default()
}

async fn list(
    State(server): State<Arc<Server>>,
    Query(query): Query<TokenQuery>,
    request_headers: HeaderMap,
    body: Bytes,
) -> (HeaderMap, Json<Value>) {
    let token = token_of(&server, query, &request_headers, &body);
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
    let routes = Router::new().route("/records", get(list).post(list));
    let (client, server, _) = support::paging::serve(server, routes).await;
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

/// A server of `records` records that reads the token where `token_in` says.
async fn serve_in(records: u32, token_in: u8) -> (Client, Arc<Server>) {
    serve_way(records, (token_in, false)).await
}

/// A server of `records` records that reads the token where `token_in` says, and gives
/// the next one in `X-Next-Token` if `header`, else in the body.
async fn serve_way(records: u32, (token_in, header): (u8, bool)) -> (Client, Arc<Server>) {
    serve(Server {
        records,
        token_in,
        header,
        ..Server::default()
    })
    .await
}

/// Every record, the token sent where `token_in` says, the next token read from the
/// `X-Next-Token` header if `next_in_header`, else from the body.
async fn all(client: &Client, next_in_header: bool, token_in: u8) -> Result<Vec<Record>, Error> {
    async fn collect<P: Paginate<Item = Record>>(request: P) -> Result<Vec<Record>, Error> {
        request.items().prefetch(3).try_collect().await
    }
    match (next_in_header, token_in) {
        (false, QUERY) => collect(ListRecords::<false, QUERY>::new(client)).await,
        (false, HEADER) => collect(ListRecords::<false, HEADER>::new(client)).await,
        (false, _) => collect(ListRecords::<false, BODY>::new(client)).await,
        (true, QUERY) => collect(ListRecords::<true, QUERY>::new(client)).await,
        (true, HEADER) => collect(ListRecords::<true, HEADER>::new(client)).await,
        (true, _) => collect(ListRecords::<true, BODY>::new(client)).await,
    }
}

/// Every way to send the token and read the next one: `(token_in, next_in_header)`.
const WAYS: [(u8, bool); 6] = [
    (QUERY, false),
    (QUERY, true),
    (HEADER, false),
    (HEADER, true),
    (BODY, false),
    (BODY, true),
];

#[tokio::test]
async fn every_record_once_from_the_body_or_a_header_to_the_last_token() {
    for (token_in, header) in WAYS {
        for empty_at_end in [false, true] {
            let (client, server) = serve(Server {
                records: 10,
                token_in,
                header,
                empty_at_end,
                ..Server::default()
            })
            .await;
            let context = format!(
                "token in {token_in}, next token in a header {header}, empty token at the end \
                 {empty_at_end}"
            );
            let got = all(&client, header, token_in).await;
            assert_eq!(ids(&got.unwrap()), (0..10).collect::<Vec<_>>(), "{context}");
            // One page at a time, whatever prefetch says: the token comes with the page.
            assert_eq!(
                *server.asked.lock().unwrap(),
                ["-", "t3", "t6", "t9"],
                "{context}"
            );
        }
    }
}

#[tokio::test]
async fn a_body_token_is_the_one_field_that_changes() {
    let (client, server) = serve_in(10, BODY).await;
    let got = all(&client, false, BODY).await.unwrap();
    assert_eq!(ids(&got), (0..10).collect::<Vec<_>>());
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3", "t6", "t9"]);
    // Every page's body is the first one's, the token aside.
    let rest = json!({"Filter": filter(), "Granularity": "DAILY"});
    assert_eq!(*server.bodies.lock().unwrap(), vec![rest; 4]);
}

#[tokio::test]
async fn pages_carry_their_token_and_start_at_the_callers() {
    let (client, server) = serve(Server {
        records: 7,
        empty: vec!["t3".to_owned()],
        ..Server::default()
    })
    .await;
    let pages: Vec<_> = ListRecords::<false, QUERY>::new(&client)
        .pages()
        .try_collect()
        .await
        .unwrap();
    // An empty page with a next token is not the end.
    let tokens: Vec<Option<&str>> = pages.iter().map(|page| page.cursor().token()).collect();
    assert_eq!(tokens, [None, Some("t3"), Some("t6")]);
    assert!(pages[1].items().is_empty());
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3", "t6"]);

    for token_in in [QUERY, HEADER, BODY] {
        let (client, server) = serve_in(10, token_in).await;
        let token = Some("t6".to_owned());
        let got: Result<Vec<Record>, Error> = match token_in {
            QUERY => {
                let request = ListRecords::<false, QUERY> { client, token };
                request.items().try_collect().await
            }
            HEADER => {
                let request = ListRecords::<false, HEADER> { client, token };
                request.items().try_collect().await
            }
            _ => {
                let request = ListRecords::<false, BODY> { client, token };
                request.items().try_collect().await
            }
        };
        assert_eq!(ids(&got.unwrap()), [6, 7, 8, 9], "token in {token_in}");
        assert_eq!(
            *server.asked.lock().unwrap(),
            ["t6", "t9"],
            "token in {token_in}"
        );
    }
}

#[tokio::test]
async fn a_repeated_token_is_fetched_again_once_then_an_error() {
    // Once: the page is fetched again, nothing lost or yielded twice.
    for (token_in, header) in WAYS {
        let (client, server) = serve_way(10, (token_in, header)).await;
        server.repeat.lock().unwrap().insert("t3".to_owned(), 1);
        let context = format!("token in {token_in}, next token in a header {header}");
        let got = all(&client, header, token_in).await;
        assert_eq!(ids(&got.unwrap()), (0..10).collect::<Vec<_>>(), "{context}");
        let asked = server.asked.lock().unwrap().clone();
        assert_eq!(asked, ["-", "t3", "t3", "t6", "t9"], "{context}");
    }

    // For good: one more request, then the error naming where the token went.
    let cases = [
        (QUERY, "the query parameter `NextToken`"),
        (HEADER, "the header `x-token`"),
        (BODY, "the body field `NextToken`"),
    ];
    for (token_in, place) in cases {
        let (client, server) = serve_in(10, token_in).await;
        server
            .repeat
            .lock()
            .unwrap()
            .insert("t3".to_owned(), usize::MAX);
        let (got, error, more) = match token_in {
            QUERY => stopped(ListRecords::<false, QUERY>::new(&client)).await,
            HEADER => stopped(ListRecords::<false, HEADER>::new(&client)).await,
            _ => stopped(ListRecords::<false, BODY>::new(&client)).await,
        };
        assert_eq!(got, [0, 1, 2], "{place}");
        support::paging::assert_stopped_at(&error, 2);
        assert_eq!(
            error.to_string(),
            format!(
                "ListRecords: paging stopped at page 2: the server answered token \"t3\" \
                 (sent in {place}) twice with the same token as the next one: paging would loop"
            )
        );
        assert_eq!(*server.asked.lock().unwrap(), ["-", "t3", "t3"], "{place}");
        assert!(!more, "{place}: the stream went on after its error");
    }
}

/// The ids `request`'s items yield before their error, the error, and whether the
/// stream yields anything after it.
async fn stopped<P: Paginate<Item = Record>>(request: P) -> (Vec<u32>, Error, bool) {
    let mut items = request.items();
    let (got, error) = until_error(&mut items).await;
    let more = items.try_next().await.unwrap().is_some();
    (got, error, more)
}

#[tokio::test]
async fn a_token_that_comes_back_is_a_loop_not_a_walk_forever() {
    for (token_in, header) in WAYS {
        let (client, server) = serve_way(30, (token_in, header)).await;
        server
            .next_instead
            .lock()
            .unwrap()
            .insert("t9".to_owned(), "t3".to_owned());
        let error = all(&client, header, token_in).await.unwrap_err();
        support::paging::assert_stopped_saying(
            &error,
            4,
            "the next token \"t3\", which an earlier page was asked with (in the ",
        );
        let context = format!("token in {token_in}, next token in a header {header}");
        assert_eq!(
            *server.asked.lock().unwrap(),
            ["-", "t3", "t6", "t9"],
            "{context}"
        );
    }
}

#[tokio::test]
async fn max_pages_stops_with_an_error_when_more_remain() {
    let (client, server) = serve_records(30).await;
    let request = ListRecords::<false, QUERY>::new(&client);
    let error = support::paging::within(request, 2).await.unwrap_err();
    support::paging::assert_stopped_saying(&error, 2, "(max_pages)");
    assert_eq!(*server.asked.lock().unwrap(), ["-", "t3"]);

    let (client, _) = serve_records(6).await;
    let request = ListRecords::<false, QUERY>::new(&client);
    let got = support::paging::within(request, 2).await.unwrap();
    assert_eq!(got.len(), 6);
}
