//! The records a fake serves: how many, how slowly, and which ones make up a page.
//!
//! Records are never stored. Each vendor module generates record `i` (from 0) from its
//! index alone (`nce::record`, `gsl::pool`, `kaopuyun::bill`, `plcloud::record`), so a
//! dataset of a million records costs nothing until a page of it is asked for, and a
//! test gets the exact expected records, in server order, from the same function.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The size of a fake's dataset and the latency of its listing call; both can change
/// while the server runs (a total that grows mid-run, a slow page).
#[derive(Debug)]
pub struct Dataset {
    len: AtomicU64,
    latency_us: AtomicU64,
}

impl Dataset {
    /// A dataset of `len` records served without added latency.
    pub fn new(len: u64) -> Dataset {
        Dataset {
            len: AtomicU64::new(len),
            latency_us: AtomicU64::new(0),
        }
    }

    /// How many records the listing call serves (before its filters).
    pub fn len(&self) -> u64 {
        self.len.load(Ordering::SeqCst)
    }

    /// Whether the dataset is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Serves `len` records from now on: records `0..len` of the vendor's generator.
    pub fn set_len(&self, len: u64) {
        self.len.store(len, Ordering::SeqCst);
    }

    /// The time each listing request waits before it is answered.
    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.latency_us.load(Ordering::SeqCst))
    }

    /// Makes each listing request wait `latency` before it is answered.
    pub fn set_latency(&self, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latency_us.store(us, Ordering::SeqCst);
    }
}

/// One page of a listing: the total number of matching records and the indices of the
/// records on the page, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// How many records match the query, over all pages.
    pub total: u64,
    /// The indices of the records on the page.
    pub indices: Vec<u64>,
}

impl Window {
    /// The records on the page, made by the vendor's generator `record`.
    pub fn records(&self, record: fn(u64) -> serde_json::Value) -> Vec<serde_json::Value> {
        self.indices.iter().map(|&i| record(i)).collect()
    }
}

/// How a listing orders the records of a dataset of `len` records.
pub enum Order<'a> {
    /// Index order.
    Index,
    /// Reverse index order.
    Reverse,
    /// An explicit order (a sort the index order does not give); it lists the indices
    /// of the whole dataset.
    Explicit(&'a [u64]),
}

/// Page `page` (from 1) of `size` records among records `0..len` in `order`, keeping
/// those `keep` accepts. Without a filter the page is computed from its bounds alone, so
/// any page of any dataset costs only its own records; with one, every record is
/// looked at (fine for tests, not for benchmarks).
pub fn window(
    len: u64,
    page: u64,
    size: u64,
    order: Order<'_>,
    keep: Option<&dyn Fn(u64) -> bool>,
) -> Window {
    let start = page.saturating_sub(1).saturating_mul(size);
    let ordered: Box<dyn Iterator<Item = u64> + '_> = match order {
        Order::Index => Box::new(0..len),
        Order::Reverse => Box::new((0..len).rev()),
        Order::Explicit(indices) => Box::new(indices.iter().copied()),
    };
    match (keep, &order) {
        (None, Order::Index) => Window {
            total: len,
            indices: (start..len.min(start.saturating_add(size))).collect(),
        },
        (None, Order::Reverse) => Window {
            total: len,
            indices: (start..len.min(start.saturating_add(size)))
                .map(|i| len - 1 - i)
                .collect(),
        },
        (keep, _) => {
            let keep = |i: &u64| keep.is_none_or(|k| k(*i));
            let mut total = 0u64;
            let mut indices = Vec::new();
            for i in ordered.filter(keep) {
                if total >= start && total - start < size {
                    indices.push(i);
                }
                total += 1;
            }
            Window { total, indices }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_count_from_one() {
        let w = |page, size| window(25, page, size, Order::Index, None);
        assert_eq!(w(1, 10).indices, (0..10).collect::<Vec<_>>());
        assert_eq!(w(3, 10).indices, vec![20, 21, 22, 23, 24]);
        assert!(w(4, 10).indices.is_empty());
        assert_eq!(w(4, 10).total, 25);
        assert_eq!(
            window(25, 1, 3, Order::Reverse, None).indices,
            vec![24, 23, 22]
        );
    }

    #[test]
    fn a_page_of_a_huge_dataset_is_cheap_and_exact() {
        let w = window(1_000_000, 2000, 500, Order::Index, None);
        assert_eq!(w.total, 1_000_000);
        assert_eq!(w.indices.first(), Some(&999_500));
        assert_eq!(w.indices.len(), 500);
        let w = window(u64::MAX, u64::MAX, u64::MAX, Order::Index, None);
        assert!(w.indices.is_empty());
    }

    #[test]
    fn filters_count_only_what_they_keep() {
        let even = |i: u64| i.is_multiple_of(2);
        let w = window(25, 2, 5, Order::Index, Some(&even));
        assert_eq!(w.total, 13);
        assert_eq!(w.indices, vec![10, 12, 14, 16, 18]);
        let w = window(25, 1, 3, Order::Reverse, Some(&even));
        assert_eq!(w.indices, vec![24, 22, 20]);
        let w = window(4, 1, 10, Order::Explicit(&[3, 1, 2, 0]), None);
        assert_eq!((w.total, w.indices), (4, vec![3, 1, 2, 0]));
    }
}
