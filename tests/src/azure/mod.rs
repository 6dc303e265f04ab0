//! Azure Resource Manager serving Consumption's `UsageDetails_List`
//! (`GET /subscriptions/{id}/providers/Microsoft.Consumption/usageDetails`), and the
//! Microsoft identity platform's token endpoint on its own host ([`start_entra`]).
//!
//! - Auth: `Authorization: Bearer <token>`, the token a JWT the token endpoint issued
//!   ([`token::verify`]: signature, audience, tenant, expiry on the fake's [`Clock`]).
//!   Refusals are Resource Manager's, 401 with `WWW-Authenticate: Bearer
//!   authorization_uri=..., error="invalid_token", error_description=...`:
//!   `AuthenticationFailed` (no or malformed header), `InvalidAuthenticationToken` (not a
//!   token the fake signed, or for another audience), `InvalidAuthenticationTokenTenant`
//!   (another tenant's), `ExpiredAuthenticationToken` (past its `exp`, or ended by
//!   [`Arm::expire_tokens`]).
//! - `api-version` is required: none is 400 `MissingApiVersionParameter`, one the
//!   provider does not serve 400 `InvalidApiVersionParameter`. Another subscription is
//!   404 `SubscriptionNotFound`.
//! - Paging: at most `$top` details a page (1 to 1000, default 1000; the document says
//!   `$top` limits the results, the service pages by it: an assumption), and while more
//!   follow an absolute `nextLink` to the same path with `api-version`, the request's
//!   own parameters, `$top` and a `$skiptoken` (base64 of where the next page starts, its `==` percent-encoded). No
//!   detail at all is 204 without a body, as the document allows.
//! - `$filter`: clauses joined by `and` on `properties/{resourceGroup, resourceName,
//!   resourceId, chargeType, reservationId, publisherType}` (`eq`, `lt`, `gt`, `le`,
//!   `ge`) and `tags eq 'key:value'`; anything else (`ne`, `or`, `not`, another property)
//!   is 400 `BadRequest`, as is a bad `$top`, `$skiptoken` or `metric` (the code of
//!   these refusals is an assumption). `metric` selects no other records.
//! - `$expand=properties/meterDetails` adds each detail's `meterDetails`,
//!   `properties/additionalInfo` its `additionalInfo` (both, comma-separated); the
//!   links carry `$expand`, `$filter` and `metric` on.
//! - Every answer of the fake carries `x-ms-request-id` (the constant [`REQUEST_ID`] on
//!   errors) and `x-ms-correlation-request-id` (the client's, if it sent one).
//!   Throttling is 429 `TooManyRequests` with `Retry-After`; the busy answer 503
//!   `ServiceUnavailable`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::clock::{Clock, Span, Utc};
use crate::dataset::{window, Dataset, Order};
use crate::harness::{Canned, Harness, Injected, Outcome, Vendor};
use crate::log::Recorded;
use crate::server::{Fake, Options};
use crate::{get as param, json as reply, parse_pairs};
use paging::{next_link, skip, top};

mod entra;
mod paging;
mod records;
#[cfg(test)]
mod tests;
pub mod token;

pub use entra::{start_entra, Entra, CORRELATION_ID, SCOPE};
pub use records::{expanded, usage_detail, usage_details, without_nulls};

/// The tenant (directory) the token endpoint knows, by id and by domain: it accepts
/// either in its path.
pub const TENANT_ID: &str = "72f9a8bf-86f1-41af-91ab-2d7cd011db47";
/// The tenant's domain, `<name>.onmicrosoft.com` as every Entra tenant has one (see
/// [`TENANT_ID`]).
pub const TENANT_DOMAIN: &str = "contoso.onmicrosoft.com";
/// The subscription the fake serves; another one is answered with
/// `SubscriptionNotFound`.
pub const SUBSCRIPTION_ID: &str = "9b1f7e2a-6c3d-4e5f-8a9b-0c1d2e3f4a5b";
/// The listing path of `subscription`.
pub fn list_path(subscription: &str) -> String {
    format!("/subscriptions/{subscription}/providers/Microsoft.Consumption/usageDetails")
}

/// The application's (client) id and secret the token endpoint accepts; the secret
/// has the `~` and `.` of the secrets Entra generates.
pub const CLIENT: (&str, &str) = (
    "5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
    "Qx8Q~azure.fake-client-secret_0123456789",
);
/// The API version the fake serves `UsageDetails_List` in.
pub const API_VERSION: &str = "2024-08-01";
/// The API versions the provider serves, as its refusal of any other lists them.
pub const API_VERSIONS: &str =
    "2017-11-30,2018-01-31,2019-10-01,2021-10-01,2023-03-01,2023-05-01,2023-11-01,2024-08-01";
