//! The creditor API (`/creditor/...` and `/api/creditor/...`), routed by hand so that
//! faults can be matched on the raw path before anything else happens.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};

use super::faults::normalize_path;
use super::security::Budget;
use super::invoices::UblRequest;
use super::state::{ApiError, NewTx};
use super::SandboxState;

/// Chunk size of the feeds (`chunkSize` may lower it, as in Twikey's legacy API).
const FEED_CHUNK: usize = 100;
/// Invite fields copied onto the mandate (lower-case `firstname`/`lastname` as in the spec).
const MANDATE_FIELDS: [&str; 17] = [
    "email", "firstname", "lastname", "mobile", "customerNumber", "address", "city", "zip", "country",
    "companyName", "vatno", "coc", "form", "iban", "bic", "mandateNumber", "contractNumber",
];

/// Query and form fields together; Twikey SDKs put the same fields in either place.
pub struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Self {
        let mut v: Vec<(String, String)> =
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect();
        let json_body = headers
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.contains("json"));
        if !body.is_empty() && !json_body {
            v.extend(url::form_urlencoded::parse(body).into_owned());
        }
        Params(v)
    }

    /// First non-empty value.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(key, v)| key == k && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    fn all(&self, k: &str) -> Vec<&str> {
        self.0.iter().filter(|(key, _)| key == k).map(|(_, v)| v.as_str()).collect()
    }

    /// Lenient boolean (`true`, `True`, `1`, or present without a value).
    fn flag(&self, k: &str) -> bool {
        self.0.iter().any(|(key, v)| key == k && twikey::lenient::parse_bool(v) != Some(false))
    }

    /// Whether the field is there at all, whatever its value (`prenotify`, API.md §7).
    fn present(&self, k: &str) -> bool {
        self.0.iter().any(|(key, _)| key == k)
    }

    fn string(&self, k: &str) -> Option<String> {
        self.get(k).map(str::to_string)
    }
}

pub fn error_response(e: &ApiError) -> Response {
    raw_error(e.status, e.code, &e.message, e.extra.as_deref())
}

/// Twikey's error shape: the code in both `ApiError` and `ApiErrorCode` (SDKs read either)
/// and a `{code, message, extra}` body.
fn raw_error(status: u16, code: &str, message: &str, extra: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut body = json!({"code": code, "message": message});
    if let Some(x) = extra {
        body["extra"] = json!(x);
    }
    let r = (status, Json(body)).into_response();
    let r = with_header(r, "ApiError", code);
    with_header(r, "ApiErrorCode", code)
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn with_header(mut r: Response, k: &'static str, v: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(v) {
        r.headers_mut().insert(k, v);
    }
    r
}

/// HTTP 429 with `X-Rate-Limit-Retry-After-Seconds`.
fn rate_limited(retry_after: u64, message: &str) -> Response {
    let r = raw_error(429, "err_too_many_requests", message, None);
    with_header(r, "X-Rate-Limit-Retry-After-Seconds", &retry_after.to_string())
}

fn fault_response(f: &super::faults::FaultSpec) -> Response {
    let status = f.status.unwrap_or(500);
    let code = match (status, f.code.as_deref()) {
        (_, Some(c)) => c,
        (401, None) => "err_no_login",
        (429, None) => "err_too_many_requests",
        (s, None) if s >= 500 => "system_error",
        _ => "err_invalid_params",
    };
    let message = f.message.clone().unwrap_or_else(|| "Injected sandbox fault".into());
    let mut r = raw_error(status, code, &message, None);
    if status == 429 {
        r = with_header(r, "X-Rate-Limit-Retry-After-Seconds", &f.retry_after.unwrap_or(1).to_string());
    }
    r
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?.trim();
    Some(v.strip_prefix("Bearer ").unwrap_or(v).to_string())
}

fn header(headers: &HeaderMap, k: &str) -> Option<String> {
    headers.get(k).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn dispatch(State(st): State<SandboxState>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = normalize_path(uri.path());
    if path.strip_prefix("/creditor").is_none() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let fault = st.faults().take_call_fault(method.as_str(), &path);
    let Some(ms) = fault.as_ref().and_then(|f| f.delay_ms) else {
        return handle(&st, fault.as_ref(), &method, &uri, &headers, &body);
    };
    // A slow call runs in a task of its own: a client that gives up waiting closes the
    // connection, which must not stop the call, so the change is made anyway (as on a
    // real server).
    let task = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        handle(&st, fault.as_ref(), &method, &uri, &headers, &body)
    });
    match task.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// One API call, after an injected delay.
