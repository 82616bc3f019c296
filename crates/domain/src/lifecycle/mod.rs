//! The report lifecycle (docs/DOMAIN.md §4): one function decides every action.
//!
//! [`decide`] takes the report as the actor loaded it, checks version, role, scope,
//! status and the action's own rules, and returns a [`Transition`]: the new report
//! state (with its clocks) and the events to append. The store writes a transition
//! atomically, checking the version again, so a stale action is never applied twice.

mod apply;
mod filing;
mod invariants;

pub use filing::{Draft, Filing, MAX_ATTACHMENTS, file};
pub use invariants::{ALLOWED_MOVES, invariant_violations};

use crate::calendar::HolidayCalendar;
use crate::category::CategoryTree;
use crate::event::NewEvent;
use crate::ids::{CategoryId, OrgId};
use crate::org::OrgTree;
use crate::permission::{Action, Actor, authorize};
use crate::refusal::Refusal;
use crate::report::{AnswerKind, ArchiveReason, AttachmentMeta, Privacy, Report, ReportType};
use crate::sla::{Complexity, SlaPolicy};
use crate::status::Status;
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// What a decision needs to know besides the report: the time and the reference data.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: Timestamp,
    pub orgs: &'a OrgTree,
    pub categories: &'a CategoryTree,
    pub calendar: &'a HolidayCalendar,
    pub sla: &'a SlaPolicy,
}

/// The screener's verification: the instansi, plus any corrections to the report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Verification {
    pub instansi: Option<OrgId>,
    pub title: Option<Text>,
    pub kind: Option<ReportType>,
    pub category: Option<CategoryId>,
    pub tags: Option<Vec<String>>,
    pub privacy: Option<Privacy>,
    pub complexity: Option<Complexity>,
    pub note: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Command {
    Verify(Verification),
    RequestInfo {
        question: Text,
    },
    Archive {
        reason: ArchiveReason,
        note: Option<Text>,
    },
    Restore {
        note: Option<Text>,
    },
    ReturnNotAuthority {
        reason: Text,
    },
    Dispose {
        units: Vec<OrgId>,
        note: Option<Text>,
    },
    /// `unit`: which of the officer's units hands it back, when they hold several.
    HandBack {
        unit: Option<OrgId>,
        reason: Text,
    },
    /// `unit`: which of the officer's units answers, when they hold several.
    Respond {
        unit: Option<OrgId>,
        answer: AnswerKind,
        text: Text,
        attachments: Vec<AttachmentMeta>,
    },
    InternalNote {
        text: Text,
    },
    CloseOutside {
        reason: Text,
    },
    Reply {
        text: Text,
        attachments: Vec<AttachmentMeta>,
    },
    Accept,
    Rate {
        stars: u8,
        comment: Option<Text>,
    },
    Appeal {
        reason: Text,
    },
    AutoClose,
    ExpireInfoRequest,
    MarkOverdue {
        seq: u32,
    },
    FlagOmbudsman,
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Verify(_) => Action::Verify,
            Command::RequestInfo { .. } => Action::RequestInfo,
            Command::Archive { .. } => Action::Archive,
            Command::Restore { .. } => Action::Restore,
            Command::ReturnNotAuthority { .. } => Action::ReturnNotAuthority,
            Command::Dispose { .. } => Action::Dispose,
            Command::HandBack { .. } => Action::HandBack,
            Command::Respond { .. } => Action::Respond,
            Command::InternalNote { .. } => Action::InternalNote,
            Command::CloseOutside { .. } => Action::CloseOutside,
            Command::Reply { .. } => Action::Reply,
            Command::Accept => Action::Accept,
            Command::Rate { .. } => Action::Rate,
            Command::Appeal { .. } => Action::Appeal,
            Command::AutoClose => Action::AutoClose,
            Command::ExpireInfoRequest => Action::ExpireInfoRequest,
            Command::MarkOverdue { .. } => Action::MarkOverdue,
            Command::FlagOmbudsman => Action::FlagOmbudsman,
        }
    }
}

/// A decided change, ready to be stored as one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The version the decision was made on; the store refuses it if the report moved on.
    pub expected_version: i64,
    /// The report after the change (its version already incremented).
    pub report: Report,
    pub events: Vec<NewEvent>,
    /// Messages the change sends, written with it (the outbox); the service adds them.
    pub messages: Vec<crate::notice::NewMessage>,
    /// What the change adds to the evaluation cells (after − before), written with it.
    pub measures: crate::measures::Cells,
    /// The report's [`crate::org::OrgTree::reach`] after the change: whose lists hold it.
    pub reach: Vec<crate::ids::OrgId>,
}

impl Transition {
    pub fn from_status(&self) -> Option<Status> {
        self.events.first().and_then(|e| e.from)
    }
}

/// Decides an action on a report.
pub fn decide(
    report: &Report,
    actor: &Actor,
    expected_version: i64,
    command: Command,
    ctx: &Context,
) -> Result<Transition, Refusal> {
    if report.version != expected_version {
        return Err(Refusal::Stale { expected: expected_version, actual: report.version });
    }
    let action = command.action();
    check(report, actor, action, ctx)?;
    if let Command::MarkOverdue { seq } = &command {
        apply::check_overdue_seq(report, *seq, ctx)?;
    }
    let mut next = report.clone();
    let events = apply::apply(&mut next, actor, command, ctx)?;
    next.version = report.version + 1;
    next.updated_at = ctx.now;
    let measures = crate::measures::delta(Some(report), Some(&next), ctx.calendar, ctx.orgs);
    let reach = ctx.orgs.reach(&next.involved);
    Ok(Transition { expected_version, report: next, events, messages: Vec::new(), measures, reach })
}

/// Role, scope, status and the action's own preconditions, without its input.
fn check(report: &Report, actor: &Actor, action: Action, ctx: &Context) -> Result<(), Refusal> {
    authorize(actor, action, report, ctx.orgs)?;
    if !action.allowed_in(report.status) {
        return Err(Refusal::IllegalTransition { action: action.as_str().into(), status: report.status });
    }
    apply::precondition(report, action, ctx)
}

/// The actions this actor may take on this report now (for showing buttons). System
/// actions are left out; see [`due_commands`].
pub fn available_actions(report: &Report, actor: &Actor, ctx: &Context) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| {
            !matches!(a, Action::AutoClose | Action::ExpireInfoRequest | Action::MarkOverdue | Action::FlagOmbudsman)
        })
        .filter(|a| check(report, actor, *a, ctx).is_ok())
        .collect()
}

/// The system actions due on this report at `now`, in the order a job applies them.
pub fn due_commands(report: &Report, ctx: &Context) -> Vec<Command> {
    let mut out = Vec::new();
    let sys = Actor::System;
    for (action, command) in [
        (Action::AutoClose, Command::AutoClose),
        (Action::ExpireInfoRequest, Command::ExpireInfoRequest),
        (Action::FlagOmbudsman, Command::FlagOmbudsman),
    ] {
        if check(report, &sys, action, ctx).is_ok() {
            out.push(command);
        }
    }
    if check(report, &sys, Action::MarkOverdue, ctx).is_ok() {
        for d in &report.deadlines {
            if apply::check_overdue_seq(report, d.seq, ctx).is_ok() {
                out.push(Command::MarkOverdue { seq: d.seq });
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
