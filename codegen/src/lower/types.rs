//! Schemas to types: component schemas first (every one that makes a type is named
//! before any is lowered, so references resolve in any order), then inline schemas as
//! operations meet them. Every struct and enum goes into the arena ([`Types`]) once and
//! is referred to by its id. A component that makes no type of its own (an array, a
//! scalar, an alias) is lowered when first used, so it may be used before it is written.

use std::borrow::Borrow;

use openapiv3::{ReferenceOr, Schema};

use super::compose::{AllOfPlan, OneOfPlan};
use super::shape::{shape, ObjectView, Shape};
use super::{clean, Lowerer};
use crate::diagnostics::escape_token;
use crate::extensions::X_EXTENSIBLE_ENUM;
use crate::ir::{Constraints, Field, TypeId, TypeKind, TypeRef, Variant};
use crate::load::Refs;
use crate::names::{self, Ident, Scope};

/// A schema as written where it is used: inline, or a `$ref` to a component.
#[derive(Clone, Copy)]
pub(super) enum SchemaRef<'a> {
    /// An inline schema.
    Item(&'a Schema),
    /// `$ref: <reference>`.
    Ref(&'a str),
}

impl<'a> SchemaRef<'a> {
    /// Borrows a spec's `ReferenceOr<Schema>` or `ReferenceOr<Box<Schema>>`.
    pub(super) fn of<S: Borrow<Schema>>(schema: &'a ReferenceOr<S>) -> Self {
        match schema {
            ReferenceOr::Item(s) => SchemaRef::Item(s.borrow()),
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        }
    }
}

/// One property of a struct being defined: its name, its schema and where it is.
pub(super) struct Prop<'a> {
    pub(super) name: &'a str,
    pub(super) schema: SchemaRef<'a>,
    pub(super) pointer: String,
}

