//! Evaluating the model's rules over a dataset.
//!
//! Each check gives a [`Truth`]: one verdict for the dataset (`ColumnPresent`,
//! `CheckModelRule`, a Parquet column's type), one per row (values, formats, comparisons),
//! or "unknown" with the reason. `AND` and `OR` combine them with three-valued logic (a
//! false item decides an `AND`, a true one an `OR`, otherwise an unknown item makes the
//! whole unknown). A rule's `Condition` picks the rows its requirement is checked on.
//! The check functions themselves are in `checks.rs`.

use std::collections::{BTreeSet, HashMap};

use super::model::{Check, Model, Rule};
use super::report::{Example, RuleResult, Status};
use super::table::Table;

/// The criterion under which `FormatCurrency` accepts a virtual currency.
pub const VIRTUAL_CURRENCY: &str = "VIRTUAL_CURRENCY_SUPPORTED";

/// What a check says about the dataset.
#[derive(Debug, Clone)]
pub enum Truth {
    /// One verdict for the whole dataset, with the reason when false.
    Dataset(bool, Option<String>),
    /// One verdict per row.
    Rows(Vec<bool>),
    /// The checker cannot tell, and why.
    Unknown(String),
}

/// What the evaluation needs besides the model and the table.
#[derive(Debug, Default)]
pub struct Settings {
    /// The applicability criteria the user declared.
    pub applicable: BTreeSet<String>,
    /// ISO 4217 national currency codes; `None` when no list was found.
    pub currencies: Option<BTreeSet<String>>,
}

