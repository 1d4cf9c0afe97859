//! Payments recorded by hand (a bank transfer, cash): stored with their timeline entry, and
//! every open page of the company told.

use crate::server::repo::payments::{self, NewPayment};
use crate::server::{AppState, Error};

/// Records the payment; returns the amount still open.
pub async fn record_by_hand(state: &AppState, company_id: i64, invoice_id: i64, payment: &NewPayment<'_>) -> Result<i64, Error> {
    let open = payments::record_in_own_tx(&state.db, company_id, invoice_id, payment).await?;
    state.live.publish(company_id, "invoices");
    Ok(open)
}
