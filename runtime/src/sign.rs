//! Request-signing auth schemes: [`RpcSignatureV1`] (Alibaba Cloud RPC signature v1, used
//! by Kaopuyun) and [`SdkHmacSha256`] (Huawei Cloud AK/SK signing, `SDK-HMAC-SHA256`).
//!
//! Both sign each attempt afresh, after the request is complete, so a retry carries a new
//! timestamp (and, for RPC v1, a new nonce). The signing steps are also exposed as pure
//! functions ([`rpc_v1_signature`], [`sdk_canonical_request`],
//! [`sdk_hmac_sha256_signature`], ...) so that test servers and tools can check a
//! signature the same way.
//!
//! Secrets never appear in `Debug` output or error messages.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::auth::{AuthContext, AuthFuture, Authorize};
use crate::request::percent_encode;
use crate::types::Secret;

// ---------------------------------------------------------------------------------------
// Alibaba Cloud RPC signature v1
// ---------------------------------------------------------------------------------------

/// The parameters [`RpcSignatureV1`] adds; parameters of the same names already on the
/// request are replaced.
const RPC_COMMON: [&str; 6] = [
    "AccessKeyId",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Signature",
];

/// Alibaba Cloud RPC signature v1 (`HMAC-SHA1`), as Kaopuyun's OpenAPI uses it.
///
/// On every attempt it takes the request's query parameters (and the fields of an
/// `application/x-www-form-urlencoded` body), drops empty-valued ones, adds
/// `AccessKeyId`, `SignatureMethod=HMAC-SHA1`, a fresh `SignatureNonce` (UUID v4 format),
/// `SignatureVersion=1.0` and `Timestamp` (UTC now, `yyyy-MM-ddTHH:mm:ssZ`), signs them
/// all with [`rpc_v1_signature`], and rewrites the URL query as
///
/// 1. the request's own query parameters, in their original order (empty ones dropped),
/// 2. `AccessKeyId`, `SignatureMethod`, `SignatureNonce`, `SignatureVersion`, `Timestamp`,
/// 3. `Signature`,
///
/// each name and value percent-encoded with [`percent_encode`]. Form fields are signed
/// and stay in the body (empty-valued ones are removed from it too, since they are not
/// signed). Parameters named like the six above that the request already carries are
/// replaced by the scheme's own.
///
/// The scheme signs query and form parameters only: a request with another kind of
/// body (JSON) fails with [`Error::Auth`](crate::Error::Auth).
///
/// A failure whose vendor code is `SignatureNonceUsed` counts as stale
/// ([`Authorize::is_stale`]): the retry goes out with a new nonce.
///
/// `Debug` shows the access key id, never the secret.
///
/// ```
/// use meterage_runtime::RpcSignatureV1;
///
/// let auth = RpcSignatureV1::new("LTAI-example", "s3cr3t-value");
/// let debug = format!("{auth:?}");
/// assert!(debug.contains("LTAI-example"));
/// assert!(!debug.contains("s3cr3t-value"));
/// ```
#[derive(Clone, Debug)]
pub struct RpcSignatureV1 {
    access_key_id: String,
    secret: Secret,
}

impl RpcSignatureV1 {
    /// Signs with the access key `access_key_id` and its secret.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret: secret.into(),
        }
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Signs `request` with the given timestamp and nonce (the testable core of
    /// [`Authorize::authorize`]). Errors never contain parameter values or the secret.
    fn sign_request(
        &self,
        request: &mut reqwest::Request,
        timestamp: &str,
        nonce: &str,
    ) -> Result<(), String> {
        if self.access_key_id.is_empty() {
            return Err("the access key id is empty".to_owned());
        }
        let keep = |(name, value): &(String, String)| {
            !value.is_empty() && !RPC_COMMON.contains(&name.as_str())
        };

        let query = parse_pairs(request.url().query().unwrap_or(""))
            .ok_or("the query string is not valid percent-encoded UTF-8")?;
        let query: Vec<(String, String)> = query.into_iter().filter(keep).collect();

        let mut form = Vec::new();
        let mut new_body = None;
        if let Some(body) = request.body() {
            let bytes = body
                .as_bytes()
                .ok_or("the request body is a stream and cannot be signed")?;
            let content_type = request
                .headers()
                .get(CONTENT_TYPE)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
            if content_type.as_deref().is_some_and(is_form) {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| "the form body is not valid UTF-8".to_owned())?;
                let fields =
                    parse_pairs(text).ok_or("the form body is not valid percent-encoded UTF-8")?;
                let total = fields.len();
                form = fields.into_iter().filter(keep).collect();
                if form.len() != total {
                    new_body = Some(join_encoded(
                        form.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                    ));
                }
            } else if !bytes.is_empty() {
                return Err(format!(
                    "RPC signature v1 signs query and form parameters only; a `{}` body \
                     cannot be signed",
                    content_type.as_deref().unwrap_or("untyped")
                ));
            }
        }

        let common = [
            ("AccessKeyId", self.access_key_id.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp),
        ];
        let signed: Vec<(&str, &str)> = query
            .iter()
            .chain(&form)
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(common)
            .collect();
        let signature = rpc_v1_signature(request.method().as_str(), &signed, self.secret.expose());

        let mut wire = join_encoded(
            query
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .chain(common),
        );
        wire.push_str("&Signature=");
        wire.push_str(&percent_encode(&signature));
        request.url_mut().set_query(Some(&wire));
        if let Some(body) = new_body {
            *request.body_mut() = Some(reqwest::Body::from(body));
        }
        Ok(())
    }
}

