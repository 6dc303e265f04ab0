//! The `x-` extensions other than `x-auth-scheme` (see `auth`): each parsed into a typed
//! value at its pointer, then checked and lowered (`docs/spec-extensions.md`). Their
//! names are declared in [`crate::extensions`].

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::{json_text, Lowerer};
use crate::extensions::{
    PAGING_STYLES, X_ENUM_VARNAMES, X_ENV, X_ERROR_ENVELOPE, X_IDEMPOTENT, X_PAGINATION,
    X_RPC_ACTION,
};
use crate::ir::{
    ClientEnv, Envelope, Field, Location, PageField, Pagination, PagingStyle, Param, PathStep,
    RpcAction, SuccessResponse, SuccessRule, TypeKind, TypeRef,
};

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

/// `x-error-envelope`.
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
    success: Option<Value>,
    #[serde(default)]
    transient: Vec<String>,
    #[serde(default, rename = "final")]
    final_codes: Vec<String>,
    #[serde(default)]
    transient_statuses: Vec<u16>,
    #[serde(default)]
    final_statuses: Vec<u16>,
}

/// `x-env`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EnvExt {
    #[serde(default)]
    base_url: Option<Value>,
    #[serde(default)]
    auth: Vec<String>,
}

/// `x-rpc-action`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RpcActionExt {
    #[serde(rename = "in")]
    location: String,
    name: String,
    value: String,
}

/// `x-pagination` with `style: page-number`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PageNumberExt {
    #[allow(dead_code)]
    style: String,
    page: String,
    size: String,
    items: String,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    page_echo: Option<String>,
    #[serde(default)]
    first: Option<u64>,
}

/// `x-pagination` with `style: offset`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OffsetExt {
    #[allow(dead_code)]
    style: String,
    offset: String,
    limit: String,
    items: String,
    #[serde(default)]
    total: Option<String>,
}

/// `x-pagination` with `style: cursor`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CursorExt {
    #[allow(dead_code)]
    style: String,
    token: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    next_header: Option<String>,
    items: String,
    #[serde(default)]
    total: Option<String>,
}

/// `x-pagination` with `style: next-link`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct NextLinkExt {
    #[allow(dead_code)]
    style: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    next_header: Option<String>,
    items: String,
    #[serde(default)]
    total: Option<String>,
}

