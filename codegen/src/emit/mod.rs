//! Emitting: the [`crate::ir::Api`] to Rust tokens, one `emit_*` function per IR kind,
//! one module per concern:
//!
//! - `client`: the `Client` type, its methods (one per operation), `from_env` and the
//!   compiled doc example of each method;
//! - `auth`: the `auth` module of credential constructors, per scheme kind;
//! - `types`: the `types` module (structs and enums);
//! - `test_util`: the constructors tests build received types with (feature `test-util`);
//! - `operations`: the request builders (setters, options, validation, the request);
//! - `pages`: the `Page` impls of paged responses and the `Paginate` impls of builders;
//! - `cli`: the `cli` module, what the API says about itself and `run` (feature `cli`);
//! - `examples`: the tests decoding every response example of the spec.
//!
//! Emitting makes no decisions that need the spec (lowering made them) and calls only
//! `meterage_runtime`, `serde` and std. Items come out in IR order, which is spec order.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::extensions::X_ERROR_ENVELOPE;
use crate::format::Piece;
use crate::ir::{Api, Envelope, Method, Operation, Param, SuccessRule, TypeId, TypeRef, Types};
use crate::{names, Settings};

mod auth;
mod cli;
mod client;
mod error_codes;
mod examples;
mod focus;
mod operations;
mod pages;
mod test_util;
mod types;

/// One part of a module, named before it is made.
///
/// A module is a list of parts ([`Module::parts`]) in the order they are written, so
/// that their pieces can be made and formatted in any order, on any thread, and joined
/// in this order ([`Module::piece`] makes each); large containers (`impl Client`, `mod types`) come one item per part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The module's docs, the runtime's re-export, the base URL, the error envelope and
    /// the `Client` struct.
    Head,
    /// `impl Client {` with the constructors.
    ClientImpl,
    /// The method of the operation at this position, inside `impl Client`.
    Method(usize),
    /// The closing brace of the container opened last (`impl Client`, `mod types`).
    Close,
    /// `impl From<meterage_runtime::Client> for Client`.
    ClientFrom,
    /// The `auth` module of credential constructors.
    Auth,
    /// `UnknownValue`, the value of open enums, inside `mod types`; `opens` the module
    /// when it comes first.
    UnknownValue {
        /// Whether this part opens `mod types`.
        opens: bool,
    },
    /// A type, inside `mod types`.
    Type {
        /// The type.
        id: TypeId,
        /// Whether this part opens `mod types`.
        opens: bool,
    },
    /// The request builder of the operation at this position.
    Builder(usize),
    /// The `cli` module (cargo feature `cli`).
    Cli,
    /// The `Page` and `Paginate` impls and the tests of the spec's examples.
    Tail,
}

/// The module of one API, as a list of [`Part`]s each made into a [`Piece`] on demand.
#[derive(Debug)]
pub struct Module<'a> {
    api: &'a Api,
    settings: &'a Settings,
    parts: Vec<Part>,
}

impl<'a> Module<'a> {
    /// The parts of the module for `api`, in order.
    pub fn new(api: &'a Api, settings: &'a Settings) -> Self {
        let ops = api.operations.len();
        let mut parts = Vec::with_capacity(2 * ops + api.types.len() + 8);
        parts.extend([Part::Head, Part::ClientImpl]);
        parts.extend((0..ops).map(Part::Method));
        parts.extend([Part::Close, Part::ClientFrom, Part::Auth]);
        types::parts(&api.types, &mut parts);
        parts.extend((0..ops).map(Part::Builder));
        parts.extend([Part::Cli, Part::Tail]);
        Module {
            api,
            settings,
            parts,
        }
    }

    /// The `cli` module's file (`cli.rs` beside the module) when
    /// [`Settings::cli_file`] puts it there: its inner docs and items.
    pub fn cli_file(&self) -> Option<Piece> {
        self.settings
            .cli_file
            .then(|| Piece::Items(cli::emit_cli_body(self.api)))
    }

