//! The page behind an invite's `url`: the debtor reads the mandate, enters an IBAN and signs.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use super::html::{escape, page};
use super::state::{MandateRec, MandateState};
use super::SandboxState;

fn gone() -> Response {
    let body = "<p role=\"alert\">This signing link is no longer valid. The mandate was withdrawn \
or does not exist. Please contact your creditor.</p>";
    (StatusCode::GONE, Html(page("Link no longer valid", body))).into_response()
}

fn render(st: &SandboxState, key: &str, m: &MandateRec, error: Option<&str>) -> String {
    let tpl = st.config().templates.iter().find(|t| t.id == m.ct);
    let scheme = if m.kind == "B2B" { "SEPA B2B (business-to-business) direct debit" } else { "SEPA CORE direct debit" };
    let f = |k: &str| escape(m.fields.get(k).map(String::as_str).unwrap_or(""));
    let address = [f("address"), format!("{} {}", f("zip"), f("city")).trim().to_string(), f("country")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e))).unwrap_or_default();
    let body = format!(
        "<p>By signing this mandate form, you authorise <strong>Encaisse Sandbox Creditor</strong> to send \
instructions to your bank to debit your account, and your bank to debit your account in accordance \
with those instructions ({scheme}).</p>\
<dl><dt>Creditor</dt><dd>Encaisse Sandbox Creditor (BE69ZZZ0123456789)</dd>\
<dt>Debtor</dt><dd>{debtor}</dd><dt>E-mail</dt><dd>{email}</dd><dt>Address</dt><dd>{address}</dd>\
<dt>Mandate reference</dt><dd>{mndt}</dd><dt>Contract</dt><dd>{tpl} ({kind}, recurrent)</dd></dl>\
{error}<form method=\"post\" action=\"/sign/{key}\">\
<label for=\"iban\">IBAN</label><input id=\"iban\" name=\"iban\" autocomplete=\"off\" required value=\"{iban}\">\
<label for=\"bic\">BIC (optional)</label><input id=\"bic\" name=\"bic\" value=\"{bic}\">\
<button type=\"submit\">Sign</button></form>",
        debtor = escape(&m.debtor_name()),
        email = f("email"),
        mndt = escape(&m.mndt_id),
        tpl = escape(tpl.map(|t| t.name.as_str()).unwrap_or("")),
        kind = escape(&m.kind),
        key = escape(key),
        iban = f("iban"),
        bic = f("bic"),
    );
    page("Sign your direct debit mandate", &body)
}

pub async fn show(State(st): State<SandboxState>, Path(key): Path<String>) -> Response {
    match st.read(|d| d.find_by_key(&key)) {
        Some((_, m)) if m.state == MandateState::Prepared => Html(render(&st, &key, &m, None)).into_response(),
        Some((_, m)) if m.state != MandateState::Deleted => {
            let body = format!("<p role=\"status\">Mandate {} is signed ({}).</p>", escape(&m.mndt_id), m.state.as_str());
            Html(page("Mandate already signed", &body)).into_response()
        }
        _ => gone(),
    }
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    iban: String,
    #[serde(default)]
    bic: String,
}

pub async fn submit(State(st): State<SandboxState>, Path(key): Path<String>, Form(form): Form<SignForm>) -> Response {
    let Some((api_key, m)) = st.read(|d| d.find_by_key(&key)) else {
        return gone();
    };
    if m.state == MandateState::Deleted {
        return gone();
    }
    let templates = st.config().templates.clone();
    let after = st.settle_after();
    let bic = Some(form.bic.as_str()).filter(|b| !b.trim().is_empty());
    match st.mutate(|d| d.sign(&api_key, &m.mndt_id, &form.iban, bic, after, &templates, Utc::now())) {
        Ok(signed) => {
            if st.config().settle_after.is_zero() {
                st.settle(false);
            }
            let next = if signed.state == MandateState::SignedPendingDebtorBank {
                "Your bank still has to confirm this business mandate."
            } else {
                "Your mandate is active."
            };
            let body = format!(
                "<p role=\"status\">Thank you. Mandate {} was signed. {next}</p>",
                escape(&signed.mndt_id)
            );
            Html(page("Mandate signed", &body)).into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, Html(render(&st, &key, &m, Some(&e.message)))).into_response(),
    }
}
