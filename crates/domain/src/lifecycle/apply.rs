//! What each action changes. Called by [`super::decide`] after role, scope and status
//! were checked; checks the action's input and writes the new state.

use super::{Command, Context, Verification};
use crate::deadline::{ClockKind, Deadline, Limit};
use crate::event::{EventActor, EventKind, FieldChange, NewEvent};
use crate::ids::OrgId;
use crate::org::OrgKind;
use crate::permission::{Action, Actor};
use crate::person::Role;
use crate::refusal::Refusal;
use crate::report::{AnswerKind, ArchiveReason, AttachmentMeta, Closure, Rating, Report, UnitAssignment};
use crate::sla::Limits;
use crate::status::Status;
use crate::text::Text;
use crate::time::Timestamp;

use super::filing::MAX_ATTACHMENTS;

/// Most units one report can be given to at once.
const MAX_UNITS: usize = 20;
const MAX_TAGS: usize = 10;

pub(crate) fn event_actor(actor: &Actor, report: &Report) -> EventActor {
    match actor {
        Actor::Staff(s) => EventActor { person: Some(s.person), org: Some(s.org), role: Some(s.role) },
        Actor::Citizen(p) => EventActor { person: Some(*p), org: None, role: Some(Role::Reporter) },
        Actor::ReportLink(_) | Actor::Public => {
            EventActor { person: report.reporter.person, org: None, role: Some(Role::Reporter) }
        }
        Actor::System => EventActor::SYSTEM,
    }
}

/// The limits that apply to a clock held by `org` (its instansi's overrides, if any).
pub(crate) fn limits_for<'a>(org: OrgId, ctx: &Context<'a>) -> &'a Limits {
    ctx.sla.limits_for(ctx.orgs.instansi_of(org).map(|o| o.id))
}

pub(crate) fn start_clock(
    report: &mut Report,
    clock: ClockKind,
    holder: OrgId,
    limit: Limit,
    started_at: Timestamp,
    ctx: &Context,
) {
    let seq = report.next_clock_seq();
    let zone = ctx.orgs.zone_of(holder);
    report.deadlines.push(Deadline::start(seq, clock, holder, zone, limit, started_at, ctx.calendar));
}

fn stop_clock(report: &mut Report, clock: ClockKind, at: Timestamp) {
    if let Some(d) = report.active_clock_mut(clock) {
        d.stop(at);
    }
}

fn cancel_clock(report: &mut Report, clock: ClockKind, at: Timestamp) {
    if let Some(d) = report.active_clock_mut(clock) {
        d.cancel(at);
    }
}

fn expire_clock(report: &mut Report, clock: ClockKind, at: Timestamp) {
    if let Some(d) = report.active_clock_mut(clock) {
        d.expire(at);
    }
}

fn clock_overdue(report: &Report, clock: ClockKind, now: Timestamp) -> bool {
    report.active_clock(clock).is_some_and(|d| d.is_overdue(now))
}

/// Rules of an action beyond role, scope and status.
pub(crate) fn precondition(report: &Report, action: Action, ctx: &Context) -> Result<(), Refusal> {
    let now = ctx.now;
    match action {
        Action::Rate if report.rating.is_some() => Err(Refusal::rule("this report has already been rated")),
        Action::Appeal => {
            if report.appealed {
                return Err(Refusal::rule("a report can be appealed only once"));
            }
            match &report.rating {
                Some(r) if r.stars <= 2 => {}
                Some(_) => return Err(Refusal::rule("an appeal follows a rating of 1 or 2")),
                None => return Err(Refusal::rule("rate the answer (1 or 2) before appealing")),
            }
            let days = i64::from(limits_for(report.screening_desk, ctx).appeal_calendar_days);
            match report.closed_at {
                Some(closed) if now <= closed + chrono::Duration::days(days) => Ok(()),
                _ => Err(Refusal::rule(format!("the {days} days for an appeal have passed"))),
            }
        }
        Action::AutoClose if !clock_overdue(report, ClockKind::AutoClose, now) => {
            Err(Refusal::rule("the reporter still has time to reply"))
        }
        Action::ExpireInfoRequest if !clock_overdue(report, ClockKind::InfoExpiry, now) => {
            Err(Refusal::rule("the reporter still has time to answer"))
        }
        Action::FlagOmbudsman => {
            if report.ombudsman_flagged_at.is_some() {
                Err(Refusal::rule("already flagged"))
            } else if !clock_overdue(report, ClockKind::Ombudsman, now) {
                Err(Refusal::rule("not yet 60 days old"))
            } else {
                Ok(())
            }
        }
        Action::MarkOverdue
            if !report
                .deadlines
                .iter()
                .any(|d| d.clock.is_staff_sla() && d.overdue_at.is_none() && d.is_overdue(now)) =>
        {
            Err(Refusal::rule("no deadline is overdue"))
        }
        _ => Ok(()),
    }
}

