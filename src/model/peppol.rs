//! What the Peppol parts of the customer and connections pages exchange.

use serde::{Deserialize, Serialize};

/// Whether a customer receives its e-invoices over Peppol (the customer page).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeppolReach {
    /// An individual, a company without an enterprise number, or no access point (Twikey off):
    /// invoices go by e-mail.
    NotApplicable,
    Receives,
    DoesNotReceive,
    /// The lookup did not answer; asked again next time.
    Unknown,
}

/// Peppol deliveries that need attention (the connections page's health panel).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeppolHealth {
    /// Given up: the document did not go out over Peppol.
    pub failed: i64,
    /// Failed at least once and waiting for their next attempt.
    pub retrying: i64,
}
