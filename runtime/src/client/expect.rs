//! The read phase: what a call expects of a success body.

use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::decode::{decode, envelope_only, Decoded, Undecodable};
use crate::error::Error;
use crate::request::Operation;

/// A check of a decoded success, given the attempt number: the error to end the call
/// with if the answer stays unacceptable (a page that repeats the page before it).
pub(crate) type Check<T> = Box<dyn Fn(&T, u32) -> Option<Error> + Send + Sync>;

/// What a call expects of a success body.
pub(crate) trait Expect: Send + Sync {
    /// The decoded body.
    type Output: Send;

    /// Reads a success body: the value, or the failure the envelope found in it; with
    /// the body's request id when `request_id` asks for it (no header carried one).
    fn read(
        &self,
        operation: &Operation,
        body: &Bytes,
        request_id: bool,
    ) -> Result<Decoded<Self::Output>, Undecodable>;

    /// Judges a decoded success of attempt `attempt`: `Some(error)` makes it a transient
    /// failure (fetched again; `error` ends the call when attempts run out).
    fn recheck(&self, _value: &Self::Output, _attempt: u32) -> Option<Error> {
        None
    }
}

/// A JSON body decoded into `T`, optionally checked.
pub(crate) struct Json<T> {
    check: Option<Check<T>>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Json<T> {
    pub(crate) fn new() -> Self {
        Json {
            check: None,
            _type: PhantomData,
        }
    }

    pub(crate) fn checked(check: Check<T>) -> Self {
        Json {
            check: Some(check),
            _type: PhantomData,
        }
    }
}

impl<T: DeserializeOwned + Send> Expect for Json<T> {
    type Output = T;

    fn read(
        &self,
        operation: &Operation,
        body: &Bytes,
        request_id: bool,
    ) -> Result<Decoded<T>, Undecodable> {
        decode(body, operation.envelope, request_id)
    }

    fn recheck(&self, value: &T, attempt: u32) -> Option<Error> {
        self.check.as_ref().and_then(|check| check(value, attempt))
    }
}

/// The body's bytes, undecoded.
pub(crate) struct Raw;

impl Expect for Raw {
    type Output = Bytes;

    fn read(
        &self,
        operation: &Operation,
        body: &Bytes,
        request_id: bool,
    ) -> Result<Decoded<Bytes>, Undecodable> {
        Ok(match envelope_only(body, operation.envelope, request_id) {
            Decoded::Failure(captured) => Decoded::Failure(captured),
            Decoded::Ok((), request_id) => Decoded::Ok(body.clone(), request_id),
        })
    }
}

/// No body to decode.
pub(crate) struct Nothing;

impl Expect for Nothing {
    type Output = ();

    fn read(
        &self,
        operation: &Operation,
        body: &Bytes,
        request_id: bool,
    ) -> Result<Decoded<()>, Undecodable> {
        Ok(envelope_only(body, operation.envelope, request_id))
    }
}
