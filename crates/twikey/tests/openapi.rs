//! The Twikey client against Twikey's own OpenAPI description (`crates/twikey/openapi.yaml`,
//! the source of truth; `TWIKEY_OPENAPI` overrides the path).
//!
//! For every endpoint the client calls ([`endpoints`]), the test walks the description:
//! - every JSON example of the operation's 2xx answers (`example`, `examples` and the answer
//!   schema's own `example`, `$ref`s resolved) is served by a local stub and read by the client
//!   method that makes the call, so a shape the client cannot read fails with the endpoint, the
//!   example and the serde error;
//! - every request the client sends there (with all optional fields filled) is checked against
//!   the operation: form fields against the request schema's properties, query and header names
//!   against its parameters, required ones present, and values against `enum`, simple types and
//!   `maxLength`, so a misspelled field name fails.
//!
//! `every_client_path_has_a_row` scans `src/client.rs` for its paths, so an endpoint the
//! client gains fails until it has a row. Run with `-- --nocapture` to see the per-endpoint report.

// `..Default::default()` after every field of today: see the request builders below.
#![allow(clippy::needless_update)]

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use twikey::*;
use serde_json::Value;

// ---- the endpoints the client uses ---------------------------------------------------------

/// What a client call gives back: the number of items it returned for list answers, else `None`.
type Outcome = Result<Option<usize>, TwikeyError>;
type CallFn = fn(TwikeyClient) -> Pin<Box<dyn Future<Output = Outcome>>>;

