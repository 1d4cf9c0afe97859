//! The HTTP client: configuration, login/retry plumbing and one method per Twikey call.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::{Method, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::TwikeyError;
use super::feed::{last_position, FeedChunk, FeedPosition};
use super::invoice::{Invoice, InvoiceAction, UblUpload};
use super::session::{Session, SessionStore, SESSION_MAX_AGE};
use super::types::*;

pub const PRODUCTION_BASE_URL: &str = "https://api.twikey.com/creditor";
pub const TEST_BASE_URL: &str = "https://api.beta.twikey.com/creditor";

/// Safety net for a feed that never runs dry.
const MAX_FEED_CHUNKS: usize = 1000;

/// What a path segment (an invoice UUID) keeps as it is: RFC 3986's unreserved characters.
const PATH_SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Client settings. `Debug` never shows the API key.
#[derive(Clone)]
pub struct TwikeyConfig {
    /// Base URL including `/creditor`, e.g. [`PRODUCTION_BASE_URL`] or
    /// `http://127.0.0.1:3100/creditor` for `twikey-sandbox`.
    pub base_url: String,
    pub api_key: SecretString,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Renew the session token after this age (Twikey's tokens last 24 h).
    pub session_max_age: Duration,
    pub user_agent: String,
    /// Sent as `Accept-Language`, so error messages come in this language.
    pub language: Option<String>,
    /// Private key (hex) of an API key with "enhanced security": each login then carries a
    /// one-time password computed from it ([`super::otp`]).
    pub private_key: Option<SecretString>,
}

impl std::fmt::Debug for TwikeyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwikeyConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("private_key", &self.private_key.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl TwikeyConfig {
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            api_key: SecretString::from(api_key.into()),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            session_max_age: SESSION_MAX_AGE,
            user_agent: format!("encaisse/{}", env!("CARGO_PKG_VERSION")),
            language: None,
            private_key: None,
        }
    }

    /// Logs in with a one-time password from this private key (enhanced security).
    pub fn with_private_key(mut self, private_key: Option<String>) -> Self {
        self.private_key = private_key.filter(|k| !k.trim().is_empty()).map(|k| SecretString::from(k.trim().to_string()));
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// What a login tells about the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginInfo {
    /// `X-MERCHANT-ID`: the Twikey account (one account may have several API keys).
    pub merchant_id: Option<String>,
}

/// A Twikey client for one API key. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TwikeyClient {
    http: reqwest::Client,
    config: TwikeyConfig,
    sessions: SessionStore,
}

/// One request, kept so it can be sent again after a re-login.
struct Call<'a> {
    method: Method,
    path: &'a str,
    query: Vec<(&'static str, String)>,
    form: Option<Form>,
    /// A raw body and its content type (`POST /invoice/ubl`).
    body: Option<(&'static str, Vec<u8>)>,
    headers: Vec<(&'static str, String)>,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: &'a str) -> Self {
        Self { method, path, query: vec![], form: None, body: None, headers: vec![] }
    }
    fn query(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.query.push((k, v.into()));
        self
    }
    fn form(mut self, form: Form) -> Self {
        self.form = Some(form);
        self
    }
    fn header(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.headers.push((k, v.into()));
        self
    }
    fn body(mut self, content_type: &'static str, bytes: Vec<u8>) -> Self {
        self.body = Some((content_type, bytes));
        self
    }
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    extra: Option<String>,
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string).filter(|s| !s.is_empty())
}

fn is_session_failure(resp: &Response) -> bool {
    let code = header_str(resp.headers(), "ApiErrorCode").or_else(|| header_str(resp.headers(), "ApiError"));
    resp.status() == StatusCode::UNAUTHORIZED || code.as_deref() == Some("err_no_login")
}

/// Turns an error answer into a [`TwikeyError`]; `Ok` answers pass through.
async fn check(resp: Response) -> Result<Response, TwikeyError> {
    let status = resp.status();
    let header_code =
        header_str(resp.headers(), "ApiErrorCode").or_else(|| header_str(resp.headers(), "ApiError"));
    if status.is_success() && header_code.is_none() {
        return Ok(resp);
    }
    // A 429, or any refusal that says when to come back (Twikey's login throttle): temporary.
    let retry_after_header = header_str(resp.headers(), "X-Rate-Limit-Retry-After-Seconds");
    if status == StatusCode::TOO_MANY_REQUESTS || retry_after_header.is_some() {
        let retry_after = retry_after_header
            .or_else(|| header_str(resp.headers(), "Retry-After"))
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(TwikeyError::RateLimited { retry_after });
    }
    let text = resp.text().await.unwrap_or_default();
    let body: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
    let code = body.code.or(header_code).unwrap_or_else(|| {
        if status.is_server_error() { "system_error".into() } else { format!("http_{}", status.as_u16()) }
    });
    let message = body.message.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
    Err(TwikeyError::Api { status: status.as_u16(), code, message, extra: body.extra })
}

