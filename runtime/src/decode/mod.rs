//! Decoding success bodies: once, straight from the bytes into the typed response.
//!
//! The body goes straight from `serde_json`'s deserializer into the generated types
//! ([`Decimal`] asks `serde_json` itself for a number's exact text, so `25.0` stays
//! `25.0` here as in plain `serde_json::from_slice`). One wrapper, [`Tap`], used only
//! when the spec says a 2xx body can report a failure, copies the top-level properties
//! the error envelope points into (`errcode`, `Code`, ...) while the body is decoded, so
//! the envelope check needs no second parse.
//!
//! A body that does not decode is parsed again, slowly, only to name the JSON path of
//! the mismatch or to find the vendor's error in it.
//!
//! [`Decimal`]: crate::Decimal

use serde::de::{self, DeserializeOwned};
use serde_json::{Map, Value};

use crate::envelope::{ErrorEnvelope, SuccessKeys};

/// The `Visitor` methods a wrapping visitor passes on unchanged to the visitor it
/// wraps, reached as `self.$field`: every scalar, `none` and `unit`. Invoked inside an
/// `impl<'de, V: Visitor<'de>> Visitor<'de>` whose `Value` is `V::Value`.
macro_rules! forward_scalar_visits {
    ($field:tt) => {
        forward_scalar_visits! {
            @each $field;
            visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
            visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
            visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
            visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
            visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
            self.$field.visit_none()
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
            self.$field.visit_unit()
        }
    };
    (@each $field:tt; $($method:ident($ty:ty))*) => {$(
        fn $method<E: serde::de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.$field.$method(value)
        }
    )*};
}

mod tap;

use tap::Tap;

/// The outcome of decoding a success body.
pub(crate) enum Decoded<T> {
    /// The body decoded, and the envelope (if it looks into 2xx bodies) found no failure;
    /// with the request id the envelope's body pointers found in it.
    Ok(T, Option<String>),
    /// The body reports a failure through the error envelope; the captured top-level
    /// properties hold its code and message.
    Failure(Value),
}

/// A body that did not decode.
pub(crate) struct Undecodable {
    /// Where decoding failed (`pools[1].price_plan_name`, `.` for the whole body).
    pub(crate) path: String,
    /// The decoder's error.
    pub(crate) source: serde_json::Error,
}

/// Decodes `body` into `T`, reading the envelope's top-level properties on the way when
/// `envelope` says a 2xx body can report a failure, or names a request id in the body
/// and `request_id` asks for it (the response's header did not carry one). A blank body
/// decodes like `null`.
pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
    envelope: &ErrorEnvelope,
    request_id: bool,
) -> Result<Decoded<T>, Undecodable> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let keys = envelope.success_keys(request_id);
    let mut captured = Map::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let fast = if keys.is_empty() {
        T::deserialize(&mut deserializer)
    } else {
        T::deserialize(Tap {
            inner: &mut deserializer,
            keys: &keys,
            captured: &mut captured,
        })
    }
    .and_then(|value| deserializer.end().map(|()| value));
    match fast {
        Ok(value) => {
            if captured.is_empty() {
                return Ok(Decoded::Ok(value, None));
            }
            let captured = Value::Object(captured);
            if envelope.is_failure(&captured) {
                return Ok(Decoded::Failure(captured));
            }
            Ok(Decoded::Ok(value, envelope.request_id_of(&captured)))
        }
        Err(_) => slow_path::<T>(body, envelope, request_id),
    }
}

/// Checks a 2xx `body` against the envelope without decoding it into a type (for
/// `send_raw` and bodiless calls): the failure the body reports, with the captured
/// properties, or a success with the request id the body carries. Bodies that are not
/// JSON report neither.
pub(crate) fn envelope_only(
    body: &[u8],
    envelope: &ErrorEnvelope,
    request_id: bool,
) -> Decoded<()> {
    let keys = envelope.success_keys(request_id);
    if keys.is_empty() || body.iter().all(u8::is_ascii_whitespace) || !may_hold(body, &keys) {
        return Decoded::Ok((), None);
    }
    match decode::<de::IgnoredAny>(body, envelope, request_id) {
        Ok(Decoded::Failure(captured)) => Decoded::Failure(captured),
        Ok(Decoded::Ok(_, request_id)) => Decoded::Ok((), request_id),
        Err(_) => Decoded::Ok((), None),
    }
}

/// Whether `body` may hold one of `keys` as a property, by its text alone (a search far
/// cheaper than parsing a large body): a key's JSON text is its own text in quotes,
/// unless the body writes it with escapes, which need a backslash.
fn may_hold(body: &[u8], keys: &SuccessKeys) -> bool {
    if memchr::memchr(b'\\', body).is_some() {
        return true;
    }
    let mut quoted = Vec::new();
    keys.segments().any(|key| {
        quoted.clear();
        quoted.push(b'"');
        quoted.extend_from_slice(key.as_bytes());
        quoted.push(b'"');
        memchr::memmem::find(body, &quoted).is_some()
    })
}

