//! Request builders: one per operation, with its setters, options, validation, `send`
//! and the request it builds.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::pages::emit_pagination_const;
use super::types::{constraint_notes, ref_doc};
use super::{docs, emit_envelope, float, ident, module_type, paragraphs, raw_string, settable};
use crate::ir::{
    Api, BodyKind, DateFormat, Location, Method, Operation, PagingStyle, Param, ParamStyle,
    TypeKind, TypeRef, Types,
};

/// The stored type of a parameter in its builder.
pub(super) fn stored_type(types: &Types, p: &Param) -> TokenStream {
    let t = module_type(types, &p.ty);
    if p.argument {
        t
    } else {
        quote! { Option<#t> }
    }
}

/// The argument type a setter takes.
pub(super) fn setter_type(types: &Types, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote! { impl Into<String> },
        TypeRef::Secret => quote! { impl Into<meterage_runtime::Secret> },
        TypeRef::Bytes => quote! { impl Into<meterage_runtime::Bytes> },
        TypeRef::Decimal => quote! { impl Into<meterage_runtime::Decimal> },
        TypeRef::Date(_) => {
            let t = module_type(types, t);
            quote! { impl Into<#t> }
        }
        TypeRef::Array(inner) => match **inner {
            TypeRef::String => quote! { impl IntoIterator<Item = impl Into<String>> },
            _ => {
                let inner = module_type(types, inner);
                quote! { impl IntoIterator<Item = #inner> }
            }
        },
        other => module_type(types, other),
    }
}

/// Converts a setter argument to its stored type.
pub(super) fn setter_conversion(t: &TypeRef, value: TokenStream) -> TokenStream {
    match t {
        TypeRef::String
        | TypeRef::Secret
        | TypeRef::Bytes
        | TypeRef::Decimal
        | TypeRef::Date(_) => {
            quote! { #value.into() }
        }
        TypeRef::Array(inner) if **inner == TypeRef::String => {
            quote! { #value.into_iter().map(Into::into).collect() }
        }
        TypeRef::Array(_) => quote! { #value.into_iter().collect() },
        _ => value,
    }
}

/// The docs of parameter `p`'s setter; `runtime` is the path a consumer names the
/// runtime by (`meterage_clients::runtime`).
pub(super) fn param_doc(types: &Types, p: &Param, runtime: &str) -> String {
    // A parameter without a description of its own, given by `$ref`: the named type's.
    let own = p.doc.clone().or_else(|| ref_doc(types, &p.ty, "types::"));
    let mut wire = format!("Sent as `{}` in the {}", p.wire_name, p.location.describe());
    if let Some(d) = &p.default {
        wire.push_str(&format!("; the server's default is `{d}`"));
    }
    wire.push('.');
    match (p.allow_reserved, p.location) {
        (true, Location::Path) => wire.push_str(" Reserved characters are sent as they are, so the value may span segments (`a/b/c`); a `/` at either end next to one of the path's own is dropped, and an empty, `.` or `..` segment is refused before sending."),
        (true, _) => wire.push_str(" Reserved characters are sent as they are, except `&`, `=`, `+`, `'`, `#`, `[` and `]`."),
        _ => {}
    }
    let notes = constraint_notes(&p.constraints);
    let notes = (!notes.is_empty()).then(|| format!("Must be {}.", notes.join(", ")));
    let date = date_format(&p.ty).map(|f| {
        format!(
            "Text formatted `{}`, or a value of the `time` crate (`{runtime}::time`), which is formatted exactly.",
            f.text()
        )
    });
    paragraphs([
        own.as_deref(),
        Some(wire.as_str()),
        notes.as_deref(),
        date.as_deref(),
    ])
}

/// The date format of a date parameter, or of the items of an array of dates.
fn date_format(t: &TypeRef) -> Option<DateFormat> {
    match t {
        TypeRef::Date(f) => Some(*f),
        TypeRef::Array(inner) => date_format(inner),
        _ => None,
    }
}

/// The builder of `op`; `runtime` is the path a consumer names the runtime by, for docs.
pub(super) fn emit_operation(api: &Api, op: &Operation, runtime: &str) -> TokenStream {
    let builder = ident(&op.builder_name);
    let builder_doc = docs(&format!(
        "A request to [`Client::{}`]: set optional parameters, then `.send().await`.",
        op.method_name.as_str()
    ));
    let fields = settable(op).map(|p| {
        let n = ident(&p.rust_name);
        let t = stored_type(&api.types, p);
        quote! { #n: #t, }
    });
    let setters = settable(op).filter(|p| !p.argument).map(|p| {
        let n = ident(&p.rust_name);
        let t = setter_type(&api.types, &p.ty);
        let v = setter_conversion(&p.ty, quote! { value });
        let doc = docs(&param_doc(&api.types, p, runtime));
        quote! {
            #doc
            pub fn #n(mut self, value: #t) -> Self {
                self.#n = Some(#v);
                self
            }
        }
    });
    let operation = emit_operation_const(api, op);
    let pagination = op.pagination.as_ref().map(emit_pagination_const);
    let paging = op.pagination.as_ref().map(|_| emit_paging_methods(op));
    let focus = op
        .focus
        .as_ref()
        .map(|map| super::focus::emit_focus(op, map));
    let validate = emit_validate(op, runtime);
    let build = emit_request(api, op);
    let response_ty = success_type(api, op);
    let send_fn = match &op.response.ty {
        Some(_) => quote! { send },
        None => quote! { send_without_body },
    };
    let decoded = match (&op.response.ty, &op.response.empty) {
        (Some(_), Some(empty)) => format!(
            "decodes the HTTP {} response: `Some(body)`, or `None` when the server answers {empty} without content (the response then dereferences to `None`; its status and headers are still there)",
            op.response.status
        ),
        _ => format!("decodes the HTTP {} response", op.response.status),
    };
    let send_doc = docs(&format!(
        "Checks the parameters (unless the client's request validation is off), sends the request and {decoded}.\n\n# Errors\n\n`Validation` when a parameter breaks a documented constraint (nothing is sent), `Api` when the server answers with an error (status, vendor code and message), `Transport`, `Auth` or `Decode` otherwise."
    ));
    let send_raw_doc = docs("Like `send`, but answers the body's bytes as the server sent them, undecoded; errors as `send`'s, without `Decode`.");
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #builder {
            client: Client,
            options: meterage_runtime::CallOptions,
            #(#fields)*
        }

        impl #builder {
            #operation
            #pagination

            #(#setters)*

            /// Timeouts and retries for this call, overriding the client's defaults.
            pub fn options(mut self, options: meterage_runtime::CallOptions) -> Self {
                self.options = options;
                self
            }

            #validate

            #send_doc
            pub fn send(self) -> impl meterage_runtime::call::Sending<#response_ty> {
                meterage_runtime::call::#send_fn(self)
            }

            #send_raw_doc
            pub fn send_raw(self) -> impl meterage_runtime::call::Sending<meterage_runtime::Bytes> {
                meterage_runtime::call::send_raw(self)
            }

            #paging

            #focus
        }

        impl meterage_runtime::call::Call for #builder {
            type Output = #response_ty;

            fn client(&self) -> &meterage_runtime::Client {
                &self.client.inner
            }

            fn validate(&self) -> Result<(), meterage_runtime::Error> {
                Self::validate(self)
            }

            fn request(&self) -> meterage_runtime::Request {
                #build
            }
        }
    }
}

