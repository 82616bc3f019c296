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

/// The counters of one cell, or of a sum of cells, or a difference of two (which may be
/// negative). Sparse: a field that is zero is absent, so a contribution minus itself is
/// empty and a store can drop cells that reach zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(into = "BTreeMap<String, i64>")]
pub struct Counters(BTreeMap<Field, i64>);

impl Counters {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, field: Field) -> i64 {
        self.0.get(&field).copied().unwrap_or(0)
    }

    /// Adds `n` to one field.
    pub fn bump(&mut self, field: Field, n: i64) {
        let value = self.0.entry(field).or_insert(0);
        *value += n;
        if *value == 0 {
            self.0.remove(&field);
        }
    }

    pub fn add(&mut self, other: &Counters) {
        for (&field, &n) in &other.0 {
            self.bump(field, n);
        }
    }

    pub fn sub(&mut self, other: &Counters) {
        for (&field, &n) in &other.0 {
            self.bump(field, -n);
        }
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The non-zero fields, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, i64)> + '_ {
        self.0.iter().map(|(&f, &n)| (f, n))
    }

    /// How many reports took each number of working days in `stage`, shortest first.
    pub fn histogram(&self, stage: Stage) -> impl Iterator<Item = (u32, i64)> + '_ {
        self.0.range(Field::Days(stage, 0)..=Field::Days(stage, u32::MAX)).map(|(f, &n)| match f {
            Field::Days(_, days) => (*days, n),
            _ => (0, 0),
        })
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
        c.0.into_iter().map(|(f, n)| (f.code(), n)).collect()
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
