//! `meterage-codegen`: OpenAPI 3.0 specs to typed Rust client modules.
//!
//! The pipeline is one function, [`generate`], and reads as a table of contents:
//! [`load`] (YAML to `openapiv3`, version check) → [`lint`] (misspelt keys, and the
//! [`provenance`] rules) → [`lower`] (to the plain [`ir`])
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

pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod ir;
pub mod lint;
pub mod load;
pub mod locate;
pub mod lower;
pub mod names;
pub mod provenance;
pub mod workspace;

pub use diagnostics::{Diagnostic, Diagnostics};
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
}

/// Generates the formatted Rust module for one spec, with default [`Settings`].
///
/// # Errors
///
/// Every problem found in the spec, each with its file and location.
pub fn generate(source: &SpecSource<'_>) -> Result<String, Diagnostics> {
    generate_with(source, &Settings::default())
}

/// Generates the formatted Rust module for one spec.
///
/// # Errors
///
/// Every problem found in the spec, each with its file and location.
pub fn generate_with(source: &SpecSource<'_>, settings: &Settings) -> Result<String, Diagnostics> {
    let api = lower_spec(source)?;
    emit_and_format(&api, settings)
}

/// Emits and formats the module of an API already lowered by [`lower_spec`].
///
/// # Errors
///
/// The emitter produced tokens that do not parse as Rust (a bug, reported rather than
/// panicking).
pub fn emit_and_format(api: &ir::Api, settings: &Settings) -> Result<String, Diagnostics> {
    format::format(&api.spec_path, emit::emit(api, settings)).map_err(|message| {
        Diagnostics(vec![Diagnostic {
            file: api.spec_path.clone(),
            pointer: String::new(),
            position: None,
            message,
        }])
    })
}

/// Loads and lowers one spec to its IR, without emitting.
///
/// # Errors
///
/// Every problem found in the spec.
pub fn lower_spec(source: &SpecSource<'_>) -> Result<ir::Api, Diagnostics> {
    let load::Loaded { doc, tree } = load::load(source)?;
    let mut sink = diagnostics::Sink::new(source.path);
    lint::unknown_keys(&tree, &mut sink);
    provenance::transcription_rules(&tree, &mut sink);
    drop(tree);
    let api = lower::lower(&doc, source.path, &mut sink);
    drop(doc);
    if sink.is_clean() {
        Ok(api)
    } else {
        let locator = locate::Locator::new(source.text);
        Err(sink.finish(|p| locator.find(p)))
    }
}
