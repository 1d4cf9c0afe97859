//! Twikey use cases: the per-company client (`link`), the connection (configuration, login,
//! templates), mandates, the callback, the feed sync, collections and their batches.

pub mod batches;
pub mod callback;
pub mod collections;
pub mod connection;
pub mod link;
pub mod mandates;
pub mod sync;
