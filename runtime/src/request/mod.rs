//! Operations and the requests generated code builds for them.
//!
//! Parameters of any shape go through [`style`] (OpenAPI's `style` and `explode`);
//! multipart bodies through the private `multipart` module.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};

use crate::envelope::ErrorEnvelope;
use crate::error::Error;
use crate::options::CallOptions;
use crate::types::{format_f32, format_f64, Decimal, Secret};

mod multipart;
pub mod style;

pub use style::Style;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method's name on the wire, for example `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Method> for reqwest::Method {
    fn from(method: Method) -> Self {
        match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Head => reqwest::Method::HEAD,
            Method::Options => reqwest::Method::OPTIONS,
        }
    }
}

/// Static description of one operation, emitted as a `const` by generated code.
///
/// ```
/// use meterage_runtime::{ErrorEnvelope, Method, Operation};
///
/// const LIST_SIM_POOLS: Operation = Operation {
///     id: "ListSimPools",
///     method: Method::Get,
///     success: 200,
///     public: false,
///     idempotent: true,
///     secret_response: false,
///     path: "/v1/sim-pools",
///     server: None,
///     envelope: &ErrorEnvelope::NONE,
/// };
/// assert_eq!(LIST_SIM_POOLS.method.as_str(), "GET");
/// ```
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`, for example `"ListSimPools"`; it starts every error
    /// message.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The documented success status (200, 201, ...). Every 2xx status is a success;
    /// a 3xx status is one only when it is this one (a console login answering
    /// `302 Found`). The client never follows redirects, so other 3xx answers reach the
    /// caller as [`crate::Error::Api`] (a redirect to a login page says the
    /// session ended).
    pub success: u16,
    /// Whether the spec says this operation takes no credentials (`security: []`, as a
    /// login call). The built-in schemes ([`HeaderToken`](crate::HeaderToken) and the
    /// signers) then send none; a custom [`Authorize`](crate::Authorize) reads it from
    /// [`AuthContext::operation`](crate::AuthContext) and decides (a console session still
    /// sends its CSRF cookie to the login form).
    pub public: bool,
    /// Whether sending the call twice does no more than sending it once (GET, HEAD, PUT,
    /// DELETE, OPTIONS, and calls the spec marks `x-idempotent: true`, such as read-only
    /// RPC actions): only such calls are retried once the request may have reached the
    /// server.
    pub idempotent: bool,
    /// Whether the success body may carry a credential (a login response): no excerpt of
    /// it ever appears in an error message.
    pub secret_response: bool,
    /// The path template with `{name}` placeholders, for example `/v1/items/{id}` (a
    /// spec's `#fragment` already removed).
    pub path: &'static str,
    /// An operation-level server URL overriding the client's base URL (see
    /// [`ClientBuilder::server_override`](crate::ClientBuilder::server_override)).
    pub server: Option<&'static str>,
    /// Where the vendor puts its error code and message.
    pub envelope: &'static ErrorEnvelope,
}

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

/// `value` as the JSON text sent on the wire. With [`wire_value`], the only ways a
/// request serializes a value, so that every body, part and structured parameter
/// carries the secrets inside it ([`Secret`] serializes as `***` anywhere else).
pub(crate) fn wire_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    crate::types::with_secrets_exposed(|| serde_json::to_vec(value))
}

