//! The FOCUS requirements model as typed data: the rules of `model-1.2.json` (the FinOps
//! Foundation validator's file), each with its keyword, applicability criteria, condition,
//! dependencies and requirement, the requirement a tree of [`Check`] nodes.
//!
//! A check function this module does not know, or a known one missing an argument, is
//! kept as [`Check::Unknown`] so the rule using it is reported "cannot evaluate" rather
//! than refused or passed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::CheckError;

/// The whole requirements model.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Model {
    /// Model and FOCUS versions.
    #[serde(default)]
    pub details: BTreeMap<String, Value>,
    /// Criteria a provider declares applicable (`AVAILABILITY_ZONE_SUPPORTED`, ...), by name.
    #[serde(default)]
    pub applicability_criteria: BTreeMap<String, Criterion>,
    /// The check functions the model is built from, by name.
    #[serde(default)]
    pub check_functions: BTreeMap<String, Value>,
    /// Every rule, by id (sorted by id).
    pub model_rules: BTreeMap<String, Rule>,
}

/// One applicability criterion.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Criterion {
    /// What a provider supports when the criterion applies.
    #[serde(default)]
    pub description: String,
}

/// One rule of the model.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    /// What kind of rule: `Presence`, `Type`, `Format`, `Nullability`, `Validation`, `Composite`.
    pub function: String,
    /// The column, attribute or dataset the rule is about.
    pub reference: String,
    /// `Column`, `Attribute` or `Dataset`.
    pub entity_type: String,
    /// `Static` (machine-checkable) or `Dynamic` (described in prose only).
    #[serde(rename = "Type")]
    pub kind: String,
    /// `Active` for every rule of FOCUS 1.2.
    #[serde(default)]
    pub status: String,
    /// Criteria that must all be declared for the rule to apply; empty: always applies.
    #[serde(default)]
    pub applicability_criteria: Vec<String>,
    /// What the rule requires.
    pub validation_criteria: ValidationCriteria,
}

/// The requirement of a rule.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidationCriteria {
    /// The requirement in the specification's words.
    pub must_satisfy: String,
    /// `MUST`, `MUST NOT`, `SHOULD`, `SHOULD NOT`, `RECOMMENDED` or `MAY`.
    pub keyword: String,
    /// The check, `None` when the model gives none (its `Dynamic` rules).
    #[serde(deserialize_with = "check_or_none", default)]
    pub requirement: Option<Check>,
    /// The rows the requirement is checked on, `None` for every row.
    #[serde(deserialize_with = "check_or_none", default)]
    pub condition: Option<Check>,
    /// Rules this one relies on.
    #[serde(default)]
    pub dependencies: Vec<String>,
}

/// A literal a check compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// JSON `null`: the cell is null.
    Null,
    /// A string.
    Text(String),
    /// A number, as the model writes it.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
}

/// One node of a requirement or condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Every item holds.
    And(Vec<Check>),
    /// Some item holds.
    Or(Vec<Check>),
    /// The column is in the dataset.
    ColumnPresent(String),
    /// The column holds decimals.
    TypeDecimal(String),
    /// The column holds strings.
    TypeString(String),
    /// The column holds date-times.
    TypeDateTime(String),
    /// Each value is `YYYY-MM-DDTHH:mm:ssZ`.
    FormatDateTime(String),
    /// Each value follows NumericFormat.
    FormatNumeric(String),
    /// Each value follows StringHandling.
    FormatString(String),
    /// Each value follows UnitFormat.
    FormatUnit(String),
    /// Each value is a JSON object of unique keys and scalar values.
    FormatKeyValue(String),
    /// Each value follows CurrencyFormat.
    FormatCurrency(String),
    /// Each value equals the literal.
    CheckValue(String, Literal),
    /// Each value differs from the literal.
    CheckNotValue(String, Literal),
    /// Column A equals column B in each row.
    CheckSameValue(String, String),
    /// Column A differs from column B in each row.
    CheckNotSameValue(String, String),
    /// Each value is a decimal.
    CheckDecimalValue(String),
    /// Each value is at least the literal.
    CheckGreaterOrEqualThanValue(String, Literal),
    /// Each distinct value of column A goes with this many distinct values of column B.
    CheckDistinctCount(String, String, u64),
    /// Each value is an ISO 4217 national currency code.
    CheckNationalCurrency(String),
    /// Column A times column B equals the result column in each row.
    ColumnByColumnEqualsColumnValue(String, String, String),
    /// Another rule holds.
    CheckModelRule(String),
    /// A node the checker cannot evaluate: an unknown function or a missing argument.
    Unknown {
        /// The node's `CheckFunction`.
        function: String,
        /// Why it cannot be evaluated.
        reason: String,
    },
}

