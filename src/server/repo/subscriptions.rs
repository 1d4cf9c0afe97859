//! Subscriptions and their lines; what the scheduler reads and moves (`due`, `period_is_next`,
//! `advance`). The step itself lives in `server::invoicing::subscriptions`.

use super::invoices;
use crate::model::invoices::InvoiceRow;
use crate::model::subscriptions::{Subscription, SubscriptionRow, ValidSubscription};
use crate::server::Error;
use crate::domain::invoice::{totals, Line};
use crate::domain::schedule::{period_start, SubscriptionStatus};
use crate::i18n::Msg;
use crate::server::db::{begin_write, now, on_db, Db, Tx};
use chrono::NaiveDate;

pub async fn insert(db: &Db, company_id: i64, v: &ValidSubscription) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = begin_write(db, company_id).await?;
    let customer: Option<i64> = on_db!(tx, |ex| sqlx::query_scalar("SELECT id FROM customers WHERE id = $1 AND company_id = $2")
        .bind(v.customer_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)?;
    if customer.is_none() {
        return Ok(None);
    }
    let at = now();
    let id: i64 = on_db!(tx, |ex| {
        sqlx::query_scalar(
            "INSERT INTO subscriptions (company_id, customer_id, every_months, start_date, end_date, next_period, next_period_start,
           status, payment_term_days, send_email, collect_with_twikey, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, $4, 'active', $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(company_id)
        .bind(v.customer_id)
        .bind(v.every_months as i64)
        .bind(v.start_date)
        .bind(v.end_date)
        .bind(v.payment_term_days)
        .bind(v.send_email)
        .bind(v.collect_with_twikey)
        .bind(at)
        .fetch_one(ex)
        .await
    })?;
    for (position, l) in v.lines.iter().enumerate() {
        on_db!(tx, |ex| {
            sqlx::query(
                "INSERT INTO subscription_lines (subscription_id, position, description, quantity_milli, unit_price_cents, vat_rate)
             VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&l.description)
            .bind(l.quantity_milli)
            .bind(l.unit_price_cents)
            .bind(l.vat_rate as i64)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    tx.commit().await?;
    Ok(Some(id))
}

pub async fn lines(conn: &mut Tx, id: i64) -> Result<Vec<Line>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64)> = on_db!(conn, |ex| {
        sqlx::query_as(
        "SELECT description, quantity_milli, unit_price_cents, vat_rate FROM subscription_lines WHERE subscription_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(ex)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(description, q, p, r)| Line { description, quantity_milli: q, unit_price_cents: p, vat_rate: r as u8 })
        .collect())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    company_id: i64,
    customer_id: i64,
    customer_name: String,
    every_months: i64,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    next_period: i64,
    next_period_start: NaiveDate,
    status: String,
    payment_term_days: i64,
    send_email: bool,
    collect_with_twikey: bool,
}

const SELECT: &str = "SELECT s.id, s.company_id, s.customer_id, c.display_name AS customer_name, s.every_months, s.start_date,
    s.end_date, s.next_period, s.next_period_start, s.status, s.payment_term_days, s.send_email, s.collect_with_twikey
    FROM subscriptions s JOIN customers c ON c.id = s.customer_id";

impl Row {
    fn status(&self) -> SubscriptionStatus {
        SubscriptionStatus::parse(&self.status).unwrap_or(SubscriptionStatus::Ended)
    }
    fn next_invoice_date(&self) -> Option<NaiveDate> {
        let past_end = self.end_date.is_some_and(|e| self.next_period_start > e);
        (self.status() != SubscriptionStatus::Ended && !past_end).then_some(self.next_period_start)
    }
    fn into_subscription(self, lines: Vec<Line>) -> Subscription {
        Subscription {
            id: self.id,
            customer_id: self.customer_id,
            customer_name: self.customer_name.clone(),
            every_months: self.every_months as u32,
            start_date: self.start_date,
            end_date: self.end_date,
            status: self.status(),
            next_invoice_date: self.next_invoice_date(),
            payment_term_days: self.payment_term_days,
            send_email: self.send_email,
            collect_with_twikey: self.collect_with_twikey,
            totals: totals(&lines),
            lines,
        }
    }
}

pub async fn get(db: &Db, company_id: i64, id: i64) -> Result<Option<Subscription>, sqlx::Error> {
    let mut conn = db.begin().await?;
    let row: Option<Row> = on_db!(conn, |ex| sqlx::query_as(&format!("{SELECT} WHERE s.id = $1 AND s.company_id = $2"))
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)?;
    let Some(row) = row else { return Ok(None) };
    let lines = lines(&mut conn, id).await?;
    Ok(Some(row.into_subscription(lines)))
}

/// Whether the subscription collects with Twikey (for the Twikey module). `None`: not this company's.
pub async fn collect_with_twikey(db: &Db, company_id: i64, id: i64) -> Result<Option<bool>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT collect_with_twikey FROM subscriptions WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

pub async fn list(db: &Db, company_id: i64) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    let mut conn = db.begin().await?;
    let rows: Vec<Row> =
        on_db!(conn, |ex| sqlx::query_as(&format!("{SELECT} WHERE s.company_id = $1 ORDER BY s.status, c.display_name, s.id LIMIT 1000"))
            .bind(company_id)
            .fetch_all(ex)
            .await)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let lines = lines(&mut conn, row.id).await?;
        let next = row.next_invoice_date();
        out.push(SubscriptionRow {
            id: row.id,
            customer_name: row.customer_name.clone(),
            every_months: row.every_months as u32,
            status: row.status(),
            next_invoice_date: next,
            total_incl_cents: totals(&lines).incl_vat_cents,
            collect_with_twikey: row.collect_with_twikey,
        });
    }
    Ok(out)
}

/// The invoices a subscription made, newest period first.
pub async fn invoices(db: &Db, company_id: i64, id: i64, today: NaiveDate) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    let rows: Vec<invoices::ListRow> = on_db!(db, |ex| {
        sqlx::query_as(
            "SELECT i.id, i.number, i.customer_id, c.display_name, i.issue_date, i.due_date, i.status, i.total_incl_cents, i.paid_cents
         FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE i.company_id = $1 AND i.subscription_id = $2 ORDER BY i.period_start DESC",
        )
        .bind(company_id)
        .bind(id)
        .fetch_all(ex)
        .await
    })?;
    Ok(rows.into_iter().map(|r| invoices::invoice_row(r, today)).collect())
}

/// Pause, resume or end. Resuming skips the periods that started while paused.
pub async fn change(db: &Db, company_id: i64, id: i64, action: &str, today: NaiveDate) -> Result<(), Error> {
    let mut tx = begin_write(db, company_id).await?;
    let row: Option<Row> = on_db!(tx, |ex| sqlx::query_as(&format!("{SELECT} WHERE s.id = $1 AND s.company_id = $2"))
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)?;
    let row = row.ok_or(Error::NotFound)?;
    let (status, next_period) = match (action, row.status()) {
        ("pause", SubscriptionStatus::Active) => (SubscriptionStatus::Paused, row.next_period),
        ("resume", SubscriptionStatus::Paused) => {
            let mut k = row.next_period as u32;
            while period_start(row.start_date, row.every_months as u32, k).is_some_and(|d| d < today) {
                k += 1;
            }
            (SubscriptionStatus::Active, k as i64)
        }
        ("end", SubscriptionStatus::Active | SubscriptionStatus::Paused) => (SubscriptionStatus::Ended, row.next_period),
        _ => return Err(Error::Refused(Msg::ErrNotAllowedNow)),
    };
    let next_start = period_start(row.start_date, row.every_months as u32, next_period as u32).unwrap_or(row.next_period_start);
    on_db!(tx, |ex| {
        sqlx::query(
            "UPDATE subscriptions SET status = $3, next_period = $4, next_period_start = $5, updated_at = $6,
           end_date = CASE WHEN $3 = 'ended' AND end_date IS NULL THEN $7 ELSE end_date END
         WHERE id = $1 AND company_id = $2",
        )
        .bind(id)
        .bind(company_id)
        .bind(status.as_str())
        .bind(next_period)
        .bind(next_start)
        .bind(now())
        .bind(today)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    tx.commit().await?;
    Ok(())
}

/// An active subscription with at least one period due.
#[derive(Clone, Debug)]
pub struct Due {
    pub id: i64,
    pub company_id: i64,
    pub customer_id: i64,
    pub every_months: u32,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub next_period: u32,
    pub payment_term_days: i64,
    pub send_email: bool,
    pub collect_with_twikey: bool,
}

/// Active subscriptions whose next period starts on or before `as_of` (index on status, next_period_start).
pub async fn due(db: &Db, as_of: NaiveDate) -> Result<Vec<Due>, sqlx::Error> {
    let rows: Vec<Row> = on_db!(db, |ex| {
        sqlx::query_as(&format!(
            "{SELECT} WHERE s.status = 'active' AND s.next_period_start <= $1 AND (s.end_date IS NULL OR s.next_period_start <= s.end_date)
         ORDER BY s.id LIMIT 500"
        ))
        .bind(as_of)
        .fetch_all(ex)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            id: r.id,
            company_id: r.company_id,
            customer_id: r.customer_id,
            every_months: r.every_months as u32,
            start_date: r.start_date,
            end_date: r.end_date,
            next_period: r.next_period as u32,
            payment_term_days: r.payment_term_days,
            send_email: r.send_email,
            collect_with_twikey: r.collect_with_twikey,
        })
        .collect())
}


/// Is period `k` still the next one of a still-active subscription? (Another run may have done it.)
pub async fn period_is_next(conn: &mut Tx, id: i64, k: u32) -> Result<bool, sqlx::Error> {
    let current: Option<(i64, String)> = on_db!(conn, |ex| sqlx::query_as("SELECT next_period, status FROM subscriptions WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await)?;
    Ok(current == Some((k as i64, "active".to_string())))
}

/// Moves the subscription from period `k` to the next one (ended when past its end date).
pub async fn advance(conn: &mut Tx, id: i64, k: u32, next_start: NaiveDate, ended: bool) -> Result<u64, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query(
            "UPDATE subscriptions SET next_period = $2, next_period_start = $3, status = $4, updated_at = $5 WHERE id = $1 AND next_period = $6",
        )
        .bind(id)
        .bind(k as i64 + 1)
        .bind(next_start)
        .bind(if ended { "ended" } else { "active" })
        .bind(now())
        .bind(k as i64)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })
}
