//! Peppol delivery of issued documents (Belgian B2B e-invoicing) through the company's access
//! point, Twikey today ([`access_point::AccessPoint`] is the one interface invoicing knows).
//!
//! - **Queued at issue**: [`queue_in`] writes one delivery per document in the issuing
//!   transaction when the buyer is a company with an enterprise number and Twikey is on and
//!   configured. Individuals, and companies without a number, get the PDF by e-mail as before.
//! - **Delivered by the scheduler**: [`deliver_due`] (each tick) claims due deliveries with a
//!   lease (one server at a time), asks whether the buyer is a Peppol receiver (looked up once a
//!   day per customer), renders the UBL with the PDF inside from the document as it is now (direct
//!   debit with the mandate once a collection runs), uploads it under the document's stable id and
//!   asks for the Peppol delivery.
//! - **Exactly once**: the stable id makes a second upload impossible; the time the delivery was
//!   asked for is written before asking, and a retry after a lost answer asks the access point
//!   whether it was done before asking again.
//! - **Failures** that may pass (timeouts, lost connections, 5xx, rate limits) are retried with
//!   backoff ([`backoff`]) up to [`MAX_ATTEMPTS`]; a document the access point or the UBL writer
//!   refuses fails at once. A buyer that is no Peppol receiver gets the invoice by e-mail.
//!   Every outcome is on the invoice's timeline; failures count on the connections page.

pub mod access_point;
pub mod directory;
pub mod twikey;

pub use access_point::{AccessPoint, AccessPointError, RemoteDelivery};

use crate::domain::document::{Document, Payment};
use crate::model::peppol::{PeppolHealth, PeppolReach};
use crate::server::Error;
use crate::server::db::{begin_write, Tx};
use crate::server::repo::peppol::{self as repo, state, Delivery, NewDelivery};
use crate::server::repo::{invoice_events, twikey_settings};
use crate::server::AppState;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Attempts before a delivery that keeps failing is given up (about 20 hours of backoff).
pub const MAX_ATTEMPTS: i64 = 12;
/// How long an attempt holds its claim (longer than an upload and a delivery together).
const LEASE_SECS: i64 = 300;
const FIRST_RETRY_SECS: i64 = 60;
const LAST_RETRY_SECS: i64 = 6 * 3600;
/// A Peppol lookup is trusted this long.
const RECEIVER_MAX_AGE_HOURS: i64 = 24;
/// The access point new deliveries go through.
const DEFAULT_ACCESS_POINT: &str = "twikey";

/// Timeline kinds.
pub mod kind {
    pub const DELIVERED: &str = "peppol_delivered";
    pub const RETRY: &str = "peppol_retry";
    pub const FAILED: &str = "peppol_failed";
    pub const NOT_REACHABLE: &str = "peppol_not_reachable";
}

/// The wait before attempt `attempts + 1`: 1 min, 2, 4, … up to 6 h.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    Duration::seconds(FIRST_RETRY_SECS.saturating_mul(1i64 << doublings).min(LAST_RETRY_SECS))
}

/// A Belgian enterprise number as Peppol's scheme 0208 wants it: 10 digits.
fn enterprise_digits(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 10).then_some(digits)
}

/// The customer's enterprise number: the one given, else the digits of a Belgian VAT number
/// (as the document's buyer is built).
fn customer_enterprise_number(enterprise_number: &str, vat_number: &str) -> Option<String> {
    enterprise_digits(enterprise_number).or_else(|| {
        let vat: String = vat_number.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        vat.get(..2).filter(|cc| cc.eq_ignore_ascii_case("BE")).and_then(|_| enterprise_digits(&vat[2..]))
    })
}

fn new_document_uuid() -> String {
    use rand::Rng;
    let b: [u8; 16] = rand::thread_rng().gen();
    let h = hex::encode(b);
    format!("{}-{}-4{}-{}{}-{}", &h[..8], &h[8..12], &h[13..16], ["8", "9", "a", "b"][(b[8] & 3) as usize], &h[17..20], &h[20..32])
}

