//! A company connected to an in-process twikey-sandbox, with helpers for the Twikey tests.

use super::TestApp;
use encaisse::on_db;
use twikey_sandbox::{self as sandbox, SandboxConfig, SandboxHandle};
use encaisse::server::twikey::sync;
use http::StatusCode;
use serde_json::Value;
use std::time::Duration;

pub const KEY: &str = "sandbox-api-key";

pub struct World {
    pub app: TestApp,
    pub sandbox: SandboxHandle,
    pub cookie: String,
    pub http: reqwest::Client,
}

impl World {
    pub async fn new() -> World {
        let sandbox = sandbox::spawn(SandboxConfig { settle_after: Duration::from_secs(3600), ..Default::default() }).await.unwrap();
        World::with_sandbox(sandbox).await
    }

    pub async fn with_sandbox(sandbox: SandboxHandle) -> World {
        Self::with_sandbox_and_config(sandbox, |_| {}).await
    }

    /// A world whose app configuration `adjust` may change (e.g. a short Twikey timeout).
    pub async fn with_sandbox_and_config(sandbox: SandboxHandle, adjust: impl FnOnce(&mut encaisse::server::config::Config)) -> World {
        let api = sandbox.api_base_url();
        let app = TestApp::with_config(|c| {
            c.twikey_api_url = api.parse().unwrap();
            adjust(c);
        })
        .await;
        let cookie = app.signup("Boulangerie", "owner@test.be").await;
        World { app, sandbox, cookie, http: reqwest::Client::new() }
    }

    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> super::Reply {
        self.app.call(path, form, Some(&self.cookie)).await
    }

    pub async fn configure(&self) {
        assert_eq!(self.call("/api/connections/twikey", &[("enabled", "true")]).await.status, StatusCode::OK);
        let r = self.call("/api/twikey/save", &[("api_key", KEY), ("b2c_ct", "1001"), ("b2b_ct", "1002"), ("prenotify", "on")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    pub async fn company_id(&self) -> i64 {
        on_db!(self.app.state.db, |ex| sqlx::query_scalar("SELECT id FROM companies WHERE name = 'Boulangerie'").fetch_one(ex).await)
            .unwrap()
    }

    pub async fn company_customer(&self) -> i64 {
        let r = self
            .call(
                "/api/customers/save",
                &[
                    ("input[kind]", "company"),
                    ("input[company_name]", "Brasserie du Parc"),
                    ("input[vat_number]", "BE0403170701"),
                    ("input[email]", "info@parc.be"),
                ],
            )
            .await;
        r.json().as_i64().unwrap()
    }

    pub async fn mandates(&self, customer: i64) -> Vec<Value> {
        let r = self.call("/api/twikey/customer", &[("customer_id", &customer.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["mandates"].as_array().unwrap().clone()
    }

    pub async fn prepare(&self, customer: i64) -> Value {
        let r = self.call("/api/twikey/mandate/prepare", &[("customer_id", &customer.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        self.mandates(customer).await.into_iter().find(|m| m["state"] == "prepared").expect("a prepared mandate")
    }

    /// Signs on the sandbox's page, as the debtor would.
    pub async fn sign(&self, mandate: &Value, iban: &str) -> reqwest::StatusCode {
        let url = mandate["sign_url"].as_str().unwrap();
        self.http.post(url).form(&[("iban", iban), ("bic", "KREDBEBB")]).send().await.unwrap().status()
    }

    pub async fn sync(&self) -> usize {
        sync::sync_now(&self.app.state, self.company_id().await).await.expect("sync")
    }

    /// A customer with a signed mandate (prepared, signed on the sandbox's page, synced).
    pub async fn signed_customer(&self, first: &str) -> i64 {
        let id = self.app.create_customer(&self.cookie, first, "Debtor").await;
        let prepared = self.prepare(id).await;
        assert!(self.sign(&prepared, "BE68539007547034").await.is_success());
        self.sync().await;
        assert_eq!(self.mandates(id).await[0]["state"], "signed");
        id
    }

    /// An issued invoice of one line of `euros` (no VAT), returns its id.
    pub async fn invoice(&self, customer: i64, euros: &str) -> i64 {
        let customer = customer.to_string();
        let r = self
            .call(
                "/api/invoices/save",
                &[
                    ("input[customer_id]", &customer),
                    ("input[issue_date]", "2026-11-20"),
                    ("input[payment_term_days]", "30"),
                    ("input[lines][0][description]", "Bread subscription"),
                    ("input[lines][0][quantity]", "1"),
                    ("input[lines][0][unit_price]", euros),
                    ("input[lines][0][vat_rate]", "0"),
                    ("issue", "true"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json().as_i64().unwrap()
    }

    pub async fn invoice_twikey(&self, invoice: i64) -> Value {
        let r = self.call("/api/twikey/invoice", &[("invoice_id", &invoice.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }

    pub async fn invoice_detail(&self, invoice: i64) -> Value {
        self.call("/api/invoices/get", &[("id", &invoice.to_string())]).await.json()
    }

    pub async fn collect(&self, invoice: i64) -> super::Reply {
        self.call("/api/twikey/collect", &[("invoice_id", &invoice.to_string())]).await
    }

    pub async fn settle(&self) {
        self.http.post(format!("{}/_sandbox/settle", self.sandbox.url())).send().await.unwrap();
    }

    /// Sets template options of a sandbox creditor (`auto_send`, `reoffers`): how the Twikey
    /// profile sends to the bank and how often its dunning offers a failure again.
    pub async fn sandbox_template(&self, options: Value) {
        let r = self.http.post(format!("{}/_sandbox/templates", self.sandbox.url())).json(&options).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }

    /// The scheduler's collection batches for the company, as of `day`.
    pub async fn send_batches(&self, day: chrono::NaiveDate) -> usize {
        encaisse::server::twikey::batches::send_due(&self.app.state, self.company_id().await, day).await.expect("batches")
    }

    pub fn today() -> chrono::NaiveDate {
        encaisse::domain::time::brussels_today(chrono::Utc::now())
    }

    pub async fn fault(&self, fault: Value) {
        self.http.post(format!("{}/_sandbox/faults", self.sandbox.url())).json(&fault).send().await.unwrap();
    }

    pub async fn emails(&self) -> Vec<Value> {
        self.http.get(format!("{}/_sandbox/emails", self.sandbox.url())).send().await.unwrap().json().await.unwrap()
    }

    pub async fn list_marks(&self) -> Vec<Value> {
        let list = self.call("/api/customers/list", &[]).await.json();
        assert_eq!(list["twikey_enabled"], true);
        list["rows"].as_array().unwrap().iter().map(|r| r["twikey"].clone()).collect()
    }
}