impl Model {
    /// Reads the model from `path` (the FinOps Foundation's `model-1.2.json`).
    pub fn load(path: &Path) -> Result<Model, CheckError> {
        let text = std::fs::read_to_string(path).map_err(|source| CheckError::Io {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|error| CheckError::Model {
            path: path.to_owned(),
            message: error.to_string(),
        })
    }
}

impl Rule {
    /// Whether the keyword is `MUST` or `MUST NOT`.
    pub fn is_must(&self) -> bool {
        matches!(
            self.validation_criteria.keyword.as_str(),
            "MUST" | "MUST NOT"
        )
    }
}

fn check_or_none<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<Check>, D::Error> {
    let value = Value::deserialize(de)?;
    Ok(Check::from_json(&value))
}

impl Check {
    /// The check a JSON node describes, `None` for an empty object or `null`.
    pub fn from_json(value: &Value) -> Option<Check> {
        let object = match value {
            Value::Object(object) if !object.is_empty() => object,
            _ => return None,
        };
        let function = match object.get("CheckFunction").and_then(Value::as_str) {
            Some(function) => function.to_owned(),
            None => {
                return Some(Check::Unknown {
                    function: String::new(),
                    reason: "a node without CheckFunction".to_owned(),
                })
            }
        };
        Some(
            Self::build(&function, object).unwrap_or_else(|reason| Check::Unknown {
                function: function.clone(),
                reason,
            }),
        )
    }

