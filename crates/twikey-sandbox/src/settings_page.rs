//! A page like Twikey's Settings → API: the webhook URL of an API key.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::html::{escape, page};
use super::SandboxState;

#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(rename = "apiKey", default)]
    api_key: Option<String>,
}

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(rename = "apiKey", default)]
    api_key: String,
    #[serde(rename = "webhookUrl", default)]
    webhook_url: String,
}

fn render(st: &SandboxState, api_key: &str, notice: Option<(&str, bool)>) -> String {
    let url = st.read(|d| d.tenants.get(api_key).and_then(|t| t.webhook_url.clone())).unwrap_or_default();
    let notice = match notice {
        Some((text, true)) => format!("<p role=\"status\">{}</p>", escape(text)),
        Some((text, false)) => format!("<p class=\"error\" role=\"alert\">{}</p>", escape(text)),
        None => String::new(),
    };
    let body = format!(
        "<p>Twikey calls the webhook URL (GET, signed with the API key in <code>X-Signature</code>) \
when mandates or payments change.</p>{notice}<form method=\"post\" action=\"/settings/api\">\
<label for=\"apiKey\">API key</label><input id=\"apiKey\" name=\"apiKey\" value=\"{key}\" required>\
<label for=\"webhookUrl\">Webhook URL</label><input id=\"webhookUrl\" name=\"webhookUrl\" type=\"url\" value=\"{url}\">\
<button type=\"submit\">Save</button></form>",
        key = escape(api_key),
        url = escape(&url),
    );
    page("Settings → API", &body)
}

pub async fn show(State(st): State<SandboxState>, Query(q): Query<Which>) -> Response {
    let key = q.api_key.unwrap_or_else(|| st.config().api_keys.first().cloned().unwrap_or_default());
    Html(render(&st, &key, None)).into_response()
}

pub async fn save(State(st): State<SandboxState>, Form(form): Form<SaveForm>) -> Response {
    let url = form.webhook_url.trim().to_string();
    if !url.is_empty() && !(url.starts_with("http://") || url.starts_with("https://")) {
        return (StatusCode::BAD_REQUEST, Html(render(&st, &form.api_key, Some(("The webhook URL must start with http:// or https://", false))))).into_response();
    }
    let templates = st.config().templates.clone();
    // A `sandbox-…` key becomes a creditor here if it has not logged in yet.
    let known = st.mutate(|d| {
        if !d.ensure_tenant(&form.api_key, &templates) {
            return false;
        }
        d.tenant(&form.api_key).webhook_url = Some(url).filter(|u| !u.is_empty());
        true
    });
    if !known {
        return (StatusCode::BAD_REQUEST, Html(render(&st, &form.api_key, Some(("Unknown API key", false))))).into_response();
    }
    Html(render(&st, &form.api_key, Some(("Saved", true)))).into_response()
}
