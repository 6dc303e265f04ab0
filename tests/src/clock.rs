//! Time for the fakes: a clock tests can move forward, and the few calendar formats the
//! vendors speak (all UTC).
//!
//! Every fake that expires something (NCE tokens, IAM tokens) or checks a request's age
//! (GSL `X-Sdk-Date`, Kaopuyun `Timestamp`) reads its own [`Clock`]. Advancing it makes
//! the server live in the future: tokens expire without waiting, and requests signed
//! with the real time look stale.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The server's notion of now: the system time plus an offset tests can advance.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Milliseconds since the Unix epoch, as the server sees them.
    pub fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        real.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves the server's clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(span_ms(by), Ordering::SeqCst);
    }

    /// Puts the server's clock back on the system time.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::SeqCst);
    }
}

/// A length of time a fake goes by (a token's lifetime, an idle timeout), which tests
/// may change while it runs.
#[derive(Debug)]
pub(crate) struct Span {
    ms: AtomicI64,
}

impl Span {
    /// A span of `span`.
    pub(crate) fn new(span: Duration) -> Span {
        Span {
            ms: AtomicI64::new(span_ms(span)),
        }
    }

    /// The span is `span` from now on.
    pub(crate) fn set(&self, span: Duration) {
        self.ms.store(span_ms(span), Ordering::SeqCst);
    }

    /// The span in milliseconds, as the clock counts them.
    pub(crate) fn ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// `span` in milliseconds, saturating.
fn span_ms(span: Duration) -> i64 {
    i64::try_from(span.as_millis()).unwrap_or(i64::MAX)
}

/// A UTC calendar time, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    /// The year.
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
    /// The second, 0 to 59.
    pub second: u32,
    /// The millisecond, 0 to 999.
    pub milli: u32,
}

// Howard Hinnant's days-from-civil and civil-from-days algorithms.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are small and positive by construction.
    (year, month as u32, day as u32)
}

impl Utc {
    /// The calendar time of `ms` milliseconds since the Unix epoch.
    pub fn from_unix_ms(ms: i64) -> Utc {
        let days = ms.div_euclid(86_400_000);
        let in_day = ms.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        // `in_day` is below 86 400 000, so every part fits a u32.
        let part = |v: i64| u32::try_from(v).unwrap_or(0);
        Utc {
            year,
            month,
            day,
            hour: part(in_day / 3_600_000),
            minute: part(in_day / 60_000 % 60),
            second: part(in_day / 1000 % 60),
            milli: part(in_day % 1000),
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_ms(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs =
            i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        (days * 86_400 + secs) * 1000 + i64::from(self.milli)
    }

    /// `2016-02-23T12:46:24Z` (Kaopuyun's `Timestamp`).
    pub fn iso_seconds(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2023-09-19T08:30:52.345000Z` (IAM's `expires_at`, microseconds).
    pub fn iso_micros(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.milli
        )
    }

    /// `20200608T023900Z` (Huawei's `X-Sdk-Date`).
    pub fn basic(&self) -> String {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2016-10-25 12:03:37` (NCE's `expiredDate`, `lastChargeTime`).
    pub fn spaced(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Parses `text` against `pattern`, where `Y M D h m s` stand for digits of the
    /// year, month, day, hour, minute and second and every other character must match.
    fn parse(text: &str, pattern: &str) -> Option<Utc> {
        if text.len() != pattern.len() {
            return None;
        }
        let mut fields = [0u32; 6];
        for (c, p) in text.bytes().zip(pattern.bytes()) {
            let slot = b"YMDhms".iter().position(|&f| f == p);
            match slot {
                Some(i) if c.is_ascii_digit() => fields[i] = fields[i] * 10 + u32::from(c - b'0'),
                Some(_) => return None,
                None if c == p => {}
                None => return None,
            }
        }
        let [year, month, day, hour, minute, second] = fields;
        let valid = (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(Utc {
            year: i64::from(year),
            month,
            day,
            hour,
            minute,
            second,
            milli: 0,
        })
    }

    /// Parses `yyyy-MM-ddTHH:mm:ssZ`.
    pub fn parse_iso_seconds(text: &str) -> Option<Utc> {
        Utc::parse(text, "YYYY-MM-DDThh:mm:ssZ")
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    pub fn parse_basic(text: &str) -> Option<Utc> {
        Utc::parse(text, "YYYYMMDDThhmmssZ")
    }

    /// Parses `yyyy-MM-dd HH:mm:ss`.
    pub fn parse_spaced(text: &str) -> Option<Utc> {
        Utc::parse(text, "YYYY-MM-DD hh:mm:ss")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        let t = Utc::parse_iso_seconds("2016-02-23T12:46:24Z").expect("valid");
        assert_eq!(t.unix_ms(), 1_456_231_584_000);
        assert_eq!(Utc::from_unix_ms(1_456_231_584_000), t);
        assert_eq!(Utc::from_unix_ms(0).iso_seconds(), "1970-01-01T00:00:00Z");
        // A leap day and the end of a century.
        for text in [
            "2024-02-29T23:59:59Z",
            "2000-12-31T00:00:00Z",
            "2100-03-01T00:00:00Z",
        ] {
            let t = Utc::parse_iso_seconds(text).expect("valid");
            assert_eq!(Utc::from_unix_ms(t.unix_ms()).iso_seconds(), text);
        }
    }

    #[test]
    fn formats_and_parsers_agree() {
        let t = Utc::from_unix_ms(1_591_583_940_123);
        assert_eq!(t.basic(), "20200608T023900Z");
        assert_eq!(t.iso_micros(), "2020-06-08T02:39:00.123000Z");
        assert_eq!(t.spaced(), "2020-06-08 02:39:00");
        assert_eq!(
            Utc::parse_basic("20200608T023900Z").map(|u| u.unix_ms()),
            Some(1_591_583_940_000)
        );
        assert_eq!(
            Utc::parse_spaced("2020-06-08 02:39:00").map(|u| u.unix_ms()),
            Some(1_591_583_940_000)
        );
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "2016-02-23 12:46:24",
            "2016-13-23T12:46:24Z",
            "2016-02-23T24:00:00Z",
            "2016-02-23T12:46:24",
            "２016-02-23T12:46:24Z",
        ] {
            assert_eq!(Utc::parse_iso_seconds(bad), None, "{bad}");
        }
        assert_eq!(Utc::parse_basic("20200608T0239Z"), None);
    }

    #[test]
    fn the_clock_moves_forward_on_demand() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now_ms() >= before + 3_600_000);
        clock.reset();
        assert!(clock.now_ms() < before + 3_600_000);
    }
}
