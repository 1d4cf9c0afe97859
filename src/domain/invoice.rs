//! Invoice rules shared by the editor (live totals) and the server (stored totals).
//!
//! Rounding rule, stated once:
//! 1. a line's amount excl. VAT = quantity × unit price, rounded to the cent, halves away from
//!    zero (quantities are thousandths, prices cents);
//! 2. the taxable base of a rate = the sum of the rounded line amounts at that rate;
//! 3. the VAT of a rate = base × rate / 100, rounded to the cent, halves away from zero;
//! 4. total excl. VAT = sum of the bases; VAT = sum of the VAT per rate; total incl. VAT = both.
//!
//! Everything is integer arithmetic (i128 in between), so the result is exact and the same in
//! the browser and on the server.

use super::money::div_round_half_away;
use serde::{Deserialize, Serialize};

/// The Belgian VAT rates, in percent.
pub const VAT_RATES: [u8; 4] = [0, 6, 12, 21];

/// Largest quantity (thousandths) and price (cents) accepted: keeps every total far from overflow.
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000; // one million units
pub const MAX_UNIT_PRICE_CENTS: i64 = 100_000_000_00; // 100 million euro
pub const MAX_LINES: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    /// thousandths of a unit
    pub quantity_milli: i64,
    pub unit_price_cents: i64,
    /// one of [`VAT_RATES`]
    pub vat_rate: u8,
}

impl Line {
    /// The line amount excl. VAT, rounded to the cent (rule 1).
    pub fn amount_cents(&self) -> i64 {
        div_round_half_away(self.quantity_milli as i128 * self.unit_price_cents as i128, 1000) as i64
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotal {
    pub rate: u8,
    pub base_cents: i64,
    pub vat_cents: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub excl_vat_cents: i64,
    pub vat_cents: i64,
    pub incl_vat_cents: i64,
    /// one entry per rate used, by ascending rate
    pub per_rate: Vec<RateTotal>,
}

pub fn vat_of(base_cents: i64, rate: u8) -> i64 {
    div_round_half_away(base_cents as i128 * rate as i128, 100) as i64
}

/// Totals of a set of lines by the rule above.
pub fn totals(lines: &[Line]) -> Totals {
    let mut per_rate: Vec<RateTotal> = Vec::new();
    for line in lines {
        let amount = line.amount_cents();
        match per_rate.iter_mut().find(|r| r.rate == line.vat_rate) {
            Some(r) => r.base_cents += amount,
            None => per_rate.push(RateTotal { rate: line.vat_rate, base_cents: amount, vat_cents: 0 }),
        }
    }
    per_rate.sort_by_key(|r| r.rate);
    for r in &mut per_rate {
        r.vat_cents = vat_of(r.base_cents, r.rate);
    }
    let excl: i64 = per_rate.iter().map(|r| r.base_cents).sum();
    let vat: i64 = per_rate.iter().map(|r| r.vat_cents).sum();
    Totals { excl_vat_cents: excl, vat_cents: vat, incl_vat_cents: excl + vat, per_rate }
}

/// Where an invoice is in its life. `Overdue` is not stored: it is an open invoice past its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Cancelled,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// What the lists and badges show: the stored status, with `overdue` derived from the due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum DisplayStatus {
    Draft,
    Open,
    Overdue,
    Paid,
    Cancelled,
}

impl DisplayStatus {
    pub fn of(status: InvoiceStatus, due_date: chrono::NaiveDate, today: chrono::NaiveDate) -> Self {
        match status {
            InvoiceStatus::Draft => Self::Draft,
            InvoiceStatus::Open if due_date < today => Self::Overdue,
            InvoiceStatus::Open => Self::Open,
            InvoiceStatus::Paid => Self::Paid,
            InvoiceStatus::Cancelled => Self::Cancelled,
        }
    }
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// How a payment was made. Stored as text so later modules add methods (e.g. `direct_debit`
/// for Twikey collections) without a migration.
pub const PAYMENT_METHODS: [&str; 3] = ["bank_transfer", "cash", "other"];
pub const PAYMENT_METHOD_DIRECT_DEBIT: &str = "direct_debit";
/// What a credit note takes off an invoice's amount due (recorded like a payment).
pub const PAYMENT_METHOD_CREDIT_NOTE: &str = "credit_note";

/// The invoice number of the `seq`-th invoice issued in `year`: `2026-0001`.
pub fn invoice_number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:04}")
}

