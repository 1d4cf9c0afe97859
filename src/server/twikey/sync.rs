//! The sync worker: brings a company's mandates up to date from Twikey's mandate feed.
//!
//! The feed is the truth and the webhook only a trigger. Per company one reader at a time
//! (a trigger during a run makes the run go round once more); each chunk is applied in ONE
//! database transaction together with the feed position it reached, so a crash between
//! chunks resumes exactly where the last committed chunk ended. With several servers, a chunk
//! is applied only if the stored position is still the one it was read from (checked under
//! the company's write lock), so each feed message is applied once.

use crate::server::db::Tx;
use crate::server::repo::mandates::{self, MandateUpdate};
use crate::server::repo::twikey_settings::{self, Feed};
use crate::server::twikey::link::LinkError;
use crate::server::AppState;
use crate::domain::mandate::MandateState;
use twikey::{MandateEventKind, MandateFeedMessage, TwikeyClient, TwikeyError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("Twikey: {0}")]
    Twikey(#[from] TwikeyError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("applying a transaction: {0}")]
    Apply(crate::server::Error),
    #[error("this Twikey account is connected to another company; nothing is read for this one")]
    AccountTaken,
}

#[derive(Default)]
struct Slot {
    running: Arc<tokio::sync::Mutex<()>>,
    again: AtomicBool,
}

/// Who is syncing what, per company.
#[derive(Clone, Default)]
pub struct SyncHub {
    slots: Arc<Mutex<HashMap<i64, Arc<Slot>>>>,
}

impl SyncHub {
    fn slot(&self, company_id: i64) -> Arc<Slot> {
        self.slots.lock().expect("sync slots poisoned").entry(company_id).or_default().clone()
    }
}

/// Asks for a sync of the company soon and returns at once. Triggers during a run are
/// coalesced into one more run.
pub fn trigger(state: &AppState, company_id: i64) {
    let slot = state.sync.slot(company_id);
    slot.again.store(true, Ordering::SeqCst);
    let Ok(mut guard) = slot.running.clone().try_lock_owned() else {
        return;
    };
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            while slot.again.swap(false, Ordering::SeqCst) {
                run_and_record(&state, company_id).await;
            }
            drop(guard);
            // A trigger may have arrived between the last check and the unlock.
            if !slot.again.load(Ordering::SeqCst) {
                break;
            }
            match slot.running.clone().try_lock_owned() {
                Ok(g) => guard = g,
                Err(_) => break, // another task took over
            }
        }
    });
}

/// Runs one sync now (waiting for a running one to finish first) and returns how many feed
/// messages it applied.
pub async fn sync_now(state: &AppState, company_id: i64) -> Result<usize, SyncError> {
    let slot = state.sync.slot(company_id);
    let _guard = slot.running.lock().await;
    let result = sync_company(state, company_id).await;
    record(state, company_id, &result).await;
    result
}

async fn run_and_record(state: &AppState, company_id: i64) {
    let result = sync_company(state, company_id).await;
    record(state, company_id, &result).await;
    // Rate limited: the rest is read again once Twikey allows it, not at the next poll.
    if let Err(SyncError::Twikey(TwikeyError::RateLimited { retry_after })) = &result {
        let wait = retry_after.unwrap_or(std::time::Duration::from_secs(60)).min(std::time::Duration::from_secs(600));
        let state = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            trigger(&state, company_id);
        });
    }
}

async fn record(state: &AppState, company_id: i64, result: &Result<usize, SyncError>) {
    let error = result.as_ref().err().map(|e| e.to_string());
    if let Some(e) = &error {
        tracing::warn!(company_id, error = %e, "Twikey sync failed");
    }
    if let Err(e) = twikey_settings::record_sync(&state.db, company_id, error.as_deref()).await {
        tracing::error!(company_id, error = %e, "could not record the sync result");
    }
}

/// Reads the mandate feed until it is empty, applying each chunk with its position.
async fn sync_company(state: &AppState, company_id: i64) -> Result<usize, SyncError> {
    let settings = twikey_settings::get(&state.db, company_id).await?;
    if !settings.enabled || !settings.is_configured() {
        return Ok(0);
    }
    let client = state.twikey_client(&settings)?;
    let owns_account = claim_account(state, &settings, &client).await?;
    let mut position = settings.mandate_feed_position;
    let mut applied = 0;
    loop {
        // The first read starts at the beginning: without X-RESUME-AFTER Twikey answers from
        // its own cursor for the key, which anything else reading the feed may have moved.
        let chunk = client.mandate_feed_chunk(Some(position.unwrap_or(0))).await?;
        if chunk.items.is_empty() {
            break;
        }
        let reached = chunk.position.or_else(|| chunk.items.iter().rev().find_map(|m| m.evt_id));
        // Network first (states Twikey does not put in the feed), then one transaction.
        let states = bank_states(&client, &chunk.items).await?;
        let mut tx = crate::server::db::begin_write(&state.db, company_id).await?;
        let stored = twikey_settings::feed_position(&mut tx, company_id, Feed::Mandates).await?;
        if stored != position {
            // Another server applied this chunk meanwhile: read on from where it got to.
            tx.rollback().await?;
            position = stored;
            continue;
        }
        for message in &chunk.items {
            let current = states.get(message.mandate_reference().unwrap_or_default()).copied();
            apply(&mut tx, company_id, owns_account, message, current).await?;
        }
        if let Some(p) = reached {
            twikey_settings::set_mandate_position(&mut tx, company_id, p).await?;
        }
        tx.commit().await?;
        applied += chunk.items.len();
        state.live.publish(company_id, "mandates");
        match reached {
            Some(p) if Some(p) != position => position = Some(p),
            // No progress reported: stop rather than read the same chunk forever.
            _ => break,
        }
    }
    applied += check_pending_bank(state, company_id, &client).await?;
    applied += sync_transactions(state, &settings, &client).await?;
    if let Err(e) = crate::server::twikey::collections::follow_up(state, &settings).await {
        tracing::warn!(company_id, error = %e, "collection follow-up failed");
    }
    Ok(applied)
}

