//! Figures for the dashboard.

use super::AppError;
use leptos::prelude::*;
pub use crate::model::dashboard::*;

#[server(endpoint = "dashboard")]
pub async fn dashboard_summary() -> Result<Summary, AppError> {
    use crate::server::{repo::{customers, invoices, twikey_settings}, session};
    super::signed_in(|user| async move {
        let db = &session::state().db;
        let figures = invoices::figures(db, user.company_id, session::state().today()).await?;
        Ok(Summary {
            customers: customers::count(db, user.company_id).await?,
            twikey_enabled: twikey_settings::is_enabled(db, user.company_id).await?,
            open_cents: figures.open_cents,
            overdue_cents: figures.overdue_cents,
            paid_this_month_cents: figures.paid_this_month_cents,
            invoice_counts: figures.counts,
        })
    }).await
}
