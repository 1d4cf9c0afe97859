//! Invoices: the list, the draft editor, the invoice page with its timeline, the outbox.

pub mod credit;
pub mod credit_note_page;
pub mod detail;
pub mod editor;
pub mod list;
pub mod outbox;
pub mod timeline;
mod twikey_box;

use crate::app::viewer::use_t;
use crate::domain::invoice::DisplayStatus;
use crate::i18n::Msg;
use chrono::NaiveDate;
use leptos::prelude::*;

pub fn status_msg(s: DisplayStatus) -> Msg {
    match s {
        DisplayStatus::Draft => Msg::StatusDraft,
        DisplayStatus::Open => Msg::StatusOpen,
        DisplayStatus::Overdue => Msg::StatusOverdue,
        DisplayStatus::Paid => Msg::StatusPaid,
        DisplayStatus::Cancelled => Msg::StatusCancelled,
    }
}

/// A coloured status label.
#[component]
pub fn StatusBadge(status: DisplayStatus) -> impl IntoView {
    let t = use_t();
    view! { <span class=format!("badge badge-{}", status.as_str()) data-status=status.as_str()>{t(status_msg(status))}</span> }
}

pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn method_msg(method: &str) -> Option<Msg> {
    Some(match method {
        "bank_transfer" => Msg::MethodBankTransfer,
        "cash" => Msg::MethodCash,
        "other" => Msg::MethodOther,
        "direct_debit" => Msg::MethodDirectDebit,
        "credit_note" => Msg::MethodCreditNote,
        _ => return None,
    })
}
