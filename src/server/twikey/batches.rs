//! Collection batches: sending the open transactions to the bank.
//!
//! Twikey debits only transactions that were sent to the bank, and `POST /collect` sends every
//! open transaction of a contract (template) at once, with one collection date. So Encaisse
//! sends at most one batch per company, contract and day, from the scheduler: the batch row is
//! claimed (unique per day) before Twikey is called, so several servers send it once. A batch
//! that failed is tried again later the same day; that cannot debit twice, because a second
//! `collect` only finds transactions that are not sent yet. When the company lets its Twikey
//! profile send automatically, Encaisse sends nothing.

use crate::server::twikey::collections::{CollectError, PRENOTIFY_DAYS};
use crate::server::db::begin_write;
use crate::server::repo::batches::{self, NewBatch};
use crate::server::repo::{collections, invoice_events, twikey_settings};
use crate::server::AppState;
use twikey::CollectRequest;
use chrono::{Duration, NaiveDate};
use serde_json::json;

/// Sends the day's batch of every contract that has collections waiting for one. Returns how
/// many collections went to the bank.
pub async fn send_due(state: &AppState, company_id: i64, day: NaiveDate) -> Result<usize, CollectError> {
    let settings = twikey_settings::get(&state.db, company_id).await?;
    let Some(default_template) = settings.b2c_ct else {
        return Ok(0);
    };
    if !settings.enabled || !settings.is_configured() || !settings.batch_sending {
        return Ok(0);
    }
    let templates = {
        let mut conn = state.db.begin().await?;
        collections::unbatched_templates(&mut conn, company_id, default_template).await?
    };
    if templates.is_empty() {
        return Ok(0);
    }
    let client = state.twikey_client(&settings).map_err(|e| {
        tracing::error!(company_id, error = %e, "no Twikey client for the collection batch");
        CollectError::Cannot(crate::domain::collection::CannotCollect::NotConfigured)
    })?;
    let mut sent = 0;
    for template_id in templates {
        let new = NewBatch {
            template_id,
            day,
            prenotify: settings.prenotify,
            // The pre-notification must reach the debtor before the debit.
            collection_date: settings.prenotify.then(|| day + Duration::days(PRENOTIFY_DAYS)),
        };
        let mut tx = begin_write(&state.db, company_id).await?;
        let Some(batch) = batches::claim(&mut tx, company_id, &new).await? else {
            continue; // done today, or another server is sending it
        };
        tx.commit().await?;
        let request = CollectRequest {
            ct: template_id.to_string(),
            prenotify: batch.prenotify,
            colltndt: batch.collection_date,
            until_ms: Some(batch.until_ms),
        };
        match client.collect(&request).await {
            Ok(result) => {
                let ids: Vec<String> = [result.frst_msg_id, result.rcur_msg_id].into_iter().flatten().collect();
                let mut tx = begin_write(&state.db, company_id).await?;
                let outcome = if ids.is_empty() { "empty" } else { "sent" };
                batches::finish(&mut tx, batch.id, outcome, (!ids.is_empty()).then(|| ids.join(", ")).as_deref(), None).await?;
                let included =
                    collections::assign_batch(&mut tx, company_id, batch.id, template_id, default_template, batch.updated_at).await?;
                // An empty batch: the profile's automatic sending got there first; nothing to tell.
                if !ids.is_empty() {
                    for c in &included {
                        let details = json!({"reference": c.reference, "batch": ids.join(", "), "collection_date": batch.collection_date,
                                             "prenotify": batch.prenotify});
                        invoice_events::append(&mut tx, company_id, c.invoice_id, "collection_in_batch", details).await?;
                    }
                }
                tx.commit().await?;
                tracing::info!(company_id, template_id, collections = included.len(), outcome, "collection batch");
                sent += included.len();
                state.live.publish(company_id, "invoices");
            }
            Err(e) => {
                tracing::warn!(company_id, template_id, error = %e, "collection batch failed; tried again later today");
                let mut tx = begin_write(&state.db, company_id).await?;
                batches::finish(&mut tx, batch.id, "failed", None, Some(&e.to_string())).await?;
                tx.commit().await?;
            }
        }
    }
    Ok(sent)
}
