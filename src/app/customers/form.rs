use crate::api::customers::{get_customer, Customer, CustomerInput, SaveCustomer};
use crate::app::components::{field_error, form_error, posted_args, Field, FormError, LoadError, Loading, Protected};
use crate::app::viewer::use_t;
use crate::domain::customer::CUSTOMER_LANGUAGES;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let t = use_t();
    view! {
        <Protected>
            <Title text=t(Msg::NewCustomer) />
            <section class="page narrow">
                <header class="page-header"><h1>{t(Msg::NewCustomer)}</h1></header>
                <CustomerForm customer=None />
            </section>
        </Protected>
    }
}

#[component]
pub fn EditCustomerPage() -> impl IntoView {
    view! { <Protected><EditCustomer /></Protected> }
}

#[component]
fn EditCustomer() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let customer = Resource::new(id, get_customer);
    view! {
        <Title text=t(Msg::EditCustomer) />
        <section class="page narrow">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(c) => view! {
                            <header class="page-header"><h1>{t(Msg::EditCustomer)}" · "{c.display_name.clone()}</h1></header>
                            <CustomerForm customer=Some(c) />
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

const COUNTRIES: [(&str, &str); 7] = [
    ("BE", "Belgique / België"),
    ("NL", "Nederland"),
    ("FR", "France"),
    ("LU", "Luxembourg"),
    ("DE", "Deutschland"),
    ("ES", "España"),
    ("IT", "Italia"),
];

/// The form for a new customer (`None`) or an existing one. Which name fields apply follows the
/// Individual / Company choice (CSS `:has()`, so it works before the page is interactive).
#[component]
fn CustomerForm(customer: Option<Customer>) -> impl IntoView {
    let t = use_t();
    let save = ServerAction::<SaveCustomer>::new();
    let error = form_error(save);
    let fe = move |f: &'static str| field_error(error, f);
    let id = customer.as_ref().map(|c| c.id);
    // What a plain form post (before or without the client) came back with, else what is saved.
    let f = posted_args::<SaveCustomer>()
        .filter(|posted| posted.id == id)
        .map(|posted| posted.input)
        .or_else(|| customer.map(|c| CustomerInput::from_saved(&c.fields, &c.number)))
        .unwrap_or_default();
    let is_company = f.kind == "company";
    let language = if f.language.is_empty() { "fr".to_string() } else { f.language.clone() };
    let country = if f.country.is_empty() { "BE".to_string() } else { f.country.clone() };
    let cancel_href = id.map(|id| format!("/customers/{id}")).unwrap_or_else(|| "/customers".into());
    view! {
        <FormError error />
        <ActionForm action=save attr:class="card form customer-form" attr:novalidate=true>
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <fieldset class="kind-choice">
                <legend>{t(Msg::Kind)}</legend>
                <label class="radio">
                    <input type="radio" name="input[kind]" value="individual" checked=!is_company />
                    {t(Msg::Individual)}
                </label>
                <label class="radio">
                    <input type="radio" name="input[kind]" value="company" checked=is_company />
                    {t(Msg::Company)}
                </label>
            </fieldset>
            <div class="grid-2 individual-only">
                <Field label=Msg::FirstName name="input[first_name]" id="first_name" value=f.first_name.clone() autocomplete="off" error=fe("first_name") />
                <Field label=Msg::LastName name="input[last_name]" id="last_name" value=f.last_name.clone() autocomplete="off" error=fe("last_name") />
            </div>
            <div class="grid-2 company-only">
                <Field label=Msg::CompanyName name="input[company_name]" id="company_name" value=f.company_name.clone() autocomplete="off" error=fe("company_name") />
                <Field label=Msg::VatNumber name="input[vat_number]" id="vat_number" value=f.vat_number.clone() autocomplete="off" error=fe("vat_number") />
            </div>
            <div class="grid-2 company-only">
                <Field label=Msg::EnterpriseNumber name="input[enterprise_number]" id="enterprise_number"
                    value=f.enterprise_number.clone() help=Msg::CustomerEnterpriseNumberHelp
                    autocomplete="off" error=fe("enterprise_number") />
            </div>
            <div class="grid-2">
                <Field label=Msg::Email name="input[email]" id="email" kind="email" value=f.email.clone() autocomplete="off" error=fe("email") />
                <Field label=Msg::Phone name="input[phone]" id="phone" kind="tel" value=f.phone.clone() autocomplete="off" error=fe("phone") />
            </div>
            <div class="field">
                <label for="language">{t(Msg::Language)}</label>
                <select id="language" name="input[language]">
                    {CUSTOMER_LANGUAGES.into_iter().map(|code| {
                        let name = match code { "fr" => "Français", "nl" => "Nederlands", "en" => "English", _ => "Deutsch" };
                        view! { <option value=code selected=code == language>{name}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || fe("language").get().map(t)}</p>
            </div>
            <Field label=Msg::Street name="input[street]" id="street" value=f.street.clone() autocomplete="off" error=fe("street") />
            <div class="grid-3">
                <Field label=Msg::Postcode name="input[postcode]" id="postcode" value=f.postcode.clone() autocomplete="off" error=fe("postcode") />
                <Field label=Msg::City name="input[city]" id="city" value=f.city.clone() autocomplete="off" error=fe("city") />
                <div class="field">
                    <label for="country">{t(Msg::Country)}</label>
                    <select id="country" name="input[country]">
                        {COUNTRIES.into_iter().map(|(code, name)| view! { <option value=code selected=code == country>{name}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="grid-2">
                <Field label=Msg::CustomerNumber name="input[customer_number]" id="customer_number" value=f.customer_number.clone() readonly=id.is_some()
                    help=Msg::CustomerNumberHelp autocomplete="off" error=fe("customer_number") />
                <Field label=Msg::Iban name="input[iban]" id="iban" value=f.iban.clone() help=Msg::IbanHelp autocomplete="off" error=fe("iban") />
            </div>
            <div class="form-actions">
                <a class="button ghost" href=cancel_href>{t(Msg::Cancel)}</a>
                <button type="submit" class="button primary">
                    {t(Msg::Save)}
                </button>
            </div>
        </ActionForm>
    }
}
