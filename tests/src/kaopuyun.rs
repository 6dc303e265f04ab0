//! Kaopuyun's RPC endpoint: `GET /?Action=DescribeFlowBills&...`, signed the Alibaba
//! Cloud RPC v1 way (HMAC-SHA1). The fake verifies signatures with its own code, checks
//! the timestamp window and nonce reuse, validates parameters and pages the bills.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

use crate::{get as param, json as reply, lock, page_of, parse_pairs};

/// The access key the fake knows: (AccessKeyId, secret).
pub const KEY: (&str, &str) = ("sz0000ei53aw", "kaopuyun-test-secret");

/// The three bills of the seed's example, then 57 more.
pub fn bills() -> Vec<Value> {
    let mut bills = vec![
        json!({"PayPrice": 21.45, "BillType": "RENEW_PRODUCT", "BillUUID": "s70000000rfm", "BillBeginTime": "2022-10-25 10:15", "TotalPrice": 21.45, "ProductType": "BWP", "PaymentType": "PRE_PAID", "PayTime": "2022-10-25 10:15", "BillEndTime": "2022-10-31 23:59"}),
        json!({"PayPrice": 25.0, "BillType": "RENEW_PRODUCT", "BillUUID": "s70000000rfk", "BillBeginTime": "2022-10-26 00:00", "TotalPrice": 25.0, "ProductType": "OWN_EIP", "PaymentType": "PRE_PAID", "PayTime": "2022-10-25 10:00", "BillEndTime": "2022-11-25 23:59"}),
        json!({"PayPrice": 25.0, "BillType": "RENEW_PRODUCT", "BillUUID": "s70000000rfi", "BillBeginTime": "2022-10-26 00:00", "TotalPrice": 25.0, "ProductType": "OWN_EIP", "PaymentType": "PRE_PAID", "PayTime": "2022-10-25 10:00", "BillEndTime": "2022-11-25 23:59"}),
    ];
    let products = ["OWN_ECS", "BWP", "OWN_EIP"];
    for i in 0..57u32 {
        let price = f64::from(100 + i * 37 % 900) / 10.0;
        bills.push(json!({
            "PayPrice": price, "BillType": if i % 4 == 0 { "NEW_PRODUCT" } else { "RENEW_PRODUCT" },
            "BillUUID": format!("s7000000{i:04}"), "BillBeginTime": "2023-02-01 00:00", "TotalPrice": price,
            "ProductType": products[(i % 3) as usize], "PaymentType": "PRE_PAID",
            "PayTime": "2023-02-01 00:00", "BillEndTime": "2023-03-01 00:00",
            "BillStatus": if i % 2 == 0 { "CLEARED" } else { "UNCLEAR" }
        }));
    }
    bills
}

struct Kaopuyun {
    bills: Vec<Value>,
    nonces: Mutex<BTreeSet<String>>,
}

/// The Kaopuyun OpenAPI endpoint.
pub fn router() -> Router {
    let state = Arc::new(Kaopuyun {
        bills: bills(),
        nonces: Mutex::default(),
    });
    Router::new().route("/", get(rpc)).with_state(state)
}

fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    reply(
        status,
        json!({"RequestId": "0f4e1b7e-3c1d-4a8e-9a55-5c2f7e1b2a10", "Code": code, "Message": message}),
    )
}