impl<'a> Lowerer<'a, '_> {
    /// Names every component schema that makes a type, then lowers each.
    pub(super) fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        // Name every struct or enum component first, so references resolve in any order.
        let mut ids: Vec<Option<TypeId>> = Vec::with_capacity(components.schemas.len());
        for (key, schema) in &components.schemas {
            let pointer = format!("/components/schemas/{}", escape_token(key));
            let id = match schema {
                ReferenceOr::Item(s) if self.makes_type(s, &pointer) => {
                    let id = self.new_type(key);
                    self.components.insert(key.clone(), TypeRef::Named(id));
                    Some(id)
                }
                _ => None,
            };
            ids.push(id);
        }
        for ((key, schema), id) in components.schemas.iter().zip(ids) {
            let pointer = format!("/components/schemas/{}", escape_token(key));
            match (schema, id) {
                (ReferenceOr::Item(s), Some(id)) => self.define(id, s, &pointer),
                _ => {
                    self.component(key, &pointer);
                }
            }
        }
    }

    /// The type of the component schema `key` (lowered now if it makes no type of its
    /// own and was not used before). `pointer` is where it is used.
    fn component(&mut self, key: &str, pointer: &str) -> TypeRef {
        if let Some(ty) = self.components.get(key) {
            return ty.clone();
        }
        let doc = self.doc;
        let Some((key, schema)) = doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get_key_value(key))
        else {
            self.error(
                pointer,
                format!("unknown `$ref`: there is no `components.schemas.{key}`"),
            );
            return TypeRef::Json;
        };
        let at = format!("/components/schemas/{}", escape_token(key));
        if !self.lowering.insert(key.clone()) {
            self.warn(&at, format!("`{key}` contains itself through nothing but arrays, maps or references: no Rust type can be that, so it is any JSON value"));
            return TypeRef::Json;
        }
        let ty = match schema {
            ReferenceOr::Item(s) => self.lower_schema(s, &names::pascal(key), &at),
            ReferenceOr::Reference { reference } => {
                self.schema_ref(reference, &format!("{at}/$ref"))
            }
        };
        self.lowering.remove(key.as_str());
        self.components.insert(key.clone(), ty.clone());
        ty
    }

    /// Claims a type name made from `hint` and gives it an id.
    fn new_type(&mut self, hint: &str) -> TypeId {
        let name = self.type_scope.claim(Ident::pascal(hint));
        self.types.reserve(name)
    }

    /// The type an inline schema makes: one per schema node, however many times it is
    /// met (a property an `allOf` merges into several structs, a struct whose `allOf`
    /// merges the struct that contains it), so that a schema reaching itself is a
    /// recursive type, not an endless chain of new ones.
    fn inline_type(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        let key = std::ptr::from_ref(schema) as usize;
        if let Some(&id) = self.inline.get(&key) {
            return TypeRef::Named(id);
        }
        let id = self.new_type(hint);
        self.inline.insert(key, id);
        self.define(id, schema, pointer);
        TypeRef::Named(id)
    }

    /// Lowers a schema reference or inline schema; `hint` names an inline type.
    pub(super) fn lower_ref(
        &mut self,
        schema: SchemaRef<'a>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            SchemaRef::Item(s) => self.lower_schema(s, hint, pointer),
            SchemaRef::Ref(reference) => self.schema_ref(reference, &format!("{pointer}/$ref")),
        }
    }

    fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        match Refs::component_name(reference, "schemas") {
            Ok(name) => {
                let name = unescape(name);
                let known = self
                    .doc
                    .components
                    .as_ref()
                    .is_some_and(|c| c.schemas.contains_key(&name));
                if !known {
                    self.error(
                        pointer,
                        format!(
                            "unknown `$ref: {reference}`: there is no `components.schemas.{name}`"
                        ),
                    );
                    return TypeRef::Json;
                }
                self.component(&name, pointer)
            }
            Err(message) => {
                self.error(pointer, message);
                TypeRef::Json
            }
        }
    }

    /// Resolves a schema reference to the schema and the pointer problems in it are
    /// reported at; `None` after reporting a broken reference.
    pub(super) fn resolve(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &str,
    ) -> Option<(&'a Schema, String)> {
        match schema {
            SchemaRef::Item(s) => Some((s, pointer.to_owned())),
            SchemaRef::Ref(reference) => match self.refs.schema(reference) {
                Ok((name, s)) => Some((s, format!("/components/schemas/{}", escape_token(name)))),
                Err(m) => {
                    self.error(&format!("{pointer}/$ref"), m);
                    None
                }
            },
        }
    }

    pub(super) fn lower_schema(
        &mut self,
        schema: &'a Schema,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match shape(schema) {
            Shape::StringEnum(..) => self.inline_type(schema, hint, pointer),
            Shape::IntegerEnum(_) => {
                if schema_format(schema) == Some("int32") {
                    TypeRef::I32
                } else {
                    TypeRef::I64
                }
            }
            Shape::Scalar(ty, _) => {
                if schema
                    .schema_data
                    .extensions
                    .contains_key(X_EXTENSIBLE_ENUM)
                {
                    self.error(
                        &format!("{pointer}/{X_EXTENSIBLE_ENUM}"),
                        format!("`{X_EXTENSIBLE_ENUM}` lists the known values of a string: a list of strings"),
                    );
                }
                ty
            }
            Shape::Array(items) => {
                if let openapiv3::SchemaKind::Any(any) = &schema.schema_kind {
                    for (key, set) in [("minLength", any.min_length), ("maxLength", any.max_length)]
                    {
                        if set.is_some() {
                            self.warn(
                                &format!("{pointer}/{key}"),
                                format!("`{key}` applies to strings, not to an array (`minItems` and `maxItems` bound arrays): ignored"),
                            );
                        }
                    }
                }
                match items {
                    Some(items) => {
                        let item = self.lower_ref(
                            SchemaRef::of(items),
                            &format!("{hint}Item"),
                            &format!("{pointer}/items"),
                        );
                        TypeRef::Array(Box::new(item))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Json)),
                }
            }
            Shape::Object(o) => {
                if o.properties.is_empty() {
                    match o.additional {
                        Some(openapiv3::AdditionalProperties::Schema(s)) => {
                            let value = self.lower_ref(
                                SchemaRef::of(s),
                                &format!("{hint}Value"),
                                &format!("{pointer}/additionalProperties"),
                            );
                            TypeRef::Map(Box::new(value))
                        }
                        _ => TypeRef::JsonObject,
                    }
                } else {
                    self.inline_type(schema, hint, pointer)
                }
            }
            Shape::AllOf(parts, own) => match self.all_of_plan(parts, own, pointer) {
                AllOfPlan::Alias(part, at) => self.lower_ref(part, hint, &at),
                AllOfPlan::Struct(_) => self.inline_type(schema, hint, pointer),
                AllOfPlan::Json(why) => {
                    if let Some(why) = why {
                        self.warn(pointer, format!("{why}: the value is any JSON value"));
                    }
                    TypeRef::Json
                }
            },
            Shape::OneOf(variants, any) => match self.one_of_plan(variants, any, pointer) {
                OneOfPlan::Alias(part, at) => self.lower_ref(part, hint, &at),
                OneOfPlan::Enum(_) => self.inline_type(schema, hint, pointer),
                OneOfPlan::Json => TypeRef::Json,
            },
            Shape::Not => {
                self.warn(
                    pointer,
                    "`not` has no Rust type (\"anything but\"): the value is any JSON value",
                );
                TypeRef::Json
            }
            Shape::Any(Some(word)) => {
                self.warn(
                    pointer,
                    format!(
                        "`type: {word}` is not an OpenAPI 3.0 type: the value is any JSON value"
                    ),
                );
                TypeRef::Json
            }
            Shape::Any(None) => TypeRef::Json,
        }
    }

    /// Whether a component schema becomes a generated type (rather than an alias of one).
    fn makes_type(&mut self, schema: &'a Schema, pointer: &str) -> bool {
        match shape(schema) {
            Shape::StringEnum(..) => true,
            Shape::Object(o) => !o.properties.is_empty(),
            Shape::AllOf(parts, own) => {
                matches!(self.all_of_plan(parts, own, pointer), AllOfPlan::Struct(_))
            }
            Shape::OneOf(variants, any) => {
                matches!(self.one_of_plan(variants, any, pointer), OneOfPlan::Enum(_))
            }
            _ => false,
        }
    }

    /// Defines the type `id` for `schema` (one [`Lowerer::makes_type`] accepts).
    fn define(&mut self, id: TypeId, schema: &'a Schema, pointer: &str) {
        let doc = clean(
            schema
                .schema_data
                .description
                .as_deref()
                .or(schema.schema_data.title.as_deref()),
        );
        let name = self.types[id].name.clone();
        let kind = match shape(schema) {
            Shape::Object(o) => {
                let props = own_props(o, pointer);
                self.struct_fields(&name, props, o.required, pointer)
            }
            Shape::StringEnum(values, open) => {
                self.enum_variants(&values, open, &schema.schema_data.extensions, pointer)
            }
            Shape::AllOf(parts, own) => match self.all_of_plan(parts, own, pointer) {
                AllOfPlan::Struct(merged) => {
                    self.report_skipped(&merged, name.as_str());
                    let required: Vec<String> =
                        merged.required.iter().map(|r| (*r).to_owned()).collect();
                    self.struct_fields(&name, merged.props, &required, pointer)
                }
                // Not reached: only a struct plan gets a type id.
                _ => TypeKind::Struct { fields: Vec::new() },
            },
            Shape::OneOf(variants, any) => match self.one_of_plan(variants, any, pointer) {
                OneOfPlan::Enum(variants) => self.one_of_type(&name, schema, variants, pointer),
                _ => TypeKind::Struct { fields: Vec::new() },
            },
            // Not reached: only the shapes above get a type id.
            _ => TypeKind::Struct { fields: Vec::new() },
        };
        self.types.define(id, doc, kind);
    }

    fn enum_variants(
        &mut self,
        values: &[&str],
        open: bool,
        extensions: &indexmap::IndexMap<String, serde_json::Value>,
        pointer: &str,
    ) -> TypeKind {
        let mut unique: Vec<&str> = Vec::with_capacity(values.len());
        for value in values {
            if unique.contains(value) {
                self.warn(
                    &format!("{pointer}/enum"),
                    format!("the enum value `{value}` is listed twice: it is one variant"),
                );
            } else {
                unique.push(value);
            }
        }
        let varnames = self.enum_varnames(extensions, values.len(), pointer);
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let variants = unique
            .iter()
            .map(|value| {
                let index = values.iter().position(|v| v == value);
                let wanted = varnames
                    .as_ref()
                    .and_then(|v| index.and_then(|i| v.get(i)))
                    .map_or_else(|| Ident::pascal(value), |n| Ident::pascal(n));
                Variant {
                    name: scope.claim(wanted),
                    value: (*value).to_owned(),
                }
            })
            .collect();
        TypeKind::Enum { variants, open }
    }

    /// The fields of struct `name` from its properties; `required` names the required ones.
    pub(super) fn struct_fields(
        &mut self,
        name: &Ident,
        props: Vec<Prop<'a>>,
        required: &[String],
        pointer: &str,
    ) -> TypeKind {
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(props.len());
        for prop in &props {
            let ty = self.lower_ref(
                prop.schema,
                &format!("{name}{}", names::pascal(prop.name)),
                &prop.pointer,
            );
            let (optional_by_schema, doc, constraints) = match prop.schema {
                SchemaRef::Item(s) => (
                    self.nullable(s) || s.schema_data.read_only || s.schema_data.write_only,
                    field_doc(s),
                    constraints(s),
                ),
                SchemaRef::Ref(_) => (false, None, Constraints::default()),
            };
            fields.push(Field {
                rust_name: scope.claim(Ident::snake(prop.name)),
                wire_name: prop.name.to_owned(),
                ty,
                optional: optional_by_schema || !required.iter().any(|r| r == prop.name),
                boxed: false,
                doc,
                constraints,
            });
        }
        for req in required {
            if !props.iter().any(|p| p.name == req) {
                self.warn(
                    &format!("{pointer}/required"),
                    format!("`{req}` is required but not among the properties: ignored"),
                );
            }
        }
        TypeKind::Struct { fields }
    }

    /// Whether a value of `schema` may be null: `nullable`, or a `oneOf`/`anyOf` with a
    /// null branch.
    pub(super) fn nullable(&self, schema: &Schema) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        match shape(schema) {
            Shape::OneOf(variants, _) => variants.iter().any(|v| match v {
                ReferenceOr::Item(s) => super::shape::is_null_branch(s),
                ReferenceOr::Reference { reference } => self
                    .refs
                    .schema(reference)
                    .is_ok_and(|(_, s)| super::shape::is_null_branch(s)),
            }),
            _ => false,
        }
    }

    /// Whether a value of type `ty` can hold a [`TypeRef::Secret`] anywhere inside.
    pub(super) fn contains_secret(&self, ty: &TypeRef) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = vec![ty.clone()];
        while let Some(ty) = todo.pop() {
            match ty {
                TypeRef::Secret => return true,
                TypeRef::Array(inner) | TypeRef::Map(inner) => todo.push(*inner),
                TypeRef::Named(id) if seen.insert(id) => match &self.types[id].kind {
                    TypeKind::Struct { fields } => {
                        todo.extend(fields.iter().map(|field| field.ty.clone()));
                    }
                    TypeKind::OneOf { variants, .. } => {
                        todo.extend(variants.iter().map(|v| v.ty.clone()));
                    }
                    TypeKind::Enum { .. } => {}
                },
                _ => {}
            }
        }
        false
    }
}

