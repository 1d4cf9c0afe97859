//! Invoices (`/invoice/...`): uploading a UBL document, its actions (Peppol delivery among them)
//! and reading an invoice back.
//!
//! openapi.yaml describes the requests precisely but gives no shape for the invoice answers
//! (`application/json: {}`): [`Invoice`] reads only a few well-known fields, leniently, and
//! keeps the rest as it came ([`Invoice::extra`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

/// The headers of `POST /invoice/ubl` (the body is the UBL XML itself).
#[derive(Debug, Clone, Default)]
pub struct UblUpload {
    /// `X-INVOICE-ID`: the invoice's UUID in Twikey, chosen by the caller. Sending the same
    /// UUID again (a retry after a lost answer) cannot create a second invoice.
    pub invoice_id: Option<String>,
    /// `X-CONTRACT`: the mandate the invoice is collected on.
    pub contract: Option<String>,
    /// `X-MANUAL: true`: Twikey starts no collection of its own for this invoice.
    pub manual: bool,
    /// `X-TEMPLATE`: the profile (template) id.
    pub template: Option<i64>,
    /// `X-PARTNER`: a registration note shown in Twikey's interface.
    pub partner: Option<String>,
}

impl UblUpload {
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![];
        if let Some(id) = &self.invoice_id {
            h.push(("X-INVOICE-ID", id.clone()));
        }
        if let Some(c) = &self.contract {
            h.push(("X-CONTRACT", c.clone()));
        }
        if self.manual {
            h.push(("X-MANUAL", "true".into()));
        }
        if let Some(t) = self.template {
            h.push(("X-TEMPLATE", t.to_string()));
        }
        if let Some(p) = &self.partner {
            h.push(("X-PARTNER", p.clone()));
        }
        h
    }
}

/// `POST /invoice/{uuid}/action`: the actions that take no further field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceAction {
    /// Send the invoice the way the customer's settings say.
    Send,
    Email,
    Sms,
    /// Deliver the invoice over Peppol to the buyer of its UBL.
    Peppol,
    Letter,
    Reminder,
}

impl InvoiceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceAction::Send => "send",
            InvoiceAction::Email => "email",
            InvoiceAction::Sms => "sms",
            InvoiceAction::Peppol => "peppol",
            InvoiceAction::Letter => "letter",
            InvoiceAction::Reminder => "reminder",
        }
    }
}

/// An invoice as Twikey answers it (upload, detail, feed).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Invoice {
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// `BOOKED`, `PENDING`, `PAID`, `EXPIRED`, `ARCHIVED`, ...
    #[serde(default, deserialize_with = "lenient::opt_string", skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub manual: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_f64", skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_date", skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
    #[serde(default, deserialize_with = "lenient::opt_date", skip_serializing_if = "Option::is_none")]
    pub duedate: Option<chrono::NaiveDate>,
    /// With `include=meta`: what Twikey did with the invoice (see [`Invoice::peppol`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    /// Every other field, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// What became of the Peppol delivery of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeppolStatus {
    /// Nothing sent over Peppol yet.
    NotSent,
    /// Handed to the Peppol network.
    Delivered,
    /// The network refused it (e.g. the receiver is not registered); the reason when given.
    Failed(Option<String>),
}

impl Invoice {
    /// The Peppol delivery state read from `meta.peppol` (`{"state": "delivered" | "failed",
    /// "reason": ...}`). **An assumption**: openapi.yaml shows no invoice answer, so this is
    /// the shape twikey-sandbox answers with; check it against Twikey before relying on it.
    pub fn peppol(&self) -> PeppolStatus {
        let Some(p) = self.meta.as_ref().and_then(|m| m.get("peppol")) else {
            return PeppolStatus::NotSent;
        };
        let state = p.get("state").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
        match state.as_str() {
            "delivered" | "sent" | "ok" => PeppolStatus::Delivered,
            "failed" | "fail" | "error" | "not_ok" => {
                PeppolStatus::Failed(p.get("reason").and_then(Value::as_str).map(str::to_string))
            }
            _ => PeppolStatus::NotSent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_invoices_leniently() {
        let i: Invoice = serde_json::from_str(
            r#"{"id": "fec44175-b4fe-414c-92aa-9d0a7dd0dbf2", "number": 2026001, "state": "BOOKED", "manual": "true",
                "amount": "121.00", "date": "2026-03-18", "duedate": "2026-04-17T00:00:00Z", "url": "https://x",
                "meta": {"peppol": {"state": "failed", "reason": "receiver not registered"}}}"#,
        )
        .unwrap();
        assert_eq!(i.number.as_deref(), Some("2026001"));
        assert_eq!(i.manual, Some(true));
        assert_eq!(i.amount, Some(121.0));
        assert_eq!(i.duedate, chrono::NaiveDate::from_ymd_opt(2026, 4, 17));
        assert_eq!(i.extra["url"], "https://x");
        assert_eq!(i.peppol(), PeppolStatus::Failed(Some("receiver not registered".into())));
        let sent: Invoice = serde_json::from_str(r#"{"id": "a", "meta": {"peppol": {"state": "delivered"}}}"#).unwrap();
        assert_eq!(sent.peppol(), PeppolStatus::Delivered);
        assert_eq!(Invoice::default().peppol(), PeppolStatus::NotSent);
    }

    #[test]
    fn upload_headers() {
        let u = UblUpload { invoice_id: Some("u-1".into()), contract: Some("MND1".into()), manual: true, template: Some(1002), partner: None };
        assert_eq!(
            u.headers(),
            vec![("X-INVOICE-ID", "u-1".into()), ("X-CONTRACT", "MND1".into()), ("X-MANUAL", "true".into()), ("X-TEMPLATE", "1002".into())]
        );
        assert!(UblUpload::default().headers().is_empty());
    }
}
