//! RFC 3339 timestamps and relative times ("expires in 3 h 12 min"),
//! without a date-time crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable that pins "now" for relative times, as an RFC
/// 3339 timestamp: for reproducible output in tests and documentation.
pub(crate) const ENV_NOW: &str = "BLACKBOX_NOW";

/// Seconds in a minute, an hour and a day.
const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// Seconds since the Unix epoch of an RFC 3339 timestamp
/// (`2026-11-27T13:00:00Z`, `2026-11-27t13:00:00.123+02:00`, `2026-11-27 13:00:00Z`),
/// or `None` when `text` is not one. Fractions of a second are dropped; a leap
/// second (`:60`) counts as the first second of the next minute.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let year = number(bytes, 0, 4)?;
    let month = number(bytes, 5, 2)?;
    let day = number(bytes, 8, 2)?;
    let hour = number(bytes, 11, 2)?;
    let minute = number(bytes, 14, 2)?;
    let second = number(bytes, 17, 2)?;
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators
        .iter()
        .any(|&(at, expected)| bytes.get(at) != Some(&expected))
    {
        return None;
    }
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = bytes.get(19..)?;
    if let Some((b'.', fraction)) = rest.split_first() {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = fraction.get(digits..)?;
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest.get(3) == Some(&b':') => {
            let hours = number(rest, 1, 2)?;
            let minutes = number(rest, 4, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3_600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

/// The decimal number of `len` ASCII digits at `at`.
fn number(bytes: &[u8], at: usize, len: usize) -> Option<i64> {
    let digits = bytes.get(at..at.checked_add(len)?)?;
    digits.iter().try_fold(0_i64, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + i64::from(byte - b'0'))
    })
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`, <https://howardhinnant.github.io/date_algorithms.html>).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Now, in seconds since the Unix epoch: `BLACKBOX_NOW` when set, else the
/// system clock.
///
/// # Errors
///
/// The message for a `BLACKBOX_NOW` that is not an RFC 3339 timestamp.
pub(crate) fn now() -> Result<i64, String> {
    match std::env::var_os(ENV_NOW) {
        Some(value) if !value.is_empty() => {
            value.to_str().and_then(parse_rfc3339).ok_or_else(|| {
                format!("{ENV_NOW} must be an RFC 3339 time such as 2026-11-27T13:00:00Z")
            })
        }
        _ => Ok(system_now()),
    }
}

fn system_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// A length of time in its two largest units, rounded down:
/// `42 s`, `5 min`, `3 h 12 min`, `2 d`, `2 d 4 h`.
pub(crate) fn span(seconds: u64) -> String {
    match seconds {
        0..MINUTE => format!("{seconds} s"),
        MINUTE..HOUR => format!("{} min", seconds / MINUTE),
        HOUR..DAY => match (seconds / HOUR, seconds % HOUR / MINUTE) {
            (hours, 0) => format!("{hours} h"),
            (hours, minutes) => format!("{hours} h {minutes} min"),
        },
        _ => match (seconds / DAY, seconds % DAY / HOUR) {
            (days, 0) => format!("{days} d"),
            (days, hours) => format!("{days} d {hours} h"),
        },
    }
}

/// When a session expires, from now: `expires in 3 h 12 min`, `expired 2 d
/// ago`, or `expired just now` (a session expires when `expires_at <= now`).
pub(crate) fn expiry(expires_at: i64, now: i64) -> String {
    let distance = span(expires_at.abs_diff(now));
    if expires_at > now {
        format!("expires in {distance}")
    } else if expires_at == now {
        "expired just now".to_owned()
    } else {
        format!("expired {distance} ago")
    }
}

/// When something happened, from now: `2 h ago`, `just now`, or `in 5 min`
/// for a time ahead of this machine's clock.
pub(crate) fn ago(at: i64, now: i64) -> String {
    let distance = span(at.abs_diff(now));
    if at < now {
        format!("{distance} ago")
    } else if at == now {
        "just now".to_owned()
    } else {
        format!("in {distance}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_timestamps() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-27T13:00:00Z"), Some(1_795_784_400));
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(parse_rfc3339("9999-12-31T23:59:59Z"), Some(253_402_300_799));
        assert_eq!(parse_rfc3339("0000-01-01T00:00:00Z"), Some(-62_167_219_200));
        assert_eq!(parse_rfc3339("2099-01-01T12:00:00Z"), Some(4_070_952_000));
    }

    #[test]
    fn parses_variants_the_rfc_allows() {
        let base = Some(1_795_784_400);
        for text in [
            "2026-11-27t13:00:00z",
            "2026-11-27 13:00:00Z",
            "2026-11-27T13:00:00.999999Z",
            "2026-11-27T15:00:00+02:00",
            "2026-11-27T10:30:00-02:30",
            "2026-11-27T13:00:00.5+00:00",
        ] {
            assert_eq!(parse_rfc3339(text), base, "{text}");
        }
        assert_eq!(parse_rfc3339("2026-11-27T12:59:60Z"), base, "leap second");
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for text in [
            "",
            "2026",
            "2026-11-27",
            "2026-11-27T13:00:00",
            "2026-11-27T13:00Z",
            "2026-11-27T13:00:00ZZ",
            "2026-11-27T13:00:00.Z",
            "2026-11-27T13:00:00+0200",
            "2026-11-27T13:00:00+02:00:00",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-00T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T13:60:00Z",
            "2026-11-27T13:00:61Z",
            "2026-11-27T13:00:00+24:00",
            "2026/11/27T13:00:00Z",
            "2026-11-27X13:00:00Z",
            "+026-11-27T13:00:00Z",
            "2026-1a-27T13:00:00Z",
            "２０２６-11-27T13:00:00Z",
            "2026-11-27T13:00:00Zé",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        assert_eq!(parse_rfc3339("1900-02-29T00:00:00Z"), None);
    }

    #[test]
    fn agrees_with_a_day_by_day_count() {
        // Every day from 1968 to 2032 against counting forward one day at a time.
        let mut expected = parse_rfc3339("1968-01-01T00:00:00Z").unwrap_or_default();
        for year in 1968..2032 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let text = format!("{year:04}-{month:02}-{day:02}T00:00:00Z");
                    assert_eq!(parse_rfc3339(&text), Some(expected), "{text}");
                    expected += 86_400;
                }
            }
        }
    }

    #[test]
    fn spans_show_the_two_largest_units() {
        assert_eq!(span(0), "0 s");
        assert_eq!(span(59), "59 s");
        assert_eq!(span(60), "1 min");
        assert_eq!(span(3_599), "59 min");
        assert_eq!(span(3_600), "1 h");
        assert_eq!(span(3 * 3_600 + 12 * 60 + 59), "3 h 12 min");
        assert_eq!(span(86_399), "23 h 59 min");
        assert_eq!(span(2 * 86_400), "2 d");
        assert_eq!(span(2 * 86_400 + 4 * 3_600 + 59), "2 d 4 h");
        assert_eq!(span(u64::MAX), "213503982334601 d 7 h");
    }

    #[test]
    fn expiry_and_age_read_naturally() {
        let now = 1_795_784_400;
        assert_eq!(
            expiry(now + 3 * 3_600 + 12 * 60, now),
            "expires in 3 h 12 min"
        );
        assert_eq!(expiry(now - 2 * 86_400, now), "expired 2 d ago");
        assert_eq!(expiry(now, now), "expired just now");
        assert_eq!(
            expiry(i64::MAX, i64::MIN),
            "expires in 213503982334601 d 7 h"
        );
        assert_eq!(ago(now - 7_200, now), "2 h ago");
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now + 300, now), "in 5 min");
    }
}
