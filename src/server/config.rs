//! Configuration: one typed struct, read from the environment and the command line.
//! Every variable is listed in the README.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

#[derive(Clone, Debug, Parser)]
#[command(name = "encaisse", version, about = "Encaisse: invoicing paid by SEPA direct debit through Twikey")]
pub struct Config {
    /// Database: `sqlite://data/encaisse.db` (default) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/encaisse.db")]
    pub database_url: String,

    /// Address users reach Encaisse at; used for links and the Twikey callback URL.
    #[arg(long, env = "PUBLIC_URL", default_value = "http://localhost:3000")]
    pub public_url: Url,

    /// Address and port to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Directory for the SQLite file and the generated secret key.
    #[arg(long, env = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Base64 of 32 bytes that encrypts stored API keys. Generated into DATA_DIR/secret.key when unset.
    #[arg(long, env = "ENCAISSE_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Log filter, e.g. `info` or `encaisse=debug,tower_http=info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Directory holding the built client (wasm, JS, CSS) and public assets.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Twikey API base URL: production `https://api.twikey.com/creditor`, Twikey's test
    /// environment `https://api.beta.twikey.com/creditor`, or twikey-sandbox.
    #[arg(long, env = "TWIKEY_API_URL", default_value = "https://api.twikey.com/creditor")]
    pub twikey_api_url: Url,

    /// How long a call to Twikey may take before it counts as failed (and is retried).
    #[arg(long, env = "TWIKEY_TIMEOUT_MS", default_value_t = 20_000)]
    pub twikey_timeout_ms: u64,

    /// Seconds between two syncs of every company's Twikey feeds (covers lost webhooks).
    #[arg(long, env = "TWIKEY_SYNC_INTERVAL_SECS", default_value_t = 300)]
    pub twikey_sync_interval_secs: u64,

    /// Seed a demo company with customers on first start (on an empty database).
    #[arg(long, env = "ENCAISSE_SEED_DEMO", default_value_t = false)]
    pub seed_demo: bool,

    /// SMTP server for outgoing e-mail, e.g. `smtps://user:password@smtp.example.be` or
    /// `smtp://localhost:1025`. Unset: e-mails are kept in the Outbox page instead.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of outgoing e-mail.
    #[arg(long, env = "SMTP_FROM", default_value = "Encaisse <no-reply@localhost>")]
    pub smtp_from: String,

    /// Seconds between two runs of the scheduler (subscriptions, queued e-mail); 0 turns it off.
    #[arg(long, env = "SCHEDULER_INTERVAL_SECS", default_value_t = 60)]
    pub scheduler_interval_secs: u64,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; serving is the default.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Run the scheduler once and exit: invoice every subscription period due up to the date.
    RunScheduler {
        /// Run as if today were this date (`YYYY-MM-DD`); default today.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
}

impl Config {
    /// The URL Twikey calls for a company (pasted into Twikey's Settings → API).
    pub fn callback_url(&self, company_public_id: &str) -> String {
        format!("{}/twikey/webhook/{company_public_id}", self.public_url.as_str().trim_end_matches('/'))
    }

    /// Cookies get `Secure` when users reach Encaisse over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// Checks what clap cannot: one clear line per problem.
    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.public_url.scheme(), "http" | "https") {
            return Err(format!("PUBLIC_URL must start with http:// or https://, got {}", self.public_url));
        }
        if !(self.database_url.starts_with("sqlite:") || super::db::is_postgres_url(&self.database_url)) {
            return Err("DATABASE_URL must start with sqlite: or postgres://".into());
        }
        if !matches!(self.twikey_api_url.scheme(), "http" | "https") {
            return Err(format!("TWIKEY_API_URL must be an http(s) URL, got {}", self.twikey_api_url));
        }
        if self.twikey_sync_interval_secs == 0 {
            return Err("TWIKEY_SYNC_INTERVAL_SECS must be at least 1".into());
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level).map_err(|e| format!("LOG_LEVEL is not a valid filter: {e}"))?;
        Ok(())
    }

    /// A configuration for tests: a fresh database (see [`super::db::test_database_url`]).
    pub fn for_tests(dir: &std::path::Path) -> Config {
        Config {
            database_url: super::db::test_database_url(dir),
            public_url: Url::parse("http://localhost:3000").unwrap(),
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.to_path_buf(),
            secret_key: Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into()),
            log_level: "warn".into(),
            site_root: "target/site".into(),
            seed_demo: false,
            twikey_api_url: Url::parse("http://127.0.0.1:9/creditor").unwrap(),
            twikey_sync_interval_secs: 300,
            twikey_timeout_ms: 5_000,
            smtp_url: None,
            smtp_from: "Encaisse <no-reply@localhost>".into(),
            scheduler_interval_secs: 0,
            command: None,
        }
    }
}
