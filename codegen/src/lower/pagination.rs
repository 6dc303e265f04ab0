//! `x-pagination`: the paging style of an operation, parsed into a typed value at its
//! pointer and checked against the operation's parameters, request body and success
//! response (`docs/spec-extensions.md`, "x-pagination").

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::Lowerer;
use crate::extensions::{PAGING_STYLES, X_PAGINATION};
use crate::ir::{
    BodyKind, Field, Location, PageField, Pagination, PagingStyle, Param, PathStep,
    SuccessResponse, TypeKind, TypeRef,
};

/// `x-pagination`: the keys of the style `style` names (one of
/// [`PAGING_STYLES`], which `pagination` checks first, to say so at `style`'s line).
#[derive(Deserialize)]
#[serde(tag = "style", rename_all = "kebab-case")]
enum PaginationExt {
    PageNumber(PageNumberExt),
    Offset(OffsetExt),
    Cursor(CursorExt),
    NextLink(NextLinkExt),
}

/// The keys of `x-pagination` with `style: style` (one of [`PAGING_STYLES`]) besides
/// `style`, as the style's type declares them.
pub(crate) fn paging_keys(style: &'static str) -> Vec<String> {
    crate::probe::keys::<PaginationExt>("style", style)
}

/// `x-pagination` with `style: page-number`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PageNumberExt {
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
    token: String,
    #[serde(default)]
    token_in: Option<String>,
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
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    next_header: Option<String>,
    items: String,
    #[serde(default)]
    total: Option<String>,
}

impl Lowerer<'_, '_> {
    /// `x-pagination` of an operation, checked against its parameters and success
    /// response.
    pub(super) fn pagination(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        params: &[Param],
        body: Option<BodyKind>,
        response: &SuccessResponse,
    ) -> Option<Pagination> {
        let value = extensions.get(X_PAGINATION)?;
        let at = format!("{pointer}/{X_PAGINATION}");
        let style = value.get("style").and_then(Value::as_str).unwrap_or("");
        if !PAGING_STYLES.contains(&style) {
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
            return None;
        }
        match self.extension(extensions, X_PAGINATION, pointer)? {
            PaginationExt::PageNumber(ext) => {
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
            PaginationExt::Offset(ext) => {
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
            PaginationExt::Cursor(ext) => self.cursor_pagination(&at, params, body, response, ext),
            PaginationExt::NextLink(ext) => {
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
        }
    }

    /// `style: cursor`: the token parameter (`cursor_token`), where the next token comes
    /// from (`next`, a body pointer to a string, or `next-header`; exactly one), and the
    /// response side every style shares.
    fn cursor_pagination(
        &mut self,
        at: &str,
        params: &[Param],
        body: Option<BodyKind>,
        response: &SuccessResponse,
        ext: CursorExt,
    ) -> Option<Pagination> {
        let token = self.cursor_token(at, params, body, &ext);
        if ext.next.is_some() == ext.next_header.is_some() {
            self.error(
                at,
                "a cursor style needs exactly one of `next` (a JSON pointer to the next token in the body) and `next-header` (a response header carrying it)",
            );
            return None;
        }
        let (token_in, token) = token?;
        let style = PagingStyle::Cursor {
            token_param: ext.token.clone(),
            token_in,
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

    /// Where the token of `style: cursor` goes (`token-in`: [`Location::Query`],
    /// [`Location::Header`] or [`Location::Json`]) and the parameter `token` names
    /// there: an optional string (a top-level property of an object JSON body for
    /// `token-in: body`), which the stream sets for each page.
    fn cursor_token(
        &mut self,
        at: &str,
        params: &[Param],
        body: Option<BodyKind>,
        ext: &CursorExt,
    ) -> Option<(Location, Param)> {
        let name = &ext.token;
        let token_in = match ext.token_in.as_deref() {
            None | Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("body") => Location::Json,
            Some(other) => {
                self.error(
                    &format!("{at}/token-in"),
                    format!("`token-in: {other}`: the token goes in the `query` (the default), a `header` or the JSON `body`"),
                );
                return None;
            }
        };
        if token_in == Location::Json {
            let problem = match body {
                None => Some("this operation has no request body"),
                Some(BodyKind::Json) if params.iter().any(|p| p.location == Location::Body) => {
                    Some("its schema is not an object of properties")
                }
                Some(BodyKind::Json) => None,
                Some(_) => Some("this operation's request body is not JSON"),
            };
            if let Some(problem) = problem {
                self.error(
                    &format!("{at}/token-in"),
                    format!("`token-in: body` needs a JSON request body whose top-level properties include `{name}`: {problem}"),
                );
                return None;
            }
        }
        let noun = token_noun(token_in);
        // Header names are case-insensitive.
        let named = |p: &&Param| match token_in {
            Location::Header => p.wire_name.eq_ignore_ascii_case(name),
            _ => &p.wire_name == name,
        };
        let message = match params
            .iter()
            .filter(named)
            .find(|p| p.location == token_in)
        {
            Some(p) if p.ty == TypeRef::String && !p.required => {
                return Some((token_in, p.clone()))
            }
            Some(p) if p.required => {
                format!("`token: {name}` must name an optional {noun}: the stream sets it")
            }
            Some(_) => format!("`token: {name}` must name a string {noun}"),
            None => match params.iter().find(|p| &p.wire_name == name) {
                Some(p) => match token_in_word(p.location) {
                    Some(word) => format!(
                        "`token: {name}` names a {}, not a {noun}: set `token-in: {word}`",
                        token_noun(p.location)
                    ),
                    None => format!(
                        "`token: {name}` names a {} parameter: the token goes in the query, a header or the JSON body (`token-in`)",
                        p.location.describe()
                    ),
                },
                None if token_in == Location::Json => {
                    format!("`token: {name}` names no top-level property of the JSON request body")
                }
                None => format!("`token: {name}` names no parameter of this operation"),
            },
        };
        self.error(&format!("{at}/token"), message);
        None
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

/// What the token of `style: cursor` is where it goes, as messages name it.
fn token_noun(location: Location) -> &'static str {
    match location {
        Location::Query => "parameter in the query",
        Location::Header => "header parameter",
        _ => "property of the JSON request body",
    }
}

/// The `token-in` value that sends a token to `location`, if one does.
fn token_in_word(location: Location) -> Option<&'static str> {
    match location {
        Location::Query => Some("query"),
        Location::Header => Some("header"),
        Location::Json => Some("body"),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every style `pagination` accepts by name is a variant the keys are read as.
    #[test]
    fn every_paging_style_is_a_variant() {
        for style in PAGING_STYLES {
            let value = serde_json::json!({ "style": style });
            let error = match PaginationExt::deserialize(&value) {
                Ok(_) => continue,
                Err(error) => error.to_string(),
            };
            assert!(error.starts_with("missing field"), "`{style}`: {error}");
        }
    }
}
