//! AWS Signature Version 4, verified the way an AWS endpoint does: the fake's own
//! canonical request, string to sign and derived signing key (HMAC-SHA256 chain),
//! pinned to the examples of AWS's documentation and its SigV4 test suite; the
//! credential scope checked against the endpoint's region and service, and `X-Amz-Date`
//! against a 5-minute window.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::clock::Utc;
use crate::gsl::aksk::assemble;
use crate::percent_encode;

/// The signing algorithm, first word of `Authorization`.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// How far `X-Amz-Date` may be from the endpoint's clock, either way.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

pub use crate::gsl::aksk::Signed;

/// The fields of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
/// Signature=...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The access key id, first part of the credential.
    pub key_id: &'a str,
    /// `yyyyMMdd`, second part of the credential.
    pub date: &'a str,
    /// The region of the credential scope.
    pub region: &'a str,
    /// The service of the credential scope.
    pub service: &'a str,
    /// The signed header names, as listed.
    pub signed_headers: Vec<&'a str>,
    /// The hex signature.
    pub signature: &'a str,
}

/// Why an endpoint refuses a signature, before or after looking up the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `Authorization` header.
    Missing,
    /// The header is not `AWS4-HMAC-SHA256` with its three fields, the credential is not
    /// `key/date/region/service/aws4_request`, `X-Amz-Date` is missing or malformed, or a
    /// signed header is missing: the message says which.
    Incomplete(String),
    /// The credential scope names another region, service or day than the request's:
    /// the message says which.
    Scope(String),
    /// `X-Amz-Date` is more than 5 minutes from the endpoint's clock.
    Expired(String),
    /// The signature is not the one the endpoint computes.
    Mismatch,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Parses an `Authorization` header; `Err` says what is wrong with it.
pub fn parse(authorization: &str) -> Result<Authorization<'_>, String> {
    let rest = authorization
        .strip_prefix(ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or_else(|| format!("Authorization header requires the {ALGORITHM} algorithm."))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(format!(
                "Authorization header requires each component to be of the form key=value: '{}'.",
                part.trim()
            ));
        };
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed = Some(value),
            "Signature" => signature = Some(value),
            _ => {}
        }
    }
    let missing = |name: &str| format!("Authorization header requires '{name}' parameter.");
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [key_id, date, region, service, "aws4_request"] = parts[..] else {
        return Err(format!(
            "Credential should be scoped to a valid key, date, region, service and terminator 'aws4_request'; got '{credential}'."
        ));
    };
    Ok(Authorization {
        key_id,
        date,
        region,
        service,
        signed_headers: signed.split(';').collect(),
        signature,
    })
}

/// The canonical URI: each segment of the path as sent encoded once more, as AWS does
/// for every service but S3.
pub fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// The canonical request over `signed_headers` (lower-case, in the order given); `None`
/// when a signed header is missing from the request. Values are trimmed and their inner
/// runs of spaces folded to one; repeated headers are joined with `,`.
pub fn canonical_request(request: &Signed<'_>, signed_headers: &[&str]) -> Option<String> {
    let mut headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = request
            .headers
            .get_all(*name)
            .iter()
            .map(|v| {
                let text = String::from_utf8_lossy(v.as_bytes());
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect();
        if values.is_empty() {
            return None;
        }
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    Some(assemble(
        request,
        &canonical_uri(request.path),
        &headers,
        signed_headers,
    ))
}

/// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The signing key: HMAC-SHA256 chained over the date, region, service and
/// `aws4_request`, starting from `AWS4` + the secret.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, service);
    hmac(&k_service, "aws4_request")
}

/// hex(HMAC-SHA256(signing key, string to sign)).
pub fn signature(signing_key: &[u8], string_to_sign: &str) -> String {
    hex(&hmac(signing_key, string_to_sign))
}

/// What the endpoint expects of a credential scope.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The endpoint's region.
    pub region: &'a str,
    /// The endpoint's signing name.
    pub service: &'a str,
}

