//! Failed responses: the vendor's error read from the body (code, message, request id,
//! or the start of a text or HTML page).

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use serde_json::Value;

use crate::error::{api_kind, ApiError};
use crate::request::Operation;
use crate::response::header_named;

/// Length of the text kept as the message of a non-JSON error body.
const MESSAGE_CHARS: usize = 200;

/// The [`ApiError`] of a failed response: the envelope's code, message and request id
/// from the JSON body (`parsed`, or parsed here), else the start of the body's text; the
/// request id from the envelope's header, else from the body. Transient when the status or the vendor code says
/// "try again later".
pub(crate) fn api_error(
    operation: &'static Operation,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    parsed: Option<Value>,
) -> ApiError {
    let envelope = operation.envelope;
    let parsed = parsed.or_else(|| serde_json::from_slice::<Value>(&body).ok());
    let (code, mut message, mut request_id) = match &parsed {
        Some(value) => (
            envelope.code_of(value),
            envelope.message_of(value),
            envelope.request_id_of(value),
        ),
        None => (None, None, None),
    };
    if code.is_none() && message.is_none() {
        let html = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().contains("html"));
        message = text_message(&String::from_utf8_lossy(&body), html && parsed.is_none());
    }
    // The header first, as for a success ([`Response::request_id`](crate::Response::request_id)).
    if let Some(header) = header_request_id(operation, &headers) {
        request_id = Some(header);
    }
    let transient = envelope.is_transient(status, code.as_deref());
    let kind = api_kind(envelope, status, code.as_deref());
    ApiError {
        operation: operation.id,
        status,
        code,
        message,
        request_id,
        headers,
        body,
        transient,
        kind,
        attempts: 1,
    }
}

