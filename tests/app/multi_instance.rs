//! Two Encaisse servers on one database and one twikey-sandbox, as behind a load balancer:
//! the scheduler due at both, a burst of "Start new collection" on both, every webhook sent to
//! both twice and in reverse order. Every invoice is created once, every collection requested
//! once, every outcome applied once. Run on PostgreSQL (the deployment for several servers)
//! under `ENCAISSE_TEST_POSTGRES`, and on one shared SQLite file otherwise.

use crate::helpers::process::{Client, Server};
use crate::helpers::world::KEY;
use crate::helpers::TestApp;
use twikey_sandbox::{self as sandbox, SandboxConfig};
use encaisse::server::db::{Backend, Db};
use twikey::sign_webhook;
use futures::StreamExt;
use serde_json::Value;
use std::time::{Duration, Instant};

const SUBSCRIBERS: usize = 16;
const ONE_OFF: usize = 6;
const INVOICES_EACH: usize = 2;
/// Collection requests per invoice and server in the burst.
const CLICKS: usize = 3;

async fn count(db: &Db, sql: &str) -> i64 {
    db.scalar(sql).await.unwrap()
}

/// Polls `sql` until it counts `want` (or 60 s pass); returns the last count.
async fn wait_for(db: &Db, sql: &str, want: i64) -> i64 {
    let started = Instant::now();
    loop {
        let n = count(db, sql).await;
        if n == want || started.elapsed() > Duration::from_secs(60) {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_create_collect_and_apply_everything_once() {
    let sandbox = sandbox::spawn(SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() }).await.unwrap();
    let api = sandbox.api_base_url();
    // The shared database, migrated; the test reads the outcome through it.
    let app = TestApp::with_config(|c| c.twikey_api_url = api.parse().unwrap()).await;
    let db = app.state.db.clone();
    let config = app.state.config.clone();
    // Both run the scheduler every second; A also syncs every second, B only at start and when
    // a webhook reaches it (so a live update B shows can only come from A, through the database).
    let a = Server::start(&config, &api, &[("SCHEDULER_INTERVAL_SECS", "1".into()), ("TWIKEY_SYNC_INTERVAL_SECS", "1".into())]).await;
    let b = Server::start(&config, &api, &[("SCHEDULER_INTERVAL_SECS", "1".into()), ("TWIKEY_SYNC_INTERVAL_SECS", "300".into())]).await;

    let http = reqwest::Client::new();
    // Sign up on A; the session works on B (sessions live in the database).
    let user = Client::signup(&a, "Boulangerie", "owner@test.be").await;
    user.ok(&b, "/api/connections/twikey", &[("enabled", "true")]).await;
    user.ok(&b, "/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", "1002")]).await;
    // Twikey calls A's callback URL (one URL is pasted into Twikey).
    let public_id: String = encaisse::on_db!(db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    let callback = format!("{}/twikey/webhook/{public_id}", a.base);
    let saved = http.post(format!("{}/settings/api", sandbox.url())).form(&[("apiKey", KEY), ("webhookUrl", callback.as_str())]).send().await.unwrap();
    assert!(saved.status().is_success(), "{}", saved.text().await.unwrap());

    // Customers with signed mandates, prepared on either server.
    let servers = [&a, &b];
    let mut customers = vec![];
    for i in 0..SUBSCRIBERS + ONE_OFF {
        let on = servers[i % 2];
        let id = user
            .ok(on, "/api/customers/save", &[("input[kind]", "individual"), ("input[first_name]", &format!("Debtor{i}")), ("input[last_name]", "Test"), ("input[email]", &format!("d{i}@example.be"))])
            .await
            .as_i64()
            .unwrap();
        user.ok(on, "/api/twikey/mandate/prepare", &[("customer_id", &id.to_string())]).await;
        let mandates = user.ok(on, "/api/twikey/customer", &[("customer_id", &id.to_string())]).await;
        let sign_url = mandates["mandates"][0]["sign_url"].as_str().unwrap().to_string();
        assert!(http.post(sign_url).form(&[("iban", "BE68539007547034"), ("bic", "KREDBEBB")]).send().await.unwrap().status().is_success());
        customers.push(id);
    }
    let n = (SUBSCRIBERS + ONE_OFF) as i64;
    assert_eq!(wait_for(&db, "SELECT COUNT(*) FROM mandates WHERE state = 'signed'", n).await, n, "every mandate signed");

    // Subscriptions starting today, collected with Twikey: both schedulers find them due.
    let today = chrono::Utc::now().date_naive().to_string();
    for (i, customer) in customers[..SUBSCRIBERS].iter().enumerate() {
        user.ok(
            servers[i % 2],
            "/api/subscriptions/save",
            &[
                ("input[customer_id]", &customer.to_string()),
                ("input[frequency]", "1"),
                ("input[start_date]", &today),
                ("input[collect_with_twikey]", "true"),
                ("input[lines][0][description]", "Bread"),
                ("input[lines][0][quantity]", "1"),
                ("input[lines][0][unit_price]", "40"),
                ("input[lines][0][vat_rate]", "6"),
            ],
        )
        .await;
    }
    // One-off invoices, then a burst of "Start new collection" on both servers at once.
    let mut one_off = vec![];
    for (i, customer) in customers[SUBSCRIBERS..].iter().enumerate() {
        for k in 0..INVOICES_EACH {
            let id = user
                .ok(
                    servers[(i + k) % 2],
                    "/api/invoices/save",
                    &[
                        ("input[customer_id]", &customer.to_string()),
                        ("input[issue_date]", &today),
                        ("input[payment_term_days]", "30"),
                        ("input[lines][0][description]", "Croissants"),
                        ("input[lines][0][quantity]", "1"),
                        ("input[lines][0][unit_price]", "120"),
                        ("input[lines][0][vat_rate]", "0"),
                        ("issue", "true"),
                    ],
                )
                .await
                .as_i64()
                .unwrap();
            one_off.push(id);
        }
    }
    let clicks = one_off.iter().flat_map(|id| servers.iter().flat_map(move |s| std::iter::repeat_n((*s, *id), CLICKS)));
    let answers: Vec<(u16, String)> = futures::stream::iter(clicks)
        .map(|(s, id)| {
            let user = &user;
            async move { user.post(s, "/api/twikey/collect", &[("invoice_id", &id.to_string())]).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(answers.iter().all(|(status, _)| *status < 500), "no server error in the burst: {answers:?}");

    let invoices = (SUBSCRIBERS + ONE_OFF * INVOICES_EACH) as i64;
    assert_eq!(wait_for(&db, "SELECT COUNT(*) FROM collections WHERE state = 'open'", invoices).await, invoices, "every invoice's collection sent");

    // Twikey settles; its webhooks reach A, then every webhook is sent again to both servers,
    // twice, newest first.
    http.post(format!("{}/_sandbox/settle", sandbox.url())).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log: Vec<Value> = http.get(format!("{}/_sandbox/webhooks", sandbox.url())).send().await.unwrap().json().await.unwrap();
    assert!(!log.is_empty(), "the sandbox sent webhooks");
    let replays = log.iter().rev().flat_map(|w| {
        let query = w["query"].as_str().unwrap().to_string();
        let signature = w["signature"].as_str().unwrap().to_string();
        [&a, &b, &b, &a].map(|s| (format!("{}/twikey/webhook/{public_id}?{query}", s.base), signature.clone()))
    });
    let statuses: Vec<u16> = futures::stream::iter(replays)
        .map(|(url, sig)| {
            let http = http.clone();
            async move { http.get(url).header("X-Signature", sig).send().await.unwrap().status().as_u16() }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 204), "every replayed webhook accepted: {statuses:?}");
    // A webhook on B makes B sync too: both read the feeds now.
    assert_eq!(wait_for(&db, "SELECT COUNT(*) FROM invoices WHERE status = 'paid'", invoices).await, invoices, "every invoice paid");
    tokio::time::sleep(Duration::from_secs(2)).await; // let late syncs finish: they must change nothing

    // Exactly once, everywhere.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invoices").await, invoices, "each invoice created once");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invoices WHERE subscription_id IS NOT NULL").await, SUBSCRIBERS as i64, "one invoice per subscription period");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM collections").await, invoices, "one collection per invoice");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM payments").await, invoices, "one payment per invoice");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invoices WHERE paid_cents <> total_incl_cents").await, 0, "paid once, in full");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invoice_events WHERE kind = 'collection_paid'").await, invoices, "each outcome applied once");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invoice_events WHERE kind = 'collection_requested'").await, invoices, "each collection requested once");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mandate_events WHERE kind = 'signed'").await, n, "each signature applied once");
    let twikey = app.state.twikey_client_for_key(KEY).unwrap();
    let references: Vec<String> = encaisse::on_db!(db, |ex| sqlx::query_scalar("SELECT reference FROM collections").fetch_all(ex).await).unwrap();
    for r in &references {
        assert_eq!(twikey.transaction_detail_by_ref(r).await.unwrap().len(), 1, "{r}: one transaction in Twikey");
    }
    let mut numbers: Vec<String> = encaisse::on_db!(db, |ex| sqlx::query_scalar("SELECT number FROM invoices").fetch_all(ex).await).unwrap();
    numbers.sort();
    let year = &today[..4];
    assert_eq!(numbers, (1..=invoices).map(|k| format!("{year}-{k:04}")).collect::<Vec<_>>(), "numbers without gap or duplicate");
    eprintln!(
        "two servers on {:?}: {invoices} invoices, {} collection clicks, {} webhook deliveries replayed: all once",
        db.backend(),
        one_off.len() * 2 * CLICKS,
        statuses.len()
    );

    // Live updates cross servers on PostgreSQL: a page open on B hears what A did.
    if db.backend() == Backend::Postgres {
        let events = http.get(format!("{}/events", b.base)).header("cookie", &user.cookie).send().await.unwrap();
        assert_eq!(events.status(), 200);
        let mut events = events;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let query = "msg=dummytest&type=event";
        let r = http.get(format!("{callback}?{query}")).header("X-Signature", sign_webhook(KEY, query)).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let heard = tokio::time::timeout(Duration::from_secs(10), async {
            let mut seen = String::new();
            while let Ok(Some(chunk)) = events.chunk().await {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains("data: settings") {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(heard, Ok(true), "B's page heard A's change");
    }
}
