//! The page and item streams.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{FuturesOrdered, StreamExt};

use crate::client::Client;
use crate::error::Error;
use crate::pagination::walk::{Arrived, Step, Walk};
use crate::pagination::{CursorOf, Page, PageOf, Paginate, Style};
use crate::response::Response;

/// The walk of a request builder's style.
type WalkOf<P> = <<P as Paginate>::Style as Style<<P as Paginate>::Index>>::Walk;
type Fetched<P> = (CursorOf<P>, Result<Response<<P as Paginate>::Page>, Error>);
type Fetch<P> = Pin<Box<dyn Future<Output = Fetched<P>> + Send>>;
/// A page fetched again through the pipeline's retries.
type Refetch<P> =
    Pin<Box<dyn Future<Output = Result<Response<<P as Paginate>::Page>, Error>> + Send>>;
/// What the page stream yields.
type PageItem<P> = Result<PageOf<<P as Paginate>::Page, CursorOf<P>>, Error>;
type PageStream<P> = Pin<Box<dyn Stream<Item = PageItem<P>> + Send>>;

/// Every page of a paged operation, in order; see the [module docs](super).
///
/// Created by a request builder's `pages()`. Nothing is sent until it is polled.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P: Paginate> {
    state: State<P>,
}

enum State<P: Paginate> {
    Idle { request: P, limits: Limits },
    Running(PageStream<P>),
    Done,
}

// The request is only ever moved, never pinned.
impl<P: Paginate> Unpin for Pages<P> {}

impl<P: Paginate> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Idle { .. } => "idle",
            State::Running(_) => "running",
            State::Done => "done",
        };
        f.debug_struct("Pages").field("state", &state).finish()
    }
}

impl<P: Paginate> Pages<P> {
    pub(crate) fn new(request: P) -> Self {
        Self {
            state: State::Idle {
                request,
                limits: Limits::default(),
            },
        }
    }

    /// Fetches up to `pages` pages ahead of the one being read, concurrently, still
    /// yielding them in order. Default 0: one page at a time. Set it before the first
    /// poll.
    pub fn prefetch(mut self, pages: usize) -> Self {
        if let State::Idle { limits, .. } = &mut self.state {
            limits.prefetch = pages;
        }
        self
    }

    /// Reads at most `pages` pages (at least 1): if the server still has more after
    /// them, the stream ends with [`Error::Pagination`] saying so, rather than paging on
    /// (a server that keeps answering full pages, or a filter wider than meant). Default:
    /// no limit besides the API's last page. Set it before the first poll.
    pub fn max_pages(mut self, pages: usize) -> Self {
        if let State::Idle { limits, .. } = &mut self.state {
            limits.max_pages = Some(pages.max(1));
        }
        self
    }

    /// Every item of every page, in server order.
    pub fn items(self) -> Items<P> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }
}

impl<P: Paginate> Stream for Pages<P> {
    type Item = PageItem<P>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if matches!(this.state, State::Idle { .. }) {
            let State::Idle { request, limits } = std::mem::replace(&mut this.state, State::Done)
            else {
                return Poll::Ready(None);
            };
            let walker = Walker::new(request, limits);
            let stream = futures_util::stream::unfold(walker, |mut walker| async move {
                walker.next().await.map(|page| (page, walker))
            });
            this.state = State::Running(Box::pin(stream));
        }
        match &mut this.state {
            State::Running(stream) => match stream.poll_next_unpin(cx) {
                Poll::Ready(None) => {
                    this.state = State::Done;
                    Poll::Ready(None)
                }
                other => other,
            },
            _ => Poll::Ready(None),
        }
    }
}

/// Every item of every page of a paged operation, in server order; see the
/// [module docs](super).
///
/// Created by a request builder's `items()` or by [`Pages::items`]. Memory holds one
/// page's items at a time.
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: Paginate> {
    pages: Pages<P>,
    current: std::vec::IntoIter<P::Item>,
}

impl<P: Paginate> Unpin for Items<P> {}

impl<P: Paginate> Items<P> {
    /// Fetches up to `pages` pages ahead, concurrently (see [`Pages::prefetch`]).
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.pages = self.pages.prefetch(pages);
        self
    }

    /// Reads at most `pages` pages (see [`Pages::max_pages`]).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.pages = self.pages.max_pages(pages);
        self
    }
}

impl<P: Paginate> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish()
    }
}

