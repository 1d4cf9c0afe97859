//! Invoices through the router: editor → issue → send → payments → timeline, numbering under
//! concurrent issuing, filters, company isolation and sessions on every server function.

use crate::helpers::TestApp;
use encaisse::i18n::Msg;
use encaisse::on_db;
use encaisse::server::db::Backend;
use http::StatusCode;

/// The form fields of a draft with the given lines (description, quantity, price, rate).
fn draft_form(customer: i64, issue_date: &str, lines: &[(&str, &str, &str, &str)]) -> Vec<(String, String)> {
    let mut form = vec![
        ("input[customer_id]".to_string(), customer.to_string()),
        ("input[issue_date]".to_string(), issue_date.to_string()),
        ("input[payment_term_days]".to_string(), "30".to_string()),
    ];
    for (i, (d, q, p, r)) in lines.iter().enumerate() {
        form.push((format!("input[lines][{i}][description]"), d.to_string()));
        form.push((format!("input[lines][{i}][quantity]"), q.to_string()));
        form.push((format!("input[lines][{i}][unit_price]"), p.to_string()));
        form.push((format!("input[lines][{i}][vat_rate]"), r.to_string()));
    }
    form
}

async fn save(app: &TestApp, cookie: &str, id: Option<i64>, issue: bool, form: Vec<(String, String)>) -> crate::helpers::Reply {
    let mut form = form;
    if let Some(id) = id {
        form.push(("id".into(), id.to_string()));
    }
    form.push(("issue".into(), issue.to_string()));
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("/api/invoices/save", &refs, Some(cookie)).await
}

async fn new_draft(app: &TestApp, cookie: &str, customer: i64, issue_date: &str) -> i64 {
    let reply = save(app, cookie, None, false, draft_form(customer, issue_date, &[("Work", "1", "100", "21")])).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json().as_i64().unwrap()
}

