//! RFC 3339 UTC timestamps from Unix seconds, without a date-time crate.
//!
//! The conversion uses Howard Hinnant's `civil_from_days` algorithm
//! (<https://howardhinnant.github.io/date_algorithms.html>), which is exact for
//! the whole proleptic Gregorian calendar.

use std::time::{SystemTime, UNIX_EPOCH};

/// The latest instant the sandbox stores: `9999-12-31T23:59:59Z`.
///
/// Anything later would need a five-digit year, which RFC 3339 cannot write.
pub(crate) const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// Seconds in one hour.
pub(crate) const SECONDS_PER_HOUR: i64 = 3_600;

const SECONDS_PER_DAY: i64 = 86_400;

/// Converts days since 1970-01-01 into a (year, month, day) civil date.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = era
        .saturating_mul(400)
        .saturating_add(yoe)
        .saturating_add(i64::from(month <= 2));
    // `day` and `month` are small and non-negative by construction.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(SECONDS_PER_DAY);
    let secs_of_day = unix_seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let hour = secs_of_day / 3_600;
    let minute = secs_of_day % 3_600 / 60;
    let second = secs_of_day % 60;
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Whole seconds between the Unix epoch and `time` (negative before 1970),
/// saturating at the ends of `i64`.
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let secs = i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX);
            secs.saturating_neg()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_and_known_instants() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_795_784_400), "2026-11-27T13:00:00Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(MAX_UNIX_SECONDS), "9999-12-31T23:59:59Z");
        assert_eq!(
            format_rfc3339(MAX_UNIX_SECONDS + 1),
            "10000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn civil_dates_round_trip_over_leap_years() {
        // Walk day by day over 1999-2101 and check the calendar never skips.
        let mut previous = civil_from_days(10_592); // 1999-01-01
        assert_eq!(previous, (1999, 1, 1));
        for days in 10_593..47_500 {
            let current = civil_from_days(days);
            let (py, pm, pd) = previous;
            let (cy, cm, cd) = current;
            let next_day = cy == py && cm == pm && cd == pd + 1;
            let next_month = cy == py && cm == pm + 1 && cd == 1;
            let next_year = cy == py + 1 && cm == 1 && cd == 1 && pm == 12 && pd == 31;
            assert!(
                next_day || next_month || next_year,
                "{previous:?} -> {current:?}"
            );
            previous = current;
        }
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let _ = format_rfc3339(i64::MAX);
        let _ = format_rfc3339(i64::MIN);
        assert!(unix_seconds(SystemTime::now()) > 1_700_000_000);
    }
}
