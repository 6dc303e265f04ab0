//! Composed schemas: `allOf` (one struct with the members of every part) and
//! `oneOf`/`anyOf` (an enum of the alternatives, tagged by a discriminator where every
//! alternative has a tag value).
//!
//! Both simplify first. An `allOf` with one part that says something (the others only
//! a description or `nullable`) is that part; a `oneOf`/`anyOf` whose branches are one
//! type and a null branch (`{type: object, nullable: true}`) is that type, nullable.

use openapiv3::{ReferenceOr, Schema};

use super::shape::{is_null_branch, is_silent, shape, ObjectView, Shape};
use super::types::{own_props, unescape, Prop, SchemaRef};
use super::Lowerer;
use crate::diagnostics::escape_token;
use crate::ir::{OneOfVariant, TypeKind, TypeRef};
use crate::load::Refs;
use crate::names::{Ident, Scope};

/// What an `allOf` lowers to.
pub(super) enum AllOfPlan<'a> {
    /// The one part that says something, at its pointer.
    Alias(SchemaRef<'a>, String),
    /// A struct of the merged members.
    Struct(Merged<'a>),
    /// Any JSON value, with the reason to warn about (none when the parts say nothing).
    Json(Option<String>),
}

/// The members of an `allOf`'s parts, merged.
#[derive(Default)]
pub(super) struct Merged<'a> {
    /// The properties, in order of the parts; a later part's property of the same name
    /// replaces an earlier one in place.
    pub(super) props: Vec<Prop<'a>>,
    /// Every part's required names.
    pub(super) required: Vec<&'a str>,
    /// Parts that could not be merged: where, and why.
    pub(super) skipped: Vec<(String, String)>,
}

