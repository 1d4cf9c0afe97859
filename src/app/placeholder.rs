//! Invoices and subscriptions have their place in the navigation from the start; their pages
//! arrive with the invoicing module. Until then they say so plainly.

use super::components::Protected;
use super::viewer::use_t;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn NotYet(title: Msg) -> impl IntoView {
    let t = use_t();
    view! {
        <Title text=t(title) />
        <section class="page">
            <header class="page-header"><h1>{t(title)}</h1></header>
            <div class="empty-state card"><p>{t(Msg::NotYetAvailable)}</p></div>
        </section>
    }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    view! { <Protected><NotYet title=Msg::InvoicesTitle /></Protected> }
}

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    view! { <Protected><NotYet title=Msg::SubscriptionsTitle /></Protected> }
}
