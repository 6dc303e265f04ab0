//! Constructors for tests (the generated crate's cargo feature `test-util`).
//!
//! A type only received is `#[non_exhaustive]`, so another crate cannot write it as a
//! struct literal (E0639), and a consumer's unit test could not make the response its
//! code takes. With the feature, each such struct gets one `new` taking its required
//! fields in spec order, every optional field `None`; its fields stay `pub`, so a test
//! sets the others afterwards. Types a caller sends are not `#[non_exhaustive]` and get
//! nothing: a struct literal builds them.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::field_type;
use super::{docs, ident};
use crate::ir::{Field, TypeDef, Types};

/// Clippy's `too_many_arguments` threshold: more required fields than this get an
/// `allow` (the constructor mirrors the spec; a builder would be per-field code).
const MAX_ARGUMENTS: usize = 7;

/// `impl Name { pub fn new(required fields) -> Self }` behind the `test-util` feature,
/// for a struct only received; nothing for one a caller sends.
pub(super) fn emit_constructor(types: &Types, def: &TypeDef, fields: &[Field]) -> TokenStream {
    if def.usage.sent {
        return TokenStream::new();
    }
    let name = ident(&def.name);
    let required: Vec<&Field> = fields.iter().filter(|f| !f.optional).collect();
    let params = required.iter().map(|f| {
        let n = ident(&f.rust_name);
        let t = field_type(types, f);
        quote! { #n: #t }
    });
    let inits = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.optional {
            quote! { #n: None }
        } else {
            quote! { #n }
        }
    });
    let given = if required.is_empty() {
        "every field `None`".to_owned()
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|f| format!("`{}`", f.rust_name))
            .collect();
        let optional = if required.len() == fields.len() {
            ""
        } else {
            ", every other field `None`"
        };
        format!("{} as given{optional}", names.join(", "))
    };
    let then = fields
        .iter()
        .find(|f| f.optional)
        .map(|f| {
            format!(
                "; set the fields a test needs afterwards (`value.{} = Some(..)`)",
                f.rust_name
            )
        })
        .unwrap_or_default();
    let doc = docs(&format!(
        "A value with {given}, for tests (cargo feature `test-util`){then}."
    ));
    let allow = match required.len() {
        0 => quote! { #[allow(clippy::new_without_default)] },
        n if n > MAX_ARGUMENTS => quote! { #[allow(clippy::too_many_arguments)] },
        _ => TokenStream::new(),
    };
    quote! {
        #[cfg(feature = "test-util")]
        impl #name {
            #doc
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}
