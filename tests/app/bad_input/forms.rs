//! The form server functions never answer 5xx, whatever is posted; field errors name real fields.

use crate::helpers::world::{World, KEY};
use crate::helpers::{urlencode, Reply, TestApp};
use encaisse::api::AppError;
use http::{header, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::cell::Cell;
use std::collections::BTreeSet;
use super::{post, runner, runtime};

/// Values that mean something to some field, or are known troublemakers.
const SPECIAL: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-0",
    "-1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999999999",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    "1 000,00",
    "12,50",
    "12.50",
    "-12,50",
    "0,001",
    "0,005",
    "€ 12",
    "12.345.678,90",
    "4294967296",
    "true",
    "false",
    "on",
    "off",
    "yes",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "262143-12-31",
    "-0001-01-01",
    "2026-11-20T10:00:00Z",
    "2026-11-20",
    "individual",
    "company",
    "pause",
    "resume",
    "end",
    "fr",
    "nl",
    "en",
    "de",
    "xx",
    "cash",
    "bank_transfer",
    "other",
    "direct_debit",
    "BE68539007547034",
    "BE68 5390 0754 7034",
    "BE0403170701",
    "a@b.be",
    "A@B.BE ",
    "a@b",
    "%00",
    "%",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u{202e}evil",
    "\u{feff}",
    "🙂",
    "\0",
    "/",
    "//evil.example",
    "/customers",
    "1001",
    "1002",
    KEY,
    "21",
    "6",
    "12",
    "21%",
    "365",
    "366",
];

/// A field value: empty, anything, numbers of every size, special words, control characters,
/// long text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        3 => any::<String>(),
        3 => "[ -~]{0,40}",
        3 => "-?[0-9]{1,30}([.,][0-9]{0,5})?",
        4 => prop::sample::select(SPECIAL).prop_map(String::from),
        1 => "[\\x00-\\x1f\\x7f]{1,8}",
        1 => "\\PC{100,2000}",
        1 => (".{1,3}", 1usize..3000).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// Keys a well-behaved browser never sends.
const ODD_KEYS: &[&str] = &[
    "x",
    "input",
    "input[",
    "input]",
    "input[]",
    "input[[kind]]",
    "input[kind][]",
    "input[kind][x]",
    "input[lines]",
    "input[lines][]",
    "input[lines][-1][quantity]",
    "input[lines][x][quantity]",
    "input[lines][18446744073709551616][description]",
    "input[lines][4294967295][description]",
    "input[lines][0][0][0][0][0][0]",
    "query[page][x]",
    "id[]",
    "a[b][c][d][e][f][g]",
    "%5B",
    "[",
    "]",
    "=",
    "&",
    "invoice_ids[]",
    "invoice_ids[a][b]",
];

#[derive(Debug, Clone)]
struct FormCase {
    pairs: Vec<(String, String)>,
    /// raw text appended to the body as is (percent garbage, broken pairs)
    raw_tail: Option<String>,
    with_session: bool,
}

impl FormCase {
    fn body(&self) -> String {
        let mut body = self.pairs.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        if let Some(tail) = &self.raw_tail {
            body.push('&');
            body.push_str(tail);
        }
        body
    }

    /// How many lines the server can have seen (distinct indices under `input[lines]`).
    fn line_count(&self) -> usize {
        let mut indices = BTreeSet::new();
        for (k, _) in &self.pairs {
            if let Some(rest) = k.strip_prefix("input[lines][") {
                indices.insert(rest.split(']').next().unwrap_or("").to_string());
            }
        }
        indices.len()
    }
}