/// Due date = issue date + payment term.
pub fn due_date(issue: chrono::NaiveDate, term_days: i64) -> chrono::NaiveDate {
    issue + chrono::Duration::days(term_days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn statuses_are_stored_and_sent_as_these_words() {
        use InvoiceStatus as S;
        for (status, word) in [(S::Draft, "draft"), (S::Open, "open"), (S::Paid, "paid"), (S::Cancelled, "cancelled")] {
            assert_eq!(status.as_str(), word);
            assert_eq!(S::parse(word), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), word);
        }
        use DisplayStatus as D;
        let shown = [(D::Draft, "draft"), (D::Open, "open"), (D::Overdue, "overdue"), (D::Paid, "paid"), (D::Cancelled, "cancelled")];
        for (status, word) in shown {
            assert_eq!(status.as_str(), word);
            assert_eq!(D::parse(word), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), word);
        }
        for unknown in ["", "Open", "OPEN", " open", "overdue "] {
            assert_eq!(S::parse(unknown), None, "{unknown:?}");
        }
        assert_eq!(S::parse("overdue"), None, "not a stored status");
        assert_eq!(D::parse("Paid"), None);
    }

    fn line(q: i64, p: i64, rate: u8) -> Line {
        Line { description: "x".into(), quantity_milli: q, unit_price_cents: p, vat_rate: rate }
    }

    #[test]
    fn worked_example_with_two_rates() {
        // 2 × 12,50 at 21 % and 1,5 × 3,33 at 6 %
        let t = totals(&[line(2000, 1250, 21), line(1500, 333, 6)]);
        // 1,5 × 3,33 = 4,995 → 5,00 (half away from zero)
        assert_eq!(t.per_rate, vec![
            RateTotal { rate: 6, base_cents: 500, vat_cents: 30 },
            RateTotal { rate: 21, base_cents: 2500, vat_cents: 525 },
        ]);
        assert_eq!((t.excl_vat_cents, t.vat_cents, t.incl_vat_cents), (3000, 555, 3555));
    }

    #[test]
    fn vat_is_rounded_per_rate_not_per_line() {
        // three lines of 0,05 at 21 %: per line 0,0105 → 0,01 each (0,03), per rate 0,15 × 21 % = 0,0315 → 0,03
        let t = totals(&[line(1000, 5, 21), line(1000, 5, 21), line(1000, 5, 21)]);
        assert_eq!(t.vat_cents, 3);
        // 0,10 at 6 % = 0,006 → 0,01; 0,02 at 21% = 0,0042 → 0,00
        assert_eq!(vat_of(10, 6), 1);
        assert_eq!(vat_of(2, 21), 0);
        // credit lines round symmetrically
        assert_eq!(line(1000, -5, 21).amount_cents(), -5);
        assert_eq!(vat_of(-10, 6), -1);
    }

    #[test]
    fn numbers_and_due_dates() {
        assert_eq!(invoice_number(2026, 1), "2026-0001");
        assert_eq!(invoice_number(2026, 12345), "2026-12345");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(due_date(d, 30).to_string(), "2027-01-14");
        let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(DisplayStatus::of(InvoiceStatus::Open, due_date(d, 30), today), DisplayStatus::Overdue);
        assert_eq!(DisplayStatus::of(InvoiceStatus::Open, due_date(d, 31), today), DisplayStatus::Open);
        assert_eq!(DisplayStatus::of(InvoiceStatus::Paid, d, today), DisplayStatus::Paid);
    }

    fn arb_line() -> impl Strategy<Value = Line> {
        (-MAX_QUANTITY_MILLI..=MAX_QUANTITY_MILLI, -MAX_UNIT_PRICE_CENTS..=MAX_UNIT_PRICE_CENTS, prop::sample::select(VAT_RATES.to_vec()))
            .prop_map(|(q, p, r)| line(q, p, r))
    }

    proptest! {
        /// The totals add up, and each rounded figure is within half a cent of the exact value.
        #[test]
        fn totals_are_consistent_and_exactly_rounded(lines in prop::collection::vec(arb_line(), 0..20)) {
            let t = totals(&lines);
            prop_assert_eq!(t.incl_vat_cents, t.excl_vat_cents + t.vat_cents);
            prop_assert_eq!(t.excl_vat_cents, lines.iter().map(Line::amount_cents).sum::<i64>());
            prop_assert_eq!(t.vat_cents, t.per_rate.iter().map(|r| r.vat_cents).sum::<i64>());
            for l in &lines {
                // |amount × 1000 − q × p| ≤ 500  (half a cent, in thousandths of a cent)
                let exact = l.quantity_milli as i128 * l.unit_price_cents as i128;
                prop_assert!((l.amount_cents() as i128 * 1000 - exact).abs() <= 500);
            }
            for r in &t.per_rate {
                prop_assert!(VAT_RATES.contains(&r.rate));
                let exact = r.base_cents as i128 * r.rate as i128;
                prop_assert!((r.vat_cents as i128 * 100 - exact).abs() <= 50);
                prop_assert_eq!(r.base_cents, lines.iter().filter(|l| l.vat_rate == r.rate).map(Line::amount_cents).sum::<i64>());
            }
            let rates: Vec<u8> = t.per_rate.iter().map(|r| r.rate).collect();
            let mut sorted = rates.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(rates, sorted, "one entry per rate, ascending");
        }

        /// Order of the lines never changes the totals; negating every line negates them.
        #[test]
        fn totals_do_not_depend_on_order_and_are_symmetric(mut lines in prop::collection::vec(arb_line(), 0..12), seed in any::<u64>()) {
            let t = totals(&lines);
            let negated: Vec<Line> = lines.iter().map(|l| Line { unit_price_cents: -l.unit_price_cents, ..l.clone() }).collect();
            let n = totals(&negated);
            prop_assert_eq!(n.incl_vat_cents, -t.incl_vat_cents);
            prop_assert_eq!(n.vat_cents, -t.vat_cents);
            let len = lines.len().max(1);
            lines.rotate_left((seed as usize) % len);
            lines.reverse();
            prop_assert_eq!(totals(&lines), t);
        }

        /// A whole quantity of a whole-cent price needs no rounding at all.
        #[test]
        fn whole_quantities_are_exact(q in 0i64..10_000, p in 0i64..10_000_000) {
            prop_assert_eq!(line(q * 1000, p, 21).amount_cents(), q * p);
        }
    }
}
