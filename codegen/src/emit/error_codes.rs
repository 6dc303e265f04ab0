//! The enum of the vendor error codes an operation documents (`x-error-codes`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::Operation;

/// `<Builder>ErrorCode`: one variant per listed code and `Unknown(String)` for the rest,
/// with `of(&Error)`, `from_code`, `as_str` and `Display`; nothing when the operation
/// lists no codes.
pub(super) fn emit_error_codes(op: &Operation) -> TokenStream {
    let Some(name) = &op.error_code_enum else {
        return TokenStream::new();
    };
    let name = ident(name);
    let doc = docs(&format!(
        "The vendor error codes `{}` documents, as [`Error::vendor_code`](meterage_runtime::Error::vendor_code) gives them; a code the spec does not list is `Unknown`, kept as sent.\n\n`{name}::of(&error)` reads an error's code (also through a failed sign-in). Codes compare as the error envelope's do: a listed code also matches its namespaced forms.",
        op.id
    ));
    let variants = op.error_codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let text = match &c.description {
            Some(description) => format!("`{}`: {description}", c.code),
            None => format!("`{}`.", c.code),
        };
        let doc = docs(&text);
        quote! { #doc #variant, }
    });
    let listed = op.error_codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let code = &c.code;
        quote! { (#code, #name::#variant), }
    });
    let texts = op.error_codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let code = &c.code;
        quote! { #name::#variant => #code, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A code the spec does not list, as the vendor sent it.
            Unknown(String),
        }

        impl #name {
            /// The listed codes and their variants, in spec order.
            const LISTED: &'static [(&'static str, #name)] = &[#(#listed)*];

            /// The variant of vendor code `code`.
            pub fn from_code(code: &str) -> Self {
                Self::LISTED
                    .iter()
                    .find(|(listed, _)| meterage_runtime::envelope::code_matches(listed, code))
                    .map_or_else(|| #name::Unknown(code.to_owned()), |(_, variant)| variant.clone())
            }

            /// The vendor code of `error`, if it carries one (an API failure, or a failed
            /// sign-in's answer).
            pub fn of(error: &meterage_runtime::Error) -> Option<Self> {
                error.vendor_code().map(Self::from_code)
            }

            /// The code as the spec lists it (an `Unknown` code as the vendor sent it).
            pub fn as_str(&self) -> &str {
                match self {
                    #(#texts)*
                    #name::Unknown(code) => code,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}
