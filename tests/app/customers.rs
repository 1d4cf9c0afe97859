//! Customers through the router: validation, and company isolation on every server function.

use crate::helpers::TestApp;
use encaisse::i18n::Msg;
use encaisse::on_db;
use http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_list_search_edit_archive() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let company = app
        .call(
            "/api/customers/save",
            &[
                ("input[kind]", "company"),
                ("input[company_name]", "Brasserie du Parc"),
                ("input[vat_number]", "BE 0403.170.701"),
                ("input[email]", "info@parc.be"),
                ("input[customer_number]", "BRAS-1"),
                ("input[iban]", "BE68 5390 0754 7034"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(company.status, StatusCode::OK, "{}", company.body);
    let list = app.call("/api/customers/list", &[], Some(&cookie)).await.json();
    assert_eq!(list["total"], 2);
    let found = app.call("/api/customers/list", &[("query[q]", "brass")], Some(&cookie)).await.json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["rows"][0]["number"], "BRAS-1");

    let got = app.call("/api/customers/get", &[("id", &anne.to_string())], Some(&cookie)).await.json();
    assert_eq!(got["number"], "C00001");
    let edit = app
        .call(
            "/api/customers/save",
            &[
                ("id", &anne.to_string()),
                ("input[kind]", "individual"),
                ("input[first_name]", "Anne"),
                ("input[last_name]", "Peeters-Claes"),
                ("input[email]", "anne@example.be"),
                ("input[customer_number]", "CHANGED"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    let got = app.call("/api/customers/get", &[("id", &anne.to_string())], Some(&cookie)).await.json();
    assert_eq!(
        (got["display_name"].as_str(), got["number"].as_str()),
        (Some("Anne Peeters-Claes"), Some("C00001")),
        "the number never changes"
    );

    let archived = app.call("/api/customers/archive", &[("id", &anne.to_string()), ("archived", "true")], Some(&cookie)).await;
    assert_eq!(archived.status, StatusCode::OK);
    assert_eq!(app.call("/api/customers/list", &[], Some(&cookie)).await.json()["total"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_customer_gets_field_errors() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let reply = app
        .call(
            "/api/customers/save",
            &[("input[kind]", "company"), ("input[email]", "x@"), ("input[vat_number]", "BE0123456748"), ("input[iban]", "BE00")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> =
        reply.json()["Invalid"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["company_name", "vat_number", "email", "iban"]);
    // a duplicate chosen number is refused at its field
    app.create_customer(&cookie, "Anne", "P").await;
    let dup = app
        .call(
            "/api/customers/save",
            &[
                ("input[kind]", "individual"),
                ("input[first_name]", "B"),
                ("input[last_name]", "C"),
                ("input[email]", "b@c.be"),
                ("input[customer_number]", "C00001"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.says(Msg::ErrCustomerNumberTaken));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_customer_function_needs_a_session() {
    let app = TestApp::new().await;
    for (path, form) in [
        ("/api/customers/list", vec![]),
        ("/api/customers/get", vec![("id", "1")]),
        (
            "/api/customers/save",
            vec![("input[kind]", "individual"), ("input[first_name]", "A"), ("input[last_name]", "B"), ("input[email]", "a@b.be")],
        ),
        ("/api/customers/archive", vec![("id", "1"), ("archived", "true")]),
        ("/api/connections/get", vec![]),
        ("/api/connections/twikey", vec![("enabled", "true")]),
        ("/api/dashboard", vec![]),
    ] {
        let reply = app.call(path, &form, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}: {}", reply.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_b_can_neither_read_nor_change_company_a() {
    let app = TestApp::new().await;
    let a = app.signup("A", "a@test.be").await;
    let b = app.signup("B", "b@test.be").await;
    let anne = app.create_customer(&a, "Anne", "Peeters").await.to_string();

    let list = app.call("/api/customers/list", &[], Some(&b)).await.json();
    assert_eq!(list["total"], 0);
    let search = app.call("/api/customers/list", &[("query[q]", "anne")], Some(&b)).await.json();
    assert_eq!(search["total"], 0);
    let get = app.call("/api/customers/get", &[("id", &anne)], Some(&b)).await;
    assert_eq!(get.status, StatusCode::NOT_FOUND);
    assert!(!get.body.contains("Anne"));
    let edit = app
        .call(
            "/api/customers/save",
            &[
                ("id", &anne),
                ("input[kind]", "individual"),
                ("input[first_name]", "Evil"),
                ("input[last_name]", "Eve"),
                ("input[email]", "e@e.be"),
            ],
            Some(&b),
        )
        .await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let archive = app.call("/api/customers/archive", &[("id", &anne), ("archived", "true")], Some(&b)).await;
    assert_eq!(archive.status, StatusCode::NOT_FOUND);
    let page = app.get(&format!("/customers/{anne}"), Some(&b)).await;
    assert!(!page.body.contains("Peeters"), "the customer page of another company shows nothing");

    // A's data is untouched
    let got = app.call("/api/customers/get", &[("id", &anne)], Some(&a)).await.json();
    assert_eq!(got["display_name"], "Anne Peeters");
    assert_eq!(got["archived"], false);
    // the Twikey switch is per company
    app.call("/api/connections/twikey", &[("enabled", "true")], Some(&b)).await;
    assert_eq!(app.call("/api/connections/get", &[], Some(&a)).await.json()["twikey_enabled"], false);
    assert_eq!(app.call("/api/connections/get", &[], Some(&b)).await.json()["twikey_enabled"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_arguments_are_a_client_error() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let reply = app.call("/api/customers/get", &[("id", "not-a-number")], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let reply = app.call("/api/customers/archive", &[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
}

/// The customer list with 10,000 customers: every page, search and sort stay quick.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_stays_fast_with_ten_thousand_customers() {
    let app = TestApp::new().await;
    let cookie = app.signup("Big", "big@test.be").await;
    let company: i64 = on_db!(app.state.db, |ex| sqlx::query_scalar("SELECT id FROM companies").fetch_one(ex).await).unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 0..10_000 {
        let name = format!("Customer {i:05}");
        on_db!(tx, |ex| sqlx::query(
            "INSERT INTO customers (company_id, number, kind, first_name, last_name, email, city, display_name, search_text, created_at, updated_at)
             VALUES ($1, $2, 'individual', 'Customer', $3, $4, 'Gent', $5, $6, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .bind(company)
        .bind(format!("C{i:05}"))
        .bind(format!("{i:05}"))
        .bind(format!("c{i}@example.be"))
        .bind(&name)
        .bind(format!("{} c{i}@example.be c{i:05} gent", name.to_lowercase()))
        .execute(ex)
        .await
        .map(|_| ()))
        .unwrap();
    }
    tx.commit().await.unwrap();
    for form in [
        vec![],
        vec![("query[page]", "200")],
        vec![("query[q]", "09999")],
        vec![("query[sort]", "city"), ("query[desc]", "true")],
        vec![("query[page]", "400")],
    ] {
        let started = std::time::Instant::now();
        let r = app.call("/api/customers/list", &form, Some(&cookie)).await;
        let took = started.elapsed();
        eprintln!("customer list {form:?}: {took:?}");
        assert_eq!(r.status, StatusCode::OK);
        assert!(took < std::time::Duration::from_millis(500), "{form:?} took {took:?}");
    }
    let page = app.get("/customers?page=200", Some(&cookie)).await;
    assert!(page.body.contains("Customer 04975"), "SSR page 200 renders its rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_customer_has_its_enterprise_number_checked_or_taken_from_its_vat_number() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let save = |fields: Vec<(&'static str, &'static str)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let mut form = vec![("input[kind]", "company"), ("input[company_name]", "Brasserie du Parc"), ("input[email]", "info@parc.be")];
            form.extend(fields);
            app.call("/api/customers/save", &form, Some(&cookie)).await
        }
    };
    let bad = save(vec![("input[enterprise_number]", "0403.170.702")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.says(Msg::ErrEnterpriseNumber), "{}", bad.body);
    let from_vat = save(vec![("input[vat_number]", "BE0403170701")]).await;
    let id = from_vat.json().as_i64().unwrap().to_string();
    let c = app.call("/api/customers/get", &[("id", &id)], Some(&cookie)).await.json();
    assert_eq!(c["fields"]["enterprise_number"], "0403170701");
    let without_vat = save(vec![("input[enterprise_number]", "0123 456 749")]).await;
    let id = without_vat.json().as_i64().unwrap().to_string();
    let c = app.call("/api/customers/get", &[("id", &id)], Some(&cookie)).await.json();
    assert_eq!((c["fields"]["enterprise_number"].as_str(), c["fields"]["vat_number"].as_str()), (Some("0123456749"), Some("")));
}
