//! The Twikey client against an in-process `twikey-sandbox` over real HTTP.


use std::sync::{Arc, Mutex};
use std::time::Duration;

use twikey_sandbox::{self as sandbox, SandboxConfig, SandboxHandle, DEFAULT_API_KEY};
use twikey::*;
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

/// `POST /creditor` by hand (the client keeps the answer's headers to itself).
async fn raw_login(sb: &SandboxHandle, key: &str, otp: Option<String>) -> reqwest::Response {
    let mut form = vec![("apiToken", key.to_string())];
    if let Some(o) = otp {
        form.push(("otp", o));
    }
    reqwest::Client::new().post(sb.api_base_url()).form(&form).send().await.unwrap()
}

/// A session token for raw API calls.
async fn token(sb: &SandboxHandle, key: &str) -> String {
    let r = raw_login(sb, key, None).await;
    assert_eq!(r.status(), 200);
    r.headers()["Authorization"].to_str().unwrap().to_string()
}

/// A form POST to the API with a session token.
async fn raw_post(sb: &SandboxHandle, token: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::new().post(format!("{}{path}", sb.api_base_url())).header("Authorization", token).form(form).send().await.unwrap()
}

/// Changes one creditor's template options (`/_sandbox/templates`).
async fn template_options(sb: &SandboxHandle, key: &str, ct: i64, options: Value) -> Value {
    let mut body = json!({"api_key": key, "ct": ct});
    body.as_object_mut().unwrap().extend(options.as_object().unwrap().clone());
    side_door(sb, "/_sandbox/templates", body).await
}

