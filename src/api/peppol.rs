//! Peppol: whether a customer receives e-invoices over Peppol, and the deliveries' health.

use super::AppError;
use leptos::prelude::*;
pub use crate::model::peppol::*;

/// Whether the customer receives its invoices over Peppol (looked up, then kept for a day).
#[server(endpoint = "peppol/customer")]
pub async fn customer_peppol(customer_id: i64) -> Result<PeppolReach, AppError> {
    use crate::server::{invoicing::peppol, session};
    super::signed_in(|user| async move {
        Ok(peppol::customer_reach(&session::state(), user.company_id, customer_id).await?)
    }).await
}

/// Failed Peppol deliveries and those waiting for a retry.
#[server(endpoint = "peppol/health")]
pub async fn peppol_deliveries_health() -> Result<PeppolHealth, AppError> {
    use crate::server::{invoicing::peppol, session};
    super::signed_in(|user| async move {
        Ok(peppol::health(&session::state(), user.company_id).await?)
    }).await
}
