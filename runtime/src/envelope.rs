//! Where a vendor puts its error code, message and request id (`x-error-envelope`), and
//! how a code a spec lists is compared with the code a response carries
//! ([`code_matches`]).

use std::borrow::Cow;

use serde_json::Value;

use crate::types::format_f64;

/// Whether the vendor code `actual` (as a response carries it) is the code `listed` (as a
/// spec lists it in `transient`, `final` or an auth scheme's `stale-codes`).
///
/// AWS-style APIs qualify their codes: a Smithy shape id with a namespace before `#`
/// (`aws.protocols#ThrottlingException`, `com.amazon.coral.service#ExpiredTokenException`
/// in `__type` or `code`), or a URL after `:` (`ThrottlingException:http://internal.amazon.com/coral/...`
/// in the header `x-amzn-ErrorType`, and sometimes in the body). AWS's SDKs keep the
/// part before the first `:`, then the part after the first `#`, as the code; so does
/// this function, on `actual` only:
///
/// - a bare listed code (no `#`, no `:`) matches `actual` when `actual` is that code,
///   or is that code once its qualifiers are taken off: `ThrottlingException` matches
///   `ThrottlingException`, `aws.protocols#ThrottlingException`,
///   `ThrottlingException:http://...` and `aws.protocols#ThrottlingException:http://...`;
/// - a qualified listed code (with `#` or `:`) matches only itself, exactly, so a spec
///   can single out one namespace's code;
/// - the comparison is otherwise exact: case matters, and `Throttling` does not match
///   `Throttling.User` (Alibaba's dotted codes are distinct codes, not namespaces), nor
///   `ThrottlingException`. An empty listed code matches only an empty code.
///
/// [`ApiError::code`](crate::ApiError::code) and
/// [`AttemptOutcome::vendor_code`](crate::interceptor::AttemptOutcome::vendor_code) keep
/// the vendor's exact text; only the comparison is tolerant. Success codes
/// ([`SuccessRule::Codes`]) are compared exactly, not with this function (see there).
///
/// ```
/// use meterage_runtime::envelope::code_matches;
///
/// assert!(code_matches("ThrottlingException", "aws.protocols#ThrottlingException"));
/// assert!(code_matches(
///     "ThrottlingException",
///     "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"
/// ));
/// assert!(code_matches("ExpiredTokenException", "com.amazon.coral.service#ExpiredTokenException"));
/// assert!(!code_matches("aws.protocols#ThrottlingException", "ThrottlingException"));
/// assert!(!code_matches("aws.protocols#ThrottlingException", "other#ThrottlingException"));
/// assert!(!code_matches("Throttling", "Throttling.User"));
/// ```
pub fn code_matches(listed: &str, actual: &str) -> bool {
    if listed == actual {
        return true;
    }
    if listed.is_empty() || listed.contains(['#', ':']) {
        return false;
    }
    unqualified(actual) == listed
}

/// A vendor code without its qualifiers: the text before the first `:` (a URL AWS
/// appends), then the text after the first `#` (a Smithy namespace), as AWS's SDKs read
/// `x-amzn-ErrorType`, `__type` and `code`.
fn unqualified(code: &str) -> &str {
    let code = code.split_once(':').map_or(code, |(before, _)| before);
    code.split_once('#').map_or(code, |(_, after)| after)
}

/// Whether any code of `listed` matches `actual` ([`code_matches`]).
pub(crate) fn any_code_matches(listed: &[&str], actual: &str) -> bool {
    listed.iter().any(|listed| code_matches(listed, actual))
}

/// How a response with a 2xx status is told apart from a failure the vendor reports
/// inside the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessRule {
    /// The HTTP status alone decides: every 2xx response is a success.
    Status,
    /// A 2xx JSON body whose code is present and not one of these is a failure (NCE
    /// answers HTTP 200 with `errcode` `"1"`; PLCloud with `code` `403`). Values compare
    /// by JSON text: `"0"` matches the string `"0"`, `"200"` matches the number `200`.
    ///
    /// Success codes compare exactly, not with the namespace tolerance of
    /// [`code_matches`]: a code matching here turns a body into a success, so a loose
    /// match could read a failure (`svc#0`, `0:http://...`) as data and lose the error,
    /// while an exact match can at worst report a success as an [`Error::Api`](crate::Error::Api),
    /// which is seen. Qualified codes are AWS's way of naming errors; no API reports
    /// success with one.
    Codes(&'static [&'static str]),
    /// A 2xx JSON body that carries a code at all is a failure (Alibaba-style RPC APIs
    /// answer `{RequestId, Code, Message}` whatever the status).
    NoCode,
}

