//! The fault plan: what goes wrong, and on which request.
//!
//! A test adds rules to a server's [`Faults`]: a [`Fault`], [`When`] it strikes, and how
//! many times. Each request gets at most one fault: the first rule, in the order the
//! rules were added, whose trigger matches the request and which has strikes left.
//!
//! Faults strike at one of three points, as they would in a real deployment:
//!
//! - before the vendor's code runs (the gateway or the network): [`Fault::DropConnection`],
//!   [`Fault::TooManyRequests`], [`Fault::GatewayHtml`], [`Fault::Respond`],
//!   [`Fault::Hang`], [`Fault::ExpireSessions`] (which then lets the request through);
//! - in the vendor's code, once the request has passed its authentication:
//!   [`Fault::Busy`], [`Fault::VendorError`], [`Fault::RepeatPreviousPage`],
//!   [`Fault::ShiftTotal`]. A request refused by authentication does not use the rule
//!   up: the strike goes back to the rule and the next request may take it;
//! - on the vendor's finished answer (its side effects, such as a consumed nonce or a
//!   counted sign-in, have happened): [`Fault::Delay`], [`Fault::TruncatedJson`],
//!   [`Fault::MalformedJson`], [`Fault::CutBody`], [`Fault::DropResponse`].

use std::sync::Mutex;
use std::time::Duration;

use axum::http::Method;

use crate::lock;

