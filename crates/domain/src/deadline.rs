//! The clocks of a report. A clock only moves forward: pausing and resuming may push its
//! due date later, never earlier.

use crate::calendar::{Assumed, HolidayCalendar};
use crate::ids::OrgId;
use crate::time::{Timestamp, Zone};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Submitted → verified or archived (pauses while `needs_info`).
    Verification,
    /// Forwarded (or reopened) → first published answer.
    FollowUp,
    /// Answer published → reporter reply; then the report closes by itself.
    AutoClose,
    /// Information requested → reporter reply; then the report is archived.
    InfoExpiry,
    /// Forwarded → closed, by complexity (optional).
    Completion,
    /// Submitted → closed, in calendar days; then flagged for the Ombudsman.
    Ombudsman,
}

impl ClockKind {
    pub const ALL: [ClockKind; 6] = [
        ClockKind::Verification,
        ClockKind::FollowUp,
        ClockKind::AutoClose,
        ClockKind::InfoExpiry,
        ClockKind::Completion,
        ClockKind::Ombudsman,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::Verification => "verification",
            ClockKind::FollowUp => "follow_up",
            ClockKind::AutoClose => "auto_close",
            ClockKind::InfoExpiry => "info_expiry",
            ClockKind::Completion => "completion",
            ClockKind::Ombudsman => "ombudsman",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ClockKind::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Clocks that measure staff and are marked overdue when missed. The others trigger
    /// an automatic action instead (close, archive, flag).
    pub fn is_staff_sla(self) -> bool {
        matches!(self, ClockKind::Verification | ClockKind::FollowUp | ClockKind::Completion)
    }

    pub fn label_id(self) -> &'static str {
        match self {
            ClockKind::Verification => "Verifikasi",
            ClockKind::FollowUp => "Tindak lanjut",
            ClockKind::AutoClose => "Selesai otomatis",
            ClockKind::InfoExpiry => "Batas kelengkapan",
            ClockKind::Completion => "Penyelesaian",
            ClockKind::Ombudsman => "Eskalasi Ombudsman",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ClockKind::Verification => "Verification",
            ClockKind::FollowUp => "Follow-up",
            ClockKind::AutoClose => "Automatic closing",
            ClockKind::InfoExpiry => "Information deadline",
            ClockKind::Completion => "Completion",
            ClockKind::Ombudsman => "Ombudsman escalation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "count")]
pub enum Limit {
    WorkingDays(u32),
    CalendarDays(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    /// Waiting on the reporter (`needs_info`); does not count.
    Paused,
    /// What the clock waited for happened (compare `stopped_at` with `due_at`).
    Stopped,
    /// Ran out and the system acted on it (auto-close, archive after no reply).
    Expired,
    /// No longer applies (re-routed, archived, reopened).
    Cancelled,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Stopped => "stopped",
            ClockState::Expired => "expired",
            ClockState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ClockState::Running, ClockState::Paused, ClockState::Stopped, ClockState::Expired, ClockState::Cancelled]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    pub fn is_active(self) -> bool {
        matches!(self, ClockState::Running | ClockState::Paused)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// Position among the report's clocks; unique per report, never reused.
    pub seq: u32,
    pub clock: ClockKind,
    /// The organisation the clock holds to account; its time zone counts the days.
    pub holder: OrgId,
    pub zone: Zone,
    pub limit: Limit,
    pub started_at: Timestamp,
    pub due_at: Timestamp,
    pub state: ClockState,
    pub paused_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    /// When the overdue job noticed the deadline was missed (or the Ombudsman flag was set).
    pub overdue_at: Option<Timestamp>,
    /// Years counted without holiday data: the due date may be too early.
    pub assumed_years: Vec<i32>,
}

impl Deadline {
    pub fn start(
        seq: u32,
        clock: ClockKind,
        holder: OrgId,
        zone: Zone,
        limit: Limit,
        started_at: Timestamp,
        calendar: &HolidayCalendar,
    ) -> Self {
        let (due_at, assumed) = compute_due(started_at, limit, zone, calendar);
        Deadline {
            seq,
            clock,
            holder,
            zone,
            limit,
            started_at,
            due_at,
            state: ClockState::Running,
            paused_at: None,
            stopped_at: None,
            overdue_at: None,
            assumed_years: assumed.years_without_data.into_iter().collect(),
        }
    }

    pub fn is_running(&self) -> bool {
        self.state == ClockState::Running
    }

    /// Past due and still running at `now`.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.is_running() && now > self.due_at
    }

    /// For a stopped clock: whether it stopped in time.
    pub fn met(&self) -> Option<bool> {
        match (self.state, self.stopped_at) {
            (ClockState::Stopped, Some(at)) => Some(at <= self.due_at),
            _ => None,
        }
    }

    pub fn pause(&mut self, at: Timestamp) {
        if self.state == ClockState::Running {
            self.state = ClockState::Paused;
            self.paused_at = Some(at);
        }
    }

    /// Resumes a paused clock, adding the working days spent paused to its due date.
    pub fn resume(&mut self, at: Timestamp, calendar: &HolidayCalendar) {
        if self.state != ClockState::Paused {
            return;
        }
        if let Some(paused_at) = self.paused_at.take()
            && paused_at < self.due_at
        {
            let extended = match self.limit {
                Limit::WorkingDays(_) => {
                    let (left, _) = calendar.working_days_between(paused_at, self.due_at, self.zone);
                    let (due, assumed) = calendar.add_working_days(at, u32::try_from(left).unwrap_or(0), self.zone);
                    self.note_assumed(assumed);
                    due
                }
                Limit::CalendarDays(_) => self.due_at + (at - paused_at),
            };
            // Never earlier than before: a clock does not run backwards.
            self.due_at = self.due_at.max(extended);
        }
        self.state = ClockState::Running;
    }

    pub fn stop(&mut self, at: Timestamp) {
        self.finish(ClockState::Stopped, at);
    }

    pub fn expire(&mut self, at: Timestamp) {
        self.finish(ClockState::Expired, at);
    }

    pub fn cancel(&mut self, at: Timestamp) {
        self.finish(ClockState::Cancelled, at);
    }

    fn finish(&mut self, state: ClockState, at: Timestamp) {
        if self.state.is_active() {
            self.state = state;
            self.stopped_at = Some(at);
            self.paused_at = None;
        }
    }

    fn note_assumed(&mut self, assumed: Assumed) {
        for y in assumed.years_without_data {
            if !self.assumed_years.contains(&y) {
                self.assumed_years.push(y);
            }
        }
        self.assumed_years.sort_unstable();
    }
}

/// The due instant of a limit started at `start`.
pub fn compute_due(start: Timestamp, limit: Limit, zone: Zone, calendar: &HolidayCalendar) -> (Timestamp, Assumed) {
    match limit {
        Limit::WorkingDays(n) => calendar.add_working_days(start, n, zone),
        Limit::CalendarDays(n) => {
            let date = zone.local_date(start) + chrono::Days::new(u64::from(n));
            (zone.end_of_day(date), Assumed::default())
        }
    }
}

/// How a running deadline stands, for the badge beside a report in a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    OnTime,
    /// Due by the end of the next working day.
    DueSoon,
    Overdue,
}

impl Standing {
    /// Where a deadline due at `due` stands at `now`, counted in the holder's `zone`.
    pub fn of(due: Timestamp, now: Timestamp, zone: Zone, calendar: &HolidayCalendar) -> Standing {
        if now > due {
            Standing::Overdue
        } else if calendar.add_working_days(now, 1, zone).0 >= due {
            Standing::DueSoon
        } else {
            Standing::OnTime
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::OnTime => "on_time",
            Standing::DueSoon => "due_soon",
            Standing::Overdue => "overdue",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn pausing_moves_the_due_date_by_the_working_days_spent_paused() {
        let cal = HolidayCalendar::new();
        // Monday 2 March 2026 09:00 WIB, 3 working days → Thursday 5 March.
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let mut d =
            Deadline::start(0, ClockKind::Verification, OrgId(1), Zone::Wib, Limit::WorkingDays(3), start, &cal);
        assert_eq!(Zone::Wib.local_date(d.due_at), NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
        // Paused on Tuesday, resumed the next Monday: 4 working days paused.
        d.pause(Utc.with_ymd_and_hms(2026, 3, 3, 2, 0, 0).unwrap());
        d.resume(Utc.with_ymd_and_hms(2026, 3, 9, 2, 0, 0).unwrap(), &cal);
        assert_eq!(Zone::Wib.local_date(d.due_at), NaiveDate::from_ymd_opt(2026, 3, 11).unwrap());
        assert!(d.is_running());
    }

    #[test]
    fn same_day_pause_changes_nothing_and_overdue_stays_overdue() {
        let cal = HolidayCalendar::new();
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let mut d =
            Deadline::start(0, ClockKind::Verification, OrgId(1), Zone::Wib, Limit::WorkingDays(3), start, &cal);
        let due = d.due_at;
        d.pause(Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap());
        d.resume(Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).unwrap(), &cal);
        assert_eq!(d.due_at, due);
        // Paused after the deadline passed: resuming does not forgive it.
        d.pause(Utc.with_ymd_and_hms(2026, 3, 10, 3, 0, 0).unwrap());
        d.resume(Utc.with_ymd_and_hms(2026, 3, 20, 3, 0, 0).unwrap(), &cal);
        assert_eq!(d.due_at, due);
    }

    #[test]
    fn stopping_records_whether_it_was_met() {
        let cal = HolidayCalendar::new();
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let mut d = Deadline::start(0, ClockKind::FollowUp, OrgId(1), Zone::Wib, Limit::WorkingDays(5), start, &cal);
        d.stop(Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap());
        assert_eq!(d.met(), Some(false));
        let mut d2 = Deadline::start(1, ClockKind::FollowUp, OrgId(1), Zone::Wib, Limit::WorkingDays(5), start, &cal);
        d2.stop(Utc.with_ymd_and_hms(2026, 3, 9, 2, 0, 0).unwrap());
        assert_eq!(d2.met(), Some(true));
        // A finished clock does not start again.
        d2.cancel(Utc.with_ymd_and_hms(2026, 3, 11, 2, 0, 0).unwrap());
        assert_eq!(d2.state, ClockState::Stopped);
    }

    #[test]
    fn calendar_days_end_at_the_end_of_the_local_day() {
        let cal = HolidayCalendar::new();
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 2, 0, 0).unwrap();
        let d = Deadline::start(0, ClockKind::Ombudsman, OrgId(1), Zone::Wit, Limit::CalendarDays(60), start, &cal);
        assert_eq!(d.due_at, Zone::Wit.end_of_day(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()));
    }

    #[test]
    fn standing_counts_the_next_working_day_across_a_weekend() {
        let cal = HolidayCalendar::new();
        // Friday 6 March 2026 10:00 WITA; due the end of Monday 9 March (WITA).
        let now = Utc.with_ymd_and_hms(2026, 3, 6, 2, 0, 0).unwrap();
        let monday_end = Zone::Wita.end_of_day(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
        let tuesday_end = Zone::Wita.end_of_day(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
        assert_eq!(Standing::of(monday_end, now, Zone::Wita, &cal), Standing::DueSoon);
        assert_eq!(Standing::of(tuesday_end, now, Zone::Wita, &cal), Standing::OnTime);
        assert_eq!(Standing::of(now - chrono::Duration::seconds(1), now, Zone::Wita, &cal), Standing::Overdue);
    }
}
