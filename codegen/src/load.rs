//! Loading: spec text to an [`openapiv3::OpenAPI`] document.
//!
//! YAML syntax is checked first (with the parser's line:column), then the version:
//! OpenAPI 3.0 and 3.1 are read (3.1 through [`crate::downgrade`]); Swagger 2.0 and
//! OpenAPI 3.2 are refused with a message rather than mis-read.
//! `$ref`s are resolved on demand by [`Refs`] during lowering, which reports a broken
//! reference at the place that uses it.

use openapiv3::{OpenAPI, ReferenceOr};
use serde::Deserialize;

use crate::yaml::{scalar_text, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A spec to generate from: its text and the name used in messages and the preamble.
#[derive(Debug, Clone, Copy)]
pub struct SpecSource<'a> {
    /// The path shown to people, relative to the workspace (`specs/huawei-gsl.yaml`).
    pub path: &'a str,
    /// The YAML (or JSON) text.
    pub text: &'a str,
}

fn at(
    source: &SpecSource<'_>,
    pointer: &str,
    position: Option<(usize, usize)>,
    message: String,
) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        severity: crate::diagnostics::Severity::Error,
        file: source.path.to_owned(),
        pointer: pointer.to_owned(),
        position,
        message,
    }])
}

fn position(err: &serde_yaml::Error) -> Option<(usize, usize)> {
    err.location().map(|l| (l.line(), l.column()))
}

/// How deep `[` and `{` may nest. The YAML parser takes time quadratic in that depth
/// (20,000 levels take seconds) before it refuses a document nested deeper than its
/// own limit of 128, so a deeper document is refused before it is parsed.
const MAX_FLOW_DEPTH: usize = 1_000;

/// The line and column where brackets first nest deeper than [`MAX_FLOW_DEPTH`]. Quotes
/// are not followed: a real document never leaves a thousand brackets open inside
/// its strings.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1, 0);
    for c in text.chars() {
        column += 1;
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
    }
    None
}

/// Parses a spec to its YAML tree and checks its version (Swagger 2.0, OpenAPI 3.2 and
/// documents that are not OpenAPI are refused, saying so).
pub fn parse(source: &SpecSource<'_>) -> Result<Value, Diagnostics> {
    if let Some(position) = too_deep(source.text) {
        return Err(at(
            source,
            "",
            Some(position),
            format!("malformed YAML: brackets nested more than {MAX_FLOW_DEPTH} levels deep"),
        ));
    }
    // Most published specs are JSON, which serde_json reads several times faster than
    // the YAML parser; the same tree either way. Anything it refuses is read as YAML,
    // whose errors are the ones reported.
    let json = source.text.trim_start().starts_with('{');
    let from_json = json
        .then(|| serde_json::from_str::<Value>(source.text).ok())
        .flatten();
    let mut value: Value = from_json
        .map_or_else(|| serde_yaml::from_str::<Value>(source.text), Ok)
        .map_err(|e| {
            at(
                source,
                "",
                position(&e),
                format!("malformed YAML: {}", strip_location(&e)),
            )
        })?;
    let Some(root) = value.as_mapping() else {
        return Err(at(
            source,
            "",
            Some((1, 1)),
            "the document is not a mapping: expected an OpenAPI 3.0 or 3.1 object".into(),
        ));
    };
    let locate = |pointer: &str| {
        crate::locate::positions(source.text, &[pointer])
            .into_iter()
            .next()
            .flatten()
    };
    if let Some(swagger) = root.get("swagger") {
        let version = scalar_text(swagger);
        return Err(at(
            source,
            "/swagger",
            locate("/swagger"),
            format!(
                "this is a Swagger {version} document; meterage reads OpenAPI 3.0.x and 3.1.x: convert it first (for example with swagger2openapi)"
            ),
        ));
    }
    let Some(version) = root.get("openapi") else {
        return Err(at(
            source,
            "",
            Some((1, 1)),
            "no `openapi` version field: this is not an OpenAPI document (expected `openapi: 3.0.3` at the top)".into(),
        ));
    };
    let version = scalar_text(version);
    let read = ["3.0", "3.1"]
        .iter()
        .any(|v| version == *v || version.starts_with(&format!("{v}.")));
    if !read {
        let why = if version.starts_with("3.2") {
            "OpenAPI 3.2 (sequential media types, `query` operations, `additionalOperations`) is not supported yet"
        } else if version.starts_with('2') {
            "this is Swagger 2.0, whose version field is `swagger`; convert it to OpenAPI 3 first (for example with swagger2openapi)"
        } else {
            "this version is not supported"
        };
        return Err(at(
            source,
            "/openapi",
            locate("/openapi"),
            format!("`openapi: {version}`: {why}; meterage reads OpenAPI 3.0.x and 3.1.x"),
        ));
    }
    fit_integer_bounds(&mut value);
    Ok(value)
}

