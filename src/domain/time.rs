//! Times and dates shown to Belgian users, and the day it is: Europe/Brussels (CET, CEST in
//! summer) from the IANA time-zone database (`chrono-tz`), day/month/year.
//!
//! Every date Encaisse shows, chooses or stores (issue and due dates, payments, the
//! scheduler's day, collection dates) is a Brussels date: [`brussels_today`] of the current
//! instant, which the server takes from its clock (`server::clock`).

use chrono::{DateTime, NaiveDate, Offset, Utc};
use chrono_tz::Europe::Brussels;
use chrono_tz::Tz;

/// An instant in Brussels time.
pub fn in_brussels(t: DateTime<Utc>) -> DateTime<Tz> {
    t.with_timezone(&Brussels)
}

/// The date in Brussels at the instant `now` (at 23:30 UTC on 31 December it is already
/// 1 January there).
pub fn brussels_today(now: DateTime<Utc>) -> NaiveDate {
    in_brussels(now).date_naive()
}

/// Offset of Brussels from UTC at `t`, in hours.
pub fn brussels_offset_hours(t: DateTime<Utc>) -> i64 {
    i64::from(in_brussels(t).offset().fix().local_minus_utc()) / 3600
}

/// `26/11/2026 18:55` in Brussels time.
pub fn format_brussels(t: DateTime<Utc>) -> String {
    in_brussels(t).format("%d/%m/%Y %H:%M").to_string()
}

/// An RFC 3339 time as Brussels time, or the input unchanged when it is not one.
pub fn format_rfc3339_brussels(s: &str) -> String {
    DateTime::parse_from_rfc3339(s).map(|t| format_brussels(t.with_timezone(&Utc))).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
        assert_eq!(format_rfc3339_brussels("2026-07-01T10:00:00Z"), "01/07/2026 12:00");
        assert_eq!(format_rfc3339_brussels("not a time"), "not a time");
    }

    #[test]
    fn the_day_changes_at_brussels_midnight() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // New Year's Eve, 23:30 UTC: already 2027 in Brussels (UTC+1).
        assert_eq!(brussels_today(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap()), date(2027, 1, 1));
        assert_eq!(brussels_today(Utc.with_ymd_and_hms(2026, 12, 31, 22, 59, 59).unwrap()), date(2026, 12, 31));
        // Summer (UTC+2): the day starts at 22:00 UTC.
        assert_eq!(brussels_today(Utc.with_ymd_and_hms(2026, 6, 30, 21, 59, 0).unwrap()), date(2026, 6, 30));
        assert_eq!(brussels_today(Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap()), date(2026, 7, 1));
        // The night summer time starts (29 March 2026, 02:00 → 03:00 local).
        assert_eq!(brussels_today(Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap()), date(2026, 3, 29));
        assert_eq!(format_brussels(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()), "29/03/2026 03:00");
    }
}
