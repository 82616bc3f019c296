//! What a use case can answer besides success.

use aduan_domain::Refusal;
use aduan_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// The domain refused the action (role, scope, status, stale version, bad input).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// Nothing the caller may see has this identifier.
    #[error("{0} not found")]
    NotFound(String),
    /// The report changed while the action was being written (a concurrent writer won).
    #[error("the report changed while this action was being saved; reload it and try again")]
    Stale,
    /// A uniqueness rule: the e-mail address is taken, the role already granted…
    #[error("{0}")]
    Conflict(String),
    /// No valid credential: a wrong password, an unknown, expired or revoked token or key.
    #[error("{0}")]
    Unauthenticated(String),
    /// An upload or body over the size limit.
    #[error("{0}")]
    TooLarge(String),
    /// An upload of a kind not accepted (judged by its content).
    #[error("{0}")]
    Unsupported(String),
    /// The database is unreachable; nothing was changed.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Stale(_) => AppError::Stale,
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict(what) => AppError::Conflict(what),
            StoreError::Invalid(what) => AppError::Refused(Refusal::invalid("data", what)),
            StoreError::Unavailable(what) => AppError::Unavailable(what),
            StoreError::Other(what) => AppError::Internal(what),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
