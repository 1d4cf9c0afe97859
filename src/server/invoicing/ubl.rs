//! The invoice or credit note as a Peppol BIS Billing 3.0 e-invoice: a UBL 2.1 `Invoice` (type
//! 380) or `CreditNote` (type 381), the PDF inside it.
//!
//! Since 1 January 2026 a Belgian business must send its invoices to Belgian businesses in this
//! form over Peppol, and every access point rejects a document that fails the EN 16931 or Peppol
//! rules. [`render`] therefore checks the [`Document`] first (identifiers, categories, totals
//! adding up to the cent) and refuses with a [`UblError`] rather than write a document a
//! receiver would reject; what it writes passes the official rules (`tests/peppol_documents.rs`
//! runs them on the fixtures and on ~100 generated documents).
//!
//! How the Belgian facts are written:
//! - parties: the enterprise number (KBO/BCE) as `EndpointID` and `PartyLegalEntity/CompanyID`,
//!   scheme `0208` (taken from a `BE` VAT number when only that is known); the VAT number in
//!   `PartyTaxScheme` (`VAT`). A seller without a VAT number (small business, art. 56bis) has its
//!   enterprise number as tax registration (`PartyTaxScheme` `TAX`, BT-32), which EN 16931 asks
//!   for on exempt lines.
//! - an individual buyer (no enterprise or VAT number) has no Peppol address, and Peppol does not
//!   accept an e-mail address (`EM` is not in its list of address schemes, rule CL008). When the
//!   invoice is collected by direct debit the buyer's IBAN is used (scheme `9918`, IBAN); without
//!   one there is no honest identifier and [`UblError::BuyerWithoutElectronicAddress`] is returned
//!   (individuals are not reached over Peppol anyway: send them the PDF).
//! - `BuyerReference`: the buyer's reference, else the document number.
//! - VAT categories: `S` per rate, `Z`, one `E` breakdown for all exempt lines (the legal reasons,
//!   joined; the small-business mention for art. 56bis), `AE` with `VATEX-EU-AE` and the
//!   reverse-charge mention, needing the seller's and the buyer's VAT numbers.
//! - payment: transfer → means `58` (SEPA credit transfer; `30` for an IBAN outside SEPA) with
//!   the structured communication as `PaymentID` and the seller's IBAN/BIC; direct debit → `59`
//!   with `PaymentMandate/ID` and the debtor's IBAN as `PayerFinancialAccount`.
//! - a credit note refers to the invoice in `BillingReference`, quantities and amounts positive.

use crate::domain::document::{reverse_charge_mention, small_business_mention, Document, DocumentKind, Party, Payment, VatCategory};
use crate::domain::money::div_round_half_away;
use crate::i18n::Lang;
use base64::Engine as _;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::io;

/// BT-24: Peppol BIS Billing 3.0.
pub const CUSTOMIZATION_ID: &str = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// BT-23: the Peppol billing process.
pub const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CURRENCY: &str = "EUR";
/// UN/ECE rec. 20 "one": the documents carry no unit of their own.
const UNIT_CODE: &str = "C62";
/// Belgian enterprise number (KBO/BCE), ISO 6523 ICD / Peppol EAS.
const SCHEME_BE_ENTERPRISE: &str = "0208";
/// Peppol EAS for an IBAN.
const SCHEME_IBAN: &str = "9918";
/// Peppol EAS for the VAT numbers of Belgium's neighbours (a foreign buyer without a Belgian
/// enterprise number). A Belgian VAT number is written as the enterprise number it contains.
const VAT_SCHEMES: [(&str, &str); 4] = [("NL", "9944"), ("DE", "9930"), ("FR", "9957"), ("LU", "9938")];
/// Countries whose IBANs are reached by a SEPA credit transfer (EU, EEA and the other members).
const SEPA_COUNTRIES: [&str; 41] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL",
    "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO", "CH", "MC", "SM", "VA", "AD", "GB", "GI", "GG", "JE", "IM", "PM",
];

