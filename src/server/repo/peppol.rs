//! Peppol deliveries (`peppol_deliveries`, one per issued document) and what was last looked
//! up about each customer's Peppol reachability (`peppol_receivers`). The use cases are in
//! `server::invoicing::peppol`.

use crate::server::db::{now, on_db, Db, Tx};
use chrono::{DateTime, Utc};

pub mod state {
    pub const QUEUED: &str = "queued";
    pub const UPLOADED: &str = "uploaded";
    pub const DELIVERED: &str = "delivered";
    pub const FAILED: &str = "failed";
    pub const NOT_REACHABLE: &str = "not_reachable";
}

/// A delivery to write in the issuing transaction.
pub struct NewDelivery<'a> {
    pub invoice_id: i64,
    pub credit_note_id: Option<i64>,
    pub customer_id: i64,
    pub enterprise_number: &'a str,
    pub access_point: &'a str,
    pub document_uuid: &'a str,
}

/// Queues a delivery (inside the caller's transaction). `None` when the document already has
/// one.
pub async fn insert_in(tx: &mut Tx, company_id: i64, d: &NewDelivery<'_>) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    on_db!(tx, |ex| sqlx::query_scalar(
        "INSERT INTO peppol_deliveries (company_id, invoice_id, credit_note_id, customer_id, enterprise_number, access_point,
           document_uuid, state, attempts, next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8, $8)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(company_id)
    .bind(d.invoice_id)
    .bind(d.credit_note_id)
    .bind(d.customer_id)
    .bind(d.enterprise_number)
    .bind(d.access_point)
    .bind(d.document_uuid)
    .bind(at)
    .fetch_optional(ex)
    .await)
}

/// A delivery as one attempt sees it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub company_id: i64,
    pub invoice_id: i64,
    pub credit_note_id: Option<i64>,
    pub customer_id: i64,
    pub enterprise_number: String,
    pub access_point: String,
    pub document_uuid: String,
    pub state: String,
    pub remote_id: Option<String>,
    pub contract: Option<String>,
    pub action_sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, company_id, invoice_id, credit_note_id, customer_id, enterprise_number, access_point, document_uuid,
    state, remote_id, contract, action_sent_at, attempts, last_error";

/// Ids of the deliveries due at `at` (waiting, not claimed), after `after`, in order.
pub async fn due_after(db: &Db, at: DateTime<Utc>, after: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar(
        "SELECT id FROM peppol_deliveries
         WHERE state IN ('queued', 'uploaded') AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) AND id > $2
         ORDER BY id LIMIT $3",
    )
    .bind(at)
    .bind(after)
    .bind(limit)
    .fetch_all(ex)
    .await)
}

/// Claims a due delivery for one attempt (counted) until `until`: of two servers (or two runs)
/// trying the same delivery, one gets it.
pub async fn claim(db: &Db, id: i64, at: DateTime<Utc>, until: DateTime<Utc>) -> Result<Option<Delivery>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(&format!(
        "UPDATE peppol_deliveries SET claimed_until = $2, attempts = attempts + 1, updated_at = $4
         WHERE id = $1 AND state IN ('queued', 'uploaded') AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(until)
    .bind(at)
    .bind(now())
    .fetch_optional(ex)
    .await)
}

/// The document is at the access point under `remote_id`.
pub async fn mark_uploaded(db: &Db, id: i64, remote_id: &str, contract: Option<&str>) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query(
        "UPDATE peppol_deliveries SET state = 'uploaded', remote_id = $2, contract = $3, updated_at = $4 WHERE id = $1 AND state = 'queued'",
    )
    .bind(id)
    .bind(remote_id)
    .bind(contract)
    .bind(now())
    .execute(ex)
    .await
    .map(|_| ()))
}

/// The delivery is about to be asked for: from now on a retry asks whether it was done first.
pub async fn mark_action_sent(db: &Db, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("UPDATE peppol_deliveries SET action_sent_at = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(at)
        .bind(now())
        .execute(ex)
        .await
        .map(|_| ()))
}

