//! What one report contributes to the cells: first its [`Facts`] (everything the measures
//! need to know about it, read from its stored state), then the cells of those facts.

use super::counters::{Cells, Counters, Field, Stage};
use super::{Breakdown, CellKey, Period};
use crate::calendar::HolidayCalendar;
use crate::deadline::{ClockKind, ClockState, Deadline, compute_due};
use crate::ids::{CategoryId, OrgId};
use crate::org::OrgTree;
use crate::region::{RegionCode, RegionLevel};
use crate::report::{Channel, Report};
use crate::status::Status;
use crate::time::{Timestamp, Zone};
use serde::{Deserialize, Serialize};

/// The cells a report adds to the totals, as it is stored now.
///
/// A function of the report and the reference data only — never of the current time —
/// so that `contribution(after) − contribution(before)` keeps the cells exact.
pub fn contribution(report: &Report, calendar: &HolidayCalendar, orgs: &OrgTree) -> Cells {
    Facts::of(report, calendar, orgs).cells()
}

/// What a store applies for a change: `contribution(after) − contribution(before)`, with
/// `None` for a report that did not exist before (filing) or no longer exists (deletion).
pub fn delta(before: Option<&Report>, after: Option<&Report>, calendar: &HolidayCalendar, orgs: &OrgTree) -> Cells {
    let cells = |r: Option<&Report>| r.map(|r| contribution(r, calendar, orgs)).unwrap_or_default();
    Cells::delta(&cells(before), &cells(after))
}

/// The level at which the region breakdown of an organisation's cells counts reports: a
/// local government sees its districts (kecamatan), every other organisation and the
/// national roll-up see regencies (kabupaten/kota).
pub fn region_level(orgs: &OrgTree, org: Option<OrgId>) -> RegionLevel {
    let own = org.and_then(|o| orgs.get(o)).and_then(|o| o.region.as_ref()).map(RegionCode::level);
    match own {
        Some(RegionLevel::Regency | RegionLevel::District | RegionLevel::Village) => RegionLevel::District,
        Some(RegionLevel::Province) | None => RegionLevel::Regency,
    }
}

/// Everything the measures need to know about one report, with the working days already
/// counted. Small and serialisable: a store may keep it beside the report and subtract
/// its cells on the next change, which makes the cells immune to later changes of the
/// holiday calendar or the organisation tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The organisation accountable for it now (see [`CellKey::org`]).
    pub org: OrgId,
    pub units: Vec<OrgId>,
    pub category: Option<CategoryId>,
    pub channel: Channel,
    /// The incident's region at [`region_level`] of `org`.
    pub region: Option<RegionCode>,
    /// The incident's regency, for the national roll-up.
    pub national_region: Option<RegionCode>,
    /// The month of submission, in the screening desk's zone (where it was submitted), so
    /// that routing the report to an instansi in another zone does not move its intake.
    pub submitted: Period,
    pub status: Status,
    /// Clocks marked overdue that still run, and [`ClockKind::Ombudsman`] when the open
    /// report is flagged.
    pub overdue: Vec<ClockKind>,
    /// Present while the report is in a verified status.
    pub cohort: Option<Cohort>,
}

/// The measures of a verified report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    /// The month of first verification, in the zone of the organisation it is with.
    pub verified: Period,
    /// `None` when the report has no record of its verification clock (imported).
    pub verified_on_time: Option<bool>,
    pub to_verification: Option<u32>,
    pub answered: bool,
    /// `None` while the answer is not late yet, or without a clock record.
    pub answered_on_time: Option<bool>,
    pub to_first_answer: Option<u32>,
    pub closed: bool,
    pub to_closure: Option<u32>,
    pub stars: Option<u8>,
}

impl Facts {
    pub fn of(report: &Report, calendar: &HolidayCalendar, orgs: &OrgTree) -> Facts {
        let org = report.instansi.unwrap_or(report.screening_desk);
        let zone = orgs.zone_of(org);
        let region = |level| report.location.region.as_ref().map(|r| r.at_level(level));
        Facts {
            org,
            units: report.units.iter().map(|u| u.unit).collect(),
            category: report.category,
            channel: report.channel,
            region: region(region_level(orgs, Some(org))),
            national_region: region(region_level(orgs, None)),
            submitted: Period::of(report.submitted_at, orgs.zone_of(report.screening_desk)),
            status: report.status,
            overdue: overdue_clocks(report),
            cohort: cohort(report, calendar, zone),
        }
    }

    /// The cells of these facts: every breakdown, for the organisation and for the
    /// national roll-up, in the intake month and the cohort month.
    pub fn cells(&self) -> Cells {
        let (intake, cohort) = (self.intake_counters(), self.cohort.as_ref().map(Cohort::counters));
        let mut cells = Cells::new();
        for org in [Some(self.org), None] {
            for breakdown in self.breakdowns(org) {
                let key = |period| CellKey { period, org, breakdown: breakdown.clone() };
                cells.add_to(key(self.submitted), &intake);
                if let (Some(c), Some(counters)) = (&self.cohort, &cohort) {
                    cells.add_to(key(c.verified), counters);
                }
            }
        }
        cells
    }

    fn breakdowns(&self, org: Option<OrgId>) -> Vec<Breakdown> {
        let region = if org.is_some() { &self.region } else { &self.national_region };
        let mut out = vec![
            Breakdown::Total,
            Breakdown::Category(self.category),
            Breakdown::Channel(self.channel),
            Breakdown::Region(region.clone()),
        ];
        if org.is_some() {
            out.extend(self.units.iter().map(|u| Breakdown::Unit(*u)));
        }
        out
    }

