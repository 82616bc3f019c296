//! A report (docs/DOMAIN.md §3) and the values it is made of.

use crate::deadline::{ClockKind, Deadline};
use crate::ids::{CategoryId, OrgId, PersonId, ReportId};
use crate::person::{Email, Phone};
use crate::region::RegionCode;
use crate::sla::Complexity;
use crate::status::Status;
use crate::text::Text;
use crate::time::{Timestamp, Zone};
use crate::tracking::TrackingNumber;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportType {
    /// Something went wrong.
    Pengaduan,
    /// A suggestion.
    Aspirasi,
    /// A question.
    PermintaanInformasi,
}

impl ReportType {
    pub const ALL: [ReportType; 3] = [ReportType::Pengaduan, ReportType::Aspirasi, ReportType::PermintaanInformasi];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportType::Pengaduan => "pengaduan",
            ReportType::Aspirasi => "aspirasi",
            ReportType::PermintaanInformasi => "permintaan_informasi",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ReportType::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    pub fn label_id(self) -> &'static str {
        match self {
            ReportType::Pengaduan => "Pengaduan",
            ReportType::Aspirasi => "Aspirasi",
            ReportType::PermintaanInformasi => "Permintaan informasi",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportType::Pengaduan => "Complaint",
            ReportType::Aspirasi => "Suggestion",
            ReportType::PermintaanInformasi => "Information request",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Api,
    Open311,
    Sms,
    Whatsapp,
    Email,
    Social,
    WalkIn,
    Letter,
    Phone,
}

impl Channel {
    pub const ALL: [Channel; 10] = [
        Channel::Web,
        Channel::Api,
        Channel::Open311,
        Channel::Sms,
        Channel::Whatsapp,
        Channel::Email,
        Channel::Social,
        Channel::WalkIn,
        Channel::Letter,
        Channel::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Open311 => "open311",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
            Channel::Social => "social",
            Channel::WalkIn => "walk_in",
            Channel::Letter => "letter",
            Channel::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().replace('-', "_");
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Channels a citizen uses directly; the others are entered by staff on their behalf.
    pub fn is_self_service(self) -> bool {
        matches!(self, Channel::Web | Channel::Api | Channel::Open311)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Privacy {
    /// The reporter's identity is hidden from everyone but the screeners.
    pub anonymous: bool,
    /// The report is never public.
    pub confidential: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Accepts points in and around Indonesia only; anything else is a typo or a swap.
    pub fn parse(lat: f64, lon: f64) -> Result<Self, String> {
        let inside = (-12.0..=7.0).contains(&lat) && (94.0..=142.0).contains(&lon);
        if !inside {
            return Err(format!("({lat}, {lon}) is not a point in Indonesia"));
        }
        Ok(Self { lat, lon })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Down to desa/kelurahan where known.
    pub region: Option<RegionCode>,
    pub address: Option<String>,
    pub point: Option<GeoPoint>,
}

/// Who filed the report. Everything here is personal data (docs/DOMAIN.md §9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    pub person: Option<PersonId>,
    pub name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    /// Nomor Induk Kependudukan, 16 digits, when the reporter gave it.
    pub nik: Option<String>,
    /// A name the reporter chose to show publicly instead of "Pelapor".
    pub public_name: Option<String>,
}

impl Reporter {
    pub fn is_empty(&self) -> bool {
        self.person.is_none()
            && self.name.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.nik.is_none()
    }
}

/// Checks a NIK: 16 digits.
pub fn parse_nik(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err("NIK must be 16 digits".into())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// Where the bytes live in the attachment store.
    pub key: String,
    pub file_name: String,
    /// Detected from the content, never taken from the name.
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// The report stays in progress.
    Progress,
    /// The unit's (or the instansi's) last word on it.
    Final,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAssignment {
    pub unit: OrgId,
    pub assigned_at: Timestamp,
    /// Set when the unit publishes its final answer; cleared when the report reopens.
    pub final_answer_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum ArchiveReason {
    Spam,
    Incomplete,
    OutOfScope,
    Duplicate {
        of: ReportId,
    },
    /// The reporter did not answer a request for information in time.
    NoReply,
}

impl ArchiveReason {
    pub fn code(&self) -> &'static str {
        match self {
            ArchiveReason::Spam => "spam",
            ArchiveReason::Incomplete => "incomplete",
            ArchiveReason::OutOfScope => "out_of_scope",
            ArchiveReason::Duplicate { .. } => "duplicate",
            ArchiveReason::NoReply => "no_reply",
        }
    }

    pub fn label_id(&self) -> &'static str {
        match self {
            ArchiveReason::Spam => "Spam",
            ArchiveReason::Incomplete => "Tidak lengkap",
            ArchiveReason::OutOfScope => "Di luar kewenangan pelayanan publik",
            ArchiveReason::Duplicate { .. } => "Duplikat laporan lain",
            ArchiveReason::NoReply => "Tidak ada tanggapan pelapor",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub stars: u8,
    pub comment: Option<Text>,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "how")]
pub enum Closure {
    /// The reporter accepted the answer.
    Accepted,
    /// No reply within the auto-close limit ("Selesai otomatis").
    Auto,
    /// The coordinator closed it, answered outside the system.
    Outside { reason: Text },
}

impl Closure {
    pub fn code(&self) -> &'static str {
        match self {
            Closure::Accepted => "accepted",
            Closure::Auto => "auto",
            Closure::Outside { .. } => "outside",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: ReportId,
    pub tracking: TrackingNumber,
    /// Optimistic concurrency: every stored change increments it.
    pub version: i64,
    pub kind: ReportType,
    pub title: Text,
    pub description: Text,
    pub incident_date: Option<NaiveDate>,
    pub location: Location,
    pub category: Option<CategoryId>,
    pub tags: Vec<String>,
    /// The instansi the reporter addressed, if any (a suggestion for the screener).
    pub target_instansi: Option<OrgId>,
    pub channel: Channel,
    pub privacy: Privacy,
    pub reporter: Reporter,
    /// The staff member who entered an off-line report on the citizen's behalf.
    pub entered_by: Option<PersonId>,
    /// Hash of the private follow-up link's secret.
    pub secret_hash: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
    pub status: Status,
    /// The desk that screens it: national, or an instansi that screens its own reports.
    pub screening_desk: OrgId,
    pub instansi: Option<OrgId>,
    pub units: Vec<UnitAssignment>,
    /// Every organisation that has held the report; staff of these see it (§2).
    pub involved: BTreeSet<OrgId>,
    pub complexity: Option<Complexity>,
    pub archive_reason: Option<ArchiveReason>,
    pub closure: Option<Closure>,
    pub support_count: i64,
    pub rating: Option<Rating>,
    pub appealed: bool,
    pub ombudsman_flagged_at: Option<Timestamp>,
    pub submitted_at: Timestamp,
    /// First verification (kept when the report is re-routed, for the measures).
    pub verified_at: Option<Timestamp>,
    pub forwarded_at: Option<Timestamp>,
    pub first_answer_at: Option<Timestamp>,
    pub responded_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub deadlines: Vec<Deadline>,
}

impl Report {
    /// Shown to the public: verified, not archived, not confidential.
    pub fn is_public(&self) -> bool {
        !self.privacy.confidential && self.status.is_verified()
    }

    pub fn active_clock(&self, clock: ClockKind) -> Option<&Deadline> {
        self.deadlines.iter().rev().find(|d| d.clock == clock && d.state.is_active())
    }

    pub(crate) fn active_clock_mut(&mut self, clock: ClockKind) -> Option<&mut Deadline> {
        self.deadlines.iter_mut().rev().find(|d| d.clock == clock && d.state.is_active())
    }

    pub(crate) fn next_clock_seq(&self) -> u32 {
        self.deadlines.iter().map(|d| d.seq + 1).max().unwrap_or(0)
    }

    /// The organisation that must act now.
    pub fn holders(&self) -> Vec<OrgId> {
        match self.status {
            Status::Submitted | Status::NeedsInfo | Status::Archived => vec![self.screening_desk],
            Status::Forwarded | Status::Responded | Status::Closed => self.instansi.into_iter().collect(),
            Status::InProgress => {
                let pending: Vec<OrgId> =
                    self.units.iter().filter(|u| u.final_answer_at.is_none()).map(|u| u.unit).collect();
                if pending.is_empty() { self.instansi.into_iter().collect() } else { pending }
            }
        }
    }

    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.deadlines.iter().any(|d| d.clock.is_staff_sla() && d.is_overdue(now))
    }

    /// What a staff queue is ordered by: the earliest running verification or follow-up
    /// deadline, with the zone it counts in. The completion clock runs for weeks beside
    /// them and does not order a day's work.
    pub fn queue_due(&self) -> Option<(Timestamp, Zone)> {
        self.deadlines
            .iter()
            .filter(|d| matches!(d.clock, ClockKind::Verification | ClockKind::FollowUp) && d.is_running())
            .min_by_key(|d| d.due_at)
            .map(|d| (d.due_at, d.zone))
    }

    /// Whether a staff clock still running was marked overdue by the scheduler: what the
    /// lists' "overdue" filter and badge show ([`Report::is_overdue`] asks the clocks).
    pub fn marked_overdue(&self) -> bool {
        self.deadlines.iter().any(|d| d.clock.is_staff_sla() && d.is_running() && d.overdue_at.is_some())
    }
}
