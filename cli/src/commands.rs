//! The clap command tree, built at run time from the APIs' descriptors: `meterage list`,
//! and `meterage API OPERATION [--PARAM VALUE]...` for every operation, with the global
//! flags (`--format`, `-o`, `--partition`, `--month`, `--max-records`, `--max-pages`,
//! `--profile`, `--quiet`).
//!
//! A parameter whose flag would be a global flag's (`format`, `month`, ...) or `help`
//! takes `--param-NAME` instead. A secret parameter's flag is hidden and refused when
//! given (see [`crate::invoke`]).

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgAction, Command};
use meterage_runtime::describe::{Api, OperationInfo, ParamInfo, ValueKind};

use crate::apis::{kebab, secret_var, Apis};
use crate::errors::EXIT_CODES;
use crate::output::Format;

/// The width help is wrapped at, whatever the terminal (stable help snapshots).
pub const HELP_WIDTH: usize = 100;

/// The ids (and long names) of the global flags.
pub mod flag {
    /// `--format`.
    pub const FORMAT: &str = "format";
    /// `-o, --output`.
    pub const OUTPUT: &str = "output";
    /// `--partition`.
    pub const PARTITION: &str = "partition";
    /// `--month`.
    pub const MONTH: &str = "month";
    /// `--max-records`.
    pub const MAX_RECORDS: &str = "max-records";
    /// `--max-pages`.
    pub const MAX_PAGES: &str = "max-pages";
    /// `--profile`.
    pub const PROFILE: &str = "profile";
    /// `-q, --quiet`.
    pub const QUIET: &str = "quiet";
    /// `--focus`, on operations whose spec maps their records to FOCUS (`x-focus`).
    pub const FOCUS: &str = "focus";
    /// Every global flag's long name, and `help`: a parameter named so takes
    /// `--param-NAME`.
    pub const TAKEN: [&str; 10] = [
        FORMAT,
        OUTPUT,
        PARTITION,
        MONTH,
        MAX_RECORDS,
        MAX_PAGES,
        PROFILE,
        QUIET,
        FOCUS,
        "help",
    ];
}

/// The name of the subcommand listing every API and operation.
pub const LIST: &str = "list";

/// The name of the subcommand filling a SQLite database ([`crate::sync`]).
pub const SYNC: &str = "sync";

/// The FOCUS checker's command.
pub const FOCUS_CHECK: &str = "focus-check";

/// The whole command tree for `apis`.
pub fn command(apis: &impl Apis) -> Command {
    let mut root = Command::new("meterage")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every operation of every meterage API on the command line")
        .long_about(ROOT_ABOUT)
        .after_help(root_after_help())
        .term_width(HELP_WIDTH)
        .max_term_width(HELP_WIDTH)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(root_flags())
        .subcommand(
            Command::new(LIST)
                .about("List every API and operation: paged or not, record key, period")
                .term_width(HELP_WIDTH),
        )
        .subcommand(
            crate::sync::command()
                .term_width(HELP_WIDTH)
                .max_term_width(HELP_WIDTH),
        )
        .subcommand(
            crate::focus_check::command()
                .term_width(HELP_WIDTH)
                .max_term_width(HELP_WIDTH),
        );
    for api in apis.apis() {
        root = root.subcommand(api_command(api));
    }
    root
}

const ROOT_ABOUT: &str = "Every operation of every meterage API on the command line.\n\n\
`meterage API OPERATION [--PARAM VALUE]...` runs one operation and writes its records \
(every record of every page of a paged operation) to standard output or a file. \
`meterage list` shows the APIs and operations; `meterage API --help` an API's \
credentials; `meterage API OPERATION --help` an operation's parameters.";

fn root_after_help() -> String {
    let mut text = String::from(
        "Credentials come from each API's environment variables (see `meterage API --help`), \
         or from a profile: `--profile NAME` reads the table [profiles.NAME] of \
         profiles.toml in $METERAGE_CONFIG_DIR, else $XDG_CONFIG_HOME/meterage, else \
         ~/.config/meterage (variable names to values; the file must not be readable by \
         group or others: chmod 600 FILE).\n\nAn operation takes, besides its parameters, \
         --format jsonl|csv|table|parquet, -o FILE, --partition DIR, --month YYYY-MM, \
         --max-records N and --max-pages N (see `meterage API OPERATION --help`).\n\nExit \
         codes:\n",
    );
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("  {code}  {meaning}\n"));
    }
    text
}