pub(crate) fn check_overdue_seq(report: &Report, seq: u32, ctx: &Context) -> Result<(), Refusal> {
    match report.deadlines.iter().find(|d| d.seq == seq) {
        Some(d) if d.clock.is_staff_sla() && d.overdue_at.is_none() && d.is_overdue(ctx.now) => Ok(()),
        Some(_) => Err(Refusal::rule("that deadline is not overdue")),
        None => Err(Refusal::invalid("seq", "no such deadline")),
    }
}

struct Out<'c> {
    events: Vec<NewEvent>,
    actor: EventActor,
    now: Timestamp,
    ctx: &'c Context<'c>,
}

impl Out<'_> {
    fn push(&mut self, from: Status, to: Status, kind: EventKind) {
        self.events.push(NewEvent { at: self.now, actor: self.actor, from: Some(from), to, kind });
    }
}

pub(crate) fn apply(r: &mut Report, actor: &Actor, command: Command, ctx: &Context) -> Result<Vec<NewEvent>, Refusal> {
    let from = r.status;
    let mut out = Out { events: Vec::new(), actor: event_actor(actor, r), now: ctx.now, ctx };
    match command {
        Command::Verify(v) => verify(r, v, &mut out)?,
        Command::RequestInfo { question } => {
            r.status = Status::NeedsInfo;
            let now = out.now;
            if let Some(d) = r.active_clock_mut(ClockKind::Verification) {
                d.pause(now);
            }
            let limit = Limit::WorkingDays(limits_for(r.screening_desk, ctx).info_expiry);
            start_clock(r, ClockKind::InfoExpiry, r.screening_desk, limit, now, ctx);
            out.push(from, r.status, EventKind::InfoRequested { question });
        }
        Command::Archive { reason, note } => {
            if reason == (ArchiveReason::Duplicate { of: r.id }) {
                return Err(Refusal::invalid("duplicate_of", "a report cannot duplicate itself"));
            }
            archive(r, reason, note, &mut out, from);
        }
        Command::Restore { note } => {
            r.status = Status::Submitted;
            r.archive_reason = None;
            let limits = limits_for(r.screening_desk, ctx);
            let (desk, now) = (r.screening_desk, out.now);
            start_clock(r, ClockKind::Verification, desk, Limit::WorkingDays(limits.verification), now, ctx);
            restart_ombudsman_clock(r, desk, ctx);
            out.push(from, r.status, EventKind::Restored { note });
        }
        Command::ReturnNotAuthority { reason } => {
            let instansi = r.instansi.ok_or_else(|| Refusal::rule("the report has no instansi"))?;
            let now = out.now;
            r.status = Status::Submitted;
            r.instansi = None;
            r.units.clear();
            if r.screening_desk == instansi {
                // It screened the report itself and now says it is not its authority: the
                // national desk routes it again.
                if let Some(national) = ctx.orgs.national() {
                    r.screening_desk = national.id;
                }
            }
            r.involved.insert(r.screening_desk);
            cancel_clock(r, ClockKind::FollowUp, now);
            cancel_clock(r, ClockKind::Completion, now);
            let limit = Limit::WorkingDays(limits_for(r.screening_desk, ctx).verification);
            start_clock(r, ClockKind::Verification, r.screening_desk, limit, now, ctx);
            out.push(from, r.status, EventKind::ReturnedNotAuthority { instansi, reason });
        }
        Command::Dispose { units, note } => dispose(r, units, note, &mut out, from)?,
        Command::HandBack { unit, reason } => {
            let unit = pick_unit(r, actor, unit, ctx)?;
            r.units.retain(|u| u.unit != unit);
            if r.units.is_empty() {
                r.status = Status::Forwarded;
            }
            out.push(from, r.status, EventKind::HandedBack { unit, reason });
            settle_units(r, &mut out);
        }
        Command::Respond { unit, answer, text, attachments } => {
            check_attachments(&attachments)?;
            let by = match actor {
                Actor::Staff(s) if s.role == Role::Officer => pick_unit(r, actor, unit, ctx)?,
                _ => r.instansi.ok_or_else(|| Refusal::rule("the report has no instansi"))?,
            };
            let now = out.now;
            stop_clock(r, ClockKind::FollowUp, now);
            r.first_answer_at.get_or_insert(now);
            let for_all = Some(by) == r.instansi;
            if answer == AnswerKind::Final
                && let Some(u) = r.units.iter_mut().find(|u| u.unit == by)
            {
                u.final_answer_at = Some(now);
            }
            let to = if answer == AnswerKind::Final && for_all { Status::Responded } else { r.status };
            out.push(from, to, EventKind::Answered { by, answer, text, attachments });
            if to == Status::Responded {
                enter_responded(r, &mut out);
            } else {
                settle_units(r, &mut out);
            }
        }
        Command::InternalNote { text } => out.push(from, from, EventKind::InternalNote { text }),
        Command::CloseOutside { reason } => {
            let now = out.now;
            stop_clock(r, ClockKind::FollowUp, now);
            r.first_answer_at.get_or_insert(now);
            close(r, Closure::Outside { reason: reason.clone() }, now);
            out.push(from, r.status, EventKind::ClosedOutside { reason });
        }
        Command::Reply { text, attachments } => reply(r, text, attachments, &mut out, from)?,
        Command::Accept => {
            let now = out.now;
            stop_clock(r, ClockKind::AutoClose, now);
            close(r, Closure::Accepted, now);
            out.push(from, r.status, EventKind::Accepted);
        }
        Command::Rate { stars, comment } => {
            if !(1..=5).contains(&stars) {
                return Err(Refusal::invalid("stars", "a rating is 1 to 5 stars"));
            }
            r.rating = Some(Rating { stars, comment: comment.clone(), at: out.now });
            out.push(from, from, EventKind::Rated { stars, comment });
        }
        Command::Appeal { reason } => {
            r.appealed = true;
            r.rating = None;
            reopen(r, &mut out);
            out.push(from, r.status, EventKind::Appealed { reason });
        }
        Command::AutoClose => {
            let now = out.now;
            expire_clock(r, ClockKind::AutoClose, now);
            close(r, Closure::Auto, now);
            out.push(from, r.status, EventKind::AutoClosed);
        }
        Command::ExpireInfoRequest => {
            expire_clock(r, ClockKind::InfoExpiry, out.now);
            archive(r, ArchiveReason::NoReply, None, &mut out, from);
        }
        Command::MarkOverdue { seq } => {
            let now = out.now;
            let d = r
                .deadlines
                .iter_mut()
                .find(|d| d.seq == seq)
                .ok_or_else(|| Refusal::invalid("seq", "no such deadline"))?;
            d.overdue_at = Some(now);
            let (clock, due_at) = (d.clock, d.due_at);
            out.push(from, from, EventKind::DeadlineMissed { clock, due_at });
        }
        Command::FlagOmbudsman => {
            let now = out.now;
            r.ombudsman_flagged_at = Some(now);
            if let Some(d) = r.active_clock_mut(ClockKind::Ombudsman) {
                d.overdue_at = Some(now);
            }
            out.push(from, from, EventKind::OmbudsmanFlagged);
        }
    }
    Ok(out.events)
}

