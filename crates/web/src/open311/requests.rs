//! `GET requests`, `GET requests/{id}`: reports as Open311 service requests.
//!
//! A report is read as the caller may see it (the public, or a key's organisation; the key
//! that filed a report sees it as its reporter would), then only what Open311 shows is
//! written: never the reporter's identity, never a confidential report, and notes only
//! from public events.

use super::errors::{Open311Error, Reply};
use super::format::{Doc, Node, datetime};
use super::params::{Params, through};
use crate::AppState;
use aduan_domain::deadline::ClockKind;
use aduan_domain::event::{Event, EventKind, Visibility};
use aduan_domain::ids::ReportId;
use aduan_domain::org::OrgTree;
use aduan_domain::permission::Actor;
use aduan_domain::report::Report;
use aduan_domain::status::Status;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use aduan_service::{AppError, Reference, ReportView};
use aduan_store::{PageRequest, ReportFilter, Scope};
use chrono::Duration;
use std::collections::HashMap;

/// Most requests one answer holds (Open311's limit).
pub const MAX_ROWS: u32 = PageRequest::MAX_WIDE_LIMIT;
/// Requests in a page unless `page_size` says otherwise: what a client on a slow link can
/// take in one answer (said in discovery).
pub const DEFAULT_ROWS: u32 = 100;
/// A list covers at most this many days of submissions, and by default the last ones.
const MAX_SPAN_DAYS: i64 = 90;
/// Paging deeper than this is refused: narrow the dates instead.
const MAX_OFFSET: u64 = PageRequest::MAX_SKIP as u64;
/// The events whose words can be a request's `status_notes`.
const NOTE_KINDS: [&str; 11] = [
    "answered",
    "info_requested",
    "info_provided",
    "reporter_replied",
    "closed_outside",
    "appealed",
    "returned_not_authority",
    "handed_back",
    "disposed",
    "archived",
    "restored",
];
/// The longest description Open311 allows.
const MAX_DESCRIPTION: usize = 4000;

/// `GET requests/{id}`: an array of one.
pub async fn one(state: &AppState, actor: &Actor, id: &str) -> Reply {
    let reference = state.app.reference();
    let view = find(state, actor, id)
        .await?
        .ok_or_else(|| Open311Error::not_found(format!("service_request_id {id} not found")))?;
    let notes = status_notes(view.events.iter());
    Ok(Doc::list("service_requests", "request", vec![request(&view.report, notes, &reference)]))
}

/// A report by tracking number, if the caller may see it here; a confidential one never.
async fn find(state: &AppState, actor: &Actor, id: &str) -> Result<Option<ReportView>, Open311Error> {
    let Ok(tracking) = TrackingNumber::parse(id) else { return Ok(None) };
    match state.app.find_as_filer(actor, &tracking).await {
        Ok((_, view)) if !view.report.privacy.confidential => Ok(Some(view)),
        Ok(_) | Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `GET requests`: by `service_request_id` (a list that overrides everything else), or by
/// service, status, submission and last-change periods and words (`q`), newest first, a
/// page at a time.
/// Either way the page is read in a fixed number of queries: its reports, then their
/// published events for the notes.
pub async fn list(state: &AppState, actor: &Actor, params: &Params) -> Reply {
    let reference = state.app.reference();
    let ids = params.list("service_request_id");
    let reports = if !ids.is_empty() {
        if ids.len() > MAX_ROWS as usize {
            return Err(Open311Error::bad_request(format!("at most {MAX_ROWS} service_request_id values at once")));
        }
        let mut trackings: Vec<TrackingNumber> = Vec::new();
        for t in ids.iter().filter_map(|id| TrackingNumber::parse(id).ok()) {
            if !trackings.contains(&t) {
                trackings.push(t);
            }
        }
        state.app.find_many_as_filer(actor, &trackings).await?
    } else {
        let filter = filter(state, &reference, params)?;
        let page = u64::from(params.positive("page")?.unwrap_or(1));
        let size = params.positive("page_size")?.unwrap_or(DEFAULT_ROWS).min(MAX_ROWS);
        let skip = (page - 1) * u64::from(size);
        if skip > MAX_OFFSET {
            return Err(Open311Error::bad_request(format!(
                "page is too deep (more than {MAX_OFFSET} requests before it); narrow start_date and end_date instead"
            )));
        }
        let skip = u32::try_from(skip).unwrap_or(PageRequest::MAX_SKIP);
        // A numbered page is read whole: the store passes over `skip` rows in the query.
        let found = state.app.list_reports(actor, filter, &PageRequest::numbered(size, skip)).await?;
        let listed: Vec<ReportId> = found.items.iter().filter(|r| !r.privacy.confidential).map(|r| r.id).collect();
        state.app.reports_as_seen(actor, &listed).await?
    };
    // Never a confidential report, however it was asked for.
    let reports: Vec<Report> = reports.into_iter().filter(|r| !r.privacy.confidential).collect();
    let ids: Vec<ReportId> = reports.iter().map(|r| r.id).collect();
    let events = state.app.published_events(&ids, &NOTE_KINDS).await?;
    let mut by_report: HashMap<ReportId, Vec<&Event>> = HashMap::new();
    for e in &events {
        by_report.entry(e.report).or_default().push(e);
    }
    let rows = reports
        .iter()
        .map(|r| {
            let notes = by_report.get(&r.id).and_then(|events| status_notes(events.iter().copied()));
            request(r, notes, &reference)
        })
        .collect();
    Ok(Doc::list("service_requests", "request", rows))
}

/// A request's `status_notes`: the words of its latest published event that has some
/// (a rating's comment is the reporter's, not the agency's).
fn status_notes<'a>(events: impl DoubleEndedIterator<Item = &'a Event>) -> Option<&'a str> {
    events
        .rev()
        .filter(|e| e.visibility == Visibility::Public && !matches!(e.kind, EventKind::Rated { .. }))
        .find_map(|e| event_text(&e.kind))
}

