//! The Twikey configuration form: API key, contracts, pre-notification, callback URL.

use crate::api::twikey::{get_twikey_settings, SaveTwikeySettings, TemplateView, TestTwikeyConnection, TwikeySettingsView, TwikeyTemplates};
use crate::app::components::{form_error, field_error, ClientGate, FormError, LoadError, Loading, NeedsJavaScript, Protected};
use crate::app::viewer::{use_t, use_viewer};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TwikeyConfigPage() -> impl IntoView {
    view! { <Protected><TwikeyConfig /></Protected> }
}

#[component]
fn TwikeyConfig() -> impl IntoView {
    let t = use_t();
    let settings = Resource::new(|| (), |_| get_twikey_settings());
    view! {
        <Title text=t(Msg::TwikeyConfigTitle) />
        <section class="page narrow">
            <header class="page-header">
                <div>
                    <p class="breadcrumb"><a href="/settings/connections">{t(Msg::ConnectionsTitle)}</a></p>
                    <h1>{t(Msg::TwikeyConfigTitle)}</h1>
                    <p class="lead">{t(Msg::TwikeyConfigLead)}</p>
                </div>
            </header>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! { <NeedsJavaScript /> <ConfigForm settings=s /> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Tests the connection and offers the account's templates as the key is typed: an island.
#[island]
fn ConfigForm(settings: TwikeySettingsView) -> impl IntoView {
    let t = use_t();
    let save = ServerAction::<SaveTwikeySettings>::new();
    let lang = use_viewer().lang;
    let error = form_error(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let templates = ServerAction::<TwikeyTemplates>::new();
    let test = ServerAction::<TestTwikeyConnection>::new();
    let api_key_input = NodeRef::<leptos::html::Input>::new();
    let typed_key = move || api_key_input.get_untracked().map(|i| i.value()).unwrap_or_default();
    let private_key_input = NodeRef::<leptos::html::Input>::new();
    let typed_private_key = move || private_key_input.get_untracked().map(|i| i.value()).unwrap_or_default();
    // What is stored, shown masked: read again once a save went through (the keys typed are
    // then cleared, as a new page would show them).
    let stored = RwSignal::new((settings.api_key_masked.clone(), settings.private_key_set));
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            leptos::task::spawn_local(async move {
                if let Ok(now) = get_twikey_settings().await {
                    stored.set((now.api_key_masked, now.private_key_set));
                    for input in [api_key_input.get_untracked(), private_key_input.get_untracked()].into_iter().flatten() {
                        input.set_value("");
                    }
                }
            });
        }
    });
    // With a stored key, offer its templates at once; a newly typed key fetches its own.
    if settings.api_key_masked.is_some() {
        Effect::new(move |_| {
            templates.dispatch(TwikeyTemplates { api_key: String::new(), private_key: String::new() });
        });
    }
    let template_list = move || templates.value().get().and_then(|r| r.ok()).unwrap_or_default();
    let callback_url = settings.callback_url.clone();
    let copied = RwSignal::new(false);
    let copy = {
        let url = callback_url.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(window) = leptos::web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&url);
                copied.set(true);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &url;
        }
    };
    let ct_value = |ct: Option<i64>| ct.map(|c| c.to_string()).unwrap_or_default();
    // The form's fields as the server function's arguments (read here rather than by
    // `ActionForm`, which would ship a query-string decoder to the browser for this one form).
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok()) else { return };
            let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else { return };
            let field = |name: &str| data.get(name).as_string();
            save.dispatch(SaveTwikeySettings {
                api_key: field("api_key").unwrap_or_default(),
                b2c_ct: field("b2c_ct").unwrap_or_default(),
                b2b_ct: field("b2b_ct").unwrap_or_default(),
                prenotify: field("prenotify"),
                retry_enabled: field("retry_enabled"),
                retry_after_days: field("retry_after_days"),
                retry_max: field("retry_max"),
                private_key: field("private_key").unwrap_or_default(),
                sending: field("sending"),
            });
        }
    };
    view! {
        <ClientGate>
        <FormError error />
        <Show when=saved>
            <div class="banner banner-ok" role="status">{t(Msg::TwikeySaved)}</div>
        </Show>
        <form class="card form" autocomplete="off" method="post" action={<SaveTwikeySettings as leptos::server_fn::ServerFn>::PATH} on:submit=submit>
            <div class="field">
                <label for="api_key">{t(Msg::ApiKey)}</label>
                <input
                    id="api_key"
                    name="api_key"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    node_ref=api_key_input
                    placeholder=move || stored.get().0.unwrap_or_default()
                    aria-describedby="api_key-help"
                    on:change=move |_| {
                        let key = typed_key();
                        if !key.trim().is_empty() {
                            templates.dispatch(TwikeyTemplates { api_key: key, private_key: typed_private_key() });
                        }
                    }
                />
                <p class="help" id="api_key-help">
                    {t(Msg::ApiKeyHelp)}
                    {move || stored.get().0.map(|m| view! { " " {t(Msg::ApiKeyStored)}" " <span class="mono">{m}</span> })}
                </p>
                <p class="field-error" role="alert">{move || field_error(error, "api_key").get().map(t)}</p>
            </div>
            <div class="field">
                <label for="private_key">{t(Msg::PrivateKey)}</label>
                <input id="private_key" name="private_key" type="password" autocomplete="off" spellcheck="false"
                    node_ref=private_key_input aria-describedby="private_key-help"
                    placeholder=move || stored.get().1.then(|| "••••••••".to_string()).unwrap_or_default() />
                <p class="help" id="private_key-help">{t(Msg::PrivateKeyHelp)}</p>
                <p class="field-error" role="alert">{move || field_error(error, "private_key").get().map(t)}</p>
            </div>
            <datalist id="twikey-templates">
                {move || template_list().into_iter().map(|tpl| view! {
                    <option value=tpl.id.to_string()>{format!("{} ({})", tpl.name, tpl.kind)}</option>
                }).collect_view()}
            </datalist>
            <div class="grid-2">
                <ContractField label=Msg::B2cContract help=Msg::B2cContractHelp name="b2c_ct" value=ct_value(settings.b2c_ct) error=field_error(error, "b2c_ct") />
                <ContractField label=Msg::B2bContract help=Msg::B2bContractHelp name="b2b_ct" value=ct_value(settings.b2b_ct) error=field_error(error, "b2b_ct") />
            </div>
            <Show when=move || !template_list().is_empty()>
                <TemplateTable templates=Signal::derive(template_list) />
            </Show>
            <div class="field checkbox-field">
                <label class="switch-label" for="prenotify">
                    <input id="prenotify" name="prenotify" type="checkbox" role="switch" value="on" checked=settings.prenotify aria-describedby="prenotify-help" />
                    {t(Msg::NotifyBeforeCollection)}
                </label>
                <p class="help" id="prenotify-help">{t(Msg::NotifyBeforeCollectionHelp)}</p>
            </div>
            <fieldset class="sending-settings" aria-describedby="sending-help">
                <legend>{t(Msg::SendingTitle)}</legend>
                <label class="radio-label" for="sending-encaisse">
                    <input id="sending-encaisse" name="sending" type="radio" value="encaisse" checked=settings.batch_sending />
                    {t(Msg::SendingByEncaisse)}
                </label>
                <label class="radio-label" for="sending-profile">
                    <input id="sending-profile" name="sending" type="radio" value="profile" checked=!settings.batch_sending />
                    {t(Msg::SendingByProfile)}
                </label>
                <p class="help" id="sending-help">{t(Msg::SendingHelp)}</p>
            </fieldset>
            <fieldset class="retry-settings">
                <div class="field checkbox-field">
                    <label class="switch-label" for="retry_enabled">
                        <input id="retry_enabled" name="retry_enabled" type="checkbox" role="switch" value="on" checked=settings.retry_enabled aria-describedby="retry-help" />
                        {t(Msg::RetryEnabled)}
                    </label>
                    <p class="help" id="retry-help">{t(Msg::RetryHelp)}</p>
                </div>
                <div class="grid-2 retry-numbers">
                    <div class="field">
                        <label for="retry_after_days">{t(Msg::RetryAfterDays)}</label>
                        <input id="retry_after_days" name="retry_after_days" type="number" min="1" max="60" value=settings.retry_after_days />
                        <p class="field-error" role="alert">{move || field_error(error, "retry_after_days").get().map(t)}</p>
                    </div>
                    <div class="field">
                        <label for="retry_max">{t(Msg::RetryMax)}</label>
                        <input id="retry_max" name="retry_max" type="number" min="1" max="5" value=settings.retry_max />
                        <p class="field-error" role="alert">{move || field_error(error, "retry_max").get().map(t)}</p>
                    </div>
                </div>
            </fieldset>
            <div class="field">
                <label for="callback_url">{t(Msg::CallbackUrl)}</label>
                <div class="copy-row">
                    <input id="callback_url" type="text" readonly value=callback_url.clone() aria-describedby="callback-help" class="mono" />
                    <button type="button" class="button" on:click=copy>
                        {move || if copied.get() { t(Msg::Copied) } else { t(Msg::Copy) }}
                    </button>
                </div>
                <p class="help" id="callback-help">{t(Msg::CallbackUrlHelp)}</p>
            </div>
            <div class="form-actions">
                <span class="test-result" role="status">
                    {move || match test.value().get() {
                        Some(Ok(_)) => view! { <span class="good">{t(Msg::ConnectionOk)}</span> }.into_any(),
                        Some(Err(e)) => view! { <span class="bad">{e.describe(lang)}</span> }.into_any(),
                        None => ().into_any(),
                    }}
                </span>
                <button type="button" class="button" disabled=move || test.pending().get()
                    on:click=move |_| { test.dispatch(TestTwikeyConnection { api_key: typed_key(), private_key: typed_private_key() }); }>
                    {move || if test.pending().get() { t(Msg::Testing) } else { t(Msg::TestConnection) }}
                </button>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t(Msg::Saving) } else { t(Msg::Save) }}
                </button>
            </div>
        </form>
        </ClientGate>
    }
}

/// A contract number: typed, or picked from the account's templates (a datalist).
#[component]
fn ContractField(label: Msg, help: Msg, name: &'static str, value: String, error: Signal<Option<Msg>>) -> impl IntoView {
    let t = use_t();
    let help_id = format!("{name}-help");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=name>{t(label)}</label>
            <input id=name name=name type="text" inputmode="numeric" list="twikey-templates" value=value autocomplete="off"
                aria-describedby=help_id.clone() aria-invalid=move || error.get().is_some().then_some("true") />
            <p class="help" id=help_id>{t(help)}</p>
            <p class="field-error" role="alert">{move || error.get().map(t)}</p>
        </div>
    }
}

#[component]
fn TemplateTable(templates: Signal<Vec<TemplateView>>) -> impl IntoView {
    let t = use_t();
    view! {
        <div class="templates">
            <p class="help">{t(Msg::TemplatesAvailable)}</p>
            <ul>
                {move || templates.get().into_iter().map(|tpl| view! {
                    <li><span class="mono">{tpl.id}</span>" · "{tpl.name}" "<span class="tag">{tpl.kind}</span></li>
                }).collect_view()}
            </ul>
        </div>
    }
}
