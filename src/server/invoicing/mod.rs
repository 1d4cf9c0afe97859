//! Invoicing use cases: the legal documents of an issued invoice or credit note.

pub mod pdf;
pub mod ubl;
