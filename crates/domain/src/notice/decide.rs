//! Which notices a change sends, and to whom — before anyone knows who the people are:
//! the service turns each [`To`] into addresses, respecting what people turned off.

use super::{Facts, NoticeKind};
use crate::deadline::ClockKind;
use crate::event::{EventKind, NewEvent};
use crate::ids::OrgId;
use crate::org::OrgTree;
use crate::person::Role;
use crate::report::Report;
use crate::status::Status;
use crate::time::{Timestamp, Zone};

/// Who a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The reporter: their account, or the contact they left on the report.
    Reporter,
    /// Staff holding `role` at `org` (or above it, within the instansi).
    Desk { org: OrgId, role: Role },
    /// The webhooks registered by organisations the report involves.
    Integrations,
}

/// A notice decided, its recipients not yet resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub to: To,
    pub facts: Facts,
    /// A deadline to show, written in each recipient's words by the service.
    pub due: Option<(Timestamp, Zone)>,
    /// The actor who caused it, who needs no notice of their own action.
    pub skip: Option<crate::ids::PersonId>,
    /// For a reminder: the key that makes it go once (the service adds the recipient).
    pub once: Option<String>,
}

/// The page a reporter follows a report on (the private link's secret is not kept, so
/// only the first message can carry it; later ones ask for it or for a sign-in).
pub fn reporter_path(report: &Report) -> String {
    format!("/lapor/{}", report.tracking)
}

/// The report's page in the staff workspace.
pub fn staff_path(report: &Report) -> String {
    format!("/staf/laporan/{}", report.tracking)
}

/// What every message about a report says: nothing about who filed it.
pub fn report_facts(report: &Report) -> Facts {
    Facts {
        tracking: Some(report.tracking.to_string()),
        title: Some(report.title.as_str().to_string()),
        status: Some(report.status.as_str().to_string()),
        ..Facts::default()
    }
}

/// The role that works a report held by `org` in the report's present state.
pub fn desk_role(report: &Report, org: OrgId) -> Role {
    if org == report.screening_desk && matches!(report.status, Status::Submitted | Status::NeedsInfo | Status::Archived)
    {
        Role::Screener
    } else if Some(org) == report.instansi {
        Role::Coordinator
    } else {
        Role::Officer
    }
}

/// The notices that `events` (just decided on `report`, which is the state after them)
/// send.
pub fn notices_for(report: &Report, events: &[NewEvent], orgs: &OrgTree) -> Vec<Notice> {
    let mut out = Vec::new();
    for event in events {
        let skip = event.actor.person;
        let reporter = |kind: NoticeKind, facts: Facts| Notice {
            kind,
            to: To::Reporter,
            facts: Facts { link: Some(reporter_path(report)), ..facts },
            due: None,
            skip: None,
            once: None,
        };
        let desk = |org: OrgId, role: Role| Notice {
            kind: NoticeKind::NewInQueue,
            to: To::Desk { org, role },
            facts: Facts {
                org: Some(orgs.name_of(org).to_string()),
                link: Some(staff_path(report)),
                ..report_facts(report)
            },
            due: running_staff_due(report),
            skip,
            once: None,
        };
        let base = report_facts(report);
        match &event.kind {
            EventKind::Submitted { .. } => {
                out.push(reporter(NoticeKind::Received, base.clone()));
                out.push(desk(report.screening_desk, Role::Screener));
            }
            EventKind::Verified { instansi, .. } => {
                let org = Some(orgs.name_of(*instansi).to_string());
                out.push(reporter(NoticeKind::Forwarded, Facts { org, ..base.clone() }));
                out.push(desk(*instansi, Role::Coordinator));
            }
            EventKind::InfoRequested { question } => {
                let text = Some(question.as_str().to_string());
                out.push(reporter(NoticeKind::InfoRequested, Facts { text, ..base.clone() }));
            }
            EventKind::InfoProvided { .. } => out.push(desk(report.screening_desk, Role::Screener)),
            EventKind::Archived { reason, note } => {
                let text = match note {
                    Some(note) => format!("{} — {}", reason.label_id(), note.as_str()),
                    None => reason.label_id().to_string(),
                };
                out.push(reporter(NoticeKind::Archived, Facts { text: Some(text), ..base.clone() }));
            }
            EventKind::ReturnedNotAuthority { .. } => out.push(desk(report.screening_desk, Role::Screener)),
            EventKind::Disposed { units, .. } => {
                out.extend(units.iter().map(|u| desk(*u, Role::Officer)));
            }
            EventKind::HandedBack { .. } => {
                out.extend(report.instansi.map(|i| desk(i, Role::Coordinator)));
            }
            EventKind::Answered { by, text, .. } => {
                let facts = Facts {
                    org: Some(orgs.name_of(*by).to_string()),
                    text: Some(text.as_str().to_string()),
                    ..base.clone()
                };
                out.push(reporter(NoticeKind::Answered, facts));
            }
            EventKind::ReporterReplied { reopened: true, .. } => {
                out.extend(report.holders().into_iter().map(|org| desk(org, desk_role(report, org))));
            }
            EventKind::Accepted | EventKind::AutoClosed => out.push(reporter(NoticeKind::Closed, base.clone())),
            EventKind::ClosedOutside { reason } => {
                let text = Some(reason.as_str().to_string());
                out.push(reporter(NoticeKind::Closed, Facts { text, ..base.clone() }));
            }
            EventKind::DeadlineMissed { clock, due_at } => out.extend(missed(report, *clock, *due_at, orgs)),
            _ => {}
        }
        out.push(Notice {
            kind: NoticeKind::Webhook,
            to: To::Integrations,
            facts: Facts {
                event: Some(event.kind.code().to_string()),
                at: Some(event.at),
                link: Some(format!("/laporan/{}", report.tracking)),
                ..base
            },
            due: None,
            skip: None,
            once: None,
        });
    }
    out
}

