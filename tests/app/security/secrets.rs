//! The Twikey API key never leaves the server: not in bodies, headers or log lines.

use axum::body::Body;
use crate::helpers::world::{World, KEY};
use crate::helpers::Reply;
use encaisse::on_db;
use twikey::sign_webhook;
use http::{Request, StatusCode};
use std::sync::Mutex;
use std::time::Duration;
use super::{api, IBAN};

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
