//! Dates are Belgian dates: the server's "today" is the date in Brussels, from the state's
//! clock (fixed here at an instant).

use crate::helpers::TestApp;
use chrono::{TimeZone, Utc};
use encaisse::server::clock::Clock;
use http::StatusCode;

/// A fresh app whose clock stands still at `at`.
async fn app_at(at: chrono::DateTime<Utc>) -> TestApp {
    let mut app = TestApp::new().await;
    app.state.clock = Clock::fixed(at);
    app.router = encaisse::server::router(app.state.clone());
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_issued_at_23_30_utc_on_new_years_eve_is_of_the_new_year() {
    // 23:30 UTC on 31 December 2026 is 00:30 on 1 January 2027 in Brussels.
    let app = app_at(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap()).await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let choices = app.call("/api/invoices/customers", &[], Some(&cookie)).await.json();
    assert_eq!(choices["today"], "2027-01-01", "the editor proposes the Brussels date");

    // Issued with the date left empty: today's.
    let anne = anne.to_string();
    let reply = app
        .call(
            "/api/invoices/save",
            &[
                ("input[customer_id]", anne.as_str()),
                ("input[issue_date]", ""),
                ("input[payment_term_days]", "30"),
                ("input[lines][0][description]", "Work"),
                ("input[lines][0][quantity]", "1"),
                ("input[lines][0][unit_price]", "100"),
                ("input[lines][0][vat_rate]", "21"),
                ("issue", "true"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let id = reply.json().as_i64().unwrap().to_string();
    let detail = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    let invoice = &detail["invoice"];
    assert_eq!(invoice["issue_date"], "2027-01-01");
    assert_eq!(invoice["due_date"], "2027-01-31");
    assert_eq!(invoice["number"], "2027-0001", "numbered in the Brussels year");
    assert_eq!(detail["today"], "2027-01-01");

    // Its credit note, at the same instant: dated and numbered in 2027 too.
    let r = app.call("/api/invoices/credit", &[("invoice_id", id.as_str()), ("input[lines][0]", "1")], Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let detail = app.call("/api/invoices/get", &[("id", &id)], Some(&cookie)).await.json();
    let credit_note = &detail["credit_notes"][0];
    assert_eq!((credit_note["number"].as_str(), credit_note["issue_date"].as_str()), (Some("CN-2027-0001"), Some("2027-01-01")));
}
