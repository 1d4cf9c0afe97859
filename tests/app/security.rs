//! Security properties through the real router: every server function needs a session (a
//! table checked against the source), companies cannot reach each other's records, the Twikey
//! API key never leaves the server (bodies, headers, log lines), login throttling is per
//! e-mail, security headers and cookie flags, forged and logged-out sessions, open redirects.

use axum::body::Body;
use crate::helpers::world::{World, KEY};
use crate::helpers::{Reply, TestApp};
use encaisse::api::AppError;
use encaisse::on_db;
use twikey::sign_webhook;
use http::{header, Request, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

/// Server functions anyone may call.
const PUBLIC: [&str; 4] = ["signup", "login", "logout", "language"];

/// Every other server function, with arguments that decode (so a refusal is about the
/// session, not the arguments).
const PROTECTED: &[(&str, &[(&str, &str)])] = &[
    ("connections/get", &[]),
    ("connections/twikey", &[("enabled", "true")]),
    ("customers/list", &[]),
    ("customers/get", &[("id", "1")]),
    ("customers/save", &[("input[kind]", "individual"), ("input[first_name]", "A"), ("input[last_name]", "B"), ("input[email]", "a@b.be")]),
    ("customers/archive", &[("id", "1"), ("archived", "true")]),
    ("dashboard", &[]),
    ("invoices/list", &[]),
    ("invoices/get", &[("id", "1")]),
    ("invoices/customers", &[]),
    (
        "invoices/save",
        &[
            ("input[customer_id]", "1"),
            ("input[lines][0][description]", "x"),
            ("input[lines][0][quantity]", "1"),
            ("input[lines][0][unit_price]", "1"),
            ("input[lines][0][vat_rate]", "21"),
            ("issue", "false"),
        ],
    ),
    ("invoices/issue", &[("id", "1")]),
    ("invoices/send", &[("id", "1")]),
    ("invoices/pay", &[("id", "1"), ("input[amount]", "1"), ("input[method]", "cash")]),
    ("invoices/cancel", &[("id", "1"), ("reason", "x")]),
    ("invoices/credit", &[("invoice_id", "1"), ("input[lines][0]", "1")]),
    ("invoices/credit/send", &[("id", "1")]),
    ("invoices/credit/get", &[("id", "1")]),
    ("outbox/list", &[]),
    ("company/get", &[]),
    ("company/save", &[("input[legal_name]", "X")]),
    ("subscriptions/list", &[]),
    ("subscriptions/get", &[("id", "1")]),
    (
        "subscriptions/save",
        &[
            ("input[customer_id]", "1"),
            ("input[frequency]", "1"),
            ("input[lines][0][description]", "x"),
            ("input[lines][0][quantity]", "1"),
            ("input[lines][0][unit_price]", "1"),
            ("input[lines][0][vat_rate]", "21"),
        ],
    ),
    ("subscriptions/status", &[("id", "1"), ("action", "pause")]),
    ("twikey/settings", &[]),
    ("twikey/templates", &[("api_key", "x")]),
    ("twikey/test", &[("api_key", "x")]),
    ("twikey/save", &[("api_key", "x"), ("b2c_ct", "1001"), ("b2b_ct", "")]),
    ("twikey/customer", &[("customer_id", "1")]),
    ("twikey/mandate/prepare", &[("customer_id", "1")]),
    ("twikey/mandate/delete", &[("mandate_id", "1")]),
    ("twikey/mandate/invite", &[("mandate_id", "1")]),
    ("twikey/mandate/cancel", &[("mandate_id", "1")]),
    ("twikey/invoice", &[("invoice_id", "1")]),
    ("twikey/collect", &[("invoice_id", "1")]),
    ("twikey/collect/bulk", &[("invoice_ids[a]", "1")]),
    ("peppol/customer", &[("customer_id", "1")]),
    ("peppol/health", &[]),
];

const IBAN: &str = "BE68539007547034";

fn api(endpoint: &str) -> String {
    format!("/api/{endpoint}")
}

fn app_error(r: &Reply) -> AppError {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not an AppError ({e}): {} {}", r.status, r.body))
}

/// Every server function the app registers (the registry the router serves them from).
fn registered_endpoints() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, _method) in leptos::server_fn::axum::server_fn_paths() {
        let endpoint = path.strip_prefix("/api/").unwrap_or_else(|| panic!("{path}: not under /api/"));
        assert!(found.insert(endpoint.to_string()), "endpoint {endpoint} registered twice");
    }
    found
}

