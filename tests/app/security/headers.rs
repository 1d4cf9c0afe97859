//! Security headers on pages, server functions, assets and errors.

use crate::helpers::{Reply, TestApp};
use http::StatusCode;

fn assert_security_headers(what: &str, r: &Reply) {
    let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_else(|| panic!("{what}: no {name}"));
    let csp = h("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    // No inline script runs unless it carries this response's nonce.
    let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_else(|| panic!("{what}: {csp}"));
    assert!(!script_src.contains("'unsafe-inline'"), "{what}: {script_src}");
    let scripts: Vec<&str> = r.body.match_indices("<script").map(|(i, _)| &r.body[i..i + r.body[i..].find('>').unwrap()]).collect();
    if !scripts.is_empty() {
        let nonce = script_src.split_whitespace().find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\'')).unwrap_or_else(|| panic!("{what}: inline scripts but no nonce in {script_src}"));
        assert!(nonce.len() >= 16, "{what}: a short nonce {nonce}");
        for s in scripts {
            assert!(s.contains(&format!("nonce=\"{nonce}\"")), "{what}: a script without the nonce: {s}");
        }
    }
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    let referrer = h("referrer-policy");
    assert!(
        ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"].contains(&referrer.as_str()),
        "{what}: {referrer}"
    );
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_pages_server_functions_assets_and_errors() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/encaisse.css"), "body{}").unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let app = TestApp::with_config(|c| c.site_root = root).await;
    let cookie = app.signup("A", "a@test.be").await;

    let asset = app.get("/favicon.svg", None).await;
    assert_eq!(asset.status, StatusCode::OK, "the asset is served from the site root");
    assert_security_headers("static asset", &asset);
    let css = app.get("/pkg/encaisse.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_security_headers("pkg asset", &css);
    assert_security_headers("missing asset", &app.get("/pkg/nothing.js", None).await);

    for (what, r) in [
        ("login page", app.get("/login", None).await),
        ("dashboard", app.get("/", Some(&cookie)).await),
        ("redirect to login", app.get("/customers", None).await),
        ("unknown page", app.get("/no/such/page", Some(&cookie)).await),
        ("health", app.get("/healthz", None).await),
        ("server function", app.call("/api/customers/list", &[], Some(&cookie)).await),
        ("server function 401", app.call("/api/customers/list", &[], None).await),
        ("server function 400", app.call("/api/customers/get", &[("id", "x")], Some(&cookie)).await),
        ("server function 422", app.call("/api/language", &[("lang", "xx")], Some(&cookie)).await),
        ("login", app.call("/api/login", &[("email", "a@test.be"), ("password", "a-long-password")], None).await),
        ("callback 404", app.get("/twikey/webhook/nosuchcompany?a=b", None).await),
    ] {
        assert_security_headers(what, &r);
    }
}
