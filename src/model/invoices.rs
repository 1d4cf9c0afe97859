//! What the invoices pages and server functions exchange: types, form inputs and their checks.

use super::error::Problems;
use super::AppError;
use crate::domain::invoice::{
    DisplayStatus, InvoiceStatus, Line, Totals, MAX_LINES, MAX_QUANTITY_MILLI, MAX_UNIT_PRICE_CENTS, PAYMENT_METHODS, VAT_RATES,
};
use crate::domain::money::{parse_cents, parse_quantity};
use crate::i18n::Msg;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One line of the editor as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LineInput {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit_price: String,
    #[serde(default)]
    pub vat_rate: String,
}

/// The draft editor as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvoiceInput {
    #[serde(default)]
    pub customer_id: String,
    #[serde(default)]
    pub issue_date: String,
    #[serde(default)]
    pub payment_term_days: String,
    /// The buyer's own reference (their order or purchase number), optional.
    #[serde(default)]
    pub buyer_reference: String,
    #[serde(default)]
    pub lines: Vec<LineInput>,
}

/// A checked draft, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidInvoice {
    pub customer_id: i64,
    pub issue_date: NaiveDate,
    pub payment_term_days: i64,
    pub buyer_reference: String,
    pub lines: Vec<Line>,
}

pub const DEFAULT_PAYMENT_TERM_DAYS: i64 = 30;

/// Field names of a line's inputs (also their element ids): `desc-0`, `qty-0`, `price-0`, `vat-0`.
pub fn line_field(kind: &str, index: usize) -> String {
    format!("{kind}-{index}")
}

/// Checks the lines of an editor (invoice or subscription). Empty lines are skipped.
pub fn validate_lines(inputs: &[LineInput], problems: &mut Problems) -> Vec<Line> {
    let mut lines = Vec::new();
    for (i, l) in inputs.iter().enumerate() {
        if l.description.trim().is_empty() && l.quantity.trim().is_empty() && l.unit_price.trim().is_empty() {
            continue;
        }
        let description = l.description.trim().to_string();
        if description.is_empty() {
            problems.add(&line_field("desc", i), Msg::ErrRequired);
        } else if description.chars().count() > 500 {
            problems.add(&line_field("desc", i), Msg::ErrTooLong);
        }
        let quantity = match parse_quantity(&l.quantity) {
            Some(q) if q.abs() <= MAX_QUANTITY_MILLI && q != 0 => q,
            _ => {
                problems.add(&line_field("qty", i), Msg::ErrQuantity);
                0
            }
        };
        let price = match parse_cents(&l.unit_price) {
            Some(p) if p.abs() <= MAX_UNIT_PRICE_CENTS => p,
            _ => {
                problems.add(&line_field("price", i), Msg::ErrAmount);
                0
            }
        };
        let rate = match l.vat_rate.trim().trim_end_matches('%').trim().parse::<u8>() {
            Ok(r) if VAT_RATES.contains(&r) => r,
            _ => {
                problems.add(&line_field("vat", i), Msg::ErrVatRate);
                21
            }
        };
        lines.push(Line { description, quantity_milli: quantity, unit_price_cents: price, vat_rate: rate });
    }
    if lines.is_empty() {
        problems.add("lines", Msg::ErrNoLines);
    }
    if lines.len() > MAX_LINES {
        problems.add("lines", Msg::ErrTooLong);
    }
    lines
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A date field that may be left empty: `default` then; a problem at `field` when it is not a
/// date (and `default` meanwhile, so the other fields are still checked).
pub(crate) fn date_or(problems: &mut Problems, field: &str, raw: &str, default: NaiveDate) -> NaiveDate {
    if raw.trim().is_empty() {
        return default;
    }
    parse_date(raw).unwrap_or_else(|| {
        problems.add(field, Msg::ErrDate);
        default
    })
}

impl InvoiceInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidInvoice, AppError> {
        let mut problems = Problems::default();
        let customer_id = self.customer_id.trim().parse::<i64>().unwrap_or_else(|_| {
            problems.add("customer_id", Msg::ErrRequired);
            0
        });
        let issue_date = date_or(&mut problems, "issue_date", &self.issue_date, today);
        let payment_term_days = if self.payment_term_days.trim().is_empty() {
            DEFAULT_PAYMENT_TERM_DAYS
        } else {
            match self.payment_term_days.trim().parse::<i64>() {
                Ok(d) if (0..=365).contains(&d) => d,
                _ => {
                    problems.add("payment_term_days", Msg::ErrPaymentTerm);
                    DEFAULT_PAYMENT_TERM_DAYS
                }
            }
        };
        let lines = validate_lines(&self.lines, &mut problems);
        problems.into_result()?;
        let buyer_reference = self.buyer_reference.trim().to_string();
        if buyer_reference.chars().count() > 100 {
            return Err(AppError::field("buyer_reference", Msg::ErrTooLong));
        }
        Ok(ValidInvoice { customer_id, issue_date, payment_term_days, buyer_reference, lines })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: i64,
    pub number: Option<String>,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub status: InvoiceStatus,
    pub display_status: DisplayStatus,
    pub issue_date: NaiveDate,
    pub payment_term_days: i64,
    pub due_date: NaiveDate,
    pub structured_communication: String,
    pub lines: Vec<Line>,
    pub totals: Totals,
    pub paid_cents: i64,
    /// total incl. VAT − recorded payments (0 for drafts and cancelled invoices)
    pub open_cents: i64,
    pub cancel_reason: Option<String>,
    /// The buyer's own reference ("Your reference"), or empty.
    #[serde(default)]
    pub buyer_reference: String,
    pub subscription_id: Option<i64>,
    pub period_start: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
    pub method: String,
    pub external_ref: Option<String>,
}

/// One entry of an invoice's timeline. `details` is a JSON object whose keys depend on `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub details: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub invoice: Invoice,
    pub payments: Vec<Payment>,
    pub events: Vec<TimelineEvent>,
    /// The credit notes that correct it.
    #[serde(default)]
    pub credit_notes: Vec<CreditNoteView>,
    /// the server's date, for the payment form's default
    pub today: NaiveDate,
}

