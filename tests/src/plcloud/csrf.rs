//! Django's CSRF check for unsafe methods, in Django's order, with its 403 page.
//!
//! 1. With an `Origin` header, it must be the trusted origin ([`ORIGIN`], the console's
//!    public address) or the server's own (`http(s)://<Host>`, which Django accepts as
//!    well); without one, `Referer` must be present and under one of them.
//! 2. The `csrftoken` cookie must be set (and, stricter than Django's default, still
//!    live: login rotates it away, as with `CSRF_USE_SESSIONS`).
//! 3. The form's `csrfmiddlewaretoken`, or else the `X-CSRFToken` header, must be
//!    present and equal the cookie.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ORIGIN;

/// Django's "CSRF verification failed" page (with the reason, as with `DEBUG`).
pub(crate) fn forbidden(reason: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>403 Forbidden</title>\n</head>\n<body>\n<div id=\"summary\">\n  <h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request aborted.</p>\n</div>\n<div id=\"info\">\n  <p>Reason given for failure:</p>\n  <pre>\n    {reason}\n  </pre>\n</div>\n</body>\n</html>\n"
    );
    html(StatusCode::FORBIDDEN, page)
}

/// Django's plain 403 page (`PermissionDenied`), for a session that is no longer valid.
pub(crate) fn permission_denied() -> Response {
    html(
        StatusCode::FORBIDDEN,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>403 Forbidden</title>\n</head>\n<body>\n  <h1>403 Forbidden</h1><p></p>\n</body>\n</html>\n".to_owned(),
    )
}

pub(crate) fn html(status: StatusCode, page: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

fn text<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The check, given the request's headers, its `csrftoken` cookie, its form token, and
/// whether a cookie value is a live token.
pub(crate) fn check(
    headers: &HeaderMap,
    cookie: Option<&str>,
    form_token: Option<&str>,
    live: impl Fn(&str) -> bool,
) -> Result<(), Response> {
    let host = text(headers, &header::HOST).unwrap_or_default();
    let own = [format!("http://{host}"), format!("https://{host}")];
    let trusted =
        |origin: &str| origin == ORIGIN || (!host.is_empty() && own.iter().any(|o| o == origin));
    match (
        text(headers, &header::ORIGIN),
        text(headers, &header::REFERER),
    ) {
        (Some(origin), _) if trusted(origin) => {}
        (Some(origin), _) => {
            return Err(forbidden(&format!(
                "Origin checking failed - {origin} does not match any trusted origins."
            )))
        }
        (None, None) => return Err(forbidden("Referer checking failed - no Referer.")),
        (None, Some(referer))
            if referer
                .split_once("://")
                .and_then(|(scheme, rest)| {
                    rest.split_once('/')
                        .map(|(authority, _)| format!("{scheme}://{authority}"))
                })
                .is_some_and(|origin| trusted(&origin)) => {}
        (None, Some(referer)) => {
            return Err(forbidden(&format!(
                "Referer checking failed - {referer} does not match any trusted origins."
            )))
        }
    }
    let Some(cookie) = cookie else {
        return Err(forbidden("CSRF cookie not set."));
    };
    let given = form_token.or(text(
        headers,
        &header::HeaderName::from_static("x-csrftoken"),
    ));
    match given {
        None => Err(forbidden("CSRF token missing.")),
        Some(token) if token == cookie && live(cookie) => Ok(()),
        Some(_) => Err(forbidden("CSRF token incorrect.")),
    }
}