impl<P: Paginate> Stream for Items<P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.current = page.into_items().into_iter(),
            }
        }
    }
}

/// What the walker remembers of the last page it yielded, to notice it coming again.
struct Previous<P: Paginate> {
    number: CursorOf<P>,
    len: usize,
    first: Option<P::Item>,
    last: Option<P::Item>,
}

/// Whether `page` (asked for as `number`) repeats `previous`, the page yielded before
/// it: the server echoes the previous page's number (a stale cache), or the page holds
/// the previous page's items (a backend answering with the wrong window).
fn repeats<P: Paginate>(previous: &Previous<P>, number: &CursorOf<P>, page: &P::Page) -> bool {
    let echo = <P::Style as Style<P::Index>>::echo_of;
    if page.page_number().is_some_and(|echoed| {
        Some(echoed) != echo(number) && Some(echoed) == echo(&previous.number)
    }) {
        return true;
    }
    let items = page.items();
    !items.is_empty()
        && items.len() == previous.len
        && items.first() == previous.first.as_ref()
        && items.last() == previous.last.as_ref()
}

/// What a walk reads of a page that arrived.
fn arrived<T: Page>(response: &Response<T>) -> Arrived<'_> {
    let page = response.body();
    Arrived {
        items: page.items().len(),
        total: page.total(),
        token: page.next_token(),
        headers: response.headers(),
        url: response.url(),
    }
}

/// The caller's limits of a walk.
#[derive(Debug, Clone, Copy, Default)]
struct Limits {
    /// Pages fetched ahead of the one being read.
    prefetch: usize,
    /// The most pages to read.
    max_pages: Option<usize>,
}

/// The state of one walk over the pages.
struct Walker<P: Paginate> {
    request: P,
    client: Client,
    /// The style's decisions.
    walk: WalkOf<P>,
    /// A cursor the style gave that is not asked for yet.
    pending: Option<CursorOf<P>>,
    in_flight: FuturesOrdered<Fetch<P>>,
    limits: Limits,
    /// Pages yielded so far.
    yielded: usize,
    /// Set when the page limit was reached with pages left: the next poll's error.
    over_limit: Option<Error>,
    previous: Option<Previous<P>>,
    finished: bool,
}

impl<P: Paginate> Walker<P> {
    fn new(request: P, limits: Limits) -> Self {
        let client = request.client().clone();
        let walk = P::PAGINATION.walk(&request);
        Self {
            request,
            client,
            walk,
            pending: None,
            in_flight: FuturesOrdered::new(),
            limits,
            yielded: 0,
            over_limit: None,
            previous: None,
            finished: false,
        }
    }

    fn fetch(&self, page: CursorOf<P>) -> Fetch<P> {
        let request = self.request.page_request(page.clone());
        let client = self.client.clone();
        Box::pin(async move {
            let response = match request {
                Ok(request) => client.send::<P::Page>(request).await,
                Err(error) => Err(error),
            };
            (page, response)
        })
    }

    /// Keeps `1 + prefetch` pages in flight, in order.
    fn fill(&mut self) {
        let allowed = self.limits.max_pages.unwrap_or(usize::MAX);
        while self.in_flight.len() <= self.limits.prefetch
            && self.yielded + self.in_flight.len() < allowed
        {
            let Some(page) = self.pending.take().or_else(|| self.walk.next_cursor()) else {
                break;
            };
            if !self.walk.may_exist(&page) && !self.in_flight.is_empty() {
                self.pending = Some(page);
                break;
            }
            self.in_flight.push_back(self.fetch(page));
        }
    }

    /// Whether `page` (asked for as `number`) repeats the page yielded before it.
    fn repeats_previous(&self, number: &CursorOf<P>, page: &P::Page) -> bool {
        self.previous
            .as_ref()
            .is_some_and(|previous| repeats(previous, number, page))
    }

