//! Paged operations (`x-pagination`): the `PAGINATION` const of a builder, the `Page`
//! impl of its response type and the `Paginate` impl of the builder.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::operations::success_type;
use super::{docs, ident, module_type};
use crate::extensions::X_PAGINATION;
use crate::ir::{Api, Operation, PageField, Pagination, TypeId, TypeRef};

/// The Rust type of page numbers and sizes.
fn index_type(p: &Pagination) -> TokenStream {
    match p.index {
        TypeRef::I32 => quote! { i32 },
        _ => quote! { i64 },
    }
}

/// An integer literal of the index type, or `None`.
fn index_literal(value: Option<u64>) -> TokenStream {
    match value {
        Some(value) => {
            let value = Literal::u64_unsuffixed(value);
            quote! { Some(#value) }
        }
        None => quote! { None },
    }
}

pub(super) fn emit_pagination_const(p: &Pagination) -> TokenStream {
    let page = &p.page_param;
    let size = &p.size_param;
    let index = index_type(p);
    let first = Literal::u64_unsuffixed(p.first_page);
    let default_size = index_literal(p.default_size);
    let last_page = index_literal(p.last_page);
    let doc = docs(&format!("How this operation pages (`{X_PAGINATION}`)."));
    quote! {
        #doc
        pub const PAGINATION: meterage_runtime::PageNumber<#index> = meterage_runtime::PageNumber {
            page_param: #page,
            size_param: #size,
            first_page: #first,
            default_size: #default_size,
            last_page: #last_page,
        };
    }
}

/// An integer field of the response as `Option<target>`; `same` when the field already
/// has the target type.
fn field_value(field: &PageField, target: &TokenStream, same: bool) -> TokenStream {
    let n = ident(&field.name);
    if same {
        return if field.optional {
            quote! { self.#n }
        } else {
            quote! { Some(self.#n) }
        };
    }
    if field.optional {
        quote! { self.#n.and_then(|value| #target::try_from(value).ok()) }
    } else {
        quote! { #target::try_from(self.#n).ok() }
    }
}

pub(super) fn emit_pages(api: &Api) -> TokenStream {
    let mut done: BTreeSet<TypeId> = BTreeSet::new();
    let mut out = TokenStream::new();
    for op in &api.operations {
        let Some(p) = &op.pagination else {
            continue;
        };
        if done.insert(p.response_type) {
            out.extend(emit_page_impl(api, p));
        }
        out.extend(emit_paginate_impl(api, op, p));
    }
    out
}

/// `Page` for the response type of a paged operation.
fn emit_page_impl(api: &Api, p: &Pagination) -> TokenStream {
    let response = ident(&api.types[p.response_type].name);
    let item = module_type(&api.types, &p.item_type);
    let index = index_type(p);
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
        Some(field) => field_value(field, &quote! { u64 }, false),
    };
    let echo = p.echo_field.as_ref().map(|field| {
        let value = field_value(field, &index, field.ty == p.index);
        quote! {
            fn page_number(&self) -> Option<#index> {
                #value
            }
        }
    });
    quote! {
        impl meterage_runtime::Page for types::#response {
            type Item = #item;
            type Index = #index;

            fn items(&self) -> &[Self::Item] {
                #borrow
            }

            fn into_items(self) -> Vec<Self::Item> {
                #owned
            }

            fn total(&self) -> Option<u64> {
                #total
            }

            #echo
        }
    }
}

/// `Paginate` for the builder of a paged operation.
fn emit_paginate_impl(api: &Api, op: &Operation, p: &Pagination) -> TokenStream {
    let builder = ident(&op.builder_name);
    // `Option<_>` when the server may answer without content: an empty page, the last.
    let response = success_type(api, op);
    let item = module_type(&api.types, &p.item_type);
    let index = index_type(p);
    let page = ident(&p.page_field);
    let size = ident(&p.size_field);
    quote! {
        impl meterage_runtime::pagination::Paginate for #builder {
            type Page = #response;
            type Item = #item;
            type Index = #index;
            type Style = meterage_runtime::PageNumber<#index>;

            const PAGINATION: meterage_runtime::PageNumber<#index> = <#builder>::PAGINATION;

            fn operation(&self) -> &'static meterage_runtime::Operation {
                &Self::OPERATION
            }

            fn client(&self) -> &meterage_runtime::Client {
                &self.client.inner
            }

            fn start_page(&self) -> Option<#index> {
                self.#page
            }

            fn page_size(&self) -> Option<#index> {
                self.#size
            }

            fn page_request(&self, page: #index) -> Result<meterage_runtime::Request, meterage_runtime::Error> {
                let mut next = self.clone();
                next.#page = Some(page);
                if self.client.inner.validates_requests() {
                    next.validate()?;
                }
                Ok(next.request())
            }
        }
    }
}
