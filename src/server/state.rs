//! What every request handler and server function can reach.

use super::config::Config;
use super::crypto::SecretBox;
use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub secrets: SecretBox,
    pub live: super::live::LiveHub,
    pub sync: super::twikey::sync::SyncHub,
    pub twikey_clients: super::twikey::link::ClientCache,
    /// What day it is (the system clock; a fixed instant in tests).
    pub clock: super::clock::Clock,
    /// How e-mail leaves (SMTP, or kept in the outbox), built once at start-up.
    pub mailer: Arc<super::mail::Mailer>,
}

impl AppState {
    /// Connects the database (running migrations) and loads the secret key.
    pub async fn build(config: Config) -> Result<AppState, String> {
        let secrets = SecretBox::load_or_create(config.secret_key.as_deref(), &config.data_dir)
            .map_err(|e| e.to_string())?;
        let db = super::db::connect(&config.database_url)
            .await
            .map_err(|e| format!("cannot open the database {}: {e}", redact_url(&config.database_url)))?;
        let leptos_options = LeptosOptions::builder()
            .output_name("encaisse")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.listen)
            .build();
        let mailer = super::mail::Mailer::from_config(&config).map_err(|e| e.to_string())?;
        let live = super::live::LiveHub::new(&db);
        Ok(AppState {
            leptos_options,
            db,
            config: Arc::new(config),
            secrets,
            live,
            sync: Default::default(),
            twikey_clients: Default::default(),
            clock: super::clock::Clock::system(),
            mailer: Arc::new(mailer),
        })
    }

    /// Today's date in Brussels, by the state's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}

/// A database URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
