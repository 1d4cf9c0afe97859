//! Forms the browser posts by itself (before the client has started, or without it) are answered
//! with pages: a redirect back with the error and what was typed (never a password), or on
//! success to the next page. The server renders both.

use crate::helpers::{company_details, new_invoice, new_subscription, TestApp};
use encaisse::i18n::{Lang, Msg};
use http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_log_in_come_back_with_the_error_and_what_was_typed() {
    let app = TestApp::new().await;
    let form = |password| [("company_name", "Sans Script"), ("name", "Eva"), ("email", "eva@test.be"), ("password", password)];

    let short = app.plain_post("/api/signup", "/signup", &form("short"), None).await;
    assert_eq!(short.status, StatusCode::FOUND);
    let back = short.location().to_string();
    assert!(back.starts_with("/signup?") && back.contains("company_name=Sans+Script") && back.contains("email=eva%40test.be"), "{back}");
    assert!(back.contains("__err=") && !back.contains("short"), "the error, never the password: {back}");
    assert!(short.session_cookie().is_none());
    let page = app.get(&back, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(Msg::ErrPasswordShort.text(Lang::En)) && page.body.contains(r#"value="Sans Script""#), "rendered by the server");

    let ok = app.plain_post("/api/signup", "/signup", &form("a-long-password"), None).await;
    assert_eq!((ok.status, ok.location()), (StatusCode::FOUND, "/"));
    assert!(ok.session_cookie().is_some());

    let wrong = app.plain_post("/api/login", "/login?next=%2Finvoices", &[("email", "eva@test.be"), ("password", "wrong-password"), ("next", "/invoices")], None).await;
    let back = wrong.location().to_string();
    assert!(back.starts_with("/login?") && back.contains("next=%2Finvoices") && back.contains("email=eva%40test.be"), "{back}");
    assert!(app.get(&back, None).await.body.contains(Msg::ErrBadLogin.text(Lang::En)));
    let right = app.plain_post("/api/login", "/login?next=%2Finvoices", &[("email", "eva@test.be"), ("password", "a-long-password"), ("next", "/invoices")], None).await;
    assert_eq!((right.status, right.location()), (StatusCode::FOUND, "/invoices"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_details_come_back_as_typed_with_the_error_then_saved() {
    let app = TestApp::new().await;
    let cookie = app.signup_bare("Atelier", "a@test.be").await;
    let mut details = company_details("Atelier Sans Script");
    details.retain(|(k, _)| *k != "input[iban]");
    details.push(("input[iban]", "BE00 1234".into()));
    let form: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let bad = app.plain_post("/api/company/save", "/settings/company", &form, Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::FOUND);
    let page = app.get(bad.location(), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"value="Atelier Sans Script SRL""#) && page.body.contains(r#"value="BE00 1234""#), "as typed");
    assert!(page.body.contains(r#"aria-invalid="true""#), "the IBAN is marked");
    assert!(!page.body.contains(Msg::CompanyDetailsSaved.text(Lang::En)));

    let details = company_details("Atelier Sans Script");
    let form: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = app.plain_post("/api/company/save", bad.location(), &form, Some(&cookie)).await;
    assert_eq!((ok.status, ok.location()), (StatusCode::FOUND, "/settings/company?saved=1"));
    let page = app.get(ok.location(), Some(&cookie)).await;
    assert!(page.body.contains(Msg::CompanyDetailsSaved.text(Lang::En)) && page.body.contains(r#"value="Atelier Sans Script SRL""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_made_and_edited_as_plain_forms_keeps_what_was_typed_on_an_error() {
    let app = TestApp::new().await;
    let cookie = app.signup_bare("Atelier", "a@test.be").await;
    let form = |email: &'static str| {
        [("input[kind]", "individual"), ("input[first_name]", "Nora"), ("input[last_name]", "Vermeulen"), ("input[email]", email), ("input[language]", "nl"), ("input[country]", "BE")]
    };

    let bad = app.plain_post("/api/customers/save", "/customers/new", &form("not-an-address"), Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::FOUND);
    assert!(bad.location().starts_with("/customers/new?"), "{}", bad.location());
    let page = app.get(bad.location(), Some(&cookie)).await;
    assert!(page.body.contains(r#"value="Vermeulen""#) && page.body.contains(r#"value="not-an-address""#), "as typed");
    assert!(page.body.contains(Msg::ErrEmail.text(Lang::En)));
    assert!(page.body.contains(r#"<option value="nl" selected"#), "the chosen language too");

    let ok = app.plain_post("/api/customers/save", bad.location(), &form("nora@example.be"), Some(&cookie)).await;
    assert_eq!(ok.status, StatusCode::FOUND);
    let id: i64 = ok.location().strip_prefix("/customers/").and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("{}", ok.location()));

    // editing: what was typed wins over what is saved until it is saved
    let edit = format!("/customers/{id}/edit");
    let id_text = id.to_string();
    let mut changed = form("still-not-an-address").to_vec();
    changed.push(("id", &id_text));
    changed.retain(|(k, _)| *k != "input[last_name]");
    changed.push(("input[last_name]", "Peeters"));
    let bad = app.plain_post("/api/customers/save", &edit, &changed, Some(&cookie)).await;
    let page = app.get(bad.location(), Some(&cookie)).await;
    assert!(page.body.contains(r#"value="Peeters""#) && !page.body.contains(r#"value="Vermeulen""#), "the typed name, not the saved one");
    assert_eq!(app.get(&edit, Some(&cookie)).await.body.contains(r#"value="Vermeulen""#), true, "nothing was saved");
}

/// A form whose success needs no page of its own comes back to the page it was on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_paused_as_a_plain_form_comes_back_to_its_page() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let customer = app.create_customer(&cookie, "Anne", "Peeters").await;
    let id = new_subscription(&app, &cookie, customer, "1", "2027-01-01", false).await.to_string();
    let page = format!("/subscriptions/{id}");

    let paused = app.plain_post("/api/subscriptions/status", &page, &[("id", &id), ("action", "pause")], Some(&cookie)).await;
    assert_eq!((paused.status, paused.location()), (StatusCode::FOUND, page.as_str()));
    let shown = app.get(&page, Some(&cookie)).await.body;
    assert!(shown.contains(r#"value="resume""#) && !shown.contains(r#"value="pause""#), "paused: only Resume is offered");

    // the same click from a page that was not reloaded: refused, and the page says why
    let again = app.plain_post("/api/subscriptions/status", &page, &[("id", &id), ("action", "pause")], Some(&cookie)).await;
    assert!(again.location().contains("__err="), "{}", again.location());
    assert!(again.location().starts_with(&format!("{page}?")), "{}", again.location());
    let shown = app.get(again.location(), Some(&cookie)).await.body;
    assert!(shown.contains(Msg::ErrNotAllowedNow.text(Lang::En)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_archived_as_a_plain_form_comes_back_to_its_page() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let id = app.create_customer(&cookie, "Anne", "Peeters").await.to_string();
    let page = format!("/customers/{id}");
    let archived = app.plain_post("/api/customers/archive", &page, &[("id", &id), ("archived", "true")], Some(&cookie)).await;
    assert_eq!((archived.status, archived.location()), (StatusCode::FOUND, page.as_str()));
    assert!(app.get(&page, Some(&cookie)).await.body.contains(r#"name="archived" value="false""#), "Restore is offered");

    // another company's customer: not found, said on the page it came from
    let other = app.signup("B", "b@test.be").await;
    let refused = app.plain_post("/api/customers/archive", "/customers", &[("id", &id), ("archived", "false")], Some(&other)).await;
    assert!(refused.location().starts_with("/customers?__path="), "{}", refused.location());
    assert!(app.get(&page, Some(&cookie)).await.body.contains(r#"name="archived" value="false""#), "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_twikey_switch_works_as_a_plain_form() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let page = "/settings/connections";
    let on = app.plain_post("/api/connections/twikey", page, &[("enabled", "true")], Some(&cookie)).await;
    assert_eq!((on.status, on.location()), (StatusCode::FOUND, page));
    assert!(app.get(page, Some(&cookie)).await.body.contains(r#"role="switch" aria-checked="true""#));
    let off = app.plain_post("/api/connections/twikey", page, &[("enabled", "false")], Some(&cookie)).await;
    assert_eq!(off.location(), page);
    assert!(app.get(page, Some(&cookie)).await.body.contains(r#"role="switch" aria-checked="false""#));
}

/// Whether the page's `<details id=…>` is rendered open.
fn open_disclosure(page: &str, id: &str) -> bool {
    let at = page.find(&format!(r#"id="{id}""#)).expect(id);
    let start = page[..at].rfind("<details").expect("a <details>");
    let end = at + page[at..].find('>').expect("the tag's end");
    page[start..end].split_whitespace().any(|attribute| attribute == "open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_page_works_as_plain_forms_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let customer = app.create_customer(&cookie, "Anne", "Peeters").await;
    let id = new_invoice(&app, &cookie, customer, true, &[("Atelier", "1", "100", "21")]).await.to_string();
    let page = format!("/invoices/{id}");
    let today = chrono::Utc::now().date_naive().to_string();

    // a payment with a wrong amount: back, the form open, the amount as typed and marked
    let pay = |amount: &'static str| [("id", id.clone()), ("input[amount]", amount.into()), ("input[date]", today.clone()), ("input[method]", "cash".into())];
    let form = pay("abc");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = app.plain_post("/api/invoices/pay", &page, &form, Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::FOUND);
    assert!(bad.location().starts_with(&format!("{page}?")) && bad.location().contains("__err="), "{}", bad.location());
    let shown = app.get(bad.location(), Some(&cookie)).await.body;
    assert!(shown.contains(r#"value="abc""#), "the amount as typed");
    assert!(shown.contains(r#"<option value="cash" selected"#), "the method as chosen");
    assert!(open_disclosure(&shown, "record-payment"), "the form stays open");
    assert!(shown.contains(Msg::ErrAmount.text(Lang::En)));

    // then right: back to the page as it was, the payment listed
    let form = pay("40");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = app.plain_post("/api/invoices/pay", bad.location(), &form, Some(&cookie)).await;
    assert_eq!((ok.status, ok.location()), (StatusCode::FOUND, page.as_str()));
    let shown = app.get(&page, Some(&cookie)).await.body;
    assert!(shown.contains(r#"data-testid="payment""#) && shown.contains("81,00"), "paid 40 of 121: 81 open");

    // Send comes back to the page, which lists the e-mail on the timeline
    let sent = app.plain_post("/api/invoices/send", &page, &[("id", &id)], Some(&cookie)).await;
    assert_eq!((sent.status, sent.location()), (StatusCode::FOUND, page.as_str()));
    assert!(app.get(&page, Some(&cookie)).await.body.contains(r#"data-kind="sent""#));

    // a credit note with a quantity that is not one: back with it as typed
    let credit_page = format!("/invoices/{id}/credit");
    let bad = app.plain_post("/api/invoices/credit", &credit_page, &[("invoice_id", &id), ("input[lines][0]", "one"), ("input[refund]", "hand")], Some(&cookie)).await;
    assert!(bad.location().starts_with(&format!("{credit_page}?")), "{}", bad.location());
    let shown = app.get(bad.location(), Some(&cookie)).await.body;
    assert!(shown.contains(r#"value="one""#) && shown.contains(r#"aria-invalid="true""#), "as typed, and marked");
    assert!(shown.contains(r#"value="hand" checked"#), "the refund as chosen");
    let ok = app.plain_post("/api/invoices/credit", bad.location(), &[("invoice_id", &id), ("input[lines][0]", "1"), ("input[refund]", "hand")], Some(&cookie)).await;
    assert_eq!(ok.location(), page, "to the invoice, which lists its credit note");
    assert!(app.get(&page, Some(&cookie)).await.body.contains(r#"data-testid="credit-note""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_issued_or_cancelled_as_plain_forms() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let customer = app.create_customer(&cookie, "Anne", "Peeters").await;
    let draft = new_invoice(&app, &cookie, customer, false, &[("Atelier", "1", "100", "21")]).await.to_string();
    let page = format!("/invoices/{draft}");

    let no_reason = app.plain_post("/api/invoices/cancel", &page, &[("id", &draft), ("reason", "   ")], Some(&cookie)).await;
    let shown = app.get(no_reason.location(), Some(&cookie)).await.body;
    assert!(open_disclosure(&shown, "cancel-invoice") && shown.contains(Msg::ErrRequired.text(Lang::En)));

    // issued from the page the editor sent it to: the invoice's own page, without that note
    let issued = app.plain_post("/api/invoices/issue", &format!("{page}?refused=company-details"), &[("id", &draft)], Some(&cookie)).await;
    assert_eq!((issued.status, issued.location()), (StatusCode::FOUND, page.as_str()));
    assert!(app.get(&page, Some(&cookie)).await.body.contains(r#"data-kind="issued""#));

    let other = new_invoice(&app, &cookie, customer, false, &[("Atelier", "1", "50", "21")]).await.to_string();
    let page = format!("/invoices/{other}");
    let cancelled = app.plain_post("/api/invoices/cancel", &page, &[("id", &other), ("reason", "Ordered twice")], Some(&cookie)).await;
    assert_eq!(cancelled.location(), page);
    assert!(app.get(&page, Some(&cookie)).await.body.contains("Ordered twice"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twikey_collections_and_mandates_work_as_plain_forms() {
    let w = crate::helpers::world::World::new().await;
    w.configure().await;
    let cookie = w.cookie.clone();
    let anne = w.signed_customer("Anne").await;
    let bob = w.app.create_customer(&cookie, "Bob", "Nomandate").await;

    // the invoice's Twikey box: Start collection comes back to the page, which shows it
    let invoice = w.invoice(anne, "120").await.to_string();
    let page = format!("/invoices/{invoice}");
    let started = w.app.plain_post("/api/twikey/collect", &page, &[("invoice_id", &invoice)], Some(&cookie)).await;
    assert_eq!((started.status, started.location()), (StatusCode::FOUND, page.as_str()));
    assert!(w.app.get(&page, Some(&cookie)).await.body.contains(r#"data-testid="collection-status""#));
    // again from the same (not reloaded) page: refused, said on the page
    let again = w.app.plain_post("/api/twikey/collect", &page, &[("invoice_id", &invoice)], Some(&cookie)).await;
    assert!(again.location().contains("__err="), "{}", again.location());
    assert!(w.app.get(again.location(), Some(&cookie)).await.body.contains(r#"class="banner banner-error""#));

    // the list's bulk collection: back to the list with what it started and skipped
    let (a, b) = (w.invoice(anne, "30").await.to_string(), w.invoice(bob, "60").await.to_string());
    let (a_key, b_key) = (format!("invoice_ids[{a}]"), format!("invoice_ids[{b}]"));
    let bulk = w.app.plain_post("/api/twikey/collect/bulk", "/invoices?status=open", &[(&a_key, &a), (&b_key, &b)], Some(&cookie)).await;
    assert!(bulk.location().starts_with("/invoices?status=open&bulk_report="), "{}", bulk.location());
    let shown = w.app.get(bulk.location(), Some(&cookie)).await.body;
    assert!(shown.contains(r#"data-testid="bulk-report""#) && shown.contains(Msg::WhyNoSignedMandate.text(Lang::En)), "says why it skipped Bob's");

    // a customer's Twikey tab: prepare, then delete, each back to the tab
    let tab = format!("/customers/{bob}?tab=twikey");
    let prepared = w.app.plain_post("/api/twikey/mandate/prepare", &tab, &[("customer_id", &bob.to_string())], Some(&cookie)).await;
    assert_eq!(prepared.location(), tab);
    let shown = w.app.get(&tab, Some(&cookie)).await.body;
    assert!(shown.contains(r#"data-testid="mandate-row" data-state="prepared""#));
    let mandate = w.mandates(bob).await[0]["id"].as_i64().unwrap().to_string();
    let deleted = w.app.plain_post("/api/twikey/mandate/delete", &tab, &[("mandate_id", &mandate)], Some(&cookie)).await;
    assert_eq!(deleted.location(), tab);
    assert!(!w.app.get(&tab, Some(&cookie)).await.body.contains(r#"data-state="prepared""#));
}
