//! Times shown to Belgian users: Europe/Brussels (CET, CEST in summer), day/month/year.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

/// The last Sunday of a month, at 01:00 UTC (when EU summer time starts or ends).
fn last_sunday_1utc(year: i32, month: u32) -> DateTime<Utc> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid date");
    let mut day = first_next - Duration::days(1);
    while day.weekday() != Weekday::Sun {
        day -= Duration::days(1);
    }
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).expect("valid time"))
}

/// Offset of Brussels from UTC at `t`, in hours.
pub fn brussels_offset_hours(t: DateTime<Utc>) -> i64 {
    let summer = t >= last_sunday_1utc(t.year(), 3) && t < last_sunday_1utc(t.year(), 10);
    if summer { 2 } else { 1 }
}

/// `26/11/2026 18:55` in Brussels time.
pub fn format_brussels(t: DateTime<Utc>) -> String {
    (t + Duration::hours(brussels_offset_hours(t))).format("%d/%m/%Y %H:%M").to_string()
}

/// An RFC 3339 time as Brussels time, or the input unchanged when it is not one.
pub fn format_rfc3339_brussels(s: &str) -> String {
    DateTime::parse_from_rfc3339(s).map(|t| format_brussels(t.with_timezone(&Utc))).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_and_summer() {
        let winter = Utc.with_ymd_and_hms(2026, 11, 26, 17, 55, 0).unwrap();
        assert_eq!(format_brussels(winter), "26/11/2026 18:55");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
        assert_eq!(format_brussels(summer), "01/07/2026 12:00");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC
        assert_eq!(brussels_offset_hours(Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap()), 1);
        assert_eq!(brussels_offset_hours(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()), 2);
        assert_eq!(brussels_offset_hours(Utc.with_ymd_and_hms(2026, 10, 25, 0, 59, 0).unwrap()), 2);
        assert_eq!(brussels_offset_hours(Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap()), 1);
    }
}
