//! Applications & connections: which integrations are on for the company.

use super::AppError;
use leptos::prelude::*;
pub use crate::model::connections::*;

#[server(endpoint = "connections/get")]
pub async fn get_connections() -> Result<Connections, AppError> {
    use crate::server::{repo::twikey_settings, session};
    super::signed_in(|user| async move {
        Ok(Connections { twikey_enabled: twikey_settings::is_enabled(&session::state().db, user.company_id).await? })
    }).await
}

/// Switches the Twikey integration on or off. Off keeps every Twikey record.
#[server(endpoint = "connections/twikey")]
pub async fn set_twikey_enabled(enabled: bool) -> Result<(), AppError> {
    use crate::server::{repo::twikey_settings, session};
    let result = super::signed_in(|user| async move {
        twikey_settings::set_enabled(&session::state().db, user.company_id, enabled).await?;
        Ok(())
    }).await;
    super::back_to_page::<SetTwikeyEnabled, _>(result)
}
