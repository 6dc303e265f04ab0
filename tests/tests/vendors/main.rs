//! End-to-end: the generated clients against vendor-like servers on loopback.
//!
//! Each test starts a real HTTP server (`meterage_tests`), points a generated client at
//! it and checks the exact wire request the vendor receives and what the caller gets
//! back, including the vendor's errors and injected faults.

mod decode;
mod edge;
mod gsl;
mod kaopuyun;
mod nce;
mod plcloud;
mod signin;
mod streams;
mod support;
