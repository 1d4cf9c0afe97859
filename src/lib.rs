//! Encaisse: invoicing for Belgian small businesses, collected by SEPA direct debit via Twikey.
//!
//! One package, built twice: `ssr` (the axum server, database, and the Twikey client crate)
//! and `hydrate` (the wasm client). `app`, `api`, `model` and `domain` are shared by both.
// Leptos view types nest deeply; the wasm build of the larger forms needs more than 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
pub mod i18n;
pub mod model;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A server function that redirects (log in, save, switch language) loads the new page in
    // full, so the viewer written into the page by the server is always current.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(location);
        }
    });
    // Pages come from the server; only the islands in them (the account menu, live updates,
    // and the forms built in the browser) start here.
    leptos::mount::hydrate_islands();
    // For `make bench-web` only: Leptos' island script hydrates the islands right after this
    // returns, within one run of microtasks; a task queued now runs once all have started.
    use wasm_bindgen::JsCast;
    let mark = wasm_bindgen::closure::Closure::once_into_js(|| {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback(mark.unchecked_ref());
    }
}
