//! The invoice timeline (`invoice_events`). Every change to an invoice's state or money writes
//! one event in the same transaction as the change. Other modules (Twikey) append their own
//! kinds here with [`append`]; the invoice page shows unknown kinds with their details.

use crate::model::invoices::TimelineEvent;
use crate::server::db::{now, on_db, Db, Tx};
use chrono::{DateTime, Utc};

/// Kinds written by the invoicing module.
pub mod kind {
    pub const CREATED: &str = "created";
    pub const ISSUED: &str = "issued";
    pub const SENT: &str = "sent";
    pub const SEND_FAILED: &str = "send_failed";
    pub const PAYMENT_RECORDED: &str = "payment_recorded";
    pub const PAID: &str = "paid";
    pub const CANCELLED: &str = "cancelled";
}

/// Appends an event to an invoice's timeline (call inside the transaction of the change).
pub async fn append(conn: &mut Tx, company_id: i64, invoice_id: i64, kind: &str, details: serde_json::Value) -> Result<i64, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_scalar(
            "INSERT INTO invoice_events (company_id, invoice_id, at, kind, details) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(company_id)
        .bind(invoice_id)
        .bind(now())
        .bind(kind)
        .bind(details.to_string())
        .fetch_one(ex)
        .await
    })
}

/// The timeline of one invoice of the company, oldest first.
pub async fn list(db: &Db, company_id: i64, invoice_id: i64) -> Result<Vec<TimelineEvent>, sqlx::Error> {
    let rows: Vec<(i64, DateTime<Utc>, String, String)> = on_db!(db, |ex| {
        sqlx::query_as("SELECT id, at, kind, details FROM invoice_events WHERE company_id = $1 AND invoice_id = $2 ORDER BY at, id")
            .bind(company_id)
            .bind(invoice_id)
            .fetch_all(ex)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, at, kind, details)| TimelineEvent {
            id,
            at,
            kind,
            details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        })
        .collect())
}
