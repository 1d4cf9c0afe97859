//! The sandbox's in-memory world: tenants (one per API key), mandates, transactions,
//! feeds, sent e-mails and the webhooks waiting to go out. Serializable for `--state`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::config::{is_sandbox_key, SandboxConfig, TemplateConfig};

/// Twikey session tokens last 24 h.
pub const TOKEN_LIFETIME_HOURS: i64 = 24;
/// An `Idempotency-Key` is single use for 24 h.
pub const IDEMPOTENCY_HOURS: i64 = 24;
/// Longest `mndtId` and `ref` of a transaction.
const MAX_REF_LEN: usize = 35;
/// Longest transaction `message`.
const MAX_MESSAGE_LEN: usize = 140;
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
    /// Creation time (what `until` of a collect compares with).
    pub date: DateTime<Utc>,
    /// `date` of the request: the billable event's day, shown as `date` when given.
    #[serde(default)]
    pub billed: Option<NaiveDate>,
    pub reqcolldt: Option<NaiveDate>,
    /// `OPEN` (also while offered to the bank again), `PAID`, `ERROR`.
    pub state: String,
    /// When it was (last) sent to the bank: by `POST /collect`, by the template's automatic
    /// sending, or by a dunning re-offer. Unsent transactions get no outcome and stay deletable.
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
    /// When the bank answers (`sent_at` + settle-after).
    #[serde(default)]
    pub settle_due: Option<DateTime<Utc>>,
    /// How many times dunning offered it to the bank again.
    #[serde(default)]
    pub reoffered: u32,
    pub bkdate: Option<DateTime<Utc>>,
    pub bkerror: Option<String>,
    pub bkmsg: Option<String>,
    pub is_final: bool,
    pub seq: Option<i64>,
}

impl TxRec {
    fn due(&self, force: bool, now: DateTime<Utc>) -> bool {
        self.state == "OPEN" && self.sent_at.is_some() && (force || self.settle_due.is_some_and(|d| d <= now))
    }

    fn send(&mut self, settle_after: chrono::Duration, now: DateTime<Utc>) {
        self.sent_at = Some(now);
        self.settle_due = Some(now + settle_after);
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedEvent {
    pub seq: i64,
    pub body: Value,
    /// The mandate's type (`CORE`, `B2B`) for `X-TYPES`; none for transaction events.
    #[serde(default)]
    pub kind: Option<String>,
}

/// A used `Idempotency-Key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdempotencyRec {
    #[serde(default = "Utc::now")]
    pub used_at: DateTime<Utc>,
    #[serde(default)]
    pub tx_id: Option<i64>,
}

/// A creditor's options of one template (Twikey profile settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateOptions {
    /// Automatic sending: transactions count as sent to the bank when created.
    pub auto_send: bool,
    /// Dunning: re-offers of an insufficient-funds failure.
    pub reoffers: u32,
}

