//! The shape of the UBL documents, read back with quick-xml. That they pass the official Peppol
//! rules is checked by `tests/peppol_documents.rs`.

use super::*;
use crate::domain::document::examples::{self, summarise};
use crate::domain::document::{CreditSettlement, DocumentLine, VatBreakdown};
use quick_xml::Reader;

/// An element read back: name, attributes, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn parse(bytes: &[u8]) -> Node {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        let mut reader = Reader::from_str(text);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => stack.push(Node::start(&e)),
                Event::Empty(e) => {
                    let node = Node::start(&e);
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::End(_) => {
                    let node = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref().unwrap() {
                        Some(c) => c,
                        None => match &*r.decode().unwrap() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => panic!("unknown entity {other}"),
                        },
                    };
                    stack.last_mut().unwrap().text.push(c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "unclosed elements");
        let mut document = stack.pop().unwrap();
        assert_eq!(document.children.len(), 1, "one root element");
        document.children.pop().unwrap()
    }

    fn start(e: &BytesStart) -> Node {
        Node {
            name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attributes: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned(),
                    )
                })
                .collect(),
            ..Node::default()
        }
    }

    /// Every element at a path of child names (`cac:PaymentMeans/cbc:PaymentMeansCode`).
    fn all(&self, path: &str) -> Vec<&Node> {
        let mut nodes = vec![self];
        for step in path.split('/') {
            nodes = nodes.into_iter().flat_map(|n| n.children.iter().filter(|c| c.name == step)).collect();
        }
        nodes
    }

    fn get(&self, path: &str) -> &Node {
        let found = self.all(path);
        assert_eq!(found.len(), 1, "{path}: {} found", found.len());
        found[0]
    }

    fn text(&self, path: &str) -> String {
        self.get(path).text.trim().to_string()
    }

    fn has(&self, path: &str) -> bool {
        !self.all(path).is_empty()
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Element names in document order (to check the UBL sequence).
    fn child_names(&self) -> Vec<&str> {
        self.children.iter().map(|c| c.name.as_str()).collect()
    }
}

fn read(doc: &Document) -> Node {
    Node::parse(&render(doc, None).expect("renders"))
}

fn line(description: &str, quantity_milli: i64, unit_price_cents: i64, vat_rate: u8, category: VatCategory) -> DocumentLine {
    let amount_cents = div_round_half_away(quantity_milli as i128 * unit_price_cents as i128, 1000) as i64;
    DocumentLine { description: description.into(), quantity_milli, unit_price_cents, vat_rate, category, amount_cents }
}

fn with_lines(mut doc: Document, lines: Vec<DocumentLine>) -> Document {
    let (vat_breakdown, totals) = summarise(&lines, 0);
    doc.lines = lines;
    doc.vat_breakdown = vat_breakdown;
    doc.totals = totals;
    doc
}

