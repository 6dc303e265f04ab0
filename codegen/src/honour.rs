//! Keys meterage knows but would not honour where they are. Our `x-` extensions are
//! each read on some objects only ([`PLACES`]): one elsewhere (`x-pagination` on a path
//! item, `x-enum-varnames` on a schema without an enum) is a warning at its line.
//!
//! Standard keywords meterage knows but does not honour: each one present (with a value
//! that asks for something: `uniqueItems: true`, not `false`) is a warning at its line
//! saying what the generated code does instead, so that nothing a spec declares is
//! dropped unseen. The lint ([`crate::lint`]) asks [`not_honoured`] of every known key
//! it walks. Keywords honoured elsewhere, with a warning where only in part
//! (`style: label`, `not`, an inline `discriminator`, `allowReserved` on a header), are
//! not listed here; docs/spec-extensions.md ("Errors and warnings") lists them all.

use crate::yaml::{Mapping, Value};

use crate::extensions;

/// Each extension meterage reads and the objects (as the lint names them) it is read
/// on; `x-source` is read on any.
pub(crate) const PLACES: &[(&str, &[&str])] = &[
    (
        extensions::X_ERROR_ENVELOPE,
        &["the document root", "an operation"],
    ),
    (extensions::X_PAGINATION, &["an operation"]),
    (extensions::X_RPC_ACTION, &["an operation"]),
    (extensions::X_AUTH_SCHEME, &["a security scheme"]),
    (extensions::X_ENUM_VARNAMES, &["a schema"]),
    (extensions::X_EXTENSIBLE_ENUM, &["a schema"]),
    (extensions::X_IDEMPOTENT, &["an operation"]),
    (extensions::X_ERROR_CODES, &["an operation"]),
    (extensions::X_ENV, &["the document root"]),
    (extensions::X_RECORDS, &["an operation"]),
    (extensions::X_RECORD_KEY, &["an operation"]),
    (extensions::X_PERIOD, &["an operation"]),
    (extensions::X_FOCUS, &["an operation"]),
    (extensions::X_MS_SKIP_URL_ENCODING, &["a parameter"]),
];

/// Why our extension `key` on the object `map` of kind `what` has no effect there, if
/// it has none.
pub(crate) fn misplaced_extension(what: &str, key: &str, map: &Mapping) -> Option<String> {
    if key == extensions::X_SOURCE {
        return None;
    }
    let (_, places) = PLACES.iter().find(|(name, _)| *name == key)?;
    if !places.contains(&what) {
        return Some(format!(
            "`{key}` is read on {} only: here it has no effect",
            places.join(" and ")
        ));
    }
    let enumerated = ["enum", extensions::X_EXTENSIBLE_ENUM]
        .iter()
        .any(|k| map.contains_key(*k));
    (key == extensions::X_ENUM_VARNAMES && !enumerated).then(|| {
        format!(
            "`{key}` names the values of an `enum` or `{}`: this schema has neither, so it has no effect",
            extensions::X_EXTENSIBLE_ENUM
        )
    })
}

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
    // OpenAPI 3.1 (the lint knows these keys in a 3.1 document only).
    (
        "the document root",
        "webhooks",
        "webhooks are requests the API makes to its callers: no code is generated for them",
    ),
    (
        "a schema",
        "dependentRequired",
        "the members it names stay optional and are not checked before sending",
    ),
    (
        "a schema",
        "dependentSchemas",
        "the type is the schema without them, and they are not checked",
    ),
    (
        "a schema",
        "if",
        "conditional schemas (`if`/`then`/`else`) are not checked: the type is the schema without them",
    ),
    (
        "a schema",
        "contains",
        "`contains` is not checked before sending",
    ),
    (
        "a schema",
        "minContains",
        "`minContains` is not checked before sending",
    ),
    (
        "a schema",
        "maxContains",
        "`maxContains` is not checked before sending",
    ),
    (
        "a schema",
        "propertyNames",
        "`propertyNames` is not checked before sending",
    ),
    (
        "a schema",
        "unevaluatedItems",
        "`unevaluatedItems` is not checked before sending",
    ),
    (
        "a schema",
        "patternProperties",
        "members are not typed by pattern: those it matches are read as `additionalProperties` says",
    ),
    (
        "a schema",
        "$dynamicRef",
        "the reference is not followed: the value is read as the schema without it",
    ),
    (
        "a schema",
        "contentSchema",
        "the decoded content is not typed: the value is read as the string it is sent as",
    ),
];

/// Why `key` (of value `value`) on the object `map` of kind `what` is not honoured, if
/// it is one the generator does not honour and its value asks for something.
pub(crate) fn not_honoured(what: &str, key: &str, value: &Value, map: &Mapping) -> Option<String> {
    let asks = match value {
        // `unevaluatedItems: false` forbids items, as a schema would constrain them.
        Value::Bool(false) => key == "unevaluatedItems",
        Value::Null => false,
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

#[cfg(test)]
mod tests {
    use super::PLACES;
    use crate::extensions;

    #[test]
    fn every_extension_has_its_places() {
        for name in extensions::ALL {
            let listed = PLACES.iter().any(|(n, _)| n == name);
            assert!(
                listed || *name == extensions::X_SOURCE,
                "`{name}` has no row in honour::PLACES: say where it is read"
            );
        }
    }
}
