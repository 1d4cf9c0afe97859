//! `server::Error`, the one error of the server layer. Repositories and use cases return it;
//! `api::error` turns it into the `AppError` the browser sees, once, logging the whole chain
//! there. Refusals carry the message the user reads; everything else stays on the server.

use crate::i18n::Msg;
use crate::model::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not signed in")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// A rule of the product says no; the message says which.
    #[error("refused: {0:?}")]
    Refused(Msg),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("Twikey")]
    Twikey(#[from] twikey::TwikeyError),
    #[error("encryption")]
    Crypto(#[from] super::crypto::CryptoError),
    #[error("document")]
    Document(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A broken invariant or an unexpected state, described for the log.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn field(field: &str, msg: Msg) -> Self {
        Error::Invalid(vec![FieldError { field: field.into(), msg }])
    }

    pub fn internal(what: impl Into<String>) -> Self {
        Error::Internal(what.into())
    }

    /// The error and its causes, outermost first: what the log shows.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            out.push_str(": ");
            out.push_str(&cause.to_string());
            source = cause.source();
        }
        out
    }
}
