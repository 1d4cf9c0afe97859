//! The demo company created on first start, so a newcomer can log in and look around; with
//! [`connect_demo_to_twikey`], connected to the sandbox and shown at work: mandates signed,
//! prepared and waiting for a B2B bank, invoices paid and refused through Twikey, open ones, a
//! subscription collected with Twikey. All of it through the same code a user's clicks run
//! (the real sandbox's mandates and transactions), none of it inserted as rows.

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

/// A sandbox test IBAN the sandbox's B2B bank accepts (even last digit).
const DEMO_IBAN: &str = "BE68539007547034";

/// Connects the demo company to Twikey (the sandbox of `make run`) and puts its customers,
/// mandates, invoices and a subscription through their paces. Outcomes the bank gives later
/// (payments, refusals, a B2B mandate's acceptance) arrive by the sync a few seconds later.
pub async fn connect_demo_to_twikey(state: &super::AppState) -> Result<(), String> {
    use super::repo::{invoices, subscriptions, twikey_settings};
    use super::twikey::{batches, collections, connection, mandates, sync};
    use crate::domain::invoice::Line;
    use crate::model::invoices::ValidInvoice;
    use crate::model::subscriptions::ValidSubscription;
    use crate::model::twikey::TwikeySettingsInput;
    let db = &state.db;
    let user = users::by_email(db, DEMO_EMAIL).await.map_err(|e| e.to_string())?.ok_or("no demo user")?;
    let company_id = user.company_id;
    let customer = |name: &'static str| async move {
        customers::id_by_name(db, company_id, name).await.map_err(|e| e.to_string())?.ok_or(format!("no demo customer {name}"))
    };
    twikey_settings::set_enabled(db, company_id, true).await.map_err(|e| e.to_string())?;
    let input = TwikeySettingsInput {
        api_key: "sandbox-api-key".into(),
        b2c_ct: "1001".into(),
        b2b_ct: "1002".into(),
        // without pre-notification the day's batch goes to the bank at once
        prenotify: None,
        sending: Some("encaisse".into()),
        ..Default::default()
    };
    connection::save(state, company_id, &input).await.map_err(|e| format!("connecting to Twikey: {}", e.chain()))?;

    // Mandates: three signed (one a company's B2B mandate, which waits for its bank), one prepared.
    let http = reqwest::Client::new();
    for (name, sign) in [("Anne Peeters", true), ("Luc Lambert", true), ("Sofie Claes", true), ("Brasserie du Parc SRL", true), ("Julien Dubois", false)] {
        let id = customer(name).await?;
        mandates::prepare(state, company_id, id).await.map_err(|e| format!("mandate for {name}: {}", e.chain()))?;
        if !sign {
            continue;
        }
        let prepared = super::repo::mandates::for_customer(db, company_id, id).await.map_err(|e| e.to_string())?;
        let url = prepared.first().and_then(|m| m.sign_url.clone()).ok_or(format!("no signing link for {name}"))?;
        // the customer signs on Twikey's page
        let signed = http.post(&url).form(&[("iban", DEMO_IBAN), ("bic", "KREDBEBB")]).send().await.map_err(|e| e.to_string())?;
        if !signed.status().is_success() {
            return Err(format!("signing for {name}: {}", signed.status()));
        }
    }
    sync::sync_now(state, company_id).await.map_err(|e| format!("first sync: {e}"))?;

    // Invoices: two collected and paid, one refused by the debtor's bank (MS02, €13), one open
    // with its Twikey box, one for a customer whose mandate is not signed yet.
    let today = state.today();
    let line = |description: &str, euros: i64, vat_rate: u8| Line { description: description.into(), quantity_milli: 1000, unit_price_cents: euros * 100, vat_rate };
    let invoice = |customer_id: i64, lines: Vec<Line>| ValidInvoice { customer_id, issue_date: today, payment_term_days: 30, buyer_reference: String::new(), lines };
    let mut collect = Vec::new();
    for (name, lines, collected) in [
        ("Anne Peeters", vec![line("Pain au levain, novembre", 60, 6), line("Atelier pâtisserie", 40, 21)], true),
        ("Luc Lambert", vec![line("Croissants, 30 pièces", 13, 0)], true),
        ("Sofie Claes", vec![line("Gâteau d'anniversaire", 45, 6)], true),
        ("Anne Peeters", vec![line("Traiteur, réception du 12/12", 180, 6)], false),
        ("Julien Dubois", vec![line("Pain de campagne, abonnement", 24, 6)], false),
    ] {
        let customer_id = customer(name).await?;
        let id = invoices::save_draft(db, company_id, None, &invoice(customer_id, lines), false).await.map_err(|e| e.chain())?;
        super::invoicing::issuing::issue(db, company_id, id).await.map_err(|e| e.chain())?;
        if collected {
            collect.push(id);
        }
    }
    for id in collect {
        collections::start(state, company_id, id, collections::Cause::User).await.map_err(|e| format!("collection: {e}"))?;
    }
    batches::send_due(state, company_id, today).await.map_err(|e| format!("batch: {e}"))?;

    // A monthly subscription collected with Twikey, from today: the scheduler invoices, sends
    // and collects its first month.
    let sofie = customer("Sofie Claes").await?;
    let subscription = ValidSubscription {
        customer_id: sofie,
        every_months: 1,
        start_date: today,
        end_date: None,
        payment_term_days: 14,
        send_email: true,
        collect_with_twikey: true,
        lines: vec![line("Panier du samedi", 35, 6)],
    };
    subscriptions::insert(db, company_id, &subscription).await.map_err(|e| e.to_string())?;
    super::invoicing::scheduler::run_once(state, &super::invoicing::scheduler::RunOptions::as_of(today)).await.map_err(|e| e.chain())?;

    // The bank's answers come after the sandbox's settling delay: read them in.
    let state = state.clone();
    tokio::spawn(async move {
        for _ in 0..3 {
            tokio::time::sleep(std::time::Duration::from_secs(6)).await;
            if let Err(e) = sync::sync_now(&state, company_id).await {
                tracing::warn!(error = %e, "demo sync failed");
            }
        }
    });
    Ok(())
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
