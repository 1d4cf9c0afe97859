//! Figures for the dashboard.

use super::AppError;
use crate::domain::invoice::DisplayStatus;
use leptos::prelude::*;
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

#[server(endpoint = "dashboard")]
pub async fn dashboard_summary() -> Result<Summary, AppError> {
    use crate::server::{repo::{customers, invoices, twikey_settings}, respond, session};
    respond(async {
        let user = session::require_user().await?;
        let db = &session::state().db;
        let figures = invoices::figures(db, user.company_id, chrono::Utc::now().date_naive()).await?;
        Ok(Summary {
            customers: customers::count(db, user.company_id).await?,
            twikey_enabled: twikey_settings::is_enabled(db, user.company_id).await?,
            open_cents: figures.open_cents,
            overdue_cents: figures.overdue_cents,
            paid_this_month_cents: figures.paid_this_month_cents,
            invoice_counts: figures.counts,
        })
    }.await)
}