/// Something that goes wrong with one answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Close the connection after reading the request, without any response.
    DropConnection,
    /// Read the request and never answer: the connection stays open, silent, until the
    /// client gives up or the server stops (a sign-in endpoint that hangs).
    Hang,
    /// HTTP 429 with `Retry-After: <retry_after>` (seconds) and the vendor's throttling
    /// body.
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        retry_after: u64,
    },
    /// An nginx-style HTML error page from the gateway in front of the vendor, with this
    /// status (502, 503, 504, ...).
    GatewayHtml(u16),
    /// This exact response instead of the vendor's.
    Respond {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` of the body.
        content_type: String,
        /// The body.
        body: String,
    },
    /// Expire every session or token of the vendor, then handle the request (which
    /// is then refused as the vendor refuses expired credentials): an expiry in the
    /// middle of a run. No effect on Kaopuyun, which signs each request; on Cost
    /// Explorer it ends the temporary key's session token.
    ExpireSessions,
    /// The vendor's own "busy, try again later" error: GSL `GSL.00010003` on 500,
    /// Kaopuyun `ServiceUnavailable` on 503, NCE errcode `"500"` on 500, PLCloud code
    /// 500 on 500, IAM a keystone-style 503, Cost Explorer `ServiceUnavailableException`
    /// on 503.
    Busy,
    /// A vendor error in the vendor's envelope, with any status (200 included: a
    /// failure only the body tells).
    VendorError {
        /// The HTTP status.
        status: u16,
        /// The vendor's error code (PLCloud's numeric `code` is sent as a number when
        /// this parses as one).
        code: String,
        /// The vendor's message.
        message: String,
    },
    /// Serve the previous page's records when page `P` (> 1) is asked for, as a
    /// backend whose data shifted would. With `echo_previous` the whole answer is page
    /// `P - 1`'s, echoed page number included (a stale cache); without it the answer
    /// says page `P` but carries page `P - 1`'s records. No effect on page 1 or on a
    /// vendor without pages (PLCloud). A vendor that pages by token (Cost Explorer)
    /// has no page number to echo: either way its answer is page `P - 1`'s, next token
    /// included, which points back at page `P`.
    RepeatPreviousPage {
        /// Echo `P - 1` as the page number instead of `P`.
        echo_previous: bool,
    },
    /// Report a total this much off the true one (this answer only; the records are
    /// unchanged). No effect on PLCloud and Cost Explorer, whose answers have no
    /// record count.
    ShiftTotal(i64),
    /// Handle the request, then wait this long before answering (a response slower
    /// than the client's timeout).
    Delay(Duration),
    /// The vendor's answer with its body cut in half: status and headers intact,
    /// `Content-Length` matching the shortened body, a valid prefix of the JSON.
    TruncatedJson,
    /// The vendor's answer with its body made invalid JSON (its first `:` becomes `=`);
    /// status and headers intact.
    MalformedJson,
    /// The vendor's answer announced with its full `Content-Length`, then the
    /// connection closed halfway through the body.
    CutBody,
    /// Handle the request (side effects included), then close the connection without
    /// a response.
    DropResponse,
}

impl Fault {
    /// A JSON answer instead of the vendor's ([`Fault::Respond`]).
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Fault::raw(status, "application/json", body.to_string())
    }

    /// A raw answer instead of the vendor's ([`Fault::Respond`]): HTML pages, truncated
    /// JSON, ...
    pub fn raw(status: u16, content_type: &str, body: impl Into<String>) -> Self {
        Fault::Respond {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
        }
    }

    /// A vendor error in the vendor's envelope ([`Fault::VendorError`]).
    pub fn vendor_error(status: u16, code: &str, message: &str) -> Self {
        Fault::VendorError {
            status,
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    pub(crate) fn stage(&self) -> Stage {
        match self {
            Fault::DropConnection
            | Fault::Hang
            | Fault::TooManyRequests { .. }
            | Fault::GatewayHtml(_)
            | Fault::Respond { .. }
            | Fault::ExpireSessions => Stage::Gateway,
            Fault::Busy
            | Fault::VendorError { .. }
            | Fault::RepeatPreviousPage { .. }
            | Fault::ShiftTotal(_) => Stage::Backend,
            Fault::Delay(_)
            | Fault::TruncatedJson
            | Fault::MalformedJson
            | Fault::CutBody
            | Fault::DropResponse => Stage::Answer,
        }
    }
}

/// Where a fault strikes (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Gateway,
    Backend,
    Answer,
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Any request, whatever its route.
    Next,
    /// A request to this route: method and path, e.g. `(Method::POST, "/auth/login/")`.
    Route(Method, String),
    /// The `n`th request (from 1) to the vendor's listing call over the server's life.
    Request(u64),
    /// A request for this page (from 1) of the listing (PLCloud's single list is page 1).
    Page(u64),
    /// Any request to the listing call.
    Listing,
    /// A request to the vendor's sign-in call (NCE's token login, IAM's token call,
    /// PLCloud's console login; none for a vendor that signs each request).
    SignIn,
}

/// What the fault plan knows about a request.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub method: Method,
    pub path: String,
    /// `(n, page)` for a listing request: its number and the page it asks for (0 when
    /// its page parameter cannot be read).
    pub listing: Option<(u64, u64)>,
    /// Whether the request is to the vendor's sign-in call.
    pub sign_in: bool,
}

impl When {
    fn matches(&self, t: &Target) -> bool {
        match self {
            When::Next => true,
            When::Route(method, path) => *method == t.method && *path == t.path,
            When::Request(n) => t.listing.is_some_and(|(m, _)| m == *n),
            When::Page(p) => t.listing.is_some_and(|(_, q)| q == *p),
            When::Listing => t.listing.is_some(),
            When::SignIn => t.sign_in,
        }
    }
}

#[derive(Debug)]
struct Rule {
    when: When,
    /// Strikes left; `None` strikes every time.
    left: Option<u32>,
    fault: Fault,
}

/// A fault that struck, for tests that check their plan ran as intended.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    /// `METHOD /path` of the request.
    pub route: String,
    /// The listing request's number and page, as in [`When::Request`] and [`When::Page`].
    pub listing: Option<(u64, u64)>,
    /// The fault.
    pub fault: Fault,
}

/// A server's fault plan.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
    served: Mutex<Vec<Served>>,
}

/// A fault chosen for a request, and the rule it came from (to give the strike back).
#[derive(Debug)]
pub(crate) struct Chosen {
    pub rule: usize,
    pub fault: Fault,
}

impl Faults {
    /// Adds a rule: `fault` strikes requests matching `when`, `times` times (`None`:
    /// every time).
    pub fn add(&self, when: When, times: Option<u32>, fault: Fault) {
        lock(&self.rules).push(Rule {
            when,
            left: times,
            fault,
        });
    }

    /// `fault` strikes the next request, whatever its route (a sign-in included; use
    /// [`When::Listing`] for the next listing request). A fault that strikes in the
    /// vendor's code waits for the next request that gets there.
    pub fn inject(&self, fault: Fault) {
        self.add(When::Next, Some(1), fault);
    }

    /// `fault` strikes the next request to `method path`.
    pub fn on_route(&self, method: Method, path: &str, fault: Fault) {
        self.add(When::Route(method, path.to_owned()), Some(1), fault);
    }

    /// `fault` strikes the `n`th listing request (from 1, counted over the server's life).
    pub fn on_request(&self, n: u64, fault: Fault) {
        self.add(When::Request(n), Some(1), fault);
    }

    /// `fault` strikes the first request for page `page` (from 1); a retry of that
    /// page gets the normal answer.
    pub fn on_page(&self, page: u64, fault: Fault) {
        self.add(When::Page(page), Some(1), fault);
    }

    /// `fault` strikes every request for page `page`.
    pub fn on_every_page(&self, page: u64, fault: Fault) {
        self.add(When::Page(page), None, fault);
    }

    /// How many strikes the counted rules still have (rules striking every time are
    /// not counted). Zero once every planned fault was served.
    pub fn remaining(&self) -> u64 {
        lock(&self.rules)
            .iter()
            .filter_map(|r| r.left)
            .map(u64::from)
            .sum()
    }

    /// The faults served so far, in order.
    pub fn served(&self) -> Vec<Served> {
        lock(&self.served).clone()
    }

    /// Removes every rule.
    pub fn clear(&self) {
        lock(&self.rules).clear();
    }

    /// Chooses the fault for a request: the first rule with strikes left whose trigger
    /// matches. The strike is taken; [`Faults::give_back`] returns it.
    pub(crate) fn choose(&self, target: &Target) -> Option<Chosen> {
        let mut rules = lock(&self.rules);
        let (rule, found) = rules
            .iter_mut()
            .enumerate()
            .find(|(_, r)| r.left != Some(0) && r.when.matches(target))?;
        if let Some(left) = &mut found.left {
            *left -= 1;
        }
        Some(Chosen {
            rule,
            fault: found.fault.clone(),
        })
    }

    /// Returns the strike of a fault that could not be served.
    pub(crate) fn give_back(&self, chosen: &Chosen) {
        if let Some(rule) = lock(&self.rules).get_mut(chosen.rule) {
            if let Some(left) = &mut rule.left {
                *left += 1;
            }
        }
    }

    /// Notes a fault as served.
    pub(crate) fn note(&self, target: &Target, fault: &Fault) {
        lock(&self.served).push(Served {
            route: format!("{} {}", target.method, target.path),
            listing: target.listing,
            fault: fault.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(n: u64, page: u64) -> Target {
        Target {
            method: Method::GET,
            path: "/list".into(),
            listing: Some((n, page)),
            sign_in: false,
        }
    }

    #[test]
    fn the_first_matching_rule_with_strikes_left_wins() {
        let faults = Faults::default();
        faults.on_page(2, Fault::Busy);
        faults.inject(Fault::DropConnection);
        faults.add(When::Page(3), None, Fault::TruncatedJson);
        assert_eq!(faults.remaining(), 2);

        let pick = |t: &Target| faults.choose(t).map(|c| c.fault);
        assert_eq!(pick(&listing(1, 1)), Some(Fault::DropConnection));
        assert_eq!(pick(&listing(2, 1)), None);
        let busy = faults.choose(&listing(3, 2)).expect("page 2");
        assert_eq!(busy.fault, Fault::Busy);
        assert_eq!(pick(&listing(4, 2)), None, "first time only");
        faults.give_back(&busy);
        assert_eq!(pick(&listing(5, 2)), Some(Fault::Busy), "given back");
        for n in 6..9 {
            assert_eq!(pick(&listing(n, 3)), Some(Fault::TruncatedJson));
        }
        assert_eq!(faults.remaining(), 0);
    }

    #[test]
    fn routes_and_request_numbers_are_triggers() {
        let faults = Faults::default();
        faults.on_route(Method::POST, "/login", Fault::Busy);
        faults.on_request(2, Fault::CutBody);
        let login = Target {
            method: Method::POST,
            path: "/login".into(),
            listing: None,
            sign_in: true,
        };
        assert!(faults.choose(&listing(1, 1)).is_none());
        assert_eq!(
            faults.choose(&listing(2, 1)).map(|c| c.fault),
            Some(Fault::CutBody)
        );
        assert_eq!(faults.choose(&login).map(|c| c.fault), Some(Fault::Busy));
        assert!(faults.choose(&login).is_none());
        faults.add(When::SignIn, None, Fault::Hang);
        assert!(faults.choose(&listing(3, 1)).is_none());
        for _ in 0..2 {
            assert_eq!(faults.choose(&login).map(|c| c.fault), Some(Fault::Hang));
        }
    }
}
