//! Credit notes: their gapless number series, the frozen document, and the invoice they correct.

use crate::server::db::{now, on_db, Db, Tx};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CreditNoteRow {
    pub id: i64,
    pub invoice_id: i64,
    pub number: String,
    pub issue_date: NaiveDate,
    pub settlement: String,
    pub total_incl_cents: i64,
}

/// The next number of the company's credit-note series for `year` (`CN-2026-0001`), taken in
/// the caller's write transaction: a rollback gives it back, so the series has no gap.
pub async fn next_number_in(tx: &mut Tx, company_id: i64, year: i32) -> Result<String, sqlx::Error> {
    let seq: i64 = on_db!(tx, |ex| sqlx::query_scalar(
        "INSERT INTO credit_note_counters (company_id, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (company_id, year) DO UPDATE SET last_number = credit_note_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(company_id)
    .bind(i64::from(year))
    .fetch_one(ex)
    .await)?;
    Ok(format!("CN-{year}-{seq:04}"))
}

pub struct NewCreditNote<'a> {
    pub invoice_id: i64,
    pub number: &'a str,
    pub issue_date: NaiveDate,
    pub settlement: &'a str,
    pub total_excl_cents: i64,
    pub vat_cents: i64,
    pub total_incl_cents: i64,
    pub document: &'a str,
}

pub async fn insert_in(tx: &mut Tx, company_id: i64, c: &NewCreditNote<'_>) -> Result<i64, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_scalar(
        "INSERT INTO credit_notes (company_id, invoice_id, number, issue_date, settlement, total_excl_cents, vat_cents,
           total_incl_cents, document, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(company_id)
    .bind(c.invoice_id)
    .bind(c.number)
    .bind(c.issue_date)
    .bind(c.settlement)
    .bind(c.total_excl_cents)
    .bind(c.vat_cents)
    .bind(c.total_incl_cents)
    .bind(c.document)
    .bind(now())
    .fetch_one(ex)
    .await)
}

/// What the invoice's credit notes already take back, incl. VAT.
pub async fn credited_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(total_incl_cents), 0) AS BIGINT) FROM credit_notes WHERE company_id = $1 AND invoice_id = $2",
    )
    .bind(company_id)
    .bind(invoice_id)
    .fetch_one(ex)
    .await)
}

pub async fn for_invoice(db: &Db, company_id: i64, invoice_id: i64) -> Result<Vec<CreditNoteRow>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(
        "SELECT id, invoice_id, number, issue_date, settlement, total_incl_cents FROM credit_notes
         WHERE company_id = $1 AND invoice_id = $2 ORDER BY id",
    )
    .bind(company_id)
    .bind(invoice_id)
    .fetch_all(ex)
    .await)
}

/// The frozen document of one of the company's credit notes.
pub async fn document(db: &Db, company_id: i64, id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT document FROM credit_notes WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// What happened to a credit note, from its records: `(time, kind, detail)`, oldest first —
/// issued, each e-mail (with its status), its Peppol delivery (with its state).
pub async fn events(db: &Db, company_id: i64, id: i64) -> Result<Vec<(chrono::DateTime<chrono::Utc>, String, String)>, sqlx::Error> {
    let issued: Option<(chrono::DateTime<chrono::Utc>, String)> =
        on_db!(db, |ex| sqlx::query_as("SELECT created_at, number FROM credit_notes WHERE id = $1 AND company_id = $2")
            .bind(id)
            .bind(company_id)
            .fetch_optional(ex)
            .await)?;
    let Some((at, number)) = issued else {
        return Ok(Vec::new());
    };
    let mut out = vec![(at, "issued".to_string(), number)];
    let mails: Vec<(chrono::DateTime<chrono::Utc>, String, String)> = on_db!(db, |ex| sqlx::query_as(
        "SELECT created_at, status, to_email FROM outbox WHERE company_id = $1 AND credit_note_id = $2 ORDER BY id",
    )
    .bind(company_id)
    .bind(id)
    .fetch_all(ex)
    .await)?;
    out.extend(mails.into_iter().map(|(at, status, to)| (at, format!("mail_{status}"), to)));
    let peppol: Vec<(chrono::DateTime<chrono::Utc>, String, String)> = on_db!(db, |ex| sqlx::query_as(
        "SELECT updated_at, state, enterprise_number FROM peppol_deliveries WHERE company_id = $1 AND credit_note_id = $2 ORDER BY id",
    )
    .bind(company_id)
    .bind(id)
    .fetch_all(ex)
    .await)?;
    out.extend(peppol.into_iter().map(|(at, state, to)| (at, format!("peppol_{state}"), to)));
    out.sort_by_key(|e| e.0);
    Ok(out)
}

/// The invoice a credit note of the company corrects.
pub async fn invoice_of(db: &Db, company_id: i64, id: i64) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT invoice_id FROM credit_notes WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}