impl Lowerer<'_, '_> {
    /// Parses the extension `name` of the object at `base`, reporting a mismatch at its
    /// pointer.
    pub(super) fn extension<T: serde::de::DeserializeOwned>(
        &mut self,
        extensions: &IndexMap<String, Value>,
        name: &str,
        base: &str,
    ) -> Option<T> {
        let value = extensions.get(name)?;
        match T::deserialize(value) {
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

    /// `x-enum-varnames` of a string enum with `count` values.
    pub(super) fn enum_varnames(
        &mut self,
        extensions: &IndexMap<String, Value>,
        count: usize,
        pointer: &str,
    ) -> Option<Vec<String>> {
        let varnames: Vec<String> = self.extension(extensions, X_ENUM_VARNAMES, pointer)?;
        if varnames.len() != count {
            self.error(
                &format!("{pointer}/{X_ENUM_VARNAMES}"),
                format!("{} names for {count} enum values", varnames.len()),
            );
        }
        Some(varnames)
    }

    /// `x-error-envelope` of the document (`base` empty) or of an operation.
    pub(super) fn envelope(
        &mut self,
        extensions: &IndexMap<String, Value>,
        base: &str,
    ) -> Option<Envelope> {
        let ext: EnvelopeExt = self.extension(extensions, X_ERROR_ENVELOPE, base)?;
        let pointers = |v: Option<OneOrMany>| v.map(OneOrMany::into_vec).unwrap_or_default();
        let success = match ext.success {
            None => SuccessRule::Status,
            Some(Value::Array(codes)) => SuccessRule::Codes(codes.iter().map(json_text).collect()),
            Some(Value::String(rule)) if rule == "no-code" => SuccessRule::NoCode,
            Some(other) => {
                self.error(
                    &format!("{base}/{X_ERROR_ENVELOPE}/success"),
                    format!(
                        "`success: {}`: give the list of success codes, or `no-code` when any code in a 2xx body means a failure",
                        json_text(&other)
                    ),
                );
                SuccessRule::Status
            }
        };
        let env = Envelope {
            code: pointers(ext.code),
            message: pointers(ext.message),
            request_id: pointers(ext.request_id),
            request_id_header: ext.request_id_header,
            success,
            transient: ext.transient,
            final_codes: ext.final_codes,
            transient_statuses: ext.transient_statuses,
            final_statuses: ext.final_statuses,
        };
        for p in env.code.iter().chain(&env.message).chain(&env.request_id) {
            if !p.starts_with('/') {
                self.error(
                    &format!("{base}/{X_ERROR_ENVELOPE}"),
                    format!("`{p}` is not a JSON pointer: write `/{p}`"),
                );
            }
        }
        if env.success != SuccessRule::Status && env.code.is_empty() {
            self.error(
                &format!("{base}/{X_ERROR_ENVELOPE}"),
                "`success` needs a `code` pointer to compare",
            );
        }
        if !env.transient.is_empty() && env.code.is_empty() {
            self.error(
                &format!("{base}/{X_ERROR_ENVELOPE}"),
                "`transient` needs a `code` pointer to compare",
            );
        }
        if !env.final_codes.is_empty() && env.code.is_empty() {
            self.error(
                &format!("{base}/x-error-envelope"),
                "`final` needs a `code` pointer to compare",
            );
        }
        for code in env.final_codes.iter().filter(|c| env.transient.contains(c)) {
            self.error(
                &format!("{base}/x-error-envelope/final"),
                format!("`{code}` is listed both as `transient` and as `final`"),
            );
        }
        for (key, list) in [
            ("transient-statuses", &env.transient_statuses),
            ("final-statuses", &env.final_statuses),
        ] {
            for (i, status) in list.iter().enumerate() {
                if !(100..=599).contains(status) {
                    self.error(
                        &format!("{base}/x-error-envelope/{key}/{i}"),
                        format!("`{status}` is not an HTTP status (100 to 599)"),
                    );
                }
            }
        }
        for status in env
            .final_statuses
            .iter()
            .filter(|s| env.transient_statuses.contains(s))
        {
            self.error(
                &format!("{base}/x-error-envelope/final-statuses"),
                format!("HTTP {status} is listed both as transient and as final"),
            );
        }
        Some(env)
    }

    /// `x-env` of the document: the variables `Client::from_env` reads.
    pub(super) fn client_env(&mut self, extensions: &IndexMap<String, Value>) -> ClientEnv {
        let Some(ext) = self.extension::<EnvExt>(extensions, X_ENV, "") else {
            return ClientEnv::default();
        };
        let schemes = self.doc.components.as_ref().map(|c| &c.security_schemes);
        for (i, key) in ext.auth.iter().enumerate() {
            if !schemes.is_some_and(|s| s.contains_key(key)) {
                self.error(
                    &format!("/{X_ENV}/auth/{i}"),
                    format!("`{key}` names no security scheme"),
                );
            }
        }
        let names = match &ext.base_url {
            None => Some(Vec::new()),
            Some(Value::String(name)) => Some(vec![name.clone()]),
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect(),
            Some(_) => None,
        };
        let base_url = match names {
            Some(names) if !names.iter().any(String::is_empty) => names,
            _ => {
                self.error(
                    &format!("/{X_ENV}/base-url"),
                    "`base-url` names an environment variable, or a list of them of which the first set wins",
                );
                Vec::new()
            }
        };
        ClientEnv {
            base_url,
            auth_order: ext.auth,
        }
    }

    /// `x-idempotent` of an operation: whether it may be sent twice; by default whether
    /// its method is idempotent.
    pub(super) fn idempotent(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        method_is_idempotent: bool,
    ) -> bool {
        self.extension::<bool>(extensions, X_IDEMPOTENT, pointer)
            .unwrap_or(method_is_idempotent)
    }

    /// `x-rpc-action` of an operation.
    pub(super) fn rpc_action(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
    ) -> Option<RpcAction> {
        let ext: RpcActionExt = self.extension(extensions, X_RPC_ACTION, pointer)?;
        let location = match ext.location.as_str() {
            "query" => Location::Query,
            "form" => Location::Form,
            "json" => Location::Json,
            "header" => Location::Header,
            other => {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}/in"),
                    format!("`in: {other}`: use `query`, `form`, `json` or `header`"),
                );
                return None;
            }
        };
        if location == Location::Header {
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if ext.name.is_empty() || !ext.name.bytes().all(token) {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}/name"),
                    format!("`name: {}` is not an HTTP header name", ext.name),
                );
                return None;
            }
            if !ext.value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}/value"),
                    format!(
                        "`value: {}` is not a header value (visible ASCII)",
                        ext.value
                    ),
                );
                return None;
            }
        }
        Some(RpcAction {
            location,
            name: ext.name,
            value: ext.value,
        })
    }

    /// `x-pagination` of an operation, checked against its parameters and success
    /// response.
    pub(super) fn pagination(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        params: &[Param],
        response: &SuccessResponse,
    ) -> Option<Pagination> {
        let value = extensions.get(X_PAGINATION)?;
        let at = format!("{pointer}/{X_PAGINATION}");
        let style = value.get("style").and_then(Value::as_str).unwrap_or("");
        match style {
            "page-number" => {
                let ext: PageNumberExt = self.extension(extensions, X_PAGINATION, pointer)?;
                let [page_param, size_param] = self.paging_params(
                    &at,
                    params,
                    [("page", &ext.page), ("size", &ext.size)],
                    "page numbers and sizes",
                )?;
                let style = PagingStyle::PageNumber {
                    page_param: ext.page,
                    size_param: ext.size,
                    page_field: page_param.rust_name.clone(),
                    size_field: size_param.rust_name.clone(),
                    first_page: ext.first.unwrap_or(1),
                    default_size: as_u64(size_param.default.as_ref()),
                    last_page: maximum(&page_param),
                };
                self.paged_response(
                    &at,
                    response,
                    style,
                    page_param.ty,
                    &ext.items,
                    ext.total.as_deref(),
                    ext.page_echo.as_deref(),
                )
            }
            "offset" => {
                let ext: OffsetExt = self.extension(extensions, X_PAGINATION, pointer)?;
                let [offset_param, limit_param] = self.paging_params(
                    &at,
                    params,
                    [("offset", &ext.offset), ("limit", &ext.limit)],
                    "offsets and limits",
                )?;
                let style = PagingStyle::Offset {
                    offset_param: ext.offset,
                    limit_param: ext.limit,
                    offset_field: offset_param.rust_name.clone(),
                    limit_field: limit_param.rust_name.clone(),
                    default_limit: as_u64(limit_param.default.as_ref()),
                    max_offset: maximum(&offset_param),
                };
                self.paged_response(
                    &at,
                    response,
                    style,
                    offset_param.ty,
                    &ext.items,
                    ext.total.as_deref(),
                    None,
                )
            }
            "cursor" => {
                let ext: CursorExt = self.extension(extensions, X_PAGINATION, pointer)?;
                self.cursor_pagination(&at, params, response, ext)
            }
            "next-link" => {
                let ext: NextLinkExt = self.extension(extensions, X_PAGINATION, pointer)?;
                if ext.next.is_some() == ext.next_header.is_some() {
                    self.error(
                        &at,
                        "a next-link style needs exactly one of `next` (a JSON pointer to the next link in the body) and `next-header` (a response header of RFC 8288 links, such as `Link`)",
                    );
                    return None;
                }
                let style = PagingStyle::NextLink {
                    next_header: ext.next_header.clone(),
                    next_body: None,
                };
                let pagination = self.paged_response(
                    &at,
                    response,
                    style,
                    TypeRef::I64,
                    &ext.items,
                    ext.total.as_deref(),
                    None,
                )?;
                self.next_in_body(&at, pagination, ext.next.as_deref())
            }
            _ => {
                self.error(
                    &format!("{at}/style"),
                    format!(
                        "`style: {style}`: not a paging style; one of {}",
                        PAGING_STYLES
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
        }
    }

    /// `style: cursor`: the token parameter (an optional string in the query), where the
    /// next token comes from (`next`, a body pointer to a string, or `next-header`;
    /// exactly one), and the response side every style shares.
    fn cursor_pagination(
        &mut self,
        at: &str,
        params: &[Param],
        response: &SuccessResponse,
        ext: CursorExt,
    ) -> Option<Pagination> {
        let name = &ext.token;
        let token = match params.iter().find(|p| &p.wire_name == name) {
            Some(p) if p.ty == TypeRef::String && !p.required && p.location == Location::Query => {
                Some(p.clone())
            }
            Some(p) if p.required => {
                self.error(
                    &format!("{at}/token"),
                    format!("`token: {name}` must name an optional parameter: the stream sets it"),
                );
                None
            }
            Some(_) => {
                self.error(
                    &format!("{at}/token"),
                    format!("`token: {name}` must name a string parameter in the query"),
                );
                None
            }
            None => {
                self.error(
                    &format!("{at}/token"),
                    format!("`token: {name}` names no parameter of this operation"),
                );
                None
            }
        };
        if ext.next.is_some() == ext.next_header.is_some() {
            self.error(
                at,
                "a cursor style needs exactly one of `next` (a JSON pointer to the next token in the body) and `next-header` (a response header carrying it)",
            );
            return None;
        }
        let token = token?;
        let style = PagingStyle::Cursor {
            token_param: ext.token.clone(),
            token_field: token.rust_name.clone(),
            next_header: ext.next_header.clone(),
            next_body: None,
        };
        let pagination = self.paged_response(
            at,
            response,
            style,
            TypeRef::I64,
            &ext.items,
            ext.total.as_deref(),
            None,
        )?;
        self.next_in_body(at, pagination, ext.next.as_deref())
    }

    /// The `next` pointer of a cursor or next-link style, if the body carries the next
    /// token or link: a string property of the response, at any depth.
    fn next_in_body(
        &mut self,
        at: &str,
        mut pagination: Pagination,
        next: Option<&str>,
    ) -> Option<Pagination> {
        let Some(next) = next else {
            return Some(pagination);
        };
        match self.response_path(pagination.response_type, next) {
            Some((path, TypeRef::String)) => {
                if let PagingStyle::Cursor { next_body, .. }
                | PagingStyle::NextLink { next_body, .. } = &mut pagination.style
                {
                    *next_body = Some(path);
                }
                Some(pagination)
            }
            _ => {
                self.error(
                    &format!("{at}/next"),
                    format!("`next: {next}` must point at a string property of the response (`/<property>`, or `/<object>/<property>` at any depth)"),
                );
                None
            }
        }
    }

    /// The two integer parameters a style sets (`(role, wire name)`), optional and of
    /// one integer type (`shared` says what they count).
    fn paging_params(
        &mut self,
        at: &str,
        params: &[Param],
        roles: [(&str, &String); 2],
        shared: &str,
    ) -> Option<[Param; 2]> {
        let mut found = Vec::new();
        for (role, name) in roles {
            match params.iter().find(|p| &p.wire_name == name) {
                Some(p) if matches!(p.ty, TypeRef::I32 | TypeRef::I64) && !p.required => {
                    found.push(p.clone());
                }
                Some(p) if p.required => self.error(
                    &format!("{at}/{role}"),
                    format!("`{role}: {name}` must name an optional parameter: the stream sets it"),
                ),
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
        let [first, second] = <[Param; 2]>::try_from(found).ok()?;
        if first.ty != second.ty {
            self.error(
                at,
                format!(
                    "`{}` and `{}` must have one integer type (both `format: int32` or neither): {shared} share it",
                    first.wire_name, second.wire_name
                ),
            );
        }
        Some([first, second])
    }

    /// The response side of `x-pagination`: the items, the total and the echo, each a
    /// JSON pointer of any depth into the success response's schema.
    #[allow(clippy::too_many_arguments)]
    fn paged_response(
        &mut self,
        at: &str,
        response: &SuccessResponse,
        style: PagingStyle,
        index: TypeRef,
        items: &str,
        total: Option<&str>,
        echo: Option<&str>,
    ) -> Option<Pagination> {
        let Some(TypeRef::Named(response_type)) = response.ty else {
            self.error(
                at,
                "a paged operation needs an object schema for its success response",
            );
            return None;
        };
        if !matches!(self.types[response_type].kind, TypeKind::Struct { .. }) {
            self.error(
                at,
                "a paged operation needs an object schema for its success response",
            );
            return None;
        }
        let (items, item_type) = match self.response_path(response_type, items) {
            Some((path, TypeRef::Array(item))) => (path, *item),
            _ => {
                self.error(&format!("{at}/items"), format!("`items: {items}` must point at an array property of the response (`/<property>`, or `/<object>/<property>` at any depth)"));
                return None;
            }
        };
        let integer_field = |this: &mut Self, role: &str, pointer: Option<&str>| {
            let t = pointer?;
            match this.response_path(response_type, t) {
                Some((path, ty @ (TypeRef::I32 | TypeRef::I64))) => Some(PageField { path, ty }),
                _ => {
                    this.error(
                        &format!("{at}/{role}"),
                        format!("`{role}: {t}` must point at an integer property of the response"),
                    );
                    None
                }
            }
        };
        let total_field = integer_field(self, "total", total);
        let echo_field = integer_field(self, "page-echo", echo);
        Some(Pagination {
            style,
            index,
            echo_field,
            response_type,
            items,
            item_type,
            total_field,
        })
    }

    /// The fields a JSON pointer (`/Data/Items`) names from the response type through
    /// nested objects, and the type it ends at; `None` when a step names no property of
    /// an object schema.
    fn response_path(
        &self,
        response_type: crate::ir::TypeId,
        pointer: &str,
    ) -> Option<(Vec<PathStep>, TypeRef)> {
        let rest = pointer.strip_prefix('/')?;
        let mut current = TypeRef::Named(response_type);
        let mut path = Vec::new();
        for token in rest.split('/') {
            let name = token.replace("~1", "/").replace("~0", "~");
            let TypeRef::Named(id) = current else {
                return None;
            };
            let TypeKind::Struct { fields } = &self.types[id].kind else {
                return None;
            };
            let field: &Field = fields.iter().find(|f| f.wire_name == name)?;
            path.push(PathStep {
                name: field.rust_name.clone(),
                optional: field.optional,
            });
            current = field.ty.clone();
        }
        Some((path, current))
    }
}

/// A parameter's `default` as a `u64`.
fn as_u64(text: Option<&String>) -> Option<u64> {
    text.and_then(|t| t.parse::<u64>().ok())
}

/// A parameter's `maximum`, if it is a whole number of at least 1.
fn maximum(param: &Param) -> Option<u64> {
    param
        .constraints
        .maximum
        .filter(|max| *max >= 1.0 && max.fract() == 0.0)
        .map(|max| max as u64)
}
