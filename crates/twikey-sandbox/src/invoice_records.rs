//! The records of invoices created from UBL and of their Peppol deliveries, as the sandbox's
//! world keeps them (`state::Data`); what is done with them is in `invoices`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An invoice (or credit note) created from a UBL document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceRec {
    /// The UUID (`X-INVOICE-ID`, or one the sandbox chose).
    pub id: String,
    pub number: String,
    /// `Invoice` or `CreditNote` (the UBL root element).
    pub document_type: String,
    pub amount_cents: i64,
    pub date: Option<NaiveDate>,
    pub duedate: Option<NaiveDate>,
    /// The buyer's Peppol id `scheme:value` (`cbc:EndpointID` of the customer party).
    pub receiver: Option<String>,
    /// The seller's Peppol id.
    pub sender: Option<String>,
    pub buyer_name: Option<String>,
    /// `cbc:PaymentMeansCode` (58 transfer, 59 direct debit, ...).
    pub payment_means: Option<String>,
    /// `cac:PaymentMandate/cbc:ID` of the UBL.
    pub ubl_mandate: Option<String>,
    /// `X-CONTRACT`.
    pub contract: Option<String>,
    /// `X-MANUAL`: Twikey starts no collection.
    pub manual: bool,
    pub template: Option<i64>,
    /// `BOOKED` (no payment is ever recorded on them by the sandbox).
    pub state: String,
    /// The transaction Twikey started on `contract` (only without `X-MANUAL`).
    pub transaction: Option<i64>,
    pub created: DateTime<Utc>,
    /// The last Peppol outcome.
    pub peppol: Option<PeppolOutcome>,
    /// The document as received.
    pub ubl: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeppolOutcome {
    /// `delivered` or `failed`.
    pub state: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    /// How many times the invoice was handed to the network.
    pub deliveries: u32,
}

/// One document handed to the Peppol network (`GET /_sandbox/peppol`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeppolDelivery {
    pub id: u64,
    pub api_key: String,
    pub merchant_id: u64,
    pub invoice_id: String,
    pub number: String,
    pub document_type: String,
    pub sender: Option<String>,
    pub receiver: String,
    pub payment_means: Option<String>,
    /// The mandate in the UBL (`cac:PaymentMandate/cbc:ID`).
    pub mandate: Option<String>,
    /// `X-CONTRACT` of the upload.
    pub contract: Option<String>,
    pub manual: bool,
    /// The UBL as received.
    pub ubl: String,
    pub time: DateTime<Utc>,
}