/// What the typed document drops that lowering reads, taken from the (bundled) tree
/// before [`typed`] consumes it.
#[derive(Debug, Default)]
pub struct Untyped {
    /// The JSON pointers of the parameter objects that say `allowReserved: true`.
    /// `openapiv3` keeps the key on query parameters only, but a path parameter may say
    /// it too (as Azure's `x-ms-skip-url-encoding` does); one list serves every place.
    pub allow_reserved: std::collections::HashSet<String>,
}

/// The methods a path item holds operations under.
const OPERATION_KEYS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads [`Untyped`] from a bundled tree: its parameters are then all in
/// `components.parameters`, a path item's or an operation's `parameters` (anything else
/// there is a `$ref` to one of those).
pub fn untyped(tree: &Value) -> Untyped {
    use crate::diagnostics::escape_token;

    let mut found = Untyped::default();
    let mut scan = |parameters: Option<&Value>, base: &str| {
        let allow = |p: &Value| p.get("allowReserved").and_then(Value::as_bool) == Some(true);
        match parameters {
            Some(Value::Sequence(list)) => {
                for (i, _) in list.iter().enumerate().filter(|(_, p)| allow(p)) {
                    found.allow_reserved.insert(format!("{base}/{i}"));
                }
            }
            Some(Value::Mapping(map)) => {
                for (name, _) in map.iter().filter(|(_, p)| allow(p)) {
                    if let Some(name) = name.as_str() {
                        found
                            .allow_reserved
                            .insert(format!("{base}/{}", escape_token(name)));
                    }
                }
            }
            _ => {}
        }
    };
    if let Some(Value::Mapping(paths)) = tree.get("paths") {
        for (key, item) in paths {
            let Some(key) = key.as_str() else { continue };
            let at = format!("/paths/{}", escape_token(key));
            scan(item.get("parameters"), &format!("{at}/parameters"));
            for verb in OPERATION_KEYS {
                if let Some(op) = item.get(*verb) {
                    scan(op.get("parameters"), &format!("{at}/{verb}/parameters"));
                }
            }
        }
    }
    let components = tree.get("components").and_then(|c| c.get("parameters"));
    scan(components, "/components/parameters");
    found
}

/// Reads the typed document from a tree [`parse`] made (and bundling rewrote).
///
/// The tree is taken by value: its strings move into the document, and each part is
/// freed as soon as it is read, so the two are never both whole in memory.
pub fn typed(source: &SpecSource<'_>, tree: Value) -> Result<OpenAPI, Diagnostics> {
    let v31 = crate::downgrade::is_v31(&tree);
    match OpenAPI::deserialize(tree) {
        Ok(doc) => Ok(doc),
        Err(from_tree) => {
            // The tree has no positions: read the text again for the first problem's.
            // The text of a 3.1 document is not the tree typed (that was rewritten in
            // the 3.0 form), so its problems would not be this one.
            let again = (!v31).then(|| serde_yaml::from_str::<OpenAPI>(source.text));
            let (position, message) = match again {
                Some(Err(e)) => (position(&e), strip_location(&e)),
                _ => (None, from_tree.to_string()),
            };
            Err(at(
                source,
                "",
                position,
                format!("not a valid OpenAPI 3.0 document: {message}"),
            ))
        }
    }
}