/// A field's docs: its description (or title), and the values of an integer enum.
fn field_doc(s: &Schema) -> Option<String> {
    let text = clean(
        s.schema_data
            .description
            .as_deref()
            .or(s.schema_data.title.as_deref()),
    );
    match shape(s) {
        Shape::IntegerEnum(values) => {
            let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            let note = format!("One of {}.", values.join(", "));
            Some(match text {
                Some(text) => format!("{text}\n\n{note}"),
                None => note,
            })
        }
        _ => text,
    }
}

/// The properties of an object schema written at `pointer`, in spec order.
pub(super) fn own_props<'a>(o: ObjectView<'a>, pointer: &str) -> Vec<Prop<'a>> {
    o.properties
        .iter()
        .map(|(name, s)| Prop {
            name,
            schema: SchemaRef::of(s),
            pointer: format!("{pointer}/properties/{}", escape_token(name)),
        })
        .collect()
}

/// The `format` of a schema, typed or not.
pub(super) fn schema_format(schema: &Schema) -> Option<&str> {
    match shape(schema) {
        Shape::Scalar(_, format) => format,
        _ => match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(i)) => match &i.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                    Some("int32")
                }
                _ => None,
            },
            openapiv3::SchemaKind::Any(any) => any.format.as_deref(),
            _ => None,
        },
    }
}

