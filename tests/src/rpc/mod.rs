//! The gateway of Alibaba Cloud style RPC APIs (signature v1, HMAC-SHA1), shared by the
//! fakes that imitate it (Kaopuyun, Alibaba Cloud BSS).
//!
//! A [`Gate`] checks what Alibaba's gateway checks before an action runs: the common
//! parameters, the access key and its STS security token, the signature (with its own
//! code, [`signature()`]), the `Timestamp` against the fake's clock and the
//! `SignatureNonce` against the nonces seen. Its refusals are Alibaba's codes; each fake
//! answers them in its own envelope.
//!
//! | check | status | `Code` |
//! |---|---|---|
//! | a common parameter missing | 400 | `Missing<Name>` |
//! | unknown `AccessKeyId` | 404 | `InvalidAccessKeyId.NotFound` |
//! | a temporary key without `SecurityToken` | 400 | `MissingSecurityToken` |
//! | a token the fake did not issue | 400 | `InvalidSecurityToken.Malformed` |
//! | the token of a temporary key past its lifetime | 400 | `InvalidSecurityToken.Expired` |
//! | a token with the permanent key | 400 | `InvalidSecurityToken.MismatchWithAccessKey` |
//! | not HMAC-SHA1 / 1.0 | 400 | `InvalidSignatureMethod` |
//! | wrong signature | 400 | `SignatureDoesNotMatch` |
//! | `Timestamp` malformed | 400 | `InvalidTimeStamp.Format` |
//! | `Timestamp` off by more than 15 minutes | 400 | `InvalidTimeStamp.Expired` |
//! | nonce reused | 400 | `SignatureNonceUsed` |

use std::collections::HashSet;
use std::sync::Mutex;

use axum::http::StatusCode;

use crate::clock::{Clock, Utc};
use crate::harness::Canned;
use crate::{get as param, lock};

mod signature;

pub use signature::{percent_encode, signature};

/// How long an issued security token is valid on the fake's clock: STS's default
/// lifetime of an hour (AssumeRole's `DurationSeconds` defaults to 3600).
pub const TOKEN_LIFETIME_MS: i64 = 3600 * 1000;
/// How far `Timestamp` may be from the server's clock, either way.
pub const TIMESTAMP_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Alibaba Cloud's answer when the server is busy: `ServiceUnavailable`, 503.
pub const BUSY: Canned = Canned::Error(
    503,
    "ServiceUnavailable",
    "The request has failed due to a temporary failure of the server.",
);
/// Alibaba Cloud's flow control: `Throttling.User` (its gateway sends it with 400; the
/// fakes' shared layer sends throttling with 429 and `Retry-After`).
pub const THROTTLED: Canned = Canned::Error(
    400,
    "Throttling.User",
    "Request was denied due to user flow control.",
);

/// The parameters every call carries (`SecurityToken` besides, for a temporary key).
const COMMON: [&str; 9] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
    "Signature",
];

/// The keys a gateway knows: (AccessKeyId, secret) pairs.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    /// The permanent key.
    pub key: (&'static str, &'static str),
    /// The temporary (STS) key, whose requests carry [`Keys::token`].
    pub temporary: (&'static str, &'static str),
    /// The security token issued with the temporary key.
    pub token: &'static str,
}

