//! End-to-end: the generated clients against vendor-like servers on loopback.
//!
//! Each test starts a real HTTP server (`meterage_tests`), points a generated client at
//! it and checks the exact wire request the vendor receives and what the caller gets
//! back, including the vendor's errors and injected faults.
//!
//! The scenarios every vendor shares (`signin`, `streams`, `faults`, `tolerance`) are
//! written once over a [`cases::VendorCase`] and run for every case from a table: the
//! test `signin::nce_campus::wrong_credentials` is the `wrong_credentials` scenario of
//! the NCE-Campus case. What only one vendor does has tests of its own, in its module
//! or next to the table.

mod aliyun;
mod aws;
mod azure;
mod cases;
mod cli;
mod decode;
mod edge;
mod faults;
mod gsl;
mod kaopuyun;
mod login;
mod media;
mod money;
mod nce;
mod paging;
mod plcloud;
mod signin;
mod streams;
mod support;
mod tolerance;
