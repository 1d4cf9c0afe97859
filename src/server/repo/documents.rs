//! The legal documents of issued invoices: what they are made of, and the frozen copy.

use crate::server::db::{now, on_db, Db, Tx};
use chrono::NaiveDate;

/// An issued invoice with its customer, as the document needs them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentFacts {
    pub number: Option<String>,
    pub status: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub structured_communication: String,
    pub buyer_reference: String,
    pub paid_cents: i64,
    pub total_incl_cents: i64,
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: String,
    pub vat_number: String,
    pub enterprise_number: String,
    pub email: String,
    pub phone: String,
    pub language: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

pub async fn facts_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Option<DocumentFacts>, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_as(
        "SELECT i.number, i.status, i.issue_date, i.due_date, i.structured_communication, i.buyer_reference, i.paid_cents,
                i.total_incl_cents, c.kind, c.first_name, c.last_name, c.company_name, c.vat_number, c.enterprise_number,
                c.email, c.phone, c.language, c.street, c.postcode, c.city, c.country
         FROM invoices i JOIN customers c ON c.id = i.customer_id AND c.company_id = i.company_id
         WHERE i.id = $1 AND i.company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(ex)
    .await)
}

/// `(description, quantity_milli, unit_price_cents, vat_rate, amount_cents)` in order.
pub async fn lines_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Vec<(String, i64, i64, i64, i64)>, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_as(
        "SELECT l.description, l.quantity_milli, l.unit_price_cents, l.vat_rate, l.amount_cents
         FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
         WHERE l.invoice_id = $1 AND i.company_id = $2 ORDER BY l.position",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_all(ex)
    .await)
}

/// Stores the frozen document (inside the issuing transaction).
pub async fn store_in(tx: &mut Tx, company_id: i64, invoice_id: i64, json: &str) -> Result<(), sqlx::Error> {
    on_db!(tx, |ex| sqlx::query("INSERT INTO invoice_documents (invoice_id, company_id, document, created_at) VALUES ($1, $2, $3, $4)")
        .bind(invoice_id)
        .bind(company_id)
        .bind(json)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The frozen document of one of the company's invoices.
pub async fn get(db: &Db, company_id: i64, invoice_id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT document FROM invoice_documents WHERE invoice_id = $1 AND company_id = $2")
        .bind(invoice_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// How the invoice is being collected, if it is: `(mandate reference, debtor IBAN, collection date)`
/// of its latest collection that is not failed.
pub async fn direct_debit(db: &Db, company_id: i64, invoice_id: i64) -> Result<Option<(String, Option<String>, Option<NaiveDate>)>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(
        "SELECT c.mandate_reference, m.iban, c.collection_date FROM collections c
           LEFT JOIN mandates m ON m.company_id = c.company_id AND m.reference = c.mandate_reference
         WHERE c.company_id = $1 AND c.invoice_id = $2 AND c.state <> 'failed' ORDER BY c.id DESC LIMIT 1",
    )
    .bind(company_id)
    .bind(invoice_id)
    .fetch_optional(ex)
    .await)
}
