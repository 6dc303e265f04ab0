//! `meterage-codegen`: OpenAPI 3.0 and 3.1 specs to typed Rust client modules.
//!
//! The pipeline is one function, [`generate`], and reads as a table of contents:
//! [`load`] (YAML to `openapiv3`, version check) → [`lint`] (misspelt keys, and the
//! [`provenance`] rules) → [`downgrade`] (an OpenAPI 3.1 document rewritten in the 3.0
//! form) → [`bundle`] (every `$ref` made a component reference) →
//! [`lower`] (to the plain [`ir`])
//! → [`emit`] (`quote!`) → [`mod@format`] (prettyplease and a preamble). Problems are
//! collected per phase and returned together as [`Diagnostics`], each naming the spec
//! file, the JSON pointer and, where known, the line and column.
//!
//! This crate does no file I/O: `xtask` reads specs and writes `generated/`.
//!
//! ```
//! let spec = meterage_codegen::SpecSource {
//!     path: "specs/tiny.yaml",
//!     text: "openapi: 3.0.3\ninfo: {title: Tiny, version: '1'}\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        '200': {description: ok}\n",
//! };
//! let source = meterage_codegen::generate(&spec).expect("a valid spec");
//! assert!(source.contains("pub fn ping(&self)"));
//! ```

pub mod bundle;
pub mod diagnostics;
pub mod downgrade;
pub mod emit;
pub mod extensions;
pub mod focus;
pub mod format;
mod honour;
pub mod ir;
pub mod lint;
pub mod load;
pub mod locate;
pub mod lower;
pub mod media;
pub mod names;
mod probe;
pub mod provenance;
pub mod workspace;
pub mod yaml;

pub use bundle::{NoFiles, ReadFile};
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use load::SpecSource;

/// What the generator cannot learn from the spec itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The path a consumer names the generated module by (`meterage_clients::huawei_gsl`,
    /// or a standalone crate's library name). When set, the docs of every client method
    /// carry an example call, compiled by `cargo test` as a doctest.
    pub module_path: Option<String>,
    /// The path a consumer names the runtime by in those examples
    /// (`meterage_clients::runtime`); `meterage_runtime` when not set.
    pub runtime_path: Option<String>,
    /// Whether the module re-exports the runtime as `runtime` (a standalone crate, whose
    /// consumers then need no dependency of their own on `meterage-runtime`).
    pub reexport_runtime: bool,
    /// Whether the `cli` module (cargo feature `cli`) is written to a file of its own
    /// ([`Generated::cli`], `cli.rs` beside the module) and only declared in the module,
    /// so that a build without the feature never reads it; inline otherwise. A
    /// standalone crate does so: Microsoft Graph's `cli` module is a fifth of its lines.
    pub cli_file: bool,
}

/// A generated module and the warnings about what it skipped or approximated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The formatted Rust module.
    pub source: String,
    /// The formatted `cli` module, when [`Settings::cli_file`] asks for it in a file of
    /// its own.
    pub cli: Option<String>,
    /// Every warning of the run (possibly none), in the order found.
    pub warnings: Diagnostics,
}

/// Generates the formatted Rust module for one spec, with default [`Settings`].
///
/// Warnings are dropped: [`generate_full`] returns them.
///
/// # Errors
///
/// Every problem found in the spec (errors and warnings), each with its file and
/// location.
pub fn generate(source: &SpecSource<'_>) -> Result<String, Diagnostics> {
    generate_with(source, &Settings::default())
}

/// Generates the formatted Rust module for one spec; warnings are dropped
/// ([`generate_full`] returns them).
///
/// # Errors
///
/// Every problem found in the spec, each with its file and location.
pub fn generate_with(source: &SpecSource<'_>, settings: &Settings) -> Result<String, Diagnostics> {
    generate_full(source, settings, &NoFiles).map(|g| g.source)
}

/// Generates the formatted Rust module for one spec, reading the files its `$ref`s name
/// through `files`; returns the module and the warnings.
///
/// # Errors
///
/// When any problem is an error: every problem found (errors and warnings), each with
/// its file and location.
pub fn generate_full(
    source: &SpecSource<'_>,
    settings: &Settings,
    files: &dyn ReadFile,
) -> Result<Generated, Diagnostics> {
    let (api, warnings) = lower_full(source, files)?;
    let (source, cli) = emit_and_format_files(&api, settings, format::Workers::available())?;
    Ok(Generated {
        source,
        cli,
        warnings,
    })
}

/// Emits and formats the module of an API already lowered by [`lower_spec`], on one
/// thread per core ([`format::Workers::available`]); the text is the same on any number
/// of threads.
///
/// # Errors
///
/// The emitter produced tokens that do not parse as Rust (a bug, reported rather than
/// panicking).
pub fn emit_and_format(api: &ir::Api, settings: &Settings) -> Result<String, Diagnostics> {
    emit_and_format_with(api, settings, format::Workers::available())
}

