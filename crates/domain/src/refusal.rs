//! Why an action was refused. Every refusal says what was wrong in words a person can act on.

use crate::status::Status;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "refusal")]
pub enum Refusal {
    /// The report changed since the actor loaded it (another person acted, a double click).
    #[error("the report changed since you opened it (version {expected}, now {actual}); reload it and try again")]
    Stale { expected: i64, actual: i64 },
    /// The action does not apply in the report's current status.
    #[error("{action} is not possible while the report is {status}")]
    IllegalTransition { action: String, status: Status },
    /// The actor's role does not allow the action.
    #[error("your role ({role}) may not {action}")]
    RoleNotAllowed { role: String, action: String },
    /// The report is outside the organisation subtree of the actor's role.
    #[error("this report is outside your organisation's scope")]
    OutOfScope,
    /// Only the reporter may do this.
    #[error("only the reporter may {action}")]
    NotReporter { action: String },
    /// A field of the request is invalid.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A rule of the lifecycle forbids it now (e.g. a second appeal).
    #[error("{0}")]
    Rule(String),
}

impl Refusal {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Refusal::Invalid { field: field.into(), message: message.into() }
    }

    pub fn rule(message: impl Into<String>) -> Self {
        Refusal::Rule(message.into())
    }

    /// A stable code for machines (API error types, tests).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Stale { .. } => "stale",
            Refusal::IllegalTransition { .. } => "illegal_transition",
            Refusal::RoleNotAllowed { .. } => "role_not_allowed",
            Refusal::OutOfScope => "out_of_scope",
            Refusal::NotReporter { .. } => "not_reporter",
            Refusal::Invalid { .. } => "invalid",
            Refusal::Rule(_) => "rule",
        }
    }

    /// The same message in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            Refusal::Stale { .. } => {
                "Laporan ini sudah berubah sejak Anda membukanya. Muat ulang lalu coba lagi.".into()
            }
            Refusal::IllegalTransition { action, status } => {
                format!("Tindakan {action} tidak dapat dilakukan saat laporan berstatus {}.", status.label_id(None))
            }
            Refusal::RoleNotAllowed { role, action } => format!("Peran Anda ({role}) tidak berwenang untuk {action}."),
            Refusal::OutOfScope => "Laporan ini di luar cakupan organisasi Anda.".into(),
            Refusal::NotReporter { action } => format!("Hanya pelapor yang dapat {action}."),
            Refusal::Invalid { field, message } => format!("{field}: {message}"),
            Refusal::Rule(m) => m.clone(),
        }
    }
}