fn handle(st: &SandboxState, fault: Option<&super::faults::FaultSpec>, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
    let path = normalize_path(uri.path());
    let sub = path.strip_prefix("/creditor").unwrap_or("");
    if let Some(f) = fault {
        if f.drop == Some(true) {
            // Unwinding the connection task closes the socket without an answer;
            // resume_unwind skips the panic hook, so nothing is printed.
            std::panic::resume_unwind(Box::new("sandbox fault: dropped connection"));
        }
        if f.status.is_some() {
            return fault_response(f);
        }
    }
    let params = Params::parse(uri.query(), headers, body);
    let now = Utc::now();

    if sub.is_empty() || sub == "/" {
        return match *method {
            Method::POST => login(st, &params, now),
            Method::GET => {
                if let Some(t) = bearer(headers) {
                    st.mutate(|d| d.logout(&t));
                }
                no_content()
            }
            _ => error_response(&ApiError::new("err_invalid_params", "Method not allowed").status(405)),
        };
    }

    let api_key = match bearer(headers).map(|t| st.read(|d| d.authenticate(&t, now))) {
        Some(Ok(k)) => k,
        Some(Err(e)) => return error_response(&e),
        None => return error_response(&ApiError::new("err_no_login", "No session token").status(401)),
    };
    // Rate-limited snapshot reads: one budget per creditor and minute.
    let mut remaining = None;
    let invoice_detail = sub.strip_prefix("/invoice/").is_some_and(|id| !id.is_empty() && !id.contains('/') && !matches!(id, "ubl" | "bulk"));
    if method == Method::GET && (matches!(sub, "/mandate/detail" | "/transaction/detail") || invoice_detail) {
        match st.rate_limits().detail(&api_key, std::time::Instant::now()) {
            Budget::RetryAfter(secs) => return rate_limited(secs, "Too many requests, rate limit reached"),
            Budget::Remaining(n) => remaining = Some(n),
            Budget::Unlimited => {}
        }
    }
    let r = match route(st, &api_key, method, sub, &params, headers, body) {
        Ok(r) => r,
        Err(e) => error_response(&e),
    };
    match remaining {
        Some(n) => with_header(r, "X-Rate-Limit-Remaining", &n.to_string()),
        None => r,
    }
}

fn login(st: &SandboxState, params: &Params, now: chrono::DateTime<Utc>) -> Response {
    let key = params.get("apiToken").unwrap_or("").to_string();
    if let Budget::RetryAfter(secs) = st.rate_limits().login(&key, std::time::Instant::now()) {
        return rate_limited(secs, "Too many logins, please try again later");
    }
    let templates = &st.config().templates;
    match st.mutate(|d| d.login(&key, params.get("otp"), templates, now)) {
        Ok((token, merchant)) => {
            let r = Json(json!({"Authorization": token})).into_response();
            let r = with_header(r, "Authorization", &token);
            with_header(r, "X-MERCHANT-ID", &merchant.to_string())
        }
        Err(e) => error_response(&e),
    }
}

fn ct_param(params: &Params) -> Result<i64, ApiError> {
    let ct = params.get("ct").or_else(|| params.get("tc")).ok_or_else(|| ApiError::missing("ct"))?;
    ct.trim().parse().map_err(|_| ApiError::new("err_invalid_ct", "Invalid template").extra("ct"))
}

