//! Live pages never stay stale: a page whose event stream connects after a change it has not
//! seen is told to fetch again at once; a page rendered after the change is not.

use crate::helpers::TestApp;
use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::time::Duration;
use tower::ServiceExt;

/// The first thing the page's event stream says within `wait`, if anything.
async fn first_event(app: &TestApp, cookie: &str, query: &str, last_event_id: Option<&str>, wait: Duration) -> Option<String> {
    let mut req = Request::get(format!("/events{query}")).header(header::COOKIE, cookie).header(header::ACCEPT, "text/event-stream");
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id);
    }
    let res = app.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let frame = tokio::time::timeout(wait, body.frame()).await.ok()??.ok()?;
    frame.into_data().ok().map(|b| String::from_utf8_lossy(&b).into_owned())
}

async fn pay(app: &TestApp, cookie: &str, invoice: i64) {
    let id = invoice.to_string();
    let r = app
        .call("/api/invoices/pay", &[("id", &id), ("input[amount]", "10"), ("input[date]", "2026-11-20"), ("input[method]", "cash")], Some(cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_connects_after_a_change_catches_up_at_once() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let customer = app.create_customer(&cookie, "Anne", "Peeters").await;
    let customer = customer.to_string();
    let form = [
        ("input[customer_id]", customer.as_str()),
        ("input[lines][0][description]", "Bread"),
        ("input[lines][0][quantity]", "1"),
        ("input[lines][0][unit_price]", "100"),
        ("input[lines][0][vat_rate]", "0"),
        ("issue", "true"),
    ];
    let r = app.call("/api/invoices/save", &form, Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let invoice = r.json().as_i64().unwrap();

    // the page was rendered, then a payment landed before its stream connected
    let rendered = chrono::Utc::now().timestamp_millis();
    tokio::time::sleep(Duration::from_millis(5)).await;
    pay(&app, &cookie, invoice).await;
    let first = first_event(&app, &cookie, &format!("?since={rendered}"), None, Duration::from_secs(5)).await;
    assert!(first.as_deref().is_some_and(|e| e.contains("data: all")), "{first:?}");

    // a page rendered after it has nothing to catch up on
    let later = chrono::Utc::now().timestamp_millis() + 1;
    tokio::time::sleep(Duration::from_millis(5)).await;
    // (on PostgreSQL the payment's own notification may still come round: that is news, not catch-up)
    let first = first_event(&app, &cookie, &format!("?since={later}"), None, Duration::from_millis(500)).await;
    assert!(!first.as_deref().is_some_and(|e| e.contains("data: all")), "{first:?}");

    // on reconnection the browser's Last-Event-ID counts as well: a change after it is caught up
    let heard = chrono::Utc::now().timestamp_millis().to_string();
    tokio::time::sleep(Duration::from_millis(5)).await;
    pay(&app, &cookie, invoice).await;
    let again = first_event(&app, &cookie, &format!("?since={rendered}"), Some(&heard), Duration::from_secs(5)).await;
    assert!(again.as_deref().is_some_and(|e| e.contains("data: all")), "{again:?}");

    // another company's change is not a reason to refetch
    let b = app.signup("B", "b@test.be").await;
    let since = chrono::Utc::now().timestamp_millis() + 1;
    tokio::time::sleep(Duration::from_millis(5)).await;
    pay(&app, &cookie, invoice).await;
    assert_eq!(first_event(&app, &b, &format!("?since={since}"), None, Duration::from_millis(500)).await, None);
}