/// Where a vendor puts its error code and message (from the spec's `x-error-envelope`).
///
/// All pointers are JSON pointers (RFC 6901) into the response body, tried in order: the
/// first one that is present and not `null` wins.
///
/// ```
/// use meterage_runtime::{ErrorEnvelope, SuccessRule};
///
/// // Huawei iMaster NCE-Campus: HTTP 200 with errcode "1" is a failure.
/// static NCE: ErrorEnvelope = ErrorEnvelope {
///     code: &["/errcode", "/errCode"],
///     message: &["/errmsg", "/errMsg"],
///     request_id: &[],
///     request_id_header: None,
///     success: SuccessRule::Codes(&["0"]),
///     transient: &[],
///     ..ErrorEnvelope::NONE
/// };
/// let body = serde_json::json!({"errcode": "1", "errmsg": "failed"});
/// assert_eq!(NCE.code_of(&body).as_deref(), Some("1"));
/// assert!(NCE.is_failure(&body));
/// ```
#[derive(Debug)]
pub struct ErrorEnvelope {
    /// JSON pointers to the vendor's error code; a number is rendered as its text.
    pub code: &'static [&'static str],
    /// JSON pointers to the vendor's error message.
    pub message: &'static [&'static str],
    /// JSON pointers to the request id in the body.
    pub request_id: &'static [&'static str],
    /// A response header carrying the request id.
    pub request_id_header: Option<&'static str>,
    /// How a 2xx body reports a failure.
    pub success: SuccessRule,
    /// Vendor codes that mean "busy, try again later" (Huawei GSL's `GSL.00010003` on a
    /// 500): an idempotent call that fails with one of them is retried. Compared with
    /// [`code_matches`]: `ThrottlingException` also stands for
    /// `aws.protocols#ThrottlingException`.
    pub transient: &'static [&'static str],
    /// Vendor codes that are final even on a status retried by default (a 500 whose
    /// code says the parameters are wrong). Compared with [`code_matches`].
    pub final_codes: &'static [&'static str],
    /// Vendor codes that say the credentials were refused (a bad signature, an unknown
    /// access key, a wrong password): an answer with one of them is an
    /// [`ErrorKind::Auth`](crate::ErrorKind::Auth) failure whatever its status. Compared
    /// with [`code_matches`].
    pub credential_codes: &'static [&'static str],
    /// Statuses that say the credentials were refused when no listed code decides (a
    /// console that answers a refused session with an HTML 403 page, which carries no
    /// code): [`ErrorKind::Auth`](crate::ErrorKind::Auth) failures, never retried. HTTP
    /// 401 is one on every API.
    pub credential_statuses: &'static [u16],
    /// Statuses retried besides the default table (see [`crate::retry`]).
    pub transient_statuses: &'static [u16],
    /// Statuses of the default table this API means as final.
    pub final_statuses: &'static [u16],
}

impl ErrorEnvelope {
    /// An envelope without pointers: no vendor code or message is extracted and the HTTP
    /// status alone decides success.
    pub const NONE: ErrorEnvelope = ErrorEnvelope {
        code: &[],
        message: &[],
        request_id: &[],
        request_id_header: None,
        success: SuccessRule::Status,
        transient: &[],
        final_codes: &[],
        credential_codes: &[],
        credential_statuses: &[],
        transient_statuses: &[],
        final_statuses: &[],
    };

    /// The vendor error code in `body`, as text (a JSON number is rendered as its
    /// shortest text: `200`, not `200.0`).
    pub fn code_of(&self, body: &Value) -> Option<String> {
        first_text(body, self.code)
    }

    /// The vendor error message in `body`.
    pub fn message_of(&self, body: &Value) -> Option<String> {
        first_text(body, self.message)
    }

    /// The request id in `body`.
    pub fn request_id_of(&self, body: &Value) -> Option<String> {
        first_text(body, self.request_id)
    }

    /// Whether a successful (2xx) JSON `body` nevertheless reports a failure, by
    /// [`ErrorEnvelope::success`].
    pub fn is_failure(&self, body: &Value) -> bool {
        self.is_failure_code(self.code_of(body).as_deref())
    }

