use super::{frequency_msg, SubscriptionBadge};
use crate::api::subscriptions::list_subscriptions;
use crate::app::components::{LoadError, Loading, Protected};
use crate::app::invoices::date;
use crate::app::viewer::use_t;
use crate::domain::money::format_eur;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SubscriptionListPage() -> impl IntoView {
    view! { <Protected><SubscriptionList /></Protected> }
}

#[component]
fn SubscriptionList() -> impl IntoView {
    let t = use_t();
    let rows = Resource::new(|| (), |_| list_subscriptions());
    view! {
        <Title text=t(Msg::SubscriptionsTitle) />
        <section class="page">
            <header class="page-header">
                <h1>{t(Msg::SubscriptionsTitle)}</h1>
                <crate::app::components::ButtonLink href="/subscriptions/new" label=Msg::NewSubscription />
            </header>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="card empty-state"><p>{t(Msg::SubscriptionsEmpty)}</p></div>
                        }.into_any(),
                        Ok(rows) => view! {
                            <div class="card table-card">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t(Msg::Customer)}</th>
                                            <th scope="col">{t(Msg::Frequency)}</th>
                                            <th scope="col">{t(Msg::Status)}</th>
                                            <th scope="col">{t(Msg::NextInvoice)}</th>
                                            <th scope="col" class="num">{t(Msg::PerInvoice)}</th>
                                            <th scope="col">"Twikey"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|s| view! {
                                            <tr data-testid="subscription-row">
                                                <td><a href=format!("/subscriptions/{}", s.id)>{s.customer_name}</a></td>
                                                <td>{t(frequency_msg(s.every_months))}</td>
                                                <td><SubscriptionBadge status=s.status /></td>
                                                <td>{s.next_invoice_date.map(date).unwrap_or_else(|| "—".into())}</td>
                                                <td class="num">{format_eur(s.total_incl_cents)}</td>
                                                <td>{s.collect_with_twikey.then_some("✓")}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
