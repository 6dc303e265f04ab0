//! Parameters: [`ToParam`], the percent-encoding of query strings and form bodies, and
//! the [`Request`] setters of path, query, cookie and header parameters.

use std::borrow::Cow;

use super::encoding::{percent_encode_into, Encoding};
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
            .push((Cow::Borrowed(name), encoding.query_owned(value.to_param())));
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
        match request.to_http("http://h/base", &ua()) {
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
        let http = request.to_http("http://h:1/base", &ua()).unwrap();
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
