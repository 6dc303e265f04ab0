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
//! A path item given by a `$ref` (to another node of the document, or to another file)
//! is not a component kind of OpenAPI 3.0: it becomes a copy of the node it names,
//! before the rest, its own references followed from its file.
//!
//! The section a node goes into is the kind of object the reference stands for, read
//! from the place of the reference in the OpenAPI object model. Each moved component
//! remembers where it came from ([`Bundled::origin`]), so that a problem found in it
//! later is reported in its own file, at its own place.

use std::collections::{BTreeMap, HashMap};

use crate::yaml::Value;

use crate::diagnostics::{escape_token, Diagnostic, Severity, Sink};
use crate::names;

mod model;
mod tree;

use model::{model_section, path_item_refs, refs};
use tree::{
    file_stem, insert_component, is_component, join, node, node_mut, percent_decode, ref_node,
    rewrite, set_ref, split_pointer, unused_name,
};

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
    pub(super) fn key(self) -> &'static str {
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

    pub(super) fn of_key(key: &str) -> Option<Section> {
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
    pub(super) pointer: String,
    /// The file it was read from.
    file: String,
    /// Its pointer in that file.
    original: String,
}

/// What bundling did: where moved components came from, and the texts of the files read.
#[derive(Debug, Default)]
pub struct Bundled {
    origins: Vec<Origin>,
    /// The spec's own path.
    root_path: String,
    /// What rewriting the nodes copied from other files into the OpenAPI 3.0 form moved
    /// (a 3.1 document's; see [`crate::downgrade`]).
    rewritten: crate::downgrade::Downgraded,
    /// The files read, by path, for positions in them.
    pub files: BTreeMap<String, String>,
}

impl Bundled {
    /// Moves a diagnostic about a moved component to the file and place it came from.
    pub fn origin(&self, diagnostic: &mut Diagnostic) {
        self.rewritten.origin(&self.root_path, diagnostic);
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
        v31: crate::downgrade::is_v31(root),
        files,
        sink,
        out: Bundled {
            root_path: path.to_owned(),
            ..Bundled::default()
        },
        trees: HashMap::new(),
        done: HashMap::new(),
        renamed: HashMap::new(),
    };
    b.path_items(root);
    b.local(root);
    b.external(root);
    b.out
}

/// A `$ref` found in a document: where it is, and what it stands for.
pub(super) struct Site {
    /// The pointer of the object holding `$ref`.
    pointer: String,
    /// The kind of object the reference stands for.
    pub(super) section: Section,
    /// The reference.
    pub(super) target: String,
}

struct Bundler<'f, 's> {
    root_path: String,
    /// Whether the spec is OpenAPI 3.1: nodes copied from other files are rewritten in
    /// the 3.0 form as the spec was.
    v31: bool,
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
    /// Path items written as a `$ref`: each becomes a copy of the path item it names (in
    /// this document or another file); the copy's references are followed from its
    /// file. Keys written beside the `$ref` are kept over the copy's.
    fn path_items(&mut self, root: &mut Value) {
        let items: Vec<(String, String)> = root
            .get("paths")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(key, item)| {
                let target = item.get("$ref")?.as_str()?;
                Some((key.as_str()?.to_owned(), target.to_owned()))
            })
            .collect();
        let root_path = self.root_path.clone();
        for (key, target) in items {
            let at = format!("/paths/{}", escape_token(&key));
            let (path_part, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, percent_decode(f)),
                None => (target.as_str(), String::new()),
            };
            if path_part.contains("://") {
                self.report(
                    &root_path,
                    &at,
                    format!("`$ref: {target}` is a URL; only local files are followed"),
                );
                continue;
            }
            let file = if path_part.is_empty() {
                root_path.clone()
            } else {
                join(&root_path, &percent_decode(path_part))
            };
            let Some(tokens) = split_pointer(&fragment) else {
                self.report(
                    &root_path,
                    &at,
                    format!("`$ref: {target}`: `#{fragment}` is not a JSON pointer"),
                );
                continue;
            };
            let found = if file == root_path {
                node(root, &tokens).cloned()
            } else {
                self.tree(&file, &root_path, &at, &target)
                    .and_then(|tree| node(tree, &tokens))
                    .cloned()
            };
            let Some(Value::Mapping(mut copy)) = found else {
                if file == root_path || self.trees.get(&file).is_some_and(Option::is_some) {
                    self.report(&root_path, &at, format!("`$ref: {target}` names no path item (an object of operations) in `{file}`"));
                }
                continue;
            };
            if copy.contains_key("$ref") {
                self.report(
                    &root_path,
                    &at,
                    format!("`$ref: {target}` names another reference: name the path item itself"),
                );
                continue;
            }
            let Some(Value::Mapping(item)) =
                node_mut(root, &split_pointer(&at).unwrap_or_default())
            else {
                continue;
            };
            item.remove("$ref");
            for (k, v) in std::mem::take(item) {
                copy.insert(k, v);
            }
            *item = copy;
            self.out.origins.push(Origin {
                pointer: at.clone(),
                file: file.clone(),
                original: fragment.clone(),
            });
            if file == root_path {
                continue;
            }
            // Its references are relative to its file.
            let mut inner = Vec::new();
            if let Some(copied) = node(root, &split_pointer(&at).unwrap_or_default()) {
                path_item_refs(copied, &at, &mut inner);
            }
            for mut site in inner {
                let relative_pointer = site.pointer.clone();
                site.pointer = format!("{fragment}{}", &relative_pointer[at.len()..]);
                let Some(new) = self.follow(root, &file, &site) else {
                    continue;
                };
                if let Some(holder) =
                    node_mut(root, &split_pointer(&relative_pointer).unwrap_or_default())
                {
                    set_ref(holder, new);
                }
            }
        }
    }

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
            let Some(new) = self.follow(root, &base, &site) else {
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
    fn follow(&mut self, root: &mut Value, file: &str, site: &Site) -> Option<String> {
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
        let Some(mut found) = node(tree, &tokens).cloned() else {
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
        if self.v31 {
            let (sink, out) = (&mut *self.sink, &mut self.out.rewritten);
            crate::downgrade::fragment(&mut found, section.key(), &pointer, sink, out);
        }
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
            let Some(new) = self.follow(root, &target_file, &s) else {
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
