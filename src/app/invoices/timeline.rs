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

/// The Peppol delivery events (`server::invoicing::peppol`): title and detail.
fn peppol_event(kind: &str, d: &Value, t: impl Fn(Msg) -> &'static str) -> (String, String) {
    let receiver = text(d, "receiver");
    let receiver = match receiver.split_once(':') {
        Some((_, digits)) if digits.len() == 10 => crate::domain::validation::format_enterprise_number(digits),
        _ => receiver,
    };
    // A credit note of the invoice says so first.
    let of_credit_note = |detail: String| match d.get("credit_note_id") {
        Some(Value::Number(_)) if detail.is_empty() => t(Msg::EvPeppolCreditNote).to_string(),
        Some(Value::Number(_)) => format!("{} · {detail}", t(Msg::EvPeppolCreditNote)),
        _ => detail,
    };
    match kind {
        "peppol_delivered" => {
            let mut via = match text(d, "access_point").as_str() {
                "twikey" => "Twikey".to_string(),
                other => other.to_string(),
            };
            let contract = text(d, "contract");
            if !contract.is_empty() {
                via = format!("{via} · {} {contract}", t(Msg::EvPeppolWithMandate));
            }
            (format!("{} {receiver}", t(Msg::EvPeppolDelivered)), of_credit_note(via))
        }
        "peppol_retry" => {
            let at = chrono::DateTime::parse_from_rfc3339(&text(d, "retry_at"))
                .map(|at| crate::domain::time::format_brussels(at.with_timezone(&chrono::Utc)))
                .unwrap_or_default();
            (format!("{} {at}", t(Msg::EvPeppolRetry)), of_credit_note(text(d, "error")))
        }
        "peppol_failed" => (t(Msg::EvPeppolFailed).to_string(), of_credit_note(text(d, "error"))),
        _ => {
            let emailed = d.get("emailed").and_then(Value::as_bool) != Some(false);
            let title = if emailed { Msg::EvPeppolNotReachable } else { Msg::EvPeppolNotReachableNoEmail };
            (t(title).to_string(), of_credit_note(receiver))
        }
    }
}

#[component]
pub fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    let t = use_t();
    let lang = crate::app::viewer::use_viewer().lang;
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
                        "collection_requested" => {
                            let amount = d.get("amount_cents").and_then(Value::as_i64).map(format_eur).unwrap_or_default();
                            (format!("{}: {amount}", t(Msg::EvCollectionRequested)), format!("{} · {}", text(d, "reference"), text(d, "mandate")))
                        }
                        "collection_sent" => {
                            let how = match text(d, "sending").as_str() {
                                "batch" => t(Msg::EvSendingByBatch).to_string(),
                                "profile" => t(Msg::EvSendingByProfile).to_string(),
                                _ => text(d, "collection_date").parse().map(date).unwrap_or_default(),
                            };
                            (t(Msg::EvCollectionSent).to_string(), how)
                        }
                        "collection_in_batch" => {
                            let mut detail = text(d, "batch");
                            if let Ok(day) = text(d, "collection_date").parse() {
                                detail = format!("{detail} · {} {}", t(Msg::EvCollectionDate), date(day));
                            }
                            if d.get("prenotify").and_then(Value::as_bool) == Some(true) {
                                detail = format!("{detail} · {}", t(Msg::EvWithPrenotification));
                            }
                            (t(Msg::EvCollectionInBatch).to_string(), detail)
                        }
                        "collection_failed_will_retry" => {
                            let why = crate::domain::sepa::describe(&text(d, "code"), Some(&text(d, "message")), lang);
                            (t(Msg::EvCollectionFailedWillRetry).to_string(), why)
                        }
                        "credit_note_issued" => {
                            let amount = d.get("amount_cents").and_then(Value::as_i64).map(|c| format_eur(-c)).unwrap_or_default();
                            (format!("{} {}", t(Msg::EvCreditNoteIssued), text(d, "number")), amount)
                        }
                        "collection_cancelled" => (t(Msg::EvCollectionCancelled).to_string(), text(d, "reference")),
                        "collection_unconfirmed" => (t(Msg::EvCollectionUnconfirmed).to_string(), text(d, "error")),
                        "collection_prenotified" => (t(Msg::EvCollectionPrenotified).to_string(), text(d, "collection_date").parse().map(date).unwrap_or_default()),
                        "collection_paid" => {
                            let amount = d.get("amount_cents").and_then(Value::as_i64).map(format_eur).unwrap_or_default();
                            (format!("{}: {amount}", t(Msg::EvCollectionPaid)), text(d, "reference"))
                        }
                        "collection_failed" | "collection_reversed" | "collection_refused" => {
                            let title = match e.kind.as_str() {
                                "collection_failed" => Msg::EvCollectionFailed,
                                "collection_reversed" => Msg::EvCollectionReversed,
                                _ => Msg::EvCollectionRefused,
                            };
                            let code = text(d, "code");
                            let message = text(d, "message");
                            let why = crate::domain::sepa::describe(&code, Some(&message), lang);
                            let retry = text(d, "retry_at");
                            let retry = if retry.is_empty() { String::new() } else { format!(" · {}", t(Msg::RetryPlanned)) };
                            (t(title).to_string(), format!("{why}{retry}"))
                        }
                        "collection_retry_pending" => (t(Msg::EvCollectionRetryPending).to_string(), text(d, "error")),
                        "collection_paid_not_applied" => (t(Msg::EvCollectionPaidNotApplied).to_string(), text(d, "reference")),
                        "collection_not_started" => {
                            let why = serde_json::from_value::<crate::api::twikey::CannotCollect>(d.get("why").cloned().unwrap_or(Value::Null))
                                .map(|w| t(w.message()).to_string())
                                .unwrap_or_default();
                            (t(Msg::EvCollectionNotStarted).to_string(), why)
                        }
                        "peppol_delivered" | "peppol_retry" | "peppol_failed" | "peppol_not_reachable" => peppol_event(&e.kind, d, t),
                        other => (other.replace('_', " "), if d.as_object().is_some_and(|o| !o.is_empty()) { d.to_string() } else { String::new() }),
                    };
                    let at = crate::domain::time::format_brussels(e.at);
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