impl Authorize for RpcSignatureV1 {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        if ctx.operation.public {
            return Box::pin(std::future::ready(Ok(())));
        }
        let result = unix_now()
            .and_then(|now| self.sign_request(request, &rpc_timestamp(now), &new_nonce()))
            .map_err(|message| ctx.error(message));
        Box::pin(std::future::ready(result))
    }

    /// `true` for the vendor code `SignatureNonceUsed`: a retry carries a new nonce.
    fn is_stale(&self, _status: u16, vendor_code: Option<&str>) -> bool {
        vendor_code == Some("SignatureNonceUsed")
    }
}

/// The Alibaba Cloud RPC signature v1 of `params` for an HTTP `method`.
///
/// Each name and value is percent-encoded with [`percent_encode`] (UTF-8, only
/// `A-Za-z0-9-_.~` kept, uppercase hex); the pairs are sorted by encoded name (byte
/// order; then by encoded value) and joined as `k=v` with `&`. The string to sign is
/// `METHOD&%2F&` followed by that canonical string percent-encoded again, and the
/// signature is `Base64(HMAC-SHA1(secret + "&", string to sign))`.
///
/// `params` are signed as given (the caller drops empty values), except that a parameter
/// named `Signature` is ignored, so the parameters of a signed request can be checked
/// as they arrive.
///
/// ```
/// use meterage_runtime::sign::rpc_v1_signature;
///
/// // Alibaba Cloud's published example.
/// let params = [
///     ("AccessKeyId", "testid"),
///     ("Action", "DescribeRegions"),
///     ("Format", "XML"),
///     ("SignatureMethod", "HMAC-SHA1"),
///     ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
///     ("SignatureVersion", "1.0"),
///     ("Timestamp", "2016-02-23T12:46:24Z"),
///     ("Version", "2014-05-26"),
/// ];
/// assert_eq!(
///     rpc_v1_signature("GET", &params, "testsecret"),
///     "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
/// );
/// ```
pub fn rpc_v1_signature(method: &str, params: &[(&str, &str)], secret: &str) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| *name != "Signature")
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    encoded.sort();
    let mut canonical = String::new();
    for (name, value) in &encoded {
        if !canonical.is_empty() {
            canonical.push('&');
        }
        canonical.push_str(name);
        canonical.push('=');
        canonical.push_str(value);
    }
    let string_to_sign = format!("{method}&%2F&{}", percent_encode(&canonical));
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    base64::engine::general_purpose::STANDARD.encode(hmac_sha1(&key, string_to_sign.as_bytes()))
}