/// Values a real user would type, so some inputs are accepted and stored.
fn plausible(field: &str) -> &'static [&'static str] {
    let name = field.rsplit('[').next().unwrap_or(field).trim_end_matches(']');
    match name {
        "email" => &["owner@test.be", "anne@example.be", "Zoë.Dupont+factures@exemple.be"],
        "password" => &["a-long-password", "pässwörd-🙂-long-enough"],
        "company_name" | "name" | "first_name" | "last_name" | "city" | "street" => &["Zoë", "Brasserie Ça Va", "Ñandú 🙂", "O'Brien"],
        "kind" => &["individual", "company"],
        "language" | "lang" => &["fr", "nl", "en", "de"],
        "country" => &["BE", "be", "NL"],
        "vat_number" => &["BE0403170701", "0403.170.701"],
        "iban" => &["BE68539007547034", "BE68 5390 0754 7034"],
        "customer_id" => &["1", "2", "3"],
        "issue_date" | "start_date" | "date" => &["2026-11-20", "2027-02-28", "2026-01-31"],
        "end_date" => &["2027-12-31", "2026-01-01"],
        "payment_term_days" => &["0", "30", "365"],
        "amount" => &["1", "0,01", "12,50", "25"],
        "method" => &["cash", "bank_transfer", "other"],
        "reason" => &["Customer moved", "Doublon — annulé"],
        "frequency" => &["1", "3", "12"],
        "action" => &["pause", "resume", "end"],
        "b2c_ct" => &["1001"],
        "b2b_ct" => &["1002", ""],
        "api_key" => &[KEY, ""],
        "next" => &[
            "/",
            "/customers?q=é",
            "/\t/evil.example",
            "/\r\nSet-Cookie: x=y",
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/%0d%0a",
        ],
        "retry_after_days" => &["5", "60"],
        "retry_max" => &["1", "5"],
        _ => &[],
    }
}

/// What a field holds once decoded, so most inputs get past decoding to the validation.
fn typed_value(field: &str) -> BoxedStrategy<String> {
    let int = prop_oneof![4 => (1i64..6).prop_map(|i| i.to_string()), 1 => any::<i64>().prop_map(|i| i.to_string())];
    let well_typed = match field {
        "id" | "mandate_id" | "customer_id" | "invoice_id" | "invoice_ids[a]" | "invoice_ids[b]" => int.boxed(),
        "archived" | "issue" | "enabled" | "query[desc]" | "query[archived]" | "input[send_email]" | "input[collect_with_twikey]" => {
            prop::sample::select(&["true", "false"][..]).prop_map(String::from).boxed()
        }
        "query[page]" => (0u32..5).prop_map(|i| i.to_string()).boxed(),
        _ => match plausible(field) {
            [] => return value().boxed(),
            samples => prop::sample::select(samples).prop_map(String::from).boxed(),
        },
    };
    prop_oneof![4 => well_typed, 1 => value()].boxed()
}

/// A form for `fields` (each present or missing), optional editor lines, odd extra keys,
/// repeated keys and raw garbage.
fn form(fields: &'static [&'static str], lines: bool, always_session: bool) -> impl Strategy<Value = FormCase> {
    let line_value =
        |samples: &'static [&'static str]| prop_oneof![5 => prop::sample::select(samples).prop_map(String::from), 1 => value()];
    let good_line = (
        prop_oneof![4 => 0u32..4, 1 => any::<u32>()],
        line_value(&["Pain", "Croissants 🥐", "Ürün"]),
        line_value(&["1", "2,5", "-1", "0,001", "1000"]),
        line_value(&["12,50", "0", "-3", "999999,99", "0,005"]),
        line_value(&["0", "6", "12", "21", "21%"]),
    )
        .prop_map(|(i, d, q, p, v)| {
            let key = |sub: &str| format!("input[lines][{i}][{sub}]");
            vec![(key("description"), d), (key("quantity"), q), (key("unit_price"), p), (key("vat_rate"), v)]
        });
    let odd_line = (
        prop_oneof![4 => 0u32..4, 1 => any::<u32>()],
        prop::sample::select(&["description", "quantity", "unit_price", "vat_rate", "other"][..]),
        value(),
    )
        .prop_map(|(i, sub, v)| vec![(format!("input[lines][{i}][{sub}]"), v)]);
    let lines = if lines {
        prop::collection::vec(prop_oneof![3 => good_line, 1 => odd_line], 0..5).prop_map(|l| l.concat()).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    let extra_key = prop_oneof![prop::sample::select(ODD_KEYS).prop_map(String::from), "[a-z_\\[\\]0-9]{1,16}"];
    let values: Vec<_> = fields.iter().map(|f| prop::option::weighted(0.9, typed_value(f))).collect();
    (
        values,
        lines,
        prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec((extra_key, value()), 1..3)],
        prop::option::weighted(0.1, (any::<prop::sample::Index>(), value())),
        prop::option::weighted(
            0.05,
            prop::sample::select(
                &["%ZZ", "%", "a=%E9", "=", "&&&", "input[kind]=%FF%FE", "%5Binput%5D=1", "a[=b", "input[lines][0]=x"][..],
            ),
        ),
        prop::bool::weighted(if always_session { 1.0 } else { 0.8 }),
    )
        .prop_map(move |(values, lines, extras, dup, raw_tail, with_session)| {
            let mut pairs: Vec<(String, String)> = fields.iter().zip(values).filter_map(|(f, v)| v.map(|v| (f.to_string(), v))).collect();
            pairs.extend(lines);
            pairs.extend(extras);
            if let Some((i, v)) = dup {
                if !pairs.is_empty() {
                    let k = pairs[i.index(pairs.len())].0.clone();
                    pairs.push((k, v));
                }
            }
            FormCase { pairs, raw_tail: raw_tail.map(String::from), with_session }
        })
}

