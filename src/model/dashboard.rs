//! What the dashboard pages and server functions exchange: types, form inputs and their checks.

use crate::domain::invoice::DisplayStatus;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub customers: i64,
    pub twikey_enabled: bool,
    /// open invoices: total − payments
    pub open_cents: i64,
    /// of which past their due date
    pub overdue_cents: i64,
    /// payments dated this calendar month
    pub paid_this_month_cents: i64,
    /// number of invoices per status (overdue counted apart from open)
    pub invoice_counts: Vec<(DisplayStatus, i64)>,
}