/// The request id (`x-ms-request-id`) of every error of Resource Manager.
pub const REQUEST_ID: &str = "0c5a8f3e-94d2-4b17-a6e0-3f1b2c4d5e6f";
/// The `trace_id` of every refusal of the token endpoint.
pub const TRACE_ID: &str = "f3a1c0de-5b2e-4d4f-9a77-1c2b3d4e5f60";
/// How many usage details a fresh fake serves.
pub const DEFAULT_DETAILS: u64 = 57;
/// The most details a page holds, and the page size without `$top`.
pub const MAX_TOP: u64 = 1000;
/// The lifetime of a token on a fresh fake: Entra's usual `expires_in`.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3599);

/// Resource Manager's state: its clock, the tokens' lifetime, and which tokens have
/// ended (shared with the token endpoint).
#[derive(Debug)]
pub struct Arm {
    /// The clock of Resource Manager and the token endpoint; advance it to expire
    /// tokens.
    pub clock: Clock,
    dataset: Arc<Dataset>,
    lifetime: Span,
    /// How many tokens were issued (each token's `uti`).
    issued: AtomicU64,
    /// Tokens numbered up to this one have ended.
    ended: AtomicU64,
    /// Whether the fake serves HTTPS (for its `nextLink`s).
    tls: bool,
    /// The number of the last successful answer, for its `x-ms-request-id`.
    answered: AtomicU64,
}

impl Arm {
    /// Ends every token issued so far: the next call with one is refused with
    /// `ExpiredAuthenticationToken`.
    pub fn expire_tokens(&self) {
        self.ended
            .store(self.issued.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    /// Tokens issued from now on live `lifetime` (an hour on a fresh fake).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.lifetime.set(lifetime);
    }

    /// A refusal of the bearer token: 401 with `WWW-Authenticate`.
    fn unauthenticated(&self, code: &str, message: &str, description: &str) -> Response {
        let mut response = self.error(StatusCode::UNAUTHORIZED, code, message);
        let challenge = format!(
            "Bearer authorization_uri=\"https://login.microsoftonline.com/{TENANT_ID}\", error=\"invalid_token\", error_description=\"{description}\""
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }

    /// Resource Manager's check of `Authorization: Bearer <token>`.
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), Response> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Err(self.unauthenticated(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            ));
        };
        let Some(token) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) else {
            return Err(self.unauthenticated(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of an invalid 'Authorization' header.",
            ));
        };
        let Some(claims) = token::verify(token) else {
            return Err(self.unauthenticated(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                "The access token is invalid.",
            ));
        };
        if claims.audience != token::AUDIENCE {
            return Err(self.unauthenticated(
                "InvalidAuthenticationToken",
                &format!("The access token has been obtained for wrong audience or resource '{}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.", claims.audience),
                "The access token has been obtained for wrong audience or resource.",
            ));
        }
        if claims.tenant != TENANT_ID {
            return Err(self.unauthenticated(
                "InvalidAuthenticationTokenTenant",
                &format!("The access token is from the wrong issuer 'https://sts.windows.net/{}/'. It must match the tenant 'https://sts.windows.net/{TENANT_ID}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{TENANT_ID}' to get the token.", claims.tenant),
                "The access token is from the wrong issuer.",
            ));
        }
        let now = self.clock.now_ms();
        let ended = claims.serial <= self.ended.load(Ordering::SeqCst);
        if ended || now >= claims.expires.saturating_mul(1000) {
            let expiry = if ended { now / 1000 } else { claims.expires };
            return Err(self.unauthenticated(
                "ExpiredAuthenticationToken",
                &format!(
                    "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
                    us_time(expiry * 1000),
                    us_time(now)
                ),
                "The access token has expired.",
            ));
        }
        Ok(())
    }
}

