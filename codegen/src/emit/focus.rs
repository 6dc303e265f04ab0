//! A mapped listing's FOCUS data and method (`x-focus`): the builder's `FOCUS` constant
//! (a `meterage_runtime::focus::FocusMap`) and `focus()`, every record as a FOCUS row.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{FocusMap, FocusSource, FocusType, Operation};

/// The `FOCUS` constant and the `focus()` method of `op`'s builder, mapped by `map`.
pub(super) fn emit_focus(op: &Operation, map: &FocusMap) -> TokenStream {
    let zone = map.time_zone_seconds;
    let columns = map.columns.iter().map(|column| {
        let name = &column.name;
        let ty = match column.ty {
            FocusType::Decimal => quote! { Decimal },
            FocusType::DateTime => quote! { DateTime },
            FocusType::String => quote! { String },
            FocusType::Json => quote! { Json },
        };
        let source = match &column.source {
            FocusSource::Field {
                pointer,
                map,
                default,
                format,
                multiply,
                end_inclusive,
            } => {
                let pairs = map.iter().map(|(from, to)| quote! { (#from, #to) });
                let default = option_str(default.as_deref());
                let format = option_str(format.as_deref());
                let multiply = option_str(multiply.as_deref());
                quote! {
                    focus::Source::Field {
                        pointer: #pointer,
                        map: &[#(#pairs),*],
                        default: #default,
                        format: #format,
                        multiply: #multiply,
                        end_inclusive: #end_inclusive,
                    }
                }
            }
            FocusSource::Value(text) => quote! { focus::Source::Value(#text) },
            FocusSource::Month {
                pointer,
                format,
                next,
            } => {
                quote! { focus::Source::Month { pointer: #pointer, format: #format, next: #next } }
            }
            FocusSource::Unavailable(reason) => quote! { focus::Source::Unavailable(#reason) },
        };
        quote! { focus::ColumnMap { name: #name, ty: focus::ColumnType::#ty, source: #source } }
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

/// `Some("text")` or `None`.
fn option_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    }
}
