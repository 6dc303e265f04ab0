//! Parameters: [`ToParam`], the percent-encoding of query strings and form bodies, and
//! the [`Request`] setters of path, query, cookie and header parameters.

use std::borrow::Cow;

use super::style::{self, Style};
use super::Request;
use crate::types::{format_f32, format_f64, Decimal, Secret};

/// A value that can be sent as a path, query, header or form parameter.
pub trait ToParam {
    /// The value as text, before percent-encoding.
    fn to_param(&self) -> String;

    /// Whether the value is a credential: header values are then marked sensitive.
    /// Default `false`; [`Secret`] says `true`.
    fn is_sensitive(&self) -> bool {
        false
    }
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ToParam for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }

    fn is_sensitive(&self) -> bool {
        (**self).is_sensitive()
    }
}

impl ToParam for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! to_param_display {
    ($($ty:ty),*) => {$(
        impl ToParam for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

to_param_display!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl ToParam for f32 {
    fn to_param(&self) -> String {
        format_f32(*self)
    }
}

impl ToParam for f64 {
    fn to_param(&self) -> String {
        format_f64(*self)
    }
}

impl ToParam for Secret {
    fn to_param(&self) -> String {
        self.expose().to_owned()
    }

    fn is_sensitive(&self) -> bool {
        true
    }
}

impl ToParam for Decimal {
    fn to_param(&self) -> String {
        self.as_str().to_owned()
    }
}

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

fn percent_encode_into(out: &mut String, text: &str) {
    out.extend(percent_encoding::utf8_percent_encode(text, COMPONENT));
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

/// Checks the encoded value of path parameter `name` where it goes in `template` (the
/// path so far, `placeholder` still in it): the value must not change which resource
/// the path names. No segment of its own (between two slashes) may be empty, but for a
/// trailing `/` of the value's own at the end of the path, and none may be `.` or `..`
/// (written `%2E` too, which URL parsers read as a dot): such a path would be read as
/// another, the parent's or the collection's. Where the value continues a segment of
/// the template (`/v1/items{suffix}`) it may be empty.
///
/// With [`Encoding::AllowReserved`] a `/` at either end of the value is dropped where
/// the template already has one (`/{scope}/providers` with `/subscriptions/00-11/`
/// is `/subscriptions/00-11/providers`), so Azure's scopes can be given as documented.
fn place_in_path(
    name: &str,
    template: &str,
    placeholder: &str,
    mut value: &str,
    encoding: Encoding,
) -> Result<String, String> {
    let at = template.find(placeholder).unwrap_or_default();
    let after = &template[at + placeholder.len()..];
    let slash_before = template[..at].ends_with('/');
    let slash_after = after.starts_with('/');
    let at_end = after.is_empty() || after.starts_with('?');
    if encoding == Encoding::AllowReserved {
        if slash_before {
            value = value.strip_prefix('/').unwrap_or(value);
        }
        if slash_after {
            value = value.strip_suffix('/').unwrap_or(value);
        }
    }
    let pieces: Vec<&str> = value.split('/').collect();
    let last = pieces.len() - 1;
    for (k, piece) in pieces.iter().enumerate() {
        let whole = (k > 0 || slash_before) && (k < last || slash_after || at_end);
        if !whole {
            continue;
        }
        let dots = piece.replace("%2e", ".").replace("%2E", ".");
        if dots == "." || dots == ".." {
            return Err(format!(
                "the path parameter `{name}` has a `{piece}` segment: the path would name another resource"
            ));
        }
        // A trailing `/` of the value's own at the end of the path is kept.
        if piece.is_empty() && !(k == last && k > 0 && at_end) {
            return Err(if pieces.len() == 1 {
                format!(
                    "the path parameter `{name}` is empty: the path would name another resource"
                )
            } else {
                format!("the path parameter `{name}` has an empty segment (`//`): the path would name another resource")
            });
        }
    }
    Ok(value.to_owned())
}

/// The `name=value` pairs joined with `&`, each name percent-encoded here (the values
/// were encoded when they were added): the writer of both the query string and the
/// `application/x-www-form-urlencoded` body.
pub(super) fn join_pairs(pairs: &[(Cow<'static, str>, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        push_pair(&mut out, name, |out| out.push_str(value));
    }
    out
}

/// `name=value` pairs, names and values percent-encoded here, joined with `&`: the
/// strings request signatures cover (RPC v1's, `SDK-HMAC-SHA256`'s canonical query).
pub(crate) fn join_encoded<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        push_pair(&mut out, name, |out| percent_encode_into(out, value));
    }
    out
}

/// Appends `&name=` (no `&` first) and the value `value` writes: the one place a
/// `name=value` pair is written.
fn push_pair(out: &mut String, name: &str, value: impl FnOnce(&mut String)) {
    if !out.is_empty() {
        out.push('&');
    }
    percent_encode_into(out, name);
    out.push('=');
    value(out);
}

/// One header set by generated code.
pub(super) struct HeaderParam {
    pub(super) name: &'static str,
    pub(super) value: String,
    pub(super) sensitive: bool,
}

impl Request {
    /// Replaces the placeholder `{name}` in the path with `value`, percent-encoded as one
    /// path segment (only RFC 3986 unreserved characters are kept, so `/` becomes `%2F`).
    /// An empty value, `.` or `..` is refused: the path would name another resource.
    pub fn path_param<T: ToParam + ?Sized>(&mut self, name: &str, value: &T) {
        self.path_param_as(name, value, Encoding::Strict);
    }

    /// Replaces the placeholder `{name}` in the path with `value`, percent-encoded as
    /// `encoding` says: with [`Encoding::AllowReserved`] the value may span segments
    /// (`subscriptions/00-11/resourceGroups/rg`). A value that would make the path name
    /// another resource (an empty segment, a `.` or `..` segment) is refused, naming the
    /// parameter: [`Client::send`](crate::Client::send) returns
    /// [`Error::Request`](crate::Error::Request) and nothing is sent.
    pub fn path_param_as<T: ToParam + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        encoding: Encoding,
    ) {
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            self.fail(format!(
                "the path `{}` has no parameter `{name}`",
                self.operation.path
            ));
            return;
        }
        let encoded = encoding.path(&value.to_param());
        match place_in_path(name, &self.path, &placeholder, &encoded, encoding) {
            Ok(encoded) => self.path = self.path.replace(&placeholder, &encoded),
            Err(message) => self.fail(message),
        }
    }

    /// Adds the query parameter `name=value`.
    pub fn query<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.query_as(name, value, Encoding::Strict);
    }

