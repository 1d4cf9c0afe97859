//! Security headers on every response.

use axum::http::{header, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything comes from this origin only; the client is WebAssembly (`'wasm-unsafe-eval'`).
/// No inline script runs: pages replace this header with [`page_csp`], which allows only the
/// scripts carrying that response's nonce (Leptos' hydration and streaming scripts).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// The policy of a server-rendered page whose inline scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    CSP.replacen("script-src 'self'", &format!("script-src 'self' 'nonce-{nonce}'"), 1)
}

pub fn layers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    [
        SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

/// Refuses a NUL character anywhere in a request's query or form body (outside the signed
/// Twikey callback, which answers for itself). No form field can hold one, PostgreSQL cannot
/// store one, and a clear 400 beats a failed query deep inside.
pub async fn reject_nul(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    // The answer server-function clients expect: a JSON `Error` with a message in words.
    let refused = || {
        let body = serde_json::to_string(&crate::model::AppError::Refused(crate::i18n::Msg::ErrNulCharacter)).unwrap_or_default();
        (http::StatusCode::BAD_REQUEST, [(http::header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let nul_in = |s: &[u8]| s.contains(&0) || s.windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0');
    if req.uri().path().starts_with("/twikey/webhook/") {
        return next.run(req).await;
    }
    if req.uri().query().is_some_and(|q| nul_in(q.as_bytes())) {
        return refused();
    }
    if req.method() != http::Method::POST {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The body limit layer outside this one has already bounded the size.
    let bytes = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return (http::StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response(),
    };
    if nul_in(&bytes) || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return refused();
    }
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}
