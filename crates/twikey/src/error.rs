//! The single error type of the Twikey client.

use std::time::Duration;

/// Everything a Twikey call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum TwikeyError {
    /// Twikey answered with an error (`ApiErrorCode` header and/or a non-2xx status).
    #[error("Twikey error {code} (HTTP {status}): {message}")]
    Api {
        status: u16,
        /// Machine-readable code such as `err_no_contract`.
        code: String,
        message: String,
        /// Optional detail, e.g. which parameter was wrong.
        extra: Option<String>,
    },
    /// HTTP 429 (or a login throttle); wait `retry_after` before trying again.
    #[error("Twikey rate limit reached (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    /// The session was refused even right after a fresh login.
    #[error("Twikey session expired and could not be renewed")]
    SessionExpired,
    /// No answer within the configured timeout.
    #[error("Twikey did not answer in time")]
    Timeout,
    /// Twikey could not be reached (DNS, refused connection, TLS).
    #[error("could not connect to Twikey: {0}")]
    Connect(String),
    /// The connection broke or another HTTP-level problem happened.
    #[error("transport error talking to Twikey: {0}")]
    Transport(String),
    /// Twikey answered something that is not the expected shape.
    #[error("unexpected answer from Twikey: {0}")]
    InvalidResponse(String),
    /// The client was configured or called with unusable values.
    #[error("invalid Twikey client configuration: {0}")]
    Config(String),
}

impl TwikeyError {
    /// Whether the same call may succeed when tried again later (with the same
    /// Idempotency-Key for transaction creation).
    pub fn is_retryable(&self) -> bool {
        match self {
            TwikeyError::Api { status, code, .. } => {
                *status >= 500 || code == "err_call_in_progress" || code == "system_error"
            }
            TwikeyError::RateLimited { .. }
            | TwikeyError::SessionExpired
            | TwikeyError::Timeout
            | TwikeyError::Connect(_)
            | TwikeyError::Transport(_) => true,
            TwikeyError::InvalidResponse(_) | TwikeyError::Config(_) => false,
        }
    }

    /// Twikey's answer to a reused `Idempotency-Key` (409 `err_duplicate_ref`): the request
    /// was already received once, so the transaction exists (or is being created).
    pub fn is_duplicate_request(&self) -> bool {
        matches!(self, TwikeyError::Api { status: 409, .. }) || self.code() == Some("err_duplicate_ref")
    }

    /// The Twikey error code, when Twikey gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            TwikeyError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        // reqwest's Display includes the URL; no secret is ever put in a URL by this client.
        if err.is_timeout() {
            TwikeyError::Timeout
        } else if err.is_connect() {
            TwikeyError::Connect(err.to_string())
        } else if err.is_decode() {
            TwikeyError::InvalidResponse(err.to_string())
        } else {
            TwikeyError::Transport(err.to_string())
        }
    }
}
