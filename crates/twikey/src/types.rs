//! Request and response types of the Twikey API (ISO 20022-style names mapped to Rust).
//!
//! Responses are parsed leniently: optional fields may be absent, numbers may come as
//! strings, and `SplmtryData` values may be any JSON type.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

/// Form fields as sent to Twikey.
pub(crate) type Form = Vec<(&'static str, String)>;

fn push(form: &mut Form, key: &'static str, value: &Option<String>) {
    if let Some(v) = value {
        form.push((key, v.clone()));
    }
}

/// `POST /invite`: prepare a mandate for the debtor to sign.
#[derive(Debug, Clone, Default)]
pub struct InviteRequest {
    /// Template (profile) id. Required.
    pub ct: String,
    pub customer_number: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    /// `en`, `fr`, `nl`, `de`, ...
    pub language: Option<String>,
    /// Street and number.
    pub address: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    /// ISO-2 country code.
    pub country: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub mandate_number: Option<String>,
    /// Twikey e-mails the invitation at once.
    pub send_invite: bool,
    /// Return the existing mandate for this customer and template instead of a new one.
    pub check: bool,
}

impl InviteRequest {
    pub(crate) fn to_form(&self) -> Form {
        let mut f: Form = vec![("ct", self.ct.clone())];
        push(&mut f, "customerNumber", &self.customer_number);
        push(&mut f, "firstname", &self.first_name);
        push(&mut f, "lastname", &self.last_name);
        push(&mut f, "companyName", &self.company_name);
        push(&mut f, "vatno", &self.vat_number);
        push(&mut f, "email", &self.email);
        push(&mut f, "mobile", &self.mobile);
        push(&mut f, "l", &self.language);
        push(&mut f, "address", &self.address);
        push(&mut f, "city", &self.city);
        push(&mut f, "zip", &self.zip);
        push(&mut f, "country", &self.country);
        push(&mut f, "iban", &self.iban);
        push(&mut f, "bic", &self.bic);
        push(&mut f, "mandateNumber", &self.mandate_number);
        if self.send_invite {
            f.push(("sendInvite", "true".into()));
        }
        if self.check {
            f.push(("check", "true".into()));
        }
        f
    }
}

/// Answer to an invite. `url` and `key` are absent when `check` returned an existing mandate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InviteResponse {
    #[serde(rename = "mndtId", alias = "MndtId")]
    pub mndt_id: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
}

/// `state` of a mandate update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateActivity {
    /// Resume collecting.
    Active,
    /// Suspend the mandate.
    Passive,
}

/// `POST /mandate/update`. Only the fields that are `Some` are sent.
#[derive(Debug, Clone, Default)]
pub struct MandateUpdate {
    pub mndt_id: String,
    pub ct: Option<String>,
    pub state: Option<MandateActivity>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    /// Enterprise number; Twikey only accepts it together with `company_name`.
    pub coc: Option<String>,
    pub language: Option<String>,
    pub customer_number: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
}

impl MandateUpdate {
    pub(crate) fn to_form(&self) -> Form {
        let mut f: Form = vec![("mndtId", self.mndt_id.clone())];
        push(&mut f, "ct", &self.ct);
        if let Some(s) = self.state {
            f.push(("state", if s == MandateActivity::Active { "active" } else { "passive" }.into()));
        }
        push(&mut f, "iban", &self.iban);
        push(&mut f, "bic", &self.bic);
        push(&mut f, "email", &self.email);
        push(&mut f, "mobile", &self.mobile);
        push(&mut f, "firstname", &self.first_name);
        push(&mut f, "lastname", &self.last_name);
        push(&mut f, "companyName", &self.company_name);
        push(&mut f, "coc", &self.coc);
        push(&mut f, "l", &self.language);
        push(&mut f, "customerNumber", &self.customer_number);
        push(&mut f, "address", &self.address);
        push(&mut f, "city", &self.city);
        push(&mut f, "zip", &self.zip);
        push(&mut f, "country", &self.country);
        f
    }
}

/// `POST /mandate/{id}/action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateAction {
    /// Send the invitation e-mail again.
    Invite,
    /// Send reminder number 1..=4.
    Reminder(u8),
}

