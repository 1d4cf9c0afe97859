//! The invoice timeline: every event with its time and cause, newest last, as a vertical line.
//! Kinds this module does not know (e.g. those of the Twikey module) show their kind and details.

use super::{date, method_msg};
use crate::api::invoices::TimelineEvent;
use crate::app::viewer::use_t;
use crate::domain::money::format_eur;
use crate::i18n::Msg;
use leptos::prelude::*;
use serde_json::Value;

fn text(details: &Value, key: &str) -> String {
    match details.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

#[component]
pub fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="timeline-section" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t(Msg::Timeline)}</h2>
            <ol class="timeline">
                {events.into_iter().map(|e| {
                    let d = &e.details;
                    let (title, detail): (String, String) = match e.kind.as_str() {
                        "created" if d.get("subscription_id").is_some() => (
                            t(Msg::EvCreated).to_string(),
                            format!("{} {}", t(Msg::EvCreatedBySubscription), text(d, "period_start").parse().map(date).unwrap_or_default()),
                        ),
                        "created" => (t(Msg::EvCreated).to_string(), String::new()),
                        "issued" => (format!("{} {}", t(Msg::EvIssued), text(d, "number")), String::new()),
                        "sent" => (
                            format!("{} {}", t(Msg::EvSent), text(d, "to")),
                            if text(d, "via") == "outbox" { t(Msg::EvKeptInOutbox).to_string() } else { String::new() },
                        ),
                        "send_failed" => (format!("{} {}", t(Msg::EvSendFailed), text(d, "to")), text(d, "error")),
                        "payment_recorded" => {
                            let amount = d.get("amount_cents").and_then(Value::as_i64).map(format_eur).unwrap_or_default();
                            let method = method_msg(&text(d, "method")).map(|m| t(m).to_string()).unwrap_or_else(|| text(d, "method"));
                            let on = text(d, "paid_on").parse().map(date).unwrap_or_default();
                            (format!("{}: {amount}", t(Msg::EvPaymentRecorded)), format!("{method} · {on}"))
                        }
                        "paid" => (t(Msg::EvPaid).to_string(), String::new()),
                        "cancelled" => (t(Msg::EvCancelled).to_string(), text(d, "reason")),
                        other => (other.replace('_', " "), if d.as_object().is_some_and(|o| !o.is_empty()) { d.to_string() } else { String::new() }),
                    };
                    let at = e.at.format("%d/%m/%Y %H:%M UTC").to_string();
                    view! {
                        <li class=format!("timeline-event kind-{}", e.kind) data-testid="timeline-event" data-kind=e.kind.clone()>
                            <span class="timeline-dot" aria-hidden="true"></span>
                            <div class="timeline-body">
                                <p class="timeline-title">{title}</p>
                                {(!detail.is_empty()).then(|| view! { <p class="timeline-detail">{detail}</p> })}
                                <time datetime=e.at.to_rfc3339()>{at}</time>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
