//! Small pieces shared by the pages: form fields, error banners, guards.

use super::viewer::{use_t, use_viewer};
use crate::api::AppError;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_location;

/// Renders its children for a signed-in user; sends anyone else to the login page.
#[component]
pub fn Protected(children: ChildrenFn) -> impl IntoView {
    if use_viewer().user.is_some() {
        children().into_any()
    } else {
        let location = use_location();
        let next = untrack(|| here(&location));
        let path = format!("/login?next={}", urlencode(&next));
        // A page request gets a real 302, whatever its Accept header says.
        #[cfg(feature = "ssr")]
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(http::StatusCode::FOUND);
        }
        view! { <Redirect path /> }.into_any()
    }
}

/// The page's path with its query (`location.search` comes without its `?`).
pub fn here(location: &leptos_router::location::Location) -> String {
    let (path, query) = (location.pathname.get(), location.search.get());
    if query.is_empty() { path } else { format!("{path}?{query}") }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A labelled input with its help text and its error, wired for screen readers.
#[component]
pub fn Field(
    label: Msg,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] help: Option<Msg>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] readonly: bool,
    #[prop(into)] error: Signal<Option<Msg>>,
    /// id of the input (defaults to the name)
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let t = use_t();
    let id = id.unwrap_or(name).replace(['[', ']'], "-");
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if help.is_some() {
                ids.push(help_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{t(label)}{required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                required=required
                readonly=readonly
                autocomplete=autocomplete
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            {help.map(|h| view! { <p class="help" id=help_id>{t(h)}</p> })}
            <p class="field-error" id=error_id role="alert">{move || error.get().map(t)}</p>
        </div>
    }
}

/// The error of a form's last submission, as a banner (with field errors shown at the fields).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_viewer().lang;
    view! {
        <Show when=move || error.get().is_some()>
            <div class="banner banner-error" role="alert">
                {move || error.get().map(|e| e.describe(lang))}
                // The one refusal with a place to fix it: a link to it.
                {move || (error.get() == Some(AppError::Refused(Msg::ErrCompanyDetailsMissing))).then(|| view! {
                    " " <a href="/settings/company">{lang.t(Msg::CompanyDetails)}</a>
                })}
            </div>
        </Show>
    }
}

/// The form's error: the action's last one once it has run in the page; before that, the one
/// a plain form post (sent before or without the client) came back with in the address.
pub fn form_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let posted = query_value("__err")
        .filter(|_| query_value("__path").as_deref() == Some(I::PATH))
        .map(|err| ServerFnUrlError::<AppError>::decode_err(&err));
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => posted.clone(),
    })
}

/// The arguments a plain form post of `F` was sent with, when it came back with an error
/// (they are in the address beside the error; see `api::back_to_form_as_posted`).
pub fn posted_args<F>() -> Option<F>
where
    F: leptos::server_fn::ServerFn + serde::de::DeserializeOwned,
{
    if query_value("__path").as_deref() != Some(F::PATH) {
        return None;
    }
    serde_qs::Config::new(5, false).deserialize_str::<F>(&page_query()).ok()
}

/// What was typed in a field before a plain form post came back with an error.
pub fn posted_value(name: &'static str) -> String {
    query_value(name).unwrap_or_default()
}

/// The page's query string (without its `?`): from the request on the server, from the address
/// in the browser. Islands have no router in the browser, so the form helpers read it here.
pub fn page_query() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| parts.uri.query().map(str::to_string)).unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window().and_then(|w| w.location().search().ok()).map(|s| s.trim_start_matches('?').to_string()).unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    String::new()
}

/// One value of the page's query.
pub fn query_value(name: &str) -> Option<String> {
    form_urlencoded::parse(page_query().as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

/// Inside an island: its controls stay disabled (and look it) until the island has started in
/// the browser, so a click or a keystroke is never swallowed or wiped.
#[component]
pub fn ClientGate(children: Children) -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <fieldset class="app-gate" disabled=move || !ready.get() aria-busy=move || if ready.get() { "false" } else { "true" }>
            {children()}
        </fieldset>
    }
}

/// Beside a form island: what a visitor without JavaScript reads instead of a form that stays
/// disabled (rendered by the server, outside the island).
#[component]
pub fn NeedsJavaScript() -> impl IntoView {
    let t = use_t();
    view! { <noscript><p class="banner">{t(Msg::FormNeedsJavaScript)}</p></noscript> }
}

/// The error of one field from an action's last error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<Msg>> {
    Signal::derive(move || error.get().and_then(|e| e.field_error(field)))
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_t();
    view! {
        <leptos_meta::Title text=t(Msg::NotFoundTitle) />
        <section class="page narrow empty-state">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p>{t(Msg::NotFoundText)}</p>
            <a class="button" href="/">{t(Msg::BackToDashboard)}</a>
        </section>
    }
}

/// Shown while a page's data loads.
#[component]
pub fn Loading() -> impl IntoView {
    let t = use_t();
    view! { <p class="loading" role="status">{t(Msg::Loading)}</p> }
}

/// A page-level load error (not found, signed out, server error).
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <NotFound /> }.into_any();
    }
    let lang = use_viewer().lang;
    view! { <div class="banner banner-error" role="alert">{error.describe(lang)}</div> }.into_any()
}

/// A primary action that opens another page, as a real button (a GET form): "New customer",
/// "New invoice"… are buttons for people and for assistive technology alike. `params` become
/// the page's query string.
#[component]
pub fn ButtonLink(
    href: &'static str,
    label: Msg,
    #[prop(optional)] params: Vec<(&'static str, String)>,
    #[prop(default = "button primary")] class: &'static str,
) -> impl IntoView {
    let t = use_t();
    view! {
        <form method="get" action=href class="button-link">
            {params.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <button type="submit" class=class>{t(label)}</button>
        </form>
    }
}
