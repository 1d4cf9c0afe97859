//! Twikey: configuration, connection test, mandates on the customer's Twikey tab, the
//! invoice's Twikey box and its collections. Each function is one call into `server::twikey`.

use super::AppError;
use leptos::prelude::*;
pub use crate::model::twikey::*;

#[server(endpoint = "twikey/settings")]
pub async fn get_twikey_settings() -> Result<TwikeySettingsView, AppError> {
    use crate::server::{session, twikey::connection};
    super::signed_in(|user| async move { Ok(connection::view(&session::state(), user.company_id).await?) }).await
}

/// The templates (contracts) of the Twikey account, for choosing contract numbers.
#[server(endpoint = "twikey/templates")]
pub async fn twikey_templates(api_key: String, #[server(default)] private_key: String) -> Result<Vec<TemplateView>, AppError> {
    use crate::server::{session, twikey::connection};
    super::signed_in(|user| async move {
        let (templates, _) = connection::login_and_templates(&session::state(), user.company_id, &api_key, &private_key).await?;
        Ok(templates)
    })
    .await
}

/// "Test connection": logs in and reads the templates; says how many there are.
#[server(endpoint = "twikey/test")]
pub async fn test_twikey_connection(api_key: String, #[server(default)] private_key: String) -> Result<usize, AppError> {
    use crate::server::{session, twikey::connection};
    super::signed_in(|user| async move {
        let (templates, _) = connection::login_and_templates(&session::state(), user.company_id, &api_key, &private_key).await?;
        Ok(templates.len())
    })
    .await
}

/// Saves the configuration after Twikey accepted it (see `server::twikey::connection::save`).
#[server(endpoint = "twikey/save")]
pub async fn save_twikey_settings(
    api_key: String,
    b2c_ct: String,
    b2b_ct: String,
    #[server(default)] prenotify: Option<String>,
    #[server(default)] retry_enabled: Option<String>,
    #[server(default)] retry_after_days: Option<String>,
    #[server(default)] retry_max: Option<String>,
    #[server(default)] private_key: String,
    #[server(default)] sending: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{session, twikey::connection};
    let input = TwikeySettingsInput { api_key, b2c_ct, b2b_ct, prenotify, retry_enabled, retry_after_days, retry_max, private_key, sending };
    super::signed_in(|user| async move { Ok(connection::save(&session::state(), user.company_id, &input).await?) }).await
}

#[server(endpoint = "twikey/customer")]
pub async fn customer_twikey(customer_id: i64) -> Result<CustomerTwikeyView, AppError> {
    use crate::server::{session, twikey::mandates};
    super::signed_in(|user| async move { Ok(mandates::customer_view(&session::state(), user.company_id, customer_id).await?) }).await
}

/// Prepares a mandate in Twikey for the customer to sign.
#[server(endpoint = "twikey/mandate/prepare")]
pub async fn prepare_mandate(customer_id: i64) -> Result<(), AppError> {
    use crate::server::{session, twikey::mandates};
    let result = super::signed_in(|user| async move { Ok(mandates::prepare(&session::state(), user.company_id, customer_id).await?) }).await;
    super::back_to_page::<PrepareMandate, _>(result)
}

/// Deletes a prepared mandate in Twikey (its signing link stops working) and here.
#[server(endpoint = "twikey/mandate/delete")]
pub async fn delete_mandate(mandate_id: i64) -> Result<(), AppError> {
    use crate::server::{session, twikey::mandates};
    let result = super::signed_in(|user| async move { Ok(mandates::delete(&session::state(), user.company_id, mandate_id).await?) }).await;
    super::back_to_page::<DeleteMandate, _>(result)
}

/// Has Twikey e-mail the signing invitation to the customer.
#[server(endpoint = "twikey/mandate/invite")]
pub async fn send_mandate_invitation(mandate_id: i64) -> Result<(), AppError> {
    use crate::server::{session, twikey::mandates};
    let result = super::signed_in(|user| async move { Ok(mandates::invite(&session::state(), user.company_id, mandate_id).await?) }).await;
    super::back_to_page::<SendMandateInvitation, _>(result)
}

/// Cancels a signed (or suspended, or bank-pending) mandate in Twikey with a reason.
#[server(endpoint = "twikey/mandate/cancel")]
pub async fn cancel_mandate(mandate_id: i64, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::server::{session, twikey::mandates};
    let posted = CancelMandate { mandate_id, reason: reason.clone() };
    let result = super::signed_in(|user| async move { Ok(mandates::cancel(&session::state(), user.company_id, mandate_id, &reason).await?) }).await;
    super::back_to_page_as_posted(result, &posted)
}

#[server(endpoint = "twikey/invoice")]
pub async fn invoice_twikey(invoice_id: i64) -> Result<InvoiceTwikeyView, AppError> {
    use crate::server::{session, twikey::collections};
    super::signed_in(|user| async move { Ok(collections::invoice_view(&session::state(), user.company_id, invoice_id).await?) }).await
}

/// `Start new collection`: debits the invoice's open amount on the customer's signed mandate.
#[server(endpoint = "twikey/collect")]
pub async fn start_collection(invoice_id: i64) -> Result<(), AppError> {
    use crate::server::{session, twikey::collections};
    let result = super::signed_in(|user| async move {
        collections::start(&session::state(), user.company_id, invoice_id, collections::Cause::User).await.map_err(crate::server::Error::from)?;
        Ok(())
    })
    .await;
    super::back_to_page::<StartCollection, _>(result)
}

/// Starts collections for the selected invoices whose customers have signed mandates.
#[server(endpoint = "twikey/collect/bulk")]
pub async fn start_collections(
    #[server(default)] invoice_ids: std::collections::BTreeMap<String, i64>,
) -> Result<BulkCollectReport, AppError> {
    use crate::server::{session, twikey::collections};
    let result = super::signed_in(|user| async move { Ok(collections::start_many(&session::state(), user.company_id, invoice_ids.into_values()).await?) }).await;
    // a plain form post comes back to the list with the report in its address
    let report = result.as_ref().ok().and_then(|r| serde_json::to_string(r).ok()).unwrap_or_default();
    super::back_to_page_noting::<StartCollections, _>(result, Some(("bulk_report", &report)))
}
