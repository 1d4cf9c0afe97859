//! Collections against twikey-sandbox: exactly once under double clicks, timeouts and races;
//! every amount band of the sandbox's settlement table ends in the right invoice state;
//! reversal, subscriptions and the retry policy.

use crate::helpers::world::{World, KEY};
use encaisse::i18n::Msg;
use encaisse::on_db;
use encaisse::server::{invoicing::scheduler, repo::twikey_settings, twikey::collections as collect};
use http::StatusCode;
use serde_json::{json, Value};

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

async fn transactions_in_twikey(w: &World, reference: &str) -> usize {
    let client = w.app.state.twikey_client_for_key(KEY).unwrap();
    client.transaction_detail_by_ref(reference).await.unwrap().len()
}

async fn collection_count(w: &World, invoice: i64) -> i64 {
    on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM collections WHERE invoice_id = $1")
        .bind(invoice)
        .fetch_one(ex)
        .await)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_collection_pays_the_invoice_with_every_step_on_the_timeline() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    let boxed = w.invoice_twikey(invoice).await;
    assert_eq!(boxed["why_not"], Value::Null, "{boxed}");
    assert_eq!(boxed["open_cents"], 12000);

    let r = w.collect(invoice).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let boxed = w.invoice_twikey(invoice).await;
    assert_eq!(boxed["collections"][0]["state"], "open");
    assert_eq!(boxed["why_not"], "already_running");
    assert_eq!(transactions_in_twikey(&w, "2026-0001-1").await, 1);

    w.settle().await;
    w.sync().await;
    let d = w.invoice_detail(invoice).await;
    assert_eq!(d["invoice"]["status"], "paid");
    assert_eq!(d["payments"][0]["method"], "direct_debit");
    let k = kinds(&d);
    for step in ["collection_requested", "collection_sent", "collection_paid", "payment_recorded", "paid"] {
        assert!(k.contains(&step.to_string()), "{step} missing in {k:?}");
    }
    assert_eq!(w.invoice_twikey(invoice).await["why_not"], "nothing_to_pay");
    // a second sync (or a duplicated feed entry) records nothing twice
    w.sync().await;
    assert_eq!(w.invoice_detail(invoice).await["payments"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_amount_band_of_the_settlement_table_ends_in_the_right_state() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    // (euros, expected SEPA code or None for paid)
    let bands = [
        ("3", Some("MS03")),
        ("8", Some("AM04")),
        ("13", Some("MS02")),
        ("18", Some("MD06")),
        ("22", Some("AC04")),
        ("27", Some("MD01")),
        ("33", None),
        ("250", None),
    ];
    let mut invoices = Vec::new();
    for (euros, expected) in bands {
        let id = w.invoice(anne, euros).await;
        assert_eq!(w.collect(id).await.status, StatusCode::OK);
        invoices.push((id, expected));
    }
    w.settle().await;
    w.sync().await;
    for (id, expected) in invoices {
        let d = w.invoice_detail(id).await;
        let b = w.invoice_twikey(id).await;
        match expected {
            None => {
                assert_eq!(d["invoice"]["status"], "paid", "{id}");
                assert_eq!(b["collections"][0]["state"], "paid");
            }
            Some(code) => {
                assert_eq!(d["invoice"]["status"], "open", "{id} stays open");
                assert_eq!(b["collections"][0]["state"], "failed");
                assert_eq!(b["collections"][0]["reason_code"], code);
                assert_eq!(b["why_not"], Value::Null, "a new collection may start");
                assert!(kinds(&d).contains(&"collection_failed".to_string()));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_click_and_two_servers_racing_debit_once() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    let (a, b, c) = tokio::join!(w.collect(invoice), w.collect(invoice), w.collect(invoice));
    for r in [&a, &b, &c] {
        assert!(r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    // and two "servers" (two states on one database) at once
    let company = w.company_id().await;
    let (x, y) = tokio::join!(
        collect::start(&w.app.state, company, invoice, collect::Cause::User),
        collect::start(&w.app.state, company, invoice, collect::Cause::User)
    );
    let _ = (x, y);
    assert_eq!(collection_count(&w, invoice).await, 1, "one collection row");
    assert_eq!(transactions_in_twikey(&w, "2026-0001-1").await, 1, "one transaction in Twikey");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_then_a_retry_creates_one_transaction() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    // Twikey answers after the client gave up (5 s in tests) but does create the transaction
    w.fault(json!({"path": "/creditor/transaction", "method": "POST", "count": 1, "delay_ms": 6000})).await;
    let r = w.collect(invoice).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.body);
    let b = w.invoice_twikey(invoice).await;
    assert_eq!(b["collections"][0]["state"], "requested", "kept for a retry with the same key");
    assert!(kinds(&w.invoice_detail(invoice).await).contains(&"collection_retry_pending".to_string()));
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    // the follow-up sends it again (as the periodic sync does after a minute)
    w.app.state.db.execute("UPDATE collections SET updated_at = '2000-01-01T00:00:00Z'").await.unwrap();
    w.sync().await;
    assert_eq!(w.invoice_twikey(invoice).await["collections"][0]["state"], "open");
    assert_eq!(transactions_in_twikey(&w, "2026-0001-1").await, 1, "the same idempotency key: one transaction");
    assert_eq!(collection_count(&w, invoice).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twikey_refusing_fails_the_attempt_in_words() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    w.fault(json!({"path": "/creditor/transaction", "method": "POST", "count": 1, "status": 400, "code": "err_invalid_amount", "message": "Invalid amount"})).await;
    let r = w.collect(invoice).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("err_invalid_amount"), "{}", r.body);
    let b = w.invoice_twikey(invoice).await;
    assert_eq!(b["collections"][0]["state"], "failed");
    assert_eq!(b["why_not"], Value::Null, "a new attempt may start");
    assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
    assert_eq!(w.invoice_twikey(invoice).await["collections"][0]["attempt"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_signed_mandate_says_why() {
    let w = World::new().await;
    w.configure().await;
    let bob = w.app.create_customer(&w.cookie, "Bob", "Nomandate").await;
    let invoice = w.invoice(bob, "50").await;
    assert_eq!(w.invoice_twikey(invoice).await["why_not"], "no_signed_mandate");
    let r = w.collect(invoice).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.says(Msg::WhyNoSignedMandate), "{}", r.body);
    let firm = w.company_customer().await;
    let prepared = w.prepare(firm).await;
    w.sign(&prepared, "BE68539007547034").await;
    w.sync().await;
    let invoice = w.invoice(firm, "50").await;
    assert_eq!(w.invoice_twikey(invoice).await["why_not"], "mandate_pending_bank");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reversal_reopens_the_paid_invoice_with_its_reason() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    w.collect(invoice).await;
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(invoice).await["invoice"]["status"], "paid");
    // weeks later the bank takes the money back (the sandbox does not reverse by itself: the
    // feed entry is applied as the sync worker would)
    let entry: twikey::Transaction = serde_json::from_value(json!({
        "id": w.invoice_twikey(invoice).await["collections"][0]["id"], "ref": "2026-0001-1", "state": "ERROR",
        "bkerror": "MD06", "bkmsg": "Refund requested", "final": true
    }))
    .unwrap();
    let settings = twikey_settings::get(&w.app.state.db, w.company_id().await).await.unwrap();
    let mut tx = w.app.state.db.begin().await.unwrap();
    collect::apply_feed_entry(&mut tx, &settings, &entry, w.app.state.today()).await.unwrap();
    collect::apply_feed_entry(&mut tx, &settings, &entry, w.app.state.today()).await.unwrap(); // twice: applied once
    tx.commit().await.unwrap();
    let d = w.invoice_detail(invoice).await;
    assert_eq!(d["invoice"]["status"], "open");
    assert_eq!(d["invoice"]["open_cents"], 12000);
    assert_eq!(kinds(&d).iter().filter(|k| *k == "collection_reversed").count(), 1);
    let b = w.invoice_twikey(invoice).await;
    assert_eq!((b["collections"][0]["state"].as_str(), b["collections"][0]["reversed"].as_bool()), (Some("failed"), Some(true)));
    assert_eq!(b["why_not"], Value::Null, "collect again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_send_each_contract_once_a_day_with_the_prenotification() {
    let w = World::new().await;
    // The Twikey profile does not send by itself: only a batch takes transactions to the bank.
    w.sandbox_template(json!({"api_key": KEY, "ct": 1001, "auto_send": false})).await;
    w.configure().await; // pre-notification on
    let anne = w.signed_customer("Anne").await;
    let (a, b) = (w.invoice(anne, "120").await, w.invoice(anne, "60").await);
    assert_eq!(w.collect(a).await.status, StatusCode::OK);
    assert_eq!(w.collect(b).await.status, StatusCode::OK);
    // Twikey has both, but nothing was sent to the bank: the bank gives no outcome yet.
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(a).await["invoice"]["status"], "open");
    let notices = |emails: Vec<Value>| emails.into_iter().filter(|e| e["kind"] == "prenotification").count();
    assert_eq!(notices(w.emails().await), 0);

    let today = World::today();
    assert_eq!(w.send_batches(today).await, 2, "one batch with both");
    assert_eq!(notices(w.emails().await), 2, "each debtor notified");
    let d = w.invoice_detail(a).await;
    assert!(kinds(&d).contains(&"collection_in_batch".to_string()), "{:?}", kinds(&d));
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(a).await["invoice"]["status"], "paid");
    assert_eq!(w.invoice_detail(b).await["invoice"]["status"], "paid");

    // Started after the day's batch: it waits for tomorrow's.
    let c = w.invoice(anne, "45").await;
    w.collect(c).await;
    assert_eq!(w.send_batches(today).await, 0, "at most one batch per contract and day");
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(c).await["invoice"]["status"], "open");
    assert_eq!(w.send_batches(today.succ_opt().unwrap()).await, 1);
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(c).await["invoice"]["status"], "paid");
    assert_eq!(notices(w.emails().await), 3);

    // Sending left to the profile: Encaisse sends no batch.
    let r = w.call("/api/twikey/save", &[("api_key", ""), ("b2c_ct", "1001"), ("b2b_ct", "1002"), ("sending", "profile")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let e = w.invoice(anne, "50").await;
    w.collect(e).await;
    assert_eq!(w.send_batches(today + chrono::Duration::days(2)).await, 0);
    assert_eq!(w.invoice_twikey(e).await["collections"][0]["state"], "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_twikey_will_offer_again_blocks_new_collections_and_ends_paid() {
    let w = World::new().await;
    // The profile's dunning offers a failed payment to the bank once more.
    w.sandbox_template(json!({"api_key": KEY, "ct": 1001, "reoffers": 1})).await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "8").await; // AM04 insufficient funds
    assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
    w.settle().await;
    w.sync().await;
    let b = w.invoice_twikey(invoice).await;
    let c = &b["collections"][0];
    assert_eq!((c["state"].as_str(), c["will_retry"].as_bool(), c["reason_code"].as_str()), (Some("open"), Some(true), Some("AM04")), "{b}");
    assert_eq!(b["why_not"], "twikey_will_retry", "nothing new may start");
    let again = w.collect(invoice).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert_eq!(collection_count(&w, invoice).await, 1);
    let d = w.invoice_detail(invoice).await;
    assert!(kinds(&d).contains(&"collection_failed_will_retry".to_string()), "{:?}", kinds(&d));
    assert!(!kinds(&d).contains(&"collection_failed".to_string()));
    // Twikey offers it again and the bank pays.
    w.settle().await;
    w.sync().await;
    let d = w.invoice_detail(invoice).await;
    assert_eq!(d["invoice"]["status"], "paid");
    assert_eq!(d["payments"].as_array().unwrap().len(), 1);
    let c = &w.invoice_twikey(invoice).await["collections"][0];
    assert_eq!((c["state"].as_str(), c["will_retry"].as_bool()), (Some("paid"), Some(false)));
    assert_eq!(transactions_in_twikey(&w, "2026-0001-1").await, 1, "one debit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resent_request_twikey_already_has_is_found_by_its_reference() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    // The first request does not come back.
    w.fault(json!({"path": "/creditor/transaction", "method": "POST", "count": 1, "status": 503})).await;
    assert_ne!(w.collect(invoice).await.status, StatusCode::OK);
    let (key, reference, mandate): (String, String, String) =
        on_db!(w.app.state.db, |ex| sqlx::query_as("SELECT idempotency_key, reference, mandate_reference FROM collections")
            .fetch_one(ex)
            .await)
        .unwrap();
    // ... but, as after a lost answer, Twikey did create it with that key.
    let client = w.app.state.twikey_client_for_key(KEY).unwrap();
    let request = twikey::NewTransaction {
        mndt_id: mandate,
        message: "Invoice 2026-0001".into(),
        amount_cents: 12000,
        reference: Some(reference.clone()),
        reqcolldt: None,
        place: None,
    };
    let created = client.create_transaction(&request, Some(&key)).await.unwrap();
    // The resend with the same key gets 409 err_duplicate_ref: Encaisse looks it up and goes on.
    w.app.state.db.execute("UPDATE collections SET updated_at = '2000-01-01T00:00:00Z'").await.unwrap();
    w.sync().await;
    let c = &w.invoice_twikey(invoice).await["collections"][0];
    assert_eq!(c["state"], "open", "{c}");
    assert_eq!(transactions_in_twikey(&w, &reference).await, 1, "never a second debit");
    let twikey_id: Option<i64> =
        on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT twikey_id FROM collections").fetch_one(ex).await).unwrap();
    assert_eq!(twikey_id, Some(created.id));
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(invoice).await["invoice"]["status"], "paid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_after_a_lost_answer_is_checked_before_anything_is_marked_failed() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    w.fault(json!({"path": "/creditor/transaction", "method": "POST", "count": 1, "status": 503})).await;
    w.collect(invoice).await;
    let (key, reference, mandate): (String, String, String) =
        on_db!(w.app.state.db, |ex| sqlx::query_as("SELECT idempotency_key, reference, mandate_reference FROM collections")
            .fetch_one(ex)
            .await)
        .unwrap();
    let client = w.app.state.twikey_client_for_key(KEY).unwrap();
    let request = twikey::NewTransaction {
        mndt_id: mandate,
        message: "Invoice 2026-0001".into(),
        amount_cents: 12000,
        reference: Some(reference.clone()),
        reqcolldt: None,
        place: None,
    };
    client.create_transaction(&request, Some(&key)).await.unwrap();
    // The resend is refused for another reason (here: an injected 400): Twikey has the
    // transaction all the same, so the collection is open, not failed.
    w.fault(json!({"path": "/creditor/transaction", "method": "POST", "count": 1, "status": 400, "code": "err_invalid_state"})).await;
    w.app.state.db.execute("UPDATE collections SET updated_at = '2000-01-01T00:00:00Z'").await.unwrap();
    w.sync().await;
    assert_eq!(w.invoice_twikey(invoice).await["collections"][0]["state"], "open");
    assert_eq!(w.invoice_twikey(invoice).await["why_not"], "already_running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_collect_by_themselves_or_say_why_not() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let bob = w.app.create_customer(&w.cookie, "Bob", "Nomandate").await;
    for customer in [anne, bob] {
        let r = w
            .call(
                "/api/subscriptions/save",
                &[
                    ("input[customer_id]", &customer.to_string()),
                    ("input[frequency]", "1"),
                    ("input[start_date]", "2026-09-01"),
                    ("input[send_email]", "true"),
                    ("input[collect_with_twikey]", "true"),
                    ("input[lines][0][description]", "Bread"),
                    ("input[lines][0][quantity]", "1"),
                    ("input[lines][0][unit_price]", "40"),
                    ("input[lines][0][vat_rate]", "6"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
    let report = scheduler::run_once(&w.app.state, &scheduler::RunOptions::as_of(as_of)).await.unwrap();
    assert_eq!(report.invoices_created, 6);
    // run again: nothing new, nothing collected twice
    scheduler::run_once(&w.app.state, &scheduler::RunOptions::as_of(as_of)).await.unwrap();
    let rows: Vec<(i64, i64)> =
        on_db!(w.app.state.db, |ex| sqlx::query_as("SELECT id, customer_id FROM invoices ORDER BY id").fetch_all(ex).await).unwrap();
    assert_eq!(rows.len(), 6);
    w.settle().await;
    w.sync().await;
    for (invoice, customer) in rows {
        let d = w.invoice_detail(invoice).await;
        if customer == anne {
            assert_eq!(d["invoice"]["status"], "paid", "collected and paid without a click");
            assert_eq!(collection_count(&w, invoice).await, 1);
        } else {
            assert_eq!(d["invoice"]["status"], "open");
            assert!(kinds(&d).contains(&"collection_not_started".to_string()), "{:?}", kinds(&d));
            assert!(kinds(&d).contains(&"sent".to_string()), "sent anyway");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_retries_only_where_they_help() {
    let w = World::new().await;
    w.configure().await;
    let r = w
        .call(
            "/api/twikey/save",
            &[("api_key", ""), ("b2c_ct", "1001"), ("b2b_ct", ""), ("retry_enabled", "on"), ("retry_after_days", "3"), ("retry_max", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let anne = w.signed_customer("Anne").await;
    let funds = w.invoice(anne, "8").await; // AM04 insufficient funds: retried
    let closed = w.invoice(anne, "22").await; // AC04 account closed: never
    w.collect(funds).await;
    w.collect(closed).await;
    w.settle().await;
    w.sync().await;
    assert!(w.invoice_twikey(funds).await["collections"][0]["retry_at"].is_string());
    assert_eq!(w.invoice_twikey(closed).await["collections"][0]["retry_at"], Value::Null);
    // the retry becomes due
    w.app.state.db.execute("UPDATE collections SET retry_at = '2000-01-01T00:00:00Z' WHERE retry_at IS NOT NULL").await.unwrap();
    w.sync().await;
    let c = w.invoice_twikey(funds).await["collections"].clone();
    assert_eq!((c[0]["attempt"].as_i64(), c[0]["state"].as_str()), (Some(2), Some("open")));
    // it fails again (same amount): at most 1 retry, so no third attempt is planned
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_twikey(funds).await["collections"][0]["retry_at"], Value::Null);
    assert_eq!(collection_count(&w, closed).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_company_cannot_collect_or_see_collections() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await.to_string();
    let other = w.app.signup("Other", "other@test.be").await;
    for path in ["/api/twikey/invoice", "/api/twikey/collect"] {
        let r = w.app.call(path, &[("invoice_id", &invoice)], Some(&other)).await;
        assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{path}: {} {}", r.status, r.body);
        assert_eq!(w.app.call(path, &[("invoice_id", &invoice)], None).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(collection_count(&w, invoice.parse().unwrap()).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_collection_starts_what_it_can_and_says_why_it_skips() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let bob = w.app.create_customer(&w.cookie, "Bob", "Nomandate").await;
    let a = w.invoice(anne, "120").await;
    let b = w.invoice(bob, "60").await;
    let (a_key, b_key) = (format!("invoice_ids[{a}]"), format!("invoice_ids[{b}]"));
    let r = w.call("/api/twikey/collect/bulk", &[(&a_key, &a.to_string()), (&b_key, &b.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = r.json();
    assert_eq!(report["started"], json!(["2026-0001"]));
    assert_eq!(report["skipped"], json!([["2026-0002", "no_signed_mandate"]]));
    // once more: the running one is skipped, nothing debited twice
    let again = w.call("/api/twikey/collect/bulk", &[(&a_key, &a.to_string())]).await.json();
    assert_eq!(again["skipped"], json!([["2026-0001", "already_running"]]));
    assert_eq!(collection_count(&w, a).await, 1);
}
