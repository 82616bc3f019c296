//! Notices: who hears about what, and what a message says.
//!
//! A change to a report decides its notices here, with the transition, so that the store
//! writes them in the same transaction as the change (an outbox). What a message says is
//! captured as [`Facts`] when it is written: a report that moves on before the message
//! leaves does not change a message already queued. Facts never hold a reporter's
//! identity, and facts for a reporter never hold what only staff may read.

pub mod decide;

use crate::ids::{MessageId, OrgId, PersonId, ReportId, WebhookId};
use crate::person::Locale;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Who a kind of notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The reporter of the report.
    Reporter,
    /// Staff who hold the report or oversee its desk.
    Staff,
    /// The owner of an account.
    Account,
    /// An integrator's system (a webhook).
    Integration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// To the reporter: the report arrived (tracking number and private link).
    Received,
    /// To the reporter: the screening desk asks for more information.
    InfoRequested,
    /// To the reporter: verified and forwarded to an instansi.
    Forwarded,
    /// To the reporter: an answer was published.
    Answered,
    /// To the reporter: the report closes in 2 working days unless they reply.
    ClosingSoon,
    /// To the reporter: closed, with a link to rate it.
    Closed,
    /// To the reporter: archived, with the reason.
    Archived,
    /// To staff: a report arrived in their queue.
    NewInQueue,
    /// To staff: a deadline falls due within one working day.
    DueSoon,
    /// To staff: a deadline was missed (the holder, and the desk above it).
    DeadlineMissed,
    /// To a coordinator: the day's digest of the instansi's open reports.
    Digest,
    /// To an account: confirm the e-mail address.
    VerifyEmail,
    /// To an account: choose a new password.
    ResetPassword,
    /// To an integrator: an event on a report of the organisation.
    Webhook,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 14] = [
        NoticeKind::Received,
        NoticeKind::InfoRequested,
        NoticeKind::Forwarded,
        NoticeKind::Answered,
        NoticeKind::ClosingSoon,
        NoticeKind::Closed,
        NoticeKind::Archived,
        NoticeKind::NewInQueue,
        NoticeKind::DueSoon,
        NoticeKind::DeadlineMissed,
        NoticeKind::Digest,
        NoticeKind::VerifyEmail,
        NoticeKind::ResetPassword,
        NoticeKind::Webhook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Received => "received",
            NoticeKind::InfoRequested => "info_requested",
            NoticeKind::Forwarded => "forwarded",
            NoticeKind::Answered => "answered",
            NoticeKind::ClosingSoon => "closing_soon",
            NoticeKind::Closed => "closed",
            NoticeKind::Archived => "archived",
            NoticeKind::NewInQueue => "new_in_queue",
            NoticeKind::DueSoon => "due_soon",
            NoticeKind::DeadlineMissed => "deadline_missed",
            NoticeKind::Digest => "digest",
            NoticeKind::VerifyEmail => "verify_email",
            NoticeKind::ResetPassword => "reset_password",
            NoticeKind::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn audience(self) -> Audience {
        match self {
            NoticeKind::Received
            | NoticeKind::InfoRequested
            | NoticeKind::Forwarded
            | NoticeKind::Answered
            | NoticeKind::ClosingSoon
            | NoticeKind::Closed
            | NoticeKind::Archived => Audience::Reporter,
            NoticeKind::NewInQueue | NoticeKind::DueSoon | NoticeKind::DeadlineMissed | NoticeKind::Digest => {
                Audience::Staff
            }
            NoticeKind::VerifyEmail | NoticeKind::ResetPassword => Audience::Account,
            NoticeKind::Webhook => Audience::Integration,
        }
    }

    /// Essential notices cannot be turned off (an account cannot be recovered without
    /// them); every other one can, and its mail carries a one-click unsubscribe.
    pub fn essential(self) -> bool {
        matches!(self, NoticeKind::VerifyEmail | NoticeKind::ResetPassword | NoticeKind::Webhook)
    }

    /// The kinds a person may turn on and off, in the order a settings page lists them.
    pub fn optional() -> impl Iterator<Item = NoticeKind> {
        NoticeKind::ALL.into_iter().filter(|k| !k.essential())
    }

    pub fn label_id(self) -> &'static str {
        match self {
            NoticeKind::Received => "Laporan diterima",
            NoticeKind::InfoRequested => "Permintaan informasi tambahan",
            NoticeKind::Forwarded => "Laporan diverifikasi dan diteruskan",
            NoticeKind::Answered => "Tindak lanjut diterbitkan",
            NoticeKind::ClosingSoon => "Laporan akan ditutup",
            NoticeKind::Closed => "Laporan selesai",
            NoticeKind::Archived => "Laporan diarsipkan",
            NoticeKind::NewInQueue => "Laporan baru di antrian",
            NoticeKind::DueSoon => "Batas waktu segera tiba",
            NoticeKind::DeadlineMissed => "Batas waktu terlewati",
            NoticeKind::Digest => "Ringkasan harian",
            NoticeKind::VerifyEmail => "Verifikasi alamat e-mail",
            NoticeKind::ResetPassword => "Atur ulang kata sandi",
            NoticeKind::Webhook => "Webhook",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            NoticeKind::Received => "Report received",
            NoticeKind::InfoRequested => "More information requested",
            NoticeKind::Forwarded => "Report verified and forwarded",
            NoticeKind::Answered => "Follow-up published",
            NoticeKind::ClosingSoon => "Report about to close",
            NoticeKind::Closed => "Report completed",
            NoticeKind::Archived => "Report archived",
            NoticeKind::NewInQueue => "New report in the queue",
            NoticeKind::DueSoon => "Deadline coming up",
            NoticeKind::DeadlineMissed => "Deadline missed",
            NoticeKind::Digest => "Daily digest",
            NoticeKind::VerifyEmail => "Confirm e-mail address",
            NoticeKind::ResetPassword => "Reset password",
            NoticeKind::Webhook => "Webhook",
        }
    }
}

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    Email,
    /// SMS or WhatsApp, through the configured HTTP gateway.
    Sms,
    Webhook,
}

