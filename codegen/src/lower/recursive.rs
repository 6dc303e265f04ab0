//! Recursive types: a struct field (or enum alternative) whose type contains its own
//! type again by value is boxed, which Rust could not give a size otherwise. `Vec` and
//! maps already put their elements behind a pointer.

use crate::ir::{TypeId, TypeKind, TypeRef, Types};

/// Boxes every struct field and `oneOf` alternative whose type contains its own type
/// again by value (directly or through other types).
///
/// A member of type `T` of type `S` contains `S` again exactly when `T` reaches `S`
/// through by-value members, that is when `S` and `T` are in the same strongly
/// connected component of that graph: one pass of Tarjan's algorithm decides every one.
pub(super) fn box_recursive_fields(types: &mut Types) {
    let named = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => Some(*n),
        _ => None,
    };
    let edges = |types: &Types, id: TypeId| -> Vec<TypeId> {
        match &types[id].kind {
            TypeKind::Struct { fields } => fields.iter().filter_map(|f| named(&f.ty)).collect(),
            TypeKind::OneOf { variants, .. } => {
                variants.iter().filter_map(|v| named(&v.ty)).collect()
            }
            TypeKind::Enum { .. } => Vec::new(),
        }
    };
    let ids: Vec<TypeId> = types.iter().map(|(id, _)| id).collect();
    let size = ids.iter().map(|id| id.index() + 1).max().unwrap_or(0);
    let component = strongly_connected(size, &ids, |id| edges(types, id));
    for id in ids {
        let own = component[id.index()];
        match &mut types.get_mut(id).kind {
            TypeKind::Struct { fields } => {
                for f in fields.iter_mut() {
                    if let TypeRef::Named(n) = f.ty {
                        f.boxed = component[n.index()] == own;
                    }
                }
            }
            TypeKind::OneOf { variants, .. } => {
                for v in variants.iter_mut() {
                    if let TypeRef::Named(n) = v.ty {
                        v.boxed = component[n.index()] == own;
                    }
                }
            }
            TypeKind::Enum { .. } => {}
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
