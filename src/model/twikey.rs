//! What the twikey pages and server functions exchange: types, form inputs and their checks.

use crate::domain::mandate::MandateState;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TwikeyHealth {
    pub last_login_at: Option<String>,
    pub last_login_error: Option<String>,
    pub last_webhook_at: Option<String>,
    pub last_webhook_valid: Option<bool>,
    pub last_test_webhook_at: Option<String>,
    pub webhooks_rejected: i64,
    pub last_sync_at: Option<String>,
    pub last_sync_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TwikeySettingsView {
    pub enabled: bool,
    /// `•••• abcd`: never the whole key.
    pub api_key_masked: Option<String>,
    pub b2c_ct: Option<i64>,
    pub b2b_ct: Option<i64>,
    pub prenotify: bool,
    /// Encaisse sends a collection batch per contract and day (else the Twikey profile does).
    pub batch_sending: bool,
    /// An enhanced-security private key is stored (never sent back).
    pub private_key_set: bool,
    pub retry_enabled: bool,
    pub retry_after_days: i64,
    pub retry_max: i64,
    pub callback_url: String,
    pub health: TwikeyHealth,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: i64,
    pub name: String,
    /// `CORE` or `B2B`
    pub kind: String,
}

// ---- mandates ----------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MandateView {
    pub id: i64,
    pub reference: String,
    pub template_id: Option<i64>,
    pub scheme: String,
    pub state: MandateState,
    pub sign_url: Option<String>,
    pub iban_masked: Option<String>,
    pub signed_at: Option<String>,
    pub sign_method: Option<String>,
    pub invited_at: Option<String>,
    pub state_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MandateEventView {
    pub reference: String,
    pub at: String,
    pub kind: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerTwikeyView {
    pub enabled: bool,
    pub configured: bool,
    pub mandates: Vec<MandateView>,
    pub history: Vec<MandateEventView>,
}

// ---- collections -------------------------------------------------------------------------

pub use crate::domain::collection::CannotCollect;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectionView {
    pub id: i64,
    pub reference: String,
    pub amount_cents: i64,
    pub attempt: i64,
    /// `requested`, `open`, `paid`, `failed`
    pub state: String,
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    /// Failed with `final: false`: Twikey will offer it to the bank again.
    pub will_retry: bool,
    pub reversed: bool,
    pub retry_at: Option<String>,
    pub prenotify: bool,
    pub collection_date: Option<chrono::NaiveDate>,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceTwikeyView {
    pub enabled: bool,
    pub why_not: Option<CannotCollect>,
    pub customer_id: i64,
    pub mandate_reference: Option<String>,
    pub open_cents: i64,
    pub collections: Vec<CollectionView>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkCollectReport {
    pub started: Vec<String>,
    /// invoice number (or id) and why it was skipped
    pub skipped: Vec<(String, CannotCollect)>,
    pub failed: Vec<(String, String)>,
}

/// The Twikey configuration form as posted (checkboxes and radio buttons present or not).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwikeySettingsInput {
    pub api_key: String,
    pub b2c_ct: String,
    pub b2b_ct: String,
    pub prenotify: Option<String>,
    pub retry_enabled: Option<String>,
    pub retry_after_days: Option<String>,
    pub retry_max: Option<String>,
    pub private_key: String,
    pub sending: Option<String>,
}