#[test]
fn an_invoice_paid_by_transfer() {
    let doc = examples::invoice();
    let x = read(&doc);
    assert_eq!(x.name, "Invoice");
    assert_eq!(x.attr("xmlns"), Some(NS_INVOICE));
    assert_eq!(x.text("cbc:CustomizationID"), CUSTOMIZATION_ID);
    assert_eq!(x.text("cbc:ProfileID"), PROFILE_ID);
    assert_eq!(x.text("cbc:ID"), "2026-0042");
    assert_eq!(x.text("cbc:IssueDate"), "2026-12-01");
    assert_eq!(x.text("cbc:DueDate"), "2026-12-31");
    assert_eq!(x.text("cbc:InvoiceTypeCode"), "380");
    assert_eq!(x.text("cbc:DocumentCurrencyCode"), "EUR");
    assert_eq!(x.text("cbc:BuyerReference"), "PO-7781");
    assert_eq!(x.text("cbc:Note"), "Merci pour votre confiance.");
    assert_eq!(x.text("cac:Delivery/cbc:ActualDeliveryDate"), "2026-11-28");
    assert!(!x.has("cac:BillingReference"));

    let means = x.get("cac:PaymentMeans");
    assert_eq!(means.text("cbc:PaymentMeansCode"), "58");
    assert_eq!(means.text("cbc:PaymentID"), "+++090/9337/55493+++");
    assert_eq!(means.text("cac:PayeeFinancialAccount/cbc:ID"), "BE68539007547034");
    assert_eq!(means.text("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"), "GKCCBEBB");
    assert!(!means.has("cac:PaymentMandate"));

    let seller = x.get("cac:AccountingSupplierParty/cac:Party");
    assert_eq!(seller.text("cbc:EndpointID"), "0123456749");
    assert_eq!(seller.get("cbc:EndpointID").attr("schemeID"), Some("0208"));
    assert_eq!(seller.text("cac:PartyTaxScheme/cbc:CompanyID"), "BE0123456749");
    assert_eq!(seller.text("cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"), "VAT");
    assert_eq!(seller.text("cac:PartyLegalEntity/cbc:RegistrationName"), "Boulangerie Dupont SRL");
    assert_eq!(seller.get("cac:PartyLegalEntity/cbc:CompanyID").attr("schemeID"), Some("0208"));
    assert_eq!(seller.text("cac:PostalAddress/cac:Country/cbc:IdentificationCode"), "BE");
    let buyer = x.get("cac:AccountingCustomerParty/cac:Party");
    assert_eq!(buyer.text("cbc:EndpointID"), "0403170701");
    assert_eq!(buyer.text("cac:PartyTaxScheme/cbc:CompanyID"), "BE0403170701");
    assert_eq!(buyer.text("cac:Contact/cbc:ElectronicMail"), "compta@parc.be");

    // 12 × 4.50 = 54.00 at 6 %; 150.00 + 2.5 × 19.99 = 49.975 → 49.98 at 21 %
    let subtotals = x.all("cac:TaxTotal/cac:TaxSubtotal");
    let summary: Vec<(String, String, String, String)> = subtotals
        .iter()
        .map(|s| {
            (s.text("cac:TaxCategory/cbc:ID"), s.text("cac:TaxCategory/cbc:Percent"), s.text("cbc:TaxableAmount"), s.text("cbc:TaxAmount"))
        })
        .collect();
    assert_eq!(
        summary,
        [("S".into(), "6".into(), "54.00".into(), "3.24".into()), ("S".into(), "21".into(), "199.98".into(), "42.00".into())]
    );
    assert_eq!(x.text("cac:TaxTotal/cbc:TaxAmount"), "45.24");
    assert_eq!(x.text("cac:LegalMonetaryTotal/cbc:LineExtensionAmount"), "253.98");
    assert_eq!(x.text("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), "299.22");
    assert_eq!(x.text("cac:LegalMonetaryTotal/cbc:PayableAmount"), "299.22");
    assert!(!x.has("cac:LegalMonetaryTotal/cbc:PrepaidAmount"));

    let lines = x.all("cac:InvoiceLine");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2].text("cbc:ID"), "3");
    assert_eq!(lines[2].text("cbc:InvoicedQuantity"), "2.5");
    assert_eq!(lines[2].get("cbc:InvoicedQuantity").attr("unitCode"), Some("C62"));
    assert_eq!(lines[2].text("cbc:LineExtensionAmount"), "49.98");
    assert_eq!(lines[2].text("cac:Price/cbc:PriceAmount"), "19.99");
    assert_eq!(lines[2].text("cac:Item/cbc:Name"), "Livraison");
    assert_eq!(lines[2].text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID"), "S");
    assert_eq!(lines[2].text("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"), "21");
    assert_eq!(lines[0].get("cbc:LineExtensionAmount").attr("currencyID"), Some("EUR"));
}

#[test]
fn the_elements_come_in_the_ubl_order() {
    let x = Node::parse(&render(&examples::invoice(), Some(b"%PDF-1.7")).unwrap());
    assert_eq!(
        x.child_names(),
        [
            "cbc:CustomizationID",
            "cbc:ProfileID",
            "cbc:ID",
            "cbc:IssueDate",
            "cbc:DueDate",
            "cbc:InvoiceTypeCode",
            "cbc:Note",
            "cbc:DocumentCurrencyCode",
            "cbc:BuyerReference",
            "cac:AdditionalDocumentReference",
            "cac:AccountingSupplierParty",
            "cac:AccountingCustomerParty",
            "cac:Delivery",
            "cac:PaymentMeans",
            "cac:TaxTotal",
            "cac:LegalMonetaryTotal",
            "cac:InvoiceLine",
            "cac:InvoiceLine",
            "cac:InvoiceLine",
        ]
    );
    let x = Node::parse(&render(&examples::credit_note(), None).unwrap());
    assert_eq!(
        x.child_names(),
        [
            "cbc:CustomizationID",
            "cbc:ProfileID",
            "cbc:ID",
            "cbc:IssueDate",
            "cbc:CreditNoteTypeCode",
            "cbc:Note",
            "cbc:DocumentCurrencyCode",
            "cbc:BuyerReference",
            "cac:BillingReference",
            "cac:AccountingSupplierParty",
            "cac:AccountingCustomerParty",
            "cac:PaymentMeans",
            "cac:TaxTotal",
            "cac:LegalMonetaryTotal",
            "cac:CreditNoteLine",
        ]
    );
}

#[test]
fn direct_debit_carries_the_mandate_and_the_debtor_account() {
    let doc = examples::direct_debit_invoice();
    let x = read(&doc);
    let means = x.get("cac:PaymentMeans");
    assert_eq!(means.text("cbc:PaymentMeansCode"), "59");
    assert_eq!(means.text("cbc:PaymentID"), "+++090/9337/55493+++");
    assert_eq!(means.text("cac:PaymentMandate/cbc:ID"), "SBX00012");
    assert_eq!(means.text("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"), "BE71096123456769");
    assert!(!means.has("cac:PayeeFinancialAccount"));
    assert_eq!(x.text("cac:PaymentTerms/cbc:Note"), "SEPA-domiciliëring (mandaat SBX00012): inning gepland op 06/12/2026.");
    // An individual: no enterprise or VAT number, reached (if ever) by the IBAN it pays from.
    let buyer = x.get("cac:AccountingCustomerParty/cac:Party");
    assert_eq!(buyer.text("cbc:EndpointID"), "BE71096123456769");
    assert_eq!(buyer.get("cbc:EndpointID").attr("schemeID"), Some("9918"));
    assert!(!buyer.has("cac:PartyTaxScheme"));
    assert!(!buyer.has("cac:PartyLegalEntity/cbc:CompanyID"));
    assert_eq!(buyer.text("cac:PartyLegalEntity/cbc:RegistrationName"), "Anne Peeters");
    // No reference of the buyer's own: the invoice number.
    assert_eq!(x.text("cbc:BuyerReference"), "2026-0042");
}

#[test]
fn an_individual_paying_by_transfer_has_no_peppol_address() {
    let mut doc = examples::invoice();
    doc.buyer = examples::individual_buyer();
    assert!(matches!(render(&doc, None), Err(UblError::BuyerWithoutElectronicAddress)));
}

#[test]
fn a_credit_note_refers_to_its_invoice() {
    let doc = examples::credit_note();
    let x = read(&doc);
    assert_eq!(x.name, "CreditNote");
    assert_eq!(x.attr("xmlns"), Some(NS_CREDIT_NOTE));
    assert_eq!(x.text("cbc:CreditNoteTypeCode"), "381");
    assert!(!x.has("cbc:InvoiceTypeCode") && !x.has("cbc:DueDate"));
    assert_eq!(x.text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"), "2026-0042");
    assert_eq!(x.text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate"), "2026-12-01");
    assert_eq!(x.text("cac:PaymentMeans/cbc:PaymentDueDate"), "2026-12-31");
    let lines = x.all("cac:CreditNoteLine");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].text("cbc:CreditedQuantity"), "2.5");
    assert_eq!(lines[0].text("cbc:LineExtensionAmount"), "49.98");
    assert_eq!(x.text("cac:LegalMonetaryTotal/cbc:PayableAmount"), "60.48");

    let mut without = doc.clone();
    without.credited_invoice = None;
    assert!(matches!(render(&without, None), Err(UblError::CreditNoteWithoutInvoice)));
}

#[test]
fn a_small_business_is_exempt_with_the_legal_mention() {
    let doc = examples::small_business_invoice();
    let x = read(&doc);
    let subtotals = x.all("cac:TaxTotal/cac:TaxSubtotal");
    assert_eq!(subtotals.len(), 1);
    let category = subtotals[0].get("cac:TaxCategory");
    assert_eq!(category.text("cbc:ID"), "E");
    assert_eq!(category.text("cbc:Percent"), "0");
    assert_eq!(category.text("cbc:TaxExemptionReason"), small_business_mention(Lang::Fr));
    assert!(!category.has("cbc:TaxExemptionReasonCode"));
    assert_eq!(subtotals[0].text("cbc:TaxAmount"), "0.00");
    // No VAT number: the enterprise number as tax registration (BT-32).
    let seller = x.get("cac:AccountingSupplierParty/cac:Party");
    assert_eq!(seller.text("cac:PartyTaxScheme/cbc:CompanyID"), "0123456749");
    assert_eq!(seller.text("cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"), "TAX");
    for l in x.all("cac:InvoiceLine") {
        assert_eq!(l.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID"), "E");
        assert_eq!(l.text("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"), "0");
    }
}

#[test]
fn all_exempt_lines_share_one_breakdown_with_their_reasons() {
    let doc = with_lines(
        examples::invoice(),
        vec![
            line("Formation", 1_000, 50_000, 0, VatCategory::Exempt { reason: "Art. 44 § 2, 4° Code TVA".into() }),
            line("Soins", 2_000, 3_000, 0, VatCategory::Exempt { reason: "Art. 44 § 1 Code TVA".into() }),
            line("Formation bis", 1_000, 100, 0, VatCategory::Exempt { reason: "Art. 44 § 2, 4° Code TVA".into() }),
            line("Pain", 1_000, 1_000, 6, VatCategory::Standard),
            line("Graines", 1_000, 500, 0, VatCategory::Zero),
        ],
    );
    assert_eq!(doc.vat_breakdown.iter().filter(|b| b.category.code() == "E").count(), 2);
    let x = read(&doc);
    let subtotals = x.all("cac:TaxTotal/cac:TaxSubtotal");
    let codes: Vec<String> = subtotals.iter().map(|s| s.text("cac:TaxCategory/cbc:ID")).collect();
    assert_eq!(codes, ["E", "S", "Z"]);
    assert_eq!(subtotals[0].text("cbc:TaxableAmount"), "561.00");
    assert_eq!(subtotals[0].text("cac:TaxCategory/cbc:TaxExemptionReason"), "Art. 44 § 2, 4° Code TVA — Art. 44 § 1 Code TVA");
    assert!(!subtotals[2].has("cac:TaxCategory/cbc:TaxExemptionReason"));
}

#[test]
fn reverse_charge_needs_both_vat_numbers() {
    let doc = with_lines(examples::invoice(), vec![line("Travaux immobiliers", 10_000, 4_500, 0, VatCategory::ReverseCharge)]);
    let x = read(&doc);
    let category = x.get("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory");
    assert_eq!(category.text("cbc:ID"), "AE");
    assert_eq!(category.text("cbc:Percent"), "0");
    assert_eq!(category.text("cbc:TaxExemptionReasonCode"), "VATEX-EU-AE");
    assert_eq!(category.text("cbc:TaxExemptionReason"), reverse_charge_mention(Lang::Fr));
    assert_eq!(x.text("cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"), "BE0403170701");

    let mut no_buyer_vat = doc.clone();
    no_buyer_vat.buyer.vat_number = None;
    assert!(matches!(render(&no_buyer_vat, None), Err(UblError::ReverseChargeWithoutVatNumbers)));
    let mut no_seller_vat = doc;
    no_seller_vat.seller.vat_number = None;
    assert!(matches!(render(&no_seller_vat, None), Err(UblError::ReverseChargeWithoutVatNumbers)));
}

#[test]
fn the_pdf_travels_inside() {
    let pdf = b"%PDF-1.7\n\x00\x01\xff binary %%EOF";
    let doc = examples::invoice();
    let x = Node::parse(&render(&doc, Some(pdf)).unwrap());
    let reference = x.get("cac:AdditionalDocumentReference");
    assert_eq!(reference.text("cbc:ID"), "2026-0042");
    let object = reference.get("cac:Attachment/cbc:EmbeddedDocumentBinaryObject");
    assert_eq!(object.attr("mimeCode"), Some("application/pdf"));
    assert_eq!(object.attr("filename"), Some("2026-0042.pdf"));
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(object.text.trim()).unwrap(), pdf);
    assert!(!read(&doc).has("cac:AdditionalDocumentReference"));
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    for doc in [examples::invoice(), examples::direct_debit_invoice(), examples::credit_note(), examples::small_business_invoice()] {
        let a = render(&doc, Some(b"%PDF")).unwrap();
        let b = render(&doc.clone(), Some(b"%PDF")).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    }
}

#[test]
fn text_is_escaped_and_cleaned() {
    let mut doc = examples::invoice();
    doc.buyer.name = "Dupont & Fils <SA> \"l'atelier\"".into();
    doc.footer = Some("  Merci\u{0007} & à bientôt  ".into());
    doc.lines[0].description = "Pain <bio>\nCuit au feu de bois".into();
    let bytes = render(&doc, None).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("Dupont &amp; Fils &lt;SA&gt;"));
    let x = Node::parse(&bytes);
    assert_eq!(x.text("cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name"), "Dupont & Fils <SA> \"l'atelier\"");
    assert_eq!(x.text("cbc:Note"), "Merci & à bientôt");
    let first = &x.all("cac:InvoiceLine")[0];
    assert_eq!(first.text("cac:Item/cbc:Name"), "Pain <bio>");
    assert_eq!(first.text("cac:Item/cbc:Description"), "Pain <bio>\nCuit au feu de bois");
    // Empty optional texts are left out (Peppol R008: no empty elements).
    doc.footer = Some("   ".into());
    doc.buyer.address.street = String::new();
    let x = read(&doc);
    assert!(!x.has("cbc:Note"));
    assert!(!x.has("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:StreetName"));
}

