//! Working days: Monday to Friday minus national holidays and cuti bersama.
//!
//! The calendar knows which years it has data for. Counting through a year without data
//! still gives an answer (weekends only) but says so, so the gap can be shown as a
//! warning instead of silently producing a wrong deadline.

use crate::time::{Timestamp, Zone};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// Hari libur nasional.
    Public,
    /// Cuti bersama: a collective leave day for civil servants; offices are closed.
    CutiBersama,
}

impl HolidayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::Public => "public",
            HolidayKind::CutiBersama => "cuti_bersama",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "public" => Some(HolidayKind::Public),
            "cuti_bersama" => Some(HolidayKind::CutiBersama),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub name: String,
}

/// Why a holiday list was refused. Nothing is loaded when any line is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("the file has no holidays")]
    Empty,
    #[error("the file mixes years {0} and {1}; load one year per file")]
    MixedYears(i32, i32),
}

/// Parses the holiday file format shipped in `data/holidays/` (`date,kind,name`, with a
/// header line). The whole file is refused if one line is wrong.
pub fn parse_holiday_csv(text: &str) -> Result<(i32, Vec<Holiday>), CalendarError> {
    let mut holidays = Vec::new();
    let mut year = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() || (index == 0 && raw.trim_start().starts_with("date")) {
            continue;
        }
        let bad = |message: String| CalendarError::Line { line, message };
        let mut parts = raw.splitn(3, ',');
        let date = parts.next().unwrap_or_default().trim();
        let kind = parts.next().unwrap_or_default();
        let name = unquote(parts.next().unwrap_or_default().trim());
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| bad(format!("{date:?} is not a date like 2026-03-20")))?;
        let kind =
            HolidayKind::parse(kind).ok_or_else(|| bad(format!("{kind:?} is not `public` or `cuti_bersama`")))?;
        if name.is_empty() {
            return Err(bad("the holiday has no name".into()));
        }
        match year {
            None => year = Some(date.year()),
            Some(y) if y != date.year() => return Err(CalendarError::MixedYears(y, date.year())),
            Some(_) => {}
        }
        holidays.push(Holiday { date, kind, name });
    }
    let year = year.ok_or(CalendarError::Empty)?;
    holidays.sort_by_key(|h| h.date);
    Ok((year, holidays))
}

fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_string(),
    }
}

/// Writes holidays in the same format [`parse_holiday_csv`] reads.
pub fn holiday_csv(holidays: &[Holiday]) -> String {
    let mut out = String::from("date,kind,name\n");
    for h in holidays {
        let name =
            if h.name.contains([',', '"']) { format!("\"{}\"", h.name.replace('"', "\"\"")) } else { h.name.clone() };
        out.push_str(&format!("{},{},{}\n", h.date, h.kind.as_str(), name));
    }
    out
}

/// A result computed partly on assumed data: the years listed had no holiday list, so
/// only weekends were skipped in them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumed {
    pub years_without_data: BTreeSet<i32>,
}

impl Assumed {
    pub fn is_exact(&self) -> bool {
        self.years_without_data.is_empty()
    }
}

impl fmt::Display for Assumed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let years: Vec<String> = self.years_without_data.iter().map(|y| y.to_string()).collect();
        write!(f, "no holiday data for {}; only weekends were skipped", years.join(", "))
    }
}

/// The set of holiday years the deployment knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, Vec<Holiday>>,
    by_date: BTreeMap<NaiveDate, usize>,
}

