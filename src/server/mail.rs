//! E-mail. Every message is first written to the `outbox` table (in the transaction that
//! decides to send it), then delivered: by SMTP when `SMTP_URL` is configured, otherwise it
//! stays in the outbox with status `stored` and shows on the Outbox page. Nothing is lost:
//! a message that SMTP refuses stays `queued` and is retried by the scheduler, up to
//! [`MAX_ATTEMPTS`], then `failed` (also shown on the Outbox page).

use super::config::Config;
pub use super::repo::outbox::Claimed;
use super::db::{begin_write, now, Db, Tx};
use super::repo::invoice_events::{self, kind};
use super::repo::outbox;
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

/// Takes a queued message for one delivery attempt: of two deliveries of the same message,
/// one gets it.
pub async fn claim(db: &Db, id: i64) -> Result<Option<Claimed>, sqlx::Error> {
    let at = now();
    outbox::claim(db, id, at, at + chrono::Duration::seconds(CLAIM_SECS)).await
}

/// Sends a claimed message (with its attachment, if any); writes the invoice's `sent` event
/// when it leaves (or is stored). Returns whether it was delivered.
pub async fn send_claimed(db: &Db, mailer: &Mailer, id: i64, claimed: Claimed, attachment: Option<(String, Vec<u8>)>) -> Result<bool, sqlx::Error> {
    let Claimed { company_id, invoice_id, to_email: to, subject, body, .. } = claimed;
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

/// Whether messages leave by SMTP (where attachments are worth making).
impl Mailer {
    pub fn sends(&self) -> bool {
        matches!(self, Mailer::Smtp { .. })
    }
}

/// The ids of queued messages after `after`, in pages.
pub use super::repo::outbox::queued_after;

/// The company's last messages, newest first.
pub use super::repo::outbox::list;
