//! Every server function but the public ones needs a session (the registry against the
//! table below); login throttling per e-mail; cookie flags; forged, fixed and logged-out
//! sessions; redirects stay on the site.

use axum::body::Body;
use crate::helpers::{Reply, TestApp};
use encaisse::api::AppError;
use http::{header, Request, StatusCode};
use std::collections::BTreeSet;
use super::{api, app_error};

/// Server functions anyone may call.
const PUBLIC: [&str; 4] = ["signup", "login", "logout", "language"];

/// Every other server function, with arguments that decode (so a refusal is about the
/// session, not the arguments).
const PROTECTED: &[(&str, &[(&str, &str)])] = &[
    ("connections/get", &[]),
    ("connections/twikey", &[("enabled", "true")]),
    ("customers/list", &[]),
    ("customers/get", &[("id", "1")]),
    ("customers/save", &[("input[kind]", "individual"), ("input[first_name]", "A"), ("input[last_name]", "B"), ("input[email]", "a@b.be")]),
    ("customers/archive", &[("id", "1"), ("archived", "true")]),
    ("dashboard", &[]),
    ("invoices/list", &[]),
    ("invoices/get", &[("id", "1")]),
    ("invoices/customers", &[]),
    (
        "invoices/save",
        &[
            ("input[customer_id]", "1"),
            ("input[lines][0][description]", "x"),
            ("input[lines][0][quantity]", "1"),
            ("input[lines][0][unit_price]", "1"),
            ("input[lines][0][vat_rate]", "21"),
            ("issue", "false"),
        ],
    ),
    ("invoices/issue", &[("id", "1")]),
    ("invoices/send", &[("id", "1")]),
    ("invoices/pay", &[("id", "1"), ("input[amount]", "1"), ("input[method]", "cash")]),
    ("invoices/cancel", &[("id", "1"), ("reason", "x")]),
    ("invoices/credit", &[("invoice_id", "1"), ("input[lines][0]", "1")]),
    ("invoices/credit/send", &[("id", "1")]),
    ("invoices/credit/get", &[("id", "1")]),
    ("outbox/list", &[]),
    ("company/get", &[]),
    ("company/save", &[("input[legal_name]", "X")]),
    ("subscriptions/list", &[]),
    ("subscriptions/get", &[("id", "1")]),
    (
        "subscriptions/save",
        &[
            ("input[customer_id]", "1"),
            ("input[frequency]", "1"),
            ("input[lines][0][description]", "x"),
            ("input[lines][0][quantity]", "1"),
            ("input[lines][0][unit_price]", "1"),
            ("input[lines][0][vat_rate]", "21"),
        ],
    ),
    ("subscriptions/status", &[("id", "1"), ("action", "pause")]),
    ("twikey/settings", &[]),
    ("twikey/templates", &[("api_key", "x")]),
    ("twikey/test", &[("api_key", "x")]),
    ("twikey/save", &[("api_key", "x"), ("b2c_ct", "1001"), ("b2b_ct", "")]),
    ("twikey/customer", &[("customer_id", "1")]),
    ("twikey/mandate/prepare", &[("customer_id", "1")]),
    ("twikey/mandate/delete", &[("mandate_id", "1")]),
    ("twikey/mandate/invite", &[("mandate_id", "1")]),
    ("twikey/mandate/cancel", &[("mandate_id", "1")]),
    ("twikey/invoice", &[("invoice_id", "1")]),
    ("twikey/collect", &[("invoice_id", "1")]),
    ("twikey/collect/bulk", &[("invoice_ids[a]", "1")]),
    ("peppol/customer", &[("customer_id", "1")]),
    ("peppol/health", &[]),
];


/// Every server function the app registers (the registry the router serves them from).
fn registered_endpoints() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, _method) in leptos::server_fn::axum::server_fn_paths() {
        let endpoint = path.strip_prefix("/api/").unwrap_or_else(|| panic!("{path}: not under /api/"));
        assert!(found.insert(endpoint.to_string()), "endpoint {endpoint} registered twice");
    }
    found
}

