//! The figures computed straight from reports, without cells: the reference the cells are
//! checked against. It reads every report, so it is for tests, conformance suites and
//! rebuild checks, never for a dashboard. Written independently of
//! [`super::contribution`] on purpose: the two agreeing is what the property test checks.

use super::figures::{Backlog, Durations, Figures, Overdue, Satisfaction, Volume, nearest_rank, ratio};
use super::{Breakdown, Filter, Period, region_level};
use crate::calendar::HolidayCalendar;
use crate::deadline::{ClockKind, ClockState, Deadline, compute_due};
use crate::org::OrgTree;
use crate::report::Report;
use crate::status::Status;
use crate::time::Zone;

/// The figures of the reports a filter covers.
pub fn figures_direct(reports: &[Report], filter: &Filter, calendar: &HolidayCalendar, orgs: &OrgTree) -> Figures {
    let mut tally = Tally::default();
    for r in reports {
        let org = r.instansi.unwrap_or(r.screening_desk);
        if filter.org.is_some_and(|o| o != org) || !in_breakdown(r, filter, orgs) {
            continue;
        }
        if filter.covers(Period::of(r.submitted_at, orgs.zone_of(r.screening_desk))) {
            tally.intake(r);
        }
        let zone = orgs.zone_of(org);
        if let Some(at) = r.verified_at
            && r.status.is_verified()
            && filter.covers(Period::of(at, zone))
        {
            tally.cohort(r, calendar, zone);
        }
    }
    tally.figures()
}

fn in_breakdown(r: &Report, filter: &Filter, orgs: &OrgTree) -> bool {
    match &filter.breakdown {
        Breakdown::Total => true,
        Breakdown::Category(c) => r.category == *c,
        Breakdown::Channel(c) => r.channel == *c,
        Breakdown::Region(code) => {
            let level = region_level(orgs, filter.org);
            r.location.region.as_ref().map(|x| x.at_level(level)) == *code
        }
        // Unit cells exist for an organisation's cells only.
        Breakdown::Unit(u) => filter.org.is_some() && r.units.iter().any(|a| a.unit == *u),
    }
}

#[derive(Default)]
struct Tally {
    volume: Volume,
    backlog: Backlog,
    overdue: Overdue,
    verified_on_time: (i64, i64),
    answered_on_time: (i64, i64),
    to_verification: Vec<i64>,
    to_first_answer: Vec<i64>,
    to_closure: Vec<i64>,
    stars: Vec<i64>,
}

impl Tally {
    fn intake(&mut self, r: &Report) {
        self.volume.submitted += 1;
        match r.status {
            Status::Archived => self.volume.archived += 1,
            Status::Submitted => self.backlog.submitted += 1,
            Status::NeedsInfo => self.backlog.needs_info += 1,
            Status::Forwarded => self.backlog.forwarded += 1,
            Status::InProgress => self.backlog.in_progress += 1,
            Status::Responded => self.backlog.responded += 1,
            Status::Closed => {}
        }
        for d in &r.deadlines {
            if d.state != ClockState::Running || d.overdue_at.is_none() {
                continue;
            }
            match d.clock {
                ClockKind::Verification => self.overdue.verification += 1,
                ClockKind::FollowUp => self.overdue.follow_up += 1,
                ClockKind::Completion => self.overdue.completion += 1,
                ClockKind::AutoClose | ClockKind::InfoExpiry | ClockKind::Ombudsman => {}
            }
        }
        if r.ombudsman_flagged_at.is_some() && r.status.is_open() {
            self.overdue.ombudsman += 1;
        }
    }

    fn cohort(&mut self, r: &Report, calendar: &HolidayCalendar, zone: Zone) {
        self.volume.verified += 1;
        let days = |from, to, zone| calendar.working_days_between(from, to, zone).0;

        // The verification clock stopped at the first verification; the last one if two
        // stopped at the same instant (archived, restored and verified at once).
        let mut verification = None;
        for d in &r.deadlines {
            if d.clock == ClockKind::Verification && d.state == ClockState::Stopped && d.stopped_at == r.verified_at {
                verification = Some(d);
            }
        }
        if let Some(d) = verification
            && let Some(stopped) = d.stopped_at
        {
            tick(&mut self.verified_on_time, stopped <= d.due_at);
            let paused = days(compute_due(d.started_at, d.limit, d.zone, calendar).0, d.due_at, d.zone);
            self.to_verification.push((days(d.started_at, stopped, d.zone) - paused).max(0));
        }

        if r.first_answer_at.is_some() {
            self.volume.answered += 1;
        }
        let follow_ups: Vec<&Deadline> = r.deadlines.iter().filter(|d| d.clock == ClockKind::FollowUp).collect();
        match follow_ups.iter().find(|d| d.state == ClockState::Stopped).and_then(|d| Some((d, d.stopped_at?))) {
            Some((d, stopped)) => {
                tick(&mut self.answered_on_time, stopped <= d.due_at);
                self.to_first_answer.push(days(d.started_at, stopped, d.zone));
            }
            None => {
                if follow_ups.iter().any(|d| d.state == ClockState::Running && d.overdue_at.is_some()) {
                    tick(&mut self.answered_on_time, false);
                }
            }
        }

        if r.status == Status::Closed {
            self.volume.closed += 1;
            if let (Some(from), Some(to)) = (r.forwarded_at, r.closed_at) {
                self.to_closure.push(days(from, to, zone));
            }
        }
        if let Some(rating) = &r.rating {
            self.stars.push(i64::from(rating.stars));
        }
    }

    fn figures(mut self) -> Figures {
        let share = |(yes, no): (i64, i64)| ratio(yes, yes + no);
        let rated = self.stars.len() as i64;
        Figures {
            volume: self.volume,
            completion_rate: ratio(self.volume.closed, self.volume.verified),
            follow_up_rate: ratio(self.volume.answered, self.volume.verified),
            verified_on_time: share(self.verified_on_time),
            answered_on_time: share(self.answered_on_time),
            to_verification: sorted_durations(&mut self.to_verification),
            to_first_answer: sorted_durations(&mut self.to_first_answer),
            to_closure: sorted_durations(&mut self.to_closure),
            backlog: self.backlog,
            overdue: self.overdue,
            satisfaction: Satisfaction {
                rated,
                mean: ratio(self.stars.iter().sum(), rated),
                share_4_plus: ratio(self.stars.iter().filter(|s| **s >= 4).count() as i64, rated),
            },
        }
    }
}

/// Counts an outcome as (on time, late).
fn tick(counts: &mut (i64, i64), on_time: bool) {
    if on_time {
        counts.0 += 1;
    } else {
        counts.1 += 1;
    }
}

fn sorted_durations(values: &mut [i64]) -> Durations {
    if values.is_empty() {
        return Durations::default();
    }
    values.sort_unstable();
    let n = values.len() as i64;
    let at =
        |percent| usize::try_from(nearest_rank(n, percent) - 1).ok().and_then(|i| values.get(i)).map(|v| *v as u32);
    Durations { count: n, median: at(50), p90: at(90) }
}