fn verify(r: &mut Report, v: Verification, out: &mut Out) -> Result<(), Refusal> {
    let ctx = out.ctx;
    let from = r.status;
    let instansi = v.instansi.ok_or_else(|| Refusal::invalid("instansi", "choose the instansi to forward to"))?;
    match ctx.orgs.get(instansi) {
        Some(o) if o.kind == OrgKind::Instansi && o.active => {}
        _ => return Err(Refusal::invalid("instansi", "not an active instansi")),
    }
    let mut changes = Vec::new();
    let mut change = |field: &str, before: Option<String>, after: Option<String>| {
        if before != after {
            changes.push(FieldChange { field: field.into(), before, after });
        }
    };
    if let Some(title) = v.title {
        change("title", Some(r.title.to_string()), Some(title.to_string()));
        r.title = title;
    }
    if let Some(kind) = v.kind {
        change("kind", Some(r.kind.as_str().into()), Some(kind.as_str().into()));
        r.kind = kind;
    }
    if let Some(category) = v.category {
        match ctx.categories.get(category) {
            Some(c) if c.active => {}
            _ => return Err(Refusal::invalid("category", "no such category")),
        }
        let name = |c: Option<crate::ids::CategoryId>| c.and_then(|c| ctx.categories.get(c)).map(|c| c.code.clone());
        change("category", name(r.category), name(Some(category)));
        r.category = Some(category);
    }
    if r.category.is_none() {
        return Err(Refusal::invalid("category", "choose a category before verifying"));
    }
    if let Some(tags) = v.tags {
        let tags = normalise_tags(tags)?;
        change("tags", Some(r.tags.join(", ")), Some(tags.join(", ")));
        r.tags = tags;
    }
    if let Some(privacy) = v.privacy {
        let show = |p: crate::report::Privacy| format!("anonymous={}, confidential={}", p.anonymous, p.confidential);
        change("privacy", Some(show(r.privacy)), Some(show(privacy)));
        r.privacy = privacy;
    }
    if let Some(c) = v.complexity {
        change("complexity", r.complexity.map(|c| c.as_str().into()), Some(c.as_str().into()));
        r.complexity = Some(c);
    }
    if !changes.is_empty() {
        out.push(from, from, EventKind::Edited { changes });
    }
    let now = out.now;
    stop_clock(r, ClockKind::Verification, now);
    r.status = Status::Forwarded;
    r.instansi = Some(instansi);
    r.units.clear();
    r.involved.insert(instansi);
    r.verified_at.get_or_insert(now);
    r.forwarded_at = Some(now);
    let limits = limits_for(instansi, ctx);
    start_clock(r, ClockKind::FollowUp, instansi, Limit::WorkingDays(limits.follow_up), now, ctx);
    if let Some(c) = r.complexity {
        cancel_clock(r, ClockKind::Completion, now);
        start_clock(r, ClockKind::Completion, instansi, Limit::WorkingDays(limits.completion(c)), now, ctx);
    }
    let kind = EventKind::Verified {
        instansi,
        kind: r.kind,
        category: r.category,
        privacy: r.privacy,
        complexity: r.complexity,
    };
    out.push(from, r.status, kind);
    if let Some(note) = v.note {
        out.push(r.status, r.status, EventKind::InternalNote { text: note });
    }
    Ok(())
}

