//! The outbox: every e-mail Encaisse sent, or keeps when no SMTP server is configured.

use crate::api::invoices::list_outbox;
use crate::app::components::{LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    view! { <Protected><Outbox /></Protected> }
}

#[component]
fn Outbox() -> impl IntoView {
    let t = use_t();
    let messages = Resource::new(|| (), |_| list_outbox());
    view! {
        <Title text=t(Msg::Outbox) />
        <section class="page">
            <header class="page-header">
                <div>
                    <h1>{t(Msg::Outbox)}</h1>
                    <p class="muted">{t(Msg::OutboxLead)}</p>
                </div>
            </header>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <div class="card empty-state"><p>{t(Msg::OutboxEmpty)}</p></div> }.into_any(),
                        Ok(list) => view! {
                            <ul class="outbox">
                                {list.into_iter().map(|m| {
                                    let status = match m.status.as_str() {
                                        "queued" => Msg::MailStatusQueued,
                                        "sent" => Msg::MailStatusSent,
                                        "failed" => Msg::MailStatusFailed,
                                        _ => Msg::MailStatusStored,
                                    };
                                    view! {
                                        <li class="card outbox-message" data-testid="outbox-message">
                                            <details>
                                                <summary>
                                                    <span class="outbox-subject">{m.subject.clone()}</span>
                                                    <span class="muted">{t(Msg::MailTo)}" "{m.to_email.clone()}</span>
                                                    <span class=format!("badge badge-mail-{}", m.status)>{t(status)}</span>
                                                    <time class="muted" datetime=m.created_at.to_rfc3339()>{m.created_at.format("%d/%m/%Y %H:%M UTC").to_string()}</time>
                                                </summary>
                                                <pre class="mail-body">{m.body.clone()}</pre>
                                                {m.attachment.clone().map(|name| view! {
                                                    <p class="mail-attachment" data-testid="mail-attachment">{t(Msg::MailAttachment)}": "<span class="mono">{name}</span>
                                                        {m.invoice_id.map(|id| view! { " · " <a href=format!("/invoices/{id}/pdf") download rel="nofollow">{t(Msg::DownloadPdf)}</a> })}
                                                    </p>
                                                })}
                                                {m.invoice_id.map(|id| view! { <a href=format!("/invoices/{id}")>{t(Msg::InvoiceNumber)}</a> })}
                                            </details>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
