//! What each viewer may see (docs/DOMAIN.md §9): one place that removes what must not be shown.
//!
//! Every surface (pages, API, Open311, exports, mail) renders a report through
//! [`redact_report`] and its timeline through [`visible_events`].

use crate::event::{Event, EventActor, Visibility};
use crate::permission::Access;
use crate::person::Role;
use crate::report::{Report, Reporter};

/// The name shown for a reporter to someone who may not see who they are.
pub const PUBLIC_REPORTER_NAME: &str = "Pelapor";

/// A copy of the report holding only what `access` allows. `None` when nothing is.
pub fn redact_report(report: &Report, access: Access) -> Option<Report> {
    let mut r = report.clone();
    // The link secret's hash never leaves the store layer's callers.
    r.secret_hash = None;
    match access {
        Access::None => return None,
        Access::Reporter | Access::Staff { identity: true } => {}
        Access::Public | Access::Staff { identity: false } => {
            let public_name = if access == Access::Public && !report.privacy.anonymous {
                report.reporter.public_name.clone()
            } else {
                None
            };
            r.reporter = Reporter { public_name, ..Reporter::default() };
            if !access.sees_identity() {
                r.entered_by = None;
            }
        }
    }
    if access == Access::Public {
        r.involved.clear();
        r.deadlines.clear();
        r.ombudsman_flagged_at = None;
        r.tags.clear();
    }
    Some(r)
}

/// The name to print for the reporter.
pub fn reporter_display_name(report: &Report, access: Access) -> String {
    if access.sees_identity()
        && let Some(name) = &report.reporter.name
    {
        return name.clone();
    }
    if !report.privacy.anonymous
        && let Some(name) = &report.reporter.public_name
    {
        return name.clone();
    }
    PUBLIC_REPORTER_NAME.to_string()
}

/// The events `access` may see, with the reporter's identity removed where needed.
pub fn visible_events(events: &[Event], access: Access) -> Vec<Event> {
    let threshold = match access {
        Access::None => return Vec::new(),
        Access::Public => Visibility::Public,
        Access::Reporter => Visibility::Reporter,
        Access::Staff { .. } => Visibility::Internal,
    };
    events
        .iter()
        .filter(|e| e.visibility >= threshold)
        .map(|e| {
            let mut e = e.clone();
            if !access.sees_identity() || access == Access::Reporter {
                e.actor = hide_person(&e, access);
            }
            e
        })
        .collect()
}

/// Removes the person from an event when showing them would say who the reporter is, or
/// (for the public and the reporter) which civil servant clicked.
fn hide_person(e: &Event, access: Access) -> EventActor {
    let by_reporter = e.actor.role == Some(Role::Reporter);
    match access {
        // Staff keep the names of colleagues; only the reporter's identity goes.
        Access::Staff { identity: false } if by_reporter => EventActor { person: None, ..e.actor },
        Access::Staff { .. } => e.actor,
        // The public and the reporter see organisations, not individual civil servants.
        _ => EventActor { person: None, ..e.actor },
    }
}