fn route(st: &SandboxState, key: &str, method: &Method, sub: &str, p: &Params, headers: &HeaderMap, body: &[u8]) -> Result<Response, ApiError> {
    let templates = st.config().templates.clone();
    let public_url = st.public_url().to_string();
    let settle_after = st.settle_after();
    let now = Utc::now();
    let segments: Vec<&str> = sub.trim_start_matches('/').split('/').collect();
    match (method.clone(), segments.as_slice()) {
        (Method::POST, ["invite"]) | (Method::POST, ["prepare"]) => {
            let ct = ct_param(p)?;
            let mut fields = BTreeMap::new();
            for f in MANDATE_FIELDS {
                if let Some(v) = p.get(f) {
                    fields.insert(f.to_string(), v.to_string());
                }
            }
            for (alias, f) in [("firstName", "firstname"), ("lastName", "lastname"), ("l", "l")] {
                if let Some(v) = p.get(alias) {
                    fields.insert(f.to_string(), v.to_string());
                }
            }
            let body = st.mutate(|d| d.invite(key, ct, fields, p.flag("sendInvite"), p.flag("check"), &templates, &public_url, now))?;
            Ok(Json(body).into_response())
        }
        (Method::POST, ["sign"]) => {
            // Any signing method is accepted; the sandbox does not simulate them.
            p.get("method").ok_or_else(|| ApiError::missing("method"))?;
            let iban = p.get("iban").ok_or_else(|| ApiError::missing("iban"))?.to_string();
            let bic = p.string("bic");
            let skip_bank = p.get("bankSignature").and_then(twikey::lenient::parse_bool) == Some(false);
            let m = st.mutate(|d| {
                let mndt_id = match p.get("key") {
                    Some(k) => d.find_by_key(k).filter(|(owner, _)| owner == key).map(|(_, m)| m.mndt_id).ok_or_else(ApiError::no_contract)?,
                    None => {
                        let mut fields = BTreeMap::new();
                        for f in MANDATE_FIELDS {
                            if let Some(v) = p.get(f) {
                                fields.insert(f.to_string(), v.to_string());
                            }
                        }
                        let ct = ct_param(p)?;
                        let v = d.invite(key, ct, fields, false, false, &templates, &public_url, now)?;
                        v["mndtId"].as_str().unwrap_or_default().to_string()
                    }
                };
                let after = if skip_bank { chrono::Duration::zero() } else { settle_after };
                d.sign(key, &mndt_id, &iban, bic.as_deref(), after, &templates, now)
            })?;
            if skip_bank {
                st.settle(false);
            }
            Ok(Json(json!({"Msg": "OK", "MndtId": m.mndt_id})).into_response())
        }
        (Method::GET, ["mandate", "detail"]) => {
            let id = p.get("mndtId").ok_or_else(|| ApiError::missing("mndtId"))?;
            let force = p.flag("force");
            let (m, body) = st.read(|d| {
                let m = d.mandate(key, id)?;
                let body = d.mndt_json(&m, &templates);
                Ok::<_, ApiError>((m, body))
            })?;
            use super::state::MandateState::*;
            if !force && !matches!(m.state, Signed | SignedPendingDebtorBank | Suspended) {
                return Err(ApiError::no_contract());
            }
            let r = Json(json!({"Mndt": body})).into_response();
            let r = with_header(r, "X-STATE", m.state.as_str());
            Ok(with_header(r, "X-COLLECTABLE", if m.state == Signed { "true" } else { "false" }))
        }
        (Method::POST, ["mandate", "update"]) => {
            let id = p.get("mndtId").ok_or_else(|| ApiError::missing("mndtId"))?.to_string();
            let mut changes = BTreeMap::new();
            for (k, v) in &p.0 {
                let k = match k.as_str() {
                    "mndtId" => continue,
                    "firstName" => "firstname",
                    "lastName" => "lastname",
                    other => other,
                };
                changes.insert(k.to_string(), v.clone());
            }
            st.mutate(|d| d.update(key, &id, changes, &templates, now))?;
            Ok(no_content())
        }
        (Method::DELETE, ["mandate"]) => {
            let id = p.get("mndtId").ok_or_else(|| ApiError::missing("mndtId"))?;
            let rsn = p.get("rsn").ok_or_else(|| ApiError::new("err_provide_reason", "Please provide a reason").extra("rsn"))?;
            st.mutate(|d| d.cancel(key, id, rsn, &templates, now))?;
            Ok(StatusCode::OK.into_response())
        }
        (Method::POST, ["mandate", id, "action"]) => {
            let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy().into_owned();
            let kind = p.get("type").unwrap_or("");
            st.mutate(|d| d.action(key, &id, kind, p.get("reminder"), &public_url, now))?;
            Ok(no_content())
        }
        (Method::GET, ["mandate"]) => {
            let (items, last) = read_feed(st, key, true, p, headers)?;
            let r = Json(json!({"GrpHdr": {"CreDtTm": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}, "Messages": items})).into_response();
            Ok(match last { Some(l) => with_header(r, "X-LAST", &l.to_string()), None => r })
        }
        (Method::GET, ["template"]) => {
            let list: Vec<Value> = templates
                .iter()
                .map(|t| json!({"id": t.id, "name": t.name, "active": true, "type": t.kind, "mandateNumberRequired": false, "Attributes": []}))
                .collect();
            Ok(Json(list).into_response())
        }
        (Method::POST, ["transaction", "refund"]) => {
            let idem = header(headers, "Idempotency-Key");
            let rec = st.mutate(|d| d.refund(key, p.get("id"), p.get("message"), p.get("amount"), p.get("ref"), idem, now))?;
            Ok(Json(json!({"id": rec.tx_id, "amount": rec.amount_cents as f64 / 100.0, "ref": rec.reference})).into_response())
        }
        (Method::POST, ["transaction"]) => {
            let idem = header(headers, "Idempotency-Key");
            if idem.as_ref().is_some_and(|k| k.len() > 64) {
                return Err(ApiError::new("err_invalid_params", "Idempotency-Key longer than 64 characters").extra("Idempotency-Key"));
            }
            let req = NewTx {
                mndt_id: p.get("mndtId"),
                message: p.get("message"),
                amount: p.get("amount"),
                reference: p.get("ref"),
                place: p.get("place"),
                reqcolldt: p.get("reqcolldt"),
                date: p.get("date"),
                idempotency_key: idem,
            };
            let tx = st.mutate(|d| {
                let tx = d.create_transaction(key, &req, &templates, settle_after, now)?;
                Ok::<_, ApiError>(d.tx_json(key, &tx, &templates))
            })?;
            Ok(Json(json!({"Entries": [tx]})).into_response())
        }
        (Method::GET, ["transaction"]) => {
            let (items, last) = read_feed(st, key, false, p, headers)?;
            let r = Json(json!({"Entries": items})).into_response();
            Ok(match last { Some(l) => with_header(r, "X-LAST", &l.to_string()), None => r })
        }
        (Method::GET, ["transaction", "detail"]) => {
            let ids: Vec<i64> = p.all("id").iter().filter_map(|s| s.trim().parse().ok()).collect();
            let refs = p.all("ref");
            let mndt = p.get("mndtId");
            let state = p.get("state").map(str::to_ascii_uppercase);
            let entries = st.read(|d| {
                let t = &d.tenants[key];
                t.transactions
                    .iter()
                    .filter(|x| ids.is_empty() || ids.contains(&x.id))
                    .filter(|x| refs.is_empty() || x.reference.as_deref().is_some_and(|r| refs.contains(&r)))
                    .filter(|x| mndt.is_none_or(|m| x.mndt_id == m))
                    .filter(|x| match &state {
                        Some(s) => &x.state == s,
                        // With no filter at all, Twikey returns the open transactions.
                        None => !(ids.is_empty() && refs.is_empty() && mndt.is_none()) || x.state == "OPEN",
                    })
                    .map(|x| d.tx_json(key, x, &templates))
                    .collect::<Vec<_>>()
            });
            Ok(Json(json!({"Entries": entries})).into_response())
        }
        (Method::DELETE, ["transaction"]) => {
            let id = match p.get("id") {
                Some(s) => Some(s.trim().parse::<i64>().map_err(|_| ApiError::new("err_invalid_params", "Invalid id").extra("id"))?),
                None => None,
            };
            let r = p.get("ref");
            if id.is_none() && r.is_none() {
                return Err(ApiError::missing("id"));
            }
            st.mutate(|d| d.delete_transaction(key, id, r))?;
            Ok(no_content())
        }
        (Method::POST, ["collect"]) => {
            let ct = ct_param(p)?;
            if let Some(d) = p.get("colltndt") {
                if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                    return Err(ApiError::new("err_invalid_date", "Invalid collection date").extra("colltndt"));
                }
            }
            let until = match p.get("until") {
                Some(u) => {
                    let ms = u.trim().parse::<f64>().ok().filter(|ms| ms.is_finite() && *ms >= 0.0);
                    let t = ms.and_then(|ms| chrono::DateTime::from_timestamp_millis(ms as i64));
                    Some(t.ok_or_else(|| ApiError::new("err_invalid_params", "until must be epoch milliseconds").extra("until"))?)
                }
                None => None,
            };
            // Its mere presence asks for the pre-notification, whatever the value.
            let prenotify = p.present("prenotify");
            let body = st.mutate(|d| d.collect(key, ct, prenotify, until, &templates, settle_after, now))?;
            Ok(Json(body).into_response())
        }
        (Method::POST, ["invoice", "ubl"]) => {
            let req = UblRequest {
                body,
                invoice_id: header(headers, "X-INVOICE-ID"),
                contract: header(headers, "X-CONTRACT"),
                manual: header(headers, "X-MANUAL"),
                template: header(headers, "X-TEMPLATE"),
            };
            let invoice = st.mutate(|d| d.upload_ubl(key, &req, &templates, settle_after, now))?;
            Ok(Json(invoice).into_response())
        }
        (Method::GET, ["invoice"]) => {
            let resume = match header(headers, "X-RESUME-AFTER") {
                Some(v) => Some(v.parse::<i64>().map_err(|_| ApiError::new("err_invalid_params", "Invalid X-RESUME-AFTER").extra("X-RESUME-AFTER"))?),
                None => None,
            };
            let (items, last) = st.mutate(|d| d.read_invoice_feed(key, resume, FEED_CHUNK));
            let r = Json(json!({"Invoices": items})).into_response();
            Ok(match last { Some(l) => with_header(r, "X-LAST", &l.to_string()), None => r })
        }
        (Method::GET, ["invoice", id]) => {
            let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy().into_owned();
            let include = p.all("include");
            let body = st.read(|d| d.invoice(key, &id).map(|i| i.json(include.contains(&"meta"), include.contains(&"customer"))))?;
            Ok(Json(body).into_response())
        }
        (Method::POST, ["invoice", id, "action"]) => {
            let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy().into_owned();
            st.mutate(|d| d.invoice_action(key, &id, p.get("type"), now))?;
            Ok(no_content())
        }
        _ => Err(ApiError::new("err_not_found", format!("No such call: {method} /creditor{sub}")).status(404)),
    }
}