const LINE_FIELDS: [&str; 4] = ["desc", "qty", "price", "vat"];

/// Checks one answer: no 5xx; a redirect stays on the site; a 4xx is an `AppError` whose
/// field errors name fields of the form.
fn check(endpoint: &str, case: &FormCase, r: &Reply, fields: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(!r.status.is_server_error(), "{endpoint}: {} {}", r.status, r.body);
    if let Some(location) = r.headers.get(header::LOCATION) {
        // raw bytes: a `next` with non-ASCII characters is passed on as UTF-8
        let l = String::from_utf8_lossy(location.as_bytes());
        prop_assert!(
            l.starts_with('/') && !l.starts_with("//") && !l.contains('\\') && !l.chars().any(char::is_control),
            "{endpoint}: redirect to {l:?}"
        );
    }
    if r.status.is_client_error() {
        let err: AppError = serde_json::from_str(&r.body)
            .map_err(|e| TestCaseError::fail(format!("{endpoint}: {} body is not an AppError ({e}): {}", r.status, r.body)))?;
        if let AppError::Invalid(problems) = err {
            let lines = case.line_count();
            for p in problems {
                let is_line_field = p
                    .field
                    .split_once('-')
                    .is_some_and(|(kind, i)| LINE_FIELDS.contains(&kind) && i.parse::<usize>().is_ok_and(|i| i < lines));
                prop_assert!(fields.contains(&p.field.as_str()) || is_line_field, "{endpoint}: unknown field {:?} in {}", p.field, r.body);
            }
        }
    } else {
        prop_assert!(r.status == StatusCode::OK, "{endpoint}: {}", r.status);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_ok(), "{endpoint}: 200 but not JSON: {}", r.body);
    }
    Ok(())
}

struct Endpoint {
    path: &'static str,
    /// the keys the form posts
    form: &'static [&'static str],
    lines: bool,
    /// field names the server may name in `Invalid`
    fields: &'static [&'static str],
    public: bool,
}

const CUSTOMER_FORM: &[&str] = &[
    "id",
    "input[kind]",
    "input[first_name]",
    "input[last_name]",
    "input[company_name]",
    "input[vat_number]",
    "input[email]",
    "input[phone]",
    "input[language]",
    "input[street]",
    "input[postcode]",
    "input[city]",
    "input[country]",
    "input[customer_number]",
    "input[iban]",
];
const CUSTOMER_FIELDS: &[&str] = &[
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "vat_number",
    "email",
    "phone",
    "language",
    "street",
    "postcode",
    "city",
    "country",
    "customer_number",
    "iban",
];

