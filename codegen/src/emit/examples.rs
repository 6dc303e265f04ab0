//! The `examples` test module: every response example of the spec decodes into its
//! generated type and encodes back to the same JSON.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{raw_string, type_tokens};
use crate::ir::{Api, Example};

pub(super) fn emit_examples(api: &Api) -> TokenStream {
    let mut tests = Vec::new();
    for op in &api.operations {
        let mut count: Vec<(String, usize)> = Vec::new();
        for Example { status, ty, json } in &op.examples {
            let n = match count.iter_mut().find(|(s, _)| s == status) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    count.push((status.clone(), 1));
                    1
                }
            };
            let suffix = if n > 1 {
                format!("_{n}")
            } else {
                String::new()
            };
            let name = format_ident!(
                "{}_{}{}",
                op.method_name.as_str(),
                status.to_lowercase(),
                suffix
            );
            let t = type_tokens(&api.types, ty, &quote! { super::types:: });
            let json = raw_string(json);
            tests.push(quote! {
                #[test]
                fn #name() {
                    if let Err(difference) = meterage_runtime::__private::example_roundtrip::<#t>(#json) {
                        panic!("{difference}");
                    }
                }
            });
        }
    }
    if tests.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[cfg(test)]
        mod examples {
            //! Every response example in the spec decodes into its generated type and
            //! re-encodes to the same JSON: a field missing from a schema fails here.
            #(#tests)*
        }
    }
}
