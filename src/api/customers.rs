//! Customers: list, read, create, edit, archive.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;
pub use crate::model::customers::*;

#[server(endpoint = "customers/list")]
pub async fn list_customers(#[server(default)] query: CustomerListQuery) -> Result<CustomerPage, AppError> {
    use crate::server::repo::customers;
    super::signed_in(|user| async move {
        let state = crate::server::session::state();
        let twikey = crate::server::repo::twikey_settings::is_enabled(&state.db, user.company_id).await?;
        Ok(customers::list(&state.db, user.company_id, &query, twikey).await?)
    }).await
}

#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<Customer, AppError> {
    use crate::server::repo::customers;
    super::signed_in(|user| async move {
        let state = crate::server::session::state();
        customers::get(&state.db, user.company_id, id).await?.ok_or(AppError::NotFound)
    }).await
}

/// Creates (no `id`) or updates a customer; returns its id.
#[server(endpoint = "customers/save")]
pub async fn save_customer(id: Option<i64>, input: CustomerInput) -> Result<i64, AppError> {
    use crate::server::repo::customers;
    let posted = SaveCustomer { id, input: input.clone() };
    let result = super::signed_in(|user| async move {
        let state = crate::server::session::state();
        let (fields, number) = input.validate()?;
        let id = match id {
            Some(id) => {
                if !customers::update(&state.db, user.company_id, id, &fields).await? {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => customers::insert(&state.db, user.company_id, number.as_deref(), &fields)
                .await?
                .ok_or_else(|| AppError::field("customer_number", Msg::ErrCustomerNumberTaken))?,
        };
        leptos_axum::redirect(&format!("/customers/{id}"));
        Ok(id)
    }).await;
    super::back_to_form_as_posted(result, &posted)
}

#[server(endpoint = "customers/archive")]
pub async fn archive_customer(id: i64, archived: bool) -> Result<(), AppError> {
    use crate::server::repo::customers;
    let result = super::signed_in(|user| async move {
        let state = crate::server::session::state();
        if customers::set_archived(&state.db, user.company_id, id, archived).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }).await;
    super::back_to_page::<ArchiveCustomer, _>(result)
}
