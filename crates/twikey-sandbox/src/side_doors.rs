//! Side doors for tests and demos, under `/_sandbox` (not part of Twikey's API):
//! - `GET /_sandbox/emails`: e-mails Twikey would have sent, oldest first:
//!   `[{"id","to","kind","subject","mandate","transaction","transaction_ref","url","time"}]`,
//!   `kind` one of `invitation`, `reminder`, `prenotification`, `cancellation`.
//! - `GET /_sandbox/webhooks`: webhook deliveries with their query, signature, attempts, status.
//! - `POST /_sandbox/settle`: the bank answers now: every transaction sent to the bank gets
//!   its outcome and every pending B2B bank check its answer; answers `{"settled": n}`.
//!   Transactions not sent (no collect, no automatic sending) stay open.
//! - `POST /_sandbox/faults`: inject faults, see [`super::faults`]; `GET` lists, `DELETE` clears.
//! - `POST /_sandbox/reset`: back to the start state.
//! - `POST /_sandbox/expire-tokens`: invalidate all session tokens (as after 24 h).
//! - `POST /_sandbox/templates` `{"api_key","ct","auto_send","reoffers"}` (all optional; no
//!   `api_key`: the first configured key; no `ct`: every template): one creditor's template
//!   options; answers the list `GET /_sandbox/templates?api_key=` gives:
//!   `[{"id","type","name","auto_send","reoffers"}]`.
//! - `POST /_sandbox/security` `{"api_key","private_key"}`: enhanced security, the login of
//!   that key needs the `otp` of the hex private key; `null` or `""` switches it off.
//! - `GET /_sandbox/peppol` (optional `?api_key=`): every document handed to the Peppol network,
//!   oldest first, with the UBL as received: `[{"id","api_key","merchant_id","invoice_id",
//!   "number","document_type","sender","receiver","payment_means","mandate","contract","manual",
//!   "ubl","time"}]`.
//! - `POST /_sandbox/rate-limits` `{"detail_per_minute","logins_per_minute"}` (optional, 0: no
//!   limit): changes the limits and starts every budget afresh; `GET` shows them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use serde::Deserialize;

use super::faults::FaultSpec;
use super::SandboxState;

fn bad_request(error: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": error.into()}))).into_response()
}

fn unknown_key() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "unknown API key (only configured and sandbox-… keys exist)"}))).into_response()
}

fn key_or_default(st: &SandboxState, key: Option<String>) -> String {
    key.filter(|k| !k.is_empty()).unwrap_or_else(|| st.config().api_keys.first().cloned().unwrap_or_default())
}

pub async fn emails(State(st): State<SandboxState>) -> Response {
    Json(st.read(|d| d.emails.clone())).into_response()
}

pub async fn webhooks(State(st): State<SandboxState>) -> Response {
    Json(st.webhooks().log()).into_response()
}

pub async fn peppol(State(st): State<SandboxState>, Query(q): Query<WhichKey>) -> Response {
    let key = q.api_key.filter(|k| !k.is_empty());
    Json(st.read(|d| d.peppol.iter().filter(|p| key.as_ref().is_none_or(|k| *k == p.api_key)).cloned().collect::<Vec<_>>())).into_response()
}

pub async fn settle(State(st): State<SandboxState>) -> Response {
    let n = st.settle(true);
    Json(json!({"settled": n})).into_response()
}

pub async fn add_faults(State(st): State<SandboxState>, Json(body): Json<Value>) -> Response {
    let specs: Vec<Value> = match body {
        Value::Array(a) => a,
        other => vec![other],
    };
    let mut faults = st.faults();
    for s in specs {
        let spec: FaultSpec = match serde_json::from_value(s) {
            Ok(s) => s,
            Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({"error": e.to_string()}))).into_response(),
        };
        if let Err(e) = faults.add(spec) {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": e}))).into_response();
        }
    }
    Json(faults.list()).into_response()
}

pub async fn list_faults(State(st): State<SandboxState>) -> Response {
    Json(st.faults().list()).into_response()
}

pub async fn clear_faults(State(st): State<SandboxState>) -> Response {
    st.faults().clear();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn reset(State(st): State<SandboxState>) -> Response {
    st.reset();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn expire_tokens(State(st): State<SandboxState>) -> Response {
    st.expire_tokens();
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize, Default)]
pub struct WhichKey {
    #[serde(default)]
    api_key: Option<String>,
}

pub async fn templates(State(st): State<SandboxState>, Query(q): Query<WhichKey>) -> Response {
    let key = key_or_default(&st, q.api_key);
    let templates = &st.config().templates;
    let known = st.read(|d| d.tenants.contains_key(&key)) || super::is_sandbox_key(&key);
    if !known {
        return unknown_key();
    }
    Json(st.read(|d| d.templates_json(&key, templates))).into_response()
}

#[derive(Deserialize)]
pub struct TemplateChange {
    #[serde(default)]
    api_key: Option<String>,
    #[serde(default)]
    ct: Option<i64>,
    #[serde(default)]
    auto_send: Option<bool>,
    #[serde(default)]
    reoffers: Option<u32>,
}

pub async fn set_templates(State(st): State<SandboxState>, Json(body): Json<TemplateChange>) -> Response {
    let key = key_or_default(&st, body.api_key);
    let templates = st.config().templates.clone();
    let cts: Vec<i64> = match body.ct {
        Some(ct) => vec![ct],
        None => templates.iter().map(|t| t.id).collect(),
    };
    let result = st.mutate(|d| {
        if !d.ensure_tenant(&key, &templates) {
            return Err(None::<String>);
        }
        for ct in cts {
            d.set_template_options(&key, ct, body.auto_send, body.reoffers, &templates).map_err(Some)?;
        }
        Ok(d.templates_json(&key, &templates))
    });
    match result {
        Ok(list) => Json(list).into_response(),
        Err(None) => unknown_key(),
        Err(Some(e)) => bad_request(e),
    }
}

#[derive(Deserialize)]
pub struct SecurityChange {
    #[serde(default)]
    api_key: Option<String>,
    #[serde(default)]
    private_key: Option<String>,
}

pub async fn security(State(st): State<SandboxState>, Json(body): Json<SecurityChange>) -> Response {
    let key = key_or_default(&st, body.api_key);
    let private_key = body.private_key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    if private_key.as_ref().is_some_and(|k| hex::decode(k).is_err()) {
        return bad_request("private_key must be hexadecimal");
    }
    let templates = st.config().templates.clone();
    let enabled = private_key.is_some();
    let known = st.mutate(|d| {
        if !d.ensure_tenant(&key, &templates) {
            return false;
        }
        d.tenant(&key).private_key = private_key;
        true
    });
    if !known {
        return unknown_key();
    }
    Json(json!({"enhanced_security": enabled})).into_response()
}

#[derive(Deserialize)]
pub struct RateLimitChange {
    #[serde(default)]
    detail_per_minute: Option<u32>,
    #[serde(default)]
    logins_per_minute: Option<u32>,
}

pub async fn rate_limits(State(st): State<SandboxState>) -> Response {
    Json(st.rate_limits().describe()).into_response()
}

pub async fn set_rate_limits(State(st): State<SandboxState>, Json(body): Json<RateLimitChange>) -> Response {
    let mut r = st.rate_limits();
    if let Some(n) = body.detail_per_minute {
        r.detail_per_minute = n;
    }
    if let Some(n) = body.logins_per_minute {
        r.logins_per_minute = n;
    }
    r.clear_windows();
    Json(r.describe()).into_response()
}