/// Checks the form of the request's signature, its scope and its date at `now_ms`, and
/// gives the parsed header; the key and the signature itself are checked by
/// [`verify_with`].
pub fn check<'r>(
    request: &'r Signed<'_>,
    scope: Scope<'_>,
    now_ms: i64,
) -> Result<Authorization<'r>, Refusal> {
    let header = request
        .headers
        .get("authorization")
        .ok_or(Refusal::Missing)?;
    let header = header
        .to_str()
        .map_err(|_| Refusal::Incomplete("Authorization header is not ASCII.".into()))?;
    let auth = parse(header).map_err(Refusal::Incomplete)?;
    let amz_date = amz_date(request)?;
    for needed in ["host", "x-amz-date"] {
        if !auth.signed_headers.contains(&needed) {
            return Err(Refusal::Incomplete(format!(
                "'{needed}' must be a 'SignedHeader' in the AWS Authorization."
            )));
        }
    }
    if auth.date != &amz_date[..8] {
        return Err(Refusal::Scope(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            auth.date,
            &amz_date[..8]
        )));
    }
    if auth.region != scope.region {
        return Err(Refusal::Scope(format!(
            "Credential should be scoped to a valid region. ({})",
            auth.region
        )));
    }
    if auth.service != scope.service {
        return Err(Refusal::Scope(format!(
            "Credential should be scoped to correct service: '{}'.",
            scope.service
        )));
    }
    let at = Utc::parse_basic(amz_date)
        .ok_or_else(|| Refusal::Incomplete(format!("Invalid X-Amz-Date '{amz_date}'.")))?;
    if (at.unix_ms() - now_ms).abs() > WINDOW_MS {
        let now = Utc::from_unix_ms(now_ms).basic();
        return Err(Refusal::Expired(format!(
            "Signature expired: {amz_date} is now earlier or later than {now} (within 5 min.)"
        )));
    }
    Ok(auth)
}

/// The request's `X-Amz-Date`.
fn amz_date<'r>(request: &'r Signed<'_>) -> Result<&'r str, Refusal> {
    let date = request
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Refusal::Incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".into())
        })?;
    if Utc::parse_basic(date).is_none() {
        return Err(Refusal::Incomplete(format!("Invalid X-Amz-Date '{date}'.")));
    }
    Ok(date)
}

/// Verifies the signature of `request`, whose header [`check`] parsed, with `secret`.
pub fn verify_with(
    request: &Signed<'_>,
    auth: &Authorization<'_>,
    secret: &str,
) -> Result<(), Refusal> {
    let canonical = canonical_request(request, &auth.signed_headers).ok_or_else(|| {
        Refusal::Incomplete("A header listed in SignedHeaders is missing.".into())
    })?;
    let amz_date = amz_date(request)?;
    let scope = format!(
        "{}/{}/{}/aws4_request",
        auth.date, auth.region, auth.service
    );
    let key = signing_key(secret, auth.date, auth.region, auth.service);
    let expected = signature(&key, &string_to_sign(amz_date, &scope, &canonical));
    if expected == auth.signature {
        Ok(())
    } else {
        Err(Refusal::Mismatch)
    }
}

/// The `Authorization` header value a client with `(key id, secret)` sends for
/// `request` at `amz_date`, signing `signed_headers` (lower-case, sorted): what the
/// fake's own tests sign with.
pub fn authorization(
    request: &Signed<'_>,
    (key_id, secret): (&str, &str),
    amz_date: &str,
    scope: Scope<'_>,
    signed_headers: &[&str],
) -> String {
    let date = &amz_date[..8];
    let canonical = canonical_request(request, signed_headers).unwrap_or_default();
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let key = signing_key(secret, date, scope.region, scope.service);
    let signature = signature(
        &key,
        &string_to_sign(amz_date, &credential_scope, &canonical),
    );
    format!(
        "{ALGORITHM} Credential={key_id}/{credential_scope}, SignedHeaders={}, Signature={signature}",
        signed_headers.join(";")
    )
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
