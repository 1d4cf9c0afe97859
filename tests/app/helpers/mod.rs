//! A fresh Encaisse (router + SQLite file in a temp dir) per test, driven with `oneshot`.
#![allow(dead_code)]

pub mod process;
pub mod world;

use axum::body::Body;
use axum::Router;
use encaisse::server::config::Config;
use encaisse::server::{router, AppState};
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
    /// The body as received (PDFs and other binary answers).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// Where this answer sends the browser.
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
    /// The session cookie set by this reply (`name=value`), if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("encaisse_session=") && !c.starts_with("encaisse_session=;"))
            .map(|c| c.split(';').next().unwrap().to_string())
    }
    /// Whether the answer is an error that says `msg` (as the whole message or for a field).
    pub fn says(&self, msg: encaisse::i18n::Msg) -> bool {
        match serde_json::from_str::<encaisse::model::AppError>(&self.body) {
            Ok(encaisse::model::AppError::Invalid(fields)) => fields.iter().any(|f| f.msg == msg),
            Ok(err) => err.message() == msg,
            Err(_) => false,
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    /// A fresh app whose configuration `adjust` may change (e.g. the Twikey URL).
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(dir.path());
        adjust(&mut config);
        let state = AppState::build(config).await.unwrap();
        TestApp { router: router(state.clone()), state, _dir: dir }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        // A request that never answers fails its test instead of stalling the whole suite.
        let exchange = async {
            let res = self.router.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let headers = res.headers().clone();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), exchange).await.expect("no complete answer within 60 s")
    }

    /// Calls a server function the way the browser's client does (form-encoded POST).
    pub async fn call(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let body = form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Posts a form the way the browser does by itself, without the client: it wants a page
    /// back, and says which page the form was on.
    pub async fn plain_post(&self, path: &str, referer: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let body = form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("http://localhost{referer}"));
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Signs up a new company and returns its session cookie.
    pub async fn signup(&self, company: &str, email: &str) -> String {
        let reply = self
            .call("/api/signup", &[("company_name", company), ("name", "Owner"), ("email", email), ("password", "a-long-password")], None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "signup failed: {}", reply.body);
        let cookie = reply.session_cookie().expect("signup sets the session cookie");
        let details = company_details(company);
        let pairs: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let details = self.call("/api/company/save", &pairs, Some(&cookie)).await;
        assert_eq!(details.status, StatusCode::OK, "company details: {}", details.body);
        cookie
    }

    /// Signs up without filling the company details (invoices cannot be issued yet).
    pub async fn signup_bare(&self, company: &str, email: &str) -> String {
        let reply = self
            .call("/api/signup", &[("company_name", company), ("name", "Owner"), ("email", email), ("password", "a-long-password")], None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "signup failed: {}", reply.body);
        reply.session_cookie().expect("signup sets the session cookie")
    }

    /// Creates an individual customer and returns its id.
    pub async fn create_customer(&self, cookie: &str, first: &str, last: &str) -> i64 {
        let email = format!("{}@example.be", first.to_lowercase());
        let reply = self
            .call(
                "/api/customers/save",
                &[("input[kind]", "individual"), ("input[first_name]", first), ("input[last_name]", last), ("input[email]", &email)],
                Some(cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json().as_i64().expect("the new id")
    }
}

/// Valid legal details for a company (what a business fills in before its first invoice).
pub fn company_details(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("input[legal_name]", format!("{name} SRL")),
        ("input[street]", "Rue de la Loi 16".into()),
        ("input[postcode]", "1000".into()),
        ("input[city]", "Bruxelles".into()),
        ("input[country]", "BE".into()),
        ("input[enterprise_number]", "0123.456.749".into()),
        ("input[vat_regime]", "vat".into()),
        ("input[iban]", "BE71 0961 2345 6769".into()),
        ("input[bic]", "GKCCBEBB".into()),
        ("input[email]", "facturation@example.be".into()),
    ]
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An invoice dated today made through the editor's server function, a draft or issued; its id.
/// `lines`: description, quantity, unit price, VAT rate.
pub async fn new_invoice(app: &TestApp, cookie: &str, customer: i64, issue: bool, lines: &[(&str, &str, &str, &str)]) -> i64 {
    let mut form: Vec<(String, String)> = vec![
        ("input[customer_id]".into(), customer.to_string()),
        ("input[issue_date]".into(), chrono::Utc::now().date_naive().to_string()),
        ("input[payment_term_days]".into(), "30".into()),
        ("issue".into(), issue.to_string()),
    ];
    for (i, (d, q, p, v)) in lines.iter().enumerate() {
        for (k, val) in [("description", d), ("quantity", q), ("unit_price", p), ("vat_rate", v)] {
            form.push((format!("input[lines][{i}][{k}]"), val.to_string()));
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.call("/api/invoices/save", &pairs, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

/// A subscription (two lines, collected with Twikey) made through its server function; its id.
pub async fn new_subscription(app: &TestApp, cookie: &str, customer: i64, frequency: &str, start: &str, send: bool) -> i64 {
    let customer = customer.to_string();
    let reply = app
        .call(
            "/api/subscriptions/save",
            &[
                ("input[customer_id]", &customer),
                ("input[frequency]", frequency),
                ("input[start_date]", start),
                ("input[send_email]", if send { "true" } else { "false" }),
                ("input[collect_with_twikey]", "true"),
                ("input[lines][0][description]", "Coffee beans"),
                ("input[lines][0][quantity]", "2"),
                ("input[lines][0][unit_price]", "15"),
                ("input[lines][0][vat_rate]", "6"),
                ("input[lines][1][description]", "Machine rental"),
                ("input[lines][1][quantity]", "1"),
                ("input[lines][1][unit_price]", "20"),
                ("input[lines][1][vat_rate]", "21"),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json().as_i64().unwrap()
}