struct Endpoint {
    method: &'static str,
    /// The path as written in openapi.yaml (relative to the `/creditor` base URL).
    path: &'static str,
    /// JSON pointer to the list in an example whose length a list-returning call must match
    /// (`""`: the answer is the list), so items dropped by a misnamed container field show up.
    items: Option<&'static str>,
    /// The client methods that make this call; each reads every example and has its request checked.
    calls: Vec<(&'static str, CallFn)>,
}

fn call(name: &'static str, f: CallFn) -> (&'static str, CallFn) {
    (name, f)
}

/// Paths the client calls that openapi.yaml does not describe (checked to still be absent).
const NOT_IN_SPEC: &[(&str, &str)] = &[("GET", "/template")];

fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            method: "POST",
            path: "/",
            items: None,
            calls: vec![call("login", |c| Box::pin(async move { c.login().await.map(|_| None) }))],
        },
        Endpoint {
            method: "POST",
            path: "/invite",
            items: None,
            calls: vec![call("invite", |c| Box::pin(async move { c.invite(&full_invite()).await.map(|_| None) }))],
        },
        Endpoint {
            method: "GET",
            path: "/mandate/detail",
            items: None,
            calls: vec![
                call("mandate_detail", |c| Box::pin(async move { c.mandate_detail("MND-1", false).await.map(|_| None) })),
                call("mandate_detail(force)", |c| Box::pin(async move { c.mandate_detail("MND-1", true).await.map(|_| None) })),
            ],
        },
        Endpoint {
            method: "POST",
            path: "/mandate/update",
            items: None,
            calls: vec![call("update_mandate", |c| Box::pin(async move { c.update_mandate(&full_update()).await.map(|_| None) }))],
        },
        Endpoint {
            method: "DELETE",
            path: "/mandate",
            items: None,
            calls: vec![
                call("cancel_mandate", |c| Box::pin(async move { c.cancel_mandate("MND-1", "closed", false).await.map(|_| None) })),
                call("cancel_mandate(notify)", |c| Box::pin(async move { c.cancel_mandate("MND-1", "closed", true).await.map(|_| None) })),
            ],
        },
        Endpoint {
            method: "POST",
            path: "/mandate/{mndtId}/action",
            items: None,
            calls: vec![
                call("mandate_action(invite)", |c| {
                    Box::pin(async move { c.mandate_action("MND-1", MandateAction::Invite).await.map(|_| None) })
                }),
                call("mandate_action(reminder)", |c| {
                    Box::pin(async move { c.mandate_action("MND-1", MandateAction::Reminder(2)).await.map(|_| None) })
                }),
            ],
        },
        Endpoint {
            method: "GET",
            path: "/template",
            items: Some(""),
            calls: vec![call("templates", |c| Box::pin(async move { c.templates().await.map(|t| Some(t.len())) }))],
        },
        Endpoint {
            method: "GET",
            path: "/mandate",
            items: Some("/Messages"),
            calls: vec![
                call("mandate_feed_chunk", |c| Box::pin(async move { c.mandate_feed_chunk(None).await.map(|f| Some(f.items.len())) })),
                call("mandate_feed_chunk(resume)", |c| {
                    Box::pin(async move { c.mandate_feed_chunk(Some(42)).await.map(|f| Some(f.items.len())) })
                }),
            ],
        },
        Endpoint {
            method: "POST",
            path: "/transaction",
            items: None,
            calls: vec![
                call("create_transaction", |c| {
                    Box::pin(async move { c.create_transaction(&full_transaction(), None).await.map(|_| None) })
                }),
                call("create_transaction(idempotency key)", |c| {
                    Box::pin(async move { c.create_transaction(&full_transaction(), Some("inv-7-1")).await.map(|_| None) })
                }),
            ],
        },
        Endpoint {
            method: "GET",
            path: "/transaction/detail",
            items: Some("/Entries"),
            calls: vec![
                call("transaction_detail_by_ref", |c| {
                    Box::pin(async move { c.transaction_detail_by_ref("INV-7").await.map(|t| Some(t.len())) })
                }),
                call("transaction_detail", |c| Box::pin(async move { c.transaction_detail(86860).await.map(|_| None) })),
            ],
        },
        Endpoint {
            method: "POST",
            path: "/transaction/refund",
            items: None,
            calls: vec![call("refund_transaction", |c| {
                Box::pin(async move {
                    let refund = RefundRequest { id: 86860, message: "Credit note CN-2026-0001".into(), amount_cents: 1250, reference: Some("CN-2026-0001".into()) };
                    c.refund_transaction(&refund, Some("refund-key-1")).await.map(|_| None)
                })
            })],
        },
        Endpoint {
            method: "DELETE",
            path: "/transaction",
            items: None,
            calls: vec![
                call("delete_transaction(id)", |c| {
                    Box::pin(async move { c.delete_transaction(&TransactionSelector::Id(86860)).await.map(|_| None) })
                }),
                call("delete_transaction(ref)", |c| {
                    Box::pin(async move { c.delete_transaction(&TransactionSelector::Ref("INV-7".into())).await.map(|_| None) })
                }),
            ],
        },
        Endpoint {
            method: "GET",
            path: "/transaction",
            items: Some("/Entries"),
            calls: vec![
                call("transaction_feed_chunk", |c| {
                    Box::pin(async move { c.transaction_feed_chunk(None).await.map(|f| Some(f.items.len())) })
                }),
                call("transaction_feed_chunk(resume)", |c| {
                    Box::pin(async move { c.transaction_feed_chunk(Some(42)).await.map(|f| Some(f.items.len())) })
                }),
            ],
        },
        Endpoint {
            method: "POST",
            path: "/collect",
            items: None,
            calls: vec![call("collect", |c| Box::pin(async move { c.collect(&full_collect()).await.map(|_| None) }))],
        },
        Endpoint {
            method: "POST",
            path: "/invoice/ubl",
            items: None,
            calls: vec![
                call("upload_ubl", |c| Box::pin(async move { c.upload_ubl(UBL, &full_upload()).await.map(|_| None) })),
                call("upload_ubl(no headers)", |c| {
                    Box::pin(async move { c.upload_ubl(UBL, &UblUpload::default()).await.map(|_| None) })
                }),
            ],
        },
        Endpoint {
            method: "GET",
            path: "/invoice/{uuid}",
            items: None,
            calls: vec![
                call("invoice_detail", |c| Box::pin(async move { c.invoice_detail(INVOICE_ID, false).await.map(|_| None) })),
                call("invoice_detail(meta)", |c| Box::pin(async move { c.invoice_detail(INVOICE_ID, true).await.map(|_| None) })),
            ],
        },
        Endpoint {
            method: "POST",
            path: "/invoice/{uuid}/action",
            items: None,
            calls: vec![
                call("invoice_action(peppol)", |c| {
                    Box::pin(async move { c.invoice_action(INVOICE_ID, InvoiceAction::Peppol).await.map(|_| None) })
                }),
                call("invoice_action(reminder)", |c| {
                    Box::pin(async move { c.invoice_action(INVOICE_ID, InvoiceAction::Reminder).await.map(|_| None) })
                }),
            ],
        },
    ]
}

