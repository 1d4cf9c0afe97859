//! Property tests with hostile input through the real router: the Twikey callback route and
//! the form server functions never answer 5xx and never panic; refusals are JSON the browser
//! decodes into `AppError`, and field errors name real fields of the form.
//!
//! Run with `--nocapture` to see how many inputs each property tried.
//!
//! `forms`: the form server functions; `callback`: the Twikey callback route and NUL characters.

mod callback;
mod forms;

use axum::body::Body;
use crate::helpers::{Reply, TestApp};
use http::{header, Request};
use proptest::test_runner::{Config, TestRunner};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, max_shrink_iters: 256, ..Config::default() })
}


async fn post(app: &TestApp, path: &str, body: String, cookie: Option<&str>) -> Reply {
    let mut req =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.send(req.body(Body::from(body)).unwrap()).await
}

