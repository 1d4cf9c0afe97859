use super::components::{LoadError, Loading, Protected};
use super::viewer::{use_t, use_viewer};
use crate::api::dashboard::dashboard_summary;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <Protected><Dashboard /></Protected> }
}

#[component]
fn Dashboard() -> impl IntoView {
    let t = use_t();
    let viewer = use_viewer();
    let name = viewer.user.map(|u| u.name).unwrap_or_default();
    let summary = Resource::new(|| (), |_| dashboard_summary());
    view! {
        <Title text=t(Msg::DashboardTitle) />
        <section class="page">
            <header class="page-header">
                <h1>{t(Msg::Welcome)}", "{name}</h1>
            </header>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => view! {
                            <div class="stats">
                                <a class="stat card" href="/customers">
                                    <span class="stat-value">{s.customers}</span>
                                    <span class="stat-label">{t(Msg::CustomersCount)}</span>
                                </a>
                            </div>
                            <div class="card">
                                <h2>{t(Msg::GettingStarted)}</h2>
                                <ol class="steps">
                                    <li class:done={s.customers > 0}><a href="/customers/new">{t(Msg::StepAddCustomer)}</a></li>
                                    <li class:done={s.twikey_enabled}><a href="/settings/connections">{t(Msg::StepConnectTwikey)}</a></li>
                                </ol>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
