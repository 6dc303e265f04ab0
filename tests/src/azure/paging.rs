//! How the fake pages: `$top`, `$skiptoken` and the absolute `nextLink`.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{API_VERSION, MAX_TOP};
use crate::{get as param, percent_encode};

/// `$top`: the page size, 1 to [`MAX_TOP`], [`MAX_TOP`] when absent.
pub(super) fn top(pairs: &[(String, String)]) -> Result<u64, String> {
    match param(pairs, "$top") {
        None => Ok(MAX_TOP),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_TOP).contains(n))
            .ok_or_else(|| format!("The value '{v}' of $top is invalid: it must be an integer from 1 to {MAX_TOP}.")),
    }
}

/// The `$skiptoken` of a page starting at detail `start`: base64 of a version byte, a
/// reserved byte and `start` (8 bytes, little-endian), so it always ends in `==`, as
/// Azure's opaque tokens (`AQAAAA==`) often do.
fn skiptoken(start: u64) -> String {
    let mut bytes = vec![1, 0];
    bytes.extend_from_slice(&start.to_le_bytes());
    STANDARD.encode(bytes)
}

/// Where `$skiptoken` says the page starts: 0 without one.
pub(super) fn skip(pairs: &[(String, String)]) -> Result<u64, String> {
    let Some(token) = param(pairs, "$skiptoken") else {
        return Ok(0);
    };
    STANDARD
        .decode(token)
        .ok()
        .and_then(|bytes| match bytes.as_slice() {
            [1, 0, start @ ..] => start.try_into().ok().map(u64::from_le_bytes),
            _ => None,
        })
        .ok_or_else(|| "The skiptoken is invalid or has expired.".to_owned())
}

/// The absolute link to the page starting at `start` of the listing at `path`, on the
/// host the request named, carrying the request's `kept` parameters (`$expand`,
/// `$filter`, `metric`: the ones it sent, in this order).
pub(super) fn next_link(
    tls: bool,
    headers: &HeaderMap,
    path: &str,
    top: u64,
    kept: &[(&str, Option<&str>)],
    start: u64,
) -> String {
    let scheme = if tls { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let kept: String = kept
        .iter()
        .filter_map(|(name, value)| Some(format!("&{name}={}", percent_encode((*value)?))))
        .collect();
    format!(
        "{scheme}://{host}{path}?api-version={API_VERSION}{kept}&$top={top}&$skiptoken={}",
        percent_encode(&skiptoken(start))
    )
}
