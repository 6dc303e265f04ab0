//! The runtime that meterage-generated API clients link against.
//!
//! Generated modules describe each operation as a static [`Operation`], build a
//! [`Request`] from the caller's arguments, check the spec's constraints with a
//! [`Validator`], and send it through a [`Client`], which runs each call as a short
//! pipeline of attempts:
//!
//! - the request is built once, percent-encoding query strings and form bodies itself,
//!   so that request signatures see exactly what goes on the wire;
//! - each attempt resolves the caller's identity and signs the request with it
//!   ([`auth`]): an identity cached for all concurrent calls and renewed before it
//!   expires, a fresh signature, nonce and timestamp ([`RpcSignatureV1`],
//!   [`SdkHmacSha256`], [`AwsSigv4`]), sign-in flows for login tokens, IAM tokens and console sessions;
//! - each attempt, sign-in included, has a timeout inside the call's deadline; one
//!   function classifies its outcome ([`retry::Verdict`]), transient failures of
//!   idempotent calls are retried with backoff ([`RetryPolicy`]), and a refused identity
//!   is renewed and the call replayed once;
//! - failures become [`Error::Api`] through the vendor's [`ErrorEnvelope`] (failures
//!   reported with HTTP 200 included), and success bodies are decoded once, from bytes,
//!   with the JSON path of any mismatch ([`Error::Decode`]);
//! - [`interceptor`]s observe or change every attempt; [`tracing`] spans cover every call
//!   and attempt;
//! - paged operations stream their pages and items ([`pagination`]).
//!
//! Credentials are [`Secret`]s: they never appear in `Debug` output, logs or error
//! messages.

// Lets shared test fixtures name this crate as its users do (see `testing.rs`).
#[cfg(test)]
extern crate self as meterage_runtime;

pub use bytes::Bytes;
pub use futures_util::{Stream, StreamExt, TryStreamExt};
pub use reqwest;
pub use serde;
pub use serde_json;
pub use time;

pub mod auth;
pub mod call;
pub mod client;
pub mod dates;
mod decode;
pub mod describe;
pub mod envelope;
pub mod error;
pub mod focus;
pub mod interceptor;
pub mod options;
pub mod pagination;
pub mod request;
pub mod response;
pub mod retry;
mod roundtrip;
pub mod sign;
#[cfg(test)]
mod testing;
pub mod types;
pub mod validate;
mod vendor_error;
mod violation;
pub mod wire;

pub use auth::{
    AuthContext, AuthFuture, Authorize, AwsSigv4, HeaderToken, IdentityGeneration, NoAuth,
    RpcSignatureV1, SdkHmacSha256,
};
pub use client::{Client, ClientBuilder};
pub use envelope::{ErrorEnvelope, SuccessRule};
pub use error::{ApiError, AuthError, DecodeError, Error, ErrorKind, TimeoutKind};
pub use options::CallOptions;
pub use pagination::{Page, PageNumber};
pub use request::{Method, Operation, Request, ToParam};
pub use response::Response;
pub use retry::RetryPolicy;
pub use types::{Decimal, Secret, UnlistedValue};
pub use validate::{Constraint, Validator, Violation};

/// Support for generated code; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::roundtrip::{error_example, example_roundtrip};
}
