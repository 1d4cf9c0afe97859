//! Twikey: configuration, connection test, and mandates on the customer's Twikey tab.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::domain::mandate::MandateState;
use leptos::prelude::*;
pub use crate::model::twikey::*;

#[cfg(feature = "ssr")]
fn brussels(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    t.map(crate::domain::time::format_brussels)
}

#[server(endpoint = "twikey/settings")]
pub async fn get_twikey_settings() -> Result<TwikeySettingsView, AppError> {
    use crate::server::{
        repo::{companies, twikey_settings},
        respond, session,
    };
    respond(
        async {
            let user = session::require_user().await?;
            let state = session::state();
            let s = twikey_settings::get(&state.db, user.company_id).await?;
            let company = companies::get(&state.db, user.company_id).await?.ok_or(AppError::Internal)?;
            Ok(TwikeySettingsView {
                enabled: s.enabled,
                api_key_masked: s.api_key_last4.as_ref().map(|l| format!("•••• {l}")),
                b2c_ct: s.b2c_ct,
                b2b_ct: s.b2b_ct,
                prenotify: s.prenotify,
                batch_sending: s.batch_sending,
                private_key_set: s.private_key_encrypted.is_some(),
                retry_enabled: s.retry_enabled,
                retry_after_days: s.retry_after_days,
                retry_max: s.retry_max,
                callback_url: state.config.callback_url(&company.public_id),
                health: TwikeyHealth {
                    last_login_at: brussels(s.last_login_at),
                    last_login_error: s.last_login_error,
                    last_webhook_at: brussels(s.last_webhook_at),
                    last_webhook_valid: s.last_webhook_valid,
                    last_test_webhook_at: brussels(s.last_test_webhook_at),
                    webhooks_rejected: s.webhooks_rejected,
                    last_sync_at: brussels(s.last_sync_at),
                    last_sync_error: s.last_sync_error,
                },
            })
        }
        .await,
    )
}

/// Logs in with `api_key` (or the stored key when blank; with the private key of an
/// enhanced-security key) and lists the account's templates. Refuses a Twikey account that
/// another company is connected to. Returns the templates and the account's merchant id.
#[cfg(feature = "ssr")]
async fn login_and_templates(api_key: &str, private_key: &str) -> Result<(Vec<TemplateView>, Option<String>), AppError> {
    use crate::server::{repo::twikey_settings, session};
    let user = session::require_user().await?;
    let state = session::state();
    let settings = twikey_settings::get(&state.db, user.company_id).await?;
    let client = if api_key.trim().is_empty() {
        if settings.api_key_encrypted.is_none() {
            return Err(AppError::field("api_key", crate::i18n::Msg::ErrRequired));
        }
        let mut settings = settings.clone();
        if !private_key.trim().is_empty() {
            settings.private_key_encrypted = Some(state.secrets.encrypt(private_key.trim()));
        }
        state.twikey_client(&settings).map_err(|e| {
            tracing::error!(error = %e, "stored Twikey key unusable");
            AppError::Internal
        })?
    } else {
        let private_key = (!private_key.trim().is_empty()).then(|| private_key.trim().to_string());
        state.twikey_client_with(api_key, private_key)?
    };
    let login = client.login().await;
    let _ = twikey_settings::record_login(&state.db, user.company_id, login.as_ref().err().map(|e| e.to_string()).as_deref()).await;
    let merchant_id = login?.merchant_id;
    if let Some(m) = &merchant_id {
        if twikey_settings::company_of_merchant(&state.db, m).await?.is_some_and(|owner| owner != user.company_id) {
            tracing::warn!(company_id = user.company_id, "Twikey account already connected to another company");
            return Err(AppError::field("api_key", crate::i18n::Msg::ErrTwikeyAccountTaken));
        }
    }
    let templates = client.templates().await?;
    let templates = templates
        .into_iter()
        .filter(|t| t.active != Some(false))
        .map(|t| TemplateView { id: t.id, name: t.name.unwrap_or_default(), kind: t.kind.unwrap_or_default() })
        .collect();
    Ok((templates, merchant_id))
}

/// The templates (contracts) of the Twikey account, for choosing contract numbers.
#[server(endpoint = "twikey/templates")]
pub async fn twikey_templates(api_key: String, #[server(default)] private_key: String) -> Result<Vec<TemplateView>, AppError> {
    crate::server::respond(login_and_templates(&api_key, &private_key).await.map(|(t, _)| t))
}

