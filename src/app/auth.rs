//! Sign-up and log-in pages.

use super::components::{field_error, form_error, posted_value, Field, FormError};
use super::viewer::use_t;
use crate::api::auth::{Login, Signup};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignupPage() -> impl IntoView {
    let t = use_t();
    let signup = ServerAction::<Signup>::new();
    let error = form_error(signup);
    view! {
        <Title text=t(Msg::CreateAccount) />
        <section class="auth-card">
            <h1>{t(Msg::SignUpTitle)}</h1>
            <p class="lead">{t(Msg::SignUpLead)}</p>
            <FormError error />
            <ActionForm action=signup>
                <Field label=Msg::CompanyName name="company_name" value=posted_value("company_name") required=true autocomplete="organization" error=field_error(error, "company_name") />
                <Field label=Msg::YourName name="name" value=posted_value("name") required=true autocomplete="name" error=field_error(error, "name") />
                <Field label=Msg::Email name="email" value=posted_value("email") kind="email" required=true autocomplete="email" error=field_error(error, "email") />
                <Field label=Msg::Password name="password" kind="password" required=true autocomplete="new-password" help=Msg::PasswordHelp error=field_error(error, "password") />
                <button type="submit" class="button primary wide">{t(Msg::CreateAccount)}</button>
            </ActionForm>
            <p class="switch-auth">{t(Msg::HaveAccount)}" "<a href="/login">{t(Msg::LogIn)}</a></p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_t();
    let login = ServerAction::<Login>::new();
    let error = form_error(login);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    view! {
        <Title text=t(Msg::LogIn) />
        <section class="auth-card">
            <h1>{t(Msg::LogInTitle)}</h1>
            <FormError error />
            <ActionForm action=login>
                <input type="hidden" name="next" value=next />
                <Field label=Msg::Email name="email" value=posted_value("email") kind="email" required=true autocomplete="username" error=field_error(error, "email") />
                <Field label=Msg::Password name="password" kind="password" required=true autocomplete="current-password" error=field_error(error, "password") />
                <button type="submit" class="button primary wide">{t(Msg::LogIn)}</button>
            </ActionForm>
            <p class="switch-auth">{t(Msg::NoAccountYet)}" "<a href="/signup">{t(Msg::CreateAccount)}</a></p>
        </section>
    }
}
