//! Figures for the dashboard.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub customers: i64,
    pub twikey_enabled: bool,
}

#[server(endpoint = "dashboard")]
pub async fn dashboard_summary() -> Result<Summary, AppError> {
    use crate::server::{repo::{customers, twikey_settings}, respond, session};
    respond(async {
        let user = session::require_user().await?;
        let db = &session::state().db;
        Ok(Summary {
            customers: customers::count(db, user.company_id).await?,
            twikey_enabled: twikey_settings::is_enabled(db, user.company_id).await?,
        })
    }.await)
}