async fn json<T: DeserializeOwned>(resp: Response) -> Result<T, TwikeyError> {
    let bytes = resp.bytes().await.map_err(TwikeyError::from_reqwest)?;
    serde_json::from_slice(&bytes).map_err(|e| TwikeyError::InvalidResponse(e.to_string()))
}

impl TwikeyClient {
    /// A client sharing the process-wide session cache.
    pub fn new(config: TwikeyConfig) -> Result<Self, TwikeyError> {
        Self::with_session_store(config, SessionStore::global())
    }

    pub fn with_session_store(config: TwikeyConfig, sessions: SessionStore) -> Result<Self, TwikeyError> {
        if !config.base_url.starts_with("http://") && !config.base_url.starts_with("https://") {
            return Err(TwikeyError::Config(format!("base URL must be http(s): {}", config.base_url)));
        }
        if config.api_key.expose_secret().trim().is_empty() {
            return Err(TwikeyError::Config("API key is empty".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| TwikeyError::Config(e.to_string()))?;
        Ok(Self { http, config, sessions })
    }

    pub fn config(&self) -> &TwikeyConfig {
        &self.config
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, path)
    }

    /// Logs in now (ignoring any cached token) and caches the new session.
    /// Useful for a "Test connection" button; tells which Twikey account the key belongs to.
    pub async fn login(&self) -> Result<LoginInfo, TwikeyError> {
        self.token(true).await?;
        Ok(self.login_info().await)
    }

    /// What the last login said about the account (logs in first when there is no session).
    pub async fn account(&self) -> Result<LoginInfo, TwikeyError> {
        self.token(false).await?;
        Ok(self.login_info().await)
    }

    async fn login_info(&self) -> LoginInfo {
        let slot = self.sessions.slot(&self.config.base_url, &self.config.api_key);
        let guard = slot.lock().await;
        LoginInfo { merchant_id: guard.as_ref().and_then(|s| s.merchant_id.clone()) }
    }

    /// The cached token, logging in when there is none, it is too old, or `force`.
    async fn token(&self, force: bool) -> Result<SecretString, TwikeyError> {
        let slot = self.sessions.slot(&self.config.base_url, &self.config.api_key);
        let mut guard = slot.lock().await;
        if let Some(s) = guard.as_ref() {
            if !force && s.obtained.elapsed() < self.config.session_max_age {
                return Ok(s.token.clone());
            }
        }
        let (token, merchant_id) = self.do_login().await?;
        *guard = Some(Session { token: token.clone(), obtained: Instant::now(), merchant_id });
        Ok(token)
    }

    /// Drops the cached token if it is still `failed` (another task may have renewed it).
    async fn forget(&self, failed: &SecretString) {
        let slot = self.sessions.slot(&self.config.base_url, &self.config.api_key);
        let mut guard = slot.lock().await;
        if guard.as_ref().is_some_and(|s| s.token.expose_secret() == failed.expose_secret()) {
            *guard = None;
        }
    }

    async fn do_login(&self) -> Result<(SecretString, Option<String>), TwikeyError> {
        tracing::debug!(base_url = %self.config.base_url, "logging in to Twikey");
        let mut form = vec![("apiToken", self.config.api_key.expose_secret().to_string())];
        if let Some(private_key) = &self.config.private_key {
            let unix = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| TwikeyError::Config(e.to_string()))?
                .as_secs();
            let otp = super::otp::otp(private_key.expose_secret(), unix)
                .ok_or_else(|| TwikeyError::Config("the private key is not hexadecimal".into()))?;
            form.push(("otp", otp.to_string()));
        }
        let mut req = self.http.post(&self.config.base_url).header(ACCEPT, "application/json").form(&form);
        if let Some(l) = &self.config.language {
            req = req.header("Accept-Language", l);
        }
        let resp = check(req.send().await.map_err(TwikeyError::from_reqwest)?).await?;
        let merchant_id = header_str(resp.headers(), "X-MERCHANT-ID");
        if let Some(t) = header_str(resp.headers(), "Authorization") {
            return Ok((SecretString::from(t), merchant_id));
        }
        #[derive(Deserialize)]
        struct LoginBody {
            #[serde(rename = "Authorization")]
            authorization: Option<String>,
        }
        let body: LoginBody = json(resp).await?;
        body.authorization
            .filter(|t| !t.is_empty())
            .map(|t| (SecretString::from(t), merchant_id))
            .ok_or_else(|| TwikeyError::InvalidResponse("login answer carries no token".into()))
    }

