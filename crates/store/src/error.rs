//! Storage errors, in terms the callers can act on.

use aduan_domain::ids::ReportId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The report changed since it was loaded: the transition was not applied.
    #[error("report {0} changed since it was loaded")]
    Stale(ReportId),
    #[error("not found: {0}")]
    NotFound(String),
    /// A unique value is already taken (tracking number, e-mail, organisation code…).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The data breaks a constraint (a reference to nothing, a value out of range).
    #[error("invalid data: {0}")]
    Invalid(String),
    /// The database cannot be reached or is shutting down; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else; the message is for logs, not for people.
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(feature = "sqlx")]
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &e {
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => StoreError::Conflict(db.message().to_string()),
                ErrorKind::ForeignKeyViolation | ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                    StoreError::Invalid(db.message().to_string())
                }
                _ => StoreError::Other(db.message().to_string()),
            },
            sqlx::Error::RowNotFound => StoreError::NotFound("row".into()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Other(e.to_string()),
        }
    }
}