/// Queues the Peppol delivery of a document being issued (inside the issuing transaction), when
/// its buyer is a company with an enterprise number and the company's Twikey is on and
/// configured. `credit_note_id`: the document is that credit note of the invoice. Returns the
/// delivery's id (`None`: not for Peppol, or already queued).
pub async fn queue_in(tx: &mut Tx, company_id: i64, invoice_id: i64, credit_note_id: Option<i64>, doc: &Document) -> Result<Option<i64>, sqlx::Error> {
    if !doc.buyer.is_company {
        return Ok(None);
    }
    let Some(number) = doc.buyer.enterprise_number.as_deref().and_then(enterprise_digits) else {
        return Ok(None);
    };
    if !repo::twikey_ready_in(tx, company_id).await? {
        return Ok(None);
    }
    let Some(customer_id) = repo::invoice_customer_in(tx, company_id, invoice_id).await? else {
        return Ok(None);
    };
    let uuid = new_document_uuid();
    let new = NewDelivery {
        invoice_id,
        credit_note_id,
        customer_id,
        enterprise_number: &number,
        access_point: DEFAULT_ACCESS_POINT,
        document_uuid: &uuid,
    };
    repo::insert_in(tx, company_id, &new).await
}

/// The company's access point called `name`.
pub async fn access_point_for(state: &AppState, company_id: i64, name: &str) -> Result<Box<dyn AccessPoint>, AccessPointError> {
    match name {
        "twikey" => {
            let settings = twikey_settings::get(&state.db, company_id).await.map_err(|e| AccessPointError::Temporary(e.to_string()))?;
            if !settings.enabled || !settings.is_configured() {
                return Err(AccessPointError::Temporary("Twikey is switched off or not configured".into()));
            }
            let client = state.twikey_client(&settings).map_err(|e| AccessPointError::Temporary(e.to_string()))?;
            let directory = directory::Directory::new(
                directory::base_for(state.config.twikey_api_url.as_str()),
                std::time::Duration::from_millis(state.config.twikey_timeout_ms),
            )?;
            Ok(Box::new(twikey::TwikeyAccessPoint::new(client, directory)))
        }
        other => Err(AccessPointError::Refused(format!("no access point named {other}"))),
    }
}

/// Whether the customer can receive over Peppol: the last lookup while fresh, else asked.
async fn reachable(state: &AppState, ap: &dyn AccessPoint, company_id: i64, customer_id: i64, number: &str) -> Result<bool, AccessPointError> {
    let temporary = |e: sqlx::Error| AccessPointError::Temporary(e.to_string());
    if let Some((known, can, checked_at)) = repo::receiver(&state.db, company_id, customer_id).await.map_err(temporary)? {
        if known == number && crate::server::db::now() - checked_at < Duration::hours(RECEIVER_MAX_AGE_HOURS) {
            return Ok(can);
        }
    }
    let can = ap.can_receive(number).await?;
    repo::store_receiver(&state.db, company_id, customer_id, number, can).await.map_err(temporary)?;
    Ok(can)
}

/// What the customer page shows: whether the customer receives e-invoices over Peppol.
pub async fn customer_reach(state: &AppState, company_id: i64, customer_id: i64) -> Result<PeppolReach, Error> {
    let (kind, enterprise_number, vat_number) =
        repo::customer_identity(&state.db, company_id, customer_id).await?.ok_or(Error::NotFound)?;
    let Some(number) = customer_enterprise_number(&enterprise_number, &vat_number).filter(|_| kind == "company") else {
        return Ok(PeppolReach::NotApplicable);
    };
    let settings = twikey_settings::get(&state.db, company_id).await?;
    if !settings.enabled || !settings.is_configured() {
        return Ok(PeppolReach::NotApplicable);
    }
    let ap = match access_point_for(state, company_id, DEFAULT_ACCESS_POINT).await {
        Ok(ap) => ap,
        Err(e) => {
            tracing::warn!(company_id, error = %e, "no Peppol access point");
            return Ok(PeppolReach::Unknown);
        }
    };
    Ok(match reachable(state, &*ap, company_id, customer_id, &number).await {
        Ok(true) => PeppolReach::Receives,
        Ok(false) => PeppolReach::DoesNotReceive,
        Err(e) => {
            tracing::info!(company_id, customer_id, error = %e, "Peppol lookup failed");
            PeppolReach::Unknown
        }
    })
}

/// The connections page's health: deliveries that failed, and those waiting for a retry.
pub async fn health(state: &AppState, company_id: i64) -> Result<PeppolHealth, Error> {
    let (failed, retrying) = repo::health(&state.db, company_id).await?;
    Ok(PeppolHealth { failed, retrying })
}

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub delivered: usize,
    pub not_reachable: usize,
    pub failed: usize,
    /// Failed this time, tried again later.
    pub retrying: usize,
}