/// RFC 3986 percent-encoding as the RPC signature wants it.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The RPC v1 signature of `params` (without `Signature`) for `method`.
pub fn signature(method: &str, params: &[(String, String)], secret: &str) -> String {
    let mut sorted: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    sorted.sort();
    let canonical = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let string_to_sign = format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical)
    );
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Seconds since the Unix epoch of a `yyyy-MM-ddTHH:mm:ssZ` timestamp.
fn epoch_seconds(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let n = |r: std::ops::Range<usize>| ts.get(r).and_then(|s| s.parse::<i64>().ok());
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

async fn rpc(State(k): State<Arc<Kaopuyun>>, RawQuery(query): RawQuery) -> Response {
    let pairs = parse_pairs(query.as_deref().unwrap_or(""));
    for name in [
        "AccessKeyId",
        "Action",
        "Format",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "Timestamp",
        "Version",
        "Signature",
    ] {
        if param(&pairs, name).is_none_or(str::is_empty) {
            return fail(
                StatusCode::BAD_REQUEST,
                &format!("Missing{name}"),
                &format!("{name} is mandatory for this action."),
            );
        }
    }
    if param(&pairs, "AccessKeyId") != Some(KEY.0) {
        return fail(
            StatusCode::NOT_FOUND,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        );
    }
    if param(&pairs, "SignatureMethod") != Some("HMAC-SHA1")
        || param(&pairs, "SignatureVersion") != Some("1.0")
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidSignatureMethod",
            "Specified signature method is not supported.",
        );
    }
    let expected = signature("GET", &pairs, KEY.1);
    if param(&pairs, "Signature") != Some(expected.as_str()) {
        return fail(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    match param(&pairs, "Timestamp").and_then(epoch_seconds) {
        Some(t) if (t - now).abs() <= 15 * 60 => {}
        Some(_) => {
            return fail(
                StatusCode::BAD_REQUEST,
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.",
            )
        }
        None => {
            return fail(
                StatusCode::BAD_REQUEST,
                "InvalidTimeStamp.Format",
                "Specified time stamp is not valid.",
            )
        }
    }
    let nonce = param(&pairs, "SignatureNonce")
        .unwrap_or_default()
        .to_owned();
    if !lock(&k.nonces).insert(nonce) {
        return fail(
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        );
    }
    if param(&pairs, "Version") != Some("2014-05-26") {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    }
    if param(&pairs, "Format") != Some("JSON") {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "Format must be JSON.",
        );
    }
    if param(&pairs, "Action") != Some("DescribeFlowBills") {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    let product = param(&pairs, "ProductType");
    if product.is_some_and(|p| !["OWN_ECS", "BWP", "OWN_EIP", "CDN", "OSS"].contains(&p)) {
        return fail(
            StatusCode::BAD_REQUEST,
            "ProductTypeIsInvalid",
            "ProductType无效的产品类型",
        );
    }
    let status = param(&pairs, "BillStatus");
    if status.is_some_and(|s| s != "CLEARED" && s != "UNCLEAR") {
        return fail(
            StatusCode::BAD_REQUEST,
            "ValueNotSupported",
            "BillStatus参数不合法",
        );
    }
    let number = |name: &str, default: usize, max: usize| match param(&pairs, name) {
        None => Some(default),
        Some(v) => v.parse::<usize>().ok().filter(|n| (1..=max).contains(n)),
    };
    let (Some(page), Some(size)) = (
        number("PageNumber", 1, usize::MAX),
        number("PageSize", 10, 50),
    ) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "PageNumber or PageSize is not valid.",
        );
    };
    let matching: Vec<Value> = k
        .bills
        .iter()
        .filter(|b| product.is_none_or(|p| b["ProductType"] == p))
        .filter(|b| status.is_none_or(|s| b.get("BillStatus").is_none_or(|bs| bs == s)))
        .map(|b| {
            let mut b = b.clone();
            if let Some(o) = b.as_object_mut() {
                o.remove("BillStatus");
            }
            b
        })
        .collect();
    reply(
        StatusCode::OK,
        json!({"Total": matching.len(), "Items": page_of(&matching, page, size), "RequestId": "742fbe80-0ea9-11eb-9b36-0208cb7f7896"}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_matches_the_published_vector() {
        let params: Vec<(String, String)> = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(
            signature("GET", &params, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn timestamps_parse_to_epoch_seconds() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2016-02-23T12:46:24Z"), Some(1_456_231_584));
        assert_eq!(epoch_seconds("2016-02-23 12:46:24"), None);
    }
}
