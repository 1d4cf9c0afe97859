//! E-mail. Every message is first written to the `outbox` table (in the transaction that
//! decides to send it), then delivered: by SMTP when `SMTP_URL` is configured, otherwise it
//! stays in the outbox with status `stored` and shows on the Outbox page. Nothing is lost:
//! a message that SMTP refuses stays `queued` and is retried by the scheduler, up to
//! [`MAX_ATTEMPTS`], then `failed` (also shown on the Outbox page).

use super::config::Config;
use super::db::{begin_write, now, Db, Tx};
use super::repo::invoice_events::{self, kind};
use super::repo::outbox::{self, Claimed, InvoiceMail};
use crate::model::AppError;
use crate::domain::money::format_eur;
use crate::i18n::{Lang, Msg};
use chrono::NaiveDate;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;

pub const MAX_ATTEMPTS: i64 = 5;
/// How long a delivery holds its claim on a message (longer than any SMTP exchange).
const CLAIM_SECS: i64 = 300;

/// How messages leave: SMTP, or kept in the outbox.
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Outbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is not valid: {0}")]
    Url(String),
    #[error("SMTP_FROM is not a valid address: {0}")]
    From(String),
    #[error("message: {0}")]
    Message(String),
    #[error("smtp: {0}")]
    Smtp(String),
}

impl Mailer {
    /// `SMTP_URL` (e.g. `smtps://user:pass@smtp.example.be` or `smtp://localhost:1025`) and
    /// `SMTP_FROM`; without `SMTP_URL`, the outbox.
    pub fn from_config(config: &Config) -> Result<Mailer, MailError> {
        let Some(url) = config.smtp_url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(Mailer::Outbox);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| MailError::Url(e.to_string()))?.build();
        let from = config.smtp_from.parse::<Mailbox>().map_err(|e| MailError::From(e.to_string()))?;
        Ok(Mailer::Smtp { transport, from })
    }

    async fn deliver(&self, to: &str, subject: &str, body: &str, attachment: Option<(String, Vec<u8>)>) -> Result<&'static str, MailError> {
        match self {
            Mailer::Outbox => Ok("stored"),
            Mailer::Smtp { transport, from } => {
                let to = to.parse::<Mailbox>().map_err(|e| MailError::Message(e.to_string()))?;
                let builder = Message::builder().from(from.clone()).to(to).subject(subject);
                let message = match attachment {
                    None => builder.body(body.to_string()),
                    Some((name, bytes)) => {
                        use lettre::message::{header::ContentType, Attachment, MultiPart, SinglePart};
                        let pdf = ContentType::parse("application/pdf").map_err(|e| MailError::Message(e.to_string()))?;
                        builder.multipart(
                            MultiPart::mixed()
                                .singlepart(SinglePart::plain(body.to_string()))
                                .singlepart(Attachment::new(name).body(bytes, pdf)),
                        )
                    }
                }
                .map_err(|e| MailError::Message(e.to_string()))?;
                transport.send(message).await.map_err(|e| MailError::Smtp(e.to_string()))?;
                Ok("sent")
            }
        }
    }
}

/// Queues a message inside the caller's transaction. Returns its id.
pub async fn enqueue(
    conn: &mut Tx,
    company_id: i64,
    invoice_id: Option<i64>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<i64, sqlx::Error> {
    outbox::insert(conn, company_id, invoice_id, to, subject, body).await
}

/// Delivers one queued message; writes the invoice's `sent` event when it leaves (or is stored).
/// Returns whether it was delivered.
pub async fn deliver(db: &Db, mailer: &Mailer, id: i64) -> Result<bool, sqlx::Error> {
    // Claim it first (one attempt): of two deliveries of the same message, one sends.
    let at = now();
    let Some(Claimed { company_id, invoice_id, to_email: to, subject, body }) =
        outbox::claim(db, id, at, at + chrono::Duration::seconds(CLAIM_SECS)).await?
    else {
        return Ok(false);
    };
    let attachment = match (mailer, invoice_id) {
        (Mailer::Smtp { .. }, Some(invoice_id)) => invoice_pdf(db, company_id, invoice_id).await,
        _ => None,
    };
    let result = mailer.deliver(&to, &subject, &body, attachment).await;
    let mut tx = begin_write(db, company_id).await?;
    let delivered = match result {
        Ok(status) => {
            let done = outbox::mark_delivered(&mut tx, id, status).await?;
            if let (Some(invoice_id), true) = (invoice_id, done) {
                let via = if status == "sent" { "smtp" } else { "outbox" };
                invoice_events::append(&mut tx, company_id, invoice_id, kind::SENT, json!({ "to": to, "via": via, "message_id": id }))
                    .await?;
            }
            true
        }
        Err(e) => {
            tracing::warn!(message_id = id, error = %e, "e-mail not delivered");
            let status = outbox::record_failure(&mut tx, id, &e.to_string(), MAX_ATTEMPTS).await?;
            if let (Some(invoice_id), "failed") = (invoice_id, status.as_str()) {
                invoice_events::append(&mut tx, company_id, invoice_id, kind::SEND_FAILED, json!({ "to": to, "error": e.to_string() }))
                    .await?;
            }
            false
        }
    };
    tx.commit().await?;
    Ok(delivered)
}

/// The invoice's PDF to attach: `(file name, bytes)`. A document that cannot be made leaves
/// the message without it (and says so in the log) rather than not sending the invoice.
async fn invoice_pdf(db: &Db, company_id: i64, invoice_id: i64) -> Option<(String, Vec<u8>)> {
    let doc = match super::invoicing::documents::current(db, company_id, invoice_id).await {
        Ok(Some(doc)) => doc,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(invoice_id, error = %e, "no PDF for the invoice e-mail");
            return None;
        }
    };
    let name = super::invoicing::documents::file_name(&doc, "pdf");
    match tokio::task::spawn_blocking(move || super::invoicing::pdf::render(&doc)).await {
        Ok(Ok(bytes)) => Some((name, bytes)),
        other => {
            tracing::warn!(invoice_id, ?other, "the invoice PDF could not be made for its e-mail");
            None
        }
    }
}