/// Evaluates rules, each once.
pub struct Evaluator<'a> {
    pub(super) model: &'a Model,
    pub(super) table: &'a Table,
    pub(super) settings: &'a Settings,
    done: HashMap<String, Status>,
    running: BTreeSet<String>,
    parents: HashMap<String, Vec<String>>,
    selections: HashMap<String, Result<Option<Vec<bool>>, String>>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator of `model` over `table`.
    pub fn new(model: &'a Model, table: &'a Table, settings: &'a Settings) -> Self {
        let mut parents: HashMap<String, Vec<String>> = HashMap::new();
        for (id, rule) in &model.model_rules {
            if let Some(requirement) = &rule.validation_criteria.requirement {
                for child in requirement.model_rules() {
                    parents
                        .entry(child.to_owned())
                        .or_default()
                        .push(id.clone());
                }
            }
        }
        Evaluator {
            model,
            table,
            settings,
            done: HashMap::new(),
            running: BTreeSet::new(),
            parents,
            selections: HashMap::new(),
        }
    }

    /// Every rule of the model, in id order.
    pub fn all(&mut self) -> Vec<RuleResult> {
        let model = self.model;
        model
            .model_rules
            .iter()
            .map(|(id, rule)| RuleResult::new(id, rule, self.rule(id)))
            .collect()
    }

    /// The status of rule `id`.
    pub fn rule(&mut self, id: &str) -> Status {
        if let Some(done) = self.done.get(id) {
            return done.clone();
        }
        let Some(rule) = self.model.model_rules.get(id) else {
            return Status::CannotEvaluate {
                reason: format!("the model has no rule {id}"),
            };
        };
        if !self.running.insert(id.to_owned()) {
            return Status::CannotEvaluate {
                reason: format!("rule {id} depends on itself"),
            };
        }
        let status = self.evaluate(id, rule);
        self.running.remove(id);
        self.done.insert(id.to_owned(), status.clone());
        status
    }

    /// The rows rule `id` is checked on: those its own condition selects, within those
    /// of the composite rules that include it (a rule listed under "When X is not null,
    /// X adheres to ..." is checked where X is not null); `None` for every row.
    fn selection(&mut self, id: &str) -> Result<Option<Vec<bool>>, String> {
        if let Some(done) = self.selections.get(id) {
            return done.clone();
        }
        // Guard against a composite including itself.
        self.selections.insert(id.to_owned(), Ok(None));
        let parents = self.parents.get(id).cloned().unwrap_or_default();
        let mut inherited: Option<Vec<bool>> = None;
        let mut any_parent_all = parents.is_empty();
        for parent in parents {
            match self.selection(&parent)? {
                None => any_parent_all = true,
                Some(rows) => {
                    inherited = Some(match inherited {
                        None => rows,
                        Some(so_far) => so_far.iter().zip(rows).map(|(a, b)| *a || b).collect(),
                    })
                }
            }
        }
        let inherited = if any_parent_all { None } else { inherited };
        let model = self.model;
        let own = match model
            .model_rules
            .get(id)
            .and_then(|r| r.validation_criteria.condition.as_ref())
        {
            None => None,
            Some(condition) => match self.check(condition, true) {
                Truth::Unknown(reason) => {
                    let result = Err(format!("its condition: {reason}"));
                    self.selections.insert(id.to_owned(), result.clone());
                    return result;
                }
                Truth::Dataset(true, _) => None,
                Truth::Dataset(false, _) => Some(vec![false; self.table.rows]),
                Truth::Rows(rows) => Some(rows),
            },
        };
        let result = Ok(match (own, inherited) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(a.iter().zip(b).map(|(x, y)| *x && y).collect()),
        });
        self.selections.insert(id.to_owned(), result.clone());
        result
    }

    fn evaluate(&mut self, id: &str, rule: &Rule) -> Status {
        let criteria = &rule.validation_criteria;
        if !rule.status.is_empty() && rule.status != "Active" {
            return Status::NotApplicable {
                reason: format!("the model marks the rule {}", rule.status),
            };
        }
        let missing: Vec<&str> = rule
            .applicability_criteria
            .iter()
            .filter(|c| !self.settings.applicable.contains(*c))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Status::NotApplicable {
                reason: format!("applies when {} (not declared)", missing.join(" and ")),
            };
        }
        if rule.entity_type == "Column" && self.table.column(&rule.reference).is_none() {
            return Status::NotApplicable {
                reason: format!("column {} is not in the dataset", rule.reference),
            };
        }
        let composed: Vec<&str> = criteria
            .requirement
            .as_ref()
            .map(Check::model_rules)
            .unwrap_or_default();
        for dependency in &criteria.dependencies {
            if composed.contains(&dependency.as_str()) {
                continue;
            }
            let column_rule = self
                .model
                .model_rules
                .get(dependency)
                .is_some_and(|d| d.entity_type == "Column" || d.function == "Presence");
            if column_rule {
                if let Status::NotApplicable { .. } = self.rule(dependency) {
                    return Status::NotApplicable {
                        reason: format!("relies on {dependency}, which is not applicable"),
                    };
                }
            }
        }
        let Some(requirement) = &criteria.requirement else {
            return Status::CannotEvaluate {
                reason: format!(
                    "the model gives no machine-checkable requirement ({} rule)",
                    rule.kind
                ),
            };
        };
        let selected: Vec<usize> = match self.selection(id) {
            Err(reason) => return Status::CannotEvaluate { reason },
            Ok(None) => (0..self.table.rows).collect(),
            Ok(Some(rows)) => (0..self.table.rows).filter(|&i| rows[i]).collect(),
        };
        match self.check(requirement, false) {
            Truth::Unknown(reason) => Status::CannotEvaluate { reason },
            Truth::Dataset(true, _) => Status::Pass {
                checked_rows: selected.len(),
            },
            Truth::Dataset(false, reason) => Status::Fail {
                checked_rows: selected.len(),
                failing_rows: 0,
                reason,
                examples: Vec::new(),
            },
            Truth::Rows(rows) => {
                let failing: Vec<usize> = selected.iter().copied().filter(|&i| !rows[i]).collect();
                if failing.is_empty() {
                    return Status::Pass {
                        checked_rows: selected.len(),
                    };
                }
                let shown = requirement
                    .first_column()
                    .and_then(|c| self.table.column(c));
                Status::Fail {
                    checked_rows: selected.len(),
                    failing_rows: failing.len(),
                    reason: None,
                    examples: failing
                        .iter()
                        .take(3)
                        .map(|&i| Example {
                            row: i + 1,
                            column: shown.map(|c| c.name.clone()),
                            value: shown.and_then(|c| c.cells[i].text().map(str::to_owned)),
                        })
                        .collect(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::focus_check::table::{Cell, Column, ColumnType};

    fn model(rules: serde_json::Value) -> Model {
        serde_json::from_value(serde_json::json!({ "ModelRules": rules })).expect("model")
    }

    fn rule(
        keyword: &str,
        requirement: serde_json::Value,
        condition: serde_json::Value,
    ) -> serde_json::Value {
        serde_json::json!({
            "Function": "Validation", "Reference": "Q", "EntityType": "Column", "Type": "Static",
            "ValidationCriteria": {"MustSatisfy": "", "Keyword": keyword,
                "Requirement": requirement, "Condition": condition, "Dependencies": []}
        })
    }

    fn table() -> Table {
        let cells = vec![Cell::Text("1".into()), Cell::Null, Cell::Text("x".into())];
        Table {
            columns: vec![Column {
                name: "Q".into(),
                kind: ColumnType::Untyped,
                cells,
            }],
            rows: 3,
        }
    }

    #[test]
    fn composites_pass_their_condition_to_their_rules_and_ignore_non_must_ones() {
        let not_null =
            serde_json::json!({"CheckFunction": "CheckNotValue", "ColumnName": "Q", "Value": null});
        let model = model(serde_json::json!({
            "Q-0": rule("MUST", serde_json::json!({"CheckFunction": "AND", "Items": [
                {"CheckFunction": "CheckModelRule", "ModelRuleId": "Q-1"},
                {"CheckFunction": "CheckModelRule", "ModelRuleId": "Q-2"}]}), not_null.clone()),
            "Q-1": rule("MUST", not_null, serde_json::json!({})),
            "Q-2": rule("SHOULD", serde_json::json!({"CheckFunction": "CheckDecimalValue", "ColumnName": "Q"}), serde_json::json!({})),
        }));
        let table = table();
        let settings = Settings::default();
        let mut evaluator = Evaluator::new(&model, &table, &settings);
        // Q-1 is checked only where Q-0's condition holds (rows 1 and 3).
        assert_eq!(evaluator.rule("Q-1"), Status::Pass { checked_rows: 2 });
        // Q-2 (SHOULD) fails on "x" without failing its MUST parent.
        assert!(matches!(
            evaluator.rule("Q-2"),
            Status::Fail {
                failing_rows: 1,
                ..
            }
        ));
        assert_eq!(evaluator.rule("Q-0"), Status::Pass { checked_rows: 2 });
    }

    #[test]
    fn a_rule_the_model_does_not_mark_active_is_not_applicable() {
        let mut retired = rule(
            "MUST",
            serde_json::json!({"CheckFunction": "ColumnPresent", "ColumnName": "Missing"}),
            serde_json::json!({}),
        );
        retired["Status"] = serde_json::json!("Deprecated");
        let model = model(serde_json::json!({ "Q-0": retired }));
        let table = table();
        let settings = Settings::default();
        let mut evaluator = Evaluator::new(&model, &table, &settings);
        assert!(
            matches!(evaluator.rule("Q-0"), Status::NotApplicable { reason } if reason.contains("Deprecated"))
        );
    }

    #[test]
    fn a_false_item_decides_an_and_over_an_unknown_one() {
        let model = model(serde_json::json!({
            "Q-0": rule("MUST", serde_json::json!({"CheckFunction": "AND", "Items": [
                {"CheckFunction": "CheckFuture", "ColumnName": "Q"},
                {"CheckFunction": "ColumnPresent", "ColumnName": "Missing"}]}), serde_json::json!({})),
            "Q-1": rule("MUST", serde_json::json!({"CheckFunction": "OR", "Items": [
                {"CheckFunction": "CheckFuture", "ColumnName": "Q"},
                {"CheckFunction": "ColumnPresent", "ColumnName": "Missing"}]}), serde_json::json!({})),
        }));
        let table = table();
        let settings = Settings::default();
        let mut evaluator = Evaluator::new(&model, &table, &settings);
        assert!(
            matches!(evaluator.rule("Q-0"), Status::Fail { reason: Some(r), .. } if r.contains("Missing"))
        );
        assert!(
            matches!(evaluator.rule("Q-1"), Status::CannotEvaluate { reason } if reason.contains("CheckFuture"))
        );
    }
}
