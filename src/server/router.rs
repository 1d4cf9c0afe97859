//! The whole HTTP application in one function, so tests drive exactly what users reach.

use super::{security, AppState};
use crate::app::{shell, App};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let routes = routes();
    let context_state = state.clone();
    let provide_state = move || provide_context(context_state.clone());
    let [csp, nosniff, referrer, frames] = security::layers();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/events", get(super::live::events))
        .route("/twikey/webhook/{company_public_id}", get(super::twikey::callback::webhook))
        .route("/invoices/{id}/pdf", get(super::invoicing::download::pdf))
        .route("/invoices/{id}/ubl", get(super::invoicing::download::ubl))
        .route("/credit-notes/{id}/pdf", get(super::invoicing::download::credit_pdf))
        .route("/settings/company/logo", get(super::invoicing::logo::show).post(super::invoicing::logo::upload))
        .route("/credit-notes/{id}/ubl", get(super::invoicing::download::credit_ubl))
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_state, shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::session::resolve_viewer))
        .layer(axum::middleware::from_fn(security::reject_nul))
        .layer(csp)
        .layer(nosniff)
        .layer(referrer)
        .layer(frames)
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        .layer(TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The app's routes, worked out once per process. `generate_route_list` renders the app with
/// Leptos' process-wide "suppress resource loads" flag set (`leptos_server::SuppressResourceLoad`):
/// a resource whose loader is first polled meanwhile, by a page rendering on another thread,
/// waits forever and its streamed page never ends (leptos-rs/leptos#4773). The server builds one
/// router, but the tests build one per app, in parallel with other tests' pages; here every
/// router after the first reuses the list, and waits for it while it is being made.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
