//! Mandates (mirrors of Twikey's) and their history, per company.

use crate::domain::mandate::MandateState;
use crate::server::db::{now, on_db, Db, Tx};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Mandate {
    pub id: i64,
    pub company_id: i64,
    pub customer_id: Option<i64>,
    pub reference: String,
    pub template_id: Option<i64>,
    pub scheme: String,
    pub state: String,
    pub sign_url: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub signed_at: Option<String>,
    pub sign_method: Option<String>,
    pub invited_at: Option<DateTime<Utc>>,
    pub state_reason: Option<String>,
}

impl Mandate {
    pub fn state(&self) -> MandateState {
        MandateState::parse(&self.state).unwrap_or(MandateState::Cancelled)
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MandateEvent {
    pub mandate_reference: String,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub detail: String,
}

const COLUMNS: &str = "id, company_id, customer_id, reference, template_id, scheme, state, sign_url, iban, bic,
    signed_at, sign_method, invited_at, state_reason";

pub struct NewPrepared<'a> {
    pub customer_id: i64,
    pub reference: &'a str,
    pub template_id: i64,
    pub scheme: &'a str,
    pub sign_url: Option<&'a str>,
}

/// Records a mandate just prepared in Twikey (and its history line).
pub async fn insert_prepared(db: &Db, company_id: i64, m: &NewPrepared<'_>) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let at = now();
    let id: i64 = on_db!(tx, |ex| {
        sqlx::query_scalar(
            "INSERT INTO mandates (company_id, customer_id, reference, template_id, scheme, state, sign_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'prepared', $6, $7, $7)
         ON CONFLICT (company_id, reference) DO UPDATE SET sign_url = excluded.sign_url
         RETURNING id",
        )
        .bind(company_id)
        .bind(m.customer_id)
        .bind(m.reference)
        .bind(m.template_id)
        .bind(m.scheme)
        .bind(m.sign_url)
        .bind(at)
        .fetch_one(ex)
        .await
    })?;
    add_event(&mut tx, company_id, Some(m.customer_id), m.reference, "prepared", "").await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, company_id: i64, id: i64) -> Result<Option<Mandate>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM mandates WHERE id = $1 AND company_id = $2"))
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

pub async fn by_reference(conn: &mut Tx, company_id: i64, reference: &str) -> Result<Option<Mandate>, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM mandates WHERE company_id = $1 AND reference = $2"))
        .bind(company_id)
        .bind(reference)
        .fetch_optional(ex)
        .await)
}

/// A customer's mandates, the live ones first, newest first.
pub async fn for_customer(db: &Db, company_id: i64, customer_id: i64) -> Result<Vec<Mandate>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mandates WHERE company_id = $1 AND customer_id = $2
         ORDER BY CASE state WHEN 'cancelled' THEN 1 ELSE 0 END, id DESC"
    ))
    .bind(company_id)
    .bind(customer_id)
    .fetch_all(ex)
    .await)
}

pub async fn history(db: &Db, company_id: i64, customer_id: i64) -> Result<Vec<MandateEvent>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(
        "SELECT mandate_reference, at, kind, detail FROM mandate_events
         WHERE company_id = $1 AND customer_id = $2 ORDER BY at DESC, id DESC LIMIT 50",
    )
    .bind(company_id)
    .bind(customer_id)
    .fetch_all(ex)
    .await)
}

