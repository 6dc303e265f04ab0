//! Loading: spec text to an [`openapiv3::OpenAPI`] document.
//!
//! YAML syntax is checked first (with the parser's line:column), then the version:
//! Swagger 2.0 and OpenAPI 3.1 are refused with a message rather than mis-read as 3.0.
//! `$ref`s are resolved on demand by [`Refs`] during lowering, which reports a broken
//! reference at the place that uses it.

use openapiv3::{OpenAPI, ReferenceOr};

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
        file: source.path.to_owned(),
        pointer: pointer.to_owned(),
        position,
        message,
    }])
}

fn position(err: &serde_yaml::Error) -> Option<(usize, usize)> {
    err.location().map(|l| (l.line(), l.column()))
}

/// A parsed spec: the typed document and the YAML tree it came from (for checks the
/// typed document cannot make, such as misspelt keys).
#[derive(Debug)]
pub struct Loaded {
    /// The OpenAPI document.
    pub doc: OpenAPI,
    /// The YAML tree.
    pub tree: serde_yaml::Value,
}

/// Parses and version-checks a spec.
pub fn load(source: &SpecSource<'_>) -> Result<Loaded, Diagnostics> {
    let value: serde_yaml::Value = serde_yaml::from_str(source.text).map_err(|e| {
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
            "the document is not a mapping: expected an OpenAPI 3.0 object".into(),
        ));
    };
    let locate = crate::locate::Locator::new(source.text);
    if let Some(swagger) = root.get("swagger") {
        let version = scalar_text(swagger);
        return Err(at(
            source,
            "/swagger",
            locate.find("/swagger"),
            format!(
                "this is a Swagger {version} document; meterage reads OpenAPI 3.0.x only: convert it first (for example with swagger2openapi)"
            ),
        ));
    }
    let Some(version) = root.get("openapi") else {
        return Err(at(
            source,
            "",
            Some((1, 1)),
            "no `openapi` version field: expected `openapi: 3.0.3`".into(),
        ));
    };
    let version = scalar_text(version);
    if !(version.starts_with("3.0.") || version == "3.0") {
        let why = if version.starts_with("3.1") {
            "OpenAPI 3.1 changes the schema dialect (JSON Schema 2020-12, `type` lists, `nullable` gone) and is not supported"
        } else {
            "this version is not supported"
        };
        return Err(at(
            source,
            "/openapi",
            locate.find("/openapi"),
            format!("`openapi: {version}`: {why}; meterage reads OpenAPI 3.0.x only"),
        ));
    }
    let doc = serde_yaml::from_str::<OpenAPI>(source.text).map_err(|e| {
        at(
            source,
            "",
            position(&e),
            format!("not a valid OpenAPI 3.0 document: {}", strip_location(&e)),
        )
    })?;
    Ok(Loaded { doc, tree: value })
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

fn scalar_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// Local `$ref` resolution against a document's components.
pub struct Refs<'a> {
    doc: &'a OpenAPI,
}

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
                "`$ref: {reference}` points outside this file; only local references (`#/components/{section}/...`) are supported"
            )),
            _ => Err(format!("`$ref: {reference}` must point at `#/components/{section}/<name>` here")),
        }
    }

    fn lookup<'t, T>(
        map: Option<&'t indexmap::IndexMap<String, ReferenceOr<T>>>,
        reference: &str,
        section: &str,
    ) -> Result<&'t T, String> {
        let name = Self::component_name(reference, section)?;
        match map.and_then(|m| m.get(name)) {
            Some(ReferenceOr::Item(item)) => Ok(item),
            Some(ReferenceOr::Reference { reference: next }) => Err(format!(
                "`$ref: {reference}` leads to another `$ref: {next}`; chains of references are not supported"
            )),
            None => Err(format!("unknown `$ref: {reference}`: there is no `components.{section}.{name}`")),
        }
    }

    /// Follows a parameter reference.
    pub fn parameter(
        &self,
        r: &'a ReferenceOr<openapiv3::Parameter>,
    ) -> Result<&'a openapiv3::Parameter, String> {
        match r {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => Self::lookup(
                self.doc.components.as_ref().map(|c| &c.parameters),
                reference,
                "parameters",
            ),
        }
    }

    /// Follows a request body reference.
    pub fn request_body(
        &self,
        r: &'a ReferenceOr<openapiv3::RequestBody>,
    ) -> Result<&'a openapiv3::RequestBody, String> {
        match r {
            ReferenceOr::Item(b) => Ok(b),
            ReferenceOr::Reference { reference } => Self::lookup(
                self.doc.components.as_ref().map(|c| &c.request_bodies),
                reference,
                "requestBodies",
            ),
        }
    }

    /// Follows a response reference.
    pub fn response(
        &self,
        r: &'a ReferenceOr<openapiv3::Response>,
    ) -> Result<&'a openapiv3::Response, String> {
        match r {
            ReferenceOr::Item(b) => Ok(b),
            ReferenceOr::Reference { reference } => Self::lookup(
                self.doc.components.as_ref().map(|c| &c.responses),
                reference,
                "responses",
            ),
        }
    }

    /// Follows a security scheme reference.
    pub fn security_scheme(
        &self,
        r: &'a ReferenceOr<openapiv3::SecurityScheme>,
    ) -> Result<&'a openapiv3::SecurityScheme, String> {
        match r {
            ReferenceOr::Item(b) => Ok(b),
            ReferenceOr::Reference { reference } => Self::lookup(
                self.doc.components.as_ref().map(|c| &c.security_schemes),
                reference,
                "securitySchemes",
            ),
        }
    }

    /// The schema a schema `$ref` names, with its component name.
    pub fn schema(&self, reference: &str) -> Result<(&'a str, &'a openapiv3::Schema), String> {
        let name = Self::component_name(reference, "schemas")?;
        let components = self.doc.components.as_ref();
        let (key, _) = components
            .and_then(|c| c.schemas.get_key_value(name))
            .ok_or_else(|| {
                format!("unknown `$ref: {reference}`: there is no `components.schemas.{name}`")
            })?;
        let schema = Self::lookup(components.map(|c| &c.schemas), reference, "schemas")?;
        Ok((key.as_str(), schema))
    }
}
