//! Alibaba Cloud RPC signature v1 (`HMAC-SHA1`), as Kaopuyun uses it.

use base64::Engine as _;
use reqwest::header::CONTENT_TYPE;

use crate::auth::signing::{hmac_sha1, join_encoded, new_nonce, parse_pairs, rpc_timestamp};
use crate::auth::{AccessKey, ResolveIdentity, Scheme, Sign};
use crate::envelope::code_matches;
use crate::interceptor::AttemptOutcome;
use crate::request::percent_encode;

/// The parameters [`RpcSignatureV1`] adds; parameters of the same names already on the
/// request are replaced (`SecurityToken` by the key's token, or by nothing when the key
/// has none).
const RPC_COMMON: [&str; 7] = [
    "AccessKeyId",
    "SecurityToken",
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
/// `AccessKeyId`, `SecurityToken` (only for a temporary key: one whose
/// [`AccessKey::security_token`] is set and not empty), `SignatureMethod=HMAC-SHA1`, a
/// fresh `SignatureNonce` (UUID v4 format), `SignatureVersion=1.0` and `Timestamp` (UTC
/// now, `yyyy-MM-ddTHH:mm:ssZ`), signs them all with [`rpc_v1_signature`], and rewrites
/// the URL query as
///
/// 1. the request's own query parameters, in their original order (empty ones dropped),
/// 2. `AccessKeyId`, `SecurityToken` (temporary keys), `SignatureMethod`,
///    `SignatureNonce`, `SignatureVersion`, `Timestamp`,
/// 3. `Signature`,
///
/// each name and value percent-encoded with [`percent_encode`]. Form fields are signed
/// and stay in the body (empty-valued ones are removed from it too, since they are not
/// signed). Parameters named like the seven above that the request already carries are
/// replaced by the scheme's own (a `SecurityToken` of the request's is dropped when the
/// key has none: the credential decides).
///
/// `SecurityToken` is how Alibaba Cloud's RPC style takes the token of STS (temporary)
/// credentials: a common parameter in the query, covered by the signature like every
/// other one, and the request is signed with the temporary key's own secret (as the
/// vendor's SDKs do, e.g. `aliyunsdkcore`'s `StsTokenSigner`, which adds it to the
/// query before signing); a temporary key sent without its token is refused. The token
/// travels in the URL, like the signature: the runtime never logs query strings and
/// drops the URL from transport errors, and neither `Debug` nor an error message shows
/// it.
///
/// The scheme signs query and form parameters only: a request with another kind of
/// body (JSON) fails with [`Error::Auth`](crate::Error::Auth).
///
/// A failure whose vendor code is `SignatureNonceUsed` is replayed at once, with a new
/// nonce ([`Sign::sign_again`]).
///
/// The key pair comes from a provider `P`: a fixed [`AccessKey`] or your own
/// ([`RpcSignatureV1::with_provider`], for instance temporary keys with their tokens from
/// your own STS call, given their lifetime), cached like every credential.
///
/// `Debug` shows the access key id, never the secret or the security token.
///
/// ```
/// use meterage_runtime::auth::AccessKey;
/// use meterage_runtime::RpcSignatureV1;
///
/// let auth = RpcSignatureV1::new(AccessKey {
///     id: "LTAI-example".into(),
///     secret: "s3cr3t-value".into(),
///     security_token: None,
/// });
/// let debug = format!("{auth:?}");
/// assert!(debug.contains("LTAI-example"));
/// assert!(!debug.contains("s3cr3t-value"));
///
/// // Temporary (STS) credentials: the token is sent as `SecurityToken`.
/// let sts = RpcSignatureV1::new(AccessKey {
///     id: "STS.example".into(),
///     secret: "temporary-s3cr3t".into(),
///     security_token: Some("token-s3cr3t".into()),
/// });
/// assert!(!format!("{sts:?}").contains("s3cr3t"));
/// ```
pub type RpcSignatureV1<P = AccessKey> = Scheme<P, RpcV1Signer>;

impl RpcSignatureV1 {
    /// Signs with a fixed key pair.
    pub fn new(key: AccessKey) -> Self {
        Self::with_provider(key)
    }
}

impl<P: ResolveIdentity<AccessKey>> Scheme<P, RpcV1Signer> {
    /// Signs with the key pairs `keys` yields (rotating keys).
    pub fn with_provider(keys: P) -> Self {
        Scheme::from_parts(keys, RpcV1Signer)
    }
}

/// The signer of [`RpcSignatureV1`]: a fresh timestamp and nonce, then the signature.
#[derive(Debug, Clone, Copy, Default)]
pub struct RpcV1Signer;

impl Sign for RpcV1Signer {
    type Identity = AccessKey;

    fn sign(&self, key: &AccessKey, request: &mut reqwest::Request) -> Result<(), String> {
        let now = time::OffsetDateTime::now_utc();
        sign_rpc_v1(key, request, &rpc_timestamp(now), &new_nonce())
    }

    /// `SignatureNonceUsed` (matched by [`code_matches`]): sign again, with a new nonce.
    fn sign_again(&self, outcome: &AttemptOutcome<'_>) -> bool {
        outcome
            .vendor_code
            .is_some_and(|code| code_matches("SignatureNonceUsed", code))
    }
}

/// Signs `request` with `key`, the given timestamp and nonce (the testable core of
/// [`Sign::sign`]). Errors never contain parameter values or the secret.
pub(crate) fn sign_rpc_v1(
    key: &AccessKey,
    request: &mut reqwest::Request,
    timestamp: &str,
    nonce: &str,
) -> Result<(), String> {
    if key.id.is_empty() {
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

    // In the documented order; `SecurityToken` only for a temporary key (an empty value
    // is not a parameter, as everywhere in this scheme).
    let token = key
        .security_token
        .as_ref()
        .map(|token| token.expose())
        .filter(|token| !token.is_empty());
    let common: Vec<(&str, &str)> = [
        Some(("AccessKeyId", key.id.as_str())),
        token.map(|token| ("SecurityToken", token)),
        Some(("SignatureMethod", "HMAC-SHA1")),
        Some(("SignatureNonce", nonce)),
        Some(("SignatureVersion", "1.0")),
        Some(("Timestamp", timestamp)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let signed: Vec<(&str, &str)> = query
        .iter()
        .chain(&form)
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .chain(common.iter().copied())
        .collect();
    let signature = rpc_v1_signature(request.method().as_str(), &signed, key.secret.expose());

    let mut wire = join_encoded(
        query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(common.iter().copied()),
    );
    wire.push_str("&Signature=");
    wire.push_str(&percent_encode(&signature));
    request.url_mut().set_query(Some(&wire));
    if let Some(body) = new_body {
        *request.body_mut() = Some(reqwest::Body::from(body));
    }
    Ok(())
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
    let key = format!("{secret}&");
    base64::engine::general_purpose::STANDARD
        .encode(hmac_sha1(key.as_bytes(), string_to_sign.as_bytes()))
}

/// Whether a `Content-Type` value is `application/x-www-form-urlencoded`.
fn is_form(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|essence| {
        essence
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::auth::signing::tests::{block_on, borrowed, client, get, key, pairs, with_body};
    use crate::auth::{AuthContext, Authorize, IdentityGeneration};
    use crate::testing::refused;

    use crate::error::Error;

    use crate::request::Operation;

    static OP: Operation = Operation::get("DescribeFlowBills", "/");

    const VECTOR_NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
    const VECTOR_TIME: &str = "2016-02-23T12:46:24Z";
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
        let auth = key("testid", "testsecret");
        let mut request =
            get("https://ecs.aliyuncs.com/?Action=DescribeRegions&Format=XML&Version=2014-05-26");
        sign_rpc_v1(&auth, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
        assert_eq!(
            request.url().query().unwrap(),
            "Action=DescribeRegions&Format=XML&Version=2014-05-26&AccessKeyId=testid\
             &SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             &SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z\
             &Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"
        );
        assert_eq!(request.url().path(), "/");
    }

    /// A temporary (STS) key of the vector's shape; its token needs percent-encoding.
    fn temporary(token: Option<&str>) -> AccessKey {
        AccessKey {
            id: "STS.testid".to_owned(),
            secret: "testsecret".into(),
            security_token: token.map(Into::into),
        }
    }

    /// Alibaba Cloud's RPC v1 algorithm, written out step by step from the vendor's
    /// documentation and independent of [`rpc_v1_signature`] and `percent_encode`.
    fn vendor_signature(string_to_sign: &str, secret: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
        mac.update(string_to_sign.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    #[test]
    fn rpc_v1_signs_the_security_token_of_a_temporary_key() {
        // A `SecurityToken` of the request's own is replaced by the key's.
        let mut request = get(
            "https://ecs.aliyuncs.com/?Action=DescribeRegions&SecurityToken=old\
             &Format=XML&Version=2014-05-26",
        );
        let sts = temporary(Some("CAIS+token/with=chars"));
        sign_rpc_v1(&sts, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();

        // The canonical query by hand: every parameter but `Signature`, sorted by name,
        // `SecurityToken` among them; the string to sign encodes it once more (`+` is
        // `%2B` in the canonical query, `%252B` in the string to sign).
        let string_to_sign = "GET&%2F&AccessKeyId%3DSTS.testid%26Action%3DDescribeRegions\
             %26Format%3DXML%26SecurityToken%3DCAIS%252Btoken%252Fwith%253Dchars\
             %26SignatureMethod%3DHMAC-SHA1\
             %26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z\
             %26Version%3D2014-05-26";
        let expected = vendor_signature(string_to_sign, "testsecret");
        // The same value computed outside Rust (Python's hmac, hashlib and base64).
        assert_eq!(expected, "IJgxYJwTRbRo3KkBXg2GeA/jo4w=");

        // The documented order: the request's own parameters, then the common ones with
        // `SecurityToken` after `AccessKeyId`, then `Signature`.
        assert_eq!(
            request.url().query().unwrap(),
            "Action=DescribeRegions&Format=XML&Version=2014-05-26&AccessKeyId=STS.testid\
             &SecurityToken=CAIS%2Btoken%2Fwith%3Dchars&SignatureMethod=HMAC-SHA1\
             &SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0\
             &Timestamp=2016-02-23T12%3A46%3A24Z&Signature=IJgxYJwTRbRo3KkBXg2GeA%2Fjo4w%3D"
        );
        let params = pairs(request.url().query().unwrap());
        assert_eq!(params.last().unwrap().1, expected);
        assert_eq!(
            params.iter().filter(|(n, _)| n == "SecurityToken").count(),
            1
        );
        // The token is covered: without it the signature would differ.
        let without: Vec<(&str, &str)> = borrowed(&params)
            .into_iter()
            .filter(|(name, _)| *name != "SecurityToken")
            .collect();
        assert_ne!(rpc_v1_signature("GET", &without, "testsecret"), expected);

        // A permanent key (no token, or an empty one) sends none, and drops the
        // request's own: the published vector again.
        let mut empty = key("testid", "testsecret");
        empty.security_token = Some("".into());
        for permanent in [key("testid", "testsecret"), empty] {
            let mut request = get(
                "https://ecs.aliyuncs.com/?Action=DescribeRegions&Format=XML\
                 &SecurityToken=stray&Version=2014-05-26",
            );
            sign_rpc_v1(&permanent, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
            let query = request.url().query().unwrap();
            assert!(!query.contains("SecurityToken"), "{query}");
            assert!(
                query.ends_with("&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"),
                "{query}"
            );
        }

        // In a form body, a `SecurityToken` field is the scheme's too: it leaves the body
        // and the key's goes in the query.
        let request = get("http://h/api/?Action=X");
        let mut request = with_body(
            request,
            "application/x-www-form-urlencoded",
            "A=1&SecurityToken=field",
        );
        sign_rpc_v1(&sts, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
        assert_eq!(request.body().unwrap().as_bytes().unwrap(), b"A=1");
        let query = pairs(request.url().query().unwrap());
        assert!(query.contains(&("SecurityToken".into(), "CAIS+token/with=chars".into())));
    }

    #[test]
    fn rpc_v1_never_shows_the_security_token() {
        let client = client();
        let auth = RpcSignatureV1::new(temporary(Some("token-s3cr3t")));
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        assert!(format!("{auth:?}").contains("STS.testid"));
        let mut request = with_body(get("http://h/"), "application/json", r#"{"a":1}"#);
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap_err();
        assert!(
            !format!("{error} {error:?}").contains("s3cr3t"),
            "{error:?}"
        );
        // Signed through the scheme, the token is in the query and the signature covers it.
        let mut request = get("http://h/?Action=X");
        block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap();
        let params = pairs(request.url().query().unwrap());
        assert!(params.contains(&("SecurityToken".into(), "token-s3cr3t".into())));
        assert_eq!(
            params.last().unwrap().1,
            rpc_v1_signature("GET", &borrowed(&params), "testsecret")
        );
    }

    #[test]
    fn rpc_v1_drops_empty_and_replaces_common_parameters() {
        let auth = key("testid", "testsecret");
        let mut request = get(
            "http://h/?Version=2014-05-26&Empty=&Action=DescribeRegions&Flag\
             &Signature=old&Timestamp=old&&Format=XML",
        );
        sign_rpc_v1(&auth, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
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
        let auth = key("testid", "testsecret");
        // `+` stays a plus sign, `%20` is a space, commas from `query_csv` are data.
        let mut request = get("http://h/?Action=X&Name=a+b%20c&Status=0,1&Cn=%E5%BC%A0");
        sign_rpc_v1(&auth, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
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
            let message = sign_rpc_v1(&auth, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap_err();
            assert!(message.contains("percent-encoded"), "{message}");
        }
    }

    #[test]
    fn rpc_v1_signs_a_form_body() {
        let auth = key("testid", "testsecret");
        let request = get("http://h/api/?Action=DescribeFlowBills");
        let mut request = with_body(
            request,
            "application/x-www-form-urlencoded; charset=utf-8",
            "RegionCode=cn%201&PageSize=10",
        );
        sign_rpc_v1(&auth, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
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
        sign_rpc_v1(&auth, &mut request, VECTOR_TIME, VECTOR_NONCE).unwrap();
        assert_eq!(request.body().unwrap().as_bytes().unwrap(), b"A=1&B=2%2B");
    }

    #[test]
    fn rpc_v1_refuses_json_bodies_without_leaking_the_secret() {
        let client = client();
        let auth = RpcSignatureV1::new(key("testid", "s3cr3t-value"));
        let mut request = with_body(get("http://h/"), "application/json", r#"{"a":1}"#);
        let error =
            block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap_err();
        assert!(
            matches!(&error, Error::Auth(auth) if auth.operation == "DescribeFlowBills" && auth.message.contains("application/json")),
            "{error:?}"
        );
        assert!(!format!("{error} {error:?}").contains("s3cr3t"));
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        assert!(format!("{auth:?}").contains("testid"));

        // An empty body of another type is fine.
        let mut request = with_body(get("http://h/?Action=X"), "application/json", "");
        block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap();

        let empty = RpcSignatureV1::new(key("", "s3cr3t-value"));
        let mut request = get("http://h/?Action=X");
        let error =
            block_on(empty.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap_err();
        assert!(
            error.to_string().contains("access key id is empty"),
            "{error}"
        );
    }

    #[test]
    fn rpc_v1_authorize_uses_the_clock_and_a_fresh_nonce() {
        let client = client();
        let auth = RpcSignatureV1::new(key("testid", "testsecret"));
        let mut nonces = HashSet::new();
        for _ in 0..3 {
            let mut request = get("http://h/?Action=X");
            block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap();
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
        let refused = |status: u16, code: Option<&'static str>| {
            auth.rejected(&refused(status, code), IdentityGeneration::new(1))
        };
        assert!(refused(400, Some("SignatureNonceUsed")));
        assert!(refused(400, Some("acs#SignatureNonceUsed")));
        assert!(!refused(400, Some("SignatureDoesNotMatch")));
        assert!(!refused(401, None));
    }

    #[test]
    fn form_content_types() {
        assert!(is_form("Application/X-WWW-Form-Urlencoded ; charset=UTF-8"));
        assert!(!is_form("application/json"));
    }
}
