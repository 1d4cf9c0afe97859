//! Company details: the seller's legal identity, required before invoices are issued.

use super::AppError;
use leptos::prelude::*;
pub use crate::model::company::*;

#[server(endpoint = "company/get")]
pub async fn get_company_details() -> Result<CompanyDetailsView, AppError> {
    use crate::server::{repo::companies, repo::company_details, session};
    super::signed_in(|user| async move {
            let db = &session::state().db;
            let Some(d) = company_details::get(db, user.company_id).await? else {
                let company = companies::get(db, user.company_id).await?.ok_or(AppError::NotFound)?;
                let input = CompanyDetailsInput { legal_name: company.name, country: "BE".into(), vat_regime: "vat".into(), payment_term_days: "30".into(), ..Default::default() };
                return Ok(CompanyDetailsView { input, complete: false, has_logo: false });
            };
            let input = CompanyDetailsInput {
                legal_name: d.legal_name,
                street: d.street,
                postcode: d.postcode,
                city: d.city,
                country: d.country,
                enterprise_number: crate::domain::validation::format_enterprise_number(&d.enterprise_number),
                vat_regime: if d.small_business { "small_business" } else { "vat" }.into(),
                iban: d.iban,
                bic: d.bic,
                email: d.email,
                phone: d.phone,
                website: d.website,
                payment_term_days: d.payment_term_days.to_string(),
                footer: d.footer,
            };
            Ok(CompanyDetailsView { input, complete: true, has_logo: d.logo_mime.is_some() })
        }).await
}

#[server(endpoint = "company/save")]
pub async fn save_company_details(input: CompanyDetailsInput) -> Result<(), AppError> {
    use crate::server::{repo::company_details, session};
    let posted = SaveCompanyDetails { input: input.clone() };
    let result = super::signed_in(|user| async move {
            let v = input.validate()?;
            let details = company_details::CompanyDetails {
                company_id: user.company_id,
                legal_name: v.legal_name,
                street: v.street,
                postcode: v.postcode,
                city: v.city,
                country: v.country,
                enterprise_number: v.enterprise_number,
                vat_number: v.vat_number,
                small_business: v.small_business,
                iban: v.iban,
                bic: v.bic,
                email: v.email,
                phone: v.phone,
                website: v.website,
                logo_mime: None,
                payment_term_days: v.payment_term_days,
                footer: v.footer,
            };
            company_details::save(&session::state().db, &details).await?;
            tracing::info!(company_id = user.company_id, "company details saved");
            Ok(())
        }).await;
    super::after_plain_post(&result, "/settings/company?saved=1");
    super::back_to_form_as_posted(result, &posted)
}
