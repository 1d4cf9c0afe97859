//! What the customers pages and server functions exchange: types, form inputs and their checks.

use super::error::Problems;
use super::AppError;
use crate::domain::customer::{CustomerFields, CustomerKind, CUSTOMER_LANGUAGES};
use crate::domain::validation::{normalize_be_vat, normalize_email, normalize_iban};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The customer form as typed (every field a string, as a form posts it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerInput {
    pub kind: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub company_name: String,
    #[serde(default)]
    pub vat_number: String,
    #[serde(default)]
    pub enterprise_number: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub customer_number: String,
    #[serde(default)]
    pub iban: String,
}

const MAX_LEN: usize = 200;

impl CustomerInput {
    /// The form as a saved customer fills it (the enterprise number in its dotted form).
    pub fn from_saved(f: &CustomerFields, number: &str) -> CustomerInput {
        CustomerInput {
            kind: f.kind.as_str().to_string(),
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            company_name: f.company_name.clone(),
            vat_number: f.vat_number.clone(),
            enterprise_number: crate::domain::validation::format_enterprise_number(&f.enterprise_number),
            email: f.email.clone(),
            phone: f.phone.clone(),
            language: f.language.clone(),
            street: f.street.clone(),
            postcode: f.postcode.clone(),
            city: f.city.clone(),
            country: f.country.clone(),
            customer_number: number.to_string(),
            iban: f.iban.clone(),
        }
    }

    /// Checks every field and returns all problems at once, or the normalised fields.
    pub fn validate(&self) -> Result<(CustomerFields, Option<String>), AppError> {
        let mut problems = Problems::default();
        let kind = CustomerKind::parse(&self.kind).unwrap_or_else(|| {
            problems.add("kind", Msg::ErrRequired);
            CustomerKind::Individual
        });
        let t = |s: &str| s.trim().to_string();
        let mut fields = CustomerFields {
            kind,
            first_name: t(&self.first_name),
            last_name: t(&self.last_name),
            company_name: t(&self.company_name),
            vat_number: String::new(),
            enterprise_number: String::new(),
            email: String::new(),
            phone: t(&self.phone),
            language: t(&self.language).to_lowercase(),
            street: t(&self.street),
            postcode: t(&self.postcode),
            city: t(&self.city),
            country: {
                let c = t(&self.country).to_uppercase();
                if c.is_empty() { "BE".into() } else { c }
            },
            iban: String::new(),
        };
        for (name, value) in [
            ("first_name", &fields.first_name),
            ("last_name", &fields.last_name),
            ("company_name", &fields.company_name),
            ("phone", &fields.phone),
            ("street", &fields.street),
            ("postcode", &fields.postcode),
            ("city", &fields.city),
        ] {
            if value.chars().count() > MAX_LEN {
                problems.add(name, Msg::ErrTooLong);
            }
        }
        match kind {
            CustomerKind::Individual => {
                if fields.first_name.is_empty() {
                    problems.add("first_name", Msg::ErrRequired);
                }
                if fields.last_name.is_empty() {
                    problems.add("last_name", Msg::ErrRequired);
                }
                fields.company_name.clear();
            }
            CustomerKind::Company => {
                if fields.company_name.is_empty() {
                    problems.add("company_name", Msg::ErrRequired);
                }
            }
        }
        let enterprise = self.enterprise_number.trim();
        if !enterprise.is_empty() && kind == CustomerKind::Company {
            match crate::domain::validation::normalize_enterprise_number(enterprise) {
                Some(n) => fields.enterprise_number = n,
                None => problems.add("enterprise_number", Msg::ErrEnterpriseNumber),
            }
        }
        let vat = self.vat_number.trim();
        if !vat.is_empty() {
            match normalize_be_vat(vat) {
                Some(v) => {
                    if fields.enterprise_number.is_empty() && kind == CustomerKind::Company {
                        fields.enterprise_number = v[2..].to_string();
                    }
                    fields.vat_number = v
                }
                None => problems.add("vat_number", Msg::ErrVat),
            }
        }
        let email = self.email.trim();
        if email.is_empty() {
            problems.add("email", Msg::ErrRequired);
        } else {
            match normalize_email(email) {
                Some(e) => fields.email = e,
                None => problems.add("email", Msg::ErrEmail),
            }
        }
        if fields.language.is_empty() {
            fields.language = "fr".into();
        } else if !CUSTOMER_LANGUAGES.contains(&fields.language.as_str()) {
            problems.add("language", Msg::ErrLanguage);
        }
        if fields.country.len() != 2 || !fields.country.bytes().all(|b| b.is_ascii_uppercase()) {
            problems.add("country", Msg::ErrRequired);
        }
        let iban = self.iban.trim();
        if !iban.is_empty() {
            match normalize_iban(iban) {
                Some(i) => fields.iban = i,
                None => problems.add("iban", Msg::ErrIban),
            }
        }
        let number = self.customer_number.trim();
        let number = if number.is_empty() {
            None
        } else if number.len() > 30
            || !number.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            problems.add("customer_number", Msg::ErrCustomerNumberFormat);
            None
        } else {
            Some(number.to_string())
        };
        problems.into_result()?;
        Ok((fields, number))
    }
}

/// A customer as the customer page and the edit form show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    pub number: String,
    pub display_name: String,
    pub fields: CustomerFields,
    pub archived: bool,
}

/// One line of the customer list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub number: String,
    pub display_name: String,
    pub kind: CustomerKind,
    pub email: String,
    pub city: String,
    /// The best mandate the customer has (only filled while Twikey is on).
    pub twikey: Option<crate::domain::mandate::MandateMark>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerListQuery {
    #[serde(default)]
    pub q: String,
    /// `name`, `number`, `city` or `created`
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub desc: bool,
    /// 1-based
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub archived: bool,
}

pub const CUSTOMERS_PER_PAGE: u32 = 25;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub twikey_enabled: bool,
    pub rows: Vec<CustomerRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn individual() -> CustomerInput {
        CustomerInput {
            kind: "individual".into(),
            first_name: " Anne ".into(),
            last_name: "Peeters".into(),
            email: "anne@example.be".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_individual_is_normalised() {
        let (fields, number) = individual().validate().unwrap();
        assert_eq!(fields.first_name, "Anne");
        assert_eq!(fields.country, "BE");
        assert_eq!(fields.language, "fr");
        assert_eq!(number, None);
        assert_eq!(fields.display_name(), "Anne Peeters");
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let input = CustomerInput {
            kind: "company".into(),
            email: "nope".into(),
            vat_number: "BE0123456748".into(),
            iban: "BE00 0000".into(),
            language: "xx".into(),
            customer_number: "has space".into(),
            ..Default::default()
        };
        let err = input.validate().unwrap_err();
        assert_eq!(err.field_error("company_name"), Some(Msg::ErrRequired));
        assert_eq!(err.field_error("email"), Some(Msg::ErrEmail));
        assert_eq!(err.field_error("vat_number"), Some(Msg::ErrVat));
        assert_eq!(err.field_error("iban"), Some(Msg::ErrIban));
        assert_eq!(err.field_error("language"), Some(Msg::ErrLanguage));
        assert_eq!(err.field_error("customer_number"), Some(Msg::ErrCustomerNumberFormat));
    }

    #[test]
    fn individual_needs_both_names() {
        let input = CustomerInput { first_name: "".into(), ..individual() };
        assert_eq!(input.validate().unwrap_err().field_error("first_name"), Some(Msg::ErrRequired));
    }
}
