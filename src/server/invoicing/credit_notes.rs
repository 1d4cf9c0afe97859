//! Credit notes: the only way to correct an issued invoice (Belgian law). In full or in part
//! (chosen lines and quantities), numbered in their own gapless series, frozen as a document
//! like the invoice. What is still due goes down by the credit; money already collected is
//! refunded by the company (the credit note says so). A Twikey collection still running is
//! cancelled in Twikey first, or the credit note is refused with the reason.

use super::documents;
use crate::domain::document::{summarise, CreditSettlement, CreditedInvoice, Document, DocumentKind, DocumentLine, Payment};
use crate::domain::invoice::PAYMENT_METHOD_CREDIT_NOTE;
use crate::i18n::Msg;
use crate::server::Error;
use crate::server::db::begin_write;
use crate::server::repo::credit_notes::{self, NewCreditNote};
use crate::server::repo::payments::{self, NewPayment};
use crate::server::repo::{collections, invoice_events, twikey_settings};
use crate::server::AppState;
use chrono::Datelike;
use serde_json::json;
use twikey::TransactionSelector;

/// Which lines of the invoice, and how much of each (thousandths of a unit).
pub struct CreditRequest {
    pub invoice_id: i64,
    /// `(index of the invoice line, quantity)`
    pub lines: Vec<(usize, i64)>,
    /// `(VAT rate, amount excl. VAT)`: a reduction per rate rather than per line.
    pub amounts: Vec<(u8, i64)>,
    /// Needed when money was already paid: how it goes back.
    pub refund: Option<Refund>,
}

/// How money already paid goes back to the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refund {
    /// The company pays it back by bank transfer.
    ByHand,
    /// Twikey refunds it to the account it was collected from (`POST /transaction/refund`).
    ByTwikey,
}

/// Issues the credit note; returns its id and number.
pub async fn create(state: &AppState, company_id: i64, req: &CreditRequest) -> Result<(i64, String), Error> {
    let invoice = documents::current(&state.db, company_id, req.invoice_id).await?.ok_or(Error::NotFound)?;
    if invoice.kind != DocumentKind::Invoice {
        return Err(Error::NotFound);
    }
    let mut lines = Vec::new();
    for &(index, quantity_milli) in &req.lines {
        let Some(line) = invoice.lines.get(index) else {
            return Err(Error::field(&format!("lines[{index}]"), Msg::ErrCreditQuantity));
        };
        if quantity_milli <= 0 {
            continue;
        }
        if quantity_milli > line.quantity_milli {
            return Err(Error::field(&format!("lines[{index}]"), Msg::ErrCreditQuantity));
        }
        let amount_cents = crate::domain::money::div_round_half_away(quantity_milli as i128 * line.unit_price_cents as i128, 1000) as i64;
        lines.push(DocumentLine { quantity_milli, amount_cents, ..line.clone() });
    }
    for &(rate, cents) in &req.amounts {
        // Only a rate the invoice has, and at most its base at that rate.
        let Some(base) = invoice.vat_breakdown.iter().find(|b| b.rate == rate) else {
            return Err(Error::field(&format!("amounts[{rate}]"), Msg::ErrCreditQuantity));
        };
        if cents > base.base_cents {
            return Err(Error::field(&format!("amounts[{rate}]"), Msg::ErrCreditQuantity));
        }
        let description = format!("{} {} ({} {rate} %)", credit_on(invoice.language), invoice.number, vat_word(invoice.language));
        lines.push(DocumentLine {
            description,
            quantity_milli: 1000,
            unit_price_cents: cents,
            vat_rate: rate,
            category: base.category.clone(),
            amount_cents: cents,
        });
    }
    if lines.is_empty() {
        return Err(Error::Refused(Msg::ErrCreditNothing));
    }
    let (vat_breakdown, totals) = summarise(&lines, 0);

    cancel_running_collection(state, company_id, req.invoice_id).await?;

    let mut tx = begin_write(&state.db, company_id).await?;
    let credited = credit_notes::credited_in(&mut tx, company_id, req.invoice_id).await?;
    if credited + totals.incl_vat_cents > invoice.totals.incl_vat_cents {
        return Err(Error::Refused(Msg::ErrCreditTooHigh));
    }
    let open = crate::server::repo::invoices::open_cents_in(&mut tx, company_id, req.invoice_id).await?.unwrap_or(0);
    let lowers = open.min(totals.incl_vat_cents);
    let settlement = if lowers == totals.incl_vat_cents {
        CreditSettlement::LowersAmountDue
    } else {
        match req.refund {
            Some(Refund::ByHand) => CreditSettlement::RefundedByHand,
            Some(Refund::ByTwikey) => {
                // Before anything is written: a refused refund refuses the credit note. The key
                // is the same for a retry of the same request, so Twikey refunds once.
                drop(tx);
                let key = format!("refund-{}-{}-{}", req.invoice_id, credited, totals.incl_vat_cents - lowers);
                refund_through_twikey(state, company_id, req.invoice_id, totals.incl_vat_cents - lowers, &key).await?;
                tx = begin_write(&state.db, company_id).await?;
                CreditSettlement::RefundedByTwikey
            }
            None => return Err(Error::Refused(Msg::ErrCreditRefundChoice)),
        }
    };
    let today = state.today();
    let number = credit_notes::next_number_in(&mut tx, company_id, today.year()).await?;
    let credit = Document {
        kind: DocumentKind::CreditNote,
        number: number.clone(),
        issue_date: today,
        supply_date: None,
        lines,
        vat_breakdown,
        totals: totals.clone(),
        payment: Payment::Transfer,
        credited_invoice: Some(CreditedInvoice { number: invoice.number.clone(), issue_date: invoice.issue_date, settlement: settlement.clone() }),
        ..invoice.clone()
    };
    let json = serde_json::to_string(&credit).map_err(|e| Error::internal(format!("credit note as JSON: {e}")))?;
    let settlement_name = match settlement {
        CreditSettlement::LowersAmountDue => "lowers_amount_due",
        CreditSettlement::RefundedByHand => "refunded_by_hand",
        CreditSettlement::RefundedByTwikey => "refunded_by_twikey",
    };
    let id = credit_notes::insert_in(
        &mut tx,
        company_id,
        &NewCreditNote {
            invoice_id: req.invoice_id,
            number: &number,
            issue_date: today,
            settlement: settlement_name,
            total_excl_cents: totals.excl_vat_cents,
            vat_cents: totals.vat_cents,
            total_incl_cents: totals.incl_vat_cents,
            document: &json,
        },
    )
    .await?;
    if lowers > 0 {
        // What is still due goes down by the credit (recorded like a payment, exactly once).
        let p = NewPayment { paid_on: today, amount_cents: lowers, method: PAYMENT_METHOD_CREDIT_NOTE, external_ref: Some(&number) };
        payments::record(&mut tx, company_id, req.invoice_id, &p).await?;
    }
    // A business reached over Peppol gets it as an e-invoice too, like the invoice.
    super::peppol::queue_in(&mut tx, company_id, req.invoice_id, Some(id), &credit).await?;
    invoice_events::append(
        &mut tx,
        company_id,
        req.invoice_id,
        "credit_note_issued",
        json!({"number": number, "credit_note_id": id, "amount_cents": totals.incl_vat_cents, "settlement": settlement_name,
               "refund_cents": totals.incl_vat_cents - lowers}),
    )
    .await?;
    tx.commit().await?;
    state.live.publish(company_id, "invoices");
    tracing::info!(company_id, invoice_id = req.invoice_id, credit_note_id = id, "credit note issued");
    Ok((id, number))
}

