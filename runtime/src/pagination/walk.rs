//! What a paging style decides, apart from the streams that every style shares
//! (`stream.rs`: fetching ahead in order, the page limit, repeated pages fetched again
//! through the pipeline). A new style is one file implementing [`Walk`].

use std::fmt;

/// What a page tells the walk.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// It was the last page.
    Last,
    /// More pages follow.
    More,
    /// More pages follow, but the API accepts no more requests (the message says why).
    Beyond(String),
}

/// One walk of a paging style over the pages of one request: which page to ask for
/// next, and what each page that arrives says about the rest.
pub(crate) trait Walk<C: Copy + fmt::Display>: Send + 'static {
    /// The cursor of the next page to ask for, ahead of the pages in flight; `None` when
    /// there is none. The page-number style knows it before the page before arrives,
    /// which is what lets the stream fetch ahead.
    fn next_cursor(&mut self) -> Option<C>;

    /// Whether the page at `cursor` may exist, by what the pages so far declared; a page
    /// that may not is fetched only when nothing else is in flight.
    fn may_exist(&self, cursor: C) -> bool;

    /// Takes in the page at `cursor`, holding `items` items and declaring `total`.
    fn after(&mut self, cursor: C, items: usize, total: Option<u64>) -> Step;
}
