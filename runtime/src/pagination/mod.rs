//! Paged operations (`x-pagination`): every page, and every item, exactly once.
//!
//! A generated request builder of a paged operation implements [`Paginate`]; its
//! `pages()` and `items()` methods return the streams [`Pages`] and [`Items`], which
//!
//! - are lazy, and hold one page at a time (plus the pages fetched ahead with
//!   [`Pages::prefetch`]), whatever the total;
//! - walk the pages as the operation's style says ([`Paginate::Style`]): by page number
//!   ([`PageNumber`]) or item offset ([`Offset`]) from the caller's start and size,
//!   stopping at the declared total or a short or empty page; or by the token
//!   ([`CursorToken`]) or link ([`NextLink`]) each page gives for the next, stopping at
//!   a page without one;
//! - notice a page that repeats the one before (a stale cache in front of the vendor) —
//!   by the page number the vendor echoes, by comparing the page's first and last
//!   items with the one before, or by a token or link pointing back at the page itself
//!   — and fetch it again rather than yield it twice or lose the page it stands in for;
//! - stop with [`crate::Error::Pagination`] rather than loop forever
//!   when the server keeps repeating a page, gives a token or link back to an earlier
//!   page, or runs past the last page the API allows;
//! - are `Send + 'static`, so they can be spawned onto another task.
//!
//! ```no_run
//! # use meterage_runtime::pagination::{Paginate, Pages};
//! # async fn run<P: Paginate>(request: P) -> Result<(), meterage_runtime::Error>
//! # where P::Page: std::fmt::Debug, <P::Page as meterage_runtime::pagination::Page>::Item: std::fmt::Debug {
//! use meterage_runtime::TryStreamExt;
//!
//! let mut items = request.items();
//! while let Some(item) = items.try_next().await? {
//!     println!("{item:?}");
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::ops::Deref;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;
use crate::request::{Operation, Request};
use crate::response::Response;

mod cursor;
mod next_link;
mod offset;
mod page_number;
mod stream;
mod walk;

pub use cursor::{CursorToken, PageToken, TokenIn};
pub use next_link::{NextLink, PageLink};
pub use offset::Offset;
pub use page_number::PageNumber;
pub use stream::{Items, Pages};
use walk::Walk;

/// An integer type page numbers and sizes have, as the spec declares it (`i32` for
/// `format: int32`, `i64` otherwise): the same type from the builder's setters to
/// [`PageOf::number`].
pub trait PageIndex: Copy + Ord + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The value as a `u64` (negative values are 0).
    fn to_u64(self) -> u64;
    /// The value `n`, if this type can hold it.
    fn from_u64(n: u64) -> Option<Self>;
    /// The next page number, if this type can hold it.
    fn next(self) -> Option<Self>;
}

macro_rules! page_index {
    ($($ty:ty),*) => {$(
        impl PageIndex for $ty {
            fn to_u64(self) -> u64 {
                u64::try_from(self).unwrap_or(0)
            }
            fn from_u64(n: u64) -> Option<Self> {
                Self::try_from(n).ok()
            }
            fn next(self) -> Option<Self> {
                self.checked_add(1)
            }
        }
    )*};
}

page_index!(i32, i64, u32, u64);

/// A response that carries one page of items (generated for operations with
/// `x-pagination`).
pub trait Page {
    /// The type of one item.
    type Item;
    /// The integer type of page numbers.
    type Index: PageIndex;

    /// The items on this page.
    fn items(&self) -> &[Self::Item];

    /// The items on this page, consuming the response.
    fn into_items(self) -> Vec<Self::Item>;

    /// The total number of items across all pages, if the response says.
    fn total(&self) -> Option<u64>;

    /// The page number the server says this page is, if it echoes it (GSL `offset`, NCE
    /// `pageIndex`); used to notice a stale page.
    fn page_number(&self) -> Option<Self::Index> {
        None
    }

    /// The token (cursor style) or the link (next-link style) of the next page, if the
    /// body carries it (the style's `next` pointer); `None` or an empty one: this page
    /// is the last.
    fn next_token(&self) -> Option<&str> {
        None
    }
}

/// A page the server may answer without content (`204 No Content`, where the spec
/// documents one beside the page's body): `None` is an empty page, so the stream ends
/// there, as at any empty page.
impl<P: Page> Page for Option<P> {
    type Item = P::Item;
    type Index = P::Index;

    fn items(&self) -> &[Self::Item] {
        self.as_ref().map_or(&[], Page::items)
    }