/// "Test connection": logs in and reads the templates; says how many there are.
#[server(endpoint = "twikey/test")]
pub async fn test_twikey_connection(api_key: String, #[server(default)] private_key: String) -> Result<usize, AppError> {
    crate::server::respond(login_and_templates(&api_key, &private_key).await.map(|(t, _)| t.len()))
}

#[cfg(feature = "ssr")]
fn parse_ct(field: &str, value: &str, required: bool) -> Result<Option<i64>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(AppError::field(field, crate::i18n::Msg::ErrRequired)) } else { Ok(None) };
    }
    v.parse::<i64>().map(Some).map_err(|_| AppError::field(field, crate::i18n::Msg::ErrNumber))
}

/// Saves the configuration after checking it with Twikey: the key logs in, the contracts
/// exist, B2C is CORE and B2B is B2B or CORE. A blank key keeps the stored one.
#[server(endpoint = "twikey/save")]
pub async fn save_twikey_settings(
    api_key: String,
    b2c_ct: String,
    b2b_ct: String,
    #[server(default)] prenotify: Option<String>,
    #[server(default)] retry_enabled: Option<String>,
    #[server(default)] retry_after_days: Option<String>,
    #[server(default)] retry_max: Option<String>,
    #[server(default)] private_key: String,
    #[server(default)] sending: Option<String>,
) -> Result<(), AppError> {
    use crate::i18n::Msg;
    use crate::server::{repo::twikey_settings, respond, session};
    respond(
        async {
            let user = session::require_user().await?;
            let state = session::state();
            let b2c = parse_ct("b2c_ct", &b2c_ct, true)?.expect("required");
            let b2b = parse_ct("b2b_ct", &b2b_ct, false)?;
            let retry = match retry_enabled {
                None => None,
                Some(_) => {
                    let days = parse_ct("retry_after_days", retry_after_days.as_deref().unwrap_or("5"), true)?.unwrap_or(5);
                    let max = parse_ct("retry_max", retry_max.as_deref().unwrap_or("2"), true)?.unwrap_or(2);
                    if !(1..=60).contains(&days) {
                        return Err(AppError::field("retry_after_days", Msg::ErrRetryDays));
                    }
                    if !(1..=5).contains(&max) {
                        return Err(AppError::field("retry_max", Msg::ErrRetryMax));
                    }
                    Some((days, max))
                }
            };
            let private_key_hex: String = private_key.chars().filter(|c| !c.is_whitespace()).collect();
            if !private_key_hex.is_empty() && (private_key_hex.len() % 2 != 0 || !private_key_hex.chars().all(|c| c.is_ascii_hexdigit())) {
                return Err(AppError::field("private_key", Msg::ErrPrivateKeyHex));
            }
            let (templates, merchant_id) = login_and_templates(&api_key, &private_key_hex).await?;
            let kind_of = |ct: i64| templates.iter().find(|t| t.id == ct).map(|t| t.kind.to_ascii_uppercase());
            let mut problems = super::Problems::default();
            match kind_of(b2c).as_deref() {
                None => problems.add("b2c_ct", Msg::ErrContractUnknown),
                Some("CORE") => {}
                Some(_) => problems.add("b2c_ct", Msg::ErrB2cMustBeCore),
            }
            if let Some(b2b) = b2b {
                match kind_of(b2b).as_deref() {
                    None => problems.add("b2b_ct", Msg::ErrContractUnknown),
                    Some("CORE" | "B2B") => {}
                    Some(_) => problems.add("b2b_ct", Msg::ErrB2bType),
                }
            }
            problems.into_result()?;
            let key = api_key.trim();
            let sealed = (!key.is_empty()).then(|| {
                let last4: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                (state.secrets.encrypt(key), last4)
            });
            let update = twikey_settings::ConfigUpdate {
                api_key: sealed,
                b2c_ct: b2c,
                b2b_ct: b2b,
                prenotify: prenotify.is_some(),
                retry,
                private_key: (!private_key_hex.is_empty()).then(|| state.secrets.encrypt(&private_key_hex)),
                batch_sending: sending.as_deref() != Some("profile"),
                merchant_id,
            };
            match twikey_settings::save_config(&state.db, user.company_id, &update).await {
                Err(e) if crate::server::db::is_unique_violation(&e) => return Err(AppError::field("api_key", Msg::ErrTwikeyAccountTaken)),
                other => other?,
            }
            tracing::info!(company_id = user.company_id, "Twikey configuration saved");
            crate::server::twikey::sync::trigger(&state, user.company_id);
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "twikey/customer")]
pub async fn customer_twikey(customer_id: i64) -> Result<CustomerTwikeyView, AppError> {
    use crate::domain::validation::mask_iban;
    use crate::server::{
        repo::{customers, mandates, twikey_settings},
        respond, session,
    };
    respond(
        async {
            let user = session::require_user().await?;
            let db = &session::state().db;
            customers::get(db, user.company_id, customer_id).await?.ok_or(AppError::NotFound)?;
            let settings = twikey_settings::get(db, user.company_id).await?;
            let mandates = mandates::for_customer(db, user.company_id, customer_id)
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
                    invited_at: brussels(m.invited_at),
                    state_reason: m.state_reason,
                })
                .collect();
            let history = mandates::history(db, user.company_id, customer_id)
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
        .await,
    )
}