/// Why a document cannot be written as a valid Peppol e-invoice.
#[derive(Debug, thiserror::Error)]
pub enum UblError {
    /// A mandatory piece of information is empty (`what` names it).
    #[error("the e-invoice needs {0}")]
    Missing(String),
    /// An identifier is malformed (`what` names it).
    #[error("{what} is not valid: {value:?}")]
    Invalid { what: String, value: String },
    /// The buyer has no enterprise number, no VAT number and no IBAN: Peppol has no address for
    /// it (an e-mail address is not a Peppol address).
    #[error("the buyer has no enterprise number, VAT number or direct-debit IBAN to address it on Peppol")]
    BuyerWithoutElectronicAddress,
    /// Reverse charge (art. 51 §2) needs both parties' VAT numbers.
    #[error("a reverse-charge line needs the seller's and the buyer's VAT numbers")]
    ReverseChargeWithoutVatNumbers,
    /// VAT is charged but the seller has no VAT number.
    #[error("VAT is charged but the seller has no VAT number")]
    VatWithoutSellerVatNumber,
    /// A credit note that does not say which invoice it corrects.
    #[error("a credit note must name the invoice it corrects")]
    CreditNoteWithoutInvoice,
    /// The amounts do not add up the way EN 16931 checks them (a bug where the document is made).
    #[error("the document does not add up: {0}")]
    Inconsistent(String),
    /// Writing the XML failed (cannot happen on a `Vec`, kept for the writer's signature).
    #[error("writing the XML failed: {0}")]
    Write(#[from] io::Error),
}

/// The document as a Peppol BIS Billing 3.0 UBL file (UTF-8), the PDF embedded when given.
/// The same document and PDF always give the same bytes.
pub fn render(doc: &Document, pdf: Option<&[u8]>) -> Result<Vec<u8>, UblError> {
    let plan = Plan::of(doc)?;
    let mut xml = Xml(Writer::new_with_indent(Vec::new(), b' ', 2));
    write_document(&mut xml, doc, &plan, pdf)?;
    let mut bytes = xml.0.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

/// The file name for the e-invoice of a document: `2026-0042.xml`.
pub fn file_name(doc: &Document) -> String {
    format!("{}.xml", safe_file_stem(&doc.number))
}

// ---------------------------------------------------------------------------------------------
// What is written, resolved and checked before anything is.

/// One VAT breakdown (BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Subtotal {
    code: &'static str,
    percent: u8,
    base_cents: i64,
    vat_cents: i64,
    exemption_code: Option<&'static str>,
    /// distinct reasons, in the order first met
    reasons: Vec<String>,
}

/// One line, as written.
struct Line {
    name: String,
    description: Option<String>,
    quantity_milli: i64,
    price_cents: i64,
    amount_cents: i64,
    code: &'static str,
    percent: u8,
}

/// An identifier with its scheme (EAS / ICD code).
struct SchemeId {
    scheme: &'static str,
    id: String,
}

struct PartyIds {
    endpoint: SchemeId,
    /// 10 digits
    enterprise_number: Option<String>,
    /// `BE0403170701`
    vat_number: Option<String>,
}

struct Plan {
    seller: PartyIds,
    buyer: PartyIds,
    buyer_reference: String,
    lines: Vec<Line>,
    subtotals: Vec<Subtotal>,
    line_total_cents: i64,
}

impl Plan {
    fn of(doc: &Document) -> Result<Plan, UblError> {
        require(&doc.number, "a document number")?;
        if doc.kind == DocumentKind::CreditNote {
            match &doc.credited_invoice {
                Some(c) if !c.number.trim().is_empty() => {}
                _ => return Err(UblError::CreditNoteWithoutInvoice),
            }
        }
        if doc.lines.is_empty() {
            return Err(UblError::Missing("at least one line".into()));
        }
        require(&doc.seller.name, "the seller's name")?;
        require(&doc.seller.address.country, "the seller's country")?;
        require(&doc.buyer.name, "the buyer's name")?;
        require(&doc.buyer.address.country, "the buyer's country")?;

        let seller_vat = vat_number_of(&doc.seller, "the seller's VAT number")?;
        let seller_enterprise = enterprise_number_of(&doc.seller, seller_vat.as_deref(), "the seller's enterprise number")?
            .ok_or_else(|| UblError::Missing("the seller's enterprise number".into()))?;
        let seller = PartyIds {
            endpoint: SchemeId { scheme: SCHEME_BE_ENTERPRISE, id: seller_enterprise.clone() },
            enterprise_number: Some(seller_enterprise),
            vat_number: seller_vat,
        };

        let buyer_vat = vat_number_of(&doc.buyer, "the buyer's VAT number")?;
        let buyer_enterprise = enterprise_number_of(&doc.buyer, buyer_vat.as_deref(), "the buyer's enterprise number")?;
        let buyer_endpoint = match (&buyer_enterprise, &buyer_vat, &doc.payment) {
            (Some(number), _, _) => SchemeId { scheme: SCHEME_BE_ENTERPRISE, id: number.clone() },
            (None, Some(vat), _) if VAT_SCHEMES.iter().any(|(c, _)| vat.starts_with(c)) => {
                let scheme = VAT_SCHEMES.iter().find(|(c, _)| vat.starts_with(c)).map(|(_, s)| *s).unwrap_or_default();
                SchemeId { scheme, id: vat.clone() }
            }
            (None, _, Payment::DirectDebit { debtor_iban, .. }) if !compact(debtor_iban).is_empty() => {
                SchemeId { scheme: SCHEME_IBAN, id: compact(debtor_iban) }
            }
            _ => return Err(UblError::BuyerWithoutElectronicAddress),
        };
        let buyer = PartyIds { endpoint: buyer_endpoint, enterprise_number: buyer_enterprise, vat_number: buyer_vat };

        let lines = doc
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (code, percent) =
                    category_of(&l.category, l.vat_rate).map_err(|e| UblError::Inconsistent(format!("line {}: {e}", i + 1)))?;
                let text = clean(&l.description);
                let mut text_lines = text.lines().map(str::trim).filter(|s| !s.is_empty());
                let name =
                    text_lines.next().map(str::to_string).ok_or_else(|| UblError::Missing(format!("a description on line {}", i + 1)))?;
                let description = (text_lines.next().is_some()).then(|| text.clone());
                let expected = div_round_half_away(l.quantity_milli as i128 * l.unit_price_cents as i128, 1000);
                if expected != l.amount_cents as i128 {
                    return Err(UblError::Inconsistent(format!(
                        "line {}: {} × {} cents makes {expected} cents, not {}",
                        i + 1,
                        quantity(l.quantity_milli),
                        l.unit_price_cents,
                        l.amount_cents
                    )));
                }
                // EN 16931 wants no negative price (BR-27): a negative price on a positive
                // quantity is the same line as a positive price on a negative quantity.
                let (quantity_milli, price_cents) =
                    if l.unit_price_cents < 0 { (-l.quantity_milli, -l.unit_price_cents) } else { (l.quantity_milli, l.unit_price_cents) };
                Ok(Line { name, description, quantity_milli, price_cents, amount_cents: l.amount_cents, code, percent })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let subtotals = subtotals_of(doc, &lines)?;

        let charges_vat = subtotals.iter().any(|s| s.code == "S");
        if charges_vat && seller.vat_number.is_none() {
            return Err(UblError::VatWithoutSellerVatNumber);
        }
        if subtotals.iter().any(|s| s.code == "AE") && (seller.vat_number.is_none() || buyer.vat_number.is_none()) {
            return Err(UblError::ReverseChargeWithoutVatNumbers);
        }

        match &doc.payment {
            Payment::Transfer => require(&doc.seller_iban, "the seller's IBAN")?,
            Payment::DirectDebit { mandate_reference, .. } => require(mandate_reference, "the mandate reference")?,
        }

        let buyer_reference = doc.buyer_reference.as_deref().map(clean).filter(|r| !r.is_empty()).unwrap_or_else(|| clean(&doc.number));
        let line_total_cents = lines.iter().map(|l| l.amount_cents).sum();
        Ok(Plan { seller, buyer, buyer_reference, lines, subtotals, line_total_cents })
    }
}

/// The UNCL5305 code and the rate written for a line's category.
fn category_of(category: &VatCategory, rate: u8) -> Result<(&'static str, u8), String> {
    Ok(match category {
        VatCategory::Standard if rate == 0 => return Err("a standard-rated line at 0 %".into()),
        VatCategory::Standard => ("S", rate),
        other => (other.code(), 0),
    })
}

/// The reason written for an exempt or reverse-charge category.
fn reason_of(category: &VatCategory, lang: Lang) -> Option<String> {
    match category {
        VatCategory::Exempt { reason } => Some(clean(reason)).filter(|r| !r.is_empty()),
        VatCategory::SmallBusiness => Some(small_business_mention(lang).to_string()),
        VatCategory::ReverseCharge => Some(reverse_charge_mention(lang).to_string()),
        VatCategory::Standard | VatCategory::Zero => None,
    }
}

/// The document's VAT summary as EN 16931 wants it: one breakdown per standard rate and one per
/// other category, checked against the lines and the totals.
fn subtotals_of(doc: &Document, lines: &[Line]) -> Result<Vec<Subtotal>, UblError> {
    let mut subtotals: Vec<Subtotal> = Vec::new();
    for b in &doc.vat_breakdown {
        let (code, percent) = category_of(&b.category, b.rate).map_err(UblError::Inconsistent)?;
        let reason = reason_of(&b.category, doc.language);
        let at = match subtotals.iter().position(|s| s.code == code && s.percent == percent) {
            Some(at) => at,
            None => {
                let exemption_code = (code == "AE").then_some("VATEX-EU-AE");
                subtotals.push(Subtotal { code, percent, base_cents: 0, vat_cents: 0, exemption_code, reasons: Vec::new() });
                subtotals.len() - 1
            }
        };
        let s = &mut subtotals[at];
        s.base_cents += b.base_cents;
        s.vat_cents += b.vat_cents;
        if let Some(reason) = reason {
            if !s.reasons.contains(&reason) {
                s.reasons.push(reason);
            }
        }
    }
    // Exempt lines whose category is missing from the summary still need their reason.
    for (line, source) in lines.iter().zip(&doc.lines) {
        if let Some(s) = subtotals.iter_mut().find(|s| s.code == line.code && s.percent == line.percent) {
            if let Some(reason) = reason_of(&source.category, doc.language) {
                if !s.reasons.contains(&reason) {
                    s.reasons.push(reason);
                }
            }
        }
    }
    for s in &subtotals {
        let of_subtotal = || lines.iter().filter(|l| l.code == s.code && l.percent == s.percent);
        if of_subtotal().next().is_none() {
            return Err(UblError::Inconsistent(format!("VAT {} {} % has no lines", s.code, s.percent)));
        }
        let lines_base: i64 = of_subtotal().map(|l| l.amount_cents).sum();
        if lines_base != s.base_cents {
            return Err(UblError::Inconsistent(format!(
                "VAT {} {} %: the base is {} but its lines make {}",
                s.code,
                s.percent,
                amount(s.base_cents),
                amount(lines_base)
            )));
        }
        let vat = if s.code == "S" { div_round_half_away(s.base_cents as i128 * s.percent as i128, 100) as i64 } else { 0 };
        if vat != s.vat_cents {
            return Err(UblError::Inconsistent(format!(
                "VAT {} {} %: {} on {} should be {}",
                s.code,
                s.percent,
                amount(s.vat_cents),
                amount(s.base_cents),
                amount(vat)
            )));
        }
        if s.code == "E" && s.reasons.is_empty() {
            return Err(UblError::Missing("the reason of the VAT exemption".into()));
        }
    }
    if let Some(l) = lines.iter().find(|l| !subtotals.iter().any(|s| s.code == l.code && s.percent == l.percent)) {
        return Err(UblError::Inconsistent(format!("no VAT summary for {} {} %", l.code, l.percent)));
    }
    let t = &doc.totals;
    let base: i64 = subtotals.iter().map(|s| s.base_cents).sum();
    let vat: i64 = subtotals.iter().map(|s| s.vat_cents).sum();
    let checks = [
        (base == t.excl_vat_cents, "the total excl. VAT is not the sum of the VAT bases"),
        (vat == t.vat_cents, "the VAT total is not the sum of the VAT per rate"),
        (t.excl_vat_cents + t.vat_cents == t.incl_vat_cents, "the total incl. VAT is not excl. VAT + VAT"),
        (t.incl_vat_cents - t.prepaid_cents == t.payable_cents, "the amount payable is not the total minus what was prepaid"),
    ];
    if let Some((_, what)) = checks.iter().find(|(ok, _)| !ok) {
        return Err(UblError::Inconsistent((*what).into()));
    }
    Ok(subtotals)
}

// ---------------------------------------------------------------------------------------------
// Writing.

fn write_document(xml: &mut Xml, doc: &Document, plan: &Plan, pdf: Option<&[u8]>) -> io::Result<()> {
    let credit = doc.kind == DocumentKind::CreditNote;
    let (root, ns) = if credit { ("CreditNote", NS_CREDIT_NOTE) } else { ("Invoice", NS_INVOICE) };
    xml.0.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.open(root, &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)])?;

    xml.leaf("cbc:CustomizationID", CUSTOMIZATION_ID)?;
    xml.leaf("cbc:ProfileID", PROFILE_ID)?;
    xml.leaf("cbc:ID", &clean(&doc.number))?;
    xml.leaf("cbc:IssueDate", &date(doc.issue_date))?;
    if credit {
        // UBL 2.1 has no due date on a credit note: it goes in the payment means (BT-9).
        xml.leaf("cbc:CreditNoteTypeCode", "381")?;
    } else {
        xml.leaf("cbc:DueDate", &date(doc.due_date))?;
        xml.leaf("cbc:InvoiceTypeCode", "380")?;
    }
    // Peppol allows one note (R002): the company's footer.
    xml.optional("cbc:Note", doc.footer.as_deref())?;
    xml.leaf("cbc:DocumentCurrencyCode", CURRENCY)?;
    xml.leaf("cbc:BuyerReference", &plan.buyer_reference)?;

    if let Some(credited) = doc.credited_invoice.as_ref().filter(|_| credit) {
        xml.open("cac:BillingReference", &[])?;
        xml.open("cac:InvoiceDocumentReference", &[])?;
        xml.leaf("cbc:ID", &clean(&credited.number))?;
        xml.leaf("cbc:IssueDate", &date(credited.issue_date))?;
        xml.close("cac:InvoiceDocumentReference")?;
        xml.close("cac:BillingReference")?;
    }

    if let Some(pdf) = pdf {
        xml.open("cac:AdditionalDocumentReference", &[])?;
        xml.leaf("cbc:ID", &clean(&doc.number))?;
        xml.open("cac:Attachment", &[])?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(pdf);
        let filename = format!("{}.pdf", safe_file_stem(&doc.number));
        xml.leaf_with("cbc:EmbeddedDocumentBinaryObject", &[("mimeCode", "application/pdf"), ("filename", &filename)], &encoded)?;
        xml.close("cac:Attachment")?;
        xml.close("cac:AdditionalDocumentReference")?;
    }

    xml.open("cac:AccountingSupplierParty", &[])?;
    write_party(xml, &doc.seller, &plan.seller, true)?;
    xml.close("cac:AccountingSupplierParty")?;
    xml.open("cac:AccountingCustomerParty", &[])?;
    write_party(xml, &doc.buyer, &plan.buyer, false)?;
    xml.close("cac:AccountingCustomerParty")?;

    if let Some(supply) = doc.supply_date {
        xml.open("cac:Delivery", &[])?;
        xml.leaf("cbc:ActualDeliveryDate", &date(supply))?;
        xml.close("cac:Delivery")?;
    }

    write_payment(xml, doc, credit)?;
    write_tax_total(xml, plan)?;

    let t = &doc.totals;
    xml.open("cac:LegalMonetaryTotal", &[])?;
    xml.money("cbc:LineExtensionAmount", plan.line_total_cents)?;
    xml.money("cbc:TaxExclusiveAmount", t.excl_vat_cents)?;
    xml.money("cbc:TaxInclusiveAmount", t.incl_vat_cents)?;
    if t.prepaid_cents != 0 {
        xml.money("cbc:PrepaidAmount", t.prepaid_cents)?;
    }
    xml.money("cbc:PayableAmount", t.payable_cents)?;
    xml.close("cac:LegalMonetaryTotal")?;

    let (line_tag, quantity_tag) =
        if credit { ("cac:CreditNoteLine", "cbc:CreditedQuantity") } else { ("cac:InvoiceLine", "cbc:InvoicedQuantity") };
    for (i, line) in plan.lines.iter().enumerate() {
        xml.open(line_tag, &[])?;
        xml.leaf("cbc:ID", &(i + 1).to_string())?;
        xml.leaf_with(quantity_tag, &[("unitCode", UNIT_CODE)], &quantity(line.quantity_milli))?;
        xml.money("cbc:LineExtensionAmount", line.amount_cents)?;
        xml.open("cac:Item", &[])?;
        xml.optional("cbc:Description", line.description.as_deref())?;
        xml.leaf("cbc:Name", &line.name)?;
        xml.open("cac:ClassifiedTaxCategory", &[])?;
        xml.leaf("cbc:ID", line.code)?;
        xml.leaf("cbc:Percent", &line.percent.to_string())?;
        write_vat_scheme(xml)?;
        xml.close("cac:ClassifiedTaxCategory")?;
        xml.close("cac:Item")?;
        xml.open("cac:Price", &[])?;
        xml.money("cbc:PriceAmount", line.price_cents)?;
        xml.close("cac:Price")?;
        xml.close(line_tag)?;
    }

    xml.close(root)
}