/// Delivers every delivery due at `at` (the scheduler calls this each tick).
pub async fn deliver_due(state: &AppState, at: DateTime<Utc>) -> Result<DeliveryReport, Error> {
    let mut report = DeliveryReport::default();
    let mut after = 0i64;
    loop {
        let ids = repo::due_after(&state.db, at, after, 100).await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        for id in ids {
            match deliver_one(state, id, at).await {
                Ok(Some(Outcome::Delivered)) => report.delivered += 1,
                Ok(Some(Outcome::NotReachable)) => report.not_reachable += 1,
                Ok(Some(Outcome::Failed)) => report.failed += 1,
                Ok(Some(Outcome::Retrying)) => report.retrying += 1,
                Ok(None) => {}
                // The claim expires and a later run tries again.
                Err(e) => tracing::warn!(delivery_id = id, error = ?e, "Peppol delivery not recorded"),
            }
        }
    }
    if report != DeliveryReport::default() {
        tracing::info!(?report, "Peppol deliveries");
    }
    Ok(report)
}

enum Outcome {
    Delivered,
    NotReachable,
    Failed,
    Retrying,
}

/// How an attempt ended (before it is recorded).
enum Step {
    Delivered { remote_id: String, contract: Option<String> },
    NotReachable,
}

async fn deliver_one(state: &AppState, id: i64, at: DateTime<Utc>) -> Result<Option<Outcome>, Error> {
    let Some(d) = repo::claim(&state.db, id, at, at + Duration::seconds(LEASE_SECS)).await? else {
        return Ok(None);
    };
    let result = attempt(state, &d, at).await;
    let outcome = record(state, &d, result, at).await?;
    state.live.publish(d.company_id, "invoices");
    Ok(Some(outcome))
}

/// The document as it is now (the invoice's, or its credit note's).
async fn document(state: &AppState, d: &Delivery) -> Result<Document, AccessPointError> {
    let doc = match d.credit_note_id {
        None => super::documents::current(&state.db, d.company_id, d.invoice_id).await,
        Some(credit_note_id) => super::documents::credit_note(&state.db, d.company_id, credit_note_id).await,
    };
    match doc {
        Ok(Some(doc)) => Ok(doc),
        Ok(None) => Err(AccessPointError::Refused("the document is not issued".into())),
        Err(e) => Err(AccessPointError::Temporary(format!("reading the document: {e:?}"))),
    }
}

async fn attempt(state: &AppState, d: &Delivery, at: DateTime<Utc>) -> Result<Step, AccessPointError> {
    let temporary = |e: sqlx::Error| AccessPointError::Temporary(e.to_string());
    let ap = access_point_for(state, d.company_id, &d.access_point).await?;
    let mut remote_id = d.remote_id.clone();
    let mut contract = d.contract.clone();
    if d.state == state::QUEUED {
        if !reachable(state, &*ap, d.company_id, d.customer_id, &d.enterprise_number).await? {
            return Ok(Step::NotReachable);
        }
        let doc = document(state, d).await?;
        let pdf = super::pdf::render(&doc).map_err(|e| AccessPointError::Refused(format!("the PDF could not be made: {e}")))?;
        let ubl = super::ubl::render(&doc, Some(&pdf)).map_err(|e| AccessPointError::Refused(format!("the e-invoice could not be made: {e}")))?;
        contract = match &doc.payment {
            Payment::DirectDebit { mandate_reference, .. } => Some(mandate_reference.clone()),
            Payment::Transfer => None,
        };
        let id = ap.upload(&d.document_uuid, &ubl, contract.as_deref()).await?;
        repo::mark_uploaded(&state.db, d.id, &id, contract.as_deref()).await.map_err(temporary)?;
        remote_id = Some(id);
    }
    let remote_id = remote_id.ok_or_else(|| AccessPointError::Refused("uploaded without an id".into()))?;
    if d.action_sent_at.is_some() {
        // Asked before, answer unknown: never ask twice for a delivery that was made.
        match ap.status(&remote_id).await? {
            RemoteDelivery::Delivered => return Ok(Step::Delivered { remote_id, contract }),
            RemoteDelivery::Failed(reason) => {
                return Err(AccessPointError::Refused(reason.unwrap_or_else(|| "the Peppol network did not take it".into())))
            }
            RemoteDelivery::NotSent => {}
        }
    }
    repo::mark_action_sent(&state.db, d.id, at).await.map_err(temporary)?;
    ap.deliver(&remote_id).await?;
    Ok(Step::Delivered { remote_id, contract })
}

