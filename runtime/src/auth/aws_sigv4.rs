//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`), computed by the `aws-sigv4` crate of
//! the AWS SDK for Rust.

use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, SessionTokenMode, SignableBody, SignableRequest, SigningParams,
    SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

use crate::auth::{AccessKey, ResolveIdentity, Scheme, Sign};
use crate::types::Secret;

/// The headers a signature adds: taken out of the request before every attempt is signed,
/// so a retry carries its own and the signer never signs its previous signature.
const SIGNATURE_HEADERS: [&str; 4] = [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// AWS Signature Version 4 in the `Authorization` header, what the AWS SDKs send to
/// JSON and query services (Cost Explorer, STS, ...).
///
/// On every attempt it sets `X-Amz-Date` (UTC now), `X-Amz-Security-Token` when the key
/// pair has a session token (signed, as the SDKs do), and
/// `Authorization: AWS4-HMAC-SHA256 Credential=<AK>/<date>/<region>/<service>/aws4_request,
/// SignedHeaders=<a;b>, Signature=<hex>`. The canonical request, the string to sign and
/// the signature are the `aws-sigv4` crate's (the AWS SDK for Rust's own signer), with
/// the SDK's settings for services other than S3: the path normalized and encoded
/// twice, no `X-Amz-Content-Sha256` unless asked for
/// ([`AwsSigv4Signer::content_sha256_header`]).
///
/// Signed headers: every header of the request when it is signed (`Accept`,
/// `Content-Type`, an `X-Amz-Target` action selector, ...) except the few the SDKs leave
/// out (`User-Agent`, `Transfer-Encoding`, `X-Amzn-Trace-Id`), plus `host` (the URL's host,
/// with `:port` when it is not the scheme's default, or the request's own `Host` header)
/// and `x-amz-date`. Headers reqwest adds while sending (`Host`, `Content-Length`) are
/// not in the list, as the server reads it from `SignedHeaders`.
///
/// The key pair comes from a provider `P`: a fixed [`AccessKey`] (its `security_token`
/// the session token of temporary credentials) or your own
/// ([`AwsSigv4::with_provider`]), cached like every credential. `Debug` shows the access
/// key id, the service and the region, never the secret key or the session token; the
/// `Authorization` and `X-Amz-Security-Token` headers are marked sensitive, and the
/// crate's own trace events (which print the canonical request, session token included)
/// are not emitted.
///
/// ```
/// use meterage_runtime::auth::{AccessKey, AwsSigv4};
///
/// let auth = AwsSigv4::new(
///     AccessKey {
///         id: "AKIDEXAMPLE".into(),
///         secret: "s3cr3t-key".into(),
///         security_token: Some("s3cr3t-session".into()),
///     },
///     "ce",
///     "us-east-1",
/// )
/// .region("eu-west-1");
/// assert_eq!(auth.signer().region_name(), "eu-west-1");
/// let debug = format!("{auth:?}");
/// assert!(debug.contains("AKIDEXAMPLE") && debug.contains("\"ce\""));
/// assert!(!debug.contains("s3cr3t"));
/// ```
pub type AwsSigv4<P = AccessKey> = Scheme<P, AwsSigv4Signer>;

impl AwsSigv4 {
    /// Signs with a fixed key pair for `service` (the signing name, `ce` for Cost
    /// Explorer) in `region`.
    pub fn new(key: AccessKey, service: impl Into<String>, region: impl Into<String>) -> Self {
        Self::with_provider(key, service, region)
    }
}

impl<P: ResolveIdentity<AccessKey>> Scheme<P, AwsSigv4Signer> {
    /// Signs with the key pairs `keys` yields (rotating or temporary credentials) for
    /// `service` in `region`.
    pub fn with_provider(keys: P, service: impl Into<String>, region: impl Into<String>) -> Self {
        Scheme::from_parts(keys, AwsSigv4Signer::new(service, region))
    }

    /// Signs for `region` instead (`us-east-1`, `eu-west-1`, ...).
    pub fn region(self, region: impl Into<String>) -> Self {
        let region = region.into();
        self.map_signer(|signer| signer.region(region))
    }
}

/// The signer of [`AwsSigv4`]: `X-Amz-Date` now, then the signature by the `aws-sigv4`
/// crate.
#[derive(Debug)]
pub struct AwsSigv4Signer {
    service: String,
    region: String,
    content_sha256: bool,
    sign_session_token: bool,
    credentials: CredentialsCache,
}

impl Clone for AwsSigv4Signer {
    fn clone(&self) -> Self {
        Self {
            service: self.service.clone(),
            region: self.region.clone(),
            content_sha256: self.content_sha256,
            sign_session_token: self.sign_session_token,
            credentials: CredentialsCache::default(),
        }
    }
}

/// The crate's form of the last key pair signed with, so that signing again with the same
/// pair (every call but the first) does not build it again. `Debug` shows nothing of it.
#[derive(Default)]
struct CredentialsCache(Mutex<Option<(AccessKey, Identity)>>);

impl std::fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialsCache")
    }
}

