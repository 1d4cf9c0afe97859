//! The one interface invoicing knows of a Peppol access point. Twikey is the first
//! ([`super::twikey::TwikeyAccessPoint`]); another provider (Billit, e-invoice.be, …) is another
//! implementation and a line in [`super::access_point_for`], nothing else.

use std::future::Future;
use std::pin::Pin;

/// Why a call to the access point did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessPointError {
    /// May succeed later (timeout, lost connection, 5xx, rate limit): tried again with backoff.
    #[error("{0}")]
    Temporary(String),
    /// Will not succeed as it is (the document or the request was refused).
    #[error("{0}")]
    Refused(String),
}

/// What became of a document's delivery, as the access point knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteDelivery {
    /// Not handed to the network (yet).
    NotSent,
    Delivered,
    /// The network did not take it; the reason when given.
    Failed(Option<String>),
}

pub type ApResult<'a, T> = Pin<Box<dyn Future<Output = Result<T, AccessPointError>> + Send + 'a>>;

/// A Peppol access point, as the delivery run uses it.
///
/// - `upload` must be idempotent per `doc_id`: the same id again (a retry after a lost answer,
///   or another server) must not make a second document; it answers the access point's id.
/// - `deliver` hands an uploaded document to the network. It is not assumed idempotent: the
///   run asks `status` first when an earlier request may have gone through.
/// - `can_receive` tells whether a Belgian enterprise number (10 digits) is a Peppol receiver.
pub trait AccessPoint: Send + Sync {
    /// A short name, stored with each delivery (`twikey`).
    fn name(&self) -> &'static str;
    /// Uploads the UBL document; `contract` is the mandate when it is collected by direct debit.
    fn upload<'a>(&'a self, doc_id: &'a str, ubl: &'a [u8], contract: Option<&'a str>) -> ApResult<'a, String>;
    fn deliver<'a>(&'a self, remote_id: &'a str) -> ApResult<'a, ()>;
    fn status<'a>(&'a self, remote_id: &'a str) -> ApResult<'a, RemoteDelivery>;
    fn can_receive<'a>(&'a self, enterprise_number: &'a str) -> ApResult<'a, bool>;
}