/// `value` as the JSON value a structured parameter is written from (see [`wire_json`]).
pub(crate) fn wire_value<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<serde_json::Value> {
    crate::types::with_secrets_exposed(|| serde_json::to_value(value))
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

/// One header set by generated code.
struct HeaderParam {
    name: &'static str,
    value: String,
    sensitive: bool,
}

/// The request body under construction.
enum Body {
    /// No body field set.
    None,
    /// `application/x-www-form-urlencoded`: encoded `name=value` pairs in call order.
    Form(Vec<(Cow<'static, str>, String)>),
    /// `application/json` object: each property's serialized JSON, in call order.
    Json(Vec<(&'static str, Vec<u8>)>),
    /// A whole JSON value, serialized.
    JsonValue(Vec<u8>),
    /// Bytes sent as they are.
    Bytes(Bytes),
    /// `multipart/form-data`: the parts in call order.
    Multipart(Vec<multipart::Part>),
}

/// One request under construction.
///
/// Generated code creates it for an [`Operation`], sets the parameters, and hands it to
/// [`Client::send`](crate::Client::send). Mistakes that cannot panic here (a body field
/// that cannot be serialized, form fields mixed with JSON properties, an unknown path
/// parameter) are remembered and reported by `send` as [`Error::Request`].
///
/// `Debug` shows the operation, the path template and the names of the parameters, never
/// their values.
pub struct Request {
    operation: &'static Operation,
    path: String,
    /// Encoded `name=value` pairs, in call order.
    query: Vec<(Cow<'static, str>, String)>,
    headers: Vec<HeaderParam>,
    /// `name=value` pairs of the `Cookie` header, in call order.
    cookies: Vec<(Cow<'static, str>, String)>,
    body: Body,
    content_type: Option<&'static str>,
    error: Option<String>,
    options: CallOptions,
    server: Option<String>,
    without_auth: bool,
}

impl Request {
    /// A request for `operation` with no parameters set.
    pub fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            path: operation.path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::None,
            content_type: None,
            error: None,
            options: CallOptions::new(),
            server: None,
            without_auth: false,
        }
    }

    /// The per-call options (timeouts, retries).
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// Sets the per-call options.
    pub fn set_options(&mut self, options: CallOptions) {
        self.options = options;
    }

    /// Sends this request to `base_url` instead of the operation's server or the client's
    /// base URL (a sign-in call to the IAM endpoint of a chosen region). The client's
    /// [`server_override`](crate::ClientBuilder::server_override)s still apply.
    pub fn server(&mut self, base_url: impl Into<String>) {
        self.server = Some(base_url.into());
    }

    /// The server set with [`Request::server`].
    pub fn server_url(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// Sends this request without running the client's auth scheme: for the sign-in
    /// calls an auth scheme makes itself, which set their own headers.
    pub fn without_auth(&mut self) {
        self.without_auth = true;
    }

    /// Whether the client's auth scheme is skipped for this request (it is also skipped
    /// for operations the spec marks public).
    pub fn skips_auth(&self) -> bool {
        self.without_auth || self.operation.public
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The path with the parameters set so far substituted.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The encoded query string (without `?`) as it will be sent.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            percent_encode_into(&mut out, name);
            out.push('=');
            out.push_str(value);
        }
        out
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

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

    /// Declares an `application/x-www-form-urlencoded` body, sent (possibly empty) even
    /// when no field is set.
    pub fn form_body(&mut self) {
        match self.body {
            Body::None => self.body = Body::Form(Vec::new()),
            Body::Form(_) => {}
            _ => self.mixed_body(),
        }
    }

    /// Declares an `application/json` object body, sent as `{}` even when no property is
    /// set.
    pub fn json_body(&mut self) {
        match self.body {
            Body::None => self.body = Body::Json(Vec::new()),
            Body::Json(_) => {}
            _ => self.mixed_body(),
        }
    }

    /// Declares a `multipart/form-data` body, sent (possibly without parts) even when no
    /// part is set.
    pub fn multipart_body(&mut self) {
        match self.body {
            Body::None => self.body = Body::Multipart(Vec::new()),
            Body::Multipart(_) => {}
            _ => self.mixed_body(),
        }
    }

    /// Sends `value`, serialized as JSON, as the whole body.
    pub fn json_value<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        if !matches!(self.body, Body::None) {
            return self.mixed_body();
        }
        match wire_json(value) {
            Ok(encoded) => self.body = Body::JsonValue(encoded),
            Err(error) => self.fail(format!("the body cannot be serialized: {error}")),
        }
    }

    /// Sends `bytes` as the whole body, exactly as they are.
    pub fn bytes_body(&mut self, bytes: impl Into<Bytes>) {
        if !matches!(self.body, Body::None) {
            return self.mixed_body();
        }
        self.body = Body::Bytes(bytes.into());
    }

    /// The `Content-Type` of the body, instead of the one its kind implies
    /// (`application/merge-patch+json`, `application/octet-stream`, `text/csv`).
    pub fn content_type(&mut self, content_type: &'static str) {
        self.content_type = Some(content_type);
    }

    fn mixed_body(&mut self) {
        let message = match self.body {
            Body::Form(_) | Body::Json(_) => "the body mixes form fields and JSON properties",
            _ => "the body mixes a whole value (JSON, bytes or multipart parts) with other fields",
        };
        self.fail(message.to_owned());
    }

    /// Adds the `application/x-www-form-urlencoded` body field `name=value`, in call order.
    pub fn form<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.form_body();
        if let Body::Form(fields) = &mut self.body {
            fields.push((Cow::Borrowed(name), percent_encode(&value.to_param())));
        }
    }

    /// Adds the form field `name` holding any serializable value (an object, an array
    /// of objects), encoded in `style` (`deepObject`: `name[key]=value`, as Stripe
    /// reads). A `null` value is not sent.
    pub fn form_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
    ) {
        self.form_body();
        let pairs = match style::pairs(name, value, style) {
            Ok(pairs) => pairs,
            Err(message) => return self.fail(message),
        };
        if let Body::Form(fields) = &mut self.body {
            for (key, value) in pairs {
                fields.push((key, percent_encode(&value)));
            }
        }
    }

    /// Adds the multipart text part `name` holding `value`.
    pub fn part<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.push_part(multipart::Part::text(name, value.to_param()));
    }

    /// Adds a multipart text part `name` per value.
    pub fn part_multi<T: ToParam>(&mut self, name: &'static str, values: &[T]) {
        for value in values {
            self.part(name, value);
        }
    }

    /// Adds the multipart part `name` holding `value` as JSON.
    pub fn part_json<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match wire_json(value) {
            Ok(json) => self.push_part(multipart::Part::json(name, json)),
            Err(error) => self.fail(format!("the part `{name}` cannot be serialized: {error}")),
        }
    }

    /// Adds the multipart file part `name` holding `bytes` (`application/octet-stream`).
    pub fn part_file(&mut self, name: &'static str, bytes: &Bytes) {
        self.push_part(multipart::Part::file(name, bytes.clone()));
    }

    /// Adds a multipart file part `name` per value.
    pub fn part_files(&mut self, name: &'static str, files: &[Bytes]) {
        for bytes in files {
            self.part_file(name, bytes);
        }
    }

    fn push_part(&mut self, part: multipart::Part) {
        self.multipart_body();
        if let Body::Multipart(parts) = &mut self.body {
            parts.push(part);
        }
    }

    /// Adds the form field `name` once per value (`name=a&name=b`), in call order.
    pub fn form_multi<T: ToParam>(&mut self, name: &'static str, values: &[T]) {
        for value in values {
            self.form(name, value);
        }
    }

    /// Adds the form field `name=value` if `value` is `Some`; `None` is not sent.
    pub fn form_opt<T: ToParam>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.form(name, value);
        }
    }

    /// Sets the top-level property `name` of a JSON object body; properties are written
    /// in call order, and setting a property again replaces its value.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.json_body();
        let encoded = match wire_json(value) {
            Ok(encoded) => encoded,
            Err(error) => {
                self.fail(format!(
                    "the body property `{name}` cannot be serialized: {error}"
                ));
                return;
            }
        };
        if let Body::Json(fields) = &mut self.body {
            match fields.iter_mut().find(|(field, _)| *field == name) {
                Some((_, slot)) => *slot = encoded,
                None => fields.push((name, encoded)),
            }
        }
    }

    /// Sets the JSON body property `name` if `value` is `Some`; `None` is not sent (not
    /// even as `null`).
    pub fn json_opt<T: serde::Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.json(name, value);
        }
    }

    /// The body's content type and bytes.
    fn body_bytes(&self) -> Option<(Cow<'static, str>, Bytes)> {
        let (kind, bytes): (Cow<'static, str>, Bytes) = match &self.body {
            Body::None => return None,
            Body::JsonValue(json) => ("application/json".into(), Bytes::from(json.clone())),
            Body::Bytes(bytes) => ("application/octet-stream".into(), bytes.clone()),
            Body::Multipart(parts) => {
                let (content_type, body) = multipart::encode(parts);
                (content_type.into(), Bytes::from(body))
            }
            Body::Form(fields) => {
                let mut out = String::new();
                for (name, value) in fields {
                    if !out.is_empty() {
                        out.push('&');
                    }
                    percent_encode_into(&mut out, name);
                    out.push('=');
                    out.push_str(value);
                }
                (
                    "application/x-www-form-urlencoded".into(),
                    Bytes::from(out.into_bytes()),
                )
            }
            Body::Json(fields) => {
                let mut out = vec![b'{'];
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    // Serializing a `str` cannot fail; fall back to a plain quote anyway.
                    match serde_json::to_vec(name) {
                        Ok(key) => out.extend_from_slice(&key),
                        Err(_) => {
                            out.push(b'"');
                            out.extend_from_slice(name.as_bytes());
                            out.push(b'"');
                        }
                    }
                    out.push(b':');
                    out.extend_from_slice(value);
                }
                out.push(b'}');
                ("application/json".into(), Bytes::from(out))
            }
        };
        match (&self.body, self.content_type) {
            // A multipart body's type carries its boundary.
            (Body::Multipart(_), _) | (_, None) => Some((kind, bytes)),
            (_, Some(content_type)) => Some((content_type.into(), bytes)),
        }
    }

    /// Builds the HTTP request against `base` (a base URL without trailing slash).
    pub(crate) fn into_http(
        self,
        base: &str,
        user_agent: &HeaderValue,
    ) -> Result<reqwest::Request, Error> {
        let operation = self.operation.id;
        let request_error = |message: String| Error::Request { operation, message };
        if let Some(message) = self.error.clone() {
            return Err(request_error(message));
        }
        if let Some(start) = self.path.find('{') {
            let rest = &self.path[start..];
            let end = rest.find('}').map_or(rest.len(), |end| end + 1);
            return Err(request_error(format!(
                "the path parameter `{}` is not set",
                &rest[..end]
            )));
        }

        let mut url = String::with_capacity(base.len() + self.path.len() + 64);
        url.push_str(base);
        if !self.path.is_empty() && !self.path.starts_with('/') {
            url.push('/');
        }
        url.push_str(&self.path);
        let query = self.query_string();
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|error| request_error(format!("invalid URL for `{}`: {error}", base)))?;

        let mut headers = HeaderMap::new();
        for param in &self.headers {
            let name = HeaderName::from_bytes(param.name.as_bytes()).map_err(|_| {
                request_error(format!("`{}` is not a valid header name", param.name))
            })?;
            let mut value = HeaderValue::from_str(&param.value).map_err(|_| {
                request_error(format!(
                    "the value of header `{}` is not a valid header value",
                    param.name
                ))
            })?;
            value.set_sensitive(param.sensitive);
            headers.append(name, value);
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, user_agent.clone());
        }
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            let value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| {
                request_error("a cookie value is not a valid header value".to_owned())
            })?;
            headers.append(reqwest::header::COOKIE, value);
        }
        let body = self.body_bytes();
        if let Some((content_type, _)) = &body {
            if !headers.contains_key(CONTENT_TYPE) {
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    request_error(format!("`{content_type}` is not a valid content type"))
                })?;
                headers.insert(CONTENT_TYPE, value);
            }
        }

        let mut request = reqwest::Request::new(self.operation.method.into(), url);
        *request.headers_mut() = headers;
        if let Some((_, bytes)) = body {
            *request.body_mut() = Some(reqwest::Body::from(bytes));
        }
        Ok(request)
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Names<I>(I);
        impl<'a, I: Iterator<Item = &'a str> + Clone> fmt::Debug for Names<I> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.clone()).finish()
            }
        }

        let mut debug = f.debug_struct("Request");
        debug
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .field(
                "query",
                &Names(self.query.iter().map(|(name, _)| name.as_ref())),
            )
            .field("headers", &Names(self.headers.iter().map(|h| h.name)))
            .field(
                "cookies",
                &Names(self.cookies.iter().map(|(name, _)| name.as_ref())),
            );
        match &self.body {
            Body::None => debug.field("body", &"none"),
            Body::Form(fields) => {
                debug.field("form", &Names(fields.iter().map(|(name, _)| name.as_ref())))
            }
            Body::Json(fields) => debug.field("json", &Names(fields.iter().map(|(name, _)| *name))),
            Body::JsonValue(_) => debug.field("body", &"json"),
            Body::Bytes(bytes) => debug.field("body", &format_args!("{} bytes", bytes.len())),
            Body::Multipart(parts) => {
                debug.field("parts", &Names(parts.iter().map(multipart::Part::name)))
            }
        };
        debug.field("error", &self.error).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    static OP: Operation = Operation {
        id: "GetItem",
        method: Method::Post,
        success: 200,
        public: false,
        idempotent: false,
        secret_response: false,
        path: "/v1/items/{id}",
        server: None,
        envelope: &ErrorEnvelope::NONE,
    };

    fn ua() -> HeaderValue {
        HeaderValue::from_static("test")
    }

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

    #[test]
    fn form_body() {
        let mut request = Request::new(&OP);
        request.path_param("id", &7);
        request.form("action", "GetConsumptionsByQuery");
        request.form("start_at", "2022-10-01 00:00");
        request.form_opt("none", &None::<String>);
        request.form_opt("type", &Some("router"));
        request.form("password", &Secret::new("p@ss w+"));
        let http = request.into_http("http://h", &ua()).unwrap();
        assert_eq!(
            http.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            http.body().unwrap().as_bytes().unwrap(),
            b"action=GetConsumptionsByQuery&start_at=2022-10-01%2000%3A00&type=router&password=p%40ss%20w%2B"
        );
    }

    #[test]
    fn json_body_keeps_call_order() {
        let mut request = Request::new(&OP);
        request.path_param("id", "1");
        request.json("userName", "admin");
        request.json("password", &Secret::new("pw"));
        request.json_opt("absent", &None::<i32>);
        request.json("list", &[1, 2]);
        request.json("userName", "root");
        let http = request.into_http("http://h", &ua()).unwrap();
        assert_eq!(http.headers()["content-type"], "application/json");
        assert_eq!(
            http.body().unwrap().as_bytes().unwrap(),
            br#"{"userName":"root","password":"pw","list":[1,2]}"#
        );

        let mut empty = Request::new(&OP);
        empty.path_param("id", "1");
        empty.json_body();
        let http = empty.into_http("http://h", &ua()).unwrap();
        assert_eq!(http.body().unwrap().as_bytes().unwrap(), b"{}");
    }

    /// `Secret` serializes as `***` outside a request: every way a request serializes a
    /// value must send the secret itself.
    #[test]
    fn every_serialized_body_and_parameter_sends_the_secret() {
        #[derive(serde::Serialize)]
        struct Login {
            user: &'static str,
            password: Secret,
        }
        let login = || Login {
            user: "admin",
            password: Secret::new("pw-1"),
        };
        let body = |request: Request| {
            let http = request.into_http("http://h", &ua()).unwrap();
            let query = http.url().query().unwrap_or_default().to_owned();
            let bytes = http.body().and_then(|b| b.as_bytes()).unwrap_or_default();
            format!("{query} {}", String::from_utf8_lossy(bytes))
        };

        let mut whole = Request::new(&OP);
        whole.path_param("id", "1");
        whole.json_value(&login());
        assert_eq!(body(whole), r#" {"user":"admin","password":"pw-1"}"#);

        let mut part = Request::new(&OP);
        part.path_param("id", "1");
        part.part_json("login", &login());
        let sent = body(part);
        assert!(
            sent.contains(r#"{"user":"admin","password":"pw-1"}"#),
            "{sent}"
        );

        let mut query = Request::new(&OP);
        query.path_param("id", "1");
        query.query_value("login", &login(), Style::DeepObject);
        assert_eq!(
            body(query),
            "login%5Bpassword%5D=pw-1&login%5Buser%5D=admin "
        );

        let mut form = Request::new(&OP);
        form.path_param("id", "1");
        form.form_value("login", &login(), Style::DeepObject);
        assert_eq!(
            body(form),
            " login%5Bpassword%5D=pw-1&login%5Buser%5D=admin"
        );

        // Outside a request, still hidden.
        assert_eq!(
            serde_json::to_string(&login()).unwrap(),
            r#"{"user":"admin","password":"***"}"#
        );
    }

    #[test]
    fn build_errors_do_not_panic() {
        struct Failing;
        impl serde::Serialize for Failing {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("boom"))
            }
        }

        let build = |setup: &dyn Fn(&mut Request)| {
            let mut request = Request::new(&OP);
            setup(&mut request);
            match request.into_http("http://h", &ua()) {
                Err(Error::Request { operation, message }) => {
                    assert_eq!(operation, "GetItem");
                    message
                }
                other => panic!("expected a request error, got {other:?}"),
            }
        };
        let message = build(&|r| {
            r.path_param("id", "1");
            r.json("x", &Failing);
        });
        assert!(
            message.contains("`x` cannot be serialized: boom"),
            "{message}"
        );
        let message = build(&|r| {
            r.path_param("id", "1");
            r.form("a", "1");
            r.json("b", &1);
        });
        assert!(message.contains("mixes form fields and JSON"), "{message}");
        let message = build(&|r| r.query("a", "1"));
        assert_eq!(message, "the path parameter `{id}` is not set");
        let message = build(&|r| r.path_param("nope", "1"));
        assert!(message.contains("has no parameter `nope`"), "{message}");
        let message = build(&|r| {
            r.path_param("id", "1");
            r.header("X-Token", &Secret::new("bad\nvalue-s3cr3t"));
        });
        assert!(!message.contains("s3cr3t"), "{message}");
        let message = build(&|r| {
            r.path_param("id", "1");
            r.header("bad header", "v");
        });
        assert!(message.contains("not a valid header name"), "{message}");
    }

    #[test]
    fn headers_and_redaction() {
        let mut request = Request::new(&OP);
        request.path_param("id", "1");
        request.header("X-ACCESS-TOKEN", &Secret::new("tok-s3cr3t"));
        request.header_opt("X-Opt", &Some(5));
        request.header_opt("X-None", &None::<i32>);
        request.query("sig", &Secret::new("sig-s3cr3t"));
        request.form("password", &Secret::new("pw-s3cr3t"));
        let debug = format!("{request:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("X-ACCESS-TOKEN"), "{debug}");
        assert!(debug.contains("password"), "{debug}");
        let http = request.into_http("http://h", &ua()).unwrap();
        assert!(http.headers()["x-access-token"].is_sensitive());
        assert_eq!(http.headers()["x-opt"], "5");
        assert!(!http.headers().contains_key("x-none"));
        assert!(!format!("{:?}", http.headers()).contains("tok-s3cr3t"));
    }
}
