//! The shape of a schema, read the same way whether openapiv3 typed it (`type: object`
//! with `properties`) or kept it as an untyped [`AnySchema`](openapiv3::AnySchema)
//! (`properties` without `type`, `type: object` beside `allOf`, an `enum` without
//! `type`).

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::extensions::X_EXTENSIBLE_ENUM;
use crate::ir::{DateFormat, TypeRef};

/// The properties of an object schema, borrowed.
#[derive(Clone, Copy)]
pub(super) struct ObjectView<'a> {
    pub(super) properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub(super) required: &'a [String],
    pub(super) additional: Option<&'a AdditionalProperties>,
}

impl ObjectView<'_> {
    /// Whether it says nothing about its members (`type: object` alone).
    pub(super) fn is_empty(&self) -> bool {
        self.properties.is_empty() && self.required.is_empty()
    }
}

/// What a schema describes.
pub(super) enum Shape<'a> {
    /// An object (properties, a map, or free-form).
    Object(ObjectView<'a>),
    /// A string enum: its values (duplicates included; lowering reports them), and
    /// whether the set is open (`x-extensible-enum`: the vendor adds values).
    StringEnum(Vec<&'a str>, bool),
    /// An integer enum: its values, documented on an integer.
    IntegerEnum(Vec<i64>),
    /// A scalar of this type.
    Scalar(TypeRef, Option<&'a str>),
    /// An array of `items` (any JSON when missing).
    Array(Option<&'a ReferenceOr<Box<Schema>>>),
    /// `allOf`, with the schema's own object members, if any, as one more part.
    AllOf(&'a [ReferenceOr<Schema>], Option<ObjectView<'a>>),
    /// `oneOf` (`any` false) or `anyOf` (`any` true).
    OneOf(&'a [ReferenceOr<Schema>], bool),
    /// `not`: no Rust type says "anything but".
    Not,
    /// Any JSON value; `typ` is an unknown `type` word, if any (`file`, `null`).
    Any(Option<&'a str>),
}

/// Reads the shape of `schema`.
pub(super) fn shape(schema: &Schema) -> Shape<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            let open = extensible_enum(schema);
            if !s.enumeration.is_empty() || open.is_some() {
                let mut values: Vec<&str> =
                    s.enumeration.iter().flatten().map(String::as_str).collect();
                let is_open = open.is_some();
                values.extend(
                    open.into_iter()
                        .flatten()
                        .filter(|v| !values.contains(v))
                        .collect::<Vec<_>>(),
                );
                return Shape::StringEnum(values, is_open);
            }
            let format = match &s.format {
                VariantOrUnknownOrEmpty::Item(f) => Some(match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                }),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            Shape::Scalar(string_type(format), format)
        }
        SchemaKind::Type(Type::Integer(i)) => {
            let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
            if !values.is_empty() {
                return Shape::IntegerEnum(values);
            }
            match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => {
                    Shape::Scalar(TypeRef::I32, Some("int32"))
                }
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => {
                    Shape::Scalar(TypeRef::I64, Some("int64"))
                }
                VariantOrUnknownOrEmpty::Unknown(f) => Shape::Scalar(TypeRef::I64, Some(f)),
                VariantOrUnknownOrEmpty::Empty => Shape::Scalar(TypeRef::I64, None),
            }
        }
        SchemaKind::Type(Type::Number(n)) => match &n.format {
            VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => {
                Shape::Scalar(TypeRef::Decimal, Some("decimal"))
            }
            VariantOrUnknownOrEmpty::Unknown(f) => Shape::Scalar(TypeRef::F64, Some(f)),
            VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => {
                Shape::Scalar(TypeRef::F64, Some("float"))
            }
            VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => {
                Shape::Scalar(TypeRef::F64, Some("double"))
            }
            VariantOrUnknownOrEmpty::Empty => Shape::Scalar(TypeRef::F64, None),
        },
        SchemaKind::Type(Type::Boolean(_)) => Shape::Scalar(TypeRef::Bool, None),
        SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref()),
        SchemaKind::Type(Type::Object(o)) => Shape::Object(ObjectView {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        }),
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of, false),
        SchemaKind::AnyOf { any_of } => Shape::OneOf(any_of, true),
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of, None),
        SchemaKind::Not { .. } => Shape::Not,
        SchemaKind::Any(any) => {
            let object = ObjectView {
                properties: &any.properties,
                required: &any.required,
                additional: any.additional_properties.as_ref(),
            };
            let has_object = !object.is_empty() || object.additional.is_some();
            if !any.all_of.is_empty() {
                return Shape::AllOf(&any.all_of, has_object.then_some(object));
            }
            if !any.one_of.is_empty() {
                return Shape::OneOf(&any.one_of, false);
            }
            if !any.any_of.is_empty() {
                return Shape::OneOf(&any.any_of, true);
            }
            if any.not.is_some() {
                return Shape::Not;
            }
            let format = any.format.as_deref();
            match any.typ.as_deref() {
                Some("object") => Shape::Object(object),
                None if has_object => Shape::Object(object),
                Some("array") => Shape::Array(any.items.as_ref()),
                None if any.items.is_some() => Shape::Array(any.items.as_ref()),
                Some("string") | None if all(&any.enumeration, Value::is_string) => {
                    Shape::StringEnum(
                        any.enumeration.iter().filter_map(Value::as_str).collect(),
                        false,
                    )
                }
                Some("integer") | None if all(&any.enumeration, Value::is_i64) => {
                    Shape::IntegerEnum(any.enumeration.iter().filter_map(Value::as_i64).collect())
                }
                Some("string") => Shape::Scalar(string_type(format), format),
                Some("integer") => Shape::Scalar(
                    if format == Some("int32") {
                        TypeRef::I32
                    } else {
                        TypeRef::I64
                    },
                    format,
                ),
                Some("number") => Shape::Scalar(
                    if format == Some("decimal") {
                        TypeRef::Decimal
                    } else {
                        TypeRef::F64
                    },
                    format,
                ),
                Some("boolean") => Shape::Scalar(TypeRef::Bool, None),
                Some(other) => Shape::Any(Some(other)),
                None => Shape::Any(None),
            }
        }
    }
}