/// What `send` returns in its `Response`: the success body's type, `Option` of it when
/// a documented 2xx answer has no content, `()` when there is no body to decode.
pub(super) fn success_type(api: &Api, op: &Operation) -> TokenStream {
    match (&op.response.ty, &op.response.empty) {
        (Some(t), Some(_)) => {
            let t = module_type(&api.types, t);
            quote! { Option<#t> }
        }
        (Some(t), None) => module_type(&api.types, t),
        (None, _) => quote! { () },
    }
}

/// `pages()` and `items()` of a paged operation's builder.
fn emit_paging_methods(op: &Operation) -> TokenStream {
    let empty = match (&op.response.ty, &op.response.empty) {
        (Some(_), Some(status)) => {
            format!(" An answer without content ({status}) is an empty page, `None`, and the last.")
        }
        _ => String::new(),
    };
    let (from, ahead, position, until) = match op.pagination.as_ref().map(|p| &p.style) {
        Some(PagingStyle::Offset { .. }) => (
            "from the offset set here (else 0)",
            "one at a time, each from the offset where the items of the page before end (`.prefetch(n)` fetches nothing ahead: the next offset is known only from the page before)",
            "offset",
            "the declared total, a short or an empty page",
        ),
        Some(PagingStyle::NextLink { .. }) => (
            "from the first page",
            "one at a time, each at the link the page before gave, relative to the request or absolute, on the same server and with the same credentials (`.prefetch(n)` fetches nothing ahead: the next link comes with the page before)",
            "link",
            "a page without a next link; a link to another server, to the page itself (after one more try) or to a page already fetched ends it with `Error::Pagination`",
        ),
        Some(PagingStyle::Cursor { .. }) => (
            "from the token set here (else the first page)",
            "one at a time, each asked with the token the page before gave (`.prefetch(n)` fetches nothing ahead: the next token comes with the page before)",
            "token",
            "a page without a next token (none, or an empty one); a token that repeats the one sent, or one an earlier page was asked with, ends it with `Error::Pagination` rather than a loop",
        ),
        _ => (
            "from the page set here (else the first)",
            "one at a time (`.prefetch(n)` fetches ahead)",
            "number",
            "the declared total, a short or an empty page",
        ),
    };
    let pages_doc = docs(&format!(
        "Every page, {from}, as a stream: pages are fetched as the stream is read, {ahead}, until {until}.{empty} A page the server repeats is fetched again, never yielded twice. Each page keeps its {position}, status, headers and request id.\n\n# Errors\n\nThe stream yields the error of a page that failed for good (after the client's retries) and ends; see `send` for the kinds, and `Error::Pagination` for a server that keeps repeating a page.",
    ));
    let items_doc = docs(&format!(
        "Every item of every page, in server order, as a stream (see [`{}::pages`]): memory holds one page at a time.\n\n# Errors\n\nAs `pages`.",
        op.builder_name.as_str()
    ));
    quote! {
        #pages_doc
        pub fn pages(self) -> meterage_runtime::pagination::Pages<Self> {
            meterage_runtime::pagination::Paginate::pages(self)
        }

        #items_doc
        pub fn items(self) -> meterage_runtime::pagination::Items<Self> {
            meterage_runtime::pagination::Paginate::items(self)
        }
    }
}

pub(super) fn emit_operation_const(api: &Api, op: &Operation) -> TokenStream {
    let id = &op.id;
    let method = format_ident!(
        "{}",
        match op.http_method {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
            Method::Head => "Head",
            Method::Options => "Options",
        }
    );
    let path = &op.path;
    let success = Literal::u16_unsuffixed(op.response.status);
    let public = op.public;
    let idempotent = op.idempotent;
    let secret_response = op.secret_response;
    let server = match &op.server {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    };
    let envelope = match &op.envelope {
        Some(env) if *env != api.envelope => {
            let env = emit_envelope(env);
            quote! { &#env }
        }
        _ => quote! { &ERROR_ENVELOPE },
    };
    quote! {
        /// What this operation is: its id, method, path, server and error envelope.
        pub const OPERATION: meterage_runtime::Operation = meterage_runtime::Operation {
            id: #id,
            method: meterage_runtime::Method::#method,
            success: #success,
            public: #public,
            idempotent: #idempotent,
            secret_response: #secret_response,
            path: #path,
            server: #server,
            envelope: #envelope,
        };
    }
}

pub(super) fn emit_validate(op: &Operation, runtime: &str) -> TokenStream {
    let mut statics = Vec::new();
    let mut checks = Vec::new();
    // The wire names of the parameters checked, for the docs.
    let mut listed = Vec::new();
    for p in settable(op) {
        let n = ident(&p.rust_name);
        let wire = &p.wire_name;
        let unset = p.required && !p.argument;
        if unset {
            checks.push(quote! { v.required(#wire, self.#n.is_some()); });
        }
        let calls = constraint_calls(p, &mut statics);
        if unset || !calls.is_empty() {
            listed.push(format!("`{wire}`"));
        }
        if calls.is_empty() {
            continue;
        }
        checks.push(if p.argument {
            quote! { { let value = &self.#n; #(#calls)* } }
        } else {
            quote! { if let Some(value) = &self.#n { #(#calls)* } }
        });
    }
    if checks.is_empty() {
        let doc = docs("The spec documents no constraint on this operation's parameters, so there is nothing to check: always `Ok`. (Kept so that every request builder answers `validate()`.)\n\n# Errors\n\nNone.");
        return quote! {
            #doc
            pub fn validate(&self) -> Result<(), meterage_runtime::Error> {
                Ok(())
            }
        };
    }
    let doc = docs(&format!(
        "Checks every documented constraint on the parameters set so far ({}), reporting all violations together; `send` calls it first.\n\n# Errors\n\n`{runtime}::Error::Validation` naming each parameter, its limit and its value.",
        listed.join(", ")
    ));
    quote! {
        #doc
        pub fn validate(&self) -> Result<(), meterage_runtime::Error> {
            #(#statics)*
            let mut v = meterage_runtime::Validator::new(&Self::OPERATION);
            #(#checks)*
            v.finish()
        }
    }
}

/// The checks of one parameter's value (bound as `value`), and the `static` patterns
/// they use, pushed onto `statics`.
fn constraint_calls(p: &Param, statics: &mut Vec<TokenStream>) -> Vec<TokenStream> {
    let wire = &p.wire_name;
    let c = &p.constraints;
    let mut calls = Vec::new();
    let c_min_length = c.min_length.map(Literal::u64_unsuffixed);
    let c_max_length = c.max_length.map(Literal::u64_unsuffixed);
    let c_min_items = c.min_items.map(Literal::u64_unsuffixed);
    let c_max_items = c.max_items.map(Literal::u64_unsuffixed);
    let mut pattern = |text: TokenStream, format: Option<&DateFormat>| {
        let upper = p.rust_name.as_str().to_ascii_uppercase();
        let name = if upper.is_ascii() {
            format_ident!("{upper}_PATTERN")
        } else {
            format_ident!("PATTERN_{}", statics.len())
        };
        let format_name = format.map(|f| format_ident!("{}", f.type_name()));
        match (&c.pattern, &format_name) {
            (Some(source), _) => {
                let source = raw_string(source);
                let named = match &format_name {
                    Some(f) => quote! { Some(meterage_runtime::dates::#f::FORMAT) },
                    None => quote! { None },
                };
                statics.push(quote! {
                    static #name: meterage_runtime::validate::Pattern =
                        meterage_runtime::validate::Pattern::new(#source, #named);
                });
                Some(quote! { v.pattern(#wire, #text, &#name); })
            }
            (None, Some(f)) => {
                Some(quote! { v.pattern(#wire, #text, meterage_runtime::dates::#f::pattern()); })
            }
            (None, None) => None,
        }
    };
    match &p.ty {
        TypeRef::String => {
            if let Some(m) = &c_min_length {
                calls.push(quote! { v.min_length(#wire, value, #m); });
            }
            if let Some(m) = &c_max_length {
                calls.push(quote! { v.max_length(#wire, value, #m); });
            }
            calls.extend(pattern(quote! { value }, None));
        }
        TypeRef::Date(format) => {
            if let Some(m) = &c_min_length {
                calls.push(quote! { v.min_length(#wire, value.as_str(), #m); });
            }
            if let Some(m) = &c_max_length {
                calls.push(quote! { v.max_length(#wire, value.as_str(), #m); });
            }
            calls.extend(pattern(quote! { value.as_str() }, Some(format)));
        }
        TypeRef::Secret => {
            if let Some(m) = &c_min_length {
                calls.push(quote! { v.min_length_secret(#wire, value, #m); });
            }
            if let Some(m) = &c_max_length {
                calls.push(quote! { v.max_length_secret(#wire, value, #m); });
            }
        }
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Decimal => {
            let number = match p.ty {
                TypeRef::F64 => quote! { *value },
                TypeRef::Decimal => quote! { number },
                _ => quote! { *value as f64 },
            };
            let mut bounds = Vec::new();
            if let Some(m) = c.minimum {
                let m = float(m);
                bounds.push(if c.exclusive_minimum {
                    quote! { v.exclusive_minimum(#wire, #number, #m); }
                } else {
                    quote! { v.minimum(#wire, #number, #m); }
                });
            }
            if let Some(m) = c.maximum {
                let m = float(m);
                bounds.push(if c.exclusive_maximum {
                    quote! { v.exclusive_maximum(#wire, #number, #m); }
                } else {
                    quote! { v.maximum(#wire, #number, #m); }
                });
            }
            if matches!(p.ty, TypeRef::Decimal) && !bounds.is_empty() {
                calls.push(quote! { if let Some(number) = value.to_f64() { #(#bounds)* } });
            } else {
                calls.extend(bounds);
            }
        }
        TypeRef::Array(_) => {
            if let Some(m) = &c_min_items {
                calls.push(quote! { v.min_items(#wire, value.len(), #m); });
            }
            if let Some(m) = &c_max_items {
                calls.push(quote! { v.max_items(#wire, value.len(), #m); });
            }
        }
        _ => {}
    }
    calls
}

/// Whether a value of `t` is one [`meterage_runtime::ToParam`] value (a scalar or a
/// string enum).
fn is_scalar(types: &Types, t: &TypeRef) -> bool {
    match t {
        TypeRef::String
        | TypeRef::Secret
        | TypeRef::Decimal
        | TypeRef::Date(_)
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F64 => true,
        TypeRef::Named(id) => matches!(types[*id].kind, TypeKind::Enum { .. }),
        _ => false,
    }
}

/// The runtime `Style` of a parameter.
fn style_tokens(p: &Param) -> TokenStream {
    let style = match (p.style, p.explode) {
        (ParamStyle::Form, true) => quote! { FormExploded },
        (ParamStyle::Form, false) => quote! { Form },
        (ParamStyle::Simple, true) => quote! { SimpleExploded },
        (ParamStyle::Simple, false) => quote! { Simple },
        (ParamStyle::SpaceDelimited, _) => quote! { SpaceDelimited },
        (ParamStyle::PipeDelimited, _) => quote! { PipeDelimited },
        (ParamStyle::DeepObject, _) => quote! { DeepObject },
        (ParamStyle::Json, _) => quote! { Json },
    };
    quote! { meterage_runtime::request::Style::#style }
}

/// A call taking the parameter's value as `v`, required or not.
fn with_value(p: &Param, call: impl Fn(TokenStream) -> TokenStream) -> TokenStream {
    let n = ident(&p.rust_name);
    if p.argument {
        call(quote! { &self.#n })
    } else {
        let call = call(quote! { value });
        quote! { if let Some(value) = &self.#n { #call } }
    }
}

/// `meterage_runtime::request::Encoding::AllowReserved`.
fn allow_reserved() -> TokenStream {
    quote! { meterage_runtime::request::Encoding::AllowReserved }
}

/// The call that puts a path or query parameter that keeps reserved characters
/// (`allowReserved`, `x-ms-skip-url-encoding`) into the request: a scalar with
/// `path_param_as` or `query_as`, anything else (arrays in every style, objects) with
/// `path_value_as` or `query_value_as`.
fn emit_reserved(types: &Types, p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    let encoding = allow_reserved();
    let path = p.location == Location::Path;
    if let Some(value) = &p.constant {
        return if path {
            quote! { request.path_param_as(#wire, #value, #encoding); }
        } else {
            quote! { request.query_as(#wire, #value, #encoding); }
        };
    }
    if is_scalar(types, &p.ty) {
        return if path {
            with_value(
                p,
                |v| quote! { request.path_param_as(#wire, #v, #encoding); },
            )
        } else {
            with_value(p, |v| quote! { request.query_as(#wire, #v, #encoding); })
        };
    }
    let style = style_tokens(p);
    if path {
        with_value(
            p,
            |v| quote! { request.path_value_as(#wire, #v, #style, #encoding); },
        )
    } else {
        with_value(
            p,
            |v| quote! { request.query_value_as(#wire, #v, #style, #encoding); },
        )
    }
}

/// The call that puts one parameter into the request.
fn emit_param(types: &Types, p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    if p.allow_reserved && matches!(p.location, Location::Path | Location::Query) {
        return emit_reserved(types, p);
    }
    if let Some(value) = &p.constant {
        return match p.location {
            Location::Query => quote! { request.query(#wire, #value); },
            Location::Header => quote! { request.header(#wire, #value); },
            Location::Form => quote! { request.form(#wire, #value); },
            Location::Json => quote! { request.json(#wire, #value); },
            Location::Path => quote! { request.path_param(#wire, #value); },
            Location::Cookie => quote! { request.cookie(#wire, #value); },
            Location::Multipart => quote! { request.part(#wire, #value); },
            Location::Body => quote! { request.json_value(#value); },
        };
    }
    let n = ident(&p.rust_name);
    let field = quote! { self.#n };
    let style = style_tokens(p);
    let scalar = is_scalar(types, &p.ty);
    let scalar_array = matches!(&p.ty, TypeRef::Array(inner) if is_scalar(types, inner));
    match p.location {
        Location::Body if p.ty == TypeRef::Bytes => with_value(
            p,
            |v| quote! { request.bytes_body(meterage_runtime::Bytes::clone(#v)); },
        ),
        Location::Body => with_value(p, |v| quote! { request.json_value(#v); }),
        Location::Json => {
            if p.argument {
                quote! { request.json(#wire, &#field); }
            } else {
                quote! { request.json_opt(#wire, &#field); }
            }
        }
        Location::Multipart => match &p.ty {
            TypeRef::Bytes => with_value(p, |v| quote! { request.part_file(#wire, #v); }),
            TypeRef::Array(inner) if **inner == TypeRef::Bytes => {
                with_value(p, |v| quote! { request.part_files(#wire, #v); })
            }
            _ if scalar => with_value(p, |v| quote! { request.part(#wire, #v); }),
            _ if scalar_array => with_value(p, |v| quote! { request.part_multi(#wire, #v); }),
            _ => with_value(p, |v| quote! { request.part_json(#wire, #v); }),
        },
        location if scalar => {
            let base = match location {
                Location::Path => "path_param",
                Location::Header => "header",
                Location::Form => "form",
                Location::Cookie => "cookie",
                _ => "query",
            };
            if p.argument {
                let m = format_ident!("{base}");
                quote! { request.#m(#wire, &#field); }
            } else if location == Location::Path {
                with_value(p, |v| quote! { request.path_param(#wire, #v); })
            } else {
                let m = format_ident!("{base}_opt");
                quote! { request.#m(#wire, &#field); }
            }
        }
        location if scalar_array && p.style != ParamStyle::Json => {
            let call = match (location, p.style, p.explode) {
                (Location::Query, ParamStyle::Form, true) => Some(quote! { query_multi }),
                (Location::Query, ParamStyle::Form, false) => Some(quote! { query_csv }),
                (Location::Header, _, _) => Some(quote! { header_csv }),
                (Location::Form, ParamStyle::Form, _) => Some(quote! { form_multi }),
                _ => None,
            };
            match (call, location, p.style) {
                (Some(m), ..) if p.argument => quote! { request.#m(#wire, &#field); },
                (Some(m), ..) => {
                    quote! { if let Some(values) = &#field { request.#m(#wire, values); } }
                }
                (None, Location::Query, ParamStyle::SpaceDelimited) => {
                    with_value(p, |v| quote! { request.query_joined(#wire, #v, ' '); })
                }
                (None, Location::Query, ParamStyle::PipeDelimited) => {
                    with_value(p, |v| quote! { request.query_joined(#wire, #v, '|'); })
                }
                _ => emit_value(p, &style),
            }
        }
        _ => emit_value(p, &style),
    }
}

/// A parameter of any serializable value, encoded in its style.
fn emit_value(p: &Param, style: &TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let m = match p.location {
        Location::Path => quote! { path_value },
        Location::Header => quote! { header_value },
        Location::Form => quote! { form_value },
        Location::Cookie => quote! { cookie_value },
        _ => quote! { query_value },
    };
    with_value(p, |v| quote! { request.#m(#wire, #v, #style); })
}

/// The body of a builder's `request()`: the RPC action, then every parameter in spec
/// order, constants filled in.
pub(super) fn emit_request(api: &Api, op: &Operation) -> TokenStream {
    let mut calls = Vec::new();
    // The declared body is sent even when no field of it is set (`{}`, or an empty form),
    // unless it is one value the caller may leave out.
    let whole = op.params.iter().any(|p| p.location == Location::Body);
    match op.body {
        Some(BodyKind::Json) if !whole => calls.push(quote! { request.json_body(); }),
        Some(BodyKind::Form) => calls.push(quote! { request.form_body(); }),
        Some(BodyKind::Multipart) => calls.push(quote! { request.multipart_body(); }),
        _ => {}
    }
    if let Some(content_type) = &op.content_type {
        calls.push(quote! { request.content_type(#content_type); });
    }
    if let Some(action) = &op.rpc_action {
        let (name, value) = (&action.name, &action.value);
        calls.push(match action.location {
            Location::Form => quote! { request.form(#name, #value); },
            Location::Json => quote! { request.json(#name, #value); },
            Location::Header => quote! { request.header(#name, #value); },
            _ => quote! { request.query(#name, #value); },
        });
    }
    for p in &op.params {
        calls.push(emit_param(&api.types, p));
    }

    quote! {
        let mut request = meterage_runtime::Request::new(&Self::OPERATION);
        request.set_options(self.options);
        #(#calls)*
        request
    }
}
