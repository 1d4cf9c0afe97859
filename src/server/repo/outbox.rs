//! The outbox: every e-mail, written before it is delivered (see `server::mail`).

use crate::model::invoices::OutboxMessage;
use crate::server::db::{now, on_db, Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};

/// Queues a message inside the caller's transaction. Returns its id.
pub async fn insert(
    conn: &mut Tx,
    company_id: i64,
    invoice_id: Option<i64>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<i64, sqlx::Error> {
    on_db!(conn, |ex| sqlx::query_scalar(
        "INSERT INTO outbox (company_id, invoice_id, to_email, subject, body, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING id",
    )
    .bind(company_id)
    .bind(invoice_id)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now())
    .fetch_one(ex)
    .await)
}

/// Marks a queued message as a credit note's (inside the transaction that queued it).
pub async fn set_credit_note(tx: &mut Tx, id: i64, credit_note_id: i64) -> Result<(), sqlx::Error> {
    on_db!(tx, |ex| sqlx::query("UPDATE outbox SET credit_note_id = $2 WHERE id = $1")
        .bind(id)
        .bind(credit_note_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// What a credit note's e-mail says: `(number, total incl. VAT, invoice number, e-mail,
/// language, company name)`.
pub async fn credit_note_mail(tx: &mut Tx, company_id: i64, id: i64) -> Result<Option<(String, i64, Option<String>, String, String, String)>, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_as(
        "SELECT cn.number, cn.total_incl_cents, i.number, c.email, c.language, co.name
         FROM credit_notes cn JOIN invoices i ON i.id = cn.invoice_id JOIN customers c ON c.id = i.customer_id
           JOIN companies co ON co.id = cn.company_id
         WHERE cn.id = $1 AND cn.company_id = $2",
    )
    .bind(id)
    .bind(company_id)
    .fetch_optional(ex)
    .await)
}

/// A queued message claimed for one delivery attempt.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub company_id: i64,
    pub invoice_id: Option<i64>,
    /// A credit note's message (its PDF goes with it).
    pub credit_note_id: Option<i64>,
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

/// Claims a queued message for one attempt (counted) until `until`, unless another delivery
/// holds an unexpired claim on it: of two deliveries of the same message, one gets it.
pub async fn claim(db: &Db, id: i64, at: DateTime<Utc>, until: DateTime<Utc>) -> Result<Option<Claimed>, sqlx::Error> {
    on_db!(db, |ex| {
        sqlx::query_as(
            "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1
             WHERE id = $1 AND status = 'queued' AND (claimed_until IS NULL OR claimed_until < $3)
             RETURNING company_id, invoice_id, credit_note_id, to_email, subject, body",
        )
        .bind(id)
        .bind(until)
        .bind(at)
        .fetch_optional(ex)
        .await
    })
}

/// Marks a queued message delivered (`sent`) or kept (`stored`). Returns whether this call
/// did it (the message was still queued).
pub async fn mark_delivered(tx: &mut Tx, id: i64, status: &str) -> Result<bool, sqlx::Error> {
    let done = on_db!(tx, |ex| {
        sqlx::query("UPDATE outbox SET status = $2, sent_at = $3, claimed_until = NULL WHERE id = $1 AND status = 'queued'")
            .bind(id)
            .bind(status)
            .bind(now())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Records a failed attempt: the message stays queued, or is `failed` once it had
/// `max_attempts`. Returns its status.
pub async fn record_failure(tx: &mut Tx, id: i64, error: &str, max_attempts: i64) -> Result<String, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_scalar(
        "UPDATE outbox SET last_error = $2, claimed_until = NULL,
           status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'queued' END
         WHERE id = $1 RETURNING status",
    )
    .bind(id)
    .bind(error)
    .bind(max_attempts)
    .fetch_one(ex)
    .await)
}

/// Ids of queued messages after `after`, in order, at most `limit`.
pub async fn queued_after(db: &Db, after: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT id FROM outbox WHERE status = 'queued' AND id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(ex)
        .await)
}

/// What the invoice e-mail says, and to whom.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvoiceMail {
    pub number: Option<String>,
    pub status: String,
    pub total_incl_cents: i64,
    pub paid_cents: i64,
    pub due_date: NaiveDate,
    pub structured_communication: String,
    pub email: String,
    pub language: String,
    pub company_name: String,
}

