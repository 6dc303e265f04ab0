//! Enums with equal value lists, written once.
//!
//! Some specs repeat one value list in many places: Microsoft Graph gives each of its
//! 11,422 operations its own inline `$select`, `$orderby` and `$expand` item enums,
//! 9,604 enums of only 1,295 distinct lists. Each would be a type with its own derives
//! and conversions for every consumer's build to check. An enum whose variants (Rust
//! names and wire values, in order) and openness equal an enum written before it gets
//! [`crate::ir::TypeDef::same_as`], and is written as a type alias of that one: its
//! name still works everywhere (`UsersDeltaOrderbyItem::Id`, `::ALL`, `parse`).

use std::collections::HashMap;

use crate::ir::{TypeId, TypeKind, Types, Variant};

/// Sets `same_as` on every written enum whose variants and openness equal those of an
/// enum written earlier (the first in written order is the one written in full).
pub(super) fn share_equal_enums(types: &mut Types) {
    let mut first: HashMap<(bool, &[Variant]), TypeId> = HashMap::new();
    let mut same: Vec<(TypeId, TypeId)> = Vec::new();
    for (id, def) in types.iter() {
        if let TypeKind::Enum { variants, open } = &def.kind {
            match first.get(&(*open, variants.as_slice())) {
                Some(&earlier) => same.push((id, earlier)),
                None => {
                    first.insert((*open, variants.as_slice()), id);
                }
            }
        }
    }
    for (id, earlier) in same {
        types.get_mut(id).same_as = Some(earlier);
    }
}

#[cfg(test)]
mod tests {
    use super::share_equal_enums;
    use crate::ir::{TypeId, TypeKind, Types, Variant};
    use crate::names::Ident;

    fn variants(values: &[&str]) -> Vec<Variant> {
        values
            .iter()
            .map(|v| Variant {
                name: Ident::pascal(v),
                value: (*v).to_owned(),
            })
            .collect()
    }

    fn add(types: &mut Types, name: &str, values: &[&str], open: bool) -> TypeId {
        let id = types.reserve(Ident::pascal(name));
        let variants = variants(values);
        types.define(id, None, TypeKind::Enum { variants, open });
        id
    }

    #[test]
    fn an_enum_names_the_first_written_enum_of_its_values_and_openness() {
        let mut types = Types::default();
        let first = add(&mut types, "AOrder", &["id", "id desc"], false);
        let second = add(&mut types, "BOrder", &["id", "id desc"], false);
        let reordered = add(&mut types, "COrder", &["id desc", "id"], false);
        let open = add(&mut types, "DOrder", &["id", "id desc"], true);
        let open_again = add(&mut types, "EOrder", &["id", "id desc"], true);
        let third = add(&mut types, "FOrder", &["id", "id desc"], false);
        share_equal_enums(&mut types);
        let same_as = |id| types.get(id).same_as;
        assert_eq!(same_as(first), None);
        assert_eq!(same_as(second), Some(first));
        // Another order is another enum: `ALL`, `VALUES` and `Ord` follow it.
        assert_eq!(same_as(reordered), None);
        // An open set is another type than a closed one of the same values.
        assert_eq!(same_as(open), None);
        assert_eq!(same_as(open_again), Some(open));
        // Always the first, never an alias of an alias.
        assert_eq!(same_as(third), Some(first));
    }
}
