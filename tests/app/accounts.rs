//! Sign-up, log in, log out and sessions, through the real router.

use crate::helpers::TestApp;
use encaisse::i18n::Msg;
use http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_login_logout() {
    let app = TestApp::new().await;
    let cookie = app.signup("Boulangerie Test", "owner@test.be").await;

    // the session opens protected pages
    let page = app.get("/customers", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("owner@test.be"), "account menu shows the e-mail");

    // log out ends the session
    let out = app.call("/api/logout", &[], Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::OK);
    let after = app.call("/api/customers/list", &[], Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);

    // log in again, e-mail case does not matter
    let login = app.call("/api/login", &[("email", "Owner@Test.be"), ("password", "a-long-password")], None).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let cookie = login.session_cookie().unwrap();
    let set_cookie = login.headers.get(http::header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http in tests: no Secure flag");
    assert_eq!(app.call("/api/customers/list", &[], Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_user_are_refused_alike() {
    let app = TestApp::new().await;
    app.signup("A", "a@test.be").await;
    let wrong = app.call("/api/login", &[("email", "a@test.be"), ("password", "nope-nope-nope")], None).await;
    let unknown = app.call("/api/login", &[("email", "ghost@test.be"), ("password", "nope-nope-nope")], None).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.body, unknown.body, "no hint whether the account exists");
    assert!(wrong.session_cookie().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_throttled() {
    let app = TestApp::new().await;
    app.signup("A", "a@test.be").await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let r = app.call("/api/login", &[("email", "a@test.be"), ("password", "wrong-password")], None).await;
        statuses.push(r.status);
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // even the right password waits now
    let right = app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], None).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.session_cookie().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_validates_and_refuses_duplicates() {
    let app = TestApp::new().await;
    let bad = app.call("/api/signup", &[("company_name", ""), ("name", "X"), ("email", "not-an-email"), ("password", "short")], None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["Invalid"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["company_name", "email", "password"]);

    app.signup("A", "dup@test.be").await;
    let dup = app
        .call("/api/signup", &[("company_name", "B"), ("name", "X"), ("email", "DUP@test.be"), ("password", "a-long-password")], None)
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.says(Msg::ErrEmailTaken), "{}", dup.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_need_a_session() {
    let app = TestApp::new().await;
    let page = app.get("/customers", None).await;
    assert_eq!(page.status, StatusCode::FOUND);
    assert_eq!(page.headers.get(http::header::LOCATION).unwrap(), "/login?next=/customers");
    let forged = app.get("/customers", Some("encaisse_session=forged")).await;
    assert_eq!(forged.status, StatusCode::FOUND);
    assert_eq!(app.get("/login", None).await.status, StatusCode::OK);
}

/// The way back to a page keeps its query: after logging in, and after changing the language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_way_back_to_a_page_keeps_its_query() {
    let app = TestApp::new().await;
    let page = app.get("/invoices?status=open", None).await;
    assert_eq!(page.headers.get(http::header::LOCATION).unwrap(), "/login?next=/invoices%3Fstatus%3Dopen");
    let cookie = app.signup("A", "a@test.be").await;
    let page = app.get("/invoices?status=open", Some(&cookie)).await;
    assert!(page.body.contains(r#"name="next" value="/invoices?status=open""#), "the language switch comes back here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_security_headers() {
    let app = TestApp::new().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["version"], env!("CARGO_PKG_VERSION"));
    let login = app.get("/login", None).await;
    for h in ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"] {
        assert!(login.headers.contains_key(h), "missing {h}");
    }
    assert!(login.headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_is_remembered_per_user() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let r = app.call("/api/language", &[("lang", "fr"), ("next", "/customers")], Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = app.get("/customers", Some(&cookie)).await;
    assert!(page.body.contains("<html lang=\"fr\""), "page in French");
    assert!(page.body.contains("Nouveau client"));
    let bad = app.call("/api/language", &[("lang", "xx")], Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A login with an absurdly long e-mail is an ordinary failed login, on either database (a
/// PostgreSQL index entry holds at most ~2.7 KB, so the throttle must not index the raw text).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurdly_long_email_is_an_ordinary_failed_login() {
    let app = TestApp::new().await;
    // varied characters, so the text does not compress below the limit
    let local: String = (0..3000u32).map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap()).collect();
    let email = format!("{local}@example.be");
    for _ in 0..2 {
        let r = app.call("/api/login", &[("email", &email), ("password", "a-long-password")], None).await;
        assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
    }
}

/// The scheduler's tick clears what no one can use any more: expired sessions and login
/// failures old enough to be forgotten. Live sessions and recent failures stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_purges_expired_sessions_and_forgotten_login_failures() {
    use chrono::Duration;
    use encaisse::on_db;
    use encaisse::server::invoicing::scheduler::{run_once, RunOptions};
    use encaisse::server::repo::throttle;

    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let db = &app.state.db;
    let now = encaisse::server::db::now();
    let user: i64 = on_db!(db, |ex| sqlx::query_scalar("SELECT id FROM users").fetch_one(ex).await).unwrap();
    for (hash, expires) in [("expired", now - Duration::minutes(1)), ("long-expired", now - Duration::days(40))] {
        on_db!(db, |ex| sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash)
            .bind(user)
            .bind(expires - Duration::days(30))
            .bind(expires)
            .execute(ex)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
    }
    // failures of an hour and more ago, then two recent ones for another address
    throttle::record_failure(db, "old@test.be").await.unwrap();
    let forgotten = now - Duration::seconds(throttle::FORGET_AFTER_SECS + 60);
    on_db!(db, |ex| sqlx::query("UPDATE login_throttle SET last_failure_at = $1")
        .bind(forgotten)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    throttle::record_failure(db, "recent@test.be").await.unwrap();
    throttle::record_failure(db, "recent@test.be").await.unwrap();
    assert_eq!(db.scalar("SELECT COUNT(*) FROM sessions").await.unwrap(), 3);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM login_throttle").await.unwrap(), 2);

    run_once(&app.state, &RunOptions::as_of(app.state.today())).await.unwrap();

    assert_eq!(db.scalar("SELECT COUNT(*) FROM sessions").await.unwrap(), 1, "only the live session is left");
    assert_eq!(app.call("/api/customers/list", &[], Some(&cookie)).await.status, StatusCode::OK);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM login_throttle").await.unwrap(), 1, "the recent failures are kept");
    assert_eq!(db.scalar("SELECT failures FROM login_throttle").await.unwrap(), 2);
}
