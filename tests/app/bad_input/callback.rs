//! The Twikey callback route answers 204, 403 or 404 to anything; NUL characters are refused in words.

use axum::body::Body;
use crate::helpers::world::{World, KEY};
use crate::helpers::{urlencode, TestApp};
use encaisse::api::AppError;
use encaisse::on_db;
use twikey::sign_webhook;
use http::{Request, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::cell::Cell;
use super::{post, runner, runtime};

/// Pieces of a raw query string, all valid in a URI (percent garbage included).
fn query_piece() -> impl Strategy<Value = String> {
    let known_key = prop::sample::select(&["type", "event", "mandateNumber", "reason", "msg", "state", "ref", "id"][..]);
    let known_value = prop::sample::select(
        &["contract", "payment", "event", "dummytest", "Invite", "Sign", "removed", "expired", "SIGNED", "MNDT1", ""][..],
    );
    prop_oneof![
        3 => (known_key, known_value).prop_map(|(k, v)| format!("{k}={v}")),
        3 => (any::<String>(), any::<String>()).prop_map(|(k, v)| format!("{}={}", urlencode(&k), urlencode(&v))),
        2 => prop::sample::select(&["%", "%Z", "%zz", "%0", "%00", "%FF%FE", "%C3%28", "&&", "==", ";", "+", "%2", "a[b]=c", "?", "/", ":", "%25", "%%", "x=%E2%82"][..]).prop_map(String::from),
        2 => "[A-Za-z0-9%&=;+,./:?@!$'()*~_-]{0,60}",
        1 => (1usize..8000).prop_map(|n| format!("x={}", "a".repeat(n))),
    ]
}

fn raw_query() -> impl Strategy<Value = String> {
    (prop::collection::vec(query_piece(), 0..10), prop::sample::select(&["&", "&&", ";", ""][..]), 0usize..3).prop_map(
        |(pieces, sep, repeat)| {
            let mut parts = pieces.clone();
            // repeated keys: the same pieces again
            for _ in 0..repeat {
                parts.extend(pieces.iter().take(2).cloned());
            }
            let mut q = parts.join(sep);
            q.truncate(8192);
            q
        },
    )
}

#[derive(Debug, Clone)]
enum Signature {
    None,
    Valid,
    ValidLowercase,
    OtherKey,
    Text(String),
}

fn signature() -> impl Strategy<Value = Signature> {
    prop_oneof![
        Just(Signature::None),
        Just(Signature::Valid),
        Just(Signature::ValidLowercase),
        Just(Signature::OtherKey),
        "[ -~]{0,100}".prop_map(Signature::Text),
        "[0-9a-fA-F]{64}".prop_map(Signature::Text),
    ]
}

#[derive(Debug, Clone)]
enum Company {
    Known,
    Unknown(String),
}

fn company() -> impl Strategy<Value = Company> {
    prop_oneof![
        3 => Just(Company::Known),
        1 => "[a-zA-Z0-9_-]{1,80}".prop_map(Company::Unknown),
        1 => any::<String>().prop_filter("a path segment", |s| !s.is_empty()).prop_map(Company::Unknown),
    ]
}

async fn callback(app: &TestApp, segment: &str, query: &str, signature: Option<&str>) -> Result<StatusCode, String> {
    let uri = if query.is_empty() { format!("/twikey/webhook/{segment}") } else { format!("/twikey/webhook/{segment}?{query}") };
    let mut req = Request::get(&uri);
    if let Some(s) = signature {
        req = req.header("X-Signature", s);
    }
    let req = req.body(Body::empty()).map_err(|e| format!("{uri}: {e}"))?;
    Ok(app.send(req).await.status)
}

/// A company with Twikey configured, and the public id its callback URL carries.
async fn configured_company() -> (World, String) {
    let w = World::new().await;
    w.configure().await;
    let public_id = on_db!(w.app.state.db, |ex| sqlx::query_scalar("SELECT public_id FROM companies").fetch_one(ex).await).unwrap();
    (w, public_id)
}

#[test]
fn the_callback_answers_204_403_or_404_to_anything() {
    let rt = runtime();
    let (w, public_id) = rt.block_on(configured_company());
    let tried = Cell::new(0usize);
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<u16, usize>::new());
    runner(256)
        .run(&(company(), raw_query(), signature()), |(company, query, sig)| {
            tried.set(tried.get() + 1);
            let (segment, id_len, known) = match &company {
                Company::Known => (public_id.clone(), public_id.len(), true),
                Company::Unknown(s) => (urlencode(s), s.len(), *s == public_id),
            };
            let header = match &sig {
                Signature::None => None,
                Signature::Valid => Some(sign_webhook(KEY, &query)),
                Signature::ValidLowercase => Some(sign_webhook(KEY, &query).to_lowercase()),
                Signature::OtherKey => Some(sign_webhook("another-key", &query)),
                Signature::Text(t) => Some(t.clone()),
            };
            let status = rt.block_on(callback(&w.app, &segment, &query, header.as_deref())).map_err(TestCaseError::fail)?;
            *seen.borrow_mut().entry(status.as_u16()).or_default() += 1;
            prop_assert!(
                [StatusCode::NO_CONTENT, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&status),
                "{status} for {segment:?} ? {query:?} signed {sig:?}"
            );
            let expected = if id_len > 64 || query.len() > 4096 {
                StatusCode::FORBIDDEN
            } else if !known {
                StatusCode::NOT_FOUND
            } else if matches!(sig, Signature::Valid | Signature::ValidLowercase) {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::FORBIDDEN
            };
            prop_assert_eq!(status, expected, "for {:?} ? {:?} signed {:?}", segment, query, sig);
            Ok(())
        })
        .unwrap();
    // invalid UTF-8 in the company segment is refused by the path extractor: a client error
    let status = rt.block_on(callback(&w.app, "%FF%FE", "type=contract", Some("00"))).unwrap();
    assert!(status.is_client_error(), "{status}");
    eprintln!("callback, arbitrary requests: {} inputs tried, statuses {:?}", tried.get(), seen.borrow());
}