fn write_party(xml: &mut Xml, party: &Party, ids: &PartyIds, is_seller: bool) -> io::Result<()> {
    xml.open("cac:Party", &[])?;
    xml.leaf_with("cbc:EndpointID", &[("schemeID", ids.endpoint.scheme)], &ids.endpoint.id)?;
    xml.open("cac:PartyName", &[])?;
    xml.leaf("cbc:Name", &clean(&party.name))?;
    xml.close("cac:PartyName")?;

    xml.open("cac:PostalAddress", &[])?;
    xml.optional("cbc:StreetName", Some(&party.address.street))?;
    xml.optional("cbc:CityName", Some(&party.address.city))?;
    xml.optional("cbc:PostalZone", Some(&party.address.postcode))?;
    xml.open("cac:Country", &[])?;
    xml.leaf("cbc:IdentificationCode", &clean(&party.address.country).to_ascii_uppercase())?;
    xml.close("cac:Country")?;
    xml.close("cac:PostalAddress")?;

    let tax_registration = match (&ids.vat_number, &ids.enterprise_number) {
        (Some(vat), _) => Some((vat, "VAT")),
        // BT-32: a seller outside VAT (art. 56bis) is known to the tax office by its enterprise number.
        (None, Some(number)) if is_seller => Some((number, "TAX")),
        _ => None,
    };
    if let Some((id, scheme)) = tax_registration {
        xml.open("cac:PartyTaxScheme", &[])?;
        xml.leaf("cbc:CompanyID", id)?;
        xml.open("cac:TaxScheme", &[])?;
        xml.leaf("cbc:ID", scheme)?;
        xml.close("cac:TaxScheme")?;
        xml.close("cac:PartyTaxScheme")?;
    }

    xml.open("cac:PartyLegalEntity", &[])?;
    xml.leaf("cbc:RegistrationName", &clean(&party.name))?;
    if let Some(number) = &ids.enterprise_number {
        xml.leaf_with("cbc:CompanyID", &[("schemeID", SCHEME_BE_ENTERPRISE)], number)?;
    }
    xml.close("cac:PartyLegalEntity")?;

    let phone = party.phone.as_deref().map(clean).filter(|s| !s.is_empty());
    let email = party.email.as_deref().map(clean).filter(|s| !s.is_empty());
    if phone.is_some() || email.is_some() {
        xml.open("cac:Contact", &[])?;
        xml.optional("cbc:Telephone", phone.as_deref())?;
        xml.optional("cbc:ElectronicMail", email.as_deref())?;
        xml.close("cac:Contact")?;
    }
    xml.close("cac:Party")
}