    /// Every part, in the order they are written.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Makes the piece of `part`.
    pub fn piece(&self, part: Part) -> Piece {
        let (api, settings) = (self.api, self.settings);
        match part {
            Part::Head => emit_head(api, settings),
            Part::ClientImpl => client::emit_client_impl_head(api),
            Part::Method(i) => Piece::inside(
                client::emit_client_method(api, &api.operations[i], settings),
                |m| {
                    quote! { impl Client { #m } }
                },
            ),
            Part::Close => Piece::Close,
            Part::ClientFrom => Piece::Items(quote! {
                impl From<meterage_runtime::Client> for Client {
                    fn from(inner: meterage_runtime::Client) -> Self {
                        Client { inner }
                    }
                }
            }),
            Part::Auth => Piece::Items(auth::emit_auth(api)),
            Part::UnknownValue { opens } => types::inside(types::emit_unknown_value(), opens),
            Part::Type { id, opens } => types::piece(&api.types, id, opens),
            Part::Builder(i) => {
                let op = &api.operations[i];
                let runtime = settings
                    .runtime_path
                    .as_deref()
                    .unwrap_or(client::RUNTIME_PATH);
                let builder = operations::emit_operation(api, op, runtime);
                let codes = error_codes::emit_error_codes(op);
                Piece::Items(quote! { #builder #codes })
            }
            // In a file of its own, a build without the feature never reads it.
            Part::Cli if settings.cli_file => Piece::Items(quote! {
                #[cfg(feature = "cli")]
                pub mod cli;
            }),
            Part::Cli => Piece::Items(cli::emit_cli(api)),
            Part::Tail => {
                let pages = pages::emit_pages(api);
                let examples = examples::emit_examples(api);
                Piece::Items(quote! { #pages #examples })
            }
        }
    }
}

/// The first piece: the module's docs and the items before `impl Client`.
fn emit_head(api: &Api, settings: &Settings) -> Piece {
    let module_doc = emit_module_doc(api, settings);
    let runtime = settings.reexport_runtime.then(|| {
        quote! {
            /// The runtime this client sends through: `Error`, `Secret`, `Decimal`, auth schemes.
            pub use meterage_runtime as runtime;
        }
    });
    let base_url = api.base_url.as_ref().map(|url| {
        quote! {
            /// The server the spec documents: the client's default base URL.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    // Written when an operation uses it (an API of no operations, such as a document
    // of webhooks only, has none to use it).
    let used = api
        .operations
        .iter()
        .any(|op| op.envelope.as_ref().is_none_or(|e| *e == api.envelope));
    let envelope = used.then(|| {
        let envelope = emit_envelope(&api.envelope);
        let envelope_doc = docs(&format!(
            "Where this API puts its error code, message and request id (`{X_ERROR_ENVELOPE}`)."
        ));
        quote! {
            #envelope_doc
            const ERROR_ENVELOPE: meterage_runtime::ErrorEnvelope = #envelope;
        }
    });
    let client = client::emit_client_struct(api);
    Piece::Items(quote! {
        #module_doc
        #runtime
        #base_url
        #envelope
        #client
    })
}

/// The tokens of an identifier lowering made.
pub(super) fn ident(name: &names::Ident) -> Ident {
    if name.is_raw() {
        Ident::new_raw(name.as_str(), Span::call_site())
    } else {
        Ident::new(name.as_str(), Span::call_site())
    }
}

/// Doc text to `#[doc]` attributes, one per line.
///
/// Lines outside code fences are left-trimmed so that vendor text indented by four
/// spaces never turns into a doctest, and code fences without a language become `text`
/// blocks.
pub(super) fn doc_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|raw| {
            let line = raw.trim();
            // Inside a fence, indentation is the code's own.
            if in_fence && !line.starts_with("```") && !line.is_empty() {
                return format!(" {}", raw.trim_end());
            }
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

pub(super) fn docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

pub(super) fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// Joins doc paragraphs, skipping empty ones.
pub(super) fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(super) fn emit_module_doc(api: &Api, settings: &Settings) -> TokenStream {
    let heading = format!("# {} (version {})", api.title, api.version);
    let mut text = paragraphs([Some(heading.as_str()), api.description.as_deref()]);
    if let Some(quickstart) = quickstart(api, settings) {
        text.push_str(&quickstart);
    }
    text.push_str(&format!(
        "\n\nStart with [`Client::builder`] (credentials from [`auth`]){}; every operation is a method of [`Client`] returning a request builder that ends in `.send()`.\n\nGenerated from `{}`.",
        if client::has_from_env(api) { " or [`Client::from_env`]" } else { "" },
        api.spec_path
    ));
    inner_docs(&text)
}

/// The module docs' compiled quickstart, for consumers who name the module
/// `settings.module_path`: sign in (from the environment where the spec names the
/// variables), then read every record of the first listing call (else make the first
/// call without required values).
fn quickstart(api: &Api, settings: &Settings) -> Option<String> {
    let path = settings.module_path.as_deref()?;
    let runtime = settings
        .runtime_path
        .as_deref()
        .unwrap_or(client::RUNTIME_PATH);
    let callable = |op: &&Operation| !op.secret_response && !needs_values(op);
    let op = api
        .operations
        .iter()
        .filter(callable)
        .find(|op| op.pagination.is_some())
        .or_else(|| api.operations.iter().find(callable))?;
    let mut lines = vec![
        String::new(),
        String::new(),
        "## Quickstart".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# async fn quickstart() -> Result<(), {runtime}::Error> {{"),
    ];
    if op.pagination.is_some() {
        lines.push(format!("use {runtime}::TryStreamExt;"));
        lines.push(String::new());
    }
    if client::has_from_env(api) {
        lines.push(
            "// The server and credentials from the environment (see `Client::from_env`), or"
                .to_owned(),
        );
        lines.push(format!(
            "// `Client::builder().auth(..).build()?` with credentials from `{path}::auth`."
        ));
        lines.push(format!("let client = {path}::Client::from_env()?;"));
    } else {
        lines.push(format!(
            "// Credentials, if the API takes any, from `{path}::auth`: `.auth(..)` before `.build()`."
        ));
        lines.push(format!(
            "let client = {path}::Client::builder(){}.build()?;",
            if api.base_url.is_some() {
                ""
            } else {
                ".base_url(\"https://api.example.com\")"
            }
        ));
    }
    let call = op.method_name.as_str();
    if op.pagination.is_some() {
        lines.extend([
            "// Every record of every page, fetched as the stream is read.".to_owned(),
            format!("let mut records = client.{call}().items();"),
            "while let Some(record) = records.try_next().await? {".to_owned(),
            "    println!(\"{record:?}\");".to_owned(),
            "}".to_owned(),
        ]);
    } else {
        lines.extend([
            format!("let response = client.{call}().send().await?;"),
            "println!(\"HTTP {}: {:?}\", response.status(), *response);".to_owned(),
        ]);
    }
    lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
    Some(lines.join("\n"))
}

/// Whether calling `op` needs values from the caller (a required parameter).
fn needs_values(op: &Operation) -> bool {
    op.params.iter().any(|p| p.required && p.constant.is_none())
}

pub(super) fn str_list(items: &[String]) -> TokenStream {
    quote! { &[ #(#items),* ] }
}

pub(super) fn emit_envelope(env: &Envelope) -> TokenStream {
    let code = str_list(&env.code);
    let message = str_list(&env.message);
    let request_id = str_list(&env.request_id);
    let header = match &env.request_id_header {
        Some(h) => quote! { Some(#h) },
        None => quote! { None },
    };
    let success = match &env.success {
        SuccessRule::Status => quote! { meterage_runtime::SuccessRule::Status },
        SuccessRule::Codes(codes) => {
            let codes = str_list(codes);
            quote! { meterage_runtime::SuccessRule::Codes(#codes) }
        }
        SuccessRule::NoCode => quote! { meterage_runtime::SuccessRule::NoCode },
    };
    let transient = str_list(&env.transient);
    let final_codes = str_list(&env.final_codes);
    let credentials = str_list(&env.credentials);
    let statuses = |list: &[u16]| -> Vec<proc_macro2::Literal> {
        list.iter()
            .map(|s| proc_macro2::Literal::u16_unsuffixed(*s))
            .collect()
    };
    let transient_statuses = statuses(&env.transient_statuses);
    let final_statuses = statuses(&env.final_statuses);
    let credential_statuses = statuses(&env.credential_statuses);
    quote! {
        meterage_runtime::ErrorEnvelope {
            code: #code,
            message: #message,
            request_id: #request_id,
            request_id_header: #header,
            success: #success,
            transient: #transient,
            final_codes: #final_codes,
            credential_codes: #credentials,
            credential_statuses: &[#(#credential_statuses),*],
            transient_statuses: &[#(#transient_statuses),*],
            final_statuses: &[#(#final_statuses),*],
        }
    }
}

/// The Rust type of `t`, with generated types reached through `prefix` (`types::`).
pub(super) fn type_tokens(types: &Types, t: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match t {
        TypeRef::String => quote! { String },
        TypeRef::Secret => quote! { meterage_runtime::Secret },
        TypeRef::Decimal => quote! { meterage_runtime::Decimal },
        TypeRef::Date(format) => {
            let name = format_ident!("{}", format.type_name());
            quote! { meterage_runtime::dates::#name }
        }
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
        TypeRef::Bytes => quote! { meterage_runtime::Bytes },
        TypeRef::Named(id) => {
            let name = ident(&types[*id].name);
            quote! { #prefix #name }
        }
    }
}

pub(super) fn module_type(types: &Types, t: &TypeRef) -> TokenStream {
    type_tokens(types, t, &quote! { types:: })
}

/// A raw string literal where the text allows one (easier to read in examples).
pub(super) fn raw_string(text: &str) -> Literal {
    let hashes = (0..)
        .map(|n| "#".repeat(n))
        .find(|h| !text.contains(&format!("\"{h}")))
        .unwrap_or_default();
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

pub(super) fn float(v: f64) -> Literal {
    Literal::f64_unsuffixed(v)
}

/// The parameters the caller sets (constants are filled in by generated code).
pub(super) fn settable(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.constant.is_none())
}

pub(super) fn method_text(m: Method) -> &'static str {
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