impl HolidayCalendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces one year's list. Dates outside `year` are refused.
    pub fn set_year(&mut self, year: i32, holidays: Vec<Holiday>) -> Result<(), CalendarError> {
        if let Some(h) = holidays.iter().find(|h| h.date.year() != year) {
            return Err(CalendarError::MixedYears(year, h.date.year()));
        }
        self.years.insert(year, holidays);
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.by_date.clear();
        for list in self.years.values() {
            for (i, h) in list.iter().enumerate() {
                self.by_date.insert(h.date, i);
            }
        }
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn holidays(&self, year: i32) -> &[Holiday] {
        self.years.get(&year).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        let index = *self.by_date.get(&date)?;
        self.years.get(&date.year())?.get(index)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && self.holiday(date).is_none()
    }

    /// The deadline `n` working days after `start`: the end (23:59:59 local) of the n-th
    /// working day after the local date of `start`, in `zone`.
    pub fn add_working_days(&self, start: Timestamp, n: u32, zone: Zone) -> (Timestamp, Assumed) {
        let mut assumed = Assumed::default();
        let mut date = zone.local_date(start);
        let mut counted = 0;
        while counted < n {
            date = date.succ_opt().unwrap_or(date);
            self.note_year(date, &mut assumed);
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        (zone.end_of_day(date), assumed)
    }

    /// Working days elapsed from `from` to `to`: the working days after the local date of
    /// `from` up to and including the local date of `to`. Zero when `to` is not later.
    pub fn working_days_between(&self, from: Timestamp, to: Timestamp, zone: Zone) -> (i64, Assumed) {
        let mut assumed = Assumed::default();
        let mut date = zone.local_date(from);
        let end = zone.local_date(to);
        let mut counted = 0;
        while date < end {
            date = date.succ_opt().unwrap_or(end);
            self.note_year(date, &mut assumed);
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        (counted, assumed)
    }

    fn note_year(&self, date: NaiveDate, assumed: &mut Assumed) {
        if !self.covers(date.year()) {
            assumed.years_without_data.insert(date.year());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar_2026() -> HolidayCalendar {
        let mut c = HolidayCalendar::new();
        let list = [
            (d(2026, 3, 18), HolidayKind::CutiBersama),
            (d(2026, 3, 19), HolidayKind::Public),
            (d(2026, 3, 20), HolidayKind::Public),
            (d(2026, 3, 21), HolidayKind::Public),
            (d(2026, 3, 23), HolidayKind::CutiBersama),
            (d(2026, 3, 24), HolidayKind::CutiBersama),
        ];
        let holidays = list.iter().map(|(date, kind)| Holiday { date: *date, kind: *kind, name: "x".into() }).collect();
        c.set_year(2026, holidays).unwrap();
        c
    }

    #[test]
    fn parses_and_writes_the_shipped_format() {
        let text = "date,kind,name\n2026-01-01,public,Tahun Baru Masehi\n2026-03-18,cuti_bersama,\"Cuti Bersama, Idul Fitri\"\n";
        let (year, list) = parse_holiday_csv(text).unwrap();
        assert_eq!(year, 2026);
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].name, "Cuti Bersama, Idul Fitri");
        assert_eq!(parse_holiday_csv(&holiday_csv(&list)).unwrap().1, list);
    }

    #[test]
    fn refuses_a_bad_file_whole() {
        let err = parse_holiday_csv("date,kind,name\n2026-01-01,public,A\n2026-13-01,public,B\n");
        assert!(matches!(err, Err(CalendarError::Line { line: 3, .. })));
        let err = parse_holiday_csv("2026-01-01,libur,A\n");
        assert!(matches!(err, Err(CalendarError::Line { line: 1, .. })));
        let err = parse_holiday_csv("2026-01-01,public,A\n2027-01-01,public,B\n");
        assert_eq!(err, Err(CalendarError::MixedYears(2026, 2027)));
        assert_eq!(parse_holiday_csv("date,kind,name\n"), Err(CalendarError::Empty));
    }

    #[test]
    fn a_deadline_skips_the_weekend() {
        let c = calendar_2026();
        // Thursday 5 March 2026, 10:00 WIB + 3 working days = Tuesday 10 March, end of day.
        let start = Utc.with_ymd_and_hms(2026, 3, 5, 3, 0, 0).unwrap();
        let (due, assumed) = c.add_working_days(start, 3, Zone::Wib);
        assert!(assumed.is_exact());
        assert_eq!(Zone::Wib.local_date(due), d(2026, 3, 10));
        assert_eq!(due, Zone::Wib.end_of_day(d(2026, 3, 10)));
        // A report filed on Saturday starts counting on Monday.
        let saturday = Utc.with_ymd_and_hms(2026, 3, 7, 3, 0, 0).unwrap();
        let (due, _) = c.add_working_days(saturday, 3, Zone::Wib);
        assert_eq!(Zone::Wib.local_date(due), d(2026, 3, 11));
    }

    #[test]
    fn a_deadline_skips_the_idul_fitri_week_of_2026() {
        let c = calendar_2026();
        // Tuesday 17 March 2026: the next working days are 25, 26, 27 March.
        let start = Utc.with_ymd_and_hms(2026, 3, 17, 2, 0, 0).unwrap();
        let (due, _) = c.add_working_days(start, 3, Zone::Wib);
        assert_eq!(Zone::Wib.local_date(due), d(2026, 3, 27));
        let (due, _) = c.add_working_days(start, 5, Zone::Wib);
        assert_eq!(Zone::Wib.local_date(due), d(2026, 3, 31));
        assert_eq!(c.working_days_between(start, due, Zone::Wib).0, 5);
    }

    #[test]
    fn the_zone_decides_which_day_a_late_evening_belongs_to() {
        let c = calendar_2026();
        // Friday 6 March 2026 23:30 WIB is already Saturday 00:30 WITA and 01:30 WIT.
        let start = Utc.with_ymd_and_hms(2026, 3, 6, 16, 30, 0).unwrap();
        let (wib, _) = c.add_working_days(start, 1, Zone::Wib);
        let (wita, _) = c.add_working_days(start, 1, Zone::Wita);
        let (wit, _) = c.add_working_days(start, 1, Zone::Wit);
        assert_eq!(Zone::Wib.local_date(wib), d(2026, 3, 9));
        assert_eq!(Zone::Wita.local_date(wita), d(2026, 3, 9));
        assert_eq!(Zone::Wit.local_date(wit), d(2026, 3, 9));
        // The same local Monday ends at different instants.
        assert_eq!(wita, Utc.with_ymd_and_hms(2026, 3, 9, 15, 59, 59).unwrap());
        assert_eq!(wit, Utc.with_ymd_and_hms(2026, 3, 9, 14, 59, 59).unwrap());
        // Thursday 23:30 WIB is Friday in WIT: one working day later is Friday in WIB,
        // Monday in WIT.
        let thursday = Utc.with_ymd_and_hms(2026, 3, 5, 16, 30, 0).unwrap();
        assert_eq!(Zone::Wib.local_date(c.add_working_days(thursday, 1, Zone::Wib).0), d(2026, 3, 6));
        assert_eq!(Zone::Wit.local_date(c.add_working_days(thursday, 1, Zone::Wit).0), d(2026, 3, 9));
    }

    #[test]
    fn a_year_without_data_is_reported() {
        let c = calendar_2026();
        let start = Utc.with_ymd_and_hms(2026, 12, 30, 2, 0, 0).unwrap();
        let (_, assumed) = c.add_working_days(start, 5, Zone::Wib);
        assert_eq!(assumed.years_without_data, BTreeSet::from([2027]));
        assert!(assumed.to_string().contains("2027"));
    }
}