/// A credit note's own page: the document as issued, the invoice it corrects, what happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditNoteDetail {
    pub id: i64,
    pub document: crate::domain::document::Document,
    pub invoice_id: i64,
    /// `(time, kind, detail)`: `issued`, `mail_<status>`, `peppol_<state>`
    pub events: Vec<(DateTime<Utc>, String, String)>,
}

/// A credit note, as the invoice page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditNoteView {
    pub id: i64,
    pub number: String,
    pub issue_date: NaiveDate,
    pub total_incl_cents: i64,
    /// `lowers_amount_due`, `refunded_by_hand`
    pub settlement: String,
}

/// The credit-note form as posted: `lines[i]` = the quantity of invoice line `i` to credit
/// (empty or 0: not credited); `refund` says how money already paid goes back: `twikey`
/// (refunded through Twikey to the account it was collected from) or `hand` (by the company).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreditNoteInput {
    #[serde(default)]
    pub lines: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub refund: Option<String>,
    /// Or (and) an amount excl. VAT per rate: `amounts[21]` = "12,50".
    #[serde(default)]
    pub amounts: std::collections::BTreeMap<String, String>,
}

impl CreditNoteInput {
    /// `(line index, quantity in thousandths)` of the lines to credit.
    pub fn validate(&self) -> Result<Vec<(usize, i64)>, AppError> {
        let mut problems = Problems::default();
        let mut out = Vec::new();
        for (key, value) in &self.lines {
            let Ok(index) = key.parse::<usize>() else { continue };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match crate::domain::money::parse_quantity(value) {
                Some(q) if q >= 0 => out.push((index, q)),
                _ => problems.add(&format!("lines[{index}]"), Msg::ErrNumber),
            }
        }
        problems.into_result()?;
        Ok(out)
    }

    /// `(VAT rate, amount excl. VAT in cents)` to credit as amounts.
    pub fn amounts(&self) -> Result<Vec<(u8, i64)>, AppError> {
        let mut problems = Problems::default();
        let mut out = Vec::new();
        for (key, value) in &self.amounts {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match (key.parse::<u8>(), parse_cents(value)) {
                (Ok(rate), Some(cents)) if crate::domain::invoice::VAT_RATES.contains(&rate) && cents >= 0 => {
                    if cents > 0 {
                        out.push((rate, cents))
                    }
                }
                _ => problems.add(&format!("amounts[{key}]"), Msg::ErrNumber),
            }
        }
        problems.into_result()?;
        Ok(out)
    }
}

