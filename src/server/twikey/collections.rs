//! Collections: debiting an invoice's open amount on the customer's signed mandate.
//!
//! Exactly once, by Twikey's rules: the `requested` row with its idempotency key and reference
//! is committed BEFORE Twikey is called. A retry (timeout, crash) sends the same key again:
//! Twikey creates nothing twice and answers a reused key with 409 `err_duplicate_ref`, which
//! means "already created", so the transaction is then looked up by its reference; when it
//! cannot be found yet the row stays `requested` for the transaction feed to settle. A row is
//! marked failed only on an answer that says the transaction does not exist. A partial unique
//! index allows one running collection per invoice, and a failure Twikey may still re-offer to
//! the bank (`final: false`) keeps it running, so nothing new starts beside it. Outcomes come
//! from the transaction feed (see `sync`), each applied once with the feed position, and each
//! lands on the timeline. Sending to the bank is the batches' job (see `batches`).

use crate::server::db::{begin_write, is_unique_violation, now, Tx};
use crate::server::repo::collections::{self, invoice_facts, Collection, InvoiceFacts, NewCollection};
use crate::server::repo::invoice_events;
use crate::server::repo::mandates::{self, Mandate};
use crate::server::repo::payments::{self, NewPayment, Recorded};
use crate::server::repo::twikey_settings::{self, Settings};
use crate::server::AppState;
use crate::domain::collection::CannotCollect;
use crate::server::Error;
use crate::domain::invoice::PAYMENT_METHOD_DIRECT_DEBIT;
use crate::domain::mandate::MandateState;
use crate::domain::sepa;
use twikey::{NewTransaction, Transaction, TransactionState, TwikeyClient, TwikeyError};
use chrono::{Duration, NaiveDate};
use rand::RngCore;
use serde_json::json;

/// With pre-notification, the debit is asked for this many days ahead so the notice arrives first.
pub const PRENOTIFY_DAYS: i64 = 5;
/// A `requested` collection with no answer from Twikey for this long is sent again (same key).
pub const RESEND_AFTER_SECS: i64 = 60;
/// Twikey remembers an idempotency key for 24 hours: after that a resend could create a second
/// transaction, so an unconfirmed collection is only looked up by its reference from then on.
pub const KEY_LIFETIME_HOURS: i64 = 23;

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("cannot collect: {0:?}")]
    Cannot(CannotCollect),
    #[error("Twikey: {0}")]
    Twikey(#[from] TwikeyError),
    #[error(transparent)]
    App(#[from] Error),
}

impl From<sqlx::Error> for CollectError {
    fn from(e: sqlx::Error) -> Self {
        CollectError::App(e.into())
    }
}

impl From<CollectError> for Error {
    fn from(e: CollectError) -> Self {
        match e {
            CollectError::Cannot(why) => Error::Refused(why.message()),
            CollectError::Twikey(e) => e.into(),
            CollectError::App(e) => e,
        }
    }
}

/// Why a collection was started (kept on the timeline).
#[derive(Clone, Copy, Debug)]
pub enum Cause {
    User,
    Subscription,
    Retry,
}

impl Cause {
    fn as_str(self) -> &'static str {
        match self {
            Cause::User => "user",
            Cause::Subscription => "subscription",
            Cause::Retry => "automatic_retry",
        }
    }
}

/// What the Twikey box shows: whether a collection can start now, and on which mandate.
pub struct Eligibility {
    pub why_not: Option<CannotCollect>,
    pub mandate: Option<Mandate>,
    pub customer_id: i64,
    pub open_cents: i64,
}

pub async fn eligibility(state: &AppState, settings: &Settings, invoice_id: i64) -> Result<Eligibility, Error> {
    let company_id = settings.company_id;
    // One connection at a time: holding one while asking the pool for another starves the
    // pool under load (many invoice pages at once).
    let (facts, running) = {
        let mut conn = state.db.begin().await?;
        let facts = invoice_facts(&mut conn, company_id, invoice_id).await?.ok_or(Error::NotFound)?;
        let running = collections::running(&mut conn, company_id, invoice_id).await?;
        (facts, running)
    };
    let mandate = mandates::signed_for_customer(&state.db, company_id, facts.customer_id).await?;
    let why_not = if !settings.enabled {
        Some(CannotCollect::TwikeyOff)
    } else if !settings.is_configured() {
        Some(CannotCollect::NotConfigured)
    } else if facts.status != "open" {
        Some(if facts.status == "paid" { CannotCollect::NothingToPay } else { CannotCollect::InvoiceNotOpen })
    } else if facts.open_cents <= 0 {
        Some(CannotCollect::NothingToPay)
    } else if let Some(r) = &running {
        Some(if r.failed_not_final() { CannotCollect::TwikeyWillRetry } else { CannotCollect::AlreadyRunning })
    } else if mandate.is_none() {
        let all = mandates::for_customer(&state.db, company_id, facts.customer_id).await?;
        Some(if all.iter().any(|m| m.state() == MandateState::PendingBank) {
            CannotCollect::MandatePendingBank
        } else {
            CannotCollect::NoSignedMandate
        })
    } else {
        None
    };
    Ok(Eligibility { why_not, mandate, customer_id: facts.customer_id, open_cents: facts.open_cents })
}

fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("enc-{}", hex::encode(bytes))
}

/// Starts a collection of the invoice's open amount. With a collection already running
/// nothing new starts (a double click, a second server): `AlreadyRunning` — unless Twikey
/// never answered it, then it is sent again with its own key.
pub async fn start(state: &AppState, company_id: i64, invoice_id: i64, cause: Cause) -> Result<Collection, CollectError> {
    let settings = twikey_settings::get(&state.db, company_id).await?;
    let e = eligibility(state, &settings, invoice_id).await?;
    match e.why_not {
        None => {}
        Some(CannotCollect::AlreadyRunning) => return resend_if_stale(state, &settings, invoice_id).await,
        Some(why) => return Err(CollectError::Cannot(why)),
    }
    let mandate = e.mandate.expect("eligible means a signed mandate");
    let mut tx = begin_write(&state.db, company_id).await?;
    let facts = invoice_facts(&mut tx, company_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let collection_date = settings.prenotify.then(|| state.today() + Duration::days(PRENOTIFY_DAYS));
    let key = idempotency_key();
    let prefix = facts.number.clone().unwrap_or_else(|| format!("INV{invoice_id}"));
    let new = NewCollection {
        invoice_id,
        mandate_reference: &mandate.reference,
        reference_prefix: &prefix,
        idempotency_key: &key,
        amount_cents: facts.open_cents,
        prenotify: settings.prenotify,
        collection_date,
    };
    let collection = match collections::insert(&mut tx, company_id, &new).await {
        Ok(c) => c,
        Err(err) if is_unique_violation(&err) => {
            drop(tx);
            return resend_if_stale(state, &settings, invoice_id).await;
        }
        Err(err) => return Err(err.into()),
    };
    invoice_events::append(
        &mut tx,
        company_id,
        invoice_id,
        "collection_requested",
        json!({"reference": collection.reference, "amount_cents": collection.amount_cents, "attempt": collection.attempt,
               "mandate": mandate.reference, "cause": cause.as_str(), "collection_date": collection_date}),
    )
    .await?;
    tx.commit().await?;
    state.live.publish(company_id, "invoices");
    send(state, &settings, &collection, &facts).await?;
    Ok(collection)
}

async fn resend_if_stale(state: &AppState, settings: &Settings, invoice_id: i64) -> Result<Collection, CollectError> {
    let mut conn = state.db.begin().await?;
    let running = collections::running(&mut conn, settings.company_id, invoice_id).await?;
    drop(conn);
    let Some(c) = running else {
        return Err(CollectError::Cannot(CannotCollect::AlreadyRunning));
    };
    if c.state == "requested" && (now() - c.updated_at).num_seconds() >= RESEND_AFTER_SECS {
        // Twikey never answered this one: send it again (same key) rather than a new one.
        resend(state, settings, &c).await?;
        return Ok(c);
    }
    Err(CollectError::Cannot(CannotCollect::AlreadyRunning))
}

/// Sends a `requested` collection again with its own idempotency key.
pub async fn resend(state: &AppState, settings: &Settings, c: &Collection) -> Result<(), CollectError> {
    let mut tx = state.db.begin().await?;
    let facts = invoice_facts(&mut tx, settings.company_id, c.invoice_id).await?.ok_or(Error::NotFound)?;
    // Claim the resend: with several servers, only the one that moves `updated_at` sends.
    if !collections::claim_resend(&mut tx, c.id, now() - Duration::seconds(RESEND_AFTER_SECS)).await? {
        return Ok(());
    }
    tx.commit().await?;
    send(state, settings, c, &facts).await
}

/// Asks Twikey for the transaction (once per key) and records the answer.
async fn send(state: &AppState, settings: &Settings, c: &Collection, facts: &InvoiceFacts) -> Result<(), CollectError> {
    let client = state.twikey_client(settings).map_err(|_| CollectError::Cannot(CannotCollect::NotConfigured))?;
    if (now() - c.created_at).num_hours() >= KEY_LIFETIME_HOURS {
        // The key may be forgotten by now: a resend could debit twice. Only look it up.
        return confirm_by_reference(state, settings, &client, c, None).await;
    }
    let number = facts.number.clone().unwrap_or_default();
    let request = NewTransaction {
        mndt_id: c.mandate_reference.clone(),
        message: sepa::message(&format!("Invoice {number} {}", facts.structured_communication)),
        amount_cents: c.amount_cents,
        reference: Some(c.reference.clone()),
        reqcolldt: c.collection_date,
        place: None,
    };
    match client.create_transaction(&request, Some(&c.idempotency_key)).await {
        Ok(transaction) => record_sent(state, settings, c, transaction.id, "created").await,
        // Twikey already has this request: the transaction exists (or is being created).
        Err(err) if err.is_duplicate_request() => confirm_by_reference(state, settings, &client, c, Some(err)).await,
        Err(err) if err.is_retryable() => {
            // The row stays `requested`: the next attempt reuses the same key.
            let details = json!({"reference": c.reference, "error": err.to_string()});
            timeline(state, settings.company_id, c.invoice_id, "collection_retry_pending", details).await?;
            Err(err.into())
        }
        // A refusal of a request that may have reached Twikey before (a resend) does not
        // prove there is no transaction: look before marking anything failed.
        Err(err) => confirm_by_reference(state, settings, &client, c, Some(err)).await,
    }
}

/// After an answer that does not say whether the transaction exists: look it up by our
/// reference (a rate-limited call). Found: it is open. Certainly absent after a plain refusal
/// (or after the key's lifetime): failed with the reason. Otherwise it stays `requested`, for
/// the transaction feed or the next follow-up to settle.
async fn confirm_by_reference(
    state: &AppState,
    settings: &Settings,
    client: &TwikeyClient,
    c: &Collection,
    answer: Option<TwikeyError>,
) -> Result<(), CollectError> {
    let company_id = settings.company_id;
    let found = match client.transaction_detail_by_ref(&c.reference).await {
        Ok(found) => found,
        Err(lookup) => {
            let details = json!({"reference": c.reference, "error": lookup.to_string()});
            timeline(state, company_id, c.invoice_id, "collection_unconfirmed", details).await?;
            return Err(lookup.into());
        }
    };
    if let Some(t) = found.iter().find(|t| t.mndt_id.as_deref().is_none_or(|m| m == c.mandate_reference)) {
        return record_sent(state, settings, c, t.id, "confirmed").await;
    }
    let (code, message) = match answer {
        // 409 but not visible yet: Twikey is still creating it. Wait for the feed.
        Some(err) if err.is_duplicate_request() => {
            let details = json!({"reference": c.reference, "error": err.to_string()});
            timeline(state, company_id, c.invoice_id, "collection_unconfirmed", details).await?;
            return Ok(());
        }
        Some(err) => (err.code().unwrap_or("refused").to_string(), Some(err.to_string())),
        // The key's lifetime is over and Twikey has no such transaction: it never arrived.
        None => ("not_received".to_string(), None),
    };
    let mut tx = begin_write(&state.db, company_id).await?;
    collections::mark_failed(&mut tx, c.id, &code, message.as_deref(), false, None).await?;
    let details = json!({"reference": c.reference, "code": code, "message": message});
    invoice_events::append(&mut tx, company_id, c.invoice_id, "collection_refused", details).await?;
    tx.commit().await?;
    state.live.publish(company_id, "invoices");
    match message {
        Some(m) => Err(CollectError::Twikey(TwikeyError::Api { status: 400, code, message: m, extra: None })),
        None => Ok(()),
    }
}

/// Twikey has the transaction: the collection is open, waiting to be sent to the bank.
async fn record_sent(state: &AppState, settings: &Settings, c: &Collection, twikey_id: i64, how: &str) -> Result<(), CollectError> {
    let company_id = settings.company_id;
    let mut tx = begin_write(&state.db, company_id).await?;
    collections::mark_open(&mut tx, c.id, twikey_id).await?;
    let sending = if settings.batch_sending { "batch" } else { "profile" };
    let details = json!({"reference": c.reference, "twikey_id": twikey_id, "collection_date": c.collection_date, "how": how, "sending": sending});
    invoice_events::append(&mut tx, company_id, c.invoice_id, "collection_sent", details).await?;
    tx.commit().await?;
    state.live.publish(company_id, "invoices");
    Ok(())
}

async fn timeline(state: &AppState, company_id: i64, invoice_id: i64, kind: &str, details: serde_json::Value) -> Result<(), CollectError> {
    let mut tx = begin_write(&state.db, company_id).await?;
    invoice_events::append(&mut tx, company_id, invoice_id, kind, details).await?;
    tx.commit().await?;
    state.live.publish(company_id, "invoices");
    Ok(())
}

/// Applies one transaction-feed entry (inside the chunk's transaction). Returns the invoice it
/// changed, if any. Entries Encaisse did not create are ignored.
pub async fn apply_feed_entry(conn: &mut Tx, settings: &Settings, t: &Transaction, today: NaiveDate) -> Result<Option<i64>, Error> {
    let company_id = settings.company_id;
    let found = match &t.reference {
        Some(r) => collections::by_reference(conn, company_id, r).await?,
        None => None,
    };
    let c = match found {
        Some(c) => c,
        None => match collections::by_twikey_id(conn, company_id, t.id).await? {
            Some(c) => c,
            None => return Ok(None),
        },
    };
    let booked_on = t.bkdate.as_deref().and_then(twikey::lenient::parse_date_or_datetime).unwrap_or(today);
    match t.state() {
        TransactionState::Paid if c.state != "paid" => {
            if c.state == "failed" {
                // Marked failed on an answer that looked final, paid after all: the money came
                // in, it is recorded below like any payment.
                tracing::warn!(collection = c.id, "a collection marked failed was paid");
            }
            collections::mark_paid(conn, c.id).await?;
            invoice_events::append(
                conn,
                company_id,
                c.invoice_id,
                "collection_paid",
                json!({"reference": c.reference, "amount_cents": c.amount_cents, "booked_on": booked_on}),
            )
            .await?;
            let payment = NewPayment {
                paid_on: booked_on,
                amount_cents: c.amount_cents,
                method: PAYMENT_METHOD_DIRECT_DEBIT,
                external_ref: Some(&c.reference),
            };
            match payments::record(conn, company_id, c.invoice_id, &payment).await {
                Ok(Recorded::Done { .. }) | Ok(Recorded::Duplicate) => {}
                // Paid by hand (or cancelled) meanwhile: the money still came in; say so.
                Err(Error::Refused(_)) => {
                    invoice_events::append(
                        conn,
                        company_id,
                        c.invoice_id,
                        "collection_paid_not_applied",
                        json!({"reference": c.reference, "amount_cents": c.amount_cents}),
                    )
                    .await?;
                }
                Err(e) => return Err(e),
            }
            Ok(Some(c.invoice_id))
        }
        TransactionState::Error => {
            let code = t.bkerror.clone().unwrap_or_else(|| "ERROR".into());
            let message = t.bkmsg.clone();
            // `final: false`: Twikey's dunning may offer it to the bank again. Not over: keep
            // it running (nothing new starts, no retry of ours), say so, wait for the outcome.
            if t.is_final == Some(false) && matches!(c.state.as_str(), "requested" | "open") {
                if c.state == "requested" {
                    collections::mark_open(conn, c.id, t.id).await?;
                }
                if c.reason_code.as_deref() == Some(code.as_str()) {
                    return Ok(None); // the same message again
                }
                collections::mark_failed_not_final(conn, c.id, &code, message.as_deref()).await?;
                invoice_events::append(
                    conn,
                    company_id,
                    c.invoice_id,
                    "collection_failed_will_retry",
                    json!({"reference": c.reference, "code": code, "message": message}),
                )
                .await?;
                return Ok(Some(c.invoice_id));
            }
            match c.state.as_str() {
                "paid" => {
                    let taken_back = payments::reverse(conn, company_id, c.invoice_id, PAYMENT_METHOD_DIRECT_DEBIT, &c.reference).await?;
                    collections::mark_failed(conn, c.id, &code, message.as_deref(), true, None).await?;
                    invoice_events::append(
                        conn,
                        company_id,
                        c.invoice_id,
                        "collection_reversed",
                        json!({"reference": c.reference, "code": code, "message": message, "amount_cents": taken_back}),
                    )
                    .await?;
                }
                "requested" | "open" => {
                    let retry_at = (settings.retry_enabled && sepa::retry_may_help(&code) && c.attempt <= settings.retry_max)
                        .then(|| now() + Duration::days(settings.retry_after_days.max(0)));
                    collections::mark_failed(conn, c.id, &code, message.as_deref(), false, retry_at).await?;
                    invoice_events::append(
                        conn,
                        company_id,
                        c.invoice_id,
                        "collection_failed",
                        json!({"reference": c.reference, "code": code, "message": message, "retry_at": retry_at}),
                    )
                    .await?;
                }
                _ => return Ok(None), // already failed: a repeated message
            }
            Ok(Some(c.invoice_id))
        }
        _ => Ok(None),
    }
}

/// Sends again the collections Twikey never answered, and starts the automatic retries due.
pub async fn follow_up(state: &AppState, settings: &Settings) -> Result<(), CollectError> {
    let company_id = settings.company_id;
    let mut conn = state.db.begin().await?;
    let stale = collections::stale_requested(&mut conn, company_id, now() - Duration::seconds(RESEND_AFTER_SECS)).await?;
    let retries = collections::due_retries(&mut conn, company_id, now()).await?;
    drop(conn);
    for c in stale {
        if let Err(e) = resend(state, settings, &c).await {
            tracing::warn!(collection = c.id, error = %e, "resending a collection failed");
        }
    }
    for c in retries {
        let mut tx = begin_write(&state.db, company_id).await?;
        collections::clear_retry(&mut tx, c.id).await?;
        tx.commit().await?;
        match start(state, company_id, c.invoice_id, Cause::Retry).await {
            Ok(_) | Err(CollectError::Cannot(_)) => {}
            Err(e) => tracing::warn!(invoice = c.invoice_id, error = %e, "automatic retry failed"),
        }
    }
    Ok(())
}

/// For a subscription invoice with "Collect with Twikey": start the collection, or say on the
/// timeline why it was not started.
pub async fn collect_generated_invoice(state: &AppState, company_id: i64, invoice_id: i64) {
    match start(state, company_id, invoice_id, Cause::Subscription).await {
        Ok(_) => {}
        Err(CollectError::Cannot(why)) => {
            if let Ok(mut tx) = begin_write(&state.db, company_id).await {
                let _ = invoice_events::append(&mut tx, company_id, invoice_id, "collection_not_started", json!({"why": why})).await;
                let _ = tx.commit().await;
            }
        }
        // The row stays requested (retryable) or failed with its reason, both on the timeline.
        Err(e) => tracing::warn!(invoice_id, error = %e, "subscription collection failed"),
    }
}

/// The invoice's Twikey box: whether a collection can start (and why not), its collections.
pub async fn invoice_view(state: &AppState, company_id: i64, invoice_id: i64) -> Result<crate::model::twikey::InvoiceTwikeyView, Error> {
    use crate::model::twikey::{CollectionView, InvoiceTwikeyView};
    let settings = twikey_settings::get(&state.db, company_id).await?;
    let e = eligibility(state, &settings, invoice_id).await?;
    let mut conn = state.db.begin().await?;
    let rows = collections::for_invoice(&mut conn, company_id, invoice_id).await?;
    drop(conn);
    let collections = rows
        .into_iter()
        .map(|c| CollectionView {
            will_retry: c.failed_not_final(),
            id: c.id,
            reference: c.reference,
            amount_cents: c.amount_cents,
            attempt: c.attempt,
            state: c.state,
            reason_code: c.reason_code,
            reason_message: c.reason_message,
            reversed: c.reversed,
            retry_at: c.retry_at.map(crate::domain::time::format_brussels),
            prenotify: c.prenotify,
            collection_date: c.collection_date,
            created_at: crate::domain::time::format_brussels(c.created_at),
        })
        .collect();
    Ok(InvoiceTwikeyView {
        enabled: settings.enabled,
        why_not: e.why_not,
        customer_id: e.customer_id,
        mandate_reference: e.mandate.map(|m| m.reference),
        open_cents: e.open_cents,
        collections,
    })
}

/// Starts collections for the chosen invoices (at most 500); says which started, which were
/// skipped and why, and which failed.
pub async fn start_many(state: &AppState, company_id: i64, invoice_ids: impl IntoIterator<Item = i64>) -> Result<crate::model::twikey::BulkCollectReport, Error> {
    let mut report = crate::model::twikey::BulkCollectReport::default();
    for id in invoice_ids.into_iter().take(500) {
        let Some(number) = crate::server::repo::invoices::number_of(&state.db, company_id, id).await? else {
            continue;
        };
        let label = number.unwrap_or_else(|| format!("#{id}"));
        match start(state, company_id, id, Cause::User).await {
            Ok(_) => report.started.push(label),
            Err(CollectError::Cannot(why)) => report.skipped.push((label, why)),
            Err(e) => {
                tracing::warn!(error = %e, invoice_id = id, "collection not started");
                report.failed.push((label, e.to_string()))
            }
        }
    }
    Ok(report)
}
