//! Everything that runs only on the server: configuration, state, database, sessions,
//! the axum router and background work.

pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod invoicing;
pub mod live;
pub mod mail;
pub mod password;
pub mod repo;
pub mod router;
pub mod security;
pub mod seed;
pub mod session;
pub mod state;
pub mod telemetry;
pub mod twikey;

pub use error::Error;
pub use router::router;
pub use state::AppState;
