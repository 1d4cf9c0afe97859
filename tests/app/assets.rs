//! The client's files go out as built: a browser that accepts brotli or gzip gets the file
//! compressed at build time (`scripts/build.sh --release`), not compressed again per request.

use crate::helpers::TestApp;
use axum::body::Body;
use http::{header, Request, StatusCode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precompressed_client_files_are_served_as_they_are() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(pkg.join("encaisse.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("encaisse.wasm.br"), b"brotli bytes made at build time").unwrap();
    std::fs::write(pkg.join("encaisse.wasm.gz"), b"gzip bytes made at build time").unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let app = TestApp::with_config(|c| c.site_root = root).await;

    let get = |encoding: &'static str| {
        Request::get("/pkg/encaisse.wasm").header(header::ACCEPT_ENCODING, encoding).body(Body::empty()).unwrap()
    };
    let br = app.send(get("br, gzip")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    assert_eq!(br.headers.get(header::CONTENT_TYPE).unwrap(), "application/wasm");
    assert_eq!(br.bytes, b"brotli bytes made at build time");

    let gz = app.send(get("gzip")).await;
    assert_eq!(gz.headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
    assert_eq!(gz.bytes, b"gzip bytes made at build time");

    let plain = app.send(get("identity")).await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.bytes, wasm);
}