/// A component name as written in a reference, unescaped (`a~1b` is `a/b`).
pub(super) fn unescape(name: &str) -> String {
    name.replace("~1", "/").replace("~0", "~")
}

/// The validation keywords of a schema.
pub(super) fn constraints(schema: &Schema) -> Constraints {
    use openapiv3::{SchemaKind, Type};
    let mut c = Constraints::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            c.min_length = s.min_length.map(|v| v as u64);
            c.max_length = s.max_length.map(|v| v as u64);
            c.pattern = s.pattern.clone();
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
            c.exclusive_minimum = i.exclusive_minimum;
            c.exclusive_maximum = i.exclusive_maximum;
            c.multiple_of = i.multiple_of.map(|v| v as f64);
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.multiple_of = n.multiple_of;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items.map(|v| v as u64);
            c.max_items = a.max_items.map(|v| v as u64);
        }
        // An untyped schema keeps the keywords of its kind (an array's `minLength` is
        // the vendor's slip, ignored with a warning where it is lowered).
        SchemaKind::Any(any) => match shape(schema) {
            Shape::Array(_) => {
                c.min_items = any.min_items.map(|v| v as u64);
                c.max_items = any.max_items.map(|v| v as u64);
            }
            Shape::Scalar(TypeRef::String | TypeRef::Secret | TypeRef::Date(_), _) => {
                c.min_length = any.min_length.map(|v| v as u64);
                c.max_length = any.max_length.map(|v| v as u64);
                c.pattern = any.pattern.clone();
            }
            Shape::Scalar(TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Decimal, _) => {
                c.minimum = any.minimum;
                c.maximum = any.maximum;
                c.multiple_of = any.multiple_of;
                c.exclusive_minimum = any.exclusive_minimum.unwrap_or(false);
                c.exclusive_maximum = any.exclusive_maximum.unwrap_or(false);
            }
            _ => {}
        },
        _ => {}
    }
    c
}
