//! Where the server's errors become what the browser sees, once: [`signed_in`] runs a server
//! function's body for the caller, turns `server::Error` into `AppError` (logging the whole
//! chain of anything the user cannot act on) and sets the HTTP status that matches it.

use crate::model::AppError;
use crate::server::session::{self, AuthUser};
use crate::server::Error;
use http::StatusCode;
use std::future::Future;

impl From<Error> for AppError {
    fn from(err: Error) -> Self {
        match err {
            Error::Unauthorized => AppError::Unauthorized,
            Error::NotFound => AppError::NotFound,
            Error::Invalid(fields) => AppError::Invalid(fields),
            Error::Refused(msg) => AppError::Refused(msg),
            Error::Twikey(e) => {
                tracing::warn!(error = %e, "Twikey call failed");
                twikey_error(e)
            }
            other @ (Error::Db(_) | Error::Crypto(_) | Error::Document(_) | Error::Internal(_)) => {
                tracing::error!(error = %other.chain(), "server function failed");
                AppError::Internal
            }
        }
    }
}

/// Twikey's own words reach the page; whether it was unreachable decides the wording.
fn twikey_error(err: twikey::TwikeyError) -> AppError {
    use twikey::TwikeyError as E;
    match err {
        E::Api { code, message, extra, .. } => AppError::Twikey {
            message: match extra {
                Some(extra) if !extra.is_empty() => format!("{message} [{extra}]"),
                _ => message,
            },
            code,
            unreachable: false,
        },
        // Temporary: "try again later", never "wrong key".
        E::RateLimited { .. } => AppError::Twikey { code: "rate_limited".into(), message: err.to_string(), unreachable: false },
        E::SessionExpired => AppError::Twikey { code: "err_no_login".into(), message: err.to_string(), unreachable: false },
        E::Timeout | E::Connect(_) | E::Transport(_) | E::InvalidResponse(_) | E::Config(_) => {
            AppError::Twikey { code: "unreachable".into(), message: err.to_string(), unreachable: true }
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Error::Db(err).into()
    }
}

impl From<twikey::TwikeyError> for AppError {
    fn from(err: twikey::TwikeyError) -> Self {
        Error::Twikey(err).into()
    }
}

/// A server function for a signed-in caller: resolves who calls (or answers 401), runs the
/// body with them, and sets the HTTP status of an error.
pub async fn signed_in<T, Fut>(body: impl FnOnce(AuthUser) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match session::require_user().await {
        Ok(user) => body(user).await,
        Err(e) => Err(e.into()),
    };
    respond(result)
}

/// Ends a server function: on error, sets the HTTP status that matches it.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let status = match err {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Twikey { unreachable: true, .. } => StatusCode::BAD_GATEWAY,
            AppError::Twikey { code, .. } if code == "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
            AppError::Twikey { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal | AppError::Network(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(status);
        }
    }
    result
}

/// Whether this request is a plain form post, sent by the browser itself (before or without
/// the client), which wants a page back rather than data.
fn plain_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// After a plain form post that succeeded, the page to show (the client decides by itself).
pub fn after_plain_post<T>(result: &Result<T, AppError>, page: &str) {
    if result.is_ok() && plain_post() {
        leptos_axum::redirect(page);
    }
}

/// The page a plain form post was sent from (same origin: its path and query only), without
/// the error a previous post may have left in its address.
fn referring_page() -> Option<url::Url> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
    let mut page = url::Url::parse(referer).ok()?;
    rewrite_query(&mut page, |name| name != "__path" && name != "__err", &[]);
    Some(page)
}

