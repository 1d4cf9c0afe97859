//! Invoices and their lines: drafts, issuing (numbering), cancelling, lists and figures.

use super::invoice_events::{self, kind};
use crate::model::invoices::{CustomerChoice, Invoice, InvoiceListQuery, InvoicePage, InvoiceRow, ValidInvoice, INVOICES_PER_PAGE};
use crate::server::Error;
use crate::domain::invoice::{due_date, invoice_number, totals, DisplayStatus, InvoiceStatus, Line};
use crate::domain::structured_communication;
use crate::i18n::Msg;
use crate::server::db::{begin_write, like_pattern, now, on_db, Db, Tx};
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use sqlx::QueryBuilder;

/// The customer's name, if the customer is this company's.
async fn customer_name(conn: &mut Tx, company_id: i64, customer_id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_scalar("SELECT display_name FROM customers WHERE id = $1 AND company_id = $2")
        .bind(customer_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

fn search_text(number: Option<&str>, customer: &str) -> String {
    format!("{} {}", number.unwrap_or(""), customer).to_lowercase()
}

async fn write_lines(conn: &mut Tx, invoice_id: i64, lines: &[Line]) -> Result<(), sqlx::Error> {
    on_db!(conn, |ex| sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1")
        .bind(invoice_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    for (position, l) in lines.iter().enumerate() {
        on_db!(conn, |ex| {
            sqlx::query(
                "INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_price_cents, vat_rate, amount_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(invoice_id)
            .bind(position as i64)
            .bind(&l.description)
            .bind(l.quantity_milli)
            .bind(l.unit_price_cents)
            .bind(l.vat_rate as i64)
            .bind(l.amount_cents())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Origin of an invoice made by a subscription: (subscription id, period start).
pub type FromSubscription = Option<(i64, NaiveDate)>;

/// Inserts a draft (with its lines and a `created` event) inside the caller's transaction.
/// `Ok(None)` when the customer is not this company's.
pub async fn insert_draft(conn: &mut Tx, company_id: i64, v: &ValidInvoice, origin: FromSubscription) -> Result<Option<i64>, sqlx::Error> {
    let Some(name) = customer_name(conn, company_id, v.customer_id).await? else {
        return Ok(None);
    };
    let t = totals(&v.lines);
    let at = now();
    let id: i64 = on_db!(conn, |ex| {
        sqlx::query_scalar(
            "INSERT INTO invoices (company_id, customer_id, status, issue_date, payment_term_days, due_date, structured_communication,
           total_excl_cents, vat_cents, total_incl_cents, subscription_id, period_start, search_text, created_at, updated_at)
         VALUES ($1, $2, 'draft', $3, $4, $5, '', $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(company_id)
        .bind(v.customer_id)
        .bind(v.issue_date)
        .bind(v.payment_term_days)
        .bind(due_date(v.issue_date, v.payment_term_days))
        .bind(t.excl_vat_cents)
        .bind(t.vat_cents)
        .bind(t.incl_vat_cents)
        .bind(origin.map(|o| o.0))
        .bind(origin.map(|o| o.1))
        .bind(search_text(None, &name))
        .bind(at)
        .fetch_one(ex)
        .await
    })?;
    on_db!(conn, |ex| sqlx::query("UPDATE invoices SET structured_communication = $2, buyer_reference = $3 WHERE id = $1")
        .bind(id)
        .bind(structured_communication::for_invoice(id))
        .bind(&v.buyer_reference)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    write_lines(conn, id, &v.lines).await?;
    let details = match origin {
        Some((subscription_id, period_start)) => {
            json!({ "subscription_id": subscription_id, "period_start": period_start })
        }
        None => json!({}),
    };
    invoice_events::append(conn, company_id, id, kind::CREATED, details).await?;
    Ok(Some(id))
}

/// Replaces a draft's fields and lines. `Ok(false)` when it is not a draft of this company.
async fn update_draft(conn: &mut Tx, company_id: i64, id: i64, v: &ValidInvoice, customer: &str) -> Result<bool, sqlx::Error> {
    let t = totals(&v.lines);
    let done = on_db!(conn, |ex| {
        sqlx::query(
            "UPDATE invoices SET customer_id = $3, issue_date = $4, payment_term_days = $5, due_date = $6,
           total_excl_cents = $7, vat_cents = $8, total_incl_cents = $9, search_text = $10, updated_at = $11,
           buyer_reference = $12
         WHERE id = $1 AND company_id = $2 AND status = 'draft'",
        )
        .bind(id)
        .bind(company_id)
        .bind(v.customer_id)
        .bind(v.issue_date)
        .bind(v.payment_term_days)
        .bind(due_date(v.issue_date, v.payment_term_days))
        .bind(t.excl_vat_cents)
        .bind(t.vat_cents)
        .bind(t.incl_vat_cents)
        .bind(search_text(None, customer))
        .bind(now())
        .bind(&v.buyer_reference)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    if done != 1 {
        return Ok(false);
    }
    write_lines(conn, id, &v.lines).await?;
    Ok(true)
}

/// Saves a draft (new or existing) and, with `issue`, issues it in the same transaction.
pub async fn save_draft(db: &Db, company_id: i64, id: Option<i64>, v: &ValidInvoice, issue: bool) -> Result<i64, Error> {
    let mut tx = begin_write(db, company_id).await?;
    let id = match id {
        None => insert_draft(&mut tx, company_id, v, None).await?.ok_or_else(|| Error::field("customer_id", Msg::ErrRequired))?,
        Some(id) => {
            let name =
                customer_name(&mut tx, company_id, v.customer_id).await?.ok_or_else(|| Error::field("customer_id", Msg::ErrRequired))?;
            if !update_draft(&mut tx, company_id, id, v, &name).await? {
                return Err(exists_or_not_found(&mut tx, company_id, id, Msg::ErrNotDraft).await);
            }
            id
        }
    };
    if issue {
        issue_in(&mut tx, company_id, id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// `Refused(msg)` when the invoice exists for this company (in a state that forbids the
/// change), `NotFound` otherwise.
async fn exists_or_not_found(conn: &mut Tx, company_id: i64, id: i64, msg: Msg) -> Error {
    let found: Result<Option<i64>, _> = on_db!(conn, |ex| sqlx::query_scalar("SELECT id FROM invoices WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await);
    match found {
        Ok(Some(_)) => Error::Refused(msg),
        Ok(None) => Error::NotFound,
        Err(e) => e.into(),
    }
}

/// Issues a draft inside the caller's (write) transaction: takes the next number of the issue
/// date's year from the company's counter row, sets status open, writes `issued`.
pub async fn issue_in(conn: &mut Tx, company_id: i64, id: i64) -> Result<String, Error> {
    let draft: Option<(NaiveDate, i64)> = on_db!(conn, |ex| {
        sqlx::query_as("SELECT issue_date, total_incl_cents FROM invoices WHERE id = $1 AND company_id = $2 AND status = 'draft'")
            .bind(id)
            .bind(company_id)
            .fetch_optional(ex)
            .await
    })?;
    let Some((issue_date, _total)) = draft else {
        return Err(exists_or_not_found(conn, company_id, id, Msg::ErrNotDraft).await);
    };
    let year = issue_date.year();
    // The counter row is incremented in this transaction: a concurrent issue waits for the
    // write lock, so every number is used once and none is skipped (a rollback undoes both).
    let seq: i64 = on_db!(conn, |ex| sqlx::query_scalar(
        "INSERT INTO invoice_counters (company_id, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (company_id, year) DO UPDATE SET last_number = invoice_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(company_id)
    .bind(year)
    .fetch_one(ex)
    .await)?;
    let number = invoice_number(year, seq);
    on_db!(conn, |ex| {
        sqlx::query(
            "UPDATE invoices SET number = $3, status = 'open', search_text = $3 || ' ' || search_text, updated_at = $4
         WHERE id = $1 AND company_id = $2",
        )
        .bind(id)
        .bind(company_id)
        .bind(&number)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    invoice_events::append(conn, company_id, id, kind::ISSUED, json!({ "number": number })).await?;
    Ok(number)
}

/// Issues a draft in a transaction of its own. Returns the number.
pub async fn issue(db: &Db, company_id: i64, id: i64) -> Result<String, Error> {
    let mut tx = begin_write(db, company_id).await?;
    let number = issue_in(&mut tx, company_id, id).await?;
    tx.commit().await?;
    Ok(number)
}

/// Cancels an open invoice with a reason.
/// Discards a draft (not a legal document yet). An issued invoice is never cancelled: a credit
/// note corrects it (Belgian law).
pub async fn cancel(db: &Db, company_id: i64, id: i64, reason: &str) -> Result<(), Error> {
    let mut tx = begin_write(db, company_id).await?;
    let done = on_db!(tx, |ex| sqlx::query(
        "UPDATE invoices SET status = 'cancelled', cancel_reason = $3, updated_at = $4
         WHERE id = $1 AND company_id = $2 AND status = 'draft'",
    )
    .bind(id)
    .bind(company_id)
    .bind(reason)
    .bind(now())
    .execute(ex)
    .await
    .map(|r| r.rows_affected()))?;
    if done != 1 {
        return Err(exists_or_not_found(&mut tx, company_id, id, Msg::ErrNotCancellable).await);
    }
    invoice_events::append(&mut tx, company_id, id, kind::CANCELLED, json!({ "reason": reason })).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: Option<String>,
    customer_id: i64,
    customer_name: String,
    customer_email: String,
    status: String,
    issue_date: NaiveDate,
    payment_term_days: i64,
    due_date: NaiveDate,
    structured_communication: String,
    total_incl_cents: i64,
    paid_cents: i64,
    cancel_reason: Option<String>,
    buyer_reference: String,
    subscription_id: Option<i64>,
    period_start: Option<NaiveDate>,
}

pub fn open_amount(status: InvoiceStatus, total: i64, paid: i64) -> i64 {
    if status == InvoiceStatus::Open {
        total - paid
    } else {
        0
    }
}

/// One invoice of the company with its lines.
pub async fn get(db: &Db, company_id: i64, id: i64, today: NaiveDate) -> Result<Option<Invoice>, sqlx::Error> {
    let row: Option<Row> = on_db!(db, |ex| {
        sqlx::query_as(
            "SELECT i.id, i.number, i.customer_id, c.display_name AS customer_name, c.email AS customer_email, i.status,
           i.issue_date, i.payment_term_days, i.due_date, i.structured_communication, i.total_incl_cents, i.paid_cents,
           i.cancel_reason, i.buyer_reference, i.subscription_id, i.period_start
         FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE i.id = $1 AND i.company_id = $2",
        )
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await
    })?;
    let Some(r) = row else { return Ok(None) };
    let lines: Vec<(String, i64, i64, i64)> = on_db!(db, |ex| {
        sqlx::query_as(
            "SELECT description, quantity_milli, unit_price_cents, vat_rate FROM invoice_lines WHERE invoice_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(ex)
        .await
    })?;
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|(description, q, p, r)| Line { description, quantity_milli: q, unit_price_cents: p, vat_rate: r as u8 })
        .collect();
    let status = InvoiceStatus::parse(&r.status).unwrap_or(InvoiceStatus::Draft);
    Ok(Some(Invoice {
        id: r.id,
        number: r.number,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        customer_email: r.customer_email,
        status,
        display_status: DisplayStatus::of(status, r.due_date, today),
        issue_date: r.issue_date,
        payment_term_days: r.payment_term_days,
        due_date: r.due_date,
        structured_communication: r.structured_communication,
        totals: totals(&lines),
        lines,
        paid_cents: r.paid_cents,
        open_cents: open_amount(status, r.total_incl_cents, r.paid_cents),
        cancel_reason: r.cancel_reason,
        buyer_reference: r.buyer_reference,
        subscription_id: r.subscription_id,
        period_start: r.period_start,
    }))
}

/// The open amount of an invoice (total − payments; 0 unless open). `None`: not this company's.
pub async fn open_cents(db: &Db, company_id: i64, id: i64) -> Result<Option<i64>, sqlx::Error> {
    let mut conn = db.begin().await?;
    open_cents_in(&mut conn, company_id, id).await
}

pub async fn customer_choices(db: &Db, company_id: i64) -> Result<Vec<CustomerChoice>, sqlx::Error> {
    let rows: Vec<(i64, String)> = on_db!(db, |ex| {
        sqlx::query_as(
            "SELECT id, display_name FROM customers WHERE company_id = $1 AND archived_at IS NULL ORDER BY display_name LIMIT 2000",
        )
        .bind(company_id)
        .fetch_all(ex)
        .await
    })?;
    Ok(rows.into_iter().map(|(id, name)| CustomerChoice { id, name }).collect())
}

/// Appends the WHERE clause of a list query (placeholders are the backend's own).
fn push_filters<'a, DB>(b: &mut QueryBuilder<'a, DB>, company_id: i64, q: &InvoiceListQuery, today: NaiveDate)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    NaiveDate: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    b.push(" WHERE i.company_id = ").push_bind(company_id);
    match q.status.as_str() {
        "draft" | "paid" | "cancelled" => {
            b.push(" AND i.status = ").push_bind(q.status.clone());
        }
        "open" => {
            b.push(" AND i.status = 'open'");
        }
        "overdue" => {
            b.push(" AND i.status = 'open' AND i.due_date < ").push_bind(today);
        }
        _ => {}
    }
    if let Ok(customer) = q.customer.trim().parse::<i64>() {
        b.push(" AND i.customer_id = ").push_bind(customer);
    }
    if let Some(from) = crate::model::invoices::parse_date(&q.from) {
        b.push(" AND i.issue_date >= ").push_bind(from);
    }
    if let Some(to) = crate::model::invoices::parse_date(&q.to) {
        b.push(" AND i.issue_date <= ").push_bind(to);
    }
    if !q.q.trim().is_empty() {
        b.push(" AND i.search_text LIKE ").push_bind(like_pattern(&q.q)).push(" ESCAPE '\\'");
    }
}

/// The columns every invoice list selects: `i.id, i.number, i.customer_id, c.display_name,
/// i.issue_date, i.due_date, i.status, i.total_incl_cents, i.paid_cents`.
pub type ListRow = (i64, Option<String>, i64, String, NaiveDate, NaiveDate, String, i64, i64);

/// A line of an invoice list, with its displayed status and open amount as of `today`.
pub fn invoice_row(r: ListRow, today: NaiveDate) -> InvoiceRow {
    let (id, number, customer_id, customer_name, issue_date, due_date, status, total_incl_cents, paid) = r;
    let status = InvoiceStatus::parse(&status).unwrap_or(InvoiceStatus::Draft);
    InvoiceRow {
        id,
        number,
        customer_id,
        customer_name,
        issue_date,
        due_date,
        status: DisplayStatus::of(status, due_date, today),
        total_incl_cents,
        open_cents: open_amount(status, total_incl_cents, paid),
    }
}

/// One page of the list, newest first, with the count and sums of everything that matches.
pub async fn list(db: &Db, company_id: i64, q: &InvoiceListQuery, today: NaiveDate) -> Result<InvoicePage, sqlx::Error> {
    // SUM of BIGINT is NUMERIC on PostgreSQL: cast back to BIGINT for both backends.
    let (total, sum_incl, sum_open): (i64, i64, i64) = on_db!(db, |ex| {
        let mut b = QueryBuilder::new(
            "SELECT COUNT(*), CAST(COALESCE(SUM(i.total_incl_cents), 0) AS BIGINT),
               CAST(COALESCE(SUM(CASE WHEN i.status = 'open' THEN i.total_incl_cents - i.paid_cents ELSE 0 END), 0) AS BIGINT)
             FROM invoices i",
        );
        push_filters(&mut b, company_id, q, today);
        b.build_query_as().fetch_one(ex).await
    })?;
    let per_page = INVOICES_PER_PAGE as i64;
    let pages = ((total + per_page - 1) / per_page).max(1) as u32;
    let page = q.page.clamp(1, pages);
    let rows: Vec<ListRow> = on_db!(db, |ex| {
        let mut b = QueryBuilder::new(
            "SELECT i.id, i.number, i.customer_id, c.display_name, i.issue_date, i.due_date, i.status, i.total_incl_cents, i.paid_cents
             FROM invoices i JOIN customers c ON c.id = i.customer_id",
        );
        push_filters(&mut b, company_id, q, today);
        b.push(" ORDER BY i.issue_date DESC, i.id DESC LIMIT ")
            .push_bind(per_page)
            .push(" OFFSET ")
            .push_bind((page as i64 - 1) * per_page);
        b.build_query_as().fetch_all(ex).await
    })?;
    let rows = rows.into_iter().map(|r| invoice_row(r, today)).collect();
    Ok(InvoicePage { rows, total, page, pages, sum_incl_cents: sum_incl, sum_open_cents: sum_open })
}

/// Figures for the dashboard.
pub struct Figures {
    pub open_cents: i64,
    pub overdue_cents: i64,
    pub paid_this_month_cents: i64,
    /// (display status, count)
    pub counts: Vec<(DisplayStatus, i64)>,
}

pub async fn figures(db: &Db, company_id: i64, today: NaiveDate) -> Result<Figures, sqlx::Error> {
    let (draft, open, overdue, paid, cancelled, open_cents, overdue_cents): (i64, i64, i64, i64, i64, i64, i64) = on_db!(db, |ex| {
        sqlx::query_as(
            "SELECT
           CAST(COALESCE(SUM(CASE WHEN status = 'draft' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'open' AND due_date >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'open' AND due_date < $2 THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'open' THEN total_incl_cents - paid_cents ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN status = 'open' AND due_date < $2 THEN total_incl_cents - paid_cents ELSE 0 END), 0) AS BIGINT)
         FROM invoices WHERE company_id = $1",
        )
        .bind(company_id)
        .bind(today)
        .fetch_one(ex)
        .await
    })?;
    let month_start = today.with_day(1).unwrap_or(today);
    let paid_this_month: i64 = on_db!(db, |ex| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM payments WHERE company_id = $1 AND paid_on >= $2 AND paid_on <= $3",
        )
        .bind(company_id)
        .bind(month_start)
        .bind(today)
        .fetch_one(ex)
        .await
    })?;
    Ok(Figures {
        open_cents,
        overdue_cents,
        paid_this_month_cents: paid_this_month,
        counts: vec![
            (DisplayStatus::Draft, draft),
            (DisplayStatus::Open, open),
            (DisplayStatus::Overdue, overdue),
            (DisplayStatus::Paid, paid),
            (DisplayStatus::Cancelled, cancelled),
        ],
    })
}

/// The number of one of the company's invoices: `None` when it is not the company's,
/// `Some(None)` for a draft.
pub async fn number_of(db: &Db, company_id: i64, id: i64) -> Result<Option<Option<String>>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// [`open_cents`] inside the caller's transaction.
pub async fn open_cents_in(tx: &mut Tx, company_id: i64, id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(String, i64, i64)> = on_db!(tx, |ex| {
        sqlx::query_as("SELECT status, total_incl_cents, paid_cents FROM invoices WHERE id = $1 AND company_id = $2")
            .bind(id)
            .bind(company_id)
            .fetch_optional(ex)
            .await
    })?;
    Ok(row.map(|(s, t, p)| open_amount(InvoiceStatus::parse(&s).unwrap_or(InvoiceStatus::Draft), t, p)))
}
