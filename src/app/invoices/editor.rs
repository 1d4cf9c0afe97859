//! The draft editor: customer, dates, lines with live totals; `Save draft` and `Issue`.
//! The lines editor is shared with the subscription form.
//! Inputs carry their first value as an attribute as well as a property, so the page the server
//! sends shows them before the island has started.

use crate::api::invoices::{editor_data, get_invoice, CustomerChoice, InvoiceInput, LineInput, SaveInvoice};
use crate::api::AppError;
use crate::app::components::{form_error, field_error, ClientGate, FormError, LoadError, Loading, NeedsJavaScript, Protected};
use crate::app::viewer::use_t;
use crate::domain::invoice::{totals, InvoiceStatus, Line, VAT_RATES};
use crate::domain::money::{cents_input, format_eur, parse_cents, parse_quantity, quantity_input};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One editable line.
#[derive(Clone, Copy)]
pub struct LineState {
    pub key: usize,
    pub description: RwSignal<String>,
    pub quantity: RwSignal<String>,
    pub unit_price: RwSignal<String>,
    pub vat_rate: RwSignal<String>,
}

impl LineState {
    pub fn new(key: usize, line: Option<&Line>) -> Self {
        LineState {
            key,
            description: RwSignal::new(line.map(|l| l.description.clone()).unwrap_or_default()),
            quantity: RwSignal::new(line.map(|l| quantity_input(l.quantity_milli)).unwrap_or_else(|| "1".into())),
            unit_price: RwSignal::new(line.map(|l| cents_input(l.unit_price_cents)).unwrap_or_default()),
            vat_rate: RwSignal::new(line.map(|l| l.vat_rate.to_string()).unwrap_or_else(|| "21".into())),
        }
    }
    pub fn input(&self) -> LineInput {
        LineInput {
            description: self.description.get(),
            quantity: self.quantity.get(),
            unit_price: self.unit_price.get(),
            vat_rate: self.vat_rate.get(),
        }
    }
    /// The line as far as it can be read (for the live totals).
    fn parsed(&self) -> Option<Line> {
        Some(Line {
            description: String::new(),
            quantity_milli: parse_quantity(&self.quantity.get())?,
            unit_price_cents: parse_cents(&self.unit_price.get())?,
            vat_rate: self.vat_rate.get().parse().ok()?,
        })
    }
}

pub fn initial_lines(lines: &[Line]) -> RwSignal<Vec<LineState>> {
    let states: Vec<LineState> = if lines.is_empty() {
        vec![LineState::new(0, None)]
    } else {
        lines.iter().enumerate().map(|(i, l)| LineState::new(i, Some(l))).collect()
    };
    RwSignal::new(states)
}

