//! `meterage list`: every API and operation, as a text table.

use meterage_runtime::describe::Api;

use crate::apis::kebab;
use crate::commands::flag_name;

/// The listing of `apis`: per API a heading (command, title, spec), then one line per
/// operation: its command, whether it pages, its record key, its period, its summary.
pub fn list(apis: &[&Api]) -> String {
    let mut text = String::new();
    for api in apis {
        text.push_str(&format!(
            "{}  {} ({})\n",
            kebab(api.name),
            api.title,
            api.spec
        ));
        let rows: Vec<[String; 5]> = api
            .operations
            .iter()
            .map(|operation| {
                [
                    format!("  {}", kebab(operation.name)),
                    operation
                        .paging
                        .map_or("-".to_owned(), |paging| paging.style.to_owned()),
                    if operation.record_key.is_empty() {
                        "-".to_owned()
                    } else {
                        operation.record_key.join("+")
                    },
                    operation
                        .period
                        .map_or("-".to_owned(), |period| match period.end {
                            Some(end) => {
                                format!("--{}..--{}", flag_name(period.start), flag_name(end))
                            }
                            None => format!("--{}", flag_name(period.start)),
                        }),
                    operation.summary.to_owned(),
                ]
            })
            .collect();
        let header =
            ["  OPERATION", "PAGED", "KEY", "PERIOD (--month)", "SUMMARY"].map(String::from);
        let mut widths = [0; 4];
        for row in std::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (column, cell) in row.iter().enumerate() {
                match widths.get(column) {
                    Some(width) => {
                        let pad = width.saturating_sub(cell.chars().count());
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad + 2));
                    }
                    None => line.push_str(cell),
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::FAKE;

    #[test]
    fn every_operation_is_listed_with_paging_key_and_period() {
        let text = list(&[&FAKE]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "fake-api  Fake API (specs/fake.yaml)");
        assert!(
            lines[1].starts_with("  OPERATION    PAGED        KEY  PERIOD"),
            "{text}"
        );
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            [
                "list-bills",
                "page-number",
                "Id",
                "--bill-begin..--bill-end",
                "List",
                "the",
                "bills"
            ]
        );
        assert_eq!(
            lines[3].split_whitespace().collect::<Vec<_>>(),
            ["get-balance", "-", "-", "-", "The", "balance"]
        );
    }
}