#[test]
fn the_endpoint_table_lists_every_server_function() {
    let in_source = registered_endpoints();
    assert!(in_source.len() > 40, "the registry looks empty: {in_source:?}");
    let mut in_table: BTreeSet<String> = PROTECTED.iter().map(|(e, _)| e.to_string()).collect();
    in_table.extend(PUBLIC.iter().map(|e| e.to_string()));
    assert_eq!(in_table.len(), PUBLIC.len() + PROTECTED.len(), "an endpoint is listed twice");
    let missing: Vec<_> = in_source.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_source).collect();
    assert!(missing.is_empty(), "server functions not in the table of tests/security.rs (add them, with their access rule): {missing:?}");
    assert!(stale.is_empty(), "table entries with no server function: {stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_but_the_public_ones_needs_a_session() {
    let app = TestApp::new().await;
    for cookie in [None, Some("encaisse_session=forged-token-value"), Some("encaisse_session=")] {
        for (endpoint, form) in PROTECTED {
            let r = app.call(&api(endpoint), form, cookie).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{endpoint} with {cookie:?}: {}", r.body);
            assert_eq!(app_error(&r), AppError::Unauthorized, "{endpoint}");
            assert!(r.session_cookie().is_none());
        }
    }
    // the public ones answer without a session, each in its own way
    let signup = app
        .call(&api("signup"), &[("company_name", "C"), ("name", "N"), ("email", "new@test.be"), ("password", "a-long-password")], None)
        .await;
    assert_eq!(signup.status, StatusCode::OK, "{}", signup.body);
    assert!(signup.session_cookie().is_some());
    let login = app.call(&api("login"), &[("email", "nobody@test.be"), ("password", "whatever-password")], None).await;
    assert_eq!(login.status, StatusCode::UNPROCESSABLE_ENTITY, "a refusal in words, not a 401: {}", login.body);
    assert!(matches!(app_error(&login), AppError::Refused(_)));
    let logout = app.call(&api("logout"), &[], None).await;
    assert_eq!(logout.status, StatusCode::OK, "{}", logout.body);
    let language = app.call(&api("language"), &[("lang", "nl")], None).await;
    assert_eq!(language.status, StatusCode::OK, "{}", language.body);
    assert!(language.headers.get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("encaisse_lang=nl")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_per_e_mail() {
    let app = TestApp::new().await;
    app.signup("A", "a@test.be").await;
    app.signup("B", "b@test.be").await;
    let mut last = StatusCode::OK;
    for _ in 0..7 {
        last = app.call("/api/login", &[("email", "a@test.be"), ("password", "wrong-password")], None).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // the same address in other letters is the same account, still throttled
    let same = app.call("/api/login", &[("email", " A@TEST.be "), ("password", "a-long-password")], None).await;
    assert_eq!(same.status, StatusCode::TOO_MANY_REQUESTS, "{}", same.body);
    assert!(matches!(app_error(&same), AppError::TooManyAttempts { retry_after_secs } if retry_after_secs > 0));
    // another e-mail is unaffected
    let other = app.call("/api/login", &[("email", "b@test.be"), ("password", "a-long-password")], None).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    assert!(other.session_cookie().is_some());
}

fn set_cookies(r: &Reply) -> Vec<String> {
    r.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

fn attributes(cookie: &str) -> Vec<String> {
    cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_flags_over_http_and_https() {
    for https in [false, true] {
        let app = if https {
            TestApp::with_config(|c| c.public_url = "https://encaisse.example".parse().unwrap()).await
        } else {
            TestApp::new().await
        };
        let signup = app
            .call("/api/signup", &[("company_name", "A"), ("name", "N"), ("email", "a@test.be"), ("password", "a-long-password")], None)
            .await;
        let login = app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], None).await;
        let cookie = login.session_cookie().unwrap();
        let logout = app.call("/api/logout", &[], Some(&cookie)).await;
        let lang = app.call("/api/language", &[("lang", "fr")], None).await;
        for (what, r) in [("signup", &signup), ("login", &login), ("logout", &logout)] {
            let session: Vec<_> = set_cookies(r).into_iter().filter(|c| c.starts_with("encaisse_session=")).collect();
            assert_eq!(session.len(), 1, "{what}: {session:?}");
            let a = attributes(&session[0]);
            assert!(a.contains(&"httponly".into()), "{what}: {a:?}");
            assert!(a.contains(&"samesite=lax".into()), "{what}: {a:?}");
            assert!(a.contains(&"path=/".into()), "{what}: {a:?}");
            assert_eq!(a.contains(&"secure".into()), https, "{what} (https: {https}): {a:?}");
        }
        assert!(attributes(&set_cookies(&logout)[0]).contains(&"max-age=0".into()), "logout expires the cookie");
        let lang_cookie = set_cookies(&lang).into_iter().find(|c| c.starts_with("encaisse_lang=")).unwrap();
        let a = attributes(&lang_cookie);
        assert!(a.contains(&"samesite=lax".into()) && a.contains(&"secure".into()) == https, "{a:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_fixed_and_logged_out_sessions_are_refused() {
    let app = TestApp::new().await;
    let first = app.signup("A", "a@test.be").await;
    let token = first.split_once('=').unwrap().1;
    assert!(token.len() >= 32, "a long random token: {token}");

    // random and near-miss tokens
    let mut flipped = token.to_string();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [
        "encaisse_session=0000000000000000000000000000000000000000000".to_string(),
        format!("encaisse_session={flipped}"),
        format!("encaisse_session={}", token.to_uppercase()),
        format!("encaisse_session={token}x"),
        format!("encaisse_session=x{token}"),
    ] {
        let r = app.call("/api/customers/list", &[], Some(&forged)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{forged}");
        let page = app.get("/customers", Some(&forged)).await;
        assert_eq!(page.status, StatusCode::FOUND, "{forged}");
    }
    // Cookie headers are read as RFC 6265 says (the `cookie` crate): spaces around a value are
    // not part of it, so a padded token is the same token, not a near miss.
    let padded = format!("encaisse_session= {token} ");
    assert_eq!(app.call("/api/customers/list", &[], Some(&padded)).await.status, StatusCode::OK);

    // session fixation: a cookie planted before login is not adopted
    let planted = "encaisse_session=planted-by-an-attacker-0123456789abcdef";
    let login = app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], Some(planted)).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let fresh = login.session_cookie().unwrap();
    assert_ne!(fresh, planted);
    assert_ne!(fresh, first, "every login makes a new token");
    assert_eq!(app.call("/api/customers/list", &[], Some(planted)).await.status, StatusCode::UNAUTHORIZED);

    // logout ends that session on the server: replaying the old cookie is refused
    assert_eq!(app.call("/api/customers/list", &[], Some(&fresh)).await.status, StatusCode::OK);
    assert_eq!(app.call("/api/logout", &[], Some(&fresh)).await.status, StatusCode::OK);
    for endpoint in ["customers/list", "dashboard", "twikey/settings"] {
        assert_eq!(app.call(&api(endpoint), &[], Some(&fresh)).await.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(app.get("/customers", Some(&fresh)).await.status, StatusCode::FOUND);
    // the other session of the same user is its own
    assert_eq!(app.call("/api/customers/list", &[], Some(&first)).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_language_redirect_on_site_only() {
    let app = TestApp::new().await;
    app.signup("A", "a@test.be").await;
    let evil = [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: a=b",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "",
    ];
    for next in evil {
        for accept in ["application/json", "text/html"] {
            for (endpoint, form) in [
                ("login", vec![("email", "a@test.be"), ("password", "a-long-password"), ("next", next)]),
                ("language", vec![("lang", "en"), ("next", next)]),
            ] {
                let body = form.iter().map(|(k, v)| format!("{k}={}", crate::helpers::urlencode(v))).collect::<Vec<_>>().join("&");
                let req = Request::post(api(endpoint))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, accept)
                    .body(Body::from(body))
                    .unwrap();
                let r = app.send(req).await;
                assert!(
                    r.status == StatusCode::OK || r.status == StatusCode::FOUND,
                    "{endpoint} next={next:?} ({accept}): {} {}",
                    r.status,
                    r.body
                );
                let location = r.headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_string());
                assert_eq!(location.as_deref(), Some("/"), "{endpoint} next={next:?} ({accept})");
            }
        }
    }
    // a path of this site is kept
    let r =
        app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password"), ("next", "/invoices?status=open")], None).await;
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/invoices?status=open");
}