    /// Whether a 2xx body whose code is `code` reports a failure.
    pub fn is_failure_code(&self, code: Option<&str>) -> bool {
        match (self.success, code) {
            (SuccessRule::Status, _) | (_, None) => false,
            (SuccessRule::Codes(ok), Some(code)) => !ok.contains(&code),
            (SuccessRule::NoCode, Some(_)) => true,
        }
    }

    /// Whether a 2xx body must be looked into for a vendor code.
    pub fn inspects_success_bodies(&self) -> bool {
        self.success != SuccessRule::Status && !self.code.is_empty()
    }

    /// Whether `code` is one of the vendor's "busy, try again" codes ([`code_matches`]
    /// one of [`ErrorEnvelope::transient`]).
    pub fn is_transient_code(&self, code: &str) -> bool {
        any_code_matches(self.transient, code)
    }

    /// Whether `code` is one of the codes never retried ([`code_matches`] one of
    /// [`ErrorEnvelope::final_codes`]).
    pub fn is_final_code(&self, code: &str) -> bool {
        any_code_matches(self.final_codes, code)
    }

    /// Whether `code` says the credentials were refused ([`code_matches`] one of
    /// [`ErrorEnvelope::credential_codes`]).
    pub fn is_credential_code(&self, code: &str) -> bool {
        any_code_matches(self.credential_codes, code)
    }

    /// Whether a failed response with `status` and vendor `code` is worth another
    /// attempt: the code's `final_codes` and `credential_codes` (refused credentials
    /// stay refused), then its `transient`, then the status's
    /// `final_statuses` and `credential_statuses`, then `transient_statuses` and the default table
    /// ([`is_transient_status`](crate::retry::is_transient_status)); the first that
    /// matches decides. Codes are compared with [`code_matches`], so a listed
    /// `ThrottlingException` decides for `aws.protocols#ThrottlingException` too.
    ///
    /// ```
    /// use meterage_runtime::ErrorEnvelope;
    ///
    /// static GSL: ErrorEnvelope = ErrorEnvelope {
    ///     code: &["/error_code"],
    ///     transient: &["GSL.00010003"],
    ///     final_codes: &["GSL.00010001"],
    ///     final_statuses: &[501],
    ///     ..ErrorEnvelope::NONE
    /// };
    /// assert!(GSL.is_transient(500, Some("GSL.00010003")));
    /// assert!(GSL.is_transient(500, Some("GSL.99999999")));
    /// assert!(!GSL.is_transient(500, Some("GSL.00010001")));
    /// assert!(GSL.is_transient(200, Some("GSL.00010003")));
    /// assert!(!GSL.is_transient(400, None));
    /// assert!(ErrorEnvelope::NONE.is_transient(503, None));
    /// ```
    pub fn is_transient(&self, status: u16, code: Option<&str>) -> bool {
        if let Some(code) = code {
            if self.is_final_code(code) || self.is_credential_code(code) {
                return false;
            }
            if self.is_transient_code(code) {
                return true;
            }
        }
        if self.final_statuses.contains(&status) || self.credential_statuses.contains(&status) {
            return false;
        }
        self.transient_statuses.contains(&status) || crate::retry::is_transient_status(status)
    }

    /// The top-level properties a 2xx body is read for while it is decoded: those of the
    /// code, message and request id pointers when the envelope looks into 2xx bodies,
    /// else those of the request id pointers alone when `request_id` (the response's
    /// header did not carry one), else none.
    pub(crate) fn success_keys(&self, request_id: bool) -> SuccessKeys {
        if self.inspects_success_bodies() {
            SuccessKeys {
                pointers: [self.code, self.message, self.request_id],
            }
        } else if request_id {
            SuccessKeys {
                pointers: [self.request_id, &[], &[]],
            }
        } else {
            SuccessKeys {
                pointers: [&[], &[], &[]],
            }
        }
    }

    /// The top-level property names the code, message and request id pointers start
    /// with (`/error/code` starts with `error`), without duplicates.
    #[cfg(test)]
    pub(crate) fn top_level_keys(&self) -> Vec<String> {
        let all = SuccessKeys {
            pointers: [self.code, self.message, self.request_id],
        };
        let mut keys: Vec<String> = Vec::new();
        for key in all.segments() {
            if !keys.iter().any(|known| *known == key) {
                keys.push(key.into_owned());
            }
        }
        keys
    }
}