const INVOICE_ID: &str = "fec44175-b4fe-414c-92aa-9d0a7dd0dbf2";
const UBL: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>";

fn full_upload() -> UblUpload {
    UblUpload {
        invoice_id: Some(INVOICE_ID.into()),
        contract: Some("MND-1".into()),
        manual: true,
        template: Some(1002),
        partner: Some("Encaisse".into()),
        ..Default::default()
    }
}

// Requests with every optional field filled: set a field added to one of these types here
// too, so that its form name is checked against the request schema. (`..Default::default()`
// keeps this file compiling while such a field is being added elsewhere.)

fn full_invite() -> InviteRequest {
    InviteRequest {
        ct: "1001".into(),
        customer_number: Some("C42".into()),
        first_name: Some("Jeanne".into()),
        last_name: Some("Dupont".into()),
        company_name: Some("Dupont SRL".into()),
        vat_number: Some("BE0123456749".into()),
        email: Some("jeanne@example.be".into()),
        mobile: Some("+32479123123".into()),
        language: Some("fr".into()),
        address: Some("Rue Haute 1".into()),
        city: Some("Bruxelles".into()),
        zip: Some("1000".into()),
        country: Some("BE".into()),
        iban: Some("BE68539007547034".into()),
        bic: Some("GKCCBEBB".into()),
        mandate_number: Some("MND-1".into()),
        send_invite: true,
        check: true,
        ..Default::default()
    }
}

fn full_update() -> MandateUpdate {
    MandateUpdate {
        mndt_id: "MND-1".into(),
        ct: Some("1002".into()),
        state: Some(MandateActivity::Passive),
        iban: Some("BE68539007547034".into()),
        bic: Some("GKCCBEBB".into()),
        email: Some("jeanne@example.be".into()),
        mobile: Some("+32479123123".into()),
        first_name: Some("Jeanne".into()),
        last_name: Some("Dupont".into()),
        company_name: Some("Dupont SRL".into()),
        coc: Some("BE0123456749".into()),
        language: Some("nl".into()),
        customer_number: Some("C42".into()),
        address: Some("Rue Haute 1".into()),
        city: Some("Bruxelles".into()),
        zip: Some("1000".into()),
        country: Some("BE".into()),
        ..Default::default()
    }
}

fn full_transaction() -> NewTransaction {
    NewTransaction {
        mndt_id: "MND-1".into(),
        message: "Invoice 7".into(),
        amount_cents: 1234,
        reference: Some("INV-7".into()),
        reqcolldt: NaiveDate::from_ymd_opt(2026, 3, 2),
        place: Some("Bruxelles".into()),
        ..Default::default()
    }
}

fn full_collect() -> CollectRequest {
    CollectRequest { ct: "1001".into(), prenotify: true, colltndt: NaiveDate::from_ymd_opt(2026, 3, 2), ..Default::default() }
}

// ---- openapi.yaml ----------------------------------------------------------------------------

fn load_spec() -> Value {
    let path = std::env::var("TWIKEY_OPENAPI")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml").to_string());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read Twikey's OpenAPI description {path}: {e} (set TWIKEY_OPENAPI)"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

/// Follows `$ref: '#/...'` (to `components`) until a value without one.
fn resolve<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else { return v };
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("only local $refs are supported: {r}"));
        v = spec.pointer(pointer).unwrap_or_else(|| panic!("$ref {r} points nowhere"));
    }
    panic!("$ref chain too long")
}

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> Option<(&'a Value, &'a Value)> {
    let item = resolve(spec, spec.get("paths")?.get(path)?);
    Some((item, item.get(method.to_ascii_lowercase())?))
}

