//! Server functions, grouped by area, and the types they exchange with the browser.
//! Every function checks the session and scopes its work to the caller's company
//! (see `server::session::require_user`).

pub mod auth;
pub mod connections;
pub mod customers;
pub mod dashboard;
pub mod twikey;
pub mod invoices;
pub mod subscriptions;
mod error;

pub use error::{AppError, FieldError};