impl From<&TemplateConfig> for TemplateOptions {
    fn from(t: &TemplateConfig) -> Self {
        Self { auto_send: t.auto_send, reoffers: t.reoffers }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tenant {
    pub merchant_id: u64,
    pub webhook_url: Option<String>,
    /// Per-template options, starting from the configuration's.
    #[serde(default)]
    pub template_options: BTreeMap<i64, TemplateOptions>,
    /// Hex private key: the login needs an `otp` (enhanced security).
    #[serde(default)]
    pub private_key: Option<String>,
    pub mandates: BTreeMap<String, MandateRec>,
    pub transactions: Vec<TxRec>,
    pub mandate_feed: Vec<FeedEvent>,
    pub tx_feed: Vec<FeedEvent>,
    pub mandate_cursor: i64,
    pub tx_cursor: i64,
    pub idempotency: BTreeMap<String, IdempotencyRec>,
    /// Invoices uploaded as UBL, by UUID (see [`super::invoices`]).
    #[serde(default)]
    pub invoices: BTreeMap<String, super::invoice_records::InvoiceRec>,
    #[serde(default)]
    pub invoice_feed: Vec<FeedEvent>,
    #[serde(default)]
    pub invoice_cursor: i64,
    /// Refunds of collected transactions (`POST /transaction/refund`).
    #[serde(default)]
    pub refunds: Vec<RefundRec>,
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
    /// Every document handed to the Peppol network, oldest first (`GET /_sandbox/peppol`).
    #[serde(default)]
    pub peppol: Vec<super::invoice_records::PeppolDelivery>,
    #[serde(skip)]
    pub outbox: Vec<OutgoingWebhook>,
}

fn random_code(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect()
}

/// An IBAN Twikey would take: the IBAN registry's checks (`iban_validate`): check digits, and
/// the country's length and account number format where the registry lists the country.
/// Spaces and lower case are accepted.
pub fn valid_iban(iban: &str) -> bool {
    let s = normalize_iban(iban);
    match s.parse::<iban::Iban>() {
        Ok(_) => true,
        Err(iban::ParseIbanError::UnknownCountry(_)) => (15..=34).contains(&s.len()),
        Err(_) => false,
    }
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
        let mut d = Data {
            tenants: BTreeMap::new(),
            tokens: BTreeMap::new(),
            emails: vec![],
            next_seq: 1,
            next_tx_id: 1001,
            next_mandate: 1,
            next_batch: 1,
            peppol: vec![],
            outbox: vec![],
        };
        for k in &config.api_keys {
            d.add_tenant(k, &config.templates);
        }
        // `sandbox-…` keys named by other flags exist from the start too.
        for k in config.webhook_urls.keys().chain(config.private_keys.keys()) {
            d.ensure_tenant(k, &config.templates);
        }
        for (k, url) in &config.webhook_urls {
            if let Some(t) = d.tenants.get_mut(k) {
                t.webhook_url = Some(url.clone());
            }
        }
        for (k, pk) in &config.private_keys {
            if let Some(t) = d.tenants.get_mut(k) {
                t.private_key = Some(pk.clone());
            }
        }
        d
    }

    /// A new creditor with the next free merchant id and the configuration's templates.
    fn add_tenant(&mut self, api_key: &str, templates: &[TemplateConfig]) {
        if self.tenants.contains_key(api_key) {
            return;
        }
        let merchant_id = self.tenants.values().map(|t| t.merchant_id + 1).max().unwrap_or(1000);
        self.tenants.insert(
            api_key.to_string(),
            Tenant {
                merchant_id,
                webhook_url: None,
                template_options: templates.iter().map(|t| (t.id, TemplateOptions::from(t))).collect(),
                private_key: None,
                mandates: BTreeMap::new(),
                transactions: vec![],
                mandate_feed: vec![],
                tx_feed: vec![],
                mandate_cursor: 0,
                tx_cursor: 0,
                idempotency: BTreeMap::new(),
                invoices: BTreeMap::new(),
                invoice_feed: vec![],
                invoice_cursor: 0,
                refunds: vec![],
            },
        );
    }

    /// Whether the creditor of `api_key` exists, creating it first for a `sandbox-…` key.
    pub fn ensure_tenant(&mut self, api_key: &str, templates: &[TemplateConfig]) -> bool {
        if !self.tenants.contains_key(api_key) && is_sandbox_key(api_key) {
            self.add_tenant(api_key, templates);
        }
        self.tenants.contains_key(api_key)
    }

    /// A creditor's options for template `ct` (the configuration's when not set).
    pub fn template_options(&self, api_key: &str, ct: i64, templates: &[TemplateConfig]) -> TemplateOptions {
        self.tenants
            .get(api_key)
            .and_then(|t| t.template_options.get(&ct).copied())
            .or_else(|| templates.iter().find(|t| t.id == ct).map(TemplateOptions::from))
            .unwrap_or(TemplateOptions { auto_send: true, reoffers: 0 })
    }

    /// Changes a creditor's options of template `ct`.
    pub fn set_template_options(
        &mut self,
        api_key: &str,
        ct: i64,
        auto_send: Option<bool>,
        reoffers: Option<u32>,
        templates: &[TemplateConfig],
    ) -> Result<(), String> {
        if !templates.iter().any(|t| t.id == ct) {
            return Err(format!("no template {ct}"));
        }
        if !self.ensure_tenant(api_key, templates) {
            return Err("unknown API key".into());
        }
        let mut o = self.template_options(api_key, ct, templates);
        if let Some(a) = auto_send {
            o.auto_send = a;
        }
        if let Some(r) = reoffers {
            o.reoffers = r;
        }
        self.tenant(api_key).template_options.insert(ct, o);
        Ok(())
    }

    /// The templates with a creditor's options, for `GET /_sandbox/templates`.
    pub fn templates_json(&self, api_key: &str, templates: &[TemplateConfig]) -> Value {
        templates
            .iter()
            .map(|t| {
                let o = self.template_options(api_key, t.id, templates);
                json!({"id": t.id, "type": t.kind, "name": t.name, "auto_send": o.auto_send, "reoffers": o.reoffers})
            })
            .collect()
    }

    fn seq(&mut self) -> i64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    // ---- sessions --------------------------------------------------------------------

    /// Logs in with an API key (and `otp` when the key has enhanced security); a `sandbox-…`
    /// key gets its creditor on first login. Answers the session token and merchant id.
    pub fn login(&mut self, api_key: &str, otp: Option<&str>, templates: &[TemplateConfig], now: DateTime<Utc>) -> Result<(String, u64), ApiError> {
        let refused = || ApiError::new("err_no_login", "Not authorised");
        if !self.ensure_tenant(api_key, templates) {
            return Err(refused());
        }
        let t = &self.tenants[api_key];
        if let Some(pk) = &t.private_key {
            if !super::security::otp_matches(pk, otp, now.timestamp().max(0) as u64) {
                return Err(refused());
            }
        }
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
        self.tenant(api_key).mandate_feed.push(FeedEvent { seq, body, kind: Some(m.kind.clone()) });
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
        let before = m.state;
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
        // `state` is the state the event happened in (Twikey: "previous or current").
        self.webhook(api_key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "Update"), ("state", before.as_str())]);
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
            before => {
                m.state = MandateState::Cancelled;
                self.tenant(api_key).mandates.insert(m.mndt_id.clone(), m.clone());
                self.push_mandate_event(api_key, &m, Some(("cancel", rsn)), templates, now);
                let subject = format!("Your direct debit mandate {} with {CREDITOR_NAME} was cancelled", m.mndt_id);
                self.email(&m, "cancellation", subject, None, None, now);
                // As Twikey: `Cancel` carries the state the mandate was cancelled in.
                self.webhook(api_key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", "Cancel"), ("state", before.as_str())]);
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

    /// Up to `limit` feed events after the cursor; moves the cursor to the last one returned.
    /// `types` (mandate feed, `X-TYPES`) keeps only mandates of those types; events of
    /// other types before the last one returned are passed over.
    pub fn read_feed(&mut self, api_key: &str, mandates: bool, resume_after: Option<i64>, limit: usize, types: Option<&[String]>) -> (Vec<Value>, Option<i64>) {
        let t = self.tenant(api_key);
        let (feed, cursor) = if mandates { (&t.mandate_feed, &mut t.mandate_cursor) } else { (&t.tx_feed, &mut t.tx_cursor) };
        if let Some(r) = resume_after {
            *cursor = r;
        }
        let wanted = |e: &FeedEvent| match (types, &e.kind) {
            (Some(types), Some(kind)) => types.iter().any(|t| t.eq_ignore_ascii_case(kind)),
            _ => true,
        };
        let items: Vec<&FeedEvent> = feed.iter().filter(|e| e.seq > *cursor && wanted(e)).take(limit).collect();
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
        let date = match t.billed {
            Some(d) => format!("{}T00:00:00Z", d.format("%Y-%m-%d")),
            None => fmt_time(t.date),
        };
        json!({
            "id": t.id,
            "contractId": contract_id,
            "mndtId": t.mndt_id,
            "contract": contract,
            "amount": t.amount_cents as f64 / 100.0,
            "msg": t.msg,
            "place": t.place,
            "ref": t.reference,
            "date": date,
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

    /// `POST /transaction`. A reused `Idempotency-Key` (24 h) is refused before anything else,
    /// whatever the body; the key counts as used once a transaction was created with it.
    pub fn create_transaction(
        &mut self,
        api_key: &str,
        req: &NewTx<'_>,
        templates: &[TemplateConfig],
        settle_after: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<TxRec, ApiError> {
        if let Some(key) = &req.idempotency_key {
            self.tenant(api_key).check_key_unused(key, now)?;
        }
        let invalid = |field: &str, what: &str| ApiError::new("err_invalid_params", format!("Invalid parameter {field}: {what}")).extra(field);
        let mndt_id = req.mndt_id.map(str::trim).unwrap_or("");
        if mndt_id.is_empty() {
            return Err(invalid("mndtId", "required"));
        }
        if mndt_id.chars().count() > MAX_REF_LEN {
            return Err(invalid("mndtId", "at most 35 characters"));
        }
        let m = self.mandate(api_key, mndt_id)?;
        if m.state != MandateState::Signed {
            return Err(ApiError::new("err_invalid_state", "The mandate is not active"));
        }
        let message = req.message.unwrap_or("");
        if message.trim().is_empty() {
            return Err(invalid("message", "required"));
        }
        if message.chars().count() > MAX_MESSAGE_LEN {
            return Err(invalid("message", "at most 140 characters"));
        }
        if !message.chars().all(is_sepa_char) {
            return Err(ApiError::new("err_invalid_sepachars", "Invalid characters in message").extra("message"));
        }
        let amount_cents = req
            .amount
            .and_then(parse_amount)
            .ok_or_else(|| ApiError::new("err_invalid_amount", "Invalid amount").extra("amount"))?;
        let date_param = |field: &str, v: Option<&str>| match v.filter(|s| !s.trim().is_empty()) {
            None => Ok(None),
            Some(s) => parse_iso_date(s).map(Some).ok_or_else(|| ApiError::new("err_invalid_date", "Invalid date (yyyy-mm-dd)").extra(field)),
        };
        let reqcolldt = date_param("reqcolldt", req.reqcolldt)?;
        let billed = date_param("date", req.date)?;
        let reference = req.reference.filter(|r| !r.is_empty());
        if reference.is_some_and(|r| r.chars().count() > MAX_REF_LEN) {
            return Err(invalid("ref", "at most 35 characters"));
        }
        let options = self.template_options(api_key, m.ct, templates);
        let id = self.next_tx_id;
        self.next_tx_id += 1;
        let mut tx = TxRec {
            id,
            mndt_id: mndt_id.into(),
            amount_cents,
            msg: message.into(),
            reference: reference.map(str::to_string),
            place: req.place.filter(|p| !p.is_empty()).map(str::to_string),
            date: now,
            billed,
            reqcolldt,
            state: "OPEN".into(),
            sent_at: None,
            settle_due: None,
            reoffered: 0,
            bkdate: None,
            bkerror: None,
            bkmsg: None,
            is_final: false,
            seq: None,
        };
        if options.auto_send {
            // The profile sends it to the bank by itself.
            tx.send(settle_after, now);
        }
        let tenant = self.tenant(api_key);
        tenant.transactions.push(tx.clone());
        if let Some(key) = &req.idempotency_key {
            tenant.idempotency.insert(key.clone(), IdempotencyRec { used_at: now, tx_id: Some(id) });
        }
        Ok(tx)
    }

    /// `DELETE /transaction`: only while it was not sent to the bank.
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
                if t.sent_at.is_some() || t.state != "OPEN" {
                    return Err(ApiError::new("err_not_authorised", "Transaction already sent to the bank"));
                }
                tenant.transactions.remove(*i);
                Ok(())
            }
            _ => Err(ApiError::new("err_duplicate_tx", "Several transactions share this reference")),
        }
    }

    /// `POST /collect`: sends every open, not yet sent transaction of template `ct` (created
    /// before `until` when given) to the bank in one batch.
    #[allow(clippy::too_many_arguments)]
    pub fn collect(
        &mut self,
        api_key: &str,
        ct: i64,
        prenotify: bool,
        until: Option<DateTime<Utc>>,
        templates: &[TemplateConfig],
        settle_after: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        if !templates.iter().any(|t| t.id == ct) {
            return Err(ApiError::new("err_no_such_ct", "No such template").extra("ct"));
        }
        let batch = self.next_batch;
        let tenant = self.tenant(api_key);
        let mut frst = false;
        let mut rcur = false;
        let mut picked = vec![];
        // A mandate's first collection goes in the FRST batch, later ones in RCUR.
        let mut already: std::collections::BTreeSet<String> =
            tenant.transactions.iter().filter(|t| t.sent_at.is_some()).map(|t| t.mndt_id.clone()).collect();
        for t in tenant.transactions.iter_mut() {
            let in_template = tenant.mandates.get(&t.mndt_id).is_some_and(|m| m.ct == ct);
            let in_time = until.is_none_or(|u| t.date < u);
            if in_template && in_time && t.sent_at.is_none() && t.state == "OPEN" {
                t.send(settle_after, now);
                if already.contains(&t.mndt_id) { rcur = true } else { frst = true }
                already.insert(t.mndt_id.clone());
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
                let subject = format!("{CREDITOR_NAME} will collect EUR {} from your account", twikey::format_amount(t.amount_cents));
                self.email(&m, "prenotification", subject, None, Some(t), now);
            }
        }
        Ok(json!({
            "frstMsgId": if frst { json!(format!("FRST{batch:06}")) } else { Value::Null },
            "rcurMsgId": if rcur { json!(format!("RCUR{batch:06}")) } else { Value::Null },
        }))
    }

    // ---- time passing ----------------------------------------------------------------

    /// The bank's answers: due transactions that were sent get their outcome, due B2B
    /// mandates are accepted or rejected (all of them when `force`). Returns how many things
    /// changed.
    pub fn settle(&mut self, force: bool, templates: &[TemplateConfig], settle_after: chrono::Duration, now: DateTime<Utc>) -> usize {
        let mut changed = 0;
        let keys: Vec<String> = self.tenants.keys().cloned().collect();
        for key in keys {
            // B2B mandates waiting for the debtor bank: the state changes and a webhook says
            // so; nothing goes into the mandate feed (as Twikey).
            let due: Vec<MandateRec> = self.tenants[&key]
                .mandates
                .values()
                .filter(|m| m.state == MandateState::SignedPendingDebtorBank && (force || m.bank_due.is_some_and(|d| d <= now)))
                .cloned()
                .collect();
            for mut m in due {
                changed += 1;
                let accepted = b2b_bank_accepts(m.fields.get("iban").map(String::as_str).unwrap_or(""), m.fields.get("bic").map(String::as_str));
                let before = m.state;
                m.bank_due = None;
                m.state = if accepted { MandateState::Signed } else { MandateState::Cancelled };
                self.tenant(&key).mandates.insert(m.mndt_id.clone(), m.clone());
                let event = if accepted { "AcceptedBank" } else { "RejectBank" };
                self.webhook(&key, &[("type", "contract"), ("mandateNumber", &m.mndt_id), ("event", event), ("state", before.as_str())]);
            }
            // Transactions sent to the bank.
            let due: Vec<usize> = self.tenants[&key]
                .transactions
                .iter()
                .enumerate()
                .filter(|(_, t)| t.due(force, now))
                .map(|(i, _)| i)
                .collect();
            if due.is_empty() {
                continue;
            }
            for i in due {
                changed += 1;
                let seq = self.seq();
                let tenant = &self.tenants[&key];
                let t = &tenant.transactions[i];
                let reoffers = tenant.mandates.get(&t.mndt_id).map(|m| self.template_options(&key, m.ct, templates).reoffers).unwrap_or(0);
                // A re-offer is paid: the funds arrived in the meantime.
                let outcome = if t.reoffered > 0 { None } else { settlement_outcome(t.amount_cents) };
                let t = &mut self.tenant(&key).transactions[i];
                t.bkdate = Some(now);
                t.seq = Some(seq);
                let mut reoffer = false;
                match outcome {
                    Some((code, msg)) => {
                        t.state = "ERROR".into();
                        t.bkerror = Some(code.into());
                        t.bkmsg = Some(msg.into());
                        // Dunning offers insufficient funds to the bank again: not final yet.
                        reoffer = insufficient_funds(code) && reoffers > t.reoffered;
                        t.is_final = !reoffer;
                    }
                    None => {
                        t.state = "PAID".into();
                        t.bkerror = None;
                        t.bkmsg = None;
                        t.is_final = true;
                    }
                }
                let snapshot = t.clone();
                if reoffer {
                    t.reoffered += 1;
                    t.state = "OPEN".into();
                    t.send(settle_after, now);
                }
                let body = self.tx_json(&key, &snapshot, templates);
                self.tenant(&key).tx_feed.push(FeedEvent { seq, body, kind: None });
            }
            self.webhook(&key, &[("type", "payment")]);
        }
        changed
    }

    /// Whether anything is waiting for `settle` at `now`.
    pub fn anything_due(&self, now: DateTime<Utc>) -> bool {
        self.tenants.values().any(|t| {
            t.transactions.iter().any(|x| x.due(false, now))
                || t.mandates.values().any(|m| m.state == MandateState::SignedPendingDebtorBank && m.bank_due.is_some_and(|d| d <= now))
        })
    }
}

/// The fields of `POST /transaction`, as sent.
#[derive(Debug, Default)]
pub struct NewTx<'a> {
    pub mndt_id: Option<&'a str>,
    pub message: Option<&'a str>,
    pub amount: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub place: Option<&'a str>,
    pub reqcolldt: Option<&'a str>,
    pub date: Option<&'a str>,
    pub idempotency_key: Option<String>,
}

/// Testdata.md's "CAN'T bucket" (insufficient funds): the failures dunning offers again.
pub fn insufficient_funds(code: &str) -> bool {
    matches!(code, "MS03" | "AM04")
}

/// The SEPA character set of a transaction message.
pub fn is_sepa_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' ')
}

