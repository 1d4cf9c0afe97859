//! The demo company created on first start, so a newcomer can log in and look around.

use super::db::Db;
use super::repo::{companies, customers, users};
use crate::domain::customer::{CustomerFields, CustomerKind};
use crate::i18n::Lang;

pub const DEMO_EMAIL: &str = "demo@encaisse.be";
pub const DEMO_PASSWORD: &str = "demo-encaisse";

/// Seeds the demo company when the database has no company yet. Returns whether it did.
pub async fn seed_demo(db: &Db) -> Result<bool, sqlx::Error> {
    if companies::count(db).await? > 0 {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    let company = companies::insert(&mut tx, "Boulangerie Dupont SRL").await?;
    users::insert(&mut tx, company.id, "Marie Dupont", DEMO_EMAIL, &super::password::hash(DEMO_PASSWORD), Lang::En).await?;
    tx.commit().await?;
    let details = super::repo::company_details::CompanyDetails {
        company_id: company.id,
        legal_name: "Boulangerie Dupont SRL".into(),
        street: "Rue de la Loi 16".into(),
        postcode: "1000".into(),
        city: "Bruxelles".into(),
        country: "BE".into(),
        enterprise_number: "0123456749".into(),
        vat_number: Some("BE0123456749".into()),
        small_business: false,
        iban: "BE71096123456769".into(),
        bic: "GKCCBEBB".into(),
        email: "facturation@dupont.example.be".into(),
        phone: "+32 2 123 45 67".into(),
        website: String::new(),
        logo_mime: None,
        payment_term_days: 30,
        footer: "Merci pour votre confiance.".into(),
    };
    super::repo::company_details::save(db, &details).await?;
    let people = [
        ("Anne", "Peeters", "Gent", "9000", "nl", "Veldstraat 12"),
        ("Luc", "Lambert", "Namur", "5000", "fr", "Rue de Fer 8"),
        ("Sofie", "Claes", "Leuven", "3000", "nl", "Bondgenotenlaan 41"),
        ("Julien", "Dubois", "Liège", "4000", "fr", "Place Saint-Lambert 3"),
        ("Emma", "Willems", "Antwerpen", "2000", "nl", "Meir 77"),
        ("Nicolas", "Lemaire", "Bruxelles", "1000", "fr", "Rue Neuve 120"),
        ("Thomas", "Jacobs", "Brugge", "8000", "nl", "Steenstraat 5"),
        ("Camille", "Renard", "Mons", "7000", "fr", "Grand-Place 22"),
    ];
    for (first, last, city, postcode, language, street) in people {
        let fields = CustomerFields {
            kind: CustomerKind::Individual,
            first_name: first.into(),
            last_name: last.into(),
            email: format!("{}.{}@example.be", first.to_lowercase(), last.to_lowercase()),
            language: language.into(),
            street: street.into(),
            postcode: postcode.into(),
            city: city.into(),
            country: "BE".into(),
            ..Default::default()
        };
        customers::insert(db, company.id, None, &fields).await?;
    }
    let firms = [
        ("Brasserie du Parc SRL", "BE0403170701", "Bruxelles", "1000"),
        ("Van Damme Bouw BV", "BE0123456749", "Kortrijk", "8500"),
        ("Atelier Lumière SC", "", "Charleroi", "6000"),
        ("Fietsen Maes BV", "", "Hasselt", "3500"),
    ];
    for (name, vat, city, postcode) in firms {
        let fields = CustomerFields {
            kind: CustomerKind::Company,
            company_name: name.into(),
            vat_number: vat.into(),
            email: format!("facturation@{}.be", name.split_whitespace().next().unwrap_or("firm").to_lowercase()),
            language: "fr".into(),
            street: "Avenue Louise 1".into(),
            postcode: postcode.into(),
            city: city.into(),
            country: "BE".into(),
            ..Default::default()
        };
        customers::insert(db, company.id, None, &fields).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn seeds_once() {
        let (db, _dir) = crate::server::db::test_db().await;
        assert!(super::seed_demo(&db).await.unwrap());
        assert!(!super::seed_demo(&db).await.unwrap());
        let user = crate::server::repo::users::by_email(&db, super::DEMO_EMAIL).await.unwrap().unwrap();
        assert_eq!(crate::server::repo::customers::count(&db, user.company_id).await.unwrap(), 12);
    }
}
