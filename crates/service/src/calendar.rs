//! The holiday calendar: shipped years, years loaded by an admin, and gaps.

use crate::app::App;
use crate::error::AppResult;
use aduan_domain::Refusal;
use aduan_domain::calendar::{HolidayKind, parse_holiday_csv};
use aduan_domain::time::Zone;
use chrono::Datelike;

/// What the deployment knows of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearStatus {
    pub year: i32,
    pub public: usize,
    pub cuti_bersama: usize,
    /// Loaded by an admin (otherwise shipped with the program, or missing).
    pub loaded: bool,
    pub missing: bool,
}

impl App {
    /// Loads a year from the shipped CSV format (`date,kind,name`). Nothing is stored
    /// when any line is wrong.
    pub async fn load_holiday_year(&self, csv: &str) -> AppResult<YearStatus> {
        let (year, holidays) = parse_holiday_csv(csv).map_err(|e| Refusal::invalid("file", e.to_string()))?;
        self.store().save_holiday_year(year, &holidays, self.now()).await?;
        self.reload_reference().await?;
        tracing::info!(year, holidays = holidays.len(), "holiday year loaded");
        Ok(self.calendar_status().into_iter().find(|s| s.year == year).unwrap_or(YearStatus {
            year,
            public: 0,
            cuti_bersama: 0,
            loaded: true,
            missing: false,
        }))
    }

    /// Every year with data, plus this year and the next two when they have none.
    pub fn calendar_status(&self) -> Vec<YearStatus> {
        let reference = self.reference();
        let shipped: Vec<i32> = aduan_reference::holidays::SHIPPED.iter().map(|(y, _)| *y).collect();
        let this_year = Zone::Wib.local_date(self.now()).year();
        let mut years: Vec<i32> = reference.calendar.years().chain(this_year..=this_year + 2).collect();
        years.sort_unstable();
        years.dedup();
        years
            .into_iter()
            .map(|year| {
                let list = reference.calendar.holidays(year);
                let is_shipped =
                    shipped.contains(&year) && aduan_reference::holidays::shipped_calendar().holidays(year) == list;
                YearStatus {
                    year,
                    public: list.iter().filter(|h| h.kind == HolidayKind::Public).count(),
                    cuti_bersama: list.iter().filter(|h| h.kind == HolidayKind::CutiBersama).count(),
                    loaded: reference.calendar.covers(year) && !is_shipped,
                    missing: !reference.calendar.covers(year),
                }
            })
            .collect()
    }

    /// Years within the next two that have no holiday data: deadlines counted in them
    /// skip only weekends. Logged at start and shown by `aduan calendar status`.
    pub fn calendar_gaps(&self) -> Vec<i32> {
        self.calendar_status().into_iter().filter(|s| s.missing).map(|s| s.year).collect()
    }
}
