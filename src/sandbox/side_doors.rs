//! Side doors for tests and demos, under `/_sandbox` (not part of Twikey's API):
//! - `GET /_sandbox/emails`: e-mails Twikey would have sent, oldest first:
//!   `[{"id","to","kind","subject","mandate","transaction","transaction_ref","url","time"}]`,
//!   `kind` one of `invitation`, `reminder`, `prenotification`, `cancellation`.
//! - `GET /_sandbox/webhooks`: webhook deliveries with their query, signature, attempts, status.
//! - `POST /_sandbox/settle`: settle every open transaction and answer every pending B2B
//!   bank check now; answers `{"settled": n}`.
//! - `POST /_sandbox/faults`: inject faults, see [`super::faults`]; `GET` lists, `DELETE` clears.
//! - `POST /_sandbox/reset`: back to the start state.
//! - `POST /_sandbox/expire-tokens`: invalidate all session tokens (as after 24 h).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::faults::FaultSpec;
use super::SandboxState;

pub async fn emails(State(st): State<SandboxState>) -> Response {
    Json(st.read(|d| d.emails.clone())).into_response()
}

pub async fn webhooks(State(st): State<SandboxState>) -> Response {
    Json(st.webhooks().log()).into_response()
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