/// What a `oneOf` or `anyOf` lowers to.
pub(super) enum OneOfPlan<'a> {
    /// The one branch that is not null.
    Alias(SchemaRef<'a>, String),
    /// An enum of these branches.
    Enum(Vec<(SchemaRef<'a>, String)>),
    /// No branch but null ones: any JSON value.
    Json,
}

/// A part of an `allOf`.
enum Part<'a> {
    Schema(SchemaRef<'a>, String),
    Own(ObjectView<'a>, String),
}

impl<'a> Lowerer<'a, '_> {
    /// A schema and, when it was a reference, its component name; `None` for a broken
    /// reference (reported where it is lowered).
    fn resolve_quiet(&self, schema: SchemaRef<'a>) -> Option<(&'a Schema, Option<&'a str>)> {
        match schema {
            SchemaRef::Item(s) => Some((s, None)),
            SchemaRef::Ref(r) => self.refs.schema(r).ok().map(|(name, s)| (s, Some(name))),
        }
    }

    /// The plan of an `allOf` at `pointer` (problems are reported when it is lowered).
    pub(super) fn all_of_plan(
        &mut self,
        parts: &'a [ReferenceOr<Schema>],
        own: Option<ObjectView<'a>>,
        pointer: &str,
    ) -> AllOfPlan<'a> {
        let mut saying: Vec<Part<'a>> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            let schema = SchemaRef::of(part);
            match self.resolve_quiet(schema) {
                Some((s, _)) if is_silent(s) => {}
                _ => saying.push(Part::Schema(schema, at)),
            }
        }
        if let Some(own) = own.filter(|o| !o.is_empty()) {
            saying.push(Part::Own(own, pointer.to_owned()));
        }
        match saying.len() {
            0 => return AllOfPlan::Json(None),
            1 => {
                if let Some(Part::Schema(schema, at)) = saying.pop() {
                    return AllOfPlan::Alias(schema, at);
                }
                // Only the schema's own members: a struct of them.
                if let Some(own) = own {
                    return AllOfPlan::Struct(Merged {
                        props: own_props(own, pointer),
                        required: own.required.iter().map(String::as_str).collect(),
                        skipped: Vec::new(),
                    });
                }
            }
            _ => {}
        }
        let mut merged = Merged::default();
        let mut visited: Vec<&'a str> = Vec::new();
        for part in saying {
            match part {
                Part::Schema(schema, at) => self.merge(schema, at, &mut merged, &mut visited),
                Part::Own(own, at) => add_object(&mut merged, own, &at),
            }
        }
        if merged.props.is_empty() {
            let why = merged
                .skipped
                .iter()
                .map(|(_, why)| why.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            return AllOfPlan::Json(Some(format!(
                "the `allOf` parts cannot be merged into one type ({why})"
            )));
        }
        AllOfPlan::Struct(merged)
    }

    /// Adds the members of one `allOf` part (following references and nested `allOf`s,
    /// each component once).
    fn merge(
        &mut self,
        schema: SchemaRef<'a>,
        at: String,
        merged: &mut Merged<'a>,
        visited: &mut Vec<&'a str>,
    ) {
        let Some((s, name)) = self.resolve_quiet(schema) else {
            merged.skipped.push((
                format!("{at}/$ref"),
                "this part's `$ref` names no schema".to_owned(),
            ));
            return;
        };
        let at = match name {
            Some(name) => {
                if visited.contains(&name) {
                    return;
                }
                visited.push(name);
                format!("/components/schemas/{}", escape_token(name))
            }
            None => at,
        };
        match shape(s) {
            Shape::Object(o) => add_object(merged, o, &at),
            Shape::AllOf(parts, own) => {
                for (i, part) in parts.iter().enumerate() {
                    self.merge(
                        SchemaRef::of(part),
                        format!("{at}/allOf/{i}"),
                        merged,
                        visited,
                    );
                }
                if let Some(own) = own {
                    add_object(merged, own, &at);
                }
            }
            _ if is_silent(s) => {}
            other => merged.skipped.push((
                at,
                format!("this `allOf` part is {}, not an object", describe(&other)),
            )),
        }
    }

    /// The plan of a `oneOf` (`any` false) or `anyOf` at `pointer`.
    pub(super) fn one_of_plan(
        &mut self,
        variants: &'a [ReferenceOr<Schema>],
        any: bool,
        pointer: &str,
    ) -> OneOfPlan<'a> {
        let key = if any { "anyOf" } else { "oneOf" };
        let mut kept: Vec<(SchemaRef<'a>, String)> = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            let schema = SchemaRef::of(variant);
            if let Some((s, _)) = self.resolve_quiet(schema) {
                if is_null_branch(s) {
                    continue;
                }
            }
            let duplicate = kept.iter().any(|(k, _)| match (k, schema) {
                (SchemaRef::Ref(a), SchemaRef::Ref(b)) => *a == b,
                _ => false,
            });
            if !duplicate {
                kept.push((schema, format!("{pointer}/{key}/{i}")));
            }
        }
        match kept.len() {
            0 => OneOfPlan::Json,
            1 => {
                let (schema, at) = kept.remove(0);
                OneOfPlan::Alias(schema, at)
            }
            _ => OneOfPlan::Enum(kept),
        }
    }

    /// The enum `name` of a `oneOf`/`anyOf`'s branches.
    pub(super) fn one_of_type(
        &mut self,
        name: &Ident,
        schema: &'a Schema,
        branches: Vec<(SchemaRef<'a>, String)>,
        pointer: &str,
    ) -> TypeKind {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut scope = Scope::default();
        let mut variants: Vec<OneOfVariant> = Vec::with_capacity(branches.len());
        for (branch, at) in branches {
            let resolved = self.resolve_quiet(branch);
            let wanted = match (branch, resolved) {
                (SchemaRef::Ref(r), _) => Refs::component_name(r, "schemas")
                    .map(unescape)
                    .unwrap_or_else(|_| "Value".to_owned()),
                (SchemaRef::Item(s), _) => match &s.schema_data.title {
                    Some(title) => title.clone(),
                    None => describe_word(&shape(s)).to_owned(),
                },
            };
            let variant_name = scope.claim(Ident::pascal(&wanted));
            let ty = self.lower_ref(branch, &format!("{name}{variant_name}"), &at);
            if variants.iter().any(|v| v.ty == ty) {
                continue;
            }
            let tags = match (discriminator, branch) {
                (Some(d), SchemaRef::Ref(r)) => {
                    let component = Refs::component_name(r, "schemas").map(unescape).ok();
                    let mapped: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| {
                            target.as_str() == r || component.as_deref() == Some(target.as_str())
                        })
                        .map(|(tag, _)| tag.clone())
                        .collect();
                    if mapped.is_empty() {
                        component.into_iter().collect()
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            variants.push(OneOfVariant {
                name: variant_name,
                ty,
                boxed: false,
                tags,
            });
        }
        let tagged = variants.iter().all(|v| !v.tags.is_empty());
        if let Some(d) = discriminator.filter(|_| !tagged) {
            self.warn(
                &format!("{pointer}/discriminator"),
                format!("the discriminator `{}` cannot tag the inline alternatives: the first alternative that decodes is taken", d.property_name),
            );
        }
        if let Some(d) = discriminator.filter(|_| tagged) {
            for (tag, target) in &d.mapping {
                if !variants.iter().any(|v| v.tags.contains(tag)) {
                    self.warn(
                        &format!("{pointer}/discriminator/mapping/{}", escape_token(tag)),
                        format!("`{tag}` maps to `{target}`, which is none of the alternatives: the value `{tag}` decodes as no variant"),
                    );
                }
            }
        }
        TypeKind::OneOf {
            variants,
            discriminator: discriminator
                .filter(|_| tagged)
                .map(|d| d.property_name.clone()),
        }
    }

    /// Reports the parts an `allOf` struct could not merge.
    pub(super) fn report_skipped(&mut self, merged: &Merged<'_>, name: &str) {
        for (at, why) in &merged.skipped {
            self.warn(
                at,
                format!("{why}: its members are not in the merged `{name}`"),
            );
        }
    }
}

/// Adds an object's properties and required names to `merged`.
fn add_object<'a>(merged: &mut Merged<'a>, o: ObjectView<'a>, at: &str) {
    for prop in own_props(o, at) {
        match merged.props.iter_mut().find(|p| p.name == prop.name) {
            Some(existing) => *existing = prop,
            None => merged.props.push(prop),
        }
    }
    for r in o.required {
        if !merged.required.contains(&r.as_str()) {
            merged.required.push(r);
        }
    }
}

/// A shape in words, for messages.
fn describe(shape: &Shape<'_>) -> &'static str {
    match shape {
        Shape::Object(_) => "an object",
        Shape::StringEnum(..) => "a string enum",
        Shape::IntegerEnum(_) => "an integer enum",
        Shape::Scalar(TypeRef::Bool, _) => "a boolean",
        Shape::Scalar(TypeRef::I32 | TypeRef::I64, _) => "an integer",
        Shape::Scalar(TypeRef::F64 | TypeRef::Decimal, _) => "a number",
        Shape::Scalar(..) => "a string",
        Shape::Array(_) => "an array",
        Shape::AllOf(..) => "an `allOf`",
        Shape::OneOf(_, false) => "a `oneOf`",
        Shape::OneOf(_, true) => "an `anyOf`",
        Shape::Not => "a `not`",
        Shape::Any(_) => "any value",
    }
}

/// A variant name for an inline alternative of this shape.
fn describe_word(shape: &Shape<'_>) -> &'static str {
    match shape {
        Shape::Object(_) | Shape::AllOf(..) => "Object",
        Shape::StringEnum(..) => "Enum",
        Shape::IntegerEnum(_) | Shape::Scalar(TypeRef::I32 | TypeRef::I64, _) => "Integer",
        Shape::Scalar(TypeRef::Bool, _) => "Boolean",
        Shape::Scalar(TypeRef::F64 | TypeRef::Decimal, _) => "Number",
        Shape::Scalar(..) => "String",
        Shape::Array(_) => "Array",
        Shape::OneOf(..) => "Choice",
        Shape::Not | Shape::Any(_) => "Value",
    }
}