/// Reads the transaction feed until it is empty: payments and failures of collections,
/// applied chunk by chunk with the stored position, in one transaction each.
async fn sync_transactions(state: &AppState, settings: &twikey_settings::Settings, client: &TwikeyClient) -> Result<usize, SyncError> {
    let company_id = settings.company_id;
    let mut position = settings.transaction_feed_position;
    let mut applied = 0;
    loop {
        let chunk = client.transaction_feed_chunk(Some(position.unwrap_or(0))).await?;
        if chunk.items.is_empty() {
            break;
        }
        let reached = chunk.position.or_else(|| chunk.items.iter().rev().find_map(|t| t.seq));
        let mut tx = crate::server::db::begin_write(&state.db, company_id).await?;
        let stored = twikey_settings::feed_position(&mut tx, company_id, Feed::Transactions).await?;
        if stored != position {
            tx.rollback().await?;
            position = stored;
            continue;
        }
        for entry in &chunk.items {
            crate::server::twikey::collections::apply_feed_entry(&mut tx, settings, entry, state.today()).await.map_err(SyncError::Apply)?;
        }
        if let Some(p) = reached {
            crate::server::repo::collections::set_feed_position(&mut tx, company_id, p).await?;
        }
        tx.commit().await?;
        applied += chunk.items.len();
        state.live.publish(company_id, "invoices");
        match reached {
            Some(p) if Some(p) != position => position = Some(p),
            _ => break,
        }
    }
    Ok(applied)
}

/// Which Twikey account the key belongs to, recorded on first use: one account serves one
/// company. Another company already holding it stops the sync (nothing of that account is read
/// here). Returns whether this company owns the account, which it must to have mandates it did
/// not prepare attached to its customers.
async fn claim_account(state: &AppState, settings: &twikey_settings::Settings, client: &TwikeyClient) -> Result<bool, SyncError> {
    if settings.merchant_id.is_some() {
        return Ok(true);
    }
    let Some(merchant_id) = client.account().await?.merchant_id else {
        return Ok(false);
    };
    match twikey_settings::company_of_merchant(&state.db, &merchant_id).await? {
        Some(owner) if owner != settings.company_id => Err(SyncError::AccountTaken),
        Some(_) => Ok(true),
        None => match twikey_settings::set_merchant(&state.db, settings.company_id, Some(&merchant_id)).await {
            Ok(()) => Ok(true),
            Err(e) if crate::server::db::is_unique_violation(&e) => Err(SyncError::AccountTaken),
            Err(e) => Err(e.into()),
        },
    }
}

/// B2B mandates waiting for the debtor's bank: Twikey documents the bank's answer
/// (`AcceptedBank` / `RejectBank`) as webhook events only, so their state is read from the
/// mandate detail (`X-STATE`), which is rate limited: a 429 stops here and is tried again.
async fn check_pending_bank(state: &AppState, company_id: i64, client: &TwikeyClient) -> Result<usize, SyncError> {
    let pending = mandates::pending_bank(&state.db, company_id, 20).await?;
    let mut changed = 0;
    for m in pending {
        let detail = match client.mandate_detail(&m.reference, true).await {
            Ok(d) => d,
            Err(e @ TwikeyError::RateLimited { .. }) => return Err(e.into()),
            Err(e) => {
                tracing::warn!(company_id, error = %e, "reading a B2B mandate's state failed");
                continue;
            }
        };
        let Some(now_state) = detail.state.as_deref().and_then(MandateState::from_twikey) else {
            continue;
        };
        let event = match now_state {
            MandateState::Signed => "signed",
            MandateState::Cancelled => "cancelled",
            MandateState::Suspended => "suspended",
            _ => continue, // still waiting
        };
        let reason = match now_state {
            MandateState::Signed => "AcceptedBank",
            MandateState::Cancelled => "RejectBank",
            _ => "",
        };
        let mut tx = crate::server::db::begin_write(&state.db, company_id).await?;
        let update = MandateUpdate { state: Some(now_state), reason: Some(reason.to_string()), ..Default::default() };
        mandates::apply_update(&mut tx, &m, &update, event).await?;
        tx.commit().await?;
        changed += 1;
    }
    if changed > 0 {
        state.live.publish(company_id, "mandates");
    }
    Ok(changed)
}

