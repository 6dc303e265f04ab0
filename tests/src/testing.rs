//! Helpers for the fakes' own tests: plain reqwest clients, nothing from the runtime.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use crate::Server;

/// A client for plain HTTP on loopback (no proxy, no redirects followed).
pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client for plain HTTP on loopback that gives up on an answer after `timeout`.
pub(crate) fn impatient(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .expect("client")
}

/// A client that trusts only `ca_pem`.
pub(crate) fn trusting(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("a PEM certificate");
    reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .build()
        .expect("client")
}

/// `GET path` (with its query string) on `server` with `headers`, through [`http`].
pub(crate) async fn get(
    server: &Server,
    path: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = http().get(format!("{}{path}", server.base_url()));
    for &(name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.expect("sent")
}

/// The status and JSON body of [`get`]'s answer.
pub(crate) async fn get_json(
    server: &Server,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    answer(get(server, path, headers).await).await
}

/// The status and JSON body of an answer.
pub(crate) async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

/// The status and text body of an answer.
pub(crate) async fn text(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Checks that `seen`, the records of every page in order, are exactly `expected`, and
/// that each is there once: as many distinct values of their field `key` as records.
pub(crate) fn assert_each_once(seen: &[Value], expected: impl Iterator<Item = Value>, key: &str) {
    assert_eq!(seen, expected.collect::<Vec<_>>());
    let keys: BTreeSet<String> = seen.iter().map(|r| r[key].to_string()).collect();
    assert_eq!(keys.len(), seen.len(), "every record is distinct");
}

/// Every error in `err`'s source chain, joined.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
