//! Company details (`/settings/company`): the legal identity every invoice carries.

use crate::api::company::{get_company_details, CompanyDetailsInput, SaveCompanyDetails};
use crate::app::components::{field_error, form_error, posted_args, Field, FormError, LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CompanyDetailsPage() -> impl IntoView {
    let t = use_t();
    let save = ServerAction::<SaveCompanyDetails>::new();
    let details = Resource::new(|| (), |_| get_company_details());
    view! {
        <Protected>
            <Title text=t(Msg::CompanyDetails) />
            <section class="page narrow">
                <header class="page-header">
                    <div>
                        <h1>{t(Msg::CompanyDetails)}</h1>
                        <p class="lead">{t(Msg::CompanyDetailsLead)}</p>
                    </div>
                </header>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match details.await {
                            Ok(d) => view! {
                                <CompanyForm input=d.input complete=d.complete save />
                                <LogoForm has_logo=d.has_logo complete=d.complete />
                            }.into_any(),
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn CompanyForm(input: CompanyDetailsInput, complete: bool, save: ServerAction<SaveCompanyDetails>) -> impl IntoView {
    let t = use_t();
    let error = form_error(save);
    let fe = move |f: &'static str| field_error(error, f);
    // What a plain form post (before or without the client) came back with, else what is saved.
    let input = posted_args::<SaveCompanyDetails>().map(|posted| posted.input).unwrap_or(input);
    let query = leptos_router::hooks::use_query_map();
    let saved = move || query.read().get("saved").is_some() && error.get().is_none();
    let small_business = input.vat_regime == "small_business";
    view! {
        <FormError error />
        <Show when=saved>
            <div class="banner banner-ok" role="status">{t(Msg::CompanyDetailsSaved)}</div>
        </Show>
        {(!complete).then(|| view! { <div class="banner" role="status">{t(Msg::ErrCompanyDetailsMissing)}</div> })}
        <ActionForm action=save attr:class="card form company-form" attr:novalidate=true>
            <Field label=Msg::LegalName name="input[legal_name]" id="legal_name" value=input.legal_name.clone() autocomplete="organization" error=fe("legal_name") />
            <Field label=Msg::Street name="input[street]" id="street" value=input.street.clone() autocomplete="street-address" error=fe("street") />
            <div class="grid-3">
                <Field label=Msg::Postcode name="input[postcode]" id="postcode" value=input.postcode.clone() autocomplete="postal-code" error=fe("postcode") />
                <Field label=Msg::City name="input[city]" id="city" value=input.city.clone() autocomplete="address-level2" error=fe("city") />
                <Field label=Msg::Country name="input[country]" id="country" value=input.country.clone() autocomplete="country" error=fe("country") />
            </div>
            <Field label=Msg::EnterpriseNumber name="input[enterprise_number]" id="enterprise_number" value=input.enterprise_number.clone()
                help=Msg::EnterpriseNumberHelp autocomplete="off" error=fe("enterprise_number") />
            <fieldset class="kind-choice vat-regime">
                <legend>{t(Msg::VatRegime)}</legend>
                <label class="radio">
                    <input type="radio" name="input[vat_regime]" value="vat" checked=!small_business />
                    {t(Msg::VatRegistered)}
                </label>
                <label class="radio">
                    <input type="radio" name="input[vat_regime]" value="small_business" checked=small_business />
                    {t(Msg::SmallBusinessExemption)}
                </label>
            </fieldset>
            <div class="grid-2">
                <Field label=Msg::Iban name="input[iban]" id="iban" value=input.iban.clone() autocomplete="off" error=fe("iban") />
                <Field label=Msg::Bic name="input[bic]" id="bic" value=input.bic.clone() autocomplete="off" error=fe("bic") />
            </div>
            <div class="grid-3">
                <Field label=Msg::Email name="input[email]" id="email" kind="email" value=input.email.clone() autocomplete="email" error=fe("email") />
                <Field label=Msg::Phone name="input[phone]" id="phone" kind="tel" value=input.phone.clone() autocomplete="tel" error=fe("phone") />
                <Field label=Msg::Website name="input[website]" id="website" value=input.website.clone() autocomplete="url" error=fe("website") />
            </div>
            <Field label=Msg::DefaultPaymentTerm name="input[payment_term_days]" id="payment_term_days" kind="number" value=input.payment_term_days.clone()
                autocomplete="off" error=fe("payment_term_days") />
            <div class="field">
                <label for="footer">{t(Msg::InvoiceFooter)}</label>
                <textarea id="footer" name="input[footer]" rows="3">{input.footer.clone()}</textarea>
                <p class="field-error" role="alert">{move || fe("footer").get().map(t)}</p>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary">
                    {t(Msg::Save)}
                </button>
            </div>
        </ActionForm>
    }
}

/// The logo: a plain multipart form (the browser sends the file; no client code needed).
#[component]
fn LogoForm(has_logo: bool, complete: bool) -> impl IntoView {
    let t = use_t();
    let query = leptos_router::hooks::use_query_map();
    let status = move || query.read().get("logo");
    view! {
        <section class="card form logo-form" aria-labelledby="logo-heading">
            <h2 id="logo-heading">{t(Msg::Logo)}</h2>
            {move || match status().as_deref() {
                Some("saved") => view! { <div class="banner banner-ok" role="status">{t(Msg::LogoSaved)}</div> }.into_any(),
                Some("invalid") => view! { <div class="banner banner-error" role="alert">{t(Msg::ErrLogo)}</div> }.into_any(),
                Some("details-first") => view! { <div class="banner banner-error" role="alert">{t(Msg::ErrCompanyDetailsMissing)}</div> }.into_any(),
                _ => ().into_any(),
            }}
            {has_logo.then(|| view! { <img class="logo-preview" src="/settings/company/logo" alt=t(Msg::Logo) /> })}
            <form method="post" action="/settings/company/logo" enctype="multipart/form-data">
                <div class="field">
                    <label for="logo">{t(Msg::LogoFile)}</label>
                    <input id="logo" name="logo" type="file" accept="image/png,image/svg+xml" aria-describedby="logo-help" disabled=!complete />
                    <p class="help" id="logo-help">{t(Msg::ErrLogo)}</p>
                </div>
                <div class="form-actions">
                    {has_logo.then(|| view! { <button type="submit" name="remove" value="1" class="button ghost">{t(Msg::RemoveLogo)}</button> })}
                    <button type="submit" class="button" disabled=!complete>{t(Msg::UploadLogo)}</button>
                </div>
            </form>
        </section>
    }
}
