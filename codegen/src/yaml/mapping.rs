//! [`Mapping`]: a mapping's entries in order, in one vector.

use super::{Index, Value};

/// A mapping: its entries in order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Mapping {
    pub(super) entries: Vec<(Value, Value)>,
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Mapping::default()
    }

    /// An empty mapping with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Mapping {
            entries: Vec::with_capacity(n),
        }
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find<I: Index>(&self, key: &I) -> Option<usize> {
        self.entries.iter().position(|(k, _)| key.is_key(k))
    }

    /// The value of `key`.
    pub fn get<I: Index>(&self, key: I) -> Option<&Value> {
        self.find(&key).map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change.
    pub fn get_mut<I: Index>(&mut self, key: I) -> Option<&mut Value> {
        self.find(&key).map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` is there.
    pub fn contains_key<I: Index>(&self, key: I) -> bool {
        self.find(&key).is_some()
    }

    /// Sets the value of `key` (in its place when it was there, returning the old value;
    /// else last).
    pub fn insert(&mut self, key: Value, value: Value) -> Option<Value> {
        match self.find(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Removes `key`, moving the last entry into its place (as serde_yaml's `remove`).
    pub fn remove<I: Index>(&mut self, key: I) -> Option<Value> {
        self.swap_remove(key)
    }

    /// Removes `key`, moving the last entry into its place.
    pub fn swap_remove<I: Index>(&mut self, key: I) -> Option<Value> {
        let i = self.find(&key)?;
        Some(self.entries.swap_remove(i).1)
    }

    /// Removes `key`, the entries after it moving up one place.
    pub fn shift_remove<I: Index>(&mut self, key: I) -> Option<Value> {
        let i = self.find(&key)?;
        Some(self.entries.remove(i).1)
    }

    /// The value of `key`, to fill when it is not there.
    pub fn entry(&mut self, key: Value) -> Entry<'_> {
        Entry { map: self, key }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Value, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in order, values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&Value, &mut Value)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, to change.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&Value, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a Value, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Value, Value)>,
        fn(&'a (Value, Value)) -> (&'a Value, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a> IntoIterator for &'a mut Mapping {
    type Item = (&'a Value, &'a mut Value);
    type IntoIter = std::iter::Map<
        std::slice::IterMut<'a, (Value, Value)>,
        fn(&'a mut (Value, Value)) -> (&'a Value, &'a mut Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl IntoIterator for Mapping {
    type Item = (Value, Value);
    type IntoIter = std::vec::IntoIter<(Value, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<(Value, Value)> for Mapping {
    fn from_iter<T: IntoIterator<Item = (Value, Value)>>(iter: T) -> Self {
        let mut m = Mapping::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

/// The place of a key in a [`Mapping`], filled or not.
pub struct Entry<'m> {
    map: &'m mut Mapping,
    key: Value,
}

impl<'m> Entry<'m> {
    /// The value, set by `make` first if the key was not there.
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'m mut Value {
        let i = match self.map.find(&self.key) {
            Some(i) => i,
            None => {
                self.map.entries.push((self.key, make()));
                self.map.entries.len() - 1
            }
        };
        &mut self.map.entries[i].1
    }

    /// The value, set to `value` first if the key was not there.
    pub fn or_insert(self, value: Value) -> &'m mut Value {
        self.or_insert_with(|| value)
    }
}
