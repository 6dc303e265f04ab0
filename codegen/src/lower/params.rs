//! Parameters (path, query, header) and the properties of a request body, which become
//! the call's parameters too.

use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle, Schema, SchemaKind, Type};
use serde_json::Value;

use super::types::{constraints, SchemaRef};
use super::{clean, Lowerer};
use crate::diagnostics::escape_token;
use crate::ir::{BodyKind, Location, Param, TypeRef};
use crate::names::{self, Ident, Scope};

/// What a parameter or body property is made from.
pub(super) struct ParamInput<'p, 's> {
    pub(super) wire_name: &'p str,
    pub(super) example: Option<&'p Value>,
    pub(super) location: Location,
    pub(super) schema: SchemaRef<'p>,
    pub(super) required: bool,
    pub(super) doc: Option<&'p str>,
    pub(super) explode: bool,
    /// The builder, which names inline types.
    pub(super) builder: &'p Ident,
    pub(super) pointer: &'p str,
    /// The names taken in the builder so far.
    pub(super) setters: &'s mut Scope,
}

impl Lowerer<'_, '_> {
    /// Lowers one resolved parameter; `None` (with an error) when it cannot be one.
    pub(super) fn parameter(
        &mut self,
        param: &Parameter,
        builder: &Ident,
        pointer: &str,
        setters: &mut Scope,
    ) -> Option<Param> {
        let data = param.parameter_data_ref();
        let Some(location) = location_of(param) else {
            self.error(pointer, format!("cookie parameter `{}`: cookies are the auth scheme's business, not a parameter's", data.name));
            return None;
        };
        if let Parameter::Query { style, .. } = param {
            if *style != QueryStyle::Form {
                self.error(
                    &format!("{pointer}/style"),
                    format!(
                        "query parameter `{}`: only `style: form` is supported",
                        data.name
                    ),
                );
            }
        }
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => s,
            ParameterSchemaOrContent::Content(_) => {
                self.error(
                    pointer,
                    format!(
                        "parameter `{}`: `content` is not supported, use `schema`",
                        data.name
                    ),
                );
                return None;
            }
        };
        let required = data.required || location == Location::Path;
        if location == Location::Path && !data.required {
            self.error(
                pointer,
                format!("path parameter `{}` must be `required: true`", data.name),
            );
        }
        let explode = data.explode.unwrap_or(true);
        Some(self.param_from_schema(ParamInput {
            wire_name: &data.name,
            example: data.example.as_ref(),
            location,
            schema: SchemaRef::of(schema),
            required,
            doc: data.description.as_deref(),
            explode,
            builder,
            pointer: &format!("{pointer}/schema"),
            setters,
        }))
    }

    /// A parameter from its schema: its type, constant, default, constraints and name.
    pub(super) fn param_from_schema(&mut self, input: ParamInput<'_, '_>) -> Param {
        let ParamInput {
            wire_name,
            example,
            location,
            schema,
            required,
            doc,
            explode,
            builder,
            pointer,
            setters,
        } = input;
        let resolved: Option<&Schema> = match schema {
            SchemaRef::Item(s) => Some(s),
            SchemaRef::Ref(reference) => self.refs.schema(reference).ok().map(|(_, s)| s),
        };
        let single_value = resolved.and_then(|s| match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if st.enumeration.len() == 1 => {
                st.enumeration[0].clone()
            }
            _ => None,
        });
        let constant = if required { single_value } else { None };
        let errors_before = self.sink.count();
        let ty = if constant.is_some() {
            TypeRef::String
        } else {
            self.lower_ref(
                schema,
                &format!("{builder}{}", names::pascal(wire_name)),
                pointer,
            )
        };
        let type_failed = self.sink.count() > errors_before;
        if !type_failed
            && matches!(
                location,
                Location::Form | Location::Query | Location::Header | Location::Path
            )
        {
            let scalar =
                |t: &TypeRef| !matches!(t, TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_));
            let ok = match &ty {
                TypeRef::Array(inner) => {
                    scalar(inner)
                        && !matches!(**inner, TypeRef::Array(_))
                        && location != Location::Path
                }
                TypeRef::Named(_) => self.is_enum(&ty),
                other => scalar(other),
            };
            if !ok {
                self.error(pointer, format!("parameter `{wire_name}` in the {}: only scalars, string enums and arrays of them are supported here", location.describe()));
            }
        }
        Param {
            wire_name: wire_name.to_owned(),
            rust_name: setters.claim(Ident::snake(wire_name)),
            location,
            ty,
            required,
            constant,
            default: resolved
                .and_then(|s| s.schema_data.default.as_ref())
                .map(|v| v.to_string()),
            constraints: resolved.map(constraints).unwrap_or_default(),
            doc: clean(doc),
            explode,
            example: example
                .or_else(|| resolved.and_then(|s| s.schema_data.example.as_ref()))
                .map(Value::to_string),
        }
    }

    /// The request body: its media type, and its object schema's properties appended to
    /// `params`.
    pub(super) fn body(
        &mut self,
        rb: &openapiv3::RequestBody,
        builder: &Ident,
        pointer: &str,
        setters: &mut Scope,
        params: &mut Vec<Param>,
    ) -> Option<BodyKind> {
        let (media, kind, location) = if let Some(m) = rb.content.get("application/json") {
            (m, BodyKind::Json, Location::Json)
        } else if let Some(m) = rb.content.get("application/x-www-form-urlencoded") {
            (m, BodyKind::Form, Location::Form)
        } else {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            self.error(&format!("{pointer}/content"), format!("request body media types {types:?}: only `application/json` and `application/x-www-form-urlencoded` are supported"));
            return None;
        };
        let media_key = if kind == BodyKind::Json {
            "application~1json"
        } else {
            "application~1x-www-form-urlencoded"
        };
        let schema_pointer = format!("{pointer}/content/{media_key}/schema");
        let schema: &Schema = match &media.schema {
            Some(openapiv3::ReferenceOr::Item(s)) => s,
            Some(openapiv3::ReferenceOr::Reference { reference }) => {
                match self.refs.schema(reference) {
                    Ok((_, s)) => s,
                    Err(m) => {
                        self.error(&format!("{schema_pointer}/$ref"), m);
                        return Some(kind);
                    }
                }
            }
            None => {
                self.error(&schema_pointer, "the request body has no schema");
                return Some(kind);
            }
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            self.error(&schema_pointer, "a request body must be an object schema: its properties become the call's parameters");
            return Some(kind);
        };
        for (prop, prop_schema) in &object.properties {
            let prop_pointer = format!("{schema_pointer}/properties/{}", escape_token(prop));
            let doc = match prop_schema {
                openapiv3::ReferenceOr::Item(s) => s.schema_data.description.as_deref(),
                openapiv3::ReferenceOr::Reference { .. } => None,
            };
            let mut p = self.param_from_schema(ParamInput {
                wire_name: prop,
                example: None,
                location,
                schema: SchemaRef::of(prop_schema),
                required: object.required.contains(prop),
                doc,
                explode: false,
                builder,
                pointer: &prop_pointer,
                setters,
            });
            // JSON bodies carry any JSON; the scalar check above was for form bodies only.
            if kind == BodyKind::Json {
                p.location = Location::Json;
            }
            params.push(p);
        }
        Some(kind)
    }
}

/// Where a parameter goes; `None` for a cookie parameter (cookies belong to auth schemes).
fn location_of(param: &Parameter) -> Option<Location> {
    match param {
        Parameter::Query { .. } => Some(Location::Query),
        Parameter::Header { .. } => Some(Location::Header),
        Parameter::Path { .. } => Some(Location::Path),
        Parameter::Cookie { .. } => None,
    }
}

/// The identity of a parameter for path-level overrides: its name and location.
pub(super) fn param_key(param: &Parameter) -> (String, Option<Location>) {
    (param.parameter_data_ref().name.clone(), location_of(param))
}
