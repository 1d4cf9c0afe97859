//! Sign-up, log in, log out, and who is looking at the page.

#[cfg(feature = "ssr")]
use super::Problems;
use super::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Lang;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;
pub use crate::model::auth::*;

#[server(endpoint = "signup")]
pub async fn signup(company_name: String, name: String, email: String, password: String) -> Result<(), AppError> {
    use crate::domain::validation::normalize_email;
    use crate::server::{
        db, password as pw,
        repo::{companies, sessions, users},
        session,
    };
    let result = super::respond(
        async {
            let mut problems = Problems::default();
            let (company_name, name) = (company_name.trim(), name.trim());
            if company_name.is_empty() {
                problems.add("company_name", Msg::ErrRequired);
            }
            if name.is_empty() {
                problems.add("name", Msg::ErrRequired);
            }
            if company_name.chars().count() > 200 {
                problems.add("company_name", Msg::ErrTooLong);
            }
            if name.chars().count() > 200 {
                problems.add("name", Msg::ErrTooLong);
            }
            let email = normalize_email(&email);
            if email.is_none() {
                problems.add("email", Msg::ErrEmail);
            }
            if password.chars().count() < MIN_PASSWORD_LEN {
                problems.add("password", Msg::ErrPasswordShort);
            }
            if password.len() > 1024 {
                problems.add("password", Msg::ErrTooLong);
            }
            problems.into_result()?;
            let email = email.unwrap_or_default();
            let state = session::state();
            let lang = session::visitor_lang();
            let hash = pw::hash(&password);
            let mut tx = state.db.begin().await?;
            let company = companies::insert(&mut tx, company_name).await?;
            let user_id = match users::insert(&mut tx, company.id, name, &email, &hash, lang).await {
                Ok(id) => id,
                Err(e) if db::is_unique_violation(&e) => return Err(AppError::field("email", Msg::ErrEmailTaken)),
                Err(e) => return Err(e.into()),
            };
            tx.commit().await?;
            tracing::info!(company_id = company.id, user_id, "account created");
            let token = sessions::create(&state.db, user_id).await?;
            session::set_cookie(session::SESSION_COOKIE, &token, sessions::SESSION_DAYS * 86400, true);
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    );
    super::back_to_form::<Signup, _>(result, &[("company_name", &company_name), ("name", &name), ("email", &email)])
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{
        password as pw,
        repo::{sessions, throttle, users},
        session,
    };
    let result = super::respond(
        async {
            let state = session::state();
            let key = email.trim().to_lowercase();
            let wait = throttle::retry_after(&state.db, &key).await?;
            if wait > 0 {
                tracing::warn!("login throttled");
                return Err(AppError::TooManyAttempts { retry_after_secs: wait as u64 });
            }
            let user = users::by_email(&state.db, email.trim()).await?;
            let ok = match &user {
                Some(u) => pw::verify(&password, &u.password_hash),
                None => {
                    pw::verify_dummy(&password);
                    false
                }
            };
            let Some(user) = user.filter(|_| ok) else {
                throttle::record_failure(&state.db, &key).await?;
                tracing::info!("failed login");
                return Err(AppError::Refused(Msg::ErrBadLogin));
            };
            throttle::clear(&state.db, &key).await?;
            let token = sessions::create(&state.db, user.id).await?;
            session::set_cookie(session::SESSION_COOKIE, &token, sessions::SESSION_DAYS * 86400, true);
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    );
    let next = next.unwrap_or_default();
    super::back_to_form::<Login, _>(result, &[("email", &email), ("next", &next)])
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{repo::sessions, session};
    super::respond(
        async {
            if let Some(token) = session::session_token() {
                sessions::delete(&session::state().db, &token).await?;
            }
            session::set_cookie(session::SESSION_COOKIE, "", 0, true);
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// Changes the interface language: remembered on the user, or in a cookie for visitors.
#[server(endpoint = "language")]
pub async fn set_language(lang: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{repo::users, session};
    super::respond(
        async {
            let lang = Lang::parse(&lang).ok_or_else(|| AppError::field("lang", Msg::ErrLanguage))?;
            if let Some(user) = session::current_user().await? {
                users::set_language(&session::state().db, user.user_id, lang).await?;
            }
            session::set_cookie(session::LANG_COOKIE, lang.code(), 365 * 86400, false);
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}