/// Delivers every queued message (the scheduler calls this each tick). Returns how many left.
pub async fn deliver_queued(db: &Db, mailer: &Mailer) -> Result<usize, sqlx::Error> {
    // In pages of 100 until the queue is empty, each message tried once per run (a failed one
    // waits for the next run), so a large batch of subscription invoices goes out in one run.
    let mut delivered = 0;
    let mut after = 0i64;
    loop {
        let ids = outbox::queued_after(db, after, 100).await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        for id in ids {
            if deliver(db, mailer, id).await? {
                delivered += 1;
            }
        }
    }
    Ok(delivered)
}

/// The invoice e-mail, in the customer's language when we have it (else French).
pub fn invoice_message(
    lang: Lang,
    company: &str,
    number: &str,
    total_cents: i64,
    open_cents: i64,
    due: NaiveDate,
    communication: &str,
) -> (String, String) {
    let t = |m: Msg| m.text(lang);
    let subject = format!("{} {number} · {company}", t(Msg::MailInvoiceSubject));
    let body = format!(
        "{}\n\n{}: {number}\n{}: {}\n{}: {}\n{}: {}\n{}: {communication}\n\n{}\n{company}\n",
        t(Msg::MailInvoiceGreeting),
        t(Msg::InvoiceNumber),
        t(Msg::TotalInclVat),
        format_eur(total_cents),
        t(Msg::OpenAmount),
        format_eur(open_cents),
        t(Msg::DueDate),
        due.format("%d/%m/%Y"),
        t(Msg::StructuredCommunication),
        t(Msg::MailInvoiceClosing),
    );
    (subject, body)
}

/// Queues the invoice e-mail for an issued invoice's customer (inside the caller's transaction).
pub async fn enqueue_invoice(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<i64, AppError> {
    let InvoiceMail {
        number,
        status,
        total_incl_cents: total,
        paid_cents: paid,
        due_date: due,
        structured_communication: communication,
        email,
        language,
        company_name: company,
    } = outbox::invoice_mail(conn, company_id, invoice_id).await?.ok_or(AppError::NotFound)?;
    let Some(number) = number.filter(|_| matches!(status.as_str(), "open" | "paid")) else {
        return Err(AppError::Refused(Msg::ErrNotSendable));
    };
    if email.trim().is_empty() {
        return Err(AppError::Refused(Msg::ErrCustomerHasNoEmail));
    }
    let lang = Lang::parse(&language).unwrap_or(Lang::Fr);
    let open = if status == "open" { total - paid } else { 0 };
    let (subject, body) = invoice_message(lang, &company, &number, total, open, due, &communication);
    Ok(enqueue(conn, company_id, Some(invoice_id), &email, &subject, &body).await?)
}

/// "Send": queue and deliver now. An SMTP failure is reported (the message stays queued and
/// is retried by the scheduler).
pub async fn send_invoice(db: &Db, config: &Config, company_id: i64, invoice_id: i64) -> Result<(), AppError> {
    let mailer = Mailer::from_config(config).map_err(|e| {
        tracing::error!(error = %e, "mailer configuration");
        AppError::Internal
    })?;
    let mut tx = begin_write(db, company_id).await?;
    let id = enqueue_invoice(&mut tx, company_id, invoice_id).await?;
    tx.commit().await?;
    if deliver(db, &mailer, id).await? {
        Ok(())
    } else {
        Err(AppError::Refused(Msg::ErrMailNotDelivered))
    }
}

/// The company's last messages, newest first.
pub use super::repo::outbox::list;