/// Keeps the pairs of `page`'s query whose name `keep` accepts and appends `added` (no bare
/// `?` when nothing is left).
fn rewrite_query(page: &mut url::Url, keep: impl Fn(&str) -> bool, added: &[(&str, &str)]) {
    let kept: Vec<(String, String)> = page.query_pairs().filter(|(k, _)| keep(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    page.set_query(None);
    if !kept.is_empty() || !added.is_empty() {
        page.query_pairs_mut().extend_pairs(kept).extend_pairs(added);
    }
}

/// The path and query of `page`, for a `Location` that stays on this site.
fn local(page: &url::Url) -> String {
    page.query().map_or_else(|| page.path().to_string(), |q| format!("{}?{q}", page.path()))
}

/// A plain form post with no page of its own goes back to the page it was sent from: as it is
/// on success, with the error in the address otherwise (see [`back_to_form`]).
pub fn back_to_page<F, T>(result: Result<T, AppError>) -> Result<T, AppError>
where
    F: leptos::server_fn::ServerFn<Error = AppError>,
{
    back_to_page_noting::<F, T>(result, None)
}

/// [`back_to_page`], with `note` (a name and a value) added to the page's address on success,
/// for a page that says what just happened ("Sent.").
pub fn back_to_page_noting<F, T>(result: Result<T, AppError>, note: Option<(&str, &str)>) -> Result<T, AppError>
where
    F: leptos::server_fn::ServerFn<Error = AppError>,
{
    if result.is_ok() {
        back_on_success(note, &[]);
    }
    back_to_form::<F, T>(result, &[])
}

/// [`back_to_page`] on success (without what an earlier failed post left in the address);
/// [`back_to_form_as_posted`] on an error.
pub fn back_to_page_as_posted<F, T>(result: Result<T, AppError>, args: &F) -> Result<T, AppError>
where
    F: leptos::server_fn::ServerFn<Error = AppError> + serde::Serialize,
{
    if result.is_ok() {
        let posted: Vec<String> = posted_pairs(args).into_iter().map(|(k, _)| k).collect();
        back_on_success(None, &posted);
        return result;
    }
    back_to_form_as_posted(result, args)
}

/// Redirects a plain form post back to its page, `note` added and the `dropped` names removed.
fn back_on_success(note: Option<(&str, &str)>, dropped: &[String]) {
    let Some(mut page) = referring_page().filter(|_| plain_post()) else { return };
    let note: Vec<(&str, &str)> = note.into_iter().collect();
    rewrite_query(&mut page, |k| !dropped.iter().any(|d| d == k) && !note.iter().any(|(name, _)| *name == k), &note);
    leptos_axum::redirect(&local(&page));
}

/// A server function's arguments as the form fields they were posted as.
fn posted_pairs<F: serde::Serialize>(args: &F) -> Vec<(String, String)> {
    let encoded = serde_qs::to_string(args).unwrap_or_default();
    url::form_urlencoded::parse(encoded.as_bytes()).into_owned().collect()
}

/// A plain form post that failed goes back to its page with the error and what was typed in
/// the address (`keep`; never a password), so the server renders the page again with both.
pub fn back_to_form<F, T>(result: Result<T, AppError>, keep: &[(&str, &str)]) -> Result<T, AppError>
where
    F: leptos::server_fn::ServerFn<Error = AppError>,
{
    use leptos::server_fn::error::ServerFnUrlError;
    let Err(err) = &result else { return result };
    let Some(mut page) = referring_page().filter(|_| plain_post()) else { return result };
    rewrite_query(&mut page, |k| !keep.iter().any(|(name, _)| *name == k), keep);
    if let Ok(with_error) = ServerFnUrlError::new(F::PATH, err.clone()).to_url(page.as_str()) {
        leptos_axum::redirect(&local(&with_error));
    }
    result
}

/// [`back_to_form`] keeping every argument as posted (for forms without a secret in them).
pub fn back_to_form_as_posted<F, T>(result: Result<T, AppError>, args: &F) -> Result<T, AppError>
where
    F: leptos::server_fn::ServerFn<Error = AppError> + serde::Serialize,
{
    if result.is_ok() {
        return result;
    }
    let pairs = posted_pairs(args);
    let keep: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    back_to_form::<F, T>(result, &keep)
}
