//! Paged responses (`x-pagination`).

/// A response that carries one page of items (generated for operations with
/// `x-pagination`).
pub trait Page {
    /// The type of one item.
    type Item;

    /// The items on this page.
    fn items(&self) -> &[Self::Item];

    /// The items on this page, consuming the response.
    fn into_items(self) -> Vec<Self::Item>;

    /// The total number of items across all pages, if the response says.
    fn total(&self) -> Option<u64>;
}

/// Page-number pagination, emitted as a `const` by generated code from `x-pagination`.
///
/// ```
/// use meterage_runtime::PageNumber;
///
/// // Huawei GSL: `offset` is a page number starting at 1, `limit` the page size.
/// const PAGES: PageNumber = PageNumber { page_param: "offset", size_param: "limit", first_page: 1 };
/// assert!(!PAGES.is_last(1, 10, 10, Some(25)));
/// assert!(PAGES.is_last(3, 10, 5, Some(25)));
/// assert!(PAGES.is_last(2, 10, 7, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber {
    /// Wire name of the page-number parameter.
    pub page_param: &'static str,
    /// Wire name of the page-size parameter.
    pub size_param: &'static str,
    /// The number of the first page (usually 1).
    pub first_page: u64,
}

impl PageNumber {
    /// Whether the page numbered `page` (requested with size `size`) is the last one,
    /// given the number of items it returned and the total item count if known.
    ///
    /// An empty page is always the last. With a total, the page is the last when the
    /// pages before it (each of `size` items) plus its own items reach the total. Without a
    /// total, a page shorter than `size` is the last.
    pub fn is_last(&self, page: u64, size: u64, items_on_page: usize, total: Option<u64>) -> bool {
        let items = u64::try_from(items_on_page).unwrap_or(u64::MAX);
        if items == 0 {
            return true;
        }
        match total {
            Some(total) => {
                let pages_before = page.saturating_sub(self.first_page);
                let before = pages_before.saturating_mul(size);
                before.saturating_add(items) >= total
            }
            None => items < size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GSL: PageNumber = PageNumber {
        page_param: "offset",
        size_param: "limit",
        first_page: 1,
    };
    const ZERO: PageNumber = PageNumber {
        page_param: "page",
        size_param: "size",
        first_page: 0,
    };

    #[test]
    fn is_last_table() {
        // (pagination, page, size, items, total, last)
        type Case = (PageNumber, u64, u64, usize, Option<u64>, bool);
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
            (GSL, u64::MAX, u64::MAX, usize::MAX, Some(u64::MAX), true),
            (GSL, 1, 0, 3, None, false),
        ];
        for &(pagination, page, size, items, total, last) in cases {
            assert_eq!(
                pagination.is_last(page, size, items, total),
                last,
                "{pagination:?} page {page} size {size} items {items} total {total:?}"
            );
        }
    }
}
