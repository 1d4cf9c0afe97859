//! Twikey in Encaisse against a real twikey-sandbox over HTTP: configuration, mandates from
//! preparation to signature, the sync worker and the callback route.

use crate::helpers::world::{World, KEY};
use encaisse::i18n::Msg;
use encaisse::on_db;
use encaisse::server::{repo::twikey_settings, twikey::sync};
use twikey::sign_webhook;
use http::StatusCode;
use serde_json::{json, Value};
use std::future::IntoFuture;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_is_checked_with_twikey_and_the_key_never_comes_back() {
    let w = World::new().await;
    // a wrong key: Twikey's own error
    let r = w.call("/api/twikey/save", &[("api_key", "wrong-key"), ("b2c_ct", "1001"), ("b2b_ct", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Twikey"), "{}", r.body);
    // B2C must be CORE, contracts must exist
    let r = w.call("/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1002"), ("b2b_ct", "9999")]).await;
    assert!(r.says(Msg::ErrB2cMustBeCore) && r.says(Msg::ErrContractUnknown), "{}", r.body);
    let r = w.call("/api/twikey/save", &[("api_key", ""), ("b2c_ct", "1001"), ("b2b_ct", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no stored key yet: {}", r.body);

    w.configure().await;
    let settings = w.call("/api/twikey/settings", &[]).await;
    assert!(!settings.body.contains(KEY), "the key is never sent back whole");
    let v = settings.json();
    assert_eq!(v["api_key_masked"], "•••• -key");
    assert_eq!((v["b2c_ct"].as_i64(), v["b2b_ct"].as_i64(), v["prenotify"].as_bool()), (Some(1001), Some(1002), Some(true)));
    assert!(v["callback_url"].as_str().unwrap().starts_with("http://localhost:3000/twikey/webhook/"));
    assert!(v["health"]["last_login_at"].is_string());
    let stored: String =
        on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT api_key_encrypted FROM twikey_settings").fetch_one(ex).await).unwrap();
    assert!(!stored.contains(KEY), "encrypted at rest");

    // a blank key keeps the stored one; test connection works with it
    let r = w.call("/api/twikey/save", &[("api_key", ""), ("b2c_ct", "1001"), ("b2b_ct", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.call("/api/twikey/test", &[("api_key", "")]).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, Value::from(2)));
    let templates = w.call("/api/twikey/templates", &[("api_key", KEY)]).await.json();
    assert_eq!(templates[1]["kind"], "B2B");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn individual_mandate_from_preparation_to_signature_and_cancellation() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    assert_eq!(w.list_marks().await, vec![Value::Null]);

    let prepared = w.prepare(anne).await;
    assert_eq!(prepared["scheme"], "CORE");
    assert_eq!(prepared["template_id"], 1001);
    assert_eq!(w.list_marks().await, vec![Value::from("Waiting")]);

    // the invitation e-mail goes through Twikey
    let id = prepared["id"].as_i64().unwrap().to_string();
    assert_eq!(w.call("/api/twikey/mandate/invite", &[("mandate_id", &id)]).await.status, StatusCode::OK);
    let emails: Vec<Value> = w.http.get(format!("{}/_sandbox/emails", w.sandbox.url())).send().await.unwrap().json().await.unwrap();
    assert!(emails.iter().any(|e| e["kind"] == "invitation" && e["to"] == "anne@example.be"), "{emails:?}");
    assert!(w.mandates(anne).await[0]["invited_at"].is_string());

    assert!(w.sign(&prepared, "BE68539007547034").await.is_success());
    assert_eq!(w.sync().await, 1);
    let m = &w.mandates(anne).await[0];
    assert_eq!((m["state"].as_str(), m["iban_masked"].as_str()), (Some("signed"), Some("BE68 **** **** 7034")));
    assert_eq!(w.list_marks().await, vec![Value::from("Signed")]);
    assert_eq!(w.sync().await, 0, "the stored feed position is not read twice");

    let r = w.call("/api/twikey/mandate/cancel", &[("mandate_id", &id), ("reason", "Customer moved")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.mandates(anne).await[0]["state"], "cancelled");
    w.sync().await; // the feed's cancellation agrees
    let m = &w.mandates(anne).await[0];
    assert_eq!((m["state"].as_str(), m["state_reason"].as_str()), (Some("cancelled"), Some("Customer moved")));
    // cancelling twice: refused in words, nothing breaks
    let again = w.call("/api/twikey/mandate/cancel", &[("mandate_id", &id)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let history = w.call("/api/twikey/customer", &[("customer_id", &anne.to_string())]).await.json()["history"].clone();
    let kinds: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["cancelled", "cancelled", "signed", "invited", "prepared"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_mandate_waits_for_the_bank_then_is_signed() {
    let w = World::new().await;
    w.configure().await;
    let firm = w.company_customer().await;
    let prepared = w.prepare(firm).await;
    assert_eq!((prepared["scheme"].as_str(), prepared["template_id"].as_i64()), (Some("B2B"), Some(1002)));
    // an IBAN ending in an even digit: the sandbox's bank accepts
    assert!(w.sign(&prepared, "BE68539007547034").await.is_success());
    w.sync().await;
    assert_eq!(w.mandates(firm).await[0]["state"], "pending_bank");
    assert_eq!(w.list_marks().await, vec![Value::from("Waiting")]);
    // The bank's answer is a webhook event only (AcceptedBank): the state is read from the
    // mandate detail, a rate-limited call. A 429 is not swallowed: the mandate stays waiting and
    // the sync says why, then the next read gets it.
    w.http.post(format!("{}/_sandbox/settle", w.sandbox.url())).send().await.unwrap();
    w.fault(json!({"path": "/creditor/mandate/detail", "method": "GET", "count": 1, "status": 429, "retry_after": 1})).await;
    let company = w.company_id().await;
    assert!(sync::sync_now(&w.app.state, company).await.is_err(), "rate limited");
    assert_eq!(w.mandates(firm).await[0]["state"], "pending_bank");
    w.sync().await;
    assert_eq!(w.mandates(firm).await[0]["state"], "signed");
    assert_eq!(w.list_marks().await, vec![Value::from("Signed")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_twikey_account_serves_one_company() {
    let w = World::new().await;
    w.configure().await;
    w.sync().await;
    // A mandate signed in Twikey for customer number 1 (not prepared by Encaisse).
    let twikey = w.app.state.twikey_client_for_key(KEY).unwrap();
    let invite = twikey
        .invite(&twikey::InviteRequest { ct: "1001".into(), customer_number: Some("1".into()), last_name: Some("Outside".into()), ..Default::default() })
        .await
        .unwrap();
    assert!(w.http.post(invite.url.unwrap()).form(&[("iban", "BE68539007547034")]).send().await.unwrap().status().is_success());

    // Company B, of the same installation, tries the same Twikey account.
    let b = w.app.signup("Intruder", "b@test.be").await;
    w.app.call("/api/connections/twikey", &[("enabled", "true")], Some(&b)).await;
    let b_customer = w.app.create_customer(&b, "Bernard", "Intruder").await;
    for path in ["/api/twikey/test", "/api/twikey/save"] {
        let r = w.app.call(path, &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", "")], Some(&b)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", r.body);
        assert!(r.says(Msg::ErrTwikeyAccountTaken), "{path}: {}", r.body);
    }
    let b_id: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT id FROM companies WHERE name = 'Intruder'").fetch_one(ex).await).unwrap();
    assert_eq!(twikey_settings::get(&w.app.state.db, b_id).await.unwrap().api_key_encrypted, None, "nothing stored");
    // Its own Twikey account works.
    let r = w.app.call("/api/twikey/save", &[("api_key", "sandbox-intruder"), ("b2c_ct", "1001"), ("b2b_ct", "")], Some(&b)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    sync::sync_now(&w.app.state, b_id).await.unwrap();
    w.sync().await;
    // The outside mandate reached the company that owns the account, never the other one.
    let b_mandates = w.app.call("/api/twikey/customer", &[("customer_id", &b_customer.to_string())], Some(&b)).await.json();
    assert_eq!(b_mandates["mandates"].as_array().unwrap().len(), 0);
    let owners: Vec<i64> = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT company_id FROM mandates").fetch_all(ex).await).unwrap();
    assert_eq!(owners, vec![w.company_id().await]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_sync_reads_the_history_whoever_moved_the_feed() {
    let w = World::new().await;
    let twikey = w.app.state.twikey_client_for_key(KEY).unwrap();
    let invite = twikey
        .invite(&twikey::InviteRequest { ct: "1001".into(), last_name: Some("Early".into()), ..Default::default() })
        .await
        .unwrap();
    assert!(w.http.post(invite.url.unwrap()).form(&[("iban", "BE68539007547034")]).send().await.unwrap().status().is_success());
    // Something else reading with the same key moves Twikey's own cursor past it.
    assert_eq!(twikey.mandate_feed(None).await.unwrap().items.len(), 1);
    w.configure().await;
    w.sync().await;
    let n: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM mandates WHERE state = 'signed'").fetch_one(ex).await).unwrap();
    assert_eq!(n, 1, "read from the start of the feed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enhanced_security_key_logs_in_with_its_one_time_password() {
    let w = World::new().await;
    const PRIVATE: &str = "0123456789ABCDEF0123456789ABCDEF";
    let r = w.http.post(format!("{}/_sandbox/security", w.sandbox.url())).json(&json!({"api_key": KEY, "private_key": PRIVATE})).send().await.unwrap();
    assert!(r.status().is_success());
    assert_eq!(w.call("/api/connections/twikey", &[("enabled", "true")]).await.status, StatusCode::OK);
    let without = w.call("/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", "")]).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", without.body);
    let bad = w.call("/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", ""), ("private_key", "xyz")]).await;
    assert!(bad.says(Msg::ErrPrivateKeyHex), "{}", bad.body);
    let with = w.call("/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", ""), ("private_key", PRIVATE)]).await;
    assert_eq!(with.status, StatusCode::OK, "{}", with.body);
    let settings = w.call("/api/twikey/settings", &[]).await;
    assert!(settings.body.contains("\"private_key_set\":true") && !settings.body.contains(PRIVATE), "{}", settings.body);
    let stored: String = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT private_key_encrypted FROM twikey_settings").fetch_one(ex).await).unwrap();
    assert!(!stored.contains(PRIVATE), "encrypted at rest");
    // The stored private key is used from then on (a fresh login for every call is forced).
    w.sandbox.state.expire_tokens();
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    w.prepare(anne).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_prepared_mandate_kills_its_signing_link() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let prepared = w.prepare(anne).await;
    let url = prepared["sign_url"].as_str().unwrap().to_string();
    assert!(w.http.get(&url).send().await.unwrap().status().is_success());
    let r = w.call("/api/twikey/mandate/delete", &[("mandate_id", &prepared["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(w.mandates(anne).await.is_empty());
    assert_eq!(w.http.get(&url).send().await.unwrap().status(), reqwest::StatusCode::GONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_company_cannot_touch_mandates() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let prepared = w.prepare(anne).await;
    let other = w.app.signup("Other", "other@test.be").await;
    w.app.call("/api/connections/twikey", &[("enabled", "true")], Some(&other)).await;
    let id = prepared["id"].to_string();
    for (path, form) in [
        ("/api/twikey/customer", vec![("customer_id", anne.to_string())]),
        ("/api/twikey/mandate/prepare", vec![("customer_id", anne.to_string())]),
        ("/api/twikey/mandate/delete", vec![("mandate_id", id.clone())]),
        ("/api/twikey/mandate/invite", vec![("mandate_id", id.clone())]),
        ("/api/twikey/mandate/cancel", vec![("mandate_id", id.clone())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = w.app.call(path, &form, Some(&other)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        let r = w.app.call(path, &form, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path} without a session");
    }
    let settings = w.app.call("/api/twikey/settings", &[], Some(&other)).await.json();
    assert_eq!(settings["api_key_masked"], Value::Null, "B sees nothing of A's configuration");
    assert_eq!(w.mandates(anne).await.len(), 1, "A's mandate untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_signatures() {
    let w = World::new().await;
    w.configure().await;
    let public_id: String = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    let path = |q: &str| format!("/twikey/webhook/{public_id}?{q}");
    let get = |uri: String, sig: Option<String>| {
        let mut req = http::Request::get(uri);
        if let Some(s) = sig {
            req = req.header("X-Signature", s);
        }
        w.app.send(req.body(axum::body::Body::empty()).unwrap())
    };
    let q = "type=contract&mandateNumber=MNDT1&event=Sign&state=SIGNED";
    assert_eq!(get(path(q), Some(sign_webhook(KEY, q))).await.status, StatusCode::NO_CONTENT);
    assert_eq!(get(path(q), Some(sign_webhook(KEY, q).to_lowercase())).await.status, StatusCode::NO_CONTENT, "hex case does not matter");
    assert_eq!(get(path(q), Some(sign_webhook("another-companys-key", q))).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(path(q), Some("00".repeat(32))).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(path(q), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(path("a=%ZZ&&==b&%00%FF&;;"), Some("zz".into())).await.status, StatusCode::FORBIDDEN);
    let huge = format!("type=contract&x={}", "a".repeat(60_000));
    assert_eq!(get(path(&huge), Some(sign_webhook(KEY, &huge))).await.status, StatusCode::FORBIDDEN);
    let unknown = format!("/twikey/webhook/nosuchcompany?{q}");
    assert_eq!(get(unknown, Some(sign_webhook(KEY, q))).await.status, StatusCode::NOT_FOUND);
    // Twikey's test button
    let test = "msg=dummytest&type=event";
    assert_eq!(get(path(test), Some(sign_webhook(KEY, test))).await.status, StatusCode::NO_CONTENT);
    let s = twikey_settings::get(&w.app.state.db, w.company_id().await).await.unwrap();
    assert!(s.last_test_webhook_at.is_some());
    // bad key, bad signature, missing, garbage; the oversized one is refused before any lookup
    assert_eq!(s.webhooks_rejected, 4);
    assert_eq!(s.last_webhook_valid, Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_callback_brings_the_mandate_in_and_removed_invites_are_applied() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let prepared = w.prepare(anne).await;
    w.sign(&prepared, "BE68539007547034").await;
    let public_id: String = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    let q = format!("type=contract&mandateNumber={}&event=Sign&state=SIGNED", prepared["reference"].as_str().unwrap());
    let req = http::Request::get(format!("/twikey/webhook/{public_id}?{q}")).header("X-Signature", sign_webhook(KEY, &q));
    assert_eq!(w.app.send(req.body(axum::body::Body::empty()).unwrap()).await.status, StatusCode::NO_CONTENT);
    // the sync runs in the background: wait for it (bounded)
    for _ in 0..50 {
        if w.mandates(anne).await[0]["state"] == "signed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(w.mandates(anne).await[0]["state"], "signed");

    let second = w.prepare(anne).await;
    let q = format!("type=contract&mandateNumber={}&event=Invite&reason=removed", second["reference"].as_str().unwrap());
    let req = http::Request::get(format!("/twikey/webhook/{public_id}?{q}")).header("X-Signature", sign_webhook(KEY, &q));
    assert_eq!(w.app.send(req.body(axum::body::Body::empty()).unwrap()).await.status, StatusCode::NO_CONTENT);
    let states: Vec<Value> = w.mandates(anne).await.iter().map(|m| m["state"].clone()).collect();
    assert_eq!(states, vec![Value::from("signed")], "the removed invitation is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_survives_twikey_faults_and_duplicated_runs() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let prepared = w.prepare(anne).await;
    w.sign(&prepared, "BE68539007547034").await;
    // Twikey answers 500 to the feed once: the sync fails, says so, and changes nothing
    let fault = serde_json::json!({"path": "/creditor/mandate", "method": "GET", "count": 1, "status": 500});
    w.http.post(format!("{}/_sandbox/faults", w.sandbox.url())).json(&fault).send().await.unwrap();
    let company = w.company_id().await;
    assert!(sync::sync_now(&w.app.state, company).await.is_err());
    let s = twikey_settings::get(&w.app.state.db, company).await.unwrap();
    assert!(s.last_sync_error.is_some());
    assert_eq!(w.mandates(anne).await[0]["state"], "prepared");
    // then a timeout-length delay is survived by the next run
    // two syncs at once: one reader at a time, the mandate applied once
    let (a, b) = tokio::join!(sync::sync_now(&w.app.state, company), sync::sync_now(&w.app.state, company));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(w.mandates(anne).await[0]["state"], "signed");
    assert!(twikey_settings::get(&w.app.state.db, company).await.unwrap().last_sync_error.is_none());
    let history = w.call("/api/twikey/customer", &[("customer_id", &anne.to_string())]).await.json()["history"].clone();
    assert_eq!(history.as_array().unwrap().iter().filter(|e| e["kind"] == "signed").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_the_feed_from_an_old_position_ends_in_the_same_state() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let prepared = w.prepare(anne).await;
    w.sign(&prepared, "BE68539007547034").await;
    w.sync().await;
    let id = prepared["id"].to_string();
    w.call("/api/twikey/mandate/cancel", &[("mandate_id", &id), ("reason", "Moved")]).await;
    w.sync().await;
    // as after a crash before the position was committed: back to the start
    w.app.state.db.execute("UPDATE twikey_settings SET mandate_feed_position = 0").await.unwrap();
    assert_eq!(w.sync().await, 2, "both messages read again, in order");
    assert_eq!(w.mandates(anne).await[0]["state"], "cancelled", "applied in order: the cancellation wins");
}

/// Twikey's webhooks over real HTTP to a listening Encaisse, duplicated, reordered and one
/// dropped: the feeds still bring every mandate to the right state, each applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicated_reordered_and_dropped_webhooks_end_in_the_right_state() {
    let w = World::new().await;
    w.configure().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, w.app.router.clone()).into_future());
    let public_id: String = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    let callback = format!("http://{addr}/twikey/webhook/{public_id}");
    let saved = w
        .http
        .post(format!("{}/settings/api", w.sandbox.url()))
        .form(&[("apiKey", KEY), ("webhookUrl", callback.as_str())])
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success());

    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let luc = w.app.create_customer(&w.cookie, "Luc", "Lambert").await;
    let sofie = w.app.create_customer(&w.cookie, "Sofie", "Claes").await;
    let (a, l, s) = (w.prepare(anne).await, w.prepare(luc).await, w.prepare(sofie).await);
    for fault in
        [json!({"webhooks": "duplicate", "count": 1}), json!({"webhooks": "reorder", "count": 1}), json!({"webhooks": "drop", "count": 1})]
    {
        w.http.post(format!("{}/_sandbox/faults", w.sandbox.url())).json(&fault).send().await.unwrap();
    }
    w.sign(&a, "BE68539007547034").await;
    w.sign(&l, "BE68539007547034").await;
    w.sign(&s, "BE68539007547034").await;
    // Webhooks trigger syncs in the background; wait for them (bounded), then a timer-like sync
    // covers the dropped one.
    for _ in 0..50 {
        let signed = [anne, luc, sofie].len();
        let mut n = 0;
        for c in [anne, luc, sofie] {
            if w.mandates(c).await[0]["state"] == "signed" {
                n += 1;
            }
        }
        if n == signed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    w.sync().await;
    for c in [anne, luc, sofie] {
        assert_eq!(w.mandates(c).await[0]["state"], "signed");
        let history = w.call("/api/twikey/customer", &[("customer_id", &c.to_string())]).await.json()["history"].clone();
        assert_eq!(history.as_array().unwrap().iter().filter(|e| e["kind"] == "signed").count(), 1, "applied once");
    }
    let s = twikey_settings::get(&w.app.state.db, w.company_id().await).await.unwrap();
    assert_eq!(s.last_webhook_valid, Some(true), "the sandbox's signatures check out");
}

/// An `Invite` / `removed` callback read the mandate as prepared, but the sync signed it before
/// the callback deleted it: the signed mandate stays (the delete is guarded by the state in
/// the same statement, not by the earlier read).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_invite_never_deletes_a_mandate_signed_meanwhile() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.app.create_customer(&w.cookie, "Anne", "Peeters").await;
    let prepared = w.prepare(anne).await;
    let id = prepared["id"].as_i64().unwrap();
    let public_id: String = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    let q = format!("type=contract&mandateNumber={}&event=Invite&reason=removed", prepared["reference"].as_str().unwrap());
    let req = http::Request::get(format!("/twikey/webhook/{public_id}?{q}")).header("X-Signature", sign_webhook(KEY, &q));

    // The signature is being applied (as the sync does) and not committed yet.
    let db = &w.app.state.db;
    let mut signing = db.begin().await.unwrap();
    on_db!(signing, |ex| sqlx::query("UPDATE mandates SET state = 'signed' WHERE id = $1").bind(id).execute(ex).await.map(|r| r.rows_affected()))
        .unwrap();
    let commit_once_the_callback_waits = async {
        if db.backend() == encaisse::server::db::Backend::Postgres {
            // Row locks: the callback has read "prepared" and its DELETE waits for this row.
            let mut waiting = 0i64;
            for _ in 0..200 {
                waiting = on_db!(db, |ex| sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM mandates%'"
                )
                .fetch_one(ex)
                .await)
                .unwrap();
                if waiting > 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(waiting > 0, "the callback's delete never waited for the signing transaction");
        } else {
            // SQLite has one writer at a time: the callback's first write waits for this commit.
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        signing.commit().await.unwrap();
    };
    let (reply, ()) = tokio::join!(w.app.send(req.body(axum::body::Body::empty()).unwrap()), commit_once_the_callback_waits);
    assert_eq!(reply.status, StatusCode::NO_CONTENT);

    let states: Vec<Value> = w.mandates(anne).await.iter().map(|m| m["state"].clone()).collect();
    assert_eq!(states, vec![Value::from("signed")], "the signed mandate is kept");
    let history = w.call("/api/twikey/customer", &[("customer_id", &anne.to_string())]).await.json()["history"].clone();
    let kinds: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["prepared"], "nothing was removed");
}