    fn intake_counters(&self) -> Counters {
        let mut c = Counters::new();
        c.bump(Field::Submitted, 1);
        if self.status == Status::Archived {
            c.bump(Field::Archived, 1);
        }
        if self.status.is_open() {
            c.bump(Field::Open(self.status), 1);
        }
        for clock in &self.overdue {
            c.bump(Field::Overdue(*clock), 1);
        }
        c
    }
}

impl Cohort {
    fn counters(&self) -> Counters {
        let mut c = Counters::new();
        let mut count = |yes: bool, field| {
            if yes {
                c.bump(field, 1);
            }
        };
        count(true, Field::Verified);
        count(self.verified_on_time == Some(true), Field::VerifiedOnTime);
        count(self.verified_on_time == Some(false), Field::VerifiedLate);
        count(self.answered, Field::Answered);
        count(self.answered_on_time == Some(true), Field::AnsweredOnTime);
        count(self.answered_on_time == Some(false), Field::AnsweredLate);
        count(self.closed, Field::Closed);
        for (stage, days) in [
            (Stage::Verification, self.to_verification),
            (Stage::FirstAnswer, self.to_first_answer),
            (Stage::Closure, self.to_closure),
        ] {
            if let Some(days) = days {
                c.bump(Field::Days(stage, days), 1);
            }
        }
        if let Some(stars) = self.stars {
            c.bump(Field::Rated, 1);
            c.bump(Field::RatingSum, i64::from(stars));
            if stars >= 4 {
                c.bump(Field::RatedFourPlus, 1);
            }
        }
        c
    }
}

/// Staff clocks still running that the scheduler marked overdue, and the Ombudsman flag
/// of an open report. Read from marks, not from `now`: see the module documentation.
fn overdue_clocks(report: &Report) -> Vec<ClockKind> {
    let mut clocks: Vec<ClockKind> = report
        .deadlines
        .iter()
        .filter(|d| d.clock.is_staff_sla() && d.state == ClockState::Running && d.overdue_at.is_some())
        .map(|d| d.clock)
        .collect();
    if report.status.is_open() && report.ombudsman_flagged_at.is_some() {
        clocks.push(ClockKind::Ombudsman);
    }
    clocks.sort();
    clocks.dedup();
    clocks
}

fn cohort(report: &Report, calendar: &HolidayCalendar, zone: Zone) -> Option<Cohort> {
    if !report.status.is_verified() {
        return None;
    }
    let verified_at = report.verified_at?;
    let verification = verification_clock(report, verified_at);
    let first_answer = first_answer_clock(report);
    let closed = report.status == Status::Closed;
    let to_closure = match (closed, report.forwarded_at, report.closed_at) {
        (true, Some(from), Some(to)) => Some(working_days(calendar, from, to, zone)),
        _ => None,
    };
    Some(Cohort {
        verified: Period::of(verified_at, zone),
        verified_on_time: verification.and_then(Deadline::met),
        to_verification: verification.map(|d| active_working_days(d, calendar)),
        answered: report.first_answer_at.is_some(),
        answered_on_time: match first_answer {
            Some(d) => d.met(),
            None => follow_up_marked_overdue(report).then_some(false),
        },
        to_first_answer: first_answer.and_then(|d| Some(working_days(calendar, d.started_at, d.stopped_at?, d.zone))),
        closed,
        to_closure,
        stars: report.rating.as_ref().map(|r| r.stars),
    })
}

/// The verification clock the first verification stopped. (Archiving stops a
/// verification clock too; a restore or a return starts a new one.)
fn verification_clock(report: &Report, verified_at: Timestamp) -> Option<&Deadline> {
    report
        .deadlines
        .iter()
        .filter(|d| d.clock == ClockKind::Verification && d.state == ClockState::Stopped)
        .rfind(|d| d.stopped_at == Some(verified_at))
}

/// The follow-up clock the first published answer stopped: only answers stop follow-up
/// clocks (closing or re-routing cancels them) and only one runs at a time, so it is the
/// first one stopped.
fn first_answer_clock(report: &Report) -> Option<&Deadline> {
    report.deadlines.iter().find(|d| d.clock == ClockKind::FollowUp && d.state == ClockState::Stopped)
}

fn follow_up_marked_overdue(report: &Report) -> bool {
    report
        .deadlines
        .iter()
        .any(|d| d.clock == ClockKind::FollowUp && d.state == ClockState::Running && d.overdue_at.is_some())
}

fn working_days(calendar: &HolidayCalendar, from: Timestamp, to: Timestamp, zone: Zone) -> u32 {
    u32::try_from(calendar.working_days_between(from, to, zone).0).unwrap_or(0)
}

/// Working days a stopped clock ran, without the days it was paused. A pause that began
/// before the due date pushed the due date by exactly the working days paused, so the
/// pause is the distance between the due date the clock started with and its last one.
fn active_working_days(d: &Deadline, calendar: &HolidayCalendar) -> u32 {
    let Some(stopped) = d.stopped_at else { return 0 };
    let elapsed = calendar.working_days_between(d.started_at, stopped, d.zone).0;
    let (first_due, _) = compute_due(d.started_at, d.limit, d.zone, calendar);
    let paused = calendar.working_days_between(first_due, d.due_at, d.zone).0;
    u32::try_from(elapsed - paused).unwrap_or(0)
}