fn read_feed(st: &SandboxState, key: &str, mandates: bool, p: &Params, headers: &HeaderMap) -> Result<(Vec<Value>, Option<i64>), ApiError> {
    let resume = match header(headers, "X-RESUME-AFTER") {
        Some(v) => Some(v.parse::<i64>().map_err(|_| ApiError::new("err_invalid_params", "Invalid X-RESUME-AFTER").extra("X-RESUME-AFTER"))?),
        None => None,
    };
    let limit = p.get("chunkSize").and_then(|s| s.parse::<usize>().ok()).unwrap_or(FEED_CHUNK).clamp(1, FEED_CHUNK);
    // `X-TYPES`: comma list of contract types (default CORE,B2B,CREDITCARD).
    let types: Option<Vec<String>> = header(headers, "X-TYPES")
        .map(|v| v.split(',').map(|t| t.trim().to_ascii_uppercase()).filter(|t| !t.is_empty()).collect::<Vec<_>>())
        .filter(|t| !t.is_empty() && mandates);
    Ok(st.mutate(|d| d.read_feed(key, mandates, resume, limit, types.as_deref())))
}

/// `GET /search/1.0/json?participant=iso6523-actorid-upis::0208:0403170701`: a stand-in of the
/// Peppol Directory's search, answering who can receive (see [`super::invoices::registered`]).
/// Faults on its path (`/search/1.0/json`) work as on the API.
pub async fn peppol_directory(State(st): State<SandboxState>, uri: Uri) -> Response {
    let fault = st.faults().take_call_fault("GET", uri.path());
    if let Some(f) = &fault {
        if let Some(ms) = f.delay_ms {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        if f.drop == Some(true) {
            std::panic::resume_unwind(Box::new("sandbox fault: dropped connection"));
        }
        if f.status.is_some() {
            return fault_response(f);
        }
    }
    let q: Vec<(String, String)> = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let Some((_, participant)) = q.iter().find(|(k, _)| k == "participant") else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "participant is required"}))).into_response();
    };
    Json(super::invoices::directory_answer(participant, Utc::now())).into_response()
}
