//! The `x-` extensions meterage reads (docs/spec-extensions.md), each name declared once
//! here: the lint suggests them for a misspelt extension, [`crate::provenance`] reads
//! `x-source`, lowering reads the others, and messages and generated docs name them by
//! these constants.
//!
//! Adding an extension is one line here, its section in docs/spec-extensions.md (a test
//! holds the two to each other), the objects it is read on (`honour.rs`'s `PLACES`: the
//! lint warns about it anywhere else) and its lowering (`lower/extensions.rs`).

/// Declares a constant per extension and [`ALL`], the list of them.
macro_rules! extensions {
    ($($(#[doc = $doc:literal])* $name:ident = $text:literal,)*) => {
        $($(#[doc = $doc])* pub const $name: &str = $text;)*

        /// Every extension meterage reads, in the order declared.
        pub const ALL: &[&str] = &[$($name),*];
    };
}

extensions! {
    /// Where a vendor puts its error code and message (root; an operation may override
    /// it).
    X_ERROR_ENVELOPE = "x-error-envelope",
    /// How an operation pages.
    X_PAGINATION = "x-pagination",
    /// The action parameter of an RPC operation, for operations sharing a URL.
    X_RPC_ACTION = "x-rpc-action",
    /// What the runtime does for a security scheme: a kind of [`crate::ir::AuthKind`].
    X_AUTH_SCHEME = "x-auth-scheme",
    /// Rust variant names of a string enum's values.
    X_ENUM_VARNAMES = "x-enum-varnames",
    /// The known values of an open set of strings.
    X_EXTENSIBLE_ENUM = "x-extensible-enum",
    /// Whether an operation may be sent twice.
    X_IDEMPOTENT = "x-idempotent",
    /// The vendor error codes an operation documents.
    X_ERROR_CODES = "x-error-codes",
    /// The environment variables `Client::from_env` reads (root).
    X_ENV = "x-env",
    /// The array field of an unpaged success body that holds the records (an
    /// operation).
    X_RECORDS = "x-records",
    /// The top-level record fields that identify one record of a listing (an operation).
    X_RECORD_KEY = "x-record-key",
    /// The parameters carrying the period a listing covers, and their format (an
    /// operation).
    X_PERIOD = "x-period",
    /// How a listing's records become FOCUS 1.2 rows, column by column (an operation).
    X_FOCUS = "x-focus",
    /// Where a statement of the spec comes from (any object).
    X_SOURCE = "x-source",
    /// A path or query parameter whose value keeps RFC 3986's reserved characters (`/`
    /// in an Azure scope), as `allowReserved: true` says (AutoRest's name, which
    /// OpenAPI 3.0 allows on a path parameter too).
    X_MS_SKIP_URL_ENCODING = "x-ms-skip-url-encoding",
}

/// The paging styles `x-pagination` declares (`style: ...`), each with its `### style:`
/// section under `x-pagination` in docs/spec-extensions.md.
pub const PAGING_STYLES: &[&str] = &["page-number", "offset", "cursor", "next-link"];

/// Every `x-auth-scheme` kind with its settings: the keys its mapping takes besides
/// `kind`, a nested mapping's keys as `env.username` (read from the kinds' types in
/// [`crate::ir`], so a kind or setting added there is listed here).
pub fn auth_settings() -> Vec<(&'static str, Vec<String>)> {
    crate::ir::AuthKind::declared()
        .iter()
        .map(|&kind| (kind, crate::ir::AuthKind::settings(kind)))
        .collect()
}

/// Every paging style of [`PAGING_STYLES`] with its keys besides `style` (read from
/// the types lowering reads `x-pagination` into).
pub fn paging_keys() -> Vec<(&'static str, Vec<String>)> {
    PAGING_STYLES
        .iter()
        .map(|&style| (style, crate::lower::paging_keys(style)))
        .collect()
}
