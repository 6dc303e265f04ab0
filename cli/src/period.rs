//! Periods: `--month 2026-10` turned into the values of the parameters an operation's
//! `x-period` names, written in the format the spec gives.

use std::fmt;
use std::str::FromStr;

use meterage_runtime::describe::Period;
use time::format_description::{self, BorrowedFormatItem};
use time::{Date, Month as MonthOfYear, PrimitiveDateTime, Time};

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: MonthOfYear,
}

/// A month that does not read, or a period format the time crate refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not `YYYY-MM`.
    #[error("`{0}` is not a month: write it as YYYY-MM, e.g. 2026-10")]
    Month(String),
    /// The spec's `x-period` format does not parse or does not write these values.
    #[error("the period format `{format}` of the spec does not work: {problem}")]
    Format {
        /// The format description.
        format: &'static str,
        /// What is wrong.
        problem: String,
    },
}

impl Month {
    /// The month `month` (1–12) of `year`.
    pub fn new(year: i32, month: u8) -> Option<Self> {
        let month = MonthOfYear::try_from(month).ok()?;
        Date::from_calendar_date(year, month, 1).ok()?;
        Some(Self { year, month })
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        // `new` and `next` only make months whose first day exists.
        Date::from_calendar_date(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    /// The month after it.
    pub fn next(self) -> Self {
        match self.month {
            MonthOfYear::December => Self {
                year: self.year + 1,
                month: MonthOfYear::January,
            },
            month => Self {
                year: self.year,
                month: month.next(),
            },
        }
    }
}

impl FromStr for Month {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, PeriodError> {
        let refuse = || PeriodError::Month(text.to_owned());
        let (year, month) = text.split_once('-').ok_or_else(refuse)?;
        if year.len() != 4
            || month.len() != 2
            || !(year.bytes().chain(month.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(refuse());
        }
        let year = year.parse().map_err(|_| refuse())?;
        let month = month.parse().map_err(|_| refuse())?;
        Month::new(year, month).ok_or_else(refuse)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

/// The parameters (setter name, value) that ask `period` for `month`: its start and, when
/// the operation has one, its end (the month's last second when the spec says the end is
/// inclusive, else the next month's first).
///
/// # Errors
///
/// A format the time crate cannot parse or write with.
pub fn args(period: &Period, month: Month) -> Result<Vec<(&'static str, String)>, PeriodError> {
    let format = format_description::parse_borrowed::<1>(period.format).map_err(|error| {
        PeriodError::Format {
            format: period.format,
            problem: error.to_string(),
        }
    })?;
    let start = PrimitiveDateTime::new(month.first_day(), Time::MIDNIGHT);
    let mut args = vec![(period.start, write(period, &format, start)?)];
    if let Some(end) = period.end {
        let next = PrimitiveDateTime::new(month.next().first_day(), Time::MIDNIGHT);
        let last = if period.end_inclusive {
            next - time::Duration::SECOND
        } else {
            next
        };
        args.push((end, write(period, &format, last)?));
    }
    Ok(args)
}

fn write(
    period: &Period,
    format: &[BorrowedFormatItem<'_>],
    at: PrimitiveDateTime,
) -> Result<String, PeriodError> {
    at.format(format).map_err(|error| PeriodError::Format {
        format: period.format,
        problem: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        text.parse().expect("a month")
    }

    #[test]
    fn months_read_as_yyyy_mm_only() {
        assert_eq!(month("2026-10").to_string(), "2026-10");
        assert_eq!(month("2026-12").next().to_string(), "2027-01");
        for bad in [
            "2026-13", "2026-1", "26-10", "2026/10", "2026-00", "", "2026-1a",
        ] {
            assert_eq!(
                bad.parse::<Month>(),
                Err(PeriodError::Month(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_range_ends_at_the_last_second_or_the_next_month() {
        let inclusive = Period {
            start: "begin",
            end: Some("end"),
            format: "[year]-[month]-[day] [hour]:[minute]:[second]",
            end_inclusive: true,
        };
        assert_eq!(
            args(&inclusive, month("2024-02")),
            Ok(vec![
                ("begin", "2024-02-01 00:00:00".to_owned()),
                ("end", "2024-02-29 23:59:59".to_owned())
            ])
        );
        let exclusive = Period {
            end_inclusive: false,
            format: "[year]-[month]-[day]",
            ..inclusive
        };
        assert_eq!(
            args(&exclusive, month("2026-12")),
            Ok(vec![
                ("begin", "2026-12-01".to_owned()),
                ("end", "2027-01-01".to_owned())
            ])
        );
        let cycle = Period {
            start: "billing_cycle",
            end: None,
            format: "[year][month]",
            end_inclusive: false,
        };
        assert_eq!(
            args(&cycle, month("2026-10")),
            Ok(vec![("billing_cycle", "202610".to_owned())])
        );
        let broken = Period {
            format: "[yeer]",
            ..cycle
        };
        assert!(matches!(
            args(&broken, month("2026-10")),
            Err(PeriodError::Format {
                format: "[yeer]",
                ..
            })
        ));
    }
}