struct Example {
    status: u16,
    label: String,
    body: Value,
}

fn is_json(media_type: &str) -> bool {
    let m = media_type.split(';').next().unwrap_or("").trim();
    m == "application/json" || m.ends_with("+json") || m == "*/*"
}

/// The 2xx answers of an operation: (status, answer object, `$ref` resolved).
fn success_answers<'a>(spec: &'a Value, op: &'a Value) -> Vec<(u16, &'a Value)> {
    let mut out = vec![];
    for (code, answer) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        let status = match code.as_str() {
            "2XX" | "2xx" => 200,
            c => match c.parse::<u16>() {
                Ok(s) if (200..300).contains(&s) => s,
                _ => continue,
            },
        };
        out.push((status, resolve(spec, answer)));
    }
    out
}

/// Every JSON example of the 2xx answers of an operation.
fn response_examples(spec: &Value, op: &Value) -> Vec<Example> {
    let mut out = vec![];
    for (status, answer) in success_answers(spec, op) {
        for (media_type, media) in answer.get("content").and_then(Value::as_object).into_iter().flatten() {
            if !is_json(media_type) {
                continue;
            }
            let media = resolve(spec, media);
            if let Some(e) = media.get("example") {
                out.push(Example { status, label: format!("{status} {media_type} example"), body: e.clone() });
            }
            for (name, e) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
                let e = resolve(spec, e);
                let body = e
                    .get("value")
                    .cloned()
                    .unwrap_or_else(|| panic!("example {name} has no inline value (externalValue is not supported)"));
                out.push(Example { status, label: format!("{status} {media_type} examples.{name}"), body });
            }
            if let Some(e) = media.get("schema").map(|s| resolve(spec, s)).and_then(|s| s.get("example")) {
                out.push(Example { status, label: format!("{status} {media_type} schema example"), body: e.clone() });
            }
        }
    }
    out
}

/// Whether an `example`/`examples` key occurs anywhere under `v` (following `$ref`s), as a
/// cross-check that [`response_examples`] misses none.
fn mentions_examples(spec: &Value, v: &Value, seen: &mut BTreeSet<String>) -> bool {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                if !seen.insert(r.to_string()) {
                    return false;
                }
                return mentions_examples(spec, resolve(spec, v), seen);
            }
            m.iter().any(|(k, v)| k == "example" || k == "examples" || mentions_examples(spec, v, seen))
        }
        Value::Array(a) => a.iter().any(|v| mentions_examples(spec, v, seen)),
        _ => false,
    }
}

/// Properties and required names of a form request schema (`allOf` merged).
fn form_schema(spec: &Value, schema: &Value) -> (serde_json::Map<String, Value>, BTreeSet<String>) {
    let schema = resolve(spec, schema);
    let mut props = serde_json::Map::new();
    let mut required = BTreeSet::new();
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let (p, r) = form_schema(spec, part);
        props.extend(p);
        required.extend(r);
    }
    for (k, v) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        props.insert(k.clone(), resolve(spec, v).clone());
    }
    for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
        required.extend(r.as_str().map(str::to_string));
    }
    (props, required)
}

/// Why a sent value does not fit its declared schema, if it does not.
fn misfit(spec: &Value, schema: Option<&Value>, value: &str) -> Option<String> {
    let schema = resolve(spec, schema?);
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = allowed.iter().map(|a| a.as_str().map(str::to_string).unwrap_or_else(|| a.to_string())).collect();
        if !names.iter().any(|n| n == value) {
            return Some(format!("value {value:?} is not one of {names:?}"));
        }
    }
    let fits = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => value.parse::<i64>().is_ok(),
        Some("number") => value.parse::<f64>().is_ok_and(f64::is_finite),
        Some("boolean") => value == "true" || value == "false",
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("date") => {
            NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        }
        _ => true,
    };
    if !fits {
        return Some(format!("value {value:?} is not a {}", schema["type"].as_str().unwrap_or("?")));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        if value.chars().count() as u64 > max {
            return Some(format!("value {value:?} is longer than {max}"));
        }
    }
    None
}

