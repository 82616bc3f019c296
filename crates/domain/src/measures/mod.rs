//! The measures of docs/DOMAIN.md §8, defined once, in a form a store can keep up to date as
//! reports change, so that no dashboard ever scans reports.
//!
//! # How it fits together
//!
//! 1. Every report *contributes* a few pre-aggregated cells ([`contribution`]): additive
//!    [`Counters`] under a [`CellKey`] (a month, an organisation, one breakdown).
//! 2. When a report changes, the store adds `contribution(after) − contribution(before)`
//!    ([`delta`]) to its cells in the same transaction as the report. Only the cells that
//!    really change are in the delta, in key order (so two transactions touch shared cells
//!    in the same order and cannot deadlock).
//! 3. A dashboard sums the cells of its [`Filter`] (organisation, breakdown, months) and
//!    turns the sum into [`Figures`]; [`predicate`] grades an instansi from them.
//!
//! [`figures_direct`] computes the same figures straight from reports. It is written
//! independently of the cells and is the reference the property test (and a store's
//! conformance suite) compares the cells with.
//!
//! # What a contribution may depend on
//!
//! Deltas cancel only if a report's contribution is a function of its *stored state*.
//! So it never depends on `now`: "overdue" is read from the overdue mark the scheduler
//! sets with [`crate::lifecycle::Command::MarkOverdue`] (a transition, hence a delta), not
//! from comparing a due date with the clock; a deadline missed but not yet marked counts
//! from the scheduler's next tick. It does depend on reference data: working days need
//! the [`crate::calendar::HolidayCalendar`], months and region levels the
//! [`crate::org::OrgTree`] (zones, regions). When those change (a holiday list loaded
//! late, an organisation's zone corrected), either rebuild the cells (the sum of every
//! report's contribution), or keep each report's [`Facts`] beside it and subtract the
//! stored facts' cells instead of recomputing the old ones: [`Facts::cells`] needs no
//! reference data.
//!
//! # Two anchors
//!
//! A report counts in two months: its *intake* (submitted, archived, backlog, overdue) in
//! the month it was submitted, in the zone of the desk it was submitted to; its *cohort*
//! measures (verified, answered, closed, on time, durations, ratings) in the month it was
//! first verified, in the zone of the instansi it is with. §8 defines completion "for
//! reports verified in the period", while a month's intake must not move when its reports
//! are verified later.
//!
//! # Cubes
//!
//! Each report adds to the headline cell and to one cell of each breakdown (category,
//! channel, region, and each unit it is with), for its organisation and for the national
//! roll-up: 8 cells plus one per unit, in one or two months. Breakdowns are not crossed
//! with each other, so the number of cells grows with the sum of the dimensions, not with
//! their product. A report with two units counts in both unit cells, and one given to a
//! unit and its sub-unit in both: add unit cells up only within a report's own unit.

mod contribution;
mod counters;
mod direct;
mod figures;
mod peers;

pub use contribution::{Cohort, Facts, contribution, delta, region_level};
pub use counters::{Cells, Counters, Field, Stage};
pub use direct::figures_direct;
pub use figures::{Backlog, Bar, Durations, Figures, Overdue, Predicate, Satisfaction, Thresholds, Volume, predicate};
pub use peers::{Peers, peers};

use crate::ids::{CategoryId, OrgId};
use crate::org::{OrgKind, OrgTree};
use crate::region::RegionCode;
use crate::report::Channel;
use crate::time::{Timestamp, Zone};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

#[cfg(test)]
mod tests;

