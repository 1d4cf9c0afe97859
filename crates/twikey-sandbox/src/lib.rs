//! twikey-sandbox: a stand-in Twikey server for development and tests.
//!
//! It serves the creditor API of `twikey/API.md` under `/creditor` and `/api/creditor`,
//! a signing page per prepared mandate, a Settings → API page for webhook URLs, and side
//! doors under `/_sandbox` (see `README.md` next to this file and [`side_doors`]).
//!
//! In-process use (tests):
//! ```ignore
//! let sandbox = encaisse::sandbox::spawn(SandboxConfig { settle_after: Duration::ZERO, ..Default::default() }).await?;
//! let base = sandbox.api_base_url(); // http://127.0.0.1:PORT/creditor
//! ```

mod api;
mod config;
mod html;
pub mod faults;
pub mod invoice_records;
pub mod invoices;
pub mod security;
mod settings_page;
pub mod side_doors;
mod signing_page;
pub mod state;
mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use tokio::net::TcpListener;

pub use config::{is_sandbox_key, SandboxConfig, TemplateConfig, DEFAULT_API_KEY, USAGE};
pub use faults::{FaultSpec, Faults};
pub use security::otp;
use security::RateLimits;
use state::Data;
use webhooks::WebhookSender;

/// Shared sandbox state; cheap to clone.
#[derive(Clone)]
pub struct SandboxState {
    inner: Arc<Inner>,
}

struct Inner {
    config: SandboxConfig,
    /// `http://host:port` used in signing links.
    public_url: String,
    data: Mutex<Data>,
    faults: Mutex<Faults>,
    rate_limits: Mutex<RateLimits>,
    webhooks: WebhookSender,
}

impl SandboxState {
    /// Loads `--state` when it exists, else starts from the configuration.
    pub fn new(config: SandboxConfig, public_url: impl Into<String>) -> Self {
        let data = config
            .state_file
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| match serde_json::from_slice::<Data>(&b) {
                Ok(d) => Some(d),
                Err(e) => {
                    tracing::warn!("ignoring unreadable state file: {e}");
                    None
                }
            })
            .unwrap_or_else(|| Data::initial(&config));
        Self {
            inner: Arc::new(Inner {
                public_url: public_url.into().trim_end_matches('/').to_string(),
                data: Mutex::new(data),
                faults: Mutex::new(Faults::default()),
                rate_limits: Mutex::new(RateLimits::new(config.detail_limit, config.login_limit)),
                webhooks: WebhookSender::new(),
                config,
            }),
        }
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    pub(crate) fn settle_after(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.inner.config.settle_after).unwrap_or_else(|_| chrono::Duration::zero())
    }

    /// Runs `f` on the data, saves the state file, then sends the webhooks it queued.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        let (r, outbox) = {
            let mut d = self.inner.data.lock().expect("sandbox state poisoned");
            let r = f(&mut d);
            let outbox = std::mem::take(&mut d.outbox);
            self.save(&d);
            (r, outbox)
        };
        for w in outbox {
            let mode = self.inner.faults.lock().expect("faults poisoned").take_webhook_fault();
            self.inner.webhooks.send(w, mode);
        }
        r
    }

    /// Reads the data without changing it.
    pub fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        f(&self.inner.data.lock().expect("sandbox state poisoned"))
    }

    fn save(&self, d: &Data) {
        let Some(path) = &self.inner.config.state_file else { return };
        let tmp = path.with_extension("tmp");
        let result = serde_json::to_vec_pretty(d)
            .map_err(std::io::Error::other)
            .and_then(|b| std::fs::write(&tmp, b))
            .and_then(|_| std::fs::rename(&tmp, path));
        if let Err(e) = result {
            tracing::warn!("could not save sandbox state: {e}");
        }
    }

    /// Back to the start state (configuration only; faults, rate limits and webhook log
    /// cleared).
    pub fn reset(&self) {
        self.inner.faults.lock().expect("faults poisoned").clear();
        *self.rate_limits() = RateLimits::new(self.inner.config.detail_limit, self.inner.config.login_limit);
        self.inner.webhooks.clear_log();
        let config = self.inner.config.clone();
        self.mutate(|d| *d = Data::initial(&config));
    }

    pub(crate) fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.inner.faults.lock().expect("faults poisoned")
    }

    pub(crate) fn rate_limits(&self) -> std::sync::MutexGuard<'_, RateLimits> {
        self.inner.rate_limits.lock().expect("rate limits poisoned")
    }

    pub(crate) fn webhooks(&self) -> &WebhookSender {
        &self.inner.webhooks
    }

    /// The bank answers what is due (everything sent, with `force`); returns how many things
    /// changed.
    pub fn settle(&self, force: bool) -> usize {
        let templates = self.inner.config.templates.clone();
        let after = self.settle_after();
        self.mutate(|d| d.settle(force, &templates, after, Utc::now()))
    }

    /// Invalidates every session token, as if 24 h had passed.
    pub fn expire_tokens(&self) {
        self.mutate(|d| d.tokens.clear());
    }
}

/// All routes of the sandbox.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .route("/sign/{key}", get(signing_page::show).post(signing_page::submit))
        .route("/settings/api", get(settings_page::show).post(settings_page::save))
        .route("/_sandbox/emails", get(side_doors::emails))
        .route("/_sandbox/webhooks", get(side_doors::webhooks))
        .route("/_sandbox/settle", post(side_doors::settle))
        .route("/_sandbox/faults", post(side_doors::add_faults).get(side_doors::list_faults).delete(side_doors::clear_faults))
        .route("/_sandbox/reset", post(side_doors::reset))
        .route("/_sandbox/expire-tokens", post(side_doors::expire_tokens))
        .route("/_sandbox/templates", post(side_doors::set_templates).get(side_doors::templates))
        .route("/_sandbox/security", post(side_doors::security))
        .route("/_sandbox/rate-limits", post(side_doors::set_rate_limits).get(side_doors::rate_limits))
        .route("/_sandbox/peppol", get(side_doors::peppol))
        // A stand-in of the Peppol Directory's search (who can receive over Peppol).
        .route("/search/1.0/json", get(api::peppol_directory))
        .fallback(api::dispatch)
        .with_state(state)
}

/// Serves the sandbox on `listener` until the process ends, settling in the background.
pub async fn serve(config: SandboxConfig, listener: TcpListener) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let state = SandboxState::new(config, public_url_for(addr));
    run(state, listener).await
}

async fn run(state: SandboxState, listener: TcpListener) -> std::io::Result<()> {
    let ticker = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(200));
        loop {
            every.tick().await;
            if ticker.read(|d| d.anything_due(Utc::now())) {
                ticker.settle(false);
            }
        }
    });
    use axum::serve::ListenerExt;
    // Answer small requests at once instead of waiting for delayed ACKs.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(state)).await
}

fn public_url_for(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://127.0.0.1:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// A sandbox running in the current tokio runtime.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    pub state: SandboxState,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        public_url_for(self.addr)
    }

    /// The API base for a Twikey client: `http://127.0.0.1:PORT/creditor`.
    pub fn api_base_url(&self) -> String {
        format!("{}/creditor", self.url())
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a sandbox on 127.0.0.1 with a random port (for tests); stops when the handle drops.
pub async fn spawn(config: SandboxConfig) -> std::io::Result<SandboxHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = SandboxState::new(config, public_url_for(addr));
    let task = tokio::spawn(run(state.clone(), listener));
    Ok(SandboxHandle { addr, state, task })
}
