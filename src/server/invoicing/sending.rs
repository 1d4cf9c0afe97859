//! Sending invoices by e-mail: the message in the customer's language, queued in the
//! transaction that decides it, delivered with the invoice's PDF attached when SMTP sends it.
//! The mailer itself (`server::mail`) only knows messages; this room knows invoices.

use crate::domain::money::format_eur;
use crate::i18n::{Lang, Msg};
use crate::server::Error;
use crate::server::db::{begin_write, Db, Tx};
use crate::server::mail::{self, Mailer};
use crate::server::repo::outbox::{self, InvoiceMail};
use chrono::NaiveDate;

/// Delivers one queued message, with its invoice's PDF when it leaves by SMTP. Returns whether
/// it was delivered.
pub async fn deliver(db: &Db, mailer: &Mailer, id: i64) -> Result<bool, sqlx::Error> {
    let Some(claimed) = mail::claim(db, id).await? else {
        return Ok(false);
    };
    let attachment = match mailer.sends() {
        true => attachment(db, claimed.company_id, claimed.invoice_id, claimed.credit_note_id).await,
        false => None,
    };
    mail::send_claimed(db, mailer, id, claimed, attachment).await
}

/// The PDF to attach to an invoice's or a credit note's e-mail: `(file name, bytes)`. A document
/// that cannot be made leaves the message without it (and says so in the log) rather than not
/// sending it.
async fn attachment(db: &Db, company_id: i64, invoice_id: Option<i64>, credit_note_id: Option<i64>) -> Option<(String, Vec<u8>)> {
    let doc = match (credit_note_id, invoice_id) {
        (Some(id), _) => super::documents::credit_note(db, company_id, id).await,
        (None, Some(id)) => super::documents::current(db, company_id, id).await,
        (None, None) => return None,
    };
    let doc = match doc {
        Ok(Some(doc)) => doc,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(?invoice_id, ?credit_note_id, error = %e, "no PDF for the e-mail");
            return None;
        }
    };
    let name = super::documents::file_name(&doc, "pdf");
    match super::documents::render_pdf(doc).await {
        Ok(bytes) => Some((name, bytes)),
        Err(e) => {
            tracing::warn!(?invoice_id, ?credit_note_id, error = %e, "the PDF could not be made for its e-mail");
            None
        }
    }
}

/// Queues and delivers a credit note's e-mail (with its PDF) to the invoice's customer.
pub async fn send_credit_note(db: &Db, mailer: &Mailer, company_id: i64, credit_note_id: i64) -> Result<(), Error> {
    let mut tx = begin_write(db, company_id).await?;
    let (number, total, invoice_number, email, language, company) =
        outbox::credit_note_mail(&mut tx, company_id, credit_note_id).await?.ok_or(Error::NotFound)?;
    if email.trim().is_empty() {
        return Err(Error::Refused(Msg::ErrCustomerHasNoEmail));
    }
    let lang = Lang::parse(&language).unwrap_or(Lang::Fr);
    let t = |m: Msg| m.text(lang);
    let subject = format!("{} {number} · {company}", t(Msg::MailCreditNoteSubject));
    let body = format!(
        "{}\n\n{}: {number}\n{}: {}\n{}: {}\n\n{}\n{company}\n",
        t(Msg::MailCreditNoteGreeting),
        t(Msg::CreditNoteNumber),
        t(Msg::InvoiceNumber),
        invoice_number.unwrap_or_default(),
        t(Msg::TotalInclVat),
        format_eur(total),
        t(Msg::MailInvoiceClosing),
    );
    let id = mail::enqueue(&mut tx, company_id, None, &email, &subject, &body).await?;
    outbox::set_credit_note(&mut tx, id, credit_note_id).await?;
    tx.commit().await?;
    if deliver(db, mailer, id).await? {
        Ok(())
    } else {
        Err(Error::Refused(Msg::ErrMailNotDelivered))
    }
}

/// Delivers every queued message (the scheduler calls this each tick). Returns how many left.
pub async fn deliver_queued(db: &Db, mailer: &Mailer) -> Result<usize, sqlx::Error> {
    // In pages of 100 until the queue is empty, each message tried once per run (a failed one
    // waits for the next run), so a large batch of subscription invoices goes out in one run.
    let mut delivered = 0;
    let mut after = 0i64;
    loop {
        let ids = mail::queued_after(db, after, 100).await?;
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
pub async fn enqueue_invoice(conn: &mut Tx, company_id: i64, invoice_id: i64) -> Result<i64, Error> {
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
    } = outbox::invoice_mail(conn, company_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let Some(number) = number.filter(|_| matches!(status.as_str(), "open" | "paid")) else {
        return Err(Error::Refused(Msg::ErrNotSendable));
    };
    if email.trim().is_empty() {
        return Err(Error::Refused(Msg::ErrCustomerHasNoEmail));
    }
    let lang = Lang::parse(&language).unwrap_or(Lang::Fr);
    let open = if status == "open" { total - paid } else { 0 };
    let (subject, body) = invoice_message(lang, &company, &number, total, open, due, &communication);
    Ok(mail::enqueue(conn, company_id, Some(invoice_id), &email, &subject, &body).await?)
}

/// "Send": queue and deliver now. An SMTP failure is reported (the message stays queued and
/// is retried by the scheduler).
pub async fn send_invoice(db: &Db, mailer: &Mailer, company_id: i64, invoice_id: i64) -> Result<(), Error> {
    let mut tx = begin_write(db, company_id).await?;
    let id = enqueue_invoice(&mut tx, company_id, invoice_id).await?;
    tx.commit().await?;
    if deliver(db, mailer, id).await? {
        Ok(())
    } else {
        Err(Error::Refused(Msg::ErrMailNotDelivered))
    }
}