fn filter(state: &AppState, reference: &Reference, params: &Params) -> Result<ReportFilter, Open311Error> {
    // The scope is the caller's, set by the use case; whoever it is, no confidential report.
    let mut filter = ReportFilter::new(Scope::Public);
    filter.exclude_confidential = true;
    for code in params.list("service_code") {
        let category = reference
            .categories
            .by_code(code)
            .ok_or_else(|| Open311Error::not_found(format!("service_code {code} not found")))?;
        filter.categories.push(category.id);
    }
    for status in params.list("status") {
        let statuses: Vec<Status> = match status.to_ascii_lowercase().as_str() {
            "open" => Status::ALL.into_iter().filter(|s| s.is_open()).collect(),
            "closed" => Status::ALL.into_iter().filter(|s| !s.is_open()).collect(),
            _ => return Err(Open311Error::bad_request(format!("status {status} is neither open nor closed"))),
        };
        filter.statuses.extend(statuses);
    }
    let (start, end) = (params.datetime("start_date")?, params.datetime("end_date")?);
    let (updated_after, updated_before) = (params.datetime("updated_after")?, params.datetime("updated_before")?);
    let span = Duration::days(MAX_SPAN_DAYS);
    let (from, to) = match (start, end) {
        (Some(s), Some(e)) if e < s => return Err(Open311Error::bad_request("end_date is before start_date")),
        (Some(s), Some(e)) if e - s > span => {
            return Err(Open311Error::bad_request(format!(
                "start_date and end_date may not span more than {MAX_SPAN_DAYS} days"
            )));
        }
        (Some(s), Some(e)) => (Some(s), Some(e)),
        (Some(s), None) => (Some(s), Some(s + span)),
        (None, Some(e)) => (Some(e - span), Some(e)),
        // A client following changes asks by last change: then the submission date is free.
        (None, None) if updated_after.is_some() || updated_before.is_some() => (None, None),
        // The last 90 days, up to now (a bounded range is what the search index narrows by).
        (None, None) => {
            let now = state.app.now();
            (Some(now - span), Some(now))
        }
    };
    filter.submitted_from = from;
    filter.submitted_before = to.map(through);
    filter.updated_from = updated_after.map(after);
    filter.updated_before = updated_before;
    // An extension (said in discovery): words a request's text holds, as the portal searches.
    filter.text = params.get("q").map(str::to_string);
    Ok(filter)
}

/// The first instant after `t` (timestamps are stored to the microsecond).
fn after(t: Timestamp) -> Timestamp {
    t + Duration::microseconds(1)
}

/// The time zone a report's times are written in: its holder's.
pub fn zone_of(report: &Report, orgs: &OrgTree) -> Zone {
    orgs.zone_of(report.instansi.unwrap_or(report.screening_desk))
}