/// What the editors need: the customers to choose from and today's date (the browser has no
/// trustworthy clock of its own in wasm).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditorChoices {
    pub customers: Vec<CustomerChoice>,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: Option<String>,
    pub customer_id: i64,
    pub customer_name: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: DisplayStatus,
    pub total_incl_cents: i64,
    pub open_cents: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvoiceListQuery {
    /// draft, open (includes overdue), overdue, paid, cancelled; empty for all
    #[serde(default)]
    pub status: String,
    /// a customer id; empty for all
    #[serde(default)]
    pub customer: String,
    /// issue date from (inclusive), `YYYY-MM-DD`
    #[serde(default)]
    pub from: String,
    /// issue date to (inclusive)
    #[serde(default)]
    pub to: String,
    /// part of the number or of the customer's name
    #[serde(default)]
    pub q: String,
    /// 1-based
    #[serde(default)]
    pub page: u32,
}

pub const INVOICES_PER_PAGE: u32 = 25;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// sums over every invoice matching the filters (not just this page)
    pub sum_incl_cents: i64,
    pub sum_open_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentInput {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub method: String,
}

impl PaymentInput {
    pub fn validate(&self, today: NaiveDate) -> Result<(i64, NaiveDate, String), AppError> {
        let mut problems = Problems::default();
        let amount = match parse_cents(&self.amount) {
            Some(a) if a > 0 => a,
            _ => {
                problems.add("amount", Msg::ErrAmount);
                0
            }
        };
        let date = date_or(&mut problems, "date", &self.date, today);
        let method = self.method.trim().to_string();
        if !PAYMENT_METHODS.contains(&method.as_str()) {
            problems.add("method", Msg::ErrRequired);
        }
        problems.into_result()?;
        Ok((amount, date, method))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub invoice_id: Option<i64>,
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    /// The file attached (the invoice's PDF), if any.
    #[serde(default)]
    pub attachment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn valid_draft_with_two_rates() {
        let input = InvoiceInput {
            buyer_reference: String::new(),
            customer_id: "7".into(),
            issue_date: "".into(),
            payment_term_days: "14".into(),
            lines: vec![
                LineInput { description: "Bread".into(), quantity: "2".into(), unit_price: "12,50".into(), vat_rate: "21".into() },
                LineInput::default(),
                LineInput { description: "Books".into(), quantity: "1,5".into(), unit_price: "3.33".into(), vat_rate: "6".into() },
            ],
        };
        let v = input.validate(today()).unwrap();
        assert_eq!(v.customer_id, 7);
        assert_eq!(v.issue_date, today());
        assert_eq!(v.lines.len(), 2, "empty lines are skipped");
        assert_eq!(v.lines[1].quantity_milli, 1500);
        assert_eq!(crate::domain::invoice::totals(&v.lines).incl_vat_cents, 3555);
    }

    #[test]
    fn problems_are_reported_at_each_line_field() {
        let input = InvoiceInput {
            buyer_reference: String::new(),
            customer_id: "".into(),
            issue_date: "26/11/2026".into(),
            payment_term_days: "-1".into(),
            lines: vec![LineInput { description: "".into(), quantity: "x".into(), unit_price: "1,234".into(), vat_rate: "7".into() }],
        };
        let e = input.validate(today()).unwrap_err();
        for (field, msg) in [
            ("customer_id", Msg::ErrRequired),
            ("issue_date", Msg::ErrDate),
            ("payment_term_days", Msg::ErrPaymentTerm),
            ("desc-0", Msg::ErrRequired),
            ("qty-0", Msg::ErrQuantity),
            ("price-0", Msg::ErrAmount),
            ("vat-0", Msg::ErrVatRate),
        ] {
            assert_eq!(e.field_error(field), Some(msg), "{field}");
        }
        let none = InvoiceInput { customer_id: "1".into(), ..Default::default() };
        assert_eq!(none.validate(today()).unwrap_err().field_error("lines"), Some(Msg::ErrNoLines));
    }

    #[test]
    fn payments_need_a_positive_amount_and_a_known_method() {
        let ok = PaymentInput { amount: "10,00".into(), date: "2026-11-20".into(), method: "cash".into() };
        assert_eq!(ok.validate(today()).unwrap().0, 1000);
        let bad = PaymentInput { amount: "0".into(), date: "x".into(), method: "bitcoin".into() };
        let e = bad.validate(today()).unwrap_err();
        assert!(e.field_error("amount").is_some() && e.field_error("date").is_some() && e.field_error("method").is_some());
    }
}