const PUBLIC_FORMS: &[Endpoint] = &[
    Endpoint {
        path: "signup",
        form: &["company_name", "name", "email", "password"],
        lines: false,
        fields: &["company_name", "name", "email", "password"],
        public: true,
    },
    Endpoint { path: "login", form: &["email", "password", "next"], lines: false, fields: &[], public: true },
    Endpoint { path: "language", form: &["lang", "next"], lines: false, fields: &["lang"], public: true },
    Endpoint { path: "logout", form: &[], lines: false, fields: &[], public: true },
];

const INVOICING_FORMS: &[Endpoint] = &[
    Endpoint { path: "customers/save", form: CUSTOMER_FORM, lines: false, fields: CUSTOMER_FIELDS, public: false },
    Endpoint { path: "customers/archive", form: &["id", "archived"], lines: false, fields: &[], public: false },
    Endpoint { path: "customers/get", form: &["id"], lines: false, fields: &[], public: false },
    Endpoint {
        path: "customers/list",
        form: &["query[q]", "query[sort]", "query[desc]", "query[page]", "query[archived]"],
        lines: false,
        fields: &[],
        public: false,
    },
    Endpoint {
        path: "invoices/save",
        form: &["id", "input[customer_id]", "input[issue_date]", "input[payment_term_days]", "issue"],
        lines: true,
        fields: &["customer_id", "issue_date", "payment_term_days", "lines"],
        public: false,
    },
    Endpoint { path: "invoices/issue", form: &["id"], lines: false, fields: &[], public: false },
    Endpoint { path: "invoices/send", form: &["id"], lines: false, fields: &[], public: false },
    Endpoint {
        path: "invoices/pay",
        form: &["id", "input[amount]", "input[date]", "input[method]"],
        lines: false,
        fields: &["amount", "date", "method"],
        public: false,
    },
    Endpoint { path: "invoices/cancel", form: &["id", "reason"], lines: false, fields: &["reason"], public: false },
    Endpoint {
        path: "invoices/list",
        form: &["query[status]", "query[customer]", "query[from]", "query[to]", "query[q]", "query[page]"],
        lines: false,
        fields: &[],
        public: false,
    },
    Endpoint {
        path: "subscriptions/save",
        form: &[
            "input[customer_id]",
            "input[frequency]",
            "input[start_date]",
            "input[end_date]",
            "input[payment_term_days]",
            "input[send_email]",
            "input[collect_with_twikey]",
        ],
        lines: true,
        fields: &["customer_id", "frequency", "start_date", "end_date", "payment_term_days", "lines"],
        public: false,
    },
    Endpoint { path: "subscriptions/status", form: &["id", "action"], lines: false, fields: &[], public: false },
];

const TWIKEY_FORMS: &[Endpoint] = &[
    Endpoint {
        path: "twikey/save",
        form: &["api_key", "b2c_ct", "b2b_ct", "prenotify", "retry_enabled", "retry_after_days", "retry_max"],
        lines: false,
        fields: &["api_key", "b2c_ct", "b2b_ct", "retry_after_days", "retry_max"],
        public: false,
    },
    Endpoint { path: "twikey/test", form: &["api_key"], lines: false, fields: &["api_key"], public: false },
    Endpoint { path: "twikey/templates", form: &["api_key"], lines: false, fields: &["api_key"], public: false },
    Endpoint { path: "twikey/mandate/cancel", form: &["mandate_id", "reason"], lines: false, fields: &[], public: false },
    Endpoint { path: "twikey/mandate/invite", form: &["mandate_id"], lines: false, fields: &[], public: false },
    Endpoint { path: "twikey/mandate/prepare", form: &["customer_id"], lines: false, fields: &[], public: false },
    Endpoint { path: "twikey/customer", form: &["customer_id"], lines: false, fields: &[], public: false },
    Endpoint { path: "twikey/invoice", form: &["invoice_id"], lines: false, fields: &[], public: false },
    Endpoint { path: "twikey/collect", form: &["invoice_id"], lines: false, fields: &[], public: false },
    Endpoint { path: "twikey/collect/bulk", form: &["invoice_ids[a]", "invoice_ids[b]"], lines: false, fields: &[], public: false },
    Endpoint { path: "connections/twikey", form: &["enabled"], lines: false, fields: &[], public: false },
];

