//! Invoices and Peppol: `POST /invoice/ubl`, `POST /invoice/{uuid}/action`,
//! `GET /invoice/{uuid}`, the invoice feed `GET /invoice`, a stand-in of the Peppol Directory's
//! search (who can receive), and the log of what was delivered (`GET /_sandbox/peppol`).
//!
//! Who can receive over Peppol: every well-formed Belgian enterprise number (scheme `0208`, 10
//! digits) or VAT number (scheme `9925`, `BE` + 10 digits) except those ending in 9; nobody else.

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;

use serde_json::{json, Value};

use super::config::TemplateConfig;
use super::state::{ApiError, Data, FeedEvent, NewTx};

/// The Peppol customization a document must declare (Peppol BIS Billing 3.0).
const PEPPOL_BIS3: &str = "urn:fdc:peppol.eu:2017:poacc:billing:3.0";

pub use super::invoice_records::{InvoiceRec, PeppolDelivery, PeppolOutcome};

/// What `POST /invoice/ubl` was given.
pub struct UblRequest<'a> {
    pub body: &'a [u8],
    pub invoice_id: Option<String>,
    pub contract: Option<String>,
    pub manual: Option<String>,
    pub template: Option<String>,
}

/// Whether the sandbox's Peppol network knows this receiver (`scheme:value`).
pub fn registered(participant: &str) -> bool {
    let Some((scheme, value)) = participant.trim().split_once(':') else { return false };
    let digits = match scheme {
        "0208" => value,
        "9925" => match value.get(..2) {
            Some(cc) if cc.eq_ignore_ascii_case("BE") => &value[2..],
            _ => return false,
        },
        _ => return false,
    };
    digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) && !digits.ends_with('9')
}

fn new_uuid() -> String {
    let mut rng = rand::thread_rng();
    let b: [u8; 16] = rng.gen();
    let h = hex::encode(b);
    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// The `format: uuid` of openapi.yaml: 8-4-4-4-12 hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

// ---- reading the UBL (only what the sandbox needs) -------------------------------------------

/// A start tag's local name (namespace prefix dropped), its attributes and where its content
/// starts; `None` at the end.
fn next_tag(xml: &str, from: usize) -> Option<(usize, &str, &str, usize, bool)> {
    let mut at = from;
    loop {
        let start = at + xml.get(at..)?.find('<')?;
        let rest = &xml[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') || rest.starts_with('/') {
            at = start + 1;
            continue;
        }
        let end = start + 1 + rest.find('>')?;
        let inner = &xml[start + 1..end];
        let self_closing = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let (name, attrs) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let local = name.rsplit(':').next().unwrap_or(name);
        return Some((start, local, attrs, end + 1, self_closing));
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The text and attributes of the first element `local` in `xml`.
fn element<'a>(xml: &'a str, local: &str) -> Option<(String, &'a str)> {
    let mut at = 0;
    while let Some((_, name, attrs, content, self_closing)) = next_tag(xml, at) {
        if name == local {
            if self_closing {
                return Some((String::new(), attrs));
            }
            let text_end = content + xml[content..].find('<').unwrap_or(xml.len() - content);
            return Some((unescape(xml[content..text_end].trim()), attrs));
        }
        at = content;
    }
    None
}

/// What is between the start and end tags of the first element `local`.
fn block<'a>(xml: &'a str, local: &str) -> Option<&'a str> {
    let mut at = 0;
    while let Some((_, name, _, content, self_closing)) = next_tag(xml, at) {
        if name == local && !self_closing {
            let mut depth = 1;
            let mut pos = content;
            while let Some(lt) = xml[pos..].find('<').map(|i| pos + i) {
                let rest = &xml[lt + 1..];
                let gt = lt + 1 + rest.find('>')?;
                let inner = &xml[lt + 1..gt];
                if let Some(closing) = inner.strip_prefix('/') {
                    if closing.rsplit(':').next() == Some(local) {
                        depth -= 1;
                        if depth == 0 {
                            return Some(&xml[content..lt]);
                        }
                    }
                } else if !inner.starts_with('?') && !inner.starts_with('!') && !inner.ends_with('/') {
                    let n = inner.split(char::is_whitespace).next().unwrap_or("");
                    if n.rsplit(':').next() == Some(local) {
                        depth += 1;
                    }
                }
                pos = gt + 1;
            }
            return None;
        }
        at = content;
    }
    None
}

