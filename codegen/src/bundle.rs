//! Bundling: every `$ref` made to name a component of the spec itself.
//!
//! Lowering follows `$ref`s of one form only, `#/components/<section>/<name>`. Specs use
//! two others, and this pass, run on the YAML tree before it is typed, rewrites both:
//!
//! - a reference to any other node of the document (`#/paths/~1a/get/responses/404`,
//!   `#/components/schemas/Pet/properties/owner`), as bundling tools write: the node is
//!   moved into `components` under a name made from its place, and both the node's old
//!   place and every reference to it become a `$ref` to that component, so it is one
//!   type, not a copy per use;
//! - a reference to another file (`./schemas/Pet.yaml`, `common.yaml#/components/schemas/Error`),
//!   read through [`ReadFile`]: the node is copied into `components` (into the slot of
//!   a component that was only that reference, else under its own name) and its own
//!   references are followed relative to its file.
//!
//! The section a node goes into is the kind of object the reference stands for, read
//! from the place of the reference in the OpenAPI object model. Each moved component
//! remembers where it came from ([`Bundled::origin`]), so that a problem found in it
//! later is reported in its own file, at its own place.

use std::collections::{BTreeMap, HashMap};

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{escape_token, Diagnostic, Severity, Sink};
use crate::names;

/// Reads the other files of a spec, for references to them.
pub trait ReadFile {
    /// The text of the file at `path`: the referring file's directory joined with the
    /// reference, `.` and `..` resolved, `/`-separated (`specs/schemas/Pet.yaml`).
    ///
    /// # Errors
    ///
    /// Why the file cannot be read, for the diagnostic.
    fn read(&self, path: &str) -> Result<String, String>;
}

/// No other files: a reference to one is an error saying so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl ReadFile for NoFiles {
    fn read(&self, _path: &str) -> Result<String, String> {
        Err("this generator was given no way to read other files (`cargo xtask generate` reads them)".into())
    }
}

/// The kinds of components a reference can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `components.schemas`.
    Schemas,
    /// `components.parameters`.
    Parameters,
    /// `components.responses`.
    Responses,
    /// `components.requestBodies`.
    RequestBodies,
    /// `components.headers`.
    Headers,
    /// `components.examples`.
    Examples,
    /// `components.securitySchemes`.
    SecuritySchemes,
    /// `components.links`, `components.callbacks` and path items: never followed.
    Other,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::Responses => "responses",
            Section::RequestBodies => "requestBodies",
            Section::Headers => "headers",
            Section::Examples => "examples",
            Section::SecuritySchemes => "securitySchemes",
            Section::Other => "",
        }
    }

    fn of_key(key: &str) -> Option<Section> {
        Some(match key {
            "schemas" => Section::Schemas,
            "parameters" => Section::Parameters,
            "responses" => Section::Responses,
            "requestBodies" => Section::RequestBodies,
            "headers" => Section::Headers,
            "examples" => Section::Examples,
            "securitySchemes" => Section::SecuritySchemes,
            _ => return None,
        })
    }
}

/// Where a moved component came from.
#[derive(Debug, Clone)]
struct Origin {
    /// Its pointer in the bundled document (`/components/schemas/Pet`).
    pointer: String,
    /// The file it was read from.
    file: String,
    /// Its pointer in that file.
    original: String,
}

/// What bundling did: where moved components came from, and the texts of the files read.
#[derive(Debug, Default)]
pub struct Bundled {
    origins: Vec<Origin>,
    /// The files read, by path, for positions in them.
    pub files: BTreeMap<String, String>,
}