#[test]
fn a_correctly_signed_arbitrary_query_is_accepted() {
    let rt = runtime();
    let (w, public_id) = rt.block_on(configured_company());
    let tried = Cell::new(0usize);
    let query = raw_query().prop_map(|mut q| {
        q.truncate(4096);
        q
    });
    runner(200)
        .run(&query, |query| {
            tried.set(tried.get() + 1);
            let status =
                rt.block_on(callback(&w.app, &public_id, &query, Some(&sign_webhook(KEY, &query)))).map_err(TestCaseError::fail)?;
            prop_assert_eq!(status, StatusCode::NO_CONTENT, "{:?}", query);
            Ok(())
        })
        .unwrap();
    let s = rt.block_on(encaisse::server::repo::twikey_settings::get(&w.app.state.db, rt.block_on(w.company_id()))).unwrap();
    assert_eq!(s.last_webhook_valid, Some(true));
    eprintln!("callback, signed arbitrary queries: {} inputs tried", tried.get());
}

/// A NUL character (which PostgreSQL cannot store) is refused in words before any query runs,
/// in a form body as in a page's query string, on either database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_character_is_refused_in_words() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    for body in ["query%5Bq%5D=%00", "query%5Bq%5D=a%00b", "query%5Bq%5D=ok\0"] {
        let r = post(&app, "/api/customers/list", body.to_string(), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert!(matches!(serde_json::from_str::<AppError>(&r.body), Ok(AppError::Refused(_))), "{}", r.body);
    }
    let r = app.get("/customers?q=%00", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // an ordinary search still works
    let r = post(&app, "/api/customers/list", "query%5Bq%5D=00".into(), Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
