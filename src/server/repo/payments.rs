//! Payments of invoices. A payment is recorded with its invoice's `paid_cents` and status in
//! one transaction; the open amount is total − payments, and the invoice is paid at zero.
//! `method` is free text (`bank_transfer`, `cash`, `other`; the Twikey module adds
//! `direct_debit`), `external_ref` ties a payment to a collection once (unique per method).

use super::invoice_events::{self, kind};
use crate::model::invoices::Payment;
use crate::server::Error;
use crate::i18n::Msg;
use crate::server::db::{begin_write, now, on_db, Db, Tx};
use chrono::NaiveDate;
use serde_json::json;

pub struct NewPayment<'a> {
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
    pub method: &'a str,
    pub external_ref: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// recorded; the open amount left (0 = the invoice is now paid)
    Done { payment_id: i64, open_cents: i64 },
    /// a payment with this method and external_ref already exists: nothing changed
    Duplicate,
}

/// Records a payment inside the caller's transaction. Errors: `NotFound` (not this company's),
/// `Refused(ErrNotPayable)` (draft, paid or cancelled), `Refused(ErrAmountTooHigh)`.
pub async fn record(conn: &mut Tx, company_id: i64, invoice_id: i64, p: &NewPayment<'_>) -> Result<Recorded, Error> {
    let row: Option<(String, i64, i64)> = on_db!(conn, |ex| {
        sqlx::query_as("SELECT status, total_incl_cents, paid_cents FROM invoices WHERE id = $1 AND company_id = $2")
            .bind(invoice_id)
            .bind(company_id)
            .fetch_optional(ex)
            .await
    })?;
    let (status, total, paid) = row.ok_or(Error::NotFound)?;
    if status != "open" {
        return Err(Error::Refused(Msg::ErrNotPayable));
    }
    if p.amount_cents <= 0 || paid + p.amount_cents > total {
        return Err(Error::Refused(Msg::ErrAmountTooHigh));
    }
    // A duplicate is skipped by the insert itself, not caught as an error: PostgreSQL would
    // abort the caller's transaction (a feed chunk) on a failed insert.
    let inserted: Option<i64> = on_db!(conn, |ex| {
        sqlx::query_scalar(
            "INSERT INTO payments (company_id, invoice_id, paid_on, amount_cents, method, external_ref, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (company_id, method, external_ref) WHERE external_ref IS NOT NULL DO NOTHING
             RETURNING id",
        )
        .bind(company_id)
        .bind(invoice_id)
        .bind(p.paid_on)
        .bind(p.amount_cents)
        .bind(p.method)
        .bind(p.external_ref)
        .bind(now())
        .fetch_optional(ex)
        .await
    })?;
    let Some(payment_id) = inserted else { return Ok(Recorded::Duplicate) };
    let open = total - paid - p.amount_cents;
    on_db!(conn, |ex| {
        sqlx::query("UPDATE invoices SET paid_cents = paid_cents + $3, status = $4, updated_at = $5 WHERE id = $1 AND company_id = $2")
            .bind(invoice_id)
            .bind(company_id)
            .bind(p.amount_cents)
            .bind(if open == 0 { "paid" } else { "open" })
            .bind(now())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    invoice_events::append(
        conn,
        company_id,
        invoice_id,
        kind::PAYMENT_RECORDED,
        json!({ "amount_cents": p.amount_cents, "method": p.method, "paid_on": p.paid_on, "external_ref": p.external_ref, "open_cents": open }),
    )
    .await?;
    if open == 0 {
        invoice_events::append(conn, company_id, invoice_id, kind::PAID, json!({})).await?;
    }
    Ok(Recorded::Done { payment_id, open_cents: open })
}

/// [`record`] in a transaction of its own; returns the open amount left.
pub async fn record_in_own_tx(db: &Db, company_id: i64, invoice_id: i64, p: &NewPayment<'_>) -> Result<i64, Error> {
    let mut tx = begin_write(db, company_id).await?;
    match record(&mut tx, company_id, invoice_id, p).await? {
        Recorded::Done { open_cents, .. } => {
            tx.commit().await?;
            Ok(open_cents)
        }
        Recorded::Duplicate => Err(Error::Refused(Msg::ErrDuplicatePayment)),
    }
}

/// An invoice's payments. (`+company_id` keeps the planner on the invoice index: the company
/// index sorts by date too and would scan every payment of the company.)
pub async fn list(db: &Db, company_id: i64, invoice_id: i64) -> Result<Vec<Payment>, sqlx::Error> {
    let rows: Vec<(i64, NaiveDate, i64, String, Option<String>)> = on_db!(db, |ex| sqlx::query_as(
        "SELECT id, paid_on, amount_cents, method, external_ref FROM payments
         WHERE +company_id = $1 AND invoice_id = $2 ORDER BY paid_on, id",
    )
    .bind(company_id)
    .bind(invoice_id)
    .fetch_all(ex)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, paid_on, amount_cents, method, external_ref)| Payment { id, paid_on, amount_cents, method, external_ref })
        .collect())
}

/// Takes back a payment tied to `external_ref` (a direct debit reversed by the bank): the
/// payment row goes, the invoice's paid amount drops and a paid invoice is open again.
/// Returns the amount taken back (0 when there was no such payment). Caller's transaction.
pub async fn reverse(conn: &mut Tx, company_id: i64, invoice_id: i64, method: &str, external_ref: &str) -> Result<i64, sqlx::Error> {
    let amount: Option<i64> = on_db!(conn, |ex| {
        sqlx::query_scalar(
            "DELETE FROM payments WHERE company_id = $1 AND invoice_id = $2 AND method = $3 AND external_ref = $4 RETURNING amount_cents",
        )
        .bind(company_id)
        .bind(invoice_id)
        .bind(method)
        .bind(external_ref)
        .fetch_optional(ex)
        .await
    })?;
    let Some(amount) = amount else { return Ok(0) };
    on_db!(conn, |ex| {
        sqlx::query(
        "UPDATE invoices SET paid_cents = paid_cents - $3, status = CASE WHEN status = 'paid' THEN 'open' ELSE status END, updated_at = $4
         WHERE id = $1 AND company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .bind(amount)
    .bind(now())
    .execute(ex)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(amount)
}
