//! [`Meter`]: the sink between an operation and its output. It counts records and pages,
//! stops at `--max-records` and `--max-pages`, and drives a progress bar on standard
//! error when that is a terminal (records, pages, rate, and the ETA when the vendor
//! sends a total).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use meterage_runtime::describe::{Flow, PageInfo, Sink};
use serde::Serialize;

/// How much of an operation to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// At most this many records (`--max-records`).
    pub records: Option<u64>,
    /// At most this many pages (`--max-pages`).
    pub pages: Option<u64>,
}

/// A [`Sink`] that counts, limits and shows progress, passing records on to `inner`.
#[derive(Debug)]
pub struct Meter<S> {
    inner: S,
    limits: Limits,
    bar: ProgressBar,
    records: u64,
    pages: u64,
    /// Records of the current page not yet given.
    left_in_page: usize,
}

impl<S: Sink> Meter<S> {
    /// A meter in front of `inner`, with a progress bar on standard error when `show`
    /// and standard error is a terminal.
    pub fn new(inner: S, limits: Limits, show: bool) -> Self {
        let bar = if show && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(spinner_style());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self::with_bar(inner, limits, bar)
    }

    /// A meter drawing on `bar` (hidden in tests).
    pub fn with_bar(inner: S, limits: Limits, bar: ProgressBar) -> Self {
        Self {
            inner,
            limits,
            bar,
            records: 0,
            pages: 0,
            left_in_page: 0,
        }
    }

    /// The records given on so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The pages seen so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Clears the progress bar and gives back the inner sink.
    pub fn finish(self) -> S {
        self.bar.finish_and_clear();
        self.inner
    }

    fn last_page(&self) -> bool {
        self.limits.pages.is_some_and(|max| self.pages >= max)
    }

    fn full(&self) -> bool {
        self.limits.records.is_some_and(|max| self.records >= max)
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {pos} records, {msg}, {rate} {elapsed}")
        .map(with_rate)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// `{rate}`: records a second, whole (`1313 records/s`; indicatif's `{per_sec}` writes
/// `1,312.9034/s`).
fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} records/s", state.per_sec());
        },
    )
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{bar:30} {pos}/{len} records, {msg}, {rate}, ETA {eta} {elapsed}")
        .map(with_rate)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl<S: Sink> Sink for Meter<S> {
    type Error = S::Error;

    fn page(&mut self, page: &PageInfo<'_>) -> Result<Flow, S::Error> {
        if self.last_page() || self.full() {
            return Ok(Flow::Break(()));
        }
        self.pages += 1;
        self.left_in_page = page.records;
        if let Some(total) = page.total {
            let total = self.limits.records.map_or(total, |max| total.min(max));
            if self.bar.length() != Some(total) {
                self.bar.set_style(bar_style());
                self.bar.set_length(total);
            }
        }
        self.bar.set_message(match self.pages {
            1 => "1 page".to_owned(),
            pages => format!("{pages} pages"),
        });
        let flow = self.inner.page(page)?;
        if flow.is_continue() && page.records == 0 && self.last_page() {
            return Ok(Flow::Break(()));
        }
        Ok(flow)
    }

    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, S::Error> {
        if self.full() {
            return Ok(Flow::Break(()));
        }
        let flow = self.inner.record(record)?;
        self.records += 1;
        self.left_in_page = self.left_in_page.saturating_sub(1);
        self.bar.inc(1);
        // Stop at the limit without asking for another page.
        if self.full() || (self.last_page() && self.left_in_page == 0) {
            return Ok(Flow::Break(()));
        }
        Ok(flow)
    }

    fn prefetch(&self) -> usize {
        // A limit asks for no page beyond it: pages are fetched one at a time.
        if self.limits != Limits::default() {
            0
        } else {
            self.inner.prefetch()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects records as JSON text.
    #[derive(Default)]
    struct Collect(Vec<String>);

    impl Sink for Collect {
        type Error = serde_json::Error;
        fn page(&mut self, _: &PageInfo<'_>) -> Result<Flow, Self::Error> {
            Ok(Flow::Continue(()))
        }
        fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, Self::Error> {
            self.0.push(serde_json::to_string(record)?);
            Ok(Flow::Continue(()))
        }
    }

    fn page(index: u64, records: usize) -> PageInfo<'static> {
        PageInfo {
            cursor: Some(index.to_string()),
            index,
            records,
            total: Some(10),
            request_id: None,
        }
    }

    /// Feeds pages of `sizes` records (numbered from 0) into `meter` as `drive::pages`
    /// does; how many page answers it asked for.
    fn feed(meter: &mut Meter<Collect>, sizes: &[usize]) -> usize {
        let mut number = 0;
        for (index, size) in sizes.iter().enumerate() {
            let page = page(index as u64 + 1, *size);
            if meter.page(&page).expect("page").is_break() {
                return index + 1;
            }
            for _ in 0..*size {
                number += 1;
                if meter.record(&number).expect("record").is_break() {
                    return index + 1;
                }
            }
        }
        sizes.len()
    }

    fn meter(records: Option<u64>, pages: Option<u64>) -> Meter<Collect> {
        Meter::with_bar(
            Collect::default(),
            Limits { records, pages },
            ProgressBar::hidden(),
        )
    }

    #[test]
    fn without_limits_every_record_passes() {
        let mut all = meter(None, None);
        assert_eq!(feed(&mut all, &[4, 4, 2]), 3);
        assert_eq!((all.records(), all.pages()), (10, 3));
        assert_eq!(all.prefetch(), 1);
        assert_eq!(all.finish().0.len(), 10);
    }

    #[test]
    fn max_records_stops_at_the_limit_without_another_page() {
        let mut five = meter(Some(5), None);
        assert_eq!(five.prefetch(), 0);
        // Stops in the second page, at its first record.
        assert_eq!(feed(&mut five, &[4, 4, 2]), 2);
        assert_eq!(five.finish().0, ["1", "2", "3", "4", "5"]);

        let mut four = meter(Some(4), None);
        // The fourth record ends the first page: no second page is read.
        assert_eq!(feed(&mut four, &[4, 4, 2]), 1);
        assert_eq!(four.finish().0.len(), 4);

        let mut none = meter(Some(0), None);
        assert_eq!(feed(&mut none, &[4, 4]), 1);
        assert!(none.finish().0.is_empty());
    }

    #[test]
    fn max_pages_stops_after_the_last_record_of_the_last_page() {
        let mut two = meter(None, Some(2));
        assert_eq!(two.prefetch(), 0);
        assert_eq!(feed(&mut two, &[4, 4, 2]), 2);
        assert_eq!(two.pages(), 2);
        assert_eq!(two.finish().0.len(), 8);

        let mut empty = meter(None, Some(1));
        assert_eq!(feed(&mut empty, &[0, 4]), 1);
        assert!(empty.finish().0.is_empty());
    }

    #[test]
    fn the_bar_counts_records_to_the_vendors_total_or_the_limit() {
        let mut all = meter(None, None);
        feed(&mut all, &[4, 4]);
        assert_eq!(all.bar.length(), Some(10));
        assert_eq!(all.bar.position(), 8);
        assert_eq!(all.bar.message(), "2 pages");

        let mut five = meter(Some(5), None);
        feed(&mut five, &[4, 4]);
        assert_eq!((five.bar.length(), five.bar.position()), (Some(5), 5));
    }
}