/// The top-level properties of a 2xx body the envelope reads (see
/// [`ErrorEnvelope::success_keys`]): the first segments of its pointers, looked at in
/// place, so that asking costs no allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SuccessKeys {
    pointers: [&'static [&'static str]; 3],
}

impl SuccessKeys {
    /// Whether no property is read.
    pub(crate) fn is_empty(&self) -> bool {
        self.pointers.iter().all(|pointers| pointers.is_empty())
    }

    /// Whether the top-level property `key` is read.
    pub(crate) fn contains(&self, key: &str) -> bool {
        let key = key.as_bytes();
        for pointers in self.pointers {
            for pointer in pointers {
                let rest = pointer.as_bytes();
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                let first = rest.split(|&b| b == b'/').next().unwrap_or_default();
                // A segment with `~` is compared unescaped (`~1` is `/`), rarely.
                let matched = if first.contains(&b'~') {
                    first_segment(pointer).as_bytes() == key
                } else {
                    first == key
                };
                if matched {
                    return true;
                }
            }
        }
        false
    }

    /// The first segment of each pointer, unescaped (`/a~1b/c` gives `a/b`).
    pub(crate) fn segments(&self) -> impl Iterator<Item = Cow<'static, str>> + '_ {
        self.pointers
            .iter()
            .flat_map(|&pointers| pointers.iter().copied())
            .map(first_segment)
    }
}