fn write_payment(xml: &mut Xml, doc: &Document, credit: bool) -> io::Result<()> {
    xml.open("cac:PaymentMeans", &[])?;
    match &doc.payment {
        Payment::Transfer => {
            let iban = compact(&doc.seller_iban);
            let (code, name) = if SEPA_COUNTRIES.contains(&iban.get(..2).unwrap_or("")) {
                ("58", "SEPA credit transfer")
            } else {
                ("30", "Credit transfer")
            };
            xml.leaf_with("cbc:PaymentMeansCode", &[("name", name)], code)?;
            if credit {
                xml.leaf("cbc:PaymentDueDate", &date(doc.due_date))?;
            }
            xml.optional("cbc:PaymentID", Some(&doc.structured_communication))?;
            xml.open("cac:PayeeFinancialAccount", &[])?;
            xml.leaf("cbc:ID", &iban)?;
            xml.leaf("cbc:Name", &clean(&doc.seller.name))?;
            let bic = compact(&doc.seller_bic);
            if !bic.is_empty() {
                xml.open("cac:FinancialInstitutionBranch", &[])?;
                xml.leaf("cbc:ID", &bic)?;
                xml.close("cac:FinancialInstitutionBranch")?;
            }
            xml.close("cac:PayeeFinancialAccount")?;
        }
        Payment::DirectDebit { mandate_reference, debtor_iban, .. } => {
            xml.leaf_with("cbc:PaymentMeansCode", &[("name", "SEPA direct debit")], "59")?;
            if credit {
                xml.leaf("cbc:PaymentDueDate", &date(doc.due_date))?;
            }
            xml.optional("cbc:PaymentID", Some(&doc.structured_communication))?;
            xml.open("cac:PaymentMandate", &[])?;
            xml.leaf("cbc:ID", &clean(mandate_reference))?;
            let iban = compact(debtor_iban);
            if !iban.is_empty() {
                xml.open("cac:PayerFinancialAccount", &[])?;
                xml.leaf("cbc:ID", &iban)?;
                xml.close("cac:PayerFinancialAccount")?;
            }
            xml.close("cac:PaymentMandate")?;
        }
    }
    xml.close("cac:PaymentMeans")?;

    if let Payment::DirectDebit { mandate_reference, collection_date: Some(on), .. } = &doc.payment {
        let on = on.format("%d/%m/%Y").to_string();
        let mandate = clean(mandate_reference);
        let note = match doc.language {
            Lang::Fr => format!("Domiciliation SEPA (mandat {mandate}) : prélèvement prévu le {on}."),
            Lang::Nl => format!("SEPA-domiciliëring (mandaat {mandate}): inning gepland op {on}."),
            Lang::En => format!("SEPA direct debit (mandate {mandate}): collection planned on {on}."),
        };
        xml.open("cac:PaymentTerms", &[])?;
        xml.leaf("cbc:Note", &note)?;
        xml.close("cac:PaymentTerms")?;
    }
    Ok(())
}