impl Bundled {
    /// Moves a diagnostic about a moved component to the file and place it came from.
    pub fn origin(&self, diagnostic: &mut Diagnostic) {
        // The innermost (longest) origin containing the pointer wins.
        let found = self
            .origins
            .iter()
            .filter(|o| {
                diagnostic.pointer == o.pointer
                    || diagnostic
                        .pointer
                        .strip_prefix(&o.pointer)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|o| o.pointer.len());
        if let Some(o) = found {
            let rest = &diagnostic.pointer[o.pointer.len()..];
            diagnostic.pointer = format!("{}{rest}", o.original);
            diagnostic.file = o.file.clone();
        }
    }
}

/// Rewrites every `$ref` of `root` (the spec at `path`) into a component reference; see
/// the module docs. Problems go to `sink`.
pub fn bundle(root: &mut Value, path: &str, files: &dyn ReadFile, sink: &mut Sink) -> Bundled {
    let mut b = Bundler {
        root_path: path.to_owned(),
        files,
        sink,
        out: Bundled::default(),
        trees: HashMap::new(),
        done: HashMap::new(),
        renamed: HashMap::new(),
    };
    b.local(root);
    b.external(root);
    b.out
}

/// A `$ref` found in a document: where it is, and what it stands for.
struct Site {
    /// The pointer of the object holding `$ref`.
    pointer: String,
    /// The kind of object the reference stands for.
    section: Section,
    /// The reference.
    target: String,
}

struct Bundler<'f, 's> {
    root_path: String,
    files: &'f dyn ReadFile,
    sink: &'s mut Sink,
    out: Bundled,
    /// Other files read, parsed (`None`: unreadable, already reported).
    trees: HashMap<String, Option<Value>>,
    /// (file, pointer) of external nodes already copied, to their component reference.
    done: HashMap<(String, String), String>,
    /// Local references rewritten: old text to new.
    renamed: HashMap<String, String>,
}

impl Bundler<'_, '_> {
    /// References to nodes of this document other than components.
    fn local(&mut self, root: &mut Value) {
        let mut sites = Vec::new();
        refs(root, "", Section::Other, &mut sites);
        // Each target with the sites referring to it.
        let mut targets: BTreeMap<String, Vec<&Site>> = BTreeMap::new();
        for site in &sites {
            let Some(fragment) = site.target.strip_prefix('#') else {
                continue;
            };
            let pointer = percent_decode(fragment);
            if is_component(&pointer).is_some() {
                continue;
            }
            targets.entry(pointer).or_default().push(site);
        }
        // Deepest first, so a node moved out of a node that moves later stays a reference.
        let mut order: Vec<(&String, &Vec<&Site>)> = targets.iter().collect();
        order.sort_by_key(|(p, _)| std::cmp::Reverse(p.matches('/').count()));
        for (pointer, users) in order {
            let tokens = match split_pointer(pointer) {
                Some(t) if !t.is_empty() => t,
                _ => {
                    for site in users {
                        self.sink.error(
                            &format!("{}/$ref", site.pointer),
                            format!(
                                "`$ref: {}` is not a JSON pointer into this document",
                                site.target
                            ),
                        );
                    }
                    continue;
                }
            };
            let section = match model_section(&tokens) {
                Some(s) => s,
                None => users[0].section,
            };
            if section == Section::Other || node(root, &tokens).is_none() {
                for site in users {
                    let why = if section == Section::Other {
                        "names a node that is not a schema, parameter, response, request body, header or example"
                    } else {
                        "names no node of this document"
                    };
                    self.sink.error(
                        &format!("{}/$ref", site.pointer),
                        format!("`$ref: {}` {why}", site.target),
                    );
                }
                continue;
            }
            let name = self.place_name(root, &tokens, section);
            let reference = format!("#/components/{}/{}", section.key(), escape_token(&name));
            let Some(slot) = node_mut(root, &tokens) else {
                continue;
            };
            let moved = std::mem::replace(slot, ref_node(&reference));
            insert_component(root, section, &name, moved);
            self.out.origins.push(Origin {
                pointer: format!("/components/{}/{}", section.key(), escape_token(&name)),
                file: self.root_path.clone(),
                original: pointer.clone(),
            });
            for site in users {
                self.renamed.insert(site.target.clone(), reference.clone());
            }
        }
        if !self.renamed.is_empty() {
            let renamed = std::mem::take(&mut self.renamed);
            rewrite(root, &|r| renamed.get(r).cloned());
        }
    }

    /// A component name for the node at `tokens`, unused in its section.
    fn place_name(&self, root: &Value, tokens: &[String], section: Section) -> String {
        let mut words: Vec<String> = Vec::new();
        let mut rest = tokens;
        if tokens.first().map(String::as_str) == Some("paths") && tokens.len() >= 3 {
            let op = node(root, &tokens[..3])
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            match op {
                Some(id) => words.push(id.to_owned()),
                None => {
                    words.push(tokens[2].clone());
                    words.push(tokens[1].clone());
                }
            }
            rest = &tokens[3..];
        } else if tokens.first().map(String::as_str) == Some("components") && tokens.len() >= 3 {
            words.push(tokens[2].clone());
            rest = &tokens[3..];
        }
        const SKIP: &[&str] = &[
            "content",
            "schema",
            "properties",
            "parameters",
            "requestBody",
        ];
        for t in rest {
            if !SKIP.contains(&t.as_str()) && !t.contains('/') {
                words.push(t.clone());
            }
        }
        let base = names::pascal(&words.join("_"));
        unused_name(root, section, &base)
    }

