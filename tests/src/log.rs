//! What a fake saw: every request as it arrived on the wire, counters per route, the
//! listing requests (and the page each asked for), the sign-in requests and the
//! successful sign-ins.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

use crate::lock;

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

    /// `METHOD /path`, the key of the per-route counters.
    pub fn route(&self) -> String {
        route_key(&self.method, &self.path)
    }
}

fn route_key(method: &Method, path: &str) -> String {
    format!("{method} {path}")
}

/// The request log and counters of one server.
#[derive(Debug)]
pub struct Log {
    requests: Mutex<Vec<Recorded>>,
    routes: Mutex<BTreeMap<String, u64>>,
    pages: Mutex<Vec<u64>>,
    listing: AtomicU64,
    sign_ins: AtomicU64,
    logins: AtomicU64,
    keep: AtomicBool,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            requests: Mutex::default(),
            routes: Mutex::default(),
            pages: Mutex::default(),
            listing: AtomicU64::new(0),
            sign_ins: AtomicU64::new(0),
            logins: AtomicU64::new(0),
            keep: AtomicBool::new(true),
        }
    }
}

impl Log {
    /// Every request so far, in arrival order (unless [`Log::keep_requests`] turned
    /// recording off).
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.requests).clone()
    }

    /// The last request.
    pub fn last(&self) -> Option<Recorded> {
        lock(&self.requests).last().cloned()
    }

    /// How many requests came to `method path` (counted even when recording is off).
    pub fn count(&self, method: Method, path: &str) -> u64 {
        lock(&self.routes)
            .get(&route_key(&method, path))
            .copied()
            .unwrap_or(0)
    }

    /// The request count of every route seen, keyed `METHOD /path`.
    pub fn routes(&self) -> BTreeMap<String, u64> {
        lock(&self.routes).clone()
    }

    /// How many requests came to the vendor's listing call (whatever their answer).
    pub fn listing_requests(&self) -> u64 {
        self.listing.load(Ordering::SeqCst)
    }

    /// The page each listing request asked for (from 1; 0 when its page parameter could
    /// not be read), in arrival order (unless [`Log::keep_requests`] turned recording
    /// off).
    pub fn listing_pages(&self) -> Vec<u64> {
        lock(&self.pages).clone()
    }

    /// How many requests came to the vendor's sign-in call (whatever their answer).
    pub fn sign_in_requests(&self) -> u64 {
        self.sign_ins.load(Ordering::SeqCst)
    }

    /// How many sign-ins succeeded (an NCE token, an IAM token or a PLCloud session
    /// issued); refused sign-ins are not counted.
    pub fn logins(&self) -> u64 {
        self.logins.load(Ordering::SeqCst)
    }

    /// Keeps (the default) or stops keeping the raw requests; counters always count.
    /// Long benchmark runs turn recording off.
    pub fn keep_requests(&self, keep: bool) {
        self.keep.store(keep, Ordering::SeqCst);
    }

    /// Records a request, the page it asks for if it is a listing request (`page`), and
    /// whether it is a sign-in; returns its number among listing requests (from 1) for
    /// a listing request.
    pub(crate) fn record(
        &self,
        request: &Recorded,
        page: Option<u64>,
        sign_in: bool,
    ) -> Option<u64> {
        *lock(&self.routes).entry(request.route()).or_insert(0) += 1;
        if sign_in {
            self.sign_ins.fetch_add(1, Ordering::SeqCst);
        }
        if self.keep.load(Ordering::SeqCst) {
            lock(&self.requests).push(request.clone());
            lock(&self.pages).extend(page);
        }
        page.map(|_| self.listing.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// Counts one successful sign-in.
    pub(crate) fn count_login(&self) {
        self.logins.fetch_add(1, Ordering::SeqCst);
    }
}
