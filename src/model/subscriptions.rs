//! What the subscriptions pages and server functions exchange: types, form inputs and their checks.

use super::error::Problems;
use super::invoices::{date_or, parse_date, validate_lines, InvoiceRow, LineInput, DEFAULT_PAYMENT_TERM_DAYS};
use super::AppError;
use crate::domain::invoice::{Line, Totals};
use crate::domain::schedule::{SubscriptionStatus, FREQUENCIES};
use crate::i18n::Msg;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionInput {
    #[serde(default)]
    pub customer_id: String,
    /// months between invoices: 1, 3 or 12
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub payment_term_days: String,
    #[serde(default)]
    pub send_email: bool,
    #[serde(default)]
    pub collect_with_twikey: bool,
    #[serde(default)]
    pub lines: Vec<LineInput>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidSubscription {
    pub customer_id: i64,
    pub every_months: u32,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub payment_term_days: i64,
    pub send_email: bool,
    pub collect_with_twikey: bool,
    pub lines: Vec<Line>,
}

impl SubscriptionInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidSubscription, AppError> {
        let mut problems = Problems::default();
        let customer_id = self.customer_id.trim().parse::<i64>().unwrap_or_else(|_| {
            problems.add("customer_id", Msg::ErrRequired);
            0
        });
        let every_months = match self.frequency.trim().parse::<u32>() {
            Ok(m) if FREQUENCIES.contains(&m) => m,
            _ => {
                problems.add("frequency", Msg::ErrRequired);
                1
            }
        };
        let start_date = date_or(&mut problems, "start_date", &self.start_date, today);
        let end_date = if self.end_date.trim().is_empty() {
            None
        } else {
            match parse_date(&self.end_date) {
                Some(d) if d >= start_date => Some(d),
                Some(_) => {
                    problems.add("end_date", Msg::ErrEndBeforeStart);
                    None
                }
                None => {
                    problems.add("end_date", Msg::ErrDate);
                    None
                }
            }
        };
        let payment_term_days = match self.payment_term_days.trim() {
            "" => DEFAULT_PAYMENT_TERM_DAYS,
            s => match s.parse::<i64>() {
                Ok(d) if (0..=365).contains(&d) => d,
                _ => {
                    problems.add("payment_term_days", Msg::ErrPaymentTerm);
                    DEFAULT_PAYMENT_TERM_DAYS
                }
            },
        };
        let lines = validate_lines(&self.lines, &mut problems);
        problems.into_result()?;
        Ok(ValidSubscription {
            customer_id,
            every_months,
            start_date,
            end_date,
            payment_term_days,
            send_email: self.send_email,
            collect_with_twikey: self.collect_with_twikey,
            lines,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub every_months: u32,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub status: SubscriptionStatus,
    /// when the next invoice is made (None once ended)
    pub next_invoice_date: Option<NaiveDate>,
    pub payment_term_days: i64,
    pub send_email: bool,
    pub collect_with_twikey: bool,
    pub lines: Vec<Line>,
    pub totals: Totals,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionDetail {
    pub subscription: Subscription,
    pub invoices: Vec<InvoiceRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub id: i64,
    pub customer_name: String,
    pub every_months: u32,
    pub status: SubscriptionStatus,
    pub next_invoice_date: Option<NaiveDate>,
    pub total_incl_cents: i64,
    pub collect_with_twikey: bool,
}