fn attribute(attrs: &str, name: &str) -> Option<String> {
    let at = attrs.find(&format!("{name}="))? + name.len() + 1;
    let quote = attrs[at..].chars().next()?;
    let rest = &attrs[at + 1..];
    Some(unescape(&rest[..rest.find(quote)?]))
}

fn endpoint(party: Option<&str>) -> Option<String> {
    let (value, attrs) = element(party?, "EndpointID")?;
    Some(format!("{}:{value}", attribute(attrs, "schemeID").unwrap_or_default()))
}

fn cents(s: &str) -> Option<i64> {
    let v: f64 = s.trim().parse().ok()?;
    v.is_finite().then(|| (v * 100.0).round() as i64)
}

/// The parts of a UBL document the sandbox keeps; `invalid_file` when it is not a Peppol BIS
/// 3.0 invoice or credit note.
fn read_ubl(xml: &str) -> Result<(String, String, InvoiceParts), ApiError> {
    let invalid = |why: &str| ApiError::new("invalid_file", format!("Invalid UBL document: {why}"));
    let (_, root, _, _, _) = next_tag(xml, 0).ok_or_else(|| invalid("no XML element"))?;
    let root = root.to_string();
    if root != "Invoice" && root != "CreditNote" {
        return Err(invalid("the root element is neither Invoice nor CreditNote"));
    }
    let customization = element(xml, "CustomizationID").map(|(t, _)| t).unwrap_or_default();
    if !customization.contains(PEPPOL_BIS3) {
        return Err(invalid("not a Peppol BIS Billing 3.0 document (CustomizationID)"));
    }
    let number = element(xml, "ID").map(|(t, _)| t).filter(|t| !t.is_empty()).ok_or_else(|| invalid("no cbc:ID"))?;
    let total = block(xml, "LegalMonetaryTotal").ok_or_else(|| invalid("no LegalMonetaryTotal"))?;
    let amount_cents = element(total, "PayableAmount").and_then(|(t, _)| cents(&t)).ok_or_else(|| invalid("no PayableAmount"))?;
    let customer = block(xml, "AccountingCustomerParty");
    let parts = InvoiceParts {
        amount_cents,
        date: element(xml, "IssueDate").and_then(|(t, _)| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()),
        duedate: element(xml, "DueDate").and_then(|(t, _)| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()),
        receiver: endpoint(customer),
        sender: endpoint(block(xml, "AccountingSupplierParty")),
        buyer_name: customer.and_then(|c| element(c, "RegistrationName")).map(|(t, _)| t),
        payment_means: block(xml, "PaymentMeans").and_then(|p| element(p, "PaymentMeansCode")).map(|(t, _)| t),
        ubl_mandate: block(xml, "PaymentMandate").and_then(|p| element(p, "ID")).map(|(t, _)| t),
    };
    Ok((root, number, parts))
}

#[derive(Debug)]
struct InvoiceParts {
    amount_cents: i64,
    date: Option<NaiveDate>,
    duedate: Option<NaiveDate>,
    receiver: Option<String>,
    sender: Option<String>,
    buyer_name: Option<String>,
    payment_means: Option<String>,
    ubl_mandate: Option<String>,
}

fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl InvoiceRec {
    /// The invoice as the API shows it; `meta` with `include=meta`, `customer` with
    /// `include=customer`.
    pub fn json(&self, meta: bool, customer: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "number": self.number,
            "title": format!("{} {}", if self.document_type == "CreditNote" { "Credit note" } else { "Invoice" }, self.number),
            "remittance": self.number,
            "amount": self.amount_cents as f64 / 100.0,
            "date": self.date.map(|d| d.format("%Y-%m-%d").to_string()),
            "duedate": self.duedate.map(|d| d.format("%Y-%m-%d").to_string()),
            "state": self.state,
            "manual": self.manual,
            "ct": self.template,
            "customerByDocument": self.contract,
            "lastupdate": fmt_time(self.peppol.as_ref().map_or(self.created, |p| p.at)),
        });
        if customer {
            v["customer"] = json!({"companyName": self.buyer_name, "peppol": self.receiver});
        }
        if meta {
            v["meta"] = match &self.peppol {
                Some(p) => json!({"peppol": {"state": p.state, "reason": p.reason, "at": fmt_time(p.at), "deliveries": p.deliveries}}),
                None => json!({}),
            };
        }
        v
    }
}

impl Data {
    fn invoice_event(&mut self, api_key: &str, id: &str) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let t = self.tenant(api_key);
        let body = t.invoices[id].json(true, true);
        t.invoice_feed.push(FeedEvent { seq, body, kind: None });
    }

    /// `POST /invoice/ubl`. A reused `X-INVOICE-ID` (the invoice's UUID) creates nothing and is
    /// answered as openapi.yaml's only refusal of this call: 400 `invalid_file`. Without
    /// `X-MANUAL: true`, an invoice on a mandate (`X-CONTRACT`) is collected by Twikey: a
    /// transaction is created on that mandate.
    pub fn upload_ubl(
        &mut self,
        api_key: &str,
        req: &UblRequest<'_>,
        templates: &[TemplateConfig],
        settle_after: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let id = match &req.invoice_id {
            Some(id) if !is_uuid(id) => {
                return Err(ApiError::new("err_invalid_params", "X-INVOICE-ID must be a UUID").extra("X-INVOICE-ID"));
            }
            Some(id) => id.to_ascii_lowercase(),
            None => new_uuid(),
        };
        let manual = match req.manual.as_deref() {
            None => false,
            Some(v) => twikey::lenient::parse_bool(v)
                .ok_or_else(|| ApiError::new("err_invalid_params", "X-MANUAL must be true or false").extra("X-MANUAL"))?,
        };
        let template = match req.template.as_deref() {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|ct| templates.iter().any(|t| t.id == *ct))
                    .ok_or_else(|| ApiError::new("err_invalid_ct", "Invalid template").extra("X-TEMPLATE"))?,
            ),
        };
        if self.tenants.values().any(|t| t.invoices.contains_key(&id)) {
            return Err(ApiError::new("invalid_file", "An invoice with this X-INVOICE-ID already exists").extra("X-INVOICE-ID"));
        }
        let xml = std::str::from_utf8(req.body).map_err(|_| ApiError::new("invalid_file", "The UBL document is not UTF-8"))?;
        let (document_type, number, parts) = read_ubl(xml)?;
        let taken = self.tenant(api_key).invoices.values().any(|i| i.number == number && i.document_type == document_type);
        if taken {
            return Err(ApiError::new("invalid_file", format!("An invoice numbered {number} already exists")).extra("number"));
        }
        let contract = req.contract.clone().filter(|c| !c.trim().is_empty());
        if let Some(c) = &contract {
            self.mandate(api_key, c)?;
        }
        let transaction = match (&contract, manual) {
            (Some(c), false) if document_type == "Invoice" => {
                let message = format!("Invoice {number}");
                let amount = twikey::format_amount(parts.amount_cents);
                let tx = NewTx { mndt_id: Some(c), message: Some(&message), amount: Some(&amount), reference: Some(&number), ..Default::default() };
                Some(self.create_transaction(api_key, &tx, templates, settle_after, now)?.id)
            }
            _ => None,
        };
        let rec = InvoiceRec {
            id: id.clone(),
            number,
            document_type,
            amount_cents: parts.amount_cents,
            date: parts.date,
            duedate: parts.duedate,
            receiver: parts.receiver,
            sender: parts.sender,
            buyer_name: parts.buyer_name,
            payment_means: parts.payment_means,
            ubl_mandate: parts.ubl_mandate,
            contract,
            manual,
            template,
            state: "BOOKED".into(),
            transaction,
            created: now,
            peppol: None,
            ubl: xml.to_string(),
        };
        let body = rec.json(false, false);
        self.tenant(api_key).invoices.insert(id.clone(), rec);
        self.invoice_event(api_key, &id);
        Ok(body)
    }

    pub fn invoice(&self, api_key: &str, id: &str) -> Result<&InvoiceRec, ApiError> {
        self.tenants[api_key]
            .invoices
            .get(&id.to_ascii_lowercase())
            .ok_or_else(|| ApiError::new("err_not_found", "No such invoice").status(404))
    }

    /// `POST /invoice/{uuid}/action`. `peppol` hands the document to the network every time it
    /// is asked (Twikey does not say that a second request is ignored): delivered when the
    /// receiver is registered, else the invoice's Peppol state is `failed`. `send`, `email`,
    /// `sms`, `letter` and `reminder` are accepted and do nothing here.
    pub fn invoice_action(&mut self, api_key: &str, id: &str, kind: Option<&str>, now: DateTime<Utc>) -> Result<(), ApiError> {
        let id = self.invoice(api_key, id)?.id.clone();
        match kind {
            None => Err(ApiError::missing("type")),
            Some("peppol") => {
                let merchant_id = self.tenants[api_key].merchant_id;
                let inv = self.invoice(api_key, &id)?.clone();
                let deliveries = inv.peppol.as_ref().map_or(0, |p| p.deliveries);
                let outcome = match inv.receiver.as_deref() {
                    Some(r) if registered(r) => {
                        let n = self.peppol.len() as u64 + 1;
                        self.peppol.push(PeppolDelivery {
                            id: n,
                            api_key: api_key.into(),
                            merchant_id,
                            invoice_id: inv.id.clone(),
                            number: inv.number.clone(),
                            document_type: inv.document_type.clone(),
                            sender: inv.sender.clone(),
                            receiver: r.to_string(),
                            payment_means: inv.payment_means.clone(),
                            mandate: inv.ubl_mandate.clone(),
                            contract: inv.contract.clone(),
                            manual: inv.manual,
                            ubl: inv.ubl.clone(),
                            time: now,
                        });
                        PeppolOutcome { state: "delivered".into(), reason: None, at: now, deliveries: deliveries + 1 }
                    }
                    Some(r) => PeppolOutcome {
                        state: "failed".into(),
                        reason: Some(format!("receiver {r} is not registered on Peppol")),
                        at: now,
                        deliveries,
                    },
                    None => PeppolOutcome { state: "failed".into(), reason: Some("the document names no receiver (EndpointID)".into()), at: now, deliveries },
                };
                self.tenant(api_key).invoices.get_mut(&id).expect("found above").peppol = Some(outcome);
                self.invoice_event(api_key, &id);
                Ok(())
            }
            Some("send" | "email" | "sms" | "letter" | "reminder") => Ok(()),
            Some("reoffer" | "refund" | "paymentplan") => {
                Err(ApiError::new("err_invalid_params", "This invoice action is not implemented by the sandbox").extra("type"))
            }
            Some(_) => Err(ApiError::new("err_invalid_params", "Unknown action type").extra("type")),
        }
    }

    /// The invoice feed: up to `limit` events after the cursor (or `resume_after`); moves the
    /// cursor to the last one returned.
    pub fn read_invoice_feed(&mut self, api_key: &str, resume_after: Option<i64>, limit: usize) -> (Vec<Value>, Option<i64>) {
        let t = self.tenant(api_key);
        if let Some(r) = resume_after {
            t.invoice_cursor = r;
        }
        let cursor = t.invoice_cursor;
        let items: Vec<&FeedEvent> = t.invoice_feed.iter().filter(|e| e.seq > cursor).take(limit).collect();
        let last = items.last().map(|e| e.seq);
        let bodies = items.into_iter().map(|e| e.body.clone()).collect();
        if let Some(l) = last {
            t.invoice_cursor = l;
        }
        (bodies, last)
    }
}

