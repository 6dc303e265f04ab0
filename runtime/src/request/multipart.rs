//! `multipart/form-data` bodies (RFC 7578): text parts, JSON parts and file parts.

use bytes::Bytes;

/// One part of a multipart body.
pub(crate) struct Part {
    name: &'static str,
    content_type: Option<&'static str>,
    file: bool,
    body: Bytes,
}

impl Part {
    /// A text part.
    pub(crate) fn text(name: &'static str, value: String) -> Part {
        Part {
            name,
            content_type: None,
            file: false,
            body: Bytes::from(value),
        }
    }

    /// A JSON part.
    pub(crate) fn json(name: &'static str, value: Vec<u8>) -> Part {
        Part {
            name,
            content_type: Some("application/json"),
            file: false,
            body: Bytes::from(value),
        }
    }

    /// A file part of raw bytes.
    pub(crate) fn file(name: &'static str, body: Bytes) -> Part {
        Part {
            name,
            content_type: Some("application/octet-stream"),
            file: true,
            body,
        }
    }

    /// The part's field name.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
}

/// A boundary that occurs in no part.
fn boundary(parts: &[Part]) -> String {
    loop {
        let candidate = format!(
            "meterage-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let needle = candidate.as_bytes();
        let clash = parts
            .iter()
            .any(|p| p.body.windows(needle.len()).any(|w| w == needle));
        if !clash {
            return candidate;
        }
    }
}

/// Quotes a field name for `Content-Disposition` (`"` and line breaks escaped as
/// RFC 7578 section 4.2 allows).
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The body's content type (with its boundary) and bytes.
pub(crate) fn encode(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = boundary(parts);
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = quoted(part.name);
        let disposition = if part.file {
            format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n")
        } else {
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n")
        };
        out.extend_from_slice(disposition.as_bytes());
        if let Some(content_type) = part.content_type {
            out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&part.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_by_a_boundary_none_contains() {
        let parts = vec![
            Part::text("note", "hello".into()),
            Part::json("meta", br#"{"a":1}"#.to_vec()),
            Part::file("file", Bytes::from_static(b"\x00\x01raw")),
        ];
        let (content_type, body) = encode(&parts);
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.starts_with(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
            )),
            "{text}"
        );
        assert!(
            text.contains("name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n"),
            "{text}"
        );
        assert!(text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{0}\u{1}raw\r\n"), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");
    }
}
