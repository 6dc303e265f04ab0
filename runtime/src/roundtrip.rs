//! Decode-and-re-encode checks for response examples, used by generated tests.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Decodes `json` into `T`, re-encodes it and compares the result with `json`
/// semantically; `Err` describes the first difference with its JSON pointer.
///
/// Objects compare by key (a key absent on one side equals `null` on the other), arrays
/// elementwise, numbers by numeric value (`60` equals `60.0`), strings and booleans
/// exactly.
pub fn example_roundtrip<T: DeserializeOwned + Serialize>(json: &str) -> Result<(), String> {
    let original: Value =
        serde_json::from_str(json).map_err(|error| format!("the example is not JSON: {error}"))?;
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let decoded: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        format!(
            "cannot decode the example at `{}`: {}",
            error.path(),
            error.inner()
        )
    })?;
    let encoded = crate::types::with_secrets_exposed(|| serde_json::to_value(&decoded))
        .map_err(|error| format!("cannot encode the decoded example: {error}"))?;
    let mut pointer = String::new();
    compare(&original, &encoded, &mut pointer)
}

/// Checks that the error envelope reads a vendor code or message from the error example
/// `json` (an error body the client reports as `Error::Api`, not as a type).
pub fn error_example(envelope: &crate::ErrorEnvelope, json: &str) -> Result<(), String> {
    let body: Value =
        serde_json::from_str(json).map_err(|error| format!("the example is not JSON: {error}"))?;
    if envelope.code_of(&body).is_none() && envelope.message_of(&body).is_none() {
        return Err(format!(
            "the error envelope reads neither a code (at {:?}) nor a message (at {:?}) from the example",
            envelope.code, envelope.message
        ));
    }
    Ok(())
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return a == b;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

fn compare(example: &Value, decoded: &Value, pointer: &mut String) -> Result<(), String> {
    match (example, decoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let len = pointer.len();
                push_token(pointer, key);
                match b.get(key).filter(|v| !v.is_null()) {
                    None if !value.is_null() => {
                        return Err(format!(
                            "{pointer}: present in the example, missing after decoding"
                        ));
                    }
                    None => {}
                    Some(other) => compare(value, other, pointer)?,
                }
                pointer.truncate(len);
            }
            for (key, value) in b {
                if !value.is_null() && a.get(key).is_none_or(Value::is_null) {
                    let len = pointer.len();
                    push_token(pointer, key);
                    let message = format!(
                        "{pointer}: missing in the example, present after decoding as {value}"
                    );
                    pointer.truncate(len);
                    return Err(message);
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!(
                    "{}: {} items in the example, {} after decoding",
                    shown(pointer),
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                compare(x, y, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) if numbers_equal(a, b) => Ok(()),
        (Value::String(a), Value::String(b)) if a == b => Ok(()),
        (Value::Bool(a), Value::Bool(b)) if a == b => Ok(()),
        (Value::Null, Value::Null) => Ok(()),
        (a, b) if kind(a) == kind(b) => Err(format!(
            "{}: {a} in the example, {b} after decoding",
            shown(pointer)
        )),
        (a, b) => Err(format!(
            "{}: {} {a} in the example, {} {b} after decoding",
            shown(pointer),
            kind(a),
            kind(b)
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::types::Decimal;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize)]
    struct Pool {
        name: String,
        flow_left: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<i64>,
        price: Option<Decimal>,
    }

    #[derive(Serialize, Deserialize)]
    struct Pools {
        count: i64,
        pools: Vec<Pool>,
    }

    #[derive(Serialize, Deserialize)]
    struct Extra {
        a: i64,
        #[serde(default = "default_b")]
        b: i64,
    }

    fn default_b() -> i64 {
        7
    }

    #[test]
    fn roundtrip_table() {
        let cases: &[(&str, Result<(), &str>)] = &[
            (
                r#"{"count": 1, "pools": [{"name": "p", "flow_left": -42.59, "status": 1, "price": "3.6659520000"}]}"#,
                Ok(()),
            ),
            (
                // 60 and 60.0 are the same number; null equals absent.
                r#"{"count": 1, "pools": [{"name": "p", "flow_left": 60, "price": 21.45, "status": null}]}"#,
                Ok(()),
            ),
            (
                r#"{"count": 1, "pools": [{"name": "p", "flow_left": 1, "price": null, "extra_field": 3}]}"#,
                Err("/pools/0/extra_field: present in the example, missing after decoding"),
            ),
            (
                r#"{"count": 0, "pools": [], "a/b~": {"x": 1}}"#,
                Err("/a~1b~0: present in the example, missing after decoding"),
            ),
            (
                r#"{"count": 1, "pools": [{"name": 5, "flow_left": 1, "price": null}]}"#,
                Err("cannot decode the example at `pools[0].name`: invalid type: integer `5`, expected a string at line 1 column 33"),
            ),
            ("not json", Err("the example is not JSON: expected ident at line 1 column 2")),
        ];
        for (json, want) in cases {
            let got = example_roundtrip::<Pools>(json);
            assert_eq!(
                got.as_ref().map(|_| ()).map_err(String::as_str),
                *want,
                "{json}"
            );
        }
    }

    #[test]
    fn defaults_show_as_added_fields() {
        assert_eq!(
            example_roundtrip::<Extra>(r#"{"a": 1}"#).unwrap_err(),
            "/b: missing in the example, present after decoding as 7"
        );
        assert!(example_roundtrip::<Extra>(r#"{"a": 1, "b": 7}"#).is_ok());
    }

    #[test]
    fn value_differences() {
        let diff = |a: Value, b: Value| compare(&a, &b, &mut String::new()).unwrap_err();
        use serde_json::json;
        assert_eq!(
            diff(json!([1, 2]), json!([1])),
            "(root): 2 items in the example, 1 after decoding"
        );
        assert_eq!(
            diff(json!({"a": [1, "x"]}), json!({"a": [1, "y"]})),
            "/a/1: \"x\" in the example, \"y\" after decoding"
        );
        assert_eq!(
            diff(json!({"a": 1.5}), json!({"a": "1.5"})),
            "/a: a number 1.5 in the example, a string \"1.5\" after decoding"
        );
        assert_eq!(
            diff(json!(true), json!(false)),
            "(root): true in the example, false after decoding"
        );
        assert!(compare(&json!(u64::MAX), &json!(u64::MAX), &mut String::new()).is_ok());
        assert!(compare(&json!(-1), &json!(-1.0), &mut String::new()).is_ok());
    }
}