/// The Peppol Directory's answer to `GET /search/1.0/json?participant=iso6523-actorid-upis::S:V`.
pub fn directory_answer(participant_query: &str, now: DateTime<Utc>) -> Value {
    let participant = participant_query.trim();
    let id = participant.strip_prefix("iso6523-actorid-upis::").unwrap_or(participant);
    let matches: Vec<Value> = if registered(id) {
        let doc_type = |root: &str| {
            json!({"scheme": "busdox-docid-qns",
                   "value": format!("urn:oasis:names:specification:ubl:schema:xsd:{root}-2::{root}##urn:cen.eu:en16931:2017#compliant#{PEPPOL_BIS3}::2.1")})
        };
        vec![json!({
            "participantID": {"scheme": "iso6523-actorid-upis", "value": id},
            "docTypes": [doc_type("Invoice"), doc_type("CreditNote")],
            "entities": [{"name": [{"name": format!("Sandbox receiver {id}")}], "countryCode": "BE"}],
        })]
    } else {
        vec![]
    };
    json!({
        "version": "1.0",
        "total-result-count": matches.len(),
        "used-result-count": matches.len(),
        "result-page-index": 0,
        "result-page-count": 20,
        "first-result-index": 0,
        "last-result-index": matches.len().saturating_sub(1),
        "query-terms": format!("participant={participant}"),
        "creation-dt": fmt_time(now),
        "matches": matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UBL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>2026-0007</cbc:ID>
  <cbc:IssueDate>2026-03-18</cbc:IssueDate>
  <cbc:DueDate>2026-04-17</cbc:DueDate>
  <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0208">0123456749</cbc:EndpointID></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0208">0403170701</cbc:EndpointID>
    <cac:PartyLegalEntity><cbc:RegistrationName>Brasserie &amp; Co</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode name="SEPA">59</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>MND7</cbc:ID></cac:PaymentMandate></cac:PaymentMeans>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>"#;

    #[test]
    fn reads_what_it_needs_of_a_ubl_document() {
        let (root, number, p) = read_ubl(UBL).unwrap();
        assert_eq!((root.as_str(), number.as_str(), p.amount_cents), ("Invoice", "2026-0007", 12100));
        assert_eq!(p.receiver.as_deref(), Some("0208:0403170701"));
        assert_eq!(p.sender.as_deref(), Some("0208:0123456749"));
        assert_eq!(p.buyer_name.as_deref(), Some("Brasserie & Co"));
        assert_eq!((p.payment_means.as_deref(), p.ubl_mandate.as_deref()), (Some("59"), Some("MND7")));
        assert_eq!(p.duedate, NaiveDate::from_ymd_opt(2026, 4, 17));
        assert_eq!(read_ubl("<Order/>").unwrap_err().code, "invalid_file");
        assert_eq!(read_ubl(&UBL.replace("billing:3.0", "billing:2.0")).unwrap_err().code, "invalid_file");
    }

    #[test]
    fn who_is_registered() {
        assert!(registered("0208:0403170701"));
        assert!(!registered("0208:0123456749"), "ends in 9");
        assert!(registered("9925:BE0403170701"));
        assert!(!registered("9925:NL0403170701"));
        assert!(!registered("0088:5412345000013"));
        assert!(!registered("0208:12345"));
        assert_eq!(directory_answer("iso6523-actorid-upis::0208:0403170701", Utc::now())["total-result-count"], 1);
        assert_eq!(directory_answer("iso6523-actorid-upis::0208:0123456749", Utc::now())["matches"], json!([]));
    }

    #[test]
    fn uuids() {
        assert!(is_uuid(&new_uuid()));
        assert!(is_uuid("FEC44175-b4fe-414c-92aa-9d0a7dd0dbf2"));
        assert!(!is_uuid("inv-7"));
    }
}
