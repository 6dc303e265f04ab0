//! Vendor-like HTTP servers on loopback, for end-to-end tests of the generated clients.
//!
//! Each fake behaves like its vendor as far as the vendor notes tell: it signs callers
//! in the vendor's way and verifies them with its own code (tokens, sessions, CSRF,
//! request signatures), validates parameters and answers with the vendor's error
//! bodies and status codes, pages a dataset of any size generated from record indices,
//! and serves a fault plan (busy errors, throttling, dropped connections, slow, cut or
//! broken answers, repeated pages, changing totals). Every request is recorded raw
//! (method, path, query string, headers, body) so tests can assert the exact wire
//! request.
//!
//! # Starting a fake
//!
//! | vendor | start | sign-in | state (`fake.vendor`) | records |
//! |---|---|---|---|---|
//! | NCE-Campus | [`nce::start`], [`nce::start_with`] | [`nce::USER`] | [`nce::Nce`]: `expire_tokens`, `set_idle_timeout`, `clock` | [`nce::record`] |
//! | GSL | [`gsl::start`], [`gsl::start_with`] | [`gsl::TOKEN`], [`gsl::AKSK`] | [`gsl::Gsl`]: `expire_tokens`, `set_token_lifetime`, `clock` | [`gsl::pool`] |
//! | IAM (for GSL) | [`gsl::start_iam`] | [`gsl::USER`] | [`gsl::Iam`]: `set_token_lifetime`, `expire_tokens`, `clock()` | |
//! | Kaopuyun | [`kaopuyun::start`], [`kaopuyun::start_with`] | [`kaopuyun::KEY`] | [`kaopuyun::Kaopuyun`]: `clock()`, `nonces_seen` | [`kaopuyun::bill`] |
//! | Alibaba Cloud BSS | [`aliyun::start`], [`aliyun::start_with`] | [`aliyun::KEYS`] | [`aliyun::Aliyun`]: `clock()`, `nonces_seen` | [`aliyun::bill`] |
//! | PLCloud | [`plcloud::start`], [`plcloud::start_with`] | [`plcloud::USER`] | [`plcloud::Plcloud`]: `expire_sessions`, `set_expired_answer` | [`plcloud::record`] |
//! | AWS Cost Explorer | [`aws::start`], [`aws::start_with`] | [`aws::KEY`], [`aws::TEMPORARY_KEY`] | [`aws::Aws`]: `clock`, `set_page_size` | [`aws::result`] |
//! | Azure Resource Manager | [`azure::start`], [`azure::start_with`] | a token of the Entra fake | [`azure::Arm`]: `expire_tokens`, `set_token_lifetime`, `clock` | [`azure::usage_detail`] |
//! | Entra ID (for Azure) | [`azure::start_entra`] (HTTPS when Resource Manager is) | [`azure::CLIENT`] in [`azure::TENANT_ID`] | [`azure::Entra`]: `arm()` | |
//!
//! Each returns a [`Fake`], which dereferences to its [`Server`]:
//!
//! - `base_url()` (`http://127.0.0.1:<port>`, or `https://` with [`Options::https`]) and
//!   `ca_pem()` (the test CA a client must trust for HTTPS);
//! - `dataset`: [`Dataset::set_len`] (records `0..len` of the vendor's generator, made
//!   from their index: a million costs nothing until paged) and
//!   [`Dataset::set_latency`] (a wait before each listing answer);
//! - `faults`: the [`Faults`] plan, e.g. `on_page(3, Fault::Busy)`;
//! - `log`: the raw requests, per-route counts, listing requests and the page each
//!   asked for ([`Log::listing_pages`]), sign-in requests ([`Log::sign_in_requests`])
//!   and successful sign-ins ([`Log::logins`]).
//!
//! Every vendor's state implements [`Vendor`], so `fake.vendor.expire_sessions()`
//! expires the sessions or tokens of any of them.
//!
//! # Quick reference
//!
//! ```no_run
//! # async fn demo() {
//! use std::time::Duration;
//! use meterage_tests::{gsl, nce, Fault, Options, When};
//!
//! let server = nce::start_with(Options::https()).await; // or nce::start() (plain HTTP)
//! let _url = server.base_url(); // https://127.0.0.1:<port>
//! let _ca = server.ca_pem(); // the test CA to trust
//! server.dataset.set_len(100_000); // records 0..100_000 of nce::record
//! server.dataset.set_latency(Duration::from_millis(10));
//! server.faults.on_page(3, Fault::Busy); // the first request for page 3
//! server.faults.add(When::Page(5), None, Fault::DropConnection); // every time
//! server.faults.on_page(7, Fault::ExpireSessions); // an expiry mid-run
//! server.faults.add(When::SignIn, None, Fault::Hang); // a login that never answers
//! server.vendor.expire_tokens(); // the next call gets the vendor's 401
//! assert_eq!(server.log.logins(), 0);
//! let _expected: Vec<_> = nce::records(100_000).collect();
//!
//! let pools = gsl::start().await;
//! let iam = gsl::start_iam(&pools).await; // tokens it issues open `pools`
//! iam.vendor.set_token_lifetime(Duration::from_secs(5));
//! pools.vendor.clock.advance(Duration::from_secs(6)); // ... and now they have expired
//! # }
//! ```

// Handlers bail out early with a finished `Response` as their error value.
#![allow(clippy::result_large_err)]

use std::sync::{Mutex, MutexGuard};

pub mod clock;
pub mod dataset;
pub mod environment;
#[cfg(test)]
mod fault_tests;
pub mod faults;
mod harness;
pub mod log;
pub mod records;
pub mod rpc;
mod server;
#[cfg(test)]
mod testing;
pub mod tls;
mod wire;

pub mod aliyun;
pub mod aws;
pub mod azure;
pub mod gsl;
pub mod kaopuyun;
pub mod nce;
pub mod plcloud;

pub use clock::Clock;
pub use dataset::Dataset;
pub use faults::{Fault, Faults, Served, When};
pub use harness::{Canned, Vendor};
pub use log::{Log, Recorded};
pub use server::{Fake, Options, Server};
pub use wire::{get, json, parse_pairs, percent_encode};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
