//! `Create credit note` (`/invoices/{id}/credit`): which lines and quantities to credit, and,
//! when the customer already paid, the confirmation that the company refunds it.

use crate::api::invoices::{get_invoice, CreateCreditNote, InvoiceDetail};
use crate::app::components::{form_error, posted_args, FormError, LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::domain::money::{format_eur, quantity_input};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CreditNotePage() -> impl IntoView {
    view! { <Protected><CreditNote /></Protected> }
}

#[component]
fn CreditNote() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id, get_invoice);
    view! {
        <Title text=t(Msg::CreateCreditNote) />
        <section class="page narrow">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <CreditForm detail=d /> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CreditForm(detail: InvoiceDetail) -> impl IntoView {
    let t = use_t();
    let create = ServerAction::<CreateCreditNote>::new();
    let error = form_error(create);
    let inv = detail.invoice;
    let number = inv.number.clone().unwrap_or_default();
    let paid = inv.paid_cents > 0;
    // what a plain form post that came back with an error was sent with
    let posted = posted_args::<CreateCreditNote>().map(|p| p.input).unwrap_or_default();
    let refund = posted.refund.clone();
    view! {
        <header class="page-header">
            <div>
                <p class="breadcrumb"><a href=format!("/invoices/{}", inv.id)>{format!("{} {number}", t(Msg::MailInvoiceSubject))}</a></p>
                <h1>{t(Msg::CreateCreditNote)}</h1>
                <p class="lead">{t(Msg::CreditNoteLead)}</p>
            </div>
        </header>
        <FormError error />
        <ActionForm action=create attr:class="card form credit-form" attr:novalidate=true>
            <input type="hidden" name="invoice_id" value=inv.id />
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::Description)}</th>
                        <th scope="col" class="num">{t(Msg::Quantity)}</th>
                        <th scope="col" class="num">{t(Msg::UnitPrice)}</th>
                        <th scope="col" class="num">{t(Msg::QuantityToCredit)}</th>
                    </tr>
                </thead>
                <tbody>
                    {inv.lines.iter().enumerate().map(|(i, l)| {
                        let input_id = format!("credit-line-{i}");
                        let typed = posted.lines.get(&i.to_string()).cloned().unwrap_or_default();
                        let name = format!("lines[{i}]");
                        let err = Signal::derive(move || error.get().and_then(|e| e.field_error(&name)));
                        view! {
                            <tr>
                                <td><label for=input_id.clone()>{l.description.clone()}</label></td>
                                <td class="num">{quantity_input(l.quantity_milli)}</td>
                                <td class="num">{format_eur(l.unit_price_cents)}</td>
                                <td class="num">
                                    <input id=input_id type="text" inputmode="decimal" class="qty" name=format!("input[lines][{i}]")
                                        placeholder=quantity_input(l.quantity_milli) autocomplete="off" value=typed
                                        aria-invalid=move || err.get().is_some().then_some("true") />
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <fieldset class="credit-amounts">
                <legend>{t(Msg::CreditAmountsLead)}</legend>
                <div class="grid-3">
                    {inv.totals.per_rate.iter().map(|r| {
                        let id = format!("credit-amount-{}", r.rate);
                        let typed = posted.amounts.get(&r.rate.to_string()).cloned().unwrap_or_default();
                        view! {
                            <div class="field">
                                <label for=id.clone()>{format!("{} {} %", t(Msg::CreditAmountAtRate), r.rate)}</label>
                                <input id=id type="text" inputmode="decimal" name=format!("input[amounts][{}]", r.rate) autocomplete="off" placeholder="0,00" value=typed />
                                <p class="help">{format!("≤ {}", format_eur(r.base_cents))}</p>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            {paid.then(|| view! {
                <fieldset class="kind-choice vat-regime">
                    <legend>{t(Msg::ErrCreditRefundChoice)}</legend>
                    <label class="radio">
                        <input type="radio" name="input[refund]" value="twikey" checked=refund.as_deref() == Some("twikey") />
                        {t(Msg::RefundByTwikey)}
                    </label>
                    <label class="radio">
                        <input type="radio" name="input[refund]" value="hand" checked=refund.as_deref() == Some("hand") />
                        {t(Msg::RefundByHand)}
                    </label>
                </fieldset>
            })}
            <div class="form-actions">
                <a class="button ghost" href=format!("/invoices/{}", inv.id)>{t(Msg::Cancel)}</a>
                <button type="submit" class="button primary">{t(Msg::IssueCreditNote)}</button>
            </div>
        </ActionForm>
    }
}