    /// References to other files, followed until every copied node's references are
    /// components too.
    fn external(&mut self, root: &mut Value) {
        let mut sites = Vec::new();
        refs(root, "", Section::Other, &mut sites);
        // Components that are only a reference to another file first: the node takes
        // their name.
        sites.sort_by_key(|site| is_component(&site.pointer).is_none());
        let base = self.root_path.clone();
        for site in sites {
            if site.target.starts_with('#') {
                continue;
            }
            let Some(new) = self.follow(root, &base, &site, None) else {
                continue;
            };
            if let Some(holder) = node_mut(root, &split_pointer(&site.pointer).unwrap_or_default())
            {
                set_ref(holder, new);
            }
        }
    }

    /// Copies the node a reference in `file` names into the root's components (once),
    /// returning the component reference, or the reference to keep when the node is
    /// the site's own component slot. `None` after reporting a problem.
    fn follow(
        &mut self,
        root: &mut Value,
        file: &str,
        site: &Site,
        _depth: Option<usize>,
    ) -> Option<String> {
        let (path_part, fragment) = match site.target.split_once('#') {
            Some((p, f)) => (p, percent_decode(f)),
            None => (site.target.as_str(), String::new()),
        };
        let target_file = if path_part.is_empty() {
            file.to_owned()
        } else if path_part.contains("://") {
            self.report(
                file,
                &site.pointer,
                format!(
                    "`$ref: {}` is a URL; only local files are followed",
                    site.target
                ),
            );
            return None;
        } else {
            join(file, &percent_decode(path_part))
        };
        if target_file == self.root_path {
            // A reference back into the root document: it names its own node.
            if is_component(&fragment).is_some() {
                return Some(format!("#{fragment}"));
            }
            self.report(file, &site.pointer, format!("`$ref: {}` points back into the spec at another node than a component; name a component", site.target));
            return None;
        }
        let key = (target_file.clone(), fragment.clone());
        if let Some(done) = self.done.get(&key) {
            return Some(done.clone());
        }
        let tree = self.tree(&target_file, file, &site.pointer, &site.target)?;
        let Some(tokens) = split_pointer(&fragment) else {
            self.report(
                file,
                &site.pointer,
                format!(
                    "`$ref: {}`: `#{fragment}` is not a JSON pointer",
                    site.target
                ),
            );
            return None;
        };
        let Some(found) = node(tree, &tokens).cloned() else {
            self.report(
                file,
                &site.pointer,
                format!(
                    "`$ref: {}`: `{target_file}` has no node `#{fragment}`",
                    site.target
                ),
            );
            return None;
        };
        // Another file need not be an OpenAPI document: what the node is, the place of
        // the reference says (a component path says it too).
        let section = match is_component(&fragment) {
            Some((s, _)) => s,
            None => site.section,
        };
        if section == Section::Other {
            self.report(file, &site.pointer, format!("`$ref: {}` stands for an object meterage does not follow (a path item, link or callback)", site.target));
            return None;
        }
        // The node goes into the slot of a root component that was only this reference,
        // else under the name of its last token or its file.
        let own_slot = (file == self.root_path)
            .then(|| is_component(&site.pointer))
            .flatten()
            .filter(|(s, _)| *s == section)
            .map(|(_, name)| name);
        let in_own_slot = own_slot.is_some();
        let name = match own_slot {
            Some(name) => name,
            None => {
                let wanted = tokens
                    .last()
                    .cloned()
                    .unwrap_or_else(|| file_stem(&target_file));
                unused_name(root, section, &names::pascal(&wanted))
            }
        };
        let reference = format!("#/components/{}/{}", section.key(), escape_token(&name));
        self.done.insert(key, reference.clone());
        let pointer = format!("/components/{}/{}", section.key(), escape_token(&name));
        insert_component(root, section, &name, found);
        self.out.origins.push(Origin {
            pointer: pointer.clone(),
            file: target_file.clone(),
            original: fragment.clone(),
        });
        // Its own references are relative to its file.
        let mut inner = Vec::new();
        if let Some(copied) = node(root, &split_pointer(&pointer).unwrap_or_default()) {
            refs(copied, &pointer, section, &mut inner);
        }
        for mut s in inner {
            let relative_pointer = s.pointer.clone();
            // Report problems of the copied node at its place in its own file.
            s.pointer = format!("{fragment}{}", &relative_pointer[pointer.len()..]);
            let Some(new) = self.follow(root, &target_file, &s, None) else {
                continue;
            };
            if let Some(holder) =
                node_mut(root, &split_pointer(&relative_pointer).unwrap_or_default())
            {
                set_ref(holder, new);
            }
        }
        if in_own_slot {
            return None;
        }
        Some(reference)
    }