/// The lines with their labels (the first line's labels are the column headers; every line's
/// inputs are labelled, so `Description` names `desc-0`, `desc-1`, …), the `Add line` button
/// and the live totals.
#[component]
pub fn LinesEditor(lines: RwSignal<Vec<LineState>>, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_t();
    let add = move |_| {
        lines.update(|ls| {
            let key = ls.iter().map(|l| l.key + 1).max().unwrap_or(0);
            ls.push(LineState::new(key, None));
        })
    };
    let live = move || totals(&lines.get().iter().filter_map(LineState::parsed).collect::<Vec<_>>());
    view! {
        <fieldset class="lines">
            <legend>{t(Msg::Lines)}</legend>
            <p class="field-error" role="alert">{move || field_error(error, "lines").get().map(t)}</p>
            {move || {
                let all = lines.get();
                let count = all.len();
                all.into_iter().enumerate().map(|(i, l)| {
                    let id = move |kind: &str| format!("{kind}-{i}");
                    let err = move |kind: &'static str| {
                        let name = format!("{kind}-{i}");
                        Signal::derive(move || error.get().and_then(|e| e.field_error(&name)))
                    };
                    let label_class = if i == 0 { "line-label" } else { "line-label visually-hidden" };
                    let (de, qe, pe, ve) = (err("desc"), err("qty"), err("price"), err("vat"));
                    view! {
                        <div class="line-row" data-testid="line-row">
                            <div class="line-cell line-desc" class:has-error=move || de.get().is_some()>
                                <label class=label_class for=id("desc")>{t(Msg::Description)}</label>
                                <input id=id("desc") type="text" autocomplete="off" value=l.description.get_untracked() prop:value=move || l.description.get()
                                    on:input=move |ev| l.description.set(event_target_value(&ev))
                                    aria-invalid=move || de.get().is_some().then_some("true") />
                                <p class="field-error">{move || de.get().map(t)}</p>
                            </div>
                            <div class="line-cell line-qty" class:has-error=move || qe.get().is_some()>
                                <label class=label_class for=id("qty")>{t(Msg::Quantity)}</label>
                                <input id=id("qty") type="text" inputmode="decimal" autocomplete="off" value=l.quantity.get_untracked() prop:value=move || l.quantity.get()
                                    on:input=move |ev| l.quantity.set(event_target_value(&ev))
                                    aria-invalid=move || qe.get().is_some().then_some("true") />
                                <p class="field-error">{move || qe.get().map(t)}</p>
                            </div>
                            <div class="line-cell line-price" class:has-error=move || pe.get().is_some()>
                                <label class=label_class for=id("price")>{t(Msg::UnitPrice)}</label>
                                <input id=id("price") type="text" inputmode="decimal" autocomplete="off" value=l.unit_price.get_untracked() prop:value=move || l.unit_price.get()
                                    on:input=move |ev| l.unit_price.set(event_target_value(&ev))
                                    aria-invalid=move || pe.get().is_some().then_some("true") />
                                <p class="field-error">{move || pe.get().map(t)}</p>
                            </div>
                            <div class="line-cell line-vat" class:has-error=move || ve.get().is_some()>
                                <label class=label_class for=id("vat")>{t(Msg::VatRate)}</label>
                                <select id=id("vat") prop:value=move || l.vat_rate.get() on:change=move |ev| l.vat_rate.set(event_target_value(&ev))>
                                    {VAT_RATES.into_iter().map(|r| view! { <option value=r.to_string() selected=move || l.vat_rate.get() == r.to_string()>{format!("{r} %")}</option> }).collect_view()}
                                </select>
                                <p class="field-error">{move || ve.get().map(t)}</p>
                            </div>
                            <div class="line-cell line-amount">
                                <span class=label_class aria-hidden="true">" "</span>
                                <span class="amount">{move || l.parsed().map(|p| format_eur(p.amount_cents())).unwrap_or_default()}</span>
                            </div>
                            <div class="line-cell line-remove">
                                {(count > 1).then(|| view! {
                                    <button type="button" class="button ghost icon" title=t(Msg::RemoveLine) aria-label=t(Msg::RemoveLine)
                                        on:click=move |_| lines.update(|ls| ls.retain(|x| x.key != l.key))>"×"</button>
                                })}
                            </div>
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" class="button" on:click=add>{t(Msg::AddLine)}</button>
        </fieldset>
        <div class="totals card" data-testid="editor-totals">
            {move || {
                let tt = live();
                view! {
                    <dl>
                        <div class="total-row"><dt>{t(Msg::TotalExclVat)}</dt><dd>{format_eur(tt.excl_vat_cents)}</dd></div>
                        {tt.per_rate.iter().map(|r| view! {
                            <div class="total-row"><dt>{t(Msg::VatAmount)}" "{r.rate}" % ("{format_eur(r.base_cents)}")"</dt><dd>{format_eur(r.vat_cents)}</dd></div>
                        }).collect_view()}
                        <div class="total-row grand"><dt>{t(Msg::TotalInclVat)}</dt><dd>{format_eur(tt.incl_vat_cents)}</dd></div>
                    </dl>
                }
            }}
        </div>
    }
}

/// A `<select>` of the company's customers.
#[component]
pub fn CustomerSelect(customers: Vec<CustomerChoice>, selected: RwSignal<String>, #[prop(into)] error: Signal<Option<Msg>>) -> impl IntoView {
    let t = use_t();
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for="customer_id">{t(Msg::Customer)}<span class="req" aria-hidden="true">" *"</span></label>
            <select id="customer_id" prop:value=move || selected.get() on:change=move |ev| selected.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().then_some("true")>
                <option value="">"—"</option>
                {customers.into_iter().map(|c| {
                    let v = c.id.to_string();
                    let sel = { let v = v.clone(); move || selected.get() == v };
                    view! { <option value=v selected=sel>{c.name}</option> }
                }).collect_view()}
            </select>
            <p class="field-error" role="alert">{move || error.get().map(t)}</p>
        </div>
    }
}

#[component]
pub fn NewInvoicePage() -> impl IntoView {
    let t = use_t();
    view! {
        <Protected>
            <Title text=t(Msg::NewInvoice) />
            <section class="page">
                <header class="page-header"><h1>{t(Msg::NewInvoice)}</h1></header>
                <EditorLoader id=None />
            </section>
        </Protected>
    }
}

#[component]
pub fn EditInvoicePage() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let id = params.read_untracked().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    view! {
        <Protected>
            <Title text=t(Msg::EditDraft) />
            <section class="page">
                <header class="page-header">
                    <div>
                        <p class="breadcrumb"><a href=format!("/invoices/{id}")>{t(Msg::InvoicesTitle)}</a></p>
                        <h1>{t(Msg::EditDraft)}</h1>
                    </div>
                </header>
                <EditorLoader id=Some(id) />
            </section>
        </Protected>
    }
}

#[component]
fn EditorLoader(id: Option<i64>) -> impl IntoView {
    let query = use_query_map();
    let preselect = query.read_untracked().get("customer").unwrap_or_default();
    let data = Resource::new(move || id, move |id| async move {
        let data = editor_data().await?;
        let invoice = match id {
            Some(id) => Some(get_invoice(id).await?.invoice),
            None => None,
        };
        Ok::<_, AppError>((data, invoice))
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let preselect = preselect.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok((_, Some(inv))) if inv.status != InvoiceStatus::Draft => view! { <LoadError error=AppError::Refused(Msg::ErrNotDraft) /> }.into_any(),
                        Ok((data, invoice)) => {
                            let input = match &invoice {
                                Some(inv) => InvoiceInput {
                                    customer_id: inv.customer_id.to_string(),
                                    issue_date: inv.issue_date.to_string(),
                                    payment_term_days: inv.payment_term_days.to_string(),
                                    buyer_reference: inv.buyer_reference.clone(),
                                    lines: Vec::new(),
                                },
                                None => InvoiceInput {
                                    customer_id: preselect,
                                    issue_date: data.today.to_string(),
                                    payment_term_days: "30".into(),
                                    buyer_reference: String::new(),
                                    lines: Vec::new(),
                                },
                            };
                            let lines = invoice.map(|i| i.lines).unwrap_or_default();
                            view! { <NeedsJavaScript /> <InvoiceEditor id customers=data.customers input lines /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The editor is built in the browser (lines added and removed, totals as typed): an island.
#[island]
fn InvoiceEditor(id: Option<i64>, customers: Vec<CustomerChoice>, input: InvoiceInput, lines: Vec<Line>) -> impl IntoView {
    let t = use_t();
    let save = ServerAction::<SaveInvoice>::new();
    let error = form_error(save);
    let customer = RwSignal::new(input.customer_id);
    let issue_date = RwSignal::new(input.issue_date);
    let term = RwSignal::new(input.payment_term_days);
    let buyer_reference = RwSignal::new(input.buyer_reference);
    let lines = initial_lines(&lines);
    let submit = move |issue: bool| {
        let input = InvoiceInput {
            customer_id: customer.get_untracked(),
            issue_date: issue_date.get_untracked(),
            payment_term_days: term.get_untracked(),
            buyer_reference: buyer_reference.get_untracked(),
            lines: lines.get_untracked().iter().map(LineState::input).collect(),
        };
        save.dispatch(SaveInvoice { id, input, issue });
    };
    let fe = move |f: &'static str| field_error(error, f);
    view! {
        <ClientGate>
        <FormError error />
        <form class="card form invoice-editor" novalidate on:submit=move |ev| { ev.prevent_default(); submit(false); }>
            <div class="grid-3">
                <CustomerSelect customers selected=customer error=fe("customer_id") />
                <div class="field" class:has-error=move || fe("issue_date").get().is_some()>
                    <label for="issue_date">{t(Msg::IssueDate)}</label>
                    <input id="issue_date" type="date" value=issue_date.get_untracked() prop:value=move || issue_date.get() on:input=move |ev| issue_date.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{move || fe("issue_date").get().map(t)}</p>
                </div>
                <div class="field" class:has-error=move || fe("payment_term_days").get().is_some()>
                    <label for="payment_term_days">{t(Msg::PaymentTermDays)}</label>
                    <input id="payment_term_days" type="number" min="0" max="365" value=term.get_untracked() prop:value=move || term.get() on:input=move |ev| term.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{move || fe("payment_term_days").get().map(t)}</p>
                </div>
            </div>
            <div class="field" class:has-error=move || fe("buyer_reference").get().is_some()>
                <label for="buyer_reference">{t(Msg::YourReference)}</label>
                <input id="buyer_reference" type="text" autocomplete="off" aria-describedby="buyer_reference-help"
                    value=buyer_reference.get_untracked() prop:value=move || buyer_reference.get() on:input=move |ev| buyer_reference.set(event_target_value(&ev)) />
                <p class="help" id="buyer_reference-help">{t(Msg::YourReferenceHelp)}</p>
                <p class="field-error" role="alert">{move || fe("buyer_reference").get().map(t)}</p>
            </div>
            <LinesEditor lines error />
            <div class="form-actions">
                <a class="button ghost" href=id.map(|id| format!("/invoices/{id}")).unwrap_or_else(|| "/invoices".into())>{t(Msg::Cancel)}</a>
                <button type="submit" class="button" disabled=move || save.pending().get()>{t(Msg::SaveDraft)}</button>
                <button type="button" class="button primary" disabled=move || save.pending().get() on:click=move |_| submit(true)>{t(Msg::Issue)}</button>
            </div>
        </form>
        </ClientGate>
    }
}
