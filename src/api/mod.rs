//! Server functions, grouped by area; the types they exchange live in `crate::model`.
//! Every function checks the session and scopes its work to the caller's company
//! (see `server::session::require_user`).

pub mod auth;
pub mod company;
pub mod connections;
pub mod customers;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod error;
pub mod peppol;
pub mod twikey;
pub mod invoices;
pub mod subscriptions;
pub use crate::model::{AppError, FieldError, Problems};
#[cfg(feature = "ssr")]
pub use error::{after_plain_post, back_to_form, back_to_form_as_posted, back_to_page, back_to_page_as_posted, back_to_page_noting, respond, signed_in};
