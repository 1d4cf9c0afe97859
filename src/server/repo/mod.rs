//! Repositories: one module per aggregate. Every query that touches a company's data takes
//! the caller's `company_id` and filters by it (tenant isolation).

pub mod batches;
pub mod collections;
pub mod companies;
pub mod credit_notes;
pub mod company_details;
pub mod customers;
pub mod documents;
pub mod invoice_events;
pub mod invoices;
pub mod mandates;
pub mod outbox;
pub mod payments;
pub mod peppol;
pub mod sessions;
pub mod subscriptions;
pub mod throttle;
pub mod twikey_settings;
pub mod users;
