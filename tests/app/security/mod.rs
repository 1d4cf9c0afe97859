//! Security properties through the real router, one file per topic: sessions (every server
//! function but the public ones needs one, found from the registry; throttling, cookie flags,
//! forged and logged-out sessions, open redirects), isolation (companies cannot reach each
//! other's records), secrets (the Twikey API key never leaves the server: bodies, headers, log
//! lines) and headers (security headers on every kind of answer).

mod headers;
mod isolation;
mod secrets;
mod sessions;

use crate::helpers::Reply;
use encaisse::api::AppError;

/// A sandbox test IBAN.
const IBAN: &str = "BE68539007547034";

fn api(endpoint: &str) -> String {
    format!("/api/{endpoint}")
}

fn app_error(r: &Reply) -> AppError {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not an AppError ({e}): {} {}", r.status, r.body))
}
