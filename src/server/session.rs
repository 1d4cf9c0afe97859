//! The signed-in user of a server function call, from the session cookie.

use super::db::Db;
use super::repo::{companies, sessions, users};
use super::AppState;
use crate::model::auth::{UserInfo, Viewer};
use crate::server::Error;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use crate::i18n::Lang;
use http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::{expect_context, use_context};

pub const SESSION_COOKIE: &str = "encaisse_session";
pub const LANG_COOKIE: &str = "encaisse_lang";

/// The application state, provided to every server function and page render.
pub fn state() -> AppState {
    expect_context::<AppState>()
}

#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user_id: i64,
    pub company_id: i64,
    pub name: String,
    pub email: String,
    pub lang: Lang,
}

/// A cookie's value from the request's `Cookie` headers (the first of that name).
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// Looks up the user of a session token.
async fn user_of_token(db: &Db, token: &str) -> Result<Option<AuthUser>, sqlx::Error> {
    let Some(user_id) = sessions::user_id(db, token).await? else { return Ok(None) };
    let Some(user) = users::by_id(db, user_id).await? else { return Ok(None) };
    Ok(Some(AuthUser { user_id, company_id: user.company_id, lang: user.lang(), name: user.name, email: user.email }))
}

/// The signed-in user, if any (resolved once per request by [`resolve_viewer`]).
pub async fn current_user() -> Result<Option<AuthUser>, Error> {
    let Some(parts) = request_parts() else { return Ok(None) };
    if let Some(resolved) = parts.extensions.get::<Option<AuthUser>>() {
        return Ok(resolved.clone());
    }
    let Some(token) = cookie(&parts, SESSION_COOKIE) else { return Ok(None) };
    Ok(user_of_token(&state().db, &token).await?)
}

/// Middleware: finds who is calling (session cookie) once per request and stores the user and
/// the [`Viewer`] the page renders with in the request's extensions.
pub async fn resolve_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/pkg/") || path == "/healthz" || path.starts_with("/twikey/") {
        return next.run(req).await;
    }
    // Before anything is read: a change after this instant reaches the page live.
    let since_ms = chrono::Utc::now().timestamp_millis();
    let (parts, body) = req.into_parts();
    let user = match cookie(&parts, SESSION_COOKIE) {
        Some(token) => match user_of_token(&state.db, &token).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return http::StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
        None => None,
    };
    let viewer = match &user {
        Some(u) => {
            let company = companies::get(&state.db, u.company_id).await.ok().flatten().map(|c| c.name).unwrap_or_default();
            Viewer {
                since_ms,
                lang: u.lang,
                user: Some(UserInfo { name: u.name.clone(), email: u.email.clone(), company_name: company }),
            }
        }
        None => Viewer { user: None, lang: lang_of_visitor(&parts), since_ms },
    };
    req = Request::from_parts(parts, body);
    req.extensions_mut().insert(user);
    req.extensions_mut().insert(viewer);
    next.run(req).await
}

/// The signed-in user, or `Unauthorized`. Every server function starts here.
pub async fn require_user() -> Result<AuthUser, Error> {
    current_user().await?.ok_or(Error::Unauthorized)
}

/// The language for someone not signed in: their choice (cookie), else the browser's.
pub fn visitor_lang() -> Lang {
    request_parts().map(|p| lang_of_visitor(&p)).unwrap_or_default()
}

fn lang_of_visitor(parts: &Parts) -> Lang {
    cookie(parts, LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .or_else(|| parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language))
        .unwrap_or_default()
}

/// The session token of this request, if it carries one.
pub fn session_token() -> Option<String> {
    request_parts().and_then(|p| cookie(&p, SESSION_COOKIE))
}

/// Adds a `Set-Cookie` to the server function's response.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool) {
    let cookie = set_cookie_value(name, value, max_age_secs, http_only, state().config.secure_cookies());
    if let (Some(options), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        options.append_header(SET_COOKIE, value);
    }
}

/// A `Set-Cookie` value for the whole site (`Path=/`, `SameSite=Lax`), kept `max_age_secs`
/// (0 removes it), `HttpOnly` when scripts need not read it, `Secure` over HTTPS.
fn set_cookie_value(name: &str, value: &str, max_age_secs: i64, http_only: bool, secure: bool) -> String {
    cookie::Cookie::build((name, value))
        .path("/")
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .http_only(http_only)
        .secure(secure)
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(cookie_headers: &[&str]) -> Parts {
        let mut req = http::Request::builder();
        for h in cookie_headers {
            req = req.header(COOKIE, *h);
        }
        req.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_cookie_is_found_by_its_exact_name_in_any_cookie_header() {
        let p = parts(&["a=1; encaisse_session=tok-en_1; encaisse_lang=nl", "other=x"]);
        assert_eq!(cookie(&p, SESSION_COOKIE).as_deref(), Some("tok-en_1"));
        assert_eq!(cookie(&p, LANG_COOKIE).as_deref(), Some("nl"));
        assert_eq!(cookie(&p, "other").as_deref(), Some("x"));
        assert_eq!(cookie(&p, "encaisse"), None);
        assert_eq!(cookie(&parts(&[]), SESSION_COOKIE), None);
        // a longer name that starts with it, pieces without a value, spaces
        let p = parts(&["encaisse_session_old=zz;garbage;  encaisse_session=abc=="]);
        assert_eq!(cookie(&p, SESSION_COOKIE).as_deref(), Some("abc=="));
        // the first of two wins
        assert_eq!(cookie(&parts(&["encaisse_lang=fr", "encaisse_lang=en"]), LANG_COOKIE).as_deref(), Some("fr"));
    }

    fn attributes(set_cookie: &str) -> Vec<String> {
        let mut a: Vec<String> = set_cookie.split(';').skip(1).map(|a| a.trim().to_string()).collect();
        a.sort();
        a
    }

    #[test]
    fn set_cookie_values_carry_the_site_attributes() {
        let session = set_cookie_value(SESSION_COOKIE, "tok", 2_592_000, true, false);
        assert!(session.starts_with("encaisse_session=tok;"), "{session}");
        assert_eq!(attributes(&session), ["HttpOnly", "Max-Age=2592000", "Path=/", "SameSite=Lax"]);
        let secure = set_cookie_value(SESSION_COOKIE, "tok", 2_592_000, true, true);
        assert_eq!(attributes(&secure), ["HttpOnly", "Max-Age=2592000", "Path=/", "SameSite=Lax", "Secure"]);
        let removed = set_cookie_value(SESSION_COOKIE, "", 0, true, false);
        assert!(removed.starts_with("encaisse_session=;"), "{removed}");
        assert!(attributes(&removed).contains(&"Max-Age=0".to_string()), "{removed}");
        let lang = set_cookie_value(LANG_COOKIE, "fr", 31_536_000, false, true);
        assert!(lang.starts_with("encaisse_lang=fr;"), "{lang}");
        assert_eq!(attributes(&lang), ["Max-Age=31536000", "Path=/", "SameSite=Lax", "Secure"]);
    }
}
