//! What a generated API says about itself, for tools that drive every operation the same
//! way (the `meterage` command line): its operations, their parameters, the records they
//! return and how to run them, as static data written by the generator.
//!
//! A generated crate built with its `cli` feature has, in each API module, a `cli`
//! module holding `API` (an [`Api`]) and `run`, which builds one operation's request from
//! [`Args`] (text, as a command line gives it), sends it, and hands every record to a
//! [`Sink`] ([`drive`]).

mod args;
mod build;
pub mod drive;

pub use args::{required, ArgError, Args, SetArg};
pub use build::{enum_values, field, param, var};
pub use drive::{Flow, PageInfo, RunError, Sink};

/// One API: a spec's module.
#[derive(Debug)]
pub struct Api {
    /// The module name (`kaopuyun`, `huawei_gsl`).
    pub name: &'static str,
    /// The spec's `info.title`.
    pub title: &'static str,
    /// The spec's `info.description` (may be empty).
    pub description: &'static str,
    /// The spec file it was generated from (`specs/kaopuyun.yaml`).
    pub spec: &'static str,
    /// The variable naming another base URL (`KAOPUYUN_URL`).
    pub url_env: &'static str,
    /// The credential variables `auth::from_env` reads, one entry per way of signing in,
    /// each the variables it needs (optional ones included, in spec order).
    pub credentials: &'static [Credentials],
    /// The operations, in spec order.
    pub operations: &'static [OperationInfo],
}

/// One way of signing in from the environment.
#[derive(Debug)]
pub struct Credentials {
    /// The security scheme's name in the spec.
    pub scheme: &'static str,
    /// The variables it reads.
    pub vars: &'static [EnvVar],
}

/// One environment variable of a way of signing in.
#[derive(Debug)]
pub struct EnvVar {
    /// Its name (`KAOPUYUN_ACCESS_KEY_SECRET`).
    pub name: &'static str,
    /// Whether it holds a secret (a password, a secret key, a token).
    pub secret: bool,
    /// Whether the scheme needs it (else it is optional, like a session token).
    pub required: bool,
}

/// One operation.
#[derive(Debug)]
pub struct OperationInfo {
    /// The client method's name (`describe_flow_bills`).
    pub name: &'static str,
    /// The spec's `operationId` (`DescribeFlowBills`).
    pub id: &'static str,
    /// The HTTP method and path (`GET /`), with the RPC action where one selects it.
    pub endpoint: &'static str,
    /// The first line of the method's docs (the spec's summary).
    pub summary: &'static str,
    /// The rest of the spec's description and summary (original language kept).
    pub description: &'static str,
    /// The parameters the caller sets (constants and the ones auth fills are not listed).
    pub params: &'static [ParamInfo],
    /// The fields of one record: of one item for a paged operation, of one element of
    /// the body's record field for an unpaged listing that declares one (`x-records`), of
    /// the body (or of one element of an array body) otherwise; empty when a record is
    /// not an object.
    pub record: &'static [Field],
    /// How it pages, if it does.
    pub paging: Option<Paging>,
    /// The wire names of the top-level record fields that identify a record
    /// (`x-record-key`); empty when the spec declares none.
    pub record_key: &'static [&'static str],
    /// The parameters that carry the period a listing covers (`x-period`).
    pub period: Option<Period>,
    /// How its records become FOCUS rows (`x-focus`), if the spec says.
    pub focus: Option<&'static crate::focus::FocusMap>,
}

/// One parameter (or property of an object body given as a parameter).
#[derive(Debug)]
pub struct ParamInfo {
    /// The setter's name (`bill_begin_date`); [`Args`] are keyed by it.
    pub name: &'static str,
    /// The name on the wire (`BillBeginDate`).
    pub wire: &'static str,
    /// Where it is sent: `path`, `query`, `header`, `cookie` or `body`.
    pub location: &'static str,
    /// Its description (original language kept).
    pub description: &'static str,
    /// Whether the operation needs it.
    pub required: bool,
    /// Whether it holds a secret (`format: password`): never given on a command line.
    pub secret: bool,
    /// Whether it takes several values (an array).
    pub repeated: bool,
    /// The kind of one value.
    pub kind: ValueKind,
    /// Its documented constraints in words (`at least 1, at most 50`), empty when none.
    pub constraints: &'static str,
}

/// The kind of a parameter's value, as text gives it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ValueKind {
    /// Text.
    String,
    /// An integer.
    Integer,
    /// A floating-point number.
    Number,
    /// An exact decimal number.
    Decimal,
    /// `true` or `false`.
    Boolean,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A month, `YYYY-MM`.
    YearMonth,
    /// A local date and time, `YYYY-MM-DD HH:MM:SS`.
    LocalDateTime,
    /// One of listed values; `open` when the spec says others exist.
    Enum {
        /// The listed values with their descriptions.
        values: &'static [EnumValue],
        /// Whether an unlisted value is accepted too.
        open: bool,
    },
    /// A JSON value (an object, or anything the other kinds do not cover).
    Json,
}

/// One listed value of an enum.
#[derive(Debug)]
pub struct EnumValue {
    /// The value as sent.
    pub value: &'static str,
    /// What it means (may be empty).
    pub description: &'static str,
}

/// One field of a record.
#[derive(Debug)]
pub struct Field {
    /// Its wire name.
    pub name: &'static str,
    /// Its description (may be empty).
    pub description: &'static str,
    /// Whether the spec says it is always present.
    pub required: bool,
    /// The kind of its value.
    pub kind: FieldKind,
}

/// The kind of a record field's value.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum FieldKind {
    /// Text (dates and times the spec writes as strings included).
    String,
    /// An integer.
    Integer,
    /// A floating-point number.
    Number,
    /// An exact decimal number; `scale` is the digits after the point the spec fixes
    /// (`multipleOf: 0.01` is 2), if it does.
    Decimal {
        /// The fixed number of fraction digits, if the spec gives one.
        scale: Option<u8>,
    },
    /// `true` or `false`.
    Boolean,
    /// An enum, written as its wire value.
    Enum,
    /// A nested object and its fields.
    Object(&'static [Field]),
    /// An array (written as JSON text by flat formats).
    Array,
    /// Any JSON value (written as JSON text by flat formats).
    Json,
}

/// How an operation pages.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// The style: `page-number`, `offset`, `cursor` or `next-link`.
    pub style: &'static str,
    /// The parameter (setter name) that says where a page starts: the page number, the
    /// offset or the token; `None` for next-link.
    pub cursor_param: Option<&'static str>,
}

/// The parameters that carry a listing's period (`x-period`).
#[derive(Debug, Clone, Copy)]
pub struct Period {
    /// The parameter (setter name) of the period's start, or of its month when `end` is
    /// `None`.
    pub start: &'static str,
    /// The parameter of the period's end, if there is one.
    pub end: Option<&'static str>,
    /// How a time is written in them, as a `time` crate format description
    /// (`[year]-[month]-[day] [hour]:[minute]:[second]`, `[year]-[month]`).
    pub format: &'static str,
    /// Whether the end is the period's last instant (`23:59:59` of its last day) rather
    /// than the next period's first.
    pub end_inclusive: bool,
}

impl Api {
    /// The operation named `name` (the client method's name).
    pub fn operation(&self, name: &str) -> Option<&'static OperationInfo> {
        self.operations.iter().find(|op| op.name == name)
    }
}

impl OperationInfo {
    /// The parameter whose setter is named `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|param| param.name == name)
    }
}
