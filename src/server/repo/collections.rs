//! Collections (one row per attempt to debit an invoice), per company.

use crate::server::db::{now, on_db, Tx};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Collection {
    pub id: i64,
    pub company_id: i64,
    pub invoice_id: i64,
    pub mandate_reference: String,
    pub reference: String,
    pub idempotency_key: String,
    pub amount_cents: i64,
    pub attempt: i64,
    pub state: String,
    pub twikey_id: Option<i64>,
    pub prenotify: bool,
    pub collection_date: Option<NaiveDate>,
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    pub reversed: bool,
    pub retry_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The collection batch (`POST /collect`) that sent it to the bank, when Encaisse sends.
    pub batch_id: Option<i64>,
}

impl Collection {
    /// Twikey said the bank refused it but its dunning will offer it again (`final: false`):
    /// still running, nothing new may start.
    pub fn failed_not_final(&self) -> bool {
        self.state == "open" && self.reason_code.is_some()
    }
}

const COLUMNS: &str = "id, company_id, invoice_id, mandate_reference, reference, idempotency_key, amount_cents, attempt,
    state, twikey_id, prenotify, collection_date, reason_code, reason_message, reversed, retry_at, created_at, updated_at, batch_id";

/// What a collection needs to know of its invoice.
pub struct InvoiceFacts {
    pub status: String,
    /// What is left to pay (0 unless open).
    pub open_cents: i64,
    pub number: Option<String>,
    pub structured_communication: String,
    pub customer_id: i64,
}

pub async fn invoice_facts(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Option<InvoiceFacts>, sqlx::Error> {
    let row: Option<(String, i64, i64, Option<String>, String, i64)> = on_db!(conn, |ex| {
        sqlx::query_as(
            "SELECT status, total_incl_cents, paid_cents, number, structured_communication, customer_id FROM invoices
         WHERE id = $1 AND company_id = $2",
        )
        .bind(invoice_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await
    })?;
    Ok(row.map(|(status, total, paid, number, structured_communication, customer_id)| InvoiceFacts {
        open_cents: if status == "open" { total - paid } else { 0 },
        status,
        number,
        structured_communication,
        customer_id,
    }))
}

pub struct NewCollection<'a> {
    pub invoice_id: i64,
    pub mandate_reference: &'a str,
    pub reference_prefix: &'a str,
    pub idempotency_key: &'a str,
    pub amount_cents: i64,
    pub prenotify: bool,
    pub collection_date: Option<NaiveDate>,
}

/// Writes the `requested` row (inside the caller's write transaction). A unique violation
/// means a collection of this invoice is already running.
pub async fn insert(conn: &mut Tx, company_id: i64, c: &NewCollection<'_>) -> Result<Collection, sqlx::Error> {
    let attempt: i64 =
        on_db!(conn, |ex| sqlx::query_scalar("SELECT COUNT(*) + 1 FROM collections WHERE company_id = $1 AND invoice_id = $2")
            .bind(company_id)
            .bind(c.invoice_id)
            .fetch_one(ex)
            .await)?;
    let at = now();
    on_db!(conn, |ex| {
        sqlx::query_as(&format!(
            "INSERT INTO collections (company_id, invoice_id, mandate_reference, reference, idempotency_key, amount_cents, attempt,
           state, prenotify, collection_date, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9, $10, $10) RETURNING {COLUMNS}"
        ))
        .bind(company_id)
        .bind(c.invoice_id)
        .bind(c.mandate_reference)
        .bind(format!("{}-{attempt}", c.reference_prefix))
        .bind(c.idempotency_key)
        .bind(c.amount_cents)
        .bind(attempt)
        .bind(c.prenotify)
        .bind(c.collection_date)
        .bind(at)
        .fetch_one(ex)
        .await
    })
}

pub async fn running(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Option<Collection>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM collections WHERE company_id = $1 AND invoice_id = $2 AND state IN ('requested', 'open')"
        ))
        .bind(company_id)
        .bind(invoice_id)
        .fetch_optional(ex)
        .await
    })
}

pub async fn for_invoice(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Vec<Collection>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM collections WHERE company_id = $1 AND invoice_id = $2 ORDER BY id DESC"))
            .bind(company_id)
            .bind(invoice_id)
            .fetch_all(ex)
            .await
    })
}

pub async fn by_reference(conn: &mut Tx, company_id: i64, reference: &str) -> Result<Option<Collection>, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM collections WHERE company_id = $1 AND reference = $2"))
        .bind(company_id)
        .bind(reference)
        .fetch_optional(ex)
        .await)
}

pub async fn by_twikey_id(conn: &mut Tx, company_id: i64, twikey_id: i64) -> Result<Option<Collection>, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM collections WHERE company_id = $1 AND twikey_id = $2"))
        .bind(company_id)
        .bind(twikey_id)
        .fetch_optional(ex)
        .await)
}