/// A calendar month, the granularity of every cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Period { year, month })
    }

    /// The month an instant falls in, in `zone`.
    pub fn of(at: Timestamp, zone: Zone) -> Self {
        let date = zone.local_date(at);
        Period { year: date.year(), month: date.month() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// `2026-03`.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        if m.len() != 2 {
            return None;
        }
        Period::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The month `n` months later (earlier for a negative `n`).
    pub fn plus(self, n: i32) -> Period {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Period { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// How many months from `self` to `later`, both included (at least 1).
    pub fn months_to(self, later: Period) -> i32 {
        ((later.year - self.year) * 12 + later.month as i32 - self.month as i32 + 1).max(1)
    }

    /// Every month from `self` to `to`, both included.
    pub fn through(self, to: Period) -> impl Iterator<Item = Period> {
        let n = if to < self { 0 } else { self.months_to(to) };
        (0..n).map(move |i| self.plus(i))
    }

    /// January to December of `year`: the period of the yearly evaluation.
    pub fn year_range(year: i32) -> (Period, Period) {
        (Period { year, month: 1 }, Period { year, month: 12 })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Period::parse(&s).ok_or_else(|| format!("{s:?} is not a month like 2026-03"))
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// The independent sets of cells. Each report is in every cube once (in the unit cube once
/// per unit it is with), so any one cube summed over its breakdown gives the totals —
/// except the unit cube, where a report given to two units counts for both.
///
/// Splitting the breakdowns into cubes instead of crossing them keeps the number of cells
/// proportional to the sum of the dimensions, not their product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cube {
    /// The headline figures of an organisation (or of the whole country).
    Total,
    Category,
    Channel,
    /// By the incident's region: districts (kecamatan) for a local government's own
    /// cells, regencies (kabupaten/kota) otherwise; see [`region_level`].
    Region,
    /// By the unit the report is with (instansi cells only).
    Unit,
}

impl Cube {
    pub const ALL: [Cube; 5] = [Cube::Total, Cube::Category, Cube::Channel, Cube::Region, Cube::Unit];

    pub fn as_str(self) -> &'static str {
        match self {
            Cube::Total => "total",
            Cube::Category => "category",
            Cube::Channel => "channel",
            Cube::Region => "region",
            Cube::Unit => "unit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Cube::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One value of one cube's dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "cube", content = "value")]
pub enum Breakdown {
    Total,
    /// `None`: reports without a category (only unverified ones can lack one).
    Category(Option<CategoryId>),
    Channel(Channel),
    /// `None`: reports without a region.
    Region(Option<RegionCode>),
    Unit(OrgId),
}

impl Breakdown {
    pub fn cube(&self) -> Cube {
        match self {
            Breakdown::Total => Cube::Total,
            Breakdown::Category(_) => Cube::Category,
            Breakdown::Channel(_) => Cube::Channel,
            Breakdown::Region(_) => Cube::Region,
            Breakdown::Unit(_) => Cube::Unit,
        }
    }

    /// The dimension's value as text, for a store's key column: `""` for the total and
    /// for "none", else the category or unit id, the channel or the region code.
    pub fn value(&self) -> String {
        match self {
            Breakdown::Total | Breakdown::Category(None) | Breakdown::Region(None) => String::new(),
            Breakdown::Category(Some(c)) => c.to_string(),
            Breakdown::Channel(c) => c.as_str().into(),
            Breakdown::Region(Some(r)) => r.to_string(),
            Breakdown::Unit(u) => u.to_string(),
        }
    }

    /// The inverse of [`Breakdown::cube`] and [`Breakdown::value`].
    pub fn parse(cube: Cube, value: &str) -> Option<Self> {
        let id = || value.parse::<i64>().ok();
        Some(match (cube, value) {
            (Cube::Total, "") => Breakdown::Total,
            (Cube::Category, "") => Breakdown::Category(None),
            (Cube::Category, _) => Breakdown::Category(Some(CategoryId(id()?))),
            (Cube::Channel, _) => Breakdown::Channel(Channel::parse(value)?),
            (Cube::Region, "") => Breakdown::Region(None),
            (Cube::Region, _) => Breakdown::Region(Some(RegionCode::parse(value).ok()?)),
            (Cube::Unit, _) => Breakdown::Unit(OrgId(id()?)),
            (Cube::Total, _) => return None,
        })
    }

    /// A total order (channels have none of their own): by cube, then by value.
    fn rank(&self) -> (Cube, Option<i64>, Option<&RegionCode>) {
        match self {
            Breakdown::Total => (Cube::Total, None, None),
            Breakdown::Category(c) => (Cube::Category, c.map(|c| c.0), None),
            Breakdown::Channel(c) => (Cube::Channel, Channel::ALL.iter().position(|x| x == c).map(|i| i as i64), None),
            Breakdown::Region(r) => (Cube::Region, None, r.as_ref()),
            Breakdown::Unit(u) => (Cube::Unit, Some(u.0), None),
        }
    }
}

impl Ord for Breakdown {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Breakdown {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a cell's counters belong.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellKey {
    pub period: Period,
    /// The organisation accountable for the report now: its instansi once routed, its
    /// screening desk before (and after a return as not-our-authority). `None` is the
    /// national roll-up of every organisation, kept so a national dashboard sums twelve
    /// cells a year instead of every organisation's.
    pub org: Option<OrgId>,
    pub breakdown: Breakdown,
}

/// What a dashboard asks for: one breakdown value of one organisation (or the nation)
/// over a range of months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// `None`: the whole country.
    pub org: Option<OrgId>,
    /// [`Breakdown::Total`] for the headline figures. A [`Breakdown::Unit`] needs `org`
    /// (its instansi): units have no national cells.
    pub breakdown: Breakdown,
    pub from: Period,
    pub to: Period,
}

impl Filter {
    /// Headline figures of `org` (`None`: the nation) from `from` to `to`, inclusive.
    pub fn total(org: Option<OrgId>, from: Period, to: Period) -> Self {
        Filter { org, breakdown: Breakdown::Total, from, to }
    }

    /// The headline figures of one organisation: its own cells, or for a unit the unit's
    /// breakdown of its instansi's cells (the reports given to the unit itself; units
    /// hold no cells of their own).
    pub fn of_org(orgs: &OrgTree, org: OrgId, from: Period, to: Period) -> Self {
        let unit_of = orgs.get(org).filter(|o| o.kind == OrgKind::Unit).and_then(|_| orgs.instansi_of(org));
        match unit_of {
            Some(instansi) => Filter::total(Some(instansi.id), from, to).with(Breakdown::Unit(org)),
            None => Filter::total(Some(org), from, to),
        }
    }

    pub fn with(self, breakdown: Breakdown) -> Self {
        Filter { breakdown, ..self }
    }

    /// The same cells over other months.
    pub fn during(&self, from: Period, to: Period) -> Self {
        Filter { from, to, ..self.clone() }
    }

    pub fn covers(&self, period: Period) -> bool {
        (self.from..=self.to).contains(&period)
    }

    /// Whether a cell is part of this filter's sum.
    pub fn selects(&self, key: &CellKey) -> bool {
        key.org == self.org && key.breakdown == self.breakdown && self.covers(key.period)
    }
}
