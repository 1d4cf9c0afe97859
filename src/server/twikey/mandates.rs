//! Mandates on the customer's Twikey tab: what the tab shows, preparing a mandate for the
//! customer to sign, and deleting, inviting or cancelling one in Twikey. Each change lands in
//! the mandate's history and is published to the open pages.

use crate::domain::customer::CustomerKind;
use crate::domain::mandate::MandateState;
use crate::domain::validation::mask_iban;
use crate::i18n::Msg;
use crate::model::twikey::{CustomerTwikeyView, MandateEventView, MandateView};
use crate::server::repo::mandates::{self, Mandate};
use crate::server::repo::{customers, twikey_settings};
use crate::server::{AppState, Error};
use twikey::{InviteRequest, MandateAction, TwikeyClient};

/// The customer's mandates and their history.
pub async fn customer_view(state: &AppState, company_id: i64, customer_id: i64) -> Result<CustomerTwikeyView, Error> {
    let db = &state.db;
    customers::get(db, company_id, customer_id).await?.ok_or(Error::NotFound)?;
    let settings = twikey_settings::get(db, company_id).await?;
    let mandates = mandates::for_customer(db, company_id, customer_id)
        .await?
        .into_iter()
        .map(|m| MandateView {
            id: m.id,
            state: m.state(),
            reference: m.reference,
            template_id: m.template_id,
            scheme: m.scheme,
            sign_url: m.sign_url,
            iban_masked: m.iban.as_deref().filter(|i| !i.is_empty()).map(mask_iban),
            signed_at: m.signed_at.as_deref().map(crate::domain::time::format_rfc3339_brussels),
            sign_method: m.sign_method,
            invited_at: m.invited_at.map(crate::domain::time::format_brussels),
            state_reason: m.state_reason,
        })
        .collect();
    let history = mandates::history(db, company_id, customer_id)
        .await?
        .into_iter()
        .map(|e| MandateEventView {
            reference: e.mandate_reference,
            at: crate::domain::time::format_brussels(e.at),
            kind: e.kind,
            detail: e.detail,
        })
        .collect();
    Ok(CustomerTwikeyView { enabled: settings.enabled, configured: settings.is_configured(), mandates, history })
}

/// Prepares a mandate in Twikey for the customer to sign: individuals on the B2C contract,
/// companies on the B2B contract when there is one (else B2C).
pub async fn prepare(state: &AppState, company_id: i64, customer_id: i64) -> Result<(), Error> {
    let customer = customers::get(&state.db, company_id, customer_id).await?.ok_or(Error::NotFound)?;
    let settings = twikey_settings::get(&state.db, company_id).await?;
    if !settings.enabled {
        return Err(Error::Refused(Msg::ErrTwikeyOff));
    }
    let Some(b2c) = settings.b2c_ct.filter(|_| settings.is_configured()) else {
        return Err(Error::Refused(Msg::ErrTwikeyNotConfigured));
    };
    let f = &customer.fields;
    let (ct, scheme) = match (f.kind, settings.b2b_ct) {
        (CustomerKind::Company, Some(b2b)) => (b2b, "B2B"),
        _ => (b2c, "CORE"),
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let request = InviteRequest {
        ct: ct.to_string(),
        customer_number: Some(customer.number.clone()),
        first_name: some(&f.first_name),
        last_name: some(&f.last_name),
        company_name: some(&f.company_name),
        vat_number: some(&f.vat_number),
        email: some(&f.email),
        mobile: some(&f.phone),
        language: some(&f.language),
        address: some(&f.street),
        city: some(&f.city),
        zip: some(&f.postcode),
        country: some(&f.country),
        iban: some(&f.iban),
        ..Default::default()
    };
    let client = state.twikey_client(&settings).map_err(|e| Error::internal(format!("Twikey client: {e}")))?;
    let invite = client.invite(&request).await?;
    // The template's real type decides B2B vs CORE (a B2B contract number may be CORE).
    let scheme = match client.templates().await {
        Ok(templates) => templates.into_iter().find(|t| t.id == ct).and_then(|t| t.kind).unwrap_or_else(|| scheme.into()),
        Err(_) => scheme.into(),
    };
    let prepared = mandates::NewPrepared { customer_id, reference: &invite.mndt_id, template_id: ct, scheme: &scheme, sign_url: invite.url.as_deref() };
    mandates::insert_prepared(&state.db, company_id, &prepared).await?;
    state.live.publish(company_id, "mandates");
    Ok(())
}

/// One of the company's mandates and the company's Twikey client, when Twikey is on.
async fn company_mandate(state: &AppState, company_id: i64, mandate_id: i64) -> Result<(TwikeyClient, Mandate), Error> {
    let m = mandates::get(&state.db, company_id, mandate_id).await?.ok_or(Error::NotFound)?;
    let settings = twikey_settings::get(&state.db, company_id).await?;
    if !settings.enabled {
        return Err(Error::Refused(Msg::ErrTwikeyOff));
    }
    let client = state.twikey_client(&settings).map_err(|_| Error::Refused(Msg::ErrTwikeyNotConfigured))?;
    Ok((client, m))
}

/// Deletes a prepared mandate in Twikey (its signing link stops working) and here.
pub async fn delete(state: &AppState, company_id: i64, mandate_id: i64) -> Result<(), Error> {
    let (client, m) = company_mandate(state, company_id, mandate_id).await?;
    if m.state() != MandateState::Prepared {
        return Err(Error::Refused(Msg::ErrMandateState));
    }
    let reason = "Deleted in Encaisse before signature";
    client.cancel_mandate(&m.reference, reason, false).await?;
    mandates::delete_prepared(&state.db, &m, reason).await?;
    state.live.publish(company_id, "mandates");
    Ok(())
}

/// Has Twikey e-mail the signing invitation to the customer.
pub async fn invite(state: &AppState, company_id: i64, mandate_id: i64) -> Result<(), Error> {
    let (client, m) = company_mandate(state, company_id, mandate_id).await?;
    if m.state() != MandateState::Prepared {
        return Err(Error::Refused(Msg::ErrMandateState));
    }
    client.mandate_action(&m.reference, MandateAction::Invite).await?;
    mandates::mark_invited(&state.db, &m).await?;
    state.live.publish(company_id, "mandates");
    Ok(())
}

/// Cancels a signed (or suspended, or bank-pending) mandate in Twikey with a reason. The feed
/// confirms it; the local state follows at once so the page says what happened.
pub async fn cancel(state: &AppState, company_id: i64, mandate_id: i64, reason: &str) -> Result<(), Error> {
    let (client, m) = company_mandate(state, company_id, mandate_id).await?;
    if matches!(m.state(), MandateState::Prepared | MandateState::Cancelled) {
        return Err(Error::Refused(Msg::ErrMandateState));
    }
    let reason = reason.trim();
    let reason = if reason.is_empty() { "Cancelled by the creditor" } else { reason };
    let reason: String = reason.chars().take(200).collect();
    client.cancel_mandate(&m.reference, &reason, true).await?;
    let mut tx = state.db.begin().await?;
    let update = mandates::MandateUpdate { state: Some(MandateState::Cancelled), reason: Some(reason), ..Default::default() };
    mandates::apply_update(&mut tx, &m, &update, "cancelled").await?;
    tx.commit().await?;
    state.live.publish(company_id, "mandates");
    Ok(())
}