impl CredentialsCache {
    /// The identity of `key`: the cached one when `key` is the same pair.
    fn identity(&self, key: &AccessKey) -> Identity {
        let same = |cached: &AccessKey| {
            cached.id == key.id
                && cached.secret.expose() == key.secret.expose()
                && cached.security_token.as_ref().map(Secret::expose)
                    == key.security_token.as_ref().map(Secret::expose)
        };
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((cached, identity)) = cache.as_ref() {
            if same(cached) {
                return identity.clone();
            }
        }
        let identity: Identity = Credentials::new(
            key.id.as_str(),
            key.secret.expose(),
            key.security_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
            None,
            "meterage",
        )
        .into();
        *cache = Some((key.clone(), identity.clone()));
        identity
    }
}

impl AwsSigv4Signer {
    /// Signs for `service` (the signing name) in `region`.
    pub fn new(service: impl Into<String>, region: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            region: region.into(),
            content_sha256: false,
            sign_session_token: true,
            credentials: CredentialsCache::default(),
        }
    }

    /// Signs for `region` instead.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Also sends and signs `X-Amz-Content-Sha256` (the body's SHA-256), which S3 needs.
    #[must_use]
    pub fn content_sha256_header(mut self) -> Self {
        self.content_sha256 = true;
        self
    }

    /// Adds `X-Amz-Security-Token` after signing instead of signing it, for the few
    /// services that want it so.
    #[must_use]
    pub fn session_token_unsigned(mut self) -> Self {
        self.sign_session_token = false;
        self
    }

    /// The signing name of the service.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The region signed for.
    pub fn region_name(&self) -> &str {
        &self.region
    }

    /// Signs `request` with `key` as of `time`, replacing the signature headers of an
    /// earlier attempt. [`Sign::sign`] calls it with the current time; tests and tools
    /// give their own.
    ///
    /// # Errors
    ///
    /// A message naming what cannot be signed (a header value that is not visible ASCII,
    /// a streamed body, a URL the signer refuses); never the secret key or the token.
    pub fn sign_at(
        &self,
        key: &AccessKey,
        request: &mut reqwest::Request,
        time: SystemTime,
    ) -> Result<(), String> {
        for name in SIGNATURE_HEADERS {
            request.headers_mut().remove(name);
        }
        if let Some(token) = &key.security_token {
            HeaderValue::from_str(token.expose())
                .map_err(|_| "the value of header `X-Amz-Security-Token` is not valid")?;
        }
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| {
                value
                    .to_str()
                    .map(|value| (name.as_str(), value))
                    .map_err(|_| format!("the value of header `{name}` is not visible ASCII"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let body = match request.body() {
            None => SignableBody::Bytes(&[]),
            Some(body) => SignableBody::Bytes(
                body.as_bytes()
                    .ok_or("the request body is a stream and cannot be signed")?,
            ),
        };
        let unsignable = |error: &dyn std::fmt::Display| {
            format!("the request cannot be signed with AWS Signature Version 4: {error}")
        };
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.url().as_str(),
            headers.into_iter(),
            body,
        )
        .map_err(|e| unsignable(&e))?;

        let identity = self.credentials.identity(key);
        let mut settings = SigningSettings::default();
        if self.content_sha256 {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        if !self.sign_session_token {
            settings.session_token_mode = SessionTokenMode::Exclude;
        }
        let params: SigningParams<'_> = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| unsignable(&e))?
            .into();
        // The crate traces the canonical request, which holds the session token: signed
        // with no subscriber, so that no log ever shows it.
        let output = tracing::dispatcher::with_default(&tracing::Dispatch::none(), || {
            sign(signable, &params)
        })
        .map_err(|e| unsignable(&e))?;

        let (instructions, _signature) = output.into_parts();
        let (headers, _params) = instructions.into_parts();
        for header in headers {
            let name = HeaderName::from_bytes(header.name().as_bytes())
                .map_err(|_| format!("`{}` is not a header name", header.name()))?;
            let mut value = HeaderValue::from_str(header.value())
                .map_err(|_| format!("the value of header `{name}` is not valid"))?;
            value.set_sensitive(header.sensitive() || name == AUTHORIZATION);
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }
}

impl Sign for AwsSigv4Signer {
    type Identity = AccessKey;

    fn sign(&self, key: &AccessKey, request: &mut reqwest::Request) -> Result<(), String> {
        self.sign_at(key, request, SystemTime::now())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::auth::signing::tests::{block_on, client, get, key, with_body};
    use crate::auth::{AuthContext, Authorize};
    use crate::request::Operation;

    static OP: Operation = Operation::get("GetCostAndUsage", "/");

    #[test]
    fn signs_every_attempt_afresh_with_sensitive_headers() {
        let mut with_token = key("AKIDEXAMPLE", "s3cr3t-key");
        with_token.security_token = Some("s3cr3t-session".into());
        let auth = AwsSigv4::new(with_token, "ce", "us-east-1");
        let client = client();
        let mut request = with_body(
            get("https://ce.us-east-1.amazonaws.com/"),
            "application/x-amz-json-1.1",
            "{}",
        );
        block_on(auth.authorize(AuthContext::new(&OP, &client), &mut request)).unwrap();
        let headers = request.headers();
        let authorization = headers["authorization"].to_str().unwrap();
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
            "{authorization}"
        );
        assert!(
            authorization.contains("/us-east-1/ce/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="),
            "{authorization}"
        );
        assert!(headers["authorization"].is_sensitive());
        assert!(headers["x-amz-security-token"].is_sensitive());
        assert_eq!(headers["x-amz-date"].len(), 16);
        assert!(!format!("{headers:?} {auth:?}").contains("s3cr3t"));

        // Another attempt replaces the signature instead of signing it or adding one.
        let first = authorization.to_owned();
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        auth.signer()
            .sign_at(&key("AKIDEXAMPLE", "s3cr3t-key"), &mut request, later)
            .unwrap();
        let headers = request.headers();
        assert_eq!(headers.get_all("authorization").iter().count(), 1);
        assert_ne!(headers["authorization"].to_str().unwrap(), first);
        assert!(!headers.contains_key("x-amz-security-token"));
        assert!(headers["authorization"]
            .to_str()
            .unwrap()
            .contains("SignedHeaders=content-type;host;x-amz-date,"));
    }

    #[test]
    fn unsignable_requests_are_errors_without_secrets() {
        let mut with_token = key("AK", "s3cr3t-key");
        with_token.security_token = Some("bad\ns3cr3t".into());
        let signer = AwsSigv4Signer::new("ce", "us-east-1");
        let mut request = get("https://ce.us-east-1.amazonaws.com/");
        let error = signer.sign(&with_token, &mut request).unwrap_err();
        assert!(error.contains("X-Amz-Security-Token"), "{error}");
        assert!(!error.contains("s3cr3t"), "{error}");

        let mut request = get("https://ce.us-east-1.amazonaws.com/");
        request
            .headers_mut()
            .insert("x-note", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let error = signer
            .sign(&key("AK", "s3cr3t-key"), &mut request)
            .unwrap_err();
        assert_eq!(error, "the value of header `x-note` is not visible ASCII");
    }
}
