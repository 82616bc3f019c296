//! Report statuses and the words used for them everywhere (docs/UX.md).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    NeedsInfo,
    Archived,
    Forwarded,
    InProgress,
    Responded,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Submitted,
        Status::NeedsInfo,
        Status::Archived,
        Status::Forwarded,
        Status::InProgress,
        Status::Responded,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::NeedsInfo => "needs_info",
            Status::Archived => "archived",
            Status::Forwarded => "forwarded",
            Status::InProgress => "in_progress",
            Status::Responded => "responded",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Status::ALL.into_iter().find(|st| st.as_str() == s.trim())
    }

    /// Still waiting for someone to act: neither closed nor archived.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Closed | Status::Archived)
    }

    /// Verified: a report in one of these statuses has passed screening.
    pub fn is_verified(self) -> bool {
        matches!(self, Status::Forwarded | Status::InProgress | Status::Responded | Status::Closed)
    }

    /// Bahasa Indonesia label; `{holder}` names the instansi or units where the status has one.
    pub fn label_id(self, holder: Option<&str>) -> String {
        match (self, holder) {
            (Status::Submitted, _) => "Menunggu verifikasi".into(),
            (Status::NeedsInfo, _) => "Perlu dilengkapi".into(),
            (Status::Archived, _) => "Diarsipkan".into(),
            (Status::Forwarded, Some(h)) => format!("Diteruskan ke {h}"),
            (Status::Forwarded, None) => "Diteruskan ke instansi".into(),
            (Status::InProgress, Some(h)) => format!("Diproses oleh {h}"),
            (Status::InProgress, None) => "Diproses".into(),
            (Status::Responded, _) => "Ditindaklanjuti".into(),
            (Status::Closed, _) => "Selesai".into(),
        }
    }

    pub fn label_en(self, holder: Option<&str>) -> String {
        match (self, holder) {
            (Status::Submitted, _) => "Awaiting verification".into(),
            (Status::NeedsInfo, _) => "More information needed".into(),
            (Status::Archived, _) => "Archived".into(),
            (Status::Forwarded, Some(h)) => format!("Forwarded to {h}"),
            (Status::Forwarded, None) => "Forwarded to an agency".into(),
            (Status::InProgress, Some(h)) => format!("Being handled by {h}"),
            (Status::InProgress, None) => "Being handled".into(),
            (Status::Responded, _) => "Answered".into(),
            (Status::Closed, _) => "Resolved".into(),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
