//! What pages and server functions exchange, for both builds: the DTOs, the form inputs with
//! their `validate()`, page sizes, and [`AppError`] with its problem codes. A floor under both
//! `api` (server functions) and `server` (which builds these values), so neither has to import
//! the other's layer.

pub mod auth;
pub mod company;
pub mod connections;
pub mod customers;
pub mod dashboard;
pub mod error;
pub mod invoices;
pub mod peppol;
pub mod subscriptions;
pub mod twikey;

pub use error::{AppError, FieldError, Problems};
