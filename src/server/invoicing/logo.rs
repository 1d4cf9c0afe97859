//! The company's logo (`/settings/company/logo`): uploaded as a plain multipart form (works
//! without the wasm client), stored in the database, drawn on every new invoice PDF.

use crate::model::company::MAX_LOGO_BYTES;
use crate::server::repo::company_details;
use crate::server::session::AuthUser;
use crate::server::AppState;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use http::{header, HeaderValue, StatusCode};

/// What a logo may be: a PNG (by its signature) or an SVG without scripts.
pub fn logo_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.is_empty() || bytes.len() > MAX_LOGO_BYTES {
        return None;
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    let text = std::str::from_utf8(bytes).ok()?.to_ascii_lowercase();
    let scripted = ["<script", "javascript:", "onload=", "onerror=", "<foreignobject"].iter().any(|bad| text.contains(bad));
    (text.contains("<svg") && !scripted).then_some("image/svg+xml")
}

/// `POST /settings/company/logo`: `logo` (a file) replaces the logo; `remove` deletes it.
pub async fn upload(State(state): State<AppState>, Extension(user): Extension<Option<AuthUser>>, mut form: Multipart) -> Response {
    let Some(user) = user else {
        return Redirect::to("/login?next=/settings/company").into_response();
    };
    let mut logo: Option<Vec<u8>> = None;
    let mut remove = false;
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("logo") => match field.bytes().await {
                Ok(b) if !b.is_empty() => logo = Some(b.to_vec()),
                Ok(_) => {}
                Err(_) => return Redirect::to("/settings/company?logo=invalid").into_response(),
            },
            Some("remove") => remove = true,
            _ => {}
        }
    }
    let result = match (remove, logo) {
        (true, _) => company_details::set_logo(&state.db, user.company_id, None).await,
        (false, Some(bytes)) => match logo_mime(&bytes) {
            Some(mime) => company_details::set_logo(&state.db, user.company_id, Some((mime, &bytes))).await,
            None => return Redirect::to("/settings/company?logo=invalid").into_response(),
        },
        (false, None) => return Redirect::to("/settings/company?logo=invalid").into_response(),
    };
    match result {
        Ok(true) => Redirect::to("/settings/company?logo=saved").into_response(),
        Ok(false) => Redirect::to("/settings/company?logo=details-first").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "storing the logo");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /settings/company/logo`: the stored logo, for the page's preview.
pub async fn show(State(state): State<AppState>, Extension(user): Extension<Option<AuthUser>>) -> Response {
    let Some(user) = user else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut tx = match state.db.begin().await {
        Ok(tx) => tx,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    match company_details::logo_in(&mut tx, user.company_id).await {
        Ok(Some((mime, bytes))) => {
            let mut r = bytes.into_response();
            if let Ok(v) = HeaderValue::from_str(&mime) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            // An SVG opened on its own must not run anything.
            r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"));
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
            r
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn png_or_a_script_free_svg() {
        assert_eq!(super::logo_mime(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(super::logo_mime(br#"<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#), Some("image/svg+xml"));
        assert_eq!(super::logo_mime(br#"<svg><script>alert(1)</script></svg>"#), None);
        assert_eq!(super::logo_mime(br#"<svg onload="x()"></svg>"#), None);
        assert_eq!(super::logo_mime(b"GIF89a"), None);
        assert_eq!(super::logo_mime(&vec![b' '; 300 * 1024]), None);
    }
}
