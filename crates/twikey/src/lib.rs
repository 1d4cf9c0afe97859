//! Twikey API client (server side only).
//!
//! Implements the part of Twikey's creditor API that Encaisse uses: session login, mandate
//! invitations and management, transactions, collections, feeds, webhook signatures, and
//! invoices uploaded as UBL and delivered over Peppol.
//! The contract it follows is `twikey/API.md` (shared documentation).
//!
//! ```ignore
//! let client = TwikeyClient::new(TwikeyConfig::new("https://api.beta.twikey.com/creditor", key))?;
//! let invite = client.invite(&InviteRequest { ct: "1001".into(), ..Default::default() }).await?;
//! ```

mod client;
mod error;
mod feed;
mod invoice;
pub mod lenient;
pub mod otp;
mod session;
mod types;
pub mod webhook;

pub use client::{LoginInfo, TwikeyClient, TwikeyConfig, PRODUCTION_BASE_URL, TEST_BASE_URL};
pub use error::TwikeyError;
pub use feed::{FeedChunk, FeedPosition};
pub use invoice::{Invoice, InvoiceAction, PeppolStatus, UblUpload};
pub use session::SessionStore;
pub use types::*;
pub use webhook::{sign_webhook, verify_webhook};
