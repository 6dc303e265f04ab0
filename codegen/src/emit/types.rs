//! The `types` module: a struct per object schema, an enum per string enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, test_util, type_tokens, Part};
use crate::format::Piece;
use crate::ir::{
    Constraints, Field, OneOfVariant, TypeDef, TypeId, TypeKind, TypeRef, Types, Variant,
};

/// The parts of the `types` module: `UnknownValue` when an enum is open, then every
/// type in the order written, then the closing brace; nothing when there are no types.
pub(super) fn parts(types: &Types, parts: &mut Vec<Part>) {
    let open_enums = types
        .iter()
        .any(|(_, def)| matches!(def.kind, TypeKind::Enum { open: true, .. }));
    let first = parts.len();
    if open_enums {
        parts.push(Part::UnknownValue { opens: false });
    }
    parts.extend(types.iter().map(|(id, _)| Part::Type { id, opens: false }));
    match parts.get_mut(first) {
        Some(Part::UnknownValue { opens } | Part::Type { opens, .. }) => *opens = true,
        _ => return,
    }
    parts.push(Part::Close);
}

/// The type `id` as a piece inside `mod types`, which it opens when `opens`: a struct,
/// its `wire_struct!` call (laid out here, one field a line) and its test constructor;
/// an enum.
pub(super) fn piece(types: &Types, id: TypeId, opens: bool) -> Piece {
    let def = types.get(id);
    match &def.kind {
        TypeKind::Struct { fields } => {
            let mut pieces = vec![
                inside(emit_struct(types, def, fields), opens),
                Piece::Text(wire_struct(def, fields)),
            ];
            let constructor = test_util::emit_constructor(types, def, fields);
            if !constructor.is_empty() {
                pieces.push(inside(constructor, false));
            }
            Piece::Seq(pieces)
        }
        TypeKind::Enum { .. } if def.same_as.is_some() => {
            inside(emit_enum_alias(types, def), opens)
        }
        TypeKind::Enum { variants, open } => inside(emit_enum(def, variants, *open), opens),
        TypeKind::OneOf {
            variants,
            discriminator,
        } => inside(
            emit_one_of(types, def, variants, discriminator.as_deref()),
            opens,
        ),
    }
}

/// The struct's `Serialize` and `Deserialize`, as a call of the runtime's
/// `wire_struct!` (a blank line before it): each field's wire name, and whether it is
/// `optional` (left out when `None`) or `required`. Indented for `mod types`.
fn wire_struct(def: &TypeDef, fields: &[Field]) -> String {
    let name = &def.name;
    if fields.is_empty() {
        return format!("\n    meterage_runtime::wire_struct!({name} {{}});\n");
    }
    let mut text = format!("\n    meterage_runtime::wire_struct!({name} {{\n");
    for f in fields {
        let mode = if f.optional { "optional" } else { "required" };
        let wire = proc_macro2::Literal::string(&f.wire_name);
        text.push_str(&format!(
            "        {}: {wire} {mode},\n",
            ident(&f.rust_name)
        ));
    }
    text.push_str("    });\n");
    text
}

