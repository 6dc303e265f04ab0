//! Huawei Cloud AK/SK request signing, `SDK-HMAC-SHA256`.

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use sha2::{Digest, Sha256};

use crate::auth::signing::{
    hmac_sha256, join_encoded, parse_pairs, percent_decode_strict, sdk_date,
};
use crate::auth::{AccessKey, ResolveIdentity, Scheme, Sign};
use crate::request::percent_encode;

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
/// The key pair (and the security token of temporary keys) comes from a provider `P`: a
/// fixed [`AccessKey`] or your own ([`SdkHmacSha256::with_provider`]), cached like every
/// credential.
///
/// `Debug` shows the access key and project id, never the secret key or the token.
///
/// ```
/// use meterage_runtime::auth::AccessKey;
/// use meterage_runtime::SdkHmacSha256;
///
/// let auth = SdkHmacSha256::new(AccessKey {
///     id: "AK-example".into(),
///     secret: "sk-s3cr3t".into(),
///     security_token: Some("token-s3cr3t".into()),
/// })
/// .project_id("0123456789abcdef");
/// let debug = format!("{auth:?}");
/// assert!(debug.contains("AK-example") && debug.contains("0123456789abcdef"));
/// assert!(!debug.contains("s3cr3t"));
/// ```
pub type SdkHmacSha256<P = AccessKey> = Scheme<P, SdkSigner>;

impl SdkHmacSha256 {
    /// Signs with a fixed key pair.
    pub fn new(key: AccessKey) -> Self {
        Self::with_provider(key)
    }
}

impl<P: ResolveIdentity<AccessKey>> Scheme<P, SdkSigner> {
    /// Signs with the key pairs `keys` yields (rotating or temporary keys).
    pub fn with_provider(keys: P) -> Self {
        Scheme::from_parts(keys, SdkSigner::default())
    }

    /// Sends (and signs) the header `X-Project-Id: <id>`, for project-scoped calls.
    pub fn project_id(self, id: impl Into<String>) -> Self {
        let id = id.into();
        self.map_signer(|_| SdkSigner {
            project_id: Some(id),
        })
    }
}

/// The signer of [`SdkHmacSha256`]: `X-Sdk-Date` now, then the signature.
#[derive(Debug, Clone, Default)]
pub struct SdkSigner {
    project_id: Option<String>,
}

impl Sign for SdkSigner {
    type Identity = AccessKey;

    fn sign(&self, key: &AccessKey, request: &mut reqwest::Request) -> Result<(), String> {
        let date = sdk_date(time::OffsetDateTime::now_utc());
        sign_sdk(key, self.project_id.as_ref(), request, &date)
    }
}

/// Signs `request` with `key` as of `sdk_date` (`YYYYMMDDTHHMMSSZ`), the testable core
/// of [`Authorize::authorize`]. Errors never contain the secret key or the token.
pub(crate) fn sign_sdk(
    key: &AccessKey,
    project_id: Option<&String>,
    request: &mut reqwest::Request,
    sdk_date: &str,
) -> Result<(), String> {
    let invalid = |header: &str| format!("the value of header `{header}` is not valid");
    let headers = request.headers_mut();
    headers.insert(
        HeaderName::from_static("x-sdk-date"),
        HeaderValue::from_str(sdk_date).map_err(|_| invalid("X-Sdk-Date"))?,
    );
    if let Some(id) = project_id {
        headers.insert(
            HeaderName::from_static("x-project-id"),
            HeaderValue::from_str(id).map_err(|_| invalid("X-Project-Id"))?,
        );
    }
    if let Some(token) = &key.security_token {
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

    let path = percent_decode_strict(request.url().path())
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

    let canonical = sdk_canonical_request(request.method().as_str(), &path, &query, &signed, body);
    let signature = sdk_hmac_sha256_signature(key.secret.expose(), sdk_date, &canonical);
    let authorization = format!(
        "{SDK_ALGORITHM} Access={}, SignedHeaders={}, Signature={signature}",
        key.id,
        sdk_signed_headers(&signed)
    );
    let mut value = HeaderValue::from_str(&authorization)
        .map_err(|_| "the access key is not a valid header value".to_owned())?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
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
    out.push_str(&hex::encode(Sha256::digest(body)));
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
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    hex::encode(hmac_sha256(
        secret_key.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;
    use crate::auth::signing::tests::{block_on, client, get, key, with_body};
    use crate::auth::{AuthContext, Authorize, IdentityGeneration};
    use crate::testing::refused;

    use crate::error::Error;

    use crate::request::Operation;

    const SDK_SIGNATURE: &str = "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842";

    static OP: Operation = Operation::get("ListSimPools", "/");

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
        let auth = key("AccessKey", "SecretKey");
        let mut request = get("https://service.endpoint.myhuaweicloud.com/resources?size=1");
        sign_sdk(&auth, None, &mut request, "20200608T023900Z").unwrap();
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
        sign_sdk(&auth, None, &mut request, "20200608T023900Z").unwrap();
        assert_eq!(request.headers().len(), 2);
        assert_eq!(request.headers().get_all(AUTHORIZATION).iter().count(), 1);
    }

    #[test]
    fn sdk_host_with_port_and_optional_headers() {
        let mut auth = key("AK", "sk-s3cr3t");
        auth.security_token = Some("token-s3cr3t".into());
        let project = "proj-1".to_owned();
        let mut request = with_body(
            get("http://127.0.0.1:8080/v1/sim%20pools?b=2&a=1&a=0&c="),
            "application/json",
            r#"{"x":1}"#,
        );
        request
            .headers_mut()
            .insert("user-agent", HeaderValue::from_static("meterage/test"));
        sign_sdk(&auth, Some(&project), &mut request, "20240101T000000Z").unwrap();
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
        // The signature covers `host`, as signed from `request`.
        let signs_host = |mut request: reqwest::Request, host: &str| {
            sign_sdk(&key("AK", "SK"), None, &mut request, "20240101T000000Z").unwrap();
            let canonical = sdk_canonical_request(
                "GET",
                "/x",
                &[],
                &[("host", host), ("x-sdk-date", "20240101T000000Z")],
                b"",
            );
            let signature = sdk_hmac_sha256_signature("SK", "20240101T000000Z", &canonical);
            request.headers()["authorization"]
                .to_str()
                .unwrap()
                .ends_with(&signature)
        };
        assert!(signs_host(get("https://h.example:443/x"), "h.example"));
        let mut request = get("http://10.0.0.1/x");
        request
            .headers_mut()
            .insert(HOST, HeaderValue::from_static("api.example"));
        assert!(signs_host(request, "api.example"));
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
        let client = client();
        let mut with_token = key("AK", "sk-s3cr3t");
        with_token.security_token = Some("tok\ns3cr3t".into());
        let auth = SdkHmacSha256::new(with_token);
        let mut request = get("http://h/v1/sim%20pools");
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap_err();
        assert!(error.to_string().contains("X-Security-Token"), "{error}");
        assert!(!format!("{error} {error:?}").contains("s3cr3t"));

        let auth = SdkHmacSha256::new(key("AK", "sk-s3cr3t"));
        let mut request = get("http://h/v1/sim%20pools?a=%E5");
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap_err();
        assert!(matches!(error, Error::Auth(_)), "{error:?}");

        let mut request = get("http://h/v1/sim%20pools?limit=10");
        block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap();
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
        // A fixed key pair is never stale: a refused signature is not replayed.
        assert!(!auth.rejected(&refused(401, None), IdentityGeneration::new(1)));
    }
}
