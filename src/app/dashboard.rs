use super::components::{LoadError, Loading, Protected};
use super::viewer::{use_t, use_viewer};
use crate::api::dashboard::dashboard_summary;
use super::invoices::StatusBadge;
use crate::domain::money::format_eur;
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
        <section class="page" id="dashboard" data-live>
            <header class="page-header">
                <h1>{t(Msg::Welcome)}", "{name}</h1>
            </header>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => view! {
                            <div class="stats">
                                <a class="stat card" href="/invoices?status=open" data-testid="dash-open">
                                    <span class="stat-value">{format_eur(s.open_cents)}</span>
                                    <span class="stat-label">{t(Msg::DashOpen)}</span>
                                </a>
                                <a class="stat card" class:stat-alert={s.overdue_cents > 0} href="/invoices?status=overdue" data-testid="dash-overdue">
                                    <span class="stat-value">{format_eur(s.overdue_cents)}</span>
                                    <span class="stat-label">{t(Msg::DashOverdue)}</span>
                                </a>
                                <a class="stat card" href="/invoices?status=paid" data-testid="dash-paid-month">
                                    <span class="stat-value">{format_eur(s.paid_this_month_cents)}</span>
                                    <span class="stat-label">{t(Msg::DashPaidThisMonth)}</span>
                                </a>
                                <a class="stat card" href="/customers">
                                    <span class="stat-value">{s.customers}</span>
                                    <span class="stat-label">{t(Msg::CustomersCount)}</span>
                                </a>
                            </div>
                            <div class="card">
                                <h2>{t(Msg::DashInvoicesByStatus)}</h2>
                                <ul class="status-counts">
                                    {s.invoice_counts.iter().map(|(status, n)| view! {
                                        <li><a href=format!("/invoices?status={}", status.as_str())><StatusBadge status=*status />" "<strong>{*n}</strong></a></li>
                                    }).collect_view()}
                                </ul>
                            </div>
                            <div class="card">
                                <h2>{t(Msg::GettingStarted)}</h2>
                                <ol class="steps">
                                    <li class:done={s.customers > 0}><a href="/customers/new">{t(Msg::StepAddCustomer)}</a></li>
                                    <li class:done={s.invoice_counts.iter().any(|(st, n)| *n > 0 && *st != crate::domain::invoice::DisplayStatus::Draft)}><a href="/invoices/new">{t(Msg::StepCreateInvoice)}</a></li>
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
