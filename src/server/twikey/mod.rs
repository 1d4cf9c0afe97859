//! Twikey use cases: the per-company client (`link`), the callback, the feed sync, collections
//! and their batches.

pub mod batches;
pub mod callback;
pub mod collections;
pub mod link;
pub mod sync;
