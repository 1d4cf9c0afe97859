//! Subscriptions: the list, the form and the subscription page (next invoice, invoices made,
//! pause / resume / end).

pub mod detail;
pub mod form;
pub mod list;

use crate::app::viewer::use_t;
use crate::domain::schedule::SubscriptionStatus;
use crate::i18n::Msg;
use leptos::prelude::*;

pub fn frequency_msg(every_months: u32) -> Msg {
    match every_months {
        1 => Msg::Monthly,
        3 => Msg::Quarterly,
        _ => Msg::Yearly,
    }
}

#[component]
pub fn SubscriptionBadge(status: SubscriptionStatus) -> impl IntoView {
    let t = use_t();
    let msg = match status {
        SubscriptionStatus::Active => Msg::SubActive,
        SubscriptionStatus::Paused => Msg::SubPaused,
        SubscriptionStatus::Ended => Msg::SubEnded,
    };
    view! { <span class=format!("badge badge-sub-{}", status.as_str()) data-status=status.as_str()>{t(msg)}</span> }
}
