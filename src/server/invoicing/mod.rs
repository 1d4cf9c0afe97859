//! Invoicing use cases: the legal documents of an issued invoice or credit note (PDF, UBL) and
//! the scheduler that invoices subscriptions.

pub mod credit_notes;
pub mod documents;
pub mod download;
pub mod issuing;
pub mod logo;
pub mod payments;
pub mod pdf;
pub mod peppol;
pub mod scheduler;
pub mod sending;
pub mod subscriptions;
pub mod ubl;