/// `item` as a piece inside `mod types`, which it opens when `opens`.
pub(super) fn inside(item: TokenStream, opens: bool) -> Piece {
    if opens {
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
    let mut text = def
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` object.", def.name));
    if !def.usage.error_of.is_empty() {
        // The first few operations by name: Microsoft Graph's one error type answers
        // all 11,422, a line of a megabyte naming each.
        const NAMED: usize = 8;
        let of = &def.usage.error_of;
        let mut named: Vec<String> = of
            .iter()
            .take(NAMED)
            .map(|b| format!("[`{b}`](super::{b})"))
            .collect();
        if of.len() > NAMED {
            named.push(format!("and {} other operations", of.len() - NAMED));
        }
        text.push_str(&format!(
            "\n\nThe error body of {}: read it from the error with `error.api().and_then(|e| e.body_json::<{}>().ok())`.",
            named.join(", "),
            def.name
        ));
    }
    // A type only read (never built by a caller) may gain fields as the spec grows.
    let non_exhaustive = (!def.usage.sent).then(|| quote! { #[non_exhaustive] });
    if !def.usage.sent {
        text.push_str("\n\nOnly received: `#[non_exhaustive]`, so fields the spec gains later break no code. A test builds one with `new` (cargo feature `test-util`).");
    }
    let doc = docs(&text);
    let name = ident(&def.name);
    let fields = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        let t = field_type(types, f);
        let mut text = field_doc(types, f.doc.as_deref(), &f.ty, &f.wire_name);
        let notes = constraint_notes(&f.constraints);
        if !notes.is_empty() {
            text.push_str(&format!(
                "\n\nDocumented as {}; not checked on responses.",
                notes.join(", ")
            ));
        }
        let doc = docs(&text);
        quote! {
            #doc
            pub #n: #t,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The Rust type of field `f` inside `mod types`: boxed when recursive, in an `Option`
/// when optional.
pub(super) fn field_type(types: &Types, f: &Field) -> TokenStream {
    let t = type_tokens(types, &f.ty, &TokenStream::new());
    let t = if f.boxed {
        quote! { Box<#t> }
    } else {
        t
    };
    if f.optional {
        quote! { Option<#t> }
    } else {
        t
    }
}

/// The docs of a field or parameter: its own description, else, for a `$ref` (which
/// OpenAPI 3.0 allows no description beside), the description of the type it names,
/// with a link; else its wire name.
pub(super) fn field_doc(types: &Types, own: Option<&str>, ty: &TypeRef, wire_name: &str) -> String {
    match (own, ty.named()) {
        (Some(own), _) => own.to_owned(),
        (None, Some(id)) => ref_doc(types, ty, "")
            .unwrap_or_else(|| format!("`{wire_name}`: see [`{}`].", types[id].name)),
        (None, None) => format!("`{wire_name}`."),
    }
}

/// The description of the generated type `ty` names (itself, or its items), with a link
/// to it through `prefix` (`types::` outside the `types` module); `None` when it has
/// none.
pub(super) fn ref_doc(types: &Types, ty: &TypeRef, prefix: &str) -> Option<String> {
    let def = &types[ty.named()?];
    let doc = def.doc.as_deref()?;
    let link = if prefix.is_empty() {
        format!("[`{}`]", def.name)
    } else {
        format!("[`{0}`]({prefix}{0})", def.name)
    };
    Some(format!("{doc}\n\nSee {link}."))
}

/// A string enum. Closed (`enum`): `Copy`, and a value outside the list is an error
/// (`FromStr`, decoding). Open (`x-extensible-enum`): `#[non_exhaustive]`, and any other
/// value is kept in `Unknown`, which only conversions build, so a listed value always
/// has its own variant.
pub(super) fn emit_enum(def: &TypeDef, variants: &[Variant], open: bool) -> TokenStream {
    let name = ident(&def.name);
    let mut text = def
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` values.", def.name));
    let listed: Vec<String> = variants.iter().map(|v| format!("`{}`", v.value)).collect();
    text.push_str(&if open {
        format!(
            "\n\nAn open set: the vendor adds values. Any value converts into this type (`from`, `parse`, decoding), so a value this client does not list yet can be sent and received; it is kept in `Unknown`. Listed: {}.",
            listed.join(", ")
        )
    } else {
        format!(
            "\n\nOne of {}; any other value is refused, by `parse` and when decoding.",
            listed.join(", ")
        )
    });
    let doc = docs(&text);
    let decls = variants.iter().map(|v| {
        let n = ident(&v.name);
        let d = format!(" `{}`", v.value);
        quote! { #[doc = #d] #n, }
    });
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let common = quote! {
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

        impl meterage_runtime::ToParam for #name {
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
    if !open {
        let all = variants.iter().map(|v| {
            let n = ident(&v.name);
            quote! { #name::#n, }
        });
        // Variants are declared without discriminants in the order of `VALUES`, so a
        // variant's discriminant is its value's index: one line, however many values,
        // where a `match` gave the compiler an arm per value to check.
        let as_str_body = if variants.is_empty() {
            quote! { match *self {} }
        } else {
            quote! { Self::VALUES[*self as usize] }
        };
        let type_name = def.name.as_str();
        return quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
            pub enum #name {
                #(#decls)*
            }

            impl #name {
                /// Every value, in the spec's order.
                pub const ALL: &'static [#name] = &[#(#all)*];

                /// The wire values, in the spec's order.
                pub const VALUES: &'static [&'static str] = &[#(#values),*];

                /// The wire value.
                pub fn as_str(&self) -> &'static str {
                    #as_str_body
                }
            }

            impl std::str::FromStr for #name {
                type Err = meterage_runtime::UnlistedValue;

                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    meterage_runtime::wire::parse_enum(#type_name, value, Self::VALUES, Self::ALL)
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                    value
                        .parse()
                        .map_err(|_| serde::de::Error::unknown_variant(&value, Self::VALUES))
                }
            }

            #common
        };
    }
    // An open enum's `as_str` matches: `Unknown` holds its own text.
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
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A value the spec does not list (yet), kept verbatim. Only conversions
            /// make one (`from`, `parse`, decoding), never for a listed value.
            Unknown(UnknownValue),
        }

        impl #name {
            /// The wire values the spec lists, in its order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #name::Unknown(value) => value.as_str(),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from)*
                    _ => #name::Unknown(UnknownValue(value)),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #name::from(value.to_owned())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(#name::from(value))
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map(#name::from)
            }
        }

        #common
    }
}

/// An enum with the same variants as one written before it
/// ([`TypeDef::same_as`]): a type alias of that enum, under its own name and docs.
fn emit_enum_alias(types: &Types, def: &TypeDef) -> TokenStream {
    let Some(earlier) = def.same_as else {
        return TokenStream::new();
    };
    let name = ident(&def.name);
    let earlier = ident(&types[earlier].name);
    let mut text = def
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` values.", def.name));
    text.push_str(&format!(
        "\n\nThe same values as [`{earlier}`], so the same type: written once, named by both."
    ));
    let doc = docs(&text);
    quote! {
        #doc
        pub type #name = #earlier;
    }
}

/// The value an open enum keeps when the spec does not list it: emitted once per module
/// that has an open enum. Its field is private to `types`, so only the enums'
/// conversions make one.
pub(super) fn emit_unknown_value() -> TokenStream {
    quote! {
        /// A value of an open enum that the spec does not list (yet), kept verbatim.
        ///
        /// Only the enums' conversions make one (`from`, `parse`, decoding), and never
        /// for a listed value: a listed value always has its own variant.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct UnknownValue(String);

        impl UnknownValue {
            /// The value as sent or received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for UnknownValue {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
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
