//! Customers: who is invoiced (and, later, whose bank account Twikey debits).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum CustomerKind {
    #[default]
    Individual,
    Company,
}

impl CustomerKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// Languages a customer can be written to in (Twikey's `l` field).
pub const CUSTOMER_LANGUAGES: [&str; 4] = ["fr", "nl", "en", "de"];

/// The name shown in lists: company name for companies, "First Last" for individuals.
pub fn display_name(kind: CustomerKind, first: &str, last: &str, company: &str) -> String {
    match kind {
        CustomerKind::Company => company.trim().to_string(),
        CustomerKind::Individual => format!("{} {}", first.trim(), last.trim()).trim().to_string(),
    }
}

/// A customer's fields, validated and normalised (what the repository stores).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFields {
    pub kind: CustomerKind,
    pub first_name: String,
    pub last_name: String,
    pub company_name: String,
    pub vat_number: String,
    /// Belgian enterprise number (10 digits) of a company; from its VAT number when it has one.
    #[serde(default)]
    pub enterprise_number: String,
    pub email: String,
    pub phone: String,
    pub language: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub iban: String,
}

impl CustomerFields {
    pub fn display_name(&self) -> String {
        display_name(self.kind, &self.first_name, &self.last_name, &self.company_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_stored_as_these_words() {
        for (kind, word) in [(CustomerKind::Individual, "individual"), (CustomerKind::Company, "company")] {
            assert_eq!(kind.as_str(), word);
            assert_eq!(CustomerKind::parse(word), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), word);
        }
        for unknown in ["", "Company", "COMPANY", "business"] {
            assert_eq!(CustomerKind::parse(unknown), None, "{unknown:?}");
        }
    }
}