fn write_tax_total(xml: &mut Xml, plan: &Plan) -> io::Result<()> {
    xml.open("cac:TaxTotal", &[])?;
    xml.money("cbc:TaxAmount", plan.subtotals.iter().map(|s| s.vat_cents).sum())?;
    for s in &plan.subtotals {
        xml.open("cac:TaxSubtotal", &[])?;
        xml.money("cbc:TaxableAmount", s.base_cents)?;
        xml.money("cbc:TaxAmount", s.vat_cents)?;
        xml.open("cac:TaxCategory", &[])?;
        xml.leaf("cbc:ID", s.code)?;
        xml.leaf("cbc:Percent", &s.percent.to_string())?;
        xml.optional("cbc:TaxExemptionReasonCode", s.exemption_code)?;
        if !s.reasons.is_empty() {
            xml.leaf("cbc:TaxExemptionReason", &s.reasons.join(" — "))?;
        }
        write_vat_scheme(xml)?;
        xml.close("cac:TaxCategory")?;
        xml.close("cac:TaxSubtotal")?;
    }
    xml.close("cac:TaxTotal")
}

fn write_vat_scheme(xml: &mut Xml) -> io::Result<()> {
    xml.open("cac:TaxScheme", &[])?;
    xml.leaf("cbc:ID", "VAT")?;
    xml.close("cac:TaxScheme")
}

