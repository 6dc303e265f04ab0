//! What the paging-style tests share: the item every listing pages, the loopback
//! server's client, the ids a stream yields, and the `Paginate` methods every
//! hand-written request builder writes alike.

#![allow(dead_code, unused_imports, unused_macros)]

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use meterage_runtime::pagination::Paginate;
use meterage_runtime::{Client, Error, RetryPolicy, Stream, TryStreamExt};
use serde::Deserialize;

/// The item of every listing: an id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Thing {
    pub id: u32,
}

/// The ids of `things`, in order.
pub fn ids(things: &[Thing]) -> Vec<u32> {
    things.iter().map(|thing| thing.id).collect()
}

/// The ids `items` yields before its error, and the error; panics if it ends without one.
pub async fn until_error<S>(items: &mut S) -> (Vec<u32>, Error)
where
    S: Stream<Item = Result<Thing, Error>> + Unpin,
{
    let mut got = Vec::new();
    loop {
        match items.try_next().await {
            Ok(Some(thing)) => got.push(thing.id),
            Ok(None) => panic!("the stream ended without an error"),
            Err(error) => return (got, error),
        }
    }
}

/// Serves `routes` with `server` as their state on loopback; returns a client of it
/// that retries after a millisecond, the shared state and the base URL.
pub async fn serve<S>(server: S, routes: Router<Arc<S>>) -> (Client, Arc<S>, String)
where
    S: Send + Sync + 'static,
{
    let server = Arc::new(server);
    let base = super::serve(routes.with_state(server.clone())).await;
    let client = Client::builder(base.clone())
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(RetryPolicy::standard().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    (client, server, base)
}

/// The `Paginate` items a request builder of `Thing`s with a `client` field writes
/// alike: the `Item` and `$index` types, `operation` is `$op`; `start_page` and
/// `page_size` read the fields named, or are `None` where the style ignores them.
macro_rules! paginate_basics {
    ($op:expr, $index:ty) => {
        $crate::support::paging::paginate_basics!(@operation $op, $index);
        fn start_page(&self) -> Option<Self::Index> { None }
        fn page_size(&self) -> Option<Self::Index> { None }
    };
    ($op:expr, $index:ty, $start:ident, $size:ident) => {
        $crate::support::paging::paginate_basics!(@operation $op, $index);
        fn start_page(&self) -> Option<Self::Index> { self.$start }
        fn page_size(&self) -> Option<Self::Index> { self.$size }
    };
    (@operation $op:expr, $index:ty) => {
        type Item = $crate::support::paging::Thing;
        type Index = $index;

        fn operation(&self) -> &'static meterage_runtime::Operation {
            &$op
        }

        fn client(&self) -> &meterage_runtime::Client {
            &self.client
        }
    };
}

pub(crate) use paginate_basics;

/// The `Page` items of a page whose `Thing`s are at `$field` (a field path), indexed
/// by `$index`: `total` is the field named after `total =`, or `None` without one.
macro_rules! page_items {
    ($index:ty, $($field:ident).+) => {
        $crate::support::paging::page_items!(@items $index, $($field).+);

        fn total(&self) -> Option<u64> { None }
    };
    ($index:ty, $($field:ident).+; total = $total:ident) => {
        $crate::support::paging::page_items!(@items $index, $($field).+);

        fn total(&self) -> Option<u64> { self.$total }
    };
    (@items $index:ty, $($field:ident).+) => {
        type Item = $crate::support::paging::Thing;
        type Index = $index;

        fn items(&self) -> &[$crate::support::paging::Thing] {
            &self.$($field).+
        }

        fn into_items(self) -> Vec<$crate::support::paging::Thing> {
            self.$($field).+
        }
    };
}

pub(crate) use page_items;

/// Asserts that `error` is paging stopped at page `page` (its number, offset or place).
pub fn assert_stopped_at(error: &Error, page: i64) {
    assert!(
        matches!(error, Error::Pagination { page: at, .. } if *at == page),
        "{error:?}"
    );
}

/// Asserts that `error` is paging stopped at page `page`, its message saying `text`.
pub fn assert_stopped_saying(error: &Error, page: i64, text: &str) {
    assert_stopped_at(error, page);
    assert!(error.to_string().contains(text), "{error}");
}

/// Every item `request` lists, reading at most `pages` pages.
pub async fn within<P: Paginate<Item = Thing>>(
    request: P,
    pages: usize,
) -> Result<Vec<Thing>, Error> {
    request.items().max_pages(pages).try_collect().await
}
