//! The `types` module: a struct per object schema, an enum per string enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, type_tokens};
use crate::format::Piece;
use crate::ir::{Constraints, Field, OneOfVariant, TypeDef, TypeKind, TypeRef, Types, Variant};

/// The `types` module, one type per piece.
pub(super) fn emit_types(types: &Types) -> impl Iterator<Item = Piece> + '_ {
    let items = types.iter().enumerate().map(move |(i, (_, def))| {
        let item = match &def.kind {
            TypeKind::Struct { fields } => emit_struct(types, def, fields),
            TypeKind::Enum { variants } => emit_enum(def, variants),
            TypeKind::OneOf {
                variants,
                discriminator,
            } => emit_one_of(types, def, variants, discriminator.as_deref()),
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

pub(super) fn constraint_notes(c: &Constraints) -> Vec<String> {
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
        notes.push(format!("matching `{p}`"));
    }
    notes
}

pub(super) fn emit_struct(types: &Types, def: &TypeDef, fields: &[Field]) -> TokenStream {
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

pub(super) fn emit_enum(def: &TypeDef, variants: &[Variant]) -> TokenStream {
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

/// A `oneOf`/`anyOf`: an enum with one variant per alternative. Serialized as the
/// alternative itself; decoded by the discriminator when there is one, else as the
/// first alternative that fits.
pub(super) fn emit_one_of(
    types: &Types,
    def: &TypeDef,
    variants: &[OneOfVariant],
    discriminator: Option<&str>,
) -> TokenStream {
    let mut text = def
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` alternatives.", def.name));
    text.push_str(&match discriminator {
        Some(tag) => format!("\n\nDecoded by the value of its `{tag}` property."),
        None => "\n\nDecoded as the first alternative, in this order, that fits.".to_owned(),
    });
    let doc = docs(&text);
    let name = ident(&def.name);
    let inner = |v: &OneOfVariant| {
        let t = type_tokens(types, &v.ty, &TokenStream::new());
        if v.boxed {
            quote! { Box<#t> }
        } else {
            t
        }
    };
    let decls = variants.iter().map(|v| {
        let n = ident(&v.name);
        let t = inner(v);
        let d = match &v.ty {
            TypeRef::Named(id) => format!(" A [`{}`].", types[*id].name),
            _ => format!(" A `{}` value.", v.name),
        };
        quote! { #[doc = #d] #n(#t), }
    });
    let Some(tag) = discriminator else {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#decls)*
            }
        };
    };
    let arms = variants.iter().map(|v| {
        let n = ident(&v.name);
        let tags = &v.tags;
        quote! { Some(#(#tags)|*) => meterage_runtime::serde_json::from_value(value).map(#name::#n), }
    });
    let unknown = format!("unknown `{tag}`: {{other:?}}");
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#decls)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <meterage_runtime::serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(|t| t.as_str()).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    other => return Err(serde::de::Error::custom(format_args!(#unknown))),
                }
                .map_err(serde::de::Error::custom)
            }
        }
    }
}
