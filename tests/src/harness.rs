//! The layer every fake shares: it records each request, adds the listing latency and
//! serves the fault plan, asking the vendor (through [`Vendor`]) what its listing call,
//! its errors and its sessions look like.

use std::convert::Infallible;
use std::future::Future as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::dataset::Dataset;
use crate::faults::{Chosen, Fault, Faults, Stage, Target};
use crate::lock;
use crate::log::{Log, Recorded};
use crate::{get, parse_pairs};

/// An answer the shared layer gives for a vendor, in the vendor's own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canned {
    /// The vendor's error envelope ([`Vendor::error`]) with this status, code and
    /// message.
    Error(u16, &'static str, &'static str),
    /// The HTML error page of the vendor's gateway (nginx) for this status.
    GatewayPage(u16),
    /// This status and JSON body, as they are.
    Json(u16, &'static str),
}

impl Canned {
    /// The answer, as `vendor` sends it.
    fn response<V: Vendor + ?Sized>(self, vendor: &V) -> Response {
        match self {
            Canned::Error(status, code, message) => {
                vendor.error(status_code(status), code, message)
            }
            Canned::GatewayPage(status) => gateway_page(status),
            Canned::Json(status, body) => (
                status_code(status),
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response(),
        }
    }
}

/// What the shared layer needs to know about a vendor.
pub trait Vendor: Send + Sync + 'static {
    /// The vendor's "busy, try again later" answer.
    const BUSY: Canned;

    /// The vendor's throttling answer; the layer sends it with status 429 and
    /// `Retry-After`.
    const THROTTLED: Canned;

    /// For a request to the vendor's listing call, the page it asks for (from 1; 0 when
    /// its page parameter cannot be read); `None` for every other request.
    fn listing_page(&self, request: &Recorded) -> Option<u64>;

    /// Whether `request` is to the vendor's sign-in call (a token login, a console
    /// login). Vendors that sign each request have none.
    fn signs_in(&self, request: &Recorded) -> bool {
        let _ = request;
        false
    }

    /// An error in the vendor's envelope.
    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response;

    /// Expires every session or token the vendor issued.
    fn expire_sessions(&self);
}

/// What a vendor's handler answers: `Ok` its answer, or `Err` an answer that ends it
/// early (a refusal, an injected fault's answer), so that `?` returns it.
pub(crate) type Outcome = Result<Response, Response>;

/// A server without a vendor: no listing call, generic JSON errors.
pub(crate) struct Plain;

impl Vendor for Plain {
    const BUSY: Canned = Canned::Error(503, "Busy", "Try again later.");
    const THROTTLED: Canned = Canned::Error(429, "Throttled", "Slow down.");

    fn listing_page(&self, _: &Recorded) -> Option<u64> {
        None
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        crate::json(
            status,
            serde_json::json!({"code": code, "message": message}),
        )
    }

    fn expire_sessions(&self) {}
}

/// The shared state of one server: its log, fault plan and dataset.
#[derive(Debug, Clone)]
pub struct Harness {
    /// The request log and counters.
    pub log: Arc<Log>,
    /// The fault plan.
    pub faults: Arc<Faults>,
    /// The dataset size and listing latency.
    pub dataset: Arc<Dataset>,
}

impl Harness {
    /// A harness for a dataset of `len` records.
    pub fn new(len: u64) -> Harness {
        Harness {
            log: Arc::default(),
            faults: Arc::default(),
            dataset: Arc::new(Dataset::new(len)),
        }
    }
}

/// The layer's state.
pub(crate) struct Hooks<V> {
    pub harness: Harness,
    pub vendor: Arc<V>,
}

/// Marks a response whose connection must be closed instead of answered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hangup;

fn hangup() -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(Hangup);
    response
}

/// The fault waiting for the vendor's code, if the plan chose one for this request.
struct Ticket {
    faults: Arc<Faults>,
    target: Target,
    backend: Mutex<Option<Chosen>>,
}

/// The handle a vendor handler takes its injected fault from, once the request has
/// passed its authentication.
#[derive(Clone, Default)]
pub(crate) struct Injected(Option<Arc<Ticket>>);

impl<S: Send + Sync> FromRequestParts<S> for Injected {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Injected>()
            .cloned()
            .unwrap_or_default())
    }
}

/// How the vendor's code changes a listing answer for an injected fault.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Paging {
    repeat: Option<bool>,
    shift: i64,
}

impl Paging {
    /// The page whose records to serve when `requested` is asked for.
    pub fn page(&self, requested: u64) -> u64 {
        match self.repeat {
            Some(_) if requested > 1 => requested - 1,
            _ => requested,
        }
    }

    /// The page number to echo when `requested` is asked for.
    pub fn echo(&self, requested: u64) -> u64 {
        match self.repeat {
            Some(true) if requested > 1 => requested - 1,
            _ => requested,
        }
    }

    /// The total to report when the true one is `total`.
    pub fn total(&self, total: u64) -> i64 {
        i64::try_from(total)
            .unwrap_or(i64::MAX)
            .saturating_add(self.shift)
    }
}

/// The page a listing request asks for in its query parameter `name`: 1 when it is
/// absent, 0 when it is not a number.
pub(crate) fn page_asked(request: &Recorded, name: &str) -> u64 {
    let pairs = parse_pairs(request.query.as_deref().unwrap_or(""));
    get(&pairs, name).map_or(1, |p| p.parse().unwrap_or(0))
}