    /// Adds the query parameter `name=value`, the value percent-encoded as `encoding`
    /// says (the name always strictly).
    pub fn query_as<T: ToParam + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        encoding: Encoding,
    ) {
        self.query
            .push((Cow::Borrowed(name), encoding.query(&value.to_param())));
    }

    /// Adds the query parameter `name=value` if `value` is `Some`; `None` is not sent.
    pub fn query_opt<T: ToParam>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Adds the query parameter `name=a,b,c` (OpenAPI `style: form`, `explode: false`).
    ///
    /// Each value is percent-encoded on its own and the separating commas are sent as
    /// they are, so a comma inside a value (`%2C`) stays distinguishable from a separator.
    /// An empty slice is not sent.
    pub fn query_csv<T: ToParam>(&mut self, name: &'static str, values: &[T]) {
        if values.is_empty() {
            return;
        }
        let mut joined = String::new();
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            percent_encode_into(&mut joined, &value.to_param());
        }
        self.query.push((Cow::Borrowed(name), joined));
    }

    /// Adds the query parameter `name` once per value (`name=a&name=b`, OpenAPI
    /// `explode: true`). An empty slice is not sent.
    pub fn query_multi<T: ToParam>(&mut self, name: &'static str, values: &[T]) {
        for value in values {
            self.query(name, value);
        }
    }

    /// Adds the query parameter `name` with the values joined by `separator`, each
    /// percent-encoded on its own (`style: pipeDelimited` joins with `|`,
    /// `spaceDelimited` with a space, sent as `%20`). An empty slice is not sent.
    pub fn query_joined<T: ToParam>(&mut self, name: &'static str, values: &[T], separator: char) {
        if values.is_empty() {
            return;
        }
        let mut joined = String::new();
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                percent_encode_into(&mut joined, separator.encode_utf8(&mut [0; 4]));
            }
            percent_encode_into(&mut joined, &value.to_param());
        }
        self.query.push((Cow::Borrowed(name), joined));
    }

    /// Adds the query parameter `name` holding any serializable value (an object, an
    /// array of objects, a map), encoded in `style` (see [`Style`]). A `null` value is
    /// not sent.
    pub fn query_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
    ) {
        self.query_value_as(name, value, style, Encoding::Strict);
    }

    /// [`Request::query_value`] with the values percent-encoded as `encoding` says (the
    /// names always strictly).
    pub fn query_value_as<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        encoding: Encoding,
    ) {
        match style::pairs(name, value, style) {
            Ok(pairs) => {
                for (key, value) in pairs {
                    self.query.push((key, encoding.query(&value)));
                }
            }
            Err(message) => self.fail(message),
        }
    }

    /// Adds the cookie `name=value` to the `Cookie` header.
    pub fn cookie<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.cookies.push((Cow::Borrowed(name), value.to_param()));
    }

    /// Adds the cookie `name=value` if `value` is `Some`.
    pub fn cookie_opt<T: ToParam>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.cookie(name, value);
        }
    }

    /// Adds the cookie `name` holding any serializable value, encoded in `style`
    /// (`form`: values joined with commas).
    pub fn cookie_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
    ) {
        match style::pairs(name, value, style) {
            Ok(pairs) => self.cookies.extend(pairs),
            Err(message) => self.fail(message),
        }
    }

    /// Sets the header `name` to any serializable value, encoded in `style` (`simple`:
    /// values joined with commas).
    pub fn header_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
    ) {
        match style::pairs(name, value, style) {
            Ok(pairs) => {
                for (_, value) in pairs {
                    self.headers.push(HeaderParam {
                        name,
                        value,
                        sensitive: false,
                    });
                }
            }
            Err(message) => self.fail(message),
        }
    }

    /// Replaces the placeholder `{name}` in the path with any serializable value,
    /// encoded in `style` (`simple`: values joined with commas).
    pub fn path_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
    ) {
        self.path_value_as(name, value, style, Encoding::Strict);
    }

    /// [`Request::path_value`] with the value percent-encoded as `encoding` says (see
    /// [`Request::path_param_as`]).
    pub fn path_value_as<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        encoding: Encoding,
    ) {
        match style::pairs(name, value, style) {
            Ok(pairs) => {
                let joined: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
                self.path_param_as(name, &joined.join(","), encoding);
            }
            Err(message) => self.fail(message),
        }
    }

    /// Sets the header `name` (a value that [`ToParam::is_sensitive`] is marked sensitive).
    pub fn header<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.headers.push(HeaderParam {
            name,
            value: value.to_param(),
            sensitive: value.is_sensitive(),
        });
    }

    /// Sets the header `name` to the comma-separated values (OpenAPI `style: simple`).
    /// An empty slice is not sent.
    pub fn header_csv<T: ToParam>(&mut self, name: &'static str, values: &[T]) {
        if values.is_empty() {
            return;
        }
        let joined: Vec<String> = values.iter().map(ToParam::to_param).collect();
        let sensitive = values.iter().any(ToParam::is_sensitive);
        self.headers.push(HeaderParam {
            name,
            value: joined.join(","),
            sensitive,
        });
    }

    /// Sets the header `name` if `value` is `Some`.
    pub fn header_opt<T: ToParam>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.header(name, value);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::request::tests::{ua, OP};
    use crate::request::Operation;

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
        // (raw, in a path, in a query)
        let cases: &[(&str, &str, &str)] = &[
            ("", "", ""),
            ("abc-_.~09", "abc-_.~09", "abc-_.~09"),
            (
                "subscriptions/0000-1111/resourceGroups/rg",
                "subscriptions/0000-1111/resourceGroups/rg",
                "subscriptions/0000-1111/resourceGroups/rg",
            ),
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
            (
                "{id}\"<>^`|\\",
                "%7Bid%7D%22%3C%3E%5E%60%7C%5C",
                "%7Bid%7D%22%3C%3E%5E%60%7C%5C",
            ),
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
        }
    }

    static SCOPED: Operation = Operation::get("ListUsage", "/{scope}/providers/usage");
    static FILE: Operation = Operation::get("GetFile", "/v1/files/{path}");
    static SUFFIX: Operation = Operation::get("GetSuffixed", "/v1/items{suffix}");

    /// The path, or the request error, of `operation` with `name` set to `value`.
    fn placed(
        operation: &'static Operation,
        name: &str,
        value: &str,
        encoding: Encoding,
    ) -> Result<String, String> {
        let mut request = Request::new(operation);
        request.path_param_as(name, value, encoding);
        match request.into_http("http://h/base", &ua()) {
            Ok(http) => Ok(http.url().path().to_owned()),
            Err(crate::Error::Request { message, .. }) => Err(message),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn reserved_path_values_span_segments_and_never_leave_the_path() {
        use Encoding::{AllowReserved, Strict};
        let ok: &[(&'static Operation, &str, &str, Encoding, &str)] = &[
            (
                &SCOPED,
                "scope",
                "subscriptions/00-11/resourceGroups/rg",
                AllowReserved,
                "/base/subscriptions/00-11/resourceGroups/rg/providers/usage",
            ),
            (
                &SCOPED,
                "scope",
                "subscriptions/00-11/resourceGroups/rg",
                Strict,
                "/base/subscriptions%2F00-11%2FresourceGroups%2Frg/providers/usage",
            ),
            // Azure documents scopes as `/subscriptions/{id}/`: the template's slashes stand.
            (
                &SCOPED,
                "scope",
                "/subscriptions/00-11/",
                AllowReserved,
                "/base/subscriptions/00-11/providers/usage",
            ),
            (
                &SCOPED,
                "scope",
                "providers/Microsoft.Billing/billingAccounts/1:2",
                AllowReserved,
                "/base/providers/Microsoft.Billing/billingAccounts/1:2/providers/usage",
            ),
            (
                &SCOPED,
                "scope",
                "a b/c?d#e",
                AllowReserved,
                "/base/a%20b/c%3Fd%23e/providers/usage",
            ),
            (
                &SCOPED,
                "scope",
                "...",
                AllowReserved,
                "/base/.../providers/usage",
            ),
            (
                &SCOPED,
                "scope",
                ".hidden/x..y",
                AllowReserved,
                "/base/.hidden/x..y/providers/usage",
            ),
            // At the end of the path a trailing slash of the value's own stays.
            (
                &FILE,
                "path",
                "dir/sub/",
                AllowReserved,
                "/base/v1/files/dir/sub/",
            ),
            (&FILE, "path", "a/b", AllowReserved, "/base/v1/files/a/b"),
            (&FILE, "path", "a/", Strict, "/base/v1/files/a%2F"),
            // A value continuing a segment of the template may be empty.
            (&SUFFIX, "suffix", "", Strict, "/base/v1/items"),
            (&SUFFIX, "suffix", "/7", AllowReserved, "/base/v1/items/7"),
        ];
        for (op, name, value, encoding, path) in ok {
            assert_eq!(
                placed(op, name, value, *encoding).as_deref(),
                Ok(*path),
                "{value:?} {encoding:?}"
            );
        }
        let refused: &[(&'static Operation, &str, &str, Encoding, &str)] = &[
            (
                &SCOPED,
                "scope",
                "subscriptions/../../admin",
                AllowReserved,
                "has a `..` segment",
            ),
            (&SCOPED, "scope", "..", AllowReserved, "has a `..` segment"),
            (
                &SCOPED,
                "scope",
                "/../",
                AllowReserved,
                "has a `..` segment",
            ),
            (
                &SCOPED,
                "scope",
                "a/%2e%2E/b",
                AllowReserved,
                "has a `%2e%2E` segment",
            ),
            (
                &SCOPED,
                "scope",
                "a/./b",
                AllowReserved,
                "has a `.` segment",
            ),
            (
                &SCOPED,
                "scope",
                "a/%2E",
                AllowReserved,
                "has a `%2E` segment",
            ),
            (
                &SCOPED,
                "scope",
                "a//b",
                AllowReserved,
                "has an empty segment",
            ),
            (
                &SCOPED,
                "scope",
                "//a",
                AllowReserved,
                "has an empty segment",
            ),
            (&SCOPED, "scope", "", AllowReserved, "is empty"),
            (&SCOPED, "scope", "/", AllowReserved, "is empty"),
            (&FILE, "path", "", Strict, "is empty"),
            (&FILE, "path", "", AllowReserved, "is empty"),
            (&FILE, "path", ".", Strict, "has a `.` segment"),
            (&FILE, "path", "..", Strict, "has a `..` segment"),
            (&FILE, "path", "/..", AllowReserved, "has a `..` segment"),
            (
                &SUFFIX,
                "suffix",
                "/../x",
                AllowReserved,
                "has a `..` segment",
            ),
        ];
        for (op, name, value, encoding, message) in refused {
            match placed(op, name, value, *encoding) {
                Err(got) => {
                    assert!(
                        got.starts_with(&format!("the path parameter `{name}` {message}")),
                        "{value:?} {encoding:?}: {got}"
                    );
                    assert!(
                        got.ends_with("the path would name another resource"),
                        "{got}"
                    );
                }
                Ok(path) => panic!("{value:?} {encoding:?} was sent as {path}"),
            }
        }
    }

    #[test]
    fn reserved_query_values_and_structured_values() {
        let mut request = Request::new(&OP);
        request.path_param("id", "1");
        request.query_as(
            "redirect",
            "https://a.example/b?c=d&e+f#g",
            Encoding::AllowReserved,
        );
        request.query_as("strict", "a/b", Encoding::Strict);
        request.query_value_as("ids", &["a/b", "c:d"], Style::Form, Encoding::AllowReserved);
        request.query_value_as(
            "tag",
            &["x/y", "z"],
            Style::FormExploded,
            Encoding::AllowReserved,
        );
        assert_eq!(
            request.query_string(),
            "redirect=https://a.example/b?c%3Dd%26e%2Bf%23g&strict=a%2Fb&ids=a/b,c:d&tag=x/y&tag=z"
        );

        let mut request = Request::new(&SCOPED);
        request.path_value_as(
            "scope",
            &["a/b", "c"],
            Style::Simple,
            Encoding::AllowReserved,
        );
        assert_eq!(request.path(), "/a/b,c/providers/usage");
    }

    #[test]
    fn to_param_table() {
        let cases: Vec<(String, &str)> = vec![
            ("x".to_param(), "x"),
            (String::from("y").to_param(), "y"),
            ((&&"z").to_param(), "z"),
            (true.to_param(), "true"),
            (false.to_param(), "false"),
            ((-5i8).to_param(), "-5"),
            (500i16.to_param(), "500"),
            (7i32.to_param(), "7"),
            (i64::MIN.to_param(), "-9223372036854775808"),
            (u8::MAX.to_param(), "255"),
            (1u16.to_param(), "1"),
            (2u32.to_param(), "2"),
            (u64::MAX.to_param(), "18446744073709551615"),
            (3usize.to_param(), "3"),
            (25.0f64.to_param(), "25"),
            (21.45f64.to_param(), "21.45"),
            (0.1f32.to_param(), "0.1"),
            (2.0f32.to_param(), "2"),
            (Secret::new("pw").to_param(), "pw"),
            (Decimal::new("1.50").unwrap().to_param(), "1.50"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
        assert!(Secret::new("pw").is_sensitive());
        assert!(ToParam::is_sensitive(&&Secret::new("pw")));
        assert!(!"pw".is_sensitive());
    }

    #[test]
    fn query_in_call_order() {
        let mut request = Request::new(&OP);
        request.path_param("id", "a/b c");
        request.query("userName", "张 三");
        request.query_opt("skip", &None::<i32>);
        request.query_opt("limit", &Some(10));
        request.query_csv("status", &[0, 1]);
        request.query_csv("empty", &[] as &[i32]);
        request.query_csv("tags", &["a,b", "c"]);
        request.query_multi("id", &["x", "y"]);
        request.query("plus", "a+b~");
        assert_eq!(request.path(), "/v1/items/a%2Fb%20c");
        assert_eq!(
            request.query_string(),
            "userName=%E5%BC%A0%20%E4%B8%89&limit=10&status=0,1&tags=a%2Cb,c&id=x&id=y&plus=a%2Bb~"
        );
        let http = request.into_http("http://h:1/base", &ua()).unwrap();
        assert_eq!(
            http.url().as_str(),
            "http://h:1/base/v1/items/a%2Fb%20c?userName=%E5%BC%A0%20%E4%B8%89&limit=10&status=0,1&tags=a%2Cb,c&id=x&id=y&plus=a%2Bb~"
        );
        assert_eq!(http.method(), reqwest::Method::POST);
        assert_eq!(http.headers()["accept"], "application/json");
        assert_eq!(http.headers()["user-agent"], "test");
        assert!(http.body().is_none());
    }
}