    fn into_items(self) -> Vec<Self::Item> {
        self.map(Page::into_items).unwrap_or_default()
    }

    fn total(&self) -> Option<u64> {
        self.as_ref().and_then(Page::total)
    }

    fn page_number(&self) -> Option<Self::Index> {
        self.as_ref().and_then(Page::page_number)
    }

    fn next_token(&self) -> Option<&str> {
        self.as_ref().and_then(Page::next_token)
    }
}

/// A paging style, as `x-pagination` declares it: the `const` a generated builder
/// carries ([`PageNumber`], ...) names the style, its cursor (where a page is) and the
/// walk the streams follow. Implemented by the runtime's styles only.
pub trait Style<N: PageIndex>: Copy + fmt::Debug + Send + Sync + 'static {
    /// Where a page is, as the request for it says: the page number in the
    /// page-number style, the item offset in the offset style, the [`PageToken`] in the
    /// cursor style, the [`PageLink`] in the next-link style.
    type Cursor: Clone + PartialEq + fmt::Debug + fmt::Display + Send + Sync + 'static;

    /// The walk of one stream over the pages (the runtime's own).
    #[doc(hidden)]
    type Walk: Walk<Self::Cursor>;

    /// Starts a walk for `request` (its start and page size as the caller set them).
    #[doc(hidden)]
    fn walk<P: Paginate<Index = N, Style = Self>>(self, request: &P) -> Self::Walk;

    /// The number a page at `cursor` would echo (`page-echo`), if the style echoes
    /// numbers: a page echoing the number of the page before is a stale repeat.
    #[doc(hidden)]
    fn echo_of(cursor: &Self::Cursor) -> Option<N>;

    /// `cursor` as the builder's cursor parameter takes it (the page number, the offset,
    /// the token), so that a stream can be started again where it was; `None` for a first
    /// page asked without a token and for the next-link style, which has no such
    /// parameter.
    fn cursor_param(cursor: &Self::Cursor) -> Option<String>;
}

/// The cursor of a request builder's style.
pub type CursorOf<P> = <<P as Paginate>::Style as Style<<P as Paginate>::Index>>::Cursor;

/// A request builder of a paged operation: what [`Pages`] needs to ask for each page.
/// Generated code implements it; [`Paginate::pages`] and [`Paginate::items`] are the
/// streams.
pub trait Paginate: Clone + Send + Sync + 'static {
    /// The response type of one page.
    type Page: Page<Index = Self::Index, Item = Self::Item> + DeserializeOwned + Send + 'static;
    /// The item type.
    type Item: Clone + PartialEq + Send + 'static;
    /// The integer type of page numbers and sizes.
    type Index: PageIndex;
    /// The paging style (`PageNumber<Self::Index>`, ...).
    type Style: Style<Self::Index>;

    /// How the operation pages.
    const PAGINATION: Self::Style;

    /// The operation.
    fn operation(&self) -> &'static Operation;

    /// The client the request goes through.
    fn client(&self) -> &Client;

    /// The page number the caller set, if any (the stream starts there): the item
    /// offset in the offset style; the token and link styles ignore it (`None`).
    fn start_page(&self) -> Option<Self::Index>;

    /// The page size the caller set, if any: the limit in the offset style; the token
    /// and link styles ignore it (`None`).
    fn page_size(&self) -> Option<Self::Index>;

    /// The token the caller set, if any (the cursor style starts there; the others
    /// ignore it).
    fn start_token(&self) -> Option<String> {
        None
    }

    /// The request for the page at `page` (the style's cursor: a page number in the
    /// page-number style), checked against the spec's constraints (unless the client's
    /// request validation is off).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] when a parameter breaks a documented constraint.
    fn page_request(&self, page: CursorOf<Self>) -> Result<Request, Error>;

    /// Every page, in order, as a stream.
    fn pages(self) -> Pages<Self> {
        Pages::new(self)
    }

    /// Every item of every page, in server order, as a stream.
    fn items(self) -> Items<Self> {
        Pages::new(self).items()
    }
}

/// One page as [`Pages`] yields it: the decoded response with its cursor (where the
/// style says it is: its page number in the page-number style) and the response's
/// metadata (status, headers, request id). It dereferences to the body.
pub struct PageOf<T, C> {
    cursor: C,
    response: Response<T>,
}

impl<T: Page<Index = N>, N: PageIndex> PageOf<T, N> {
    /// The page number it was requested as (the item offset in the offset style).
    pub fn number(&self) -> N {
        self.cursor
    }
}

