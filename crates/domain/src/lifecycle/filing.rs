//! Filing a new report.

use super::Context;
use super::apply::{event_actor, limits_for, start_clock};
use crate::deadline::{ClockKind, Limit};
use crate::event::{EventKind, NewEvent};
use crate::ids::{CategoryId, OrgId, ReportId};
use crate::org::OrgKind;
use crate::permission::{Actor, Permission};
use crate::refusal::Refusal;
use crate::report::{AttachmentMeta, Channel, Location, Privacy, Report, ReportType, Reporter, parse_nik};
use crate::status::Status;
use crate::text::Text;
use crate::time::Zone;
use crate::tracking::TrackingNumber;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Most attachments a report (or one answer) may carry.
pub const MAX_ATTACHMENTS: usize = 5;

/// What a citizen (or staff on their behalf) submits.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub kind: ReportType,
    pub title: Text,
    pub description: Text,
    pub incident_date: Option<NaiveDate>,
    pub location: Location,
    pub category: Option<CategoryId>,
    pub target_instansi: Option<OrgId>,
    pub channel: Channel,
    pub privacy: Privacy,
    pub reporter: Reporter,
    pub attachments: Vec<AttachmentMeta>,
}

/// A new report and its first event, not yet stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Filing {
    pub report: Report,
    pub events: Vec<NewEvent>,
    /// Messages the filing sends, written with it (the outbox); the service adds them.
    pub messages: Vec<crate::notice::NewMessage>,
    /// What the new report adds to the evaluation cells, written with it.
    pub measures: crate::measures::Cells,
    /// The report's [`crate::org::OrgTree::reach`]: whose lists hold it.
    pub reach: Vec<crate::ids::OrgId>,
}

/// Files a report. `tracking` and `secret_hash` are made by the caller (randomness is
/// not the domain's business).
pub fn file(
    draft: Draft,
    actor: &Actor,
    tracking: TrackingNumber,
    secret_hash: Option<String>,
    ctx: &Context,
) -> Result<Filing, Refusal> {
    let entered_by = match actor {
        Actor::Public | Actor::Citizen(_) => {
            if !draft.channel.is_self_service() {
                return Err(Refusal::invalid(
                    "channel",
                    format!("{} reports are entered by staff", draft.channel.as_str()),
                ));
            }
            None
        }
        Actor::Staff(staff) if staff.role.has(Permission::IntakeOnBehalf) => Some(staff.person),
        Actor::Staff(staff) => {
            return Err(Refusal::RoleNotAllowed { role: staff.role.as_str().into(), action: "file a report".into() });
        }
        Actor::ReportLink(_) | Actor::System => {
            return Err(Refusal::RoleNotAllowed { role: "system".into(), action: "file a report".into() });
        }
    };
    let mut reporter = draft.reporter;
    reporter.name = plain_line("reporter_name", reporter.name, 120)?;
    reporter.public_name = plain_line("public_name", reporter.public_name, 60)?;
    reporter.nik = reporter.nik.map(|n| parse_nik(&n)).transpose().map_err(|m| Refusal::invalid("nik", m))?;
    let mut location = draft.location;
    location.address = plain_line("address", location.address, 300)?;
    if let Actor::Citizen(person) = actor {
        reporter.person = Some(*person);
    }
    if let Some(target) = draft.target_instansi {
        match ctx.orgs.get(target) {
            Some(o) if o.kind == OrgKind::Instansi && o.active => {}
            _ => return Err(Refusal::invalid("target_instansi", "not an active instansi")),
        }
    }
    if let Some(c) = draft.category {
        match ctx.categories.get(c) {
            Some(cat) if cat.active => {}
            _ => return Err(Refusal::invalid("category", "no such category")),
        }
    }
    if let Some(date) = draft.incident_date {
        // The furthest-east zone is the latest "today" anywhere in Indonesia.
        if date > Zone::Wit.local_date(ctx.now) {
            return Err(Refusal::invalid("incident_date", "is in the future"));
        }
    }
    if draft.attachments.len() > MAX_ATTACHMENTS {
        return Err(Refusal::invalid("attachments", format!("at most {MAX_ATTACHMENTS} files")));
    }
    let desk = ctx
        .orgs
        .screening_desk_for(draft.target_instansi)
        .ok_or_else(|| Refusal::rule("this deployment has no screening desk yet"))?;
    let now = ctx.now;
    let mut report = Report {
        id: ReportId::UNSAVED,
        tracking,
        version: 1,
        kind: draft.kind,
        title: draft.title,
        description: draft.description,
        incident_date: draft.incident_date,
        location,
        category: draft.category,
        tags: Vec::new(),
        target_instansi: draft.target_instansi,
        channel: draft.channel,
        privacy: draft.privacy,
        reporter,
        entered_by,
        secret_hash,
        attachments: draft.attachments,
        status: Status::Submitted,
        screening_desk: desk,
        instansi: None,
        units: Vec::new(),
        involved: BTreeSet::from([desk]),
        complexity: None,
        archive_reason: None,
        closure: None,
        support_count: 0,
        rating: None,
        appealed: false,
        ombudsman_flagged_at: None,
        submitted_at: now,
        verified_at: None,
        forwarded_at: None,
        first_answer_at: None,
        responded_at: None,
        closed_at: None,
        updated_at: now,
        deadlines: Vec::new(),
    };
    let limits = limits_for(desk, ctx);
    start_clock(&mut report, ClockKind::Verification, desk, Limit::WorkingDays(limits.verification), now, ctx);
    start_clock(&mut report, ClockKind::Ombudsman, desk, Limit::CalendarDays(limits.ombudsman_calendar_days), now, ctx);
    let event = NewEvent {
        at: now,
        actor: event_actor(actor, &report),
        from: None,
        to: Status::Submitted,
        kind: EventKind::Submitted { channel: draft.channel },
    };
    let measures = crate::measures::contribution(&report, ctx.calendar, ctx.orgs);
    let reach = ctx.orgs.reach(&report.involved);
    Ok(Filing { report, events: vec![event], messages: Vec::new(), measures, reach })
}

/// A short line of free text: trimmed, empty means absent, no control characters.
fn plain_line(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, Refusal> {
    let Some(v) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().any(char::is_control) {
        return Err(Refusal::invalid(field, "contains a control character"));
    }
    if v.chars().count() > max {
        return Err(Refusal::invalid(field, format!("at most {max} characters")));
    }
    Ok(Some(v))
}
