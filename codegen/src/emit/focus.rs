//! A mapped listing's FOCUS data and method (`x-focus`): the builder's `FOCUS` constant
//! (a `meterage_runtime::focus::FocusMap`, one column a line where it fits:
//! `focus::decimal("BilledCost", focus::field("/PayPrice"))`, the runtime's `const fn`
//! constructors writing only what differs from their defaults) and `focus()`, every
//! record as a FOCUS row.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{FocusMap, FocusSource, FocusType, Operation};

/// The `FOCUS` constant and the `focus()` method of `op`'s builder, mapped by `map`.
pub(super) fn emit_focus(op: &Operation, map: &FocusMap) -> TokenStream {
    let zone = proc_macro2::Literal::i32_unsuffixed(map.time_zone_seconds);
    let columns = map.columns.iter().map(|column| {
        let name = &column.name;
        let constructor = match column.ty {
            FocusType::Decimal => quote! { decimal },
            FocusType::DateTime => quote! { date_time },
            FocusType::String => quote! { string },
            FocusType::Json => quote! { json },
        };
        let source = source(&column.source);
        quote! { focus::#constructor(#name, #source) }
    });
    let (stream, over) = if op.pagination.is_some() {
        (
            quote! { meterage_runtime::focus::rows(Self::FOCUS, self.items()) },
            "every item of `items()`",
        )
    } else if let Some(records) = &op.records {
        let field = super::ident(&records.field);
        (
            quote! {
                meterage_runtime::focus::response_rows(Self::FOCUS, async move {
                    self.send().await.map(|response| response.into_inner().#field)
                })
            },
            "every record of the one response `send()` gives (its `x-records` field)",
        )
    } else {
        (
            quote! {
                meterage_runtime::focus::response_rows(Self::FOCUS, async move {
                    self.send().await.map(meterage_runtime::Response::into_inner)
                })
            },
            "every record of the one response `send()` gives",
        )
    };
    let method_doc = super::docs(&format!(
        "Every record as a FOCUS 1.2 row (the spec's `x-focus`, see [`Self::FOCUS`]): {over}, mapped in order.\n\n# Errors\n\nThe stream yields the listing's errors as `send` does, and `Error::Focus` for a record a column cannot convert."
    ));
    quote! {
        /// How this listing's records become FOCUS 1.2 rows: the spec's `x-focus`, for
        /// `meterage_runtime::focus::apply`.
        pub const FOCUS: &'static meterage_runtime::focus::FocusMap = {
            use meterage_runtime::focus;
            &focus::FocusMap {
                time_zone_seconds: #zone,
                columns: &[#(#columns),*],
            }
        };

        #method_doc
        pub fn focus(self) -> impl meterage_runtime::Stream<Item = Result<meterage_runtime::focus::FocusRow, meterage_runtime::Error>> {
            #stream
        }
    }
}

/// A column's source, written with the runtime's constructors: only what differs from
/// their defaults (`focus::field("/PayPrice")`, `.map(&[..]).default("Usage")`).
fn source(source: &FocusSource) -> TokenStream {
    match source {
        FocusSource::Field {
            pointer,
            map,
            default,
            format,
            multiply,
            end_inclusive,
        } => {
            let mut field = quote! { focus::field(#pointer) };
            if !map.is_empty() {
                let pairs = map.iter().map(|(from, to)| quote! { (#from, #to) });
                field.extend(quote! { .map(&[#(#pairs),*]) });
            }
            if let Some(default) = default {
                field.extend(quote! { .default(#default) });
            }
            if let Some(format) = format {
                field.extend(quote! { .format(#format) });
            }
            if let Some(multiply) = multiply {
                field.extend(quote! { .multiply(#multiply) });
            }
            if *end_inclusive {
                field.extend(quote! { .end_inclusive() });
            }
            field
        }
        FocusSource::Value(text) => quote! { focus::value(#text) },
        FocusSource::Month {
            pointer,
            format,
            next,
        } => {
            if *next {
                quote! { focus::next_month(#pointer, #format) }
            } else {
                quote! { focus::month(#pointer, #format) }
            }
        }
        FocusSource::Unavailable(reason) => quote! { focus::unavailable(#reason) },
    }
}