    /// The parsed tree of another file, read once.
    fn tree(&mut self, path: &str, from: &str, pointer: &str, target: &str) -> Option<&Value> {
        if !self.trees.contains_key(path) {
            let parsed = match self.files.read(path) {
                Ok(text) => {
                    let parsed = serde_yaml::from_str::<Value>(&text);
                    self.out.files.insert(path.to_owned(), text);
                    match parsed {
                        Ok(tree) => Some(tree),
                        Err(e) => {
                            let position = e.location().map(|l| (l.line(), l.column()));
                            self.sink.push_diagnostic(Diagnostic {
                                severity: Severity::Error,
                                file: path.to_owned(),
                                pointer: String::new(),
                                position,
                                message: format!("malformed YAML in a file `$ref` names: {e}"),
                            });
                            None
                        }
                    }
                }
                Err(why) => {
                    self.report(
                        from,
                        pointer,
                        format!("`$ref: {target}`: cannot read `{path}`: {why}"),
                    );
                    None
                }
            };
            self.trees.insert(path.to_owned(), parsed);
        }
        self.trees.get(path).and_then(Option::as_ref)
    }

    /// An error at `pointer` (a `$ref` holder) in `file`.
    fn report(&mut self, file: &str, pointer: &str, message: String) {
        let pointer = format!("{pointer}/$ref");
        if file == self.root_path {
            self.sink.error(&pointer, message);
        } else {
            self.sink.push_diagnostic(Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                pointer,
                position: None,
                message,
            });
        }
    }
}

/// A mapping `{$ref: reference}`.
fn ref_node(reference: &str) -> Value {
    let mut m = Mapping::new();
    m.insert(Value::from("$ref"), Value::from(reference));
    Value::Mapping(m)
}

/// Sets the `$ref` of the object `holder`.
fn set_ref(holder: &mut Value, reference: String) {
    if let Value::Mapping(m) = holder {
        m.insert(Value::from("$ref"), Value::from(reference));
    }
}

/// Rewrites every `$ref` string for which `map` has a new text.
fn rewrite(value: &mut Value, map: &dyn Fn(&str) -> Option<String>) {
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
fn unused_name(root: &Value, section: Section, base: &str) -> String {
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

fn insert_component(root: &mut Value, section: Section, name: &str, node: Value) {
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
fn is_component(pointer: &str) -> Option<(Section, String)> {
    let tokens = split_pointer(pointer)?;
    match tokens.as_slice() {
        [c, section, name] if c == "components" => Some((Section::of_key(section)?, name.clone())),
        _ => None,
    }
}

/// The reference tokens of a JSON pointer (`None` unless empty or starting with `/`).
fn split_pointer(pointer: &str) -> Option<Vec<String>> {
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
fn percent_decode(text: &str) -> String {
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
fn child<'v>(value: &'v Value, token: &str) -> Option<&'v Value> {
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

fn child_mut<'v>(value: &'v mut Value, token: &str) -> Option<&'v mut Value> {
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

fn node<'v>(value: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(value, |v, t| child(v, t))
}

fn node_mut<'v>(value: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    tokens.iter().try_fold(value, |v, t| child_mut(v, t))
}

/// The directory part of a `/`-separated path joined with `relative`, normalized.
fn join(file: &str, relative: &str) -> String {
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

fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name).to_owned()
}

