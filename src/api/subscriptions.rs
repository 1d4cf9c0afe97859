//! Subscriptions: recurring invoices made by the scheduler for every period.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;
pub use crate::model::subscriptions::*;

#[server(endpoint = "subscriptions/list")]
pub async fn list_subscriptions() -> Result<Vec<SubscriptionRow>, AppError> {
    use crate::server::{repo::subscriptions, session};
    super::signed_in(|user| async move {
        Ok(subscriptions::list(&session::state().db, user.company_id).await?)
    }).await
}

#[server(endpoint = "subscriptions/get")]
pub async fn get_subscription(id: i64) -> Result<SubscriptionDetail, AppError> {
    use crate::server::{repo::subscriptions, session};
    super::signed_in(|user| async move {
        let db = &session::state().db;
        let subscription = subscriptions::get(db, user.company_id, id).await?.ok_or(AppError::NotFound)?;
        let invoices = subscriptions::invoices(db, user.company_id, id, session::state().today()).await?;
        Ok(SubscriptionDetail { subscription, invoices })
    }).await
}

/// Creates a subscription; returns its id.
#[server(endpoint = "subscriptions/save")]
pub async fn save_subscription(input: SubscriptionInput) -> Result<i64, AppError> {
    use crate::server::{repo::subscriptions, session};
    super::signed_in(|user| async move {
        let valid = input.validate(session::state().today())?;
        let id = subscriptions::insert(&session::state().db, user.company_id, &valid)
            .await?
            .ok_or_else(|| AppError::field("customer_id", Msg::ErrRequired))?;
        leptos_axum::redirect(&format!("/subscriptions/{id}"));
        Ok(id)
    }).await
}

/// `pause`, `resume` (periods that started while paused are skipped) or `end`.
#[server(endpoint = "subscriptions/status")]
pub async fn change_subscription(id: i64, action: String) -> Result<(), AppError> {
    use crate::server::{repo::subscriptions, session};
    let result = super::signed_in(|user| async move {
        let today = session::state().today();
        Ok(subscriptions::change(&session::state().db, user.company_id, id, &action, today).await?)
    }).await;
    super::back_to_page::<ChangeSubscription, _>(result)
}