/// The flags of every command, `sync` included: `--profile`, `--quiet`.
fn root_flags() -> Vec<Arg> {
    [
        Arg::new(flag::PROFILE)
            .long(flag::PROFILE)
            .value_name("NAME")
            .help("Take the environment variables of profile NAME of profiles.toml"),
        Arg::new(flag::QUIET)
            .short('q')
            .long(flag::QUIET)
            .action(ArgAction::SetTrue)
            .help("No progress on standard error"),
    ]
    .into_iter()
    .map(|arg| arg.global(true).help_heading("Global options"))
    .collect()
}

/// The flags of running an operation, on each API's command and so on its operations:
/// the output and the limits. (Not on the root: `sync` has a `--month` of its own.)
fn operation_flags() -> Vec<Arg> {
    [
        Arg::new(flag::FORMAT)
            .long(flag::FORMAT)
            .value_name("FORMAT")
            .value_parser(PossibleValuesParser::new(Format::NAMES.map(|name| {
                let help = name
                    .parse::<Format>()
                    .map(Format::describe)
                    .unwrap_or_default();
                PossibleValue::new(name).help(help)
            })))
            .help("Output format [default: jsonl]"),
        Arg::new(flag::OUTPUT)
            .short('o')
            .long(flag::OUTPUT)
            .value_name("FILE")
            .help("Write the records to FILE instead of standard output"),
        Arg::new(flag::PARTITION)
            .long(flag::PARTITION)
            .value_name("DIR")
            .requires(flag::MONTH)
            .conflicts_with(flag::OUTPUT)
            .help("Write DIR/api=API/month=MONTH/ (Hive-style), replaced whole; needs --month"),
        Arg::new(flag::MONTH)
            .long(flag::MONTH)
            .value_name("YYYY-MM")
            .help("The month to list, for an operation with a period (sets its period parameters)"),
        Arg::new(flag::MAX_RECORDS)
            .long(flag::MAX_RECORDS)
            .value_name("N")
            .value_parser(clap::value_parser!(u64))
            .help("Stop after N records"),
        Arg::new(flag::MAX_PAGES)
            .long(flag::MAX_PAGES)
            .value_name("N")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Stop after N pages of a paged operation"),
    ]
    .into_iter()
    .map(|arg| arg.global(true).help_heading("Output and limits"))
    .collect()
}

/// The subcommand of `api`: its operations, and its credentials in the help.
pub fn api_command(api: &'static Api) -> Command {
    let mut about = String::from(api.title);
    if !api.description.is_empty() {
        about.push_str("\n\n");
        about.push_str(api.description.trim());
    }
    let mut command = Command::new(leak(kebab(api.name)))
        .about(api.title)
        .long_about(about)
        .after_help(credentials_help(api))
        .term_width(HELP_WIDTH)
        .max_term_width(HELP_WIDTH)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(operation_flags());
    for operation in api.operations {
        command = command.subcommand(operation_command(api, operation));
    }
    command
}

fn credentials_help(api: &Api) -> String {
    let mut text = format!(
        "Credentials (environment variables, or a --profile setting them):\n  base URL: {} \
         (optional)\n",
        api.url_env
    );
    let several = api.credentials.len() > 1;
    for (index, credentials) in api.credentials.iter().enumerate() {
        let vars: Vec<String> = credentials
            .vars
            .iter()
            .map(|var| match (var.secret, var.required) {
                (true, true) => format!("{} (secret)", var.name),
                (true, false) => format!("{} (secret, optional)", var.name),
                (false, true) => var.name.to_owned(),
                (false, false) => format!("{} (optional)", var.name),
            })
            .collect();
        let or = if several && index > 0 { "or " } else { "" };
        text.push_str(&format!(
            "  {or}{}: {}\n",
            credentials.scheme,
            vars.join(", ")
        ));
    }
    text.push_str(&format!("Spec: {}\n", api.spec));
    text
}

