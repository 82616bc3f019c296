//! `servicerequestupdates` (the extension FixMyStreet and federated instances use).
//!
//! GET lists the public events of a period as updates. POST is the reporter speaking
//! through the client that filed the report: a reply (OPEN, REOPEN, IN_PROGRESS with a
//! description) or the acceptance of an answer (CLOSED, FIXED). Everything else an
//! update could say is the agency's to decide, not the reporter's.

use super::errors::{Open311Error, Reply};
use super::format::{Doc, Node, datetime};
use super::params::{Params, through};
use super::requests::{event_text, zone_of};
use super::{auth, filing};
use crate::AppState;
use aduan_domain::credential::KeyScope;
use aduan_domain::event::{Event, EventKind};
use aduan_domain::lifecycle::Command;
use aduan_domain::org::OrgTree;
use aduan_domain::permission::{Access, Actor};
use aduan_domain::report::{ArchiveReason, Report};
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::tracking::TrackingNumber;
use aduan_service::AppError;
use aduan_service::updates::MAX_UPDATES;
use chrono::Duration;

/// The statuses of the extension, upper case when posted, lower case in answers.
const STATUSES: [&str; 12] = [
    "OPEN",
    "CLOSED",
    "FIXED",
    "IN_PROGRESS",
    "ACTION_SCHEDULED",
    "INVESTIGATING",
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
    "INTERNAL_REFERRAL",
    "CANCELLED",
    "REOPEN",
];

/// `GET servicerequestupdates`: `start_date` to `end_date` (both included; by default the
/// last 90 days), oldest first, at most 1000 — a client continues from the last
/// `updated_datetime` it saw.
pub async fn list(state: &AppState, actor: &Actor, params: &Params) -> Reply {
    let end = params.datetime("end_date")?.unwrap_or_else(|| state.app.now());
    let start = params.datetime("start_date")?.unwrap_or(end - Duration::days(90));
    if end < start {
        return Err(Open311Error::bad_request("end_date is before start_date"));
    }
    let updates = state.app.public_updates(actor, start, through(end), MAX_UPDATES).await?;
    let reference = state.app.reference();
    let items = updates.iter().map(|u| update(&u.report, &u.event, &reference.orgs)).collect();
    Ok(Doc::list("service_request_updates", "request_update", items))
}

/// One update. Its id names the report and the event's place in the timeline.
fn update(report: &Report, event: &Event, orgs: &OrgTree) -> Node {
    let description = match event_text(&event.kind) {
        Some(text) => text.to_string(),
        None => event.to.label_id(holder(event, orgs).as_deref()),
    };
    Node::Object(vec![
        ("update_id", Node::text(format!("{}-{}", report.tracking.as_str(), event.seq))),
        ("service_request_id", Node::text(report.tracking.as_str())),
        ("status", Node::text(status_of(event).to_ascii_lowercase())),
        ("updated_datetime", Node::text(datetime(event.at, zone_of(report, orgs)))),
        ("description", Node::text(description)),
        ("media_url", Node::Null),
    ])
}

/// Who the report went to, for the words of a status without a text of its own.
fn holder(event: &Event, orgs: &OrgTree) -> Option<String> {
    match &event.kind {
        EventKind::Verified { instansi, .. } => Some(orgs.name_of(*instansi).to_string()),
        EventKind::Disposed { units, .. } if !units.is_empty() => {
            Some(units.iter().map(|u| orgs.name_of(*u)).collect::<Vec<_>>().join(", "))
        }
        _ => None,
    }
}

/// The extended status an event leaves the report in.
fn status_of(event: &Event) -> &'static str {
    match (&event.kind, event.to) {
        (EventKind::Appealed { .. }, _) => "REOPEN",
        (EventKind::Accepted, _) => "FIXED",
        (EventKind::Archived { reason: ArchiveReason::Duplicate { .. }, .. }, _) => "DUPLICATE",
        (EventKind::Archived { reason: ArchiveReason::OutOfScope, .. }, _) => "NOT_COUNCILS_RESPONSIBILITY",
        (_, Status::Archived) => "NO_FURTHER_ACTION",
        (_, Status::Submitted | Status::NeedsInfo) => "OPEN",
        (_, Status::Forwarded) => "INVESTIGATING",
        (_, Status::InProgress) => "IN_PROGRESS",
        // Answered: the reporter may still reply.
        (_, Status::Responded) => "FIXED",
        (_, Status::Closed) => "CLOSED",
    }
}

