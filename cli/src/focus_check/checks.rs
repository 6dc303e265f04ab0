//! The check functions over the table: each gives a [`Truth`] for the dataset, per row,
//! or unknown with the reason.
//!
//! Row checks on values (formats, comparisons, currencies) pass null cells: whether a
//! column may be null is a rule of its own (`CheckNotValue ... null`). In a condition a
//! column not in the dataset reads as all null; in a requirement it makes the check
//! unknown.

use std::collections::{BTreeMap, BTreeSet};

use arrow_schema::DataType;

use super::eval::{Evaluator, Truth, VIRTUAL_CURRENCY};
use super::model::{Check, Literal};
use super::report::Status;
use super::table::{Cell, Column, ColumnType};
use super::values::{
    is_focus_datetime, is_iso_datetime, is_numeric_format, is_unit_format, key_value_problem,
    Decimal,
};

impl<'a> Evaluator<'a> {
    /// The truth of `check`; in a condition an absent column reads as all null.
    pub fn check(&mut self, check: &Check, in_condition: bool) -> Truth {
        match check {
            Check::And(items) => self.combine(items, in_condition, true),
            Check::Or(items) => self.combine(items, in_condition, false),
            Check::ColumnPresent(name) => match self.table.column(name) {
                Some(_) => Truth::Dataset(true, None),
                None => Truth::Dataset(false, Some(format!("column {name} is not in the dataset"))),
            },
            // A child that is not MUST / MUST NOT is reported at its own keyword and
            // never decides its parent.
            Check::CheckModelRule(id)
                if self.model.model_rules.get(id).is_some_and(|r| !r.is_must()) =>
            {
                self.rule(id);
                Truth::Dataset(true, None)
            }
            Check::CheckModelRule(id) => match self.rule(id) {
                Status::Pass { .. } | Status::NotApplicable { .. } => Truth::Dataset(true, None),
                Status::Fail { .. } => Truth::Dataset(false, Some(format!("{id} fails"))),
                Status::CannotEvaluate { .. } => {
                    Truth::Unknown(format!("{id} cannot be evaluated"))
                }
            },
            Check::Unknown { function, reason } => Truth::Unknown(if function.is_empty() {
                reason.clone()
            } else {
                format!("{function}: {reason}")
            }),
            Check::CheckValue(name, literal) => {
                self.each(name, in_condition, |cell| matches_literal(cell, literal))
            }
            Check::CheckNotValue(name, literal) => {
                self.each(name, in_condition, |cell| !matches_literal(cell, literal))
            }
            Check::CheckGreaterOrEqualThanValue(name, literal) => {
                let Some(bound) = literal_decimal(literal) else {
                    return Truth::Unknown(format!("{literal:?} is not a number to compare with"));
                };
                self.values(name, in_condition, |text| {
                    Decimal::parse(text)
                        .and_then(|d| d.compare(bound))
                        .is_some_and(|o| o.is_ge())
                })
            }
            Check::CheckDecimalValue(name) => {
                self.values(name, in_condition, |t| Decimal::parse(t).is_some())
            }
            Check::FormatNumeric(name) => self.values(name, in_condition, is_numeric_format),
            Check::FormatDateTime(name) => self.values(name, in_condition, is_focus_datetime),
            Check::FormatUnit(name) => self.values(name, in_condition, is_unit_format),
            Check::FormatKeyValue(name) => {
                self.values(name, in_condition, |t| key_value_problem(t).is_none())
            }
            Check::FormatString(name) => self.each(name, in_condition, |cell| match cell {
                Cell::Text(s) => !s.trim().is_empty(),
                _ => true,
            }),
            Check::CheckNationalCurrency(name) => self.currency(name, in_condition, false),
            Check::FormatCurrency(name) => {
                let virtual_ok = self.settings.applicable.contains(VIRTUAL_CURRENCY);
                self.currency(name, in_condition, virtual_ok)
            }
            Check::TypeString(name) => self.typed(
                name,
                in_condition,
                "a string",
                |t| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View),
                |_| true,
            ),
            Check::TypeDecimal(name) => self.typed(
                name,
                in_condition,
                "a decimal",
                |t| t.is_numeric(),
                |text| Decimal::parse(text).is_some(),
            ),
            Check::TypeDateTime(name) => self.typed(
                name,
                in_condition,
                "a timestamp",
                |t| matches!(t, DataType::Timestamp(_, _)),
                is_iso_datetime,
            ),
            Check::CheckSameValue(a, b) => self.pairs(a, b, in_condition, |x, y| x == y),
            Check::CheckNotSameValue(a, b) => self.pairs(a, b, in_condition, |x, y| {
                x.is_none() || y.is_none() || x != y
            }),
            Check::CheckDistinctCount(a, b, expected) => {
                self.distinct(a, b, *expected, in_condition)
            }
            Check::ColumnByColumnEqualsColumnValue(a, b, result) => {
                self.product(a, b, result, in_condition)
            }
        }
    }

    fn combine(&mut self, items: &[Check], in_condition: bool, all: bool) -> Truth {
        let truths: Vec<Truth> = items.iter().map(|i| self.check(i, in_condition)).collect();
        if let Some(decided) = truths
            .iter()
            .find(|t| matches!(t, Truth::Dataset(v, _) if *v != all))
        {
            return decided.clone();
        }
        if let Some(unknown) = truths.iter().find(|t| matches!(t, Truth::Unknown(_))) {
            return unknown.clone();
        }
        let mut rows: Option<Vec<bool>> = None;
        for truth in truths {
            if let Truth::Rows(these) = truth {
                rows = Some(match rows {
                    None => these,
                    Some(mut so_far) => {
                        for (acc, v) in so_far.iter_mut().zip(these) {
                            *acc = if all { *acc && v } else { *acc || v };
                        }
                        so_far
                    }
                });
            }
        }
        match rows {
            Some(rows) => Truth::Rows(rows),
            None => Truth::Dataset(all, None),
        }
    }

    fn column(&self, name: &str, in_condition: bool) -> Result<Option<&'a Column>, Truth> {
        match self.table.column(name) {
            Some(column) => match &column.kind {
                ColumnType::Unsupported(t) => Err(Truth::Unknown(format!(
                    "column {name} has the Parquet type {t}, which the checker does not read"
                ))),
                _ => Ok(Some(column)),
            },
            None if in_condition => Ok(None),
            None => Err(Truth::Unknown(format!(
                "column {name} is not in the dataset"
            ))),
        }
    }

    /// A verdict per cell of `name` (null cells included).
    fn each(&self, name: &str, in_condition: bool, test: impl Fn(&Cell) -> bool) -> Truth {
        match self.column(name, in_condition) {
            Err(truth) => truth,
            Ok(None) => Truth::Dataset(test(&Cell::Null), None),
            Ok(Some(column)) => Truth::Rows(column.cells.iter().map(test).collect()),
        }
    }

    /// A verdict per value of `name`; null cells pass (nullability is a rule of its own).
    fn values(&self, name: &str, in_condition: bool, test: impl Fn(&str) -> bool) -> Truth {
        self.each(name, in_condition, |cell| cell.text().is_none_or(&test))
    }

    fn currency(&self, name: &str, in_condition: bool, virtual_ok: bool) -> Truth {
        let Some(codes) = &self.settings.currencies else {
            return Truth::Unknown(
                "no ISO 4217 currency list (currency_codes.csv) was found".into(),
            );
        };
        self.each(name, in_condition, |cell| match cell {
            Cell::Null => true,
            Cell::Text(s) => codes.contains(s) || (virtual_ok && !s.trim().is_empty()),
            _ => false,
        })
    }

    /// A type check: Parquet by the column's Arrow type, CSV by every value.
    fn typed(
        &self,
        name: &str,
        in_condition: bool,
        what: &str,
        arrow: impl Fn(&DataType) -> bool,
        csv: impl Fn(&str) -> bool,
    ) -> Truth {
        match self.column(name, in_condition) {
            Err(truth) => truth,
            Ok(None) => Truth::Dataset(true, None),
            Ok(Some(column)) => match &column.kind {
                ColumnType::Arrow(t) if arrow(t) => Truth::Dataset(true, None),
                ColumnType::Arrow(t) | ColumnType::Unsupported(t) => Truth::Dataset(
                    false,
                    Some(format!(
                        "column {name} has the Parquet type {t}, not {what}"
                    )),
                ),
                ColumnType::Untyped => Truth::Rows(
                    column
                        .cells
                        .iter()
                        .map(|c| c.text().is_none_or(&csv))
                        .collect(),
                ),
            },
        }
    }

    fn two(
        &self,
        a: &str,
        b: &str,
        in_condition: bool,
    ) -> Result<(Vec<&'a Cell>, Vec<&'a Cell>), Truth> {
        let cells = |column: Option<&'a Column>| -> Vec<&'a Cell> {
            match column {
                Some(c) => c.cells.iter().collect(),
                None => vec![&Cell::Null; self.table.rows],
            }
        };
        Ok((
            cells(self.column(a, in_condition)?),
            cells(self.column(b, in_condition)?),
        ))
    }

    fn pairs(
        &self,
        a: &str,
        b: &str,
        in_condition: bool,
        test: impl Fn(Option<&str>, Option<&str>) -> bool,
    ) -> Truth {
        match self.two(a, b, in_condition) {
            Err(truth) => truth,
            Ok((xs, ys)) => Truth::Rows(
                xs.iter()
                    .zip(&ys)
                    .map(|(x, y)| test(x.text(), y.text()))
                    .collect(),
            ),
        }
    }

    fn distinct(&self, a: &str, b: &str, expected: u64, in_condition: bool) -> Truth {
        let (xs, ys) = match self.two(a, b, in_condition) {
            Err(truth) => return truth,
            Ok(pair) => pair,
        };
        let mut partners: BTreeMap<&str, BTreeSet<Option<&str>>> = BTreeMap::new();
        for (x, y) in xs.iter().zip(&ys) {
            if let Some(x) = x.text() {
                partners.entry(x).or_default().insert(y.text());
            }
        }
        Truth::Rows(
            xs.iter()
                .map(|x| {
                    x.text().is_none_or(|x| {
                        partners.get(x).map_or(0, |set| set.len() as u64) == expected
                    })
                })
                .collect(),
        )
    }

    fn product(&self, a: &str, b: &str, result: &str, in_condition: bool) -> Truth {
        let (xs, ys) = match self.two(a, b, in_condition) {
            Err(truth) => return truth,
            Ok(pair) => pair,
        };
        let zs: Vec<&Cell> = match self.column(result, in_condition) {
            Err(truth) => return truth,
            Ok(Some(c)) => c.cells.iter().collect(),
            Ok(None) => vec![&Cell::Null; self.table.rows],
        };
        Truth::Rows(
            (0..self.table.rows)
                .map(|i| match (xs[i].text(), ys[i].text(), zs[i].text()) {
                    (Some(x), Some(y), Some(z)) => {
                        match (Decimal::parse(x), Decimal::parse(y), Decimal::parse(z)) {
                            (Some(x), Some(y), Some(z)) => {
                                x.product_matches(y, z).unwrap_or_else(|| {
                                    let (x, y, z) = (x.to_f64(), y.to_f64(), z.to_f64());
                                    (x * y - z).abs() <= 1e-9 * z.abs().max(1.0)
                                })
                            }
                            _ => false,
                        }
                    }
                    _ => true,
                })
                .collect(),
        )
    }
}

fn literal_decimal(literal: &Literal) -> Option<Decimal> {
    match literal {
        Literal::Number(n) | Literal::Text(n) => Decimal::parse(n),
        _ => None,
    }
}

/// Whether `cell` is the literal: null for `null`, the same text for a string, the same
/// number for a number.
fn matches_literal(cell: &Cell, literal: &Literal) -> bool {
    match (cell.text(), literal) {
        (None, Literal::Null) => true,
        (None, _) | (Some(_), Literal::Null) => false,
        (Some(text), Literal::Text(s)) => text == s,
        (Some(text), Literal::Number(n)) => match (Decimal::parse(text), Decimal::parse(n)) {
            (Some(x), Some(y)) => x.compare(y).is_some_and(|o| o.is_eq()),
            _ => text == n,
        },
        (Some(text), Literal::Bool(b)) => {
            text.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
    }
}
