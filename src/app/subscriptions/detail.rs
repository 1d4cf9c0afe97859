use super::{frequency_msg, SubscriptionBadge};
use crate::api::subscriptions::{get_subscription, ChangeSubscription};
use crate::app::components::{form_error, FormError, LoadError, Loading, Protected};
use crate::app::invoices::date;
use crate::app::invoices::list::InvoiceTable;
use crate::app::viewer::use_t;
use crate::domain::money::{format_eur, quantity_input};
use crate::domain::schedule::SubscriptionStatus;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SubscriptionPage() -> impl IntoView {
    view! { <Protected><SubscriptionView /></Protected> }
}

#[component]
fn SubscriptionView() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let change = ServerAction::<ChangeSubscription>::new();
    let detail = Resource::new(id, get_subscription);
    view! {
        <section class="page" id="subscription-page" data-live>
            <FormError error=form_error(change) />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(d) => {
                            let s = d.subscription;
                            let action_button = move |action: &'static str, label: Msg| view! {
                                <ActionForm action=change>
                                    <input type="hidden" name="id" value=s.id />
                                    <input type="hidden" name="action" value=action />
                                    <button type="submit" class="button">{t(label)}</button>
                                </ActionForm>
                            };
                            view! {
                                <Title text=format!("{} · {}", t(Msg::Subscription), s.customer_name) />
                                <header class="page-header">
                                    <div>
                                        <p class="breadcrumb"><a href="/subscriptions">{t(Msg::SubscriptionsTitle)}</a></p>
                                        <h1>{t(Msg::Subscription)}" · "{s.customer_name.clone()}" "<SubscriptionBadge status=s.status /></h1>
                                        <p class="muted"><a href=format!("/customers/{}", s.customer_id)>{s.customer_name.clone()}</a></p>
                                    </div>
                                    <div class="header-actions">
                                        {(s.status == SubscriptionStatus::Active).then(|| action_button("pause", Msg::Pause))}
                                        {(s.status == SubscriptionStatus::Paused).then(|| action_button("resume", Msg::Resume))}
                                        {(s.status != SubscriptionStatus::Ended).then(|| action_button("end", Msg::EndSubscription))}
                                    </div>
                                </header>
                                <div class="invoice-grid">
                                    <div class="card">
                                        <dl class="details">
                                            <div class="dl-row"><dt>{t(Msg::NextInvoice)}</dt><dd data-testid="next-invoice-date">{s.next_invoice_date.map(date).unwrap_or_else(|| "—".into())}</dd></div>
                                            <div class="dl-row"><dt>{t(Msg::Frequency)}</dt><dd>{t(frequency_msg(s.every_months))}</dd></div>
                                            <div class="dl-row"><dt>{t(Msg::StartDate)}</dt><dd>{date(s.start_date)}</dd></div>
                                            {s.end_date.map(|e| view! { <div class="dl-row"><dt>{t(Msg::EndDate)}</dt><dd>{date(e)}</dd></div> })}
                                            <div class="dl-row"><dt>{t(Msg::PaymentTermDays)}</dt><dd>{s.payment_term_days}</dd></div>
                                            <div class="dl-row"><dt>{t(Msg::SendByEmail)}</dt><dd>{if s.send_email { "✓" } else { "—" }}</dd></div>
                                            <div class="dl-row"><dt>{t(Msg::CollectWithTwikey)}</dt><dd>{if s.collect_with_twikey { "✓" } else { "—" }}</dd></div>
                                        </dl>
                                    </div>
                                    <div class="card totals">
                                        <dl>
                                            {s.lines.iter().map(|l| view! {
                                                <div class="total-row"><dt>{quantity_input(l.quantity_milli)}" × "{l.description.clone()}" ("{l.vat_rate}" %)"</dt><dd>{format_eur(l.amount_cents())}</dd></div>
                                            }).collect_view()}
                                            <div class="total-row grand"><dt>{t(Msg::TotalInclVat)}</dt><dd>{format_eur(s.totals.incl_vat_cents)}</dd></div>
                                        </dl>
                                    </div>
                                </div>
                                <section aria-labelledby="generated-heading">
                                    <h2 id="generated-heading">{t(Msg::GeneratedInvoices)}</h2>
                                    {if d.invoices.is_empty() {
                                        view! { <p class="muted">{t(Msg::NoGeneratedInvoices)}</p> }.into_any()
                                    } else {
                                        view! { <InvoiceTable rows=d.invoices show_customer=false /> }.into_any()
                                    }}
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
