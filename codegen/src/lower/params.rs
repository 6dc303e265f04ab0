//! Parameters (path, query, header, cookie) and the request body: an object body's
//! properties become the call's parameters too; any other body is one `body` argument.

use openapiv3::{Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, Schema};
use serde_json::Value;

use super::compose::AllOfPlan;
use super::shape::{shape, Shape};
use super::types::{constraints, own_props, schema_format, Prop, SchemaRef};
use super::{clean, Lowerer};
use crate::diagnostics::escape_token;
use crate::extensions::X_MS_SKIP_URL_ENCODING;
use crate::ir::{BodyKind, Constraints, Location, Param, ParamStyle, TypeRef};
use crate::media::is_json;
use crate::names::{self, Ident, Scope};

/// What a parameter or body property is made from.
pub(super) struct ParamInput<'a, 'p, 's> {
    pub(super) wire_name: &'p str,
    pub(super) example: Option<&'p Value>,
    pub(super) location: Location,
    pub(super) schema: SchemaRef<'a>,
    pub(super) required: bool,
    pub(super) doc: Option<&'p str>,
    pub(super) explode: bool,
    pub(super) style: ParamStyle,
    /// The builder, which names inline types.
    pub(super) builder: &'p Ident,
    pub(super) pointer: &'p str,
    /// The names taken in the builder so far.
    pub(super) setters: &'s mut Scope,
}

/// A request body as lowered: its kind and its `Content-Type` when not the kind's own.
pub(super) type LoweredBody = (BodyKind, Option<String>);

