//! FOCUS rows of a listing, as the generated `focus()` methods give them: a stream of
//! rows over a paged listing's items, or over the records of one response.

use futures_util::{stream, Stream, StreamExt};
use serde::Serialize;
use serde_json::value::RawValue;

use super::{apply, FocusError, FocusMap, FocusRow};
use crate::Error;

/// The FOCUS row of every item of `items` (a paged listing's `items()`), in order; an
/// item's error is passed on, a record that does not convert is an [`Error::Focus`].
pub fn rows<S, T>(map: &'static FocusMap, items: S) -> impl Stream<Item = Result<FocusRow, Error>>
where
    S: Stream<Item = Result<T, Error>>,
    T: Serialize,
{
    items.map(move |item| item.and_then(|record| apply(map, &record).map_err(Error::from)))
}

/// The FOCUS rows of the records `records` gives (an unpaged listing's body, or the
/// field of it holding the records): see [`body_rows`]. Its error is passed on.
pub fn response_rows<F, T>(
    map: &'static FocusMap,
    records: F,
) -> impl Stream<Item = Result<FocusRow, Error>>
where
    F: std::future::Future<Output = Result<T, Error>>,
    T: Serialize,
{
    stream::once(records)
        .map(move |records| {
            let rows: Vec<Result<FocusRow, Error>> = match records {
                Ok(records) => match body_rows(map, &records) {
                    Ok(rows) => rows.into_iter().map(Ok).collect(),
                    Err(error) => vec![Err(Error::from(error))],
                },
                Err(error) => vec![Err(error)],
            };
            stream::iter(rows)
        })
        .flatten()
}

/// The FOCUS rows of `records`: one per element of an array, none for `null`, else
/// `records` as one record.
pub fn body_rows<T: Serialize + ?Sized>(
    map: &FocusMap,
    records: &T,
) -> Result<Vec<FocusRow>, FocusError> {
    let fail = |message: String| FocusError {
        column: "",
        pointer: None,
        message,
    };
    let json = serde_json::to_string(records).map_err(|e| fail(e.to_string()))?;
    let value: &RawValue = serde_json::from_str(&json).map_err(|e| fail(e.to_string()))?;
    let text = value.get().trim_start();
    if text.starts_with('[') {
        let items: Vec<&RawValue> =
            serde_json::from_str(value.get()).map_err(|e| fail(e.to_string()))?;
        items.iter().map(|item| apply(map, item)).collect()
    } else if text.starts_with("null") {
        Ok(Vec::new())
    } else {
        apply(map, value).map(|row| vec![row])
    }
}