/// The subcommand of operation `operation` of `api`.
pub fn operation_command(api: &'static Api, operation: &'static OperationInfo) -> Command {
    let mut about = String::from(operation.summary);
    if !operation.description.is_empty() {
        about.push_str("\n\n");
        about.push_str(operation.description.trim());
    }
    let mut command = Command::new(leak(kebab(operation.name)))
        .about(operation.summary)
        .long_about(about)
        .after_help(operation_after_help(api, operation))
        .term_width(HELP_WIDTH)
        .max_term_width(HELP_WIDTH);
    for param in operation.params {
        command = command.arg(param_arg(api, operation, param));
    }
    if operation.focus.is_some() {
        command = command.arg(
            Arg::new(flag::FOCUS)
                .long(flag::FOCUS)
                .action(ArgAction::SetTrue)
                .help_heading("Output and limits")
                .help("Write FOCUS 1.2 rows (the spec's x-focus mapping) instead of the vendor's records"),
        );
    }
    command
}

fn operation_after_help(api: &Api, operation: &OperationInfo) -> String {
    let mut lines = vec![format!(
        "Endpoint: {} ({})",
        operation.endpoint, operation.id
    )];
    lines.push(match operation.paging {
        Some(paging) => format!(
            "Paged ({}): every record of every page, unless --max-records or --max-pages",
            paging.style
        ),
        None => "Not paged".to_owned(),
    });
    if !operation.record_key.is_empty() {
        lines.push(format!("Record key: {}", operation.record_key.join(", ")));
    }
    if let Some(period) = operation.period {
        let params = match period.end {
            Some(end) => format!("--{} and --{}", flag_name(period.start), flag_name(end)),
            None => format!("--{}", flag_name(period.start)),
        };
        lines.push(format!("Period: --month YYYY-MM sets {params}"));
    }
    let secrets: Vec<String> = operation
        .params
        .iter()
        .filter(|param| param.secret)
        .map(|param| {
            format!(
                "  {}: set {} (in the environment or a profile)",
                param.name,
                secret_var(api.name, param.name)
            )
        })
        .collect();
    if !secrets.is_empty() {
        lines.push("Secret parameters (never a flag):".to_owned());
        lines.extend(secrets);
    }
    lines.join("\n")
}

/// The long flag of parameter `name` (without `--`): its kebab name, or `param-NAME`
/// when that is a global flag's.
pub fn flag_name(name: &str) -> String {
    let kebab = kebab(name);
    if flag::TAKEN.contains(&kebab.as_str()) {
        format!("param-{kebab}")
    } else {
        kebab
    }
}

/// The clap id of parameter `name` (apart from the global flags' ids).
pub fn param_id(name: &str) -> String {
    format!("param:{name}")
}

fn param_arg(api: &Api, operation: &OperationInfo, param: &'static ParamInfo) -> Arg {
    let mut arg = Arg::new(leak(param_id(param.name)))
        .long(leak(flag_name(param.name)))
        .value_name(value_name(param.kind));
    if param.secret {
        // Accepted by the parser only to be refused with a message saying where the
        // value goes.
        return arg
            .hide(true)
            .action(ArgAction::Append)
            .help(format!("secret: set {}", secret_var(api.name, param.name)));
    }
    arg = arg.action(if param.repeated {
        ArgAction::Append
    } else {
        ArgAction::Set
    });
    if param.required {
        let in_period = operation
            .period
            .is_some_and(|period| period.start == param.name || period.end == Some(param.name));
        arg = if in_period {
            arg.required_unless_present(flag::MONTH)
        } else {
            arg.required(true)
        };
    }
    let short = first_paragraph(param.description);
    let kind = kind_words(param);
    arg = arg.help(match (short.is_empty(), kind.is_empty()) {
        (true, _) => kind.clone(),
        (false, true) => short,
        (false, false) => format!("{short} [{kind}]"),
    });
    let mut long = String::from(param.description.trim());
    if !kind.is_empty() {
        if !long.is_empty() {
            long.push_str("\n\n");
        }
        long.push_str("Value: ");
        long.push_str(&kind);
        if param.repeated {
            long.push_str("; give the flag once per value");
        }
    }
    if let ValueKind::Enum { values, open } = param.kind {
        if open {
            long.push_str("\nKnown values (others are accepted):");
            for value in values {
                long.push_str(&format!("\n  {}", value.value));
                if !value.description.is_empty() {
                    long.push_str(&format!(": {}", value.description));
                }
            }
        } else {
            arg = arg.value_parser(PossibleValuesParser::new(values.iter().map(|value| {
                let possible = PossibleValue::new(value.value);
                if value.description.is_empty() {
                    possible
                } else {
                    possible.help(value.description)
                }
            })));
        }
    }
    if matches!(param.kind, ValueKind::Boolean) {
        arg = arg.value_parser(PossibleValuesParser::new(["true", "false"]));
    }
    arg.long_help(long)
}

