//! The user interface: the HTML shell, the router and one module per area.

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
                <HydrationScripts options />
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
    live::provide_live_updates(viewer.user.is_some(), viewer.since_ms);
    provide_context(viewer);
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <Stylesheet id="encaisse" href="/pkg/encaisse.css" />
        <Title formatter=|page: String| if page.is_empty() { "Encaisse".to_string() } else { format!("{page} · Encaisse") } />
        <Router>
            <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
            <Gate ready>
            <layout::TopBar />
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
            </Gate>
        </Router>
    }
}

/// Until the client has taken over, controls that need it are disabled (and look it), so a click
/// or a keystroke is never swallowed or wiped; links and the account menu work at once, and so do
/// the pages whose forms the server also answers as plain form posts.
#[component]
fn Gate(ready: RwSignal<bool>, children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let waiting = move || !ready.get() && !works_without_client(&location.pathname.get(), &location.search.get());
    view! {
        <fieldset class="app-gate" disabled=waiting aria-busy=move || if waiting() { "true" } else { "false" }>
            {children()}
        </fieldset>
    }
}

/// Pages with nothing the client must do: every form on them is one the server also answers
/// as a plain form post (`api::back_to_form`, `api::back_to_page`). The others are the forms
/// built in the browser: the invoice editor, the subscription form and the Twikey configuration.
fn works_without_client(path: &str, _query: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    !matches!(
        segments.as_slice(),
        ["invoices", "new"] | ["invoices", _, "edit"] | ["subscriptions", "new"] | ["settings", "connections", "twikey"]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_that_need_the_client_are_the_ones_with_its_forms() {
        for (path, query) in [("/", ""), ("/login", "next=/x"), ("/customers", ""), ("/customers/new", ""), ("/customers/7", ""), ("/customers/7", "tab=twikey"), ("/customers/7", "tab=invoices"), ("/customers/7/edit", ""), ("/invoices", "status=open"), ("/invoices/4", ""), ("/invoices/4/credit", ""), ("/subscriptions", ""), ("/subscriptions/3", ""), ("/outbox", ""), ("/settings/connections", "")] {
            assert!(super::works_without_client(path, query), "{path}?{query}");
        }
        for (path, query) in [("/invoices/new", ""), ("/invoices/new", "customer=3"), ("/invoices/4/edit", ""), ("/subscriptions/new", ""), ("/settings/connections/twikey", "")] {
            assert!(!super::works_without_client(path, query), "{path}?{query}");
        }
    }
}
