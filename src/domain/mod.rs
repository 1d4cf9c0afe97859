//! Plain types and rules shared by the server and the browser.

pub mod collection;
pub mod customer;
pub mod document;
pub mod epc_qr;
pub mod mandate;
pub mod sepa;
pub mod time;
pub mod invoice;
pub mod money;
pub mod schedule;
pub mod structured_communication;
pub mod validation;