impl<T, C> PageOf<T, C> {
    /// The page at `cursor` (its page number in the page-number style) made of
    /// `response`, for a test of code that reads pages (cargo feature `test-util`).
    ///
    /// ```
    /// # struct Records(Vec<&'static str>);
    /// # impl meterage_runtime::Page for Records {
    /// #     type Item = &'static str;
    /// #     type Index = i64;
    /// #     fn items(&self) -> &[&'static str] { &self.0 }
    /// #     fn into_items(self) -> Vec<&'static str> { self.0 }
    /// #     fn total(&self) -> Option<u64> { None }
    /// # }
    /// use meterage_runtime::pagination::PageOf;
    /// use meterage_runtime::Response;
    ///
    /// let page = PageOf::for_test(2_i64, Response::for_test(Records(vec!["a", "b"])));
    /// assert_eq!((page.number(), page.items().len()), (2, 2));
    /// ```
    #[cfg(feature = "test-util")]
    pub fn for_test(cursor: C, response: Response<T>) -> Self {
        Self { cursor, response }
    }
}

impl<T: Page, C> PageOf<T, C> {
    /// Where the page was requested: the style's cursor (a page number, an item offset,
    /// or a [`PageToken`], whose token is `None` for a first page asked without one).
    pub fn cursor(&self) -> &C {
        &self.cursor
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The request id of this page's response, by [`Response::request_id`]'s rule: the
    /// envelope's header, else its body pointer.
    pub fn request_id(&self) -> Option<&str> {
        self.response.request_id()
    }

    /// The total item count, if the page says.
    pub fn total(&self) -> Option<u64> {
        self.response.body().total()
    }

    /// The items of this page.
    pub fn items(&self) -> &[T::Item] {
        self.response.body().items()
    }

    /// The items, consuming the page.
    pub fn into_items(self) -> Vec<T::Item> {
        self.response.into_inner().into_items()
    }

    /// The whole response.
    pub fn response(&self) -> &Response<T> {
        &self.response
    }

    /// The whole response, consuming the page.
    pub fn into_response(self) -> Response<T> {
        self.response
    }
}

impl<T, C> Deref for PageOf<T, C> {
    type Target = T;

    fn deref(&self) -> &T {
        self.response.body()
    }
}

impl<T: fmt::Debug, C: fmt::Debug> fmt::Debug for PageOf<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageOf")
            .field("cursor", &self.cursor)
            .field("response", &self.response)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GSL: PageNumber<i64> = PageNumber {
        page_param: "offset",
        size_param: "limit",
        first_page: 1,
        default_size: Some(10),
        last_page: Some(1_000_000),
    };
    const ZERO: PageNumber<i64> = PageNumber {
        page_param: "page",
        size_param: "size",
        first_page: 0,
        default_size: None,
        last_page: None,
    };

    #[test]
    fn is_last_table() {
        // (pagination, page, size, items, total, last)
        type Case = (PageNumber<i64>, i64, i64, usize, Option<u64>, bool);
        let cases: &[Case] = &[
            (GSL, 1, 10, 0, None, true),
            (GSL, 1, 10, 0, Some(30), true),
            (GSL, 1, 10, 10, None, false),
            (GSL, 1, 10, 9, None, true),
            (GSL, 1, 10, 10, Some(10), true),
            (GSL, 1, 10, 10, Some(11), false),
            (GSL, 2, 10, 1, Some(11), true),
            (GSL, 3, 10, 10, Some(30), true),
            (GSL, 2, 10, 10, Some(30), false),
            // A total larger than the items sent keeps paging until it is reached.
            (GSL, 1, 10, 5, Some(12), false),
            (GSL, 2, 10, 2, Some(12), true),
            (ZERO, 0, 20, 20, Some(40), false),
            (ZERO, 1, 20, 20, Some(40), true),
            // Odd input does not panic.
            (GSL, 0, 0, 1, Some(1), true),
            (GSL, i64::MAX, i64::MAX, usize::MAX, Some(u64::MAX), true),
            (GSL, -5, -1, 3, None, false),
        ];
        for &(pagination, page, size, items, total, last) in cases {
            assert_eq!(
                pagination.is_last(page, size, items, total),
                last,
                "{pagination:?} page {page} size {size} items {items} total {total:?}"
            );
        }
    }

    #[test]
    fn page_indexes() {
        assert_eq!(i32::from_u64(5), Some(5));
        assert_eq!(i32::from_u64(u64::MAX), None);
        assert_eq!(i32::MAX.next(), None);
        assert_eq!((-3i64).to_u64(), 0);
        assert_eq!(7u64.next(), Some(8));
    }
}
