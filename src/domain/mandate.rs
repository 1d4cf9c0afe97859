//! Direct-debit mandates as Encaisse tracks them, and how Twikey's states map onto them.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MandateState {
    /// Prepared in Twikey, waiting for the debtor's signature.
    Prepared,
    /// Signed and active: collections may start.
    Signed,
    /// B2B: signed by the debtor, waiting for the debtor's bank to confirm.
    PendingBank,
    /// Temporarily not collectable.
    Suspended,
    Cancelled,
}

impl MandateState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Twikey's `X-STATE` / webhook `state` value.
    pub fn from_twikey(state: &str) -> Option<Self> {
        Some(match state.to_ascii_uppercase().as_str() {
            "PREPARED" | "PRINT" => Self::Prepared,
            "SIGNED" => Self::Signed,
            "SIGNED_PENDING_DEBTOR_BANK" => Self::PendingBank,
            "SUSPENDED" | "PASSIVE" => Self::Suspended,
            "CANCELLED" => Self::Cancelled,
            _ => return None,
        })
    }

    pub fn label(self) -> Msg {
        match self {
            Self::Prepared => Msg::MandatePrepared,
            Self::Signed => Msg::MandateSigned,
            Self::PendingBank => Msg::MandatePendingBank,
            Self::Suspended => Msg::MandateSuspended,
            Self::Cancelled => Msg::MandateCancelled,
        }
    }
}

/// What the customer list shows in its Twikey column: the best mandate a customer has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MandateMark {
    Signed,
    Waiting,
}

impl MandateMark {
    /// From the rank the list query computes (3 signed, 2 waiting for the bank, 1 prepared).
    pub fn from_rank(rank: i64) -> Option<Self> {
        match rank {
            3 => Some(Self::Signed),
            1 | 2 => Some(Self::Waiting),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_stored_as_these_words() {
        use MandateState as M;
        let words =
            [(M::Prepared, "prepared"), (M::Signed, "signed"), (M::PendingBank, "pending_bank"), (M::Suspended, "suspended"), (M::Cancelled, "cancelled")];
        for (state, word) in words {
            assert_eq!(state.as_str(), word);
            assert_eq!(M::parse(word), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), word);
        }
        for unknown in ["", "SIGNED", "Signed", "pendingbank", "pending-bank", "PendingBank"] {
            assert_eq!(M::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn states_round_trip_and_map_from_twikey() {
        for s in [MandateState::Prepared, MandateState::Signed, MandateState::PendingBank, MandateState::Suspended, MandateState::Cancelled] {
            assert_eq!(MandateState::parse(s.as_str()), Some(s));
        }
        assert_eq!(MandateState::from_twikey("SIGNED_PENDING_DEBTOR_BANK"), Some(MandateState::PendingBank));
        assert_eq!(MandateState::from_twikey("signed"), Some(MandateState::Signed));
        assert_eq!(MandateState::from_twikey("whatever"), None);
    }
}