/// Whether a `Content-Type` value is `application/x-www-form-urlencoded`.
fn is_form(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|essence| {
        essence
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

/// `name=value` pairs, each percent-encoded with [`percent_encode`], joined with `&`.
fn join_encoded<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Huawei Cloud SDK-HMAC-SHA256
// ---------------------------------------------------------------------------------------

/// The algorithm name that starts the string to sign and the `Authorization` header.
const SDK_ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The headers [`SdkHmacSha256`] signs when present, in canonical (sorted) order.
const SDK_SIGNED: [&str; 5] = [
    "content-type",
    "host",
    "x-project-id",
    "x-sdk-date",
    "x-security-token",
];

/// Huawei Cloud AK/SK request signing, `SDK-HMAC-SHA256` (what the vendor's SDKs use).
///
/// On every attempt it sets `X-Sdk-Date` (UTC now, `YYYYMMDDTHHMMSSZ`), `X-Project-Id`
/// and `X-Security-Token` when configured, computes the canonical request
/// ([`sdk_canonical_request`]) and the signature ([`sdk_hmac_sha256_signature`]), and
/// sets `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`
/// (marked sensitive, like `X-Security-Token`).
///
/// Signed headers: `host`, `x-sdk-date`, and `content-type`, `x-project-id`,
/// `x-security-token` when present. The vendor's rule allows signing every header, but
/// the fewer headers are signed the fewer a proxy can break by rewriting them, so
/// `User-Agent`, `Accept` and other headers are not signed. The gateway checks the
/// headers the `SignedHeaders` list names, so this is accepted as it is.
///
/// `host` is the value reqwest sends: the request's own `Host` header if it has one,
/// otherwise the URL's host, with `:port` when the port is not the scheme's default.
/// No `Host` header is added (reqwest adds it when sending).
///
/// `Debug` shows the access key and project id, never the secret key or the token.
///
/// ```
/// use meterage_runtime::SdkHmacSha256;
///
/// let auth = SdkHmacSha256::new("AK-example", "sk-s3cr3t")
///     .project_id("0123456789abcdef")
///     .security_token("token-s3cr3t");
/// let debug = format!("{auth:?}");
/// assert!(debug.contains("AK-example") && debug.contains("0123456789abcdef"));
/// assert!(!debug.contains("s3cr3t"));
/// ```
#[derive(Clone, Debug)]
pub struct SdkHmacSha256 {
    access_key: String,
    secret_key: Secret,
    project_id: Option<String>,
    security_token: Option<Secret>,
}

impl SdkHmacSha256 {
    /// Signs with the access key `access_key` (AK) and its secret key (SK).
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            project_id: None,
            security_token: None,
        }
    }

    /// Sends (and signs) the header `X-Project-Id: <id>`, for project-scoped calls.
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// Sends (and signs) the header `X-Security-Token: <token>`, marked sensitive, for
    /// temporary access keys.
    pub fn security_token(mut self, token: impl Into<Secret>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// The access key (AK).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Signs `request` as of `sdk_date` (`YYYYMMDDTHHMMSSZ`), the testable core of
    /// [`Authorize::authorize`]. Errors never contain the secret key or the token.
    fn sign_request(&self, request: &mut reqwest::Request, sdk_date: &str) -> Result<(), String> {
        let invalid = |header: &str| format!("the value of header `{header}` is not valid");
        let headers = request.headers_mut();
        headers.insert(
            HeaderName::from_static("x-sdk-date"),
            HeaderValue::from_str(sdk_date).map_err(|_| invalid("X-Sdk-Date"))?,
        );
        if let Some(id) = &self.project_id {
            headers.insert(
                HeaderName::from_static("x-project-id"),
                HeaderValue::from_str(id).map_err(|_| invalid("X-Project-Id"))?,
            );
        }
        if let Some(token) = &self.security_token {
            let mut value =
                HeaderValue::from_str(token.expose()).map_err(|_| invalid("X-Security-Token"))?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static("x-security-token"), value);
        }

        let host = match request.headers().get(HOST) {
            Some(value) => value.to_str().map_err(|_| invalid("Host"))?.to_owned(),
            None => {
                let url = request.url();
                let host = url.host_str().ok_or("the URL has no host")?;
                match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                }
            }
        };
        let mut signed: Vec<(&str, String)> = Vec::with_capacity(SDK_SIGNED.len());
        for name in SDK_SIGNED {
            if name == "host" {
                signed.push((name, host.clone()));
            } else if let Some(value) = request.headers().get(name) {
                let value = value.to_str().map_err(|_| invalid(name))?;
                signed.push((name, value.to_owned()));
            }
        }
        let signed: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (*n, v.as_str())).collect();

        let path = percent_decode_str(request.url().path())
            .ok_or("the URL path is not valid percent-encoded UTF-8")?;
        let query = parse_pairs(request.url().query().unwrap_or(""))
            .ok_or("the query string is not valid percent-encoded UTF-8")?;
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let body = match request.body() {
            None => &[][..],
            Some(body) => body
                .as_bytes()
                .ok_or("the request body is a stream and cannot be signed")?,
        };

        let canonical =
            sdk_canonical_request(request.method().as_str(), &path, &query, &signed, body);
        let signature = sdk_hmac_sha256_signature(self.secret_key.expose(), sdk_date, &canonical);
        let authorization = format!(
            "{SDK_ALGORITHM} Access={}, SignedHeaders={}, Signature={signature}",
            self.access_key,
            sdk_signed_headers(&signed)
        );
        let mut value = HeaderValue::from_str(&authorization)
            .map_err(|_| "the access key is not a valid header value".to_owned())?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }
}

impl Authorize for SdkHmacSha256 {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        if ctx.operation.public {
            return Box::pin(std::future::ready(Ok(())));
        }
        let result = unix_now()
            .and_then(|now| self.sign_request(request, &sdk_date(now)))
            .map_err(|message| ctx.error(message));
        Box::pin(std::future::ready(result))
    }
}

