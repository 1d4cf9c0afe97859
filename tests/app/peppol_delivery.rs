//! Peppol delivery through Twikey (the sandbox as Twikey and as the Peppol Directory): an issued
//! invoice of a business customer that can receive Peppol goes out once over Peppol, with the
//! mandate when it is collected by direct debit; one that cannot gets an e-mail instead; and
//! under injected 500s, timeouts and dropped connections every document is delivered exactly
//! once.

use crate::helpers::world::{World, KEY};
use encaisse::server::invoicing::peppol::{self, DeliveryReport};
use encaisse::server::invoicing::scheduler::{run_once, RunOptions};
use http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Runs the delivery as the scheduler would, at a time when every retry is due.
async fn deliver(w: &World, days_later: i64) -> DeliveryReport {
    let at = chrono::Utc::now() + chrono::Duration::days(days_later);
    peppol::deliver_due(&w.app.state, at).await.expect("the delivery run")
}

/// The documents as Twikey received them pass the official Peppol rules.
fn passes_the_rules(ubls: &[&str]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = std::env::var_os("PEPPOL_RULES_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("../shared/peppol"));
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = ubls
        .iter()
        .enumerate()
        .map(|(i, xml)| {
            let path = dir.path().join(format!("delivered-{i}.xml"));
            std::fs::write(&path, xml).unwrap();
            path
        })
        .collect();
    let out = std::process::Command::new(root.join("scripts/peppol.sh")).args(&files).env("PEPPOL_RULES_DIR", &rules).output().expect("scripts/peppol.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && !stdout.contains(": fatal "), "the delivered documents fail the Peppol rules:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

async fn delivered(w: &World) -> Vec<Value> {
    w.http.get(format!("{}/_sandbox/peppol", w.sandbox.url())).send().await.unwrap().json().await.unwrap()
}

async fn number_of(w: &World, invoice: i64) -> String {
    w.invoice_detail(invoice).await["invoice"]["number"].as_str().unwrap().to_string()
}

async fn events(w: &World, invoice: i64) -> Vec<Value> {
    w.invoice_detail(invoice).await["events"].as_array().unwrap().clone()
}

async fn reach(w: &World, customer: i64) -> String {
    let r = w.call("/api/peppol/customer", &[("customer_id", &customer.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_str().unwrap().to_string()
}

async fn deliveries_by_state(w: &World) -> BTreeMap<String, i64> {
    let rows: Vec<(String, i64)> = encaisse::on_db!(w.app.state.db, |ex| sqlx::query_as(
        "SELECT state, COUNT(*) FROM peppol_deliveries GROUP BY state"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    rows.into_iter().collect()
}

/// A company customer with a signed (bank-accepted) B2B mandate; returns it and the mandate.
async fn firm_with_mandate(w: &World) -> (i64, String) {
    let firm = w.company_customer().await;
    let prepared = w.prepare(firm).await;
    assert!(w.sign(&prepared, "BE68539007547034").await.is_success());
    w.settle().await; // the debtor's bank accepts the B2B mandate
    w.sync().await;
    (firm, prepared["reference"].as_str().unwrap().to_string())
}

async fn customer_with_number(w: &World, name: &str, enterprise_number: &str) -> i64 {
    let r = w
        .call(
            "/api/customers/save",
            &[
                ("input[kind]", "company"),
                ("input[company_name]", name),
                ("input[enterprise_number]", enterprise_number),
                ("input[email]", "factures@atelier.be"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collected_company_invoice_is_delivered_over_peppol_once_with_its_mandate() {
    let w = World::new().await;
    w.configure().await;
    let (firm, mandate) = firm_with_mandate(&w).await;
    assert_eq!(reach(&w, firm).await, "receives", "the customer page says it");

    let invoice = w.invoice(firm, "120").await;
    assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
    let number = number_of(&w, invoice).await;

    let report = deliver(&w, 0).await;
    assert_eq!(report, DeliveryReport { delivered: 1, ..Default::default() });
    let sent = delivered(&w).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let doc = &sent[0];
    assert_eq!((doc["number"].as_str(), doc["document_type"].as_str()), (Some(number.as_str()), Some("Invoice")));
    assert_eq!(doc["receiver"], "0208:0403170701");
    assert_eq!(doc["payment_means"], "59", "collected by direct debit");
    assert_eq!((doc["mandate"].as_str(), doc["contract"].as_str()), (Some(mandate.as_str()), Some(mandate.as_str())));
    assert_eq!(doc["manual"], true, "Twikey starts no collection of its own");
    let ubl = doc["ubl"].as_str().unwrap();
    assert!(ubl.contains("mimeCode=\"application/pdf\""), "the PDF inside");
    passes_the_rules(&[ubl]);
    // Twikey holds the one collection Encaisse started, nothing of its own.
    let transactions = w.sandbox.state.read(|d| d.tenants[KEY].transactions.len());
    assert_eq!(transactions, 1);

    // Later runs deliver nothing again.
    assert_eq!(deliver(&w, 1).await, DeliveryReport::default());
    assert_eq!(delivered(&w).await.len(), 1);
    let timeline = events(&w, invoice).await;
    let peppol: Vec<&Value> = timeline.iter().filter(|e| e["kind"].as_str().unwrap().starts_with("peppol_")).collect();
    assert_eq!(peppol.len(), 1, "{timeline:?}");
    assert_eq!(peppol[0]["kind"], "peppol_delivered");
    assert_eq!(peppol[0]["details"]["contract"], mandate.as_str());

    // The invoice page shows it in words.
    let page = w.app.get(&format!("/invoices/{invoice}"), Some(&w.cookie)).await;
    assert!(page.body.contains("Delivered over Peppol to 0403.170.701"), "timeline entry on the page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_not_on_peppol_gets_an_e_mail_and_an_individual_is_not_queued() {
    let w = World::new().await;
    w.configure().await;
    // 0123.456.749 ends in 9: the sandbox's Peppol network does not know it.
    let atelier = customer_with_number(&w, "Atelier Neuf", "0123.456.749").await;
    assert_eq!(reach(&w, atelier).await, "does_not_receive");
    let page = w.app.get(&format!("/customers/{atelier}"), Some(&w.cookie)).await;
    assert!(page.body.contains("Does not receive e-invoices over Peppol"), "the customer page says it");

    let invoice = w.invoice(atelier, "80").await;
    let person = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let private = w.invoice(person, "15").await;
    assert_eq!(deliveries_by_state(&w).await, BTreeMap::from([("queued".to_string(), 1)]), "individuals are not for Peppol");

    // The scheduler's tick: not reachable, the e-mail queued and delivered (kept in the outbox).
    let report = run_once(&w.app.state, &RunOptions::as_of(World::today())).await.unwrap();
    assert_eq!(report.emails_delivered, 1);
    assert!(delivered(&w).await.is_empty(), "nothing went over Peppol");
    assert!(w.sandbox.state.read(|d| d.tenants[KEY].invoices.is_empty()), "nothing was uploaded to Twikey");
    assert_eq!(deliveries_by_state(&w).await, BTreeMap::from([("not_reachable".to_string(), 1)]));
    let timeline = events(&w, invoice).await;
    let kinds: Vec<&str> = timeline.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"peppol_not_reachable") && kinds.contains(&"sent"), "{kinds:?}");
    let page = w.app.get(&format!("/invoices/{invoice}"), Some(&w.cookie)).await;
    assert!(page.body.contains("Not reachable over Peppol, sent by e-mail instead"), "in words on the invoice page");
    assert!(events(&w, private).await.iter().all(|e| !e["kind"].as_str().unwrap().starts_with("peppol")));

    // Twikey off: a company invoice is not queued for Peppol at all.
    assert_eq!(w.call("/api/connections/twikey", &[("enabled", "false")]).await.status, StatusCode::OK);
    let firm = w.company_customer().await;
    w.invoice(firm, "40").await;
    assert_eq!(reach(&w, firm).await, "not_applicable");
    assert_eq!(deliveries_by_state(&w).await.values().sum::<i64>(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_is_retried_with_backoff_and_counted_on_the_connections_page() {
    let w = World::new().await;
    w.configure().await;
    let firm = w.company_customer().await;
    let invoice = w.invoice(firm, "60").await;
    w.fault(json!({"path": "/creditor/invoice/ubl", "status": 500, "count": 1})).await;
    assert_eq!(deliver(&w, 0).await.retrying, 1);
    let health = w.call("/api/peppol/health", &[]).await.json();
    assert_eq!((health["failed"].as_i64(), health["retrying"].as_i64()), (Some(0), Some(1)));
    let retry = events(&w, invoice).await.into_iter().find(|e| e["kind"] == "peppol_retry").expect("a retry on the timeline");
    let retry_at = chrono::DateTime::parse_from_rfc3339(retry["details"]["retry_at"].as_str().unwrap()).unwrap();
    assert!(retry_at > chrono::Utc::now() + chrono::Duration::seconds(50), "backoff: {retry_at}");
    // Not due before its time; due after.
    assert_eq!(peppol::deliver_due(&w.app.state, chrono::Utc::now()).await.unwrap(), DeliveryReport::default());
    assert_eq!(deliver(&w, 1).await.delivered, 1);
    assert_eq!(delivered(&w).await.len(), 1);
    let health = w.call("/api/peppol/health", &[]).await.json();
    assert_eq!((health["failed"].as_i64(), health["retrying"].as_i64()), (Some(0), Some(0)));

    // A refusal is final (here: the access point refuses every upload and the invoice is unknown).
    let second = w.invoice(firm, "61").await;
    w.fault(json!({"path": "/creditor/invoice/ubl", "status": 400, "code": "invalid_file", "count": 1})).await;
    assert_eq!(deliver(&w, 2).await.failed, 1);
    assert!(events(&w, second).await.iter().any(|e| e["kind"] == "peppol_failed"));
    let health = w.call("/api/peppol/health", &[]).await.json();
    assert_eq!(health["failed"].as_i64(), Some(1));
    let page = w.app.get("/settings/connections", Some(&w.cookie)).await;
    assert!(page.body.contains("1 failed, not delivered"), "the health panel counts it");
}

/// The reliability run: 30 documents (a third collected by direct debit) delivered under
/// injected 500s, timeouts (answered after the client gave up, the call still made) and dropped
/// connections on the upload, the delivery action and the Peppol lookup; each is delivered
/// exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_documents_under_faults_are_each_delivered_exactly_once() {
    const DOCUMENTS: usize = 30;
    const CLIENT_TIMEOUT_MS: u64 = 700;
    const DELAY_MS: u64 = 1500;
    let sandbox = twikey_sandbox::spawn(twikey_sandbox::SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() })
        .await
        .unwrap();
    let w = World::with_sandbox_and_config(sandbox, |c| c.twikey_timeout_ms = CLIENT_TIMEOUT_MS).await;
    w.configure().await;
    let (firm, mandate) = firm_with_mandate(&w).await;
    let mut invoices = vec![];
    for i in 0..DOCUMENTS {
        let invoice = w.invoice(firm, &format!("{}", 100 + i)).await;
        if i % 3 == 0 {
            assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
        }
        invoices.push((invoice, number_of(&w, invoice).await, i % 3 == 0));
    }
    let uuids: Vec<String> = encaisse::on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT document_uuid FROM peppol_deliveries ORDER BY id")
        .fetch_all(ex)
        .await)
    .unwrap();
    assert_eq!(uuids.len(), DOCUMENTS, "one delivery per document, queued at issue");

    // Faults: on the upload (the next calls), on the delivery action of chosen documents, and
    // on the lookup.
    let mut faults = vec![
        json!({"path": "/creditor/invoice/ubl", "status": 500, "count": 6}),
        json!({"path": "/search/1.0/json", "status": 503, "count": 1}),
        json!({"path": "/search/1.0/json", "drop": true, "count": 1}),
    ];
    let upload_faults = [("500", 6), ("timeout", 5), ("dropped", 5)];
    faults.push(json!({"path": "/creditor/invoice/ubl", "delay_ms": DELAY_MS, "count": 5}));
    faults.push(json!({"path": "/creditor/invoice/ubl", "drop": true, "count": 5}));
    let mut action_faults = BTreeMap::from([("500", 0), ("timeout", 0), ("dropped", 0)]);
    for (i, uuid) in uuids.iter().enumerate() {
        let path = format!("/creditor/invoice/{uuid}/action");
        let fault = match i % 4 {
            0 => Some(("500", json!({"path": path, "status": 500}))),
            1 => Some(("timeout", json!({"path": path, "delay_ms": DELAY_MS}))),
            2 => Some(("dropped", json!({"path": path, "drop": true}))),
            _ => None,
        };
        if let Some((kind, f)) = fault {
            *action_faults.get_mut(kind).unwrap() += 1;
            faults.push(f);
        }
        // Some documents meet two faults in a row on the action (not after a timeout: the
        // delayed action was made, so the next attempt finds it delivered and asks no more).
        if i % 7 == 0 && i % 4 != 1 {
            *action_faults.get_mut("500").unwrap() += 1;
            faults.push(json!({"path": format!("/creditor/invoice/{uuid}/action"), "status": 502}));
        }
    }
    w.fault(Value::Array(faults)).await;

    let mut total = DeliveryReport::default();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let r = deliver(&w, rounds).await;
        total.delivered += r.delivered;
        total.retrying += r.retrying;
        total.failed += r.failed;
        total.not_reachable += r.not_reachable;
        let states = deliveries_by_state(&w).await;
        if states.get("delivered").copied().unwrap_or(0) as usize == DOCUMENTS || rounds == 20 {
            break;
        }
        // A timed-out call is still made by Twikey: give it time before the next attempt.
        tokio::time::sleep(Duration::from_millis(DELAY_MS + 500)).await;
    }
    let left: Value = w.http.get(format!("{}/_sandbox/faults", w.sandbox.url())).send().await.unwrap().json().await.unwrap();

    let sent = delivered(&w).await;
    let mut per_number: BTreeMap<String, usize> = BTreeMap::new();
    for d in &sent {
        *per_number.entry(d["number"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let uploaded = w.sandbox.state.read(|d| d.tenants[KEY].invoices.len());
    let transactions = w.sandbox.state.read(|d| d.tenants[KEY].transactions.len());
    let attempts: i64 = encaisse::on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM peppol_deliveries")
        .fetch_one(ex)
        .await)
    .unwrap();
    let duplicates = per_number.values().filter(|n| **n > 1).count();
    println!(
        "Peppol reliability: {DOCUMENTS} documents, {rounds} delivery runs, {attempts} attempts ({} retried); \
         faults injected: upload {upload_faults:?}, action {action_faults:?}, lookup 503 ×1 and dropped ×1 ({} left unused); \
         uploaded to Twikey {uploaded}, delivered over Peppol {} ({} distinct documents), duplicates {duplicates}, failed {}, \
         Twikey transactions {transactions} (Encaisse's own collections: {})",
        total.retrying,
        left["calls"].as_array().map_or(0, Vec::len),
        sent.len(),
        per_number.len(),
        total.failed,
        invoices.iter().filter(|i| i.2).count(),
    );
    assert_eq!(left["calls"], json!([]), "every injected fault was met");
    assert_eq!(deliveries_by_state(&w).await, BTreeMap::from([("delivered".to_string(), DOCUMENTS as i64)]));
    assert_eq!(uploaded, DOCUMENTS, "one Twikey invoice per document");
    assert_eq!(sent.len(), DOCUMENTS, "each delivered exactly once");
    assert_eq!(duplicates, 0);
    assert_eq!(transactions, invoices.iter().filter(|i| i.2).count(), "X-MANUAL: Twikey collected nothing itself");
    for (invoice, number, collected) in &invoices {
        let doc = sent.iter().find(|d| d["number"] == number.as_str()).unwrap_or_else(|| panic!("{number} not delivered"));
        if *collected {
            assert_eq!((doc["payment_means"].as_str(), doc["mandate"].as_str()), (Some("59"), Some(mandate.as_str())), "{number}");
        } else {
            assert_eq!(doc["payment_means"], "58", "{number}");
        }
        let kinds: Vec<String> = events(&w, *invoice).await.iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
        assert_eq!(kinds.iter().filter(|k| *k == "peppol_delivered").count(), 1, "{number}: {kinds:?}");
    }
    assert!(total.retrying >= 16 + DOCUMENTS / 2, "the faults were met: {total:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_follows_its_invoice_over_peppol() {
    let w = World::new().await;
    w.configure().await;
    let (firm, _mandate) = firm_with_mandate(&w).await;
    let invoice = w.invoice(firm, "120").await;
    assert_eq!(deliver(&w, 0).await.delivered, 1);
    let r = w.call("/api/invoices/credit", &[("invoice_id", &invoice.to_string()), ("input[lines][0]", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(deliver(&w, 0).await.delivered, 1);
    let sent = delivered(&w).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[1]["document_type"], "CreditNote");
    assert!(sent[1]["ubl"].as_str().unwrap().contains("<cac:BillingReference>"), "it refers to its invoice");
    passes_the_rules(&[sent[0]["ubl"].as_str().unwrap(), sent[1]["ubl"].as_str().unwrap()]);
}
