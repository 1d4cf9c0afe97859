use crate::api::connections::get_connections;
use crate::api::customers::{get_customer, ArchiveCustomer, Customer};
use crate::api::peppol::{customer_peppol, PeppolReach};
use crate::app::components::{form_error, FormError, LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::domain::customer::CustomerKind;
use crate::domain::validation::mask_iban;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CustomerPage() -> impl IntoView {
    view! { <Protected><CustomerView /></Protected> }
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Details,
    Invoices,
    Twikey,
}

#[component]
fn CustomerView() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let query = use_query_map();
    let archive = ServerAction::<ArchiveCustomer>::new();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let customer = Resource::new(id, |id| async move {
        let customer = get_customer(id).await?;
        let twikey_on = get_connections().await?.twikey_enabled;
        Ok::<_, crate::api::AppError>((customer, twikey_on))
    });
    let tab = move || match query.read().get("tab").as_deref() {
        Some("invoices") => Tab::Invoices,
        Some("twikey") => Tab::Twikey,
        _ => Tab::Details,
    };
    view! {
        // a title from the first byte; the customer's name replaces it once loaded
        <Title text=t(Msg::CustomersTitle) />
        <section class="page" id="customer-page" data-live>
            <FormError error=form_error(archive) />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok((c, twikey_on)) => {
                            let base = format!("/customers/{}", c.id);
                            let tab_link = move |which: Tab, href: String, label: Msg| view! {
                                <a role="tab" href=href aria-selected=move || if tab() == which { "true" } else { "false" }
                                   class:active=move || tab() == which>{t(label)}</a>
                            };
                            view! {
                                <Title text=c.display_name.clone() />
                                <header class="page-header">
                                    <div>
                                        <p class="breadcrumb"><a href="/customers">{t(Msg::CustomersTitle)}</a></p>
                                        <h1>{c.display_name.clone()}</h1>
                                        <p class="muted">
                                            <span class="mono">{c.number.clone()}</span>" · "
                                            {t(if c.fields.kind == CustomerKind::Company { Msg::Company } else { Msg::Individual })}
                                            {c.archived.then(|| view! { " · " <span class="tag">{t(Msg::Archived)}</span> })}
                                        </p>
                                    </div>
                                    <div class="header-actions">
                                        <a class="button" href=format!("{base}/edit")>{t(Msg::Edit)}</a>
                                        <ActionForm action=archive>
                                            <input type="hidden" name="id" value=c.id />
                                            <input type="hidden" name="archived" value=if c.archived { "false" } else { "true" } />
                                            <button type="submit" class="button ghost" title=t(Msg::ArchiveConfirmHelp)>
                                                {t(if c.archived { Msg::Restore } else { Msg::Archive })}
                                            </button>
                                        </ActionForm>
                                    </div>
                                </header>
                                <div class="tabs" role="tablist">
                                    {tab_link(Tab::Details, base.clone(), Msg::Details)}
                                    {tab_link(Tab::Invoices, format!("{base}?tab=invoices"), Msg::TabInvoices)}
                                    {twikey_on.then(|| tab_link(Tab::Twikey, format!("{base}?tab=twikey"), Msg::TabTwikey))}
                                </div>
                                <div class="tab-panel card" role="tabpanel">
                                    {move || match tab() {
                                        Tab::Details => view! { <Details customer=c.clone() /> }.into_any(),
                                        Tab::Invoices => view! { <crate::app::invoices::list::CustomerInvoices customer_id=c.id /> }.into_any(),
                                        Tab::Twikey => view! { <super::twikey_tab::TwikeyTab customer_id=c.id /> }.into_any(),
                                    }}
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Details(customer: Customer) -> impl IntoView {
    let t = use_t();
    let f = customer.fields;
    let row = move |label: Msg, value: String| {
        (!value.is_empty()).then(|| view! { <div class="dl-row"><dt>{t(label)}</dt><dd>{value}</dd></div> })
    };
    let address = [f.street.clone(), format!("{} {}", f.postcode, f.city).trim().to_string(), f.country.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <dl class="details">
            {row(Msg::Email, f.email.clone())}
            {row(Msg::Phone, f.phone.clone())}
            {row(Msg::VatNumber, f.vat_number.clone())}
            {row(Msg::EnterpriseNumber, crate::domain::validation::format_enterprise_number(&f.enterprise_number))}
            {row(Msg::Language, f.language.to_uppercase())}
            {row(Msg::Address, address)}
            {row(Msg::Iban, if f.iban.is_empty() { String::new() } else { mask_iban(&f.iban) })}
            {row(Msg::CustomerNumber, customer.number)}
            {(f.kind == CustomerKind::Company).then(|| view! { <PeppolRow customer_id=customer.id /> })}
        </dl>
    }
}

/// Whether the company customer receives its invoices over Peppol (else by e-mail).
#[component]
fn PeppolRow(customer_id: i64) -> impl IntoView {
    let t = use_t();
    let reach = Resource::new(move || customer_id, customer_peppol);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let shown = match reach.await {
                    Ok(PeppolReach::Receives) => Some((Msg::PeppolReceives, "receives", "good")),
                    Ok(PeppolReach::DoesNotReceive) => Some((Msg::PeppolDoesNotReceive, "does_not_receive", "")),
                    Ok(PeppolReach::Unknown) => Some((Msg::PeppolUnknown, "unknown", "muted")),
                    Ok(PeppolReach::NotApplicable) | Err(_) => None,
                };
                shown.map(|(text, state, class)| view! {
                    <div class="dl-row" data-testid="peppol-status" data-state=state>
                        <dt>{t(Msg::PeppolLabel)}</dt>
                        <dd class=class>{t(text)}</dd>
                    </div>
                })
            })}
        </Suspense>
    }
}