#[test]
fn amounts_and_quantities_are_written_exactly() {
    assert_eq!(amount(0), "0.00");
    assert_eq!(amount(5), "0.05");
    assert_eq!(amount(123_456), "1234.56");
    assert_eq!(amount(-1_005), "-10.05");
    assert_eq!(quantity(12_000), "12");
    assert_eq!(quantity(2_500), "2.5");
    assert_eq!(quantity(333), "0.333");
    assert_eq!(quantity(1_050), "1.05");
    assert_eq!(quantity(-5), "-0.005");
}

#[test]
fn a_negative_price_is_written_as_a_negative_quantity() {
    let mut lines = examples::invoice().lines;
    lines.push(line("Remise fidélité", 1_000, -1_000, 21, VatCategory::Standard));
    let doc = with_lines(examples::invoice(), lines);
    let x = read(&doc);
    let discount = x.all("cac:InvoiceLine")[3];
    assert_eq!(discount.text("cbc:InvoicedQuantity"), "-1");
    assert_eq!(discount.text("cac:Price/cbc:PriceAmount"), "10.00");
    assert_eq!(discount.text("cbc:LineExtensionAmount"), "-10.00");
}

#[test]
fn enterprise_numbers_are_checked_and_normalised() {
    assert!(is_enterprise_number("0403170701"));
    assert!(is_enterprise_number("0123456749"));
    assert!(!is_enterprise_number("0403170702"));
    assert!(!is_enterprise_number("403170701"));
    assert_eq!(enterprise_digits("BE 0403.170.701"), "0403170701");
    assert_eq!(enterprise_digits("403.170.701"), "0403170701");

    let mut doc = examples::invoice();
    doc.buyer.enterprise_number = Some("0403.170.701".into());
    doc.buyer.vat_number = Some("be 0403 170 701".into());
    let x = read(&doc);
    assert_eq!(x.text("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"), "0403170701");
    assert_eq!(x.text("cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"), "BE0403170701");

    // Only the VAT number known: the enterprise number is inside it.
    doc.buyer.enterprise_number = None;
    let x = read(&doc);
    assert_eq!(x.text("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"), "0403170701");
    assert_eq!(x.text("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"), "0403170701");

    // A Dutch company: its VAT number under the Dutch VAT scheme.
    doc.buyer.vat_number = Some("NL123456789B01".into());
    doc.buyer.address.country = "NL".into();
    let x = read(&doc);
    assert_eq!(x.get("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID").attr("schemeID"), Some("9944"));

    doc.buyer.enterprise_number = Some("0403170702".into());
    assert!(matches!(render(&doc, None), Err(UblError::Invalid { .. })));
    let mut doc = examples::invoice();
    doc.seller.enterprise_number = None;
    doc.seller.vat_number = None;
    assert!(matches!(render(&doc, None), Err(UblError::Missing(_))));
}

