//! Nothing of one company is visible or changeable by another.

use crate::helpers::world::World;
use crate::helpers::Reply;
use encaisse::api::AppError;
use encaisse::on_db;
use http::StatusCode;
use serde_json::Value;
use super::{api, app_error, IBAN};

/// Company A's records, for B to aim at.
struct Victim {
    customer: i64,
    other_customer: i64,
    open_invoice: i64,
    collected_invoice: i64,
    draft_invoice: i64,
    subscription: i64,
    prepared_mandate: i64,
    signed_mandate: i64,
}

async fn victim(w: &World) -> Victim {
    w.configure().await;
    let customer = w.signed_customer("Zoltan").await;
    let other_customer = w.app.create_customer(&w.cookie, "Wilhelmina", "Secretperson").await;
    let prepared_mandate = w.prepare(other_customer).await["id"].as_i64().unwrap();
    let signed_mandate = w.mandates(customer).await[0]["id"].as_i64().unwrap();
    let open_invoice = w.invoice(customer, "50").await;
    let collected_invoice = w.invoice(customer, "75").await;
    let r = w.collect(collected_invoice).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let c = customer.to_string();
    let draft = w
        .call(
            "/api/invoices/save",
            &[
                ("input[customer_id]", &c),
                ("input[lines][0][description]", "Confidential croissants"),
                ("input[lines][0][quantity]", "3"),
                ("input[lines][0][unit_price]", "2"),
                ("input[lines][0][vat_rate]", "6"),
                ("issue", "false"),
            ],
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    let sub = w
        .call(
            "/api/subscriptions/save",
            &[
                ("input[customer_id]", &c),
                ("input[frequency]", "1"),
                ("input[start_date]", "2031-01-01"),
                ("input[lines][0][description]", "Confidential plan"),
                ("input[lines][0][quantity]", "1"),
                ("input[lines][0][unit_price]", "10"),
                ("input[lines][0][vat_rate]", "21"),
            ],
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    Victim {
        customer,
        other_customer,
        open_invoice,
        collected_invoice,
        draft_invoice: draft.json().as_i64().unwrap(),
        subscription: sub.json().as_i64().unwrap(),
        prepared_mandate,
        signed_mandate,
    }
}

/// Everything A can read about its records, to compare before and after B's attempts.
async fn snapshot(w: &World, v: &Victim) -> Vec<Value> {
    let mut out = Vec::new();
    let reads: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("customers/list", vec![]),
        ("customers/get", vec![("id", v.customer.to_string())]),
        ("customers/get", vec![("id", v.other_customer.to_string())]),
        ("twikey/customer", vec![("customer_id", v.customer.to_string())]),
        ("twikey/customer", vec![("customer_id", v.other_customer.to_string())]),
        ("invoices/list", vec![]),
        ("invoices/get", vec![("id", v.open_invoice.to_string())]),
        ("invoices/get", vec![("id", v.collected_invoice.to_string())]),
        ("invoices/get", vec![("id", v.draft_invoice.to_string())]),
        ("twikey/invoice", vec![("invoice_id", v.open_invoice.to_string())]),
        ("twikey/invoice", vec![("invoice_id", v.collected_invoice.to_string())]),
        ("subscriptions/get", vec![("id", v.subscription.to_string())]),
        ("outbox/list", vec![]),
    ];
    for (endpoint, form) in reads {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = w.call(&api(endpoint), &form).await;
        assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
        out.push(r.json());
    }
    let company = w.company_id().await;
    for table in
        ["customers", "invoices", "payments", "invoice_events", "subscriptions", "mandates", "mandate_events", "collections", "outbox"]
    {
        let n: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE company_id = $1"))
            .bind(company)
            .fetch_one(ex)
            .await)
        .unwrap();
        out.push(Value::from(format!("{table}: {n}")));
    }
    for table in ["invoice_lines", "subscription_lines"] {
        let n: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(ex).await).unwrap();
        out.push(Value::from(format!("{table}: {n}")));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_companys_ids_are_not_found_and_nothing_changes() {
    let w = World::new().await;
    let a = victim(&w).await;
    let a_mandate_ref = w.mandates(a.customer).await[0]["reference"].as_str().unwrap().to_string();
    let before = snapshot(&w, &a).await;

    // company B, with Twikey configured on the same Twikey account, and a customer of its own
    let b = w.app.signup("Intruder", "b@test.be").await;
    let b = b.as_str();
    assert_eq!(w.app.call("/api/connections/twikey", &[("enabled", "true")], Some(b)).await.status, StatusCode::OK);
    // (its own Twikey account: the same one is refused, see twikey_mandates.rs)
    let r = w.app.call("/api/twikey/save", &[("api_key", "sandbox-intruder"), ("b2c_ct", "1001"), ("b2b_ct", "1002")], Some(b)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let own_customer = w.app.create_customer(b, "Bernard", "Own").await.to_string();

    let (cust, other_cust) = (a.customer.to_string(), a.other_customer.to_string());
    let (open, collected, draft) = (a.open_invoice.to_string(), a.collected_invoice.to_string(), a.draft_invoice.to_string());
    let (sub, prepared, signed) = (a.subscription.to_string(), a.prepared_mandate.to_string(), a.signed_mandate.to_string());
    let line = [
        ("input[lines][0][description]", "Intruder line"),
        ("input[lines][0][quantity]", "1"),
        ("input[lines][0][unit_price]", "1"),
        ("input[lines][0][vat_rate]", "21"),
    ];
    let customer_input =
        [("input[kind]", "individual"), ("input[first_name]", "Hacked"), ("input[last_name]", "Name"), ("input[email]", "h@x.be")];

    let not_found: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("customers/get", vec![("id", &cust)]),
        ("customers/get", vec![("id", &other_cust)]),
        ("customers/save", [vec![("id", cust.as_str())], customer_input.to_vec()].concat()),
        ("customers/archive", vec![("id", &cust), ("archived", "true")]),
        ("invoices/get", vec![("id", &open)]),
        ("invoices/get", vec![("id", &draft)]),
        (
            "invoices/save",
            [vec![("id", draft.as_str()), ("input[customer_id]", own_customer.as_str()), ("issue", "false")], line.to_vec()].concat(),
        ),
        (
            "invoices/save",
            [vec![("id", draft.as_str()), ("input[customer_id]", own_customer.as_str()), ("issue", "true")], line.to_vec()].concat(),
        ),
        ("invoices/issue", vec![("id", &draft)]),
        ("invoices/send", vec![("id", &open)]),
        ("invoices/pay", vec![("id", &open), ("input[amount]", "10"), ("input[method]", "cash")]),
        ("invoices/cancel", vec![("id", &open), ("reason", "intruder")]),
        ("subscriptions/get", vec![("id", &sub)]),
        ("subscriptions/status", vec![("id", &sub), ("action", "pause")]),
        ("subscriptions/status", vec![("id", &sub), ("action", "end")]),
        ("twikey/customer", vec![("customer_id", &cust)]),
        ("twikey/mandate/prepare", vec![("customer_id", &cust)]),
        ("twikey/mandate/delete", vec![("mandate_id", &prepared)]),
        ("twikey/mandate/invite", vec![("mandate_id", &prepared)]),
        ("twikey/mandate/cancel", vec![("mandate_id", &signed), ("reason", "intruder")]),
        ("twikey/invoice", vec![("invoice_id", &open)]),
        ("twikey/invoice", vec![("invoice_id", &collected)]),
        ("twikey/collect", vec![("invoice_id", &open)]),
        ("twikey/collect", vec![("invoice_id", &collected)]),
    ];
    // what must never show in B's answers
    let secrets = ["Zoltan", "zoltan@example.be", "Wilhelmina", "Secretperson", "Confidential", "Bread subscription", &a_mandate_ref, IBAN];
    let clean = |what: &str, r: &Reply| {
        for s in secrets {
            assert!(!r.body.contains(s), "{what}: A's {s:?} in B's answer: {}", r.body);
        }
    };
    for (endpoint, form) in &not_found {
        let r = w.app.call(&api(endpoint), form, Some(b)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{endpoint} {form:?}: {}", r.body);
        assert_eq!(app_error(&r), AppError::NotFound, "{endpoint}");
        clean(endpoint, &r);
    }

    // functions that validate the input first: refused at the field, nothing created
    let invoice_for_a = w
        .app
        .call("/api/invoices/save", &[[("input[customer_id]", cust.as_str()), ("issue", "true")].as_slice(), &line].concat(), Some(b))
        .await;
    assert_eq!(invoice_for_a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", invoice_for_a.body);
    assert_eq!(invoice_for_a.json()["Invalid"][0]["field"], "customer_id");
    clean("invoices/save", &invoice_for_a);
    let sub_for_a = w
        .app
        .call(
            "/api/subscriptions/save",
            &[[("input[customer_id]", cust.as_str()), ("input[frequency]", "1")].as_slice(), &line].concat(),
            Some(b),
        )
        .await;
    assert_eq!(sub_for_a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sub_for_a.body);
    assert_eq!(sub_for_a.json()["Invalid"][0]["field"], "customer_id");
    clean("subscriptions/save", &sub_for_a);

    // lists filtered on A's ids are empty; bulk collection skips A's invoices silently
    let list = w.app.call("/api/invoices/list", &[("query[customer]", &cust)], Some(b)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["total"], 0);
    clean("invoices/list", &list);
    let bulk = w.app.call("/api/twikey/collect/bulk", &[("invoice_ids[a]", &open), ("invoice_ids[b]", &collected)], Some(b)).await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.body);
    assert_eq!(bulk.json(), serde_json::json!({"started": [], "skipped": [], "failed": []}));
    for endpoint in ["customers/list", "invoices/list", "invoices/customers", "subscriptions/list", "outbox/list", "dashboard"] {
        let r = w.app.call(&api(endpoint), &[], Some(b)).await;
        assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
        clean(endpoint, &r);
    }
    // B's pages for A's ids show nothing of A
    for path in [
        format!("/customers/{cust}"),
        format!("/customers/{cust}?tab=twikey"),
        format!("/customers/{cust}/edit"),
        format!("/invoices/{open}"),
        format!("/invoices/{draft}/edit"),
        format!("/subscriptions/{sub}"),
    ] {
        let r = w.app.get(&path, Some(b)).await;
        assert!(r.status.is_success() || r.status.is_client_error(), "{path}: {}", r.status);
        clean(&path, &r);
    }

    assert_eq!(snapshot(&w, &a).await, before, "A's records changed");
    let b_invoices: i64 = on_db!(w.app.state.db, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices WHERE company_id <> (SELECT company_id FROM users WHERE email = 'owner@test.be')"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(b_invoices, 0, "nothing was created for B from A's customer");
}