    fn build(function: &str, node: &serde_json::Map<String, Value>) -> Result<Check, String> {
        let text = |key: &str| -> Result<String, String> {
            node.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("{function} without its {key} argument"))
        };
        // The model writes `CheckCondition` for `ColumnName` in two nodes; read it as the column.
        let column = || text("CheckCondition").or_else(|_| text("ColumnName"));
        let literal = || -> Result<Literal, String> {
            match node.get("Value") {
                Some(Value::Null) => Ok(Literal::Null),
                Some(Value::String(s)) => Ok(Literal::Text(s.clone())),
                Some(Value::Number(n)) => Ok(Literal::Number(n.to_string())),
                Some(Value::Bool(b)) => Ok(Literal::Bool(*b)),
                Some(other) => Err(format!(
                    "{function} with a Value that is not a scalar: {other}"
                )),
                None => Err(format!("{function} without its Value argument")),
            }
        };
        let items = || -> Result<Vec<Check>, String> {
            let items = node
                .get("Items")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{function} without its Items argument"))?;
            Ok(items
                .iter()
                .map(|item| {
                    Check::from_json(item).unwrap_or_else(|| Check::Unknown {
                        function: String::new(),
                        reason: format!("an empty item of {function}"),
                    })
                })
                .collect())
        };
        Ok(match function {
            "AND" => Check::And(items()?),
            "OR" => Check::Or(items()?),
            "ColumnPresent" => Check::ColumnPresent(column()?),
            "TypeDecimal" => Check::TypeDecimal(column()?),
            "TypeString" => Check::TypeString(column()?),
            "TypeDateTime" => Check::TypeDateTime(column()?),
            "FormatDateTime" => Check::FormatDateTime(column()?),
            "FormatNumeric" => Check::FormatNumeric(column()?),
            "FormatString" => Check::FormatString(column()?),
            "FormatUnit" => Check::FormatUnit(column()?),
            "FormatKeyValue" => Check::FormatKeyValue(column()?),
            "FormatCurrency" => Check::FormatCurrency(column()?),
            "CheckValue" => Check::CheckValue(column()?, literal()?),
            "CheckNotValue" => Check::CheckNotValue(column()?, literal()?),
            "CheckSameValue" => Check::CheckSameValue(text("ColumnAName")?, text("ColumnBName")?),
            "CheckNotSameValue" => {
                Check::CheckNotSameValue(text("ColumnAName")?, text("ColumnBName")?)
            }
            "CheckDecimalValue" => Check::CheckDecimalValue(column()?),
            "CheckGreaterOrEqualThanValue" => {
                Check::CheckGreaterOrEqualThanValue(column()?, literal()?)
            }
            "CheckDistinctCount" => Check::CheckDistinctCount(
                text("ColumnAName")?,
                text("ColumnBName")?,
                node.get("ExpectedCount")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| format!("{function} without a whole ExpectedCount"))?,
            ),
            "CheckNationalCurrency" => Check::CheckNationalCurrency(column()?),
            "ColumnByColumnEqualsColumnValue" => Check::ColumnByColumnEqualsColumnValue(
                text("ColumnAName")?,
                text("ColumnBName")?,
                text("ResultColumnName")?,
            ),
            "CheckModelRule" => Check::CheckModelRule(text("ModelRuleId")?),
            other => {
                return Err(format!(
                    "the check function {other} is not known to this checker"
                ))
            }
        })
    }

    /// The first column the check names (the value shown for a failing row).
    pub fn first_column(&self) -> Option<&str> {
        match self {
            Check::And(items) | Check::Or(items) => items.iter().find_map(Check::first_column),
            Check::ColumnPresent(c)
            | Check::TypeDecimal(c)
            | Check::TypeString(c)
            | Check::TypeDateTime(c)
            | Check::FormatDateTime(c)
            | Check::FormatNumeric(c)
            | Check::FormatString(c)
            | Check::FormatUnit(c)
            | Check::FormatKeyValue(c)
            | Check::FormatCurrency(c)
            | Check::CheckValue(c, _)
            | Check::CheckNotValue(c, _)
            | Check::CheckSameValue(c, _)
            | Check::CheckNotSameValue(c, _)
            | Check::CheckDecimalValue(c)
            | Check::CheckGreaterOrEqualThanValue(c, _)
            | Check::CheckDistinctCount(c, _, _)
            | Check::CheckNationalCurrency(c)
            | Check::ColumnByColumnEqualsColumnValue(c, _, _) => Some(c),
            Check::CheckModelRule(_) | Check::Unknown { .. } => None,
        }
    }

    /// The rules this check names with `CheckModelRule`, at any depth.
    pub fn model_rules(&self) -> Vec<&str> {
        match self {
            Check::And(items) | Check::Or(items) => {
                items.iter().flat_map(Check::model_rules).collect()
            }
            Check::CheckModelRule(id) => vec![id.as_str()],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_become_checks_and_unknown_ones_are_kept() {
        let node = json!({"CheckFunction": "OR", "Items": [
            {"CheckFunction": "CheckValue", "ColumnName": "ChargeCategory", "Value": "Usage"},
            {"CheckFunction": "CheckNotValue", "CheckCondition": "ResourceId", "Value": null},
            {"CheckFunction": "CheckSomethingNew", "ColumnName": "X"},
            {"CheckFunction": "TypeString"}
        ]});
        let Some(Check::Or(items)) = Check::from_json(&node) else {
            panic!("not an OR")
        };
        assert_eq!(
            items[0],
            Check::CheckValue("ChargeCategory".into(), Literal::Text("Usage".into()))
        );
        assert_eq!(
            items[1],
            Check::CheckNotValue("ResourceId".into(), Literal::Null)
        );
        assert!(
            matches!(&items[2], Check::Unknown { function, reason } if function == "CheckSomethingNew" && reason.contains("not known"))
        );
        assert!(
            matches!(&items[3], Check::Unknown { reason, .. } if reason.contains("ColumnName"))
        );
        assert_eq!(Check::from_json(&json!({})), None);
    }
}
