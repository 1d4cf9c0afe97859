//! Invoices: list, read, draft editor (save / issue), send, payments, cancel, the outbox.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;
pub use crate::model::invoices::*;

#[server(endpoint = "invoices/list")]
pub async fn list_invoices(#[server(default)] query: InvoiceListQuery) -> Result<InvoicePage, AppError> {
    use crate::server::{repo::invoices, session};
    super::signed_in(|user| async move {
        Ok(invoices::list(&session::state().db, user.company_id, &query, session::state().today()).await?)
    }).await
}

#[server(endpoint = "invoices/get")]
pub async fn get_invoice(id: i64) -> Result<InvoiceDetail, AppError> {
    use crate::server::{repo::{invoice_events, invoices, payments}, session};
    super::signed_in(|user| async move {
        let db = &session::state().db;
        let invoice = invoices::get(db, user.company_id, id, session::state().today()).await?.ok_or(AppError::NotFound)?;
        let credit_notes = crate::server::repo::credit_notes::for_invoice(db, user.company_id, id)
            .await?
            .into_iter()
            .map(|c| CreditNoteView { id: c.id, number: c.number, issue_date: c.issue_date, total_incl_cents: c.total_incl_cents, settlement: c.settlement })
            .collect();
        Ok(InvoiceDetail {
            credit_notes,
            payments: payments::list(db, user.company_id, id).await?,
            events: invoice_events::list(db, user.company_id, id).await?,
            invoice,
            today: session::state().today(),
        })
    }).await
}

/// The customers an invoice can be made out to (not archived), by name.
#[server(endpoint = "invoices/customers")]
pub async fn editor_data() -> Result<EditorChoices, AppError> {
    use crate::server::{repo::invoices, session};
    super::signed_in(|user| async move {
        Ok(EditorChoices {
            customers: invoices::customer_choices(&session::state().db, user.company_id).await?,
            today: session::state().today(),
        })
    }).await
}

/// Creates (no `id`) or updates a draft; with `issue`, also issues it (number assigned) in the
/// same transaction. Returns the invoice id.
#[server(endpoint = "invoices/save")]
pub async fn save_invoice(id: Option<i64>, input: InvoiceInput, issue: bool) -> Result<i64, AppError> {
    use crate::server::{repo::invoices, session};
    super::signed_in(|user| async move {
        let valid = input.validate(session::state().today())?;
        let db = &session::state().db;
        // Saved first: a refused issue (company details missing) keeps what was typed.
        let id = invoices::save_draft(db, user.company_id, id, &valid, false).await?;
        if issue {
            match crate::server::invoicing::issuing::issue(db, user.company_id, id).await {
                // The draft is kept; its page says what is missing, with the link.
                Err(crate::server::Error::Refused(crate::i18n::Msg::ErrCompanyDetailsMissing)) => {
                    leptos_axum::redirect(&format!("/invoices/{id}?refused=company-details"));
                    return Ok(id);
                }
                other => {
                    other?;
                }
            }
        }
        leptos_axum::redirect(&format!("/invoices/{id}"));
        Ok(id)
    }).await
}

/// Issues a saved draft: assigns the next number of its year. Returns the number.
#[server(endpoint = "invoices/issue")]
pub async fn issue_invoice(id: i64) -> Result<String, AppError> {
    use crate::server::session;
    let result = super::signed_in(|user| async move {
        Ok(crate::server::invoicing::issuing::issue(&session::state().db, user.company_id, id).await?)
    }).await;
    // the invoice's own page, without the editor's "refused" note
    super::after_plain_post(&result, &format!("/invoices/{id}"));
    super::back_to_form::<IssueInvoice, _>(result, &[])
}

/// E-mails the invoice to its customer (SMTP, or the outbox when no SMTP is configured).
#[server(endpoint = "invoices/send")]
pub async fn send_invoice(id: i64) -> Result<(), AppError> {
    use crate::server::session;
    let result = super::signed_in(|user| async move {
        let state = session::state();
        crate::server::invoicing::sending::send_invoice(&state.db, &state.mailer, user.company_id, id).await?;
        state.live.publish(user.company_id, "invoices");
        Ok(())
    }).await;
    super::back_to_page::<SendInvoice, _>(result)
}

