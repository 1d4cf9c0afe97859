//! Encaisse's side of the Twikey connection: one client per company, built from its stored
//! (encrypted) API key and the configured Twikey URL, kept while the key stays the same.

use crate::server::repo::twikey_settings::Settings;
use crate::server::AppState;
use twikey::{TwikeyClient, TwikeyConfig, TwikeyError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("Twikey is not configured for this company")]
    NotConfigured,
    #[error("the stored API key cannot be decrypted with this server's secret key")]
    Undecryptable,
    #[error(transparent)]
    Twikey(#[from] TwikeyError),
}

/// Clients by company, each with the encrypted key it was built from.
#[derive(Clone, Default)]
pub struct ClientCache {
    clients: Arc<Mutex<HashMap<i64, (String, TwikeyClient)>>>,
}

impl AppState {
    /// A client for an API key typed by the user (not stored yet).
    pub fn twikey_client_for_key(&self, api_key: &str) -> Result<TwikeyClient, TwikeyError> {
        self.twikey_client_with(api_key, None)
    }

    /// A client for an API key and, with enhanced security, its private key.
    pub fn twikey_client_with(&self, api_key: &str, private_key: Option<String>) -> Result<TwikeyClient, TwikeyError> {
        let config = TwikeyConfig::new(self.config.twikey_api_url.as_str().trim_end_matches('/'), api_key.trim())
            .with_timeout(std::time::Duration::from_millis(self.config.twikey_timeout_ms))
            .with_private_key(private_key);
        TwikeyClient::new(config)
    }

    /// The company's client, from its stored key.
    pub fn twikey_client(&self, settings: &Settings) -> Result<TwikeyClient, LinkError> {
        let sealed = settings.api_key_encrypted.as_ref().ok_or(LinkError::NotConfigured)?;
        let cache_key = format!("{sealed}/{}", settings.private_key_encrypted.as_deref().unwrap_or(""));
        let mut clients = self.twikey_clients.clients.lock().expect("client cache poisoned");
        if let Some((key, client)) = clients.get(&settings.company_id) {
            if *key == cache_key {
                return Ok(client.clone());
            }
        }
        let api_key = self.secrets.decrypt(sealed).map_err(|_| LinkError::Undecryptable)?;
        let private_key = match &settings.private_key_encrypted {
            Some(p) => Some(self.secrets.decrypt(p).map_err(|_| LinkError::Undecryptable)?),
            None => None,
        };
        let client = self.twikey_client_with(&api_key, private_key)?;
        clients.insert(settings.company_id, (cache_key, client.clone()));
        Ok(client)
    }

    /// The company's API key in clear, for checking webhook signatures.
    pub fn twikey_api_key(&self, settings: &Settings) -> Result<String, LinkError> {
        let sealed = settings.api_key_encrypted.as_ref().ok_or(LinkError::NotConfigured)?;
        self.secrets.decrypt(sealed).map_err(|_| LinkError::Undecryptable)
    }
}
