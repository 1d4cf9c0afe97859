//! The top bar: brand, main navigation, and the account menu (the user's e-mail).

use super::viewer::{use_t, use_viewer};
use crate::api::auth::{Logout, SetLanguage};
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn TopBar() -> impl IntoView {
    let viewer = use_viewer();
    let t = use_t();
    let location = use_location();
    let nav_link = move |href: &'static str, msg: Msg| {
        let current = move || {
            let path = location.pathname.get();
            let here = if href == "/" { path == "/" } else { path == href || path.starts_with(&format!("{href}/")) };
            here.then_some("page")
        };
        view! { <a href=href aria-current=current>{t(msg)}</a> }
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/logo.svg" alt="" width="28" height="28" />
                <span>"Encaisse"</span>
            </a>
            {match viewer.user {
                Some(user) => view! {
                    <nav class="mainnav" aria-label=t(Msg::MainNavigation)>
                        {nav_link("/", Msg::NavDashboard)}
                        {nav_link("/customers", Msg::NavCustomers)}
                        {nav_link("/invoices", Msg::NavInvoices)}
                        {nav_link("/subscriptions", Msg::NavSubscriptions)}
                    </nav>
                    <AccountMenu email=user.email company=user.company_name />
                }.into_any(),
                None => view! {
                    <div class="topbar-right">
                        <LanguageSwitch />
                    </div>
                }.into_any(),
            }}
        </header>
    }
}

/// A `<details>` menu: opens with a click or the keyboard before any wasm arrives; its island
/// adds what only the browser can do (Escape).
#[component]
fn AccountMenu(email: String, company: String) -> impl IntoView {
    let t = use_t();
    let logout = ServerAction::<Logout>::new();
    view! {
        <details class="account-menu">
            <summary role="button" aria-haspopup="true">
                <span class="avatar" aria-hidden="true">{email.chars().next().map(|c| c.to_uppercase().to_string())}</span>
                <span class="email">{email.clone()}</span>
            </summary>
            <div class="menu" aria-label=t(Msg::AccountMenu)>
                <p class="menu-company">{company}</p>
                <a class="menu-item" href="/settings/company">{t(Msg::CompanyDetails)}</a>
                <a class="menu-item" href="/settings/connections">{t(Msg::ApplicationsConnections)}</a>
                <a class="menu-item" href="/outbox">{t(Msg::Outbox)}</a>
                <LanguageSwitch />
                <ActionForm action=logout attr:class="menu-form">
                    <button type="submit" class="menu-item">{t(Msg::LogOut)}</button>
                </ActionForm>
            </div>
        </details>
        <MenuKeys />
    }
}

/// Escape closes the open account menu and gives the focus back to its button.
#[island]
fn MenuKeys() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{HtmlDetailsElement, HtmlElement};
        let _ = window_event_listener(leptos::ev::keydown, |ev| {
            if ev.key() != "Escape" {
                return;
            }
            let Some(menu) = document().query_selector("details.account-menu[open]").ok().flatten() else { return };
            let Ok(menu) = menu.dyn_into::<HtmlDetailsElement>() else { return };
            menu.set_open(false);
            if let Some(summary) = menu.query_selector("summary").ok().flatten().and_then(|s| s.dyn_into::<HtmlElement>().ok()) {
                let _ = summary.focus();
            }
        });
    });
}

/// EN / FR / NL, remembered for the user (or in a cookie before logging in).
#[component]
fn LanguageSwitch() -> impl IntoView {
    let viewer = use_viewer();
    let t = use_t();
    let set_language = ServerAction::<SetLanguage>::new();
    let location = use_location();
    let next = move || super::components::here(&location);
    view! {
        <ActionForm action=set_language attr:class="lang-switch">
            <fieldset>
                <legend class="visually-hidden">{t(Msg::Language)}</legend>
                <input type="hidden" name="next" value=next />
                {Lang::ALL.into_iter().map(|lang| {
                    let label = match lang { Lang::En => "English", Lang::Fr => "Français", Lang::Nl => "Nederlands" };
                    view! {
                        // The name read out starts with the visible letters ("FR Français").
                        <button
                            type="submit"
                            name="lang"
                            value=lang.code()
                            title=label
                            aria-pressed=if lang == viewer.lang { "true" } else { "false" }
                        >{lang.code().to_uppercase()}<span class="visually-hidden" lang=lang.code()>" "{label}</span></button>
                    }
                }).collect_view()}
            </fieldset>
        </ActionForm>
    }
}