/// `POST servicerequestupdates`, from the key that filed the report.
pub async fn create(state: &AppState, params: &Params) -> Reply {
    let caller = auth::writer(state, params, KeyScope::File).await?;
    let id =
        params.get("service_request_id").ok_or_else(|| Open311Error::bad_request("service_request_id is required"))?;
    let status =
        params.get("status").ok_or_else(|| Open311Error::bad_request("status is required"))?.to_ascii_uppercase();
    if !STATUSES.contains(&status.as_str()) {
        return Err(Open311Error::bad_request(format!(
            "status {status} is unknown; use one of {}",
            STATUSES.join(", ")
        )));
    }
    let not_found = || Open311Error::not_found(format!("service_request_id {id} not found"));
    let tracking = TrackingNumber::parse(id).map_err(|_| not_found())?;
    let (viewer, view) = state.app.find_as_filer(&caller.actor, &tracking).await.map_err(|e| match e {
        AppError::NotFound(_) => not_found(),
        e => e.into(),
    })?;
    if view.report.privacy.confidential {
        return Err(not_found());
    }
    // The client that filed it speaks as its reporter; a person's token is the reporter.
    if view.access != Access::Reporter {
        return Err(Open311Error::forbidden(format!(
            "only the client that filed service request {id}, or its reporter, may post updates to it"
        )));
    }
    let report = &view.report;
    let command = match status.as_str() {
        "OPEN" | "REOPEN" | "IN_PROGRESS" => {
            let text = params.get("description").ok_or_else(|| {
                Open311Error::bad_request(format!("a description is required: {status} posts the reporter's reply"))
            })?;
            // As when filing, a media_url is kept as a line of the text.
            let text = match filing::media_url(params)? {
                Some(url) => format!("{text}\n\nMedia: {url}"),
                None => text.to_string(),
            };
            let text = Text::message(&text).map_err(|e| Open311Error::bad_request(format!("description: {e}")))?;
            Command::Reply { text, attachments: Vec::new() }
        }
        "CLOSED" | "FIXED" if report.status == Status::Responded => Command::Accept,
        "CLOSED" | "FIXED" if report.status.is_open() => {
            return Err(Open311Error::bad_request(format!(
                "{status} accepts the agency's answer, and service request {id} has none to accept yet \
                 (it is {}); post a reply with OPEN instead",
                report.status.label_en(None).to_lowercase()
            )));
        }
        "CLOSED" | "FIXED" => {
            return Err(Open311Error::bad_request(format!("service request {id} is already closed")));
        }
        other => {
            return Err(Open311Error::bad_request(format!(
                "{other} is the agency's to set, not the reporter's: post OPEN, REOPEN or IN_PROGRESS with a \
                 description to reply, or CLOSED or FIXED to accept an answer"
            )));
        }
    };
    let seen = view.events.iter().map(|e| e.seq).max().unwrap_or(0);
    state.app.act(&viewer, report.id, report.version, command).await?;
    let after = state.app.view_report(&viewer, report.id).await?;
    let event = after
        .events
        .iter()
        .find(|e| {
            e.seq > seen
                && matches!(
                    e.kind,
                    EventKind::ReporterReplied { .. } | EventKind::InfoProvided { .. } | EventKind::Accepted
                )
        })
        .ok_or_else(|| {
            Open311Error::from(AppError::Internal(format!("no event recorded for the update of {}", report.id)))
        })?;
    let reference = state.app.reference();
    Ok(Doc::list("service_request_updates", "request_update", vec![update(&after.report, event, &reference.orgs)]))
}