/// A strict `yyyy-mm-dd` date.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// `10`, `10.5`, `10.90` → cents; rejects zero, negatives, a decimal comma and more than
/// 2 decimals.
impl Tenant {
    /// An Idempotency-Key is single use within 24 hours: a reuse is answered 409
    /// `err_duplicate_ref` (openapi.yaml), whatever the request.
    fn check_key_unused(&mut self, key: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        self.idempotency.retain(|_, r| now - r.used_at < chrono::Duration::hours(IDEMPOTENCY_HOURS));
        if self.idempotency.contains_key(key) {
            return Err(ApiError::new("err_duplicate_ref", "Idempotency-Key already used within 24 hours").status(409));
        }
        Ok(())
    }
}

/// A refund of (part of) a paid transaction, back to the account it was collected from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundRec {
    pub tx_id: i64,
    pub amount_cents: i64,
    pub message: String,
    pub reference: Option<String>,
    pub time: DateTime<Utc>,
}

impl Data {
    /// `POST /transaction/refund`: only a PAID transaction, at most what was collected minus what
    /// was refunded already; an Idempotency-Key is single use (409), as on `POST /transaction`.
    pub fn refund(
        &mut self,
        api_key: &str,
        id: Option<&str>,
        message: Option<&str>,
        amount: Option<&str>,
        reference: Option<&str>,
        idempotency_key: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<RefundRec, ApiError> {
        let tenant = self.tenant(api_key);
        if let Some(key) = &idempotency_key {
            tenant.check_key_unused(key, now)?;
        }
        let message = message.map(str::trim).filter(|m| !m.is_empty()).ok_or_else(|| ApiError::new("err_msg_missing", "Message parameter missing").extra("message"))?;
        let invalid = |field: &str| ApiError::new("err_invalid_params", format!("Invalid parameter {field}")).extra(field);
        let tx_id: i64 = id.and_then(|i| i.trim().parse().ok()).ok_or_else(|| invalid("id"))?;
        let amount_cents = amount.and_then(parse_amount).ok_or_else(|| invalid("amount"))?;
        let collected = tenant.transactions.iter().find(|t| t.id == tx_id && t.state == "PAID").map(|t| t.amount_cents).ok_or_else(|| invalid("id"))?;
        let refunded: i64 = tenant.refunds.iter().filter(|r| r.tx_id == tx_id).map(|r| r.amount_cents).sum();
        if refunded + amount_cents > collected {
            return Err(invalid("amount"));
        }
        let rec = RefundRec { tx_id, amount_cents, message: message.to_string(), reference: reference.map(str::to_string), time: now };
        tenant.refunds.push(rec.clone());
        if let Some(key) = idempotency_key {
            tenant.idempotency.insert(key, IdempotencyRec { used_at: now, tx_id: Some(tx_id) });
        }
        Ok(rec)
    }
}

pub fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (s, ""),
    };
    if int.is_empty() || !int.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = int.parse::<i64>().ok()?.checked_mul(100)?.checked_add(format!("{frac:0<2}").parse::<i64>().ok()?)?;
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
        assert!(valid_iban("pl61 1090 1014 0000 0712 1981 2874"));
        // the check digits are right, the Belgian account number has letters
        assert!(!valid_iban("BE945390075470AB"));
        assert!(!valid_iban("BE68-5390-0754-7034"));
        assert!(!valid_iban(""));
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("10"), Some(1000));
        assert_eq!(parse_amount("10.9"), Some(1090));
        assert_eq!(parse_amount("10.90"), Some(1090));
        assert_eq!(parse_amount("10,90"), None, "a decimal comma is refused");
        assert_eq!(parse_amount("10."), None);
        assert_eq!(parse_amount(".5"), None);
        assert_eq!(parse_amount("1e3"), None);
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

    // ---- the rules of the API, on the data directly ----------------------------------

    const KEY: &str = super::super::DEFAULT_API_KEY;
    const IBAN: &str = "BE68539007547034";

    fn world() -> (Data, Vec<TemplateConfig>) {
        let config = SandboxConfig::default();
        (Data::initial(&config), config.templates)
    }

    fn after() -> chrono::Duration {
        chrono::Duration::seconds(60)
    }

    /// A signed mandate of template `ct` for `key`.
    fn mandate(d: &mut Data, key: &str, ct: i64, t: &[TemplateConfig], now: DateTime<Utc>) -> String {
        assert!(d.ensure_tenant(key, t));
        let fields = BTreeMap::from([("email".to_string(), "a@example.be".to_string())]);
        let v = d.invite(key, ct, fields, false, false, t, "http://sb", now).unwrap();
        let id = v["mndtId"].as_str().unwrap().to_string();
        d.sign(key, &id, IBAN, None, chrono::Duration::zero(), t, now).unwrap();
        id
    }

    fn tx<'a>(mndt: &'a str, amount: &'a str) -> NewTx<'a> {
        NewTx { mndt_id: Some(mndt), message: Some("Invoice 1"), amount: Some(amount), ..Default::default() }
    }

    fn feed(d: &mut Data, key: &str) -> Vec<Value> {
        d.read_feed(key, false, None, 100, None).0
    }

    #[test]
    fn idempotency_keys_are_single_use() {
        let (mut d, t) = world();
        let now = Utc::now();
        let m = mandate(&mut d, KEY, 1001, &t, now);
        let keyed = |amount| NewTx { idempotency_key: Some("k-1".into()), ..tx(&m, amount) };
        d.create_transaction(KEY, &keyed("50.00"), &t, after(), now).unwrap();
        for body in [keyed("50.00"), keyed("99.00"), NewTx { idempotency_key: Some("k-1".into()), ..Default::default() }] {
            let e = d.create_transaction(KEY, &body, &t, after(), now).unwrap_err();
            assert_eq!((e.status, e.code), (409, "err_duplicate_ref"));
        }
        assert_eq!(d.tenants[KEY].transactions.len(), 1, "nothing created twice");
        // A refused request does not use up its key; after 24 h a key is free again.
        let bad = NewTx { idempotency_key: Some("k-2".into()), ..tx(&m, "0") };
        assert_eq!(d.create_transaction(KEY, &bad, &t, after(), now).unwrap_err().code, "err_invalid_amount");
        d.create_transaction(KEY, &NewTx { idempotency_key: Some("k-2".into()), ..tx(&m, "5") }, &t, after(), now).unwrap();
        let later = now + chrono::Duration::hours(25);
        d.create_transaction(KEY, &keyed("50.00"), &t, after(), later).unwrap();
        assert_eq!(d.tenants[KEY].transactions.len(), 3);
        // Keys belong to one creditor.
        let other = mandate(&mut d, "sandbox-other", 1001, &t, now);
        d.create_transaction("sandbox-other", &NewTx { idempotency_key: Some("k-1".into()), ..tx(&other, "5") }, &t, after(), later).unwrap();
    }

    #[test]
    fn only_transactions_sent_to_the_bank_get_an_outcome() {
        let (mut d, t) = world();
        let now = Utc::now();
        d.set_template_options(KEY, 1001, Some(false), None, &t).unwrap();
        let m = mandate(&mut d, KEY, 1001, &t, now);
        let a = d.create_transaction(KEY, &tx(&m, "50"), &t, after(), now).unwrap();
        let b = d.create_transaction(KEY, &tx(&m, "60"), &t, after(), now).unwrap();
        assert_eq!(a.sent_at, None);
        assert_eq!(d.settle(true, &t, after(), now + chrono::Duration::days(30)), 0, "nothing was sent");
        assert!(d.tenants[KEY].transactions.iter().all(|x| x.state == "OPEN"));
        assert!(!d.anything_due(now + chrono::Duration::days(30)));
        d.delete_transaction(KEY, Some(b.id), None).unwrap();

        let batch = d.collect(KEY, 1001, false, None, &t, after(), now).unwrap();
        assert!(batch["frstMsgId"].is_string() && batch["rcurMsgId"].is_null(), "{batch}");
        assert_eq!(d.delete_transaction(KEY, Some(a.id), None).unwrap_err().code, "err_not_authorised");
        assert!(d.collect(KEY, 1001, false, None, &t, after(), now).unwrap()["frstMsgId"].is_null(), "already sent");
        // The bank answers `settle_after` after the sending.
        assert_eq!(d.settle(false, &t, after(), now + chrono::Duration::seconds(59)), 0);
        assert!(d.anything_due(now + after()));
        assert_eq!(d.settle(false, &t, after(), now + after()), 1);
        let f = feed(&mut d, KEY);
        assert_eq!((f.len(), f[0]["id"].as_i64(), f[0]["state"].as_str(), f[0]["final"].as_bool()), (1, Some(a.id), Some("PAID"), Some(true)));
        // The next collect of the mandate goes in the RCUR batch.
        d.create_transaction(KEY, &tx(&m, "70"), &t, after(), now).unwrap();
        let batch = d.collect(KEY, 1001, false, None, &t, after(), now).unwrap();
        assert!(batch["frstMsgId"].is_null() && batch["rcurMsgId"].is_string(), "{batch}");
    }

    #[test]
    fn collect_until_and_prenotify() {
        let (mut d, t) = world();
        let now = Utc::now();
        d.set_template_options(KEY, 1001, Some(false), None, &t).unwrap();
        let m = mandate(&mut d, KEY, 1001, &t, now);
        let old = d.create_transaction(KEY, &tx(&m, "50"), &t, after(), now - chrono::Duration::minutes(5)).unwrap();
        let new = d.create_transaction(KEY, &tx(&m, "60"), &t, after(), now).unwrap();
        d.collect(KEY, 1001, true, Some(now - chrono::Duration::minutes(1)), &t, after(), now).unwrap();
        let sent: Vec<i64> = d.tenants[KEY].transactions.iter().filter(|x| x.sent_at.is_some()).map(|x| x.id).collect();
        assert_eq!(sent, vec![old.id]);
        let notices: Vec<_> = d.emails.iter().filter(|e| e.kind == "prenotification").map(|e| e.transaction).collect();
        assert_eq!(notices, vec![Some(old.id)]);
        assert!(d.tenants[KEY].transactions.iter().any(|x| x.id == new.id && x.sent_at.is_none()));
    }

    #[test]
    fn automatic_sending_counts_as_sent_at_creation() {
        let (mut d, t) = world();
        let now = Utc::now();
        let m = mandate(&mut d, KEY, 1001, &t, now);
        let a = d.create_transaction(KEY, &tx(&m, "50"), &t, after(), now).unwrap();
        assert_eq!(a.sent_at, Some(now));
        assert!(d.collect(KEY, 1001, false, None, &t, after(), now).unwrap()["frstMsgId"].is_null(), "nothing left to send");
        assert_eq!(d.settle(false, &t, after(), now + after()), 1);
        assert_eq!(feed(&mut d, KEY)[0]["state"], "PAID");
    }

    #[test]
    fn dunning_offers_insufficient_funds_again() {
        let (mut d, t) = world();
        let now = Utc::now();
        d.set_template_options(KEY, 1001, None, Some(1), &t).unwrap();
        let m = mandate(&mut d, KEY, 1001, &t, now);
        let short = d.create_transaction(KEY, &tx(&m, "8.00"), &t, after(), now).unwrap();
        let refused = d.create_transaction(KEY, &tx(&m, "12.00"), &t, after(), now).unwrap();
        assert_eq!(d.settle(true, &t, after(), now), 2);
        let f = feed(&mut d, KEY);
        let entry = |f: &[Value], id: i64| f.iter().find(|e| e["id"] == id).cloned().unwrap();
        let e = entry(&f, short.id);
        assert_eq!((e["state"].as_str(), e["final"].as_bool(), e["bkerror"].as_str()), (Some("ERROR"), Some(false), Some("AM04")));
        assert!(e["bkmsg"].is_string());
        let e = entry(&f, refused.id);
        assert_eq!((e["state"].as_str(), e["final"].as_bool(), e["bkerror"].as_str()), (Some("ERROR"), Some(true), Some("MS02")), "the WON'T bucket is not re-offered");
        // Offered again: open, sent anew, not deletable; it settles `settle_after` later.
        let again = d.tenants[KEY].transactions.iter().find(|x| x.id == short.id).unwrap().clone();
        assert_eq!((again.state.as_str(), again.reoffered, again.sent_at), ("OPEN", 1, Some(now)));
        assert_eq!(d.delete_transaction(KEY, Some(short.id), None).unwrap_err().code, "err_not_authorised");
        assert_eq!(d.settle(false, &t, after(), now + chrono::Duration::seconds(30)), 0);
        assert_eq!(d.settle(false, &t, after(), now + after()), 1);
        let f = feed(&mut d, KEY);
        let e = entry(&f, short.id);
        assert_eq!((e["state"].as_str(), e["final"].as_bool(), e["bkerror"].as_str()), (Some("PAID"), Some(true), None));
        let seqs: Vec<i64> = d.tenants[KEY].tx_feed.iter().filter(|x| x.body["id"] == short.id).map(|x| x.seq).collect();
        assert!(seqs.len() == 2 && seqs[0] < seqs[1], "a new feed entry with a new seq: {seqs:?}");
        // Without re-offers (the default) every failure is final.
        let m2 = mandate(&mut d, "sandbox-plain", 1001, &t, now);
        d.create_transaction("sandbox-plain", &tx(&m2, "8.00"), &t, after(), now).unwrap();
        d.settle(true, &t, after(), now);
        assert_eq!(feed(&mut d, "sandbox-plain")[0]["final"], true);
    }

    #[test]
    fn sandbox_keys_are_creditors_of_their_own() {
        let (mut d, t) = world();
        let now = Utc::now();
        assert_eq!(d.login("wrong-key", None, &t, now).unwrap_err().code, "err_no_login");
        assert_eq!(d.login("sandbox-", None, &t, now).unwrap_err().code, "err_no_login");
        let (_, m0) = d.login(KEY, None, &t, now).unwrap();
        let (_, ma) = d.login("sandbox-a", None, &t, now).unwrap();
        let (_, mb) = d.login("sandbox-b", None, &t, now).unwrap();
        assert_eq!(d.login("sandbox-a", None, &t, now).unwrap().1, ma, "same creditor on the next login");
        assert!(m0 != ma && ma != mb && m0 != mb);
        let a = mandate(&mut d, "sandbox-a", 1001, &t, now);
        d.create_transaction("sandbox-a", &tx(&a, "50"), &t, after(), now).unwrap();
        d.settle(true, &t, after(), now);
        assert_eq!(feed(&mut d, "sandbox-a").len(), 1);
        assert!(feed(&mut d, "sandbox-b").is_empty());
        assert!(d.read_feed("sandbox-b", true, Some(0), 100, None).0.is_empty());
        assert!(d.mandate("sandbox-b", &a).is_err());
        assert_eq!(d.tenants["sandbox-b"].template_options.len(), 2);
    }

    #[test]
    fn otp_logins() {
        let (mut d, t) = world();
        let pk = "0123456789ABCDEF0123456789ABCDEF";
        d.ensure_tenant("sandbox-otp", &t);
        d.tenant("sandbox-otp").private_key = Some(pk.into());
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(d.login("sandbox-otp", None, &t, now).unwrap_err().code, "err_no_login");
        assert_eq!(d.login("sandbox-otp", Some("12345678"), &t, now).unwrap_err().code, "err_no_login");
        assert!(d.login("sandbox-otp", Some("9931077"), &t, now).is_ok());
        assert!(d.login("sandbox-otp", Some("09931077"), &t, now + chrono::Duration::seconds(30)).is_ok(), "previous window");
        assert!(d.login("sandbox-otp", Some("9931077"), &t, now + chrono::Duration::seconds(90)).is_err());
    }

    #[test]
    fn mandate_feed_types_and_b2b_bank_answers() {
        let (mut d, t) = world();
        let now = Utc::now();
        let core = mandate(&mut d, KEY, 1001, &t, now);
        let b2b = mandate(&mut d, KEY, 1002, &t, now);
        assert_eq!(d.mandate(KEY, &b2b).unwrap().state, MandateState::SignedPendingDebtorBank);
        d.tenant(KEY).webhook_url = Some("http://hook".into());
        assert_eq!(d.settle(true, &t, after(), now), 1);
        assert_eq!(d.mandate(KEY, &b2b).unwrap().state, MandateState::Signed);
        let hooks: Vec<&str> = d.outbox.iter().map(|w| w.query.as_str()).collect();
        assert_eq!(hooks, vec![format!("type=contract&mandateNumber={b2b}&event=AcceptedBank&state=SIGNED_PENDING_DEBTOR_BANK")]);
        // The feed has the two signatures only: no AcceptedBank update.
        let refs = |v: Vec<Value>| v.iter().map(|m| m["Mndt"]["MndtId"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        let types = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(refs(d.read_feed(KEY, true, Some(0), 100, None).0), vec![core.clone(), b2b.clone()]);
        assert_eq!(refs(d.read_feed(KEY, true, Some(0), 100, Some(&types(&["B2B"]))).0), vec![b2b.clone()]);
        assert_eq!(refs(d.read_feed(KEY, true, Some(0), 100, Some(&types(&["core", "CREDITCARD"]))).0), vec![core.clone()]);
        assert!(d.read_feed(KEY, true, Some(0), 100, Some(&types(&["CREDITCARD"]))).0.is_empty());
    }

    #[test]
    fn transaction_input_checks() {
        let (mut d, t) = world();
        let now = Utc::now();
        let m = mandate(&mut d, KEY, 1001, &t, now);
        let long = "X".repeat(36);
        let long_message = "a".repeat(141);
        let code = |d: &mut Data, req: NewTx| {
            let e = d.create_transaction(KEY, &req, &t, after(), now).unwrap_err();
            (e.code, e.extra.unwrap_or_default())
        };
        let cases: Vec<(NewTx, &str, &str)> = vec![
            (NewTx { mndt_id: None, ..tx(&m, "5") }, "err_invalid_params", "mndtId"),
            (NewTx { mndt_id: Some(&long), ..tx(&m, "5") }, "err_invalid_params", "mndtId"),
            (NewTx { message: None, ..tx(&m, "5") }, "err_invalid_params", "message"),
            (NewTx { message: Some(&long_message), ..tx(&m, "5") }, "err_invalid_params", "message"),
            (NewTx { message: Some("Facture n° 12"), ..tx(&m, "5") }, "err_invalid_sepachars", "message"),
            (NewTx { message: Some("Invoice_12"), ..tx(&m, "5") }, "err_invalid_sepachars", "message"),
            (NewTx { amount: None, ..tx(&m, "5") }, "err_invalid_amount", "amount"),
            (tx(&m, "10,50"), "err_invalid_amount", "amount"),
            (tx(&m, "1.005"), "err_invalid_amount", "amount"),
            (tx(&m, "-3"), "err_invalid_amount", "amount"),
            (NewTx { reqcolldt: Some("15/01/2030"), ..tx(&m, "5") }, "err_invalid_date", "reqcolldt"),
            (NewTx { reqcolldt: Some("2030-02-30"), ..tx(&m, "5") }, "err_invalid_date", "reqcolldt"),
            (NewTx { reqcolldt: Some("2030-01-15T00:00:00Z"), ..tx(&m, "5") }, "err_invalid_date", "reqcolldt"),
            (NewTx { date: Some("2030-1-5"), ..tx(&m, "5") }, "err_invalid_date", "date"),
            (NewTx { reference: Some(&long), ..tx(&m, "5") }, "err_invalid_params", "ref"),
        ];
        for (req, want, extra) in cases {
            let desc = format!("{req:?}");
            assert_eq!(code(&mut d, req), (want, extra.to_string()), "{desc}");
        }
        assert_eq!(code(&mut d, tx("NOPE", "5")).0, "err_no_contract");
        assert!(d.tenants[KEY].transactions.is_empty());
        let ok = NewTx {
            message: Some("Invoice 2030/001 (March) - ref: A.B,C'D+E?"),
            reference: Some(&long[..35]),
            reqcolldt: Some("2030-01-15"),
            date: Some("2030-01-01"),
            ..tx(&m, "10.5")
        };
        let created = d.create_transaction(KEY, &ok, &t, after(), now).unwrap();
        assert_eq!(created.amount_cents, 1050);
        let json = d.tx_json(KEY, &created, &t);
        assert_eq!((json["date"].as_str(), json["reqcolldt"].as_str()), (Some("2030-01-01T00:00:00Z"), Some("2030-01-15")));
    }
}
