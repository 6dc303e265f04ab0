//! Huawei's `SDK-HMAC-SHA256` request signature, verified the way the API gateway does:
//! its own canonicalisation (pinned to the vendor SDK's test vector), a 15-minute window
//! on `X-Sdk-Date`, and no key derivation.

use axum::http::{HeaderMap, Method};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::clock::Utc;
use crate::{parse_pairs, percent_encode};

/// How far `X-Sdk-Date` may be from the gateway's clock, either way.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// The parts of a request the signature covers, as they arrived.
pub struct Signed<'a> {
    /// The method.
    pub method: &'a Method,
    /// The path, percent-encoded as sent.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The body.
    pub body: &'a [u8],
}

/// Why a signed request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The `Authorization` header is not `SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..`,
    /// or leaves `host` or `x-sdk-date` unsigned, or signs a header the request lacks.
    Malformed,
    /// The access key is not known.
    UnknownKey,
    /// `X-Sdk-Date` is missing, not `YYYYMMDDTHHMMSSZ`, or more than 15 minutes off.
    Expired,
    /// The signature is not the one the gateway computes.
    Mismatch,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `/a b/c` -> `/a%20b/c/`: each segment decoded then RFC 3986-encoded, always ending in `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut uri = path
        .split('/')
        .map(|segment| percent_encode(&crate::wire::percent_decode(segment)))
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The query's pairs decoded, re-encoded, sorted by name then value, joined with `&`.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = parse_pairs(query)
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request over `signed_headers` (lower-case, in the order given); `None`
/// when a signed header is missing from the request.
pub fn canonical_request(request: &Signed<'_>, signed_headers: &[&str]) -> Option<String> {
    let mut headers = String::new();
    for name in signed_headers {
        let value = request.headers.get(*name)?.to_str().ok()?;
        headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    Some(assemble(
        request,
        &canonical_uri(request.path),
        &headers,
        signed_headers,
    ))
}

/// A canonical request of the SigV4 family (Huawei's and AWS's): the method, the
/// canonical `uri`, the canonical query, the canonical `headers` block, the signed header
/// names and the body's hex SHA-256, one a line.
pub fn assemble(request: &Signed<'_>, uri: &str, headers: &str, signed_headers: &[&str]) -> String {
    format!(
        "{}\n{uri}\n{}\n{headers}\n{}\n{}",
        request.method,
        canonical_query(request.query),
        signed_headers.join(";"),
        hex(&Sha256::digest(request.body)),
    )
}

/// `SDK-HMAC-SHA256\n<date>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    format!(
        "SDK-HMAC-SHA256\n{sdk_date}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// hex(HMAC-SHA256(secret, string to sign)).
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The three fields of an `Authorization: SDK-HMAC-SHA256 ...` header.
fn fields(authorization: &str) -> Option<(&str, Vec<&str>, &str)> {
    let rest = authorization.strip_prefix("SDK-HMAC-SHA256 ")?;
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key {
            "Access" => access = Some(value),
            "SignedHeaders" => signed = Some(value.split(';').collect()),
            "Signature" => signature = Some(value),
            _ => return None,
        }
    }
    Some((access?, signed?, signature?))
}

/// Verifies `request` against the known `keys` (access key, secret) at `now_ms`.
pub fn verify(request: &Signed<'_>, keys: &[(&str, &str)], now_ms: i64) -> Result<(), Refusal> {
    let authorization = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or(Refusal::Malformed)?;
    let (access, signed_headers, given) = fields(authorization).ok_or(Refusal::Malformed)?;
    let secret = keys
        .iter()
        .find(|(ak, _)| *ak == access)
        .map(|(_, sk)| *sk)
        .ok_or(Refusal::UnknownKey)?;
    let date = request
        .headers
        .get("x-sdk-date")
        .and_then(|v| v.to_str().ok())
        .ok_or(Refusal::Expired)?;
    let at = Utc::parse_basic(date).ok_or(Refusal::Expired)?;
    if (at.unix_ms() - now_ms).abs() > WINDOW_MS {
        return Err(Refusal::Expired);
    }
    let lower_case = signed_headers
        .iter()
        .all(|h| !h.is_empty() && *h == h.to_ascii_lowercase());
    if !lower_case || !signed_headers.contains(&"host") || !signed_headers.contains(&"x-sdk-date") {
        return Err(Refusal::Malformed);
    }
    let canonical = canonical_request(request, &signed_headers).ok_or(Refusal::Malformed)?;
    let expected = signature(secret, &string_to_sign(date, &canonical));
    if given == expected {
        Ok(())
    } else {
        Err(Refusal::Mismatch)
    }
}

/// `GET path?query` without a body, with `headers`: the requests of the signature tests.
#[cfg(test)]
pub(crate) fn get<'a>(path: &'a str, query: &'a str, headers: &'a HeaderMap) -> Signed<'a> {
    static GET: Method = Method::GET;
    Signed {
        method: &GET,
        path,
        query,
        headers,
        body: b"",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// The SDK vector's request, `GET /resources?size=1` without a body, with `headers`.
    fn vector(headers: &HeaderMap) -> Signed<'_> {
        get("/resources", "size=1", headers)
    }

    #[test]
    fn the_vendor_sdk_vector() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "host",
            HeaderValue::from_static("service.endpoint.myhuaweicloud.com"),
        );
        headers.insert("x-sdk-date", HeaderValue::from_static("20200608T023900Z"));
        let request = vector(&headers);
        let canonical =
            canonical_request(&request, &["host", "x-sdk-date"]).expect("headers present");
        assert_eq!(
            canonical,
            "GET\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\nx-sdk-date:20200608T023900Z\n\nhost;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let signed = signature("SecretKey", &string_to_sign("20200608T023900Z", &canonical));
        assert_eq!(
            signed,
            "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
        );

        // The whole check, at the vector's own time.
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!(
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature={signed}"
            ))
            .expect("header"),
        );
        let request = vector(&headers);
        let at = Utc::parse_basic("20200608T023900Z")
            .expect("date")
            .unix_ms();
        let keys = [("AccessKey", "SecretKey")];
        assert_eq!(verify(&request, &keys, at), Ok(()));
        assert_eq!(verify(&request, &keys, at + WINDOW_MS), Ok(()));
        assert_eq!(
            verify(&request, &keys, at + WINDOW_MS + 1000),
            Err(Refusal::Expired)
        );
        assert_eq!(
            verify(&request, &keys, at - WINDOW_MS - 1000),
            Err(Refusal::Expired)
        );
        assert_eq!(
            verify(&request, &[("AccessKey", "Other")], at),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            verify(&request, &[("Other", "SecretKey")], at),
            Err(Refusal::UnknownKey)
        );
    }

    #[test]
    fn canonical_parts() {
        assert_eq!(canonical_uri("/v1/sim-pools"), "/v1/sim-pools/");
        assert_eq!(canonical_uri("/a%20b/c/"), "/a%20b/c/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(
            canonical_query("b=2&a=y&a=x&c=%E7%94%A8&d"),
            "a=x&a=y&b=2&c=%E7%94%A8&d="
        );
    }

    #[test]
    fn malformed_authorizations_are_refused() {
        for bad in [
            "SDK-HMAC-SHA1 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=00",
            "SDK-HMAC-SHA256 Access=AccessKey, Signature=00",
            "SDK-HMAC-SHA256 Access=AccessKey; SignedHeaders=host, Signature=00",
        ] {
            assert_eq!(fields(bad), None, "{bad}");
        }
    }
}
