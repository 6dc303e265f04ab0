//! What every generated request builder shares: the bodies of `send`, `send_raw` and
//! (for an operation whose answer has no body to decode) `send` without a body.
//!
//! A generated builder implements [`Call`] (its client, its checks and the request it
//! builds: what is the operation's own) and its `send` is one line calling [`send`]
//! here, so the future, the validation call and the dispatch are written and
//! type-checked once, in this crate, not once per operation in every generated crate.

use std::future::Future;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::{Client, Error, Request, Response};

/// The future a generated builder's `send` answers (as `impl Sending<T>`): the call's
/// response, or its error.
///
/// `Send` and `'static`, so a call can be spawned onto another task; it does nothing
/// until polled. Every such future is one: there is nothing to implement.
///
/// The future is not boxed: its type stays concrete, so a crate of many operations
/// compiles (and links in) the state machine of only the calls its users poll.
pub trait Sending<T>: Future<Output = Result<Response<T>, Error>> + Send + 'static {}

impl<T, F> Sending<T> for F where F: Future<Output = Result<Response<T>, Error>> + Send + 'static {}

/// A request builder of one operation, as generated code writes it.
///
/// Implemented by every generated builder; consumers call the builder's own
/// `send`, `send_raw` and `validate`, which come here.
pub trait Call: Send + Sync + 'static {
    /// What the builder's `send` answers with: the success body's type, `Option` of it
    /// when a documented 2xx answer has no content, `()` when there is no body to decode.
    type Output: Send + 'static;

    /// The client the request goes through.
    fn client(&self) -> &Client;

    /// Checks every documented constraint on the parameters set so far, reporting all
    /// violations together.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] naming each parameter, its limit and its value.
    fn validate(&self) -> Result<(), Error>;

    /// The request as it will be sent: parameters in spec order, constants filled in.
    fn request(&self) -> Request;
}

/// The checked request of `call`: validated first unless the client's request
/// validation is off.
fn checked<C: Call>(call: &C) -> Result<Request, Error> {
    if call.client().validates_requests() {
        call.validate()?;
    }
    Ok(call.request())
}

/// Checks the parameters (unless the client's request validation is off), sends the
/// request and decodes the success body into `C::Output` (see [`Client::send`]).
///
/// # Errors
///
/// [`Error::Validation`] when a parameter breaks a documented constraint (nothing is
/// sent), otherwise as [`Client::send`].
pub fn send<C: Call>(call: C) -> impl Sending<C::Output>
where
    C::Output: DeserializeOwned,
{
    async move {
        let request = checked(&call)?;
        call.client().send(request).await
    }
}

/// As [`send`], for an operation whose success answer has no body to decode (see
/// [`Client::send_without_body`]).
///
/// # Errors
///
/// As [`send`], without [`Error::Decode`].
pub fn send_without_body<C: Call<Output = ()>>(call: C) -> impl Sending<()> {
    async move {
        let request = checked(&call)?;
        call.client().send_without_body(request).await
    }
}

/// As [`send`], but answers the success body's bytes exactly as the server sent them,
/// undecoded (see [`Client::send_raw`]).
///
/// # Errors
///
/// As [`send`], without [`Error::Decode`].
pub fn send_raw<C: Call>(call: C) -> impl Sending<Bytes> {
    async move {
        let request = checked(&call)?;
        call.client().send_raw(request).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::retry::RetryPolicy;
    use crate::testing::block_on;
    use crate::{ErrorEnvelope, ErrorKind, Method, Operation, Validator};

    static OPERATION: Operation = Operation {
        id: "getThing",
        method: Method::Get,
        success: 200,
        public: true,
        idempotent: true,
        secret_response: false,
        path: "/things",
        server: None,
        envelope: &ErrorEnvelope::NONE,
    };

    /// A builder as generated code writes one: `limit` must be at least 1.
    struct GetThing {
        client: Client,
        limit: i32,
    }

    impl Call for GetThing {
        type Output = ();

        fn client(&self) -> &Client {
            &self.client
        }

        fn validate(&self) -> Result<(), Error> {
            let mut v = Validator::new(&OPERATION);
            v.minimum("limit", f64::from(self.limit), 1.0);
            v.finish()
        }

        fn request(&self) -> Request {
            let mut request = Request::new(&OPERATION);
            request.query("limit", &self.limit);
            request
        }
    }

    /// A client of a port nothing listens on, without retries.
    fn client(validate: bool) -> Client {
        Client::builder("http://127.0.0.1:9")
            .validate_requests(validate)
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap()
    }

    #[test]
    fn a_broken_constraint_stops_every_kind_of_send_before_anything_is_sent() {
        let call = || GetThing {
            client: client(true),
            limit: 0,
        };
        for error in [
            block_on(send_without_body(call())).unwrap_err(),
            block_on(send_raw(call())).unwrap_err(),
        ] {
            assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
            assert!(error.to_string().contains("limit"), "{error}");
        }
    }

    #[test]
    fn with_validation_off_the_request_is_sent_as_built() {
        let call = GetThing {
            client: client(false),
            limit: 0,
        };
        let error = block_on(send_raw(call)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    }

    #[test]
    fn a_valid_call_is_sent() {
        let call = GetThing {
            client: client(true),
            limit: 5,
        };
        let error = block_on(send::<GetThing>(call)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    }
}