/// Headers every request carries, not declared per operation (`Authorization` is the
/// security scheme).
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "accept",
    "accept-encoding",
    "accept-language",
    "authorization",
    "user-agent",
    "content-type",
    "content-length",
    "connection",
    "transfer-encoding",
];

/// The problems of one request the client sent, checked against its operation.
fn check_request(spec: &Value, path_item: &Value, op: &Value, template: &str, req: &Seen) -> Vec<String> {
    let mut problems = vec![];
    let mut params: Vec<&Value> = vec![];
    for list in [path_item.get("parameters"), op.get("parameters")] {
        params.extend(list.and_then(Value::as_array).into_iter().flatten().map(|p| resolve(spec, p)));
    }
    let param = |place: &str, name: &str| {
        params.iter().copied().find(|p| {
            p["in"] == place && p["name"].as_str().is_some_and(|n| if place == "header" { n.eq_ignore_ascii_case(name) } else { n == name })
        })
    };

    let mut sent: Vec<(&str, &str, &str)> = vec![];
    sent.extend(req.query.iter().map(|(k, v)| ("query", k.as_str(), v.as_str())));
    sent.extend(
        req.headers
            .iter()
            .filter(|(k, _)| !TRANSPORT_HEADERS.contains(&k.to_ascii_lowercase().as_str()))
            .map(|(k, v)| ("header", k.as_str(), v.as_str())),
    );
    let path_values = path_params(template, &req.path).unwrap_or_default();
    sent.extend(path_values.iter().map(|(k, v)| ("path", k.as_str(), v.as_str())));
    for (place, name, value) in &sent {
        match param(place, name) {
            None => problems.push(format!("sends {place} parameter `{name}`, which the operation does not declare")),
            Some(p) => {
                if let Some(why) = misfit(spec, p.get("schema"), value) {
                    problems.push(format!("{place} parameter `{name}`: {why}"));
                }
            }
        }
    }
    for p in &params {
        let (Some(place), Some(name)) = (p["in"].as_str(), p["name"].as_str()) else { continue };
        let is_sent =
            sent.iter().any(|(pl, n, _)| *pl == place && if place == "header" { n.eq_ignore_ascii_case(name) } else { *n == name });
        if p["required"] == true && !is_sent {
            problems.push(format!("does not send the required {place} parameter `{name}`"));
        }
    }

    let body = op.get("requestBody").map(|b| resolve(spec, b));
    let form_schema_value = body.and_then(|b| b.pointer("/content/application~1x-www-form-urlencoded/schema")).map(|s| resolve(spec, s));
    match (&req.form, form_schema_value) {
        (Some(_), None) => {
            let types: Vec<&String> =
                body.and_then(|b| b.get("content")).and_then(Value::as_object).map(|c| c.keys().collect()).unwrap_or_default();
            problems.push(format!("sends a form body, but the operation takes {types:?}"));
        }
        (Some(form), Some(schema)) => {
            let (props, required) = form_schema(spec, schema);
            for (k, v) in form {
                match props.get(k) {
                    None => problems.push(format!("sends form field `{k}`, which the request schema does not have")),
                    Some(s) => {
                        if let Some(why) = misfit(spec, Some(s), v) {
                            problems.push(format!("form field `{k}`: {why}"));
                        }
                    }
                }
            }
            for r in &required {
                if !form.iter().any(|(k, _)| k == r) {
                    problems.push(format!("does not send the required form field `{r}`"));
                }
            }
        }
        (None, Some(schema)) => {
            for r in form_schema(spec, schema).1 {
                problems.push(format!("sends no form, but `{r}` is a required form field"));
            }
        }
        (None, None) => {}
    }
    if let Some(media_type) = &req.raw_body {
        let declared = body.and_then(|b| b.get("content")).and_then(Value::as_object).is_some_and(|c| c.contains_key(media_type));
        if !declared {
            let types: Vec<&String> =
                body.and_then(|b| b.get("content")).and_then(Value::as_object).map(|c| c.keys().collect()).unwrap_or_default();
            problems.push(format!("sends a `{media_type}` body, but the operation takes {types:?}"));
        }
    }
    if body.and_then(|b| b.get("required")) == Some(&Value::Bool(true)) && req.form.is_none() && req.raw_body.is_none() {
        problems.push("sends no body, but the operation requires one".into());
    }
    problems
}

