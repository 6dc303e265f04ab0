//! Standard keywords meterage knows but does not honour: each one present (with a value
//! that asks for something: `uniqueItems: true`, not `false`) is a warning at its line
//! saying what the generated code does instead, so that nothing a spec declares is
//! dropped unseen. The lint ([`crate::lint`]) asks [`not_honoured`] of every known key
//! it walks. Keywords honoured elsewhere, with a warning where only in part
//! (`style: label`, `not`, an inline `discriminator`, `allowReserved` on a header), are
//! not listed here; docs/spec-extensions.md ("Errors and warnings") lists them all.

use serde_yaml::{Mapping, Value};

/// The object kind (as the lint names it), the keyword, and what the generated code
/// does instead.
const NOT_HONOURED: &[(&str, &str, &str)] = &[
    (
        "a schema",
        "xml",
        "XML is neither read nor written: `xml` has no effect",
    ),
    (
        "a schema",
        "multipleOf",
        "`multipleOf` is not checked before sending",
    ),
    (
        "a schema",
        "uniqueItems",
        "`uniqueItems` is not checked before sending",
    ),
    (
        "a schema",
        "minProperties",
        "`minProperties` is not checked before sending",
    ),
    (
        "a schema",
        "maxProperties",
        "`maxProperties` is not checked before sending",
    ),
    (
        "a schema",
        "deprecated",
        "a deprecated schema or property is not marked in the generated code",
    ),
    (
        "a schema",
        "externalDocs",
        "`externalDocs` does not reach the generated docs",
    ),
    (
        "a parameter",
        "deprecated",
        "a deprecated parameter is not marked in the generated code",
    ),
    (
        "an operation",
        "callbacks",
        "callbacks are requests the server makes: no code is generated for them",
    ),
    (
        "an operation",
        "externalDocs",
        "`externalDocs` does not reach the generated docs",
    ),
    (
        "a response",
        "links",
        "links are not followed: no code is generated for them",
    ),
    (
        "components",
        "callbacks",
        "callbacks are requests the server makes: no code is generated for them",
    ),
    (
        "components",
        "links",
        "links are not followed: no code is generated for them",
    ),
    (
        "the document root",
        "externalDocs",
        "`externalDocs` does not reach the generated docs",
    ),
];

/// Why `key` (of value `value`) on the object `map` of kind `what` is not honoured, if
/// it is one the generator does not honour and its value asks for something.
pub(crate) fn not_honoured(what: &str, key: &str, value: &Value, map: &Mapping) -> Option<String> {
    let asks = match value {
        Value::Null | Value::Bool(false) => false,
        Value::Mapping(m) => !m.is_empty(),
        Value::Sequence(s) => !s.is_empty(),
        _ => true,
    };
    if !asks {
        return None;
    }
    if what == "a schema" && key == "discriminator" {
        let polymorphic = ["oneOf", "anyOf"].iter().any(|k| map.contains_key(*k));
        return (!polymorphic).then(|| {
            "`discriminator` is read on a `oneOf` or `anyOf` only: on a schema others extend with `allOf` it has no effect (each `$ref` names one type)".to_owned()
        });
    }
    NOT_HONOURED
        .iter()
        .find(|(w, k, _)| *w == what && *k == key)
        .map(|(_, key, why)| format!("`{key}` is not honoured: {why}"))
}