#[test]
fn the_endpoint_table_lists_every_server_function() {
    let in_source = registered_endpoints();
    assert!(in_source.len() > 40, "the registry looks empty: {in_source:?}");
    let mut in_table: BTreeSet<String> = PROTECTED.iter().map(|(e, _)| e.to_string()).collect();
    in_table.extend(PUBLIC.iter().map(|e| e.to_string()));
    assert_eq!(in_table.len(), PUBLIC.len() + PROTECTED.len(), "an endpoint is listed twice");
    let missing: Vec<_> = in_source.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_source).collect();
    assert!(missing.is_empty(), "server functions not in the table of tests/security.rs (add them, with their access rule): {missing:?}");
    assert!(stale.is_empty(), "table entries with no server function: {stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_but_the_public_ones_needs_a_session() {
    let app = TestApp::new().await;
    for cookie in [None, Some("encaisse_session=forged-token-value"), Some("encaisse_session=")] {
        for (endpoint, form) in PROTECTED {
            let r = app.call(&api(endpoint), form, cookie).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{endpoint} with {cookie:?}: {}", r.body);
            assert_eq!(app_error(&r), AppError::Unauthorized, "{endpoint}");
            assert!(r.session_cookie().is_none());
        }
    }
    // the public ones answer without a session, each in its own way
    let signup = app
        .call(&api("signup"), &[("company_name", "C"), ("name", "N"), ("email", "new@test.be"), ("password", "a-long-password")], None)
        .await;
    assert_eq!(signup.status, StatusCode::OK, "{}", signup.body);
    assert!(signup.session_cookie().is_some());
    let login = app.call(&api("login"), &[("email", "nobody@test.be"), ("password", "whatever-password")], None).await;
    assert_eq!(login.status, StatusCode::UNPROCESSABLE_ENTITY, "a refusal in words, not a 401: {}", login.body);
    assert!(matches!(app_error(&login), AppError::Refused(_)));
    let logout = app.call(&api("logout"), &[], None).await;
    assert_eq!(logout.status, StatusCode::OK, "{}", logout.body);
    let language = app.call(&api("language"), &[("lang", "nl")], None).await;
    assert_eq!(language.status, StatusCode::OK, "{}", language.body);
    assert!(language.headers.get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("encaisse_lang=nl")));
}

/// Company A's records, for B to aim at.
struct Victim {
    customer: i64,
    other_customer: i64,
    open_invoice: i64,
    collected_invoice: i64,
    draft_invoice: i64,
    subscription: i64,
    prepared_mandate: i64,
    signed_mandate: i64,
}

