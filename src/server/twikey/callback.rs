//! `GET /twikey/webhook/{company_public_id}`: Twikey's "something changed" call.
//!
//! Unknown company → 404, bad or missing signature → 403; either way logged and counted,
//! never a 5xx and never slow (no Twikey call happens here). A valid call is answered 204 at
//! once; the sync worker then reads the feeds, which are the truth.

use crate::server::repo::{mandates, twikey_settings};
use crate::server::{twikey::sync, AppState};
use twikey::verify_webhook;
use axum::extract::{Path, RawQuery, State};
use http::{HeaderMap, StatusCode};
use std::sync::atomic::{AtomicU64, Ordering};

/// Longer queries are refused before any work (Twikey's are a few parameters).
const MAX_QUERY_LEN: usize = 4096;

/// Callbacks refused since start-up (unknown company or bad signature), for the logs.
pub static REJECTED: AtomicU64 = AtomicU64::new(0);

fn reject(status: StatusCode, why: &str) -> StatusCode {
    let n = REJECTED.fetch_add(1, Ordering::Relaxed) + 1;
    tracing::warn!(%status, rejected_total = n, "Twikey callback refused: {why}");
    status
}

pub async fn webhook(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> StatusCode {
    let query = query.unwrap_or_default();
    if public_id.len() > 64 || query.len() > MAX_QUERY_LEN {
        return reject(StatusCode::FORBIDDEN, "oversized");
    }
    let settings = match twikey_settings::by_public_id(&state.db, &public_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return reject(StatusCode::NOT_FOUND, "unknown company"),
        Err(e) => {
            tracing::error!(error = %e, "callback lookup failed");
            // Twikey retries on failure; a 503 says "later" without pretending anything.
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    };
    let company_id = settings.company_id;
    let Some(signature) = headers.get("x-signature").and_then(|v| v.to_str().ok()) else {
        let _ = twikey_settings::record_webhook(&state.db, company_id, false, false).await;
        return reject(StatusCode::FORBIDDEN, "missing signature");
    };
    let valid = match state.twikey_api_key(&settings) {
        Ok(key) => verify_webhook(&key, &query, signature),
        Err(_) => false,
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let test = param("type") == Some("event") && param("msg") == Some("dummytest");
    let recorded = twikey_settings::record_webhook(&state.db, company_id, valid, valid && test).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "could not record the callback");
        false
    });
    if !valid {
        return reject(StatusCode::FORBIDDEN, "bad signature");
    }
    tracing::info!(company_id, kind = param("type").unwrap_or(""), event = param("event").unwrap_or(""), "Twikey callback");
    if recorded {
        // The connection's health changed: open Applications & connections pages refresh.
        state.live.publish(company_id, "settings");
    }
    if test {
        return StatusCode::NO_CONTENT;
    }
    // Removed or expired invitations never reach the feed: apply them here.
    if param("event") == Some("Invite") {
        if let (Some(reason @ ("removed" | "expired")), Some(reference)) = (param("reason"), param("mandateNumber")) {
            if let Err(e) = invite_gone(&state, company_id, reference, reason).await {
                tracing::error!(error = %e, "could not apply the removed invitation");
            }
        }
    }
    if settings.enabled {
        sync::trigger(&state, company_id);
    }
    StatusCode::NO_CONTENT
}

async fn invite_gone(state: &AppState, company_id: i64, reference: &str, reason: &str) -> Result<(), sqlx::Error> {
    let mut conn = state.db.begin().await?;
    let Some(m) = mandates::by_reference(&mut conn, company_id, reference).await? else {
        return Ok(());
    };
    drop(conn);
    if m.state() == crate::domain::mandate::MandateState::Prepared {
        let kind = if reason == "expired" { "invite_expired" } else { "invite_removed" };
        let mut tx = state.db.begin().await?;
        // Signed since it was read (the sync runs beside this): kept.
        if mandates::delete_if_prepared(&mut tx, company_id, m.id).await? {
            mandates::add_event(&mut tx, company_id, m.customer_id, &m.reference, kind, "").await?;
            tx.commit().await?;
            state.live.publish(company_id, "mandates");
        }
    }
    Ok(())
}
