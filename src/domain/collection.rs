//! Collections: why one cannot start, in words.

use serde::{Deserialize, Serialize};

/// Why the Twikey box cannot start a collection now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CannotCollect {
    TwikeyOff,
    NotConfigured,
    InvoiceNotOpen,
    NothingToPay,
    NoSignedMandate,
    MandatePendingBank,
    AlreadyRunning,
    /// The running collection failed with `final: false`: Twikey's dunning may still collect it.
    TwikeyWillRetry,
}

impl CannotCollect {
    pub fn message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::TwikeyOff => Msg::ErrTwikeyOff,
            Self::NotConfigured => Msg::ErrTwikeyNotConfigured,
            Self::InvoiceNotOpen => Msg::WhyInvoiceNotOpen,
            Self::NothingToPay => Msg::WhyNothingToPay,
            Self::NoSignedMandate => Msg::WhyNoSignedMandate,
            Self::MandatePendingBank => Msg::WhyMandatePendingBank,
            Self::AlreadyRunning => Msg::WhyAlreadyRunning,
            Self::TwikeyWillRetry => Msg::WhyTwikeyWillRetry,
        }
    }
}