/// The kind of object at `tokens` in the OpenAPI object model, if it is one a `$ref`
/// may stand for.
fn model_section(tokens: &[String]) -> Option<Section> {
    #[derive(Clone, Copy)]
    enum S {
        Root,
        Paths,
        PathItem,
        Operation,
        ParamList,
        Parameter,
        RequestBody,
        Responses,
        Response,
        Headers,
        Content,
        Media,
        Examples,
        Example,
        Components,
        Section(Section),
        Schema,
        Properties,
        SchemaList,
        Other,
    }
    let mut state = S::Root;
    for t in tokens {
        let t = t.as_str();
        state = match (state, t) {
            (S::Root, "paths") => S::Paths,
            (S::Root, "components") => S::Components,
            (S::Paths, _) => S::PathItem,
            (S::PathItem | S::Operation, "parameters") => S::ParamList,
            (
                S::PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace",
            ) => S::Operation,
            (S::Operation, "requestBody") => S::RequestBody,
            (S::Operation, "responses") => S::Responses,
            (S::ParamList, _) => S::Parameter,
            (S::Parameter, "schema") | (S::Media, "schema") => S::Schema,
            (S::Parameter | S::RequestBody | S::Response, "content") => S::Content,
            (S::Parameter | S::Media, "examples") => S::Examples,
            (S::Responses, _) => S::Response,
            (S::Response, "headers") => S::Headers,
            (S::Headers, _) => S::Parameter,
            (S::Content, _) => S::Media,
            (S::Examples, _) => S::Example,
            (S::Components, section) => match Section::of_key(section) {
                Some(s) => S::Section(s),
                None => S::Other,
            },
            (S::Section(Section::Schemas), _) => S::Schema,
            (S::Section(Section::Parameters | Section::Headers), _) => S::Parameter,
            (S::Section(Section::Responses), _) => S::Response,
            (S::Section(Section::RequestBodies), _) => S::RequestBody,
            (S::Section(Section::Examples), _) => S::Example,
            (S::Section(_), _) => S::Other,
            (S::Schema, "properties") => S::Properties,
            (S::Schema, "items" | "not" | "additionalProperties") => S::Schema,
            (S::Schema, "allOf" | "oneOf" | "anyOf") => S::SchemaList,
            (S::Properties | S::SchemaList, _) => S::Schema,
            _ => S::Other,
        };
    }
    match (state, tokens.iter().rev().nth(1).map(String::as_str)) {
        (S::Schema, _) => Some(Section::Schemas),
        (S::Parameter, Some("headers")) => Some(Section::Headers),
        (S::Parameter, _) => Some(Section::Parameters),
        (S::Response, _) => Some(Section::Responses),
        (S::RequestBody, _) => Some(Section::RequestBodies),
        (S::Example, _) => Some(Section::Examples),
        (S::Section(_) | S::Other | S::PathItem | S::Operation, _) => Some(Section::Other),
        _ => None,
    }
}

/// Every `$ref` in `value` (an object of kind `section` at `pointer`, `Other` for the
/// document root), with the kind of object each stands for.
fn refs(value: &Value, pointer: &str, section: Section, out: &mut Vec<Site>) {
    let walk = Walk { out };
    let mut walk = walk;
    match section {
        Section::Other if pointer.is_empty() => walk.document(value),
        Section::Other => {}
        s => walk.object(value, pointer, s),
    }
}

struct Walk<'o> {
    out: &'o mut Vec<Site>,
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn entries(value: &Value) -> impl Iterator<Item = (String, &Value)> {
    value
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(k, v)| (key_text(k), v))
}

