//! Responses: the success response an operation returns, and every response example
//! (for the generated decoding tests).

use openapiv3::StatusCode;
use serde_json::Value;

use super::shape::{shape, Shape};
use super::types::SchemaRef;
use super::Lowerer;
use crate::diagnostics::escape_token;
use crate::ir::{Example, SuccessResponse, TypeRef};
use crate::media::is_json;
use crate::names;

impl<'a> Lowerer<'a, '_> {
    /// The success response (the first 2xx or 3xx in spec order), the examples of
    /// every response and the types of the error responses' bodies; `builder` names
    /// inline response types.
    pub(super) fn responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        builder: &str,
        pointer: &str,
    ) -> (SuccessResponse, Vec<Example>, Vec<TypeRef>) {
        let mut success: Option<SuccessResponse> = None;
        let mut examples = Vec::new();
        let mut error_bodies = Vec::new();
        let has_success = responses
            .responses
            .keys()
            .any(|code| status_code(code).is_some_and(|c| (200..400).contains(&c)));
        let entries = responses
            .responses
            .iter()
            .map(|(code, r)| (status_text(code), status_code(code), r))
            .chain(
                responses
                    .default
                    .iter()
                    .map(|r| ("default".to_owned(), None, r)),
            );
        for (status, code, response) in entries {
            let r_pointer = format!("{pointer}/responses/{status}");
            let (response, r_pointer) = match self.refs.response(response) {
                Ok((r, component)) => (r, component.unwrap_or(r_pointer)),
                Err(m) => {
                    self.error(&format!("{r_pointer}/$ref"), m);
                    continue;
                }
            };
            // The first 2xx or 3xx response in spec order (a console login answers
            // `302 Found`); without one, `default` is what the call returns.
            let is_success = success.is_none()
                && (code.is_some_and(|c| (200..400).contains(&c))
                    || (code.is_none() && !has_success));
            let json = response.content.iter().find(|(media, _)| is_json(media));
            let hint = if is_success {
                format!("{builder}Response")
            } else {
                format!("{builder}{}Response", names::pascal(&status))
            };
            let ty = json.and_then(|(media, m)| {
                let schema_pointer = format!("{r_pointer}/content/{}/schema", escape_token(media));
                m.schema
                    .as_ref()
                    .map(|s| self.lower_ref(SchemaRef::of(s), &hint, &schema_pointer))
            });
            if is_success && json.is_none() {
                self.untyped_success(response, &r_pointer);
            }
            if let (Some((media, m)), Some(ty)) = (json, &ty) {
                let media_pointer = format!("{r_pointer}/content/{}", escape_token(media));
                let mut values: Vec<&Value> = m.example.iter().collect();
                for (name, ex) in &m.examples {
                    match self.refs.example(ex) {
                        Ok((ex, _)) => values.extend(ex.value.as_ref()),
                        Err(message) => self.warn(
                            &format!("{media_pointer}/examples/{}/$ref", escape_token(name)),
                            format!("{message}: the example is not tested"),
                        ),
                    }
                }
                for value in values {
                    examples.push(Example {
                        status: status.clone(),
                        ty: ty.clone(),
                        json: value.to_string(),
                    });
                }
            }
            if is_success {
                success = Some(SuccessResponse {
                    status: code.unwrap_or(200),
                    ty,
                });
            } else if let Some(ty) = ty {
                error_bodies.push(ty);
            }
        }
        let success = success.unwrap_or_else(|| {
            self.warn(
                &format!("{pointer}/responses"),
                "no 2xx, 3xx or `default` response: any 2xx answer is a success without a body",
            );
            SuccessResponse {
                status: 200,
                ty: None,
            }
        });
        (success, examples, error_bodies)
    }

    /// Warns when the success response has content the call cannot decode: a schema
    /// saying more than text, under media types none of which is JSON (`application/xml`,
    /// `application/x-ndjson`). The call returns no body; `send_raw` returns its bytes.
    fn untyped_success(&mut self, response: &'a openapiv3::Response, pointer: &str) {
        for (media, m) in &response.content {
            let Some(schema) = &m.schema else { continue };
            let schema_pointer = format!("{pointer}/content/{}/schema", escape_token(media));
            let structured = self
                .resolve(SchemaRef::of(schema), &schema_pointer)
                .is_some_and(|(s, _)| {
                    !matches!(
                        shape(s),
                        Shape::Scalar(TypeRef::String, _) | Shape::Any(None)
                    )
                });
            if structured {
                self.warn(
                    &schema_pointer,
                    format!("`{media}` is not JSON: the success body is not decoded (`send` returns no body, `send_raw` its bytes)"),
                );
                return;
            }
        }
    }
}

fn status_text(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}XX"),
    }
}

fn status_code(code: &StatusCode) -> Option<u16> {
    match code {
        StatusCode::Code(c) => Some(*c),
        StatusCode::Range(r) => Some(r * 100),
    }
}
