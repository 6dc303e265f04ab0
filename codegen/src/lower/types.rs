//! Schemas to types: component schemas first (all named before any is lowered, so
//! references resolve in any order), then inline schemas as operations meet them. Every
//! struct and enum goes into the arena ([`Types`]) once and is referred to by its id.

use std::borrow::Borrow;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::{clean, Lowerer};
use crate::diagnostics::escape_token;
use crate::ir::{Constraints, Field, TypeId, TypeKind, TypeRef, Types, Variant};
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

impl Lowerer<'_, '_> {
    /// Names every struct or enum component schema, then lowers each.
    pub(super) fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        // Name every struct or enum component first, so references resolve in any order.
        let mut ids: Vec<Option<TypeId>> = Vec::with_capacity(components.schemas.len());
        for (key, schema) in &components.schemas {
            let id = match schema {
                ReferenceOr::Item(s) if makes_type(s) => {
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
                (ReferenceOr::Item(s), None) => {
                    let ty = self.lower_schema(s, &names::pascal(key), &pointer);
                    self.components.insert(key.clone(), ty);
                }
                (ReferenceOr::Reference { reference }, _) => {
                    self.error(&format!("{pointer}/$ref"), format!("component schema `{key}` is only a `$ref: {reference}`; name the target directly"));
                }
            }
        }
    }

    /// Claims a type name made from `hint` and gives it an id.
    fn new_type(&mut self, hint: &str) -> TypeId {
        let name = self.type_scope.claim(Ident::pascal(hint));
        self.types.reserve(name)
    }

    /// Lowers a schema reference or inline schema; `hint` names an inline type.
    pub(super) fn lower_ref(
        &mut self,
        schema: SchemaRef<'_>,
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
            Ok(name) => match self.components.get(name) {
                Some(ty) => ty.clone(),
                None => {
                    let known = self
                        .doc
                        .components
                        .as_ref()
                        .is_some_and(|c| c.schemas.contains_key(name));
                    if !known {
                        self.error(pointer, format!("unknown `$ref: {reference}`: there is no `components.schemas.{name}`"));
                    }
                    TypeRef::Json
                }
            },
            Err(message) => {
                self.error(pointer, message);
                TypeRef::Json
            }
        }
    }

    fn lower_schema(&mut self, schema: &Schema, hint: &str, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if !s.enumeration.is_empty() {
                    let id = self.new_type(hint);
                    self.define(id, schema, pointer);
                    return TypeRef::Named(id);
                }
                match &s.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password) => {
                        TypeRef::Secret
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => TypeRef::Decimal,
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => TypeRef::Decimal,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item = self.lower_ref(
                        SchemaRef::of(items),
                        &format!("{hint}Item"),
                        &format!("{pointer}/items"),
                    );
                    TypeRef::Array(Box::new(item))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    match &o.additional_properties {
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
                    let id = self.new_type(hint);
                    self.define(id, schema, pointer);
                    TypeRef::Named(id)
                }
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() {
                    self.error(pointer, "an object schema needs `type: object`");
                }
                TypeRef::Json
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => {
                self.error(pointer, "`oneOf`, `anyOf`, `allOf` and `not` are not supported yet: describe the shape with one object schema");
                TypeRef::Json
            }
        }
    }

    /// Defines the struct or enum type `id` for `schema` (one [`makes_type`] accepts).
    fn define(&mut self, id: TypeId, schema: &Schema, pointer: &str) {
        let doc = clean(
            schema
                .schema_data
                .description
                .as_deref()
                .or(schema.schema_data.title.as_deref()),
        );
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                let name = self.types[id].name.clone();
                self.struct_fields(&name, o, pointer)
            }
            SchemaKind::Type(Type::String(s)) => {
                self.enum_variants(&s.enumeration, &schema.schema_data.extensions, pointer)
            }
            // Not reached: only object and string enum schemas get a type id.
            _ => TypeKind::Struct { fields: Vec::new() },
        };
        self.types.define(id, doc, kind);
    }

    fn enum_variants(
        &mut self,
        enumeration: &[Option<String>],
        extensions: &indexmap::IndexMap<String, serde_json::Value>,
        pointer: &str,
    ) -> TypeKind {
        let values: Vec<String> = enumeration.iter().flatten().cloned().collect();
        for (i, value) in values.iter().enumerate() {
            if values[..i].contains(value) {
                self.error(
                    &format!("{pointer}/enum"),
                    format!("the enum value `{value}` is listed twice"),
                );
            }
        }
        let varnames = self.enum_varnames(extensions, values.len(), pointer);
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let variants = values
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let wanted = varnames
                    .as_ref()
                    .and_then(|v| v.get(i))
                    .map_or_else(|| Ident::pascal(value), |n| Ident::pascal(n));
                Variant {
                    name: scope.claim(wanted),
                    value: value.clone(),
                }
            })
            .collect();
        TypeKind::Enum { variants }
    }

    fn struct_fields(
        &mut self,
        name: &Ident,
        o: &openapiv3::ObjectType,
        pointer: &str,
    ) -> TypeKind {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (prop, prop_schema) in &o.properties {
            let prop_pointer = format!("{pointer}/properties/{}", escape_token(prop));
            let ty = self.lower_ref(
                SchemaRef::of(prop_schema),
                &format!("{name}{}", names::pascal(prop)),
                &prop_pointer,
            );
            let (nullable, doc, constraints) = match prop_schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.nullable,
                    clean(
                        s.schema_data
                            .description
                            .as_deref()
                            .or(s.schema_data.title.as_deref()),
                    ),
                    constraints(s),
                ),
                ReferenceOr::Reference { .. } => (false, None, Constraints::default()),
            };
            fields.push(Field {
                rust_name: scope.claim(Ident::snake(prop)),
                wire_name: prop.clone(),
                ty,
                optional: nullable || !o.required.contains(prop),
                boxed: false,
                doc,
                constraints,
            });
        }
        for req in &o.required {
            if !o.properties.contains_key(req) {
                self.error(
                    &format!("{pointer}/required"),
                    format!("`{req}` is required but not among the properties"),
                );
            }
        }
        TypeKind::Struct { fields }
    }

    /// Whether `ty` is a generated string enum. Component types are all defined before
    /// any operation is lowered, and inline ones as they are met.
    /// Whether a value of type `ty` can hold a [`TypeRef::Secret`] anywhere inside.
    pub(super) fn contains_secret(&self, ty: &TypeRef) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = vec![ty.clone()];
        while let Some(ty) = todo.pop() {
            match ty {
                TypeRef::Secret => return true,
                TypeRef::Array(inner) | TypeRef::Map(inner) => todo.push(*inner),
                TypeRef::Named(id) if seen.insert(id) => {
                    if let TypeKind::Struct { fields } = &self.types[id].kind {
                        todo.extend(fields.iter().map(|field| field.ty.clone()));
                    }
                }
                _ => {}
            }
        }
        false
    }

    pub(super) fn is_enum(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(id) if matches!(self.types[*id].kind, TypeKind::Enum { .. }))
    }
}