/// Prepares a mandate in Twikey for the customer to sign: individuals on the B2C contract,
/// companies on the B2B contract when there is one (else B2C).
#[server(endpoint = "twikey/mandate/prepare")]
pub async fn prepare_mandate(customer_id: i64) -> Result<(), AppError> {
    use crate::domain::customer::CustomerKind;
    use crate::server::{
        repo::{customers, mandates, twikey_settings},
        respond, session,
    };
    use twikey::InviteRequest;
    respond(
        async {
            let user = session::require_user().await?;
            let state = session::state();
            let customer = customers::get(&state.db, user.company_id, customer_id).await?.ok_or(AppError::NotFound)?;
            let settings = twikey_settings::get(&state.db, user.company_id).await?;
            if !settings.enabled {
                return Err(AppError::Refused(crate::i18n::Msg::ErrTwikeyOff));
            }
            let Some(b2c) = settings.b2c_ct.filter(|_| settings.is_configured()) else {
                return Err(AppError::Refused(crate::i18n::Msg::ErrTwikeyNotConfigured));
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
            let client = state.twikey_client(&settings).map_err(|_| AppError::Internal)?;
            let invite = client.invite(&request).await?;
            // The template's real type decides B2B vs CORE (a B2B contract number may be CORE).
            let scheme = match client.templates().await {
                Ok(templates) => templates.into_iter().find(|t| t.id == ct).and_then(|t| t.kind).unwrap_or_else(|| scheme.into()),
                Err(_) => scheme.into(),
            };
            mandates::insert_prepared(
                &state.db,
                user.company_id,
                &mandates::NewPrepared {
                    customer_id,
                    reference: &invite.mndt_id,
                    template_id: ct,
                    scheme: &scheme,
                    sign_url: invite.url.as_deref(),
                },
            )
            .await?;
            state.live.publish(user.company_id, "mandates");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn company_mandate(
    mandate_id: i64,
) -> Result<
    (crate::server::session::AuthUser, crate::server::AppState, twikey::TwikeyClient, crate::server::repo::mandates::Mandate),
    AppError,
> {
    use crate::server::{
        repo::{mandates, twikey_settings},
        session,
    };
    let user = session::require_user().await?;
    let state = session::state();
    let m = mandates::get(&state.db, user.company_id, mandate_id).await?.ok_or(AppError::NotFound)?;
    let settings = twikey_settings::get(&state.db, user.company_id).await?;
    if !settings.enabled {
        return Err(AppError::Refused(crate::i18n::Msg::ErrTwikeyOff));
    }
    let client = state.twikey_client(&settings).map_err(|_| AppError::Refused(crate::i18n::Msg::ErrTwikeyNotConfigured))?;
    Ok((user, state, client, m))
}

/// Deletes a prepared mandate in Twikey (its signing link stops working) and here.
#[server(endpoint = "twikey/mandate/delete")]
pub async fn delete_mandate(mandate_id: i64) -> Result<(), AppError> {
    use crate::server::{repo::mandates, respond};
    respond(
        async {
            let (user, state, client, m) = company_mandate(mandate_id).await?;
            if m.state() != MandateState::Prepared {
                return Err(AppError::Refused(crate::i18n::Msg::ErrMandateState));
            }
            let reason = "Deleted in Encaisse before signature";
            client.cancel_mandate(&m.reference, reason, false).await?;
            mandates::delete_prepared(&state.db, &m, reason).await?;
            state.live.publish(user.company_id, "mandates");
            Ok(())
        }
        .await,
    )
}

/// Has Twikey e-mail the signing invitation to the customer.
#[server(endpoint = "twikey/mandate/invite")]
pub async fn send_mandate_invitation(mandate_id: i64) -> Result<(), AppError> {
    use crate::server::{repo::mandates, respond};
    use twikey::MandateAction;
    respond(
        async {
            let (user, state, client, m) = company_mandate(mandate_id).await?;
            if m.state() != MandateState::Prepared {
                return Err(AppError::Refused(crate::i18n::Msg::ErrMandateState));
            }
            client.mandate_action(&m.reference, MandateAction::Invite).await?;
            mandates::mark_invited(&state.db, &m).await?;
            state.live.publish(user.company_id, "mandates");
            Ok(())
        }
        .await,
    )
}

/// Cancels a signed (or suspended, or bank-pending) mandate in Twikey with a reason. The
/// feed confirms it; the local state follows at once so the page says what happened.
#[server(endpoint = "twikey/mandate/cancel")]
pub async fn cancel_mandate(mandate_id: i64, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::server::{repo::mandates, respond};
    respond(
        async {
            let (user, state, client, m) = company_mandate(mandate_id).await?;
            if matches!(m.state(), MandateState::Prepared | MandateState::Cancelled) {
                return Err(AppError::Refused(crate::i18n::Msg::ErrMandateState));
            }
            let reason = reason.trim();
            let reason = if reason.is_empty() { "Cancelled by the creditor" } else { reason };
            let reason: String = reason.chars().take(200).collect();
            client.cancel_mandate(&m.reference, &reason, true).await?;
            let mut tx = state.db.begin().await?;
            let update = mandates::MandateUpdate { state: Some(MandateState::Cancelled), reason: Some(reason), ..Default::default() };
            mandates::apply_update(&mut tx, &m, &update, "cancelled").await?;
            tx.commit().await?;
            state.live.publish(user.company_id, "mandates");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "twikey/invoice")]
pub async fn invoice_twikey(invoice_id: i64) -> Result<InvoiceTwikeyView, AppError> {
    use crate::server::{
        twikey::collections as collect,
        repo::{collections, twikey_settings},
        respond, session,
    };
    respond(
        async {
            let user = session::require_user().await?;
            let state = session::state();
            let settings = twikey_settings::get(&state.db, user.company_id).await?;
            let e = collect::eligibility(&state, &settings, invoice_id).await?;
            let mut conn = state.db.begin().await?;
            let collections = collections::for_invoice(&mut conn, user.company_id, invoice_id).await?;
            drop(conn);
            let collections = collections
                .into_iter()
                .map(|c| CollectionView {
                    will_retry: c.failed_not_final(),
                    id: c.id,
                    reference: c.reference,
                    amount_cents: c.amount_cents,
                    attempt: c.attempt,
                    state: c.state,
                    reason_code: c.reason_code,
                    reason_message: c.reason_message,
                    reversed: c.reversed,
                    retry_at: brussels(c.retry_at),
                    prenotify: c.prenotify,
                    collection_date: c.collection_date,
                    created_at: crate::domain::time::format_brussels(c.created_at),
                })
                .collect();
            Ok(InvoiceTwikeyView {
                enabled: settings.enabled,
                why_not: e.why_not,
                customer_id: e.customer_id,
                mandate_reference: e.mandate.map(|m| m.reference),
                open_cents: e.open_cents,
                collections,
            })
        }
        .await,
    )
}

/// `Start new collection`: debits the invoice's open amount on the customer's signed mandate.
#[server(endpoint = "twikey/collect")]
pub async fn start_collection(invoice_id: i64) -> Result<(), AppError> {
    use crate::server::{respond, session, twikey::collections as collect};
    respond(
        async {
            let user = session::require_user().await?;
            let state = session::state();
            collect::start(&state, user.company_id, invoice_id, collect::Cause::User).await?;
            Ok(())
        }
        .await,
    )
}

/// Starts collections for the selected invoices whose customers have signed mandates.
#[server(endpoint = "twikey/collect/bulk")]
pub async fn start_collections(
    #[server(default)] invoice_ids: std::collections::BTreeMap<String, i64>,
) -> Result<BulkCollectReport, AppError> {
    use crate::server::{respond, session, twikey::collections as collect};
    respond(
        async {
            let user = session::require_user().await?;
            let state = session::state();
            let mut report = BulkCollectReport::default();
            for id in invoice_ids.into_values().take(500) {
                let Some(number) = crate::server::repo::invoices::number_of(&state.db, user.company_id, id).await? else {
                    continue;
                };
                let label = number.unwrap_or_else(|| format!("#{id}"));
                match collect::start(&state, user.company_id, id, collect::Cause::User).await {
                    Ok(_) => report.started.push(label),
                    Err(collect::CollectError::Cannot(why)) => report.skipped.push((label, why)),
                    Err(e) => report.failed.push((label, AppError::from(e).to_string())),
                }
            }
            Ok(report)
        }
        .await,
    )
}
