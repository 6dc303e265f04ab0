//! Vendor-like HTTP servers on loopback, for end-to-end tests of the generated clients.
//!
//! Each server behaves like its vendor as far as the vendor notes tell: it checks the
//! credentials the vendor checks (tokens, CSRF cookie and header, `Origin`), validates
//! parameters and answers with the vendor's error bodies and status codes, pages real
//! data, and can be told to inject faults. Every request is recorded raw (method, path,
//! query string, headers, body) so tests can assert the exact wire request.

// Handlers bail out early with a finished `Response` as their error value.
#![allow(clippy::result_large_err)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub mod gsl;
pub mod kaopuyun;
pub mod nce;
pub mod plcloud;

/// One request as it arrived on the wire.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The raw query string, as sent (without `?`).
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
}

impl Recorded {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as UTF-8 text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A fault the next matching request gets instead of the vendor's normal answer.
#[derive(Debug, Clone)]
pub struct Fault {
    /// The HTTP status to answer with.
    pub status: StatusCode,
    /// The `Content-Type` of the body.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl Fault {
    /// A JSON fault.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Fault {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    /// A raw fault (HTML pages, truncated JSON, ...).
    pub fn raw(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Fault {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type,
            body: body.into(),
        }
    }
}

/// What every fake shares: the request log and the fault queue.
#[derive(Debug, Default)]
pub struct Log {
    requests: Mutex<Vec<Recorded>>,
    faults: Mutex<VecDeque<Fault>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Log {
    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.requests).clone()
    }

    /// The last request.
    pub fn last(&self) -> Option<Recorded> {
        lock(&self.requests).last().cloned()
    }

    /// Queues a fault for the next request.
    pub fn inject(&self, fault: Fault) {
        lock(&self.faults).push_back(fault);
    }
}

async fn record(State(log): State<Arc<Log>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    };
    lock(&log.requests).push(Recorded {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: bytes.clone(),
    });
    let fault = lock(&log.faults).pop_front();
    if let Some(f) = fault {
        return (
            f.status,
            [(axum::http::header::CONTENT_TYPE, f.content_type)],
            f.body,
        )
            .into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// A vendor fake listening on `127.0.0.1`; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    /// The request log and fault queue.
    pub log: Arc<Log>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Serves `router` on an ephemeral loopback port, recording every request.
    pub async fn start(router: Router) -> Server {
        let log = Arc::new(Log::default());
        let app = router.layer(middleware::from_fn_with_state(log.clone(), record));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server { addr, log, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Decodes a query string or form body the strict RFC 3986 way: `%XX` is decoded and
/// `+` stays a plus, so a client that encodes spaces as `+` is caught.
pub fn parse_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first value of `name` among `pairs`.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A JSON response.
pub fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The items of page `page` (from 1) of size `size`.
pub fn page_of<T: Clone>(all: &[T], page: usize, size: usize) -> Vec<T> {
    let start = page.saturating_sub(1).saturating_mul(size);
    all.iter().skip(start).take(size).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_keeps_plus() {
        let pairs = parse_pairs("a=1%202&b=x+y&c=%E7%94%A8&d");
        assert_eq!(get(&pairs, "a"), Some("1 2"));
        assert_eq!(get(&pairs, "b"), Some("x+y"));
        assert_eq!(get(&pairs, "c"), Some("用"));
        assert_eq!(get(&pairs, "d"), Some(""));
    }

    #[test]
    fn pages_count_from_one() {
        let all: Vec<u32> = (1..=25).collect();
        assert_eq!(page_of(&all, 1, 10), (1..=10).collect::<Vec<_>>());
        assert_eq!(page_of(&all, 3, 10), vec![21, 22, 23, 24, 25]);
        assert!(page_of(&all, 4, 10).is_empty());
    }
}
