//! The YAML tree: JSON pointers into it, `$ref` nodes, components and file paths.

use crate::yaml::{Mapping, Value};

use super::Section;

/// A mapping `{$ref: reference}`.
pub(super) fn ref_node(reference: &str) -> Value {
    let mut m = Mapping::new();
    m.insert(Value::from("$ref"), Value::from(reference));
    Value::Mapping(m)
}

/// Sets the `$ref` of the object `holder`.
pub(super) fn set_ref(holder: &mut Value, reference: String) {
    if let Value::Mapping(m) = holder {
        m.insert(Value::from("$ref"), Value::from(reference));
    }
}

/// Rewrites every `$ref` string for which `map` has a new text.
pub(super) fn rewrite(value: &mut Value, map: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Mapping(m) => {
            for (k, v) in m.iter_mut() {
                if k.as_str() == Some("$ref") {
                    if let Some(new) = v.as_str().and_then(map) {
                        *v = Value::from(new);
                    }
                } else {
                    rewrite(v, map);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|v| rewrite(v, map)),
        Value::Tagged(t) => rewrite(&mut t.value, map),
        _ => {}
    }
}

/// A name not yet taken in `section` of the root's components.
pub(super) fn unused_name(root: &Value, section: Section, base: &str) -> String {
    let taken = |name: &str| {
        root.get("components")
            .and_then(|c| c.get(section.key()))
            .and_then(|s| s.get(name))
            .is_some()
    };
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

pub(super) fn insert_component(root: &mut Value, section: Section, name: &str, node: Value) {
    let Value::Mapping(root) = root else { return };
    let components = root
        .entry(Value::from("components"))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if !components.is_mapping() {
        *components = Value::Mapping(Mapping::new());
    }
    let Value::Mapping(components) = components else {
        return;
    };
    let section = components
        .entry(Value::from(section.key()))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if !section.is_mapping() {
        *section = Value::Mapping(Mapping::new());
    }
    if let Value::Mapping(section) = section {
        section.insert(Value::from(name), node);
    }
}

/// `(section, name)` when `pointer` is exactly `/components/<section>/<name>`.
pub(super) fn is_component(pointer: &str) -> Option<(Section, String)> {
    let tokens = split_pointer(pointer)?;
    match tokens.as_slice() {
        [c, section, name] if c == "components" => Some((Section::of_key(section)?, name.clone())),
        _ => None,
    }
}

/// The reference tokens of a JSON pointer (`None` unless empty or starting with `/`).
pub(super) fn split_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Decodes `%XX` escapes (a URI fragment); invalid escapes are kept.
pub(super) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The child of a mapping or sequence for one token (a mapping key may be a number:
/// `200:` unquoted).
pub(super) fn child<'v>(value: &'v Value, token: &str) -> Option<&'v Value> {
    match value {
        Value::Mapping(m) => m.get(token).or_else(|| {
            let key = serde_yaml::from_str::<Value>(token)
                .ok()
                .filter(|k| !k.is_string())?;
            m.get(&key)
        }),
        Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        Value::Tagged(t) => child(&t.value, token),
        _ => None,
    }
}

pub(super) fn child_mut<'v>(value: &'v mut Value, token: &str) -> Option<&'v mut Value> {
    match value {
        Value::Mapping(m) => {
            if m.contains_key(token) {
                return m.get_mut(token);
            }
            let key = serde_yaml::from_str::<Value>(token)
                .ok()
                .filter(|k| !k.is_string())?;
            m.get_mut(&key)
        }
        Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        Value::Tagged(t) => child_mut(&mut t.value, token),
        _ => None,
    }
}

pub(super) fn node<'v>(value: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(value, |v, t| child(v, t))
}

pub(super) fn node_mut<'v>(value: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    tokens.iter().try_fold(value, |v, t| child_mut(v, t))
}

/// The directory part of a `/`-separated path joined with `relative`, normalized.
pub(super) fn join(file: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = match file.rfind('/') {
        Some(cut) => file[..cut].split('/').collect(),
        None => Vec::new(),
    };
    if relative.starts_with('/') {
        parts.clear();
        parts.push("");
    }
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| !p.is_empty() && *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

pub(super) fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name).to_owned()
}