async fn victim(w: &World) -> Victim {
    w.configure().await;
    let customer = w.signed_customer("Zoltan").await;
    let other_customer = w.app.create_customer(&w.cookie, "Wilhelmina", "Secretperson").await;
    let prepared_mandate = w.prepare(other_customer).await["id"].as_i64().unwrap();
    let signed_mandate = w.mandates(customer).await[0]["id"].as_i64().unwrap();
    let open_invoice = w.invoice(customer, "50").await;
    let collected_invoice = w.invoice(customer, "75").await;
    let r = w.collect(collected_invoice).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let c = customer.to_string();
    let draft = w
        .call(
            "/api/invoices/save",
            &[
                ("input[customer_id]", &c),
                ("input[lines][0][description]", "Confidential croissants"),
                ("input[lines][0][quantity]", "3"),
                ("input[lines][0][unit_price]", "2"),
                ("input[lines][0][vat_rate]", "6"),
                ("issue", "false"),
            ],
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    let sub = w
        .call(
            "/api/subscriptions/save",
            &[
                ("input[customer_id]", &c),
                ("input[frequency]", "1"),
                ("input[start_date]", "2031-01-01"),
                ("input[lines][0][description]", "Confidential plan"),
                ("input[lines][0][quantity]", "1"),
                ("input[lines][0][unit_price]", "10"),
                ("input[lines][0][vat_rate]", "21"),
            ],
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    Victim {
        customer,
        other_customer,
        open_invoice,
        collected_invoice,
        draft_invoice: draft.json().as_i64().unwrap(),
        subscription: sub.json().as_i64().unwrap(),
        prepared_mandate,
        signed_mandate,
    }
}

/// Everything A can read about its records, to compare before and after B's attempts.
async fn snapshot(w: &World, v: &Victim) -> Vec<Value> {
    let mut out = Vec::new();
    let reads: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("customers/list", vec![]),
        ("customers/get", vec![("id", v.customer.to_string())]),
        ("customers/get", vec![("id", v.other_customer.to_string())]),
        ("twikey/customer", vec![("customer_id", v.customer.to_string())]),
        ("twikey/customer", vec![("customer_id", v.other_customer.to_string())]),
        ("invoices/list", vec![]),
        ("invoices/get", vec![("id", v.open_invoice.to_string())]),
        ("invoices/get", vec![("id", v.collected_invoice.to_string())]),
        ("invoices/get", vec![("id", v.draft_invoice.to_string())]),
        ("twikey/invoice", vec![("invoice_id", v.open_invoice.to_string())]),
        ("twikey/invoice", vec![("invoice_id", v.collected_invoice.to_string())]),
        ("subscriptions/get", vec![("id", v.subscription.to_string())]),
        ("outbox/list", vec![]),
    ];
    for (endpoint, form) in reads {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = w.call(&api(endpoint), &form).await;
        assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
        out.push(r.json());
    }
    let company = w.company_id().await;
    for table in
        ["customers", "invoices", "payments", "invoice_events", "subscriptions", "mandates", "mandate_events", "collections", "outbox"]
    {
        let n: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE company_id = $1"))
            .bind(company)
            .fetch_one(ex)
            .await)
        .unwrap();
        out.push(Value::from(format!("{table}: {n}")));
    }
    for table in ["invoice_lines", "subscription_lines"] {
        let n: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(ex).await).unwrap();
        out.push(Value::from(format!("{table}: {n}")));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_companys_ids_are_not_found_and_nothing_changes() {
    let w = World::new().await;
    let a = victim(&w).await;
    let a_mandate_ref = w.mandates(a.customer).await[0]["reference"].as_str().unwrap().to_string();
    let before = snapshot(&w, &a).await;

    // company B, with Twikey configured on the same Twikey account, and a customer of its own
    let b = w.app.signup("Intruder", "b@test.be").await;
    let b = b.as_str();
    assert_eq!(w.app.call("/api/connections/twikey", &[("enabled", "true")], Some(b)).await.status, StatusCode::OK);
    // (its own Twikey account: the same one is refused, see twikey_mandates.rs)
    let r = w.app.call("/api/twikey/save", &[("api_key", "sandbox-intruder"), ("b2c_ct", "1001"), ("b2b_ct", "1002")], Some(b)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let own_customer = w.app.create_customer(b, "Bernard", "Own").await.to_string();

    let (cust, other_cust) = (a.customer.to_string(), a.other_customer.to_string());
    let (open, collected, draft) = (a.open_invoice.to_string(), a.collected_invoice.to_string(), a.draft_invoice.to_string());
    let (sub, prepared, signed) = (a.subscription.to_string(), a.prepared_mandate.to_string(), a.signed_mandate.to_string());
    let line = [
        ("input[lines][0][description]", "Intruder line"),
        ("input[lines][0][quantity]", "1"),
        ("input[lines][0][unit_price]", "1"),
        ("input[lines][0][vat_rate]", "21"),
    ];
    let customer_input =
        [("input[kind]", "individual"), ("input[first_name]", "Hacked"), ("input[last_name]", "Name"), ("input[email]", "h@x.be")];

    let not_found: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("customers/get", vec![("id", &cust)]),
        ("customers/get", vec![("id", &other_cust)]),
        ("customers/save", [vec![("id", cust.as_str())], customer_input.to_vec()].concat()),
        ("customers/archive", vec![("id", &cust), ("archived", "true")]),
        ("invoices/get", vec![("id", &open)]),
        ("invoices/get", vec![("id", &draft)]),
        (
            "invoices/save",
            [vec![("id", draft.as_str()), ("input[customer_id]", own_customer.as_str()), ("issue", "false")], line.to_vec()].concat(),
        ),
        (
            "invoices/save",
            [vec![("id", draft.as_str()), ("input[customer_id]", own_customer.as_str()), ("issue", "true")], line.to_vec()].concat(),
        ),
        ("invoices/issue", vec![("id", &draft)]),
        ("invoices/send", vec![("id", &open)]),
        ("invoices/pay", vec![("id", &open), ("input[amount]", "10"), ("input[method]", "cash")]),
        ("invoices/cancel", vec![("id", &open), ("reason", "intruder")]),
        ("subscriptions/get", vec![("id", &sub)]),
        ("subscriptions/status", vec![("id", &sub), ("action", "pause")]),
        ("subscriptions/status", vec![("id", &sub), ("action", "end")]),
        ("twikey/customer", vec![("customer_id", &cust)]),
        ("twikey/mandate/prepare", vec![("customer_id", &cust)]),
        ("twikey/mandate/delete", vec![("mandate_id", &prepared)]),
        ("twikey/mandate/invite", vec![("mandate_id", &prepared)]),
        ("twikey/mandate/cancel", vec![("mandate_id", &signed), ("reason", "intruder")]),
        ("twikey/invoice", vec![("invoice_id", &open)]),
        ("twikey/invoice", vec![("invoice_id", &collected)]),
        ("twikey/collect", vec![("invoice_id", &open)]),
        ("twikey/collect", vec![("invoice_id", &collected)]),
    ];
    // what must never show in B's answers
    let secrets = ["Zoltan", "zoltan@example.be", "Wilhelmina", "Secretperson", "Confidential", "Bread subscription", &a_mandate_ref, IBAN];
    let clean = |what: &str, r: &Reply| {
        for s in secrets {
            assert!(!r.body.contains(s), "{what}: A's {s:?} in B's answer: {}", r.body);
        }
    };
    for (endpoint, form) in &not_found {
        let r = w.app.call(&api(endpoint), form, Some(b)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{endpoint} {form:?}: {}", r.body);
        assert_eq!(app_error(&r), AppError::NotFound, "{endpoint}");
        clean(endpoint, &r);
    }

    // functions that validate the input first: refused at the field, nothing created
    let invoice_for_a = w
        .app
        .call("/api/invoices/save", &[[("input[customer_id]", cust.as_str()), ("issue", "true")].as_slice(), &line].concat(), Some(b))
        .await;
    assert_eq!(invoice_for_a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", invoice_for_a.body);
    assert_eq!(invoice_for_a.json()["Invalid"][0]["field"], "customer_id");
    clean("invoices/save", &invoice_for_a);
    let sub_for_a = w
        .app
        .call(
            "/api/subscriptions/save",
            &[[("input[customer_id]", cust.as_str()), ("input[frequency]", "1")].as_slice(), &line].concat(),
            Some(b),
        )
        .await;
    assert_eq!(sub_for_a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sub_for_a.body);
    assert_eq!(sub_for_a.json()["Invalid"][0]["field"], "customer_id");
    clean("subscriptions/save", &sub_for_a);

    // lists filtered on A's ids are empty; bulk collection skips A's invoices silently
    let list = w.app.call("/api/invoices/list", &[("query[customer]", &cust)], Some(b)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["total"], 0);
    clean("invoices/list", &list);
    let bulk = w.app.call("/api/twikey/collect/bulk", &[("invoice_ids[a]", &open), ("invoice_ids[b]", &collected)], Some(b)).await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.body);
    assert_eq!(bulk.json(), serde_json::json!({"started": [], "skipped": [], "failed": []}));
    for endpoint in ["customers/list", "invoices/list", "invoices/customers", "subscriptions/list", "outbox/list", "dashboard"] {
        let r = w.app.call(&api(endpoint), &[], Some(b)).await;
        assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
        clean(endpoint, &r);
    }
    // B's pages for A's ids show nothing of A
    for path in [
        format!("/customers/{cust}"),
        format!("/customers/{cust}?tab=twikey"),
        format!("/customers/{cust}/edit"),
        format!("/invoices/{open}"),
        format!("/invoices/{draft}/edit"),
        format!("/subscriptions/{sub}"),
    ] {
        let r = w.app.get(&path, Some(b)).await;
        assert!(r.status.is_success() || r.status.is_client_error(), "{path}: {}", r.status);
        clean(&path, &r);
    }

    assert_eq!(snapshot(&w, &a).await, before, "A's records changed");
    let b_invoices: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices WHERE company_id <> (SELECT company_id FROM users WHERE email = 'owner@test.be')"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(b_invoices, 0, "nothing was created for B from A's customer");
}

/// Every page of CONTRACTS.md and every read server function, with Twikey configured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_twikey_api_key_never_leaves_the_server() {
    let w = World::new().await;
    w.configure().await;
    let customer = w.signed_customer("Anne").await;
    let invoice = w.invoice(customer, "40").await;
    assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
    let (c, i) = (customer.to_string(), invoice.to_string());
    let sub = w
        .call(
            "/api/subscriptions/save",
            &[
                ("input[customer_id]", &c),
                ("input[frequency]", "3"),
                ("input[lines][0][description]", "Plan"),
                ("input[lines][0][quantity]", "1"),
                ("input[lines][0][unit_price]", "9"),
                ("input[lines][0][vat_rate]", "21"),
            ],
        )
        .await
        .json()
        .to_string();
    let check = |what: &str, r: &Reply| {
        assert!(!r.body.contains(KEY), "{what}: the API key is in the body");
        for (name, value) in &r.headers {
            assert!(!value.as_bytes().windows(KEY.len()).any(|w| w == KEY.as_bytes()), "{what}: the API key is in header {name}");
        }
    };
    let pages = [
        "/signup".to_string(),
        "/login".into(),
        "/".into(),
        "/customers".into(),
        "/customers/new".into(),
        format!("/customers/{c}"),
        format!("/customers/{c}?tab=twikey"),
        format!("/customers/{c}/edit"),
        "/invoices".into(),
        "/invoices/new".into(),
        format!("/invoices/{i}"),
        "/subscriptions".into(),
        "/subscriptions/new".into(),
        format!("/subscriptions/{sub}"),
        "/outbox".into(),
        "/settings/connections".into(),
        "/settings/connections/twikey".into(),
        "/healthz".into(),
    ];
    for path in &pages {
        let r = w.app.get(path, Some(&w.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        check(path, &r);
    }
    let reads: &[(&str, &[(&str, &str)])] = &[
        ("connections/get", &[]),
        ("customers/list", &[]),
        ("customers/get", &[("id", &c)]),
        ("dashboard", &[]),
        ("invoices/list", &[]),
        ("invoices/get", &[("id", &i)]),
        ("invoices/customers", &[]),
        ("outbox/list", &[]),
        ("subscriptions/list", &[]),
        ("subscriptions/get", &[("id", &sub)]),
        ("twikey/settings", &[]),
        ("twikey/templates", &[("api_key", "")]),
        ("twikey/test", &[("api_key", "")]),
        ("twikey/customer", &[("customer_id", &c)]),
        ("twikey/invoice", &[("invoice_id", &i)]),
    ];
    for (endpoint, form) in reads {
        let r = w.call(&api(endpoint), form).await;
        assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
        check(endpoint, &r);
    }
    // nor in refusals that involve the key
    for form in [
        [("api_key", KEY), ("b2c_ct", "1002"), ("b2b_ct", "9999")],
        [("api_key", ""), ("b2c_ct", "x"), ("b2b_ct", "")],
        [("api_key", "wrong-key"), ("b2c_ct", "1001"), ("b2b_ct", "")],
    ] {
        let r = w.call("/api/twikey/save", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        check("twikey/save refused", &r);
    }
}

// ---- log lines -----------------------------------------------------------------------------

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogBuffer;

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A process-wide subscriber (this test binary only) at the most verbose level, so the
/// background tasks and sqlx's worker threads are captured too.
fn capture_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(|| LogBuffer)
        .with_ansi(false)
        .try_init();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_log() {
    capture_logs();
    let w = World::new().await;
    let token = w.cookie.split_once('=').unwrap().1.to_string();
    w.configure().await;
    // prepare, sign, sync
    let customer = w.signed_customer("Anne").await;
    let invoice = w.invoice(customer, "120").await;
    let r = w.collect(invoice).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(invoice).await["invoice"]["status"], "paid");
    // the callback, signed and forged
    let public_id: String = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    let q = "type=payment&event=Paid";
    for sig in [sign_webhook(KEY, q), "00".repeat(32)] {
        let req = Request::get(format!("/twikey/webhook/{public_id}?{q}")).header("X-Signature", sig).body(Body::empty()).unwrap();
        let status = w.app.send(req).await.status;
        assert!(status == StatusCode::NO_CONTENT || status == StatusCode::FORBIDDEN);
    }
    // a failed login, a failed Twikey test, a logout and a login
    w.app.call("/api/login", &[("email", "owner@test.be"), ("password", "wrong-password")], None).await;
    w.call("/api/twikey/test", &[("api_key", "not-the-key")]).await;
    w.call("/api/twikey/test", &[("api_key", "")]).await;
    let login = w.app.call("/api/login", &[("email", "owner@test.be"), ("password", "a-long-password")], None).await;
    let second_token = login.session_cookie().unwrap().split_once('=').unwrap().1.to_string();
    // let the sync triggered by the callback finish
    tokio::time::sleep(Duration::from_millis(500)).await;
    w.sync().await;

    let logs = String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned();
    assert!(logs.lines().count() > 10, "the capture works: {logs}");
    assert!(logs.contains("Twikey callback"), "the callback was logged");
    assert!(logs.contains("logging in to Twikey"), "debug lines of the Twikey client are captured too");
    let spaced_iban = "BE68 5390 0754 7034";
    for (what, secret) in [
        ("API key", KEY),
        ("session token", token.as_str()),
        ("second session token", second_token.as_str()),
        ("IBAN", IBAN),
        ("IBAN", spaced_iban),
    ] {
        if let Some(line) = logs.lines().find(|l| l.contains(secret)) {
            panic!("the {what} is in a log line: {line}");
        }
    }
}

// ---- login throttling, sessions, redirects -------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_per_e_mail() {
    let app = TestApp::new().await;
    app.signup("A", "a@test.be").await;
    app.signup("B", "b@test.be").await;
    let mut last = StatusCode::OK;
    for _ in 0..7 {
        last = app.call("/api/login", &[("email", "a@test.be"), ("password", "wrong-password")], None).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // the same address in other letters is the same account, still throttled
    let same = app.call("/api/login", &[("email", " A@TEST.be "), ("password", "a-long-password")], None).await;
    assert_eq!(same.status, StatusCode::TOO_MANY_REQUESTS, "{}", same.body);
    assert!(matches!(app_error(&same), AppError::TooManyAttempts { retry_after_secs } if retry_after_secs > 0));
    // another e-mail is unaffected
    let other = app.call("/api/login", &[("email", "b@test.be"), ("password", "a-long-password")], None).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    assert!(other.session_cookie().is_some());
}

fn assert_security_headers(what: &str, r: &Reply) {
    let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_else(|| panic!("{what}: no {name}"));
    let csp = h("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    // No inline script runs unless it carries this response's nonce.
    let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_else(|| panic!("{what}: {csp}"));
    assert!(!script_src.contains("'unsafe-inline'"), "{what}: {script_src}");
    let scripts: Vec<&str> = r.body.match_indices("<script").map(|(i, _)| &r.body[i..i + r.body[i..].find('>').unwrap()]).collect();
    if !scripts.is_empty() {
        let nonce = script_src.split_whitespace().find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\'')).unwrap_or_else(|| panic!("{what}: inline scripts but no nonce in {script_src}"));
        assert!(nonce.len() >= 16, "{what}: a short nonce {nonce}");
        for s in scripts {
            assert!(s.contains(&format!("nonce=\"{nonce}\"")), "{what}: a script without the nonce: {s}");
        }
    }
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    let referrer = h("referrer-policy");
    assert!(
        ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"].contains(&referrer.as_str()),
        "{what}: {referrer}"
    );
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_pages_server_functions_assets_and_errors() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/encaisse.css"), "body{}").unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let app = TestApp::with_config(|c| c.site_root = root).await;
    let cookie = app.signup("A", "a@test.be").await;

    let asset = app.get("/favicon.svg", None).await;
    assert_eq!(asset.status, StatusCode::OK, "the asset is served from the site root");
    assert_security_headers("static asset", &asset);
    let css = app.get("/pkg/encaisse.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_security_headers("pkg asset", &css);
    assert_security_headers("missing asset", &app.get("/pkg/nothing.js", None).await);

    for (what, r) in [
        ("login page", app.get("/login", None).await),
        ("dashboard", app.get("/", Some(&cookie)).await),
        ("redirect to login", app.get("/customers", None).await),
        ("unknown page", app.get("/no/such/page", Some(&cookie)).await),
        ("health", app.get("/healthz", None).await),
        ("server function", app.call("/api/customers/list", &[], Some(&cookie)).await),
        ("server function 401", app.call("/api/customers/list", &[], None).await),
        ("server function 400", app.call("/api/customers/get", &[("id", "x")], Some(&cookie)).await),
        ("server function 422", app.call("/api/language", &[("lang", "xx")], Some(&cookie)).await),
        ("login", app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], None).await),
        ("callback 404", app.get("/twikey/webhook/nosuchcompany?a=b", None).await),
    ] {
        assert_security_headers(what, &r);
    }
}

fn set_cookies(r: &Reply) -> Vec<String> {
    r.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

fn attributes(cookie: &str) -> Vec<String> {
    cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_flags_over_http_and_https() {
    for https in [false, true] {
        let app = if https {
            TestApp::with_config(|c| c.public_url = "https://encaisse.example".parse().unwrap()).await
        } else {
            TestApp::new().await
        };
        let signup = app
            .call("/api/signup", &[("company_name", "A"), ("name", "N"), ("email", "a@test.be"), ("password", "a-long-password")], None)
            .await;
        let login = app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], None).await;
        let cookie = login.session_cookie().unwrap();
        let logout = app.call("/api/logout", &[], Some(&cookie)).await;
        let lang = app.call("/api/language", &[("lang", "fr")], None).await;
        for (what, r) in [("signup", &signup), ("login", &login), ("logout", &logout)] {
            let session: Vec<_> = set_cookies(r).into_iter().filter(|c| c.starts_with("encaisse_session=")).collect();
            assert_eq!(session.len(), 1, "{what}: {session:?}");
            let a = attributes(&session[0]);
            assert!(a.contains(&"httponly".into()), "{what}: {a:?}");
            assert!(a.contains(&"samesite=lax".into()), "{what}: {a:?}");
            assert!(a.contains(&"path=/".into()), "{what}: {a:?}");
            assert_eq!(a.contains(&"secure".into()), https, "{what} (https: {https}): {a:?}");
        }
        assert!(attributes(&set_cookies(&logout)[0]).contains(&"max-age=0".into()), "logout expires the cookie");
        let lang_cookie = set_cookies(&lang).into_iter().find(|c| c.starts_with("encaisse_lang=")).unwrap();
        let a = attributes(&lang_cookie);
        assert!(a.contains(&"samesite=lax".into()) && a.contains(&"secure".into()) == https, "{a:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_fixed_and_logged_out_sessions_are_refused() {
    let app = TestApp::new().await;
    let first = app.signup("A", "a@test.be").await;
    let token = first.split_once('=').unwrap().1;
    assert!(token.len() >= 32, "a long random token: {token}");

    // random and near-miss tokens
    let mut flipped = token.to_string();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [
        "encaisse_session=0000000000000000000000000000000000000000000".to_string(),
        format!("encaisse_session={flipped}"),
        format!("encaisse_session={}", token.to_uppercase()),
        format!("encaisse_session={token}x"),
        format!("encaisse_session=x{token}"),
    ] {
        let r = app.call("/api/customers/list", &[], Some(&forged)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{forged}");
        let page = app.get("/customers", Some(&forged)).await;
        assert_eq!(page.status, StatusCode::FOUND, "{forged}");
    }
    // Cookie headers are read as RFC 6265 says (the `cookie` crate): spaces around a value are
    // not part of it, so a padded token is the same token, not a near miss.
    let padded = format!("encaisse_session= {token} ");
    assert_eq!(app.call("/api/customers/list", &[], Some(&padded)).await.status, StatusCode::OK);

    // session fixation: a cookie planted before login is not adopted
    let planted = "encaisse_session=planted-by-an-attacker-0123456789abcdef";
    let login = app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], Some(planted)).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let fresh = login.session_cookie().unwrap();
    assert_ne!(fresh, planted);
    assert_ne!(fresh, first, "every login makes a new token");
    assert_eq!(app.call("/api/customers/list", &[], Some(planted)).await.status, StatusCode::UNAUTHORIZED);

    // logout ends that session on the server: replaying the old cookie is refused
    assert_eq!(app.call("/api/customers/list", &[], Some(&fresh)).await.status, StatusCode::OK);
    assert_eq!(app.call("/api/logout", &[], Some(&fresh)).await.status, StatusCode::OK);
    for endpoint in ["customers/list", "dashboard", "twikey/settings"] {
        assert_eq!(app.call(&api(endpoint), &[], Some(&fresh)).await.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(app.get("/customers", Some(&fresh)).await.status, StatusCode::FOUND);
    // the other session of the same user is its own
    assert_eq!(app.call("/api/customers/list", &[], Some(&first)).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_language_redirect_on_site_only() {
    let app = TestApp::new().await;
    app.signup("A", "a@test.be").await;
    let evil = [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: a=b",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "",
    ];
    for next in evil {
        for accept in ["application/json", "text/html"] {
            for (endpoint, form) in [
                ("login", vec![("email", "a@test.be"), ("password", "a-long-password"), ("next", next)]),
                ("language", vec![("lang", "en"), ("next", next)]),
            ] {
                let body = form.iter().map(|(k, v)| format!("{k}={}", crate::helpers::urlencode(v))).collect::<Vec<_>>().join("&");
                let req = Request::post(api(endpoint))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, accept)
                    .body(Body::from(body))
                    .unwrap();
                let r = app.send(req).await;
                assert!(
                    r.status == StatusCode::OK || r.status == StatusCode::FOUND,
                    "{endpoint} next={next:?} ({accept}): {} {}",
                    r.status,
                    r.body
                );
                let location = r.headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_string());
                assert_eq!(location.as_deref(), Some("/"), "{endpoint} next={next:?} ({accept})");
            }
        }
    }
    // a path of this site is kept
    let r =
        app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password"), ("next", "/invoices?status=open")], None).await;
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/invoices?status=open");
}
