//! Media types: the one decision of which carry JSON. Request bodies (`lower/params.rs`),
//! responses (`lower/responses.rs`) and `content` parameters all ask [`is_json`].

/// Whether a media type carries one JSON document, so that a body of it is typed and
/// (de)serialized as JSON and sent with that media type as its `Content-Type`.
///
/// Parameters (`; charset=utf-8`) and letter case do not matter. JSON is:
///
/// - `application/json` and `text/json`;
/// - any structured-syntax `+json` subtype (RFC 6839): `application/problem+json`,
///   `application/merge-patch+json`, `application/vnd.api+json`;
/// - an unregistered `x-` subtype whose last word is `json`, optionally followed by a
///   version: `application/x-json`, AWS's `application/x-amz-json-1.0` and
///   `application/x-amz-json-1.1`.
///
/// Not JSON: streams of JSON values (`application/x-ndjson`, `application/jsonl`,
/// `application/json-seq`), ranges (`*/*`, `application/*`) and everything else.
///
/// ```
/// use meterage_codegen::media::is_json;
///
/// assert!(is_json("application/x-amz-json-1.1"));
/// assert!(is_json("application/vnd.api+json"));
/// assert!(is_json("Application/JSON; charset=utf-8"));
/// assert!(!is_json("application/x-ndjson"));
/// ```
pub fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    if kind == "*" || subtype.is_empty() || subtype.contains('*') {
        return false;
    }
    if subtype.ends_with("+json") {
        return true;
    }
    if kind != "application" && kind != "text" {
        return false;
    }
    if subtype == "json" {
        return true;
    }
    let Some(vendor) = subtype.strip_prefix("x-") else {
        return false;
    };
    // `amz-json-1.1`: the words, a trailing version dropped, must end with `json`.
    let mut words: Vec<&str> = vendor.split('-').collect();
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '.'))
    {
        words.pop();
    }
    words.last() == Some(&"json")
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_media_types() {
        let json = [
            "application/json",
            "application/json; charset=utf-8",
            "application/json;charset=UTF-8",
            "APPLICATION/JSON",
            " application/json ",
            "text/json",
            "application/problem+json",
            "application/merge-patch+json",
            "application/json-patch+json",
            "application/vnd.api+json",
            "application/vnd.github.v3+json; charset=utf-8",
            "application/geo+json",
            "application/x-amz-json-1.0",
            "application/x-amz-json-1.1",
            "application/X-Amz-Json-1.1; charset=utf-8",
            "application/x-amz-json",
            "application/x-json",
        ];
        for media in json {
            assert!(is_json(media), "{media} is JSON");
        }
        let other = [
            "",
            "json",
            "application/",
            "*/*",
            "application/*",
            "*/*+json",
            "application/x-ndjson",
            "application/jsonl",
            "application/json-seq",
            "application/x-json-stream",
            "application/javascript",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
            "image/json",
            "application/octet-stream",
            "application/xml",
        ];
        for media in other {
            assert!(!is_json(media), "{media} is not JSON");
        }
    }
}
