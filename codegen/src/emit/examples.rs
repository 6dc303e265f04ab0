//! The `examples` test module: every response example of the spec decodes into its
//! generated type and encodes back to the same JSON; an error example the error envelope
//! reads (and so has no type) gives the envelope its code or message.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, raw_string, type_tokens};
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
            let json = raw_string(json);
            // An error body the envelope reads has no type: check that the envelope
            // finds its code or message.
            let written = ty.named().is_none_or(|id| {
                let usage = &api.types[id].usage;
                usage.sent || usage.received
            });
            if !written {
                let builder = ident(&op.builder_name);
                tests.push(quote! {
                    #[test]
                    fn #name() {
                        if let Err(problem) = meterage_runtime::__private::error_example(super::#builder::OPERATION.envelope, #json) {
                            panic!("{problem}");
                        }
                    }
                });
                continue;
            }
            let t = type_tokens(&api.types, ty, &quote! { super::types:: });
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