/// `12/4/2026 9:14:03 PM`: how Resource Manager writes times in its messages.
fn us_time(ms: i64) -> String {
    let t = Utc::from_unix_ms(ms);
    let iso = t.iso_seconds();
    let field = |range: std::ops::Range<usize>| iso[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (field(0..4), field(5..7), field(8..10));
    let (hour, minute, second) = (field(11..13), field(14..16), field(17..19));
    let (h12, half) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!("{month}/{day}/{year} {h12}:{minute:02}:{second:02} {half}")
}

/// The message of the busy answer (503 `ServiceUnavailable`).
const UNAVAILABLE: &str = "The service is temporarily unavailable. Please retry after some time.";
/// The message of the throttling answer (429 `TooManyRequests`).
const THROTTLED: &str =
    "Too many requests. Please retry after the time given in the Retry-After header.";

impl Vendor for Arm {
    const BUSY: Canned = Canned::Error(503, "ServiceUnavailable", UNAVAILABLE);
    const THROTTLED: Canned = Canned::Error(429, "TooManyRequests", THROTTLED);

    fn listing_page(&self, request: &Recorded) -> Option<u64> {
        let listing = request.method == "GET"
            && request.path.starts_with("/subscriptions/")
            && request
                .path
                .ends_with("/providers/Microsoft.Consumption/usageDetails");
        listing.then(|| {
            let pairs = parse_pairs(request.query.as_deref().unwrap_or(""));
            match (top(&pairs), skip(&pairs)) {
                (Ok(top), Ok(start)) => start / top + 1,
                _ => 0,
            }
        })
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        let mut response = reply(status, json!({"error": {"code": code, "message": message}}));
        let headers = response.headers_mut();
        headers.insert("x-ms-request-id", HeaderValue::from_static(REQUEST_ID));
        headers.insert(
            "x-ms-correlation-request-id",
            HeaderValue::from_static(REQUEST_ID),
        );
        response
    }

    fn expire_sessions(&self) {
        self.expire_tokens();
    }
}

/// Starts Resource Manager over plain HTTP with [`DEFAULT_DETAILS`] usage details.
pub async fn start() -> Fake<Arm> {
    start_with(Options::default()).await
}

/// Starts Resource Manager with `options`.
pub async fn start_with(options: Options) -> Fake<Arm> {
    let tls = options.tls;
    let arm = move |harness: &Harness| Arm {
        clock: Clock::default(),
        dataset: harness.dataset.clone(),
        lifetime: Span::new(TOKEN_LIFETIME),
        issued: AtomicU64::new(0),
        ended: AtomicU64::new(0),
        tls,
        answered: AtomicU64::new(0),
    };
    let route = "/subscriptions/{subscription}/providers/Microsoft.Consumption/usageDetails";
    let routes = Router::new().route(route, get(list));
    Fake::start(DEFAULT_DETAILS, options, arm, routes).await
}

impl Arm {
    /// The request ids of a successful answer.
    fn success_headers(&self, request: &HeaderMap) -> [(&'static str, String); 2] {
        let n = self.answered.fetch_add(1, Ordering::SeqCst) + 1;
        let id = format!("5e0f1a2b-3c4d-4e5f-8a9b-{n:012x}");
        let correlation = request
            .get("x-ms-correlation-request-id")
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| id.clone(), str::to_owned);
        [
            ("x-ms-request-id", id),
            ("x-ms-correlation-request-id", correlation),
        ]
    }
}

async fn list(
    State(arm): State<Arc<Arm>>,
    injected: Injected,
    Path(subscription): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Outcome {
    arm.authenticate(&headers)?;
    if subscription != SUBSCRIPTION_ID {
        return Err(arm.error(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            &format!("The subscription '{subscription}' could not be found."),
        ));
    }
    let pairs = parse_pairs(query.as_deref().unwrap_or(""));
    match param(&pairs, "api-version") {
        None => {
            return Err(arm.error(
                StatusCode::BAD_REQUEST,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            ))
        }
        Some(v) if !API_VERSIONS.split(',').any(|known| known == v) => {
            return Err(arm.error(
                StatusCode::BAD_REQUEST,
                "InvalidApiVersionParameter",
                &format!(
                "The api-version '{v}' is invalid. The supported versions are '{API_VERSIONS}'."
            ),
            ))
        }
        Some(_) => {}
    }
    let paging = injected.backend(&*arm)?;
    let bad = |message: String| arm.error(StatusCode::BAD_REQUEST, "BadRequest", &message);
    let top = top(&pairs).map_err(bad)?;
    let start = skip(&pairs).map_err(bad)?;
    let filter = param(&pairs, "$filter");
    let clauses = match filter {
        None => Vec::new(),
        Some(filter) => records::parse_filter(filter).map_err(bad)?,
    };
    let (expand, metric) = (param(&pairs, "$expand"), param(&pairs, "metric"));
    if let Some(metric) = metric {
        if !["actualcost", "amortizedcost", "usage"].contains(&metric) {
            return Err(bad(format!("The metric '{metric}' is invalid. Valid values are 'actualcost', 'amortizedcost' and 'usage'.")));
        }
    }
    // A stale page (an injected repeat) is the page before, link and all.
    let page = paging.page(start / top + 1);
    let keep = |i: u64| records::keeps(&clauses, &usage_detail(i));
    let filtered: Option<&dyn Fn(u64) -> bool> = (!clauses.is_empty()).then_some(&keep);
    let w = window(arm.dataset.len(), page, top, Order::Index, filtered);
    let success = arm.success_headers(&headers);
    if w.total == 0 {
        return Ok((StatusCode::NO_CONTENT, success).into_response());
    }
    let next = page * top;
    let details = w.records(usage_detail).into_iter();
    let details: Vec<_> = details.map(|d| expanded(d, expand.unwrap_or(""))).collect();
    let mut body = json!({"value": details});
    if next < w.total {
        let path = list_path(&subscription);
        let kept = [("$expand", expand), ("$filter", filter), ("metric", metric)];
        body["nextLink"] = json!(next_link(arm.tls, &headers, &path, top, &kept, next));
    }
    let json = [(header::CONTENT_TYPE, "application/json; charset=utf-8")];
    Ok((StatusCode::OK, success, json, body.to_string()).into_response())
}
