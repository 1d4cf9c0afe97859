//! The invoice as a legal document: company details first, then the PDF and the Peppol
//! e-invoice of an issued invoice, frozen at issue, for its own company only.

use crate::helpers::world::World;
use encaisse::i18n::Msg;
use crate::helpers::{company_details, TestApp};
use http::StatusCode;

async fn issue_new(app: &TestApp, cookie: &str, customer: i64) -> crate::helpers::Reply {
    let customer = customer.to_string();
    app.call(
        "/api/invoices/save",
        &[
            ("input[customer_id]", customer.as_str()),
            ("input[issue_date]", "2026-11-20"),
            ("input[payment_term_days]", "30"),
            ("input[buyer_reference]", "PO-7781"),
            ("input[lines][0][description]", "Pain de campagne"),
            ("input[lines][0][quantity]", "12"),
            ("input[lines][0][unit_price]", "4.50"),
            ("input[lines][0][vat_rate]", "6"),
            ("input[lines][1][description]", "Location du four"),
            ("input[lines][1][quantity]", "1"),
            ("input[lines][1][unit_price]", "150"),
            ("input[lines][1][vat_rate]", "21"),
            ("issue", "true"),
        ],
        Some(cookie),
    )
    .await
}

fn pdf_text(bytes: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(bytes).expect("a readable PDF")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_is_issued_only_with_the_company_details_then_comes_as_pdf_and_e_invoice() {
    let app = TestApp::new().await;
    let cookie = app.signup_bare("Boulangerie", "owner@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;

    // Without the legal details: refused in one line, the draft kept.
    let refused = issue_new(&app, &cookie, anne).await;
    let location = refused.headers.get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(location.ends_with("?refused=company-details"), "to the kept draft, saying why: {} {location}", refused.status);
    let draft = refused.json().as_i64().unwrap();
    let issue_again = app.call("/api/invoices/issue", &[("id", &draft.to_string())], Some(&cookie)).await;
    assert_eq!(issue_again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", issue_again.body);
    assert!(issue_again.says(Msg::ErrCompanyDetailsMissing), "{}", issue_again.body);
    let drafts = app.call("/api/invoices/list", &[], Some(&cookie)).await.json();
    assert_eq!(drafts["rows"][0]["status"], "draft", "what was typed is kept: {drafts}");

    // Bad details: every problem at once.
    let bad = app
        .call("/api/company/save", &[("input[legal_name]", "X"), ("input[enterprise_number]", "0403.170.702"), ("input[bic]", "GKCC")], Some(&cookie))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["street", "enterprise_number", "iban", "bic"] {
        assert!(bad.body.contains(&format!("\"{field}\"")), "{field}: {}", bad.body);
    }
    let details = company_details("Boulangerie");
    let pairs: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.call("/api/company/save", &pairs, Some(&cookie)).await.status, StatusCode::OK);
    let view = app.call("/api/company/get", &[], Some(&cookie)).await.json();
    assert_eq!((view["complete"].as_bool(), view["input"]["enterprise_number"].as_str()), (Some(true), Some("0123.456.749")));

    let issued = issue_new(&app, &cookie, anne).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let id = issued.json().as_i64().unwrap();
    let detail = app.call("/api/invoices/get", &[("id", &id.to_string())], Some(&cookie)).await.json();
    let number = detail["invoice"]["number"].as_str().unwrap().to_string();
    let communication = detail["invoice"]["structured_communication"].as_str().unwrap().to_string();

    let pdf = app.get(&format!("/invoices/{id}/pdf"), Some(&cookie)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.headers["content-disposition"].to_str().unwrap().contains(&format!("{number}.pdf")));
    let text = pdf_text(&pdf.bytes);
    for mention in ["Anne Peeters", "PO-7781", communication.as_str(), number.as_str(), "Boulangerie SRL", "0123.456.749", "BE71 0961 2345 6769"] {
        assert!(text.contains(mention) || text.replace(' ', "").contains(&mention.replace(' ', "")), "{mention} missing from the PDF:\n{text}");
    }
    // Sent by e-mail with its PDF attached (here kept in the outbox: no SMTP configured).
    assert_eq!(app.call("/api/invoices/send", &[("id", &id.to_string())], Some(&cookie)).await.status, StatusCode::OK);
    let outbox = app.call("/api/outbox/list", &[], Some(&cookie)).await.json();
    assert_eq!(outbox[0]["attachment"], format!("{number}.pdf"), "{outbox}");
    // The same invoice gives the same document every time.
    assert_eq!(app.get(&format!("/invoices/{id}/pdf"), Some(&cookie)).await.bytes, pdf.bytes);

    // An individual is not reached over Peppol; the e-invoice is refused in words, not a 500.
    let ubl = app.get(&format!("/invoices/{id}/ubl"), Some(&cookie)).await;
    assert_eq!(ubl.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", ubl.body);

    // Details changed later: the issued invoice keeps the seller as it was.
    let moved: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| if *k == "input[street]" { (*k, "Avenue Louise 1") } else { (*k, *v) }).collect();
    assert_eq!(app.call("/api/company/save", &moved, Some(&cookie)).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/invoices/{id}/pdf"), Some(&cookie)).await.bytes, pdf.bytes, "frozen at issue");

    // Another company, or nobody: nothing.
    let other = app.signup("Other", "other@test.be").await;
    assert_eq!(app.get(&format!("/invoices/{id}/pdf"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/invoices/{id}/ubl"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    let anonymous = app.get(&format!("/invoices/{id}/pdf"), None).await;
    assert!(anonymous.status.is_redirection(), "{}", anonymous.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_invoice_collected_by_direct_debit_is_a_peppol_document_with_its_mandate() {
    let w = World::new().await;
    w.configure().await;
    let firm = w.company_customer().await;
    let prepared = w.prepare(firm).await;
    assert!(w.sign(&prepared, "BE68539007547034").await.is_success());
    w.settle().await; // the debtor's bank accepts the B2B mandate
    w.sync().await;
    let invoice = w.invoice(firm, "120").await;
    let transfer = w.app.get(&format!("/invoices/{invoice}/ubl"), Some(&w.cookie)).await;
    assert_eq!(transfer.status, StatusCode::OK, "{}", transfer.body);
    assert!(transfer.body.contains(">58</cbc:PaymentMeansCode>"), "{}", transfer.body);
    assert!(transfer.body.contains("schemeID=\"0208\">0403170701<"), "the buyer by its enterprise number");
    assert!(transfer.body.contains("mimeCode=\"application/pdf\""), "the PDF inside");
    assert_eq!(w.collect(invoice).await.status, StatusCode::OK);
    let debit = w.app.get(&format!("/invoices/{invoice}/ubl"), Some(&w.cookie)).await;
    assert!(debit.body.contains(">59</cbc:PaymentMeansCode>"), "{}", debit.body);
    let mandate = prepared["reference"].as_str().unwrap();
    assert!(debit.body.contains(&format!("<cbc:ID>{mandate}</cbc:ID>")), "the mandate: {}", debit.body);
    let pdf = w.app.get(&format!("/invoices/{invoice}/pdf"), Some(&w.cookie)).await;
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains(mandate) && text.contains("7034"), "the direct-debit sentence:\n{text}");
    assert!(!text.contains("BE68539007547034"), "never the whole debtor IBAN");
}

fn multipart(field: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "encaisse-test-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"logo\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logo_is_a_small_png_or_a_script_free_svg_of_the_company_itself() {
    let app = TestApp::new().await;
    let cookie = app.signup("A", "a@test.be").await;
    let upload = |file: Vec<u8>, cookie: Option<String>| {
        let app = &app;
        async move {
            let (content_type, body) = multipart("logo", &file);
            let mut req = http::Request::post("/settings/company/logo").header("content-type", content_type);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            app.send(req.body(axum::body::Body::from(body)).unwrap()).await
        }
    };
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#e67e22"/></svg>"##.to_vec();
    let saved = upload(svg.clone(), Some(cookie.clone())).await;
    assert_eq!(saved.headers["location"], "/settings/company?logo=saved");
    let shown = app.get("/settings/company/logo", Some(&cookie)).await;
    assert_eq!((shown.status, shown.headers["content-type"].to_str().unwrap()), (StatusCode::OK, "image/svg+xml"));
    assert_eq!(shown.bytes, svg);
    let scripted = upload(br#"<svg><script>alert(1)</script></svg>"#.to_vec(), Some(cookie.clone())).await;
    assert_eq!(scripted.headers["location"], "/settings/company?logo=invalid");
    assert_eq!(app.get("/settings/company/logo", Some(&cookie)).await.bytes, svg, "the refused file changed nothing");
    // nobody else's
    let other = app.signup("B", "b@test.be").await;
    assert_eq!(app.get("/settings/company/logo", Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert!(upload(svg, None).await.status.is_redirection());
}

/// A minimal SMTP server on 127.0.0.1 that keeps what it is sent (one message per session).
async fn smtp_catcher() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            keep.lock().unwrap().push(std::mem::take(&mut data));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoice_e_mail_carries_its_pdf_over_smtp() {
    let (port, got) = smtp_catcher().await;
    let app = TestApp::with_config(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let cookie = app.signup("Boulangerie", "owner@test.be").await;
    let anne = app.create_customer(&cookie, "Anne", "Peeters").await;
    let id = issue_new(&app, &cookie, anne).await.json().as_i64().unwrap();
    let sent = app.call("/api/invoices/send", &[("id", &id.to_string())], Some(&cookie)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let messages = got.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.contains("multipart/mixed"), "{m}");
    assert!(m.contains("application/pdf") && m.contains("filename=\"2026-0001.pdf\""), "{m}");
}