/// Requested collections whose Twikey call did not come back (crash, timeout) for a while.
pub async fn stale_requested(conn: &mut Tx, company_id: i64, older_than: DateTime<Utc>) -> Result<Vec<Collection>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM collections WHERE company_id = $1 AND state = 'requested' AND updated_at < $2 ORDER BY id LIMIT 100"
        ))
        .bind(company_id)
        .bind(older_than)
        .fetch_all(ex)
        .await
    })
}

/// Failed collections whose automatic retry is due.
pub async fn due_retries(conn: &mut Tx, company_id: i64, at: DateTime<Utc>) -> Result<Vec<Collection>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM collections WHERE company_id = $1 AND state = 'failed' AND retry_at IS NOT NULL AND retry_at <= $2
         ORDER BY retry_at LIMIT 100"
        ))
        .bind(company_id)
        .bind(at)
        .fetch_all(ex)
        .await
    })
}

pub async fn mark_open(conn: &mut Tx, id: i64, twikey_id: i64) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query("UPDATE collections SET state = 'open', twikey_id = $2, updated_at = $3 WHERE id = $1 AND state = 'requested'")
            .bind(id)
            .bind(twikey_id)
            .bind(now())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A failure Twikey may still turn around (`final: false`): the row stays `open` (so nothing
/// new starts) with the bank's reason, until the final outcome.
pub async fn mark_failed_not_final(conn: &mut Tx, id: i64, code: &str, message: Option<&str>) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query("UPDATE collections SET reason_code = $2, reason_message = $3, updated_at = $4 WHERE id = $1 AND state = 'open'")
            .bind(id)
            .bind(code)
            .bind(message)
            .bind(now())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn mark_paid(conn: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| sqlx::query("UPDATE collections SET state = 'paid', reason_code = NULL, reason_message = NULL, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn mark_failed(
    conn: &mut Tx,
    id: i64,
    code: &str,
    message: Option<&str>,
    reversed: bool,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query(
            "UPDATE collections SET state = 'failed', reason_code = $2, reason_message = $3, reversed = $4, retry_at = $5, updated_at = $6
         WHERE id = $1",
        )
        .bind(id)
        .bind(code)
        .bind(message)
        .bind(reversed)
        .bind(retry_at)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The retry of a failure is taken (or given up): it will not be planned again.
pub async fn clear_retry(conn: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| sqlx::query("UPDATE collections SET retry_at = NULL WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes a requested collection for sending again: moves `updated_at` to now only if it is
/// still older than `stale_before`, so of two servers that both found it stale, one sends.
/// Returns whether this caller has it.
pub async fn claim_resend(conn: &mut Tx, id: i64, stale_before: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let claimed = on_db!(conn, |ex| {
        sqlx::query("UPDATE collections SET updated_at = $2 WHERE id = $1 AND state = 'requested' AND updated_at < $3")
            .bind(id)
            .bind(now())
            .bind(stale_before)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(claimed == 1)
}

/// The contracts (templates) with collections created in Twikey and not yet sent in a batch;
/// `default_template` for a mandate whose template is unknown.
pub async fn unbatched_templates(conn: &mut Tx, company_id: i64, default_template: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_scalar(
            "SELECT DISTINCT COALESCE(m.template_id, $2) FROM collections c
               LEFT JOIN mandates m ON m.company_id = c.company_id AND m.reference = c.mandate_reference
             WHERE c.company_id = $1 AND c.state = 'open' AND c.batch_id IS NULL",
        )
        .bind(company_id)
        .bind(default_template)
        .fetch_all(ex)
        .await
    })
}

/// Records which collections a batch sent: those of the template created in Twikey before
/// `sent_before` and not in a batch yet. Returns them (for their timelines).
pub async fn assign_batch(
    conn: &mut Tx,
    company_id: i64,
    batch_id: i64,
    template_id: i64,
    default_template: i64,
    sent_before: DateTime<Utc>,
) -> Result<Vec<Collection>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_as(&format!(
            "UPDATE collections SET batch_id = $2
             WHERE company_id = $1 AND state = 'open' AND batch_id IS NULL AND updated_at <= $5
               AND COALESCE((SELECT m.template_id FROM mandates m
                             WHERE m.company_id = collections.company_id AND m.reference = collections.mandate_reference), $4) = $3
             RETURNING {COLUMNS}"
        ))
        .bind(company_id)
        .bind(batch_id)
        .bind(template_id)
        .bind(default_template)
        .bind(sent_before)
        .fetch_all(ex)
        .await
    })
}

/// Stores the transaction feed position inside the chunk's transaction.
pub async fn set_feed_position(conn: &mut Tx, company_id: i64, position: i64) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| sqlx::query("UPDATE twikey_settings SET transaction_feed_position = $2 WHERE company_id = $1")
        .bind(company_id)
        .bind(position)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The invoice's paid direct debit: `(Twikey's transaction id, our reference)`, newest first.
pub async fn paid_for_invoice(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Option<(i64, String)>, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_as(
        "SELECT twikey_id, reference FROM collections
         WHERE company_id = $1 AND invoice_id = $2 AND state = 'paid' AND twikey_id IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(company_id)
    .bind(invoice_id)
    .fetch_optional(ex)
    .await)
}