/// [`emit_and_format`] on the threads `workers` names: the same text whatever they are.
///
/// The module alone: with [`Settings::cli_file`] it declares `mod cli;`, whose file
/// [`generate_full`] returns in [`Generated::cli`] and this does not make.
///
/// # Errors
///
/// As [`emit_and_format`].
pub fn emit_and_format_with(
    api: &ir::Api,
    settings: &Settings,
    workers: format::Workers,
) -> Result<String, Diagnostics> {
    emit_and_format_files(api, settings, workers).map(|(module, _)| module)
}

/// The module and, when [`Settings::cli_file`] asks for it, the `cli` module's file,
/// each formatted.
fn emit_and_format_files(
    api: &ir::Api,
    settings: &Settings,
    workers: format::Workers,
) -> Result<(String, Option<String>), Diagnostics> {
    let bug = |message: String| {
        Diagnostics(vec![Diagnostic {
            severity: diagnostics::Severity::Error,
            file: api.spec_path.clone(),
            pointer: String::new(),
            position: None,
            message,
        }])
    };
    let module = emit::Module::new(api, settings);
    let parts = module.parts();
    let make = |i: usize| module.piece(parts[i]);
    let source =
        format::format_parallel(&api.spec_path, parts.len(), &make, workers).map_err(bug)?;
    let cli = match module.cli_file() {
        Some(piece) => Some(format::format(&api.spec_path, [piece]).map_err(bug)?),
        None => None,
    };
    Ok((source, cli))
}

/// Loads and lowers one spec to its IR, without emitting; warnings are dropped.
///
/// # Errors
///
/// Every problem found in the spec, when one is an error.
pub fn lower_spec(source: &SpecSource<'_>) -> Result<ir::Api, Diagnostics> {
    lower_full(source, &NoFiles).map(|(api, _)| api)
}

/// Loads, bundles (reading other files through `files`) and lowers one spec; returns
/// the IR and the warnings.
///
/// # Errors
///
/// Every problem found in the spec (errors and warnings), when one is an error.
pub fn lower_full(
    source: &SpecSource<'_>,
    files: &dyn ReadFile,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let mut tree = load::parse(source)?;
    let mut sink = diagnostics::Sink::new(source.path);
    lint::unknown_keys(&tree, &mut sink);
    let downgraded = downgrade::downgrade(&mut tree, &mut sink);
    provenance::transcription_rules(&tree, &mut sink);
    let bundled = bundle::bundle(&mut tree, source.path, files, &mut sink);
    // Swagger 2.0 parameters would fail typing at the first, in serde's words.
    if lower::swagger_parameters(&tree, &mut sink) {
        return Err(finish(source, sink, &bundled, &downgraded));
    }
    let untyped = load::untyped(&tree);
    let doc = match load::typed(source, tree) {
        Ok(doc) => doc,
        Err(refused) => {
            for d in refused.0 {
                sink.push_diagnostic(d);
            }
            return Err(finish(source, sink, &bundled, &downgraded));
        }
    };
    let api = lower::lower(&doc, &untyped, source.path, &mut sink);
    drop(doc);
    let clean = sink.is_clean();
    let diagnostics = finish(source, sink, &bundled, &downgraded);
    if clean {
        Ok((api, diagnostics))
    } else {
        Err(diagnostics)
    }
}

/// The diagnostics of a run, each moved to the file it is about and positioned there.
fn finish(
    source: &SpecSource<'_>,
    sink: diagnostics::Sink,
    bundled: &bundle::Bundled,
    downgraded: &downgrade::Downgraded,
) -> Diagnostics {
    let mut found = sink.finish(|_| None);
    for d in &mut found.0 {
        bundled.origin(d);
        downgraded.origin(source.path, d);
    }
    // A reference bundling could not follow is reported there, with the reason; lowering
    // meets it again and would report it a second time.
    let mut refs_seen = std::collections::HashSet::new();
    found.0.retain(|d| {
        d.severity != Severity::Error
            || !d.pointer.ends_with("/$ref")
            || refs_seen.insert((d.file.clone(), d.pointer.clone()))
    });
    // The diagnostics without a position, by file, each file read once for all of them.
    let mut unplaced: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, d) in found.0.iter().enumerate() {
        if d.position.is_none() {
            unplaced.entry(d.file.as_str()).or_default().push(i);
        }
    }
    let mut placed = Vec::new();
    for (file, which) in unplaced {
        let text = if file == source.path {
            source.text
        } else {
            match bundled.files.get(file) {
                Some(text) => text.as_str(),
                None => continue,
            }
        };
        let pointers: Vec<&str> = which.iter().map(|&i| found.0[i].pointer.as_str()).collect();
        placed.extend(
            which
                .iter()
                .copied()
                .zip(locate::positions(text, &pointers)),
        );
    }
    for (i, position) in placed {
        found.0[i].position = position;
    }
    found
}