/// Runs `cases` hostile forms against each endpoint; returns the number of inputs tried.
fn fuzz_forms(rt: &tokio::runtime::Runtime, app: &TestApp, cookie: &str, endpoints: &[Endpoint], cases: u32) -> usize {
    let mut total = 0;
    for e in endpoints {
        let tried = Cell::new(0usize);
        let statuses = std::cell::RefCell::new(BTreeSet::new());
        let path = format!("/api/{}", e.path);
        runner(cases)
            .run(&form(e.form, e.lines, !e.public), |case| {
                tried.set(tried.get() + 1);
                let cookie = case.with_session.then_some(cookie);
                let r = rt.block_on(post(app, &path, case.body(), cookie));
                statuses.borrow_mut().insert(r.status.as_u16());
                check(e.path, &case, &r, e.fields)
            })
            .unwrap_or_else(|err| panic!("{}: {err}", e.path));
        eprintln!("{:<24} {:>4} inputs tried, statuses {:?}", e.path, tried.get(), statuses.borrow());
        total += tried.get();
    }
    total
}

#[test]
fn public_forms_never_fail_the_server() {
    let rt = runtime();
    let app = rt.block_on(TestApp::new());
    let cookie = rt.block_on(app.signup("Boulangerie", "owner@test.be"));
    let total = fuzz_forms(&rt, &app, &cookie, PUBLIC_FORMS, 100);
    eprintln!("public forms: {total} inputs tried");
}

#[test]
fn invoicing_forms_never_fail_the_server() {
    let rt = runtime();
    let app = rt.block_on(TestApp::new());
    let cookie = rt.block_on(async {
        let cookie = app.signup("Boulangerie", "owner@test.be").await;
        // records for the small ids the generator likes: customers 1..3, invoices, a subscription
        for name in ["Anne", "Bart", "Chloe"] {
            app.create_customer(&cookie, name, "Peeters").await;
        }
        for (customer, issue) in [("1", "true"), ("2", "true"), ("3", "false")] {
            let r = app
                .call(
                    "/api/invoices/save",
                    &[
                        ("input[customer_id]", customer),
                        ("input[lines][0][description]", "Bread"),
                        ("input[lines][0][quantity]", "2"),
                        ("input[lines][0][unit_price]", "12,50"),
                        ("input[lines][0][vat_rate]", "6"),
                        ("issue", issue),
                    ],
                    Some(&cookie),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let r = app
            .call(
                "/api/subscriptions/save",
                &[
                    ("input[customer_id]", "1"),
                    ("input[frequency]", "1"),
                    ("input[lines][0][description]", "Plan"),
                    ("input[lines][0][quantity]", "1"),
                    ("input[lines][0][unit_price]", "9"),
                    ("input[lines][0][vat_rate]", "21"),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        cookie
    });
    let total = fuzz_forms(&rt, &app, &cookie, INVOICING_FORMS, 128);
    eprintln!("invoicing forms: {total} inputs tried");
}

#[test]
fn twikey_forms_never_fail_the_server() {
    let rt = runtime();
    let w = rt.block_on(async {
        let w = World::new().await;
        w.configure().await;
        let anne = w.signed_customer("Anne").await; // customer 1, mandate 1
        let bart = w.app.create_customer(&w.cookie, "Bart", "Peeters").await;
        w.prepare(bart).await; // mandate 2
        w.invoice(anne, "25").await; // invoice 1
        w.invoice(anne, "30").await; // invoice 2
        w
    });
    let total = fuzz_forms(&rt, &w.app, &w.cookie, TWIKEY_FORMS, 64);
    eprintln!("Twikey forms: {total} inputs tried");
}