/// Saves a webhook URL for `key` on the Settings → API page.
async fn save_webhook_url(sb: &SandboxHandle, key: &str, url: &str) {
    let saved = reqwest::Client::new()
        .post(format!("{}/settings/api", sb.url()))
        .form(&[("apiKey", key), ("webhookUrl", url)])
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success(), "{}", saved.status());
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

    let before = c.mandate_feed(None).await.unwrap();
    assert_eq!(before.items.len(), 2, "the two signatures");
    assert!(before.items.iter().all(|m| m.kind() == MandateEventKind::New));

    let (url, seen, _task) = receiver().await;
    save_webhook_url(&sb, DEFAULT_API_KEY, &url).await;
    side_door(&sb, "/_sandbox/settle", json!({})).await;
    let d = c.mandate_detail(&even.mndt_id, true).await.unwrap();
    assert_eq!((d.state.as_deref(), d.collectable), (Some("SIGNED"), Some(true)));
    let d = c.mandate_detail(&odd.mndt_id, true).await.unwrap();
    assert_eq!((d.state.as_deref(), d.collectable), (Some("CANCELLED"), Some(false)));

    // The bank's answer is no feed message, only a webhook (state: the one it was given in).
    assert!(c.mandate_feed(before.position).await.unwrap().items.is_empty(), "no AcceptedBank/RejectBank in the feed");
    let mut got: Vec<String> = wait_for(&seen, 2).await.into_iter().map(|(q, _)| q).collect();
    got.sort();
    let mut want = vec![
        format!("type=contract&mandateNumber={}&event=AcceptedBank&state=SIGNED_PENDING_DEBTOR_BANK", even.mndt_id),
        format!("type=contract&mandateNumber={}&event=RejectBank&state=SIGNED_PENDING_DEBTOR_BANK", odd.mndt_id),
    ];
    want.sort();
    assert_eq!(got, want);
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
    // A profile without automatic sending: only a collect sends transactions to the bank.
    let options = template_options(&sb, DEFAULT_API_KEY, 1001, json!({"auto_send": false})).await;
    assert_eq!(options[0], json!({"id": 1001, "type": "CORE", "name": "Particuliers", "auto_send": false, "reoffers": 0}));
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

    // Not sent to the bank: no outcome, even when the bank is forced to answer everything.
    side_door(&sb, "/_sandbox/settle", json!({})).await;
    assert!(c.transaction_feed(None).await.unwrap().items.is_empty());
    assert_eq!(c.transaction_detail(paid.id).await.unwrap().unwrap().state(), TransactionState::Open);

    let batch = c.collect(&CollectRequest { ct: "1001".into(), prenotify: true, colltndt: Some(date), until_ms: None }).await.unwrap();
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
async fn a_reused_idempotency_key_is_refused_and_creates_nothing() {
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
    // The key is single use: the retry is refused (never answered with the first
    // transaction) and creates nothing, whatever the body.
    for body in [tx.clone(), NewTransaction { amount_cents: 9900, ..tx.clone() }] {
        let e = c.create_transaction(&body, Some("inv-7-attempt")).await.unwrap_err();
        assert!(matches!(&e, TwikeyError::Api { status: 409, code, .. } if code == "err_duplicate_ref"), "{e:?}");
    }
    let all = c.transaction_detail_by_ref("INV-7").await.unwrap();
    assert_eq!(all.len(), 1, "one transaction");
    // The answer carries Twikey's error headers and body.
    let t = token(&sb, DEFAULT_API_KEY).await;
    let r = reqwest::Client::new()
        .post(format!("{}/transaction", sb.api_base_url()))
        .header("Authorization", &t)
        .header("Idempotency-Key", "inv-7-attempt")
        .form(&[("mndtId", m.as_str()), ("message", "Other"), ("amount", "1.00")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!((r.headers()["ApiError"].to_str().unwrap(), r.headers()["ApiErrorCode"].to_str().unwrap()), ("err_duplicate_ref", "err_duplicate_ref"));
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "err_duplicate_ref");
    assert_eq!(c.transaction_detail_by_ref("INV-7").await.unwrap().len(), 1);
    // A new key creates a new transaction.
    c.create_transaction(&tx, Some("inv-7-second")).await.unwrap();
    assert_eq!(c.transaction_detail_by_ref("INV-7").await.unwrap().len(), 2);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_sending_settles_without_a_collect() {
    // The bank answers 300 ms after the sending, by the background ticker.
    let sb = sandbox::spawn(SandboxConfig { settle_after: Duration::from_millis(300), ..Default::default() }).await.unwrap();
    let c = client(&sb);
    let m = signed_mandate(&c, "A1").await;
    let tx = NewTransaction { mndt_id: m.clone(), message: "Invoice 1".into(), amount_cents: 5000, ..Default::default() };
    let created = c.create_transaction(&tx, None).await.unwrap();
    let e = c.delete_transaction(&TransactionSelector::Id(created.id)).await.unwrap_err();
    assert_eq!(api_code(&e), "err_not_authorised", "sent to the bank when created");
    assert_eq!(c.collect(&CollectRequest { ct: "1001".into(), ..Default::default() }).await.unwrap(), CollectResult::default());
    let mut feed = vec![];
    for _ in 0..50 {
        feed = c.transaction_feed(None).await.unwrap().items;
        if !feed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(feed.len(), 1);
    assert_eq!((feed[0].id, feed[0].state(), feed[0].is_final), (created.id, TransactionState::Paid, Some(true)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_sends_what_was_created_before_until_and_prenotify_counts_by_presence() {
    let sb = start().await;
    let key = "sandbox-collect";
    template_options(&sb, key, 1001, json!({"auto_send": false})).await;
    let c = client_for(&sb, key, Duration::from_secs(5));
    let m = signed_mandate(&c, "U1").await;
    let tx = |cents| NewTransaction { mndt_id: m.clone(), message: "Invoice".into(), amount_cents: cents, ..Default::default() };
    let early = c.create_transaction(&tx(5000), None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let until = chrono::Utc::now().timestamp_millis().to_string();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let late = c.create_transaction(&tx(6000), None).await.unwrap();

    // `prenotify=false` still asks for the pre-notification: its presence is what counts.
    let t = token(&sb, key).await;
    let r = raw_post(&sb, &t, "/collect", &[("ct", "1001"), ("prenotify", "false"), ("until", &until)]).await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.unwrap()["frstMsgId"].is_string());
    let notices: Vec<Value> = emails(&sb).await.into_iter().filter(|e| e["kind"] == "prenotification").collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["transaction"], json!(early.id));
    let r = raw_post(&sb, &t, "/collect", &[("ct", "1001"), ("until", "soon")]).await;
    assert_eq!((r.status().as_u16(), r.headers()["ApiErrorCode"].to_str().unwrap()), (400, "err_invalid_params"));

    side_door(&sb, "/_sandbox/settle", json!({})).await;
    let feed = c.transaction_feed(None).await.unwrap().items;
    assert_eq!(feed.iter().map(|t| t.id).collect::<Vec<_>>(), vec![early.id], "only the sent one has an outcome");
    c.delete_transaction(&TransactionSelector::Id(late.id)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insufficient_funds_failure_is_offered_again_then_paid() {
    let sb = start().await;
    let key = "sandbox-dunning";
    let options = template_options(&sb, key, 1001, json!({"reoffers": 1})).await;
    assert_eq!((options[0]["auto_send"].as_bool(), options[0]["reoffers"].as_u64()), (Some(true), Some(1)));
    let listed: Value = reqwest::get(format!("{}/_sandbox/templates?api_key={key}", sb.url())).await.unwrap().json().await.unwrap();
    assert_eq!(listed, options);
    let (url, seen, _task) = receiver().await;
    save_webhook_url(&sb, key, &url).await;
    let c = client_for(&sb, key, Duration::from_secs(5));
    let m = signed_mandate(&c, "D1").await;
    wait_for(&seen, 1).await;
    let tx = NewTransaction { mndt_id: m, message: "Invoice 8".into(), amount_cents: 800, ..Default::default() };
    let created = c.create_transaction(&tx, None).await.unwrap();

    side_door(&sb, "/_sandbox/settle", json!({})).await;
    let first = c.transaction_feed(None).await.unwrap();
    assert_eq!(first.items.len(), 1);
    let e = &first.items[0];
    assert_eq!((e.id, e.state(), e.is_final), (created.id, TransactionState::Error, Some(false)));
    assert_eq!((e.bkerror.as_deref(), e.bkmsg.is_some()), (Some("AM04"), true));
    // Offered to the bank again: open, and no longer deletable.
    assert_eq!(c.transaction_detail(created.id).await.unwrap().unwrap().state(), TransactionState::Open);
    assert_eq!(api_code(&c.delete_transaction(&TransactionSelector::Id(created.id)).await.unwrap_err()), "err_not_authorised");
    assert_eq!(wait_for(&seen, 2).await[1].0, "type=payment");

    side_door(&sb, "/_sandbox/settle", json!({})).await;
    let second = c.transaction_feed(first.position).await.unwrap();
    assert_eq!(second.items.len(), 1);
    let p = &second.items[0];
    assert_eq!((p.id, p.state(), p.is_final, p.bkerror.as_deref()), (created.id, TransactionState::Paid, Some(true), None));
    assert!(p.seq > e.seq, "a new feed entry");
    assert_eq!(wait_for(&seen, 3).await[2].0, "type=payment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_keys_are_separate_creditors() {
    let sb = start().await;
    let merchant = |r: &reqwest::Response| r.headers()["X-MERCHANT-ID"].to_str().unwrap().to_string();
    let default = merchant(&raw_login(&sb, DEFAULT_API_KEY, None).await);
    let a = merchant(&raw_login(&sb, "sandbox-a", None).await);
    let b = merchant(&raw_login(&sb, "sandbox-b", None).await);
    assert!(default != a && a != b && default != b, "{default} {a} {b}");
    assert_eq!(merchant(&raw_login(&sb, "sandbox-a", None).await), a, "the same creditor next time");
    let r = raw_login(&sb, "not-a-sandbox-key", None).await;
    assert_eq!((r.status().as_u16(), r.headers()["ApiErrorCode"].to_str().unwrap()), (400, "err_no_login"));

    let ca = client_for(&sb, "sandbox-a", Duration::from_secs(5));
    let cb = client_for(&sb, "sandbox-b", Duration::from_secs(5));
    let m = signed_mandate(&ca, "S1").await;
    ca.create_transaction(&NewTransaction { mndt_id: m.clone(), message: "m".into(), amount_cents: 5000, ..Default::default() }, None)
        .await
        .unwrap();
    side_door(&sb, "/_sandbox/settle", json!({})).await;
    assert_eq!(ca.mandate_feed(None).await.unwrap().items.len(), 1);
    assert_eq!(ca.transaction_feed(None).await.unwrap().items.len(), 1);
    assert!(cb.mandate_feed(None).await.unwrap().items.is_empty());
    assert!(cb.transaction_feed(None).await.unwrap().items.is_empty());
    assert_eq!(api_code(&cb.mandate_detail(&m, true).await.unwrap_err()), "err_no_contract");

    // The Settings → API page works for a sandbox key that never logged in.
    let (url, seen, _task) = receiver().await;
    save_webhook_url(&sb, "sandbox-c", &url).await;
    let page = reqwest::get(format!("{}/settings/api?apiKey=sandbox-c", sb.url())).await.unwrap().text().await.unwrap();
    assert!(page.contains(&url));
    let cc = client_for(&sb, "sandbox-c", Duration::from_secs(5));
    let m = signed_mandate(&cc, "S2").await;
    let got = wait_for(&seen, 1).await;
    assert_eq!(got[0].0, format!("type=contract&mandateNumber={m}&event=Sign&state=SIGNED"));
    assert!(verify_webhook("sandbox-c", &got[0].0, &got[0].1));
    // An unknown key that is not a sandbox key is refused there.
    let r = reqwest::Client::new()
        .post(format!("{}/settings/api", sb.url()))
        .form(&[("apiKey", "someone-else"), ("webhookUrl", "http://x/y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mandate_feed_honours_x_types() {
    let sb = start().await;
    let c = client(&sb);
    let core = signed_mandate(&c, "X1").await;
    let b2b = c
        .invite(&InviteRequest { ct: "1002".into(), company_name: Some("Firm SRL".into()), email: Some("f@example.be".into()), ..Default::default() })
        .await
        .unwrap();
    sign(b2b.url.as_deref().unwrap(), "BE68539007547034").await;
    let t = token(&sb, DEFAULT_API_KEY).await;
    let feed = |types: Option<&'static str>| {
        let t = t.clone();
        let url = format!("{}/mandate", sb.api_base_url());
        async move {
            let mut r = reqwest::Client::new().get(url).header("Authorization", t).header("X-RESUME-AFTER", "0");
            if let Some(types) = types {
                r = r.header("X-TYPES", types);
            }
            let body: Value = r.send().await.unwrap().json().await.unwrap();
            body["Messages"].as_array().unwrap().iter().map(|m| m["Mndt"]["MndtId"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(feed(None).await, vec![core.clone(), b2b.mndt_id.clone()]);
    assert_eq!(feed(Some("B2B")).await, vec![b2b.mndt_id.clone()]);
    assert_eq!(feed(Some("CORE, CREDITCARD")).await, vec![core.clone()]);
    assert_eq!(feed(Some("CORE,B2B,CREDITCARD")).await.len(), 2);
    assert!(feed(Some("CREDITCARD")).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detail_calls_and_logins_are_rate_limited() {
    let sb = start().await;
    let limits = side_door(&sb, "/_sandbox/rate-limits", json!({"detail_per_minute": 3, "logins_per_minute": 4})).await;
    assert_eq!(limits, json!({"detail_per_minute": 3, "logins_per_minute": 4}));
    let c = client(&sb);
    let m = signed_mandate(&c, "L1").await;
    let t = token(&sb, DEFAULT_API_KEY).await;
    let detail = |path: String| {
        let t = t.clone();
        async move { reqwest::Client::new().get(path).header("Authorization", t).send().await.unwrap() }
    };
    let mut left = vec![];
    for path in [format!("/mandate/detail?mndtId={m}"), "/transaction/detail".into(), format!("/mandate/detail?mndtId={m}")] {
        let r = detail(format!("{}{path}", sb.api_base_url())).await;
        assert_eq!(r.status(), 200);
        left.push(r.headers()["X-Rate-Limit-Remaining"].to_str().unwrap().to_string());
    }
    assert_eq!(left, ["2", "1", "0"], "one budget for both detail calls");
    let r = detail(format!("{}/transaction/detail", sb.api_base_url())).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["X-Rate-Limit-Retry-After-Seconds"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let e = c.mandate_detail(&m, false).await.unwrap_err();
    assert!(matches!(e, TwikeyError::RateLimited { retry_after: Some(d) } if d.as_secs() >= 1 && d.as_secs() <= 60), "{e:?}");
    // Other calls and other creditors are not limited by it.
    c.mandate_feed(None).await.unwrap();
    let other = client_for(&sb, "sandbox-other", Duration::from_secs(5));
    assert_eq!(api_code(&other.mandate_detail(&m, true).await.unwrap_err()), "err_no_contract");

    // Logins: 4 a minute per key (two were used above), then 429 for a while.
    assert_eq!(raw_login(&sb, DEFAULT_API_KEY, None).await.status(), 200);
    assert_eq!(raw_login(&sb, DEFAULT_API_KEY, None).await.status(), 200);
    let r = raw_login(&sb, DEFAULT_API_KEY, None).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("X-Rate-Limit-Retry-After-Seconds"));
    let e = client(&sb).login().await.unwrap_err();
    assert!(matches!(e, TwikeyError::RateLimited { retry_after: Some(_) }), "{e:?}");
    assert_eq!(raw_login(&sb, "sandbox-other", None).await.status(), 200, "per key");
    // New limits start a new minute.
    side_door(&sb, "/_sandbox/rate-limits", json!({"logins_per_minute": 0})).await;
    assert_eq!(raw_login(&sb, DEFAULT_API_KEY, None).await.status(), 200);
    let r = detail(format!("{}/transaction/detail", sb.api_base_url())).await;
    assert_eq!(r.headers()["X-Rate-Limit-Remaining"], "2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enhanced_security_needs_the_otp() {
    const PRIVATE_KEY: &str = "0123456789ABCDEF0123456789ABCDEF";
    assert_eq!(sandbox::otp(PRIVATE_KEY, 1_700_000_000), 9_931_077, "API.md's vector");
    let sb = start().await;
    let key = "sandbox-secure";
    let r = side_door(&sb, "/_sandbox/security", json!({"api_key": key, "private_key": PRIVATE_KEY})).await;
    assert_eq!(r, json!({"enhanced_security": true}));
    let now = || chrono::Utc::now().timestamp() as u64;
    let refused = |r: reqwest::Response| {
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["ApiErrorCode"], "err_no_login");
    };
    refused(raw_login(&sb, key, None).await);
    refused(raw_login(&sb, key, Some((sandbox::otp(PRIVATE_KEY, now()) + 1).to_string())).await);
    refused(raw_login(&sb, key, Some(sandbox::otp(PRIVATE_KEY, now() + 120).to_string())).await);
    let r = raw_login(&sb, key, Some(sandbox::otp(PRIVATE_KEY, now()).to_string())).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("Authorization") && r.headers().contains_key("X-MERCHANT-ID"));
    assert_eq!(raw_login(&sb, key, Some(sandbox::otp(PRIVATE_KEY, now() - 30).to_string())).await.status(), 200, "previous window");
    assert_eq!(raw_login(&sb, key, Some(format!("{:08}", sandbox::otp(PRIVATE_KEY, now())))).await.status(), 200, "zero-padded");
    // A client that sends no OTP is refused like a wrong key.
    let e = client_for(&sb, key, Duration::from_secs(5)).templates().await.unwrap_err();
    assert_eq!(api_code(&e), "err_no_login");
    // Switched off again.
    side_door(&sb, "/_sandbox/security", json!({"api_key": key, "private_key": null})).await;
    assert_eq!(raw_login(&sb, key, None).await.status(), 200);
    let r = reqwest::Client::new().post(format!("{}/_sandbox/security", sb.url())).json(&json!({"api_key": key, "private_key": "xyz"})).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_are_checked_as_twikey_does() {
    let sb = start().await;
    let c = client(&sb);
    let m = signed_mandate(&c, "V1").await;
    let tx = |message: &str, reference: Option<&str>| NewTransaction {
        mndt_id: m.clone(),
        message: message.into(),
        amount_cents: 500,
        reference: reference.map(str::to_string),
        ..Default::default()
    };
    let refused = |e: TwikeyError| match e {
        TwikeyError::Api { status: 400, code, extra, .. } => (code, extra.unwrap_or_default()),
        other => panic!("{other:?}"),
    };
    let e = c.create_transaction(&tx("Facture n° 12 – été", None), None).await.unwrap_err();
    assert_eq!(refused(e), ("err_invalid_sepachars".into(), "message".into()));
    let e = c.create_transaction(&tx(&"a".repeat(141), None), None).await.unwrap_err();
    assert_eq!(refused(e), ("err_invalid_params".into(), "message".into()));
    let e = c.create_transaction(&tx("Invoice", Some(&"R".repeat(36))), None).await.unwrap_err();
    assert_eq!(refused(e), ("err_invalid_params".into(), "ref".into()));
    let e = c.create_transaction(&NewTransaction { mndt_id: "M".repeat(36), ..tx("Invoice", None) }, None).await.unwrap_err();
    assert_eq!(refused(e), ("err_invalid_params".into(), "mndtId".into()));
    c.create_transaction(&tx("Invoice 2030/01 (a) - b: c.d,e'f+g?", Some(&"R".repeat(35))), None).await.unwrap();

    // What the client never sends, by hand.
    let t = token(&sb, DEFAULT_API_KEY).await;
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 6] = [
        (&[("message", "m"), ("amount", "10,50")], "err_invalid_amount", "amount"),
        (&[("message", "m"), ("amount", "1.005")], "err_invalid_amount", "amount"),
        (&[("message", "m")], "err_invalid_amount", "amount"),
        (&[("message", "m"), ("amount", "5"), ("reqcolldt", "15/01/2030")], "err_invalid_date", "reqcolldt"),
        (&[("message", "m"), ("amount", "5"), ("date", "2030-13-01")], "err_invalid_date", "date"),
        (&[("amount", "5")], "err_invalid_params", "message"),
    ];
    for (form, code, extra) in cases {
        let mut form = form.to_vec();
        form.push(("mndtId", m.as_str()));
        let r = raw_post(&sb, &t, "/transaction", &form).await;
        assert_eq!(r.status(), 400, "{form:?}");
        assert_eq!(r.headers()["ApiErrorCode"], code, "{form:?}");
        assert_eq!(r.json::<Value>().await.unwrap()["extra"], extra, "{form:?}");
    }
    let r = raw_post(&sb, &t, "/transaction", &[("message", "m"), ("amount", "5")]).await;
    assert_eq!((r.status().as_u16(), r.headers()["ApiErrorCode"].to_str().unwrap()), (400, "err_invalid_params"), "mndtId required");
    assert_eq!(c.transaction_detail_by_ref(&"R".repeat(35)).await.unwrap().len(), 1, "only the valid one was created");
}

// ---- invoices and Peppol ---------------------------------------------------------------------

/// A Peppol BIS 3.0 invoice to `receiver` (scheme 0208), paid by direct debit on `mandate`.
fn ubl(number: &str, receiver: &str, mandate: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-03-18</cbc:IssueDate>
  <cbc:DueDate>2026-04-17</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0208">0123456749</cbc:EndpointID></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0208">{receiver}</cbc:EndpointID>
    <cac:PartyLegalEntity><cbc:RegistrationName>Brasserie du Parc</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>{mandate}</cbc:ID></cac:PaymentMandate></cac:PaymentMeans>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>"#
    )
    .into_bytes()
}

async fn peppol_log(sb: &SandboxHandle) -> Vec<Value> {
    reqwest::get(format!("{}/_sandbox/peppol", sb.url())).await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ubl_invoice_is_delivered_over_peppol_once_per_action_and_its_id_is_single_use() {
    let sb = start().await;
    let c = client(&sb);
    let mandate = signed_mandate(&c, "c-peppol").await;
    let id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    let upload = UblUpload { invoice_id: Some(id.into()), contract: Some(mandate.clone()), manual: true, ..Default::default() };
    let invoice = c.upload_ubl(&ubl("2026-0001", "0403170701", &mandate), &upload).await.unwrap();
    assert_eq!((invoice.id.as_deref(), invoice.number.as_deref(), invoice.manual), (Some(id), Some("2026-0001"), Some(true)));
    assert_eq!(invoice.state.as_deref(), Some("BOOKED"));

    // The same X-INVOICE-ID again (a retry after a lost answer): refused, no second invoice.
    let again = c.upload_ubl(&ubl("2026-0001", "0403170701", &mandate), &upload).await.unwrap_err();
    assert_eq!((api_code(&again), again.is_retryable()), ("invalid_file", false));
    let other_id = UblUpload { invoice_id: Some("7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f".into()), ..upload.clone() };
    assert_eq!(api_code(&c.upload_ubl(&ubl("2026-0001", "0403170701", &mandate), &other_id).await.unwrap_err()), "invalid_file", "same number");
    assert!(c.invoice_detail("7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", true).await.unwrap().is_none());
    // X-MANUAL: Twikey collects nothing of its own.
    assert!(c.transaction_detail_by_ref("2026-0001").await.unwrap().is_empty());

    let before = c.invoice_detail(id, true).await.unwrap().expect("the invoice");
    assert_eq!(before.peppol(), PeppolStatus::NotSent);
    c.invoice_action(id, InvoiceAction::Peppol).await.unwrap();
    assert_eq!(c.invoice_detail(id, true).await.unwrap().unwrap().peppol(), PeppolStatus::Delivered);
    let log = peppol_log(&sb).await;
    assert_eq!(log.len(), 1);
    assert_eq!((log[0]["receiver"].as_str(), log[0]["payment_means"].as_str()), (Some("0208:0403170701"), Some("59")));
    assert_eq!((log[0]["mandate"].as_str(), log[0]["contract"].as_str()), (Some(mandate.as_str()), Some(mandate.as_str())));
    assert!(log[0]["ubl"].as_str().unwrap().contains("<cbc:ID>2026-0001</cbc:ID>"), "the UBL as received");
    // Every action is a delivery: the caller makes sure it asks once.
    c.invoice_action(id, InvoiceAction::Peppol).await.unwrap();
    assert_eq!(peppol_log(&sb).await.len(), 2);

    // A receiver ending in 9 is not on Peppol: the action is taken, the delivery fails.
    let id9 = "8f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    let up9 = UblUpload { invoice_id: Some(id9.into()), manual: true, ..Default::default() };
    c.upload_ubl(&ubl("2026-0002", "0123456749", &mandate), &up9).await.unwrap();
    c.invoice_action(id9, InvoiceAction::Peppol).await.unwrap();
    assert!(matches!(c.invoice_detail(id9, true).await.unwrap().unwrap().peppol(), PeppolStatus::Failed(Some(_))));
    assert_eq!(peppol_log(&sb).await.len(), 2);

    // Without X-MANUAL, Twikey collects an invoice on a mandate itself.
    let auto = UblUpload { invoice_id: Some("9f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f".into()), contract: Some(mandate.clone()), ..Default::default() };
    c.upload_ubl(&ubl("2026-0003", "0403170701", &mandate), &auto).await.unwrap();
    assert_eq!(c.transaction_detail_by_ref("2026-0003").await.unwrap().len(), 1);

    // Bad input, unknown invoices, and faults on these paths.
    assert_eq!(api_code(&c.upload_ubl(b"<Order/>", &UblUpload::default()).await.unwrap_err()), "invalid_file");
    let bad_id = UblUpload { invoice_id: Some("inv-7".into()), ..Default::default() };
    assert_eq!(api_code(&c.upload_ubl(&ubl("2026-0004", "0403170701", &mandate), &bad_id).await.unwrap_err()), "err_invalid_params");
    assert_eq!(api_code(&c.invoice_action("0f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", InvoiceAction::Peppol).await.unwrap_err()), "err_not_found");
    side_door(&sb, "/_sandbox/faults", json!([{"path": "/creditor/invoice/ubl", "status": 500}, {"path": "/creditor/invoice/*", "drop": true}])).await;
    let fresh = UblUpload { invoice_id: Some("1f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f".into()), manual: true, ..Default::default() };
    assert!(c.upload_ubl(&ubl("2026-0005", "0403170701", &mandate), &fresh).await.unwrap_err().is_retryable());
    assert!(c.invoice_action(id, InvoiceAction::Peppol).await.unwrap_err().is_retryable());
    assert_eq!(peppol_log(&sb).await.len(), 2, "a dropped call is not handled");

    // The invoice feed shows them with their Peppol state.
    let feed: Value = {
        let t = token(&sb, DEFAULT_API_KEY).await;
        reqwest::Client::new().get(format!("{}/invoice?include=meta", sb.api_base_url())).header("Authorization", t).send().await.unwrap().json().await.unwrap()
    };
    let states: Vec<&str> = feed["Invoices"].as_array().unwrap().iter().filter_map(|i| i["meta"]["peppol"]["state"].as_str()).collect();
    assert!(states.contains(&"delivered") && states.contains(&"failed"), "{feed}");
}

#[tokio::test]
async fn the_directory_stand_in_knows_belgian_numbers_except_those_ending_in_9() {
    let sb = start().await;
    let ask = |n: &str| format!("{}/search/1.0/json?participant=iso6523-actorid-upis::0208:{n}", sb.url());
    let yes: Value = reqwest::get(ask("0403170701")).await.unwrap().json().await.unwrap();
    assert_eq!(yes["matches"][0]["participantID"]["value"], "0208:0403170701");
    let no: Value = reqwest::get(ask("0123456749")).await.unwrap().json().await.unwrap();
    assert_eq!(no["total-result-count"], 0);
    side_door(&sb, "/_sandbox/faults", json!({"path": "/search/1.0/json", "status": 503})).await;
    assert_eq!(reqwest::get(ask("0403170701")).await.unwrap().status(), 503);
}

#[tokio::test]
async fn refunds_only_what_was_collected_once_per_key() {
    let sb = start().await;
    let c = client(&sb);
    let m = signed_mandate(&c, "R1").await;
    let tx = NewTransaction { mndt_id: m, message: "Invoice 1".into(), amount_cents: 10000, reference: Some("INV-R1".into()), reqcolldt: None, place: None };
    let t = c.create_transaction(&tx, None).await.unwrap();
    let refund = |cents| RefundRequest { id: t.id, message: "Credit note".into(), amount_cents: cents, reference: Some("CN-1".into()) };
    // not collected yet: nothing to refund
    assert!(c.refund_transaction(&refund(1000), None).await.is_err());
    side_door(&sb, "/_sandbox/settle", json!({})).await;
    c.refund_transaction(&refund(4000), Some("refund-1")).await.unwrap();
    let again = c.refund_transaction(&refund(4000), Some("refund-1")).await.unwrap_err();
    assert!(again.is_duplicate_request(), "{again}");
    // at most what was collected
    assert!(c.refund_transaction(&refund(7000), Some("refund-2")).await.is_err());
    c.refund_transaction(&refund(6000), Some("refund-3")).await.unwrap();
    assert_eq!(sb.state.read(|d| d.tenants[DEFAULT_API_KEY].refunds.iter().map(|r| r.amount_cents).sum::<i64>()), 10000);
}
