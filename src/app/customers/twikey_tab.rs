//! The customer's Twikey tab: mandates, preparing one, and what can be done with each.

use crate::api::twikey::{customer_twikey, CancelMandate, DeleteMandate, MandateView, PrepareMandate, SendMandateInvitation};
use crate::api::AppError;
use crate::app::components::{form_error, posted_args, LoadError, Loading};
use crate::app::viewer::{use_t, use_viewer};
use crate::domain::mandate::MandateState;
use crate::i18n::Msg;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Actions {
    prepare: ServerAction<PrepareMandate>,
    delete: ServerAction<DeleteMandate>,
    invite: ServerAction<SendMandateInvitation>,
    cancel: ServerAction<CancelMandate>,
}

impl Actions {
    /// The error of whichever action failed (in the page, or as a plain form post that came
    /// back with it).
    fn error(&self) -> Signal<Option<AppError>> {
        let errors = [form_error(self.prepare), form_error(self.delete), form_error(self.invite), form_error(self.cancel)];
        Signal::derive(move || errors.iter().find_map(|e| e.get()))
    }
}

#[component]
pub fn TwikeyTab(customer_id: i64) -> impl IntoView {
    let t = use_t();
    let lang = use_viewer().lang;
    let actions = Actions {
        prepare: ServerAction::new(),
        delete: ServerAction::new(),
        invite: ServerAction::new(),
        cancel: ServerAction::new(),
    };
    let data = Resource::new(|| (), move |_| customer_twikey(customer_id));
    // a cancel reason that came back with the error of a plain form post
    let posted = posted_args::<CancelMandate>().map(|p| (p.mandate_id, p.reason));
    let error = actions.error();
    view! {
        <div class="twikey-tab">
            <div class="section-header">
                <h2>{t(Msg::Mandates)}</h2>
                <ActionForm action=actions.prepare>
                    <input type="hidden" name="customer_id" value=customer_id />
                    <button type="submit" class="button primary">
                        {t(Msg::PrepareMandate)}
                    </button>
                </ActionForm>
            </div>
            {move || error.get().map(|e| view! { <div class="banner banner-error" role="alert">{e.describe(lang)}</div> })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let posted = posted.clone();
                    Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(d) if !d.enabled => view! {
                            <p class="empty-state">{t(Msg::TwikeyOffForCustomer)}" "<a href="/settings/connections">{t(Msg::SwitchTwikeyOn)}</a></p>
                        }.into_any(),
                        Ok(d) => view! {
                            {(!d.configured).then(|| view! {
                                <div class="banner banner-warn">{t(Msg::TwikeyNotConfiguredForCustomer)}" "<a href="/settings/connections/twikey">{t(Msg::ConfigureTwikey)}</a></div>
                            })}
                            {if d.mandates.is_empty() {
                                view! { <p class="empty-state">{t(Msg::NoMandates)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="mandates">
                                        {d.mandates.into_iter().map(|m| {
                                            let reason = posted.clone().filter(|(id, _)| *id == m.id).map(|(_, r)| r).unwrap_or_default();
                                            view! { <MandateRow mandate=m actions reason /> }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {(!d.history.is_empty()).then(|| view! {
                                <h3 class="history-title">{t(Msg::History)}</h3>
                                <ol class="history">
                                    {d.history.into_iter().map(|e| view! {
                                        <li>
                                            <time>{e.at}</time>
                                            <span>{t(event_label(&e.kind))}</span>
                                            <span class="mono muted">{e.reference}</span>
                                            {(!e.detail.is_empty()).then(|| view! { <span class="muted">"— "{e.detail}</span> })}
                                        </li>
                                    }).collect_view()}
                                </ol>
                            })}
                        }.into_any(),
                    }
                    })
                }}
            </Transition>
        </div>
    }
}

fn event_label(kind: &str) -> Msg {
    match kind {
        "prepared" => Msg::MandatePreparedEvent,
        "deleted" => Msg::MandateDeletedEvent,
        "invited" => Msg::MandateInvitedEvent,
        "signed" => Msg::MandateSignedEvent,
        "pending_bank" => Msg::MandatePendingBankEvent,
        "suspended" => Msg::MandateSuspendedEvent,
        "cancelled" => Msg::MandateCancelledEvent,
        "invite_removed" => Msg::MandateInviteRemovedEvent,
        "invite_expired" => Msg::MandateInviteExpiredEvent,
        _ => Msg::MandateUpdatedEvent,
    }
}

#[component]
fn MandateRow(mandate: MandateView, actions: Actions, reason: String) -> impl IntoView {
    let t = use_t();
    let m = mandate;
    let state = m.state;
    let contract = format!("{}{}", m.template_id.map(|c| format!("{c} · ")).unwrap_or_default(), m.scheme);
    let signed = m.signed_at.clone().map(|at| format!("{at}{}", m.sign_method.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()));
    let reason_id = format!("cancel-reason-{}", m.id);
    view! {
        <li class="mandate card" data-testid="mandate-row" data-state=state.as_str()>
            <div class="mandate-head">
                <span class="mono mandate-ref">{m.reference.clone()}</span>
                <span class=format!("state-pill state-{}", state.as_str())>{t(state.label())}</span>
            </div>
            <dl class="mandate-facts">
                <div><dt>{t(Msg::Contract)}</dt><dd>{contract}</dd></div>
                {signed.map(|s| view! { <div><dt>{t(Msg::SignedOn)}</dt><dd>{s}</dd></div> })}
                {m.iban_masked.clone().map(|i| view! { <div><dt>"IBAN"</dt><dd class="mono">{i}</dd></div> })}
                {m.invited_at.clone().map(|at| view! { <div><dt>{t(Msg::InvitationSent)}</dt><dd>{at}</dd></div> })}
                {m.state_reason.clone().filter(|_| state == MandateState::Cancelled || state == MandateState::Suspended)
                    .map(|r| view! { <div><dt>{t(Msg::State)}</dt><dd>{r}</dd></div> })}
            </dl>
            <div class="mandate-actions">
                {match state {
                    MandateState::Prepared => view! {
                        {m.sign_url.clone().map(|url| view! {
                            <a class="button primary" href=url target="_blank" rel="noopener">{t(Msg::SignOnline)}</a>
                        })}
                        <ActionForm action=actions.invite>
                            <input type="hidden" name="mandate_id" value=m.id />
                            <button type="submit" class="button">{t(Msg::SendInvitation)}</button>
                        </ActionForm>
                        <ActionForm action=actions.delete>
                            <input type="hidden" name="mandate_id" value=m.id />
                            <button type="submit" class="button danger-outline">{t(Msg::DeleteMandate)}</button>
                        </ActionForm>
                    }.into_any(),
                    MandateState::Cancelled => ().into_any(),
                    _ => view! {
                        <ActionForm action=actions.cancel attr:class="cancel-form">
                            <input type="hidden" name="mandate_id" value=m.id />
                            <label for=reason_id.clone() class="visually-hidden">{t(Msg::CancelReason)}</label>
                            <input id=reason_id name="reason" type="text" placeholder=t(Msg::CancelReason) maxlength="200"
                                value=reason />
                            <button type="submit" class="button danger-outline">{t(Msg::CancelMandate)}</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </div>
        </li>
    }
}
