//! The subscription form: Customer, Frequency, Start date, optional end date, lines,
//! `Send by e-mail` and `Collect with Twikey`; `Save`.

use crate::api::invoices::{editor_data, CustomerChoice};
use crate::api::subscriptions::{SaveSubscription, SubscriptionInput};
use crate::app::components::{form_error, field_error, ClientGate, FormError, LoadError, Loading, NeedsJavaScript, Protected};
use crate::app::invoices::editor::{initial_lines, CustomerSelect, LineState, LinesEditor};
use crate::app::viewer::use_t;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewSubscriptionPage() -> impl IntoView {
    view! { <Protected><NewSubscription /></Protected> }
}

#[component]
fn NewSubscription() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    let preselect = query.read_untracked().get("customer").unwrap_or_default();
    let data = Resource::new(|| (), |_| editor_data());
    view! {
            <Title text=t(Msg::NewSubscription) />
            <section class="page">
                <header class="page-header">
                    <div>
                        <p class="breadcrumb"><a href="/subscriptions">{t(Msg::SubscriptionsTitle)}</a></p>
                        <h1>{t(Msg::NewSubscription)}</h1>
                    </div>
                </header>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || {
                        let preselect = preselect.clone();
                        Suspend::new(async move {
                            match data.await {
                                Err(e) => view! { <LoadError error=e /> }.into_any(),
                                Ok(d) => view! { <NeedsJavaScript /> <SubscriptionForm customers=d.customers customer=preselect start=d.today.to_string() /> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
            </section>
    }
}

/// Built in the browser (lines added and removed, totals as typed): an island.
#[island]
fn SubscriptionForm(customers: Vec<CustomerChoice>, customer: String, start: String) -> impl IntoView {
    let t = use_t();
    let save = ServerAction::<SaveSubscription>::new();
    let error = form_error(save);
    let fe = move |f: &'static str| field_error(error, f);
    let customer = RwSignal::new(customer);
    let frequency = RwSignal::new("1".to_string());
    let start = RwSignal::new(start);
    let end = RwSignal::new(String::new());
    let term = RwSignal::new("30".to_string());
    let send_email = RwSignal::new(true);
    let twikey = RwSignal::new(false);
    let lines = initial_lines(&[]);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SubscriptionInput {
            customer_id: customer.get_untracked(),
            frequency: frequency.get_untracked(),
            start_date: start.get_untracked(),
            end_date: end.get_untracked(),
            payment_term_days: term.get_untracked(),
            send_email: send_email.get_untracked(),
            collect_with_twikey: twikey.get_untracked(),
            lines: lines.get_untracked().iter().map(LineState::input).collect(),
        };
        save.dispatch(SaveSubscription { input });
    };
    let date_field = move |id: &'static str, label: Msg, value: RwSignal<String>| view! {
        <div class="field" class:has-error=move || fe(id).get().is_some()>
            <label for=id>{t(label)}</label>
            <input id=id type="date" value=value.get_untracked() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            <p class="field-error" role="alert">{move || fe(id).get().map(t)}</p>
        </div>
    };
    view! {
        <ClientGate>
        <FormError error />
        <form class="card form subscription-form" novalidate on:submit=submit>
            <div class="grid-2">
                <CustomerSelect customers selected=customer error=fe("customer_id") />
                <div class="field">
                    <label for="frequency">{t(Msg::Frequency)}</label>
                    <select id="frequency" prop:value=move || frequency.get() on:change=move |ev| frequency.set(event_target_value(&ev))>
                        <option value="1">{t(Msg::Monthly)}</option>
                        <option value="3">{t(Msg::Quarterly)}</option>
                        <option value="12">{t(Msg::Yearly)}</option>
                    </select>
                </div>
            </div>
            <div class="grid-3">
                {date_field("start_date", Msg::StartDate, start)}
                {date_field("end_date", Msg::EndDate, end)}
                <div class="field">
                    <label for="payment_term_days">{t(Msg::PaymentTermDays)}</label>
                    <input id="payment_term_days" type="number" min="0" max="365" value=term.get_untracked() prop:value=move || term.get() on:input=move |ev| term.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{move || fe("payment_term_days").get().map(t)}</p>
                </div>
            </div>
            <LinesEditor lines error />
            <div class="checks">
                <label class="check">
                    <input type="checkbox" id="send_email" checked=send_email.get_untracked() prop:checked=move || send_email.get() on:change=move |ev| send_email.set(event_target_checked(&ev)) />
                    {t(Msg::SendByEmail)}
                </label>
                <label class="check">
                    <input type="checkbox" id="collect_with_twikey" checked=twikey.get_untracked() prop:checked=move || twikey.get() on:change=move |ev| twikey.set(event_target_checked(&ev)) />
                    {t(Msg::CollectWithTwikey)}
                </label>
            </div>
            <div class="form-actions">
                <a class="button ghost" href="/subscriptions">{t(Msg::Cancel)}</a>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t(Msg::Saving) } else { t(Msg::Save) }}
                </button>
            </div>
        </form>
        </ClientGate>
    }
}
