//! The timeline (docs/DOMAIN.md §5): append-only, each event with its visibility.

use crate::deadline::ClockKind;
use crate::ids::{CategoryId, OrgId, PersonId, ReportId};
use crate::person::Role;
use crate::report::{AnswerKind, ArchiveReason, AttachmentMeta, Channel, Privacy, ReportType};
use crate::sla::Complexity;
use crate::status::Status;
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Staff only.
    Internal,
    /// The reporter and staff.
    Reporter,
    /// Anyone, on the public page of a public report.
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Internal => "internal",
            Visibility::Reporter => "reporter",
            Visibility::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "internal" => Some(Visibility::Internal),
            "reporter" => Some(Visibility::Reporter),
            "public" => Some(Visibility::Public),
            _ => None,
        }
    }
}

/// Who acted. `None` everywhere means the system (a scheduled job).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventActor {
    pub person: Option<PersonId>,
    pub org: Option<OrgId>,
    pub role: Option<Role>,
}

impl EventActor {
    pub const SYSTEM: EventActor = EventActor { person: None, org: None, role: None };

    pub fn is_system(&self) -> bool {
        self.person.is_none() && self.role.is_none()
    }
}

/// One changed field, with the value before and after (as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum EventKind {
    Submitted {
        channel: Channel,
    },
    /// The screener changed what the reporter wrote or how it is classified. Internal: the
    /// old values may hold personal data the screener removed.
    Edited {
        changes: Vec<FieldChange>,
    },
    Verified {
        instansi: OrgId,
        kind: ReportType,
        category: Option<CategoryId>,
        privacy: Privacy,
        complexity: Option<Complexity>,
    },
    InfoRequested {
        question: Text,
    },
    InfoProvided {
        text: Text,
        attachments: Vec<AttachmentMeta>,
    },
    Archived {
        reason: ArchiveReason,
        note: Option<Text>,
    },
    Restored {
        note: Option<Text>,
    },
    ReturnedNotAuthority {
        instansi: OrgId,
        reason: Text,
    },
    Disposed {
        units: Vec<OrgId>,
        reassigned: bool,
        note: Option<Text>,
    },
    HandedBack {
        unit: OrgId,
        reason: Text,
    },
    Answered {
        /// The unit, or the instansi when its coordinator answers for all of it.
        by: OrgId,
        answer: AnswerKind,
        text: Text,
        attachments: Vec<AttachmentMeta>,
    },
    /// The reporter wrote: a reply to an answer (which reopens the report) or a comment.
    ReporterReplied {
        text: Text,
        attachments: Vec<AttachmentMeta>,
        reopened: bool,
    },
    Accepted,
    AutoClosed,
    ClosedOutside {
        reason: Text,
    },
    Rated {
        stars: u8,
        comment: Option<Text>,
    },
    Appealed {
        reason: Text,
    },
    InternalNote {
        text: Text,
    },
    DeadlineMissed {
        clock: ClockKind,
        due_at: Timestamp,
    },
    OmbudsmanFlagged,
}

impl EventKind {
    /// Each kind has one visibility, decided here and nowhere else.
    pub fn visibility(&self) -> Visibility {
        use EventKind::*;
        match self {
            Submitted { .. }
            | Verified { .. }
            | Disposed { .. }
            | Answered { .. }
            | Accepted
            | AutoClosed
            | ClosedOutside { .. }
            | Rated { .. }
            | Appealed { .. } => Visibility::Public,
            InfoRequested { .. } | InfoProvided { .. } | Archived { .. } | Restored { .. } | ReporterReplied { .. } => {
                Visibility::Reporter
            }
            Edited { .. }
            | ReturnedNotAuthority { .. }
            | HandedBack { .. }
            | InternalNote { .. }
            | DeadlineMissed { .. }
            | OmbudsmanFlagged => Visibility::Internal,
        }
    }

    pub fn code(&self) -> &'static str {
        use EventKind::*;
        match self {
            Submitted { .. } => "submitted",
            Edited { .. } => "edited",
            Verified { .. } => "verified",
            InfoRequested { .. } => "info_requested",
            InfoProvided { .. } => "info_provided",
            Archived { .. } => "archived",
            Restored { .. } => "restored",
            ReturnedNotAuthority { .. } => "returned_not_authority",
            Disposed { .. } => "disposed",
            HandedBack { .. } => "handed_back",
            Answered { .. } => "answered",
            ReporterReplied { .. } => "reporter_replied",
            Accepted => "accepted",
            AutoClosed => "auto_closed",
            ClosedOutside { .. } => "closed_outside",
            Rated { .. } => "rated",
            Appealed { .. } => "appealed",
            InternalNote { .. } => "internal_note",
            DeadlineMissed { .. } => "deadline_missed",
            OmbudsmanFlagged => "ombudsman_flagged",
        }
    }
}

impl EventKind {
    /// Files attached by this event (an answer, a reply, information provided).
    pub fn attachments(&self) -> &[AttachmentMeta] {
        match self {
            EventKind::InfoProvided { attachments, .. }
            | EventKind::Answered { attachments, .. }
            | EventKind::ReporterReplied { attachments, .. } => attachments,
            _ => &[],
        }
    }
}

/// An event not yet stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    pub at: Timestamp,
    pub actor: EventActor,
    pub from: Option<Status>,
    pub to: Status,
    pub kind: EventKind,
}

impl NewEvent {
    pub fn visibility(&self) -> Visibility {
        self.kind.visibility()
    }

    /// The event as stored at position `seq` of the report's timeline.
    pub fn stored(self, report: ReportId, seq: i64) -> Event {
        let visibility = self.visibility();
        Event { report, seq, at: self.at, actor: self.actor, from: self.from, to: self.to, kind: self.kind, visibility }
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub report: ReportId,
    /// Position in the report's timeline, from 1.
    pub seq: i64,
    pub at: Timestamp,
    pub actor: EventActor,
    pub from: Option<Status>,
    pub to: Status,
    pub kind: EventKind,
    pub visibility: Visibility,
}

impl Event {
    pub fn attachments(&self) -> &[AttachmentMeta] {
        self.kind.attachments()
    }
}
