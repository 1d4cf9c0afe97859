//! The error every server function returns. It crosses the wire, so it carries only what the
//! user may see: a message key (translated in the browser) and field-level problems.
//! Internals are logged on the server (see `server::error`) and never sent.

use crate::i18n::Msg;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("refused: {0:?}")]
    Refused(Msg),
    #[error("too many attempts, retry in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Twikey refused or could not be reached; `message` is Twikey's own words.
    #[error("Twikey: {code}: {message}")]
    Twikey { code: String, message: String, unreachable: bool },
    #[error("internal error")]
    Internal,
    #[error("could not reach the server: {0}")]
    Network(String),
}

impl AppError {
    pub fn field(field: &str, msg: Msg) -> Self {
        AppError::Invalid(vec![FieldError { field: field.into(), msg }])
    }

    /// The message for the top of a form or a toast.
    pub fn message(&self) -> Msg {
        match self {
            AppError::Unauthorized => Msg::ErrNotSignedIn,
            AppError::NotFound => Msg::ErrNotFound,
            AppError::Invalid(_) => Msg::ErrFormHasErrors,
            AppError::Refused(msg) => *msg,
            AppError::TooManyAttempts { .. } => Msg::ErrTooManyAttempts,
            AppError::Twikey { unreachable: true, .. } => Msg::TwikeyUnreachable,
            AppError::Twikey { .. } => Msg::TwikeyAnswered,
            AppError::Internal => Msg::ErrInternal,
            AppError::Network(_) => Msg::ErrNetwork,
        }
    }

    /// The whole sentence for a banner, in `lang` (Twikey's own message appended).
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        match self {
            AppError::Twikey { code, message, .. } => format!("{} {message} ({code})", self.message().text(lang)),
            other => other.message().text(lang).to_string(),
        }
    }

    /// The problem with one field of a form, if any.
    pub fn field_error(&self, field: &str) -> Option<Msg> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.msg),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server this runs while decoding a request: malformed arguments are a 400.
        #[cfg(feature = "ssr")]
        if matches!(value, ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_)) {
            if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                options.set_status(http::StatusCode::BAD_REQUEST);
            }
        }
        match value {
            ServerFnErrorErr::Request(e) => AppError::Network(e),
            // Malformed arguments are the client's fault: say so without details.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::Invalid(Vec::new())
            }
            _ => AppError::Internal,
        }
    }
}

/// Collects field problems, then fails with all of them at once.
#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, msg: Msg) {
        self.0.push(FieldError { field: field.into(), msg });
    }
    /// The problems found, if any (for a layer with its own error).
    pub fn into_fields(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
    pub fn into_result(self) -> Result<(), AppError> {
        self.into_fields().map_err(AppError::Invalid)
    }
}