fn kinds(detail: &serde_json::Value) -> Vec<String> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_issue_send_pay_with_timeline() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let form = draft_form(anne, "2026-03-02", &[("Bread", "2", "12,50", "21"), ("Books", "1,5", "3,33", "6")]);
    let reply = save(&app, &cookie, None, false, form.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let id = reply.json().as_i64().unwrap().to_string();

    let d = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["status"], "draft");
    assert!(d["invoice"]["number"].is_null(), "no number before issuing");
    assert_eq!(d["invoice"]["totals"]["excl_vat_cents"], 3000);
    assert_eq!(d["invoice"]["totals"]["vat_cents"], 555);
    assert_eq!(d["invoice"]["totals"]["incl_vat_cents"], 3555);
    assert_eq!(d["invoice"]["due_date"], "2026-04-01");
    let sc = d["invoice"]["structured_communication"].as_str().unwrap();
    assert!(encaisse::domain::structured_communication::is_valid(sc), "{sc}");

    // sending a draft is refused
    let refused = app.call("/api/invoices/send", &[("id", &id)], Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // save again and issue in one go
    let issued = save(&app, &cookie, Some(id.parse().unwrap()), true, form).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let d = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["number"], "2026-0001");
    assert_eq!(d["invoice"]["status"], "open");
    assert_eq!(d["invoice"]["open_cents"], 3555);
    // an issued invoice is no longer editable
    let edit = save(&app, &cookie, Some(id.parse().unwrap()), false, draft_form(anne, "2026-03-02", &[("X", "1", "1", "0")])).await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);

    let sent = app.call("/api/invoices/send", &[("id", &id)], Some(&cookie)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let outbox = app.call("/api/outbox/list", &[], Some(&cookie)).await.json();
    assert_eq!(outbox.as_array().unwrap().len(), 1);
    assert_eq!(outbox[0]["to_email"], "anne@example.be");
    assert_eq!(outbox[0]["status"], "stored");
    let body = outbox[0]["body"].as_str().unwrap();
    assert!(body.contains("2026-0001") && body.contains("35,55") && body.contains(sc) && body.contains("01/04/2026"), "{body}");

    // partial payment, too much, then the rest
    let pay = |amount: &'static str| {
        let id = id.clone();
        let cookie = cookie.clone();
        let app = &app;
        async move {
            app.call(
                "/api/invoices/pay",
                &[("id", &id), ("input[amount]", amount), ("input[date]", "2026-03-10"), ("input[method]", "bank_transfer")],
                Some(&cookie),
            )
            .await
        }
    };
    let first = pay("20").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json(), 1555);
    assert_eq!(pay("15,56").await.status, StatusCode::UNPROCESSABLE_ENTITY, "more than the open amount");
    let rest = pay("15,55").await;
    assert_eq!(rest.json(), 0);
    let d = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["status"], "paid");
    assert_eq!(d["invoice"]["open_cents"], 0);
    assert_eq!(d["payments"].as_array().unwrap().len(), 2);
    assert_eq!(kinds(&d), ["created", "issued", "sent", "payment_recorded", "payment_recorded", "paid"]);
    assert_eq!(d["events"][1]["details"]["number"], "2026-0001");
    assert_eq!(d["events"][2]["details"]["to"], "anne@example.be");
    assert_eq!(pay("1").await.status, StatusCode::UNPROCESSABLE_ENTITY, "a paid invoice takes no more payments");

    // the page renders the timeline server-side
    let page = app.get(&format!("/invoices/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("data-testid=\"timeline-event\"").count(), 6, "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_draft_is_discarded_an_issued_invoice_is_never_cancelled() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let draft = new_draft(&app, &cookie, anne, "2026-05-01").await.to_string();
    assert_eq!(
        app.call("/api/invoices/cancel", &[("id", &draft), ("reason", " ")], Some(&cookie)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let ok = app.call("/api/invoices/cancel", &[("id", &draft), ("reason", "Typed twice")], Some(&cookie)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let issued = new_draft(&app, &cookie, anne, "2026-05-02").await.to_string();
    assert_eq!(app.call("/api/invoices/issue", &[("id", &issued)], Some(&cookie)).await.json(), "2026-0001");
    let refused = app.call("/api/invoices/cancel", &[("id", &issued), ("reason", "Ordered twice")], Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "Belgian law: a credit note corrects it");
    assert!(refused.says(Msg::ErrNotCancellable), "{}", refused.body);
    let d = app.call("/api/invoices/get", &[("id", &issued)], Some(&cookie)).await.json();
    assert_eq!(d["invoice"]["status"], "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_issuing_gives_consecutive_numbers_without_gap_or_duplicate() {
    let app = TestApp::new().await;
    let a = app.signup("A", "a@test.be").await;
    let b = app.signup("B", "b@test.be").await;
    let anne = app.create_customer(&a, "Anne", "Peeters").await;
    let bob = app.create_customer(&b, "Bob", "Maes").await;
    let mut drafts = Vec::new();
    for i in 0..24 {
        // alternate companies and years: numbering is per company and per year
        let (cookie, customer) = if i % 3 == 0 { (&b, bob) } else { (&a, anne) };
        let year = if i % 2 == 0 { "2026-06-01" } else { "2027-01-15" };
        drafts.push((cookie.clone(), new_draft(&app, cookie, customer, year).await));
    }
    let calls = drafts.iter().map(|(cookie, id)| {
        let app = &app;
        async move { app.call("/api/invoices/issue", &[("id", &id.to_string())], Some(cookie)).await }
    });
    // and each draft twice at once: the second must be refused, not numbered again
    let again = drafts.iter().map(|(cookie, id)| {
        let app = &app;
        async move { app.call("/api/invoices/issue", &[("id", &id.to_string())], Some(cookie)).await }
    });
    let (first, second) = futures::future::join(futures::future::join_all(calls), futures::future::join_all(again)).await;
    let mut numbers: Vec<String> = Vec::new();
    for r in first.iter().chain(second.iter()) {
        match r.status {
            StatusCode::OK => numbers.push(r.json().as_str().unwrap().to_string()),
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert!(r.says(Msg::ErrNotDraft), "{}", r.body)
            }
            other => panic!("{other}: {}", r.body),
        }
    }
    assert_eq!(numbers.len(), 24, "every draft issued exactly once");
    for (cookie, prefix, expected) in [(&a, "2026-", 8), (&a, "2027-", 8), (&b, "2026-", 4), (&b, "2027-", 4)] {
        let list = app.call("/api/invoices/list", &[("query[q]", prefix)], Some(cookie)).await.json();
        let mut got: Vec<String> = list["rows"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap().to_string()).collect();
        got.sort();
        let want: Vec<String> = (1..=expected).map(|n| format!("{prefix}{n:04}")).collect();
        assert_eq!(got, want, "no gap, no duplicate");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_search_and_customer_tab() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let luc = app.create_customer(&cookie, "Luc", "Lambert").await;
    let d1 = new_draft(&app, &cookie, anne, "2026-01-10").await;
    let d2 = new_draft(&app, &cookie, luc, "2026-02-10").await;
    new_draft(&app, &cookie, luc, "2026-03-10").await;
    for id in [d1, d2] {
        app.call("/api/invoices/issue", &[("id", &id.to_string())], Some(&cookie)).await;
    }
    let list = |form: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("/api/invoices/list", &refs, Some(&cookie)).await.json()
        }
    };
    let all = list(vec![]).await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["sum_incl_cents"], 3 * 12100);
    assert_eq!(all["sum_open_cents"], 2 * 12100);
    assert_eq!(all["rows"][0]["issue_date"], "2026-03-10", "newest first");
    // both are past due by now: overdue is a kind of open
    assert_eq!(list(vec![("query[status]", "overdue".into())]).await["total"], 2);
    assert_eq!(list(vec![("query[status]", "open".into())]).await["total"], 2);
    assert_eq!(list(vec![("query[status]", "draft".into())]).await["total"], 1);
    assert_eq!(list(vec![("query[customer]", luc.to_string())]).await["total"], 2);
    assert_eq!(list(vec![("query[from]", "2026-02-01".into()), ("query[to]", "2026-02-28".into())]).await["total"], 1);
    assert_eq!(list(vec![("query[q]", "PEETERS".into())]).await["total"], 1);
    assert_eq!(list(vec![("query[q]", "2026-0002".into())]).await["rows"][0]["customer_name"], "Luc Lambert");
    let tab = app.get(&format!("/customers/{luc}?tab=invoices"), Some(&cookie)).await;
    assert!(tab.body.contains("2026-0002"), "the customer's Invoices tab lists them");
    let dash = app.call("/api/dashboard", &[], Some(&cookie)).await.json();
    assert_eq!(dash["overdue_cents"], 2 * 12100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_invoice_function_needs_a_session() {
    let app = TestApp::new().await;
    for (path, form) in [
        ("/api/invoices/list", vec![]),
        ("/api/invoices/get", vec![("id", "1")]),
        ("/api/invoices/customers", vec![]),
        ("/api/invoices/save", vec![("input[customer_id]", "1"), ("issue", "false")]),
        ("/api/invoices/issue", vec![("id", "1")]),
        ("/api/invoices/send", vec![("id", "1")]),
        ("/api/invoices/pay", vec![("id", "1"), ("input[amount]", "1"), ("input[method]", "cash")]),
        ("/api/invoices/cancel", vec![("id", "1"), ("reason", "x")]),
        ("/api/outbox/list", vec![]),
    ] {
        let reply = app.call(path, &form, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}: {}", reply.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_b_cannot_see_or_touch_company_a_invoices() {
    let app = TestApp::new().await;
    let a = app.signup("A", "a@test.be").await;
    let b = app.signup("B", "b@test.be").await;
    let anne = app.create_customer(&a, "Anne", "Peeters").await;
    let draft = new_draft(&app, &a, anne, "2026-07-01").await.to_string();
    let open = new_draft(&app, &a, anne, "2026-07-02").await.to_string();
    app.call("/api/invoices/issue", &[("id", &open)], Some(&a)).await;

    assert_eq!(app.call("/api/invoices/list", &[], Some(&b)).await.json()["total"], 0);
    assert_eq!(app.call("/api/invoices/customers", &[], Some(&b)).await.json()["customers"].as_array().unwrap().len(), 0);
    for (path, form) in [
        ("/api/invoices/get", vec![("id", open.as_str())]),
        ("/api/invoices/issue", vec![("id", draft.as_str())]),
        ("/api/invoices/send", vec![("id", open.as_str())]),
        ("/api/invoices/pay", vec![("id", open.as_str()), ("input[amount]", "1"), ("input[method]", "cash")]),
        ("/api/invoices/cancel", vec![("id", open.as_str()), ("reason", "mine now")]),
    ] {
        let reply = app.call(path, &form, Some(&b)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}: {}", reply.body);
        assert!(!reply.body.contains("Peeters"));
    }
    // B can neither edit A's draft nor invoice A's customer
    let edit = save(&app, &b, Some(draft.parse().unwrap()), false, draft_form(anne, "2026-07-01", &[("X", "1", "1", "0")])).await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY, "A's customer is unknown to B");
    let bob = app.create_customer(&b, "Bob", "Maes").await;
    let edit = save(&app, &b, Some(draft.parse().unwrap()), false, draft_form(bob, "2026-07-01", &[("X", "1", "1", "0")])).await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let page = app.get(&format!("/invoices/{open}"), Some(&b)).await;
    assert!(!page.body.contains("Peeters"));
    // A's invoices are untouched
    let d = app.call("/api/invoices/get", &[("id", &open)], Some(&a)).await.json();
    assert_eq!((d["invoice"]["status"].as_str(), d["payments"].as_array().unwrap().len()), (Some("open"), 0));
    assert_eq!(app.call("/api/outbox/list", &[], Some(&b)).await.json().as_array().unwrap().len(), 0);
}

/// The list with 100,000 invoices in one company: count + sums + one page must stay fast
/// (indexes on company/issue date, company/status/due date, company/customer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_stays_fast_with_100k_invoices() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let luc = app.create_customer(&cookie, "Luc", "Lambert").await;
    let db = &app.state.db;
    let company: i64 =
        on_db!(db, |ex| sqlx::query_scalar("SELECT company_id FROM customers WHERE id = $1").bind(anne).fetch_one(ex).await).unwrap();
    let seeded = std::time::Instant::now();
    // The same rows on both backends; only the date and number functions differ.
    let seed = match db.backend() {
        Backend::Sqlite => {
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO invoices (company_id, customer_id, number, status, issue_date, payment_term_days, due_date,
               structured_communication, total_excl_cents, vat_cents, total_incl_cents, paid_cents, search_text, created_at, updated_at)
             SELECT $1, CASE WHEN i % 2 = 0 THEN $2 ELSE $3 END, printf('%d-%05d', 2020 + i / 20000, i),
               CASE i % 4 WHEN 0 THEN 'paid' WHEN 1 THEN 'open' WHEN 2 THEN 'open' ELSE 'draft' END,
               date('2020-01-01', '+' || (i / 55) || ' days'), 30, date('2020-01-31', '+' || (i / 55) || ' days'),
               '', 10000, 2100, 12100, 0, printf('%d-%05d', 2020 + i / 20000, i) || CASE WHEN i % 2 = 0 THEN ' anne peeters' ELSE ' luc lambert' END,
               '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
             FROM n"
        }
        Backend::Postgres => {
            "INSERT INTO invoices (company_id, customer_id, number, status, issue_date, payment_term_days, due_date,
               structured_communication, total_excl_cents, vat_cents, total_incl_cents, paid_cents, search_text, created_at, updated_at)
             SELECT $1, CASE WHEN i % 2 = 0 THEN $2 ELSE $3 END, (2020 + i / 20000) || '-' || lpad(i::text, 5, '0'),
               CASE i % 4 WHEN 0 THEN 'paid' WHEN 1 THEN 'open' WHEN 2 THEN 'open' ELSE 'draft' END,
               DATE '2020-01-01' + i / 55, 30, DATE '2020-01-31' + i / 55,
               '', 10000, 2100, 12100, 0,
               (2020 + i / 20000) || '-' || lpad(i::text, 5, '0') || CASE WHEN i % 2 = 0 THEN ' anne peeters' ELSE ' luc lambert' END,
               TIMESTAMPTZ '2026-01-01T00:00:00Z', TIMESTAMPTZ '2026-01-01T00:00:00Z'
             FROM generate_series(1, 100000) AS n(i)"
        }
    };
    on_db!(db, |ex| sqlx::query(seed).bind(company).bind(anne).bind(luc).execute(ex).await.map(|_| ())).unwrap();
    db.execute("ANALYZE").await.unwrap();
    eprintln!("seeded 100000 invoices in {:?}", seeded.elapsed());
    for (label, form) in [
        ("first page", vec![]),
        ("page 2000", vec![("query[page]", "2000")]),
        ("status overdue", vec![("query[status]", "overdue")]),
        ("one customer", vec![("query[customer]", "1")]),
        ("one month", vec![("query[from]", "2022-03-01"), ("query[to]", "2022-03-31")]),
        ("search", vec![("query[q]", "2023-0601")]),
    ] {
        let started = std::time::Instant::now();
        let reply = app.call("/api/invoices/list", &form, Some(&cookie)).await;
        let took = started.elapsed();
        assert_eq!(reply.status, StatusCode::OK);
        eprintln!("list {label}: {} matching, {took:?}", reply.json()["total"]);
        assert!(took < std::time::Duration::from_secs(2), "{label} took {took:?}");
    }
    let started = std::time::Instant::now();
    let dash = app.call("/api/dashboard", &[], Some(&cookie)).await;
    eprintln!("dashboard: {:?}", started.elapsed());
    assert_eq!(dash.status, StatusCode::OK);
}

/// Recording a payment that is already there (same method and external reference, as when a
/// feed message comes twice) changes nothing and leaves the surrounding transaction usable:
/// PostgreSQL aborts a transaction on a failed insert, so the duplicate must not be one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_external_payment_changes_nothing_and_keeps_the_transaction_usable() {
    use encaisse::server::repo::payments::{self, NewPayment, Recorded};
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let reply = save(&app, &cookie, None, true, draft_form(anne, "2026-11-20", &[("Work", "1", "100", "0")])).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let invoice = reply.json().as_i64().unwrap();
    let company = app.state.db.scalar("SELECT id FROM companies").await.unwrap();
    let p = NewPayment {
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        amount_cents: 4000,
        method: "direct_debit",
        external_ref: Some("2026-0001-1"),
    };
    let mut tx = app.state.db.begin().await.unwrap();
    assert!(matches!(payments::record(&mut tx, company, invoice, &p).await.unwrap(), Recorded::Done { open_cents: 6000, .. }));
    assert!(matches!(payments::record(&mut tx, company, invoice, &p).await.unwrap(), Recorded::Duplicate));
    // the transaction goes on: another payment, then commit
    let cash = NewPayment { method: "cash", external_ref: None, ..p };
    assert!(matches!(payments::record(&mut tx, company, invoice, &cash).await.unwrap(), Recorded::Done { open_cents: 2000, .. }));
    tx.commit().await.unwrap();
    assert_eq!(app.state.db.scalar("SELECT COUNT(*) FROM payments").await.unwrap(), 2);
    assert_eq!(app.state.db.scalar("SELECT paid_cents FROM invoices").await.unwrap(), 8000);
}
