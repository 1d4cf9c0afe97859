//! The user interface: the HTML shell, the router and one module per area.
//!
//! Pages are rendered on the server (`#[component]`, never shipped to the browser); their links
//! and forms work before and without any wasm (every form the server answers as a plain form
//! post). Only what needs the browser is an `#[island]`, compiled to wasm and hydrated: the
//! account menu's keys (`layout`), live updates (`live`), and the three forms built in the
//! browser — the invoice editor, the subscription form and the Twikey configuration.

mod auth;
mod components;
mod connections;
mod customers;
mod dashboard;
mod invoices;
mod layout;
mod live;
mod settings;
mod subscriptions;
pub mod viewer;

use crate::i18n::Msg;
use components::NotFound;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Pages stream in document order, so each arrives readable (with its data) before and without
/// the client: out-of-order streaming would need JavaScript to put the data in place.
const IN_ORDER: SsrMode = SsrMode::InOrder;

/// The HTML document around the app (rendered on the server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let viewer = viewer::initial();
    let viewer_json = serde_json::to_string(&viewer).unwrap_or_default();
    #[cfg(feature = "ssr")]
    page_csp();
    view! {
        <!DOCTYPE html>
        <html lang=viewer.lang.code() data-viewer=viewer_json>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Sets this page's Content-Security-Policy: only inline scripts with this response's nonce
/// (Leptos puts it on its hydration and streaming scripts) may run.
#[cfg(feature = "ssr")]
fn page_csp() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else { return };
    if let Ok(value) = http::HeaderValue::from_str(&crate::server::security::page_csp(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer = viewer::initial();
    let t = viewer.t();
    let live = viewer.user.is_some().then_some(viewer.since_ms);
    provide_context(viewer);
    view! {
        <Stylesheet id="encaisse" href="/pkg/encaisse.css" />
        <Title formatter=|page: String| if page.is_empty() { "Encaisse".to_string() } else { format!("{page} · Encaisse") } />
        <Router>
            <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
            <layout::TopBar />
            {live.map(|since_ms| view! { <live::LiveUpdates since_ms /> })}
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/signup") view=auth::SignupPage ssr=IN_ORDER />
                    <Route path=path!("/login") view=auth::LoginPage ssr=IN_ORDER />
                    <Route path=path!("/") view=dashboard::DashboardPage ssr=IN_ORDER />
                    <Route path=path!("/customers") view=customers::list::CustomerListPage ssr=IN_ORDER />
                    <Route path=path!("/customers/new") view=customers::form::NewCustomerPage ssr=IN_ORDER />
                    <Route path=path!("/customers/:id") view=customers::detail::CustomerPage ssr=IN_ORDER />
                    <Route path=path!("/customers/:id/edit") view=customers::form::EditCustomerPage ssr=IN_ORDER />
                    <Route path=path!("/invoices") view=invoices::list::InvoiceListPage ssr=IN_ORDER />
                    <Route path=path!("/invoices/new") view=invoices::editor::NewInvoicePage ssr=IN_ORDER />
                    <Route path=path!("/invoices/:id") view=invoices::detail::InvoicePage ssr=IN_ORDER />
                    <Route path=path!("/invoices/:id/edit") view=invoices::editor::EditInvoicePage ssr=IN_ORDER />
                    <Route path=path!("/invoices/:id/credit") view=invoices::credit::CreditNotePage ssr=IN_ORDER />
                    <Route path=path!("/credit-notes/:id") view=invoices::credit_note_page::CreditNotePage ssr=IN_ORDER />
                    <Route path=path!("/outbox") view=invoices::outbox::OutboxPage ssr=IN_ORDER />
                    <Route path=path!("/subscriptions") view=subscriptions::list::SubscriptionListPage ssr=IN_ORDER />
                    <Route path=path!("/subscriptions/new") view=subscriptions::form::NewSubscriptionPage ssr=IN_ORDER />
                    <Route path=path!("/subscriptions/:id") view=subscriptions::detail::SubscriptionPage ssr=IN_ORDER />
                    <Route path=path!("/settings/company") view=settings::company::CompanyDetailsPage ssr=IN_ORDER />
                    <Route path=path!("/settings/connections") view=connections::ConnectionsPage ssr=IN_ORDER />
                    <Route path=path!("/settings/connections/twikey") view=connections::configure::TwikeyConfigPage ssr=IN_ORDER />
                </Routes>
            </main>
        </Router>
    }
}
