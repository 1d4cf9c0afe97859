//! Subscription periods: every N months from the start date. Period k starts at
//! start + k × N months, always counted from the start date, so a subscription that starts on
//! the 31st bills on the last day of shorter months and goes back to the 31st afterwards.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Frequencies offered in the form (months between invoices).
pub const FREQUENCIES: [u32; 3] = [1, 3, 12];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum SubscriptionStatus {
    Active,
    Paused,
    Ended,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// Start of the `k`-th period (0-based).
pub fn period_start(start: NaiveDate, every_months: u32, k: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(every_months.checked_mul(k)?))
}

/// Index of the period starting on `date`, if one does.
pub fn period_index(start: NaiveDate, every_months: u32, date: NaiveDate) -> Option<u32> {
    (0..10_000u32)
        .map(|k| (k, period_start(start, every_months, k)))
        .take_while(|(_, d)| d.is_some_and(|d| d <= date))
        .find(|(_, d)| *d == Some(date))
        .map(|(k, _)| k)
}

/// The last day of the `k`-th period.
pub fn period_end(start: NaiveDate, every_months: u32, k: u32) -> Option<NaiveDate> {
    period_start(start, every_months, k + 1).and_then(|d| d.pred_opt())
}

/// Every period start from index `from_k` that is due on `as_of` and not past `end`.
pub fn due_periods(start: NaiveDate, every_months: u32, end: Option<NaiveDate>, from_k: u32, as_of: NaiveDate) -> Vec<(u32, NaiveDate)> {
    (from_k..)
        .map_while(|k| period_start(start, every_months, k).map(|d| (k, d)))
        .take_while(|(_, d)| *d <= as_of && end.is_none_or(|e| *d <= e))
        .take(1000)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_stored_as_these_words() {
        use SubscriptionStatus as S;
        for (status, word) in [(S::Active, "active"), (S::Paused, "paused"), (S::Ended, "ended")] {
            assert_eq!(status.as_str(), word);
            assert_eq!(S::parse(word), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), word);
        }
        for unknown in ["", "Active", "ACTIVE", "stopped"] {
            assert_eq!(S::parse(unknown), None, "{unknown:?}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn monthly_from_the_31st() {
        let s = d("2026-01-31");
        let starts: Vec<String> = (0..4).map(|k| period_start(s, 1, k).unwrap().to_string()).collect();
        assert_eq!(starts, ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]);
        assert_eq!(period_end(s, 1, 0).unwrap(), d("2026-02-27"));
        assert_eq!(period_index(s, 1, d("2026-03-31")), Some(2));
        assert_eq!(period_index(s, 1, d("2026-03-30")), None);
    }

    #[test]
    fn due_periods_up_to_as_of_and_end() {
        let s = d("2027-01-01");
        let due = due_periods(s, 1, None, 0, d("2027-03-01"));
        assert_eq!(due.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(due_periods(s, 1, None, 2, d("2027-03-01")).len(), 1);
        assert_eq!(due_periods(s, 3, None, 0, d("2027-12-31")).len(), 4);
        assert_eq!(due_periods(s, 1, Some(d("2027-02-15")), 0, d("2027-12-31")).len(), 2);
        assert!(due_periods(s, 12, None, 0, d("2026-12-31")).is_empty());
    }
}
