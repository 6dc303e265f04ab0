//! Lowering: an [`openapiv3::OpenAPI`] document to the plain [`crate::ir::Api`].
//!
//! Every decision that needs the spec is made here: Rust names, types, constants,
//! constraints and the vendor extensions (`docs/spec-extensions.md`). Problems are
//! collected, not returned at the first one: lowering goes on with a placeholder so that
//! one run reports everything wrong with a spec.
//!
//! One `Lowerer` carries the state of a run (the document, the diagnostics sink, the
//! type arena and the name scopes); each concern adds its methods in its own module:
//!
//! - `shape`: what a schema describes, however openapiv3 typed it;
//! - `types`: schemas to [`TypeRef`]s and the arena ([`Types`]) of generated types;
//! - `compose`: `allOf`, `oneOf` and `anyOf`;
//! - `recursive`: fields and alternatives that contain their own type, boxed;
//! - `operations`: paths and operations (an operation's own server, a relative one
//!   resolved against the document's);
//! - `shared`: operations sharing a method and URL: `x-rpc-action`, a `#NAME=VALUE`
//!   fragment, and the rule (distinct actions, else a warning and a method each);
//! - `swagger2`: Swagger 2.0 parameters (`in: formData`, `in: body`) left in a 3.0
//!   document, each an error saying what to write instead (run before typing);
//! - `params`: parameters and request-body properties;
//! - `responses`: the success response, response examples and error bodies;
//! - `auth`: security schemes (`x-auth-scheme`, read as a [`crate::ir::AuthKind`]) and
//!   security requirements;
//! - `login`: the settings of a `login-token` scheme and the values its login sends;
//! - `usage`: which types a caller sends or reads, so that only those are written;
//! - `pagination`: `x-pagination`, checked against the operation's parameters, body
//!   and success response;
//! - `records`: `x-record-key` and `x-period`, checked against the operation's record
//!   and parameters;
//! - `extensions`: the other `x-` extensions (`x-error-envelope`, `x-rpc-action`,
//!   `x-idempotent`, `x-env`, `x-enum-varnames`), parsed into typed values.

use std::collections::{HashMap, HashSet};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::Sink;
use crate::ir::{Api, TypeId, TypeRef, Types};
use crate::load::{Refs, Untyped};
use crate::names::Scope;

mod auth;
mod compose;
mod equal_enums;
mod extensions;
mod focus;
mod login;
mod operations;
mod pagination;
mod params;
mod records;
mod recursive;
mod responses;
mod shape;
mod shared;
mod swagger2;
mod types;
mod usage;

pub use swagger2::swagger_parameters;

pub(crate) use pagination::paging_keys;

/// Client methods the generated `Client` already has.
const RESERVED_METHODS: &[&str] = &["builder", "new", "runtime", "from_env", "logout"];
/// Builder fields and methods the generated builders already have.
const RESERVED_SETTERS: &[&str] = &[
    "client",
    "options",
    "send",
    "send_raw",
    "validate",
    "request",
    "pages",
    "items",
    "new",
    "OPERATION",
    "PAGINATION",
];
/// Module-level names the generated module already has.
const RESERVED_ITEMS: &[&str] = &[
    "Client",
    "auth",
    "types",
    "runtime",
    "DEFAULT_BASE_URL",
    "ERROR_ENVELOPE",
];
/// Names generated code uses unqualified: a generated type of the same name would shadow them.
const PRELUDE: &[&str] = &[
    "Box", "Err", "From", "Into", "None", "Ok", "Option", "Result", "Self", "Some", "String", "Vec",
];

/// Lowers `doc` (with what typing it dropped, `untyped`); `sink` collects problems.
pub fn lower(doc: &OpenAPI, untyped: &Untyped, spec_path: &str, sink: &mut Sink) -> Api {
    let mut l = Lowerer {
        refs: Refs::new(doc),
        doc,
        untyped,
        sink,
        types: Types::default(),
        type_scope: Scope::with_reserved(PRELUDE),
        components: HashMap::new(),
        lowering: HashSet::new(),
        inline: HashMap::new(),
    };
    l.lower_components();
    let envelope = l.envelope(&doc.extensions, "").unwrap_or_default();
    let env = l.client_env(&doc.extensions);
    let mut auth = l.auth_schemes();
    let mut operations = l.operations();
    l.check_auth_settings(&mut auth, &mut operations);
    // A relative server URL (`/api`) names no host: the client then asks for a base URL.
    let base_url = doc
        .servers
        .first()
        .map(|s| l.server_url(s, "/servers/0"))
        .filter(|url| is_absolute(url));
    let mut types = l.types;
    recursive::box_recursive_fields(&mut types);
    usage::mark_usage(&mut types, &operations, &envelope);
    equal_enums::share_equal_enums(&mut types);
    Api {
        spec_path: spec_path.to_owned(),
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: with_external_docs(
            doc.info.description.as_deref(),
            doc.external_docs.as_ref(),
        ),
        base_url,
        envelope,
        env,
        auth,
        operations,
        types,
    }
}

