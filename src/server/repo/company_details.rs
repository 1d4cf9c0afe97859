//! A company's legal details: what its invoices must show about the seller.

use crate::server::db::{now, on_db, Db, Tx};

#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct CompanyDetails {
    pub company_id: i64,
    pub legal_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub enterprise_number: String,
    pub vat_number: Option<String>,
    pub small_business: bool,
    pub iban: String,
    pub bic: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub logo_mime: Option<String>,
    pub payment_term_days: i64,
    pub footer: String,
}

const COLUMNS: &str = "company_id, legal_name, street, postcode, city, country, enterprise_number, vat_number, small_business,
    iban, bic, email, phone, website, logo_mime, payment_term_days, footer";

pub async fn get(db: &Db, company_id: i64) -> Result<Option<CompanyDetails>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM company_details WHERE company_id = $1"))
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// The same, inside the caller's transaction (issuing an invoice).
pub async fn get_in(tx: &mut Tx, company_id: i64) -> Result<Option<CompanyDetails>, sqlx::Error> {
    on_db!(tx, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM company_details WHERE company_id = $1"))
        .bind(company_id)
        .fetch_optional(ex)
        .await)
}

/// Creates or replaces the company's details (the logo is kept: see [`set_logo`]).
pub async fn save(db: &Db, d: &CompanyDetails) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query(
        "INSERT INTO company_details (company_id, legal_name, street, postcode, city, country, enterprise_number, vat_number,
           small_business, iban, bic, email, phone, website, payment_term_days, footer, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (company_id) DO UPDATE SET legal_name = $2, street = $3, postcode = $4, city = $5, country = $6,
           enterprise_number = $7, vat_number = $8, small_business = $9, iban = $10, bic = $11, email = $12, phone = $13,
           website = $14, payment_term_days = $15, footer = $16, updated_at = $17",
    )
    .bind(d.company_id)
    .bind(&d.legal_name)
    .bind(&d.street)
    .bind(&d.postcode)
    .bind(&d.city)
    .bind(&d.country)
    .bind(&d.enterprise_number)
    .bind(&d.vat_number)
    .bind(d.small_business)
    .bind(&d.iban)
    .bind(&d.bic)
    .bind(&d.email)
    .bind(&d.phone)
    .bind(&d.website)
    .bind(d.payment_term_days)
    .bind(&d.footer)
    .bind(now())
    .execute(ex)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Stores (or with `None` removes) the logo. Returns false when the company has no details yet.
pub async fn set_logo(db: &Db, company_id: i64, logo: Option<(&str, &[u8])>) -> Result<bool, sqlx::Error> {
    let (mime, bytes) = match logo {
        Some((m, b)) => (Some(m), Some(b)),
        None => (None, None),
    };
    let n = on_db!(db, |ex| sqlx::query("UPDATE company_details SET logo_mime = $2, logo = $3, updated_at = $4 WHERE company_id = $1")
        .bind(company_id)
        .bind(mime)
        .bind(bytes)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The logo, `(mime, bytes)`.
pub async fn logo_in(tx: &mut Tx, company_id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row: Option<(Option<String>, Option<Vec<u8>>)> =
        on_db!(tx, |ex| sqlx::query_as("SELECT logo_mime, logo FROM company_details WHERE company_id = $1")
            .bind(company_id)
            .fetch_optional(ex)
            .await)?;
    Ok(row.and_then(|(m, b)| Some((m?, b?))))
}
