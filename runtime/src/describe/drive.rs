//! Running an operation for a tool: every record of a call, or of every page of a paged
//! call, handed to a [`Sink`] as it arrives.

use std::future::Future;
use std::ops::ControlFlow;

use futures_util::StreamExt;
use serde::Serialize;

use super::ArgError;
use crate::pagination::{Paginate, Style};
use crate::{Error, Response};

/// Whether a [`Sink`] wants more records.
pub type Flow = ControlFlow<()>;

/// What receives an operation's records.
pub trait Sink {
    /// The sink's own failure (writing a file, a database).
    type Error;

    /// A page arrived (before its records are given). Not called for an operation that
    /// does not page.
    ///
    /// # Errors
    ///
    /// The sink's; the run stops with it.
    fn page(&mut self, page: &PageInfo<'_>) -> Result<Flow, Self::Error>;

    /// One record.
    ///
    /// # Errors
    ///
    /// The sink's; the run stops with it.
    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, Self::Error>;

    /// How many pages to fetch ahead of the one being read (0: one at a time).
    fn prefetch(&self) -> usize {
        1
    }
}

/// What a page says of itself.
#[derive(Debug, Clone)]
pub struct PageInfo<'a> {
    /// Where it was requested, as the operation's cursor parameter takes it (its page
    /// number, offset or token); `None` for a first page asked without a token and in
    /// the next-link style. Setting the cursor parameter to it asks for this page again.
    pub cursor: Option<String>,
    /// Its number among the pages of this run, from 1.
    pub index: u64,
    /// How many records it holds.
    pub records: usize,
    /// The total number of records, if the vendor sends it.
    pub total: Option<u64>,
    /// Its response's request id.
    pub request_id: Option<&'a str>,
}

/// Why a run stopped early.
#[derive(Debug, thiserror::Error)]
pub enum RunError<E> {
    /// No operation of that name.
    #[error("no operation `{0}`")]
    NoOperation(String),
    /// An argument did not read as its parameter's type (nothing was sent).
    #[error(transparent)]
    Arg(#[from] ArgError),
    /// The call failed.
    #[error(transparent)]
    Call(Error),
    /// The sink failed.
    #[error("{0}")]
    Sink(E),
}

/// Sends `call` and gives its body to `sink` as one record.
///
/// # Errors
///
/// The call's error, or the sink's.
pub async fn one<T, S>(
    call: impl Future<Output = Result<Response<T>, Error>>,
    sink: &mut S,
) -> Result<(), RunError<S::Error>>
where
    T: Serialize,
    S: Sink,
{
    let response = call.await.map_err(RunError::Call)?;
    // One record: whether the sink wants more changes nothing.
    let _ = sink.record(response.body()).map_err(RunError::Sink)?;
    Ok(())
}

/// Sends `call` and gives each element of its array body to `sink` as a record.
///
/// # Errors
///
/// The call's error, or the sink's.
pub async fn each<T, S>(
    call: impl Future<Output = Result<Response<Vec<T>>, Error>>,
    sink: &mut S,
) -> Result<(), RunError<S::Error>>
where
    T: Serialize,
    S: Sink,
{
    each_in(call, Vec::as_slice, sink).await
}

/// Sends `call` and gives each record of its body to `sink`: the records `records` reads
/// from the body (an unpaged listing whose records sit in a field, `x-records`).
///
/// # Errors
///
/// The call's error, or the sink's.
pub async fn each_in<T, I: Serialize, S: Sink>(
    call: impl Future<Output = Result<Response<T>, Error>>,
    records: impl FnOnce(&T) -> &[I],
    sink: &mut S,
) -> Result<(), RunError<S::Error>> {
    let response = call.await.map_err(RunError::Call)?;
    for record in records(response.body()) {
        if sink.record(record).map_err(RunError::Sink)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// Fetches the pages of `request` in order (fetching ahead as the sink asks) and gives
/// `sink` each page, then its records, until the last page or the sink says stop.
///
/// # Errors
///
/// The first page that failed for good, or the sink's error.
pub async fn pages<P, S>(request: P, sink: &mut S) -> Result<(), RunError<S::Error>>
where
    P: Paginate,
    P::Item: Serialize,
    S: Sink,
{
    let mut pages = request.pages().prefetch(sink.prefetch());
    let mut index = 0;
    while let Some(page) = pages.next().await {
        let page = page.map_err(RunError::Call)?;
        index += 1;
        let info = PageInfo {
            cursor: <P::Style as Style<P::Index>>::cursor_param(page.cursor()),
            index,
            records: page.items().len(),
            total: page.total(),
            request_id: page.request_id(),
        };
        if sink.page(&info).map_err(RunError::Sink)?.is_break() {
            return Ok(());
        }
        for record in page.items() {
            if sink.record(record).map_err(RunError::Sink)?.is_break() {
                return Ok(());
            }
        }
    }
    Ok(())
}
