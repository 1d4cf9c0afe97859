//! Issuing an invoice: its number, its frozen legal document and, for a business reached over
//! Peppol, its e-invoice delivery, all in the issuing transaction (a refusal undoes them all).

use super::{documents, peppol};
use crate::server::Error;
use crate::server::db::{begin_write, Db, Tx};
use crate::server::repo::invoices;

/// After the number is taken (inside the same transaction): the document and its delivery.
pub async fn complete_in(tx: &mut Tx, company_id: i64, invoice_id: i64) -> Result<(), Error> {
    let doc = documents::freeze_in(tx, company_id, invoice_id).await?;
    peppol::queue_in(tx, company_id, invoice_id, None, &doc).await?;
    Ok(())
}

/// Issues a draft in one transaction. Returns the number.
pub async fn issue(db: &Db, company_id: i64, invoice_id: i64) -> Result<String, Error> {
    let mut tx = begin_write(db, company_id).await?;
    let number = invoices::issue_in(&mut tx, company_id, invoice_id).await?;
    complete_in(&mut tx, company_id, invoice_id).await?;
    tx.commit().await?;
    Ok(number)
}
