//! Twikey as the Peppol access point: the document is uploaded as an invoice
//! (`POST /invoice/ubl`, `X-INVOICE-ID` = the document's stable id, `X-MANUAL: true` so that
//! Twikey starts no collection of its own, `X-CONTRACT` = the mandate when Encaisse collects it),
//! then delivered with the `peppol` action. Who can receive is asked of the Peppol Directory.

use super::access_point::{AccessPoint, AccessPointError, ApResult, RemoteDelivery};
use super::directory::{Directory, BELGIAN_ENTERPRISE_SCHEME};
use twikey::{InvoiceAction, PeppolStatus, TwikeyClient, TwikeyError, UblUpload};

pub struct TwikeyAccessPoint {
    client: TwikeyClient,
    directory: Directory,
}

impl TwikeyAccessPoint {
    pub fn new(client: TwikeyClient, directory: Directory) -> TwikeyAccessPoint {
        TwikeyAccessPoint { client, directory }
    }
}

fn classify(e: TwikeyError) -> AccessPointError {
    if e.is_retryable() {
        AccessPointError::Temporary(e.to_string())
    } else {
        AccessPointError::Refused(e.to_string())
    }
}

impl AccessPoint for TwikeyAccessPoint {
    fn name(&self) -> &'static str {
        "twikey"
    }

    fn upload<'a>(&'a self, doc_id: &'a str, ubl: &'a [u8], contract: Option<&'a str>) -> ApResult<'a, String> {
        Box::pin(async move {
            let upload = UblUpload {
                invoice_id: Some(doc_id.to_string()),
                contract: contract.map(str::to_string),
                manual: true,
                ..Default::default()
            };
            match self.client.upload_ubl(ubl, &upload).await {
                Ok(invoice) => Ok(invoice.id.unwrap_or_else(|| doc_id.to_string())),
                Err(e) if e.is_retryable() => Err(AccessPointError::Temporary(e.to_string())),
                // A refusal may be Twikey's answer to an id it already has (an earlier upload
                // whose answer was lost): the invoice is there, then, and nothing is made twice.
                Err(refused) => match self.client.invoice_detail(doc_id, false).await {
                    Ok(Some(invoice)) => Ok(invoice.id.unwrap_or_else(|| doc_id.to_string())),
                    Ok(None) => Err(AccessPointError::Refused(refused.to_string())),
                    Err(e) => Err(AccessPointError::Temporary(format!("{refused}; checking whether it exists: {e}"))),
                },
            }
        })
    }

    fn deliver<'a>(&'a self, remote_id: &'a str) -> ApResult<'a, ()> {
        Box::pin(async move { self.client.invoice_action(remote_id, InvoiceAction::Peppol).await.map_err(classify) })
    }

    fn status<'a>(&'a self, remote_id: &'a str) -> ApResult<'a, RemoteDelivery> {
        Box::pin(async move {
            match self.client.invoice_detail(remote_id, true).await.map_err(classify)? {
                None => Err(AccessPointError::Refused(format!("Twikey has no invoice {remote_id}"))),
                Some(invoice) => Ok(match invoice.peppol() {
                    PeppolStatus::NotSent => RemoteDelivery::NotSent,
                    PeppolStatus::Delivered => RemoteDelivery::Delivered,
                    PeppolStatus::Failed(reason) => RemoteDelivery::Failed(reason),
                }),
            }
        })
    }

    fn can_receive<'a>(&'a self, enterprise_number: &'a str) -> ApResult<'a, bool> {
        Box::pin(async move { self.directory.is_registered(BELGIAN_ENTERPRISE_SCHEME, enterprise_number).await })
    }
}