/// One service request. Nothing of the reporter is written, whatever the report holds.
fn request(r: &Report, notes: Option<&str>, reference: &Reference) -> Node {
    let orgs = &reference.orgs;
    let zone = zone_of(r, orgs);
    let category = r.category.and_then(|c| reference.categories.get(c));
    let updated = match (r.status, r.closed_at) {
        (Status::Closed, Some(at)) => at,
        _ => r.updated_at,
    };
    Node::Object(vec![
        ("service_request_id", Node::text(r.tracking.as_str())),
        ("status", Node::text(if r.status.is_open() { "open" } else { "closed" })),
        ("status_notes", Node::opt_text(notes)),
        ("service_name", Node::opt_text(category.map(|c| c.name_id.clone()))),
        // Required by the schema: a report not yet classified has no service.
        ("service_code", Node::text(category.map_or("", |c| c.code.as_str()))),
        ("description", Node::text(shorten(r.description.as_str(), MAX_DESCRIPTION))),
        ("agency_responsible", Node::text(agency(r, orgs))),
        ("service_notice", Node::Null),
        ("requested_datetime", Node::text(datetime(r.submitted_at, zone))),
        ("updated_datetime", Node::text(datetime(updated, zone))),
        ("expected_datetime", Node::opt_text(expected(r).map(|t| datetime(t, zone)))),
        ("address", Node::opt_text(r.location.address.clone())),
        ("address_id", Node::opt_text(r.location.region.as_ref().map(|c| c.as_str()))),
        ("zipcode", Node::Null),
        ("lat", Node::opt_float(r.location.point.map(|p| p.lat))),
        ("long", Node::opt_float(r.location.point.map(|p| p.lon))),
        // Attachments are served to the report's own viewers only; no public address.
        ("media_url", Node::Null),
    ])
}

/// The instansi and the units it gave the report to; before that, the screening desk.
fn agency(r: &Report, orgs: &OrgTree) -> String {
    let Some(instansi) = r.instansi else { return orgs.name_of(r.screening_desk).to_string() };
    let units: Vec<&str> = r.units.iter().map(|u| orgs.name_of(u.unit)).collect();
    if units.is_empty() {
        orgs.name_of(instansi).to_string()
    } else {
        format!("{} — {}", orgs.name_of(instansi), units.join(", "))
    }
}

/// The due time of the running clock that ends in the fulfilment: completion, else the
/// follow-up, else the verification. Empty where the view has no deadlines (the public's).
fn expected(r: &Report) -> Option<Timestamp> {
    [ClockKind::Completion, ClockKind::FollowUp, ClockKind::Verification]
        .into_iter()
        .find_map(|clock| r.active_clock(clock).filter(|d| d.is_running()).map(|d| d.due_at))
}

/// The words an event carries: an answer, a reason, a note, a comment.
pub fn event_text(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::Answered { text, .. }
        | EventKind::InfoRequested { question: text }
        | EventKind::InfoProvided { text, .. }
        | EventKind::ReporterReplied { text, .. }
        | EventKind::InternalNote { text } => Some(text.as_str()),
        EventKind::ClosedOutside { reason }
        | EventKind::Appealed { reason }
        | EventKind::ReturnedNotAuthority { reason, .. }
        | EventKind::HandedBack { reason, .. } => Some(reason.as_str()),
        EventKind::Disposed { note, .. } | EventKind::Archived { note, .. } | EventKind::Restored { note } => {
            note.as_ref().map(|n| n.as_str())
        }
        EventKind::Rated { comment, .. } => comment.as_ref().map(|c| c.as_str()),
        EventKind::Submitted { .. }
        | EventKind::Edited { .. }
        | EventKind::Verified { .. }
        | EventKind::Accepted
        | EventKind::AutoClosed
        | EventKind::DeadlineMissed { .. }
        | EventKind::OmbudsmanFlagged => None,
    }
}

/// At most `max` characters, the last one an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `GET tokens/{token}`: `POST requests` answers with the service_request_id at once and
/// never with a token, so no token exists.
pub fn token(token: &str) -> Reply {
    Err(Open311Error::not_found(format!(
        "token {token} not found: this server issues no tokens, POST requests returns the service_request_id"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortening_counts_characters() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "ab…");
        assert_eq!(shorten(&"é".repeat(4001), 4000).chars().count(), 4000);
    }
}