/// The state of one lowering run.
struct Lowerer<'a, 's> {
    doc: &'a OpenAPI,
    /// What typing `doc` dropped (`allowReserved` outside the query).
    untyped: &'a Untyped,
    refs: Refs<'a>,
    sink: &'s mut Sink,
    /// The generated types so far.
    types: Types,
    /// The names of generated types.
    type_scope: Scope,
    /// Component schema key to the Rust type it lowers to.
    components: HashMap<String, TypeRef>,
    /// Component schemas being lowered (not ones that make a type): meeting one again
    /// means it contains itself.
    lowering: HashSet<String>,
    /// Inline schemas already made a type, by the address of their node.
    inline: HashMap<usize, TypeId>,
}

impl Lowerer<'_, '_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.sink.error(pointer, message);
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.sink.warn(pointer, message);
    }

    fn server_url(&mut self, server: &openapiv3::Server, pointer: &str) -> String {
        let mut url = server.url.clone();
        if let Some(vars) = &server.variables {
            for (name, var) in vars {
                url = url.replace(&format!("{{{name}}}"), &var.default);
            }
        }
        if url.contains('{') {
            self.error(
                pointer,
                format!(
                    "server URL `{}` has a variable without a default",
                    server.url
                ),
            );
        }
        url.trim_end_matches('/').to_owned()
    }

    /// An operation's own server (else its path item's), absolute: a relative one
    /// (`/v2`) is resolved against the document's first server. `None` without one, or
    /// when it is the document's server (the client's base URL then applies).
    fn own_server(
        &mut self,
        op: &openapiv3::Operation,
        item: &openapiv3::PathItem,
        pointer: &str,
    ) -> Option<String> {
        let item_pointer = pointer.rsplit_once('/').map_or("", |(item, _)| item);
        let (server, at) = match (op.servers.first(), item.servers.first()) {
            (Some(server), _) => (server, format!("{pointer}/servers/0")),
            (None, Some(server)) => (server, format!("{item_pointer}/servers/0")),
            (None, None) => return None,
        };
        let url = self.server_url(server, &at);
        if is_absolute(&url) {
            return Some(url);
        }
        let base = self
            .doc
            .servers
            .first()
            .map(|s| self.server_url(s, "/servers/0"))
            .filter(|base| is_absolute(base));
        let Some(base) = base else {
            self.error(
                &at,
                format!("this server `{url}` is relative, and the document has no absolute server to resolve it against: make the document's first server, or this one, an absolute http(s) URL"),
            );
            return None;
        };
        let resolved = resolve_url(&base, &url);
        (resolved != base).then_some(resolved)
    }
}

/// `relative` (a server URL without scheme and host) resolved against the absolute
/// `base` as a directory: `/v2` replaces the base's path, `//host/x` keeps its scheme,
/// `v2`, `./v2` and `../v2` go below, beside or above it (RFC 3986, section 5.2, the
/// base's path read as ending in `/`, as a server's path is a prefix).
fn resolve_url(base: &str, relative: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(authority) = relative.strip_prefix("//") {
        return format!("{scheme}://{authority}")
            .trim_end_matches('/')
            .to_owned();
    }
    let (host, base_path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut segments: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        base_path.split('/').filter(|s| !s.is_empty()).collect()
    };
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut url = format!("{scheme}://{host}");
    for segment in segments {
        url.push('/');
        url.push_str(segment);
    }
    url
}

/// Trimmed text, `None` when empty.
fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A JSON value as text: a string as itself, anything else as JSON.
fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `description` followed by a paragraph linking to `external` (`externalDocs`), for the
/// generated docs; `None` when both are absent.
fn with_external_docs(
    description: Option<&str>,
    external: Option<&openapiv3::ExternalDocumentation>,
) -> Option<String> {
    let link = external.map(|docs| match clean(docs.description.as_deref()) {
        Some(text) => format!("See also: [{text}]({}).", docs.url.trim()),
        None => format!("See also: <{}>.", docs.url.trim()),
    });
    match (clean(description), link) {
        (Some(text), Some(link)) => Some(format!("{text}\n\n{link}")),
        (text, link) => text.or(link),
    }
}

/// Whether a server URL names its scheme and host.
fn is_absolute(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::resolve_url;

    #[test]
    fn relative_servers_resolve_against_the_base() {
        let base = "https://api.example.com/2.0";
        assert_eq!(resolve_url(base, "/v2"), "https://api.example.com/v2");
        assert_eq!(resolve_url(base, "v2"), "https://api.example.com/2.0/v2");
        assert_eq!(resolve_url(base, "./v2/"), "https://api.example.com/2.0/v2");
        assert_eq!(resolve_url(base, "../v3"), "https://api.example.com/v3");
        assert_eq!(
            resolve_url(base, "//upload.example.com/api"),
            "https://upload.example.com/api"
        );
        assert_eq!(
            resolve_url("http://localhost:8080", "/"),
            "http://localhost:8080"
        );
    }
}
