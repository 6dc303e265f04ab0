//! The checker's report: each rule's status, the counts per keyword, and its text and
//! JSON renderings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::model::Rule;

/// A failing row shown as an example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// The row's number, 1 for the first data row (a CSV's line 2).
    pub row: usize,
    /// The column shown (the first the requirement names).
    pub column: Option<String>,
    /// Its value, `None` when null.
    pub value: Option<String>,
}

/// What the checker found for one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// The requirement holds on every row the condition selects (or for the dataset).
    Pass {
        /// The rows the condition selected.
        checked_rows: usize,
    },
    /// The requirement does not hold.
    Fail {
        /// The rows the condition selected.
        checked_rows: usize,
        /// How many of them fail (0 for a dataset-level failure).
        failing_rows: usize,
        /// Why, for a dataset-level failure.
        reason: Option<String>,
        /// Up to three failing rows.
        examples: Vec<Example>,
    },
    /// The rule does not apply to this dataset.
    NotApplicable {
        /// Why.
        reason: String,
    },
    /// The checker cannot evaluate the rule; never counted as passed.
    CannotEvaluate {
        /// Why.
        reason: String,
    },
}

impl Status {
    fn label(&self) -> &'static str {
        match self {
            Status::Pass { .. } => "pass",
            Status::Fail { .. } => "fail",
            Status::NotApplicable { .. } => "not applicable",
            Status::CannotEvaluate { .. } => "cannot evaluate",
        }
    }
}

/// One rule and its status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    /// The rule's id, e.g. `BilledCost-C-001-M`.
    pub id: String,
    /// Its keyword: `MUST`, `MUST NOT`, `SHOULD`, `SHOULD NOT`, `RECOMMENDED`, `MAY`.
    pub keyword: String,
    /// The column, attribute or dataset it is about.
    pub reference: String,
    /// The requirement in the specification's words.
    pub must_satisfy: String,
    /// What the checker found.
    #[serde(flatten)]
    pub status: Status,
}

impl RuleResult {
    /// The result of rule `id`.
    pub fn new(id: &str, rule: &Rule, status: Status) -> RuleResult {
        RuleResult {
            id: id.to_owned(),
            keyword: rule.validation_criteria.keyword.clone(),
            reference: rule.reference.clone(),
            must_satisfy: rule.validation_criteria.must_satisfy.clone(),
            status,
        }
    }

    /// Whether the keyword is `MUST` or `MUST NOT`.
    pub fn is_must(&self) -> bool {
        matches!(self.keyword.as_str(), "MUST" | "MUST NOT")
    }
}

/// Rules per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// Not evaluated.
    pub cannot_evaluate: usize,
}

impl Counts {
    fn add(&mut self, status: &Status) {
        match status {
            Status::Pass { .. } => self.pass += 1,
            Status::Fail { .. } => self.fail += 1,
            Status::NotApplicable { .. } => self.not_applicable += 1,
            Status::CannotEvaluate { .. } => self.cannot_evaluate += 1,
        }
    }

    /// All rules counted.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.not_applicable + self.cannot_evaluate
    }
}

/// The checker's findings over one dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The dataset checked.
    pub file: String,
    /// Its number of rows.
    pub rows: usize,
    /// The applicability criteria declared.
    pub applicable: Vec<String>,
    /// Counts per keyword.
    pub by_keyword: BTreeMap<String, Counts>,
    /// Counts over every rule listed.
    pub totals: Counts,
    /// Every rule listed, in id order.
    pub rules: Vec<RuleResult>,
}

impl Report {
    /// A report of `rules`.
    pub fn new(file: String, rows: usize, applicable: Vec<String>, rules: Vec<RuleResult>) -> Self {
        let mut by_keyword: BTreeMap<String, Counts> = BTreeMap::new();
        let mut totals = Counts::default();
        for rule in &rules {
            by_keyword
                .entry(rule.keyword.clone())
                .or_default()
                .add(&rule.status);
            totals.add(&rule.status);
        }
        Report {
            file,
            rows,
            applicable,
            by_keyword,
            totals,
            rules,
        }
    }

    /// Whether every `MUST` and `MUST NOT` rule evaluated passed.
    pub fn must_rules_pass(&self) -> bool {
        !self
            .rules
            .iter()
            .any(|r| r.is_must() && matches!(r.status, Status::Fail { .. }))
    }

    /// The rule `id`'s result.
    pub fn rule(&self, id: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The ids of the rules with this status label (`pass`, `fail`, `not applicable`,
    /// `cannot evaluate`).
    pub fn ids(&self, label: &str) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| r.status.label() == label)
            .map(|r| r.id.as_str())
            .collect()
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The report as text: one line per rule, then the counts.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "FOCUS check of {} ({} rows)", self.file, self.rows);
        let declared = if self.applicable.is_empty() {
            "none".to_owned()
        } else {
            self.applicable.join(", ")
        };
        let _ = writeln!(out, "applicability criteria declared: {declared}\n");
        for rule in &self.rules {
            let detail = match &rule.status {
                Status::Pass { checked_rows } => format!("{checked_rows} rows checked"),
                Status::Fail {
                    checked_rows,
                    failing_rows,
                    reason,
                    examples,
                } => {
                    let mut d = match reason {
                        Some(reason) => reason.clone(),
                        None => format!("{failing_rows} of {checked_rows} rows fail"),
                    };
                    for e in examples {
                        let value = e
                            .value
                            .as_deref()
                            .map_or("null".to_owned(), |v| format!("{v:?}"));
                        let column = e.column.as_deref().unwrap_or("?");
                        let _ = write!(d, "; row {}: {column} = {value}", e.row);
                    }
                    d
                }
                Status::NotApplicable { reason } | Status::CannotEvaluate { reason } => {
                    reason.clone()
                }
            };
            let _ = writeln!(
                out,
                "{:<15} {:<11} {:<45} {} ({})",
                rule.status.label().to_uppercase(),
                rule.keyword,
                rule.id,
                rule.must_satisfy,
                detail
            );
        }
        let _ = writeln!(
            out,
            "\n{:<12} {:>5} {:>5} {:>15} {:>16}",
            "keyword", "pass", "fail", "not applicable", "cannot evaluate"
        );
        for (keyword, c) in self
            .by_keyword
            .iter()
            .chain([(&"total".to_owned(), &self.totals)])
        {
            let _ = writeln!(
                out,
                "{:<12} {:>5} {:>5} {:>15} {:>16}",
                keyword, c.pass, c.fail, c.not_applicable, c.cannot_evaluate
            );
        }
        let verdict = if self.must_rules_pass() {
            "every MUST rule evaluated passes"
        } else {
            "some MUST rules fail"
        };
        let _ = writeln!(out, "\n{verdict}");
        out
    }
}
