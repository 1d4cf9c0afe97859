//! Plain types and rules shared by the server and the browser.

pub mod customer;
pub mod mandate;
pub mod sepa;
pub mod time;
pub mod validation;
