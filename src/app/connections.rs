//! Applications & connections: the Twikey card and its switch.

use super::components::{action_error, FormError, LoadError, Loading, Protected};
use super::viewer::use_t;
use crate::api::connections::{get_connections, SetTwikeyEnabled};
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
    let connections = Resource::new(move || toggle.version().get(), |_| get_connections());
    let error = action_error(toggle);
    view! {
        <Title text=t(Msg::ConnectionsTitle) />
        <section class="page">
            <header class="page-header">
                <div>
                    <h1>{t(Msg::ConnectionsTitle)}</h1>
                    <p class="lead">{t(Msg::ConnectionsLead)}</p>
                </div>
            </header>
            <FormError error />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match connections.await {
                        Ok(c) => {
                            let on = c.twikey_enabled;
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