/// The `SDK-HMAC-SHA256` canonical URI of a decoded `path`: split at `/`, each segment
/// percent-encoded with [`percent_encode`] (RFC 3986 unreserved characters kept), always
/// ending in `/`.
///
/// Like the vendor's SDKs, the path is decoded before it is split, so an encoded `%2F`
/// inside a segment counts as a separator.
///
/// ```
/// use meterage_runtime::sign::sdk_canonical_uri;
///
/// assert_eq!(sdk_canonical_uri("/v1/sim pools"), "/v1/sim%20pools/");
/// assert_eq!(sdk_canonical_uri("/"), "/");
/// ```
pub fn sdk_canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&percent_encode(segment));
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The `SDK-HMAC-SHA256` canonical query string of decoded `query` pairs: sorted by name,
/// then value (byte order of the decoded text, as the vendor's SDKs sort), each
/// percent-encoded with [`percent_encode`], joined as `k=v` with `&`.
pub fn sdk_canonical_query(query: &[(&str, &str)]) -> String {
    let mut sorted = query.to_vec();
    sorted.sort();
    join_encoded(sorted.into_iter())
}

/// The canonical headers' names: lower-cased, without names containing `_`, sorted,
/// deduplicated, joined with `;` (the `SignedHeaders` of the `Authorization` header).
pub fn sdk_signed_headers(headers: &[(&str, &str)]) -> String {
    let mut names: Vec<String> = canonical_headers(headers)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    names.dedup();
    names.join(";")
}

/// Headers lower-cased and trimmed, without names containing `_`, sorted by name (then
/// value).
fn canonical_headers(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    out.sort();
    out
}

/// The `SDK-HMAC-SHA256` canonical request:
/// `METHOD\nCanonicalURI\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nhex(sha256(body))`.
///
/// `path` and `query` are decoded (see [`sdk_canonical_uri`], [`sdk_canonical_query`]);
/// `headers` are the headers to sign, in any order and case, `host` and `x-sdk-date`
/// among them. Each becomes a `name:trimmed value\n` line (headers whose names contain
/// `_` are left out), sorted by name; [`sdk_signed_headers`] lists the same names.
///
/// ```
/// use meterage_runtime::sign::{sdk_canonical_request, sdk_hmac_sha256_signature};
///
/// // The vendor SDK's unit test.
/// let canonical = sdk_canonical_request(
///     "GET",
///     "/resources",
///     &[("size", "1")],
///     &[
///         ("Host", "service.endpoint.myhuaweicloud.com"),
///         ("X-Sdk-Date", "20200608T023900Z"),
///     ],
///     b"",
/// );
/// assert!(canonical.starts_with("GET\n/resources/\nsize=1\nhost:service.endpoint"));
/// assert_eq!(
///     sdk_hmac_sha256_signature("SecretKey", "20200608T023900Z", &canonical),
///     "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
/// );
/// ```
pub fn sdk_canonical_request(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    body: &[u8],
) -> String {
    let mut out = String::new();
    out.push_str(method);
    out.push('\n');
    out.push_str(&sdk_canonical_uri(path));
    out.push('\n');
    out.push_str(&sdk_canonical_query(query));
    out.push('\n');
    for (name, value) in canonical_headers(headers) {
        out.push_str(&name);
        out.push(':');
        out.push_str(&value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&sdk_signed_headers(headers));
    out.push('\n');
    out.push_str(&hex(&Sha256::digest(body)));
    out
}

/// The `SDK-HMAC-SHA256` signature of a canonical request:
/// `hex(HMAC-SHA256(secret_key, "SDK-HMAC-SHA256\n" + sdk_date + "\n" + hex(sha256(canonical_request))))`.
///
/// `sdk_date` is the `X-Sdk-Date` header's value (`YYYYMMDDTHHMMSSZ`). See
/// [`sdk_canonical_request`] for an example.
pub fn sdk_hmac_sha256_signature(
    secret_key: &str,
    sdk_date: &str,
    canonical_request: &str,
) -> String {
    let string_to_sign = format!(
        "{SDK_ALGORITHM}\n{sdk_date}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    hex(&hmac_sha256(
        secret_key.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

macro_rules! hmac_fn {
    ($(#[$doc:meta])* $name:ident, $hash:ty) => {
        $(#[$doc])*
        fn $name(key: &[u8], data: &[u8]) -> Vec<u8> {
            // HMAC zero-pads a key up to the block size and hashes a longer one first;
            // doing that here makes the fixed-size (infallible) constructor usable.
            let mut block = hmac::digest::Key::<Hmac<$hash>>::default();
            let hashed;
            let key = if key.len() > block.len() {
                hashed = <$hash>::digest(key);
                &hashed[..]
            } else {
                key
            };
            for (slot, byte) in block.iter_mut().zip(key) {
                *slot = *byte;
            }
            let mut mac = <Hmac<$hash> as KeyInit>::new(&block);
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
    };
}

hmac_fn!(
    /// HMAC-SHA1 of `data` under `key` (any length).
    hmac_sha1,
    Sha1
);
hmac_fn!(
    /// HMAC-SHA256 of `data` under `key` (any length).
    hmac_sha256,
    Sha256
);

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0F)]));
    }
    out
}

