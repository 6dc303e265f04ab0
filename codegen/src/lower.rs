//! Lowering: an [`openapiv3::OpenAPI`] document to the plain [`crate::ir::Api`].
//!
//! Every decision that needs the spec is made here: Rust names, types, constants,
//! constraints and the vendor extensions (`docs/spec-extensions.md`). Problems are
//! collected, not returned at the first one: lowering goes on with a placeholder so that
//! one run reports everything wrong with a spec.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind,
    SecurityScheme, StatusCode, Type, VariantOrUnknownOrEmpty,
};
use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{escape_token, Sink};
use crate::ir::{
    Api, AuthKind, AuthScheme, BodyKind, Constraints, Envelope, Example, Field, Location, Method,
    Operation, Pagination, Param, RpcAction, SuccessResponse, TotalField, TypeDef, TypeKind,
    TypeRef, Variant,
};
use crate::load::Refs;
use crate::names::{self, Ident, Scope};

/// Client methods the generated `Client` already has.
const RESERVED_METHODS: &[&str] = &["builder", "new", "runtime"];
/// Builder fields and methods the generated builders already have.
const RESERVED_SETTERS: &[&str] = &[
    "client",
    "send",
    "validate",
    "new",
    "OPERATION",
    "PAGINATION",
];
/// Module-level names the generated module already has.
const RESERVED_ITEMS: &[&str] = &[
    "Client",
    "auth",
    "types",
    "DEFAULT_BASE_URL",
    "ERROR_ENVELOPE",
];
/// Names generated code uses unqualified: a generated type of the same name would shadow them.
const PRELUDE: &[&str] = &[
    "Box", "Err", "From", "Into", "None", "Ok", "Option", "Result", "Self", "Some", "String", "Vec",
];
/// Auth scheme kinds the runtime knows (see docs/spec-extensions.md).
const AUTH_KINDS: &[&str] = &[
    "header-token",
    "login-token",
    "sdk-hmac-sha256",
    "rpc-signature-v1",
    "django-session",
];

/// Lowers `doc`; `sink` collects problems.
pub fn lower(doc: &OpenAPI, spec_path: &str, sink: &mut Sink) -> Api {
    let mut l = Lowerer {
        refs: Refs::new(doc),
        doc,
        sink,
        types: Vec::new(),
        type_scope: Scope::with_reserved(PRELUDE),
        components: HashMap::new(),
    };
    l.lower_components();
    let envelope = l.envelope(&doc.extensions, "").unwrap_or_default();
    let auth = l.auth_schemes();
    let operations = l.operations();
    l.check_auth_settings(&auth, &operations);
    // A relative server URL (`/api`) names no host: the client then asks for a base URL.
    let base_url = doc
        .servers
        .first()
        .map(|s| l.server_url(s, "/servers/0"))
        .filter(|url| is_absolute(url));
    let mut types = l.types;
    box_recursive_fields(&mut types);
    Api {
        spec_path: spec_path.to_owned(),
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: clean(doc.info.description.as_deref()),
        base_url,
        envelope,
        auth,
        operations,
        types,
    }
}

