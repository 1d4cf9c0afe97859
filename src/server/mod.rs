//! Everything that runs only on the server: configuration, state, database, sessions,
//! the axum router and background work.

pub mod batches;
pub mod callback;
pub mod cli;
pub mod collect;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod invoicing;
pub mod live;
pub mod mailer;
pub mod password;
pub mod repo;
pub mod router;
pub mod scheduler;
pub mod security;
pub mod seed;
pub mod session;
pub mod state;
pub mod sync;
pub mod telemetry;
pub mod twikey_link;

pub use error::{respond, ServerError};
pub use router::router;
pub use state::AppState;