/// The text of a spec file, or an error naming the line and column of its first byte
/// that is not UTF-8.
pub fn decode<'b>(path: &str, bytes: &'b [u8]) -> Result<&'b str, Diagnostics> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Diagnostics(vec![Diagnostic {
            severity: crate::diagnostics::Severity::Error,
            file: path.to_owned(),
            pointer: String::new(),
            position: Some((line, column)),
            message: format!(
                "the file is not UTF-8 text (byte 0x{:02x} at offset {}): OpenAPI documents are UTF-8",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            ),
        }])
    })
}

/// Makes the `minimum` and `maximum` of integer schemas fit the 64-bit integers the
/// typed document holds them in. A bound beyond what an `int64` can reach
/// (DigitalOcean's `maximum: 18446744073709552000`) constrains nothing and is dropped;
/// one on the far side (a `maximum` below the smallest `int64`) is clamped, so it still
/// refuses every value.
pub(crate) fn fit_integer_bounds(value: &mut Value) {
    match value {
        Value::Mapping(m) => {
            if m.get("type").and_then(Value::as_str) == Some("integer") {
                const LIMIT: f64 = 9_223_372_036_854_775_807.0;
                for (key, dropped_beyond) in [("maximum", 1.0), ("minimum", -1.0)] {
                    let Some(Value::Number(n)) = m.get(key) else {
                        continue;
                    };
                    if n.as_i64().is_some() {
                        continue;
                    }
                    let Some(f) = n.as_f64().filter(|f| f.abs() >= LIMIT) else {
                        continue;
                    };
                    if f * dropped_beyond > 0.0 {
                        m.remove(key);
                    } else {
                        let clamped = if f > 0.0 { i64::MAX } else { i64::MIN };
                        m.insert(Value::from(key), Value::Number(clamped.into()));
                    }
                }
            }
            for v in m.values_mut() {
                fit_integer_bounds(v);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(fit_integer_bounds),
        Value::Tagged(t) => fit_integer_bounds(&mut t.value),
        _ => {}
    }
}

/// serde_yaml puts " at line L column C" into messages; we print the position ourselves.
fn strip_location(err: &serde_yaml::Error) -> String {
    let text = err.to_string();
    let Some(loc) = err.location() else {
        return text;
    };
    let marker = format!(" at line {} column {}", loc.line(), loc.column());
    text.replacen(&marker, "", 1)
}

/// Local `$ref` resolution against a document's components.
///
/// Bundling ([`crate::bundle`]) made every reference name a component; a component that
/// is only a reference to another is followed (a chain), and a chain that loops is an
/// error.
pub struct Refs<'a> {
    doc: &'a OpenAPI,
}

/// How many references a chain may have before it is taken for a loop.
const CHAIN_LIMIT: usize = 64;

/// An object a reference led to: the object and the pointer of its component (where a
/// problem in it is reported, once for all its uses), or `None` when it was inline.
pub type Resolved<'a, T> = (&'a T, Option<String>);

impl<'a> Refs<'a> {
    /// Resolution within `doc`.
    pub fn new(doc: &'a OpenAPI) -> Self {
        Refs { doc }
    }

