//! Small wire helpers the fakes share: strict query and form decoding, RFC 3986
//! encoding, cookies, JSON answers.

use std::collections::BTreeMap;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Decodes a query string or form body the strict RFC 3986 way: `%XX` is decoded and
/// `+` stays a plus, so a client that encodes spaces as `+` is caught.
pub fn parse_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` escapes (and nothing else) as UTF-8, lossily.
pub(crate) fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 3986 percent-encoding of UTF-8 bytes, keeping only `A-Za-z0-9-_.~`, with
/// uppercase hex: what both vendor signatures canonicalise with.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first value of `name` among `pairs`.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A JSON response.
pub fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The cookies of a request, by name.
pub(crate) fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| {
            c.trim()
                .split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_keeps_plus() {
        let pairs = parse_pairs("a=1%202&b=x+y&c=%E7%94%A8&d&e=%4&f=100%");
        assert_eq!(get(&pairs, "a"), Some("1 2"));
        assert_eq!(get(&pairs, "b"), Some("x+y"));
        assert_eq!(get(&pairs, "c"), Some("用"));
        assert_eq!(get(&pairs, "d"), Some(""));
        assert_eq!(get(&pairs, "e"), Some("%4"));
        assert_eq!(get(&pairs, "f"), Some("100%"));
    }

    #[test]
    fn encoding_keeps_only_unreserved_bytes() {
        assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encode("a b+c*d/用"), "a%20b%2Bc%2Ad%2F%E7%94%A8");
    }
}
