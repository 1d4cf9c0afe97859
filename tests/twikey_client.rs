//! The Twikey client against an in-process `twikey-sandbox` over real HTTP.

#![cfg(feature = "ssr")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use encaisse::sandbox::{self, SandboxConfig, SandboxHandle, DEFAULT_API_KEY};
use encaisse::twikey::*;
use serde_json::{json, Value};

async fn start() -> SandboxHandle {
    // Settlement only through the side door, so tests decide when it happens.
    sandbox::spawn(SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() }).await.expect("sandbox starts")
}

fn client_for(sb: &SandboxHandle, key: &str, timeout: Duration) -> TwikeyClient {
    let config = TwikeyConfig::new(sb.api_base_url(), key).with_timeout(timeout);
    TwikeyClient::with_session_store(config, SessionStore::new()).unwrap()
}

fn client(sb: &SandboxHandle) -> TwikeyClient {
    client_for(sb, DEFAULT_API_KEY, Duration::from_secs(5))
}

async fn side_door(sb: &SandboxHandle, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new().post(format!("{}{path}", sb.url())).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

async fn emails(sb: &SandboxHandle) -> Vec<Value> {
    let r = reqwest::get(format!("{}/_sandbox/emails", sb.url())).await.unwrap();
    r.json::<Vec<Value>>().await.unwrap()
}

async fn sign(url: &str, iban: &str) -> reqwest::Response {
    reqwest::Client::new().post(url).form(&[("iban", iban)]).send().await.unwrap()
}

fn core_invite(customer: &str) -> InviteRequest {
    InviteRequest {
        ct: "1001".into(),
        customer_number: Some(customer.into()),
        first_name: Some("Jeanne".into()),
        last_name: Some("Dupont".into()),
        email: Some(format!("{customer}@example.be")),
        language: Some("fr".into()),
        address: Some("Rue Haute 1".into()),
        city: Some("Bruxelles".into()),
        zip: Some("1000".into()),
        country: Some("BE".into()),
        ..Default::default()
    }
}

/// Invites and signs a CORE mandate; returns its reference.
async fn signed_mandate(c: &TwikeyClient, customer: &str) -> String {
    let inv = c.invite(&core_invite(customer)).await.unwrap();
    assert!(sign(inv.url.as_deref().unwrap(), "BE68539007547034").await.status().is_success());
    inv.mndt_id
}

fn api_code(e: &TwikeyError) -> &str {
    e.code().unwrap_or_else(|| panic!("expected a Twikey error, got {e:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_sign_and_read_the_mandate_feed() {
    let sb = start().await;
    let c = client(&sb);
    let inv = c.invite(&InviteRequest { send_invite: true, ..core_invite("C1") }).await.unwrap();
    let url = inv.url.clone().unwrap();
    assert!(url.starts_with(&format!("{}/sign/", sb.url())), "{url}");
    assert_eq!(inv.key.as_deref(), url.rsplit('/').next());

    let mails = emails(&sb).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["kind"], "invitation");
    assert_eq!(mails[0]["to"], "C1@example.be");
    assert_eq!(mails[0]["mandate"], json!(inv.mndt_id));

    // Prepared mandates are not in the feed and need `force` for the detail.
    assert!(c.mandate_feed(None).await.unwrap().items.is_empty());
    assert_eq!(api_code(&c.mandate_detail(&inv.mndt_id, false).await.unwrap_err()), "err_no_contract");
    let d = c.mandate_detail(&inv.mndt_id, true).await.unwrap();
    assert_eq!(d.state.as_deref(), Some("PREPARED"));
    assert_eq!(d.collectable, Some(false));

    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("<label for=\"iban\">IBAN</label>"));
    assert!(page.contains(">Sign</button>"));
    assert!(page.contains("Jeanne Dupont") && page.contains("Encaisse Sandbox Creditor"));
    assert_eq!(sign(&url, "BE68 5390 0754 7035").await.status(), 400, "bad IBAN refused");
    assert!(sign(&url, "BE68 5390 0754 7034").await.status().is_success());

    let d = c.mandate_detail(&inv.mndt_id, false).await.unwrap();
    assert_eq!(d.state.as_deref(), Some("SIGNED"));
    assert_eq!(d.collectable, Some(true));
    assert_eq!(d.mandate.debtor_account.as_deref(), Some("BE68539007547034"));
    assert_eq!(d.mandate.customer_number(), Some("C1"));
    assert_eq!(d.mandate.supplementary("TemplateId").as_deref(), Some("1001"));

    let feed = c.mandate_feed(None).await.unwrap();
    assert_eq!(feed.items.len(), 1);
    assert_eq!(feed.items[0].kind(), MandateEventKind::New);
    assert_eq!(feed.items[0].mandate_reference(), Some(inv.mndt_id.as_str()));
    assert!(feed.position.is_some());
    // The server-side position moved: nothing new.
    let again = c.mandate_feed_chunk(None).await.unwrap();
    assert!(again.items.is_empty());
    assert_eq!(again.position, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b2b_mandates_wait_for_the_debtor_bank() {
    let sb = start().await;
    let c = client(&sb);
    let b2b = |n: &str| InviteRequest {
        ct: "1002".into(),
        company_name: Some(format!("{n} SRL")),
        vat_number: Some("BE0123456749".into()),
        email: Some(format!("{n}@example.be")),
        ..Default::default()
    };
    let even = c.invite(&b2b("even")).await.unwrap();
    let odd = c.invite(&b2b("odd")).await.unwrap();
    sign(even.url.as_deref().unwrap(), "BE68539007547034").await;
    sign(odd.url.as_deref().unwrap(), "BE71096123456769").await;
    let d = c.mandate_detail(&even.mndt_id, false).await.unwrap();
    assert_eq!(d.state.as_deref(), Some("SIGNED_PENDING_DEBTOR_BANK"));
    assert_eq!(d.collectable, Some(false));

    side_door(&sb, "/_sandbox/settle", json!({})).await;
    assert_eq!(c.mandate_detail(&even.mndt_id, false).await.unwrap().state.as_deref(), Some("SIGNED"));
    assert_eq!(c.mandate_detail(&odd.mndt_id, true).await.unwrap().state.as_deref(), Some("CANCELLED"));

    let feed = c.mandate_feed(None).await.unwrap().items;
    let kinds: Vec<_> = feed.iter().map(|m| (m.mandate_reference().unwrap().to_string(), m.kind())).collect();
    assert_eq!(kinds.len(), 4);
    assert!(kinds.contains(&(even.mndt_id.clone(), MandateEventKind::Updated)));
    assert!(kinds.contains(&(odd.mndt_id.clone(), MandateEventKind::Cancelled)));
    let accepted = feed.iter().find(|m| m.kind() == MandateEventKind::Updated).unwrap();
    assert_eq!(accepted.amendment_reason.as_ref().unwrap().reason.as_deref(), Some("AcceptedBank"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_actions_and_cancellation() {
    let sb = start().await;
    let c = client(&sb);
    let prepared = c.invite(&core_invite("P1")).await.unwrap();
    c.mandate_action(&prepared.mndt_id, MandateAction::Invite).await.unwrap();
    c.mandate_action(&prepared.mndt_id, MandateAction::Reminder(2)).await.unwrap();
    let kinds: Vec<Value> = emails(&sb).await.into_iter().map(|m| m["kind"].clone()).collect();
    assert_eq!(kinds, vec![json!("invitation"), json!("reminder")]);

    // Deleting a prepared mandate invalidates its signing link.
    c.cancel_mandate(&prepared.mndt_id, "no longer needed", false).await.unwrap();
    let gone = reqwest::get(prepared.url.as_deref().unwrap()).await.unwrap();
    assert_eq!(gone.status(), 410);
    assert!(gone.text().await.unwrap().contains("no longer valid"));
    assert_eq!(api_code(&c.cancel_mandate(&prepared.mndt_id, "again", false).await.unwrap_err()), "err_no_contract");

    let m = signed_mandate(&c, "S1").await;
    let start = c.mandate_feed(None).await.unwrap().position;
    c.update_mandate(&MandateUpdate { mndt_id: m.clone(), email: Some("new@example.be".into()), ..Default::default() }).await.unwrap();
    c.update_mandate(&MandateUpdate { mndt_id: m.clone(), state: Some(MandateActivity::Passive), ..Default::default() }).await.unwrap();
    let d = c.mandate_detail(&m, false).await.unwrap();
    assert_eq!(d.state.as_deref(), Some("SUSPENDED"));
    assert_eq!(d.mandate.debtor.unwrap().contact.unwrap().email.as_deref(), Some("new@example.be"));
    let updates = c.mandate_feed(start).await.unwrap().items;
    assert_eq!(updates.len(), 2);
    assert!(updates.iter().all(|u| u.kind() == MandateEventKind::Updated));
    assert_eq!(updates[1].amendment_reason.as_ref().unwrap().reason.as_deref(), Some("uncollectable|user"));

    let e = c.cancel_mandate(&m, "", false).await.unwrap_err();
    assert_eq!(api_code(&e), "err_provide_reason");
    c.cancel_mandate(&m, "customer left", true).await.unwrap();
    let e = c.cancel_mandate(&m, "customer left", true).await.unwrap_err();
    assert_eq!(api_code(&e), "err_invalid_state");
    assert!(!e.is_retryable());
    let feed = c.mandate_feed(None).await.unwrap().items;
    assert_eq!(feed.last().unwrap().kind(), MandateEventKind::Cancelled);
    assert_eq!(feed.last().unwrap().cancel_reason.as_ref().unwrap().reason.as_deref(), Some("customer left"));
    assert!(emails(&sb).await.iter().any(|e| e["kind"] == "cancellation" && e["mandate"] == json!(m)));

    let e = c.mandate_detail("NOPE", true).await.unwrap_err();
    assert_eq!(api_code(&e), "err_no_contract");
    let e = c.update_mandate(&MandateUpdate { mndt_id: "NOPE".into(), ..Default::default() }).await.unwrap_err();
    assert_eq!(api_code(&e), "err_no_contract");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_listed() {
    let sb = start().await;
    let t = client(&sb).templates().await.unwrap();
    let summary: Vec<_> = t.iter().map(|t| (t.id, t.kind.clone().unwrap(), t.name.clone().unwrap())).collect();
    assert_eq!(summary, vec![(1001, "CORE".into(), "Particuliers".into()), (1002, "B2B".into(), "Entreprises".into())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_collect_settle_and_feed() {
    let sb = start().await;
    let c = client(&sb);
    let m = signed_mandate(&c, "T1").await;
    let date = chrono::NaiveDate::from_ymd_opt(2030, 1, 15).unwrap();
    let new_tx = |reference: &str, cents: i64| NewTransaction {
        mndt_id: m.clone(),
        message: format!("Invoice {reference}"),
        amount_cents: cents,
        reference: Some(reference.into()),
        reqcolldt: Some(date),
        place: None,
    };
    let paid = c.create_transaction(&new_tx("INV-1", 12550), Some("key-1")).await.unwrap();
    assert_eq!(paid.amount_cents(), Some(12550));
    assert_eq!(paid.state(), TransactionState::Open);
    assert_eq!(paid.reqcolldt, Some(date));
    assert_eq!(paid.reference.as_deref(), Some("INV-1"));
    let failed = c.create_transaction(&new_tx("INV-2", 500), None).await.unwrap();
    let dropped = c.create_transaction(&new_tx("INV-3", 4000), None).await.unwrap();

    let found = c.transaction_detail_by_ref("INV-1").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, paid.id);
    assert_eq!(c.transaction_detail(failed.id).await.unwrap().unwrap().reference.as_deref(), Some("INV-2"));
    c.delete_transaction(&TransactionSelector::Ref("INV-3".into())).await.unwrap();
    assert!(c.transaction_detail_by_ref("INV-3").await.unwrap().is_empty());
    let e = c.delete_transaction(&TransactionSelector::Id(dropped.id)).await.unwrap_err();
    assert_eq!(api_code(&e), "err_not_found");

    let e = c.create_transaction(&new_tx("BAD", 0), None).await.unwrap_err();
    assert_eq!(api_code(&e), "err_invalid_amount");
    let e = c.create_transaction(&NewTransaction { mndt_id: "NOPE".into(), ..new_tx("X", 100) }, None).await.unwrap_err();
    assert_eq!(api_code(&e), "err_no_contract");

    let batch = c.collect(&CollectRequest { ct: "1001".into(), prenotify: true, colltndt: Some(date) }).await.unwrap();
    assert!(batch.frst_msg_id.is_some());
    let notices: Vec<Value> = emails(&sb).await.into_iter().filter(|e| e["kind"] == "prenotification").collect();
    assert_eq!(notices.len(), 2);
    assert_eq!(notices[0]["transaction_ref"], "INV-1");
    let e = c.delete_transaction(&TransactionSelector::Id(paid.id)).await.unwrap_err();
    assert_eq!(api_code(&e), "err_not_authorised");
    let empty = c.collect(&CollectRequest { ct: "1001".into(), ..Default::default() }).await.unwrap();
    assert_eq!(empty, CollectResult::default());
    let e = c.collect(&CollectRequest { ct: "4242".into(), ..Default::default() }).await.unwrap_err();
    assert_eq!(api_code(&e), "err_no_such_ct");

    assert!(c.transaction_feed(None).await.unwrap().items.is_empty());
    side_door(&sb, "/_sandbox/settle", json!({})).await;
    let feed = c.transaction_feed(None).await.unwrap();
    assert_eq!(feed.items.len(), 2);
    let by_id = |id| feed.items.iter().find(|t| t.id == id).unwrap();
    assert_eq!(by_id(paid.id).state(), TransactionState::Paid);
    assert_eq!(by_id(paid.id).is_final, Some(true));
    let f = by_id(failed.id);
    assert_eq!(f.state(), TransactionState::Error);
    assert_eq!(f.bkerror.as_deref(), Some("MS03"));
    assert!(f.bkmsg.is_some());
    assert!(feed.position.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_resume_from_a_stored_position() {
    let sb = start().await;
    let c = client(&sb);
    let a = signed_mandate(&c, "R1").await;
    let first = c.mandate_feed(None).await.unwrap();
    assert_eq!(first.items.len(), 1);
    let stored = first.position.unwrap();
    let b = signed_mandate(&c, "R2").await;
    let cc = signed_mandate(&c, "R3").await;

    // Read everything, then replay from the stored position as after a crash.
    assert_eq!(c.mandate_feed(None).await.unwrap().items.len(), 2);
    let replay = c.mandate_feed(Some(stored)).await.unwrap();
    let refs: Vec<_> = replay.items.iter().map(|m| m.mandate_reference().unwrap().to_string()).collect();
    assert_eq!(refs, vec![b.clone(), cc.clone()]);
    let end = replay.position.unwrap();
    assert!(end > stored);
    let nothing = c.mandate_feed_chunk(Some(end)).await.unwrap();
    assert!(nothing.items.is_empty());
    assert_eq!(nothing.position, Some(end), "an empty chunk keeps the stored position");
    let everything = c.mandate_feed(Some(0)).await.unwrap();
    assert_eq!(everything.items.len(), 3);
    assert_eq!(everything.items[0].mandate_reference(), Some(a.as_str()));

    // Transactions likewise.
    for i in 0..3 {
        let tx = NewTransaction { mndt_id: a.clone(), message: "m".into(), amount_cents: 5000 + i, ..Default::default() };
        c.create_transaction(&tx, None).await.unwrap();
        side_door(&sb, "/_sandbox/settle", json!({})).await;
    }
    let one = c.transaction_feed_chunk(None).await.unwrap();
    assert_eq!(one.items.len(), 3);
    let pos = one.items[0].seq.unwrap();
    let rest = c.transaction_feed(Some(pos)).await.unwrap();
    assert_eq!(rest.items.len(), 2);
    assert_eq!(rest.position, one.position);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_renewed_once_on_401() {
    let sb = start().await;
    let c = client(&sb);
    c.templates().await.unwrap();
    // Tokens expire (as after 24 h): the client logs in again transparently.
    side_door(&sb, "/_sandbox/expire-tokens", json!({})).await;
    c.templates().await.unwrap();
    // One 401 err_no_login: renewed and retried.
    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/template", "status": 401})).await;
    c.templates().await.unwrap();
    // Refused twice: the session cannot be renewed.
    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/template", "status": 401, "count": 2})).await;
    let e = c.templates().await.unwrap_err();
    assert!(matches!(e, TwikeyError::SessionExpired), "{e:?}");
    // A wrong API key is a plain Twikey error, not retryable.
    let bad = client_for(&sb, "wrong-key", Duration::from_secs(5));
    let e = bad.templates().await.unwrap_err();
    assert_eq!(api_code(&e), "err_no_login");
    assert!(!e.is_retryable());
    assert!(!format!("{:?}", bad.config()).contains("wrong-key"), "API key must not show in Debug");
    // The `/api/creditor` prefix works too.
    let alt =
        TwikeyClient::with_session_store(TwikeyConfig::new(format!("{}/api/creditor", sb.url()), DEFAULT_API_KEY), SessionStore::new())
            .unwrap();
    alt.login().await.unwrap();
    alt.templates().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_error_kind() {
    let sb = start().await;
    let c = client_for(&sb, DEFAULT_API_KEY, Duration::from_millis(1000));
    c.login().await.unwrap();

    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/template", "status": 500})).await;
    let e = c.templates().await.unwrap_err();
    assert!(matches!(e, TwikeyError::Api { status: 500, .. }), "{e:?}");
    assert!(e.is_retryable());

    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/template", "status": 429, "retry_after": 7})).await;
    let e = c.templates().await.unwrap_err();
    assert!(matches!(e, TwikeyError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(7)), "{e:?}");
    assert!(e.is_retryable());

    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/template", "delay_ms": 1500})).await;
    let e = c.templates().await.unwrap_err();
    assert!(matches!(e, TwikeyError::Timeout), "{e:?}");
    assert!(e.is_retryable());

    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/template", "drop": true})).await;
    let e = c.templates().await.unwrap_err();
    assert!(matches!(e, TwikeyError::Transport(_) | TwikeyError::Connect(_)), "{e:?}");
    assert!(e.is_retryable());

    let e = c.invite(&InviteRequest { ct: "9999".into(), ..Default::default() }).await.unwrap_err();
    assert!(matches!(&e, TwikeyError::Api { status: 400, code, .. } if code == "err_no_such_ct"), "{e:?}");
    assert!(!e.is_retryable());

    // Missing ct, straight to the API (the client refuses to send it).
    let token = reqwest::Client::new().post(sb.api_base_url()).form(&[("apiToken", DEFAULT_API_KEY)]).send().await.unwrap().headers()
        ["Authorization"]
        .to_str()
        .unwrap()
        .to_string();
    let r = reqwest::Client::new()
        .post(format!("{}/invite", sb.api_base_url()))
        .header("Authorization", &token)
        .form(&[("email", "x@example.be")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["ApiErrorCode"], "err_missing_params");
    assert_eq!(r.headers()["ApiError"], "err_missing_params");
    assert_eq!(r.json::<Value>().await.unwrap()["extra"], "ct");

    // Nothing listens on a freshly closed port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let nowhere =
        TwikeyClient::with_session_store(TwikeyConfig::new(format!("http://127.0.0.1:{port}/creditor"), "k"), SessionStore::new()).unwrap();
    let e = nowhere.templates().await.unwrap_err();
    assert!(matches!(e, TwikeyError::Connect(_)), "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_key_reused_after_a_timeout_creates_one_transaction() {
    let sb = start().await;
    let c = client_for(&sb, DEFAULT_API_KEY, Duration::from_millis(1000));
    let m = signed_mandate(&c, "I1").await;
    let tx = NewTransaction {
        mndt_id: m.clone(),
        message: "Invoice 7".into(),
        amount_cents: 4200,
        reference: Some("INV-7".into()),
        ..Default::default()
    };

    side_door(&sb, "/_sandbox/faults", json!({"path": "/creditor/transaction", "method": "POST", "delay_ms": 1300})).await;
    let e = c.create_transaction(&tx, Some("inv-7-attempt")).await.unwrap_err();
    assert!(matches!(e, TwikeyError::Timeout), "{e:?}");
    assert!(e.is_retryable());
    // Let the slow request finish on the server: it did create the transaction.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = c.create_transaction(&tx, Some("inv-7-attempt")).await.unwrap();
    let all = c.transaction_detail_by_ref("INV-7").await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, again.id);

    // The same key with another body is a conflict.
    let other = NewTransaction { amount_cents: 9900, ..tx.clone() };
    let e = c.create_transaction(&other, Some("inv-7-attempt")).await.unwrap_err();
    assert!(matches!(&e, TwikeyError::Api { status: 409, code, .. } if code == "err_duplicate_ref"), "{e:?}");
}

/// A webhook receiver recording (raw query, X-Signature).
async fn receiver() -> (String, Arc<Mutex<Vec<(String, String)>>>, tokio::task::JoinHandle<()>) {
    use axum::extract::RawQuery;
    use axum::http::HeaderMap;
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::get(move |RawQuery(q): RawQuery, h: HeaderMap| {
            let s = s.clone();
            async move {
                let sig = h.get("X-Signature").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
                s.lock().unwrap().push((q.unwrap_or_default(), sig));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (url, seen, task)
}

async fn wait_for(seen: &Arc<Mutex<Vec<(String, String)>>>, n: usize) -> Vec<(String, String)> {
    for _ in 0..100 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_and_configured_on_the_settings_page() {
    let sb = start().await;
    let (url, seen, _task) = receiver().await;
    let page = reqwest::get(format!("{}/settings/api?apiKey={DEFAULT_API_KEY}", sb.url())).await.unwrap().text().await.unwrap();
    assert!(page.contains("<label for=\"webhookUrl\">Webhook URL</label>") && page.contains(">Save</button>"));
    let saved = reqwest::Client::new()
        .post(format!("{}/settings/api", sb.url()))
        .form(&[("apiKey", DEFAULT_API_KEY), ("webhookUrl", url.as_str())])
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success());

    let c = client(&sb);
    let m = signed_mandate(&c, "W1").await;
    let got = wait_for(&seen, 1).await;
    assert_eq!(got[0].0, format!("type=contract&mandateNumber={m}&event=Sign&state=SIGNED"));
    assert!(verify_webhook(DEFAULT_API_KEY, &got[0].0, &got[0].1));
    assert!(!verify_webhook("another-key", &got[0].0, &got[0].1));

    side_door(&sb, "/_sandbox/faults", json!({"webhooks": "duplicate"})).await;
    let tx = NewTransaction { mndt_id: m.clone(), message: "m".into(), amount_cents: 5000, ..Default::default() };
    c.create_transaction(&tx, None).await.unwrap();
    side_door(&sb, "/_sandbox/settle", json!({})).await;
    let got = wait_for(&seen, 3).await;
    assert_eq!(got.len(), 3);
    assert!(got[1..].iter().all(|(q, s)| q == "type=payment" && verify_webhook(DEFAULT_API_KEY, q, s)));

    side_door(&sb, "/_sandbox/faults", json!({"webhooks": "drop"})).await;
    c.cancel_mandate(&m, "closed", false).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(seen.lock().unwrap().len(), 3, "dropped webhook not sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_receivers_are_retried() {
    use axum::http::StatusCode;
    let calls = Arc::new(Mutex::new(0u32));
    let n = calls.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::get(move || {
            let n = n.clone();
            async move {
                let mut n = n.lock().unwrap();
                *n += 1;
                if *n < 3 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let mut config = SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() };
    config.webhook_urls.insert(DEFAULT_API_KEY.into(), url);
    let sb = sandbox::spawn(config).await.unwrap();
    let c = client(&sb);
    signed_mandate(&c, "F1").await;
    let mut log = vec![];
    for _ in 0..100 {
        log = reqwest::get(format!("{}/_sandbox/webhooks", sb.url())).await.unwrap().json::<Vec<Value>>().await.unwrap();
        if !log.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log[0]["delivered"], true);
    assert_eq!(log[0]["attempts"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_a_restart_and_reset_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        SandboxConfig { settle_after: Duration::from_secs(3600), state_file: Some(dir.path().join("state.json")), ..Default::default() };
    let sb = sandbox::spawn(config.clone()).await.unwrap();
    let inv = client(&sb).invite(&core_invite("K1")).await.unwrap();
    drop(sb);
    let sb = sandbox::spawn(config).await.unwrap();
    let c = client(&sb);
    assert_eq!(c.mandate_detail(&inv.mndt_id, true).await.unwrap().state.as_deref(), Some("PREPARED"));
    reqwest::Client::new().post(format!("{}/_sandbox/reset", sb.url())).send().await.unwrap();
    assert_eq!(api_code(&c.mandate_detail(&inv.mndt_id, true).await.unwrap_err()), "err_no_contract");
}
