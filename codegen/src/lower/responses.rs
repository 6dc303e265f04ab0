//! Responses: the success response an operation returns, and every response example
//! (for the generated decoding tests).

use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;

use super::shape::{shape, Shape};
use super::types::SchemaRef;
use super::Lowerer;
use crate::diagnostics::escape_token;
use crate::ir::{Example, SuccessResponse, TypeRef};
use crate::media::is_json;
use crate::names;

impl<'a> Lowerer<'a, '_> {
    /// The success response (the first 2xx or 3xx in spec order, see [`success_plan`]),
    /// the examples of every response and the types of the error responses' bodies;
    /// `builder` names inline response types.
    pub(super) fn responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        builder: &str,
        pointer: &str,
    ) -> (SuccessResponse, Vec<Example>, Vec<TypeRef>) {
        let mut success: Option<SuccessResponse> = None;
        let mut examples = Vec::new();
        let mut error_bodies = Vec::new();
        let entries: Vec<(String, Option<u16>, &'a ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(code, r)| (status_text(code), status_code(code), r))
            .chain(
                responses
                    .default
                    .iter()
                    .map(|r| ("default".to_owned(), None, r)),
            )
            .collect();
        let plan = success_plan(
            &entries
                .iter()
                .map(|(status, code, r)| {
                    let r = self.refs.response(r).ok().map(|(r, _)| r);
                    (status.as_str(), *code, r)
                })
                .collect::<Vec<_>>(),
        );
        for (i, (status, code, response)) in entries.into_iter().enumerate() {
            let r_pointer = format!("{pointer}/responses/{status}");
            let (response, r_pointer) = match self.refs.response(response) {
                Ok((r, component)) => (r, component.unwrap_or(r_pointer)),
                Err(m) => {
                    self.error(&format!("{r_pointer}/$ref"), m);
                    continue;
                }
            };
            let is_success = plan.success == Some(i);
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
                    empty: plan.empty.clone().filter(|_| ty.is_some()),
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
                empty: None,
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

/// Which responses make the call's success, from each response's status text, status
/// (`None` for `default`) and resolved object (`None` when its `$ref` is broken).
#[derive(Debug, Default, PartialEq, Eq)]
struct SuccessPlan {
    /// The index of the response the call returns: the first 2xx or 3xx in spec order
    /// (a console login answers `302 Found`), else `default`. When that one is a 2xx
    /// without content and a later 2xx has a JSON body, the later one (its body is what
    /// a call can return; the empty one is [`SuccessPlan::empty`]).
    success: Option<usize>,
    /// The status text of a 2xx response without content other than the success one
    /// (`204`, `2XX`), or of the success itself when its status cannot have content
    /// (204, 205): a success body may then be absent.
    empty: Option<String>,
}

fn success_plan(entries: &[(&str, Option<u16>, Option<&openapiv3::Response>)]) -> SuccessPlan {
    let is_2xx = |code: Option<u16>| code.is_some_and(|c| (200..300).contains(&c));
    let no_body_status = |code: Option<u16>| matches!(code, Some(204 | 205));
    let present = || {
        entries
            .iter()
            .enumerate()
            .filter_map(|(i, (s, c, r))| Some((i, *s, *c, (*r)?)))
    };
    let empty = |code: Option<u16>, r: &openapiv3::Response| {
        is_2xx(code) && (r.content.is_empty() || no_body_status(code))
    };
    let has_json = |r: &openapiv3::Response| {
        r.content
            .iter()
            .any(|(media, m)| is_json(media) && m.schema.is_some())
    };
    let first = present()
        .find(|(_, _, c, _)| c.is_some_and(|c| (200..400).contains(&c)))
        .or_else(|| present().find(|(_, _, c, _)| c.is_none()));
    let Some((first, _, first_code, first_response)) = first else {
        return SuccessPlan::default();
    };
    let success = if empty(first_code, first_response) {
        present()
            .skip_while(|(i, ..)| *i <= first)
            .find(|(_, _, c, r)| is_2xx(*c) && !empty(*c, r) && has_json(r))
            .map_or(first, |(i, ..)| i)
    } else {
        first
    };
    let empty = present()
        .find(|(i, _, c, r)| empty(*c, r) && (*i != success || no_body_status(*c)))
        .map(|(_, s, ..)| s.to_owned());
    SuccessPlan {
        success: Some(success),
        empty,
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
