//! The `Client` type: a builder, `from_env`, `logout`, and one method per operation
//! returning its request builder (with a compiled doc example).

use proc_macro2::TokenStream;
use quote::quote;

use super::auth::describe_scheme;
use super::operations::{setter_conversion, setter_type};
use super::{docs, ident, method_text, paragraphs, settable};
use crate::format::Piece;
use crate::ir::{Api, AuthKind, Location, LoginToken, Operation, Param, TypeKind, TypeRef};
use crate::Settings;

/// The path generated docs name the runtime by, when the settings do not say.
pub(super) const RUNTIME_PATH: &str = "meterage_runtime";

/// The `Client` struct and its docs.
pub(super) fn emit_client_struct(api: &Api) -> TokenStream {
    let mut doc = format!("A client for {}.", api.title);
    if let Some(url) = &api.base_url {
        doc.push_str(&format!("\n\nIts default server is `{url}`; `Client::builder().base_url(..)` points it elsewhere."));
    }
    doc.push_str("\n\nCheap to clone (clones share the connection pool and the signed-in session); request builders own a clone, so a call can be spawned onto another task.");
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
pub(super) fn emit_client_impl_head(api: &Api) -> Piece {
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
    let from_env = emit_from_env(api);
    let logout = emit_logout(api);
    Piece::Inside {
        tokens: quote! {
            impl Client {
                #builder

                #from_env

                /// The runtime client this client sends through.
                pub fn runtime(&self) -> &meterage_runtime::Client {
                    &self.inner
                }

                #logout
            }
        },
        opens: true,
    }
}

/// `Client::from_env`: the base URL, the credentials (`auth::from_env`) and the
/// transport settings (`METERAGE_CA_FILE`) from the environment. Emitted when the spec
/// names its variables (`x-env`, or an auth scheme's `env`).
fn emit_from_env(api: &Api) -> Option<TokenStream> {
    if !has_from_env(api) {
        return None;
    }
    let auth_env = api.auth.iter().any(|s| s.kind.required_env().is_some());
    let mut text = "A client configured from the environment:".to_owned();
    let vars = &api.env.base_url;
    let listed = vars
        .iter()
        .map(|var| format!("`{var}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let builder = match (vars.as_slice(), &api.base_url) {
        ([var], Some(_)) => {
            text.push_str(&format!(
                "\n- the base URL from `{var}`, else [`DEFAULT_BASE_URL`];"
            ));
            quote! {
                let mut builder = Self::builder();
                if let Some(url) = meterage_runtime::auth::env::var_opt(#var)? {
                    builder = builder.base_url(url);
                }
            }
        }
        ([var], None) => {
            text.push_str(&format!("\n- the base URL from `{var}`;"));
            quote! {
                let builder = Self::builder(meterage_runtime::auth::env::var(#var)?);
            }
        }
        ([], Some(_)) => quote! { let builder = Self::builder(); },
        ([], None) => return None,
        (vars, Some(_)) => {
            text.push_str(&format!(
                "\n- the base URL from the first of {listed} that is set, else [`DEFAULT_BASE_URL`];"
            ));
            quote! {
                let mut builder = Self::builder();
                if let Some(url) = meterage_runtime::auth::env::first_var_opt(&[#(#vars),*])? {
                    builder = builder.base_url(url);
                }
            }
        }
        (vars, None) => {
            text.push_str(&format!(
                "\n- the base URL from the first of {listed} that is set;"
            ));
            quote! {
                let builder = Self::builder(meterage_runtime::auth::env::first_var(&[#(#vars),*])?);
            }
        }
    };
    if auth_env {
        text.push_str("\n- the credentials from the variables [`auth::from_env`] lists;");
    }
    text.push_str("\n- when `METERAGE_CA_FILE` names a PEM file, its CA certificates are trusted besides the built-in and the platform's roots.\n\n# Errors\n\n`Error::Config` naming a missing or invalid variable, or an unreadable CA file.");
    let doc = docs(&text);
    let auth = auth_env.then(|| quote! { let builder = builder.auth_shared(auth::from_env()?); });
    Some(quote! {
        #doc
        pub fn from_env() -> Result<Self, meterage_runtime::Error> {
            #builder
            #auth
            builder.transport_from_env()?.build()
        }
    })
}

/// Whether the client has `from_env`: the spec names variables, and the base URL comes
/// from one or from the spec.
pub(super) fn has_from_env(api: &Api) -> bool {
    let auth_env = api.auth.iter().any(|s| s.kind.required_env().is_some());
    let env_url = !api.env.base_url.is_empty();
    env_url || (auth_env && api.base_url.is_some())
}

/// `Client::logout`, for an API whose login-token scheme names a logout call.
fn emit_logout(api: &Api) -> Option<TokenStream> {
    let (op, scheme) = api.auth.iter().find_map(|scheme| match &scheme.kind {
        AuthKind::LoginToken(LoginToken {
            logout: Some(op), ..
        }) => Some((op, scheme)),
        _ => None,
    })?;
    let builder = ident(op.builder.as_ref()?);
    let doc = docs(&format!(
        "Logs out with `{}` if the client signed in (security scheme `{}`), and forgets the token; the next call logs in again. Does nothing with other credentials.\n\n# Errors\n\nThe logout call's error.",
        op.id, scheme.key
    ));
    Some(quote! {
        #doc
        pub async fn logout(&self) -> Result<(), meterage_runtime::Error> {
            self.inner.logout(&#builder::OPERATION).await
        }
    })
}

pub(super) fn operation_doc(op: &Operation) -> String {
    let route = format!(
        "`{} {}`{}",
        method_text(op.http_method),
        op.path,
        op.rpc_action
            .as_ref()
            .map(|a| match a.location {
                Location::Header => format!(" with `{}: {}`", a.name, a.value),
                _ => format!(" with `{}={}`", a.name, a.value),
            })
            .unwrap_or_default()
    );
    paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(route.as_str()),
    ])
}

pub(super) fn emit_client_method(api: &Api, op: &Operation, settings: &Settings) -> TokenStream {
    let mut doc = docs(&operation_doc(op));
    if let Some(example) = settings.module_path.as_deref().and_then(|path| {
        let runtime = settings.runtime_path.as_deref().unwrap_or(RUNTIME_PATH);
        emit_example(api, op, path, runtime)
    }) {
        doc.extend(example);
    }
    let name = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let required: Vec<&Param> = settable(op).filter(|p| p.argument).collect();
    let args = required.iter().map(|p| {
        let n = ident(&p.rust_name);
        let t = setter_type(&api.types, &p.ty);
        quote! { #n: #t }
    });
    let inits = settable(op).map(|p| {
        let n = ident(&p.rust_name);
        if p.argument {
            match p.ty {
                TypeRef::String
                | TypeRef::Secret
                | TypeRef::Bytes
                | TypeRef::Decimal
                | TypeRef::Date(_)
                | TypeRef::Array(_) => {
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
        pub fn #name(&self, #(#args),*) -> #builder {
            #builder {
                client: self.clone(),
                options: meterage_runtime::CallOptions::new(),
                #(#inits,)*
            }
        }
    }
}

/// A compiled doc example of calling `op`, for consumers who name the module `path`:
/// required arguments from the spec's examples (or placeholders), optional parameters
/// that have examples as setters. `None` when an argument cannot be written as a literal.
pub(super) fn emit_example(
    api: &Api,
    op: &Operation,
    path: &str,
    runtime: &str,
) -> Option<TokenStream> {
    // Required values from the spec's examples, else placeholders.
    let required = |p: &Param| {
        let example = p
            .example
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok());
        match example {
            Some(value) => example_literal(api, &p.ty, &value, path),
            None => placeholder(&p.ty, &p.wire_name),
        }
    };
    let mut args = Vec::new();
    for p in settable(op).filter(|p| p.argument) {
        args.push(required(p)?);
    }
    let mut lines = vec![
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(" # async fn example(client: &{path}::Client) -> Result<(), {runtime}::Error> {{"),
        " let response = client".to_owned(),
        format!("     .{}({})", op.method_name, args.join(", ")),
    ];
    for p in settable(op).filter(|p| !p.argument) {
        let literal = if p.required {
            Some(required(p)?)
        } else {
            p.example
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok())
                .and_then(|v| example_literal(api, &p.ty, &v, path))
        };
        if let Some(literal) = literal {
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
pub(super) fn example_literal(
    api: &Api,
    ty: &TypeRef,
    value: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    match (ty, value) {
        (TypeRef::String | TypeRef::Secret | TypeRef::Date(_), Value::String(s)) => {
            Some(format!("{s:?}"))
        }
        (TypeRef::String | TypeRef::Secret, Value::Number(n)) => {
            Some(format!("{:?}", n.to_string()))
        }
        (TypeRef::I32 | TypeRef::I64, Value::Number(n)) if n.is_i64() => Some(n.to_string()),
        // A decimal setter takes `impl Into<Decimal>`: integers convert.
        (TypeRef::Decimal, Value::Number(n)) if n.is_i64() => Some(n.to_string()),
        (TypeRef::Decimal, Value::String(s)) if s.parse::<i64>().is_ok() => Some(s.clone()),
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
            let TypeKind::Enum { variants, open } = &def.kind else {
                return None;
            };
            let ty = format!("{path}::types::{}", def.name.as_str());
            match variants.iter().find(|v| &v.value == s) {
                Some(v) => Some(format!("{ty}::{}", v.name.as_str())),
                None if *open => Some(format!("{ty}::from({s:?})")),
                None => None,
            }
        }
        _ => None,
    }
}

/// A stand-in for a required argument without an example.
pub(super) fn placeholder(ty: &TypeRef, wire_name: &str) -> Option<String> {
    match ty {
        TypeRef::String | TypeRef::Secret => Some(format!("{:?}", format!("<{wire_name}>"))),
        TypeRef::I32 | TypeRef::I64 | TypeRef::Decimal => Some("1".to_owned()),
        TypeRef::Bool => Some("true".to_owned()),
        _ => None,
    }
}
