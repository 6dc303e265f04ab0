//! The one percent-encoder of the runtime (RFC 3986; a space is `%20`, never `+`), with
//! reserved characters kept where the spec allows them, and the one writer of
//! `name=value&` pairs: the query string, the form body and the strings signatures cover.

use std::borrow::Cow;

/// Percent-encodes `text` as a query or form component: UTF-8 bytes, keeping only
/// `A-Za-z0-9-_.~`, uppercase hex, space as `%20` (never `+`).
///
/// This is also the encoding request signatures (Alibaba Cloud RPC, Huawei Cloud
/// SDK-HMAC-SHA256) canonicalize with.
///
/// ```
/// assert_eq!(meterage_runtime::request::percent_encode("a b+c~"), "a%20b%2Bc~");
/// ```
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    percent_encode_into(&mut out, text);
    out
}

/// Every byte but RFC 3986's unreserved characters `A-Za-z0-9-_.~` is encoded.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// [`COMPONENT`] less the reserved characters RFC 3986 allows in a path: `/` between
/// segments, and `:`, `@` and the sub-delimiters `!$&'()*+,;=` inside one. Still
/// encoded: `?` and `#` (they would end the path), `[` and `]` (allowed only in a
/// host).
const PATH_RESERVED: &percent_encoding::AsciiSet = &COMPONENT
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// [`COMPONENT`] less the reserved characters a query value may carry as they are:
/// `/`, `?`, `:`, `@` and the sub-delimiters but `&`, `=` and `+`, which separate
/// parameters or mean a space to the server's form decoder, and `'`, which URL parsers
/// encode in an http(s) query anyway. Still encoded: those four, `#` (it would end the
/// query), `[` and `]` (allowed only in a host).
const QUERY_RESERVED: &percent_encoding::AsciiSet = &COMPONENT
    .remove(b'/')
    .remove(b'?')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';');

pub(super) fn percent_encode_into(out: &mut String, text: &str) {
    if is_unreserved(text) {
        out.push_str(text);
    } else {
        out.extend(percent_encoding::utf8_percent_encode(text, COMPONENT));
    }
}

/// Whether `text` is RFC 3986's unreserved characters alone (`A-Za-z0-9-_.~`): text that
/// every encoding here leaves as it is (most names, numbers, identifiers).
fn is_unreserved(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// How a path or query parameter's value is percent-encoded.
///
/// ```
/// use meterage_runtime::request::Encoding;
///
/// let scope = "subscriptions/00-11/resourceGroups/my rg";
/// assert_eq!(Encoding::Strict.path(scope), "subscriptions%2F00-11%2FresourceGroups%2Fmy%20rg");
/// assert_eq!(Encoding::AllowReserved.path(scope), "subscriptions/00-11/resourceGroups/my%20rg");
/// assert_eq!(Encoding::AllowReserved.query("https://a.example/b?c&d"), "https://a.example/b?c%26d");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Every character but RFC 3986's unreserved `A-Za-z0-9-_.~` is encoded (space is
    /// `%20`): a path value is one segment (`/` is `%2F`). The default.
    #[default]
    Strict,
    /// The value keeps the reserved characters RFC 3986 allows where it goes, and its
    /// percent-encoded triplets (`%2F` stays `%2F`, a `%` not starting one is `%25`),
    /// as RFC 6570's reserved expansion does; everything else is encoded as by
    /// [`Encoding::Strict`]. The spec asks for it with `allowReserved: true` or
    /// `x-ms-skip-url-encoding: true`.
    ///
    /// In the path it keeps `/` (a value spans segments: an Azure scope,
    /// `subscriptions/{id}/resourceGroups/{name}`), `:`, `@` and `!$&'()*+,;=`, and
    /// encodes `?`, `#`, `[` and `]`. In the query it keeps `/?:@!$()*,;` and encodes
    /// `&`, `=` and `+` (they would split the value into parameters, or read as a
    /// space), `'` (URL parsers encode it in an http(s) query) and `#`, `[` and `]`.
    AllowReserved,
}

impl Encoding {
    /// `text` encoded as (part of) a path.
    pub fn path(self, text: &str) -> String {
        self.encode(text, PATH_RESERVED)
    }

    /// `text` encoded as a query value.
    pub fn query(self, text: &str) -> String {
        self.encode(text, QUERY_RESERVED)
    }

    /// [`Encoding::query`] of a value already in a `String`: kept as it is, without a
    /// copy, when nothing in it is encoded.
    pub(crate) fn query_owned(self, text: String) -> String {
        if is_unreserved(&text) {
            text
        } else {
            self.query(&text)
        }
    }

