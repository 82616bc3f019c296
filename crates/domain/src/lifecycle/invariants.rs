//! What must hold of every report, whatever happened to it. Tests check these after
//! every step; the store suite checks them after a round trip.

use crate::deadline::{ClockKind, ClockState};
use crate::report::Report;
use crate::status::Status;

/// Every status change the lifecycle allows (docs/DOMAIN.md §4). An action that keeps the
/// status (a note, a progress answer, a rating) is not a move.
pub const ALLOWED_MOVES: &[(Status, Status)] = &[
    (Status::Submitted, Status::Forwarded),  // verify
    (Status::Submitted, Status::NeedsInfo),  // request information
    (Status::Submitted, Status::Archived),   // archive
    (Status::NeedsInfo, Status::Submitted),  // the reporter answers
    (Status::NeedsInfo, Status::Archived),   // archive, or no answer in time
    (Status::Archived, Status::Submitted),   // restore
    (Status::Forwarded, Status::Submitted),  // return: not our authority
    (Status::Forwarded, Status::InProgress), // dispose to units
    (Status::Forwarded, Status::Responded),  // the coordinator answers for the instansi
    (Status::Forwarded, Status::Closed),     // closed, answered outside the system
    (Status::InProgress, Status::Forwarded), // the last unit hands it back
    (Status::InProgress, Status::Responded), // every unit's final answer is in
    (Status::InProgress, Status::Closed),    // closed, answered outside the system
    (Status::Responded, Status::InProgress), // the reporter replies
    (Status::Responded, Status::Forwarded),  // the reporter replies (no units)
    (Status::Responded, Status::Closed),     // accepted, or no reply in time
    (Status::Closed, Status::InProgress),    // appeal
    (Status::Closed, Status::Forwarded),     // appeal (no units)
];

/// The rules a report breaks, in words; empty when it is consistent.
pub fn invariant_violations(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            v.push(format!("{}: {what}", r.status));
        }
    };
    let active = |k: ClockKind| r.deadlines.iter().filter(|d| d.clock == k && d.state.is_active()).count();
    for k in ClockKind::ALL {
        need(active(k) <= 1, &format!("at most one active {} clock", k.as_str()));
    }
    let state = |k: ClockKind| r.active_clock(k).map(|d| d.state);
    need(r.involved.contains(&r.screening_desk), "the screening desk is involved");
    if let Some(i) = r.instansi {
        need(r.involved.contains(&i), "the instansi is involved");
    }
    need(r.units.iter().all(|u| r.involved.contains(&u.unit)), "every unit is involved");
    let mut units: Vec<_> = r.units.iter().map(|u| u.unit).collect();
    units.sort();
    units.dedup();
    need(units.len() == r.units.len(), "units are distinct");
    need(r.rating.is_none() || r.status == Status::Closed, "only a closed report has a rating");
    need(r.closure.is_some() == (r.status == Status::Closed), "a closure exactly when closed");
    need(r.closed_at.is_some() == (r.status == Status::Closed), "closed_at exactly when closed");
    need(r.archive_reason.is_some() == (r.status == Status::Archived), "an archive reason exactly when archived");
    let seqs: Vec<u32> = r.deadlines.iter().map(|d| d.seq).collect();
    need(seqs.windows(2).all(|w| w[0] < w[1]), "clock numbers increase");
    need(r.deadlines.iter().all(|d| d.due_at >= d.started_at), "no clock is due before it starts");
    need(
        r.deadlines.iter().all(|d| d.state.is_active() == d.stopped_at.is_none()),
        "finished clocks have a stop time, active ones none",
    );
    match r.status {
        Status::Submitted => {
            need(r.instansi.is_none() && r.units.is_empty(), "not with an instansi");
            need(state(ClockKind::Verification) == Some(ClockState::Running), "verification clock running");
            need(active(ClockKind::InfoExpiry) == 0, "no information request pending");
        }
        Status::NeedsInfo => {
            need(r.instansi.is_none() && r.units.is_empty(), "not with an instansi");
            need(state(ClockKind::Verification) == Some(ClockState::Paused), "verification clock paused");
            need(state(ClockKind::InfoExpiry) == Some(ClockState::Running), "information clock running");
        }
        Status::Archived => {
            need(r.instansi.is_none() && r.units.is_empty(), "not with an instansi");
            need(r.deadlines.iter().all(|d| !d.state.is_active()), "no clock runs");
        }
        Status::Forwarded => {
            need(r.instansi.is_some() && r.units.is_empty(), "with an instansi, no unit");
            need(r.verified_at.is_some(), "verified");
            need(active(ClockKind::Verification) == 0, "verification finished");
        }
        Status::InProgress => {
            need(r.instansi.is_some() && !r.units.is_empty(), "with units");
            need(r.units.iter().any(|u| u.final_answer_at.is_none()), "a unit still has to answer");
        }
        Status::Responded => {
            need(r.instansi.is_some(), "with an instansi");
            need(r.responded_at.is_some() && r.first_answer_at.is_some(), "answered");
            need(state(ClockKind::AutoClose) == Some(ClockState::Running), "auto-close clock running");
            need(active(ClockKind::FollowUp) == 0, "follow-up finished");
        }
        Status::Closed => {
            need(r.deadlines.iter().all(|d| !d.state.is_active()), "no clock runs");
        }
    }
    v
}
