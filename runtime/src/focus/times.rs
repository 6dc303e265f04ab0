//! Times: a vendor's local time read with a `time` format description and made UTC,
//! the first instant of a month, and the FOCUS way of writing a date-time.

use std::fmt;

use time::format_description::{self, OwnedFormatItem};
use time::parsing::Parsed;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The finest component a format reads, for an inclusive end.
#[derive(Debug, Clone, Copy)]
enum Precision {
    Day,
    Hour,
    Minute,
    Second,
}

/// A time `text` written as `format` describes (RFC 3339 when `None`), in `zone`
/// unless it carries its own offset, as UTC; with `end_inclusive`, one unit of the
/// format's finest component later.
pub(super) fn parse(
    text: &str,
    format: Option<&str>,
    zone: UtcOffset,
    end_inclusive: bool,
) -> Result<OffsetDateTime, String> {
    let Some(format) = format else {
        return OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .map(|t| t.to_offset(UtcOffset::UTC))
            .map_err(|e| format!("`{text}` is not an RFC 3339 date-time: {e}"));
    };
    let (parsed, precision) = read(text, format)?;
    let date = date_of(&parsed, text)?;
    let clock = Time::from_hms(
        parsed.hour_24().unwrap_or(0),
        parsed.minute().unwrap_or(0),
        parsed.second().unwrap_or(0),
    )
    .map_err(|e| format!("`{text}`: {e}"))?;
    let offset = match parsed.offset_hour() {
        Some(hours) => UtcOffset::from_hms(
            hours,
            parsed.offset_minute_signed().unwrap_or(0),
            parsed.offset_second_signed().unwrap_or(0),
        )
        .map_err(|e| format!("`{text}`: {e}"))?,
        None => zone,
    };
    let local = PrimitiveDateTime::new(date, clock).assume_offset(offset);
    let local = if end_inclusive {
        local
            + match precision {
                Precision::Day => Duration::DAY,
                Precision::Hour => Duration::HOUR,
                Precision::Minute => Duration::MINUTE,
                Precision::Second => Duration::SECOND,
            }
    } else {
        local
    };
    Ok(local.to_offset(UtcOffset::UTC))
}

/// The first instant of the month `text` (written as `format`) falls in, in `zone`, as
/// UTC; of the month after it with `next`.
pub(super) fn month(
    text: &str,
    format: &str,
    zone: UtcOffset,
    next: bool,
) -> Result<OffsetDateTime, String> {
    let (parsed, _) = read(text, format)?;
    let (Some(year), Some(month)) = (parsed.year(), parsed.month()) else {
        return Err(format!(
            "`{text}` read as `{format}` gives no year and month"
        ));
    };
    let (year, month) = if next {
        match month {
            Month::December => (year + 1, Month::January),
            m => (year, m.next()),
        }
    } else {
        (year, month)
    };
    let first = Date::from_calendar_date(year, month, 1).map_err(|e| format!("`{text}`: {e}"))?;
    Ok(first
        .midnight()
        .assume_offset(zone)
        .to_offset(UtcOffset::UTC))
}

/// `text` read with the format description `format` (version 1, `[optional [...]]` and
/// `[first [...][...]]` included), and the finest component it read.
fn read(text: &str, format: &str) -> Result<(Parsed, Precision), String> {
    // Owned, so that `[optional [...]]` and `[first [...]]` may be used: a vendor that
    // writes a date or a date and time (AWS's periods) is read by one format.
    let item: OwnedFormatItem = format_description::parse_owned::<1>(format)
        .map_err(|e| format!("`{format}` is not a `time` format description: {e}"))?;
    let mut parsed = Parsed::new();
    let rest = parsed
        .parse_item(text.as_bytes(), &item)
        .map_err(|e| format!("`{text}` is not written as `{format}`: {e}"))?;
    if !rest.is_empty() {
        return Err(format!(
            "`{text}` has text left over after `{format}`: `{}`",
            String::from_utf8_lossy(rest)
        ));
    }
    let precision = if parsed.second().is_some() {
        Precision::Second
    } else if parsed.minute().is_some() {
        Precision::Minute
    } else if parsed.hour_24().is_some() {
        Precision::Hour
    } else {
        Precision::Day
    };
    Ok((parsed, precision))
}

/// The calendar date `parsed` holds.
fn date_of(parsed: &Parsed, text: &str) -> Result<Date, String> {
    match (parsed.year(), parsed.month(), parsed.day()) {
        (Some(year), Some(month), day) => {
            Date::from_calendar_date(year, month, day.map_or(1, |d| d.get()))
                .map_err(|e| format!("`{text}`: {e}"))
        }
        _ => Err(format!("`{text}` gives no year and month")),
    }
}

/// Writes `t` in UTC as `YYYY-MM-DDTHH:mm:ssZ`.
pub(super) fn write_utc(f: &mut fmt::Formatter<'_>, t: OffsetDateTime) -> fmt::Result {
    let t = t.to_offset(UtcOffset::UTC);
    write!(
        f,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