/// The value of one hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Strict percent-decoding: `%XX` is decoded, every other byte (`+` included) is kept;
/// `None` for a `%` without two hex digits or for a result that is not UTF-8.
fn percent_decode_str(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'%' {
            let high = bytes.next().and_then(hex_value)?;
            let low = bytes.next().and_then(hex_value)?;
            out.push(high << 4 | low);
        } else {
            out.push(byte);
        }
    }
    String::from_utf8(out).ok()
}

/// Decoded `name=value` pairs of a query string or form body, in order; empty segments
/// are skipped and a segment without `=` has an empty value.
fn parse_pairs(text: &str) -> Option<Vec<(String, String)>> {
    text.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            Some((percent_decode_str(name)?, percent_decode_str(value)?))
        })
        .collect()
}

/// Seconds since the Unix epoch, now.
fn unix_now() -> Result<u64, String> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| "the system clock is set before 1970".to_owned())
}

/// A UTC date and time of day.
struct Civil {
    year: u64,
    month: u64,
    day: u64,
    hour: u64,
    minute: u64,
    second: u64,
}

/// The UTC calendar date and time `secs` seconds after the Unix epoch (Howard Hinnant's
/// `civil_from_days`, for non-negative day numbers).
fn civil(secs: u64) -> Civil {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Days since 0000-03-01, in 400-year eras of 146 097 days.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: rem / 3_600,
        minute: rem % 3_600 / 60,
        second: rem % 60,
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` (RPC v1 `Timestamp`).
fn rpc_timestamp(secs: u64) -> String {
    let c = civil(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `YYYYMMDDTHHMMSSZ` (`X-Sdk-Date`).
fn sdk_date(secs: u64) -> String {
    let c = civil(secs);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A fresh nonce in UUID v4 format: 128 bits from two randomly keyed SipHash hashers
/// (`RandomState`) over a process-wide counter, the time in nanoseconds and the process
/// id. The counter makes every input in a process distinct, and the random keys make
/// the outputs unpredictable and distinct across processes.
fn new_nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let half = |lane: u8| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u8(lane);
        hasher.write_u64(count);
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        hasher.finish()
    };
    let mut bytes = [0u8; 16];
    for (slot, byte) in bytes.iter_mut().zip(
        half(1)
            .to_be_bytes()
            .into_iter()
            .chain(half(2).to_be_bytes()),
    ) {
        *slot = byte;
    }
    bytes[6] = (bytes[6] & 0x0F) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3F) | 0x80; // RFC 4122 variant
    let hex = hex(&bytes);
    let mut out = String::with_capacity(36);
    for (i, ch) in hex.chars().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashSet;
    use std::future::Future;

    use super::*;
    use crate::envelope::ErrorEnvelope;
    use crate::error::Error;
    use crate::request::{Method, Operation};

    static OP: Operation = Operation {
        id: "DescribeFlowBills",
        method: Method::Get,
        success: 200,
        public: false,
        path: "/",
        server: None,
        envelope: &ErrorEnvelope::NONE,
    };

    const VECTOR_NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
    const VECTOR_TIME: &str = "2016-02-23T12:46:24Z";

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn get(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, reqwest::Url::parse(url).unwrap())
    }

    fn with_body(
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

    fn pairs(query: &str) -> Vec<(String, String)> {
        parse_pairs(query).unwrap()
    }

    fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
        pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rpc_v1_published_vector() {
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", VECTOR_NONCE),
            ("SignatureVersion", "1.0"),
            ("Timestamp", VECTOR_TIME),
            ("Version", "2014-05-26"),
        ];
        assert_eq!(
            rpc_v1_signature("GET", &params, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
        // Order of the input and a `Signature` parameter do not matter.
        let mut shuffled = params.to_vec();
        shuffled.reverse();
        shuffled.push(("Signature", "ignored"));
        assert_eq!(
            rpc_v1_signature("GET", &shuffled, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
        assert_ne!(
            rpc_v1_signature("POST", &params, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn rpc_v1_request_matches_the_vector_and_the_documented_order() {
        let auth = RpcSignatureV1::new("testid", "testsecret");
        let mut request =
            get("https://ecs.aliyuncs.com/?Action=DescribeRegions&Format=XML&Version=2014-05-26");
        auth.sign_request(&mut request, VECTOR_TIME, VECTOR_NONCE)
            .unwrap();
        assert_eq!(
            request.url().query().unwrap(),
            "Action=DescribeRegions&Format=XML&Version=2014-05-26&AccessKeyId=testid\
             &SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             &SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z\
             &Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"
        );
        assert_eq!(request.url().path(), "/");
    }

    #[test]
    fn rpc_v1_drops_empty_and_replaces_common_parameters() {
        let auth = RpcSignatureV1::new("testid", "testsecret");
        let mut request = get(
            "http://h/?Version=2014-05-26&Empty=&Action=DescribeRegions&Flag\
             &Signature=old&Timestamp=old&&Format=XML",
        );
        auth.sign_request(&mut request, VECTOR_TIME, VECTOR_NONCE)
            .unwrap();
        let query = request.url().query().unwrap().to_owned();
        assert!(
            query.starts_with(
                "Version=2014-05-26&Action=DescribeRegions&Format=XML&AccessKeyId=testid&"
            ),
            "{query}"
        );
        assert!(
            !query.contains("Empty") && !query.contains("Flag"),
            "{query}"
        );
        assert_eq!(query.matches("Signature=").count(), 1, "{query}");
        assert!(
            query.ends_with("&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"),
            "{query}"
        );
    }

    #[test]
    fn rpc_v1_decodes_strictly_and_reencodes() {
        let auth = RpcSignatureV1::new("testid", "testsecret");
        // `+` stays a plus sign, `%20` is a space, commas from `query_csv` are data.
        let mut request = get("http://h/?Action=X&Name=a+b%20c&Status=0,1&Cn=%E5%BC%A0");
        auth.sign_request(&mut request, VECTOR_TIME, VECTOR_NONCE)
            .unwrap();
        let query = request.url().query().unwrap().to_owned();
        assert!(
            query.starts_with("Action=X&Name=a%2Bb%20c&Status=0%2C1&Cn=%E5%BC%A0&"),
            "{query}"
        );
        let params = pairs(&query);
        let signature = &params.last().unwrap().1;
        let expected = rpc_v1_signature("GET", &borrowed(&params), "testsecret");
        assert_eq!(signature, &expected);
        assert!(params.contains(&("Name".to_owned(), "a+b c".to_owned())));

        for bad in ["http://h/?a=%zz", "http://h/?a=%E5", "http://h/?a=%4"] {
            let mut request = get(bad);
            let message = auth
                .sign_request(&mut request, VECTOR_TIME, VECTOR_NONCE)
                .unwrap_err();
            assert!(message.contains("percent-encoded"), "{message}");
        }
    }

    #[test]
    fn rpc_v1_signs_a_form_body() {
        let auth = RpcSignatureV1::new("testid", "testsecret");
        let request = get("http://h/api/?Action=DescribeFlowBills");
        let mut request = with_body(
            request,
            "application/x-www-form-urlencoded; charset=utf-8",
            "RegionCode=cn%201&PageSize=10",
        );
        auth.sign_request(&mut request, VECTOR_TIME, VECTOR_NONCE)
            .unwrap();
        let body = request.body().unwrap().as_bytes().unwrap();
        assert_eq!(body, b"RegionCode=cn%201&PageSize=10");
        let query = pairs(request.url().query().unwrap());
        assert!(!query.iter().any(|(name, _)| name == "RegionCode"));
        let signature = query.last().unwrap().1.clone();
        let mut all = query.clone();
        all.extend(pairs(std::str::from_utf8(body).unwrap()));
        assert_eq!(
            signature,
            rpc_v1_signature("POST", &borrowed(&all), "testsecret")
        );
        // Without the form fields the signature would differ.
        assert_ne!(
            signature,
            rpc_v1_signature("POST", &borrowed(&query), "testsecret")
        );

        // Empty form fields are neither signed nor sent.
        let request = get("http://h/api/?Action=X");
        let mut request = with_body(
            request,
            "application/x-www-form-urlencoded",
            "A=1&Empty=&B=2%2B&Signature=x",
        );
        auth.sign_request(&mut request, VECTOR_TIME, VECTOR_NONCE)
            .unwrap();
        assert_eq!(request.body().unwrap().as_bytes().unwrap(), b"A=1&B=2%2B");
    }

    #[test]
    fn rpc_v1_refuses_json_bodies_without_leaking_the_secret() {
        let http = reqwest::Client::new();
        let auth = RpcSignatureV1::new("testid", "s3cr3t-value");
        let mut request = with_body(get("http://h/"), "application/json", r#"{"a":1}"#);
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap_err();
        assert!(
            matches!(&error, Error::Auth { operation: "DescribeFlowBills", message } if message.contains("application/json")),
            "{error:?}"
        );
        assert!(!format!("{error} {error:?}").contains("s3cr3t"));
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        assert!(format!("{auth:?}").contains("testid"));

        // An empty body of another type is fine.
        let mut request = with_body(get("http://h/?Action=X"), "application/json", "");
        block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap();

        let empty = RpcSignatureV1::new("", "s3cr3t-value");
        let mut request = get("http://h/?Action=X");
        let error =
            block_on(empty.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap_err();
        assert!(
            error.to_string().contains("access key id is empty"),
            "{error}"
        );
    }

    #[test]
    fn rpc_v1_authorize_uses_the_clock_and_a_fresh_nonce() {
        let http = reqwest::Client::new();
        let auth = RpcSignatureV1::new("testid", "testsecret");
        let mut nonces = HashSet::new();
        for _ in 0..3 {
            let mut request = get("http://h/?Action=X");
            block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap();
            let params = pairs(request.url().query().unwrap());
            let value = |name: &str| {
                params
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap()
            };
            let timestamp = value("Timestamp");
            assert_eq!(timestamp.len(), 20, "{timestamp}");
            assert!(timestamp.starts_with("20") && timestamp.ends_with('Z'));
            assert!(nonces.insert(value("SignatureNonce")));
            assert_eq!(
                value("Signature"),
                rpc_v1_signature("GET", &borrowed(&params), "testsecret")
            );
        }
        assert!(auth.is_stale(400, Some("SignatureNonceUsed")));
        assert!(!auth.is_stale(400, Some("SignatureDoesNotMatch")));
        assert!(!auth.is_stale(401, None));
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
            assert_eq!(rpc_timestamp(secs), rpc, "{secs}");
            assert_eq!(sdk_date(secs), sdk, "{secs}");
        }
        // Far-future values format without panicking.
        let _ = rpc_timestamp(u64::MAX);
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
    fn hmac_helpers_match_the_crate_for_every_key_length() {
        for len in [0, 1, 20, 63, 64, 65, 200] {
            let key = vec![0x5Au8; len];
            let mut sha1 = <Hmac<Sha1> as KeyInit>::new_from_slice(&key).unwrap();
            sha1.update(b"data");
            assert_eq!(
                hmac_sha1(&key, b"data"),
                sha1.finalize().into_bytes().to_vec()
            );
            let mut sha256 = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
            sha256.update(b"data");
            assert_eq!(
                hmac_sha256(&key, b"data"),
                sha256.finalize().into_bytes().to_vec()
            );
        }
    }

    const SDK_SIGNATURE: &str = "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842";

    #[test]
    fn sdk_vendor_vector() {
        let headers = [
            ("X-Sdk-Date", "20200608T023900Z"),
            ("host", " service.endpoint.myhuaweicloud.com "),
        ];
        let canonical = sdk_canonical_request("GET", "/resources", &[("size", "1")], &headers, b"");
        assert_eq!(
            canonical,
            "GET\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\n\
             x-sdk-date:20200608T023900Z\n\nhost;x-sdk-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(sdk_signed_headers(&headers), "host;x-sdk-date");
        assert_eq!(
            sdk_hmac_sha256_signature("SecretKey", "20200608T023900Z", &canonical),
            SDK_SIGNATURE
        );
    }

    #[test]
    fn sdk_authorization_header_on_a_request() {
        let auth = SdkHmacSha256::new("AccessKey", "SecretKey");
        let mut request = get("https://service.endpoint.myhuaweicloud.com/resources?size=1");
        auth.sign_request(&mut request, "20200608T023900Z").unwrap();
        let headers = request.headers();
        assert_eq!(headers["x-sdk-date"], "20200608T023900Z");
        let authorization = &headers["authorization"];
        assert_eq!(
            authorization,
            &format!(
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, \
                 Signature={SDK_SIGNATURE}"
            )
        );
        assert!(authorization.is_sensitive());
        assert!(!headers.contains_key(HOST));
        assert_eq!(headers.len(), 2);

        // Signing again (another attempt) replaces the headers instead of adding more.
        auth.sign_request(&mut request, "20200608T023900Z").unwrap();
        assert_eq!(request.headers().len(), 2);
        assert_eq!(request.headers().get_all(AUTHORIZATION).iter().count(), 1);
    }

    #[test]
    fn sdk_host_with_port_and_optional_headers() {
        let auth = SdkHmacSha256::new("AK", "sk-s3cr3t")
            .project_id("proj-1")
            .security_token("token-s3cr3t");
        let mut request = with_body(
            get("http://127.0.0.1:8080/v1/sim%20pools?b=2&a=1&a=0&c="),
            "application/json",
            r#"{"x":1}"#,
        );
        request
            .headers_mut()
            .insert("user-agent", HeaderValue::from_static("meterage/test"));
        auth.sign_request(&mut request, "20240101T000000Z").unwrap();
        let headers = request.headers();
        assert_eq!(headers["x-project-id"], "proj-1");
        assert!(headers["x-security-token"].is_sensitive());
        assert!(!format!("{headers:?}").contains("s3cr3t"));
        let signed = [
            ("content-type", "application/json"),
            ("host", "127.0.0.1:8080"),
            ("x-project-id", "proj-1"),
            ("x-sdk-date", "20240101T000000Z"),
            ("x-security-token", "token-s3cr3t"),
        ];
        let canonical = sdk_canonical_request(
            "POST",
            "/v1/sim pools",
            &[("b", "2"), ("a", "1"), ("a", "0"), ("c", "")],
            &signed,
            br#"{"x":1}"#,
        );
        assert!(
            canonical.starts_with("POST\n/v1/sim%20pools/\na=0&a=1&b=2&c=\ncontent-type:"),
            "{canonical}"
        );
        let expected = format!(
            "SDK-HMAC-SHA256 Access=AK, \
             SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, \
             Signature={}",
            sdk_hmac_sha256_signature("sk-s3cr3t", "20240101T000000Z", &canonical)
        );
        assert_eq!(headers["authorization"], expected.as_str());

        // Default ports are left out of the host; an explicit Host header wins.
        let plain = SdkHmacSha256::new("AK", "SK");
        let mut request = get("https://h.example:443/x");
        plain
            .sign_request(&mut request, "20240101T000000Z")
            .unwrap();
        let canonical = sdk_canonical_request(
            "GET",
            "/x",
            &[],
            &[("host", "h.example"), ("x-sdk-date", "20240101T000000Z")],
            b"",
        );
        assert!(request.headers()["authorization"]
            .to_str()
            .unwrap()
            .ends_with(&sdk_hmac_sha256_signature(
                "SK",
                "20240101T000000Z",
                &canonical
            )));
        let mut request = get("http://10.0.0.1/x");
        request
            .headers_mut()
            .insert(HOST, HeaderValue::from_static("api.example"));
        plain
            .sign_request(&mut request, "20240101T000000Z")
            .unwrap();
        let canonical = sdk_canonical_request(
            "GET",
            "/x",
            &[],
            &[("host", "api.example"), ("x-sdk-date", "20240101T000000Z")],
            b"",
        );
        assert!(request.headers()["authorization"]
            .to_str()
            .unwrap()
            .ends_with(&sdk_hmac_sha256_signature(
                "SK",
                "20240101T000000Z",
                &canonical
            )));
    }

    #[test]
    fn sdk_canonical_pieces() {
        assert_eq!(sdk_canonical_uri("/v1/sim pools"), "/v1/sim%20pools/");
        assert_eq!(sdk_canonical_uri("/v1/sim-pools/"), "/v1/sim-pools/");
        assert_eq!(sdk_canonical_uri(""), "/");
        assert_eq!(sdk_canonical_uri("/"), "/");
        assert_eq!(
            sdk_canonical_uri("/a/用户/b~c"),
            "/a/%E7%94%A8%E6%88%B7/b~c/"
        );
        assert_eq!(
            sdk_canonical_query(&[("z", "1"), ("a b", "x+y"), ("a", "2"), ("a", "10")]),
            "a=10&a=2&a%20b=x%2By&z=1"
        );
        assert_eq!(sdk_canonical_query(&[]), "");
        assert_eq!(
            sdk_signed_headers(&[
                ("X-Sdk-Date", "d"),
                ("Host", "h"),
                ("X_Under", "u"),
                ("accept", "a"),
                ("Accept", "b"),
            ]),
            "accept;host;x-sdk-date"
        );
    }

    #[test]
    fn sdk_authorize_with_the_clock_and_errors() {
        let http = reqwest::Client::new();
        let auth = SdkHmacSha256::new("AK", "sk-s3cr3t").security_token("tok\ns3cr3t");
        let mut request = get("http://h/v1/sim%20pools");
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap_err();
        assert!(error.to_string().contains("X-Security-Token"), "{error}");
        assert!(!format!("{error} {error:?}").contains("s3cr3t"));

        let auth = SdkHmacSha256::new("AK", "sk-s3cr3t");
        let mut request = get("http://h/v1/sim%20pools?a=%E5");
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");

        let mut request = get("http://h/v1/sim%20pools?limit=10");
        block_on(auth.authorize(AuthContext::new(&OP, &http), &mut request)).unwrap();
        let date = request.headers()["x-sdk-date"].to_str().unwrap().to_owned();
        assert_eq!(date.len(), 16, "{date}");
        assert_eq!(date.as_bytes()[8], b'T');
        let canonical = sdk_canonical_request(
            "GET",
            "/v1/sim pools",
            &[("limit", "10")],
            &[("host", "h"), ("x-sdk-date", &date)],
            b"",
        );
        assert_eq!(
            request.headers()["authorization"],
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={}",
                sdk_hmac_sha256_signature("sk-s3cr3t", &date, &canonical)
            )
            .as_str()
        );
        assert!(!auth.is_stale(401, None));
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(percent_decode_str("a+b%20c%2b").unwrap(), "a+b c+");
        assert_eq!(percent_decode_str("%E5%BC%A0").unwrap(), "张");
        assert!(percent_decode_str("%").is_none());
        assert!(percent_decode_str("%G0").is_none());
        assert!(percent_decode_str("%FF").is_none());
        assert_eq!(
            pairs("a=1&&b&c=x=y"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "x=y".to_owned()),
            ]
        );
        assert!(is_form("Application/X-WWW-Form-Urlencoded ; charset=UTF-8"));
        assert!(!is_form("application/json"));
    }
}
