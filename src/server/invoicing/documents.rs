//! The legal document of an issued invoice: built from the invoice, its customer and the
//! company's details, frozen at issue (seller and buyer as they were then), and rendered as a
//! PDF or a Peppol UBL e-invoice on demand. How it is paid is the one thing read at render time:
//! an invoice whose collection started is paid by direct debit, others by transfer.

use crate::domain::document::{
    summarise, Address, Document, DocumentKind, DocumentLine, Logo, Party, Payment, VatCategory,
};
use crate::domain::customer::CustomerKind;
use crate::i18n::{Lang, Msg};
use crate::server::Error;
use crate::server::db::{Db, Tx};
use crate::server::repo::{company_details, documents};

/// Builds the invoice's document and stores it, inside the issuing transaction. Refused when
/// the company's legal details are missing (the law requires them on every invoice) or when a
/// small business under the VAT exemption has a line with VAT.
pub async fn freeze_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<Document, Error> {
    let details = company_details::get_in(tx, company_id).await?.ok_or(Error::Refused(Msg::ErrCompanyDetailsMissing))?;
    let facts = documents::facts_in(tx, company_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let lines = documents::lines_in(tx, company_id, invoice_id).await?;
    let logo = company_details::logo_in(tx, company_id).await?.map(|(mime, bytes)| Logo { mime, bytes });
    if details.small_business && lines.iter().any(|l| l.3 != 0) {
        return Err(Error::Refused(Msg::ErrSmallBusinessVat));
    }
    let doc = build(&details, &facts, &lines, logo);
    let json = serde_json::to_string(&doc).map_err(|e| Error::Document(e.into()))?;
    documents::store_in(tx, company_id, invoice_id, &json).await?;
    Ok(doc)
}

fn build(
    details: &company_details::CompanyDetails,
    facts: &documents::DocumentFacts,
    lines: &[(String, i64, i64, i64, i64)],
    seller_logo: Option<Logo>,
) -> Document {
    let seller = Party {
        name: details.legal_name.clone(),
        address: Address {
            street: details.street.clone(),
            postcode: details.postcode.clone(),
            city: details.city.clone(),
            country: details.country.clone(),
        },
        enterprise_number: Some(details.enterprise_number.clone()),
        vat_number: details.vat_number.clone(),
        email: non_empty(&details.email),
        phone: non_empty(&details.phone),
        website: non_empty(&details.website),
        is_company: true,
    };
    let is_company = CustomerKind::parse(&facts.kind) == Some(CustomerKind::Company);
    let buyer_vat = non_empty(&facts.vat_number);
    let buyer = Party {
        name: if is_company {
            facts.company_name.clone()
        } else {
            format!("{} {}", facts.first_name, facts.last_name).trim().to_string()
        },
        address: Address {
            street: facts.street.clone(),
            postcode: facts.postcode.clone(),
            city: facts.city.clone(),
            country: facts.country.clone(),
        },
        enterprise_number: non_empty(&facts.enterprise_number).or_else(|| buyer_vat.as_ref().filter(|v| v.starts_with("BE")).map(|v| v[2..].to_string())),
        vat_number: buyer_vat,
        email: non_empty(&facts.email),
        phone: non_empty(&facts.phone),
        website: None,
        is_company,
    };
    let lines: Vec<DocumentLine> = lines
        .iter()
        .map(|(description, quantity_milli, unit_price_cents, rate, amount_cents)| DocumentLine {
            description: description.clone(),
            quantity_milli: *quantity_milli,
            unit_price_cents: *unit_price_cents,
            vat_rate: *rate as u8,
            category: if details.small_business {
                VatCategory::SmallBusiness
            } else if *rate == 0 {
                VatCategory::Zero
            } else {
                VatCategory::Standard
            },
            amount_cents: *amount_cents,
        })
        .collect();
    let (vat_breakdown, totals) = summarise(&lines, 0);
    Document {
        kind: DocumentKind::Invoice,
        number: facts.number.clone().unwrap_or_default(),
        issue_date: facts.issue_date,
        supply_date: None,
        due_date: facts.due_date,
        language: Lang::parse(&facts.language).unwrap_or(Lang::Fr),
        seller,
        seller_iban: details.iban.clone(),
        seller_bic: details.bic.clone(),
        seller_logo,
        buyer,
        buyer_reference: non_empty(&facts.buyer_reference),
        lines,
        vat_breakdown,
        totals,
        structured_communication: facts.structured_communication.clone(),
        payment: Payment::Transfer,
        credited_invoice: None,
        footer: non_empty(&details.footer),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The invoice's frozen document with how it is paid now: `None` when the invoice is not the
/// company's or not issued.
pub async fn current(db: &Db, company_id: i64, invoice_id: i64) -> Result<Option<Document>, Error> {
    let json = match documents::get(db, company_id, invoice_id).await? {
        Some(json) => json,
        None => {
            // Issued before documents were frozen: freeze it now, once (long after its issue:
            // not delivered over Peppol now).
            let mut tx = crate::server::db::begin_write(db, company_id).await?;
            let issued = documents::facts_in(&mut tx, company_id, invoice_id).await?.is_some_and(|f| f.number.is_some());
            if !issued {
                return Ok(None);
            }
            let doc = freeze_in(&mut tx, company_id, invoice_id).await?;
            tx.commit().await?;
            serde_json::to_string(&doc).map_err(|e| Error::Document(e.into()))?
        }
    };
    let mut doc: Document = serde_json::from_str(&json).map_err(|e| Error::Document(e.into()))?;
    if let Some((mandate_reference, iban, collection_date)) = documents::direct_debit(db, company_id, invoice_id).await? {
        doc.payment = Payment::DirectDebit { mandate_reference, debtor_iban: iban.unwrap_or_default(), collection_date };
    }
    Ok(Some(doc))
}

/// File names: `2026-0001.pdf`, `2026-0001.xml`.
pub fn file_name(doc: &Document, extension: &str) -> String {
    let safe: String = doc.number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{safe}.{extension}")
}

/// The frozen document of one of the company's credit notes.
pub async fn credit_note(db: &Db, company_id: i64, id: i64) -> Result<Option<Document>, Error> {
    let Some(json) = crate::server::repo::credit_notes::document(db, company_id, id).await? else {
        return Ok(None);
    };
    serde_json::from_str(&json).map(Some).map_err(|e| Error::Document(e.into()))
}

/// The document as a PDF. Rendering is CPU work: it runs off the async threads.
pub async fn render_pdf(doc: Document) -> Result<Vec<u8>, String> {
    match tokio::task::spawn_blocking(move || super::pdf::render(&doc)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("the PDF task failed: {e}")),
    }
}
