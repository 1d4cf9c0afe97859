//! A page's streamed HTML always ends, also while other routers are being built in the same
//! process (as the tests do, one app each). Building a route list renders the app with Leptos'
//! process-wide "suppress resource loads" flag set; a page whose resource first loaded meanwhile
//! waited forever (the 60 s hangs once seen in CI). `server::router` now builds the list once.

use crate::helpers::TestApp;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_routers_are_built() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (stop, state) = (stop.clone(), app.state.clone());
        tokio::task::spawn_blocking(move || {
            let mut builds = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(encaisse::server::router(state.clone()));
                builds += 1;
            }
            builds
        })
    };
    let mut unfinished = 0;
    for _ in 0..100 {
        let req = Request::get("/customers").header(header::ACCEPT, "text/html").header(header::COOKIE, &cookie);
        let page = async {
            let res = app.router.clone().oneshot(req.body(axum::body::Body::empty()).unwrap()).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.into_body().collect().await.unwrap().to_bytes()
        };
        match tokio::time::timeout(Duration::from_secs(3), page).await {
            Ok(body) => assert!(String::from_utf8_lossy(&body).contains("</html>")),
            Err(_) => unfinished += 1,
        }
    }
    stop.store(true, Ordering::Relaxed);
    let builds = builder.await.unwrap();
    assert!(builds > 0, "no router was built meanwhile");
    assert_eq!(unfinished, 0, "{unfinished} of 100 pages never finished while {builds} routers were built");
}