    /// The component name a `$ref` names in `section` (`schemas`, `parameters`, ...),
    /// or a message saying why it cannot be followed.
    pub fn component_name<'r>(reference: &'r str, section: &str) -> Result<&'r str, String> {
        let prefix = format!("#/components/{section}/");
        match reference.strip_prefix(&prefix) {
            Some(name) if !name.is_empty() && !name.contains('/') => Ok(name),
            _ if !reference.starts_with('#') => Err(format!(
                "`$ref: {reference}` points outside this file, which could not be followed"
            )),
            _ => Err(format!(
                "`$ref: {reference}` must point at `#/components/{section}/<name>` here"
            )),
        }
    }

    /// The unescaped component name of a reference (`a~1b` names `a/b`).
    fn unescaped(name: &str) -> std::borrow::Cow<'_, str> {
        if name.contains('~') {
            name.replace("~1", "/").replace("~0", "~").into()
        } else {
            name.into()
        }
    }

    fn lookup<'t, T>(
        map: Option<&'t indexmap::IndexMap<String, ReferenceOr<T>>>,
        reference: &str,
        section: &str,
    ) -> Result<(&'t str, &'t T), String> {
        let mut current = reference.to_owned();
        for _ in 0..CHAIN_LIMIT {
            let name = Self::component_name(&current, section)?;
            let name = Self::unescaped(name);
            match map.and_then(|m| m.get_key_value(name.as_ref())) {
                Some((key, ReferenceOr::Item(item))) => return Ok((key.as_str(), item)),
                Some((_, ReferenceOr::Reference { reference: next })) => current = next.clone(),
                None => {
                    return Err(if current == reference {
                        format!("unknown `$ref: {reference}`: there is no `components.{section}.{name}`")
                    } else {
                        format!("`$ref: {reference}` leads to `$ref: {current}`, and there is no `components.{section}.{name}`")
                    })
                }
            }
        }
        Err(format!(
            "`$ref: {reference}` starts a chain of references that never ends (it loops)"
        ))
    }

    fn resolve<T>(
        r: &'a ReferenceOr<T>,
        map: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
        section: &str,
    ) -> Result<Resolved<'a, T>, String> {
        match r {
            ReferenceOr::Item(item) => Ok((item, None)),
            ReferenceOr::Reference { reference } => {
                let (name, item) = Self::lookup(map, reference, section)?;
                Ok((
                    item,
                    Some(format!(
                        "/components/{section}/{}",
                        crate::diagnostics::escape_token(name)
                    )),
                ))
            }
        }
    }

    /// Follows a parameter reference.
    pub fn parameter(
        &self,
        r: &'a ReferenceOr<openapiv3::Parameter>,
    ) -> Result<Resolved<'a, openapiv3::Parameter>, String> {
        Self::resolve(
            r,
            self.doc.components.as_ref().map(|c| &c.parameters),
            "parameters",
        )
    }

    /// Follows a request body reference.
    pub fn request_body(
        &self,
        r: &'a ReferenceOr<openapiv3::RequestBody>,
    ) -> Result<Resolved<'a, openapiv3::RequestBody>, String> {
        Self::resolve(
            r,
            self.doc.components.as_ref().map(|c| &c.request_bodies),
            "requestBodies",
        )
    }

    /// Follows a response reference.
    pub fn response(
        &self,
        r: &'a ReferenceOr<openapiv3::Response>,
    ) -> Result<Resolved<'a, openapiv3::Response>, String> {
        Self::resolve(
            r,
            self.doc.components.as_ref().map(|c| &c.responses),
            "responses",
        )
    }

    /// Follows an example reference.
    pub fn example(
        &self,
        r: &'a ReferenceOr<openapiv3::Example>,
    ) -> Result<Resolved<'a, openapiv3::Example>, String> {
        Self::resolve(
            r,
            self.doc.components.as_ref().map(|c| &c.examples),
            "examples",
        )
    }

    /// Follows a header reference.
    pub fn header(
        &self,
        r: &'a ReferenceOr<openapiv3::Header>,
    ) -> Result<Resolved<'a, openapiv3::Header>, String> {
        Self::resolve(
            r,
            self.doc.components.as_ref().map(|c| &c.headers),
            "headers",
        )
    }

    /// Follows a security scheme reference.
    pub fn security_scheme(
        &self,
        r: &'a ReferenceOr<openapiv3::SecurityScheme>,
    ) -> Result<Resolved<'a, openapiv3::SecurityScheme>, String> {
        Self::resolve(
            r,
            self.doc.components.as_ref().map(|c| &c.security_schemes),
            "securitySchemes",
        )
    }

    /// The schema a schema `$ref` names (following a chain), with its component name.
    pub fn schema(&self, reference: &str) -> Result<(&'a str, &'a openapiv3::Schema), String> {
        Self::lookup(
            self.doc.components.as_ref().map(|c| &c.schemas),
            reference,
            "schemas",
        )
    }
}
