//! The invoice list (filters, search, totals, pages) and a customer's invoices (customer page tab).

use super::{date, StatusBadge};
use crate::api::invoices::{editor_data, list_invoices, InvoiceListQuery, InvoiceRow};
use crate::app::components::{urlencode, ButtonLink, LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::domain::money::format_eur;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InvoiceListPage() -> impl IntoView {
    view! { <Protected><InvoiceList /></Protected> }
}

fn query_string(q: &InvoiceListQuery) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("status", &q.status), ("customer", &q.customer), ("from", &q.from), ("to", &q.to), ("q", &q.q)] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    if q.page > 1 {
        parts.push(format!("page={}", q.page));
    }
    if parts.is_empty() { "/invoices".into() } else { format!("/invoices?{}", parts.join("&")) }
}

const STATUS_FILTERS: [(&str, Msg); 5] = [
    ("draft", Msg::StatusDraft),
    ("open", Msg::StatusOpen),
    ("overdue", Msg::StatusOverdue),
    ("paid", Msg::StatusPaid),
    ("cancelled", Msg::StatusCancelled),
];

#[component]
fn InvoiceList() -> impl IntoView {
    let t = use_t();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        InvoiceListQuery {
            status: p.get("status").unwrap_or_default(),
            customer: p.get("customer").unwrap_or_default(),
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
            q: p.get("q").unwrap_or_default(),
            page: p.get("page").and_then(|n| n.parse().ok()).unwrap_or(1),
        }
    });
    let page = Resource::new(move || query.get(), list_invoices);
    let twikey_on = Resource::new(|| (), |_| async { crate::api::connections::get_connections().await.map(|c| c.twikey_enabled).unwrap_or(false) });
    let bulk = ServerAction::<crate::api::twikey::StartCollections>::new();
    let customers = Resource::new(|| (), |_| editor_data());
    view! {
        <Title text=t(Msg::InvoicesTitle) />
        <section class="page" id="invoice-list" data-live>
            <header class="page-header">
                <h1>{t(Msg::InvoicesTitle)}</h1>
                <ButtonLink href="/invoices/new" label=Msg::NewInvoice />
            </header>
            <form class="toolbar filters" method="get" action="/invoices" role="search">
                <label class="visually-hidden" for="invoice-search">{t(Msg::Search)}</label>
                <input id="invoice-search" type="search" name="q" value=move || query.get().q placeholder=t(Msg::SearchInvoicesPlaceholder) />
                <label class="visually-hidden" for="filter-status">{t(Msg::Status)}</label>
                <select id="filter-status" name="status">
                    <option value="">{t(Msg::AllStatuses)}</option>
                    {move || STATUS_FILTERS.into_iter().map(|(v, m)| view! { <option value=v selected=query.get().status == v>{t(m)}</option> }).collect_view()}
                </select>
                <label class="visually-hidden" for="filter-customer">{t(Msg::Customer)}</label>
                <select id="filter-customer" name="customer">
                    <option value="">{t(Msg::AllCustomers)}</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let list = customers.await.map(|d| d.customers).unwrap_or_default();
                            let selected = query.get_untracked().customer;
                            list.into_iter().map(|c| {
                                let v = c.id.to_string();
                                let sel = v == selected;
                                view! { <option value=v selected=sel>{c.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
                <label class="inline-label" for="filter-from">{t(Msg::PeriodFrom)}</label>
                <input id="filter-from" type="date" name="from" value=move || query.get().from />
                <label class="inline-label" for="filter-to">{t(Msg::PeriodTo)}</label>
                <input id="filter-to" type="date" name="to" value=move || query.get().to />
                <button type="submit" class="button">{t(Msg::Filter)}</button>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(p) if p.total == 0 => {
                            let q = query.get_untracked();
                            let filtered = q != InvoiceListQuery { page: q.page, ..Default::default() };
                            view! {
                                <div class="card empty-state">
                                    <p>{t(if filtered { Msg::NoInvoicesMatch } else { Msg::InvoicesEmpty })}</p>
                                    {(!filtered).then(|| view! { <a class="button" href="/invoices/new">{t(Msg::CreateFirstInvoice)}</a> })}
                                </div>
                            }.into_any()
                        }
                        Ok(p) => {
                            let q = query.get_untracked();
                            let prev = (p.page > 1).then(|| query_string(&InvoiceListQuery { page: p.page - 1, ..q.clone() }));
                            let next = (p.page < p.pages).then(|| query_string(&InvoiceListQuery { page: p.page + 1, ..q.clone() }));
                            let selectable = twikey_on.await;
                            view! {
                                <BulkReport bulk />
                                <div class="list-totals" data-testid="invoice-totals">
                                    <span>{p.total}" "{t(Msg::InvoicesResults)}</span>
                                    <span>{t(Msg::TotalInclVat)}": "<strong>{format_eur(p.sum_incl_cents)}</strong></span>
                                    <span>{t(Msg::OpenAmount)}": "<strong>{format_eur(p.sum_open_cents)}</strong></span>
                                </div>
                                {if selectable {
                                    view! {
                                        <ActionForm action=bulk attr:class="bulk-form">
                                            <InvoiceTable rows=p.rows show_customer=true selectable=true />
                                            <div class="bulk-actions">
                                                <button type="submit" class="button">{t(Msg::BulkCollect)}</button>
                                            </div>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! { <InvoiceTable rows=p.rows show_customer=true /> }.into_any()
                                }}
                                <nav class="pager" aria-label=t(Msg::PageOf)>
                                    <span class="muted">{t(Msg::PageOf)}" "{p.page}" / "{p.pages}</span>
                                    {prev.map(|href| view! { <a class="button" href=href rel="prev">{t(Msg::Previous)}</a> })}
                                    {next.map(|href| view! { <a class="button" href=href rel="next">{t(Msg::Next)}</a> })}
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// A table of invoices (the list, a customer's tab, a subscription's page).
#[component]
pub fn InvoiceTable(
    rows: Vec<InvoiceRow>,
    show_customer: bool,
    /// A checkbox per open invoice, for the bulk Twikey collection.
    #[prop(optional)]
    selectable: bool,
) -> impl IntoView {
    let t = use_t();
    view! {
        <div class="card table-card">
            <table class="data-table">
                <thead>
                    <tr>
                        {selectable.then(|| view! { <th scope="col"><span class="visually-hidden">{t(Msg::Select)}</span></th> })}
                        <th scope="col">{t(Msg::Number)}</th>
                        {show_customer.then(|| view! { <th scope="col">{t(Msg::Customer)}</th> })}
                        <th scope="col">{t(Msg::IssueDate)}</th>
                        <th scope="col">{t(Msg::DueDate)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col" class="num">{t(Msg::TotalInclVat)}</th>
                        <th scope="col" class="num">{t(Msg::OpenAmount)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr data-testid="invoice-row">
                            {selectable.then(|| {
                                let label = format!("{} {}", t(Msg::Select), r.number.clone().unwrap_or_default());
                                view! {
                                    <td>{(r.open_cents > 0).then(|| view! {
                                        <input type="checkbox" id=format!("select-invoice-{}", r.id) name=format!("invoice_ids[{}]", r.id) value=r.id aria-label=label />
                                    })}</td>
                                }
                            })}
                            <td class="mono"><a href=format!("/invoices/{}", r.id)>{r.number.unwrap_or_else(|| t(Msg::NotIssuedYet).to_string())}</a></td>
                            {show_customer.then(|| view! { <td><a class="quiet" href=format!("/customers/{}", r.customer_id)>{r.customer_name}</a></td> })}
                            <td>{date(r.issue_date)}</td>
                            <td>{date(r.due_date)}</td>
                            <td><StatusBadge status=r.status /></td>
                            <td class="num">{format_eur(r.total_incl_cents)}</td>
                            <td class="num">{format_eur(r.open_cents)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The Invoices tab of the customer page.
#[component]
pub fn CustomerInvoices(customer_id: i64) -> impl IntoView {
    let t = use_t();
    let query = InvoiceListQuery { customer: customer_id.to_string(), ..Default::default() };
    let page = Resource::new(move || query.clone(), list_invoices);
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                    Ok(p) => view! {
                        <div class="tab-actions">
                            <ButtonLink href="/invoices/new" label=Msg::NewInvoice params=vec![("customer", customer_id.to_string())] />
                            {(p.total > 0).then(|| view! {
                                <span class="muted">{t(Msg::OpenAmount)}": "<strong>{format_eur(p.sum_open_cents)}</strong></span>
                                <a href=format!("/invoices?customer={customer_id}")>{p.total}" "{t(Msg::InvoicesResults)}</a>
                            })}
                        </div>
                        {if p.rows.is_empty() {
                            view! { <p class="empty-state">{t(Msg::CustomerInvoicesEmpty)}</p> }.into_any()
                        } else {
                            view! { <InvoiceTable rows=p.rows show_customer=false /> }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the last bulk collection started and skipped (and why).
#[component]
fn BulkReport(bulk: ServerAction<crate::api::twikey::StartCollections>) -> impl IntoView {
    let t = use_t();
    let lang = crate::app::viewer::use_viewer().lang;
    // the report the bulk collection came back with
    let posted: Option<crate::api::twikey::BulkCollectReport> =
        crate::app::components::query_value("bulk_report").and_then(|json| serde_json::from_str(&json).ok());
    let error = crate::app::components::form_error(bulk);
    move || {
        let result = match error.get() {
            Some(e) => Some(Err(e)),
            None => posted.clone().map(Ok),
        };
        result.map(|result| match result {
            Ok(r) => view! {
                <div class="banner banner-ok" role="status" data-testid="bulk-report">
                    <p>{t(Msg::BulkStarted)}" "{if r.started.is_empty() { "—".to_string() } else { r.started.join(", ") }}</p>
                    {(!r.skipped.is_empty() || !r.failed.is_empty()).then(|| view! {
                        <p>{t(Msg::BulkSkipped)}</p>
                        <ul>
                            {r.skipped.into_iter().map(|(n, why)| view! { <li>{n}": "{t(why.message())}</li> }).collect_view()}
                            {r.failed.into_iter().map(|(n, e)| view! { <li>{n}": "{e}</li> }).collect_view()}
                        </ul>
                    })}
                </div>
            }.into_any(),
            Err(e) => view! { <div class="banner banner-error" role="alert">{e.describe(lang)}</div> }.into_any(),
        })
    }
}
