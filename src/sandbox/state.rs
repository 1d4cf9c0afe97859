//! The sandbox's in-memory world: tenants (one per API key), mandates, transactions,
//! feeds, sent e-mails and the webhooks waiting to go out. Serializable for `--state`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::config::{SandboxConfig, TemplateConfig};

/// Twikey session tokens last 24 h.
pub const TOKEN_LIFETIME_HOURS: i64 = 24;
const CREDITOR_NAME: &str = "Encaisse Sandbox Creditor";
const CREDITOR_SCHEME_ID: &str = "BE69ZZZ0123456789";

/// An error answer of the API (`ApiErrorCode` + JSON body).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub extra: Option<String>,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: 400, code, message: message.into(), extra: None }
    }
    pub fn extra(mut self, extra: impl Into<String>) -> Self {
        self.extra = Some(extra.into());
        self
    }
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
    pub fn no_contract() -> Self {
        Self::new("err_no_contract", "No contract was found")
    }
    pub fn missing(param: &str) -> Self {
        Self::new("err_missing_params", format!("Missing parameter {param}")).extra(param)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MandateState {
    Prepared,
    Signed,
    SignedPendingDebtorBank,
    Suspended,
    Cancelled,
    /// A prepared mandate that was deleted: gone from the API, its link no longer valid.
    Deleted,
}

impl MandateState {
    pub fn as_str(self) -> &'static str {
        match self {
            MandateState::Prepared => "PREPARED",
            MandateState::Signed => "SIGNED",
            MandateState::SignedPendingDebtorBank => "SIGNED_PENDING_DEBTOR_BANK",
            MandateState::Suspended => "SUSPENDED",
            MandateState::Cancelled => "CANCELLED",
            MandateState::Deleted => "DELETED",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MandateRec {
    pub mndt_id: String,
    /// Short code of the signing link.
    pub key: String,
    pub ct: i64,
    /// `CORE` or `B2B`.
    pub kind: String,
    pub state: MandateState,
    /// Debtor fields as given to invite/update (`firstname`, `email`, `companyName`, ...).
    pub fields: BTreeMap<String, String>,
    pub created: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    /// When the debtor bank answers a B2B mandate.
    pub bank_due: Option<DateTime<Utc>>,
}

impl MandateRec {
    fn field(&self, k: &str) -> Option<&str> {
        self.fields.get(k).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub fn debtor_name(&self) -> String {
        if let Some(c) = self.field("companyName") {
            return c.to_string();
        }
        let n = [self.field("firstname"), self.field("lastname")].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if n.is_empty() { "(unnamed debtor)".into() } else { n }
    }

    pub fn email(&self) -> Option<String> {
        self.field("email").map(str::to_string)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TxRec {
    pub id: i64,
    pub mndt_id: String,
    pub amount_cents: i64,
    pub msg: String,
    pub reference: Option<String>,
    pub place: Option<String>,
    pub date: DateTime<Utc>,
    pub reqcolldt: Option<NaiveDate>,
    /// `OPEN`, `PAID`, `ERROR`.
    pub state: String,
    /// Part of a collection batch (sent to the bank): no longer deletable.
    pub collected: bool,
    pub settle_due: DateTime<Utc>,
    pub bkdate: Option<DateTime<Utc>>,
    pub bkerror: Option<String>,
    pub bkmsg: Option<String>,
    pub is_final: bool,
    pub seq: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedEvent {
    pub seq: i64,
    pub body: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdempotencyRec {
    pub fingerprint: String,
    pub tx_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tenant {
    pub merchant_id: u64,
    pub webhook_url: Option<String>,
    pub mandates: BTreeMap<String, MandateRec>,
    pub transactions: Vec<TxRec>,
    pub mandate_feed: Vec<FeedEvent>,
    pub tx_feed: Vec<FeedEvent>,
    pub mandate_cursor: i64,
    pub tx_cursor: i64,
    pub idempotency: BTreeMap<String, IdempotencyRec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenInfo {
    pub api_key: String,
    pub issued: DateTime<Utc>,
}

/// An e-mail Twikey would have sent to a debtor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub id: u64,
    pub to: Option<String>,
    /// `invitation`, `reminder`, `prenotification`, `cancellation`.
    pub kind: String,
    pub subject: String,
    pub mandate: Option<String>,
    pub transaction: Option<i64>,
    pub transaction_ref: Option<String>,
    /// The signing link, for invitations and reminders.
    pub url: Option<String>,
    pub time: DateTime<Utc>,
}

/// A webhook waiting to be delivered (after the state lock is released).
#[derive(Debug, Clone)]
pub struct OutgoingWebhook {
    pub api_key: String,
    pub url: String,
    pub query: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Data {
    pub tenants: BTreeMap<String, Tenant>,
    pub tokens: BTreeMap<String, TokenInfo>,
    pub emails: Vec<Email>,
    pub next_seq: i64,
    pub next_tx_id: i64,
    pub next_mandate: u64,
    pub next_batch: u64,
    #[serde(skip)]
    pub outbox: Vec<OutgoingWebhook>,
}

fn random_code(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect()
}

/// IBAN mod-97 check.
pub fn valid_iban(iban: &str) -> bool {
    let s: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if s.len() < 15 || s.len() > 34 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = format!("{}{}", &s[4..], &s[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = if c.is_ascii_digit() { c as u32 - '0' as u32 } else { c as u32 - 'A' as u32 + 10 };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

pub fn normalize_iban(iban: &str) -> String {
    iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

/// API.md §4.9: the outcome of a settled transaction by its amount.
pub fn settlement_outcome(amount_cents: i64) -> Option<(&'static str, &'static str)> {
    const CODES: [(&str, &str); 12] = [
        ("AC01", "Account identifier incorrect"),
        ("AC04", "Account closed"),
        ("AC06", "Account blocked"),
        ("AC13", "Invalid debtor account type"),
        ("AG01", "Transaction forbidden"),
        ("FF01", "Invalid file format"),
        ("MD01", "No mandate"),
        ("MD02", "Missing mandatory mandate information"),
        ("MD07", "Debtor deceased"),
        ("PY01", "Unknown"),
        ("RC01", "Bank identifier incorrect"),
        ("SL01", "Specific service offered by debtor agent"),
    ];
    let euros = amount_cents / 100;
    match euros {
        1..=5 => Some(("MS03", "No reason specified")),
        6..=10 => Some(("AM04", "Insufficient funds")),
        11..=15 => Some(("MS02", "Refusal by the debtor")),
        16..=20 => Some(("MD06", "Refund request by end customer")),
        21..=32 => Some(CODES[(euros - 21) as usize]),
        _ => None,
    }
}

/// API.md §4.9: the debtor bank accepts a B2B mandate when the IBAN ends in an even digit,
/// except at Belfius and BNP Paribas Fortis.
pub fn b2b_bank_accepts(iban: &str, bic: Option<&str>) -> bool {
    let bic = bic.unwrap_or("").to_ascii_uppercase();
    if bic.starts_with("GKCC") || bic.starts_with("GEBA") {
        return false;
    }
    iban.chars().last().and_then(|c| c.to_digit(10)).is_some_and(|d| d % 2 == 0)
}

fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Data {
    pub fn initial(config: &SandboxConfig) -> Self {
        let tenants = config
            .api_keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    k.clone(),
                    Tenant {
                        merchant_id: 1000 + i as u64,
                        webhook_url: config.webhook_urls.get(k).cloned(),
                        mandates: BTreeMap::new(),
                        transactions: vec![],
                        mandate_feed: vec![],
                        tx_feed: vec![],
                        mandate_cursor: 0,
                        tx_cursor: 0,
                        idempotency: BTreeMap::new(),
                    },
                )
            })
            .collect();
        Data {
            tenants,
            tokens: BTreeMap::new(),
            emails: vec![],
            next_seq: 1,
            next_tx_id: 1001,
            next_mandate: 1,
            next_batch: 1,
            outbox: vec![],
        }
    }

    fn seq(&mut self) -> i64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    // ---- sessions --------------------------------------------------------------------

    pub fn login(&mut self, api_key: &str, now: DateTime<Utc>) -> Result<(String, u64), ApiError> {
        let Some(t) = self.tenants.get(api_key) else {
            return Err(ApiError::new("err_no_login", "Not authorised"));
        };
        let merchant = t.merchant_id;
        let token = format!("{}-{}", random_code(8), random_code(24));
        self.tokens.insert(token.clone(), TokenInfo { api_key: api_key.into(), issued: now });
        Ok((token, merchant))
    }

    /// The API key of a valid session token.
    pub fn authenticate(&self, token: &str, now: DateTime<Utc>) -> Result<String, ApiError> {
        match self.tokens.get(token) {
            Some(t) if now - t.issued < chrono::Duration::hours(TOKEN_LIFETIME_HOURS) => Ok(t.api_key.clone()),
            _ => Err(ApiError::new("err_no_login", "Session expired or invalid, please log in again").status(401)),
        }
    }

    pub fn logout(&mut self, token: &str) {
        self.tokens.remove(token);
    }

    // ---- helpers ---------------------------------------------------------------------

    pub fn tenant(&mut self, api_key: &str) -> &mut Tenant {
        self.tenants.get_mut(api_key).expect("authenticated key has a tenant")
    }

    fn webhook(&mut self, api_key: &str, params: &[(&str, &str)]) {
        let Some(url) = self.tenants.get(api_key).and_then(|t| t.webhook_url.clone()) else {
            return;
        };
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        self.outbox.push(OutgoingWebhook { api_key: api_key.into(), url, query });
    }

    fn email(&mut self, m: &MandateRec, kind: &str, subject: String, url: Option<String>, tx: Option<&TxRec>, now: DateTime<Utc>) {
        let id = self.emails.len() as u64 + 1;
        self.emails.push(Email {
            id,
            to: m.email(),
            kind: kind.into(),
            subject,
            mandate: Some(m.mndt_id.clone()),
            transaction: tx.map(|t| t.id),
            transaction_ref: tx.and_then(|t| t.reference.clone()),
            url,
            time: now,
        });
    }

    /// The mandate behind a signing-link key, with its API key.
    pub fn find_by_key(&self, key: &str) -> Option<(String, MandateRec)> {
        self.tenants.iter().find_map(|(k, t)| {
            t.mandates.values().find(|m| m.key == key).map(|m| (k.clone(), m.clone()))
        })
    }

    /// The `Mndt` object, with every key Java's parser requires.
    pub fn mndt_json(&self, m: &MandateRec, templates: &[TemplateConfig]) -> Value {
        let f = |k: &str| m.fields.get(k).cloned().unwrap_or_default();
        let tpl_name = templates.iter().find(|t| t.id == m.ct).map(|t| t.name.clone()).unwrap_or_default();
        let mut dbtr = json!({
            "Nm": m.debtor_name(),
            "PstlAdr": {"AdrLine": f("address"), "PstCd": f("zip"), "TwnNm": f("city"), "Ctry": f("country")},
            "CtctDtls": {"EmailAdr": f("email"), "MobNb": f("mobile"), "Othr": f("customerNumber")},
        });
        let enterprise = m.fields.get("vatno").or_else(|| m.fields.get("coc")).cloned().unwrap_or_default();
        if !enterprise.is_empty() {
            dbtr["Id"] = json!(enterprise);
        }
        let mut supplementary = vec![
            json!({"Key": "TemplateId", "Value": m.ct}),
            json!({"Key": "MandateName", "Value": tpl_name}),
            json!({"Key": "Language", "Value": m.fields.get("l").cloned().unwrap_or_else(|| "en".into())}),
        ];
        for (k, name) in [("firstname", "FirstName"), ("lastname", "LastName")] {
            if let Some(v) = m.fields.get(k) {
                supplementary.push(json!({"Key": name, "Value": v}));
            }
        }
        if let Some(t) = m.signed_at {
            supplementary.push(json!({"Key": "SignerMethod#0", "Value": "mock"}));
            supplementary.push(json!({"Key": "Signer#0", "Value": m.debtor_name()}));
            supplementary.push(json!({"Key": "SignerDate#0", "Value": fmt_time(t)}));
        }
        json!({
            "MndtId": m.mndt_id,
            "LclInstrm": m.kind,
            "Ocrncs": {"SeqTp": "RCUR", "Frqcy": "ADHO", "Drtn": {"FrDt": m.signed_at.unwrap_or(m.created).format("%Y-%m-%d").to_string()}},
            "MaxAmt": "0",
            "CdtrSchmeId": CREDITOR_SCHEME_ID,
            "Cdtr": {"Nm": CREDITOR_NAME, "PstlAdr": {"AdrLine": "Rue de la Loi 1", "PstCd": "1000", "TwnNm": "Bruxelles", "Ctry": "BE"}, "CtctDtls": {"EmailAdr": "creditor@sandbox.invalid"}},
            "Dbtr": dbtr,
            "DbtrAcct": f("iban"),
            "DbtrAgt": {"FinInstnId": {"BICFI": f("bic"), "Nm": ""}},
            "RfrdDoc": tpl_name,
            "SplmtryData": supplementary,
        })
    }

    fn push_mandate_event(&mut self, api_key: &str, m: &MandateRec, kind: Option<(&str, &str)>, templates: &[TemplateConfig], now: DateTime<Utc>) {
        let seq = self.seq();
        let mut body = json!({"EvtTime": fmt_time(now), "EvtId": seq});
        let orgtr = json!({"Nm": m.debtor_name(), "CtctDtls": {"EmailAdr": m.email().unwrap_or_default()}});
        match kind {
            None => body["Mndt"] = self.mndt_json(m, templates),
            Some(("update", rsn)) => {
                body["OrgnlMndtId"] = json!(m.mndt_id);
                body["AmdmntRsn"] = json!({"Rsn": rsn, "Orgtr": orgtr});
                body["Mndt"] = self.mndt_json(m, templates);
            }
            Some((_, rsn)) => {
                body["OrgnlMndtId"] = json!(m.mndt_id);
                body["CxlRsn"] = json!({"Rsn": rsn, "Orgtr": orgtr});
            }
        }
        self.tenant(api_key).mandate_feed.push(FeedEvent { seq, body });
    }

    // ---- mandates --------------------------------------------------------------------

    pub fn invite(
        &mut self,
        api_key: &str,
        ct: i64,
        fields: BTreeMap<String, String>,
        send_invite: bool,
        check: bool,
        templates: &[TemplateConfig],
        public_url: &str,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let tpl = templates.iter().find(|t| t.id == ct).ok_or_else(|| ApiError::new("err_no_such_ct", "No such template").extra("ct"))?;
        if let Some(email) = fields.get("email") {
            if !email.is_empty() && !email.contains('@') {
                return Err(ApiError::new("err_invalid_email", "Invalid e-mail address").extra("email"));
            }
        }
        if let Some(iban) = fields.get("iban") {
            if !iban.is_empty() && !valid_iban(iban) {
                return Err(ApiError::new("err_invalid_iban", "Invalid IBAN").extra("iban"));
            }
        }
        let tenant = self.tenant(api_key);
        if check {
            let same = |m: &&MandateRec| {
                m.ct == ct
                    && !matches!(m.state, MandateState::Cancelled | MandateState::Deleted)
                    && ["email", "customerNumber", "mandateNumber"].iter().any(|k| {
                        fields.get(*k).is_some_and(|v| !v.is_empty() && m.fields.get(*k) == Some(v))
                    })
            };
            if let Some(m) = tenant.mandates.values().find(same) {
                if m.state != MandateState::Prepared {
                    return Ok(json!({"mndtId": m.mndt_id}));
                }
                return Ok(json!({"mndtId": m.mndt_id, "url": format!("{public_url}/sign/{}", m.key), "key": m.key}));
            }
        }
        let mndt_id = match fields.get("mandateNumber").filter(|v| !v.is_empty()) {
            Some(n) => {
                if tenant.mandates.contains_key(n) {
                    return Err(ApiError::new("err_duplicate_ref", "Mandate number already in use").extra("mandateNumber"));
                }
                n.clone()
            }
            None => {
                let n = format!("SBX{:05}", self.next_mandate);
                self.next_mandate += 1;
                n
            }
        };
        let key = random_code(10);
        let m = MandateRec {
            mndt_id: mndt_id.clone(),
            key: key.clone(),
            ct,
            kind: tpl.kind.clone(),
            state: MandateState::Prepared,
            fields,
            created: now,
            signed_at: None,
            bank_due: None,
        };
        let url = format!("{public_url}/sign/{key}");
        if send_invite {
            let subject = format!("{CREDITOR_NAME} invites you to sign a direct debit mandate");
            self.email(&m, "invitation", subject, Some(url.clone()), None, now);
        }
        self.tenant(api_key).mandates.insert(mndt_id.clone(), m);
        Ok(json!({"mndtId": mndt_id, "url": url, "key": key}))
    }

    /// A mandate visible through the API (not deleted).
    pub fn mandate(&self, api_key: &str, mndt_id: &str) -> Result<MandateRec, ApiError> {
        match self.tenants.get(api_key).and_then(|t| t.mandates.get(mndt_id)) {
            Some(m) if m.state != MandateState::Deleted => Ok(m.clone()),
            _ => Err(ApiError::no_contract()),
        }
    }

    /// Signs a prepared mandate (signing page or `POST /sign`).
    pub fn sign(&mut self, api_key: &str, mndt_id: &str, iban: &str, bic: Option<&str>, settle_after: chrono::Duration, templates: &[TemplateConfig], now: DateTime<Utc>) -> Result<MandateRec, ApiError> {
        let mut m = self.mandate(api_key, mndt_id)?;
        if m.state != MandateState::Prepared {
            return Err(ApiError::new("err_invalid_state", "This mandate was already signed or is no longer valid"));
        }
        if !valid_iban(iban) {
            return Err(ApiError::new("err_invalid_iban", "Invalid IBAN").extra("iban"));
        }
        m.fields.insert("iban".into(), normalize_iban(iban));
        if let Some(b) = bic.filter(|b| !b.trim().is_empty()) {
            m.fields.insert("bic".into(), b.trim().to_ascii_uppercase());
        }
        m.signed_at = Some(now);
        if m.kind == "B2B" {
            m.state = MandateState::SignedPendingDebtorBank;
            m.bank_due = Some(now + settle_after);
        } else {
            m.state = MandateState::Signed;
        }
        self.tenant(api_key).mandates.insert(m.mndt_id.clone(), m.clone());
        self.push_mandate_event(api_key, &m, None, templates, now);
        self.webhook(api_key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "Sign"), ("state", m.state.as_str())]);
        Ok(m)
    }

    pub fn update(&mut self, api_key: &str, mndt_id: &str, changes: BTreeMap<String, String>, templates: &[TemplateConfig], now: DateTime<Utc>) -> Result<(), ApiError> {
        let mut m = self.mandate(api_key, mndt_id)?;
        if m.state == MandateState::Cancelled {
            return Err(ApiError::new("err_invalid_state", "The mandate is cancelled"));
        }
        let mut reason = None;
        let mut data_changed = false;
        for (k, v) in changes {
            match k.as_str() {
                "state" => match v.to_ascii_lowercase().as_str() {
                    "passive" if m.state == MandateState::Signed => {
                        m.state = MandateState::Suspended;
                        reason = Some("uncollectable|user");
                    }
                    "active" if m.state == MandateState::Suspended => {
                        m.state = MandateState::Signed;
                        reason = Some("resumed");
                    }
                    "passive" | "active" => return Err(ApiError::new("err_invalid_state", "State change not possible in the current state")),
                    _ => return Err(ApiError::new("err_invalid_params", "state must be active or passive").extra("state")),
                },
                "ct" => {
                    let ct: i64 = v.parse().map_err(|_| ApiError::new("err_invalid_ct", "Invalid template").extra("ct"))?;
                    let t = templates.iter().find(|t| t.id == ct).ok_or_else(|| ApiError::new("err_no_such_ct", "No such template").extra("ct"))?;
                    if t.kind != m.kind {
                        return Err(ApiError::new("err_invalid_ct", "Template of another type").extra("ct"));
                    }
                    m.ct = ct;
                    data_changed = true;
                }
                "iban" if !valid_iban(&v) => return Err(ApiError::new("err_invalid_iban", "Invalid IBAN").extra("iban")),
                _ => {
                    m.fields.insert(k, v);
                    data_changed = true;
                }
            }
        }
        if data_changed && m.kind == "B2B" && m.state != MandateState::Prepared {
            return Err(ApiError::new("err_invalid_state", "A B2B mandate is only editable in the Prepared state"));
        }
        self.tenant(api_key).mandates.insert(m.mndt_id.clone(), m.clone());
        if matches!(m.state, MandateState::Prepared) {
            return Ok(()); // unsigned mandates are not in the feed
        }
        let rsn = reason.unwrap_or("Updated by creditor");
        self.push_mandate_event(api_key, &m, Some(("update", rsn)), templates, now);
        self.webhook(api_key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "Update"), ("state", m.state.as_str())]);
        Ok(())
    }

    pub fn cancel(&mut self, api_key: &str, mndt_id: &str, rsn: &str, templates: &[TemplateConfig], now: DateTime<Utc>) -> Result<(), ApiError> {
        let mut m = self.mandate(api_key, mndt_id)?;
        match m.state {
            MandateState::Cancelled | MandateState::Deleted => {
                return Err(ApiError::new("err_invalid_state", "One of the mandates had an invalid state"));
            }
            MandateState::Prepared => {
                m.state = MandateState::Deleted;
                self.tenant(api_key).mandates.insert(m.mndt_id.clone(), m.clone());
                self.webhook(api_key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "Invite"), ("reason", "removed")]);
            }
            _ => {
                m.state = MandateState::Cancelled;
                self.tenant(api_key).mandates.insert(m.mndt_id.clone(), m.clone());
                self.push_mandate_event(api_key, &m, Some(("cancel", rsn)), templates, now);
                let subject = format!("Your direct debit mandate {} with {CREDITOR_NAME} was cancelled", m.mndt_id);
                self.email(&m, "cancellation", subject, None, None, now);
                self.webhook(api_key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "Cancel"), ("state", "CANCELLED")]);
            }
        }
        Ok(())
    }

    pub fn action(&mut self, api_key: &str, mndt_id: &str, kind: &str, reminder: Option<&str>, public_url: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        let m = self.mandate(api_key, mndt_id)?;
        let url = Some(format!("{public_url}/sign/{}", m.key));
        match kind {
            "invite" | "reminder" if m.state != MandateState::Prepared => {
                Err(ApiError::new("err_invalid_state", "The mandate is not waiting for a signature"))
            }
            "invite" => {
                self.email(&m, "invitation", format!("{CREDITOR_NAME} invites you to sign a direct debit mandate"), url, None, now);
                Ok(())
            }
            "reminder" => {
                let n = reminder.unwrap_or("1");
                self.email(&m, "reminder", format!("Reminder {n}: please sign your direct debit mandate for {CREDITOR_NAME}"), url, None, now);
                Ok(())
            }
            "access" | "automaticCheck" | "manualCheck" => Ok(()),
            "" => Err(ApiError::missing("type")),
            _ => Err(ApiError::new("err_invalid_params", "Unknown action type").extra("type")),
        }
    }

    /// Up to `limit` feed events after the cursor; moves the cursor.
    pub fn read_feed(&mut self, api_key: &str, mandates: bool, resume_after: Option<i64>, limit: usize) -> (Vec<Value>, Option<i64>) {
        let t = self.tenant(api_key);
        let (feed, cursor) = if mandates { (&t.mandate_feed, &mut t.mandate_cursor) } else { (&t.tx_feed, &mut t.tx_cursor) };
        if let Some(r) = resume_after {
            *cursor = r;
        }
        let items: Vec<&FeedEvent> = feed.iter().filter(|e| e.seq > *cursor).take(limit).collect();
        let last = items.last().map(|e| e.seq);
        if let Some(l) = last {
            *cursor = l;
        }
        (items.into_iter().map(|e| e.body.clone()).collect(), last)
    }

    // ---- transactions ----------------------------------------------------------------

    pub fn tx_json(&self, api_key: &str, t: &TxRec, templates: &[TemplateConfig]) -> Value {
        let tenant = &self.tenants[api_key];
        let m = tenant.mandates.get(&t.mndt_id);
        let contract = m.and_then(|m| templates.iter().find(|x| x.id == m.ct)).map(|x| x.name.clone()).unwrap_or_default();
        let contract_id = m.map(|m| m.mndt_id.bytes().fold(0i64, |a, b| (a * 31 + b as i64) % 1_000_000_007)).unwrap_or(0);
        json!({
            "id": t.id,
            "contractId": contract_id,
            "mndtId": t.mndt_id,
            "contract": contract,
            "amount": t.amount_cents as f64 / 100.0,
            "msg": t.msg,
            "place": t.place,
            "ref": t.reference,
            "date": fmt_time(t.date),
            "reqcolldt": t.reqcolldt.map(|d| d.format("%Y-%m-%d").to_string()),
            "state": t.state,
            "final": t.is_final,
            "bkdate": t.bkdate.map(fmt_time),
            "bkerror": t.bkerror,
            "bkmsg": t.bkmsg,
            "bkamount": if t.state == "PAID" { json!(t.amount_cents as f64 / 100.0) } else { Value::Null },
            "seq": t.seq,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn create_transaction(
        &mut self,
        api_key: &str,
        mndt_id: &str,
        message: &str,
        amount: &str,
        reference: Option<String>,
        place: Option<String>,
        reqcolldt: Option<&str>,
        idempotency: Option<(String, String)>,
        settle_after: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<TxRec, ApiError> {
        if let Some((key, fingerprint)) = &idempotency {
            if let Some(rec) = self.tenant(api_key).idempotency.get(key) {
                if &rec.fingerprint != fingerprint {
                    return Err(ApiError::new("err_duplicate_ref", "Idempotency-Key already used for another request").status(409));
                }
                let id = rec.tx_id;
                if let Some(t) = self.tenant(api_key).transactions.iter().find(|t| t.id == id) {
                    return Ok(t.clone());
                }
                return Err(ApiError::new("err_duplicate_ref", "Idempotency-Key already used").status(409));
            }
        }
        if mndt_id.is_empty() {
            return Err(ApiError::missing("mndtId"));
        }
        let m = self.mandate(api_key, mndt_id)?;
        if m.state != MandateState::Signed {
            return Err(ApiError::new("err_invalid_state", "The mandate is not active"));
        }
        if message.trim().is_empty() {
            return Err(ApiError::missing("message"));
        }
        if message.chars().count() > 140 {
            return Err(ApiError::new("err_invalid_sepachars", "Message too long").extra("message"));
        }
        let amount_cents = parse_amount(amount).ok_or_else(|| ApiError::new("err_invalid_amount", "Invalid amount").extra("amount"))?;
        let reqcolldt = match reqcolldt.filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(s) => Some(crate::twikey::lenient::parse_date_or_datetime(s).ok_or_else(|| ApiError::new("err_invalid_date", "Invalid date").extra("reqcolldt"))?),
        };
        let id = self.next_tx_id;
        self.next_tx_id += 1;
        let tx = TxRec {
            id,
            mndt_id: mndt_id.into(),
            amount_cents,
            msg: message.into(),
            reference: reference.filter(|r| !r.is_empty()),
            place: place.filter(|p| !p.is_empty()),
            date: now,
            reqcolldt,
            state: "OPEN".into(),
            collected: false,
            settle_due: now + settle_after,
            bkdate: None,
            bkerror: None,
            bkmsg: None,
            is_final: false,
            seq: None,
        };
        let tenant = self.tenant(api_key);
        tenant.transactions.push(tx.clone());
        if let Some((key, fingerprint)) = idempotency {
            tenant.idempotency.insert(key, IdempotencyRec { fingerprint, tx_id: id });
        }
        Ok(tx)
    }

    pub fn delete_transaction(&mut self, api_key: &str, id: Option<i64>, reference: Option<&str>) -> Result<(), ApiError> {
        let tenant = self.tenant(api_key);
        let matches: Vec<usize> = tenant
            .transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| id.is_some_and(|i| t.id == i) || reference.is_some_and(|r| t.reference.as_deref() == Some(r)))
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [] => Err(ApiError::new("err_not_found", "No such transaction")),
            [i] => {
                let t = &tenant.transactions[*i];
                if t.collected || t.state != "OPEN" {
                    return Err(ApiError::new("err_not_authorised", "Transaction already sent to the bank"));
                }
                tenant.transactions.remove(*i);
                Ok(())
            }
            _ => Err(ApiError::new("err_duplicate_tx", "Several transactions share this reference")),
        }
    }

    pub fn collect(&mut self, api_key: &str, ct: i64, prenotify: bool, templates: &[TemplateConfig], now: DateTime<Utc>) -> Result<Value, ApiError> {
        if !templates.iter().any(|t| t.id == ct) {
            return Err(ApiError::new("err_no_such_ct", "No such template").extra("ct"));
        }
        let batch = self.next_batch;
        let tenant = self.tenant(api_key);
        let mut frst = false;
        let mut rcur = false;
        let mut picked = vec![];
        let already: std::collections::BTreeSet<String> =
            tenant.transactions.iter().filter(|t| t.collected).map(|t| t.mndt_id.clone()).collect();
        for t in tenant.transactions.iter_mut() {
            let in_template = tenant.mandates.get(&t.mndt_id).is_some_and(|m| m.ct == ct);
            if in_template && !t.collected && t.state == "OPEN" {
                t.collected = true;
                if already.contains(&t.mndt_id) { rcur = true } else { frst = true }
                picked.push(t.clone());
            }
        }
        if picked.is_empty() {
            return Ok(json!({"frstMsgId": null, "rcurMsgId": null}));
        }
        self.next_batch += 1;
        if prenotify {
            for t in &picked {
                let m = self.tenants[api_key].mandates[&t.mndt_id].clone();
                let subject = format!("{CREDITOR_NAME} will collect EUR {} from your account", crate::twikey::format_amount(t.amount_cents));
                self.email(&m, "prenotification", subject, None, Some(t), now);
            }
        }
        Ok(json!({
            "frstMsgId": if frst { json!(format!("FRST{batch:06}")) } else { Value::Null },
            "rcurMsgId": if rcur { json!(format!("RCUR{batch:06}")) } else { Value::Null },
        }))
    }

    // ---- time passing ----------------------------------------------------------------

    /// Settles due transactions and answers due B2B bank checks (all of them when `force`).
    /// Returns how many things changed.
    pub fn settle(&mut self, force: bool, templates: &[TemplateConfig], now: DateTime<Utc>) -> usize {
        let mut changed = 0;
        let keys: Vec<String> = self.tenants.keys().cloned().collect();
        for key in keys {
            // B2B mandates waiting for the debtor bank.
            let due: Vec<MandateRec> = self.tenants[&key]
                .mandates
                .values()
                .filter(|m| m.state == MandateState::SignedPendingDebtorBank && (force || m.bank_due.is_some_and(|d| d <= now)))
                .cloned()
                .collect();
            for mut m in due {
                changed += 1;
                let accepted = b2b_bank_accepts(m.fields.get("iban").map(String::as_str).unwrap_or(""), m.fields.get("bic").map(String::as_str));
                m.bank_due = None;
                m.state = if accepted { MandateState::Signed } else { MandateState::Cancelled };
                self.tenant(&key).mandates.insert(m.mndt_id.clone(), m.clone());
                if accepted {
                    self.push_mandate_event(&key, &m, Some(("update", "AcceptedBank")), templates, now);
                    self.webhook(&key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "AcceptedBank"), ("state", "SIGNED")]);
                } else {
                    self.push_mandate_event(&key, &m, Some(("cancel", "RejectBank")), templates, now);
                    self.webhook(&key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "RejectBank"), ("state", "CANCELLED")]);
                }
            }
            // Transactions.
            let due: Vec<usize> = self.tenants[&key]
                .transactions
                .iter()
                .enumerate()
                .filter(|(_, t)| t.state == "OPEN" && (force || t.settle_due <= now))
                .map(|(i, _)| i)
                .collect();
            if due.is_empty() {
                continue;
            }
            for i in due {
                changed += 1;
                let seq = self.seq();
                let t = &mut self.tenant(&key).transactions[i];
                match settlement_outcome(t.amount_cents) {
                    Some((code, msg)) => {
                        t.state = "ERROR".into();
                        t.bkerror = Some(code.into());
                        t.bkmsg = Some(msg.into());
                    }
                    None => t.state = "PAID".into(),
                }
                // No dunning in the sandbox: every outcome is final.
                t.is_final = true;
                t.collected = true;
                t.bkdate = Some(now);
                t.seq = Some(seq);
                let t = t.clone();
                let body = self.tx_json(&key, &t, templates);
                self.tenant(&key).tx_feed.push(FeedEvent { seq, body });
            }
            self.webhook(&key, &[("type", "payment")]);
        }
        changed
    }

    /// Whether anything is waiting for `settle` at `now`.
    pub fn anything_due(&self, now: DateTime<Utc>) -> bool {
        self.tenants.values().any(|t| {
            t.transactions.iter().any(|x| x.state == "OPEN" && x.settle_due <= now)
                || t.mandates.values().any(|m| m.state == MandateState::SignedPendingDebtorBank && m.bank_due.is_some_and(|d| d <= now))
        })
    }
}

