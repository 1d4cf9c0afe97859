//! The invoice page: status, amounts, lines, payments, actions (issue, send, record a
//! payment, cancel) and the timeline.

use super::timeline::Timeline;
use super::{date, method_msg, StatusBadge};
use crate::api::invoices::{get_invoice, CancelInvoice, InvoiceDetail, IssueInvoice, RecordPayment, SendInvoice};
use crate::app::components::{form_error, field_error, posted_args, query_value, FormError, LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::domain::invoice::{InvoiceStatus, PAYMENT_METHODS};
use crate::domain::money::{cents_input, format_eur, quantity_input};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvoicePage() -> impl IntoView {
    view! { <Protected><InvoiceView /></Protected> }
}

#[component]
fn InvoiceView() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let issue = ServerAction::<IssueInvoice>::new();
    let send = ServerAction::<SendInvoice>::new();
    let pay = ServerAction::<RecordPayment>::new();
    let cancel = ServerAction::<CancelInvoice>::new();
    let detail = Resource::new(id, get_invoice);
    view! {
        // a title from the first byte; the invoice's number replaces it once loaded
        <Title text=t(Msg::InvoicesTitle) />
        <section class="page invoice-page" id="invoice-page" data-live>
            // Issued from the editor without the company details: kept as a draft, and why.
            <FormError error=Signal::derive(move || {
                (query.read().get("refused").as_deref() == Some("company-details"))
                    .then_some(crate::api::AppError::Refused(crate::i18n::Msg::ErrCompanyDetailsMissing))
            }) />
            <FormError error=form_error(issue) />
            <FormError error=form_error(send) />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(d) => view! { <Invoice detail=d issue send pay cancel /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Invoice(
    detail: InvoiceDetail,
    issue: ServerAction<IssueInvoice>,
    send: ServerAction<SendInvoice>,
    pay: ServerAction<RecordPayment>,
    cancel: ServerAction<CancelInvoice>,
) -> impl IntoView {
    let t = use_t();
    let InvoiceDetail { invoice: inv, payments, events, today, credit_notes } = detail;
    let title = inv.number.clone().map(|n| format!("{} {n}", t(Msg::MailInvoiceSubject))).unwrap_or_else(|| t(Msg::StatusDraft).to_string());
    let id = inv.id;
    let status = inv.status;
    view! {
        <Title text=title.clone() />
        <header class="page-header">
            <div>
                <p class="breadcrumb"><a href="/invoices">{t(Msg::InvoicesTitle)}</a></p>
                <h1>{title} " " <StatusBadge status=inv.display_status /></h1>
                <p class="muted">
                    <a href=format!("/customers/{}", inv.customer_id)>{inv.customer_name.clone()}</a>
                    {inv.subscription_id.map(|s| view! { " · " <a href=format!("/subscriptions/{s}")>{t(Msg::Subscription)}</a> })}
                </p>
            </div>
            <div class="header-actions">
                {(status == InvoiceStatus::Draft).then(|| view! {
                    <a class="button" href=format!("/invoices/{id}/edit")>{t(Msg::EditDraft)}</a>
                    <ActionForm action=issue>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button primary">{t(Msg::Issue)}</button>
                    </ActionForm>
                })}
                {matches!(status, InvoiceStatus::Open | InvoiceStatus::Paid).then(|| view! {
                    <a class="button" href=format!("/invoices/{id}/credit")>{t(Msg::CreateCreditNote)}</a>
                })}
                {inv.number.is_some().then(|| view! {
                    <a class="button" href=format!("/invoices/{id}/pdf") download rel="nofollow">{t(Msg::DownloadPdf)}</a>
                    <a class="button" href=format!("/invoices/{id}/ubl") download rel="nofollow">{t(Msg::DownloadUbl)}</a>
                })}
                {matches!(status, InvoiceStatus::Open | InvoiceStatus::Paid).then(|| view! {
                    <ActionForm action=send>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button">{t(Msg::Send)}</button>
                    </ActionForm>
                })}
            </div>
        </header>
        <div class="invoice-grid">
            <div class="card invoice-facts">
                <dl class="details">
                    <div class="dl-row"><dt>{t(Msg::InvoiceNumber)}</dt><dd class="mono" data-testid="invoice-number">{inv.number.clone().unwrap_or_else(|| "—".into())}</dd></div>
                    <div class="dl-row"><dt>{t(Msg::IssueDate)}</dt><dd>{date(inv.issue_date)}</dd></div>
                    <div class="dl-row"><dt>{t(Msg::DueDate)}</dt><dd>{date(inv.due_date)}</dd></div>
                    <div class="dl-row"><dt>{t(Msg::StructuredCommunication)}</dt><dd class="mono" data-testid="structured-communication">{inv.structured_communication.clone()}</dd></div>
                    {(!inv.buyer_reference.is_empty()).then(|| view! { <div class="dl-row"><dt>{t(Msg::YourReference)}</dt><dd>{inv.buyer_reference.clone()}</dd></div> })}
                    {inv.cancel_reason.clone().map(|r| view! { <div class="dl-row"><dt>{t(Msg::CancelReason)}</dt><dd>{r}</dd></div> })}
                </dl>
            </div>
            <div class="card totals" data-testid="invoice-totals">
                <dl>
                    <div class="total-row"><dt>{t(Msg::TotalExclVat)}</dt><dd data-testid="total-excl">{format_eur(inv.totals.excl_vat_cents)}</dd></div>
                    {inv.totals.per_rate.iter().map(|r| view! {
                        <div class="total-row"><dt>{t(Msg::VatAmount)}" "{r.rate}" % ("{format_eur(r.base_cents)}")"</dt><dd>{format_eur(r.vat_cents)}</dd></div>
                    }).collect_view()}
                    <div class="total-row grand"><dt>{t(Msg::TotalInclVat)}</dt><dd data-testid="total-incl">{format_eur(inv.totals.incl_vat_cents)}</dd></div>
                    {(inv.paid_cents > 0).then(|| view! { <div class="total-row"><dt>{t(Msg::Paid)}</dt><dd>{format_eur(inv.paid_cents)}</dd></div> })}
                    {(status == InvoiceStatus::Open).then(|| view! {
                        <div class="total-row open"><dt>{t(Msg::OpenAmount)}</dt><dd data-testid="open-amount">{format_eur(inv.open_cents)}</dd></div>
                    })}
                </dl>
            </div>
        </div>
        <div class="card table-card">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::Description)}</th>
                        <th scope="col" class="num">{t(Msg::Quantity)}</th>
                        <th scope="col" class="num">{t(Msg::UnitPrice)}</th>
                        <th scope="col" class="num">{t(Msg::VatRate)}</th>
                        <th scope="col" class="num">{t(Msg::TotalExclVat)}</th>
                    </tr>
                </thead>
                <tbody>
                    {inv.lines.iter().map(|l| view! {
                        <tr>
                            <td>{l.description.clone()}</td>
                            <td class="num">{quantity_input(l.quantity_milli)}</td>
                            <td class="num">{format_eur(l.unit_price_cents)}</td>
                            <td class="num">{format!("{} %", l.vat_rate)}</td>
                            <td class="num">{format_eur(l.amount_cents())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section class="card payments" aria-labelledby="payments-heading">
            <div class="section-header">
                <h2 id="payments-heading">{t(Msg::Payments)}</h2>
                {(status == InvoiceStatus::Open).then(|| view! { <PaymentForm id open_cents=inv.open_cents today=today.to_string() pay /> })}
            </div>
            {if payments.is_empty() {
                view! { <p class="muted">{t(Msg::NoPayments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="payment-list">
                        {payments.into_iter().map(|p| view! {
                            <li data-testid="payment">
                                <span>{date(p.paid_on)}</span>
                                <span>{method_msg(&p.method).map(|m| t(m).to_string()).unwrap_or(p.method.clone())}</span>
                                <strong>{format_eur(p.amount_cents)}</strong>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!credit_notes.is_empty()).then(|| view! {
            <section class="card credit-notes" aria-labelledby="credit-notes-heading">
                <h2 id="credit-notes-heading">{t(Msg::CreditNotes)}</h2>
                <ul class="payment-list">
                    {credit_notes.into_iter().map(|c| view! {
                        <li data-testid="credit-note">
                            <a class="mono" href=format!("/credit-notes/{}", c.id)>{c.number.clone()}</a>
                            <span>{date(c.issue_date)}</span>
                            <span>{t(match c.settlement.as_str() {
                                "refunded_by_hand" => Msg::SettlementRefundedByHand,
                                "refunded_by_twikey" => Msg::SettlementRefundedByTwikey,
                                _ => Msg::SettlementLowers,
                            })}</span>
                            <strong>{format_eur(-c.total_incl_cents)}</strong>
                            <a href=format!("/credit-notes/{}/pdf", c.id) download rel="nofollow">{t(Msg::DownloadPdf)}</a>
                            <SendCreditNoteButton id=c.id />
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <Timeline events />
        {(status != InvoiceStatus::Draft).then(|| view! { <super::twikey_box::TwikeyBox invoice_id=id /> })}
        {(status == InvoiceStatus::Draft).then(|| view! { <CancelForm id cancel /> })}
    }
}

/// `Send` a credit note by e-mail (with its PDF); says when it went.
#[component]
fn SendCreditNoteButton(id: i64) -> impl IntoView {
    let t = use_t();
    let send = ServerAction::<crate::api::invoices::SendCreditNote>::new();
    // the post came back saying this one went
    let sent = query_value("credit_note_sent") == Some(id.to_string());
    view! {
        <ActionForm action=send attr:class="inline">
            <input type="hidden" name="id" value=id />
            <button type="submit" class="button small">{t(Msg::Send)}</button>
            {sent.then(|| view! { <span class="good" role="status">" "{t(Msg::CreditNoteSent)}</span> })}
            <FormError error=form_error(send) />
        </ActionForm>
    }
}

/// `Record payment`: a disclosure with Amount, Date, Method and `Save` (works before hydration).
#[component]
fn PaymentForm(id: i64, open_cents: i64, today: String, pay: ServerAction<RecordPayment>) -> impl IntoView {
    let t = use_t();
    let error = form_error(pay);
    let fe = move |f: &'static str| field_error(error, f);
    // what a plain form post that came back with an error was sent with (live updates carry
    // over what is being typed: `app::live`)
    let posted = posted_args::<RecordPayment>().map(|p| p.input);
    let amount = posted.as_ref().map(|p| p.amount.clone()).unwrap_or_else(|| cents_input(open_cents));
    let date_value = posted.as_ref().map(|p| p.date.clone()).unwrap_or(today);
    let method = posted.as_ref().map(|p| p.method.clone());
    view! {
        <details class="inline-form" id="record-payment" open=posted.is_some()>
            <summary role="button" class="button primary">{t(Msg::RecordPayment)}</summary>
            <ActionForm action=pay attr:class="form payment-form" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="id" value=id />
                <div class="grid-3">
                    <div class="field" class:has-error=move || fe("amount").get().is_some()>
                        <label for="payment-amount">{t(Msg::Amount)}</label>
                        <input id="payment-amount" name="input[amount]" type="text" inputmode="decimal" value=amount autocomplete="off" />
                        <p class="field-error" role="alert">{move || fe("amount").get().map(t)}</p>
                    </div>
                    <div class="field" class:has-error=move || fe("date").get().is_some()>
                        <label for="payment-date">{t(Msg::Date)}</label>
                        <input id="payment-date" name="input[date]" type="date" value=date_value />
                        <p class="field-error" role="alert">{move || fe("date").get().map(t)}</p>
                    </div>
                    <div class="field">
                        <label for="payment-method">{t(Msg::Method)}</label>
                        <select id="payment-method" name="input[method]">
                            {PAYMENT_METHODS.into_iter().map(|m| view! {
                                <option value=m selected=method.as_deref() == Some(m)>{method_msg(m).map(t)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary">{t(Msg::Save)}</button>
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn CancelForm(id: i64, cancel: ServerAction<CancelInvoice>) -> impl IntoView {
    let t = use_t();
    let error = form_error(cancel);
    let posted = posted_args::<CancelInvoice>().map(|p| p.reason);
    let open = posted.is_some();
    view! {
        <details class="inline-form danger-zone" id="cancel-invoice" open=open>
            <summary role="button" class="button ghost">{t(Msg::CancelInvoice)}</summary>
            <ActionForm action=cancel attr:class="form">
                <FormError error />
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for="cancel-reason">{t(Msg::CancelReason)}</label>
                    <input id="cancel-reason" name="reason" type="text" required=true autocomplete="off" value=posted.unwrap_or_default() />
                    <p class="field-error" role="alert">{move || field_error(error, "reason").get().map(t)}</p>
                </div>
                <button type="submit" class="button danger">{t(Msg::ConfirmCancel)}</button>
            </ActionForm>
        </details>
    }
}
