//! Credit notes: the only correction of an issued invoice. Their own gapless series, full or
//! partial, the invoice's amount due follows, both timelines and documents say it, a Twikey
//! collection still running is cancelled first.

use crate::helpers::world::World;
use encaisse::i18n::Msg;
use crate::helpers::{new_invoice, TestApp};
use http::StatusCode;
use serde_json::Value;

async fn credit(app: &TestApp, cookie: &str, invoice: i64, lines: &[(usize, &str)], refund: bool) -> crate::helpers::Reply {
    let invoice = invoice.to_string();
    let mut form: Vec<(String, String)> = vec![("invoice_id".into(), invoice)];
    for (i, q) in lines {
        form.push((format!("input[lines][{i}]"), q.to_string()));
    }
    if refund {
        form.push(("input[refund]".into(), "hand".into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("/api/invoices/credit", &pairs, Some(cookie)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_credit_note_lowers_the_amount_due_and_both_sides_show_it() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let invoice = new_invoice(&app, &cookie, anne, true, &[("Bread", "10", "4.50", "6"), ("Oven", "1", "150", "21")]).await;
    // 10 × 4.50 at 6 % = 47.70; 150 at 21 % = 181.50 → 229.20
    let d = app.call("/api/invoices/get", &[("id", &invoice.to_string())], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["open_cents"], 22920);

    // 4 of the 10 breads: 4 × 4.50 = 18.00 + 6 % = 19.08
    let r = credit(&app, &cookie, invoice, &[(0, "4"), (1, "0")], false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json().as_i64().unwrap();
    let d = app.call("/api/invoices/get", &[("id", &invoice.to_string())], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["open_cents"], 22920 - 1908);
    let year = chrono::Utc::now().date_naive().format("%Y").to_string();
    assert_eq!(d["credit_notes"][0]["number"], format!("CN-{year}-0001"));
    assert_eq!(d["credit_notes"][0]["total_incl_cents"], 1908);
    let kinds: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"credit_note_issued"), "{kinds:?}");

    // its PDF names the invoice it corrects
    let pdf = app.get(&format!("/credit-notes/{id}/pdf"), Some(&cookie)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = pdf_extract::extract_text_from_mem(&pdf.bytes).unwrap();
    let number = d["invoice"]["number"].as_str().unwrap();
    assert!(text.contains(number) && text.contains(&format!("CN-{year}-0001")), "{text}");

    // sent by e-mail with its PDF (kept in the outbox here: no SMTP)
    let sent = app.call("/api/invoices/credit/send", &[("id", &id.to_string())], Some(&cookie)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let outbox = app.call("/api/outbox/list", &[], Some(&cookie)).await.json();
    assert_eq!(outbox[0]["attachment"], format!("CN-{year}-0001.pdf"), "{outbox}");
    // its own page: what it corrects (a link) and its own timeline
    let page = app.call("/api/invoices/credit/get", &[("id", &id.to_string())], Some(&cookie)).await.json();
    assert_eq!(page["invoice_id"], invoice);
    assert_eq!(page["document"]["credited_invoice"]["number"], number);
    let kinds: Vec<&str> = page["events"].as_array().unwrap().iter().map(|e| e[1].as_str().unwrap()).collect();
    assert_eq!(kinds, ["issued", "mail_stored"], "issued, then e-mailed");
    let html = app.get(&format!("/credit-notes/{id}"), Some(&cookie)).await;
    assert!(html.body.contains(&format!("href=\"/invoices/{invoice}\"")), "links to its invoice");
    // never more than invoiced, in quantity or in total
    assert_eq!(credit(&app, &cookie, invoice, &[(0, "11")], false).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(credit(&app, &cookie, invoice, &[(0, "0")], false).await.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing chosen");
    assert_eq!(credit(&app, &cookie, invoice, &[(0, "6"), (1, "1")], false).await.status, StatusCode::OK, "the rest");
    let too_much = credit(&app, &cookie, invoice, &[(0, "1")], false).await;
    assert!(too_much.says(Msg::ErrCreditTooHigh), "{}", too_much.body);
    let d = app.call("/api/invoices/get", &[("id", &invoice.to_string())], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["open_cents"], 0, "fully credited: nothing due");

    // another company sees nothing of it
    let other = app.signup("B", "b@test.be").await;
    assert_eq!(app.get(&format!("/credit-notes/{id}/pdf"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call("/api/invoices/credit/get", &[("id", &id.to_string())], Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(credit(&app, &other, invoice, &[(0, "1")], false).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_already_paid_is_refunded_only_when_the_company_says_so() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let invoice = new_invoice(&app, &cookie, anne, true, &[("Bread", "1", "100", "0")]).await;
    let id = invoice.to_string();
    let today = chrono::Utc::now().date_naive().to_string();
    let paid = app
        .call("/api/invoices/pay", &[("id", &id), ("input[amount]", "100"), ("input[paid_on]", &today), ("input[method]", "bank_transfer")], Some(&cookie))
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    let r = credit(&app, &cookie, invoice, &[(0, "1")], false).await;
    assert!(r.says(Msg::ErrCreditRefundChoice), "{}", r.body);
    let r = credit(&app, &cookie, invoice, &[(0, "1")], true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    assert_eq!(d["credit_notes"][0]["settlement"], "refunded_by_hand");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_notes_issued_at_once_are_numbered_without_gap_or_duplicate() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let mut invoices = Vec::new();
    for _ in 0..12 {
        invoices.push(new_invoice(&app, &cookie, anne, true, &[("Bread", "1", "10", "6")]).await);
    }
    let results = futures::future::join_all(invoices.iter().map(|i| credit(&app, &cookie, *i, &[(0, "1")], false))).await;
    assert!(results.iter().all(|r| r.status == StatusCode::OK), "{:?}", results.iter().map(|r| &r.body).collect::<Vec<_>>());
    let mut numbers = Vec::new();
    for i in &invoices {
        let d = app.call("/api/invoices/get", &[("id", &i.to_string())], Some(&cookie)).await.json();
        numbers.push(d["credit_notes"][0]["number"].as_str().unwrap().to_string());
    }
    numbers.sort();
    let year = chrono::Utc::now().date_naive().format("%Y").to_string();
    let expected: Vec<String> = (1..=12).map(|n| format!("CN-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_collection_is_cancelled_in_twikey_first_or_the_credit_note_refused() {
    let w = World::new().await;
    // The profile does not send by itself, so the transaction stays deletable until a batch.
    w.sandbox_template(serde_json::json!({"api_key": crate::helpers::world::KEY, "ct": 1001, "auto_send": false})).await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let a = w.invoice(anne, "120").await;
    assert_eq!(w.collect(a).await.status, StatusCode::OK);
    let r = credit(&w.app, &w.cookie, a, &[(0, "1")], false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = w.invoice_twikey(a).await;
    assert_eq!(b["collections"][0]["state"], "failed", "cancelled in Twikey: {b}");
    assert_eq!(b["collections"][0]["reason_code"], "cancelled");
    // once sent to the bank, Twikey cannot cancel it: refused with the reason
    let c = w.invoice(anne, "60").await;
    assert_eq!(w.collect(c).await.status, StatusCode::OK);
    assert_eq!(w.send_batches(World::today()).await, 1);
    let refused = credit(&w.app, &w.cookie, c, &[(0, "1")], false).await;
    assert!(refused.says(Msg::ErrCreditCollectionRunning), "{}", refused.body);
    assert_eq!(w.invoice_twikey(c).await["collections"][0]["state"], "open");
    let _: Value = w.invoice_detail(c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_collected_by_direct_debit_is_refunded_through_twikey_once() {
    let w = World::new().await;
    w.configure().await;
    let anne = w.signed_customer("Anne").await;
    let invoice = w.invoice(anne, "120").await;
    assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
    w.settle().await;
    w.sync().await;
    assert_eq!(w.invoice_detail(invoice).await["invoice"]["status"], "paid");
    let refund = |how: &'static str| {
        let w = &w;
        async move {
            w.call("/api/invoices/credit", &[("invoice_id", &invoice.to_string()), ("input[lines][0]", "0,25"), ("input[refund]", how)]).await
        }
    };
    // Twikey refuses (an injected 400): no credit note, nothing refunded.
    w.fault(serde_json::json!({"path": "/creditor/transaction/refund", "method": "POST", "count": 1, "status": 400, "code": "err_invalid_params"})).await;
    let refused = refund("twikey").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(w.invoice_detail(invoice).await["credit_notes"].as_array().unwrap().is_empty());
    // A quarter of the invoice back to the account it was collected from.
    let ok = refund("twikey").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let refunds = w.sandbox.state.read(|d| d.tenants[crate::helpers::world::KEY].refunds.clone());
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0].amount_cents, 3000);
    let d = w.invoice_detail(invoice).await;
    assert_eq!(d["credit_notes"][0]["settlement"], "refunded_by_twikey");
    // An invoice not paid by direct debit cannot be refunded through Twikey.
    let cash = w.invoice(anne, "50").await;
    let today = chrono::Utc::now().date_naive().to_string();
    w.call("/api/invoices/pay", &[("id", &cash.to_string()), ("input[amount]", "50"), ("input[paid_on]", &today), ("input[method]", "cash")]).await;
    let r = w.call("/api/invoices/credit", &[("invoice_id", &cash.to_string()), ("input[lines][0]", "1"), ("input[refund]", "twikey")]).await;
    assert!(r.says(Msg::ErrRefundNoDirectDebit), "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reduction_per_vat_rate_is_a_credit_note_too() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let invoice = new_invoice(&app, &cookie, anne, true, &[("Bread", "10", "4.50", "6"), ("Oven", "1", "150", "21")]).await;
    let id = invoice.to_string();
    // the quantity field of each line left empty: only amounts
    let r = app
        .call("/api/invoices/credit", &[("invoice_id", &id), ("input[amounts][21]", "50"), ("input[amounts][6]", "5")], Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    // 50 + 21 % = 60.50; 5 + 6 % = 5.30
    assert_eq!(d["credit_notes"][0]["total_incl_cents"], 6580);
    assert_eq!(d["invoice"]["open_cents"], 22920 - 6580);
    let too_much = app.call("/api/invoices/credit", &[("invoice_id", &id), ("input[amounts][21]", "151")], Some(&cookie)).await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY, "more than the base at 21 %");
    let no_such_rate = app.call("/api/invoices/credit", &[("invoice_id", &id), ("input[amounts][12]", "1")], Some(&cookie)).await;
    assert_eq!(no_such_rate.status, StatusCode::UNPROCESSABLE_ENTITY, "the invoice has no 12 % line");
}
