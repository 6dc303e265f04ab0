//! The offset style (`x-pagination: {style: offset}`): items asked for by offset and
//! limit, the next offset the offset of the page before plus the items it held; the
//! last page known by the declared total, a short or an empty page.

use crate::pagination::walk::{counted_last, Arrived, DeclaredTotal, Step, Walk};
use crate::pagination::{PageIndex, Paginate, Style};

/// Offset pagination, emitted as a `const` by generated code from `x-pagination`.
///
/// The next page starts where the items of the page before end (offset + items), so a
/// server that caps the limit loses nothing; that offset is known only once the page
/// before arrived, so pages are fetched one at a time (`prefetch(n)` is accepted and
/// fetches nothing ahead).
///
/// ```
/// use meterage_runtime::pagination::Offset;
///
/// const ITEMS: Offset<i64> = Offset {
///     offset_param: "offset",
///     limit_param: "limit",
///     default_limit: Some(50),
///     max_offset: None,
/// };
/// assert!(!ITEMS.is_last(0, 50, 50, Some(120)));
/// assert!(ITEMS.is_last(100, 50, 20, Some(120)));
/// assert!(ITEMS.is_last(50, 50, 7, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset<N> {
    /// Wire name of the offset parameter (the number of items to skip).
    pub offset_param: &'static str,
    /// Wire name of the limit parameter (the most items on a page).
    pub limit_param: &'static str,
    /// The server's limit when the caller sets none (the spec's `default`).
    pub default_limit: Option<N>,
    /// The largest offset the API accepts (the spec's `maximum`).
    pub max_offset: Option<N>,
}

impl<N: PageIndex> Offset<N> {
    /// Whether the page at `offset` (requested with `limit`) is the last one, given the
    /// number of items it returned and the total item count if known.
    ///
    /// An empty page is always the last. With a total, the page is the last when its
    /// offset plus its items reach the total; without one, a page shorter than `limit`
    /// is the last.
    pub fn is_last(&self, offset: N, limit: N, items_on_page: usize, total: Option<u64>) -> bool {
        counted_last(offset.to_u64(), limit.to_u64(), items_on_page, total)
    }
}

impl<N: PageIndex> Style<N> for Offset<N> {
    type Cursor = N;
    type Walk = OffsetWalk<N>;

    fn walk<P: Paginate<Index = N, Style = Self>>(self, request: &P) -> Self::Walk {
        OffsetWalk {
            style: self,
            limit: request.page_size().or(self.default_limit),
            next: request.start_page().or_else(|| N::from_u64(0)),
            total: DeclaredTotal::default(),
        }
    }

    fn echo_of(cursor: &N) -> Option<N> {
        Some(*cursor)
    }

    fn cursor_param(cursor: &N) -> Option<String> {
        Some(cursor.to_string())
    }
}

/// One walk in the offset style.
#[derive(Debug)]
pub struct OffsetWalk<N> {
    style: Offset<N>,
    /// The limit: the caller's, else the spec's default, else the first page's length.
    limit: Option<N>,
    /// The offset to ask for next, once known.
    next: Option<N>,
    /// The total the pages declare.
    total: DeclaredTotal,
}

impl<N: PageIndex> Walk<N> for OffsetWalk<N> {
    fn next_cursor(&mut self) -> Option<N> {
        self.next.take()
    }

    fn may_exist(&self, _offset: &N) -> bool {
        true
    }

    fn after(&mut self, offset: &N, arrived: Arrived<'_>) -> Step {
        let (offset, items, total) = (*offset, arrived.items, arrived.total);
        let count = u64::try_from(items).unwrap_or(u64::MAX);
        if self.limit.is_none() && items > 0 {
            self.limit = N::from_u64(count);
        }
        let total = self.total.note(total);
        let last = match self.limit {
            Some(limit) if items > 0 => self.style.is_last(offset, limit, items, total),
            _ => true,
        };
        if last {
            return Step::Last;
        }
        match N::from_u64(offset.to_u64().saturating_add(count)) {
            Some(next) if self.style.max_offset.is_none_or(|max| next <= max) => {
                self.next = Some(next);
                Step::More
            }
            _ => Step::Beyond(format!(
                "offset {offset} with {items} items was full, and the next offset is past \
                 the largest the API accepts"
            )),
        }
    }

    fn position(&self, offset: &N) -> i64 {
        i64::try_from(offset.to_u64()).unwrap_or(i64::MAX)
    }
}