/// Ends a waiting delivery in `state` (delivered, failed, not_reachable). Returns whether this
/// call ended it (it was still waiting).
pub async fn finish_in(tx: &mut Tx, id: i64, state: &str, error: Option<&str>, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let delivered_at = (state == state::DELIVERED).then_some(at);
    let done = on_db!(tx, |ex| sqlx::query(
        "UPDATE peppol_deliveries SET state = $2, last_error = COALESCE($3, last_error), delivered_at = $4, claimed_until = NULL, updated_at = $5
         WHERE id = $1 AND state IN ('queued', 'uploaded')",
    )
    .bind(id)
    .bind(state)
    .bind(error)
    .bind(delivered_at)
    .bind(now())
    .execute(ex)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// A failed attempt that may succeed later: try again at `next`.
pub async fn retry_later_in(tx: &mut Tx, id: i64, error: &str, next: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(tx, |ex| sqlx::query(
        "UPDATE peppol_deliveries SET last_error = $2, next_attempt_at = $3, claimed_until = NULL, updated_at = $4
         WHERE id = $1 AND state IN ('queued', 'uploaded')",
    )
    .bind(id)
    .bind(error)
    .bind(next)
    .bind(now())
    .execute(ex)
    .await
    .map(|_| ()))
}

/// `(failed, waiting for a retry)` deliveries of the company.
pub async fn health(db: &Db, company_id: i64) -> Result<(i64, i64), sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state IN ('queued', 'uploaded') AND last_error IS NOT NULL THEN 1 ELSE 0 END), 0)
         FROM peppol_deliveries WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_one(ex)
    .await)
}

/// The delivery of a document: `(state, attempts, last_error)`.
pub async fn of_document(db: &Db, company_id: i64, invoice_id: i64, credit_note_id: Option<i64>) -> Result<Option<(String, i64, Option<String>)>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(
        "SELECT state, attempts, last_error FROM peppol_deliveries
         WHERE company_id = $1 AND invoice_id = $2 AND COALESCE(credit_note_id, 0) = COALESCE($3, 0)",
    )
    .bind(company_id)
    .bind(invoice_id)
    .bind(credit_note_id)
    .fetch_optional(ex)
    .await)
}

/// Whether the company's Twikey connection is on and configured (its access point).
pub async fn twikey_ready_in(tx: &mut Tx, company_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = on_db!(tx, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM twikey_settings
         WHERE company_id = $1 AND enabled = TRUE AND api_key_encrypted IS NOT NULL AND b2c_ct IS NOT NULL",
    )
    .bind(company_id)
    .fetch_one(ex)
    .await)?;
    Ok(n > 0)
}

/// The customer an invoice is for.
pub async fn invoice_customer_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Option<i64>, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_scalar("SELECT customer_id FROM invoices WHERE id = $1 AND company_id = $2")
        .bind(invoice_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// Whether an e-mail of the invoice is already in the outbox (queued or gone).
pub async fn invoice_mailed_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = on_db!(tx, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE company_id = $1 AND invoice_id = $2")
        .bind(company_id)
        .bind(invoice_id)
        .fetch_one(ex)
        .await)?;
    Ok(n > 0)
}

/// What tells whether a customer can be reached over Peppol: `(kind, enterprise_number,
/// vat_number)`.
pub async fn customer_identity(db: &Db, company_id: i64, customer_id: i64) -> Result<Option<(String, String, String)>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as("SELECT kind, enterprise_number, vat_number FROM customers WHERE id = $1 AND company_id = $2")
        .bind(customer_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// The last lookup for a customer: `(enterprise_number, can_receive, checked_at)`.
pub async fn receiver(db: &Db, company_id: i64, customer_id: i64) -> Result<Option<(String, bool, DateTime<Utc>)>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(
        "SELECT enterprise_number, can_receive, checked_at FROM peppol_receivers WHERE company_id = $1 AND customer_id = $2",
    )
    .bind(company_id)
    .bind(customer_id)
    .fetch_optional(ex)
    .await)
}

pub async fn store_receiver(db: &Db, company_id: i64, customer_id: i64, enterprise_number: &str, can_receive: bool) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query(
        "INSERT INTO peppol_receivers (company_id, customer_id, enterprise_number, can_receive, checked_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (company_id, customer_id) DO UPDATE SET enterprise_number = $3, can_receive = $4, checked_at = $5",
    )
    .bind(company_id)
    .bind(customer_id)
    .bind(enterprise_number)
    .bind(can_receive)
    .bind(now())
    .execute(ex)
    .await
    .map(|_| ()))
}
