//! Encaisse: invoicing for Belgian small businesses, collected by SEPA direct debit via Twikey.
//!
//! One package, built twice: `ssr` (the axum server, database, Twikey client and sandbox)
//! and `hydrate` (the wasm client). `app`, `api` and `domain` are shared by both.

pub mod api;
pub mod app;
pub mod domain;
pub mod i18n;

#[cfg(feature = "ssr")]
pub mod sandbox;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod twikey;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