/// Postal address (`PstlAdr`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PostalAddress {
    #[serde(rename = "AdrLine", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub address_line: Option<String>,
    #[serde(rename = "PstCd", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    #[serde(rename = "TwnNm", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    #[serde(rename = "Ctry", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// Contact details (`CtctDtls`); `Othr` carries the customer number.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ContactDetails {
    #[serde(rename = "EmailAdr", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(rename = "MobNb", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(rename = "Othr", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<String>,
}

/// A creditor or debtor (`Cdtr`, `Dbtr`, `Orgtr`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Party {
    #[serde(rename = "Nm", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "PstlAdr", default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<PostalAddress>,
    /// Enterprise number, companies only.
    #[serde(rename = "Id", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "CtryOfRes", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub country_of_residence: Option<String>,
    #[serde(rename = "CtctDtls", default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactDetails>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FinancialInstitution {
    #[serde(rename = "BICFI", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    #[serde(rename = "Nm", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DebtorAgent {
    #[serde(rename = "FinInstnId", default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<FinancialInstitution>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Duration {
    #[serde(rename = "FrDt", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(rename = "ToDt", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// `Ocrncs`: sequence type, frequency and validity.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Occurrences {
    #[serde(rename = "SeqTp", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub sequence_type: Option<String>,
    #[serde(rename = "Frqcy", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(rename = "Drtn", default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
}

/// One `SplmtryData` entry; the value may be a string, a number or anything else.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SupplementaryData {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value", default)]
    pub value: Value,
}

/// The `Mndt` object of the mandate feed and detail.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Mandate {
    #[serde(rename = "MndtId")]
    pub mndt_id: String,
    /// `CORE`, `B2B`, `CREDITCARD`.
    #[serde(rename = "LclInstrm", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub local_instrument: Option<String>,
    #[serde(rename = "Ocrncs", default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Occurrences>,
    /// Decimal string; `"0"` means no maximum.
    #[serde(rename = "MaxAmt", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<String>,
    #[serde(rename = "CdtrSchmeId", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub creditor_scheme_id: Option<String>,
    #[serde(rename = "Cdtr", default, skip_serializing_if = "Option::is_none")]
    pub creditor: Option<Party>,
    #[serde(rename = "Dbtr", default, skip_serializing_if = "Option::is_none")]
    pub debtor: Option<Party>,
    /// IBAN.
    #[serde(rename = "DbtrAcct", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<String>,
    #[serde(rename = "DbtrAgt", default, skip_serializing_if = "Option::is_none")]
    pub debtor_agent: Option<DebtorAgent>,
    /// Contract number.
    #[serde(rename = "RfrdDoc", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub referred_document: Option<String>,
    #[serde(rename = "SplmtryData", default)]
    pub supplementary_data: Vec<SupplementaryData>,
}

impl Mandate {
    /// A `SplmtryData` value rendered as a string (numbers included).
    pub fn supplementary(&self, key: &str) -> Option<String> {
        self.supplementary_data.iter().find(|d| d.key == key).and_then(|d| match &d.value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        })
    }

    /// The customer number (`Dbtr.CtctDtls.Othr`).
    pub fn customer_number(&self) -> Option<&str> {
        self.debtor.as_ref()?.contact.as_ref()?.customer_number.as_deref()
    }
}

/// `{"Rsn": ..., "Orgtr": ...}` of an amendment or cancellation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Reason {
    #[serde(rename = "Rsn", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(rename = "Orgtr", default, skip_serializing_if = "Option::is_none")]
    pub originator: Option<Party>,
}

/// What a mandate feed message means (the rule of Twikey's message.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateEventKind {
    /// New or newly signed mandate.
    New,
    /// Mandate changed (`AmdmntRsn`).
    Updated,
    /// Mandate cancelled (`CxlRsn`).
    Cancelled,
}

/// One message of `GET /mandate`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MandateFeedMessage {
    #[serde(rename = "EvtTime", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub evt_time: Option<String>,
    #[serde(rename = "EvtId", default, deserialize_with = "lenient::opt_i64", skip_serializing_if = "Option::is_none")]
    pub evt_id: Option<i64>,
    #[serde(rename = "OrgnlMndtId", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub original_mndt_id: Option<String>,
    #[serde(rename = "Mndt", default, skip_serializing_if = "Option::is_none")]
    pub mandate: Option<Mandate>,
    #[serde(rename = "AmdmntRsn", default, skip_serializing_if = "Option::is_none")]
    pub amendment_reason: Option<Reason>,
    #[serde(rename = "CxlRsn", default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<Reason>,
}

