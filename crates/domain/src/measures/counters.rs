//! Additive counters: what a cell holds. Everything in them is an integer count that can
//! be added and subtracted, so a report's change is applied as a difference.

use super::{CellKey, Filter};
use crate::deadline::ClockKind;
use crate::status::Status;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A stretch of a report's life measured in whole working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The verification clock: submission (or restore) to first verification, without the
    /// time spent waiting for the reporter (`needs_info`).
    Verification,
    /// The follow-up clock: forwarding to the first published answer.
    FirstAnswer,
    /// Forwarding (to the instansi it is with) to closure.
    Closure,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Verification, Stage::FirstAnswer, Stage::Closure];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Verification => "verification",
            Stage::FirstAnswer => "first_answer",
            Stage::Closure => "closure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One counter of a cell. Durations are histograms: one counter per whole number of
/// working days, so medians and percentiles of a sum of cells are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Field {
    // Intake: counted in the month of submission.
    /// Reports submitted.
    Submitted,
    /// Of those, archived now (not accepted).
    Archived,
    /// Of those, open now in this status (the backlog).
    Open(Status),
    /// Of those, open with this clock running past its due date and marked overdue
    /// ([`ClockKind::Ombudsman`]: flagged for the Ombudsman).
    Overdue(ClockKind),
    // Cohort: counted in the month of first verification, for reports in a verified status.
    Verified,
    VerifiedOnTime,
    VerifiedLate,
    /// With at least one published answer.
    Answered,
    AnsweredOnTime,
    /// Answered late, or not answered yet with the follow-up clock marked overdue.
    AnsweredLate,
    Closed,
    Rated,
    /// Sum of the stars of the rated ones.
    RatingSum,
    /// Rated 4 or 5.
    RatedFourPlus,
    /// Reports whose stage took this many working days.
    Days(Stage, u32),
}

impl Field {
    /// The fields that carry no status, clock or stage.
    pub const PLAIN: [Field; 12] = [
        Field::Submitted,
        Field::Archived,
        Field::Verified,
        Field::VerifiedOnTime,
        Field::VerifiedLate,
        Field::Answered,
        Field::AnsweredOnTime,
        Field::AnsweredLate,
        Field::Closed,
        Field::Rated,
        Field::RatingSum,
        Field::RatedFourPlus,
    ];

    /// The code of a plain field (see [`Field::PLAIN`]).
    fn plain_code(self) -> Option<&'static str> {
        Some(match self {
            Field::Submitted => "submitted",
            Field::Archived => "archived",
            Field::Verified => "verified",
            Field::VerifiedOnTime => "verified_on_time",
            Field::VerifiedLate => "verified_late",
            Field::Answered => "answered",
            Field::AnsweredOnTime => "answered_on_time",
            Field::AnsweredLate => "answered_late",
            Field::Closed => "closed",
            Field::Rated => "rated",
            Field::RatingSum => "rating_sum",
            Field::RatedFourPlus => "rated_4_plus",
            Field::Open(_) | Field::Overdue(_) | Field::Days(..) => return None,
        })
    }

    /// A stable text code for storage: `verified`, `open.in_progress`,
    /// `overdue.follow_up`, `days.first_answer.3`.
    pub fn code(self) -> String {
        match self {
            Field::Open(s) => format!("open.{}", s.as_str()),
            Field::Overdue(c) => format!("overdue.{}", c.as_str()),
            Field::Days(stage, days) => format!("days.{}.{days}", stage.as_str()),
            plain => plain.plain_code().unwrap_or_default().into(),
        }
    }

    /// The inverse of [`Field::code`]. Allocates nothing: dashboards parse every field of
    /// thousands of cells.
    pub fn parse(code: &str) -> Option<Self> {
        let Some((head, rest)) = code.split_once('.') else {
            return Field::PLAIN.into_iter().find(|f| f.plain_code() == Some(code));
        };
        match head {
            "open" => Status::parse(rest).filter(|s| s.is_open()).map(Field::Open),
            "overdue" => ClockKind::parse(rest).map(Field::Overdue),
            "days" => {
                let (stage, days) = rest.split_once('.')?;
                Some(Field::Days(Stage::parse(stage)?, days.parse().ok()?))
            }
            _ => None,
        }
    }
}

