//! What a paging style decides, apart from the streams that every style shares
//! (`stream.rs`: fetching ahead in order, the page limit, repeated pages fetched again
//! through the pipeline). A new style is one file: its `const` implementing
//! [`Style`](super::Style), and a [`Walk`].
//!
//! The module is private: [`Walk`], [`Step`] and [`Arrived`] are public only so that
//! [`Style`](super::Style) can name them; nothing outside the crate implements them.

use std::fmt;

use reqwest::header::HeaderMap;

/// What a page tells the walk.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// It was the last page.
    Last,
    /// More pages follow.
    More,
    /// More pages follow, but the API accepts no more requests (the message says why).
    Beyond(String),
}

/// What the stream hands a walk of a page that arrived.
#[derive(Debug, Clone, Copy)]
pub struct Arrived<'a> {
    /// The number of items on the page.
    pub items: usize,
    /// The total item count the page declares.
    pub total: Option<u64>,
    /// The next-page token the body carries, if the style reads one from the body.
    pub token: Option<&'a str>,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The URL the page was asked at, if the pipeline recorded it.
    pub url: Option<&'a reqwest::Url>,
}

/// One walk of a paging style over the pages of one request: which page to ask for
/// next, and what each page that arrives says about the rest.
pub trait Walk<C: Clone + fmt::Display>: Send + 'static {
    /// The cursor of the next page to ask for, ahead of the pages in flight; `None` when
    /// there is none yet. The page-number and offset styles know it before the page
    /// before arrives, which is what lets the stream fetch ahead; a token style knows it
    /// only once the page before arrived (`after`).
    fn next_cursor(&mut self) -> Option<C>;

    /// Whether the page at `cursor` may exist, by what the pages so far declared; a page
    /// that may not is fetched only when nothing else is in flight.
    fn may_exist(&self, cursor: &C) -> bool;

    /// Takes in the page at `cursor`.
    fn after(&mut self, cursor: &C, page: Arrived<'_>) -> Step;

    /// Whether the page asked for at `cursor` is a stale repeat of the page before: it
    /// points back at `cursor` itself, as a token that repeats the one just sent. Such
    /// a page is fetched again once; if it still does, the stream ends with the error
    /// this returns. `None` when the style has no such check, or the page is fine.
    fn stalls(&self, _cursor: &C, _page: Arrived<'_>) -> Option<String> {
        None
    }

    /// The page as the `i64` of [`crate::Error::Pagination`]: its number or offset, or
    /// for a token style the page's place in the walk (1 for the first page).
    fn position(&self, cursor: &C) -> i64;
}

/// The total the pages of a counted walk (page-number, offset) declare: the first
/// page's, while every page declares the same; none once it changed, so that the walk
/// pages until a short page.
#[derive(Debug, Default)]
pub(crate) struct DeclaredTotal {
    first: Option<u64>,
    changed: bool,
}

impl DeclaredTotal {
    /// Takes in the total a page declared, if any; returns the total the walk goes by.
    pub(crate) fn note(&mut self, declared: Option<u64>) -> Option<u64> {
        if let Some(total) = declared {
            match self.first {
                None if !self.changed => self.first = Some(total),
                Some(first) if first != total => {
                    tracing::debug!(
                        first,
                        now = total,
                        "the declared total changed; paging until a short page"
                    );
                    self.first = None;
                    self.changed = true;
                }
                _ => {}
            }
        }
        self.get()
    }

    /// The total the walk goes by: the one every page so far declared, if any.
    pub(crate) fn get(&self) -> Option<u64> {
        if self.changed {
            None
        } else {
            self.first
        }
    }
}

/// Whether a page of a counted walk is the last: an empty page always is; with a
/// total, when the `before` items ahead of the page plus its own reach the total;
/// without one, when it holds fewer items than the `size` asked for.
pub(crate) fn counted_last(
    before: u64,
    size: u64,
    items_on_page: usize,
    total: Option<u64>,
) -> bool {
    let items = u64::try_from(items_on_page).unwrap_or(u64::MAX);
    if items == 0 {
        return true;
    }
    match total {
        Some(total) => before.saturating_add(items) >= total,
        None => items < size,
    }
}
