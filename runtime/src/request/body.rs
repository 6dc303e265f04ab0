//! The request body (form fields, JSON properties, a whole JSON value, bytes or
//! multipart parts) and the [`Request`] setters that build it.

use std::borrow::Cow;

use bytes::Bytes;

use super::encoding::{join_pairs, percent_encode};
use super::params::ToParam;
use super::style::{self, Style};
use super::{multipart, wire_json, Request};

/// The request body under construction.
pub(super) enum Body {
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

impl Request {
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
    pub(crate) fn body_bytes(&self) -> super::http::HttpBody {
        let (kind, bytes): (Cow<'static, str>, Bytes) = match &self.body {
            Body::None => return None,
            Body::JsonValue(json) => ("application/json".into(), Bytes::from(json.clone())),
            Body::Bytes(bytes) => ("application/octet-stream".into(), bytes.clone()),
            Body::Multipart(parts) => {
                let (content_type, body) = multipart::encode(parts);
                (content_type.into(), Bytes::from(body))
            }
            Body::Form(fields) => (
                "application/x-www-form-urlencoded".into(),
                Bytes::from(join_pairs(fields).into_bytes()),
            ),
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::request::tests::{ua, OP};
    use crate::types::Secret;

    #[test]
    fn form_body() {
        let mut request = Request::new(&OP);
        request.path_param("id", &7);
        request.form("action", "GetConsumptionsByQuery");
        request.form("start_at", "2022-10-01 00:00");
        request.form_opt("none", &None::<String>);
        request.form_opt("type", &Some("router"));
        request.form("password", &Secret::new("p@ss w+"));
        let http = request.to_http("http://h", &ua()).unwrap();
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
        let http = request.to_http("http://h", &ua()).unwrap();
        assert_eq!(http.headers()["content-type"], "application/json");
        assert_eq!(
            http.body().unwrap().as_bytes().unwrap(),
            br#"{"userName":"root","password":"pw","list":[1,2]}"#
        );

        let mut empty = Request::new(&OP);
        empty.path_param("id", "1");
        empty.json_body();
        let http = empty.to_http("http://h", &ua()).unwrap();
        assert_eq!(http.body().unwrap().as_bytes().unwrap(), b"{}");
    }
}