/// quick-xml's writer with the few shapes UBL needs. Text and attribute values are escaped by
/// quick-xml; empty optional elements are left out (Peppol R008 forbids empty elements).
struct Xml(Writer<Vec<u8>>);

impl Xml {
    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.0.write_event(Event::Start(BytesStart::new(name).with_attributes(attributes.iter().copied())))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.0.write_event(Event::End(BytesEnd::new(name)))
    }

    fn leaf(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.leaf_with(name, &[], text)
    }

    fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.0.create_element(name).with_attributes(attributes.iter().copied()).write_text_content(BytesText::new(text))?;
        Ok(())
    }

    /// The element when `text` has something in it after cleaning.
    fn optional(&mut self, name: &str, text: Option<&str>) -> io::Result<()> {
        match text.map(clean).filter(|t| !t.is_empty()) {
            Some(text) => self.leaf(name, &text),
            None => Ok(()),
        }
    }

    fn money(&mut self, name: &str, cents: i64) -> io::Result<()> {
        self.leaf_with(name, &[("currencyID", CURRENCY)], &amount(cents))
    }
}

// ---------------------------------------------------------------------------------------------
// Values.

/// Cents as a decimal with two places: `-1234` → `-12.34`.
fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Thousandths as the shortest decimal: `12000` → `12`, `2500` → `2.5`, `333` → `0.333`.
fn quantity(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let (int, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Trimmed, without the characters XML 1.0 cannot carry (control characters but tab and
/// line breaks); `\r\n` as `\n`.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|&c| matches!(c, '\t' | '\n') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// An identifier without spaces, dots or dashes, upper case: `BE 0403.170.701` → `BE0403170701`.
fn compact(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

fn safe_file_stem(number: &str) -> String {
    let stem: String =
        number.trim().chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if stem.is_empty() {
        "document".into()
    } else {
        stem
    }
}

fn require(value: &str, what: &str) -> Result<(), UblError> {
    if clean(value).is_empty() {
        Err(UblError::Missing(what.into()))
    } else {
        Ok(())
    }
}

/// Whether ten digits are a Belgian enterprise number: the last two are 97 minus the first
/// eight modulo 97.
pub fn is_enterprise_number(digits: &str) -> bool {
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let base: u64 = digits[..8].parse().unwrap_or(0);
    let check: u64 = digits[8..].parse().unwrap_or(0);
    97 - base % 97 == check
}

/// The ten digits of an enterprise number typed in any usual way (`0403.170.701`,
/// `BE 0403 170 701`, or the nine digits of before 2005).
fn enterprise_digits(raw: &str) -> String {
    let id = compact(raw);
    let digits = id.strip_prefix("BE").unwrap_or(&id);
    if digits.len() == 9 {
        format!("0{digits}")
    } else {
        digits.to_string()
    }
}

/// A party's VAT number, normalised (`BE0403170701`); a Belgian one must have valid check digits.
fn vat_number_of(party: &Party, what: &str) -> Result<Option<String>, UblError> {
    let Some(raw) = party.vat_number.as_deref().filter(|v| !compact(v).is_empty()) else { return Ok(None) };
    let id = compact(raw);
    let invalid = || UblError::Invalid { what: what.into(), value: raw.into() };
    let prefix = id.get(..2).ok_or_else(invalid)?;
    if !prefix.bytes().all(|b| b.is_ascii_uppercase()) || id.len() < 4 {
        return Err(invalid());
    }
    if prefix == "BE" {
        let digits = enterprise_digits(&id);
        if !is_enterprise_number(&digits) {
            return Err(invalid());
        }
        return Ok(Some(format!("BE{digits}")));
    }
    Ok(Some(id))
}

/// A party's enterprise number (10 digits), else the one inside its Belgian VAT number.
fn enterprise_number_of(party: &Party, vat: Option<&str>, what: &str) -> Result<Option<String>, UblError> {
    match party.enterprise_number.as_deref().filter(|n| !compact(n).is_empty()) {
        Some(raw) => {
            let digits = enterprise_digits(raw);
            if is_enterprise_number(&digits) {
                Ok(Some(digits))
            } else {
                Err(UblError::Invalid { what: what.into(), value: raw.into() })
            }
        }
        None => Ok(vat.and_then(|v| v.strip_prefix("BE")).map(str::to_string)),
    }
}

#[cfg(test)]
mod tests;