/// The values of an `x-extensible-enum` (a string schema whose known values are listed
/// but whose set is open), when it is a list of strings.
pub(super) fn extensible_enum(schema: &Schema) -> Option<Vec<&str>> {
    let list = schema
        .schema_data
        .extensions
        .get(X_EXTENSIBLE_ENUM)?
        .as_array()?;
    list.iter().map(Value::as_str).collect()
}

/// Whether `values` has a value that is not null, and every such value passes `test`.
fn all(values: &[Value], test: fn(&Value) -> bool) -> bool {
    values.iter().any(|v| !v.is_null()) && values.iter().all(|v| v.is_null() || test(v))
}

/// The Rust type of a string of `format`.
fn string_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("password") => TypeRef::Secret,
        Some("decimal") => TypeRef::Decimal,
        Some("date") => TypeRef::Date(DateFormat::Date),
        Some("year-month") => TypeRef::Date(DateFormat::YearMonth),
        Some("local-date-time") => TypeRef::Date(DateFormat::LocalDateTime),
        _ => TypeRef::String,
    }
}

/// Whether a schema says only that a value may be null: `{nullable: true}`,
/// `{type: object, nullable: true}` without members, or `{type: 'null'}` (the branch
/// that makes an `anyOf` nullable).
pub(super) fn is_null_branch(schema: &Schema) -> bool {
    match shape(schema) {
        Shape::Any(Some("null")) => true,
        Shape::Any(None) => schema.schema_data.nullable,
        Shape::Object(o) => schema.schema_data.nullable && o.is_empty() && o.additional.is_none(),
        _ => false,
    }
}

/// Whether a schema says nothing about a value's type: no members, no type (a part of
/// an `allOf` carrying only a description or `nullable`).
pub(super) fn is_silent(schema: &Schema) -> bool {
    match shape(schema) {
        Shape::Any(None) => true,
        Shape::Object(o) => o.is_empty() && o.additional.is_none(),
        _ => false,
    }
}