impl MandateFeedMessage {
    pub fn kind(&self) -> MandateEventKind {
        if self.cancel_reason.is_some() {
            MandateEventKind::Cancelled
        } else if self.amendment_reason.is_some() {
            MandateEventKind::Updated
        } else {
            MandateEventKind::New
        }
    }

    /// The mandate reference the message is about (`OrgnlMndtId`, else `Mndt.MndtId`).
    pub fn mandate_reference(&self) -> Option<&str> {
        self.original_mndt_id
            .as_deref()
            .or_else(|| self.mandate.as_ref().map(|m| m.mndt_id.as_str()))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct MandateFeedResponse {
    #[serde(rename = "Messages", default)]
    pub messages: Vec<MandateFeedMessage>,
}

/// `GET /mandate/detail`: the mandate plus the `X-STATE` / `X-COLLECTABLE` headers.
#[derive(Debug, Clone, PartialEq)]
pub struct MandateDetail {
    pub mandate: Mandate,
    /// `PREPARED`, `SIGNED`, `SIGNED_PENDING_DEBTOR_BANK`, `SUSPENDED`, `CANCELLED`, ...
    pub state: Option<String>,
    pub collectable: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MandateDetailResponse {
    #[serde(rename = "Mndt")]
    pub mandate: Mandate,
}

/// A template (profile) of `GET /template`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Template {
    #[serde(deserialize_with = "lenient::i64_any")]
    pub id: i64,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub active: Option<bool>,
    /// `CORE`, `B2B`, ...
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
    #[serde(rename = "mandateNumberRequired", default, deserialize_with = "lenient::opt_bool")]
    pub mandate_number_required: Option<bool>,
    #[serde(rename = "Attributes", default)]
    pub attributes: Vec<Value>,
}

/// `POST /transaction`.
#[derive(Debug, Clone, Default)]
pub struct NewTransaction {
    pub mndt_id: String,
    /// Shown on the debtor's statement, at most 140 SEPA characters.
    pub message: String,
    /// Amount in euro cents; sent as a dot decimal with two digits.
    pub amount_cents: i64,
    /// Own reference, usable later with `transaction_detail_by_ref` and deletion.
    pub reference: Option<String>,
    /// Requested collection date; none means as soon as possible.
    pub reqcolldt: Option<NaiveDate>,
    pub place: Option<String>,
}

/// Cents as Twikey's dot decimal (`1234` → `12.34`).
pub fn format_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

impl NewTransaction {
    pub(crate) fn to_form(&self) -> Form {
        let mut f: Form = vec![
            ("mndtId", self.mndt_id.clone()),
            ("message", self.message.clone()),
            ("amount", format_amount(self.amount_cents)),
        ];
        push(&mut f, "ref", &self.reference);
        if let Some(d) = self.reqcolldt {
            f.push(("reqcolldt", d.format("%Y-%m-%d").to_string()));
        }
        push(&mut f, "place", &self.place);
        f
    }
}

/// Transaction states of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionState {
    Open,
    Paid,
    Error,
    Unpaid,
    Other(String),
}

/// A transaction as found in create, detail and feed answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Transaction {
    #[serde(deserialize_with = "lenient::i64_any")]
    pub id: i64,
    #[serde(rename = "contractId", default, deserialize_with = "lenient::opt_i64", skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<i64>,
    #[serde(rename = "mndtId", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub mndt_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_f64", skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    #[serde(rename = "ref", default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Creation time.
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Sent by Twikey as a date or a datetime; only the date is kept.
    #[serde(default, deserialize_with = "lenient::opt_date", skip_serializing_if = "Option::is_none")]
    pub reqcolldt: Option<NaiveDate>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "final", default, deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub is_final: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub bkdate: Option<String>,
    /// SEPA R-code such as `MS03`.
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub bkerror: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub bkmsg: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_f64", skip_serializing_if = "Option::is_none")]
    pub bkamount: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_f64", skip_serializing_if = "Option::is_none")]
    pub admincharge: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_i64", skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
}