/// The first paragraph of `text` on one line.
fn first_paragraph(text: &str) -> String {
    text.trim()
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Integer => "INTEGER",
        ValueKind::Number => "NUMBER",
        ValueKind::Decimal => "DECIMAL",
        ValueKind::Boolean => "BOOL",
        ValueKind::Date => "YYYY-MM-DD",
        ValueKind::YearMonth => "YYYY-MM",
        ValueKind::LocalDateTime => "DATETIME",
        ValueKind::Enum { .. } => "VALUE",
        ValueKind::Json => "JSON",
        _ => "TEXT",
    }
}

/// The kind and constraints of `param` in words (`integer; at least 1, at most 50`);
/// a closed enum's kind is left out (clap lists its values).
fn kind_words(param: &ParamInfo) -> String {
    let kind = match param.kind {
        ValueKind::Integer => "integer",
        ValueKind::Number => "number",
        ValueKind::Decimal => "exact decimal",
        ValueKind::Boolean => "true or false",
        ValueKind::Date => "date YYYY-MM-DD",
        ValueKind::YearMonth => "month YYYY-MM",
        ValueKind::LocalDateTime => "date and time 'YYYY-MM-DD HH:MM:SS'",
        ValueKind::Enum { open: true, .. } => "one of the known values, or another",
        ValueKind::Enum { open: false, .. } => "",
        ValueKind::Json => "JSON",
        _ => "text",
    };
    let mut parts = Vec::new();
    match (kind.is_empty(), param.repeated) {
        (false, true) => parts.push(format!("{kind}, repeatable")),
        (false, false) => parts.push(kind.to_owned()),
        (true, true) => parts.push("repeatable".to_owned()),
        (true, false) => {}
    }
    if !param.constraints.is_empty() {
        parts.push(param.constraints.to_owned());
    }
    parts.join("; ")
}

/// A name made once per run for the whole run (clap's builder takes `'static` names).
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::command_of;

    fn long_help(args: &[&str]) -> String {
        let mut command = command_of();
        command.build();
        let mut found = &mut command;
        for name in args {
            found = found.find_subcommand_mut(name).expect("a subcommand");
        }
        found.render_long_help().to_string()
    }

    #[test]
    fn the_tree_is_consistent_and_leaves_sync_its_own_month() {
        let tree = command_of();
        tree.clone().debug_assert();
        let matches = tree
            .try_get_matches_from(["meterage", "--profile", "p", "sync", "--month", "2026-10"])
            .expect("parsed");
        let (name, sync) = matches.subcommand().expect("sync");
        assert_eq!(name, SYNC);
        assert_eq!(
            sync.get_one::<crate::period::Month>("month")
                .map(ToString::to_string),
            Some("2026-10".to_owned())
        );
        assert_eq!(
            sync.get_one::<String>(flag::PROFILE).map(String::as_str),
            Some("p")
        );
    }

    #[test]
    fn operation_help_has_kinds_values_and_the_original_language() {
        let help = long_help(&["fake-api", "list-bills"]);
        for text in [
            "账单开始时间",
            "Value: date and time 'YYYY-MM-DD HH:MM:SS'",
            "--product-type <VALUE>",
            "cdn: 内容分发 (CDN)",
            "Known values (others are accepted):\n",
            "--ids <INTEGER>",
            "integer, repeatable; at least 1, at most 9; give the flag once per value",
            "--param-format <TEXT>",
            "Period: --month YYYY-MM sets --bill-begin and --bill-end",
            "Record key: Id",
            "password: set METERAGE_FAKE_API_PASSWORD",
            "Output and limits:",
            "Global options:",
        ] {
            assert!(help.contains(text), "{text:?} not in:\n{help}");
        }
        assert!(!help.contains("--password"), "{help}");
        let api = long_help(&["fake-api"]);
        assert!(
            api.contains("key: FAKE_API_KEY, FAKE_API_SECRET (secret)"),
            "{api}"
        );
        assert!(api.contains("base URL: FAKE_API_URL"), "{api}");
    }

    #[test]
    fn a_parameter_named_like_a_flag_takes_param_name() {
        assert_eq!(flag_name("format"), "param-format");
        assert_eq!(flag_name("help"), "param-help");
        assert_eq!(flag_name("page_size"), "page-size");
    }
}
