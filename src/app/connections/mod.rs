//! Applications & connections: the Twikey card, its switch and the connection's health.

pub mod configure;

use super::components::{form_error, FormError, LoadError, Loading, Protected};
use super::viewer::use_t;
use crate::api::connections::SetTwikeyEnabled;
use crate::api::peppol::peppol_deliveries_health;
use crate::api::twikey::{get_twikey_settings, TwikeyHealth};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    view! { <Protected><Connections /></Protected> }
}

#[component]
fn Connections() -> impl IntoView {
    let t = use_t();
    let toggle = ServerAction::<SetTwikeyEnabled>::new();
    let settings = Resource::new(|| (), |_| get_twikey_settings());
    let error = form_error(toggle);
    view! {
        <Title text=t(Msg::ConnectionsTitle) />
        <section class="page" id="connections" data-live>
            <header class="page-header">
                <div>
                    <h1>{t(Msg::ConnectionsTitle)}</h1>
                    <p class="lead">{t(Msg::ConnectionsLead)}</p>
                </div>
            </header>
            <FormError error />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => {
                            let on = s.enabled;
                            view! {
                                <article class="card connection-card" aria-labelledby="twikey-title">
                                    <img class="connection-logo" src="/twikey.svg" alt="" width="48" height="48" />
                                    <div class="connection-body">
                                        <h2 id="twikey-title">"Twikey"</h2>
                                        <p>{t(Msg::TwikeyCardText)}</p>
                                    </div>
                                    <div class="connection-actions">
                                        <ActionForm action=toggle>
                                            <input type="hidden" name="enabled" value=if on { "false" } else { "true" } />
                                            <button
                                                type="submit"
                                                class="switch"
                                                role="switch"
                                                aria-checked=if on { "true" } else { "false" }
                                                aria-label="Twikey"
                                            >
                                                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                                                <span class="switch-text" aria-hidden="true">{if on { t(Msg::Active) } else { t(Msg::Inactive) }}</span>
                                            </button>
                                        </ActionForm>
                                        <form method="get" action="/settings/connections/twikey">
                                            <button type="submit" class="button">{t(Msg::Configure)}</button>
                                        </form>
                                    </div>
                                    {(on || s.api_key_masked.is_some()).then(|| view! { <Health health=s.health.clone() /> })}
                                </article>
                            }.into_any()
                        }
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Last login, last callback (and whether its signature was valid), last sync and its result.
#[component]
fn Health(health: TwikeyHealth) -> impl IntoView {
    let t = use_t();
    let when = move |at: Option<String>| at.unwrap_or_else(|| t(Msg::Never).to_string());
    let status = |ok: bool| if ok { "ok" } else { "bad" };
    let login_ok = health.last_login_at.is_some() && health.last_login_error.is_none();
    let sync_ok = health.last_sync_at.is_some() && health.last_sync_error.is_none();
    view! {
        <section class="health" aria-labelledby="health-title">
            <h3 id="health-title">{t(Msg::Health)}</h3>
            <dl>
                <div class="dl-row" data-status=status(login_ok)>
                    <dt>{t(Msg::LastLogin)}</dt>
                    <dd>
                        {when(health.last_login_at.clone())}
                        {health.last_login_error.clone().map(|e| view! { " — " <span class="bad">{t(Msg::Failed)}": "{e}</span> })}
                    </dd>
                </div>
                <div class="dl-row" data-status=status(health.last_webhook_valid != Some(false))>
                    <dt>{t(Msg::LastWebhook)}</dt>
                    <dd>
                        {when(health.last_webhook_at.clone())}
                        {health.last_webhook_valid.map(|v| view! {
                            " — " <span class=if v { "good" } else { "bad" }>{t(if v { Msg::SignatureValid } else { Msg::SignatureInvalid })}</span>
                        })}
                        {(health.webhooks_rejected > 0).then(|| view! { " · " {health.webhooks_rejected}" "{t(Msg::RejectedCallbacks)} })}
                        {health.last_test_webhook_at.clone().map(|at| view! { <br /> {t(Msg::TestWebhookReceived)}": "{at} })}
                    </dd>
                </div>
                <div class="dl-row" data-status=status(sync_ok)>
                    <dt>{t(Msg::LastSync)}</dt>
                    <dd>
                        {when(health.last_sync_at.clone())}
                        {health.last_sync_at.is_some().then(|| match health.last_sync_error.clone() {
                            None => view! { " — " <span class="good">{t(Msg::Ok)}</span> }.into_any(),
                            Some(e) => view! { " — " <span class="bad">{t(Msg::Failed)}": "{e}</span> }.into_any(),
                        })}
                    </dd>
                </div>
                <PeppolHealthRow />
            </dl>
        </section>
    }
}

/// Peppol deliveries that failed or wait for a retry (`server::invoicing::peppol`).
#[component]
fn PeppolHealthRow() -> impl IntoView {
    let t = use_t();
    let health = Resource::new(|| (), |_| peppol_deliveries_health());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                health.await.ok().map(|h| view! {
                    <div class="dl-row" data-status=if h.failed == 0 { "ok" } else { "bad" } data-testid="peppol-health">
                        <dt>{t(Msg::PeppolDeliveries)}</dt>
                        <dd>
                            {if h.failed == 0 && h.retrying == 0 {
                                view! { <span class="good">{t(Msg::Ok)}</span> }.into_any()
                            } else {
                                view! {
                                    {(h.failed > 0).then(|| view! { <span class="bad">{format!("{} {}", h.failed, t(Msg::PeppolDeliveriesFailed))}</span> })}
                                    {(h.failed > 0 && h.retrying > 0).then_some(" · ")}
                                    {(h.retrying > 0).then(|| view! { <span>{format!("{} {}", h.retrying, t(Msg::PeppolDeliveriesRetrying))}</span> })}
                                }.into_any()
                            }}
                        </dd>
                    </div>
                })
            })}
        </Suspense>
    }
}