#[test]
fn documents_that_do_not_add_up_are_refused() {
    let mut doc = examples::invoice();
    doc.totals.vat_cents += 1;
    doc.totals.incl_vat_cents += 1;
    doc.totals.payable_cents += 1;
    assert!(matches!(render(&doc, None), Err(UblError::Inconsistent(_))));

    let mut doc = examples::invoice();
    doc.lines[0].amount_cents += 1;
    assert!(matches!(render(&doc, None), Err(UblError::Inconsistent(_))));

    let mut doc = examples::invoice();
    doc.vat_breakdown[1].vat_cents += 1;
    doc.totals.vat_cents += 1;
    doc.totals.incl_vat_cents += 1;
    doc.totals.payable_cents += 1;
    assert!(matches!(render(&doc, None), Err(UblError::Inconsistent(_))));

    let mut doc = examples::invoice();
    doc.vat_breakdown.push(VatBreakdown { category: VatCategory::Zero, rate: 0, base_cents: 0, vat_cents: 0 });
    assert!(matches!(render(&doc, None), Err(UblError::Inconsistent(_))));

    let mut doc = examples::small_business_invoice();
    doc.lines[0].category = VatCategory::Standard;
    doc.lines[0].vat_rate = 6;
    let doc = with_lines(doc.clone(), doc.lines.clone());
    assert!(matches!(render(&doc, None), Err(UblError::VatWithoutSellerVatNumber)));
}

#[test]
fn prepaid_amounts_are_shown() {
    let mut doc = examples::invoice();
    doc.totals.prepaid_cents = 10_000;
    doc.totals.payable_cents -= 10_000;
    let x = read(&doc);
    assert_eq!(x.text("cac:LegalMonetaryTotal/cbc:PrepaidAmount"), "100.00");
    assert_eq!(x.text("cac:LegalMonetaryTotal/cbc:PayableAmount"), "199.22");
}

#[test]
fn credit_note_settlements_keep_the_payment_means() {
    let mut doc = examples::credit_note();
    doc.payment = examples::direct_debit_invoice().payment;
    doc.credited_invoice.as_mut().unwrap().settlement = CreditSettlement::RefundedByTwikey;
    let x = read(&doc);
    assert_eq!(x.text("cac:PaymentMeans/cbc:PaymentMeansCode"), "59");
    assert_eq!(x.text("cac:PaymentMeans/cac:PaymentMandate/cbc:ID"), "SBX00012");
}

#[test]
fn file_names_follow_the_number() {
    assert_eq!(file_name(&examples::credit_note()), "CN-2026-0003.xml");
    assert_eq!(safe_file_stem("2026/01 a"), "2026_01_a");
}