/// The second, slow look at a body that did not decode: a failure the envelope finds in
/// it wins; otherwise the error with its JSON path.
#[cold]
fn slow_path<T: DeserializeOwned>(
    body: &[u8],
    envelope: &ErrorEnvelope,
    request_id: bool,
) -> Result<Decoded<T>, Undecodable> {
    if envelope.inspects_success_bodies() {
        if let Ok(value) = serde_json::from_slice::<Value>(body) {
            if envelope.is_failure(&value) {
                return Ok(Decoded::Failure(value));
            }
        }
    }
    let request_id = if !request_id || envelope.request_id.is_empty() {
        None
    } else {
        serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|value| envelope.request_id_of(&value))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|error| {
        Undecodable {
            path: error.path().to_string(),
            source: error.into_inner(),
        }
    })?;
    deserializer.end().map_err(|source| Undecodable {
        path: ".".to_owned(),
        source,
    })?;
    Ok(Decoded::Ok(value, request_id))
}

/// An excerpt of `body` around the position of `error` (about 40 characters each side,
/// on one line), or the start of the body when the error has no position.
pub(crate) fn excerpt(body: &[u8], error: &serde_json::Error) -> String {
    const SIDE: usize = 40;
    let text = String::from_utf8_lossy(body);
    let offset = if error.line() == 0 {
        0
    } else {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(error.line().saturating_sub(1))
            .map(str::len)
            .sum();
        line_start + error.column().saturating_sub(1)
    };
    let offset = floor_char_boundary(&text, offset.min(text.len()));
    let start = floor_char_boundary(&text, offset.saturating_sub(SIDE));
    let end = floor_char_boundary(&text, (offset + SIDE).min(text.len()));
    text[start..end]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testing::{KAOPUYUN, NCE};
    use crate::Decimal;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Bill {
        #[serde(rename = "PayPrice")]
        pay_price: Decimal,
        #[serde(rename = "Note", default)]
        note: Option<Decimal>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Bills {
        #[serde(rename = "Items", default)]
        items: Vec<Bill>,
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }

    fn ok<T: DeserializeOwned>(body: &str, envelope: &ErrorEnvelope) -> T {
        match decode::<T>(body.as_bytes(), envelope, true) {
            Ok(Decoded::Ok(value, _)) => value,
            Ok(Decoded::Failure(captured)) => panic!("unexpected failure {captured}"),
            Err(error) => panic!("{}: {}", error.path, error.source),
        }
    }

    #[test]
    fn decimals_keep_their_digits_at_any_depth() {
        let bills: Bills = ok(
            r#"{"Items":[{"PayPrice":25.0},{"PayPrice":21.450,"Note":"3.6659520000"},{"PayPrice":1e-7,"Note":null}]}"#,
            &ErrorEnvelope::NONE,
        );
        let texts: Vec<(&str, bool)> = bills
            .items
            .iter()
            .map(|bill| (bill.pay_price.as_str(), bill.pay_price.is_number()))
            .collect();
        assert_eq!(texts, [("25.0", true), ("21.450", true), ("1e-7", true)]);
        assert_eq!(
            bills.items[1].note.as_ref().unwrap().as_str(),
            "3.6659520000"
        );
        assert!(!bills.items[1].note.as_ref().unwrap().is_number());
        assert_eq!(bills.items[2].note, None);
        // Re-encoded, a number keeps its digits too.
        let encoded = serde_json::to_string(&bills.items[0].pay_price).unwrap();
        assert_eq!(encoded, "25.0");
        // The same through the envelope tap.
        let bills: Bills = ok(
            r#"{"Items":[{"PayPrice":25.0}],"RequestId":"r-1"}"#,
            &KAOPUYUN,
        );
        assert_eq!(bills.items[0].pay_price.as_str(), "25.0");
        assert_eq!(bills.request_id.as_deref(), Some("r-1"));
        // Keys written with escapes (`\u0049` is `I`, `\u0050` is `P`) cannot be
        // borrowed from the input: they reach the type and the envelope alike.
        match decode::<Bills>(
            br#"{"\u0049tems":[{"\u0050ayPrice":2}],"Request\u0049d":"r-7"}"#,
            &KAOPUYUN,
            true,
        ) {
            Ok(Decoded::Ok(bills, request_id)) => {
                assert_eq!(bills.items[0].pay_price.as_str(), "2");
                assert_eq!(bills.request_id.as_deref(), Some("r-7"));
                assert_eq!(request_id.as_deref(), Some("r-7"));
            }
            _ => panic!("expected a success"),
        }
    }

    #[test]
    fn a_failure_on_2xx_is_found_while_decoding() {
        // NCE: the typed response has errcode too; it still gets its value.
        #[derive(Debug, serde::Deserialize)]
        struct Page {
            errcode: Option<String>,
            data: Option<Vec<u32>>,
        }
        let page: Page = ok(r#"{"errcode":"0","data":[1,2]}"#, &NCE);
        assert_eq!(page.errcode.as_deref(), Some("0"));
        assert_eq!(page.data, Some(vec![1, 2]));
        match decode::<Page>(
            br#"{"errcode":"1","errmsg":"Operation failed.","data":null}"#,
            &NCE,
            true,
        ) {
            Ok(Decoded::Failure(captured)) => {
                assert_eq!(NCE.code_of(&captured).as_deref(), Some("1"));
                assert_eq!(
                    NCE.message_of(&captured).as_deref(),
                    Some("Operation failed.")
                );
            }
            _ => panic!("expected a failure"),
        }
        // Kaopuyun: an error body on 200 does not even fit the type; the envelope wins.
        match decode::<Bills>(
            br#"{"RequestId":"r-2","Code":"ProductTypeIsInvalid","Message":"bad","Items":7}"#,
            &KAOPUYUN,
            true,
        ) {
            Ok(Decoded::Failure(captured)) => {
                assert_eq!(
                    KAOPUYUN.code_of(&captured).as_deref(),
                    Some("ProductTypeIsInvalid")
                );
                assert_eq!(KAOPUYUN.request_id_of(&captured).as_deref(), Some("r-2"));
            }
            _ => panic!("expected a failure"),
        }
        let failed = |body: &[u8], envelope| {
            matches!(envelope_only(body, envelope, true), Decoded::Failure(_))
        };
        assert!(failed(br#"{"errcode":"7"}"#, &NCE));
        assert!(!failed(br#"{"errcode":"0"}"#, &NCE));
        assert!(!failed(b"<html>ok</html>", &NCE));
        assert!(!failed(br#"{"Code":"X"}"#, &ErrorEnvelope::NONE));
        // A success's request id is read on the way, also when nothing else is.
        match envelope_only(br#"{"RequestId":"r-3","Items":[]}"#, &KAOPUYUN, true) {
            Decoded::Ok((), request_id) => assert_eq!(request_id.as_deref(), Some("r-3")),
            Decoded::Failure(captured) => panic!("unexpected failure {captured}"),
        }
    }

    #[test]
    fn a_raw_body_is_searched_for_the_keys_before_it_is_parsed() {
        let id = |body: &str| match envelope_only(body.as_bytes(), &KAOPUYUN, true) {
            Decoded::Ok((), request_id) => request_id,
            Decoded::Failure(captured) => panic!("unexpected failure {captured}"),
        };
        // Not written at all: no parse, nothing found.
        assert_eq!(id(r#"{"Items":[{"RequestIdx":"r-0"}]}"#), None);
        // Written, at the top and not: the parse decides.
        assert_eq!(
            id(r#"{"Items":[],"RequestId":"r-4"}"#).as_deref(),
            Some("r-4")
        );
        assert_eq!(id(r#"{"Items":[{"RequestId":"r-5"}]}"#), None);
        // A key written with escapes is still found.
        assert_eq!(
            id(r#"{"Items":[],"Request\u0049d":"r-6"}"#).as_deref(),
            Some("r-6")
        );
        assert!(may_hold(br#"{"a":"\/"}"#, &KAOPUYUN.success_keys(true)));
        assert!(!may_hold(
            br#"{"a":"RequestId"}"#,
            &ErrorEnvelope::NONE.success_keys(true)
        ));
    }

    #[test]
    fn mismatches_name_their_path_and_truncation_is_told_apart() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Pool {
            pool_name: String,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Pools {
            pools: Vec<Pool>,
        }
        let body = br#"{"pools":[{"pool_name":"a"},{"pool_name":null}]}"#;
        let Err(error) = decode::<Pools>(body, &ErrorEnvelope::NONE, true) else {
            panic!("expected an error");
        };
        assert_eq!(error.path, "pools[1].pool_name");
        assert_eq!(error.source.classify(), serde_json::error::Category::Data);
        let near = excerpt(body, &error.source);
        assert!(near.contains(r#""pool_name":null"#), "{near}");

        let Err(error) = decode::<Pools>(br#"{"pools":[{"pool_na"#, &ErrorEnvelope::NONE, true)
        else {
            panic!("expected an error");
        };
        assert_eq!(error.source.classify(), serde_json::error::Category::Eof);
        let Err(error) = decode::<Pools>(b"<html>502</html>", &ErrorEnvelope::NONE, true) else {
            panic!("expected an error");
        };
        assert_eq!(error.source.classify(), serde_json::error::Category::Syntax);
        let Err(error) = decode::<Pools>(br#"{"pools":[]} trailing"#, &ErrorEnvelope::NONE, true)
        else {
            panic!("expected an error");
        };
        assert_eq!(error.source.classify(), serde_json::error::Category::Syntax);
    }

    #[test]
    fn blank_bodies_decode_like_null_and_excerpts_stay_on_char_boundaries() {
        let unit: Option<u32> = ok("  \n", &NCE);
        assert_eq!(unit, None);
        let body = "{\"名\":\n\"流量池名称\",x}".as_bytes();
        let error = serde_json::from_slice::<Value>(body).unwrap_err();
        let near = excerpt(body, &error);
        assert!(near.contains("流量池名称"), "{near}");
        assert!(!near.contains('\n'));
    }
}
