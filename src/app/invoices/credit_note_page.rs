//! A credit note's page (`/credit-notes/{id}`): what it credits, the invoice it corrects (a
//! link), its PDF and e-invoice, and its own timeline (issued, e-mailed, delivered over Peppol).

use crate::api::invoices::get_credit_note;
use crate::app::components::{LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::domain::money::{format_eur, quantity_input};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CreditNotePage() -> impl IntoView {
    view! { <Protected><CreditNoteView /></Protected> }
}

#[component]
fn CreditNoteView() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id, get_credit_note);
    view! {
        <section class="page credit-note-page">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(d) => {
                            let doc = d.document;
                            let corrected = doc.credited_invoice.as_ref().map(|c| c.number.clone()).unwrap_or_default();
                            let title = format!("{} {}", t(Msg::MailCreditNoteSubject), doc.number);
                            view! {
                                <Title text=title.clone() />
                                <header class="page-header">
                                    <div>
                                        <p class="breadcrumb"><a href="/invoices">{t(Msg::InvoicesTitle)}</a></p>
                                        <h1>{title}</h1>
                                        <p class="muted">{doc.buyer.name.clone()}</p>
                                    </div>
                                    <div class="header-actions">
                                        <a class="button" href=format!("/credit-notes/{}/pdf", d.id) download rel="nofollow">{t(Msg::DownloadPdf)}</a>
                                        <a class="button" href=format!("/credit-notes/{}/ubl", d.id) download rel="nofollow">{t(Msg::DownloadUbl)}</a>
                                    </div>
                                </header>
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
                                            {doc.lines.iter().map(|l| view! {
                                                <tr>
                                                    <td>{l.description.clone()}</td>
                                                    <td class="num">{quantity_input(l.quantity_milli)}</td>
                                                    <td class="num">{format_eur(l.unit_price_cents)}</td>
                                                    <td class="num">{format!("{} %", l.vat_rate)}</td>
                                                    <td class="num">{format_eur(l.amount_cents)}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <p class="credit-total"><strong>{t(Msg::TotalInclVat)}": "{format_eur(-doc.totals.incl_vat_cents)}</strong></p>
                                </div>
                                <section class="timeline" aria-labelledby="credit-timeline-heading">
                                    <h2 id="credit-timeline-heading">{t(Msg::Timeline)}</h2>
                                    <ol>
                                        <li class="timeline-event" data-testid="timeline-event">
                                            <span class="timeline-dot" aria-hidden="true"></span>
                                            <div class="timeline-body">
                                                <p class="timeline-title">{t(Msg::CreditNoteCorrects)}" "
                                                    <a href=format!("/invoices/{}", d.invoice_id)>{corrected}</a>
                                                </p>
                                            </div>
                                        </li>
                                        {d.events.into_iter().map(|(at, kind, detail)| {
                                            let title = match kind.as_str() {
                                                "issued" => format!("{} {detail}", t(Msg::EvCreditNoteIssued)),
                                                "mail_stored" | "mail_sent" => format!("{} {detail}", t(Msg::EvSent)),
                                                "mail_failed" => format!("{} {detail}", t(Msg::EvSendFailed)),
                                                "peppol_delivered" => t(Msg::CreditNoteDeliveredPeppol).to_string(),
                                                other => other.replace('_', " "),
                                            };
                                            view! {
                                                <li class="timeline-event" data-testid="timeline-event">
                                                    <span class="timeline-dot" aria-hidden="true"></span>
                                                    <div class="timeline-body">
                                                        <p class="timeline-title">{title}</p>
                                                        <time datetime=at.to_rfc3339()>{crate::domain::time::format_brussels(at)}</time>
                                                    </div>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ol>
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