impl<'a> Lowerer<'a, '_> {
    /// Lowers one resolved parameter; `None` (with an error) when it cannot be one.
    pub(super) fn parameter(
        &mut self,
        param: &'a Parameter,
        builder: &Ident,
        pointer: &str,
        setters: &mut Scope,
    ) -> Option<Param> {
        let data = param.parameter_data_ref();
        let location = location_of(param);
        let mut style = match param {
            Parameter::Query { style, .. } => match style {
                QueryStyle::Form => ParamStyle::Form,
                QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                QueryStyle::DeepObject => ParamStyle::DeepObject,
            },
            Parameter::Path { style, .. } => {
                if *style != PathStyle::Simple {
                    self.warn(
                        &format!("{pointer}/style"),
                        format!("path parameter `{}`: `label` and `matrix` styles are not supported; it is sent as `style: simple`", data.name),
                    );
                }
                ParamStyle::Simple
            }
            Parameter::Header { .. } => ParamStyle::Simple,
            Parameter::Cookie { .. } => ParamStyle::Form,
        };
        let (schema, schema_pointer) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (s, format!("{pointer}/schema")),
            ParameterSchemaOrContent::Content(content) => {
                let found = content
                    .iter()
                    .find_map(|(media, m)| m.schema.as_ref().map(|s| (media, s)));
                let Some((media, schema)) = found else {
                    self.error(
                        pointer,
                        format!("parameter `{}`: its `content` has no schema", data.name),
                    );
                    return None;
                };
                if !is_json(media) {
                    self.warn(
                        &format!("{pointer}/content"),
                        format!(
                            "parameter `{}`: `{media}` content is sent as JSON text",
                            data.name
                        ),
                    );
                }
                style = ParamStyle::Json;
                (
                    schema,
                    format!("{pointer}/content/{}/schema", escape_token(media)),
                )
            }
        };
        let reserved = ["Accept", "Content-Type", "Authorization"]
            .into_iter()
            .find(|h| location == Location::Header && data.name.eq_ignore_ascii_case(h));
        if let Some(header) = reserved {
            self.warn(
                &format!("{pointer}/name"),
                format!("header parameter `{}`: OpenAPI 3.0 says a parameter named `{header}` is ignored (media types and security schemes say it); meterage keeps it, a header the caller may set", data.name),
            );
        }
        let required = data.required || location == Location::Path;
        if location == Location::Path && !data.required {
            self.error(
                pointer,
                format!("path parameter `{}` must be `required: true`", data.name),
            );
        }
        let explode = data.explode.unwrap_or(style == ParamStyle::Form);
        if explode
            && matches!(
                style,
                ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited
            )
        {
            // OpenAPI 3.0's style table: exploded, these styles are `form` exploded
            // (`id=1&id=2`, an object's members as parameters of their own).
            style = ParamStyle::Form;
        }
        let allow_reserved = self.allow_reserved(param, location, pointer);
        let mut lowered = self.param_from_schema(ParamInput {
            wire_name: &data.name,
            example: data.example.as_ref(),
            location,
            schema: SchemaRef::of(schema),
            required,
            doc: data.description.as_deref(),
            explode,
            style,
            builder,
            pointer: &schema_pointer,
            setters,
        });
        lowered.allow_reserved = allow_reserved;
        Some(lowered)
    }

    /// Whether parameter `param` (at `pointer`) keeps reserved characters:
    /// `allowReserved: true` or `x-ms-skip-url-encoding: true`. Both are honoured in the
    /// path and the query; a header or cookie value is never percent-encoded, so there
    /// either says nothing (a warning).
    fn allow_reserved(&mut self, param: &Parameter, location: Location, pointer: &str) -> bool {
        let data = param.parameter_data_ref();
        let skip: Option<bool> = self.extension(&data.extensions, X_MS_SKIP_URL_ENCODING, pointer);
        let said = [
            (
                self.untyped.allow_reserved.contains(pointer),
                "allowReserved",
            ),
            (skip == Some(true), X_MS_SKIP_URL_ENCODING),
        ];
        let Some((_, key)) = said.into_iter().find(|(on, _)| *on) else {
            return false;
        };
        match location {
            Location::Path | Location::Query => true,
            _ => {
                let place = if location == Location::Header {
                    "header"
                } else {
                    "cookie"
                };
                self.warn(
                    &format!("{pointer}/{key}"),
                    format!(
                        "{place} parameter `{}`: `{key}` has no effect: {place} values are sent as they are, never percent-encoded",
                        data.name
                    ),
                );
                false
            }
        }
    }

    /// A parameter from its schema: its type, constant, default, constraints and name.
    pub(super) fn param_from_schema(&mut self, input: ParamInput<'a, '_, '_>) -> Param {
        let ParamInput {
            wire_name,
            example,
            location,
            schema,
            required,
            doc,
            explode,
            style,
            builder,
            pointer,
            setters,
        } = input;
        let resolved: Option<&Schema> = match schema {
            SchemaRef::Item(s) => Some(s),
            SchemaRef::Ref(reference) => self.refs.schema(reference).ok().map(|(_, s)| s),
        };
        let single_value = resolved.and_then(|s| match shape(s) {
            Shape::StringEnum(values, false) if values.len() == 1 => Some(values[0].to_owned()),
            _ => None,
        });
        let constant = if required { single_value } else { None };
        let ty = if constant.is_some() {
            TypeRef::String
        } else {
            let ty = self.lower_ref(
                schema,
                &format!("{builder}{}", names::pascal(wire_name)),
                pointer,
            );
            // A file in a multipart body, or a binary body, is bytes.
            let binary = resolved.is_some_and(|s| schema_format(s) == Some("binary"));
            match (&ty, location) {
                (TypeRef::String, Location::Multipart | Location::Body) if binary => TypeRef::Bytes,
                (TypeRef::Array(inner), Location::Multipart)
                    if **inner == TypeRef::String && items_binary(self, resolved) =>
                {
                    TypeRef::Array(Box::new(TypeRef::Bytes))
                }
                _ => ty,
            }
        };
        Param {
            wire_name: wire_name.to_owned(),
            rust_name: setters.claim(Ident::snake(wire_name)),
            location,
            ty,
            required,
            argument: false,
            constant,
            default: resolved
                .and_then(|s| s.schema_data.default.as_ref())
                .map(|v| v.to_string()),
            constraints: resolved
                .map(|s| self.checkable(constraints(s), pointer))
                .unwrap_or_default(),
            doc: clean(doc),
            explode,
            style,
            allow_reserved: false,
            example: example
                .or_else(|| resolved.and_then(|s| s.schema_data.example.as_ref()))
                .map(Value::to_string),
        }
    }

    /// The request body: its media type, and either its object schema's properties or
    /// one `body` parameter, appended to `params`.
    pub(super) fn body(
        &mut self,
        rb: &'a openapiv3::RequestBody,
        builder: &Ident,
        pointer: &str,
        setters: &mut Scope,
        params: &mut Vec<Param>,
    ) -> Option<LoweredBody> {
        let Some((media, media_type, kind)) = pick_media(rb) else {
            self.warn(
                &format!("{pointer}/content"),
                "the request body has no media type (`content` is empty): no body is sent; name the media type it takes (`application/json: {schema: ...}`) to send one",
            );
            return None;
        };
        let content_type = match kind {
            BodyKind::Json if media != "application/json" => Some(media.to_owned()),
            BodyKind::Bytes => Some(concrete_media(media).to_owned()),
            _ => None,
        };
        let schema_pointer = format!("{pointer}/content/{}/schema", escape_token(media));
        let schema = media_type.schema.as_ref().map(SchemaRef::of);
        if kind == BodyKind::Bytes {
            let typed = schema
                .and_then(|s| self.resolve(s, &schema_pointer))
                .is_some_and(|(s, _)| {
                    !matches!(
                        shape(s),
                        Shape::Scalar(TypeRef::String, _) | Shape::Any(None)
                    )
                });
            if typed {
                self.warn(
                    &schema_pointer,
                    format!("`{media}` bodies cannot be typed: the body is raw bytes the caller encodes"),
                );
            }
            params.push(self.whole_body(TypeRef::Bytes, rb, setters));
            return Some((kind, content_type));
        }
        let location = match kind {
            BodyKind::Json => Location::Json,
            BodyKind::Form => Location::Form,
            _ => Location::Multipart,
        };
        let Some(schema) = schema else {
            // No schema: an empty JSON object, or raw bytes for other media types.
            if kind != BodyKind::Json {
                params.push(self.whole_body(TypeRef::Bytes, rb, setters));
                return Some((BodyKind::Bytes, Some(concrete_media(media).to_owned())));
            }
            return Some((kind, content_type));
        };
        let Some((resolved, at)) = self.resolve(schema, &schema_pointer) else {
            return Some((kind, content_type));
        };
        // An object of its own properties is flattened into the call's parameters; a
        // form or multipart body also when its properties come from an `allOf`.
        // An object with no properties at all (`{type: object}`) is a body of no fields.
        let props: Option<(Vec<Prop<'a>>, Vec<String>)> = match shape(resolved) {
            Shape::Object(o)
                if !o.properties.is_empty()
                    || matches!(
                        o.additional,
                        None | Some(openapiv3::AdditionalProperties::Any(false))
                    ) =>
            {
                Some((own_props(o, &at), o.required.to_vec()))
            }
            Shape::AllOf(parts, own) if kind != BodyKind::Json => {
                match self.all_of_plan(parts, own, &at) {
                    AllOfPlan::Struct(merged) => {
                        self.report_skipped(&merged, "body");
                        let required = merged.required.iter().map(|r| (*r).to_owned()).collect();
                        Some((merged.props, required))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let Some((props, required)) = props else {
            match kind {
                BodyKind::Json => {
                    let ty = self.lower_ref(schema, &format!("{builder}Body"), &schema_pointer);
                    params.push(self.whole_body(ty, rb, setters));
                    return Some((kind, content_type));
                }
                _ => {
                    self.warn(
                        &schema_pointer,
                        format!("a `{media}` body needs an object schema, whose properties are its fields: the body is raw bytes the caller encodes"),
                    );
                    params.push(self.whole_body(TypeRef::Bytes, rb, setters));
                    return Some((BodyKind::Bytes, Some(concrete_media(media).to_owned())));
                }
            }
        };
        for prop in props {
            let (doc, read_only) = match prop.schema {
                SchemaRef::Item(s) => (
                    s.schema_data.description.as_deref(),
                    s.schema_data.read_only,
                ),
                SchemaRef::Ref(_) => (None, false),
            };
            if read_only {
                continue;
            }
            let encoding = media_type.encoding.get(prop.name);
            if kind == BodyKind::Form && encoding.is_some_and(|e| e.allow_reserved) {
                self.warn(
                    &format!(
                        "{pointer}/content/{}/encoding/{}/allowReserved",
                        escape_token(media),
                        escape_token(prop.name)
                    ),
                    format!("form field `{}`: `allowReserved` is not supported: the field is percent-encoded like every other", prop.name),
                );
            }
            if let Some(encoding) = encoding {
                let at = format!(
                    "{pointer}/content/{}/encoding/{}",
                    escape_token(media),
                    escape_token(prop.name)
                );
                self.encoding_not_honoured(encoding, kind, prop.name, &at);
            }
            let style = match encoding.and_then(|e| e.style.as_ref()) {
                Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
                Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                _ => ParamStyle::Form,
            };
            // openapiv3 reads a missing `explode` as false; a form field's default is true.
            let explode = true;
            let mut p = self.param_from_schema(ParamInput {
                wire_name: prop.name,
                example: None,
                location,
                schema: prop.schema,
                required: required.iter().any(|r| r == prop.name),
                doc,
                explode,
                style,
                builder,
                pointer: &prop.pointer,
                setters,
            });
            // JSON bodies carry any JSON.
            if kind == BodyKind::Json {
                p.location = Location::Json;
            }
            params.push(p);
        }
        Some((kind, content_type))
    }

    /// Warns about what the `encoding` of body field `name` (at `at`) says that the
    /// generated code does not do: a part's `contentType` or `headers`, or any encoding of
    /// a JSON body (OpenAPI applies it to form and multipart bodies only).
    fn encoding_not_honoured(
        &mut self,
        encoding: &openapiv3::Encoding,
        kind: BodyKind,
        name: &str,
        at: &str,
    ) {
        if kind == BodyKind::Json {
            self.warn(
                at,
                format!("body field `{name}`: `encoding` applies to form and multipart bodies: in a JSON body it has no effect"),
            );
            return;
        }
        if let Some(content_type) = &encoding.content_type {
            self.warn(
                &format!("{at}/contentType"),
                format!("body field `{name}`: `contentType: {content_type}` is not honoured: a field is sent as its type says (text, JSON, or `application/octet-stream` for a file part)"),
            );
        }
        if !encoding.headers.is_empty() {
            self.warn(
                &format!("{at}/headers"),
                format!("body field `{name}`: the part's `headers` are not sent"),
            );
        }
    }

    /// The one `body` parameter of a body that is not flattened.
    fn whole_body(
        &mut self,
        ty: TypeRef,
        rb: &openapiv3::RequestBody,
        setters: &mut Scope,
    ) -> Param {
        Param {
            wire_name: "body".to_owned(),
            rust_name: setters.claim(Ident::snake("body")),
            location: Location::Body,
            ty,
            required: rb.required,
            argument: false,
            constant: None,
            default: None,
            constraints: Default::default(),
            doc: clean(rb.description.as_deref()),
            explode: false,
            style: ParamStyle::Form,
            allow_reserved: false,
            example: None,
        }
    }
}

/// Whether an array schema's items are `format: binary`.
fn items_binary(l: &Lowerer<'_, '_>, schema: Option<&Schema>) -> bool {
    let Some(Shape::Array(Some(items))) = schema.map(shape) else {
        return false;
    };
    match items {
        ReferenceOr::Item(s) => schema_format(s) == Some("binary"),
        ReferenceOr::Reference { reference } => l
            .refs
            .schema(reference)
            .is_ok_and(|(_, s)| schema_format(s) == Some("binary")),
    }
}

/// The media type a body is sent as: JSON first, then a form, multipart, and anything
/// else as bytes.
fn pick_media(rb: &openapiv3::RequestBody) -> Option<(&str, &openapiv3::MediaType, BodyKind)> {
    let find = |test: &dyn Fn(&str) -> bool| {
        rb.content
            .iter()
            .find(|(media, _)| test(&media.to_ascii_lowercase()))
            .map(|(media, m)| (media.as_str(), m))
    };
    if let Some((media, m)) = find(&|m| m == "application/json") {
        return Some((media, m, BodyKind::Json));
    }
    if let Some((media, m)) = find(&is_json) {
        return Some((media, m, BodyKind::Json));
    }
    if let Some((media, m)) = find(&|m| m.starts_with("application/x-www-form-urlencoded")) {
        return Some((media, m, BodyKind::Form));
    }
    if let Some((media, m)) = find(&|m| m.starts_with("multipart/form-data")) {
        return Some((media, m, BodyKind::Multipart));
    }
    rb.content
        .iter()
        .next()
        .map(|(media, m)| (media.as_str(), m, BodyKind::Bytes))
}

/// A media type to send for a range (`*/*`, `image/*`): the bytes say nothing more.
fn concrete_media(media: &str) -> &str {
    if media.contains('*') {
        "application/octet-stream"
    } else {
        media
    }
}

/// Where a parameter goes.
fn location_of(param: &Parameter) -> Location {
    match param {
        Parameter::Query { .. } => Location::Query,
        Parameter::Header { .. } => Location::Header,
        Parameter::Path { .. } => Location::Path,
        Parameter::Cookie { .. } => Location::Cookie,
    }
}

/// The identity of a parameter for path-level overrides: its name and location.
pub(super) fn param_key(param: &Parameter) -> (String, Location) {
    (param.parameter_data_ref().name.clone(), location_of(param))
}

impl Lowerer<'_, '_> {
    /// `c` without a `pattern` the runtime's regular expressions cannot compile (a
    /// look-around, a back-reference): checking it is skipped, with a warning.
    fn checkable(&mut self, mut c: Constraints, pointer: &str) -> Constraints {
        if let Some(pattern) = c.pattern.as_deref() {
            if let Err(problem) = regex_lite::Regex::new(pattern) {
                let first = problem.to_string();
                let first = first.lines().last().unwrap_or_default().trim();
                self.warn(
                    &format!("{pointer}/pattern"),
                    format!("the pattern `{pattern}` is not checked before sending: {first}"),
                );
                c.pattern = None;
            }
        }
        c
    }
}