/// The desks that must act now, with their role: a clock held by an instansi is worked
/// by the units it disposed the report to while they have not answered.
fn acting_desks(report: &Report, clock: ClockKind) -> Vec<(OrgId, Role)> {
    if clock == ClockKind::Verification {
        return vec![(report.screening_desk, Role::Screener)];
    }
    report.holders().into_iter().map(|org| (org, desk_role(report, org))).collect()
}

/// A missed deadline goes to the desks that must act and to the desk above them: units'
/// to their coordinator, a coordinator's to the screening desk.
fn missed(report: &Report, clock: ClockKind, due_at: Timestamp, orgs: &OrgTree) -> Vec<Notice> {
    let Some(deadline) = report.deadlines.iter().rev().find(|d| d.clock == clock && d.due_at == due_at) else {
        return Vec::new();
    };
    let desks = acting_desks(report, clock);
    let notice = |org: OrgId, role: Role| Notice {
        kind: NoticeKind::DeadlineMissed,
        to: To::Desk { org, role },
        facts: Facts {
            org: Some(orgs.name_of(org).to_string()),
            link: Some(staff_path(report)),
            ..report_facts(report)
        },
        due: Some((due_at, deadline.zone)),
        skip: None,
        once: None,
    };
    let mut out: Vec<Notice> = desks.iter().map(|(org, role)| notice(*org, *role)).collect();
    let above = if desks.iter().any(|(_, role)| *role == Role::Officer) {
        report.instansi.map(|i| (i, Role::Coordinator))
    } else if desks.iter().any(|(_, role)| *role == Role::Coordinator) && report.screening_desk != deadline.holder {
        Some((report.screening_desk, Role::Screener))
    } else {
        None
    };
    out.extend(above.map(|(org, role)| Notice {
        facts: Facts { org: Some(orgs.name_of(desks[0].0).to_string()), ..notice(org, role).facts },
        ..notice(org, role)
    }));
    out
}

/// The earliest running staff deadline, for a queue notice.
pub fn running_staff_due(report: &Report) -> Option<(Timestamp, Zone)> {
    report
        .deadlines
        .iter()
        .filter(|d| d.clock.is_staff_sla() && d.is_running())
        .min_by_key(|d| d.due_at)
        .map(|d| (d.due_at, d.zone))
}

/// A reminder that a running staff deadline falls due soon: to the desk holding it, once
/// per clock (the dedupe key).
pub fn due_soon(report: &Report, orgs: &OrgTree) -> Vec<Notice> {
    let mut out = Vec::new();
    for d in report.deadlines.iter().filter(|d| d.clock.is_staff_sla() && d.is_running()) {
        for (org, role) in acting_desks(report, d.clock) {
            out.push(Notice {
                kind: NoticeKind::DueSoon,
                to: To::Desk { org, role },
                facts: Facts {
                    org: Some(orgs.name_of(org).to_string()),
                    link: Some(staff_path(report)),
                    ..report_facts(report)
                },
                due: Some((d.due_at, d.zone)),
                skip: None,
                once: Some(format!("due_soon:{}:{}:{}:{org}", report.id, d.seq, d.due_at.timestamp())),
            });
        }
    }
    out
}

/// A reminder to the reporter that an answered report closes by itself at `due`.
pub fn closing_soon(report: &Report) -> Option<Notice> {
    let clock = report.active_clock(ClockKind::AutoClose).filter(|d| d.is_running())?;
    Some(Notice {
        kind: NoticeKind::ClosingSoon,
        to: To::Reporter,
        facts: Facts { link: Some(reporter_path(report)), ..report_facts(report) },
        due: Some((clock.due_at, clock.zone)),
        skip: None,
        once: Some(format!("closing_soon:{}:{}:{}", report.id, clock.seq, clock.due_at.timestamp())),
    })
}

#[cfg(test)]
mod tests;