/// The path parameters of `path` if it matches the OpenAPI `template`.
fn path_params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut out = vec![];
    for (a, b) in t.iter().zip(&p) {
        if let Some(name) = a.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
            if b.is_empty() {
                return None;
            }
            out.push((name.to_string(), percent_encoding::percent_decode_str(b).decode_utf8_lossy().into_owned()));
        } else if a != b {
            return None;
        }
    }
    Some(out)
}

// ---- the stub Twikey -------------------------------------------------------------------------

/// A request the stub received, relative to the `/creditor` base.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    form: Option<Vec<(String, String)>>,
    /// The media type of a body that is not a form (`POST /invoice/ubl` sends XML).
    raw_body: Option<String>,
}

#[derive(Default)]
struct StubState {
    /// The endpoint under test (method, OpenAPI path) and its answer (status, body).
    target: Option<(String, String)>,
    answer: (u16, String),
    seen: Vec<Seen>,
    unexpected: Vec<String>,
}

type Stub = Arc<Mutex<StubState>>;

const STUB_TOKEN: &str = "stub-session-token";

async fn stub_answer(State(stub): State<Stub>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = match uri.path().strip_prefix("/creditor") {
        Some("") => "/".to_string(),
        Some(p) => p.to_string(),
        None => uri.path().to_string(),
    };
    let pairs = |s: &[u8]| url::form_urlencoded::parse(s).map(|(k, v)| (k.into_owned(), v.into_owned())).collect::<Vec<_>>();
    let is_form =
        headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let seen = Seen {
        method: method.as_str().to_string(),
        path: path.clone(),
        query: pairs(uri.query().unwrap_or("").as_bytes()),
        headers: headers.iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect(),
        form: is_form.then(|| pairs(&body)),
        raw_body: (!is_form && !body.is_empty()).then(|| {
            headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("(none)").split(';').next().unwrap_or("").trim().to_string()
        }),
    };
    let mut s = stub.lock().unwrap();
    let is_target = s.target.as_ref().is_some_and(|(m, t)| *m == seen.method && path_params(t, &path).is_some());
    if is_target {
        let (status, body) = s.answer.clone();
        s.seen.push(seen);
        let mut resp = (StatusCode::from_u16(status).unwrap(), body.clone()).into_response();
        if !body.is_empty() {
            resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
        }
        return resp;
    }
    if seen.method == "POST" && path == "/" {
        // The login before the call under test.
        let mut resp = (StatusCode::OK, format!(r#"{{"Authorization":"{STUB_TOKEN}"}}"#)).into_response();
        resp.headers_mut().insert("Authorization", HeaderValue::from_static(STUB_TOKEN));
        resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
        return resp;
    }
    s.unexpected.push(format!("{} {}", seen.method, path));
    (StatusCode::INTERNAL_SERVER_ERROR, "unexpected call").into_response()
}

async fn start_stub() -> (String, Stub) {
    let stub: Stub = Arc::default();
    let app = axum::Router::new().fallback(stub_answer).with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/creditor", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, stub)
}

/// Runs one client call against the stub answering `answer`; returns its outcome and the
/// requests it made to the endpoint under test.
async fn run(base: &str, stub: &Stub, ep: &Endpoint, f: CallFn, answer: (u16, String)) -> (Outcome, Vec<Seen>, Vec<String>) {
    {
        let mut s = stub.lock().unwrap();
        *s = StubState { target: Some((ep.method.into(), ep.path.into())), answer, ..Default::default() };
    }
    let config = TwikeyConfig::new(base, "test-api-key").with_timeout(Duration::from_secs(10));
    // A store of its own: every run logs in afresh and the login row sees its own answer.
    let client = TwikeyClient::with_session_store(config, SessionStore::new()).unwrap();
    let outcome = f(client).await;
    let mut s = stub.lock().unwrap();
    (outcome, std::mem::take(&mut s.seen), std::mem::take(&mut s.unexpected))
}

/// Failures when a call did not reach the endpoint under test or called another one.
fn reached(name: &str, call: &str, label: &str, seen: &[Seen], unexpected: &[String]) -> Vec<String> {
    let mut out = vec![];
    if seen.is_empty() {
        out.push(format!("{name}: `{call}` did not call this endpoint ({label})"));
    }
    for u in unexpected {
        out.push(format!("{name}: `{call}` also called {u}, which the stub does not answer"));
    }
    out
}

// ---- the tests -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_reads_every_openapi_example_and_sends_only_declared_fields() {
    let spec = load_spec();
    let (base, stub) = start_stub().await;
    let mut failures: Vec<String> = vec![];
    let mut report: Vec<String> = vec![];
    let mut total = 0;

    for ep in endpoints() {
        let name = format!("{} {}", ep.method, ep.path);
        let listed_absent = NOT_IN_SPEC.contains(&(ep.method, ep.path));
        let Some((path_item, op)) = operation(&spec, ep.method, ep.path) else {
            if listed_absent {
                report.push(format!("{name:32} not described in openapi.yaml: nothing to check"));
            } else {
                failures.push(format!("{name}: no such operation in openapi.yaml (add it to NOT_IN_SPEC if Twikey does not describe it)"));
            }
            continue;
        };
        if listed_absent {
            failures.push(format!("{name}: openapi.yaml now describes it; remove it from NOT_IN_SPEC"));
        }

        let examples = response_examples(&spec, op);
        let mut requests: Vec<(&str, Seen)> = vec![];
        let mut parsed = 0;
        if examples.is_empty() {
            // Nothing to read: any answer will do for checking the requests.
            let mut seen_examples = BTreeSet::new();
            let mentioned = success_answers(&spec, op)
                .iter()
                .any(|(_, a)| a.get("content").is_some_and(|c| mentions_examples(&spec, c, &mut seen_examples)));
            if mentioned {
                failures.push(format!("{name}: its 2xx answers mention examples that the walk did not collect"));
            }
            let status = success_answers(&spec, op).first().map_or(200, |(s, _)| *s);
            for (call_name, f) in &ep.calls {
                let (_, seen, unexpected) = run(&base, &stub, &ep, *f, (status, String::new())).await;
                failures.extend(reached(&name, call_name, "no example", &seen, &unexpected));
                requests.extend(seen.into_iter().map(|s| (*call_name, s)));
            }
            report.push(format!("{name:32} no 2xx JSON example in openapi.yaml; {} request(s) checked", requests.len()));
        } else {
            for ex in &examples {
                let body = serde_json::to_string(&ex.body).unwrap();
                let mut read_by_all = true;
                for (call_name, f) in &ep.calls {
                    let (outcome, seen, unexpected) = run(&base, &stub, &ep, *f, (ex.status, body.clone())).await;
                    failures.extend(reached(&name, call_name, &ex.label, &seen, &unexpected));
                    requests.extend(seen.into_iter().map(|s| (*call_name, s)));
                    match outcome {
                        Err(e) => {
                            read_by_all = false;
                            failures.push(format!("{name}: `{call_name}` cannot read the {}: {e}\n    example: {body}", ex.label));
                        }
                        Ok(Some(n)) => {
                            // An example without the list is an empty answer.
                            let expected = ep.items.map(|p| ex.body.pointer(p).and_then(Value::as_array).map_or(0, Vec::len));
                            if let Some(expected) = expected.filter(|x| *x != n) {
                                read_by_all = false;
                                failures.push(format!(
                                    "{name}: `{call_name}` returned {n} item(s) from the {}, which has {expected} at {:?}",
                                    ex.label,
                                    ep.items.unwrap_or_default()
                                ));
                            }
                        }
                        Ok(None) => {}
                    }
                }
                if read_by_all {
                    parsed += 1;
                }
            }
            total += parsed;
            report.push(format!(
                "{name:32} {parsed}/{} response example(s) read by {}; {} request(s) checked",
                examples.len(),
                ep.calls.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
                requests.len()
            ));
        }

        let mut problems = BTreeSet::new();
        for (call_name, req) in &requests {
            for p in check_request(&spec, path_item, op, ep.path, req) {
                problems.insert(format!("{name}: `{call_name}` {p}"));
            }
        }
        failures.extend(problems);
    }

    println!("Twikey client against openapi.yaml ({total} response examples read):");
    for line in &report {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "the client disagrees with openapi.yaml:\n  {}", failures.join("\n  "));
}

/// Every path the client calls (its string literals starting with `/`, and the login on the
/// base URL itself) has a row in [`endpoints`], and every row is still called.
#[test]
fn every_client_path_has_a_row() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/client.rs")).unwrap();
    let (code, literals) = code_and_literals(&src);
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unclear = vec![];

    for method in ["get", "post", "put", "patch", "delete"] {
        if code.contains(&format!(".{method}(&self.config.base_url)")) {
            used.insert((method.to_ascii_uppercase(), "/".into()));
        }
    }
    for (at, lit) in &literals {
        if !lit.starts_with('/') {
            continue;
        }
        let before = &code[..*at];
        let is_method = |m: &&str| !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic());
        // `Call::new(Method::X, "/path")`
        let method = before
            .rsplit_once("Call::new(")
            .and_then(|(_, args)| args.strip_prefix("Method::")?.strip_suffix(','))
            .filter(is_method)
            .map(str::to_string);
        let method = method.or_else(|| {
            // `let name = format!("/path/{}", ..);` then `Call::new(Method::X, &name)`
            let (_, tail) = before.rsplit_once("let")?;
            let name = tail.strip_suffix("=format!(")?.trim_start_matches("mut");
            let after = &code[*at..];
            let (head, _) = after.split_once(&format!(",&{name})"))?;
            head.rsplit_once("Call::new(Method::").map(|(_, m)| m).filter(is_method).map(str::to_string)
        });
        match method {
            Some(m) => {
                used.insert((m.to_ascii_uppercase(), lit.clone()));
            }
            None => unclear.push(lit.clone()),
        }
    }
    assert!(unclear.is_empty(), "client.rs paths whose HTTP method this scan cannot tell (teach it the new form): {unclear:?}");
    assert!(used.len() >= 10, "the scan of client.rs found too few paths: {used:?}");

    // `{mndtId}` in the OpenAPI path is `{}` in the client's format string.
    let rows: BTreeSet<(String, String)> = endpoints()
        .iter()
        .map(|e| {
            let mut p = String::new();
            let mut in_param = false;
            for c in e.path.chars() {
                match c {
                    '{' => {
                        in_param = true;
                        p.push_str("{}");
                    }
                    '}' => in_param = false,
                    c if !in_param => p.push(c),
                    _ => {}
                }
            }
            (e.method.to_string(), p)
        })
        .collect();
    let missing: Vec<_> = used.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&used).collect();
    assert!(missing.is_empty(), "client.rs calls endpoints without a row in endpoints(): {missing:?}");
    assert!(stale.is_empty(), "rows of endpoints() the client no longer calls: {stale:?}");
}

/// `src` without comments and whitespace outside string literals, and the string literals
/// with their offsets in it.
fn code_and_literals(src: &str) -> (String, Vec<(usize, String)>) {
    let chars: Vec<char> = src.chars().collect();
    let mut code = String::new();
    let mut literals = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            // A character literal such as '"' or '/'.
            code.extend(&chars[i..i + 3]);
            i += 3;
        } else if c == '"' {
            code.push('"');
            let start = code.len();
            let mut lit = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    lit.push(chars[i]);
                    i += 1;
                }
                lit.push(chars[i]);
                i += 1;
            }
            code.push_str(&lit);
            code.push('"');
            literals.push((start - 1, lit));
            i += 1;
        } else {
            if !c.is_whitespace() {
                code.push(c);
            }
            i += 1;
        }
    }
    (code, literals)
}
