//! Paths and operations: names, parameters (path-level ones merged in), request body,
//! RPC action, responses, pagination, security and servers of each (the rule for
//! operations that share a method and URL is `shared.rs`'s).

use std::collections::BTreeMap;

use openapiv3::{Parameter, ReferenceOr};

use super::params::param_key;
use super::shared::UrlUser;
use super::{
    clean, with_external_docs, Lowerer, PRELUDE, RESERVED_ITEMS, RESERVED_METHODS, RESERVED_SETTERS,
};
use crate::diagnostics::escape_token;
use crate::extensions::X_RPC_ACTION;
use crate::ir::{BodyKind, Location, Method, Operation, Param, RpcAction, TypeRef};
use crate::names::{Ident, Scope};

/// What one operation is lowered from.
struct OpInput<'a, 'o> {
    id: &'o str,
    method_name: Ident,
    builder_name: Ident,
    method: Method,
    path: &'o str,
    /// The path key's fragment (after `#`).
    fragment: Option<&'o str>,
    item: &'a openapiv3::PathItem,
    op: &'a openapiv3::Operation,
    pointer: &'o str,
}

impl<'a> Lowerer<'a, '_> {
    /// Every operation, in spec order.
    pub(super) fn operations(&mut self) -> Vec<Operation> {
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
                    // Bundling copies in every path item it can follow, and reports
                    // one it cannot at the same `$ref` (the report is kept once).
                    self.error(
                        &format!("{path_pointer}/$ref"),
                        format!("path item `$ref: {reference}` could not be followed"),
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
            let (path, fragment) = match key.split_once('#') {
                Some((path, fragment)) => (path.to_owned(), Some(fragment)),
                None => (key.clone(), None),
            };
            if !path.starts_with('/') {
                self.error(&path_pointer, format!("path `{key}` must start with `/`"));
            }
            for (verb, op) in item.iter() {
                let pointer = format!("{path_pointer}/{verb}");
                let Some(method) = method_of(verb) else {
                    continue;
                };
                let id = match op.operation_id.clone() {
                    Some(id) if !id.trim().is_empty() => id,
                    _ => {
                        let id = derived_id(verb, key);
                        self.warn(
                            &pointer,
                            format!("the operation has no `operationId`: it is named `{id}` after its method and path"),
                        );
                        id
                    }
                };
                let method_name = methods.claim(Ident::snake(&id));
                let builder_name = builders.claim(Ident::pascal(&id));
                let (lowered, told_apart) = self.operation(OpInput {
                    id: &id,
                    method_name,
                    builder_name,
                    method,
                    path: &path,
                    fragment,
                    item,
                    op,
                    pointer: &pointer,
                });
                by_url
                    .entry((verb.to_owned(), path.clone()))
                    .or_default()
                    .push(UrlUser {
                        id: id.clone(),
                        told_apart,
                        pointer: pointer.clone(),
                    });
                out.push(lowered);
            }
        }
        self.check_shared_urls(by_url);
        // Error code enums share the builders' namespace: named after every builder
        // claimed its name, so an operation called `FooErrorCode` keeps its own.
        for op in &mut out {
            if !op.error_codes.is_empty() {
                let name = Ident::pascal(&format!("{}ErrorCode", op.builder_name.as_str()));
                op.error_code_enum = Some(builders.claim(name));
            }
        }
        out
    }

    /// One operation, and what tells it apart from others on its method and URL (see
    /// `shared.rs`).
    fn operation(&mut self, input: OpInput<'a, '_>) -> (Operation, Option<RpcAction>) {
        let OpInput {
            id,
            method_name,
            builder_name,
            method,
            path,
            fragment,
            item,
            op,
            pointer,
        } = input;
        let mut setters = Scope::with_reserved(RESERVED_SETTERS);
        let mut params = Vec::new();

        // Path-level parameters first, replaced by operation parameters of the same name and place.
        let mut merged: Vec<(&'a ReferenceOr<Parameter>, String)> = Vec::new();
        let resolve_key = |l: &Self, p: &ReferenceOr<Parameter>| {
            l.refs.parameter(p).ok().map(|(p, _)| param_key(p))
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
            let key = resolve_key(self, p);
            merged.retain(|(q, _)| key.is_none() || resolve_key(self, q) != key);
            merged.push((p, format!("{pointer}/parameters/{i}")));
        }
        for (p, p_pointer) in merged {
            let (param, at) = match self.refs.parameter(p) {
                Ok((param, component)) => (param, component.unwrap_or(p_pointer)),
                Err(m) => {
                    self.error(&format!("{p_pointer}/$ref"), m);
                    continue;
                }
            };
            if let Some(lowered) = self.parameter(param, &builder_name, &at, &mut setters) {
                params.push(lowered);
            }
        }

        // Path placeholders and path parameters must match.
        let in_path = placeholders(path);
        for placeholder in &in_path {
            if !params
                .iter()
                .any(|p| p.location == Location::Path && &p.wire_name == placeholder)
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
            if !in_path.contains(&p.wire_name) {
                self.error(
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in `{path}`",
                        p.wire_name
                    ),
                );
            }
        }

        let mut rpc_action = self.rpc_action(&op.extensions, pointer);
        let mut body = None;
        let mut content_type = None;
        if let Some(rb) = &op.request_body {
            let rb_pointer = format!("{pointer}/requestBody");
            match self.refs.request_body(rb) {
                Ok((rb, component)) => {
                    let at = component.unwrap_or(rb_pointer);
                    if let Some((kind, media)) =
                        self.body(rb, &builder_name, &at, &mut setters, &mut params)
                    {
                        body = Some(kind);
                        content_type = media;
                    }
                }
                Err(m) => self.error(&format!("{rb_pointer}/$ref"), m),
            }
        }
        let mut told_apart = rpc_action.clone();
        if let (None, Some(fragment)) = (&rpc_action, fragment) {
            (rpc_action, told_apart) = self.fragment_action(fragment, &params, body, pointer);
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
                    &format!("{pointer}/{X_RPC_ACTION}"),
                    format!("`{X_RPC_ACTION}` goes in a body of another media type than the request body"),
                ),
                _ => {}
            }
            if params.iter().any(|p| {
                p.location == action.location
                    && if p.location == Location::Header {
                        p.wire_name.eq_ignore_ascii_case(&action.name)
                    } else {
                        p.wire_name == action.name
                    }
            }) {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}"),
                    format!(
                        "`{}` is the RPC action parameter: do not declare it as a parameter too",
                        action.name
                    ),
                );
            }
        }

        mark_arguments(&mut params);
        let (response, examples, error_bodies) =
            self.responses(&op.responses, builder_name.as_str(), pointer);
        let envelope = self.envelope(&op.extensions, pointer);
        let error_codes = self.error_codes(&op.extensions, pointer);
        let pagination = self.pagination(&op.extensions, pointer, &params, body, &response);
        let records = self.records(&op.extensions, pointer, pagination.is_some(), &response);
        let record = match (&pagination, &records) {
            (Some(p), _) => Some(&p.item_type),
            (None, Some(r)) => Some(&r.item),
            (None, None) => match &response.ty {
                Some(TypeRef::Array(inner)) => Some(&**inner),
                other => other.as_ref(),
            },
        };
        let record_key = self.record_key(&op.extensions, pointer, record);
        let period = self.period(&op.extensions, pointer, &params);
        let focus = self.focus(&op.extensions, pointer, record);
        let idempotent = self.idempotent(
            &op.extensions,
            pointer,
            !matches!(method, Method::Post | Method::Patch),
        );
        let secret_response = response
            .ty
            .as_ref()
            .is_some_and(|ty| self.contains_secret(ty));
        let requirements = op.security.as_ref().or(self.doc.security.as_ref());
        let declared_at = if op.security.is_some() { pointer } else { "" };
        let (security, public) = self.security(requirements, declared_at);
        let server = self.own_server(op, item, pointer);

        let operation = Operation {
            id: id.to_owned(),
            method_name,
            builder_name,
            summary: clean(op.summary.as_deref()),
            description: with_external_docs(op.description.as_deref(), op.external_docs.as_ref()),
            deprecated: op.deprecated,
            http_method: method,
            path: path.to_owned(),
            server,
            rpc_action,
            params,
            body,
            content_type,
            response,
            examples,
            error_bodies,
            envelope,
            pagination,
            security,
            public,
            idempotent,
            secret_response,
            error_codes,
            error_code_enum: None,
            record_key,
            period,
            focus,
            records,
        };
        (operation, told_apart)
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

