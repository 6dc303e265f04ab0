//! The primitives request signatures share: HMAC, timestamps, nonces, strict
//! percent-decoding. The schemes themselves are [`RpcV1Signer`](super::RpcV1Signer) and
//! [`SdkSigner`](super::SdkSigner); both sign each attempt afresh, after the request is
//! complete, so a retry carries a new timestamp (and, for RPC v1, a new nonce). The
//! primitives are well-kept crates: `hmac`, `sha1`, `sha2`, `hex`, `base64`,
//! `percent-encoding`, `time` for timestamps and `uuid` for nonces.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;
use time::OffsetDateTime;

pub(crate) use crate::request::join_encoded;

/// HMAC-SHA1 of `data` under `key`.
pub(crate) fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Strict percent-decoding: `%XX` is decoded, every other byte (`+` included) is kept;
/// `None` for a `%` without two hex digits or for a result that is not UTF-8.
pub(crate) fn percent_decode_strict(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(i, &byte)| {
        byte == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// Decoded `name=value` pairs of a query string or form body, in order; empty segments
/// are skipped and a segment without `=` has an empty value.
pub(crate) fn parse_pairs(text: &str) -> Option<Vec<(String, String)>> {
    text.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            Some((percent_decode_strict(name)?, percent_decode_strict(value)?))
        })
        .collect()
}

/// `yyyy-MM-ddTHH:mm:ssZ` (RPC v1 `Timestamp`), in UTC.
pub(crate) fn rpc_timestamp(at: OffsetDateTime) -> String {
    utc_stamp(at, "-", ":")
}

/// `YYYYMMDDTHHMMSSZ` (`X-Sdk-Date`), in UTC.
pub(crate) fn sdk_date(at: OffsetDateTime) -> String {
    utc_stamp(at, "", "")
}

/// `at` in UTC as date `T` time `Z`, the date's parts joined by `date_sep`, the time's
/// by `time_sep`.
fn utc_stamp(at: OffsetDateTime, date_sep: &str, time_sep: &str) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{date_sep}{:02}{date_sep}{:02}T{:02}{time_sep}{:02}{time_sep}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A fresh random nonce in UUID v4 format.
pub(crate) fn new_nonce() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use std::collections::HashSet;

    use reqwest::header::{HeaderValue, CONTENT_TYPE};

    use super::*;
    use crate::auth::AccessKey;
    pub(crate) use crate::testing::{block_on, client};

    pub(crate) fn key(id: &str, secret: &str) -> AccessKey {
        AccessKey {
            id: id.to_owned(),
            secret: secret.into(),
            security_token: None,
        }
    }

    pub(crate) fn get(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, reqwest::Url::parse(url).unwrap())
    }

    pub(crate) fn with_body(
        mut request: reqwest::Request,
        content_type: &str,
        body: &str,
    ) -> reqwest::Request {
        *request.method_mut() = reqwest::Method::POST;
        request
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        *request.body_mut() = Some(reqwest::Body::from(body.to_owned()));
        request
    }

    pub(crate) fn pairs(query: &str) -> Vec<(String, String)> {
        parse_pairs(query).unwrap()
    }

    pub(crate) fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
        pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn timestamps() {
        let cases = [
            (0, "1970-01-01T00:00:00Z", "19700101T000000Z"),
            (1_456_231_584, "2016-02-23T12:46:24Z", "20160223T124624Z"),
            (951_868_799, "2000-02-29T23:59:59Z", "20000229T235959Z"),
            (1_582_934_400, "2020-02-29T00:00:00Z", "20200229T000000Z"),
            (1_591_583_940, "2020-06-08T02:39:00Z", "20200608T023900Z"),
            (4_107_456_000, "2100-02-28T00:00:00Z", "21000228T000000Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z", "21000301T000000Z"),
            (1_703_980_799, "2023-12-30T23:59:59Z", "20231230T235959Z"),
            (1_704_067_199, "2023-12-31T23:59:59Z", "20231231T235959Z"),
        ];
        for (secs, rpc, sdk) in cases {
            let at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            assert_eq!(rpc_timestamp(at), rpc, "{secs}");
            assert_eq!(sdk_date(at), sdk, "{secs}");
        }
        // Another offset is converted to UTC first.
        let at = OffsetDateTime::from_unix_timestamp(1_456_231_584)
            .unwrap()
            .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap());
        assert_eq!(rpc_timestamp(at), "2016-02-23T12:46:24Z");
    }

    #[test]
    fn nonces_are_unique_uuid_v4() {
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let nonce = new_nonce();
            let bytes = nonce.as_bytes();
            assert_eq!(bytes.len(), 36, "{nonce}");
            for (i, &b) in bytes.iter().enumerate() {
                if matches!(i, 8 | 13 | 18 | 23) {
                    assert_eq!(b, b'-', "{nonce}");
                } else {
                    assert!(matches!(b, b'0'..=b'9' | b'a'..=b'f'), "{nonce}");
                }
            }
            assert_eq!(bytes[14], b'4', "{nonce}");
            assert!(matches!(bytes[19], b'8' | b'9' | b'a' | b'b'), "{nonce}");
            assert!(seen.insert(nonce));
        }
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(percent_decode_strict("a+b%20c%2b").unwrap(), "a+b c+");
        assert_eq!(percent_decode_strict("%E5%BC%A0").unwrap(), "张");
        assert!(percent_decode_strict("%").is_none());
        assert!(percent_decode_strict("%G0").is_none());
        assert!(percent_decode_strict("%FF").is_none());
        assert_eq!(
            pairs("a=1&&b&c=x=y"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "x=y".to_owned()),
            ]
        );
    }
}