impl Walk<'_> {
    fn document(&mut self, root: &Value) {
        for (path, item) in entries(root.get("paths").unwrap_or(&Value::Null)) {
            let at = format!("/paths/{}", escape_token(&path));
            self.list(
                item.get("parameters"),
                &format!("{at}/parameters"),
                Section::Parameters,
            );
            for (verb, op) in entries(item) {
                if ![
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ]
                .contains(&verb.as_str())
                {
                    continue;
                }
                let at = format!("{at}/{verb}");
                self.list(
                    op.get("parameters"),
                    &format!("{at}/parameters"),
                    Section::Parameters,
                );
                if let Some(body) = op.get("requestBody") {
                    self.object(body, &format!("{at}/requestBody"), Section::RequestBodies);
                }
                for (status, r) in entries(op.get("responses").unwrap_or(&Value::Null)) {
                    self.object(
                        r,
                        &format!("{at}/responses/{}", escape_token(&status)),
                        Section::Responses,
                    );
                }
            }
        }
        let components = root.get("components").unwrap_or(&Value::Null);
        for (key, map) in entries(components) {
            let Some(section) = Section::of_key(&key) else {
                continue;
            };
            for (name, item) in entries(map) {
                let at = format!("/components/{key}/{}", escape_token(&name));
                self.object(item, &at, section);
            }
        }
    }

    fn list(&mut self, list: Option<&Value>, at: &str, section: Section) {
        if let Some(items) = list.and_then(Value::as_sequence) {
            for (i, item) in items.iter().enumerate() {
                self.object(item, &format!("{at}/{i}"), section);
            }
        }
    }

    fn map(&mut self, map: Option<&Value>, at: &str, section: Section) {
        for (name, item) in entries(map.unwrap_or(&Value::Null)) {
            self.object(item, &format!("{at}/{}", escape_token(&name)), section);
        }
    }

    /// An object of kind `section`, which may be a `$ref`.
    fn object(&mut self, value: &Value, at: &str, section: Section) {
        if let Some(target) = value.get("$ref").and_then(Value::as_str) {
            self.out.push(Site {
                pointer: at.to_owned(),
                section,
                target: target.to_owned(),
            });
            return;
        }
        match section {
            Section::Schemas => self.schema(value, at),
            Section::Parameters | Section::Headers => {
                if let Some(s) = value.get("schema") {
                    self.object(s, &format!("{at}/schema"), Section::Schemas);
                }
                self.content(value, at);
                self.map(
                    value.get("examples"),
                    &format!("{at}/examples"),
                    Section::Examples,
                );
            }
            Section::RequestBodies => self.content(value, at),
            Section::Responses => {
                self.content(value, at);
                self.map(
                    value.get("headers"),
                    &format!("{at}/headers"),
                    Section::Headers,
                );
            }
            Section::Examples | Section::SecuritySchemes | Section::Other => {}
        }
    }

    fn content(&mut self, value: &Value, at: &str) {
        for (media, m) in entries(value.get("content").unwrap_or(&Value::Null)) {
            let at = format!("{at}/content/{}", escape_token(&media));
            if let Some(s) = m.get("schema") {
                self.object(s, &format!("{at}/schema"), Section::Schemas);
            }
            self.map(
                m.get("examples"),
                &format!("{at}/examples"),
                Section::Examples,
            );
        }
    }

    fn schema(&mut self, value: &Value, at: &str) {
        for key in ["items", "not"] {
            if let Some(s) = value.get(key) {
                self.object(s, &format!("{at}/{key}"), Section::Schemas);
            }
        }
        if let Some(s) = value.get("additionalProperties").filter(|v| v.is_mapping()) {
            self.object(s, &format!("{at}/additionalProperties"), Section::Schemas);
        }
        self.map(
            value.get("properties"),
            &format!("{at}/properties"),
            Section::Schemas,
        );
        for key in ["allOf", "oneOf", "anyOf"] {
            self.list(value.get(key), &format!("{at}/{key}"), Section::Schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(tokens: &[&str]) -> Vec<String> {
        tokens.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn the_object_model_tells_what_a_node_is() {
        let cases: &[(&[&str], Option<Section>)] = &[
            (
                &["paths", "/a", "get", "responses", "default"],
                Some(Section::Responses),
            ),
            (
                &["paths", "/a", "get", "parameters", "0"],
                Some(Section::Parameters),
            ),
            (
                &["paths", "/a", "parameters", "1"],
                Some(Section::Parameters),
            ),
            (
                &[
                    "paths",
                    "/a",
                    "get",
                    "responses",
                    "200",
                    "headers",
                    "X-Rate",
                ],
                Some(Section::Headers),
            ),
            (
                &[
                    "paths",
                    "/a",
                    "get",
                    "responses",
                    "200",
                    "content",
                    "application/json",
                    "schema",
                    "allOf",
                    "0",
                    "properties",
                    "items",
                    "items",
                ],
                Some(Section::Schemas),
            ),
            (
                &["components", "schemas", "Pet", "properties", "owner"],
                Some(Section::Schemas),
            ),
            (
                &["paths", "/a", "get", "requestBody"],
                Some(Section::RequestBodies),
            ),
            (&["paths", "/a"], Some(Section::Other)),
        ];
        for (tokens, want) in cases {
            assert_eq!(model_section(&strings(tokens)), *want, "{tokens:?}");
        }
    }

    #[test]
    fn paths_join_and_normalize() {
        assert_eq!(
            join("specs/api.yaml", "./schemas/Pet.yaml"),
            "specs/schemas/Pet.yaml"
        );
        assert_eq!(join("specs/a/b.yaml", "../c.yaml"), "specs/c.yaml");
        assert_eq!(join("api.yaml", "x.yaml"), "x.yaml");
        assert_eq!(join("api.yaml", "../x.yaml"), "../x.yaml");
    }

    #[test]
    fn fragments_are_decoded() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(
            split_pointer("/paths/~1a~1{id}/get"),
            Some(strings(&["paths", "/a/{id}", "get"]))
        );
    }
}
