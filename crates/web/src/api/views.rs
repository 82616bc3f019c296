//! What the API answers: reports, timelines and list rows as a viewer may see them.
//! Built from what the service already filtered by access; nothing here decides what
//! is visible.

use aduan_domain::deadline::Deadline;
use aduan_domain::event::Event;
use aduan_domain::ids::OrgId;
use aduan_domain::permission::Action;
use aduan_domain::report::AttachmentMeta;
use aduan_domain::status::Status;
use aduan_domain::time::Timestamp;
use aduan_service::{Reference, ReportView};
use aduan_store::ReportSummary;
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A code with its words in Bahasa Indonesia and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct Labelled {
    pub code: String,
    pub label_id: String,
    pub label_en: String,
}

impl Labelled {
    fn status(status: Status, holder: Option<&str>) -> Self {
        Labelled { code: status.as_str().into(), label_id: status.label_id(holder), label_en: status.label_en(holder) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl OrgRef {
    pub fn of(reference: &Reference, id: OrgId) -> OrgRef {
        match reference.orgs.get(id) {
            Some(o) => OrgRef { id: id.0, code: o.code.clone(), name: o.name.clone() },
            None => OrgRef { id: id.0, code: String::new(), name: String::new() },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
}

fn category(reference: &Reference, id: Option<aduan_domain::ids::CategoryId>) -> Option<CategoryRef> {
    let c = reference.categories.get(id?)?;
    Some(CategoryRef { code: c.code.clone(), name_id: c.name_id.clone(), name_en: c.name_en.clone() })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationOut {
    /// Kemendagri region code, down to desa where known.
    pub region: Option<String>,
    /// The region's name with its parents, e.g. "Sangatta Utara, Kutai Timur, Kalimantan Timur".
    pub region_name: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
}

/// The reporter as this viewer may see them: contact details only for the reporter
/// and for staff allowed to know who they are.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterOut {
    /// "Pelapor", or the name the reporter chose to show.
    pub display_name: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineOut {
    pub clock: Labelled,
    /// `running`, `paused`, `met`, `missed`, `stopped`…
    pub state: String,
    pub holder: OrgRef,
    pub due_at: DateTime<Utc>,
    /// The due moment in the holder's local time, with its offset.
    pub due_local: String,
    pub overdue: bool,
    /// Years counted without holiday data: the date may be too early.
    pub assumed_years: Vec<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentOut {
    pub key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

impl From<&AttachmentMeta> for AttachmentOut {
    fn from(a: &AttachmentMeta) -> Self {
        AttachmentOut {
            key: a.key.clone(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// What happened: `submitted`, `verified`, `answered`, `internal_note`…
    pub kind: String,
    pub from: Option<String>,
    pub to: String,
    /// `public`, `reporter` or `internal`.
    pub visibility: String,
    /// The organisation that acted, if any.
    pub org: Option<OrgRef>,
    /// `reporter`, `screener`, `coordinator`, `officer`, or none for the system.
    pub role: Option<String>,
    /// The event's particulars (text, reason, units, answer kind, attachments…).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl EventOut {
    fn of(reference: &Reference, e: &Event) -> EventOut {
        let details = match serde_json::to_value(&e.kind) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("kind");
                serde_json::Value::Object(map)
            }
            _ => serde_json::Value::Object(Default::default()),
        };
        EventOut {
            seq: e.seq,
            at: e.at,
            kind: e.kind.code().into(),
            from: e.from.map(|s| s.as_str().into()),
            to: e.to.as_str().into(),
            visibility: e.visibility.as_str().into(),
            org: e.actor.org.map(|o| OrgRef::of(reference, o)),
            role: e.actor.role.map(|r| r.as_str().into()),
            details,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionOut {
    /// The `action` to send to `POST /api/v1/reports/{tracking}/actions`.
    pub action: String,
    pub label_id: String,
    pub label_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingOut {
    pub stars: u8,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A report with its timeline, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    pub tracking: String,
    /// Send it back with an action: an action on an older version is refused (409).
    pub version: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub incident_date: Option<NaiveDate>,
    pub status: Labelled,
    pub category: Option<CategoryRef>,
    pub tags: Vec<String>,
    pub location: LocationOut,
    pub channel: String,
    pub anonymous: bool,
    pub confidential: bool,
    pub reporter: ReporterOut,
    pub target_instansi: Option<OrgRef>,
    pub instansi: Option<OrgRef>,
    pub units: Vec<OrgRef>,
    pub attachments: Vec<AttachmentOut>,
    pub support_count: i64,
    pub rating: Option<RatingOut>,
    pub appealed: bool,
    pub ombudsman_flagged_at: Option<DateTime<Utc>>,
    pub submitted_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
    pub forwarded_at: Option<DateTime<Utc>>,
    pub first_answer_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Running and finished clocks (staff and reporter views only).
    pub deadlines: Vec<DeadlineOut>,
    /// What the caller may do now.
    pub actions: Vec<ActionOut>,
    /// `public`, `reporter`, or `staff`.
    pub access: String,
    pub timeline: Vec<EventOut>,
}

impl ReportOut {
    pub fn of(reference: &Reference, view: &ReportView, now: Timestamp) -> ReportOut {
        let r = &view.report;
        let holder = r.instansi.map(|i| reference.orgs.name_of(i).to_string());
        let regions = aduan_reference::regions::regions();
        let staff_or_reporter = !matches!(view.access, aduan_domain::permission::Access::Public);
        ReportOut {
            tracking: r.tracking.as_str().into(),
            version: r.version,
            kind: r.kind.as_str().into(),
            title: r.title.as_str().into(),
            description: r.description.as_str().into(),
            incident_date: r.incident_date,
            status: Labelled::status(r.status, holder.as_deref()),
            category: category(reference, r.category),
            tags: r.tags.clone(),
            location: LocationOut {
                region: r.location.region.as_ref().map(|c| c.as_str().into()),
                region_name: r.location.region.as_ref().map(|c| regions.describe(c)),
                address: r.location.address.clone(),
                lat: r.location.point.map(|p| p.lat),
                long: r.location.point.map(|p| p.lon),
            },
            channel: r.channel.as_str().into(),
            anonymous: r.privacy.anonymous,
            confidential: r.privacy.confidential,
            reporter: ReporterOut {
                display_name: view.reporter_name.clone(),
                name: r.reporter.name.clone(),
                email: r.reporter.email.as_ref().map(|e| e.as_str().into()),
                phone: r.reporter.phone.as_ref().map(|p| p.as_str().into()),
            },
            target_instansi: r.target_instansi.map(|o| OrgRef::of(reference, o)),
            instansi: r.instansi.map(|o| OrgRef::of(reference, o)),
            units: r.units.iter().map(|u| OrgRef::of(reference, u.unit)).collect(),
            attachments: r.attachments.iter().map(AttachmentOut::from).collect(),
            support_count: r.support_count,
            rating: r.rating.as_ref().map(|g| RatingOut {
                stars: g.stars,
                comment: g.comment.as_ref().map(|c| c.as_str().into()),
                at: g.at,
            }),
            appealed: r.appealed,
            ombudsman_flagged_at: r.ombudsman_flagged_at,
            submitted_at: r.submitted_at,
            verified_at: r.verified_at,
            forwarded_at: r.forwarded_at,
            first_answer_at: r.first_answer_at,
            responded_at: r.responded_at,
            closed_at: r.closed_at,
            updated_at: r.updated_at,
            deadlines: if staff_or_reporter {
                r.deadlines.iter().map(|d| deadline(reference, d, now)).collect()
            } else {
                Vec::new()
            },
            actions: view
                .actions
                .iter()
                .map(|a: &Action| ActionOut {
                    action: a.as_str().into(),
                    label_id: a.label_id().into(),
                    label_en: a.label_en().into(),
                })
                .collect(),
            access: match view.access {
                aduan_domain::permission::Access::Public | aduan_domain::permission::Access::None => "public",
                aduan_domain::permission::Access::Reporter => "reporter",
                aduan_domain::permission::Access::Staff { .. } => "staff",
            }
            .into(),
            timeline: view.events.iter().map(|e| EventOut::of(reference, e)).collect(),
        }
    }
}

fn deadline(reference: &Reference, d: &Deadline, now: Timestamp) -> DeadlineOut {
    DeadlineOut {
        clock: Labelled {
            code: d.clock.as_str().into(),
            label_id: d.clock.label_id().into(),
            label_en: d.clock.label_en().into(),
        },
        state: d.state.as_str().into(),
        holder: OrgRef::of(reference, d.holder),
        due_at: d.due_at,
        due_local: d.zone.local(d.due_at).to_rfc3339(),
        overdue: d.is_overdue(now),
        assumed_years: d.assumed_years.clone(),
    }
}

/// A row of a list: no personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryOut {
    pub tracking: String,
    pub kind: String,
    pub title: String,
    pub status: Labelled,
    pub category: Option<CategoryRef>,
    pub region: Option<String>,
    pub instansi: Option<OrgRef>,
    pub channel: String,
    pub confidential: bool,
    pub support_count: i64,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A staff deadline was missed and is still running.
    pub overdue: bool,
    pub ombudsman_flagged: bool,
}

impl SummaryOut {
    pub fn of(reference: &Reference, s: &ReportSummary) -> SummaryOut {
        let holder = s.instansi.map(|i| reference.orgs.name_of(i).to_string());
        SummaryOut {
            tracking: s.tracking.as_str().into(),
            kind: s.kind.as_str().into(),
            title: s.title.clone(),
            status: Labelled::status(s.status, holder.as_deref()),
            category: category(reference, s.category),
            region: s.region.as_ref().map(|r| r.as_str().into()),
            instansi: s.instansi.map(|o| OrgRef::of(reference, o)),
            channel: s.channel.as_str().into(),
            confidential: s.privacy.confidential,
            support_count: s.support_count,
            submitted_at: s.submitted_at,
            updated_at: s.updated_at,
            overdue: s.overdue,
            ombudsman_flagged: s.ombudsman_flagged,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOut {
    pub items: Vec<SummaryOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
