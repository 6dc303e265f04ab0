//! `meterage focus-check`: our own evaluator of the FOCUS 1.2 requirements model (the
//! FinOps Foundation validator's `model-1.2.json`, read from the path the user gives)
//! over a FOCUS dataset in CSV or Parquet.
//!
//! - [`model`]: the rules as typed data;
//! - [`table`]: the dataset as columns of typed cells;
//! - [`eval`]: each check function, conditions, applicability criteria, dependencies
//!   and composite rules;
//! - [`report`]: per rule pass / fail / not applicable / cannot evaluate, counts per
//!   keyword, text and JSON.
//!
//! What is evaluated and how is described in `docs/focus-check.md`.

mod checks;
pub mod eval;
pub mod model;
pub mod report;
pub mod table;
pub mod values;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};

pub use eval::Settings;
pub use model::Model;
pub use report::{Report, Status};
pub use table::Table;

/// Why a check could not run at all (as opposed to a rule failing).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The rules file is not a requirements model.
    #[error("{path} is not a FOCUS requirements model: {message}")]
    Model {
        /// The rules file.
        path: PathBuf,
        /// What is wrong, with line and column.
        message: String,
    },
    /// The dataset cannot be read as CSV or Parquet.
    #[error("cannot read the dataset {path}: {message}")]
    Data {
        /// The dataset.
        path: PathBuf,
        /// What is wrong, with its position.
        message: String,
    },
    /// The currency list is not a list of codes.
    #[error("{path} is not a currency list: {message}")]
    Currencies {
        /// The list.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// `--applicable` names a criterion the model does not define.
    #[error("--applicable {name}: the model defines no such criterion (it defines {known})")]
    UnknownCriterion {
        /// The name given.
        name: String,
        /// The criteria the model defines, comma-separated.
        known: String,
    },
}

/// The result of `meterage focus-check`.
#[derive(Debug)]
pub struct Outcome {
    /// The findings.
    pub report: Report,
    /// The report rendered in the format asked for; `run` prints nothing, the caller
    /// writes this to standard output.
    pub rendered: String,
}

impl Outcome {
    /// Whether every `MUST` / `MUST NOT` rule evaluated passed (rules not applicable or
    /// not evaluable do not count either way); the command exits 1 when not.
    pub fn passed(&self) -> bool {
        self.report.must_rules_pass()
    }
}

/// The `focus-check` subcommand.
pub fn command() -> Command {
    Command::new("focus-check")
        .about("Check a FOCUS CSV or Parquet file against the FOCUS requirements model")
        .long_about(
            "Evaluates every rule of the FOCUS requirements model (the FinOps Foundation's \
             model-1.2.json) over a FOCUS dataset and lists each rule as pass, fail, not \
             applicable or cannot evaluate. Exits 1 when a MUST or MUST NOT rule fails.",
        )
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The FOCUS dataset: Parquet (by its PAR1 magic) or CSV with a header line"),
        )
        .arg(
            Arg::new("rules")
                .long("rules")
                .value_name("PATH")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The requirements model, e.g. model-1.2.json"),
        )
        .arg(
            Arg::new("currency-codes")
                .long("currency-codes")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("The ISO 4217 list (default: currency_codes.csv beside the rules file)"),
        )
        .arg(
            Arg::new("applicable")
                .long("applicable")
                .value_name("CRITERION")
                .action(ArgAction::Append)
                .help("An applicability criterion the provider meets (repeatable), e.g. REGION_SUPPORTED"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["text", "json"])
                .default_value("text")
                .help("How the report is written"),
        )
        .arg(
            Arg::new("only-must")
                .long("only-must")
                .action(ArgAction::SetTrue)
                .help("List and count only MUST and MUST NOT rules"),
        )
}

/// Runs `focus-check` with the matches of [`command`].
pub fn run(matches: &ArgMatches) -> Result<Outcome, CheckError> {
    let file = matches
        .get_one::<PathBuf>("file")
        .expect("FILE is required");
    let rules = matches
        .get_one::<PathBuf>("rules")
        .expect("--rules is required");
    let currencies = matches.get_one::<PathBuf>("currency-codes").cloned();
    let applicable: Vec<String> = matches
        .get_many::<String>("applicable")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let only_must = matches.get_flag("only-must");
    let mut report = check_file(file, rules, currencies.as_deref(), &applicable)?;
    if only_must {
        let rules = std::mem::take(&mut report.rules)
            .into_iter()
            .filter(|r| r.is_must())
            .collect();
        report = Report::new(report.file, report.rows, report.applicable, rules);
    }
    let rendered = match matches.get_one::<String>("format").map(String::as_str) {
        Some("json") => report.to_json(),
        _ => report.to_text(),
    };
    Ok(Outcome { report, rendered })
}

/// Checks the dataset `file` against the model at `rules`, with the ISO 4217 list at
/// `currencies` (default `currency_codes.csv` beside `rules`; when that is absent the
/// currency checks cannot be evaluated) and the criteria `applicable` declared.
pub fn check_file(
    file: &Path,
    rules: &Path,
    currencies: Option<&Path>,
    applicable: &[String],
) -> Result<Report, CheckError> {
    let model = Model::load(rules)?;
    for name in applicable {
        if !model.applicability_criteria.contains_key(name) {
            return Err(CheckError::UnknownCriterion {
                name: name.clone(),
                known: model
                    .applicability_criteria
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let currencies = match currencies {
        Some(path) => Some(read_currencies(path)?),
        None => {
            let beside = rules.with_file_name("currency_codes.csv");
            if beside.is_file() {
                Some(read_currencies(&beside)?)
            } else {
                None
            }
        }
    };
    let table = Table::read(file)?;
    let settings = Settings {
        applicable: applicable.iter().cloned().collect(),
        currencies,
    };
    Ok(check(&model, &table, &settings, file.display().to_string()))
}

/// Evaluates every rule of `model` over `table`.
pub fn check(model: &Model, table: &Table, settings: &Settings, file: String) -> Report {
    let results = eval::Evaluator::new(model, table, settings).all();
    Report::new(
        file,
        table.rows,
        settings.applicable.iter().cloned().collect(),
        results,
    )
}

/// Reads an ISO 4217 list: a CSV whose last field in each line is a code (the
/// validator's `currency_codes.csv`: `,currency_codes` then `0,SEK`, ...).
pub fn read_currencies(path: &Path) -> Result<BTreeSet<String>, CheckError> {
    let text = std::fs::read_to_string(path).map_err(|source| CheckError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut codes = BTreeSet::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        let code = line.rsplit(',').next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(CheckError::Currencies {
                path: path.to_owned(),
                message: format!("line {}: {code:?} is not a three-letter code", number + 1),
            });
        }
        codes.insert(code.to_owned());
    }
    Ok(codes)
}