pub async fn add_event(
    conn: &mut Tx,
    company_id: i64,
    customer_id: Option<i64>,
    reference: &str,
    kind: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query(
            "INSERT INTO mandate_events (company_id, customer_id, mandate_reference, at, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(company_id)
        .bind(customer_id)
        .bind(reference)
        .bind(now())
        .bind(kind)
        .bind(detail)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Removes a prepared mandate (deleted in Twikey); its history line stays.
pub async fn delete_prepared(db: &Db, m: &Mandate, reason: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    delete_if_prepared(&mut tx, m.company_id, m.id).await?;
    add_event(&mut tx, m.company_id, m.customer_id, &m.reference, "deleted", reason).await?;
    tx.commit().await
}

/// Deletes a mandate that is still prepared, inside the caller's transaction. The state is
/// checked by the DELETE itself, so a mandate signed since the caller read it stays. Returns
/// whether it was deleted.
pub async fn delete_if_prepared(tx: &mut Tx, company_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = on_db!(tx, |ex| sqlx::query("DELETE FROM mandates WHERE id = $1 AND company_id = $2 AND state = 'prepared'")
        .bind(id)
        .bind(company_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted == 1)
}

pub async fn mark_invited(db: &Db, m: &Mandate) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    on_db!(tx, |ex| sqlx::query("UPDATE mandates SET invited_at = $2, updated_at = $2 WHERE id = $1")
        .bind(m.id)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    add_event(&mut tx, m.company_id, m.customer_id, &m.reference, "invited", "").await?;
    tx.commit().await
}

/// The full picture of a mandate after a feed message (or an action confirmed by Twikey).
#[derive(Clone, Debug, Default)]
pub struct MandateUpdate {
    pub state: Option<MandateState>,
    pub reason: Option<String>,
    pub new_reference: Option<String>,
    pub template_id: Option<i64>,
    pub scheme: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub signed_at: Option<String>,
    pub sign_method: Option<String>,
}

/// Applies an update to a known mandate inside the caller's transaction and records why.
pub async fn apply_update(conn: &mut Tx, m: &Mandate, u: &MandateUpdate, event: &str) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query(
            "UPDATE mandates SET
           state = COALESCE($2, state), state_reason = COALESCE($3, state_reason), reference = COALESCE($4, reference),
           template_id = COALESCE($5, template_id), scheme = COALESCE($6, scheme), iban = COALESCE($7, iban),
           bic = COALESCE($8, bic), signed_at = COALESCE($9, signed_at), sign_method = COALESCE($10, sign_method),
           updated_at = $11
         WHERE id = $1",
        )
        .bind(m.id)
        .bind(u.state.map(|s| s.as_str()))
        .bind(&u.reason)
        .bind(&u.new_reference)
        .bind(u.template_id)
        .bind(&u.scheme)
        .bind(&u.iban)
        .bind(&u.bic)
        .bind(&u.signed_at)
        .bind(&u.sign_method)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    let reference = u.new_reference.as_deref().unwrap_or(&m.reference);
    add_event(conn, m.company_id, m.customer_id, reference, event, u.reason.as_deref().unwrap_or("")).await
}

/// Records a mandate Encaisse did not prepare (created in Twikey directly), inside a transaction.
pub async fn insert_from_feed(
    conn: &mut Tx,
    company_id: i64,
    customer_id: Option<i64>,
    reference: &str,
    u: &MandateUpdate,
    event: &str,
) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(conn, |ex| {
        sqlx::query(
            "INSERT INTO mandates (company_id, customer_id, reference, template_id, scheme, state, iban, bic, signed_at,
           sign_method, state_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(company_id)
        .bind(customer_id)
        .bind(reference)
        .bind(u.template_id)
        .bind(u.scheme.as_deref().unwrap_or("CORE"))
        .bind(u.state.unwrap_or(MandateState::Signed).as_str())
        .bind(&u.iban)
        .bind(&u.bic)
        .bind(&u.signed_at)
        .bind(&u.sign_method)
        .bind(&u.reason)
        .bind(at)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    add_event(conn, company_id, customer_id, reference, event, u.reason.as_deref().unwrap_or("")).await
}

pub async fn customer_by_number(conn: &mut Tx, company_id: i64, number: &str) -> Result<Option<i64>, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_scalar("SELECT id FROM customers WHERE company_id = $1 AND number = $2")
        .bind(company_id)
        .bind(number)
        .fetch_optional(ex)
        .await)
}

/// The signed, active mandate to collect a customer's invoices on (newest first).
pub async fn signed_for_customer(db: &Db, company_id: i64, customer_id: i64) -> Result<Option<Mandate>, sqlx::Error> {
    on_db!(db, |ex| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM mandates WHERE company_id = $1 AND customer_id = $2 AND state = 'signed' ORDER BY id DESC LIMIT 1"
        ))
        .bind(company_id)
        .bind(customer_id)
        .fetch_optional(ex)
        .await
    })
}

/// B2B mandates signed by the debtor and waiting for the debtor's bank (oldest first).
pub async fn pending_bank(db: &Db, company_id: i64, limit: i64) -> Result<Vec<Mandate>, sqlx::Error> {
    on_db!(db, |ex| {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM mandates WHERE company_id = $1 AND state = 'pending_bank' ORDER BY id LIMIT $2"))
            .bind(company_id)
            .bind(limit)
            .fetch_all(ex)
            .await
    })
}