    async fn next(&mut self) -> Option<PageItem<P>> {
        if let Some(error) = self.over_limit.take() {
            return self.fail(error);
        }
        if self.finished {
            return None;
        }
        self.fill();
        let (number, result) = self.in_flight.next().await?;
        let mut response = match result {
            Ok(response) => response,
            Err(error) => return self.fail(error),
        };

        // A stale repeat of the page before: fetch this page again, through the
        // pipeline's retries (backoff, attempts, deadline), the first answer counted.
        if self.repeats_previous(&number, response.body()) {
            tracing::debug!(page = %number, "the server repeated the previous page; fetching it again");
            match self.refetch(number.clone()).await {
                Ok(again) => response = again,
                Err(error) => return self.fail(error),
            }
        }

        // A page that points back at itself (a token repeating the one just sent): fetch
        // it again once, through the pipeline's retries; if it still does, stop.
        if self.walk.stalls(&number, arrived(&response)).is_some() {
            tracing::debug!(page = %number, "the page points back at itself; fetching it again");
            match self.fetch(number.clone()).await {
                (_, Ok(again)) => response = again,
                (_, Err(error)) => return self.fail(error),
            }
            if let Some(message) = self.walk.stalls(&number, arrived(&response)) {
                return self.fail(Error::Pagination {
                    operation: self.request.operation().id,
                    page: self.walk.position(&number),
                    message,
                });
            }
        }

        let step = self.walk.after(&number, arrived(&response));
        let page = response.body();
        let len = page.items().len();
        if len == 0 && self.previous.is_some() && step == Step::Last {
            // Past the end: nothing to yield.
            self.finish();
            return None;
        }
        let last = match step {
            Step::Last => {
                self.finish();
                true
            }
            Step::More => false,
            Step::Beyond(message) => {
                return self.fail(Error::Pagination {
                    operation: self.request.operation().id,
                    page: self.walk.position(&number),
                    message,
                })
            }
        };
        self.yielded += 1;
        if !last && self.limits.max_pages == Some(self.yielded) {
            self.over_limit = Some(Error::Pagination {
                operation: self.request.operation().id,
                page: self.walk.position(&number),
                message: format!(
                    "the server still has pages after {} pages, the most this stream was \
                     allowed to read (max_pages)",
                    self.yielded
                ),
            });
            self.in_flight = FuturesOrdered::new();
        }
        self.previous = Some(Previous {
            number: number.clone(),
            len,
            first: page.items().first().cloned(),
            last: page.items().last().cloned(),
        });
        Some(Ok(PageOf {
            cursor: number,
            response,
        }))
    }

    /// Fetches page `number` again after it came back as the page before it, with the
    /// call's retry policy less the attempt already made; each answer is checked, and
    /// one that still repeats the page before is a transient failure of the pipeline.
    fn refetch(&self, number: CursorOf<P>) -> Refetch<P> {
        match self.prepare_refetch(number) {
            Ok((request, check)) => {
                let client = self.client.clone();
                Box::pin(async move { client.send_checked(request, check).await })
            }
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }

    /// The request and the check of [`Walker::refetch`].
    #[allow(clippy::type_complexity)]
    fn prepare_refetch(
        &self,
        number: CursorOf<P>,
    ) -> Result<
        (
            crate::request::Request,
            impl Fn(&P::Page, u32) -> Option<Error> + Send + Sync + 'static,
        ),
        Error,
    > {
        let operation = self.request.operation().id;
        let page = self.walk.position(&number);
        let Some(previous) = &self.previous else {
            return Err(Error::Pagination {
                operation,
                page,
                message: "a page repeated a page that was never yielded".to_owned(),
            });
        };
        let before = previous.number.clone();
        let mut request = self.request.page_request(number.clone())?;
        let policy = request
            .options()
            .retry_policy()
            .unwrap_or_else(|| self.client.retry_policy());
        let asked = number.clone();
        let repeated = move |tries: u32| Error::Pagination {
            operation,
            page,
            message: format!(
                "the server answered {tries} times with the page before (page {before}) \
                 instead of page {asked}"
            ),
        };
        if policy.attempts() <= 1 {
            return Err(repeated(1));
        }
        request.set_options(
            request
                .options()
                .retry(policy.max_attempts(policy.attempts() - 1)),
        );
        let seen = std::sync::Mutex::new(Previous::<P> {
            number: previous.number.clone(),
            len: previous.len,
            first: previous.first.clone(),
            last: previous.last.clone(),
        });
        let check = move |page: &P::Page, attempt: u32| {
            let previous = seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            repeats(&previous, &number, page).then(|| repeated(attempt + 1))
        };
        Ok((request, check))
    }

    fn finish(&mut self) {
        self.finished = true;
        // Pages fetched ahead past the end are dropped unread.
        self.in_flight = FuturesOrdered::new();
    }

    fn fail(&mut self, error: Error) -> Option<PageItem<P>> {
        self.finish();
        Some(Err(error))
    }
}