/// The request id in the header the operation's error envelope names, if any.
pub(crate) fn header_request_id(operation: &Operation, headers: &HeaderMap) -> Option<String> {
    operation
        .envelope
        .request_id_header
        .and_then(|name| header_named(headers, name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// The start of a text body as a one-line message: whitespace collapsed, at most
/// [`MESSAGE_CHARS`] characters; for HTML the text without tags, scripts and styles
/// (falling back to the raw text if that leaves nothing). `None` for a blank body.
fn text_message(text: &str, html: bool) -> Option<String> {
    let looks_html = html || text.trim_start().starts_with('<');
    let stripped = if looks_html {
        Some(strip_html(text))
    } else {
        None
    };
    let source = match &stripped {
        Some(stripped) if !stripped.trim().is_empty() => stripped.as_str(),
        _ => text,
    };
    let mut message = String::new();
    for word in source.split_whitespace() {
        if !message.is_empty() {
            message.push(' ');
        }
        message.push_str(word);
        if message.chars().count() >= MESSAGE_CHARS {
            break;
        }
    }
    let message: String = message.chars().take(MESSAGE_CHARS).collect();
    (!message.is_empty()).then_some(message)
}

/// The text of an HTML document: tags, comments, `<script>` and `<style>` removed, a few
/// common entities decoded.
fn strip_html(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |end| i + end + 3);
        } else if let Some(tag) = ["<script", "<style"]
            .iter()
            .find(|tag| rest.starts_with(**tag))
        {
            let close = format!("</{}", &tag[1..]);
            i = match rest.find(&close) {
                Some(end) => {
                    let after = i + end;
                    lower[after..]
                        .find('>')
                        .map_or(html.len(), |gt| after + gt + 1)
                }
                None => html.len(),
            };
            out.push(' ');
        } else if rest.starts_with('<') {
            i = rest.find('>').map_or(html.len(), |end| i + end + 1);
            out.push(' ');
        } else {
            let end = rest.find('<').map_or(html.len(), |end| i + end);
            out.push_str(&html[i..end]);
            i = end;
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;
    use crate::envelope::SuccessRule;
    use crate::{ErrorEnvelope, ErrorKind};

    static NCE: ErrorEnvelope = ErrorEnvelope {
        code: &["/errcode", "/errCode"],
        message: &["/errmsg", "/errMsg"],
        request_id: &[],
        request_id_header: Some("X-Request-Id"),
        success: SuccessRule::Codes(&["0"]),
        transient: &["busy"],
        final_codes: &["bad-parameter"],
        credential_codes: &[],
        credential_statuses: &[],
        transient_statuses: &[409],
        final_statuses: &[504],
    };

    static OP: Operation = Operation {
        envelope: &NCE,
        ..Operation::get("Op", "/x")
    };

    fn failure(status: u16, content_type: Option<&str>, body: &str) -> Box<ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        }
        headers.insert("x-request-id", HeaderValue::from_static("hdr-1"));
        Box::new(api_error(
            &OP,
            status,
            headers,
            body.as_bytes().to_vec(),
            None,
        ))
    }

    #[test]
    fn failed_responses() {
        let api = failure(200, None, r#"{"errcode":"1","errmsg":"failed"}"#);
        assert_eq!(
            (
                api.status,
                api.code.as_deref(),
                api.message.as_deref(),
                api.request_id.as_deref()
            ),
            (200, Some("1"), Some("failed"), Some("hdr-1"))
        );
        let api = failure(
            400,
            Some("application/json"),
            r#"{"errCode":"9","errMsg":"bad"}"#,
        );
        assert_eq!(
            (api.code.as_deref(), api.message.as_deref()),
            (Some("9"), Some("bad"))
        );
        let api = failure(500, Some("text/plain"), "  Internal\n\n  error   here ");
        assert_eq!(api.message.as_deref(), Some("Internal error here"));
        assert_eq!(api.code, None);
        let api = failure(502, None, "");
        assert_eq!(api.message, None);
        assert!(api.transient);
        // HTTP 500 is transient by default, whatever the (unlisted) vendor code says.
        assert!(failure(500, None, r#"{"errcode":"x"}"#).transient);
        assert!(failure(500, None, r#"{"errcode":"busy"}"#).transient);
        assert!(failure(429, None, "slow down").transient);
        // The spec narrows and widens the table: a final code wins over a 500, a final
        // status over the default table, a listed status joins it.
        assert!(!failure(500, None, r#"{"errcode":"bad-parameter"}"#).transient);
        assert!(!failure(504, None, "").transient);
        assert!(failure(409, None, "").transient);
        assert!(!failure(400, None, r#"{"errcode":"x"}"#).transient);
        // A busy code is transient on any status, HTTP 200 included.
        assert!(failure(200, None, r#"{"errcode":"busy"}"#).transient);
        let api = failure(
            404,
            Some("application/json"),
            r#"{"detail":"no such thing"}"#,
        );
        assert_eq!(
            api.message.as_deref(),
            Some(r#"{"detail":"no such thing"}"#)
        );
    }

    #[test]
    fn namespaced_codes_are_kept_exactly_and_matched_tolerantly() {
        static AWS: ErrorEnvelope = ErrorEnvelope {
            code: &["/__type", "/code"],
            message: &["/message"],
            transient: &["ThrottlingException"],
            final_codes: &["ValidationException"],
            ..ErrorEnvelope::NONE
        };
        static AWS_OP: Operation = Operation {
            envelope: &AWS,
            ..Operation::get("Op", "/x")
        };
        let api = |status: u16, body: &str| {
            api_error(
                &AWS_OP,
                status,
                HeaderMap::new(),
                body.as_bytes().to_vec(),
                None,
            )
        };
        let throttled = api(
            400,
            r#"{"__type":"aws.protocols#ThrottlingException","message":"Rate exceeded"}"#,
        );
        assert_eq!(
            throttled.code.as_deref(),
            Some("aws.protocols#ThrottlingException")
        );
        assert!(throttled.transient);
        let url = api(
            400,
            r#"{"code":"ThrottlingException:http://internal.amazon.com/coral/x/"}"#,
        );
        assert_eq!(
            url.code.as_deref(),
            Some("ThrottlingException:http://internal.amazon.com/coral/x/")
        );
        assert!(url.transient);
        let invalid = api(
            500,
            r#"{"__type":"com.amazon.coral.validate#ValidationException"}"#,
        );
        assert!(!invalid.transient);
        assert!(!api(400, r#"{"__type":"aws.protocols#AccessDeniedException"}"#).transient);
    }

    #[test]
    fn a_credential_status_is_auth_and_final_when_no_code_decides() {
        static CONSOLE: ErrorEnvelope = ErrorEnvelope {
            code: &["/code"],
            transient: &["500"],
            credential_statuses: &[403],
            ..ErrorEnvelope::NONE
        };
        assert_eq!(api_kind(&CONSOLE, 403, None), ErrorKind::Auth);
        assert!(!CONSOLE.is_transient(403, None));
        // A listed code still decides first.
        assert_eq!(api_kind(&CONSOLE, 403, Some("500")), ErrorKind::Throttled);
        assert_eq!(api_kind(&CONSOLE, 404, None), ErrorKind::Service);
        assert_eq!(
            api_kind(&ErrorEnvelope::NONE, 403, None),
            ErrorKind::Service
        );
        assert_eq!(api_kind(&ErrorEnvelope::NONE, 401, None), ErrorKind::Auth);
    }

    #[test]
    fn html_messages() {
        let page = r#"<!DOCTYPE html>
<html lang="en"><head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <title>403 Forbidden</title>
  <style type="text/css">html * { padding:0; margin:0; } body * { padding:10px 20px; }</style>
  <script>var x = "<b>";</script>
</head><body>
<!-- a comment -->
<div id="summary"><h1>Forbidden <span>(403)</span></h1>
<p>CSRF verification failed. Request aborted.</p>
<p>You are seeing this message because this HTTPS site requires a &ldquo;Referer header&rdquo; &amp; more.</p>
</div></body></html>"#;
        let api = failure(403, Some("text/html; charset=utf-8"), page);
        let message = api.message.clone().unwrap();
        assert!(
            message.starts_with(
                "403 Forbidden Forbidden (403) CSRF verification failed. Request aborted."
            ),
            "{message}"
        );
        assert!(!message.contains("padding"), "{message}");
        assert!(message.chars().count() <= MESSAGE_CHARS);
        assert_eq!(api.body_text(), page);

        let long = format!("<p>{}</p>", "字".repeat(500));
        let message = text_message(&long, true).unwrap();
        assert_eq!(message.chars().count(), MESSAGE_CHARS);
        // Unterminated markup does not panic.
        for odd in ["<", "<script", "<!--", "<style>x", "a<b", "<p>é</p"] {
            let _ = text_message(odd, true);
        }
        assert_eq!(text_message("<br>", true).as_deref(), Some("<br>"));
    }
}
