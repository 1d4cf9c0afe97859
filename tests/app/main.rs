//! The integration tests: one binary (one link of the app), one module per area. Every test
//! drives `server::router` (or real server processes) on a fresh database, on SQLite or, with
//! `ENCAISSE_TEST_POSTGRES`, on PostgreSQL; helpers in `helpers/`.

mod helpers;

mod accounts;
mod assets;
mod bad_input;
mod credit_notes;
mod customers;
mod dates;
mod documents;
mod invoices;
mod live;
mod multi_instance;
mod peppol_delivery;
mod peppol_documents;
mod plain_forms;
mod reliability;
mod rendering;
mod schema;
mod security;
mod subscriptions;
mod twikey_collections;
mod twikey_mandates;
