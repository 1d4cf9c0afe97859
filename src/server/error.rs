//! The server's error enum, and the boundary where errors become what the user sees.

use crate::model::AppError;
use http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("crypto: {0}")]
    Crypto(#[from] super::crypto::CryptoError),
}

impl From<ServerError> for AppError {
    fn from(err: ServerError) -> Self {
        tracing::error!(error = %err, "server function failed");
        AppError::Internal
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        ServerError::Db(err).into()
    }
}

impl From<twikey::TwikeyError> for AppError {
    fn from(err: twikey::TwikeyError) -> Self {
        use twikey::TwikeyError as E;
        tracing::warn!(error = %err, "Twikey call failed");
        match err {
            E::Api { code, message, extra, .. } => AppError::Twikey {
                message: match extra { Some(extra) if !extra.is_empty() => format!("{message} [{extra}]"), _ => message },
                code,
                unreachable: false,
            },
            // Temporary: "try again later", never "wrong key".
            E::RateLimited { .. } => AppError::Twikey { code: "rate_limited".into(), message: err.to_string(), unreachable: false },
            E::SessionExpired => AppError::Twikey { code: "err_no_login".into(), message: err.to_string(), unreachable: false },
            E::Timeout | E::Connect(_) | E::Transport(_) | E::InvalidResponse(_) | E::Config(_) => {
                AppError::Twikey { code: "unreachable".into(), message: err.to_string(), unreachable: true }
            }
        }
    }
}

/// Ends a server function: on error, sets the HTTP status that matches it.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let status = match err {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Twikey { unreachable: true, .. } => StatusCode::BAD_GATEWAY,
            AppError::Twikey { code, .. } if code == "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
            AppError::Twikey { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal | AppError::Network(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(status);
        }
    }
    result
}