    async fn send_once(&self, call: &Call<'_>, token: &SecretString) -> Result<Response, TwikeyError> {
        let mut req = self
            .http
            .request(call.method.clone(), self.url(call.path))
            .header(AUTHORIZATION, token.expose_secret())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, &self.config.user_agent);
        if let Some(l) = &self.config.language {
            req = req.header("Accept-Language", l);
        }
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        for (k, v) in &call.headers {
            req = req.header(*k, v);
        }
        if let Some(f) = &call.form {
            req = req.form(f);
        }
        if let Some((content_type, bytes)) = &call.body {
            req = req.header(reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone());
        }
        req.send().await.map_err(TwikeyError::from_reqwest)
    }

    /// Sends a call with the session token; on 401 / `err_no_login` logs in again and
    /// retries once.
    async fn execute(&self, call: Call<'_>) -> Result<Response, TwikeyError> {
        let token = self.token(false).await?;
        let resp = self.send_once(&call, &token).await?;
        if !is_session_failure(&resp) {
            return check(resp).await;
        }
        tracing::debug!(path = call.path, "Twikey session refused, logging in again");
        self.forget(&token).await;
        let token = self.token(true).await?;
        let resp = self.send_once(&call, &token).await?;
        if is_session_failure(&resp) {
            return Err(TwikeyError::SessionExpired);
        }
        check(resp).await
    }

    // ---- mandates -------------------------------------------------------------------

    /// `POST /invite`: prepares a mandate and returns its signing link.
    pub async fn invite(&self, req: &InviteRequest) -> Result<InviteResponse, TwikeyError> {
        if req.ct.trim().is_empty() {
            return Err(TwikeyError::Config("invite needs a template (ct)".into()));
        }
        json(self.execute(Call::new(Method::POST, "/invite").form(req.to_form())).await?).await
    }

    /// `GET /mandate/detail`; `force` also returns unsigned and cancelled mandates.
    pub async fn mandate_detail(&self, mndt_id: &str, force: bool) -> Result<MandateDetail, TwikeyError> {
        let mut call = Call::new(Method::GET, "/mandate/detail").query("mndtId", mndt_id);
        if force {
            call = call.query("force", "true");
        }
        let resp = self.execute(call).await?;
        let state = header_str(resp.headers(), "X-STATE");
        let collectable = header_str(resp.headers(), "X-COLLECTABLE")
            .and_then(|s| super::lenient::parse_bool(&s));
        let body: MandateDetailResponse = json(resp).await?;
        Ok(MandateDetail { mandate: body.mandate, state, collectable })
    }

    /// `POST /mandate/update` (204).
    pub async fn update_mandate(&self, update: &MandateUpdate) -> Result<(), TwikeyError> {
        self.execute(Call::new(Method::POST, "/mandate/update").form(update.to_form())).await?;
        Ok(())
    }

    /// `DELETE /mandate`: cancels a signed mandate or deletes a prepared one.
    /// `notify` asks Twikey to e-mail the debtor.
    pub async fn cancel_mandate(&self, mndt_id: &str, reason: &str, notify: bool) -> Result<(), TwikeyError> {
        let mut call = Call::new(Method::DELETE, "/mandate").query("mndtId", mndt_id).query("rsn", reason);
        if notify {
            call = call.query("notify", "true");
        }
        self.execute(call).await?;
        Ok(())
    }

    /// `POST /mandate/{id}/action`: re-sends the invitation or a reminder.
    pub async fn mandate_action(&self, mndt_id: &str, action: MandateAction) -> Result<(), TwikeyError> {
        let form: Form = match action {
            MandateAction::Invite => vec![("type", "invite".into())],
            MandateAction::Reminder(n) => vec![("type", "reminder".into()), ("reminder", n.clamp(1, 4).to_string())],
        };
        let path = format!(
            "/mandate/{}/action",
            percent_encoding::utf8_percent_encode(mndt_id, percent_encoding::NON_ALPHANUMERIC)
        );
        self.execute(Call::new(Method::POST, &path).form(form)).await?;
        Ok(())
    }

    /// `GET /template`: the templates (profiles) of the account.
    pub async fn templates(&self) -> Result<Vec<Template>, TwikeyError> {
        json(self.execute(Call::new(Method::GET, "/template")).await?).await
    }

    /// One chunk of the mandate feed. With `resume_after`, Twikey first moves its
    /// position to just after it; without, it continues where the last read stopped.
    pub async fn mandate_feed_chunk(
        &self,
        resume_after: Option<FeedPosition>,
    ) -> Result<FeedChunk<MandateFeedMessage>, TwikeyError> {
        let mut call = Call::new(Method::GET, "/mandate")
            .query("include", "id")
            .query("include", "seq")
            .query("include", "mandate")
            .query("include", "person")
            .query("include", "signature")
            // Without it Twikey also sends CREDITCARD mandates, which Encaisse cannot collect on.
            .header("X-TYPES", "CORE,B2B");
        if let Some(p) = resume_after {
            call = call.header("X-RESUME-AFTER", p.to_string());
        }
        let resp = self.execute(call).await?;
        let position = last_position(resp.headers()).or(resume_after);
        let body: MandateFeedResponse = json(resp).await?;
        Ok(FeedChunk { items: body.messages, position })
    }

    /// Reads the mandate feed until it is empty.
    pub async fn mandate_feed(
        &self,
        resume_after: Option<FeedPosition>,
    ) -> Result<FeedChunk<MandateFeedMessage>, TwikeyError> {
        let mut all = FeedChunk { items: vec![], position: resume_after };
        let mut next = resume_after;
        for _ in 0..MAX_FEED_CHUNKS {
            let chunk = self.mandate_feed_chunk(next.take()).await?;
            if chunk.items.is_empty() {
                break;
            }
            all.position = chunk.position.or(all.position);
            all.items.extend(chunk.items);
        }
        Ok(all)
    }

    // ---- transactions ---------------------------------------------------------------

    /// `POST /transaction`. Pass the same `idempotency_key` when retrying after a timeout
    /// so Twikey creates the transaction only once.
    pub async fn create_transaction(
        &self,
        tx: &NewTransaction,
        idempotency_key: Option<&str>,
    ) -> Result<Transaction, TwikeyError> {
        let mut call = Call::new(Method::POST, "/transaction").form(tx.to_form());
        if let Some(k) = idempotency_key {
            if k.len() > 64 {
                return Err(TwikeyError::Config("Idempotency-Key longer than 64 characters".into()));
            }
            call = call.header("Idempotency-Key", k);
        }
        let body: EntriesResponse = json(self.execute(call).await?).await?;
        body.entries
            .into_iter()
            .next()
            .ok_or_else(|| TwikeyError::InvalidResponse("transaction answer without entry".into()))
    }

    /// `GET /transaction/detail?ref=`: every transaction with that reference.
    pub async fn transaction_detail_by_ref(&self, reference: &str) -> Result<Vec<Transaction>, TwikeyError> {
        let call = Call::new(Method::GET, "/transaction/detail").query("ref", reference);
        let body: EntriesResponse = json(self.execute(call).await?).await?;
        Ok(body.entries)
    }

    /// `GET /transaction/detail?id=`.
    pub async fn transaction_detail(&self, id: i64) -> Result<Option<Transaction>, TwikeyError> {
        let call = Call::new(Method::GET, "/transaction/detail").query("id", id.to_string());
        let body: EntriesResponse = json(self.execute(call).await?).await?;
        Ok(body.entries.into_iter().next())
    }

    /// `DELETE /transaction`; only possible before it is sent to the bank.
    pub async fn delete_transaction(&self, which: &TransactionSelector) -> Result<(), TwikeyError> {
        let call = match which {
            TransactionSelector::Id(id) => Call::new(Method::DELETE, "/transaction").query("id", id.to_string()),
            TransactionSelector::Ref(r) => Call::new(Method::DELETE, "/transaction").query("ref", r.clone()),
        };
        self.execute(call).await?;
        Ok(())
    }

    /// `POST /transaction/refund`: pays back (part of) a collected transaction to the account it
    /// came from. Pass the same `idempotency_key` when retrying: Twikey answers a reuse with
    /// 409 `err_duplicate_ref` (the refund was already asked for).
    pub async fn refund_transaction(&self, refund: &RefundRequest, idempotency_key: Option<&str>) -> Result<(), TwikeyError> {
        let mut call = Call::new(Method::POST, "/transaction/refund").form(refund.to_form());
        if let Some(k) = idempotency_key {
            if k.len() > 64 {
                return Err(TwikeyError::Config("Idempotency-Key longer than 64 characters".into()));
            }
            call = call.header("Idempotency-Key", k);
        }
        self.execute(call).await?;
        Ok(())
    }

    /// One chunk of the transaction feed (status changes), see [`Self::mandate_feed_chunk`].
    pub async fn transaction_feed_chunk(
        &self,
        resume_after: Option<FeedPosition>,
    ) -> Result<FeedChunk<Transaction>, TwikeyError> {
        let mut call = Call::new(Method::GET, "/transaction")
            .query("include", "seq")
            .query("include", "lastupdate")
            .query("include", "collection");
        if let Some(p) = resume_after {
            call = call.header("X-RESUME-AFTER", p.to_string());
        }
        let resp = self.execute(call).await?;
        let position = last_position(resp.headers()).or(resume_after);
        let body: EntriesResponse = json(resp).await?;
        Ok(FeedChunk { items: body.entries, position })
    }

    /// Reads the transaction feed until it is empty.
    pub async fn transaction_feed(
        &self,
        resume_after: Option<FeedPosition>,
    ) -> Result<FeedChunk<Transaction>, TwikeyError> {
        let mut all = FeedChunk { items: vec![], position: resume_after };
        let mut next = resume_after;
        for _ in 0..MAX_FEED_CHUNKS {
            let chunk = self.transaction_feed_chunk(next.take()).await?;
            if chunk.items.is_empty() {
                break;
            }
            all.position = chunk.position.or(all.position);
            all.items.extend(chunk.items);
        }
        Ok(all)
    }

    /// `POST /collect`: sends the open transactions of a template to the bank.
    pub async fn collect(&self, req: &CollectRequest) -> Result<CollectResult, TwikeyError> {
        json(self.execute(Call::new(Method::POST, "/collect").form(req.to_form())).await?).await
    }

    // ---- invoices -------------------------------------------------------------------

    /// `POST /invoice/ubl`: creates an invoice from a UBL document (Peppol BIS 3.0 XML).
    /// openapi.yaml gives the answer no shape: the invoice is read leniently from it, and its
    /// id is the `X-INVOICE-ID` sent when the answer has none.
    pub async fn upload_ubl(&self, ubl: &[u8], upload: &UblUpload) -> Result<Invoice, TwikeyError> {
        let mut call = Call::new(Method::POST, "/invoice/ubl").body("application/xml", ubl.to_vec());
        for (k, v) in upload.headers() {
            call = call.header(k, v);
        }
        let resp = self.execute(call).await?;
        let bytes = resp.bytes().await.map_err(TwikeyError::from_reqwest)?;
        let mut invoice: Invoice = if bytes.iter().all(u8::is_ascii_whitespace) {
            Invoice::default()
        } else {
            serde_json::from_slice(&bytes).map_err(|e| TwikeyError::InvalidResponse(e.to_string()))?
        };
        if invoice.id.is_none() {
            invoice.id = upload.invoice_id.clone();
        }
        if invoice.id.is_none() {
            return Err(TwikeyError::InvalidResponse("UBL upload answered without an invoice id".into()));
        }
        Ok(invoice)
    }

    /// `GET /invoice/{uuid}` (rate limited), with `include=meta` when `with_meta`. `None`
    /// when Twikey has no such invoice (404 or `err_not_found`).
    pub async fn invoice_detail(&self, id: &str, with_meta: bool) -> Result<Option<Invoice>, TwikeyError> {
        let path = format!("/invoice/{}", percent_encoding::utf8_percent_encode(id, PATH_SEGMENT));
        let mut call = Call::new(Method::GET, &path);
        if with_meta {
            call = call.query("include", "meta");
        }
        match self.execute(call).await {
            Ok(resp) => json(resp).await.map(Some),
            Err(TwikeyError::Api { status: 404, .. }) => Ok(None),
            Err(e) if e.code() == Some("err_not_found") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /invoice/{uuid}/action` (204): `peppol` delivers the invoice over Peppol.
    pub async fn invoice_action(&self, id: &str, action: InvoiceAction) -> Result<(), TwikeyError> {
        let path = format!("/invoice/{}/action", percent_encoding::utf8_percent_encode(id, PATH_SEGMENT));
        let form: Form = vec![("type", action.as_str().into())];
        self.execute(Call::new(Method::POST, &path).form(form)).await?;
        Ok(())
    }
}
