//! Customers: the list, the form (new and edit) and the customer page with its tabs.

pub mod detail;
pub mod form;
pub mod list;
mod twikey_tab;