/// An operation name for an operation without `operationId`: its method and the words
/// of its path key (`GET /pets/{id}` is `get_pets_id`, `GET /files/{id}#shared` is
/// `get_files_id_shared`).
fn derived_id(verb: &str, key: &str) -> String {
    let mut id = verb.to_owned();
    for segment in key.split(['/', '#']).filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(segment.trim_start_matches('{').trim_end_matches('}'));
    }
    id
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

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn operations_without_id_are_named_by_method_and_path() {
        assert_eq!(super::derived_id("get", "/pets/{petId}"), "get_pets_petId");
        assert_eq!(super::derived_id("post", "/"), "post");
        assert_eq!(
            super::derived_id("get", "/files/{file_id}#get_shared_link"),
            "get_files_file_id_get_shared_link"
        );
    }

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

/// Which required parameters are arguments of the client method: all of them, unless
/// two could trade places without the compiler noticing (two texts, two integers, two
/// values of one type); then none are, and each has a named setter instead
/// (`login().username(..).password(..)`, never `login(csrf, username, password)`).
fn mark_arguments(params: &mut [Param]) {
    let required = || params.iter().filter(|p| p.required && p.constant.is_none());
    let classes: Vec<Swap<'_>> = required().map(|p| swap_class(&p.ty)).collect();
    let ambiguous = classes
        .iter()
        .enumerate()
        .any(|(i, c)| classes[..i].contains(c));
    for p in params.iter_mut() {
        p.argument = p.required && p.constant.is_none() && !ambiguous;
    }
}

/// The values a caller could pass for one another: a string literal converts into
/// `String` and `Secret` alike, an integer literal into `i32` and `i64`.
#[derive(PartialEq)]
enum Swap<'t> {
    Text,
    Integer,
    Other(&'t TypeRef),
}

fn swap_class(ty: &TypeRef) -> Swap<'_> {
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Date(_) => Swap::Text,
        TypeRef::I32 | TypeRef::I64 => Swap::Integer,
        other => Swap::Other(other),
    }
}