/// The first segment of a JSON pointer, unescaped (`/a~1b/c` gives `a/b`).
fn first_segment(pointer: &'static str) -> Cow<'static, str> {
    let first = pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .next()
        .unwrap_or_default();
    if first.contains('~') {
        Cow::Owned(first.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(first)
    }
}

/// The text of the first pointer in `pointers` that resolves to a non-null value.
fn first_text(body: &Value, pointers: &[&str]) -> Option<String> {
    pointers
        .iter()
        .filter_map(|pointer| body.pointer(pointer))
        .find(|value| !value.is_null())
        .map(value_text)
}

/// A JSON value as text: strings without quotes, numbers in their shortest form, other
/// values as compact JSON.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => {
            if number.is_f64() {
                number
                    .as_f64()
                    .map(format_f64)
                    .unwrap_or_else(|| number.to_string())
            } else {
                number.to_string()
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{GSL, KAOPUYUN, NCE, PLCLOUD};
    use serde_json::json;

    #[test]
    fn extraction_table() {
        struct Case {
            name: &'static str,
            envelope: &'static ErrorEnvelope,
            body: Value,
            code: Option<&'static str>,
            message: Option<&'static str>,
            request_id: Option<&'static str>,
            failure_on_2xx: bool,
        }
        let cases = [
            Case {
                name: "NCE errcode 1 on 200 is a failure",
                envelope: &NCE,
                body: json!({"errcode": "1", "errmsg": "Operation failed."}),
                code: Some("1"),
                message: Some("Operation failed."),
                request_id: None,
                failure_on_2xx: true,
            },
            Case {
                name: "NCE errcode 0 is success",
                envelope: &NCE,
                body: json!({"errcode": "0", "errmsg": "", "data": []}),
                code: Some("0"),
                message: Some(""),
                request_id: None,
                failure_on_2xx: false,
            },
            Case {
                name: "NCE errCode spelling",
                envelope: &NCE,
                body: json!({"errCode": "2", "errMsg": "bad"}),
                code: Some("2"),
                message: Some("bad"),
                request_id: None,
                failure_on_2xx: true,
            },
            Case {
                name: "NCE null errcode falls through to errCode",
                envelope: &NCE,
                body: json!({"errcode": null, "errCode": "0"}),
                code: Some("0"),
                message: None,
                request_id: None,
                failure_on_2xx: false,
            },
            Case {
                name: "PLCloud code 200 number is success",
                envelope: &PLCLOUD,
                body: json!({"code": 200, "message": "ok", "data": []}),
                code: Some("200"),
                message: Some("ok"),
                request_id: None,
                failure_on_2xx: false,
            },
            Case {
                name: "PLCloud code 200.0 is still 200",
                envelope: &PLCLOUD,
                body: json!({"code": 200.0}),
                code: Some("200"),
                message: None,
                request_id: None,
                failure_on_2xx: false,
            },
            Case {
                name: "PLCloud code 403 is a failure",
                envelope: &PLCLOUD,
                body: json!({"code": 403, "message": "forbidden"}),
                code: Some("403"),
                message: Some("forbidden"),
                request_id: None,
                failure_on_2xx: true,
            },
            Case {
                name: "GSL 403",
                envelope: &GSL,
                body: json!({"error_code": "GSL.00011004", "error_msg": "账期不合法,请检查!"}),
                code: Some("GSL.00011004"),
                message: Some("账期不合法,请检查!"),
                request_id: None,
                failure_on_2xx: false,
            },
            Case {
                name: "APIGW error with request id",
                envelope: &GSL,
                body: json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "abc123"}),
                code: Some("APIGW.0301"),
                message: Some("Incorrect IAM authentication information"),
                request_id: Some("abc123"),
                failure_on_2xx: false,
            },
            Case {
                name: "Kaopuyun: a Code on 200 is a failure",
                envelope: &KAOPUYUN,
                body: json!({"RequestId": "r-9", "Code": "ProductTypeIsInvalid", "Message": "ProductType无效的产品类型"}),
                code: Some("ProductTypeIsInvalid"),
                message: Some("ProductType无效的产品类型"),
                request_id: Some("r-9"),
                failure_on_2xx: true,
            },
            Case {
                name: "Kaopuyun: a page without Code is a success",
                envelope: &KAOPUYUN,
                body: json!({"Total": 0, "Items": [], "RequestId": "r-1"}),
                code: None,
                message: None,
                request_id: Some("r-1"),
                failure_on_2xx: false,
            },
            Case {
                name: "a body that is no object has no code",
                envelope: &NCE,
                body: json!([1, 2]),
                code: None,
                message: None,
                request_id: None,
                failure_on_2xx: false,
            },
            Case {
                name: "NONE extracts nothing",
                envelope: &ErrorEnvelope::NONE,
                body: json!({"code": 1, "message": "x"}),
                code: None,
                message: None,
                request_id: None,
                failure_on_2xx: false,
            },
        ];
        for case in cases {
            assert_eq!(
                case.envelope.code_of(&case.body).as_deref(),
                case.code,
                "{}",
                case.name
            );
            assert_eq!(
                case.envelope.message_of(&case.body).as_deref(),
                case.message,
                "{}",
                case.name
            );
            assert_eq!(
                case.envelope.request_id_of(&case.body).as_deref(),
                case.request_id,
                "{}",
                case.name
            );
            assert_eq!(
                case.envelope.is_failure(&case.body),
                case.failure_on_2xx,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn transient_codes_and_keys() {
        assert!(GSL.is_transient_code("GSL.00010003"));
        assert!(!GSL.is_transient_code("GSL.00010004"));
        assert!(!GSL.inspects_success_bodies());
        assert!(NCE.inspects_success_bodies() && KAOPUYUN.inspects_success_bodies());
        assert_eq!(
            NCE.top_level_keys(),
            ["errcode", "errCode", "errmsg", "errMsg"]
        );
        static NESTED: ErrorEnvelope = ErrorEnvelope {
            code: &["/error/code", "/error_code"],
            message: &["/error/message"],
            request_id: &["/a~1b"],
            success: SuccessRule::NoCode,
            ..ErrorEnvelope::NONE
        };
        assert_eq!(NESTED.top_level_keys(), ["error", "error_code", "a/b"]);
        let keys = NESTED.success_keys(true);
        for key in ["error", "error_code", "a/b"] {
            assert!(keys.contains(key), "{key}");
        }
        for key in ["err", "error_cod", "error/code", "a~1b", "a", ""] {
            assert!(!keys.contains(key), "{key}");
        }
        assert!(GSL.success_keys(true).contains("request_id"));
        assert!(GSL.success_keys(false).is_empty());
    }

    #[test]
    fn code_matching_tolerates_namespaces_of_the_actual_code_only() {
        let url =
            "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/";
        let cases: [(&str, &str, bool); 22] = [
            // A bare listed code: the code itself, and with a namespace, a URL or both.
            ("ThrottlingException", "ThrottlingException", true),
            (
                "ThrottlingException",
                "aws.protocols#ThrottlingException",
                true,
            ),
            ("ThrottlingException", url, true),
            (
                "ThrottlingException",
                "aws.protocols#ThrottlingException:http://x/y",
                true,
            ),
            (
                "ExpiredTokenException",
                "com.amazon.coral.service#ExpiredTokenException",
                true,
            ),
            // A URL may hold `#` and `:`: only the part before the first `:` counts.
            (
                "ThrottlingException",
                "ThrottlingException:http://h/a#b",
                true,
            ),
            ("b", "ThrottlingException:http://h/a#b", false),
            // Never another code: case, a longer or shorter name, a dotted sub-code.
            ("ThrottlingException", "throttlingexception", false),
            ("ThrottlingException", "aws.protocols#Throttling", false),
            ("Throttling", "aws.protocols#ThrottlingException", false),
            ("Throttling", "Throttling.User", false),
            ("Throttling.User", "Throttling.User", true),
            ("ThrottlingException", "aws.protocols#", false),
            ("aws.protocols", "aws.protocols#ThrottlingException", false),
            // A qualified listed code matches only itself.
            (
                "aws.protocols#ThrottlingException",
                "aws.protocols#ThrottlingException",
                true,
            ),
            (
                "aws.protocols#ThrottlingException",
                "ThrottlingException",
                false,
            ),
            (
                "aws.protocols#ThrottlingException",
                "other#ThrottlingException",
                false,
            ),
            (
                "aws.protocols#ThrottlingException",
                "aws.protocols#ThrottlingException:http://x",
                false,
            ),
            (url, url, true),
            (url, "ThrottlingException", false),
            // The empty code is a code like any other, matched exactly.
            ("", "", true),
            ("", "svc#", false),
        ];
        for (listed, actual, expected) in cases {
            assert_eq!(
                code_matches(listed, actual),
                expected,
                "{listed:?} against {actual:?}"
            );
        }
        assert!(any_code_matches(&["A", "ThrottlingException"], url));
        assert!(!any_code_matches(&[], url));
    }

    #[test]
    fn an_aws_envelope_lists_each_code_once() {
        // An AWS JSON API: the code in `__type` (awsJson) or `code` (restJson).
        static AWS: ErrorEnvelope = ErrorEnvelope {
            code: &["/__type", "/code"],
            message: &["/message", "/Message"],
            transient: &["ThrottlingException", "aws.protocols#ServiceBusy"],
            final_codes: &["ValidationException"],
            ..ErrorEnvelope::NONE
        };
        let throttled = json!({
            "__type": "aws.protocols#ThrottlingException",
            "message": "Rate exceeded"
        });
        // The code is the vendor's exact text; only the comparison is tolerant.
        assert_eq!(
            AWS.code_of(&throttled).as_deref(),
            Some("aws.protocols#ThrottlingException")
        );
        let code = AWS.code_of(&throttled);
        assert!(code.as_deref().is_some_and(|c| AWS.is_transient_code(c)));
        assert!(AWS.is_transient(400, code.as_deref()));
        assert!(AWS.is_transient(400, Some("ThrottlingException")));
        assert!(AWS.is_transient(
            400,
            Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/")
        ));
        // `final` wins over the default table whatever the namespace.
        assert!(!AWS.is_transient(500, Some("com.amazon.coral.validate#ValidationException")));
        assert!(AWS.is_final_code("com.amazon.coral.validate#ValidationException"));
        assert!(!AWS.is_final_code("ValidationExceptions"));
        // A qualified listed code is that namespace's only.
        assert!(AWS.is_transient(400, Some("aws.protocols#ServiceBusy")));
        assert!(!AWS.is_transient(400, Some("ServiceBusy")));
        assert!(!AWS.is_transient(400, Some("other#ServiceBusy")));
        // Unlisted codes fall through to the status.
        assert!(!AWS.is_transient(400, Some("aws.protocols#AccessDeniedException")));
        assert!(AWS.is_transient(503, Some("aws.protocols#AccessDeniedException")));
    }

    #[test]
    fn success_codes_stay_exact() {
        static OK: ErrorEnvelope = ErrorEnvelope {
            code: &["/code"],
            success: SuccessRule::Codes(&["0"]),
            ..ErrorEnvelope::NONE
        };
        assert!(!OK.is_failure(&json!({"code": "0"})));
        // Qualified forms of a success code are failures: an error is never read as data.
        assert!(OK.is_failure(&json!({"code": "svc#0"})));
        assert!(OK.is_failure(&json!({"code": "0:http://x"})));
    }

    #[test]
    fn value_text_renders_non_strings() {
        assert_eq!(value_text(&json!(true)), "true");
        assert_eq!(value_text(&json!(-3)), "-3");
        assert_eq!(value_text(&json!(1.5)), "1.5");
        assert_eq!(value_text(&json!({"a": 1})), "{\"a\":1}");
    }
}
