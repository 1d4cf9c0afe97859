//! Reliability: collections under injected Twikey faults, and the real server binary killed
//! with SIGKILL in the middle of a scheduler run and of a feed sync, then restarted. Each ends
//! in the same state as without the fault: nothing twice, nothing lost.

use crate::helpers::world::{World, KEY};
use crate::helpers::process::{encaisse, kill9, Client, Server};
use crate::helpers::TestApp;
use encaisse::on_db;
use twikey_sandbox::{self as sandbox, SandboxConfig};
use encaisse::server::db::Db;
use twikey::{InviteRequest, TwikeyClient, TwikeyConfig};
use http::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

async fn count(db: &Db, sql: &str) -> i64 {
    db.scalar(sql).await.unwrap()
}

/// Transactions Twikey holds per reference, read from the sandbox's own records (the API's
/// detail call is rate limited, as Twikey's).
fn debits_by_reference(sandbox: &sandbox::SandboxHandle) -> std::collections::HashMap<String, usize> {
    sandbox.state.read(|d| {
        let mut n = std::collections::HashMap::new();
        for t in &d.tenants[KEY].transactions {
            if let Some(r) = &t.reference {
                *n.entry(r.clone()).or_insert(0) += 1;
            }
        }
        n
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_collections_under_faults_debit_once_and_lose_nothing() {
    let sandbox = sandbox::spawn(SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() }).await.unwrap();
    let w = World::with_sandbox_and_config(sandbox, |c| c.twikey_timeout_ms = 400).await;
    // Twikey's dunning offers a failed payment to the bank once more (`final: false` first).
    w.sandbox_template(json!({"api_key": KEY, "ct": 1001, "reoffers": 1})).await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    // every tenth invoice is 8 € (the bank refuses, AM04, then pays when Twikey offers it
    // again), the others 120 € (paid)
    let mut invoices = Vec::new();
    for i in 0..200 {
        invoices.push(w.invoice(anne, if i % 10 == 0 { "8" } else { "120" }).await);
    }
    let faults = json!([
        {"path": "/creditor/transaction", "method": "POST", "count": 20, "status": 500},
        {"path": "/creditor/transaction", "method": "POST", "count": 10, "status": 429, "retry_after": 1},
        {"path": "/creditor/transaction", "method": "POST", "count": 8, "delay_ms": 700},
        {"path": "/creditor/transaction", "method": "POST", "count": 10, "drop": true},
        {"path": "/creditor/transaction/detail", "method": "GET", "count": 5, "status": 429, "retry_after": 1},
        {"path": "/creditor/transaction", "method": "GET", "count": 3, "status": 500}
    ]);
    w.fault(faults).await;
    let mut refused = 0;
    for id in &invoices {
        if w.collect(*id).await.status != StatusCode::OK {
            refused += 1;
        }
    }
    eprintln!("collections without an answer on the first try (injected faults): {refused}");
    assert!(refused >= 40, "the faults did happen ({refused})");
    // A crash between Twikey's answer and the commit: for ten of them Twikey did create the
    // transaction with the collection's key, but Encaisse never recorded it.
    let db = &w.app.state.db;
    let lost: Vec<(String, String, String, i64)> = encaisse::on_db!(db, |ex| sqlx::query_as(
        "SELECT idempotency_key, reference, mandate_reference, amount_cents FROM collections WHERE state = 'requested' ORDER BY id LIMIT 10"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    let twikey = w.app.state.twikey_client_for_key(KEY).unwrap();
    for (key, reference, mandate, cents) in &lost {
        let request = twikey::NewTransaction {
            mndt_id: mandate.clone(),
            message: "Invoice".into(),
            amount_cents: *cents,
            reference: Some(reference.clone()),
            reqcolldt: None,
            place: None,
        };
        // (one of the delayed requests may have created it already: then this is the 409)
        let _ = twikey.create_transaction(&request, Some(key)).await;
    }
    // The follow-up resends what Twikey never answered with the same keys: a 409 means
    // "already created" and the transaction is looked up by its reference.
    for _ in 0..30 {
        db.execute("UPDATE collections SET updated_at = '2000-01-01T00:00:00Z' WHERE state = 'requested'").await.unwrap();
        let _ = encaisse::server::twikey::sync::sync_now(&w.app.state, w.company_id().await).await;
        if count(db, "SELECT COUNT(*) FROM collections WHERE state = 'requested'").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(count(db, "SELECT COUNT(*) FROM collections WHERE state = 'requested'").await, 0, "all created in the end");
    let confirmed = count(db, "SELECT COUNT(*) FROM invoice_events WHERE kind = 'collection_sent' AND details LIKE '%confirmed%'").await;
    eprintln!("collections found by reference after a 409 (already created): {confirmed}");
    assert!(confirmed >= lost.len() as i64, "each lost answer was confirmed by reference ({confirmed})");
    // The bank answers (twice for the refused ones: Twikey offers them again).
    for _ in 0..2 {
        w.settle().await;
        for _ in 0..5 {
            if encaisse::server::twikey::sync::sync_now(&w.app.state, w.company_id().await).await.is_ok() {
                break;
            }
        }
    }
    let debits = debits_by_reference(&w.sandbox);
    let mut double_debits = 0;
    let mut lost_outcomes = 0;
    for (n, id) in invoices.iter().enumerate() {
        let d = w.invoice_detail(*id).await;
        let number = d["invoice"]["number"].as_str().unwrap().to_string();
        if debits.get(&format!("{number}-1")).copied().unwrap_or(0) != 1 || debits.len() != invoices.len() {
            double_debits += 1;
            eprintln!("invoice {n}: {:?} debits", debits.get(&format!("{number}-1")));
        }
        assert_eq!(count(db, &format!("SELECT COUNT(*) FROM collections WHERE invoice_id = {id}")).await, 1, "invoice {n}: one collection");
        let payments = d["payments"].as_array().unwrap().len();
        if d["invoice"]["status"] != "paid" || payments != 1 {
            lost_outcomes += 1;
            eprintln!("invoice {n}: {} with {payments} payments", d["invoice"]["status"]);
        }
    }
    let reoffered = count(db, "SELECT COUNT(*) FROM invoice_events WHERE kind = 'collection_failed_will_retry'").await;
    eprintln!(
        "200 collections: {double_debits} double debits, {lost_outcomes} lost outcomes; {reoffered} failures re-offered by Twikey and paid"
    );
    assert_eq!(reoffered, 20);
    assert_eq!((double_debits, lost_outcomes), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduler_run_killed_with_sigkill_then_rerun_invoices_every_period_once() {
    let app = TestApp::new().await;
    let cookie = app.signup("Abonnements", "subs@test.be").await;
    let customer = app.create_customer(&cookie, "Anne", "Peeters").await.to_string();
    const SUBS: usize = 120;
    for _ in 0..SUBS {
        let r = app
            .call(
                "/api/subscriptions/save",
                &[
                    ("input[customer_id]", customer.as_str()),
                    ("input[frequency]", "1"),
                    ("input[start_date]", "2025-01-01"),
                    ("input[lines][0][description]", "Bread"),
                    ("input[lines][0][quantity]", "1"),
                    ("input[lines][0][unit_price]", "10"),
                    ("input[lines][0][vat_rate]", "6"),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let config = app.state.config.clone();
    let db = &app.state.db;
    let mut run = encaisse(&config, &["run-scheduler", "--as-of", "2026-12-31"], &[]).spawn().unwrap();
    let started = Instant::now();
    while count(db, "SELECT COUNT(*) FROM invoices").await < 300 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill9(&mut run);
    let at_kill = count(db, "SELECT COUNT(*) FROM invoices").await;
    eprintln!("killed the scheduler after {at_kill} invoices");
    assert!(at_kill < (SUBS * 24) as i64, "killed mid-run");
    let status = encaisse(&config, &["run-scheduler", "--as-of", "2026-12-31"], &[]).status().unwrap();
    assert!(status.success());
    let expected = (SUBS * 24) as i64; // monthly from January 2025 to December 2026
    assert_eq!(count(db, "SELECT COUNT(*) FROM invoices").await, expected);
    assert_eq!(count(db, "SELECT COUNT(DISTINCT subscription_id || '/' || period_start) FROM invoices").await, expected);
    // numbers per year: consecutive, no gap, no duplicate
    for year in ["2025", "2026"] {
        let numbers: Vec<String> =
            on_db!(db, |ex| sqlx::query_scalar(&format!("SELECT number FROM invoices WHERE number LIKE '{year}-%' ORDER BY number"))
                .fetch_all(ex)
                .await)
            .unwrap();
        for (i, n) in numbers.iter().enumerate() {
            assert_eq!(n, &format!("{year}-{:04}", i + 1));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_with_sigkill_during_a_sync_resumes_from_the_committed_position() {
    let sandbox = sandbox::spawn(SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() }).await.unwrap();
    let app = TestApp::new().await;
    let config = app.state.config.clone();
    let db = app.state.db.clone();
    // 250 mandates signed in Twikey before Encaisse reads the feed: three chunks of the feed
    let twikey = TwikeyClient::new(TwikeyConfig::new(sandbox.api_base_url(), KEY)).unwrap();
    let http = reqwest::Client::new();
    for i in 0..250 {
        let invite = twikey
            .invite(&InviteRequest {
                ct: "1001".into(),
                customer_number: Some(format!("X{i:04}")),
                email: Some(format!("d{i}@example.be")),
                last_name: Some(format!("Debtor {i}")),
                ..Default::default()
            })
            .await
            .unwrap();
        let signed = http.post(invite.url.unwrap()).form(&[("iban", "BE68539007547034")]).send().await.unwrap();
        assert!(signed.status().is_success());
    }
    let env = [("TWIKEY_SYNC_INTERVAL_SECS", "1".to_string()), ("SCHEDULER_INTERVAL_SECS", "0".to_string())];
    let mut server = Server::start(&config, &sandbox.api_base_url(), &env).await;
    // every feed read is slow now, so the kill lands between chunks
    http.post(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&json!({"path": "/creditor/mandate", "method": "GET", "count": 3, "delay_ms": 1200}))
        .send()
        .await
        .unwrap();
    let user = Client::signup(&server, "Sync", "sync@test.be").await;
    user.ok(&server, "/api/connections/twikey", &[("enabled", "true")]).await;
    user.ok(&server, "/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", "")]).await;
    // wait until the first chunk is committed, then pull the plug
    let started = Instant::now();
    while count(&db, "SELECT COUNT(*) FROM mandates").await == 0 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    let at_kill = count(&db, "SELECT COUNT(*) FROM mandates").await;
    eprintln!("killed the server during the sync with {at_kill} of 250 mandates applied");
    assert!(at_kill > 0 && at_kill < 250, "killed between chunks ({at_kill})");
    // restart: the sync resumes after the committed position and completes
    let mut server = Server::start(&config, &sandbox.api_base_url(), &env).await;
    let started = Instant::now();
    while count(&db, "SELECT COUNT(*) FROM mandates").await < 250 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mandates WHERE state = 'signed'").await, 250);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mandate_events WHERE kind = 'signed'").await, 250, "each applied once");
    assert_eq!(count(&db, "SELECT COUNT(DISTINCT reference) FROM mandates").await, 250);
}