impl Medium {
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Email => "email",
            Medium::Sms => "sms",
            Medium::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Medium::Email),
            "sms" => Some(Medium::Sms),
            "webhook" => Some(Medium::Webhook),
            _ => None,
        }
    }
}

/// One line of a coordinator's digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestItem {
    pub tracking: String,
    pub title: String,
    /// The status code (`submitted`, `in_progress`, …).
    pub status: String,
    /// The running deadline, in the organisation's local time, already formatted.
    pub due: Option<String>,
    pub overdue: bool,
}

/// What a message says, captured when it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub tracking: Option<String>,
    pub title: Option<String>,
    /// The report's status code after the change.
    pub status: Option<String>,
    /// The organisation concerned: where the report went, who answered, whose queue.
    pub org: Option<String>,
    /// The question asked, the answer published, the reason given.
    pub text: Option<String>,
    /// A deadline or closing date in the organisation's local time, already formatted.
    pub due: Option<String>,
    /// A path on the site (private link, rating, verification, reset), without the host.
    pub link: Option<String>,
    /// For a webhook: the event's code (`submitted`, `answered`, …).
    pub event: Option<String>,
    /// For a webhook: when the event happened.
    pub at: Option<Timestamp>,
    /// For a digest.
    pub items: Vec<DigestItem>,
}

/// A message to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    pub kind: NoticeKind,
    pub medium: Medium,
    /// An e-mail address, a phone number or a webhook URL.
    pub address: String,
    pub locale: Locale,
    /// The person it is for, when they have an account.
    pub person: Option<PersonId>,
    /// The report it is about. In a filing the store sets it to the new report's id.
    pub report: Option<ReportId>,
    pub webhook: Option<WebhookId>,
    pub facts: Facts,
    /// A message with a key already in the outbox is not written again (a reminder, a
    /// digest: at most one per report, clock and day).
    pub dedupe_key: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting to be sent, or to be retried.
    Pending,
    Sent,
    /// Given up after the attempt limit; a system admin may send it again.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(DeliveryState::Pending),
            "sent" => Some(DeliveryState::Sent),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// A message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub message: NewMessage,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub last_error: Option<String>,
    /// What the receiver answered (a webhook's status and body, an SMTP reply).
    pub response: Option<String>,
}

/// A URL an organisation's admin registered to hear about its reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: WebhookId,
    pub org: OrgId,
    pub url: String,
    /// Event codes wanted (`submitted`, `answered`, …); empty means all.
    pub events: Vec<String>,
    /// The key that signs deliveries (HMAC-SHA256), shown to the admin once.
    pub secret: String,
    pub active: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub org: OrgId,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
}

impl Webhook {
    pub fn wants(&self, event: &str) -> bool {
        self.active && (self.events.is_empty() || self.events.iter().any(|e| e == event))
    }
}

/// What a single-use account token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "verify_email" => Some(TokenPurpose::VerifyEmail),
            "reset_password" => Some(TokenPurpose::ResetPassword),
            _ => None,
        }
    }
}

/// A single-use, expiring token mailed to an account. Only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccountToken {
    pub hash: String,
    pub person: PersonId,
    pub purpose: TokenPurpose,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Whose notice preferences a row holds: an account, or an address without one (a
/// reporter who filed without an account and unsubscribed from a mail). An address is
/// kept as its SHA-256, so that neither the preferences nor an unsubscribe link (which
/// carries the subject) hold it.
pub fn subject_of(person: Option<PersonId>, address: &str) -> String {
    use sha2::{Digest, Sha256};
    match person {
        Some(p) => format!("person:{p}"),
        None => {
            let digest = Sha256::digest(address.trim().to_lowercase().as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("address:{hex}")
        }
    }
}

/// The event codes a webhook may ask for (those of [`crate::event::EventKind::code`]).
pub const WEBHOOK_EVENTS: [&str; 20] = [
    "submitted",
    "edited",
    "verified",
    "info_requested",
    "info_provided",
    "archived",
    "restored",
    "returned_not_authority",
    "disposed",
    "handed_back",
    "answered",
    "reporter_replied",
    "accepted",
    "auto_closed",
    "closed_outside",
    "rated",
    "appealed",
    "internal_note",
    "deadline_missed",
    "ombudsman_flagged",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_subject_holds_no_address_and_ignores_case() {
        let s = subject_of(None, " Siti@Example.id ");
        assert!(!s.contains("siti") && !s.contains("example"), "{s}");
        assert_eq!(s, subject_of(None, "siti@example.id"));
        assert_eq!(subject_of(Some(PersonId(7)), "siti@example.id"), "person:7");
    }

    #[test]
    fn webhook_events_are_the_event_codes() {
        use crate::event::EventKind;
        let codes = [EventKind::Accepted.code(), EventKind::AutoClosed.code(), EventKind::OmbudsmanFlagged.code()];
        assert!(codes.iter().all(|c| WEBHOOK_EVENTS.contains(c)));
        let mut sorted = WEBHOOK_EVENTS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), WEBHOOK_EVENTS.len());
    }

    #[test]
    fn every_kind_parses_back() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        assert!(NoticeKind::optional().all(|k| !k.essential()));
    }
}