    fn encode(self, text: &str, reserved: &'static percent_encoding::AsciiSet) -> String {
        let mut out = String::with_capacity(text.len());
        match self {
            Encoding::Strict => percent_encode_into(&mut out, text),
            Encoding::AllowReserved => {
                // Valid triplets pass through; the text between them is encoded.
                let bytes = text.as_bytes();
                let (mut start, mut i) = (0, 0);
                while i < bytes.len() {
                    let triplet = bytes[i] == b'%'
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                    if triplet {
                        out.extend(percent_encoding::utf8_percent_encode(
                            &text[start..i],
                            reserved,
                        ));
                        out.push_str(&text[i..i + 3]);
                        i += 3;
                        start = i;
                    } else {
                        i += 1;
                    }
                }
                out.extend(percent_encoding::utf8_percent_encode(
                    &text[start..],
                    reserved,
                ));
            }
        }
        out
    }
}

/// The `name=value` pairs joined with `&`, each name percent-encoded here (the values
/// were encoded when they were added): the writer of both the query string and the
/// `application/x-www-form-urlencoded` body.
pub(super) fn join_pairs(pairs: &[(Cow<'static, str>, String)]) -> String {
    let mut out = String::new();
    push_pairs(&mut out, pairs);
    out
}

/// [`join_pairs`], appended to `out`.
pub(super) fn push_pairs(out: &mut String, pairs: &[(Cow<'static, str>, String)]) {
    let start = out.len();
    for (name, value) in pairs {
        push_pair(out, start, name, |out| out.push_str(value));
    }
}

/// `name=value` pairs, names and values percent-encoded here, joined with `&`: the
/// strings request signatures cover (RPC v1's, `SDK-HMAC-SHA256`'s canonical query).
pub(crate) fn join_encoded<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        push_pair(&mut out, 0, name, |out| percent_encode_into(out, value));
    }
    out
}

/// Appends `&name=` (no `&` when `out` holds nothing past `start`, where the pairs
/// begin) and the value `value` writes: the one place a `name=value` pair is written.
fn push_pair(out: &mut String, start: usize, name: &str, value: impl FnOnce(&mut String)) {
    if out.len() > start {
        out.push('&');
    }
    percent_encode_into(out, name);
    out.push('=');
    value(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_table() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("abcXYZ019", "abcXYZ019"),
            ("-_.~", "-_.~"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("用户", "%E7%94%A8%E6%88%B7"),
            ("2022-10-25 10:15:00", "2022-10-25%2010%3A15%3A00"),
            ("a/b?c=d&e#f", "a%2Fb%3Fc%3Dd%26e%23f"),
            ("*'()!,;", "%2A%27%28%29%21%2C%3B"),
            ("%", "%25"),
            ("\n", "%0A"),
            ("é", "%C3%A9"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(percent_encode(raw), *encoded, "{raw:?}");
        }
    }

    #[test]
    fn allow_reserved_encoding_table() {
        const SCOPE: &str = "subscriptions/0000-1111/resourceGroups/rg";
        const UNSAFE: &str = "%7Bid%7D%22%3C%3E%5E%60%7C%5C";
        // (raw, in a path, in a query)
        let cases: &[(&str, &str, &str)] = &[
            ("", "", ""),
            ("abc-_.~09", "abc-_.~09", "abc-_.~09"),
            (SCOPE, SCOPE, SCOPE),
            // gen-delims: `/`, `:` and `@` stay; `?` and `#` would end the path (and `#`
            // the query); `[` and `]` belong in a host only.
            (":/?#[]@", ":/%3F%23%5B%5D@", ":/?%23%5B%5D@"),
            // sub-delims: all stay in a path; `&`, `=` and `+` are encoded in a query.
            ("!$&'()*+,;=", "!$&'()*+,;=", "!$%26%27()*%2B,;%3D"),
            ("a b", "a%20b", "a%20b"),
            ("用户", "%E7%94%A8%E6%88%B7", "%E7%94%A8%E6%88%B7"),
            // Triplets pass through as written; a `%` that starts none is encoded.
            ("my%20rg/%2F", "my%20rg/%2F", "my%20rg/%2F"),
            ("%e7%94%a8", "%e7%94%a8", "%e7%94%a8"),
            ("100%", "100%25", "100%25"),
            ("%zz%4", "%25zz%254", "%25zz%254"),
            ("%%41", "%25%41", "%25%41"),
            ("{id}\"<>^`|\\", UNSAFE, UNSAFE),
            ("\n\u{7f}", "%0A%7F", "%0A%7F"),
        ];
        for (raw, path, query) in cases {
            assert_eq!(
                Encoding::AllowReserved.path(raw),
                *path,
                "{raw:?} in a path"
            );
            assert_eq!(
                Encoding::AllowReserved.query(raw),
                *query,
                "{raw:?} in a query"
            );
            assert_eq!(Encoding::Strict.path(raw), percent_encode(raw), "{raw:?}");
            assert_eq!(Encoding::Strict.query(raw), percent_encode(raw), "{raw:?}");
            for encoding in [Encoding::Strict, Encoding::AllowReserved] {
                let owned = encoding.query_owned((*raw).to_owned());
                assert_eq!(owned, encoding.query(raw), "{raw:?} as {encoding:?}");
            }
        }
    }
}
