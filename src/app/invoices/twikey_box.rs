//! The Twikey box under an invoice's timeline: why a collection can or cannot start, the
//! `Start new collection` button, and every collection of the invoice with its outcome.

use crate::api::twikey::{invoice_twikey, CannotCollect, CollectionView, StartCollection};
use crate::app::components::{form_error, FormError};
use crate::app::viewer::{use_t, use_viewer};
use crate::domain::money::format_eur;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn TwikeyBox(invoice_id: i64) -> impl IntoView {
    let t = use_t();
    let start = ServerAction::<StartCollection>::new();
    let data = Resource::new(|| (), move |_| invoice_twikey(invoice_id));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) if d.enabled && (d.why_not != Some(CannotCollect::InvoiceNotOpen) || !d.collections.is_empty()) => {
                        let latest = d.collections.first().cloned();
                        view! {
                            <section class="card twikey-box" aria-labelledby="twikey-box-title">
                                <header class="twikey-box-head">
                                    <img src="/twikey.svg" alt="" width="24" height="24" />
                                    <h2 id="twikey-box-title">"Twikey"</h2>
                                    {latest.as_ref().map(|c| view! { <CollectionStatus collection=c.clone() /> })}
                                </header>
                                <FormError error=form_error(start) />
                                {match d.why_not {
                                    None => view! {
                                        <p>{t(Msg::CanCollect)}" "<span class="muted mono">{d.mandate_reference.clone()}</span></p>
                                        <ActionForm action=start attr:class="collect-form">
                                            <input type="hidden" name="invoice_id" value=invoice_id />
                                            <button type="submit" class="button primary">
                                                {t(Msg::StartCollection)}
                                            </button>
                                            <span class="collect-amount">{format_eur(d.open_cents)}</span>
                                        </ActionForm>
                                    }.into_any(),
                                    Some(why @ (CannotCollect::NoSignedMandate | CannotCollect::MandatePendingBank)) => view! {
                                        <p class="why-not">{t(why.message())}" "
                                            <a href=format!("/customers/{}?tab=twikey", d.customer_id)>{t(Msg::OpenCustomerTwikeyTab)}</a>
                                        </p>
                                    }.into_any(),
                                    Some(why) => view! { <p class="why-not">{t(why.message())}</p> }.into_any(),
                                }}
                                {(!d.collections.is_empty()).then(|| view! {
                                    <h3>{t(Msg::Collections)}</h3>
                                    <ul class="collections">
                                        {d.collections.into_iter().map(|c| view! { <CollectionRow collection=c /> }).collect_view()}
                                    </ul>
                                })}
                            </section>
                        }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

fn state_label(c: &CollectionView) -> Msg {
    if c.will_retry {
        return Msg::CollectionFailedWillRetry;
    }
    match c.state.as_str() {
        "requested" => Msg::CollectionRequested,
        "open" => Msg::CollectionOpen,
        "paid" => Msg::CollectionPaid,
        _ if c.reversed => Msg::CollectionReversed,
        _ => Msg::CollectionFailed,
    }
}

/// The latest collection's state (`data-testid="collection-status"`, `data-state`). A failure
/// Twikey will offer to the bank again shows as `failed` with `data-final="false"`.
#[component]
fn CollectionStatus(collection: CollectionView) -> impl IntoView {
    let t = use_t();
    let shown = if collection.will_retry { "failed".to_string() } else { collection.state.clone() };
    view! {
        <span class=format!("collection-pill state-{shown}") data-testid="collection-status" data-state=shown
            data-final=(!collection.will_retry).to_string() role="status">
            {t(state_label(&collection))}
        </span>
    }
}

#[component]
fn CollectionRow(collection: CollectionView) -> impl IntoView {
    let t = use_t();
    let lang = use_viewer().lang;
    let c = collection;
    let reason = c.reason_code.as_ref().map(|code| crate::domain::sepa::describe(code, c.reason_message.as_deref(), lang));
    view! {
        <li class=format!("collection state-{}", if c.will_retry { "failed" } else { c.state.as_str() })>
            <span class="mono">{c.reference.clone()}</span>
            <span>{format_eur(c.amount_cents)}</span>
            <span class="collection-state">{t(state_label(&c))}</span>
            <span class="muted">{c.created_at.clone()}</span>
            {c.collection_date.map(|d| view! {
                <span class="muted">{t(Msg::CollectionDate)}": "{d.format("%d/%m/%Y").to_string()}
                    {c.prenotify.then(|| view! { " ("{t(Msg::Prenotified)}")" })}
                </span>
            })}
            {reason.map(|r| view! { <span class="collection-reason">{r}</span> })}
            {c.retry_at.clone().map(|at| view! { <span class="muted">{t(Msg::RetryPlanned)}": "{at}</span> })}
        </li>
    }
}
