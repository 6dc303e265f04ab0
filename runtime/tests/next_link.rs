//! The next-link style's streams against a loopback server whose pages link to the next
//! one, in the body (relative or absolute) or in an RFC 8288 `Link` header, and can link
//! to themselves, back to an earlier page, or to another server.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use meterage_runtime::pagination::{NextLink, Page, PageLink, Paginate};
use meterage_runtime::{Client, Error, Operation, Request, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;

use support::paging::{ids, Thing as Item};

static LIST: Operation = Operation::get("ListItems", "/v1/items");

#[derive(Debug, Deserialize)]
struct ItemPage {
    items: Vec<Item>,
    next: Option<String>,
}

impl Page for ItemPage {
    support::paging::page_items!(i64, items);

    fn next_token(&self) -> Option<&str> {
        self.next.as_deref()
    }
}

/// A hand-written request builder, as generated code writes them; `HEADER` reads the
/// next link from the `Link` header instead of the body.
#[derive(Debug, Clone)]
struct ListItems<const HEADER: bool> {
    client: Client,
}

impl<const HEADER: bool> Paginate for ListItems<HEADER> {
    support::paging::paginate_basics!(LIST, i64);

    type Page = ItemPage;
    type Style = NextLink;

    const PAGINATION: NextLink = NextLink {
        link_header: if HEADER { Some("Link") } else { None },
    };

    fn page_request(&self, page: PageLink) -> Result<Request, Error> {
        let mut request = Request::new(&LIST);
        request.query("filter", &"all");
        request.follow_link(page.url());
        Ok(request)
    }
}

/// How the server links: items `0..items`, three a page, page `n` at `?page=n`.
#[derive(Debug, Default)]
struct Server {
    items: u32,
    header: bool,
    /// How page `n` writes its link to page `n + 1` (`{n}` stands for it).
    link: &'static str,
    /// Page -> how many times to link it to itself.
    selfish: Mutex<HashMap<u32, usize>>,
    /// Page -> the link to give instead.
    instead: Mutex<HashMap<u32, String>>,
    /// The pages asked for, with their query.
    asked: Mutex<Vec<String>>,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u32>,
    filter: Option<String>,
}

async fn list(
    State(server): State<Arc<Server>>,
    Query(query): Query<PageQuery>,
) -> (HeaderMap, Json<Value>) {
    let page = query.page.unwrap_or(1);
    server.asked.lock().unwrap().push(format!(
        "page={page} filter={}",
        query.filter.unwrap_or_default()
    ));
    let start = (page - 1) * 3;
    let end = (start + 3).min(server.items);
    let items: Vec<Value> = (start..end).map(|id| json!({"id": id})).collect();
    let mut next =
        (end < server.items).then(|| server.link.replace("{n}", &(page + 1).to_string()));
    if let Some(left) = server.selfish.lock().unwrap().get_mut(&page) {
        if *left > 0 {
            *left -= 1;
            next = Some(server.link.replace("{n}", &page.to_string()));
        }
    }
    if let Some(instead) = server.instead.lock().unwrap().get(&page) {
        next = Some(instead.clone());
    }
    let mut headers = HeaderMap::new();
    let mut body = json!({"items": items});
    match (server.header, next) {
        (true, Some(next)) => {
            let value = format!(r#"<{next}>; rel="next", </v1/items?page=1>; rel="first""#);
            headers.insert("link", value.parse().unwrap());
        }
        (false, Some(next)) => body["next"] = json!(next),
        (_, None) => {}
    }
    (headers, Json(body))
}

async fn serve(server: Server) -> (Client, Arc<Server>, String) {
    support::paging::serve(server, Router::new().route("/v1/items", get(list))).await
}

/// A server of `items` items whose pages link to the next as `link` says.
async fn serve_linking(items: u32, link: &'static str) -> (Client, Arc<Server>, String) {
    serve(Server {
        items,
        link,
        ..Server::default()
    })
    .await
}

/// Makes the page numbered `page` link to `link` instead.
fn link_instead(server: &Server, page: u32, link: &str) {
    server.instead.lock().unwrap().insert(page, link.to_owned());
}

async fn all<const HEADER: bool>(client: &Client) -> Result<Vec<Item>, Error> {
    ListItems::<HEADER> {
        client: client.clone(),
    }
    .items()
    .prefetch(2)
    .try_collect()
    .await
}

#[tokio::test]
async fn every_item_once_by_relative_absolute_and_header_links() {
    let links = [
        (false, "/v1/items?page={n}&filter=all"),
        (false, "?page={n}&filter=all"),
        (false, "items?page={n}&filter=all"),
        (true, "/v1/items?page={n}&filter=all"),
    ];
    for (header, link) in links {
        let (client, server, _) = serve(Server {
            items: 8,
            header,
            link,
            ..Server::default()
        })
        .await;
        let got = if header {
            all::<true>(&client).await
        } else {
            all::<false>(&client).await
        };
        let context = format!("header {header}, link {link}");
        assert_eq!(ids(&got.unwrap()), (0..8).collect::<Vec<_>>(), "{context}");
        assert_eq!(
            *server.asked.lock().unwrap(),
            [
                "page=1 filter=all",
                "page=2 filter=all",
                "page=3 filter=all"
            ],
            "{context}"
        );
    }

    // An absolute link to the same server; each page keeps the URL it was asked at.
    let (client, server, base) = serve_linking(8, "/v1/items?page={n}").await;
    link_instead(&server, 1, &format!("{base}/v1/items?page=2&filter=all"));
    let pages: Vec<_> = ListItems::<false> { client }
        .pages()
        .try_collect()
        .await
        .unwrap();
    let urls: Vec<Option<String>> = pages
        .iter()
        .map(|page| {
            page.cursor()
                .url()
                .map(|url| url.as_str().replacen(&base, "", 1))
        })
        .collect();
    assert_eq!(
        urls,
        [
            None,
            Some("/v1/items?page=2&filter=all".to_owned()),
            Some("/v1/items?page=3".to_owned())
        ]
    );
    assert_eq!(ids(pages[2].items()), [6, 7]);
}

#[tokio::test]
async fn a_link_to_another_server_is_not_followed() {
    let (client, server, _) = serve_linking(8, "/v1/items?page={n}").await;
    link_instead(&server, 1, "http://elsewhere.example/v1/items?page=2");
    let error = all::<false>(&client).await.unwrap_err();
    support::paging::assert_stopped_at(&error, 1);
    assert_eq!(
        error.to_string(),
        "ListItems: paging stopped at page 1: the next link goes to http://elsewhere.example, \
         not to the server of the request (http://127.0.0.1:PORT): not followed with the \
         request's credentials"
            .replace("PORT", &port(&error)),
    );
    assert_eq!(server.asked.lock().unwrap().len(), 1);
}

/// The port in an error's message (the loopback server's).
fn port(error: &Error) -> String {
    let text = error.to_string();
    let at = text.find("127.0.0.1:").unwrap() + "127.0.0.1:".len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn a_page_linking_to_itself_is_fetched_again_once_then_an_error() {
    let (client, server, _) = serve_linking(8, "/v1/items?page={n}&filter=all").await;
    server.selfish.lock().unwrap().insert(2, 1);
    assert_eq!(
        ids(&all::<false>(&client).await.unwrap()),
        (0..8).collect::<Vec<_>>()
    );
    assert_eq!(
        *server.asked.lock().unwrap(),
        [
            "page=1 filter=all",
            "page=2 filter=all",
            "page=2 filter=all",
            "page=3 filter=all"
        ]
    );

    let (client, server, _) = serve_linking(8, "/v1/items?page={n}&filter=all").await;
    server.selfish.lock().unwrap().insert(2, usize::MAX);
    let error = all::<false>(&client).await.unwrap_err();
    support::paging::assert_stopped_at(&error, 2);
    assert_eq!(
        error.to_string(),
        "ListItems: paging stopped at page 2: the page at link /v1/items linked to itself \
         twice as the next page: paging would loop"
    );
    assert_eq!(server.asked.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_link_back_to_an_earlier_page_is_a_loop() {
    let (client, server, _) = serve_linking(30, "/v1/items?page={n}&filter=all").await;
    link_instead(&server, 3, "/v1/items?page=2&filter=all");
    let error = all::<false>(&client).await.unwrap_err();
    support::paging::assert_stopped_saying(&error, 3, "goes back to a page already fetched");
    assert_eq!(server.asked.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn max_pages_stops_with_an_error_when_more_remain() {
    let (client, server, _) = serve_linking(30, "/v1/items?page={n}").await;
    let error = support::paging::within(ListItems::<false> { client }, 2)
        .await
        .unwrap_err();
    support::paging::assert_stopped_saying(&error, 2, "(max_pages)");
    assert_eq!(server.asked.lock().unwrap().len(), 2);
}
