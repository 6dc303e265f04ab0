//! Paged operations (`x-pagination`): the `PAGINATION` const of a builder, the `Page`
//! impl of its response type and the `Paginate` impl of the builder.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::operations::success_type;
use super::{docs, ident, module_type};
use crate::extensions::X_PAGINATION;
use crate::ir::{
    Api, Location, Operation, PageField, Pagination, PagingStyle, PathStep, TypeId, TypeRef,
};

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
    let index = index_type(p);
    let doc = docs(&format!("How this operation pages (`{X_PAGINATION}`)."));
    match &p.style {
        PagingStyle::PageNumber {
            page_param,
            size_param,
            first_page,
            default_size,
            last_page,
            ..
        } => {
            let first = Literal::u64_unsuffixed(*first_page);
            let default_size = index_literal(*default_size);
            let last_page = index_literal(*last_page);
            quote! {
                #doc
                pub const PAGINATION: meterage_runtime::PageNumber<#index> = meterage_runtime::PageNumber {
                    page_param: #page_param,
                    size_param: #size_param,
                    first_page: #first,
                    default_size: #default_size,
                    last_page: #last_page,
                };
            }
        }
        PagingStyle::Offset {
            offset_param,
            limit_param,
            default_limit,
            max_offset,
            ..
        } => {
            let default_limit = index_literal(*default_limit);
            let max_offset = index_literal(*max_offset);
            quote! {
                #doc
                pub const PAGINATION: meterage_runtime::pagination::Offset<#index> = meterage_runtime::pagination::Offset {
                    offset_param: #offset_param,
                    limit_param: #limit_param,
                    default_limit: #default_limit,
                    max_offset: #max_offset,
                };
            }
        }
        PagingStyle::NextLink { next_header, .. } => {
            let link_header = match next_header {
                Some(name) => quote! { Some(#name) },
                None => quote! { None },
            };
            quote! {
                #doc
                pub const PAGINATION: meterage_runtime::pagination::NextLink = meterage_runtime::pagination::NextLink {
                    link_header: #link_header,
                };
            }
        }
        PagingStyle::Cursor {
            token_param,
            token_in,
            next_header,
            ..
        } => {
            let next_header = match next_header {
                Some(name) => quote! { Some(#name) },
                None => quote! { None },
            };
            let token_in = match token_in {
                Location::Header => quote! { Header },
                Location::Json => quote! { Body },
                _ => quote! { Query },
            };
            quote! {
                #doc
                pub const PAGINATION: meterage_runtime::pagination::CursorToken = meterage_runtime::pagination::CursorToken {
                    token_param: #token_param,
                    token_in: meterage_runtime::pagination::TokenIn::#token_in,
                    next_header: #next_header,
                };
            }
        }
    }
}

/// The style's type, as `Paginate::Style` names it.
fn style_type(p: &Pagination) -> TokenStream {
    let index = index_type(p);
    match p.style {
        PagingStyle::PageNumber { .. } => quote! { meterage_runtime::PageNumber<#index> },
        PagingStyle::Offset { .. } => quote! { meterage_runtime::pagination::Offset<#index> },
        PagingStyle::Cursor { .. } => quote! { meterage_runtime::pagination::CursorToken },
        PagingStyle::NextLink { .. } => quote! { meterage_runtime::pagination::NextLink },
    }
}

/// A borrow of the value at the end of `path` from `self`: `(expression, optional)`,
/// the expression a `&T` when no step is optional, else an `Option<&T>`.
fn borrow_path(path: &[PathStep]) -> (TokenStream, bool) {
    let mut expr = quote! { self };
    let mut optional = false;
    for step in path {
        let n = ident(&step.name);
        expr = match (optional, step.optional) {
            (false, false) => quote! { #expr.#n },
            (false, true) => quote! { #expr.#n.as_ref() },
            (true, false) => quote! { #expr.map(|value| &value.#n) },
            (true, true) => quote! { #expr.and_then(|value| value.#n.as_ref()) },
        };
        optional |= step.optional;
    }
    if optional {
        (expr, true)
    } else {
        (quote! { &#expr }, false)
    }
}

/// The string at the end of `path` as an `Option<&str>`.
fn str_path(path: &[PathStep]) -> TokenStream {
    let mut expr = quote! { self };
    let mut optional = false;
    for (i, step) in path.iter().enumerate() {
        let n = ident(&step.name);
        let last = i + 1 == path.len();
        expr = match (optional, step.optional, last) {
            (false, false, _) => quote! { #expr.#n },
            (false, true, true) => quote! { #expr.#n.as_deref() },
            (false, true, false) => quote! { #expr.#n.as_ref() },
            (true, false, true) => quote! { #expr.map(|value| value.#n.as_str()) },
            (true, false, false) => quote! { #expr.map(|value| &value.#n) },
            (true, true, true) => quote! { #expr.and_then(|value| value.#n.as_deref()) },
            (true, true, false) => quote! { #expr.and_then(|value| value.#n.as_ref()) },
        };
        optional |= step.optional;
    }
    if optional {
        expr
    } else {
        quote! { Some(#expr.as_str()) }
    }
}

/// The value at the end of `path`, moved out of `self`: `(expression, optional)`.
fn move_path(path: &[PathStep]) -> (TokenStream, bool) {
    let mut expr = quote! { self };
    let mut optional = false;
    for step in path {
        let n = ident(&step.name);
        expr = match (optional, step.optional) {
            (false, _) => quote! { #expr.#n },
            (true, false) => quote! { #expr.map(|value| value.#n) },
            (true, true) => quote! { #expr.and_then(|value| value.#n) },
        };
        optional |= step.optional;
    }
    (expr, optional)
}

/// An integer field of the response as `Option<target>`; `same` when the field already
/// has the target type.
fn field_value(field: &PageField, target: &TokenStream, same: bool) -> TokenStream {
    if let [step] = field.path.as_slice() {
        let n = ident(&step.name);
        if same {
            return if step.optional {
                quote! { self.#n }
            } else {
                quote! { Some(self.#n) }
            };
        }
        return if step.optional {
            quote! { self.#n.and_then(|value| #target::try_from(value).ok()) }
        } else {
            quote! { #target::try_from(self.#n).ok() }
        };
    }
    let (expr, optional) = borrow_path(&field.path);
    let value = if optional {
        quote! { #expr.copied() }
    } else {
        quote! { Some(*#expr) }
    };
    if same {
        value
    } else {
        quote! { #value.and_then(|value| #target::try_from(value).ok()) }
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
    let (borrow, owned) = match p.items.as_slice() {
        [step] => {
            let items = ident(&step.name);
            if step.optional {
                (
                    quote! { self.#items.as_deref().unwrap_or(&[]) },
                    quote! { self.#items.unwrap_or_default() },
                )
            } else {
                (quote! { &self.#items }, quote! { self.#items })
            }
        }
        path => {
            let (borrow, optional) = borrow_path(path);
            let (owned, _) = move_path(path);
            if optional {
                (
                    quote! { #borrow.map_or(&[], |items| items.as_slice()) },
                    quote! { #owned.unwrap_or_default() },
                )
            } else {
                (borrow, owned)
            }
        }
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
    let next_token = match &p.style {
        PagingStyle::Cursor {
            next_body: Some(path),
            ..
        }
        | PagingStyle::NextLink {
            next_body: Some(path),
            ..
        } => {
            let value = str_path(path);
            Some(quote! {
                fn next_token(&self) -> Option<&str> {
                    #value
                }
            })
        }
        _ => None,
    };
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

            #next_token
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
    let style = style_type(p);
    let methods = match &p.style {
        PagingStyle::PageNumber {
            page_field: page,
            size_field: size,
            ..
        }
        | PagingStyle::Offset {
            offset_field: page,
            limit_field: size,
            ..
        } => {
            let (page, size) = (ident(page), ident(size));
            quote! {
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
                    Ok(meterage_runtime::call::Call::request(&next))
                }
            }
        }
        PagingStyle::NextLink { .. } => quote! {
            fn start_page(&self) -> Option<#index> {
                None
            }

            fn page_size(&self) -> Option<#index> {
                None
            }

            fn page_request(&self, page: meterage_runtime::pagination::PageLink) -> Result<meterage_runtime::Request, meterage_runtime::Error> {
                if self.client.inner.validates_requests() {
                    self.validate()?;
                }
                let mut request = meterage_runtime::call::Call::request(self);
                request.follow_link(page.url());
                Ok(request)
            }
        },
        PagingStyle::Cursor { token_field, .. } => {
            let token = ident(token_field);
            quote! {
                fn start_page(&self) -> Option<#index> {
                    None
                }

                fn page_size(&self) -> Option<#index> {
                    None
                }

                fn start_token(&self) -> Option<String> {
                    self.#token.clone()
                }

                fn page_request(&self, page: meterage_runtime::pagination::PageToken) -> Result<meterage_runtime::Request, meterage_runtime::Error> {
                    let mut next = self.clone();
                    next.#token = page.0;
                    if self.client.inner.validates_requests() {
                        next.validate()?;
                    }
                    Ok(meterage_runtime::call::Call::request(&next))
                }
            }
        }
    };
    quote! {
        impl meterage_runtime::pagination::Paginate for #builder {
            type Page = #response;
            type Item = #item;
            type Index = #index;
            type Style = #style;

            const PAGINATION: #style = <#builder>::PAGINATION;

            fn operation(&self) -> &'static meterage_runtime::Operation {
                &Self::OPERATION
            }

            fn client(&self) -> &meterage_runtime::Client {
                &self.client.inner
            }

            #methods
        }
    }
}