fn normalise_tags(tags: Vec<String>) -> Result<Vec<String>, Refusal> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 40 || t.chars().any(char::is_control) {
            return Err(Refusal::invalid("tags", "a tag is at most 40 characters of plain text"));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Refusal::invalid("tags", format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

fn archive(r: &mut Report, reason: ArchiveReason, note: Option<Text>, out: &mut Out, from: Status) {
    let now = out.now;
    stop_clock(r, ClockKind::Verification, now);
    cancel_clock(r, ClockKind::InfoExpiry, now);
    cancel_clock(r, ClockKind::Ombudsman, now);
    r.status = Status::Archived;
    r.archive_reason = Some(reason.clone());
    out.push(from, r.status, EventKind::Archived { reason, note });
}

fn dispose(
    r: &mut Report,
    units: Vec<crate::ids::OrgId>,
    note: Option<Text>,
    out: &mut Out,
    from: Status,
) -> Result<(), Refusal> {
    let ctx = out.ctx;
    let instansi = r.instansi.ok_or_else(|| Refusal::rule("the report has no instansi"))?;
    if units.is_empty() {
        return Err(Refusal::invalid("units", "choose at least one unit"));
    }
    if units.len() > MAX_UNITS {
        return Err(Refusal::invalid("units", format!("at most {MAX_UNITS} units")));
    }
    let mut seen = Vec::new();
    for u in &units {
        match ctx.orgs.get(*u) {
            Some(o) if o.kind == OrgKind::Unit && o.active && ctx.orgs.is_within(*u, instansi) => {}
            Some(o) if o.kind == OrgKind::Unit && o.active => {
                return Err(Refusal::invalid("units", format!("{} is not a unit of this instansi", o.name)));
            }
            _ => return Err(Refusal::invalid("units", format!("unit {u} is not an active unit"))),
        }
        if seen.contains(u) {
            return Err(Refusal::invalid("units", "a unit is listed twice"));
        }
        seen.push(*u);
    }
    let reassigned = from == Status::InProgress;
    let mut current: Vec<_> = r.units.iter().map(|u| u.unit).collect();
    current.sort();
    seen.sort();
    if reassigned && current == seen {
        return Err(Refusal::invalid("units", "the report is already with these units"));
    }
    let now = out.now;
    let previous = std::mem::take(&mut r.units);
    r.units = units
        .iter()
        .map(|u| {
            previous.iter().find(|p| p.unit == *u).cloned().unwrap_or(UnitAssignment {
                unit: *u,
                assigned_at: now,
                final_answer_at: None,
            })
        })
        .collect();
    r.involved.extend(units.iter().copied());
    r.status = Status::InProgress;
    out.push(from, r.status, EventKind::Disposed { units, reassigned, note });
    settle_units(r, out);
    Ok(())
}

/// The assigned unit an officer acts for: the one named, or the only one in their scope.
fn pick_unit(
    r: &Report,
    actor: &Actor,
    named: Option<crate::ids::OrgId>,
    ctx: &Context,
) -> Result<crate::ids::OrgId, Refusal> {
    let Actor::Staff(staff) = actor else {
        return Err(Refusal::rule("only a unit officer acts for a unit"));
    };
    let mine: Vec<_> = r.units.iter().map(|u| u.unit).filter(|u| ctx.orgs.is_within(*u, staff.org)).collect();
    match named {
        Some(u) if mine.contains(&u) => Ok(u),
        Some(_) => Err(Refusal::invalid("unit", "the report is not with that unit, or it is outside your scope")),
        None if mine.len() == 1 => Ok(mine[0]),
        None if mine.is_empty() => Err(Refusal::OutOfScope),
        None => Err(Refusal::invalid("unit", "the report is with several of your units; choose one")),
    }
}

/// In progress with every unit's final answer in: the report is answered.
fn settle_units(r: &mut Report, out: &mut Out) {
    if r.status == Status::InProgress && !r.units.is_empty() && r.units.iter().all(|u| u.final_answer_at.is_some()) {
        let from = r.status;
        enter_responded(r, out);
        // The move is recorded on the last event when it caused it; otherwise on its own.
        if let Some(last) = out.events.last_mut()
            && last.to == from
            && matches!(
                last.kind,
                EventKind::Answered { .. } | EventKind::Disposed { .. } | EventKind::HandedBack { .. }
            )
        {
            last.to = Status::Responded;
        }
    }
}

fn enter_responded(r: &mut Report, out: &mut Out) {
    let now = out.now;
    let instansi = r.instansi.unwrap_or(r.screening_desk);
    r.status = Status::Responded;
    r.responded_at = Some(now);
    let limit = Limit::WorkingDays(limits_for(instansi, out.ctx).auto_close);
    cancel_clock(r, ClockKind::AutoClose, now);
    start_clock(r, ClockKind::AutoClose, instansi, limit, now, out.ctx);
}

fn close(r: &mut Report, closure: Closure, now: Timestamp) {
    stop_clock(r, ClockKind::Completion, now);
    stop_clock(r, ClockKind::Ombudsman, now);
    cancel_clock(r, ClockKind::AutoClose, now);
    cancel_clock(r, ClockKind::FollowUp, now);
    r.status = Status::Closed;
    r.closure = Some(closure);
    r.closed_at = Some(now);
}

/// Back to the units (or the coordinator when it had none) after a reply or an appeal.
fn reopen(r: &mut Report, out: &mut Out) {
    let now = out.now;
    let instansi = r.instansi.unwrap_or(r.screening_desk);
    for u in &mut r.units {
        u.final_answer_at = None;
    }
    r.status = if r.units.is_empty() { Status::Forwarded } else { Status::InProgress };
    if r.closed_at.is_some() {
        r.closed_at = None;
        r.closure = None;
    }
    let limits = limits_for(instansi, out.ctx);
    cancel_clock(r, ClockKind::FollowUp, now);
    start_clock(r, ClockKind::FollowUp, instansi, Limit::WorkingDays(limits.follow_up), now, out.ctx);
    if r.active_clock(ClockKind::Ombudsman).is_none() {
        restart_ombudsman_clock(r, instansi, out.ctx);
    }
}

/// The Ombudsman clock of a report open again: it still counts from the submission. A
/// report already flagged stays flagged; the new clock is not due a second time.
fn restart_ombudsman_clock(r: &mut Report, holder: OrgId, ctx: &Context) {
    let limit = Limit::CalendarDays(limits_for(holder, ctx).ombudsman_calendar_days);
    let submitted = r.submitted_at;
    start_clock(r, ClockKind::Ombudsman, holder, limit, submitted, ctx);
    let flagged = r.ombudsman_flagged_at;
    if let Some(d) = r.active_clock_mut(ClockKind::Ombudsman) {
        d.overdue_at = flagged;
    }
}

fn reply(
    r: &mut Report,
    text: Text,
    attachments: Vec<AttachmentMeta>,
    out: &mut Out,
    from: Status,
) -> Result<(), Refusal> {
    check_attachments(&attachments)?;
    let now = out.now;
    match from {
        Status::NeedsInfo => {
            if r.attachments.len() + attachments.len() > MAX_ATTACHMENTS * 2 {
                return Err(Refusal::invalid("attachments", "this report has as many files as it can hold"));
            }
            r.status = Status::Submitted;
            stop_clock(r, ClockKind::InfoExpiry, now);
            if let Some(d) = r.active_clock_mut(ClockKind::Verification) {
                d.resume(now, out.ctx.calendar);
            }
            r.attachments.extend(attachments.iter().cloned());
            out.push(from, r.status, EventKind::InfoProvided { text, attachments });
        }
        Status::Responded => {
            stop_clock(r, ClockKind::AutoClose, now);
            reopen(r, out);
            out.push(from, r.status, EventKind::ReporterReplied { text, attachments, reopened: true });
        }
        _ => out.push(from, from, EventKind::ReporterReplied { text, attachments, reopened: false }),
    }
    Ok(())
}

fn check_attachments(attachments: &[AttachmentMeta]) -> Result<(), Refusal> {
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(Refusal::invalid("attachments", format!("at most {MAX_ATTACHMENTS} files")));
    }
    Ok(())
}
