//! The page-number style (`x-pagination: {style: page-number}`): pages asked for by
//! number and size, the last one known by the declared total or a short page.

use crate::pagination::walk::{counted_last, Arrived, DeclaredTotal, Step, Walk};
use crate::pagination::{PageIndex, Paginate, Style};

/// Page-number pagination, emitted as a `const` by generated code from `x-pagination`.
///
/// ```
/// use meterage_runtime::PageNumber;
///
/// // Huawei GSL: `offset` is a page number starting at 1, `limit` the page size.
/// const PAGES: PageNumber<i64> = PageNumber {
///     page_param: "offset",
///     size_param: "limit",
///     first_page: 1,
///     default_size: Some(10),
///     last_page: Some(1_000_000),
/// };
/// assert!(!PAGES.is_last(1, 10, 10, Some(25)));
/// assert!(PAGES.is_last(3, 10, 5, Some(25)));
/// assert!(PAGES.is_last(2, 10, 7, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber<N> {
    /// Wire name of the page-number parameter.
    pub page_param: &'static str,
    /// Wire name of the page-size parameter.
    pub size_param: &'static str,
    /// The number of the first page (usually 1).
    pub first_page: N,
    /// The server's page size when the caller sets none (the spec's `default`).
    pub default_size: Option<N>,
    /// The largest page number the API accepts (the spec's `maximum`).
    pub last_page: Option<N>,
}

impl<N: PageIndex> PageNumber<N> {
    /// Whether the page numbered `page` (requested with size `size`) is the last one,
    /// given the number of items it returned and the total item count if known.
    ///
    /// An empty page is always the last. With a total, the page is the last when the
    /// pages before it (each of `size` items) plus its own items reach the total. Without a
    /// total, a page shorter than `size` is the last.
    pub fn is_last(&self, page: N, size: N, items_on_page: usize, total: Option<u64>) -> bool {
        let pages_before = page.to_u64().saturating_sub(self.first_page.to_u64());
        let before = pages_before.saturating_mul(size.to_u64());
        counted_last(before, size.to_u64(), items_on_page, total)
    }
}

impl<N: PageIndex> Style<N> for PageNumber<N> {
    type Cursor = N;
    type Walk = PageNumberWalk<N>;

    fn walk<P: Paginate<Index = N, Style = Self>>(self, request: &P) -> Self::Walk {
        PageNumberWalk::new(self, request.start_page(), request.page_size())
    }

    fn echo_of(cursor: &N) -> Option<N> {
        Some(*cursor)
    }

    fn cursor_param(cursor: &N) -> Option<String> {
        Some(cursor.to_string())
    }
}

/// One walk in the page-number style: the next number to ask for, the page size, and
/// the total the pages declare while they agree on it.
#[derive(Debug)]
pub struct PageNumberWalk<N> {
    style: PageNumber<N>,
    /// The page size: the caller's, else the spec's default, else the first page's length.
    size: Option<N>,
    /// The next page number to ask for; `None` past the largest the type holds.
    next: Option<N>,
    /// The total the pages declare.
    total: DeclaredTotal,
}

impl<N: PageIndex> PageNumberWalk<N> {
    /// A walk from page `start` (the style's first page unless the caller set one) with
    /// the caller's page size, if set.
    pub(crate) fn new(style: PageNumber<N>, start: Option<N>, size: Option<N>) -> Self {
        Self {
            style,
            size: size.or(style.default_size),
            next: Some(start.unwrap_or(style.first_page)),
            total: DeclaredTotal::default(),
        }
    }
}

impl<N: PageIndex> Walk<N> for PageNumberWalk<N> {
    fn next_cursor(&mut self) -> Option<N> {
        let page = self.next?;
        self.next = page.next();
        Some(page)
    }

    fn may_exist(&self, page: &N) -> bool {
        let page = *page;
        if self.style.last_page.is_some_and(|last| page > last) {
            return false;
        }
        match (self.total.get(), self.size) {
            (Some(total), Some(size)) if size.to_u64() > 0 => {
                let before = page
                    .to_u64()
                    .saturating_sub(self.style.first_page.to_u64())
                    .saturating_mul(size.to_u64());
                before < total.max(1)
            }
            _ => true,
        }
    }

    fn after(&mut self, page: &N, arrived: Arrived<'_>) -> Step {
        let (page, items, total) = (*page, arrived.items, arrived.total);
        if self.size.is_none() && items > 0 {
            self.size = N::from_u64(u64::try_from(items).unwrap_or(u64::MAX));
        }
        let total = self.total.note(total);
        let last = match self.size {
            Some(size) if items > 0 => self.style.is_last(page, size, items, total),
            _ => true,
        };
        if last {
            Step::Last
        } else if self.style.last_page.is_some_and(|max| page >= max) {
            Step::Beyond(format!(
                "page {page} is the last page number the API accepts, and it was full"
            ))
        } else {
            Step::More
        }
    }

    fn position(&self, page: &N) -> i64 {
        i64::try_from(page.to_u64()).unwrap_or(i64::MAX)
    }
}