/// A refusal of the gateway: its status, `Code` and `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// Alibaba's error code.
    pub code: String,
    /// Its message.
    pub message: String,
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Refusal {
    Refusal {
        status,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

fn bad_request(code: &str, message: &str) -> Refusal {
    refusal(StatusCode::BAD_REQUEST, code, message)
}

/// The gateway's state: the keys it knows, its clock, the nonces seen, and when the
/// issued security token expires.
#[derive(Debug)]
pub struct Gate {
    keys: Keys,
    clock: Clock,
    nonces: Mutex<HashSet<String>>,
    token_expires_ms: i64,
}

impl Gate {
    /// A gateway knowing `keys`, with a clock of its own on which the token was issued
    /// now, valid for [`TOKEN_LIFETIME_MS`].
    pub fn new(keys: Keys) -> Gate {
        let clock = Clock::default();
        Gate {
            keys,
            token_expires_ms: clock.now_ms() + TOKEN_LIFETIME_MS,
            clock,
            nonces: Mutex::default(),
        }
    }

    /// The gateway's clock; advance it to make signed requests look stale (and, past
    /// [`TOKEN_LIFETIME_MS`], the security token expired).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// How many distinct nonces the gateway has accepted.
    pub fn nonces_seen(&self) -> usize {
        lock(&self.nonces).len()
    }

    /// The gateway's checks of a request sent with `method` carrying `pairs` (its query,
    /// and its form body for a POST).
    pub fn check(&self, method: &str, pairs: &[(String, String)]) -> Result<(), Refusal> {
        let clock = &self.clock;
        for name in COMMON {
            if param(pairs, name).is_none_or(str::is_empty) {
                return Err(bad_request(
                    &format!("Missing{name}"),
                    &format!("{name} is mandatory for this action."),
                ));
            }
        }
        let secret = self.secret_of(pairs)?;
        if param(pairs, "SignatureMethod") != Some("HMAC-SHA1")
            || param(pairs, "SignatureVersion") != Some("1.0")
        {
            return Err(bad_request(
                "InvalidSignatureMethod",
                "Specified signature method is not supported.",
            ));
        }
        if param(pairs, "Signature") != Some(signature(method, pairs, secret).as_str()) {
            return Err(bad_request(
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation.",
            ));
        }
        match param(pairs, "Timestamp").and_then(Utc::parse_iso_seconds) {
            Some(t) if (t.unix_ms() - clock.now_ms()).abs() <= TIMESTAMP_WINDOW_MS => {}
            Some(_) => {
                return Err(bad_request(
                    "InvalidTimeStamp.Expired",
                    "Specified time stamp or date value is expired.",
                ))
            }
            None => {
                return Err(bad_request(
                    "InvalidTimeStamp.Format",
                    "Specified time stamp is not valid.",
                ))
            }
        }
        let nonce = param(pairs, "SignatureNonce").unwrap_or_default();
        if !lock(&self.nonces).insert(nonce.to_owned()) {
            return Err(bad_request(
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ));
        }
        Ok(())
    }

    /// The secret the request must be signed with: the permanent key's, or the
    /// temporary key's when the request carries the token issued with it.
    ///
    /// Public clients of Alibaba's OpenAPI list `MissingSecurityToken`,
    /// `InvalidSecurityToken.Malformed`, `InvalidSecurityToken.Expired` and
    /// `InvalidSecurityToken.MismatchWithAccessKey` among the 4xx codes of refused
    /// credentials. The exact status (400), the messages, which case answers
    /// `.Malformed` rather than `.MismatchWithAccessKey`, and refusing a token sent with
    /// a permanent key are assumptions.
    fn secret_of(&self, pairs: &[(String, String)]) -> Result<&'static str, Refusal> {
        let Keys {
            key,
            temporary,
            token: issued,
        } = self.keys;
        let token = param(pairs, "SecurityToken").filter(|token| !token.is_empty());
        match param(pairs, "AccessKeyId") {
            Some(id) if id == key.0 => match token {
                None => Ok(key.1),
                Some(_) => Err(bad_request(
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "Specified SecurityToken mismatch with the AccessKey.",
                )),
            },
            Some(id) if id == temporary.0 => match token {
                None => Err(bad_request(
                    "MissingSecurityToken",
                    "SecurityToken is mandatory for this action.",
                )),
                Some(token) if token != issued => Err(bad_request(
                    "InvalidSecurityToken.Malformed",
                    "Specified SecurityToken is malformed.",
                )),
                Some(_) if self.clock.now_ms() > self.token_expires_ms => Err(bad_request(
                    "InvalidSecurityToken.Expired",
                    "Specified SecurityToken is expired.",
                )),
                Some(_) => Ok(temporary.1),
            },
            _ => Err(refusal(
                StatusCode::NOT_FOUND,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            )),
        }
    }
}
