//! Session tokens, cached per (base URL, API key) and renewed before Twikey's 24 h expiry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Twikey tokens live 24 h; like the official SDKs, renew after 23 h.
pub const SESSION_MAX_AGE: Duration = Duration::from_secs(23 * 3600);

#[derive(Clone)]
pub(crate) struct Session {
    pub token: SecretString,
    pub obtained: Instant,
    /// `X-MERCHANT-ID` of the login: which Twikey account the key belongs to.
    pub merchant_id: Option<String>,
}

pub(crate) type Slot = Arc<tokio::sync::Mutex<Option<Session>>>;

/// Where sessions are cached. Clients built with [`TwikeyClient::new`](super::TwikeyClient::new)
/// share one process-wide store, so a client per request still logs in once per key.
#[derive(Clone, Default)]
pub struct SessionStore {
    slots: Arc<Mutex<HashMap<String, Slot>>>,
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore").finish_non_exhaustive()
    }
}

impl SessionStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide store.
    pub fn global() -> Self {
        static GLOBAL: OnceLock<SessionStore> = OnceLock::new();
        GLOBAL.get_or_init(SessionStore::default).clone()
    }

    /// The slot of one key; its async mutex also serialises logins for that key.
    pub(crate) fn slot(&self, base_url: &str, api_key: &SecretString) -> Slot {
        // The map is keyed by a digest so the key itself is never kept twice or printed.
        let mut h = Sha256::new();
        h.update(base_url.as_bytes());
        h.update([0u8]);
        h.update(api_key.expose_secret().as_bytes());
        let id = hex::encode(h.finalize());
        self.slots.lock().expect("session store poisoned").entry(id).or_default().clone()
    }

    /// Forget every cached session (e.g. after an API key change).
    pub fn clear(&self) {
        self.slots.lock().expect("session store poisoned").clear();
    }
}