/// The B2B feed does not say whether the debtor's bank confirmed yet: ask the mandate's
/// current state (`X-STATE`) for new B2B mandates and for updates with an unknown reason.
/// Other errors keep the feed's view; a rate limit stops the chunk (read again later).
async fn bank_states(client: &TwikeyClient, items: &[MandateFeedMessage]) -> Result<HashMap<String, MandateState>, TwikeyError> {
    let mut states = HashMap::new();
    for m in items {
        let needs = match m.kind() {
            MandateEventKind::New => m.mandate.as_ref().and_then(|x| x.local_instrument.as_deref()) == Some("B2B"),
            MandateEventKind::Updated => update_state(m).is_none(),
            MandateEventKind::Cancelled => false,
        };
        let Some(reference) = m.mandate.as_ref().map(|x| x.mndt_id.clone()) else {
            continue;
        };
        if needs && !states.contains_key(&reference) {
            match client.mandate_detail(&reference, true).await {
                Ok(detail) => {
                    if let Some(s) = detail.state.as_deref().and_then(MandateState::from_twikey) {
                        states.insert(reference, s);
                    }
                }
                Err(e @ TwikeyError::RateLimited { .. }) => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, "mandate detail failed; keeping the feed's view")
                }
            }
        }
    }
    Ok(states)
}

/// The state an amendment reason implies by itself.
fn update_state(m: &MandateFeedMessage) -> Option<MandateState> {
    let reason = m.amendment_reason.as_ref()?.reason.as_deref()?;
    if reason == "uncollectable|user" {
        Some(MandateState::Suspended)
    } else if reason.contains("AcceptedBank") {
        Some(MandateState::Signed)
    } else {
        None
    }
}

/// What the feed's `Mndt` says about the mandate.
fn update_from(m: &MandateFeedMessage) -> MandateUpdate {
    let Some(mndt) = &m.mandate else {
        return MandateUpdate::default();
    };
    MandateUpdate {
        template_id: mndt.supplementary("TemplateId").and_then(|t| t.parse().ok()),
        scheme: mndt.local_instrument.clone(),
        iban: mndt.debtor_account.clone(),
        bic: mndt.debtor_agent.as_ref().and_then(|a| a.institution.as_ref()).and_then(|f| f.bic.clone()),
        signed_at: mndt.supplementary("SignerDate#0").or_else(|| m.evt_time.clone()),
        sign_method: mndt.supplementary("SignerMethod#0"),
        ..Default::default()
    }
}

async fn apply(
    tx: &mut Tx,
    company_id: i64,
    owns_account: bool,
    message: &MandateFeedMessage,
    current_state: Option<MandateState>,
) -> Result<(), sqlx::Error> {
    let Some(reference) = message.mandate_reference() else {
        return Ok(());
    };
    let existing = mandates::by_reference(tx, company_id, reference).await?;
    let mut update = update_from(message);
    let event = match message.kind() {
        MandateEventKind::New => {
            let b2b = update.scheme.as_deref() == Some("B2B");
            let state = if b2b { current_state.unwrap_or(MandateState::PendingBank) } else { MandateState::Signed };
            update.state = Some(state);
            if state == MandateState::PendingBank {
                "pending_bank"
            } else {
                "signed"
            }
        }
        MandateEventKind::Updated => {
            update.reason = message.amendment_reason.as_ref().and_then(|r| r.reason.clone());
            update.state = update_state(message).or(current_state);
            let new_reference = message.mandate.as_ref().map(|m| m.mndt_id.clone());
            update.new_reference = new_reference.filter(|n| n != reference);
            match update.state {
                Some(MandateState::Suspended) => "suspended",
                Some(MandateState::Signed) if existing.as_ref().map(|e| e.state()) != Some(MandateState::Signed) => "signed",
                _ => "updated",
            }
        }
        MandateEventKind::Cancelled => {
            update = MandateUpdate {
                state: Some(MandateState::Cancelled),
                reason: message.cancel_reason.as_ref().and_then(|r| r.reason.clone()),
                ..Default::default()
            };
            "cancelled"
        }
    };
    match existing {
        Some(m) => mandates::apply_update(tx, &m, &update, event).await,
        None => {
            // A mandate Encaisse did not prepare: attach it by customer number when we can.
            let customer_number = message.mandate.as_ref().and_then(|m| m.customer_number().map(str::to_string));
            let customer_id = match customer_number {
                Some(n) if owns_account => mandates::customer_by_number(tx, company_id, &n).await?,
                _ => None,
            };
            mandates::insert_from_feed(tx, company_id, customer_id, reference, &update, event).await
        }
    }
}

/// Runs forever: syncs every active company every `interval` (covers lost webhooks).
pub async fn run_periodically(state: AppState, interval: std::time::Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match twikey_settings::active_companies(&state.db).await {
            Ok(companies) => companies.into_iter().for_each(|c| trigger(&state, c)),
            Err(e) => tracing::error!(error = %e, "listing companies to sync failed"),
        }
    }
}