/// The invoice, its customer's address and language, and the company's name.
pub async fn invoice_mail(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Option<InvoiceMail>, sqlx::Error> {
    on_db!(conn, |ex| {
        sqlx::query_as(
            "SELECT i.number, i.status, i.total_incl_cents, i.paid_cents, i.due_date, i.structured_communication,
           c.email, c.language, co.name AS company_name
         FROM invoices i JOIN customers c ON c.id = i.customer_id JOIN companies co ON co.id = i.company_id
         WHERE i.id = $1 AND i.company_id = $2",
        )
        .bind(invoice_id)
        .bind(company_id)
        .fetch_optional(ex)
        .await
    })
}

/// The company's last messages, newest first.
pub async fn list(db: &Db, company_id: i64, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    // An invoice's message carries its PDF (the frozen document of an issued invoice).
    let rows: Vec<(i64, Option<i64>, String, String, String, String, DateTime<Utc>, Option<String>)> = on_db!(db, |ex| sqlx::query_as(
        "SELECT o.id, o.invoice_id, o.to_email, o.subject, o.body, o.status, o.created_at,
                CASE WHEN d.invoice_id IS NOT NULL THEN i.number ELSE cn.number END
         FROM outbox o
           LEFT JOIN credit_notes cn ON cn.id = o.credit_note_id AND cn.company_id = o.company_id
           LEFT JOIN invoices i ON i.id = o.invoice_id AND i.company_id = o.company_id
           LEFT JOIN invoice_documents d ON d.invoice_id = o.invoice_id AND d.company_id = o.company_id
         WHERE o.company_id = $1 ORDER BY o.id DESC LIMIT $2",
    )
    .bind(company_id)
    .bind(limit)
    .fetch_all(ex)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, invoice_id, to_email, subject, body, status, created_at, number)| OutboxMessage {
            attachment: number.map(|n| format!("{n}.pdf")),
            id,
            invoice_id,
            to_email,
            subject,
            body,
            status,
            created_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn claimed_once_then_failed_after_the_last_attempt() {
        let (db, _dir) = crate::server::db::test_db().await;
        let company = crate::server::repo::companies::create(&db, "Acme").await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let id = insert(&mut tx, company.id, None, "a@b.be", "Hello", "Body").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(queued_after(&db, 0, 100).await.unwrap(), vec![id]);
        assert!(queued_after(&db, id, 100).await.unwrap().is_empty());

        let at = now();
        let claimed = claim(&db, id, at, at + chrono::Duration::seconds(300)).await.unwrap().expect("claimed");
        assert_eq!((claimed.company_id, claimed.to_email.as_str()), (company.id, "a@b.be"));
        assert!(claim(&db, id, at, at + chrono::Duration::seconds(300)).await.unwrap().is_none(), "one delivery at a time");

        let mut tx = db.begin().await.unwrap();
        assert_eq!(record_failure(&mut tx, id, "refused", 2).await.unwrap(), "queued");
        tx.commit().await.unwrap();
        claim(&db, id, at, at + chrono::Duration::seconds(300)).await.unwrap().expect("claimed again after the failure");
        let mut tx = db.begin().await.unwrap();
        assert_eq!(record_failure(&mut tx, id, "refused", 2).await.unwrap(), "failed", "second attempt of two");
        assert!(!mark_delivered(&mut tx, id, "sent").await.unwrap(), "a failed message is not delivered");
        tx.commit().await.unwrap();
        assert!(queued_after(&db, 0, 100).await.unwrap().is_empty());
        let listed = list(&db, company.id, 10).await.unwrap();
        assert_eq!((listed.len(), listed[0].status.as_str()), (1, "failed"));
    }
}