impl Transaction {
    pub fn state(&self) -> TransactionState {
        match self.state.as_deref().map(str::to_ascii_uppercase).as_deref() {
            Some("OPEN") | None => TransactionState::Open,
            Some("PAID") => TransactionState::Paid,
            Some("ERROR") => TransactionState::Error,
            Some("UNPAID") => TransactionState::Unpaid,
            Some(other) => TransactionState::Other(other.to_string()),
        }
    }

    /// The amount in cents, rounded.
    pub fn amount_cents(&self) -> Option<i64> {
        self.amount.map(|a| (a * 100.0).round() as i64)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct EntriesResponse {
    #[serde(rename = "Entries", default)]
    pub entries: Vec<Transaction>,
}

/// `POST /transaction/refund`.
#[derive(Debug, Clone, Default)]
pub struct RefundRequest {
    /// The collected transaction's id.
    pub id: i64,
    /// Shown to the debtor.
    pub message: String,
    pub amount_cents: i64,
    /// Your reference for the refund.
    pub reference: Option<String>,
}

impl RefundRequest {
    pub(crate) fn to_form(&self) -> Form {
        let mut f: Form = vec![("id", self.id.to_string()), ("message", self.message.clone()), ("amount", format_amount(self.amount_cents))];
        push(&mut f, "ref", &self.reference);
        f
    }
}

/// Which transaction(s) `DELETE /transaction` removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionSelector {
    Id(i64),
    Ref(String),
}

/// `POST /collect`.
#[derive(Debug, Clone, Default)]
pub struct CollectRequest {
    pub ct: String,
    /// Ask Twikey to pre-notify the debtors of the batch.
    pub prenotify: bool,
    /// Collection date; none means the earliest possible.
    pub colltndt: Option<NaiveDate>,
    /// Only transactions created before this instant (epoch milliseconds).
    pub until_ms: Option<i64>,
}

impl CollectRequest {
    pub(crate) fn to_form(&self) -> Form {
        let mut f: Form = vec![("ct", self.ct.clone())];
        // Twikey pre-notifies on the parameter's mere presence, whatever its value.
        if self.prenotify {
            f.push(("prenotify", "true".into()));
        }
        if let Some(d) = self.colltndt {
            f.push(("colltndt", d.format("%Y-%m-%d").to_string()));
        }
        if let Some(until) = self.until_ms {
            f.push(("until", until.to_string()));
        }
        f
    }
}

/// Batch ids created by a collect; both `None` means nothing was collected.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CollectResult {
    #[serde(rename = "frstMsgId", default, deserialize_with = "lenient::opt_string")]
    pub frst_msg_id: Option<String>,
    #[serde(rename = "rcurMsgId", default, deserialize_with = "lenient::opt_string")]
    pub rcur_msg_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_invite_answers() {
        let r: InviteResponse = serde_json::from_str(
            r#"{"mndtId": "MYCOMP123", "url": "https://twikey.to/mycomp/Ab3x", "key": "Ab3x"}"#,
        )
        .unwrap();
        assert_eq!(r.mndt_id, "MYCOMP123");
        assert_eq!(r.key.as_deref(), Some("Ab3x"));
        let r: InviteResponse = serde_json::from_str(r#"{"mndtId": "MYCOMP123"}"#).unwrap();
        assert_eq!(r.url, None);
    }

    #[test]
    fn parses_mandate_feed_example() {
        let body = r#"{
          "GrpHdr": {"CreDtTm": "2024-05-01T10:00:00Z"},
          "Messages": [
            {"EvtTime": "2024-05-01T09:58:00Z", "EvtId": 1001, "Mndt": {
               "MndtId": "MND1", "LclInstrm": "CORE",
               "Ocrncs": {"SeqTp": "RCUR", "Frqcy": "ADHO", "Drtn": {"FrDt": "2024-05-01"}},
               "MaxAmt": "0", "CdtrSchmeId": "BE54ZZZ0533800797",
               "Dbtr": {"Nm": "Jean Dupont", "PstlAdr": {"AdrLine": "Rue 1", "PstCd": 1000, "TwnNm": "Bruxelles", "Ctry": "BE"},
                        "CtctDtls": {"EmailAdr": "jean@example.be", "Othr": 42}},
               "DbtrAcct": "BE68539007547034", "DbtrAgt": {"FinInstnId": {"BICFI": "GKCCBEBB", "Nm": "Belfius"}},
               "RfrdDoc": "C1",
               "SplmtryData": [{"Key": "TemplateId", "Value": 1323}, {"Key": "Language", "Value": "fr"}, {"Key": "X", "Value": null}]
            }},
            {"EvtTime": "2024-05-01T09:59:00Z", "EvtId": "1002", "OrgnlMndtId": "OLD1",
             "AmdmntRsn": {"Rsn": "uncollectable|user", "Orgtr": {"Nm": "X", "CtctDtls": {"EmailAdr": "a@b.c"}}},
             "Mndt": {"MndtId": "NEW1"}},
            {"EvtTime": "2024-05-01T10:00:00Z", "EvtId": 1003, "OrgnlMndtId": "MND3",
             "CxlRsn": {"Rsn": "closed", "Orgtr": {"CtctDtls": {"EmailAdr": "a@b.c"}}}}
          ]
        }"#;
        let feed: MandateFeedResponse = serde_json::from_str(body).unwrap();
        let m = &feed.messages;
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].kind(), MandateEventKind::New);
        let mndt = m[0].mandate.as_ref().unwrap();
        assert_eq!(mndt.supplementary("TemplateId").as_deref(), Some("1323"));
        assert_eq!(mndt.customer_number(), Some("42"));
        assert_eq!(mndt.debtor.as_ref().unwrap().postal_address.as_ref().unwrap().post_code.as_deref(), Some("1000"));
        assert_eq!(m[1].kind(), MandateEventKind::Updated);
        assert_eq!(m[1].evt_id, Some(1002));
        assert_eq!(m[1].mandate_reference(), Some("OLD1"));
        assert_eq!(m[2].kind(), MandateEventKind::Cancelled);
        assert!(m[2].mandate.is_none());
    }

    #[test]
    fn parses_transactions_leniently() {
        let body = r#"{"Entries": [
          {"id": 381563, "contractId": 325638, "mndtId": "MNDTABC", "contract": "Algemene voorwaarden",
           "amount": 10.0, "msg": "Monthly payment", "place": null, "ref": null,
           "date": "2016-02-03T07:11:43Z", "reqcolldt": "2016-02-03", "state": "PAID", "final": true,
           "bkdate": "2016-02-05T07:11:43Z", "bkamount": 10.0},
          {"id": "9000000000", "amount": "12.50", "reqcolldt": "2016-02-03T07:11:43Z", "state": "ERROR",
           "bkerror": "MS03", "bkmsg": "No reason specified", "final": "false"}
        ]}"#;
        let e: EntriesResponse = serde_json::from_str(body).unwrap();
        assert_eq!(e.entries[0].state(), TransactionState::Paid);
        assert_eq!(e.entries[0].reqcolldt, NaiveDate::from_ymd_opt(2016, 2, 3));
        assert_eq!(e.entries[1].id, 9_000_000_000);
        assert_eq!(e.entries[1].amount_cents(), Some(1250));
        assert_eq!(e.entries[1].reqcolldt, NaiveDate::from_ymd_opt(2016, 2, 3));
        assert_eq!(e.entries[1].is_final, Some(false));
        assert_eq!(e.entries[1].bkerror.as_deref(), Some("MS03"));
    }

    #[test]
    fn parses_collect_and_templates() {
        let c: CollectResult = serde_json::from_str(r#"{"frstMsgId": null, "rcurMsgId": 42}"#).unwrap();
        assert_eq!(c.rcur_msg_id.as_deref(), Some("42"));
        let t: Vec<Template> = serde_json::from_str(
            r#"[{"id": 1001, "name": "Particuliers", "active": true, "type": "CORE", "mandateNumberRequired": false,
                 "Attributes": [{"name": "plan", "type": "select", "Options": ["a"]}]}, {"id": "1002"}]"#,
        )
        .unwrap();
        assert_eq!(t[0].kind.as_deref(), Some("CORE"));
        assert_eq!(t[1].id, 1002);
    }

    #[test]
    fn formats_amounts() {
        assert_eq!(format_amount(1234), "12.34");
        assert_eq!(format_amount(5), "0.05");
        assert_eq!(format_amount(-150), "-1.50");
    }
}