/// Records a payment made by hand; partial payments are allowed. Returns the open amount left.
#[server(endpoint = "invoices/pay")]
pub async fn record_payment(id: i64, input: PaymentInput) -> Result<i64, AppError> {
    use crate::server::{invoicing::payments, repo::payments::NewPayment, session};
    let posted = RecordPayment { id, input: input.clone() };
    let result = super::signed_in(|user| async move {
        let (amount, date, method) = input.validate(session::state().today())?;
        let new = NewPayment { paid_on: date, amount_cents: amount, method: &method, external_ref: None };
        Ok(payments::record_by_hand(&session::state(), user.company_id, id, &new).await?)
    }).await;
    super::back_to_page_as_posted(result, &posted)
}

/// Cancels an open invoice (it keeps its number); the reason lands on the timeline.
#[server(endpoint = "invoices/cancel")]
pub async fn cancel_invoice(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{repo::invoices, session};
    let posted = CancelInvoice { id, reason: reason.clone() };
    let result = super::signed_in(|user| async move {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::field("reason", Msg::ErrRequired));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::field("reason", Msg::ErrTooLong));
        }
        invoices::cancel(&session::state().db, user.company_id, id, reason).await?;
        session::state().live.publish(user.company_id, "invoices");
        Ok(())
    }).await;
    super::back_to_page_as_posted(result, &posted)
}

/// The last e-mails of the company (newest first).
#[server(endpoint = "outbox/list")]
pub async fn list_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    use crate::server::{mail, session};
    super::signed_in(|user| async move {
        Ok(mail::list(&session::state().db, user.company_id, 200).await?)
    }).await
}

/// `Create credit note`: corrects an issued invoice in full or in part. Returns its id.
#[server(endpoint = "invoices/credit")]
pub async fn create_credit_note(invoice_id: i64, input: CreditNoteInput) -> Result<i64, AppError> {
    use crate::server::invoicing::credit_notes::{create, CreditRequest, Refund};
    use crate::server::session;
    let posted = CreateCreditNote { invoice_id, input: input.clone() };
    let result = super::signed_in(|user| async move {
            let lines = input.validate()?;
            let refund = match input.refund.as_deref() {
                Some("twikey") => Some(Refund::ByTwikey),
                Some("hand") => Some(Refund::ByHand),
                _ => None,
            };
            let amounts = input.amounts()?;
            let request = CreditRequest { invoice_id, lines, amounts, refund };
            let (id, _number) = create(&session::state(), user.company_id, &request).await?;
            leptos_axum::redirect(&format!("/invoices/{invoice_id}"));
            Ok(id)
        }).await;
    super::back_to_form_as_posted(result, &posted)
}

/// Sends a credit note by e-mail (with its PDF) to the invoice's customer.
#[server(endpoint = "invoices/credit/send")]
pub async fn send_credit_note(id: i64) -> Result<(), AppError> {
    use crate::server::session;
    let result = super::signed_in(|user| async move {
            let state = session::state();
            Ok(crate::server::invoicing::sending::send_credit_note(&state.db, &state.mailer, user.company_id, id).await?)
        }).await;
    // the invoice's page then says which credit note went
    super::back_to_page_noting::<SendCreditNote, _>(result, Some(("credit_note_sent", &id.to_string())))
}

/// A credit note's page: its document, the invoice it corrects, its own timeline.
#[server(endpoint = "invoices/credit/get")]
pub async fn get_credit_note(id: i64) -> Result<CreditNoteDetail, AppError> {
    use crate::server::{repo::credit_notes, session};
    super::signed_in(|user| async move {
            let db = &session::state().db;
            let document = crate::server::invoicing::documents::credit_note(db, user.company_id, id).await?.ok_or(AppError::NotFound)?;
            let invoice_id = credit_notes::invoice_of(db, user.company_id, id).await?.ok_or(AppError::NotFound)?;
            let events = credit_notes::events(db, user.company_id, id).await?;
            Ok(CreditNoteDetail { id, document, invoice_id, events })
        }).await
}
