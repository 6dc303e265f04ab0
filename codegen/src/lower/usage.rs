//! Which types a client uses, found by following types from the operations: what a
//! caller sends (parameters, bodies), what it reads (success responses, and error
//! bodies the error envelope does not read). A type reached from neither — the schema
//! of a body whose properties became setters, an error body the envelope already reads
//! into `Error::Api` — is not written.

use std::collections::HashSet;

use crate::ir::{Envelope, Operation, TypeId, TypeKind, TypeRef, Types};

/// Marks every type's [`crate::ir::Usage`] and drops the types nothing uses.
pub(super) fn mark_usage(types: &mut Types, operations: &[Operation], envelope: &Envelope) {
    let mut sent = HashSet::new();
    let mut received = HashSet::new();
    let mut errors: Vec<(TypeId, &str)> = Vec::new();
    for op in operations {
        for p in op.params.iter().filter(|p| p.constant.is_none()) {
            reach(types, &p.ty, &mut sent);
        }
        if let Some(ty) = &op.response.ty {
            reach(types, ty, &mut received);
        }
        let envelope = op.envelope.as_ref().unwrap_or(envelope);
        let read_by_envelope = !envelope.code.is_empty() || !envelope.message.is_empty();
        if read_by_envelope {
            continue;
        }
        for ty in &op.error_bodies {
            reach(types, ty, &mut received);
            if let TypeRef::Named(id) = ty {
                errors.push((*id, op.builder_name.as_str()));
            }
        }
    }
    for id in &sent {
        types.get_mut(*id).usage.sent = true;
    }
    for id in &received {
        types.get_mut(*id).usage.received = true;
    }
    for (id, builder) in errors {
        let of = &mut types.get_mut(id).usage.error_of;
        if !of.iter().any(|b| b == builder) {
            of.push(builder.to_owned());
        }
    }
    types.retain(|def| def.usage.sent || def.usage.received);
}

/// Adds every generated type `ty` is or contains to `seen`.
fn reach(types: &Types, ty: &TypeRef, seen: &mut HashSet<TypeId>) {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => reach(types, inner, seen),
        TypeRef::Named(id) => {
            if !seen.insert(*id) {
                return;
            }
            match &types[*id].kind {
                TypeKind::Struct { fields } => {
                    for f in fields {
                        reach(types, &f.ty, seen);
                    }
                }
                TypeKind::OneOf { variants, .. } => {
                    for v in variants {
                        reach(types, &v.ty, seen);
                    }
                }
                TypeKind::Enum { .. } => {}
            }
        }
        _ => {}
    }
}
