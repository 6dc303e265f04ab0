//! Emitting: the [`crate::ir::Api`] to Rust tokens, one `emit_*` function per IR kind.
//!
//! Emitting makes no decisions that need the spec (lowering made them) and calls only
//! `meterage_runtime`, `serde` and std. Items come out in IR order, which is spec order.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::format::Piece;
use crate::ir::{
    Api, AuthKind, AuthScheme, BodyKind, Constraints, Envelope, Example, Field, Location, Method,
    Operation, Pagination, Param, TypeDef, TypeId, TypeKind, TypeRef, Types, Variant,
};
use crate::{names, Settings};

/// Emits the module for `api`, one [`Piece`] at a time, in order.
///
/// The pieces are made as they are asked for, so that formatting one piece never holds
/// the tokens of the whole module: large containers (`impl Client`, `mod types`) come
/// one item per piece.
pub fn emit<'a>(api: &'a Api, settings: &'a Settings) -> impl Iterator<Item = Piece> + 'a {
    let head = std::iter::once_with(move || {
        let module_doc = emit_module_doc(api);
        let base_url = api.base_url.as_ref().map(|url| {
            quote! {
                /// The server the spec documents: the client's default base URL.
                pub const DEFAULT_BASE_URL: &str = #url;
            }
        });
        let envelope = emit_envelope(&api.envelope);
        let client = emit_client(api);
        Piece::Items(quote! {
            #module_doc
            #base_url
            /// Where this API puts its error code, message and request id (`x-error-envelope`).
            const ERROR_ENVELOPE: meterage_runtime::ErrorEnvelope = #envelope;
            #client
        })
    });
    let methods = api.operations.iter().map(move |op| {
        Piece::inside(
            emit_client_method(api, op, settings),
            |m| quote! { impl Client { #m } },
        )
    });
    let client_end = std::iter::once_with(|| Piece::Close).chain(std::iter::once_with(|| {
        Piece::Items(quote! {
            impl From<meterage_runtime::Client> for Client {
                fn from(inner: meterage_runtime::Client) -> Self {
                    Client { inner }
                }
            }
        })
    }));
    let auth = std::iter::once_with(|| Piece::Items(emit_auth(&api.auth)));
    let builders = api
        .operations
        .iter()
        .map(move |op| Piece::Items(emit_operation(api, op)));
    let tail = std::iter::once_with(move || {
        let pages = emit_pages(api);
        let examples = emit_examples(api);
        Piece::Items(quote! { #pages #examples })
    });
    head.chain(std::iter::once_with(move || emit_client_impl_head(api)))
        .chain(methods)
        .chain(client_end)
        .chain(auth)
        .chain(emit_types(&api.types))
        .chain(builders)
        .chain(tail)
}

/// The tokens of an identifier lowering made.
fn ident(name: &names::Ident) -> Ident {
    if name.is_raw() {
        Ident::new_raw(name.as_str(), Span::call_site())
    } else {
        Ident::new(name.as_str(), Span::call_site())
    }
}

/// Doc text to `#[doc]` attributes, one per line.
///
/// Lines are left-trimmed so that vendor text indented by four spaces never turns into
/// a doctest, and code fences without a language become `text` blocks.
fn doc_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|line| {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                if opening && rest.trim().is_empty() {
                    return " ```text".to_owned();
                }
            }
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

fn docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// Joins doc paragraphs, skipping empty ones.
fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn emit_module_doc(api: &Api) -> TokenStream {
    let heading = format!("# {} (version {})", api.title, api.version);
    let mut text = paragraphs([Some(heading.as_str()), api.description.as_deref()]);
    text.push_str(&format!(
        "\n\nStart with [`Client::builder`]; every operation is a method of [`Client`] returning a request builder that ends in `.send()`.\n\nGenerated from `{}`.",
        api.spec_path
    ));
    inner_docs(&text)
}

fn str_list(items: &[String]) -> TokenStream {
    quote! { &[ #(#items),* ] }
}

fn emit_envelope(env: &Envelope) -> TokenStream {
    let code = str_list(&env.code);
    let message = str_list(&env.message);
    let request_id = str_list(&env.request_id);
    let header = match &env.request_id_header {
        Some(h) => quote! { Some(#h) },
        None => quote! { None },
    };
    let success = str_list(&env.success);
    quote! {
        meterage_runtime::ErrorEnvelope {
            code: #code,
            message: #message,
            request_id: #request_id,
            request_id_header: #header,
            success: #success,
        }
    }
}

// ---- client -------------------------------------------------------------------

/// The `Client` struct and its docs.
fn emit_client(api: &Api) -> TokenStream {
    let mut doc = format!("A client for {}.", api.title);
    if let Some(url) = &api.base_url {
        doc.push_str(&format!("\n\nIts default server is `{url}`; `Client::builder().base_url(..)` points it elsewhere."));
    }
    if !api.auth.is_empty() {
        doc.push_str("\n\nAuthentication (see [`auth`]):");
        for scheme in &api.auth {
            doc.push_str(&format!(
                "\n- `{}`: {}",
                scheme.key,
                describe_scheme(scheme, "auth::")
            ));
        }
    }
    let doc = docs(&doc);
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: meterage_runtime::Client,
        }
    }
}

/// The opening of `impl Client`, with the methods every client has; the operations'
/// methods follow as pieces of their own.
fn emit_client_impl_head(api: &Api) -> Piece {
    let builder = if api.base_url.is_some() {
        quote! {
            /// A builder for a client of [`DEFAULT_BASE_URL`]: set auth and options, then `.build()`.
            pub fn builder() -> meterage_runtime::ClientBuilder<Self> {
                meterage_runtime::ClientBuilder::new(DEFAULT_BASE_URL)
            }
        }
    } else {
        quote! {
            /// A builder for a client of the server at `base_url`: set auth and options, then `.build()`.
            pub fn builder(base_url: impl Into<String>) -> meterage_runtime::ClientBuilder<Self> {
                meterage_runtime::ClientBuilder::new(base_url)
            }
        }
    };
    Piece::Inside {
        tokens: quote! {
            impl Client {
                #builder

                /// The runtime client this client sends through.
                pub fn runtime(&self) -> &meterage_runtime::Client {
                    &self.inner
                }
            }
        },
        opens: true,
    }
}

fn describe_scheme(scheme: &AuthScheme, link_prefix: &str) -> String {
    match &scheme.kind {
        AuthKind::HeaderToken { header } => {
            format!(
                "a token in the `{header}` header, from [`{link_prefix}{}`]",
                scheme.fn_name.as_str()
            )
        }
        AuthKind::Declared {
            kind,
            settings,
            header,
        } if kind == "login-token" => {
            let login = settings
                .iter()
                .find(|(k, _)| k == "login")
                .map_or("", |(_, v)| v.as_str());
            format!(
                "a token in the `{}` header: log in with `{login}` and pass the token to [`{link_prefix}{}`]",
                header.as_deref().unwrap_or("?"),
                scheme.fn_name.as_str()
            )
        }
        AuthKind::Declared { kind, .. }
            if kind == "sdk-hmac-sha256" || kind == "rpc-signature-v1" =>
        {
            format!(
                "requests signed with the `{kind}` scheme, from [`{link_prefix}{}`]",
                scheme.fn_name.as_str()
            )
        }
        AuthKind::Declared { kind, settings, .. } => {
            let settings: Vec<String> =
                settings.iter().map(|(k, v)| format!("{k} `{v}`")).collect();
            let settings = if settings.is_empty() {
                String::new()
            } else {
                format!(" ({})", settings.join(", "))
            };
            format!("the `{kind}` scheme{settings}, given as a `meterage_runtime::Authorize` implementation")
        }
    }
}

fn operation_doc(op: &Operation) -> String {
    let route = format!(
        "`{} {}`{}",
        method_text(op.http_method),
        op.path,
        op.rpc_action
            .as_ref()
            .map(|a| format!(" with `{}={}`", a.name, a.value))
            .unwrap_or_default()
    );
    paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(route.as_str()),
    ])
}

fn method_text(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
        Method::Head => "HEAD",
        Method::Options => "OPTIONS",
    }
}

/// The parameters the caller sets (constants are filled in by generated code).
fn settable(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.constant.is_none())
}

fn emit_client_method(api: &Api, op: &Operation, settings: &Settings) -> TokenStream {
    let mut doc = docs(&operation_doc(op));
    if let Some(example) = settings
        .module_path
        .as_deref()
        .and_then(|path| emit_example(api, op, path))
    {
        doc.extend(example);
    }
    let name = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let required: Vec<&Param> = settable(op).filter(|p| p.required).collect();
    let args = required.iter().map(|p| {
        let n = ident(&p.rust_name);
        let t = setter_type(&api.types, &p.ty);
        quote! { #n: #t }
    });
    let inits = settable(op).map(|p| {
        let n = ident(&p.rust_name);
        if p.required {
            match p.ty {
                TypeRef::String | TypeRef::Secret | TypeRef::Array(_) => {
                    let v = setter_conversion(&p.ty, quote! { #n });
                    quote! { #n: #v }
                }
                _ => quote! { #n },
            }
        } else {
            quote! { #n: None }
        }
    });
    let allow = (required.len() > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let deprecated = op
        .deprecated
        .then(|| quote! { #[deprecated(note = "the spec marks this operation deprecated")] });
    quote! {
        #doc
        #allow
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder<'_> {
            #builder {
                client: self,
                #(#inits,)*
            }
        }
    }
}

/// A compiled doc example of calling `op`, for consumers who name the module `path`:
/// required arguments from the spec's examples (or placeholders), optional parameters
/// that have examples as setters. `None` when an argument cannot be written as a literal.
fn emit_example(api: &Api, op: &Operation, path: &str) -> Option<TokenStream> {
    let mut args = Vec::new();
    for p in settable(op).filter(|p| p.required) {
        let example = p
            .example
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok());
        let literal = match example {
            Some(value) => example_literal(api, &p.ty, &value, path),
            None => placeholder(&p.ty, &p.wire_name),
        }?;
        args.push(literal);
    }
    let mut lines = vec![
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(" # async fn example(client: &{path}::Client) -> Result<(), meterage_runtime::Error> {{"),
        " let response = client".to_owned(),
        format!("     .{}({})", op.method_name, args.join(", ")),
    ];
    for p in settable(op).filter(|p| !p.required) {
        let value = p
            .example
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok());
        if let Some(literal) = value.and_then(|v| example_literal(api, &p.ty, &v, path)) {
            lines.push(format!("     .{}({literal})", p.rust_name));
        }
    }
    lines.extend([
        "     .send()".to_owned(),
        "     .await?;".to_owned(),
        " println!(\"HTTP {}\", response.status());".to_owned(),
        " # Ok(())".to_owned(),
        " # }".to_owned(),
        " ```".to_owned(),
    ]);
    let mut out = quote! { #[doc = ""] };
    out.extend(lines.iter().map(|l| quote! { #[doc = #l] }));
    Some(out)
}

/// A Rust expression for `value` as an argument of type `ty`.
fn example_literal(
    api: &Api,
    ty: &TypeRef,
    value: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    match (ty, value) {
        (TypeRef::String | TypeRef::Secret, Value::String(s)) => Some(format!("{s:?}")),
        (TypeRef::String | TypeRef::Secret, Value::Number(n)) => {
            Some(format!("{:?}", n.to_string()))
        }
        (TypeRef::I32 | TypeRef::I64, Value::Number(n)) if n.is_i64() => Some(n.to_string()),
        (TypeRef::F64, Value::Number(n)) => n.as_f64().map(|f| format!("{f:?}")),
        (TypeRef::Bool, Value::Bool(b)) => Some(b.to_string()),
        (TypeRef::Array(inner), Value::Array(items)) => {
            let items: Option<Vec<String>> = items
                .iter()
                .map(|v| example_literal(api, inner, v, path))
                .collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        (TypeRef::Named(id), Value::String(s)) => {
            let def = &api.types[*id];
            let TypeKind::Enum { variants } = &def.kind else {
                return None;
            };
            let ty = format!("{path}::types::{}", def.name.as_str());
            Some(match variants.iter().find(|v| &v.value == s) {
                Some(v) => format!("{ty}::{}", v.name.as_str()),
                None => format!("{ty}::from({s:?})"),
            })
        }
        _ => None,
    }
}

/// A stand-in for a required argument without an example.
fn placeholder(ty: &TypeRef, wire_name: &str) -> Option<String> {
    match ty {
        TypeRef::String | TypeRef::Secret => Some(format!("{:?}", format!("<{wire_name}>"))),
        TypeRef::I32 | TypeRef::I64 => Some("1".to_owned()),
        TypeRef::Bool => Some("true".to_owned()),
        _ => None,
    }
}

// ---- auth ---------------------------------------------------------------------

fn emit_auth(schemes: &[AuthScheme]) -> TokenStream {
    if schemes.is_empty() {
        return TokenStream::new();
    }
    let mut module_doc = "Credentials for this API's security schemes.".to_owned();
    for scheme in schemes {
        module_doc.push_str(&format!(
            "\n- `{}`: {}",
            scheme.key,
            describe_scheme(scheme, "")
        ));
    }
    let module_doc = inner_docs(&module_doc);
    let fns = schemes.iter().filter_map(emit_auth_fn);
    quote! {
        pub mod auth {
            #module_doc
            #(#fns)*
        }
    }
}

/// The constructor of one scheme's credentials, for the kinds the runtime implements.
fn emit_auth_fn(scheme: &AuthScheme) -> Option<TokenStream> {
    let name = ident(&scheme.fn_name);
    let key = &scheme.key;
    let (kind, header) = match &scheme.kind {
        AuthKind::HeaderToken { header } => ("header-token", Some(header)),
        AuthKind::Declared { kind, header, .. } => (kind.as_str(), header.as_ref()),
    };
    let (what, body) = match (kind, header) {
        ("header-token" | "login-token", Some(header)) => {
            (
                format!("Sends `token` in the `{header}` header of every request (security scheme `{key}`)."),
                quote! {
                    pub fn #name(token: impl Into<meterage_runtime::Secret>) -> meterage_runtime::HeaderToken {
                        meterage_runtime::HeaderToken::new(#header, token)
                    }
                },
            )
        }
        ("sdk-hmac-sha256", _) => (
            format!("Signs every request with an access key and secret key, `SDK-HMAC-SHA256` (security scheme `{key}`). Add `.project_id(..)` for project-scoped calls and `.security_token(..)` for temporary keys."),
            quote! {
                pub fn #name(
                    access_key: impl Into<String>,
                    secret_key: impl Into<meterage_runtime::Secret>,
                ) -> meterage_runtime::SdkHmacSha256 {
                    meterage_runtime::SdkHmacSha256::new(access_key, secret_key)
                }
            },
        ),
        ("rpc-signature-v1", _) => (
            format!("Adds the common RPC parameters and signs every request with HMAC-SHA1, a fresh nonce and timestamp each attempt (security scheme `{key}`)."),
            quote! {
                pub fn #name(
                    access_key_id: impl Into<String>,
                    secret: impl Into<meterage_runtime::Secret>,
                ) -> meterage_runtime::RpcSignatureV1 {
                    meterage_runtime::RpcSignatureV1::new(access_key_id, secret)
                }
            },
        ),
        _ => return None,
    };
    let doc = docs(&paragraphs([
        scheme.description.as_deref(),
        Some(what.as_str()),
    ]));
    Some(quote! { #doc #body })
}

// ---- types --------------------------------------------------------------------

/// The Rust type of `t`, with generated types reached through `prefix` (`types::`).
fn type_tokens(types: &Types, t: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match t {
        TypeRef::String => quote! { String },
        TypeRef::Secret => quote! { meterage_runtime::Secret },
        TypeRef::Decimal => quote! { meterage_runtime::Decimal },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Json => quote! { meterage_runtime::serde_json::Value },
        TypeRef::JsonObject => {
            quote! { meterage_runtime::serde_json::Map<String, meterage_runtime::serde_json::Value> }
        }
        TypeRef::Array(inner) => {
            let inner = type_tokens(types, inner, prefix);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(types, inner, prefix);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Named(id) => {
            let name = ident(&types[*id].name);
            quote! { #prefix #name }
        }
    }
}

fn module_type(types: &Types, t: &TypeRef) -> TokenStream {
    type_tokens(types, t, &quote! { types:: })
}

/// `mod types`, one type per piece.
fn emit_types(types: &Types) -> impl Iterator<Item = Piece> + '_ {
    let items = types.iter().enumerate().map(move |(i, (_, def))| {
        let item = match &def.kind {
            TypeKind::Struct { fields } => emit_struct(types, def, fields),
            TypeKind::Enum { variants } => emit_enum(def, variants),
        };
        if i == 0 {
            Piece::Inside {
                tokens: quote! {
                    pub mod types {
                        //! The request and response types of this API.
                        #item
                    }
                },
                opens: true,
            }
        } else {
            Piece::inside(item, |item| quote! { pub mod types { #item } })
        }
    });
    let close = (!types.is_empty()).then_some(Piece::Close);
    items.chain(close)
}

fn constraint_notes(c: &Constraints) -> Vec<String> {
    let mut notes = Vec::new();
    match (c.min_length, c.max_length) {
        (Some(a), Some(b)) if a == b => notes.push(format!("exactly {a} characters")),
        (a, b) => {
            if let Some(a) = a {
                notes.push(format!("at least {a} characters"));
            }
            if let Some(b) = b {
                notes.push(format!("at most {b} characters"));
            }
        }
    }
    if let Some(m) = c.minimum {
        notes.push(format!(
            "{} {m}",
            if c.exclusive_minimum {
                "greater than"
            } else {
                "at least"
            }
        ));
    }
    if let Some(m) = c.maximum {
        notes.push(format!(
            "{} {m}",
            if c.exclusive_maximum {
                "less than"
            } else {
                "at most"
            }
        ));
    }
    if let Some(m) = c.min_items {
        notes.push(format!("at least {m} items"));
    }
    if let Some(m) = c.max_items {
        notes.push(format!("at most {m} items"));
    }
    if let Some(p) = &c.pattern {
        notes.push(format!("matches `{p}` (not checked)"));
    }
    notes
}

fn emit_struct(types: &Types, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let doc = docs(
        def.doc
            .as_deref()
            .unwrap_or(&format!("The `{}` object.", def.name)),
    );
    let name = ident(&def.name);
    let fields = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        let t = type_tokens(types, &f.ty, &TokenStream::new());
        let t = if f.boxed {
            quote! { Box<#t> }
        } else {
            t
        };
        let t = if f.optional {
            quote! { Option<#t> }
        } else {
            t
        };
        let mut text = f.doc.clone().unwrap_or_else(|| match &f.ty {
            TypeRef::Named(id) => format!("`{}`: see [`{}`].", f.wire_name, types[*id].name),
            _ => format!("`{}`.", f.wire_name),
        });
        let notes = constraint_notes(&f.constraints);
        if !notes.is_empty() {
            text.push_str(&format!(
                "\n\nDocumented as {}; not checked on responses.",
                notes.join(", ")
            ));
        }
        let doc = docs(&text);
        let rename = (f.rust_name.as_str() != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote! { #[serde(rename = #wire)] }
        });
        let optional = f
            .optional
            .then(|| quote! { #[serde(default, skip_serializing_if = "Option::is_none")] });
        quote! {
            #doc
            #rename
            #optional
            pub #n: #t,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn emit_enum(def: &TypeDef, variants: &[Variant]) -> TokenStream {
    let doc = docs(
        def.doc
            .as_deref()
            .unwrap_or(&format!("The `{}` values.", def.name)),
    );
    let name = ident(&def.name);
    let decls = variants.iter().map(|v| {
        let n = ident(&v.name);
        let d = format!(" `{}`", v.value);
        quote! { #[doc = #d] #n, }
    });
    let as_str = variants.iter().map(|v| {
        let n = ident(&v.name);
        let value = &v.value;
        quote! { #name::#n => #value, }
    });
    let from = variants.iter().map(|v| {
        let n = ident(&v.name);
        let value = &v.value;
        quote! { #value => #name::#n, }
    });
    quote! {
        #doc
        ///
        /// A value this client does not know yet decodes to `Unknown` with the text kept.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#decls)*
            /// A value not in the spec, kept verbatim.
            Unknown(String),
        }

        impl #name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #name::Unknown(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from)*
                    _ => #name::Unknown(value),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #name::from(value.to_owned())
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map(#name::from)
            }
        }

        impl meterage_runtime::ToParam for #name {
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }
    }
}

// ---- operations ---------------------------------------------------------------

/// The stored type of a parameter in its builder.
fn stored_type(types: &Types, p: &Param) -> TokenStream {
    let t = module_type(types, &p.ty);
    if p.required {
        t
    } else {
        quote! { Option<#t> }
    }
}

/// The argument type a setter takes.
fn setter_type(types: &Types, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote! { impl Into<String> },
        TypeRef::Secret => quote! { impl Into<meterage_runtime::Secret> },
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
fn setter_conversion(t: &TypeRef, value: TokenStream) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::Secret => quote! { #value.into() },
        TypeRef::Array(inner) if **inner == TypeRef::String => {
            quote! { #value.into_iter().map(Into::into).collect() }
        }
        TypeRef::Array(_) => quote! { #value.into_iter().collect() },
        _ => value,
    }
}

fn param_doc(p: &Param) -> String {
    let mut wire = format!("Sent as `{}` in the {}", p.wire_name, p.location.describe());
    if let Some(d) = &p.default {
        wire.push_str(&format!("; the server's default is `{d}`"));
    }
    wire.push('.');
    let notes = constraint_notes(&p.constraints);
    let notes = (!notes.is_empty()).then(|| format!("Must be {}.", notes.join(", ")));
    paragraphs([p.doc.as_deref(), Some(wire.as_str()), notes.as_deref()])
}

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
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
    let setters = settable(op).filter(|p| !p.required).map(|p| {
        let n = ident(&p.rust_name);
        let t = setter_type(&api.types, &p.ty);
        let v = setter_conversion(&p.ty, quote! { value });
        let doc = docs(&param_doc(p));
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
    let validate = emit_validate(op);
    let build = emit_request(op);
    let (response_ty, send_call) = match &op.response.ty {
        Some(t) => {
            let t = module_type(&api.types, t);
            (t, quote! { client.send(self.request()).await })
        }
        None => (
            quote! { () },
            quote! { client.send_without_body(self.request()).await },
        ),
    };
    let send_doc = docs(&format!(
        "Checks the parameters (unless the client's request validation is off), sends the request and decodes the HTTP {} response.\n\n# Errors\n\n`Validation` when a parameter breaks a documented constraint (nothing is sent), `Api` when the server answers with an error (status, vendor code and message), `Transport`, `Auth` or `Decode` otherwise.",
        op.response.status
    ));
    let send_raw_doc = docs("Like `send`, but returns the response body's bytes exactly as the server sent them, undecoded (to archive a vendor's answer, or to decode it yourself). Status and error-envelope checks still apply.\n\n# Errors\n\nAs `send`, without `Decode`.");
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields)*
        }

        impl #builder<'_> {
            #operation
            #pagination

            #(#setters)*

            #validate

            #send_doc
            pub async fn send(self) -> Result<meterage_runtime::Response<#response_ty>, meterage_runtime::Error> {
                let client = &self.client.inner;
                if client.validates_requests() {
                    self.validate()?;
                }
                #send_call
            }

            #send_raw_doc
            pub async fn send_raw(self) -> Result<meterage_runtime::Response<Vec<u8>>, meterage_runtime::Error> {
                let client = &self.client.inner;
                if client.validates_requests() {
                    self.validate()?;
                }
                client.send_raw(self.request()).await
            }

            /// The request as it will be sent: parameters in spec order, constants filled in.
            fn request(&self) -> meterage_runtime::Request {
                #build
            }
        }
    }
}

fn emit_operation_const(api: &Api, op: &Operation) -> TokenStream {
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
            path: #path,
            server: #server,
            envelope: #envelope,
        };
    }
}

fn emit_pagination_const(p: &Pagination) -> TokenStream {
    let page = &p.page_param;
    let size = &p.size_param;
    let first = Literal::u64_unsuffixed(p.first_page);
    quote! {
        /// How this operation pages (`x-pagination`).
        pub const PAGINATION: meterage_runtime::PageNumber = meterage_runtime::PageNumber {
            page_param: #page,
            size_param: #size,
            first_page: #first,
        };
    }
}

/// A raw string literal where the text allows one (easier to read in examples).
fn raw_string(text: &str) -> Literal {
    let hashes = (0..)
        .map(|n| "#".repeat(n))
        .find(|h| !text.contains(&format!("\"{h}")))
        .unwrap_or_default();
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

fn float(v: f64) -> Literal {
    Literal::f64_unsuffixed(v)
}

fn emit_validate(op: &Operation) -> TokenStream {
    let checks: Vec<TokenStream> = settable(op)
        .filter(|p| p.constraints.is_checked())
        .filter_map(|p| {
            let n = ident(&p.rust_name);
            let wire = &p.wire_name;
            let c = &p.constraints;
            let mut calls = Vec::new();
            let c_min_length = c.min_length.map(Literal::u64_unsuffixed);
            let c_max_length = c.max_length.map(Literal::u64_unsuffixed);
            let c_min_items = c.min_items.map(Literal::u64_unsuffixed);
            let c_max_items = c.max_items.map(Literal::u64_unsuffixed);
            match &p.ty {
                TypeRef::String => {
                    if let Some(m) = &c_min_length {
                        calls.push(quote! { v.min_length(#wire, value, #m); });
                    }
                    if let Some(m) = &c_max_length {
                        calls.push(quote! { v.max_length(#wire, value, #m); });
                    }
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
            if calls.is_empty() {
                return None;
            }
            Some(if p.required {
                quote! { { let value = &self.#n; #(#calls)* } }
            } else {
                quote! { if let Some(value) = &self.#n { #(#calls)* } }
            })
        })
        .collect();
    let doc = docs("Checks every documented constraint on the parameters set so far, reporting all violations together.\n\n# Errors\n\n`meterage_runtime::Error::Validation` naming each parameter, its limit and its value.");
    if checks.is_empty() {
        quote! {
            #doc
            pub fn validate(&self) -> Result<(), meterage_runtime::Error> {
                Ok(())
            }
        }
    } else {
        quote! {
            #doc
            pub fn validate(&self) -> Result<(), meterage_runtime::Error> {
                let mut v = meterage_runtime::Validator::new(&Self::OPERATION);
                #(#checks)*
                v.finish()
            }
        }
    }
}

/// The body of a builder's `request()`: the RPC action, then every parameter in spec
/// order, constants filled in.
fn emit_request(op: &Operation) -> TokenStream {
    let mut calls = Vec::new();
    // The declared body is sent even when no field of it is set (`{}`, or an empty form).
    match op.body {
        Some(BodyKind::Json) => calls.push(quote! { request.json_body(); }),
        Some(BodyKind::Form) => calls.push(quote! { request.form_body(); }),
        None => {}
    }
    if let Some(action) = &op.rpc_action {
        let (name, value) = (&action.name, &action.value);
        calls.push(match action.location {
            Location::Form => quote! { request.form(#name, #value); },
            Location::Json => quote! { request.json(#name, #value); },
            _ => quote! { request.query(#name, #value); },
        });
    }
    for p in &op.params {
        let wire = &p.wire_name;
        if let Some(value) = &p.constant {
            calls.push(match p.location {
                Location::Query => quote! { request.query(#wire, #value); },
                Location::Header => quote! { request.header(#wire, #value); },
                Location::Form => quote! { request.form(#wire, #value); },
                Location::Json => quote! { request.json(#wire, #value); },
                Location::Path => quote! { request.path_param(#wire, #value); },
            });
            continue;
        }
        let n = ident(&p.rust_name);
        let field = quote! { self.#n };
        let array = matches!(p.ty, TypeRef::Array(_));
        let call = match (p.location, array) {
            (Location::Json, _) => {
                if p.required {
                    quote! { request.json(#wire, &#field); }
                } else {
                    quote! { request.json_opt(#wire, &#field); }
                }
            }
            (Location::Query, true) | (Location::Header, true) | (Location::Form, true) => {
                let m = match (p.location, p.explode) {
                    (Location::Query, true) => quote! { query_multi },
                    (Location::Query, false) => quote! { query_csv },
                    (Location::Header, _) => quote! { header_csv },
                    _ => quote! { form_multi },
                };
                if p.required {
                    quote! { request.#m(#wire, &#field); }
                } else {
                    quote! { if let Some(values) = &#field { request.#m(#wire, values); } }
                }
            }
            (location, _) => {
                let base = match location {
                    Location::Path => "path_param",
                    Location::Header => "header",
                    Location::Form => "form",
                    _ => "query",
                };
                if p.required || location == Location::Path {
                    let m = format_ident!("{base}");
                    quote! { request.#m(#wire, &#field); }
                } else {
                    let m = format_ident!("{base}_opt");
                    quote! { request.#m(#wire, &#field); }
                }
            }
        };
        calls.push(call);
    }
    if calls.is_empty() {
        return quote! { meterage_runtime::Request::new(&Self::OPERATION) };
    }
    quote! {
        let mut request = meterage_runtime::Request::new(&Self::OPERATION);
        #(#calls)*
        request
    }
}

fn emit_pages(api: &Api) -> TokenStream {
    let mut done: BTreeSet<TypeId> = BTreeSet::new();
    let impls = api
        .operations
        .iter()
        .filter_map(|op| op.pagination.as_ref())
        .filter_map(|p| {
            if !done.insert(p.response_type) {
                return None;
            }
            let response = ident(&api.types[p.response_type].name);
            let item = module_type(&api.types, &p.item_type);
            let items = ident(&p.items_field);
            let (borrow, owned) = if p.items_optional {
                (
                    quote! { self.#items.as_deref().unwrap_or(&[]) },
                    quote! { self.#items.unwrap_or_default() },
                )
            } else {
                (quote! { &self.#items }, quote! { self.#items })
            };
            let total = match &p.total_field {
                None => quote! { None },
                Some(t) => {
                    let n = ident(&t.name);
                    if t.optional {
                        quote! { self.#n.and_then(|total| u64::try_from(total).ok()) }
                    } else {
                        quote! { u64::try_from(self.#n).ok() }
                    }
                }
            };
            Some(quote! {
                impl meterage_runtime::Page for types::#response {
                    type Item = #item;
                    fn items(&self) -> &[Self::Item] {
                        #borrow
                    }
                    fn into_items(self) -> Vec<Self::Item> {
                        #owned
                    }
                    fn total(&self) -> Option<u64> {
                        #total
                    }
                }
            })
        });
    quote! { #(#impls)* }
}

fn emit_examples(api: &Api) -> TokenStream {
    let mut tests = Vec::new();
    for op in &api.operations {
        let mut count: Vec<(String, usize)> = Vec::new();
        for Example { status, ty, json } in &op.examples {
            let n = match count.iter_mut().find(|(s, _)| s == status) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    count.push((status.clone(), 1));
                    1
                }
            };
            let suffix = if n > 1 {
                format!("_{n}")
            } else {
                String::new()
            };
            let name = format_ident!(
                "{}_{}{}",
                op.method_name.as_str(),
                status.to_lowercase(),
                suffix
            );
            let t = type_tokens(&api.types, ty, &quote! { super::types:: });
            let json = raw_string(json);
            tests.push(quote! {
                #[test]
                fn #name() {
                    if let Err(difference) = meterage_runtime::__private::example_roundtrip::<#t>(#json) {
                        panic!("{difference}");
                    }
                }
            });
        }
    }
    if tests.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[cfg(test)]
        mod examples {
            //! Every response example in the spec decodes into its generated type and
            //! re-encodes to the same JSON: a field missing from a schema fails here.
            #(#tests)*
        }
    }
}