/// `10`, `10.5`, `10.90`, `10,90` → cents; rejects zero, negatives and more than 2 decimals.
pub fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() || !int.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = int.parse::<i64>().ok()?.checked_mul(100)? + format!("{frac:0<2}").parse::<i64>().ok()?;
    (cents > 0).then_some(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_check() {
        assert!(valid_iban("BE68539007547034"));
        assert!(valid_iban("BE71 0961 2345 6769"));
        assert!(!valid_iban("BE68539007547035"));
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("10"), Some(1000));
        assert_eq!(parse_amount("10.9"), Some(1090));
        assert_eq!(parse_amount("10,90"), Some(1090));
        assert_eq!(parse_amount("0"), None);
        assert_eq!(parse_amount("-1"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("1.234"), None);
    }

    #[test]
    fn settlement_table() {
        assert_eq!(settlement_outcome(500).unwrap().0, "MS03");
        assert_eq!(settlement_outcome(1000).unwrap().0, "AM04");
        assert_eq!(settlement_outcome(1500).unwrap().0, "MS02");
        assert_eq!(settlement_outcome(2000).unwrap().0, "MD06");
        assert_eq!(settlement_outcome(2100).unwrap().0, "AC01");
        assert_eq!(settlement_outcome(3200).unwrap().0, "SL01");
        assert_eq!(settlement_outcome(3300), None);
        assert!(b2b_bank_accepts("BE68539007547034", None));
        assert!(!b2b_bank_accepts("BE68539007547034", Some("GKCCBEBB")));
        assert!(!b2b_bank_accepts("BE71096123456769", None));
    }
}
