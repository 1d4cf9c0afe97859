//! Company details (the seller's legal identity on every invoice): the form as typed, its
//! checks, and what the page shows.

use super::{AppError, Problems};
use crate::domain::validation::{normalize_be_vat, normalize_bic, normalize_email, normalize_enterprise_number, normalize_iban};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The form as posted (every field a string).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyDetailsInput {
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub enterprise_number: String,
    /// `vat` (BE + enterprise number) or `small_business` (art. 56bis exemption).
    #[serde(default)]
    pub vat_regime: String,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub bic: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub payment_term_days: String,
    #[serde(default)]
    pub footer: String,
}

/// Checked and normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidCompanyDetails {
    pub legal_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    /// 10 digits
    pub enterprise_number: String,
    /// `BE` + the enterprise number, unless `small_business`
    pub vat_number: Option<String>,
    pub small_business: bool,
    pub iban: String,
    pub bic: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub payment_term_days: i64,
    pub footer: String,
}

const MAX_LEN: usize = 200;
const MAX_FOOTER: usize = 600;

impl CompanyDetailsInput {
    /// Every problem at once, or the normalised details.
    pub fn validate(&self) -> Result<ValidCompanyDetails, AppError> {
        let mut problems = Problems::default();
        let t = |s: &str| s.trim().to_string();
        let required = |problems: &mut Problems, field: &str, value: &str| {
            if value.is_empty() {
                problems.add(field, Msg::ErrRequired);
            } else if value.chars().count() > MAX_LEN {
                problems.add(field, Msg::ErrTooLong);
            }
        };
        let (legal_name, street, postcode, city) = (t(&self.legal_name), t(&self.street), t(&self.postcode), t(&self.city));
        required(&mut problems, "legal_name", &legal_name);
        required(&mut problems, "street", &street);
        required(&mut problems, "postcode", &postcode);
        required(&mut problems, "city", &city);
        let country = match t(&self.country).to_uppercase() {
            c if c.is_empty() => "BE".to_string(),
            c => c,
        };
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            problems.add("country", Msg::ErrRequired);
        }
        let enterprise_number = match normalize_enterprise_number(&self.enterprise_number) {
            Some(n) => n,
            None => {
                problems.add("enterprise_number", if self.enterprise_number.trim().is_empty() { Msg::ErrRequired } else { Msg::ErrEnterpriseNumber });
                String::new()
            }
        };
        let small_business = self.vat_regime == "small_business";
        let vat_number = (!small_business && !enterprise_number.is_empty()).then(|| normalize_be_vat(&enterprise_number)).flatten();
        let iban = normalize_iban(&self.iban).unwrap_or_else(|| {
            problems.add("iban", if self.iban.trim().is_empty() { Msg::ErrRequired } else { Msg::ErrIban });
            String::new()
        });
        let bic = normalize_bic(&self.bic).unwrap_or_else(|| {
            problems.add("bic", if self.bic.trim().is_empty() { Msg::ErrRequired } else { Msg::ErrBic });
            String::new()
        });
        let email = match self.email.trim() {
            "" => String::new(),
            e => normalize_email(e).unwrap_or_else(|| {
                problems.add("email", Msg::ErrEmail);
                String::new()
            }),
        };
        let (phone, website, footer) = (t(&self.phone), t(&self.website), t(&self.footer));
        for (field, value) in [("phone", &phone), ("website", &website)] {
            if value.chars().count() > MAX_LEN {
                problems.add(field, Msg::ErrTooLong);
            }
        }
        if footer.chars().count() > MAX_FOOTER {
            problems.add("footer", Msg::ErrTooLong);
        }
        let payment_term_days = match self.payment_term_days.trim() {
            "" => 30,
            s => match s.parse::<i64>() {
                Ok(d) if (0..=365).contains(&d) => d,
                _ => {
                    problems.add("payment_term_days", Msg::ErrPaymentTerm);
                    30
                }
            },
        };
        problems.into_result()?;
        Ok(ValidCompanyDetails {
            legal_name,
            street,
            postcode,
            city,
            country,
            enterprise_number,
            vat_number,
            small_business,
            iban,
            bic,
            email,
            phone,
            website,
            payment_term_days,
            footer,
        })
    }
}

/// What the page shows: the stored details as the form's values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyDetailsView {
    /// The form's values (empty when nothing is stored yet, with the sign-up name).
    pub input: CompanyDetailsInput,
    /// Whether the invoices can be issued (every legal detail is there).
    pub complete: bool,
    pub has_logo: bool,
}

/// Largest logo accepted (PNG or SVG), stored in the database.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CompanyDetailsInput {
        CompanyDetailsInput {
            legal_name: "Boulangerie Dupont SRL".into(),
            street: "Rue de la Loi 16".into(),
            postcode: "1000".into(),
            city: "Bruxelles".into(),
            enterprise_number: "0403.170.701".into(),
            vat_regime: "vat".into(),
            iban: "BE68 5390 0754 7034".into(),
            bic: "gkccbebb".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_is_normalised() {
        let v = input().validate().unwrap();
        assert_eq!((v.enterprise_number.as_str(), v.vat_number.as_deref()), ("0403170701", Some("BE0403170701")));
        assert_eq!((v.iban.as_str(), v.bic.as_str(), v.country.as_str(), v.payment_term_days), ("BE68539007547034", "GKCCBEBB", "BE", 30));
        let small = CompanyDetailsInput { vat_regime: "small_business".into(), ..input() };
        assert_eq!(small.validate().unwrap().vat_number, None, "art. 56bis: no VAT number on the invoice");
    }

    #[test]
    fn every_problem_at_once() {
        let bad = CompanyDetailsInput {
            legal_name: " ".into(),
            enterprise_number: "0403.170.702".into(),
            iban: "BE68539007547035".into(),
            bic: "GKCC".into(),
            payment_term_days: "-3".into(),
            ..input()
        };
        let AppError::Invalid(problems) = bad.validate().unwrap_err() else { panic!() };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["legal_name", "enterprise_number", "iban", "bic", "payment_term_days"]);
    }
}
