//! Dates and times in the formats vendors expect on the wire, from text or from typed
//! values of the [`time`] crate, formatted exactly.
//!
//! A generated setter of a parameter the spec gives a date format takes
//! `impl Into<Date>` (or [`YearMonth`], [`LocalDateTime`]): text as the vendor writes it
//! (checked against the spec's `pattern` before sending), or a `time` value, which is
//! formatted into the vendor's text and always matches.
//!
//! ```
//! use meterage_runtime::dates::{Date, LocalDateTime, YearMonth};
//! use meterage_runtime::time::{Date as TimeDate, Month, PrimitiveDateTime, Time};
//!
//! let day = TimeDate::from_calendar_date(2014, Month::December, 1)?;
//! assert_eq!(Date::from(day).as_str(), "2014-12-01");
//! assert_eq!(YearMonth::from(day).as_str(), "2014-12");
//! let at = PrimitiveDateTime::new(day, Time::from_hms(7, 5, 9)?);
//! assert_eq!(LocalDateTime::from(at).as_str(), "2014-12-01 07:05:09");
//! assert_eq!(Date::from("2014-12-01").as_str(), "2014-12-01");
//! # Ok::<(), meterage_runtime::time::error::ComponentRange>(())
//! ```

use std::fmt;

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::request::ToParam;
use crate::validate::Pattern;

macro_rules! date_text {
    ($(#[$doc:meta])* $name:ident, $format:literal, $pattern:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The format, as the vendors document it.
            pub const FORMAT: &'static str = $format;

            /// The text sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The pattern text in this format matches (checked before sending when the
            /// spec gives none of its own).
            pub fn pattern() -> &'static Pattern {
                static PATTERN: Pattern = Pattern::new($pattern, Some($format));
                &PATTERN
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        /// Any text, as `From<&str>`: checked against the format before sending.
        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl ToParam for $name {
            fn to_param(&self) -> String {
                self.0.clone()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        /// Any text: a response is described, never checked.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self)
            }
        }
    };
}

date_text!(
    /// A calendar date, `YYYY-MM-DD` (PLCloud's `start_at`).
    Date,
    "YYYY-MM-DD",
    r"^\d{4}-\d{2}-\d{2}$"
);
date_text!(
    /// A month, `yyyy-MM` (GSL's `billing_cycle`).
    YearMonth,
    "yyyy-MM",
    r"^\d{4}-\d{2}$"
);
date_text!(
    /// A date and time of day without a zone, `yyyy-MM-dd HH:mm:ss` (NCE's `beginTime`,
    /// Kaopuyun's `BillBeginDate`): the server's local time, as the vendor documents it.
    LocalDateTime,
    "yyyy-MM-dd HH:mm:ss",
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
);

fn ymd(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl From<time::Date> for Date {
    fn from(date: time::Date) -> Self {
        Self(ymd(date))
    }
}

impl From<time::Date> for YearMonth {
    fn from(date: time::Date) -> Self {
        Self(format!("{:04}-{:02}", date.year(), u8::from(date.month())))
    }
}

impl From<PrimitiveDateTime> for LocalDateTime {
    fn from(at: PrimitiveDateTime) -> Self {
        Self(format!(
            "{} {:02}:{:02}:{:02}",
            ymd(at.date()),
            at.hour(),
            at.minute(),
            at.second()
        ))
    }
}

/// The date and time of day in the value's own offset (the caller chooses the offset the
/// server's local time has).
impl From<OffsetDateTime> for LocalDateTime {
    fn from(at: OffsetDateTime) -> Self {
        Self::from(PrimitiveDateTime::new(at.date(), at.time()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::{Month, Time, UtcOffset};

    #[test]
    fn typed_values_are_formatted_exactly() {
        let day = time::Date::from_calendar_date(987, Month::January, 2).unwrap();
        assert_eq!(Date::from(day).to_param(), "0987-01-02");
        let at = PrimitiveDateTime::new(day, Time::from_hms(23, 0, 1).unwrap());
        let offset = at.assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap());
        assert_eq!(LocalDateTime::from(offset).as_str(), "0987-01-02 23:00:01");
        assert_eq!(
            format!("{:?}", YearMonth::from("2022-09")),
            "YearMonth(\"2022-09\")"
        );
        assert_eq!(
            serde_json::to_string(&Date::from(day)).unwrap(),
            "\"0987-01-02\""
        );
        let back: LocalDateTime = serde_json::from_str("\"2022-10-25 10:15\"").unwrap();
        assert_eq!(back.as_str(), "2022-10-25 10:15");
    }

    #[test]
    fn each_format_has_its_pattern() {
        assert!(Date::pattern().matches("2014-12-01"));
        assert!(!Date::pattern().matches("2014-12-1"));
        assert!(YearMonth::pattern().matches("2022-09"));
        assert!(!YearMonth::pattern().matches("2022-9"));
        assert!(LocalDateTime::pattern().matches("2017-11-24 17:26:55"));
        assert!(!LocalDateTime::pattern().matches("2017-11-24T17:26:55"));
        let day = time::Date::from_calendar_date(2022, Month::September, 30).unwrap();
        assert!(YearMonth::pattern().matches(YearMonth::from(day).as_str()));
    }
}