/// "Reduction on invoice", in the document's language.
fn credit_on(lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::Fr => "Réduction sur la facture",
        crate::i18n::Lang::Nl => "Korting op factuur",
        crate::i18n::Lang::En => "Reduction on invoice",
    }
}

fn vat_word(lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::Fr => "TVA",
        crate::i18n::Lang::Nl => "btw",
        crate::i18n::Lang::En => "VAT",
    }
}

/// Refunds `amount_cents` of the invoice's paid direct debit through Twikey. A reused key
/// (409, a retry after a lost answer) means the refund was already asked for.
async fn refund_through_twikey(state: &AppState, company_id: i64, invoice_id: i64, amount_cents: i64, key: &str) -> Result<(), Error> {
    let paid = {
        let mut conn = state.db.begin().await?;
        collections::paid_for_invoice(&mut conn, company_id, invoice_id).await?
    };
    let Some((twikey_id, reference)) = paid else {
        return Err(Error::Refused(Msg::ErrRefundNoDirectDebit));
    };
    let settings = twikey_settings::get(&state.db, company_id).await?;
    let client = state.twikey_client(&settings).map_err(|_| Error::Refused(Msg::ErrRefundNoDirectDebit))?;
    let refund = twikey::RefundRequest {
        id: twikey_id,
        message: crate::domain::sepa::message(&format!("Refund {reference}")),
        amount_cents,
        reference: Some(format!("R-{reference}")),
    };
    match client.refund_transaction(&refund, Some(key)).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_duplicate_request() => Ok(()),
        Err(e) => {
            tracing::warn!(company_id, invoice_id, error = %e, "Twikey refused the refund");
            Err(e.into())
        }
    }
}

/// A collection still running in Twikey would debit the credited amount: cancel it in Twikey
/// while Twikey still allows it (`DELETE /transaction` before it is sent to the bank), else
/// refuse with the reason.
async fn cancel_running_collection(state: &AppState, company_id: i64, invoice_id: i64) -> Result<(), Error> {
    let running = {
        let mut conn = state.db.begin().await?;
        collections::running(&mut conn, company_id, invoice_id).await?
    };
    let Some(c) = running else {
        return Ok(());
    };
    let Some(twikey_id) = c.twikey_id else {
        // Twikey has not confirmed it yet: it cannot be cancelled safely now.
        return Err(Error::Refused(Msg::ErrCreditCollectionRunning));
    };
    let settings = twikey_settings::get(&state.db, company_id).await?;
    let client = state.twikey_client(&settings).map_err(|_| Error::Refused(Msg::ErrCreditCollectionRunning))?;
    match client.delete_transaction(&TransactionSelector::Id(twikey_id)).await {
        Ok(()) => {
            let mut tx = begin_write(&state.db, company_id).await?;
            collections::mark_failed(&mut tx, c.id, "cancelled", Some("Cancelled in Twikey for a credit note"), false, None).await?;
            invoice_events::append(&mut tx, company_id, invoice_id, "collection_cancelled", json!({"reference": c.reference})).await?;
            tx.commit().await?;
            Ok(())
        }
        Err(e) => {
            tracing::info!(company_id, invoice_id, error = %e, "collection could not be cancelled for a credit note");
            Err(Error::Refused(Msg::ErrCreditCollectionRunning))
        }
    }
}
