//! FOCUS rows of a listing, as the generated `focus()` methods give them: a stream of
//! rows over a paged listing's items, or over the records of one response.

use futures_util::{stream, Stream, StreamExt};
use serde::Serialize;
use serde_json::value::RawValue;

use super::{apply, FocusError, FocusMap, FocusRow};
use crate::{Error, Response};

/// The FOCUS row of every item of `items` (a paged listing's `items()`), in order; an
/// item's error is passed on, a record that does not convert is an [`Error::Focus`].
pub fn rows<S, T>(map: &'static FocusMap, items: S) -> impl Stream<Item = Result<FocusRow, Error>>
where
    S: Stream<Item = Result<T, Error>>,
    T: Serialize,
{
    items.map(move |item| item.and_then(|record| apply(map, &record).map_err(Error::from)))
}

/// The FOCUS rows of the records of the one response `send` gives (an unpaged
/// listing): the elements of the array at the map's `records` pointer, else of an array
/// body, else the body as one record.
pub fn response_rows<F, T>(
    map: &'static FocusMap,
    send: F,
) -> impl Stream<Item = Result<FocusRow, Error>>
where
    F: std::future::Future<Output = Result<Response<T>, Error>>,
    T: Serialize,
{
    stream::once(send)
        .map(move |response| {
            let rows: Vec<Result<FocusRow, Error>> = match response {
                Ok(response) => match body_rows(map, response.body()) {
                    Ok(rows) => rows.into_iter().map(Ok).collect(),
                    Err(error) => vec![Err(Error::from(error))],
                },
                Err(error) => vec![Err(error)],
            };
            stream::iter(rows)
        })
        .flatten()
}

/// The FOCUS rows of the records in `body` (see [`response_rows`]).
pub fn body_rows<T: Serialize + ?Sized>(
    map: &FocusMap,
    body: &T,
) -> Result<Vec<FocusRow>, FocusError> {
    let fail = |message: String| FocusError {
        column: "",
        pointer: map.records,
        message,
    };
    let json = serde_json::to_string(body).map_err(|e| fail(e.to_string()))?;
    let mut value: &RawValue = serde_json::from_str(&json).map_err(|e| fail(e.to_string()))?;
    if let Some(pointer) = map.records {
        for token in pointer.split('/').skip(1).map(super::read::unescape) {
            let members: std::collections::HashMap<String, &RawValue> =
                serde_json::from_str(value.get())
                    .map_err(|e| fail(format!("the body is no object at `{token}`: {e}")))?;
            match members.get(&token) {
                Some(member) => value = member,
                None => return Ok(Vec::new()),
            }
        }
    }
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
