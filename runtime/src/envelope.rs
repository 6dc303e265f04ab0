//! Where a vendor puts its error code, message and request id (`x-error-envelope`).

use serde_json::Value;

use crate::types::format_f64;

/// Where a vendor puts its error code and message (from the spec's `x-error-envelope`).
///
/// All fields are JSON pointers (RFC 6901) into the response body, tried in order: the
/// first one that is present and not `null` wins.
///
/// ```
/// use meterage_runtime::ErrorEnvelope;
///
/// // Huawei iMaster NCE-Campus: HTTP 200 with errcode "1" is a failure.
/// static NCE: ErrorEnvelope = ErrorEnvelope {
///     code: &["/errcode", "/errCode"],
///     message: &["/errmsg", "/errMsg"],
///     request_id: &[],
///     request_id_header: None,
///     success: &["0"],
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
    /// Codes that mean success. Empty: the HTTP status alone decides. Otherwise a 2xx JSON
    /// body whose code is present and whose text is not in this list is a failure (`"0"`
    /// matches the string `"0"`; `"200"` matches the number `200`).
    pub success: &'static [&'static str],
}

impl ErrorEnvelope {
    /// An envelope without pointers: no vendor code or message is extracted and the HTTP
    /// status alone decides success.
    pub const NONE: ErrorEnvelope = ErrorEnvelope {
        code: &[],
        message: &[],
        request_id: &[],
        request_id_header: None,
        success: &[],
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

    /// Whether a successful (2xx) JSON `body` nevertheless reports a failure: the envelope
    /// lists success codes, the body has a code, and the code is not one of them.
    pub fn is_failure(&self, body: &Value) -> bool {
        if self.success.is_empty() {
            return false;
        }
        match self.code_of(body) {
            Some(code) => !self.success.iter().any(|ok| *ok == code),
            None => false,
        }
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
    use serde_json::json;

    static NCE: ErrorEnvelope = ErrorEnvelope {
        code: &["/errcode", "/errCode"],
        message: &["/errmsg", "/errMsg"],
        request_id: &[],
        request_id_header: None,
        success: &["0"],
    };

    static GSL: ErrorEnvelope = ErrorEnvelope {
        code: &["/error_code"],
        message: &["/error_msg"],
        request_id: &["/request_id"],
        request_id_header: Some("X-Request-Id"),
        success: &[],
    };

    static PLCLOUD: ErrorEnvelope = ErrorEnvelope {
        code: &["/code"],
        message: &["/message"],
        request_id: &[],
        request_id_header: None,
        success: &["200"],
    };

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
    fn value_text_renders_non_strings() {
        assert_eq!(value_text(&json!(true)), "true");
        assert_eq!(value_text(&json!(-3)), "-3");
        assert_eq!(value_text(&json!(1.5)), "1.5");
        assert_eq!(value_text(&json!({"a": 1})), "{\"a\":1}");
    }
}
