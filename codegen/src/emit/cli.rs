//! The `cli` module of an API, behind the generated crate's `cli` feature: `API`, what
//! the API says about itself (`meterage_runtime::describe::Api`: operations, parameters
//! as text, record fields, paging, record keys, periods, credential variables), and
//! `run`, which sets an operation's parameters from `Args` and hands its records to a
//! `Sink` through `describe::drive`. Per operation it writes data (with the runtime's
//! `const fn` constructors, only what differs from their defaults) and one arm of `run`;
//! reading, paging and sending are the runtime's.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::client::has_from_env;
use super::types::constraint_notes;
use super::{ident, method_text, settable, type_tokens};
use crate::ir::{
    Api, AuthKind, AuthScheme, DateFormat, Location, Operation, PagingStyle, Param, TypeId,
    TypeKind, TypeRef, Types,
};

/// The `cli` module of `api`, inline (`#[cfg(feature = "cli")] pub mod cli { .. }`).
pub(super) fn emit_cli(api: &Api) -> TokenStream {
    let body = emit_cli_body(api);
    quote! {
        #[cfg(feature = "cli")]
        pub mod cli {
            #body
        }
    }
}

/// What the `cli` module of `api` holds: its inner docs and items, inline in the module
/// ([`emit_cli`]) or a file of its own ([`super::Module::cli_file`]).
pub(super) fn emit_cli_body(api: &Api) -> TokenStream {
    let ops: Vec<&Operation> = api.operations.iter().filter(|op| runnable(op)).collect();
    let mut records = Records::default();
    let infos: Vec<TokenStream> = ops
        .iter()
        .map(|op| operation_info(api, op, &mut records))
        .collect();
    let fields = records.emit(&api.types);
    let name = module_name(&api.spec_path);
    let title = &api.title;
    let description = api.description.as_deref().unwrap_or_default();
    let spec = &api.spec_path;
    let url_env = api.env.base_url.first().map(String::as_str).unwrap_or("");
    let credentials = credentials(api);
    let (dispatch, chunks) = run_dispatch(&ops);
    let run_fns = ops.iter().map(|op| run_fn(api, op));
    let set_arg = ops
        .iter()
        .any(|op| settable(op).any(|p| !p.argument))
        .then(|| quote! { use describe::SetArg as _; });
    let from_env = if has_from_env(api) {
        quote! { super::Client::from_env().map(|client| client.runtime().clone()) }
    } else {
        let message = format!(
            "{spec} names no environment variables for a client: build one with `Client::builder()`"
        );
        quote! { Err(meterage_runtime::Error::Config(#message.to_owned())) }
    };
    quote! {
        //! What this API says about itself, and `run`, for tools that drive every operation the same way (cargo feature `cli`). Operations whose answer may carry a credential (sign-in calls) are left out.

        use meterage_runtime::describe;
        #set_arg

        /// What this API says about itself.
        pub static API: describe::Api = describe::Api {
            name: #name,
            title: #title,
            description: #description,
            spec: #spec,
            url_env: #url_env,
            credentials: &[#(#credentials),*],
            operations: &[#(#infos),*],
        };

        #fields

        /// A client configured from the environment, as `Client::from_env`.
        ///
        /// # Errors
        ///
        /// `Error::Config` naming a missing or invalid variable.
        pub fn client_from_env() -> Result<meterage_runtime::Client, meterage_runtime::Error> {
            #from_env
        }

        /// Runs operation `operation` (the client method's name) with `args` (keyed by setter name), giving its records to `sink`.
        ///
        /// # Errors
        ///
        /// `NoOperation` for an unknown operation, `Arg` for an argument that does not read (nothing is sent), the call's or the sink's error.
        pub async fn run<S: describe::Sink>(
            client: &super::Client,
            operation: &str,
            args: &describe::Args,
            sink: &mut S,
        ) -> Result<(), describe::RunError<S::Error>> {
            #dispatch
        }

        #chunks

        #(#run_fns)*
    }
}

/// Whether a tool may run `op`: not when its answer may carry a credential.
fn runnable(op: &Operation) -> bool {
    !op.secret_response
}

/// The module name of the spec at `path` (`specs/huawei-gsl.yaml` is `huawei_gsl`), as
/// xtask names the generated module.
fn module_name(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
        .or_else(|| file.strip_suffix(".json"))
        .unwrap_or(file);
    stem.replace('-', "_")
}

/// How many operations one `match` of `run` awaits at most ([`run_dispatch`]).
const RUN_CHUNK: usize = 64;

/// The body of `run`: a `match` on the operation's name, each arm awaiting its own
/// function ([`run_fn`]). An API of more than [`RUN_CHUNK`] operations gets a `match`
/// per chunk of that many (in name order, `chunk_N`: no operation's function, all
/// named `run_<method>`, can have that name), which `run` finds by a binary
/// search of the sorted names (`RUN_NAMES`): the compiler checks an async function's
/// awaits together, at a cost that grows faster than their number. One `match` of
/// Microsoft Graph's 11,422 operations took over 16 GB to check; of 1,000 (the
/// synthetic spec), 0.5 GB more than chunks of 64. Returns the body and the items it
/// uses (the names and the chunks' functions).
fn run_dispatch(ops: &[&Operation]) -> (TokenStream, TokenStream) {
    if ops.is_empty() {
        // An API with no operation to run (a 3.1 document of webhooks only) reads none
        // of the arguments.
        let body = quote! {
            let _ = (client, args, sink);
            Err(describe::RunError::NoOperation(operation.to_owned()))
        };
        return (body, TokenStream::new());
    }
    if ops.len() <= RUN_CHUNK {
        return (run_match(ops), TokenStream::new());
    }
    let mut sorted = ops.to_vec();
    sorted.sort_by(|a, b| a.method_name.as_str().cmp(b.method_name.as_str()));
    let names = sorted.iter().map(|op| op.method_name.as_str());
    let len = Literal::usize_unsuffixed(sorted.len());
    let chunk = Literal::usize_unsuffixed(RUN_CHUNK);
    let chunks: Vec<&[&Operation]> = sorted.chunks(RUN_CHUNK).collect();
    let arms = (0..chunks.len()).map(|i| {
        let index = Literal::usize_unsuffixed(i);
        let f = format_ident!("chunk_{i}");
        quote! { Ok(#index) => #f(client, operation, args, sink).await, }
    });
    let fns = chunks.iter().enumerate().map(|(i, chunk)| {
        let f = format_ident!("chunk_{i}");
        let body = run_match(chunk);
        let doc = format!(
            " `run` of the operations `{}` to `{}`.",
            chunk[0].method_name.as_str(),
            chunk[chunk.len() - 1].method_name.as_str()
        );
        quote! {
            #[doc = #doc]
            async fn #f<S: describe::Sink>(
                client: &super::Client,
                operation: &str,
                args: &describe::Args,
                sink: &mut S,
            ) -> Result<(), describe::RunError<S::Error>> {
                #body
            }
        }
    });
    let body = quote! {
        match RUN_NAMES.binary_search(&operation).map(|i| i / #chunk) {
            #(#arms)*
            _ => Err(describe::RunError::NoOperation(operation.to_owned())),
        }
    };
    let doc = format!(
        " The names of the operations `run` runs, sorted: the `i`th is in chunk `i / {RUN_CHUNK}`."
    );
    let items = quote! {
        #[doc = #doc]
        static RUN_NAMES: [&str; #len] = [#(#names),*];

        #(#fns)*
    };
    (body, items)
}

/// A `match` on the operation's name with an arm per operation of `ops`, awaiting its
/// function.
fn run_match(ops: &[&Operation]) -> TokenStream {
    let arms = ops.iter().map(|op| {
        let key = op.method_name.as_str();
        let run = run_fn_name(op);
        quote! { #key => #run(client, args, sink).await, }
    });
    quote! {
        match operation {
            #(#arms)*
            _ => Err(describe::RunError::NoOperation(operation.to_owned())),
        }
    }
}

/// The name of `op`'s function in the `cli` module (`run_describe_flow_bills`).
fn run_fn_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("run_{}", op.method_name.as_str())
}

/// The function `run` calls for `op`: reads its arguments from `args`, sends it and
/// gives its records to `sink`.
fn run_fn(api: &Api, op: &Operation) -> TokenStream {
    let run = run_fn_name(op);
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let arguments = settable(op).filter(|p| p.argument).map(|p| {
        let name = p.rust_name.as_str();
        let read = read(&api.types, p);
        quote! { describe::required(#name, #read)? }
    });
    let setters = settable(op).filter(|p| !p.argument).map(|p| {
        let setter = ident(&p.rust_name);
        let read = read(&api.types, p);
        quote! { .set_arg(#read, Op::#setter) }
    });
    let drive = if op.pagination.is_some() {
        quote! { pages(builder, sink) }
    } else if let Some(records) = &op.records {
        let field = ident(&records.field);
        let read = if records.optional {
            quote! { |body| body.#field.as_deref().unwrap_or_default() }
        } else {
            quote! { |body| &body.#field }
        };
        quote! { each_in(builder.send(), #read, sink) }
    } else if matches!(
        (&op.response.ty, &op.response.empty),
        (Some(TypeRef::Array(_)), None)
    ) {
        quote! { each(builder.send(), sink) }
    } else {
        quote! { one(builder.send(), sink) }
    };
    let deprecated = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    let alias = settable(op)
        .any(|p| !p.argument)
        .then(|| quote! { use super::#builder as Op; });
    let args = if settable(op).next().is_some() {
        format_ident!("args")
    } else {
        format_ident!("_args")
    };
    let doc = format!(" `run` of `{}`.", op.method_name.as_str());
    quote! {
        #[doc = #doc]
        #deprecated
        async fn #run<S: describe::Sink>(
            client: &super::Client,
            #args: &describe::Args,
            sink: &mut S,
        ) -> Result<(), describe::RunError<S::Error>> {
            #alias
            let builder = client.#method(#(#arguments),*)#(#setters)*;
            describe::drive::#drive.await
        }
    }
}

/// How a parameter's value is read from `args`: an expression of `Option` of what its
/// setter takes (`?` on an argument that does not read).
fn read(types: &Types, p: &Param) -> TokenStream {
    let name = p.rust_name.as_str();
    match &p.ty {
        TypeRef::String | TypeRef::Date(_) | TypeRef::Bytes => quote! { args.text(#name) },
        TypeRef::Secret => quote! { args.secret(#name) },
        TypeRef::Decimal => quote! { args.parse::<meterage_runtime::Decimal>(#name)? },
        TypeRef::Array(inner) if **inner == TypeRef::Bytes => quote! {
            args.parse_all::<String>(#name)?
                .map(|values| values.into_iter().map(meterage_runtime::Bytes::from).collect::<Vec<_>>())
        },
        TypeRef::Array(inner) if parses(types, inner) => {
            let t = type_tokens(types, inner, &quote! { super::types:: });
            quote! { args.parse_all::<#t>(#name)? }
        }
        TypeRef::Array(_) => {
            let t = type_tokens(types, &p.ty, &quote! { super::types:: });
            quote! { args.json::<#t>(#name)? }
        }
        t if parses(types, t) => quote! { args.parse(#name)? },
        _ => quote! { args.json(#name)? },
    }
}

/// Whether a value of `t` reads from one text by `FromStr`.
fn parses(types: &Types, t: &TypeRef) -> bool {
    match t {
        TypeRef::String
        | TypeRef::Decimal
        | TypeRef::Date(_)
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F64 => true,
        TypeRef::Named(id) => matches!(types[*id].kind, TypeKind::Enum { .. }),
        _ => false,
    }
}

/// The `OperationInfo` of `op`; the record's types join `records`.
fn operation_info(api: &Api, op: &Operation, records: &mut Records) -> TokenStream {
    let name = op.method_name.as_str();
    let id = &op.id;
    let endpoint = endpoint(op);
    let (summary, description) = match (&op.summary, &op.description) {
        (Some(summary), description) => (summary.clone(), description.clone().unwrap_or_default()),
        (None, Some(description)) => match description.split_once('\n') {
            Some((first, rest)) => (first.trim().to_owned(), rest.trim().to_owned()),
            None => (description.clone(), String::new()),
        },
        (None, None) => (String::new(), String::new()),
    };
    let params: Vec<TokenStream> = settable(op)
        .map(|p| param_info(&api.types, p, records))
        .collect();
    let record = match op.record_type() {
        Some(TypeRef::Named(id)) if records.is_struct(&api.types, *id) => {
            let fields = records.name_of(&api.types, *id);
            Some(quote! { &#fields })
        }
        _ => None,
    };
    let paging = match op.pagination.as_ref().map(|p| &p.style) {
        Some(style) => {
            let (text, cursor) = match style {
                PagingStyle::PageNumber { page_field, .. } => ("page-number", Some(page_field)),
                PagingStyle::Offset { offset_field, .. } => ("offset", Some(offset_field)),
                PagingStyle::Cursor { token_field, .. } => ("cursor", Some(token_field)),
                PagingStyle::NextLink { .. } => ("next-link", None),
            };
            let cursor = option_str(cursor.map(|c| c.as_str()));
            Some(quote! { describe::Paging::new(#text, #cursor) })
        }
        None => None,
    };
    let key = &op.record_key;
    let period = op.period.as_ref().map(|period| {
        let start = period.start.as_str();
        let end = option_str(period.end.as_ref().map(|e| e.as_str()));
        let format = &period.format;
        let inclusive = period.end_inclusive;
        quote! {
            describe::Period {
                start: #start,
                end: #end,
                format: #format,
                end_inclusive: #inclusive,
            }
        }
    });
    let focus = op.focus.as_ref().map(|_| {
        let builder = ident(&op.builder_name);
        quote! { focus: Some(super::#builder::FOCUS), }
    });
    // Only what differs from `OperationInfo::DEFAULTS` (name, id and endpoint always).
    let summary = (!summary.is_empty()).then(|| quote! { summary: #summary, });
    let description = (!description.is_empty()).then(|| quote! { description: #description, });
    let params = (!params.is_empty()).then(|| quote! { params: &[#(#params),*], });
    let record = record.map(|record| quote! { record: #record, });
    let paging = paging.map(|paging| quote! { paging: Some(#paging), });
    let key = (!key.is_empty()).then(|| quote! { record_key: &[#(#key),*], });
    let period = period.map(|period| quote! { period: Some(#period), });
    let given = [
        summary.is_some(),
        description.is_some(),
        params.is_some(),
        record.is_some(),
        paging.is_some(),
        key.is_some(),
        period.is_some(),
        focus.is_some(),
    ];
    // Clippy's `needless_update`: no base when every field is written.
    let defaults = given
        .contains(&false)
        .then(|| quote! { ..describe::OperationInfo::DEFAULTS });
    quote! {
        describe::OperationInfo {
            name: #name,
            id: #id,
            endpoint: #endpoint,
            #summary
            #description
            #params
            #record
            #paging
            #key
            #period
            #focus
            #defaults
        }
    }
}

/// `GET /` with `Action=DescribeFlowBills`, as the method's docs say it (without code
/// quotes).
fn endpoint(op: &Operation) -> String {
    let mut text = format!("{} {}", method_text(op.http_method), op.path);
    if let Some(action) = &op.rpc_action {
        text.push_str(&match action.location {
            Location::Header => format!(" with {}: {}", action.name, action.value),
            _ => format!(" with {}={}", action.name, action.value),
        });
    }
    text
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote! { Some(#value) },
        None => quote! { None },
    }
}

/// The `ParamInfo` of `p`, written with `describe::param` and the settings that differ
/// from its defaults; its enum's values join `records`.
fn param_info(types: &Types, p: &Param, records: &mut Records) -> TokenStream {
    let name = p.rust_name.as_str();
    let wire = &p.wire_name;
    let location = match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
        Location::Form | Location::Json | Location::Multipart | Location::Body => "body",
    };
    let description = p
        .doc
        .clone()
        .or_else(|| p.ty.named().and_then(|id| types[id].doc.clone()))
        .unwrap_or_default();
    let required = p.required;
    let secret = matches!(&p.ty, TypeRef::Secret)
        || matches!(&p.ty, TypeRef::Array(inner) if **inner == TypeRef::Secret);
    let (repeated, one) = match &p.ty {
        TypeRef::Array(inner) if parses(types, inner) || **inner == TypeRef::Bytes => {
            (true, &**inner)
        }
        other => (false, other),
    };
    let kind = value_kind(types, one, records);
    let constraints = constraint_notes(&p.constraints).join(", ");
    let mut info = quote! { describe::param(#name, #wire, #location) };
    info.extend(kind);
    if required {
        info.extend(quote! { .required() });
    }
    if secret {
        info.extend(quote! { .secret() });
    }
    if repeated {
        info.extend(quote! { .repeated() });
    }
    if !constraints.is_empty() {
        info.extend(quote! { .constraints(#constraints) });
    }
    if !description.is_empty() {
        info.extend(quote! { .doc(#description) });
    }
    info
}

/// The method of `describe::ParamInfo` setting the kind of one value of type `t`
/// (`.kind(describe::ValueKind::Integer)`, `.open_enum(&VALUES_..)`), `None` for `String`
/// (`describe::param`'s default); an enum's values join `records`.
fn value_kind(types: &Types, t: &TypeRef, records: &mut Records) -> Option<TokenStream> {
    let kind = match t {
        TypeRef::String | TypeRef::Secret | TypeRef::Bytes => return None,
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::F64 => "Number",
        TypeRef::Decimal => "Decimal",
        TypeRef::Bool => "Boolean",
        TypeRef::Date(DateFormat::Date) => "Date",
        TypeRef::Date(DateFormat::YearMonth) => "YearMonth",
        TypeRef::Date(DateFormat::LocalDateTime) => "LocalDateTime",
        TypeRef::Named(id) => match &types[*id].kind {
            TypeKind::Enum { open, .. } => {
                let values = records.values_of(types, *id);
                return Some(if *open {
                    quote! { .open_enum(&#values) }
                } else {
                    quote! { .closed_enum(&#values) }
                });
            }
            _ => "Json",
        },
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) | TypeRef::Array(_) => "Json",
    };
    let kind = format_ident!("{kind}");
    Some(quote! { .kind(describe::ValueKind::#kind) })
}

/// The struct types whose fields are written as `Field` statics (the records' types and
/// the object types of their fields) and the enum types whose values are written as
/// `EnumValue` statics (the parameters' enums), each in the order met.
#[derive(Default)]
struct Records {
    order: Vec<TypeId>,
    seen: HashSet<TypeId>,
    enums: Vec<TypeId>,
}

impl Records {
    fn is_struct(&self, types: &Types, id: TypeId) -> bool {
        matches!(types[id].kind, TypeKind::Struct { .. })
    }

    /// The static of struct `id`'s fields, adding it (and the structs its fields hold)
    /// to those written.
    fn name_of(&mut self, types: &Types, id: TypeId) -> proc_macro2::Ident {
        let mut pending = vec![id];
        while let Some(next) = pending.pop() {
            if !self.seen.insert(next) {
                continue;
            }
            self.order.push(next);
            if let TypeKind::Struct { fields } = &types[next].kind {
                for field in fields.iter().rev() {
                    if let TypeRef::Named(inner) = &field.ty {
                        if self.is_struct(types, *inner) {
                            pending.push(*inner);
                        }
                    }
                }
            }
        }
        static_name("FIELDS", types, id)
    }

    /// The static of enum `id`'s values, adding it to those written.
    fn values_of(&mut self, types: &Types, id: TypeId) -> proc_macro2::Ident {
        // An enum written as an alias lists the values of the one it names.
        let id = types[id].same_as.unwrap_or(id);
        if !self.enums.contains(&id) {
            self.enums.push(id);
        }
        static_name("VALUES", types, id)
    }

    /// The statics, one per struct met, then one per enum.
    fn emit(&self, types: &Types) -> TokenStream {
        let statics = self.order.iter().map(|&id| {
            let name = static_name("FIELDS", types, id);
            let TypeKind::Struct { fields } = &types[id].kind else {
                return TokenStream::new();
            };
            let len = Literal::usize_unsuffixed(fields.len());
            let doc = format!(" The fields of `{}`.", types[id].name.as_str());
            let fields = fields.iter().map(|f| {
                let wire = &f.wire_name;
                let description = f.doc.as_deref().unwrap_or_default();
                let required = !f.optional;
                let kind = field_kind(types, &f.ty, f.constraints.multiple_of);
                let mut field = quote! { describe::field(#wire, #kind) };
                if required {
                    field.extend(quote! { .required() });
                }
                if !description.is_empty() {
                    field.extend(quote! { .doc(#description) });
                }
                field
            });
            quote! {
                #[doc = #doc]
                static #name: [describe::Field; #len] = [#(#fields),*];
            }
        });
        let enums = self.enums.iter().map(|&id| {
            let name = static_name("VALUES", types, id);
            let TypeKind::Enum { variants, .. } = &types[id].kind else {
                return TokenStream::new();
            };
            let len = Literal::usize_unsuffixed(variants.len());
            let doc = format!(" The listed values of `{}`.", types[id].name.as_str());
            let values = variants.iter().map(|v| &v.value);
            quote! {
                #[doc = #doc]
                static #name: [describe::EnumValue; #len] = describe::enum_values([#(#values),*]);
            }
        });
        quote! { #(#statics)* #(#enums)* }
    }
}

/// The name of the static of type `id`'s fields or values (`FIELDS_FLOW_BILL_INFO`,
/// `VALUES_BILL_STATUS`; `FIELDS_3` by id when the type's name is not ASCII).
fn static_name(prefix: &str, types: &Types, id: TypeId) -> proc_macro2::Ident {
    let name = types[id].name.as_str();
    if name.is_ascii() {
        // The name's words, not its code text: a keyword (`Type`) is not written `r#type`.
        let words = crate::names::Ident::snake(name);
        format_ident!("{prefix}_{}", words.as_str().to_ascii_uppercase())
    } else {
        format_ident!("{prefix}_{}", id.index())
    }
}

/// The `FieldKind` of a field of type `t`.
fn field_kind(types: &Types, t: &TypeRef, multiple_of: Option<f64>) -> TokenStream {
    let kind = match t {
        TypeRef::String | TypeRef::Secret | TypeRef::Date(_) | TypeRef::Bytes => "String",
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::F64 => "Number",
        TypeRef::Bool => "Boolean",
        TypeRef::Decimal => {
            let scale = match multiple_of.and_then(decimal_scale) {
                Some(scale) => {
                    let scale = Literal::u8_unsuffixed(scale);
                    quote! { Some(#scale) }
                }
                None => quote! { None },
            };
            return quote! { describe::FieldKind::decimal(#scale) };
        }
        TypeRef::Array(_) => "Array",
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => "Json",
        TypeRef::Named(id) => match &types[*id].kind {
            TypeKind::Enum { .. } => "Enum",
            TypeKind::Struct { .. } => {
                let name = static_name("FIELDS", types, *id);
                return quote! { describe::FieldKind::Object(&#name) };
            }
            TypeKind::OneOf { .. } => "Json",
        },
    };
    let kind = format_ident!("{kind}");
    quote! { describe::FieldKind::#kind }
}

/// The number of fraction digits `multipleOf` fixes, when it is a power of ten
/// (`0.01` is 2, `1` is 0).
fn decimal_scale(multiple_of: f64) -> Option<u8> {
    (0..=28u8).find(|&digits| {
        let power = 10f64.powi(-i32::from(digits));
        (multiple_of - power).abs() <= power * 1e-9
    })
}

/// The `Credentials` of every scheme `auth::from_env` reads, in the order it tries them.
fn credentials(api: &Api) -> Vec<TokenStream> {
    let mut ordered: Vec<&AuthScheme> = api
        .env
        .auth_order
        .iter()
        .filter_map(|key| api.auth.iter().find(|scheme| &scheme.key == key))
        .collect();
    for scheme in &api.auth {
        if !ordered.iter().any(|s| s.key == scheme.key) {
            ordered.push(scheme);
        }
    }
    ordered
        .into_iter()
        .filter_map(|scheme| {
            let vars = env_vars(&scheme.kind)?;
            let key = &scheme.key;
            let vars = vars.into_iter().map(|(name, secret, required)| {
                let mut var = quote! { describe::var(#name) };
                if secret {
                    var.extend(quote! { .secret() });
                }
                if !required {
                    var.extend(quote! { .optional() });
                }
                var
            });
            Some(quote! {
                describe::Credentials { scheme: #key, vars: &[#(#vars),*] }
            })
        })
        .collect()
}

/// An optional variable, if the spec names it.
fn opt(var: &Option<String>, secret: bool) -> Option<(&str, bool, bool)> {
    var.as_deref().map(|var| (var, secret, false))
}

/// The variables `from_env` reads for a scheme of kind `kind` (name, secret, required),
/// in the order of its settings; `None` when the spec names none.
fn env_vars(kind: &AuthKind) -> Option<Vec<(&str, bool, bool)>> {
    Some(match kind {
        AuthKind::HeaderToken(h) => vec![(h.env.as_ref()?.token.as_str(), true, true)],
        AuthKind::LoginToken(l) => {
            let env = l.env.as_ref()?;
            let mut vars = vec![
                (env.username.as_str(), false, true),
                (env.password.as_str(), true, true),
            ];
            vars.extend(
                env.parameters
                    .values()
                    .map(|var| (var.as_str(), false, true)),
            );
            vars
        }
        AuthKind::DjangoSession(d) => {
            let env = d.env.as_ref()?;
            vec![
                (env.username.as_str(), false, true),
                (env.password.as_str(), true, true),
            ]
        }
        AuthKind::KeystonePassword(k) => {
            let env = k.env.as_ref()?;
            let mut vars: Vec<_> = env
                .endpoint
                .as_deref()
                .map(|var| (var, false, true))
                .into_iter()
                .collect();
            vars.extend([
                (env.username.as_str(), false, true),
                (env.password.as_str(), true, true),
                (env.domain.as_str(), false, true),
            ]);
            vars.extend(opt(&env.region, false));
            vars.extend(opt(&env.project_id, false));
            vars
        }
        AuthKind::Oauth2ClientCredentials(o) => {
            let env = o.env.as_ref()?;
            let mut vars: Vec<_> = env
                .tenant
                .as_deref()
                .map(|var| (var, false, true))
                .into_iter()
                .collect();
            vars.extend([
                (env.client_id.as_str(), false, true),
                (env.client_secret.as_str(), true, true),
            ]);
            vars.extend(opt(&env.scope, false));
            vars.extend(opt(&env.token_url, false));
            vars.extend(opt(&env.authority_host, false));
            vars
        }
        AuthKind::SdkHmacSha256(k) | AuthKind::RpcSignatureV1(k) => {
            let env = k.env.as_ref()?;
            let mut vars = vec![
                (env.access_key.as_str(), false, true),
                (env.secret_key.as_str(), true, true),
            ];
            vars.extend(opt(&env.security_token, true));
            if matches!(kind, AuthKind::SdkHmacSha256(_)) {
                vars.extend(opt(&env.project_id, false));
            }
            vars
        }
        AuthKind::AwsSigv4(a) => {
            let env = a.env.as_ref()?;
            let mut vars = vec![
                (env.access_key.as_str(), false, true),
                (env.secret_key.as_str(), true, true),
            ];
            vars.extend(opt(&env.session_token, true));
            vars.extend(opt(&env.region, false));
            vars
        }
        AuthKind::Bearer { .. }
        | AuthKind::Basic
        | AuthKind::ApiKey { .. }
        | AuthKind::Custom { .. } => return None,
    })
}
