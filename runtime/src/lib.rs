//! The runtime that meterage-generated API clients link against.
//!
//! Generated modules describe each operation as a static [`Operation`], build a
//! [`Request`] from the caller's arguments, check the spec's constraints with a
//! [`Validator`], and send it through a [`Client`], which
//!
//! - builds the URL (percent-encoding query strings and form bodies itself, so that request
//!   signatures see exactly what goes on the wire),
//! - runs the auth scheme ([`Authorize`]) on every attempt, retrying once when it reports
//!   a stale credential (request signing: [`RpcSignatureV1`], [`SdkHmacSha256`]),
//! - turns failures into [`Error::Api`] using the vendor's [`ErrorEnvelope`] (including
//!   failures reported with HTTP 200), and
//! - decodes success bodies with the JSON path of any mismatch ([`Error::Decode`]).
//!
//! Credentials are [`Secret`]s: they never appear in `Debug` output or error messages.

pub use reqwest;
pub use serde;
pub use serde_json;

pub mod auth;
pub mod client;
pub mod envelope;
pub mod error;
pub mod pagination;
pub mod request;
pub mod response;
mod roundtrip;
pub mod sign;
pub mod types;
pub mod validate;

pub use auth::{AuthContext, AuthFuture, Authorize, HeaderToken, NoAuth};
pub use client::{Client, ClientBuilder};
pub use envelope::ErrorEnvelope;
pub use error::{ApiError, Constraint, Error, Violation};
pub use pagination::{Page, PageNumber};
pub use request::{Method, Operation, Request, ToParam};
pub use response::Response;
pub use sign::{RpcSignatureV1, SdkHmacSha256};
pub use types::{Decimal, Secret};
pub use validate::Validator;

/// Support for generated code; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::roundtrip::example_roundtrip;
}
