//! A table for a terminal: the records are kept until the end, then written in columns
//! as wide as their widest cell (up to a limit; longer cells are cut with `…`), wide
//! characters (Chinese) counted as two columns.

use std::io::Write;

use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::csv::{outside_schema, text};
use super::{flush, Out, OutputError};
use crate::record::Columns;

/// The widest a column gets, in terminal columns.
const MAX_WIDTH: usize = 40;

pub(super) struct TableOut {
    columns: Columns,
    out: Out,
    name: String,
    rows: Vec<Vec<String>>,
}

impl TableOut {
    pub(super) fn new(columns: Columns, (out, name): (Out, String)) -> Self {
        Self {
            columns,
            out,
            name,
            rows: Vec::new(),
        }
    }

    pub(super) fn record<T: Serialize>(&mut self, record: &T) -> Result<(), OutputError> {
        let row = self.columns.flatten(record)?;
        let cells = if self.columns.is_empty() {
            row.extra.iter().map(|(_, cell)| text(cell)).collect()
        } else {
            if let Some((name, _)) = row.extra.first() {
                return Err(outside_schema(self.rows.len() as u64 + 1, name));
            }
            row.cells.iter().map(text).collect()
        };
        self.rows.push(cells);
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<(), OutputError> {
        let header: Vec<String> = if self.columns.is_empty() {
            vec!["value".to_owned()]
        } else {
            self.columns
                .columns()
                .iter()
                .map(|column| column.name.clone())
                .collect()
        };
        let mut widths: Vec<usize> = header
            .iter()
            .map(|name| name.width().min(MAX_WIDTH))
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width().min(MAX_WIDTH));
            }
        }
        let mut text = String::new();
        line(&mut text, &header, &widths);
        let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
        line(&mut text, &rule, &widths);
        for row in &self.rows {
            line(&mut text, row, &widths);
        }
        let records = self.rows.len();
        text.push_str(&format!(
            "({records} record{})\n",
            if records == 1 { "" } else { "s" }
        ));
        self.out
            .write_all(text.as_bytes())
            .map_err(OutputError::io(&self.name))?;
        flush(self.out, &self.name)
    }
}

/// Appends one line of `cells`, each padded or cut to its width, separated by two spaces.
fn line(text: &mut String, cells: &[String], widths: &[usize]) {
    for (index, (cell, &width)) in cells.iter().zip(widths).enumerate() {
        if index > 0 {
            text.push_str("  ");
        }
        let (shown, used) = fit(cell, width);
        text.push_str(&shown);
        if index + 1 < cells.len() {
            text.push_str(&" ".repeat(width - used));
        }
    }
    text.push('\n');
}

/// `cell` on one line within `width` terminal columns (cut with `…` when longer), and the
/// columns it takes.
fn fit(cell: &str, width: usize) -> (String, usize) {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let full = flat.width();
    if full <= width {
        return (flat, full);
    }
    let mut shown = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        shown.push(c);
        used += w;
    }
    shown.push('…');
    (shown, used + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_twice_and_long_cells_are_cut() {
        assert_eq!(fit("流水账单", 10), ("流水账单".to_owned(), 8));
        assert_eq!(fit("流水账单", 6), ("流水…".to_owned(), 5));
        assert_eq!(fit("a\nb", 5), ("a b".to_owned(), 3));
        let mut text = String::new();
        line(&mut text, &["id".to_owned(), "名称".to_owned()], &[4, 4]);
        assert_eq!(text, "id    名称\n");
    }
}
