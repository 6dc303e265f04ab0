//! The keys of each OpenAPI object, as the lint knows them: OpenAPI 3.0's, and the keys
//! and places of schemas OpenAPI 3.1 adds, known in a 3.1 document only.

pub(super) const ROOT: &[&str] = &[
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "externalDocs",
];
pub(super) const COMPONENTS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];
pub(super) const PATH_ITEM: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];
/// The HTTP methods a path item may hold.
pub(crate) const VERBS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
pub(super) const OPERATION: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];
pub(super) const PARAMETER: &[&str] = &[
    "$ref",
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];
pub(super) const HEADER: &[&str] = &[
    "$ref",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];
pub(super) const SECURITY_SCHEME: &[&str] = &[
    "$ref",
    "type",
    "description",
    "name",
    "in",
    "scheme",
    "bearerFormat",
    "flows",
    "openIdConnectUrl",
];
pub(super) const REQUEST_BODY: &[&str] = &["$ref", "description", "content", "required"];
pub(super) const RESPONSE: &[&str] = &["$ref", "description", "headers", "content", "links"];
pub(super) const MEDIA_TYPE: &[&str] = &["schema", "example", "examples", "encoding"];
pub(super) const SCHEMA: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// The keys OpenAPI 3.1 adds to an object (by the lint's name for it), known in a 3.1
/// document only. `nullable`, gone from 3.1's schemas, is still read there (with a
/// warning saying how 3.1 writes it).
pub(super) const V31: &[(&str, &[&str])] = &[
    ("the document root", &["jsonSchemaDialect", "webhooks"]),
    ("components", &["pathItems"]),
    (
        "a schema",
        &[
            "$schema",
            "$id",
            "$anchor",
            "$dynamicAnchor",
            "$dynamicRef",
            "$defs",
            "$comment",
            "$vocabulary",
            "const",
            "examples",
            "prefixItems",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
            "unevaluatedProperties",
            "patternProperties",
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
            "if",
            "then",
            "else",
            "contentEncoding",
            "contentMediaType",
            "contentSchema",
        ],
    ),
];

/// The schema keywords of 3.1 holding one schema, and those holding a map of them.
pub(super) const V31_SUBSCHEMA: &[&str] = &[
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "contentSchema",
];
pub(super) const V31_SUBSCHEMAS: &[&str] = &["$defs", "patternProperties", "dependentSchemas"];