/// Records an attempt's outcome with its timeline event, in one transaction.
async fn record(state: &AppState, d: &Delivery, result: Result<Step, AccessPointError>, at: DateTime<Utc>) -> Result<Outcome, Error> {
    let mut tx = begin_write(&state.db, d.company_id).await?;
    let receiver = format!("{}:{}", directory::BELGIAN_ENTERPRISE_SCHEME, d.enterprise_number);
    let (outcome, event) = match result {
        Ok(Step::Delivered { remote_id, contract }) => {
            let done = repo::finish_in(&mut tx, d.id, state::DELIVERED, None, at).await?;
            let details = json!({"receiver": receiver, "access_point": d.access_point, "remote_id": remote_id, "contract": contract,
                                 "credit_note_id": d.credit_note_id});
            (Outcome::Delivered, done.then_some((kind::DELIVERED, details)))
        }
        Ok(Step::NotReachable) => {
            let done = repo::finish_in(&mut tx, d.id, state::NOT_REACHABLE, None, at).await?;
            let emailed = if done && d.credit_note_id.is_none() { email_instead(&mut tx, d).await? } else { false };
            let details = json!({"receiver": receiver, "emailed": emailed, "credit_note_id": d.credit_note_id});
            (Outcome::NotReachable, done.then_some((kind::NOT_REACHABLE, details)))
        }
        Err(AccessPointError::Temporary(why)) if d.attempts < MAX_ATTEMPTS => {
            let next = at + backoff(d.attempts);
            repo::retry_later_in(&mut tx, d.id, &why, next).await?;
            tracing::info!(delivery_id = d.id, attempt = d.attempts, error = %why, "Peppol delivery failed, will retry");
            let details = json!({"error": why, "attempt": d.attempts, "retry_at": next.to_rfc3339(), "credit_note_id": d.credit_note_id});
            (Outcome::Retrying, Some((kind::RETRY, details)))
        }
        Err(AccessPointError::Temporary(why) | AccessPointError::Refused(why)) => {
            let done = repo::finish_in(&mut tx, d.id, state::FAILED, Some(&why), at).await?;
            tracing::warn!(delivery_id = d.id, attempt = d.attempts, error = %why, "Peppol delivery failed");
            let details = json!({"error": why, "attempt": d.attempts, "credit_note_id": d.credit_note_id});
            (Outcome::Failed, done.then_some((kind::FAILED, details)))
        }
    };
    if let Some((kind, details)) = event {
        invoice_events::append(&mut tx, d.company_id, d.invoice_id, kind, details).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// The invoice goes by e-mail instead (unless an e-mail of it is already on its way). Returns
/// whether it does (false: the customer has no e-mail address).
async fn email_instead(tx: &mut Tx, d: &Delivery) -> Result<bool, Error> {
    if repo::invoice_mailed_in(tx, d.company_id, d.invoice_id).await? {
        return Ok(true);
    }
    match crate::server::invoicing::sending::enqueue_invoice(tx, d.company_id, d.invoice_id).await {
        Ok(_) => Ok(true),
        Err(Error::Refused(why)) => {
            tracing::info!(invoice_id = d.invoice_id, ?why, "not reachable over Peppol and not by e-mail");
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(5), Duration::minutes(16));
        assert_eq!(backoff(30), Duration::hours(6));
        let total: i64 = (1..MAX_ATTEMPTS).map(|a| backoff(a).num_minutes()).sum();
        assert!(total > 18 * 60, "retried for most of a day: {total} min");
    }

    #[test]
    fn enterprise_numbers() {
        assert_eq!(customer_enterprise_number("0403.170.701", "").as_deref(), Some("0403170701"));
        assert_eq!(customer_enterprise_number("", "BE 0403.170.701").as_deref(), Some("0403170701"));
        assert_eq!(customer_enterprise_number("", "NL123456789B01"), None);
        assert_eq!(customer_enterprise_number("", ""), None);
    }

    #[test]
    fn document_ids_are_uuids() {
        let a = new_document_uuid();
        let parts: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12], "{a}");
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
        assert_ne!(a, new_document_uuid());
    }
}
