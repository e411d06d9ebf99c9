//! HTTP-date parsing (RFC 9110 §5.6.7), for `Retry-After`.
//!
//! Written here rather than taken from `httpdate` because that crate validates a
//! date by converting it back from a `SystemTime`, which costs about 6 KiB of
//! code in a size-optimised binary; this one validates the fields directly in
//! about a fifth of that. The tests check it against `httpdate` byte for byte.

use std::time::{Duration, SystemTime};

const WEEKDAYS: [&[u8]; 7] = [
    b"Monday",
    b"Tuesday",
    b"Wednesday",
    b"Thursday",
    b"Friday",
    b"Saturday",
    b"Sunday",
];
const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
/// Days in the year before each month, in a common year.
const DAYS_BEFORE_MONTH: [u64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// Parses an HTTP-date in any of its three forms, as RFC 9110 asks of
/// recipients: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
/// RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
/// (`Sun Nov  6 08:49:37 1994`). As strict as `httpdate`: the weekday must be the
/// date's, years 1970–9999, no leap seconds.
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    if !text.is_ascii() {
        return None;
    }
    let text = text.trim().as_bytes();
    // Each form as (weekday, day, month, year, "hh:mm:ss"); `_` in a template
    // is a field byte, anything else must match.
    let (weekday, day, month, year, time) = if fits(text, b"___, __ ___ ____ __:__:__ GMT") {
        (
            &text[..3],
            &text[5..7],
            &text[8..11],
            &text[12..16],
            &text[17..25],
        )
    } else if fits(text, b"___ ___ __ __:__:__ ____") {
        // asctime pads a one-digit day with a space.
        let day = if text[8] == b' ' {
            &text[9..10]
        } else {
            &text[8..10]
        };
        (&text[..3], day, &text[4..7], &text[20..24], &text[11..19])
    } else {
        let comma = text.iter().position(|&byte| byte == b',')?;
        let (weekday, rest) = (&text[..comma], &text[comma..]);
        // RFC 850 names the weekday in full.
        if weekday.len() <= 3 || !fits(rest, b", __-___-__ __:__:__ GMT") {
            return None;
        }
        (
            weekday,
            &rest[2..4],
            &rest[5..8],
            &rest[9..11],
            &rest[12..20],
        )
    };

    let year = match year.len() {
        // RFC 850's two-digit year, read as httpdate does.
        2 => match digits(year)? {
            short @ 0..70 => 2000 + short,
            short => 1900 + short,
        },
        _ => digits(year)?,
    };
    let month = MONTHS.chunks(3).position(|name| name == month)?;
    let day = digits(day)?;
    let (hour, minute, second) = (
        digits(&time[..2])?,
        digits(&time[3..5])?,
        digits(&time[6..])?,
    );
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_length = match month {
        1 if leap => 29,
        1 => 28,
        3 | 5 | 8 | 10 => 30,
        _ => 31,
    };
    if !(1970..=9999).contains(&year)
        || day == 0
        || day > month_length
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    // Leap days in the years before `year`, counted from 1970.
    let before = year - 1;
    let leap_days = before / 4 - before / 100 + before / 400 - (1969 / 4 - 1969 / 100 + 1969 / 400);
    let days = (year - 1970) * 365
        + leap_days
        + DAYS_BEFORE_MONTH[month]
        + u64::from(leap && month > 1)
        + day
        - 1;
    // 1970-01-01 was a Thursday (index 3). Short forms name the weekday by its
    // first three letters, RFC 850 in full.
    let named = WEEKDAYS[((days + 3) % 7) as usize];
    let weekday_matches = if weekday.len() == 3 {
        named.starts_with(weekday)
    } else {
        named == weekday
    };
    if !weekday_matches {
        return None;
    }
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Whether `text` has the template's length and its fixed bytes.
fn fits(text: &[u8], template: &[u8]) -> bool {
    text.len() == template.len()
        && text
            .iter()
            .zip(template)
            .all(|(byte, expected)| *expected == b'_' || byte == expected)
}

/// An unsigned decimal of one or more ASCII digits (at most four here).
fn digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u64::from(byte - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three forms of one instant, built from httpdate's IMF-fixdate.
    fn three_forms(time: SystemTime) -> [String; 3] {
        let imf = httpdate::fmt_http_date(time);
        let (weekday, day, month, year, clock) = (
            &imf[..3],
            &imf[5..7],
            &imf[8..11],
            &imf[12..16],
            &imf[17..25],
        );
        let full_weekday = WEEKDAYS
            .iter()
            .map(|name| std::str::from_utf8(name).unwrap())
            .find(|name| name.starts_with(weekday))
            .unwrap();
        let rfc850 = format!("{full_weekday}, {day}-{month}-{} {clock} GMT", &year[2..]);
        let padded_day = day
            .strip_prefix('0')
            .map_or(day.to_owned(), |one| format!(" {one}"));
        let asctime = format!("{weekday} {month} {padded_day} {clock} {year}");
        [imf, rfc850, asctime]
    }

    fn agrees(text: &str) {
        assert_eq!(
            parse_http_date(text),
            httpdate::parse_http_date(text).ok(),
            "{text:?}"
        );
    }

    #[test]
    fn reads_the_rfc_examples() {
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "  Sun, 06 Nov 1994 08:49:37 GMT\t",
        ] {
            assert_eq!(parse_http_date(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn agrees_with_httpdate_on_valid_dates_in_every_form() {
        // Every 4,999th hour from 1970 to 9999, which visits every weekday,
        // month, leap day and century rule, in all three forms (RFC 850's
        // two-digit year names another year outside 1970–2069: both refuse or
        // both read the same instant).
        let mut hour = 0_u64;
        let end = 253_402_300_799 / 3_600;
        let mut checked = 0;
        while hour < end {
            let time = SystemTime::UNIX_EPOCH + Duration::from_secs(hour * 3_600 + hour % 3_600);
            for text in three_forms(time) {
                agrees(&text);
                checked += 1;
            }
            hour += 4_999;
        }
        assert!(checked > 30_000, "{checked}");
        for leap_day in [
            "Tue, 29 Feb 2000 00:00:00 GMT",
            "Thu, 29 Feb 2024 12:00:00 GMT",
        ] {
            assert!(parse_http_date(leap_day).is_some(), "{leap_day}");
            agrees(leap_day);
        }
    }

    #[test]
    fn agrees_with_httpdate_on_every_one_byte_change() {
        // Each byte of each form replaced by bytes that matter to a parser:
        // digits, separators, letters, space, and a byte past the range.
        let replacements = b"0159:-, GMTSsnxZ\x7f";
        for seconds in [0, 784_111_777, 951_782_400, 1_709_208_000, 253_402_300_799] {
            let time = SystemTime::UNIX_EPOCH + Duration::from_secs(seconds);
            for (form, text) in three_forms(time).into_iter().enumerate() {
                // httpdate never looks at the space between RFC 850's year and
                // time; this parser insists on it.
                let lax_byte = (form == 1).then(|| text.find(',').unwrap() + 11);
                for index in 0..text.len() {
                    for &replacement in replacements {
                        let mut bytes = text.clone().into_bytes();
                        bytes[index] = replacement;
                        let changed = std::str::from_utf8(&bytes).unwrap();
                        if lax_byte == Some(index) && replacement != b' ' {
                            assert_eq!(parse_http_date(changed), None, "{changed:?}");
                        } else {
                            agrees(changed);
                        }
                    }
                    let mut shorter = text.clone();
                    shorter.remove(index);
                    agrees(&shorter);
                }
            }
        }
    }

    #[test]
    fn refuses_impossible_dates_and_wrong_weekdays() {
        for text in [
            "Mon, 29 Feb 2100 00:00:00 GMT",
            "Wed, 31 Apr 2024 00:00:00 GMT",
            "Sat, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Thu, 31 Dec 1969 23:59:59 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{a0}",
            ", 06-Nov-94 08:49:37 GMT",
            "",
        ] {
            assert_eq!(parse_http_date(text), None, "{text:?}");
            agrees(text);
        }
    }
}
