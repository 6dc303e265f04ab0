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

fn percent_encode_into(out: &mut String, text: &str) {
    out.extend(percent_encoding::utf8_percent_encode(text, COMPONENT));
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
    pub fn path_param<T: ToParam + ?Sized>(&mut self, name: &str, value: &T) {
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            self.fail(format!(
                "the path `{}` has no parameter `{name}`",
                self.operation.path
            ));
            return;
        }
        let encoded = percent_encode(&value.to_param());
        self.path = self.path.replace(&placeholder, &encoded);
    }

    /// Adds the query parameter `name=value`.
    pub fn query<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.query
            .push((Cow::Borrowed(name), percent_encode(&value.to_param())));
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
        match style::pairs(name, value, style) {
            Ok(pairs) => {
                for (key, value) in pairs {
                    self.query.push((key, percent_encode(&value)));
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
        match style::pairs(name, value, style) {
            Ok(pairs) => {
                let joined: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
                self.path_param(name, &joined.join(","));
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