impl Injected {
    /// The vendor's code calls this once the request is authenticated: an injected
    /// error comes back as `Err` (answer it), a paging fault as the `Paging` to apply.
    pub fn backend<V: Vendor>(&self, vendor: &V) -> Result<Paging, Response> {
        let Some(ticket) = &self.0 else {
            return Ok(Paging::default());
        };
        let Some(chosen) = lock(&ticket.backend).take() else {
            return Ok(Paging::default());
        };
        ticket.faults.note(&ticket.target, &chosen.fault);
        match chosen.fault {
            Fault::Busy => Err(V::BUSY.response(vendor)),
            Fault::VendorError {
                status,
                code,
                message,
            } => Err(vendor.error(status_code(status), &code, &message)),
            Fault::RepeatPreviousPage { echo_previous } => Ok(Paging {
                repeat: Some(echo_previous),
                shift: 0,
            }),
            Fault::ShiftTotal(shift) => Ok(Paging {
                repeat: None,
                shift,
            }),
            _ => Ok(Paging::default()),
        }
    }
}

pub(crate) fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn gateway_page(status: u16) -> Response {
    let status = status_code(status);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
}

/// The shared layer: record, wait, and serve the fault plan around the vendor's code.
pub(crate) async fn layer<V: Vendor>(
    State(hooks): State<Arc<Hooks<V>>>,
    request: Request,
    next: Next,
) -> Response {
    let Harness {
        log,
        faults,
        dataset,
    } = &hooks.harness;
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    };
    let recorded = Recorded {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: bytes.clone(),
    };
    let page = hooks.vendor.listing_page(&recorded);
    let sign_in = hooks.vendor.signs_in(&recorded);
    let number = log.record(&recorded, page, sign_in);
    let target = Target {
        method: recorded.method,
        path: recorded.path,
        listing: number.zip(page),
        sign_in,
    };
    if target.listing.is_some() {
        let latency = dataset.latency();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }

    let chosen = faults.choose(&target);
    let stage = chosen.as_ref().map(|c| c.fault.stage());
    if let Some(Chosen { fault, .. }) = chosen.as_ref().filter(|_| stage == Some(Stage::Gateway)) {
        faults.note(&target, fault);
        match fault {
            Fault::DropConnection => return hangup(),
            Fault::Hang => return std::future::pending().await,
            Fault::TooManyRequests { retry_after } => {
                let mut response = V::THROTTLED.response(&*hooks.vendor);
                *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
                return response;
            }
            Fault::GatewayHtml(status) => return gateway_page(*status),
            Fault::Respond {
                status,
                content_type,
                body,
            } => {
                return (
                    status_code(*status),
                    [(header::CONTENT_TYPE, content_type.clone())],
                    body.clone(),
                )
                    .into_response()
            }
            Fault::ExpireSessions => hooks.vendor.expire_sessions(),
            _ => {}
        }
    }

    let (backend, answer) = match (stage, chosen) {
        (Some(Stage::Backend), chosen) => (chosen, None),
        (Some(Stage::Answer), Some(chosen)) => (None, Some(chosen.fault)),
        _ => (None, None),
    };
    let ticket = Arc::new(Ticket {
        faults: faults.clone(),
        target,
        backend: Mutex::new(backend),
    });
    let mut request = Request::from_parts(parts, Body::from(bytes));
    request
        .extensions_mut()
        .insert(Injected(Some(ticket.clone())));
    let response = next.run(request).await;
    if let Some(untaken) = lock(&ticket.backend).take() {
        // The vendor's code never got to it (the request was refused first).
        faults.give_back(&untaken);
    }
    let Some(fault) = answer else {
        return response;
    };
    faults.note(&ticket.target, &fault);
    spoil(response, &fault).await
}

/// Applies an answer-stage fault to the vendor's finished answer.
async fn spoil(response: Response, fault: &Fault) -> Response {
    if let Fault::Delay(delay) = fault {
        tokio::time::sleep(*delay).await;
        return response;
    }
    if *fault == Fault::DropResponse {
        return hangup();
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return hangup();
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let half = bytes.slice(..bytes.len() / 2);
    let body = match fault {
        Fault::TruncatedJson => Body::from(half),
        Fault::MalformedJson => {
            let mut spoilt = bytes.to_vec();
            match spoilt.iter().position(|&b| b == b':') {
                Some(at) => spoilt[at] = b'=',
                None => spoilt.insert(0, b'{'),
            }
            Body::from(spoilt)
        }
        Fault::CutBody => {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            Body::new(Cut::new(half))
        }
        _ => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

/// A body that sends its one chunk, lets it reach the client, then fails (the
/// connection is then closed).
struct Cut {
    chunk: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl Cut {
    fn new(chunk: Bytes) -> Cut {
        Cut {
            chunk: Some(chunk),
            pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50))),
        }
    }
}

impl HttpBody for Cut {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        if let Some(chunk) = self.chunk.take() {
            return Poll::Ready(Some(Ok(hyper::body::Frame::data(chunk))));
        }
        // While this waits, the server flushes the headers and the chunk.
        std::task::ready!(self.pause.as_mut().poll(cx));
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the body is cut here",
        ))))
    }
}
