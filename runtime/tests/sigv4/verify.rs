//! The test's own AWS Signature Version 4, written from AWS's description of the
//! algorithm and independent of the `aws-sigv4` crate the client signs with: the loopback
//! server verifies with it, and the vectors check it.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::support::{hex, rfc3986 as encode};

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match text.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
            Some(Ok(byte)) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The path with empty and `.` segments dropped and `..` applied, each segment encoded
/// again (the path as sent is encoded already: services other than S3 want it twice).
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = format!(
        "/{}",
        segments
            .iter()
            .map(|s| encode(s))
            .collect::<Vec<_>>()
            .join("/")
    );
    if !segments.is_empty() && path.ends_with('/') {
        out.push('/');
    }
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (k, v) = s.split_once('=').unwrap_or((s, ""));
            (encode(&decode(k)), encode(&decode(v)))
        })
        .collect();
    pairs.sort();
    let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join("&")
}

/// A header's values in order, each trimmed with inner runs of spaces made one, joined
/// with `,`.
pub fn header_values(headers: &[(String, String)], name: &str) -> String {
    let values: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| {
            v.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    values.join(",")
}

/// What a request is signed over, as a server sees it.
pub struct Signed<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Signed<'_> {
    pub fn canonical_request(&self, signed_headers: &str) -> String {
        let mut canonical_headers = String::new();
        for name in signed_headers.split(';') {
            let values = header_values(self.headers, name);
            canonical_headers.push_str(&format!("{name}:{values}\n"));
        }
        let payload = match header_values(self.headers, "x-amz-content-sha256") {
            hash if !hash.is_empty() => hash,
            _ => hex(&Sha256::digest(self.body)),
        };
        format!(
            "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload}",
            self.method,
            canonical_uri(self.path),
            canonical_query(self.query)
        )
    }
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `scope` is `date/region/service/aws4_request`.
pub fn signature(secret: &str, scope: &str, string_to_sign: &str) -> String {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in scope.split('/') {
        key = hmac(&key, part);
    }
    hex(&hmac(&key, string_to_sign))
}

/// The parts of `AWS4-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex`.
pub struct Authorization<'a> {
    pub access_key: &'a str,
    pub scope: &'a str,
    pub signed_headers: &'a str,
    pub signature: &'a str,
}

pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 Credential=")?;
    let (credential, rest) = rest.split_once(", SignedHeaders=")?;
    let (signed_headers, signature) = rest.split_once(", Signature=")?;
    let (access_key, scope) = credential.split_once('/')?;
    Some(Authorization {
        access_key,
        scope,
        signed_headers,
        signature,
    })
}