/// How many fixed (non-histogram) counters a cell has: the plain fields, one per status
/// and one per clock.
const FIXED_LEN: usize = Field::PLAIN.len() + Status::ALL.len() + ClockKind::ALL.len();

/// The fixed counters in [`Field`]'s order: the order [`Counters::iter`] yields them in.
const FIXED: [Field; FIXED_LEN] = {
    let mut all = [Field::Submitted; FIXED_LEN];
    let (statuses, clocks) = (Status::ALL.len(), ClockKind::ALL.len());
    all[1] = Field::Archived;
    let mut i = 0;
    while i < statuses {
        all[2 + i] = Field::Open(Status::ALL[i]);
        i += 1;
    }
    i = 0;
    while i < clocks {
        all[2 + statuses + i] = Field::Overdue(ClockKind::ALL[i]);
        i += 1;
    }
    i = 2;
    while i < Field::PLAIN.len() {
        all[statuses + clocks + i] = Field::PLAIN[i];
        i += 1;
    }
    all
};

/// Durations longer than this many working days (40 years) count as this many, so that a
/// histogram stays a short array whatever a record claims.
pub const MAX_DAYS: u32 = 10_000;

/// Where a field lives in [`Counters`].
enum Slot {
    Fixed(usize),
    Day(usize, usize),
}

impl Field {
    fn slot(self) -> Slot {
        let (statuses, clocks) = (Status::ALL.len(), ClockKind::ALL.len());
        let plain = |i: usize| Slot::Fixed(statuses + clocks + i);
        match self {
            Field::Submitted => Slot::Fixed(0),
            Field::Archived => Slot::Fixed(1),
            Field::Open(s) => Slot::Fixed(2 + s as usize),
            Field::Overdue(c) => Slot::Fixed(2 + statuses + c as usize),
            Field::Verified => plain(2),
            Field::VerifiedOnTime => plain(3),
            Field::VerifiedLate => plain(4),
            Field::Answered => plain(5),
            Field::AnsweredOnTime => plain(6),
            Field::AnsweredLate => plain(7),
            Field::Closed => plain(8),
            Field::Rated => plain(9),
            Field::RatingSum => plain(10),
            Field::RatedFourPlus => plain(11),
            Field::Days(stage, days) => Slot::Day(stage as usize, days.min(MAX_DAYS) as usize),
        }
    }
}

/// The counters of one cell, or of a sum of cells, or a difference of two (which may be
/// negative). Dense: a fixed array and one histogram per stage, so that summing the
/// thousands of cells of a ranking is a few additions per cell. A histogram never ends in
/// a zero, so a contribution minus itself equals the empty counters and a store can drop
/// cells that reach zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "BTreeMap<String, i64>")]
pub struct Counters {
    fixed: [i64; FIXED_LEN],
    /// Per [`Stage`], the count of each number of working days (index = days).
    days: [Vec<i64>; 3],
}

impl Default for Counters {
    fn default() -> Self {
        Counters { fixed: [0; FIXED_LEN], days: Default::default() }
    }
}

impl Counters {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, field: Field) -> i64 {
        match field.slot() {
            Slot::Fixed(i) => self.fixed[i],
            Slot::Day(stage, days) => self.days[stage].get(days).copied().unwrap_or(0),
        }
    }

    /// Adds `n` to one field.
    pub fn bump(&mut self, field: Field, n: i64) {
        match field.slot() {
            Slot::Fixed(i) => self.fixed[i] += n,
            Slot::Day(stage, days) => {
                let histogram = &mut self.days[stage];
                if histogram.len() <= days {
                    if n == 0 {
                        return;
                    }
                    histogram.resize(days + 1, 0);
                }
                histogram[days] += n;
                trim(histogram);
            }
        }
    }

    pub fn add(&mut self, other: &Counters) {
        self.combine(other, 1);
    }

    pub fn sub(&mut self, other: &Counters) {
        self.combine(other, -1);
    }

    /// `self += sign × other`.
    fn combine(&mut self, other: &Counters, sign: i64) {
        for (mine, theirs) in self.fixed.iter_mut().zip(other.fixed) {
            *mine += sign * theirs;
        }
        for (mine, theirs) in self.days.iter_mut().zip(&other.days) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += sign * t;
            }
            trim(mine);
        }
    }

    pub fn is_zero(&self) -> bool {
        self.fixed.iter().all(|&n| n == 0) && self.days.iter().all(Vec::is_empty)
    }

    /// The non-zero fields, in [`Field`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, i64)> + '_ {
        let fixed = FIXED.iter().zip(self.fixed).filter(|(_, n)| *n != 0).map(|(f, n)| (*f, n));
        let days = Stage::ALL
            .into_iter()
            .flat_map(move |stage| self.histogram(stage).map(move |(d, n)| (Field::Days(stage, d), n)));
        fixed.chain(days)
    }

    /// How many reports took each number of working days in `stage`, shortest first
    /// (days with none left out).
    pub fn histogram(&self, stage: Stage) -> impl Iterator<Item = (u32, i64)> + '_ {
        self.days[stage as usize]
            .iter()
            .enumerate()
            .filter(|(_, n)| **n != 0)
            .map(|(days, n)| (u32::try_from(days).unwrap_or(u32::MAX), *n))
    }
}

