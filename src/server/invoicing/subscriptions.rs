//! The step the scheduler repeats: invoice one period of a subscription, in ONE transaction
//! (the invoice, unique per subscription and period; its number and frozen document; its e-mail
//! when asked; the subscription's move to the next period).
//!
//! Two failure points let the crash tests stop the step half-way (the transaction is dropped,
//! so nothing of the period is kept): `subscription-period-after-insert-{company}` and
//! `subscription-period-before-commit-{company}`. They exist only in builds with the `fail`
//! crate's `failpoints` feature (the tests); release builds compile them out.

use crate::domain::invoice::Line;
use crate::domain::schedule::{period_end, period_start};
use crate::model::invoices::ValidInvoice;
use crate::server::db::{begin_write, is_unique_violation, Db};
use crate::server::invoicing::{issuing, sending};
use crate::server::repo::invoices;
use crate::server::repo::subscriptions::{self, Due};
use crate::server::Error;
use chrono::NaiveDate;

/// What invoicing one period produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub subscription_id: i64,
    pub company_id: i64,
    pub invoice_id: i64,
    pub period_start: NaiveDate,
    /// the queued e-mail, when the subscription sends by e-mail
    pub email_id: Option<i64>,
    pub collect_with_twikey: bool,
}

/// Invoices period `k` of a subscription. `Ok(None)` when another run got there first (the
/// period is no longer the next one, or the unique index refused a second invoice).
pub async fn invoice_period(db: &Db, due: &Due, k: u32, as_of: NaiveDate) -> Result<Option<Generated>, Error> {
    let Some(start) = period_start(due.start_date, due.every_months, k) else {
        return Ok(None);
    };
    let end = period_end(due.start_date, due.every_months, k).unwrap_or(start);
    let mut tx = begin_write(db, due.company_id).await?;
    if !subscriptions::period_is_next(&mut tx, due.id, k).await? {
        return Ok(None);
    }
    let period = format!(" ({} – {})", start.format("%d/%m/%Y"), end.format("%d/%m/%Y"));
    let lines: Vec<Line> = subscriptions::lines(&mut tx, due.id)
        .await?
        .into_iter()
        .map(|l| Line { description: format!("{}{period}", l.description), ..l })
        .collect();
    let draft = ValidInvoice {
        customer_id: due.customer_id,
        issue_date: as_of.max(start),
        payment_term_days: due.payment_term_days,
        buyer_reference: String::new(),
        lines,
    };
    let invoice_id = match invoices::insert_draft(&mut tx, due.company_id, &draft, Some((due.id, start))).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(None),
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    fail::fail_point!(&format!("subscription-period-after-insert-{}", due.company_id), |_| Err(Error::internal("failure point after the invoice insert")));
    invoices::issue_in(&mut tx, due.company_id, invoice_id).await?;
    issuing::complete_in(&mut tx, due.company_id, invoice_id).await?;
    let email_id = if due.send_email {
        match sending::enqueue_invoice(&mut tx, due.company_id, invoice_id).await {
            Ok(id) => Some(id),
            // A customer without an e-mail address still gets the invoice; the page shows it unsent.
            Err(Error::Refused(_)) => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let next_start = period_start(due.start_date, due.every_months, k + 1).unwrap_or(start);
    let ended = due.end_date.is_some_and(|e| next_start > e);
    subscriptions::advance(&mut tx, due.id, k, next_start, ended).await?;
    fail::fail_point!(&format!("subscription-period-before-commit-{}", due.company_id), |_| Err(Error::internal("failure point before the commit")));
    tx.commit().await?;
    Ok(Some(Generated {
        subscription_id: due.id,
        company_id: due.company_id,
        invoice_id,
        period_start: start,
        email_id,
        collect_with_twikey: due.collect_with_twikey,
    }))
}
