//! Collection batches: one `POST /collect` per company, contract (template) and day.

use crate::server::db::{now, on_db, Tx};
use chrono::{DateTime, Duration, NaiveDate, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Batch {
    pub id: i64,
    pub company_id: i64,
    pub template_id: i64,
    pub day: NaiveDate,
    pub state: String,
    pub prenotify: bool,
    pub collection_date: Option<NaiveDate>,
    pub message_ids: Option<String>,
    pub error: Option<String>,
    pub until_ms: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, company_id, template_id, day, state, prenotify, collection_date, message_ids, error, until_ms, created_at, updated_at";

/// A batch that failed (or whose server died while sending) is tried again after this long.
pub const RETRY_FAILED_AFTER_MINUTES: i64 = 10;

pub struct NewBatch {
    pub template_id: i64,
    pub day: NaiveDate,
    pub prenotify: bool,
    pub collection_date: Option<NaiveDate>,
}

/// Claims the day's batch of a template before Twikey is called: a new row in `sending`, or
/// the day's failed (or abandoned `sending`) row once it is old enough. `None`: the day's batch
/// is done, or another server is sending it.
pub async fn claim(tx: &mut Tx, company_id: i64, b: &NewBatch) -> Result<Option<Batch>, sqlx::Error> {
    let at = now();
    let inserted: Option<Batch> = on_db!(tx, |ex| {
        sqlx::query_as(&format!(
            "INSERT INTO collection_batches (company_id, template_id, day, state, prenotify, collection_date, until_ms, created_at, updated_at)
             VALUES ($1, $2, $3, 'sending', $4, $5, $6, $7, $7)
             ON CONFLICT (company_id, template_id, day) DO NOTHING RETURNING {COLUMNS}"
        ))
        .bind(company_id)
        .bind(b.template_id)
        .bind(b.day)
        .bind(b.prenotify)
        .bind(b.collection_date)
        .bind(at.timestamp_millis())
        .bind(at)
        .fetch_optional(ex)
        .await
    })?;
    if inserted.is_some() {
        return Ok(inserted);
    }
    on_db!(tx, |ex| {
        sqlx::query_as(&format!(
            "UPDATE collection_batches SET state = 'sending', error = NULL, prenotify = $4, collection_date = $5, until_ms = $6, updated_at = $7
             WHERE company_id = $1 AND template_id = $2 AND day = $3 AND state IN ('failed', 'sending') AND updated_at < $8
             RETURNING {COLUMNS}"
        ))
        .bind(company_id)
        .bind(b.template_id)
        .bind(b.day)
        .bind(b.prenotify)
        .bind(b.collection_date)
        .bind(at.timestamp_millis())
        .bind(at)
        .bind(at - Duration::minutes(RETRY_FAILED_AFTER_MINUTES))
        .fetch_optional(ex)
        .await
    })
}

/// Twikey's answer: `sent` with its message ids, `empty` when it had nothing to send, or
/// `failed` with the error (tried again later the same day).
pub async fn finish(tx: &mut Tx, id: i64, state: &str, message_ids: Option<&str>, error: Option<&str>) -> Result<(), sqlx::Error> {
    on_db!(tx, |ex| {
        sqlx::query("UPDATE collection_batches SET state = $2, message_ids = $3, error = $4, updated_at = $5 WHERE id = $1")
            .bind(id)
            .bind(state)
            .bind(message_ids)
            .bind(error)
            .bind(now())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn for_day(tx: &mut Tx, company_id: i64, day: NaiveDate) -> Result<Vec<Batch>, sqlx::Error> {
    on_db!(tx, |ex| {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM collection_batches WHERE company_id = $1 AND day = $2 ORDER BY template_id"))
            .bind(company_id)
            .bind(day)
            .fetch_all(ex)
            .await
    })
}