/// Drops a histogram's trailing zeros: equal counters have equal histograms.
fn trim(histogram: &mut Vec<i64>) {
    while histogram.last() == Some(&0) {
        histogram.pop();
    }
}

impl FromIterator<(Field, i64)> for Counters {
    fn from_iter<I: IntoIterator<Item = (Field, i64)>>(iter: I) -> Self {
        let mut c = Counters::new();
        for (field, n) in iter {
            c.bump(field, n);
        }
        c
    }
}

/// Read straight from the map's keys, without a string per key: a dashboard decodes the
/// counters of thousands of cells.
impl<'de> Deserialize<'de> for Counters {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Counters;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of counter codes to numbers")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Counters, A::Error> {
                let mut c = Counters::new();
                while let Some(Code(field)) = map.next_key()? {
                    c.bump(field, map.next_value()?);
                }
                Ok(c)
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A counter's code as a map key.
struct Code(Field);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Code;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a counter code like days.first_answer.3")
            }
            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Code, E> {
                Field::parse(code).map(Code).ok_or_else(|| E::custom(format!("unknown counter {code:?}")))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

impl From<Counters> for BTreeMap<String, i64> {
    fn from(c: Counters) -> Self {
        c.iter().map(|(f, n)| (f.code(), n)).collect()
    }
}

/// A set of cells: one report's contribution, the delta of a change, or (in memory) every
/// cell of a deployment. Cells whose counters reach zero disappear; iteration is in key
/// order, the order a store should write them in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells(BTreeMap<CellKey, Counters>);

impl Cells {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds counters to one cell.
    pub fn add_to(&mut self, key: CellKey, counters: &Counters) {
        if counters.is_zero() {
            return;
        }
        let cell = self.0.entry(key.clone()).or_default();
        cell.add(counters);
        if cell.is_zero() {
            self.0.remove(&key);
        }
    }

    /// The sum of many reports' cells (a batch written in one transaction).
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a Cells>) -> Cells {
        let mut total = Cells::new();
        for part in parts {
            total.add(part);
        }
        total
    }

    pub fn add(&mut self, other: &Cells) {
        for (key, counters) in &other.0 {
            self.add_to(key.clone(), counters);
        }
    }

    pub fn sub(&mut self, other: &Cells) {
        for (key, counters) in &other.0 {
            let mut negated = Counters::new();
            negated.sub(counters);
            self.add_to(key.clone(), &negated);
        }
    }

    /// `after − before`: only the cells that change, with signed counters.
    pub fn delta(before: &Cells, after: &Cells) -> Cells {
        let mut d = after.clone();
        d.sub(before);
        d
    }

    pub fn get(&self, key: &CellKey) -> Option<&Counters> {
        self.0.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&CellKey, &Counters)> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sum of the cells a filter selects: what a dashboard turns into figures.
    pub fn total(&self, filter: &Filter) -> Counters {
        let mut sum = Counters::new();
        for (_, c) in self.0.iter().filter(|(k, _)| filter.selects(k)) {
            sum.add(c);
        }
        sum
    }
}

impl IntoIterator for Cells {
    type Item = (CellKey, Counters);
    type IntoIter = std::collections::btree_map::IntoIter<CellKey, Counters>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
