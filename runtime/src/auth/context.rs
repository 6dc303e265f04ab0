//! What an auth scheme sees of the call: the operation, and a client for its own
//! sign-in calls.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

use crate::error::{AuthError, Error};
use crate::request::{Operation, Request};
use crate::response::Response;

/// The future [`SignInClient::send_sign_in`] returns.
pub type SignInFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send + 'a>>;

/// The part of a client an auth scheme uses for its own calls (a login, an IAM token
/// request): [`Client`](crate::Client) implements it. A trait, so the auth schemes do
/// not depend on the client that depends on them.
pub trait SignInClient: Send + Sync {
    /// Sends `request` (built with [`Request::sign_in`]) and returns the success
    /// body's bytes, as [`Client::send_raw`](crate::Client::send_raw) does: with the
    /// client's timeouts, retries and error mapping.
    fn send_sign_in(&self, request: Request) -> SignInFuture<'_>;

    /// The base URL a call of `operation` goes to (see
    /// [`Client::server_for`](crate::Client::server_for)).
    fn server_for<'s>(&'s self, operation: &'s Operation, server: Option<&'s str>) -> &'s str;
}

/// Context an auth scheme gets: the operation being authorized, and the client, through
/// which a scheme sends its own sign-in calls.
#[derive(Clone, Copy)]
pub struct AuthContext<'a> {
    /// The operation being sent.
    pub operation: &'static Operation,
    /// The client, for sign-in calls (send them with
    /// [`Request::without_auth`](crate::Request::without_auth)).
    pub client: &'a dyn SignInClient,
}

impl std::fmt::Debug for AuthContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthContext")
            .field("operation", &self.operation.id)
            .finish_non_exhaustive()
    }
}

impl<'a> AuthContext<'a> {
    /// A context for `operation` on `client`.
    pub fn new(operation: &'static Operation, client: &'a dyn SignInClient) -> Self {
        Self { operation, client }
    }

    /// An [`Error::Auth`] for this context's operation.
    pub fn error(&self, message: impl Into<String>) -> Error {
        AuthError::new(self.operation.id, message).into()
    }

    /// Sends a sign-in call (built with [`Request::sign_in`]) through the client; its
    /// failure becomes an [`Error::Auth`] of this context's operation that says
    /// `"<doing> with <the call's operation> failed"` (`doing` is `"signing in"`,
    /// `"opening the console"`), with the call's own error as the source.
    ///
    /// # Errors
    ///
    /// [`Error::Auth`] caused by the sign-in call's error.
    pub async fn sign_in(&self, request: Request, doing: &str) -> Result<Response<Bytes>, Error> {
        let call = request.operation().id;
        self.client
            .send_sign_in(request)
            .await
            .map_err(|error| self.error_caused_by(format!("{doing} with {call} failed"), error))
    }

    /// An [`Error::Auth`] for this context's operation, caused by `source` (a sign-in
    /// call's own failure).
    pub fn error_caused_by(&self, message: impl Into<String>, source: Error) -> Error {
        AuthError::new(self.operation.id, message)
            .caused_by(source)
            .into()
    }
}
