//! The scheduler: invoices every subscription period due up to "today", issues the invoice,
//! queues its e-mail when the subscription asks, sends the day's collection batches to the
//! bank (see `batches`), then delivers queued e-mail and deletes expired sessions and
//! forgotten login failures.
//!
//! Exactly once per subscription and period, also across crashes and overlapping runs: each
//! period is one transaction (invoice + number + e-mail + the subscription's move to the next
//! period), guarded by the subscription's `next_period` and by UNIQUE(subscription_id,
//! period_start) on invoices. A run that dies half-way leaves whole periods done or not done;
//! the next run continues from the first period not done.
//!
//! "Today" is injectable ([`RunOptions::as_of`]): `encaisse run-scheduler --as-of 2027-03-01`
//! and the tests run as of any date without waiting.

use super::subscriptions::{invoice_period, Generated};
use crate::server::repo::subscriptions;
use crate::server::AppState;
use crate::server::Error;
use crate::domain::schedule::due_periods;
use chrono::NaiveDate;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub as_of: NaiveDate,
}

impl RunOptions {
    pub fn as_of(as_of: NaiveDate) -> RunOptions {
        RunOptions { as_of }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    pub invoices_created: usize,
    pub emails_delivered: usize,
    /// Collections sent to the bank in the day's batches.
    pub collections_batched: usize,
    pub generated: Vec<Generated>,
}

/// One run as of a date.
pub async fn run_once(state: &AppState, options: &RunOptions) -> Result<RunReport, Error> {
    let db = &state.db;
    let mut report = RunReport::default();
    loop {
        let due = subscriptions::due(db, options.as_of).await?;
        let before = report.invoices_created;
        for sub in &due {
            for (k, _start) in due_periods(sub.start_date, sub.every_months, sub.end_date, sub.next_period, options.as_of) {
                let period = match invoice_period(db, sub, k, options.as_of).await {
                    // The company cannot issue invoices yet (legal details missing): its
                    // periods stay due and are invoiced once it can.
                    Err(Error::Refused(why)) => {
                        tracing::warn!(subscription_id = sub.id, ?why, "subscription period not invoiced");
                        break;
                    }
                    other => other?,
                };
                match period {
                    Some(generated) => {
                        report.invoices_created += 1;
                        after_invoice_generated(state, &generated).await;
                        report.generated.push(generated);
                    }
                    // another run did this period (and so moved on): leave this subscription to it
                    None => break,
                }
            }
        }
        // `due` is limited per query: go on while work was done and more may be due.
        if due.len() < 500 || report.invoices_created == before {
            break;
        }
    }
    // After the invoices: their collections go to the bank in the day's batches.
    for company_id in crate::server::repo::twikey_settings::active_companies(db).await? {
        match crate::server::twikey::batches::send_due(state, company_id, options.as_of).await {
            Ok(n) => report.collections_batched += n,
            Err(e) => tracing::warn!(company_id, error = %e, "collection batches failed"),
        }
    }
    // Issued documents to Peppol receivers (those that are not get their e-mail queued here).
    if let Err(e) = crate::server::invoicing::peppol::deliver_due(state, state.clock.now()).await {
        tracing::warn!(error = ?e, "Peppol deliveries failed");
    }
    report.emails_delivered = super::sending::deliver_queued(db, &state.mailer).await?;
    purge(state).await;
    Ok(report)
}

/// Housekeeping: sessions past their expiry and login failures old enough to be forgotten are
/// deleted (they count for nothing). A failure here is logged; the run's work stands.
async fn purge(state: &AppState) {
    let at = crate::server::db::now();
    match crate::server::repo::sessions::purge_expired(&state.db, at).await {
        Ok(n) if n > 0 => tracing::debug!(sessions = n, "expired sessions deleted"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "expired sessions not deleted"),
    }
    match crate::server::repo::throttle::purge_stale(&state.db, at).await {
        Ok(n) if n > 0 => tracing::debug!(keys = n, "forgotten login failures deleted"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "forgotten login failures not deleted"),
    }
}

/// After a period's invoice is committed (issued, e-mail queued if asked): with "Collect with
/// Twikey", start its collection (or say on the timeline why not).
async fn after_invoice_generated(state: &AppState, generated: &Generated) {
    if generated.collect_with_twikey {
        crate::server::twikey::collections::collect_generated_invoice(state, generated.company_id, generated.invoice_id).await;
    }
    tracing::info!(
        subscription_id = generated.subscription_id,
        invoice_id = generated.invoice_id,
        period_start = %generated.period_start,
        "subscription invoice created"
    );
}

/// Runs the scheduler every `interval_secs` (0: never) in the background.
pub fn spawn(state: AppState, interval_secs: u64) {
    if interval_secs == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(interval_secs));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let today = state.today();
            match run_once(&state, &RunOptions::as_of(today)).await {
                Ok(r) if r.invoices_created > 0 || r.emails_delivered > 0 => {
                    tracing::info!(invoices = r.invoices_created, emails = r.emails_delivered, "scheduler run")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "scheduler run failed"),
            }
        }
    });
}