/// Boxes every struct field whose type contains the struct again by value (directly or
/// through other structs), which Rust could not give a size otherwise. `Vec` and maps
/// already put their elements behind a pointer.
fn box_recursive_fields(types: &mut [TypeDef]) {
    let by_value: HashMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let edges = match &t.kind {
                TypeKind::Struct { fields } => fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        TypeRef::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (t.name.to_string(), edges)
        })
        .collect();
    let reaches = |from: &str, target: &str| {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(next) = stack.pop() {
            if next == target {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.extend(by_value.get(&next).into_iter().flatten().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        let name = t.name.to_string();
        if let TypeKind::Struct { fields } = &mut t.kind {
            for f in fields.iter_mut() {
                if let TypeRef::Named(n) = &f.ty {
                    f.boxed = reaches(n, &name);
                }
            }
        }
    }
}

struct Lowerer<'a, 's> {
    doc: &'a OpenAPI,
    refs: Refs<'a>,
    sink: &'s mut Sink,
    types: Vec<TypeDef>,
    type_scope: Scope,
    /// Component schema key to the Rust type it lowers to.
    components: HashMap<String, TypeRef>,
}

fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON pointer or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EnvelopeExt {
    #[serde(default)]
    code: Option<OneOrMany>,
    #[serde(default)]
    message: Option<OneOrMany>,
    #[serde(default)]
    request_id: Option<OneOrMany>,
    #[serde(default)]
    request_id_header: Option<String>,
    #[serde(default)]
    success: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RpcActionExt {
    #[serde(rename = "in")]
    location: String,
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PaginationExt {
    style: String,
    page: String,
    size: String,
    items: String,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    first: Option<u64>,
}

impl Lowerer<'_, '_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.sink.error(pointer, message);
    }

    /// Parses an extension value, reporting a mismatch at its pointer.
    fn extension<T: serde::de::DeserializeOwned>(
        &mut self,
        extensions: &IndexMap<String, Value>,
        name: &str,
        base: &str,
    ) -> Option<T> {
        let value = extensions.get(name)?;
        match serde_json::from_value(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    &format!("{base}/{name}"),
                    format!("invalid `{name}`: {e} (see docs/spec-extensions.md)"),
                );
                None
            }
        }
    }

    fn server_url(&mut self, server: &openapiv3::Server, pointer: &str) -> String {
        let mut url = server.url.clone();
        if let Some(vars) = &server.variables {
            for (name, var) in vars {
                url = url.replace(&format!("{{{name}}}"), &var.default);
            }
        }
        if url.contains('{') {
            self.error(
                pointer,
                format!(
                    "server URL `{}` has a variable without a default",
                    server.url
                ),
            );
        }
        url.trim_end_matches('/').to_owned()
    }

    fn envelope(&mut self, extensions: &IndexMap<String, Value>, base: &str) -> Option<Envelope> {
        let ext: EnvelopeExt = self.extension(extensions, "x-error-envelope", base)?;
        let pointers = |v: Option<OneOrMany>| v.map(OneOrMany::into_vec).unwrap_or_default();
        let env = Envelope {
            code: pointers(ext.code),
            message: pointers(ext.message),
            request_id: pointers(ext.request_id),
            request_id_header: ext.request_id_header,
            success: ext.success.iter().map(json_text).collect(),
        };
        for p in env.code.iter().chain(&env.message).chain(&env.request_id) {
            if !p.starts_with('/') {
                self.error(
                    &format!("{base}/x-error-envelope"),
                    format!("`{p}` is not a JSON pointer: write `/{p}`"),
                );
            }
        }
        if !env.success.is_empty() && env.code.is_empty() {
            self.error(
                &format!("{base}/x-error-envelope"),
                "`success` needs a `code` pointer to compare",
            );
        }
        Some(env)
    }

    // ---- types ----------------------------------------------------------------

    fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        // Name every struct or enum component first, so references resolve in any order.
        let mut named = Vec::new();
        for (key, schema) in &components.schemas {
            if let ReferenceOr::Item(s) = schema {
                if makes_type(s) {
                    let name = self.type_scope.claim(Ident::pascal(key));
                    self.components
                        .insert(key.clone(), TypeRef::Named(name.to_string()));
                    named.push((key, s, name));
                }
            }
        }
        for (key, schema) in &components.schemas {
            let pointer = format!("/components/schemas/{}", escape_token(key));
            match schema {
                ReferenceOr::Item(s) => {
                    if let Some((_, _, name)) = named.iter().find(|(k, _, _)| *k == key) {
                        let name = name.clone();
                        self.define(&name, s, &pointer);
                    } else {
                        let ty = self.lower_schema(s, &names::pascal(key), &pointer);
                        self.components.insert(key.clone(), ty);
                    }
                }
                ReferenceOr::Reference { reference } => {
                    self.error(&format!("{pointer}/$ref"), format!("component schema `{key}` is only a `$ref: {reference}`; name the target directly"));
                }
            }
        }
    }

    /// Lowers a schema reference or inline schema; `hint` names an inline type.
    fn lower_ref<S: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Item(s) => self.lower_schema(s.borrow(), hint, pointer),
            ReferenceOr::Reference { reference } => {
                self.schema_ref(reference, &format!("{pointer}/$ref"))
            }
        }
    }

    fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        match Refs::component_name(reference, "schemas") {
            Ok(name) => match self.components.get(name) {
                Some(ty) => ty.clone(),
                None => {
                    let known = self
                        .doc
                        .components
                        .as_ref()
                        .is_some_and(|c| c.schemas.contains_key(name));
                    if !known {
                        self.error(pointer, format!("unknown `$ref: {reference}`: there is no `components.schemas.{name}`"));
                    }
                    TypeRef::Json
                }
            },
            Err(message) => {
                self.error(pointer, message);
                TypeRef::Json
            }
        }
    }

    fn lower_schema(&mut self, schema: &Schema, hint: &str, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if !s.enumeration.is_empty() {
                    let name = self.type_scope.claim(Ident::pascal(hint));
                    self.define(&name, schema, pointer);
                    return TypeRef::Named(name.to_string());
                }
                match &s.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password) => {
                        TypeRef::Secret
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => TypeRef::Decimal,
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => TypeRef::Decimal,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item =
                        self.lower_ref(items, &format!("{hint}Item"), &format!("{pointer}/items"));
                    TypeRef::Array(Box::new(item))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    match &o.additional_properties {
                        Some(openapiv3::AdditionalProperties::Schema(s)) => {
                            let value = self.lower_ref(
                                s,
                                &format!("{hint}Value"),
                                &format!("{pointer}/additionalProperties"),
                            );
                            TypeRef::Map(Box::new(value))
                        }
                        _ => TypeRef::JsonObject,
                    }
                } else {
                    let name = self.type_scope.claim(Ident::pascal(hint));
                    self.define(&name, schema, pointer);
                    TypeRef::Named(name.to_string())
                }
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() {
                    self.error(pointer, "an object schema needs `type: object`");
                }
                TypeRef::Json
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => {
                self.error(pointer, "`oneOf`, `anyOf`, `allOf` and `not` are not supported yet: describe the shape with one object schema");
                TypeRef::Json
            }
        }
    }

    /// Adds the struct or enum type `name` for `schema`.
    fn define(&mut self, name: &Ident, schema: &Schema, pointer: &str) {
        let doc = clean(
            schema
                .schema_data
                .description
                .as_deref()
                .or(schema.schema_data.title.as_deref()),
        );
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                for (i, value) in values.iter().enumerate() {
                    if values[..i].contains(value) {
                        self.error(
                            &format!("{pointer}/enum"),
                            format!("the enum value `{value}` is listed twice"),
                        );
                    }
                }
                let varnames: Option<Vec<String>> =
                    self.extension(&schema.schema_data.extensions, "x-enum-varnames", pointer);
                if let Some(v) = &varnames {
                    if v.len() != values.len() {
                        self.error(
                            &format!("{pointer}/x-enum-varnames"),
                            format!("{} names for {} enum values", v.len(), values.len()),
                        );
                    }
                }
                let mut scope = Scope::with_reserved(&["Unknown"]);
                let variants = values
                    .iter()
                    .enumerate()
                    .map(|(i, value)| {
                        let wanted = varnames
                            .as_ref()
                            .and_then(|v| v.get(i))
                            .map_or_else(|| Ident::pascal(value), |n| Ident::pascal(n));
                        Variant {
                            name: scope.claim(wanted),
                            value: value.clone(),
                        }
                    })
                    .collect();
                TypeKind::Enum { variants }
            }
            SchemaKind::Type(Type::Object(o)) => {
                let mut scope = Scope::default();
                let mut fields = Vec::new();
                for (prop, prop_schema) in &o.properties {
                    let prop_pointer = format!("{pointer}/properties/{}", escape_token(prop));
                    let ty = self.lower_ref(
                        prop_schema,
                        &format!("{name}{}", names::pascal(prop)),
                        &prop_pointer,
                    );
                    let (nullable, doc, constraints) = match prop_schema {
                        ReferenceOr::Item(s) => (
                            s.schema_data.nullable,
                            clean(
                                s.schema_data
                                    .description
                                    .as_deref()
                                    .or(s.schema_data.title.as_deref()),
                            ),
                            constraints(s),
                        ),
                        ReferenceOr::Reference { .. } => (false, None, Constraints::default()),
                    };
                    fields.push(Field {
                        rust_name: scope.claim(Ident::snake(prop)),
                        wire_name: prop.clone(),
                        ty,
                        optional: nullable || !o.required.contains(prop),
                        boxed: false,
                        doc,
                        constraints,
                    });
                }
                for req in &o.required {
                    if !o.properties.contains_key(req) {
                        self.error(
                            &format!("{pointer}/required"),
                            format!("`{req}` is required but not among the properties"),
                        );
                    }
                }
                TypeKind::Struct { fields }
            }
            _ => return,
        };
        self.types.push(TypeDef {
            name: name.clone(),
            doc,
            kind,
        });
    }

    // ---- auth -----------------------------------------------------------------

    fn auth_schemes(&mut self) -> Vec<AuthScheme> {
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        let mut scope = Scope::default();
        let mut out = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = format!("/components/securitySchemes/{}", escape_token(key));
            let scheme = match self.refs.security_scheme(scheme) {
                Ok(s) => s,
                Err(m) => {
                    self.error(&pointer, m);
                    continue;
                }
            };
            let SecurityScheme::APIKey {
                location,
                name,
                description,
                extensions,
            } = scheme
            else {
                self.error(&pointer, format!("security scheme `{key}`: only `apiKey` schemes (with `x-auth-scheme` where needed) are supported yet"));
                continue;
            };
            let declared: Option<BTreeMap<String, Value>> =
                self.extension(extensions, "x-auth-scheme", &pointer);
            let kind = match declared {
                None if *location == openapiv3::APIKeyLocation::Header => AuthKind::HeaderToken {
                    header: name.clone(),
                },
                None => {
                    self.error(&pointer, format!("security scheme `{key}`: an API key outside a header needs `x-auth-scheme`"));
                    continue;
                }
                Some(map) => {
                    let mut settings: Vec<(String, String)> = Vec::new();
                    let mut kind = None;
                    for (k, v) in &map {
                        if k == "kind" {
                            kind = Some(json_text(v));
                        } else {
                            settings.push((k.clone(), json_text(v)));
                        }
                    }
                    match kind.as_deref() {
                        Some("header-token") if *location == openapiv3::APIKeyLocation::Header => {
                            AuthKind::HeaderToken {
                                header: name.clone(),
                            }
                        }
                        Some(k) if AUTH_KINDS.contains(&k) && k != "header-token" => {
                            AuthKind::Declared {
                                kind: k.to_owned(),
                                header: (*location == openapiv3::APIKeyLocation::Header)
                                    .then(|| name.clone()),
                                settings,
                            }
                        }
                        other => {
                            self.error(
                                &format!("{pointer}/x-auth-scheme"),
                                format!(
                                    "unknown auth scheme kind {}; known kinds: {}",
                                    other.map_or("(none given)".to_owned(), |k| format!("`{k}`")),
                                    AUTH_KINDS.join(", ")
                                ),
                            );
                            continue;
                        }
                    }
                }
            };
            out.push(AuthScheme {
                key: key.clone(),
                fn_name: scope.claim(Ident::snake(key)),
                description: clean(description.as_deref()),
                kind,
            });
        }
        out
    }

    /// Checks that auth settings naming operations name real ones.
    fn check_auth_settings(&mut self, auth: &[AuthScheme], operations: &[Operation]) {
        for scheme in auth {
            if let AuthKind::Declared { settings, .. } = &scheme.kind {
                for (k, v) in settings {
                    let pointer = format!(
                        "/components/securitySchemes/{}/x-auth-scheme/{k}",
                        escape_token(&scheme.key)
                    );
                    let names_op = matches!(k.as_str(), "login" | "logout");
                    if names_op && !operations.iter().any(|o| &o.id == v) {
                        self.error(
                            &pointer,
                            format!("`{k}: {v}` names no operation of this spec"),
                        );
                    }
                    if k == "token" && !v.starts_with('/') {
                        self.error(
                            &pointer,
                            format!("`token: {v}` must be a JSON pointer such as `/data/token_id`"),
                        );
                    }
                }
            }
        }
    }

    // ---- operations -----------------------------------------------------------

    fn operations(&mut self) -> Vec<Operation> {
        let mut out = Vec::new();
        let mut methods = Scope::with_reserved(RESERVED_METHODS);
        let reserved: Vec<&str> = RESERVED_ITEMS.iter().chain(PRELUDE).copied().collect();
        let mut builders = Scope::with_reserved(&reserved);
        let mut by_url: BTreeMap<(String, String), Vec<UrlUser>> = BTreeMap::new();
        for (key, item) in &self.doc.paths.paths {
            let path_pointer = format!("/paths/{}", escape_token(key));
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { reference } => {
                    self.error(
                        &path_pointer,
                        format!("path item `$ref: {reference}` is not supported"),
                    );
                    continue;
                }
            };
            if item.trace.is_some() {
                self.error(
                    &format!("{path_pointer}/trace"),
                    "TRACE operations are not supported",
                );
            }
            let path = key.split('#').next().unwrap_or_default().to_owned();
            if !path.starts_with('/') {
                self.error(&path_pointer, format!("path `{key}` must start with `/`"));
            }
            for (verb, op) in item.iter() {
                let pointer = format!("{path_pointer}/{verb}");
                let Some(method) = method_of(verb) else {
                    continue;
                };
                let Some(id) = op.operation_id.clone() else {
                    self.error(
                        &pointer,
                        "the operation has no `operationId`: it names the generated method",
                    );
                    continue;
                };
                let method_name = methods.claim(Ident::snake(&id));
                let builder_name = builders.claim(Ident::pascal(&id));
                let lowered = self.operation(OpInput {
                    id: &id,
                    method_name,
                    builder_name,
                    method,
                    path: &path,
                    item,
                    op,
                    pointer: &pointer,
                });
                by_url
                    .entry((verb.to_owned(), path.clone()))
                    .or_default()
                    .push((id.clone(), lowered.rpc_action.clone(), pointer.clone()));
                out.push(lowered);
            }
        }
        for ((verb, path), ops) in by_url {
            if ops.len() < 2 {
                continue;
            }
            let first = ops[0].1.clone();
            let mut seen = BTreeMap::new();
            for (id, action, pointer) in &ops {
                match (action, &first) {
                    (Some(a), Some(f)) if a.name == f.name && a.location == f.location => {
                        if let Some(other) = seen.insert(a.value.clone(), id.clone()) {
                            self.error(pointer, format!("`{id}` and `{other}` both send {} `{}` to {} {path}", a.name, a.value, verb.to_uppercase()));
                        }
                    }
                    _ => self.error(
                        pointer,
                        format!(
                            "{} operations share {} {path}; each must declare `x-rpc-action` with the same `in` and `name` and its own `value`",
                            ops.len(),
                            verb.to_uppercase()
                        ),
                    ),
                }
            }
        }
        out
    }

    fn operation(&mut self, input: OpInput<'_>) -> Operation {
        let OpInput {
            id,
            method_name,
            builder_name,
            method,
            path,
            item,
            op,
            pointer,
        } = input;
        let mut setters = Scope::with_reserved(RESERVED_SETTERS);
        let mut params = Vec::new();

        // Path-level parameters first, replaced by operation parameters of the same name and place.
        let mut merged: Vec<(&ReferenceOr<Parameter>, String)> = Vec::new();
        let resolve_key = |refs: &Refs<'_>, p: &ReferenceOr<Parameter>| {
            refs.parameter(p)
                .ok()
                .map(|p| (p.parameter_data_ref().name.clone(), location_of(p)))
        };
        for (i, p) in item.parameters.iter().enumerate() {
            merged.push((
                p,
                format!(
                    "{}/parameters/{i}",
                    pointer.rsplit_once('/').map_or("", |x| x.0)
                ),
            ));
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let key = resolve_key(&self.refs, p);
            merged.retain(|(q, _)| key.is_none() || resolve_key(&self.refs, q) != key);
            merged.push((p, format!("{pointer}/parameters/{i}")));
        }
        for (p, p_pointer) in merged {
            let param = match self.refs.parameter(p) {
                Ok(param) => param,
                Err(m) => {
                    self.error(&format!("{p_pointer}/$ref"), m);
                    continue;
                }
            };
            if let Some(lowered) = self.parameter(param, &builder_name, &p_pointer, &mut setters) {
                params.push(lowered);
            }
        }

        // Path placeholders and path parameters must match.
        for placeholder in placeholders(path) {
            if !params
                .iter()
                .any(|p| p.location == Location::Path && p.wire_name == placeholder)
            {
                self.error(
                    pointer,
                    format!(
                        "the path has `{{{placeholder}}}` but no path parameter `{placeholder}`"
                    ),
                );
            }
        }
        for p in params.iter().filter(|p| p.location == Location::Path) {
            if !placeholders(path).contains(&p.wire_name) {
                self.error(
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in `{path}`",
                        p.wire_name
                    ),
                );
            }
        }

        let rpc_action = self.rpc_action(&op.extensions, pointer);
        let mut body = None;
        if let Some(rb) = &op.request_body {
            let rb_pointer = format!("{pointer}/requestBody");
            match self.refs.request_body(rb) {
                Ok(rb) => {
                    body = self.body(rb, &builder_name, &rb_pointer, &mut setters, &mut params)
                }
                Err(m) => self.error(&rb_pointer, m),
            }
        }
        if let Some(action) = &rpc_action {
            let wanted = match action.location {
                Location::Form => Some(BodyKind::Form),
                Location::Json => Some(BodyKind::Json),
                _ => None,
            };
            match (wanted, body) {
                (Some(w), None) => body = Some(w),
                (Some(w), Some(b)) if w != b => self.error(
                    &format!("{pointer}/x-rpc-action"),
                    "`x-rpc-action` goes in a body of another media type than the request body",
                ),
                _ => {}
            }
            if params
                .iter()
                .any(|p| p.wire_name == action.name && p.location == action.location)
            {
                self.error(
                    &format!("{pointer}/x-rpc-action"),
                    format!(
                        "`{}` is the RPC action parameter: do not declare it as a parameter too",
                        action.name
                    ),
                );
            }
        }

        let (response, examples) = self.responses(&op.responses, builder_name.as_str(), pointer);
        let envelope = self.envelope(&op.extensions, pointer);
        let pagination = self.pagination(&op.extensions, pointer, &params, &response);
        let requirements = op.security.as_ref().or(self.doc.security.as_ref());
        let public = requirements.is_some_and(Vec::is_empty);
        let security = self.security(requirements, pointer);
        let server = op
            .servers
            .first()
            .or(item.servers.first())
            .map(|s| self.server_url(s, &format!("{pointer}/servers/0")));
        if let Some(url) = server.as_deref().filter(|url| !is_absolute(url)) {
            self.error(
                &format!("{pointer}/servers/0"),
                format!("an operation's own server must be an absolute http(s) URL, not `{url}`"),
            );
        }

        Operation {
            id: id.to_owned(),
            method_name,
            builder_name,
            summary: clean(op.summary.as_deref()),
            description: clean(op.description.as_deref()),
            deprecated: op.deprecated,
            http_method: method,
            path: path.to_owned(),
            server,
            rpc_action,
            params,
            body,
            response,
            examples,
            envelope,
            pagination,
            security,
            public,
        }
    }

    fn parameter(
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
            schema,
            required,
            doc: data.description.as_deref(),
            explode,
            builder,
            pointer: &format!("{pointer}/schema"),
            setters,
        }))
    }

    fn param_from_schema(&mut self, input: ParamInput<'_, '_>) -> Param {
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
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => {
                self.refs.schema(reference).ok().map(|(_, s)| s)
            }
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
                TypeRef::Named(n) => self.is_enum(n),
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

    /// Whether `name` is a generated string enum. Component types are all defined before
    /// any operation is lowered, and inline ones as they are met, so `types` is complete.
    fn is_enum(&self, name: &str) -> bool {
        self.types
            .iter()
            .any(|t| t.name.as_str() == name && matches!(t.kind, TypeKind::Enum { .. }))
    }

    fn body(
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
            Some(ReferenceOr::Item(s)) => s,
            Some(ReferenceOr::Reference { reference }) => match self.refs.schema(reference) {
                Ok((_, s)) => s,
                Err(m) => {
                    self.error(&format!("{schema_pointer}/$ref"), m);
                    return Some(kind);
                }
            },
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
                ReferenceOr::Item(s) => s.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let unboxed: ReferenceOr<Schema> = match prop_schema {
                ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            };
            let mut p = self.param_from_schema(ParamInput {
                wire_name: prop,
                example: None,
                location,
                schema: &unboxed,
                required: object.required.contains(prop),
                doc: doc.as_deref(),
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

    fn rpc_action(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
    ) -> Option<RpcAction> {
        let ext: RpcActionExt = self.extension(extensions, "x-rpc-action", pointer)?;
        let location = match ext.location.as_str() {
            "query" => Location::Query,
            "form" => Location::Form,
            "json" => Location::Json,
            other => {
                self.error(
                    &format!("{pointer}/x-rpc-action/in"),
                    format!("`in: {other}`: use `query`, `form` or `json`"),
                );
                return None;
            }
        };
        Some(RpcAction {
            location,
            name: ext.name,
            value: ext.value,
        })
    }

    fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        builder: &str,
        pointer: &str,
    ) -> (SuccessResponse, Vec<Example>) {
        let mut success: Option<SuccessResponse> = None;
        let mut examples = Vec::new();
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
            let response = match self.refs.response(response) {
                Ok(r) => r,
                Err(m) => {
                    self.error(&format!("{r_pointer}/$ref"), m);
                    continue;
                }
            };
            // The first 2xx or 3xx response in spec order (a console login answers `302 Found`).
            let is_success = success.is_none() && code.is_some_and(|c| (200..400).contains(&c));
            let json = response
                .content
                .iter()
                .find(|(media, _)| media.contains("json"));
            let hint = if is_success {
                format!("{builder}Response")
            } else {
                format!("{builder}{}Response", names::pascal(&status))
            };
            let ty = json.and_then(|(media, m)| {
                let schema_pointer = format!("{r_pointer}/content/{}/schema", escape_token(media));
                m.schema
                    .as_ref()
                    .map(|s| self.lower_ref(s, &hint, &schema_pointer))
            });
            if let (Some((media, m)), Some(ty)) = (json, &ty) {
                let media_pointer = format!("{r_pointer}/content/{}", escape_token(media));
                let mut values: Vec<&Value> = m.example.iter().collect();
                for (name, ex) in &m.examples {
                    match ex {
                        ReferenceOr::Item(ex) => values.extend(ex.value.as_ref()),
                        ReferenceOr::Reference { .. } => self.error(
                            &format!("{media_pointer}/examples/{}", escape_token(name)),
                            "example `$ref`s are not supported",
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
            }
        }
        let success = success.unwrap_or_else(|| {
            self.error(
                &format!("{pointer}/responses"),
                "no 2xx or 3xx response: the success response is what the call returns",
            );
            SuccessResponse {
                status: 200,
                ty: None,
            }
        });
        (success, examples)
    }

    fn pagination(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        params: &[Param],
        response: &SuccessResponse,
    ) -> Option<Pagination> {
        let ext: PaginationExt = self.extension(extensions, "x-pagination", pointer)?;
        let at = format!("{pointer}/x-pagination");
        if ext.style != "page-number" {
            self.error(
                &format!("{at}/style"),
                format!("`style: {}`: only `page-number` is supported", ext.style),
            );
            return None;
        }
        for (role, name) in [("page", &ext.page), ("size", &ext.size)] {
            match params.iter().find(|p| &p.wire_name == name) {
                Some(p) if matches!(p.ty, TypeRef::I32 | TypeRef::I64) => {}
                Some(_) => self.error(
                    &format!("{at}/{role}"),
                    format!("`{role}: {name}` must name an integer parameter"),
                ),
                None => self.error(
                    &format!("{at}/{role}"),
                    format!("`{role}: {name}` names no parameter of this operation"),
                ),
            }
        }
        let Some(TypeRef::Named(response_type)) = &response.ty else {
            self.error(
                &at,
                "a paged operation needs an object schema for its success response",
            );
            return None;
        };
        let fields = match self
            .types
            .iter()
            .find(|t| t.name.as_str() == response_type)
            .map(|t| &t.kind)
        {
            Some(TypeKind::Struct { fields }) => fields.clone(),
            _ => {
                self.error(
                    &at,
                    "a paged operation needs an object schema for its success response",
                );
                return None;
            }
        };
        let field_at = |p: &str| -> Option<&Field> {
            let name = p.strip_prefix('/')?;
            fields.iter().find(|f| f.wire_name == name)
        };
        let (items_field, items_optional, item_type) = match field_at(&ext.items) {
            Some(Field {
                rust_name,
                optional,
                ty: TypeRef::Array(item),
                ..
            }) => (rust_name.clone(), *optional, (**item).clone()),
            _ => {
                self.error(&format!("{at}/items"), format!("`items: {}` must point at an array property of the response (`/<property>`)", ext.items));
                return None;
            }
        };
        let total_field = match &ext.total {
            None => None,
            Some(t) => match field_at(t) {
                Some(f) if matches!(f.ty, TypeRef::I32 | TypeRef::I64) => Some(TotalField {
                    name: f.rust_name.clone(),
                    optional: f.optional,
                }),
                _ => {
                    self.error(
                        &format!("{at}/total"),
                        format!("`total: {t}` must point at an integer property of the response"),
                    );
                    None
                }
            },
        };
        Some(Pagination {
            page_param: ext.page,
            size_param: ext.size,
            first_page: ext.first.unwrap_or(1),
            response_type: response_type.clone(),
            items_field,
            items_optional,
            item_type,
            total_field,
        })
    }

    fn security(
        &mut self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
        pointer: &str,
    ) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            for key in requirement.keys() {
                let known = self
                    .doc
                    .components
                    .as_ref()
                    .is_some_and(|c| c.security_schemes.contains_key(key));
                if !known {
                    self.error(
                        &format!("{pointer}/security"),
                        format!("security requirement `{key}` names no security scheme"),
                    );
                }
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        keys
    }
}

/// An operation using a method and URL: its id, RPC action and pointer.
type UrlUser = (String, Option<RpcAction>, String);

struct OpInput<'o> {
    id: &'o str,
    method_name: Ident,
    builder_name: Ident,
    method: Method,
    path: &'o str,
    item: &'o openapiv3::PathItem,
    op: &'o openapiv3::Operation,
    pointer: &'o str,
}

struct ParamInput<'p, 's> {
    wire_name: &'p str,
    example: Option<&'p Value>,
    location: Location,
    schema: &'p ReferenceOr<Schema>,
    required: bool,
    doc: Option<&'p str>,
    explode: bool,
    builder: &'p Ident,
    pointer: &'p str,
    setters: &'s mut Scope,
}

/// Whether a component schema becomes a generated type (rather than an alias of one).
fn makes_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        _ => false,
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

fn method_of(verb: &str) -> Option<Method> {
    Some(match verb {
        "get" => Method::Get,
        "post" => Method::Post,
        "put" => Method::Put,
        "patch" => Method::Patch,
        "delete" => Method::Delete,
        "head" => Method::Head,
        "options" => Method::Options,
        _ => return None,
    })
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

/// Whether a server URL names its scheme and host.
fn is_absolute(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The `{name}` placeholders of a path template.
fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

fn constraints(schema: &Schema) -> Constraints {
    let mut c = Constraints::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            c.min_length = s.min_length.map(|v| v as u64);
            c.max_length = s.max_length.map(|v| v as u64);
            c.pattern = s.pattern.clone();
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
            c.exclusive_minimum = i.exclusive_minimum;
            c.exclusive_maximum = i.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items.map(|v| v as u64);
            c.max_items = a.max_items.map(|v| v as u64);
        }
        _ => {}
    }
    c
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn finds_path_placeholders() {
        assert_eq!(placeholders("/v1/sim-pools"), Vec::<String>::new());
        assert_eq!(
            placeholders("/v1/{id}/x/{other}"),
            vec!["id".to_owned(), "other".to_owned()]
        );
        assert_eq!(placeholders("/broken/{id"), Vec::<String>::new());
    }
}
