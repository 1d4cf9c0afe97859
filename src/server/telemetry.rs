//! Logging set-up (tracing). Secrets never reach the log: they are wrapped or redacted.

pub fn init(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
