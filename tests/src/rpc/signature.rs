//! Alibaba Cloud's RPC signature v1 (HMAC-SHA1), computed by the fakes themselves to
//! verify what clients send; pinned to Alibaba's published example.

use base64::Engine as _;
use hmac::{Hmac, Mac};

pub use crate::percent_encode;

/// The RPC v1 signature of `params` (any `Signature` among them is left out) for
/// `method`: Base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(sorted canonical query))).
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
        // The order of the parameters does not matter; a Signature among them is ignored.
        let mut shuffled = params.clone();
        shuffled.reverse();
        shuffled.push(("Signature".into(), "anything".into()));
        assert_eq!(
            signature("GET", &shuffled, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }
}
