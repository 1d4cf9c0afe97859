//! The company's Twikey connection: what the configuration page shows, the login with a key
//! (test connection, the account's templates) and saving a configuration Twikey accepted.

use crate::i18n::Msg;
use crate::model::twikey::{TemplateView, TwikeyHealth, TwikeySettingsView, TwikeySettingsInput};
use crate::model::Problems;
use crate::server::repo::{companies, twikey_settings};
use crate::server::{AppState, Error};
use crate::domain::time::format_brussels;

/// The configuration as the page shows it: the key masked, the health of the connection.
pub async fn view(state: &AppState, company_id: i64) -> Result<TwikeySettingsView, Error> {
    let s = twikey_settings::get(&state.db, company_id).await?;
    let company = companies::get(&state.db, company_id).await?.ok_or_else(|| Error::internal("company of a signed-in user missing"))?;
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
            last_login_at: s.last_login_at.map(format_brussels),
            last_login_error: s.last_login_error,
            last_webhook_at: s.last_webhook_at.map(format_brussels),
            last_webhook_valid: s.last_webhook_valid,
            last_test_webhook_at: s.last_test_webhook_at.map(format_brussels),
            webhooks_rejected: s.webhooks_rejected,
            last_sync_at: s.last_sync_at.map(format_brussels),
            last_sync_error: s.last_sync_error,
        },
    })
}

/// Logs in with `api_key` (or the stored key when blank; with the private key of an
/// enhanced-security key) and lists the account's active templates. Refuses a Twikey account
/// another company is connected to. Returns the templates and the account's merchant id.
pub async fn login_and_templates(
    state: &AppState,
    company_id: i64,
    api_key: &str,
    private_key: &str,
) -> Result<(Vec<TemplateView>, Option<String>), Error> {
    let settings = twikey_settings::get(&state.db, company_id).await?;
    let client = if api_key.trim().is_empty() {
        if settings.api_key_encrypted.is_none() {
            return Err(Error::field("api_key", Msg::ErrRequired));
        }
        let mut settings = settings.clone();
        if !private_key.trim().is_empty() {
            settings.private_key_encrypted = Some(state.secrets.encrypt(private_key.trim()));
        }
        state.twikey_client(&settings).map_err(|e| Error::internal(format!("stored Twikey key unusable: {e}")))?
    } else {
        let private_key = (!private_key.trim().is_empty()).then(|| private_key.trim().to_string());
        state.twikey_client_with(api_key, private_key)?
    };
    let login = client.login().await;
    let _ = twikey_settings::record_login(&state.db, company_id, login.as_ref().err().map(|e| e.to_string()).as_deref()).await;
    let merchant_id = login?.merchant_id;
    if let Some(m) = &merchant_id {
        if twikey_settings::company_of_merchant(&state.db, m).await?.is_some_and(|owner| owner != company_id) {
            tracing::warn!(company_id, "Twikey account already connected to another company");
            return Err(Error::field("api_key", Msg::ErrTwikeyAccountTaken));
        }
    }
    let templates = client
        .templates()
        .await?
        .into_iter()
        .filter(|t| t.active != Some(false))
        .map(|t| TemplateView { id: t.id, name: t.name.unwrap_or_default(), kind: t.kind.unwrap_or_default() })
        .collect();
    Ok((templates, merchant_id))
}

fn parse_number(field: &str, value: &str, required: bool) -> Result<Option<i64>, Error> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(Error::field(field, Msg::ErrRequired)) } else { Ok(None) };
    }
    v.parse::<i64>().map(Some).map_err(|_| Error::field(field, Msg::ErrNumber))
}

/// Saves the configuration after checking it with Twikey: the key logs in, the contracts
/// exist, B2C is CORE and B2B is B2B or CORE. A blank key keeps the stored one. The first sync
/// starts at once.
pub async fn save(state: &AppState, company_id: i64, input: &TwikeySettingsInput) -> Result<(), Error> {
    let b2c = parse_number("b2c_ct", &input.b2c_ct, true)?.expect("required");
    let b2b = parse_number("b2b_ct", &input.b2b_ct, false)?;
    let retry = match &input.retry_enabled {
        None => None,
        Some(_) => {
            let days = parse_number("retry_after_days", input.retry_after_days.as_deref().unwrap_or("5"), true)?.unwrap_or(5);
            let max = parse_number("retry_max", input.retry_max.as_deref().unwrap_or("2"), true)?.unwrap_or(2);
            if !(1..=60).contains(&days) {
                return Err(Error::field("retry_after_days", Msg::ErrRetryDays));
            }
            if !(1..=5).contains(&max) {
                return Err(Error::field("retry_max", Msg::ErrRetryMax));
            }
            Some((days, max))
        }
    };
    let private_key_hex: String = input.private_key.chars().filter(|c| !c.is_whitespace()).collect();
    if !private_key_hex.is_empty() && (private_key_hex.len() % 2 != 0 || !private_key_hex.chars().all(|c| c.is_ascii_hexdigit())) {
        return Err(Error::field("private_key", Msg::ErrPrivateKeyHex));
    }
    let (templates, merchant_id) = login_and_templates(state, company_id, &input.api_key, &private_key_hex).await?;
    let kind_of = |ct: i64| templates.iter().find(|t| t.id == ct).map(|t| t.kind.to_ascii_uppercase());
    let mut problems = Problems::default();
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
    problems.into_fields().map_err(Error::Invalid)?;
    let key = input.api_key.trim();
    let sealed = (!key.is_empty()).then(|| {
        let last4: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        (state.secrets.encrypt(key), last4)
    });
    let update = twikey_settings::ConfigUpdate {
        api_key: sealed,
        b2c_ct: b2c,
        b2b_ct: b2b,
        prenotify: input.prenotify.is_some(),
        retry,
        private_key: (!private_key_hex.is_empty()).then(|| state.secrets.encrypt(&private_key_hex)),
        batch_sending: input.sending.as_deref() != Some("profile"),
        merchant_id,
    };
    match twikey_settings::save_config(&state.db, company_id, &update).await {
        Err(e) if crate::server::db::is_unique_violation(&e) => return Err(Error::field("api_key", Msg::ErrTwikeyAccountTaken)),
        other => other?,
    }
    tracing::info!(company_id, "Twikey configuration saved");
    super::sync::trigger(state, company_id);
    Ok(())
}