/// Whether a component schema becomes a generated type (rather than an alias of one).
fn makes_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        _ => false,
    }
}

/// The validation keywords of a schema.
pub(super) fn constraints(schema: &Schema) -> Constraints {
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
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items.map(|v| v as u64);
            c.max_items = a.max_items.map(|v| v as u64);
        }
        _ => {}
    }
    c
}

/// Boxes every struct field whose type contains the struct again by value (directly or
/// through other structs), which Rust could not give a size otherwise. `Vec` and maps
/// already put their elements behind a pointer.
///
/// A field of struct `S` of type `T` contains `S` again exactly when `T` reaches `S`
/// through by-value fields, that is when `S` and `T` are in the same strongly connected
/// component of that graph: one pass of Tarjan's algorithm decides every field.
pub(super) fn box_recursive_fields(types: &mut Types) {
    let edges = |types: &Types, id: TypeId| -> Vec<TypeId> {
        match &types[id].kind {
            TypeKind::Struct { fields } => fields
                .iter()
                .filter_map(|f| match f.ty {
                    TypeRef::Named(n) => Some(n),
                    _ => None,
                })
                .collect(),
            TypeKind::Enum { .. } => Vec::new(),
        }
    };
    let ids: Vec<TypeId> = types.iter().map(|(id, _)| id).collect();
    let size = ids.iter().map(|id| id.index() + 1).max().unwrap_or(0);
    let component = strongly_connected(size, &ids, |id| edges(types, id));
    for id in ids {
        let def = types.get_mut(id);
        if let TypeKind::Struct { fields } = &mut def.kind {
            for f in fields.iter_mut() {
                if let TypeRef::Named(n) = f.ty {
                    f.boxed = component[n.index()] == component[id.index()];
                }
            }
        }
    }
}

/// The strongly connected component of every node (Tarjan's algorithm, iterative): a
/// component number per node index, for nodes `0..size`.
fn strongly_connected(
    size: usize,
    nodes: &[TypeId],
    edges: impl Fn(TypeId) -> Vec<TypeId>,
) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let mut index = vec![NONE; size];
    let mut low = vec![NONE; size];
    let mut on_stack = vec![false; size];
    let mut component = vec![NONE; size];
    let mut stack: Vec<TypeId> = Vec::new();
    let (mut next, mut components) = (0, 0);
    for &root in nodes {
        if index[root.index()] != NONE {
            continue;
        }
        // (node, its successors, the next successor to visit)
        let mut work: Vec<(TypeId, Vec<TypeId>, usize)> = Vec::new();
        let mut pending = Some(root);
        loop {
            if let Some(n) = pending.take() {
                index[n.index()] = next;
                low[n.index()] = next;
                next += 1;
                stack.push(n);
                on_stack[n.index()] = true;
                work.push((n, edges(n), 0));
            }
            let Some((node, succ, i)) = work.last_mut() else {
                break;
            };
            let node = *node;
            if let Some(&s) = succ.get(*i) {
                *i += 1;
                if index[s.index()] == NONE {
                    pending = Some(s);
                } else if on_stack[s.index()] {
                    low[node.index()] = low[node.index()].min(index[s.index()]);
                }
                continue;
            }
            work.pop();
            if let Some((parent, _, _)) = work.last() {
                low[parent.index()] = low[parent.index()].min(low[node.index()]);
            }
            if low[node.index()] == index[node.index()] {
                while let Some(top) = stack.pop() {
                    on_stack[top.index()] = false;
                    component[top.index()] = components;
                    if top == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}
