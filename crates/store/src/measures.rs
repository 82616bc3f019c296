//! Evaluation cells as every backend stores them: one row per [`CellKey`], with the
//! counters as JSON text (`{"submitted": 12, "days.first_answer.3": 2}`). The sparse text
//! keeps a cell to the fields it really has, which matters for the day histograms.
//!
//! A change adds its delta by read–merge–write inside the change's transaction: the
//! merge is [`merged`], the same on every backend, and a cell whose counters reach zero
//! is deleted.

use crate::codec::{checked, from_json, to_json};
use crate::error::{StoreError, StoreResult};
use aduan_domain::ids::OrgId;
use aduan_domain::measures::{Breakdown, CellKey, Counters, Cube, Period};

/// The cells of some organisations in one cube over a range of months, each month on its
/// own (the caller sums them, or draws a trend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellQuery {
    pub cube: Cube,
    /// `None` in the list is the national roll-up.
    pub orgs: Vec<Option<OrgId>>,
    pub from: Period,
    pub to: Period,
}

/// A cell's key as the columns `(cube, org_id, value, period)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyColumns {
    pub cube: &'static str,
    /// `0` for the national roll-up (ids start at 1), so the key can be a primary key.
    pub org_id: i64,
    pub value: String,
    /// `202603` for March 2026.
    pub period: i32,
}

impl KeyColumns {
    pub fn of(key: &CellKey) -> Self {
        KeyColumns {
            cube: key.breakdown.cube().as_str(),
            org_id: org_column(key.org),
            value: key.breakdown.value(),
            period: period_column(key.period),
        }
    }
}

pub fn org_column(org: Option<OrgId>) -> i64 {
    org.map_or(0, |o| o.0)
}

pub fn period_column(p: Period) -> i32 {
    p.year() * 100 + p.month() as i32
}

/// The key of a stored row.
pub fn key_of(cube: &str, org_id: i64, value: &str, period: i32) -> StoreResult<CellKey> {
    let bad = |what: &str| StoreError::Other(format!("unexpected measure cell {what} in the database"));
    let cube = Cube::parse(cube).ok_or_else(|| bad("cube"))?;
    let breakdown = Breakdown::parse(cube, value).ok_or_else(|| bad("value"))?;
    let period = checked("measure cell period", Period::new(period / 100, (period % 100) as u32).ok_or("no month"))?;
    Ok(CellKey { period, org: (org_id != 0).then_some(OrgId(org_id)), breakdown })
}

pub fn decode(text: &str) -> StoreResult<Counters> {
    from_json("measure counters", text)
}

/// The stored counters after adding `delta`: `None` when they come to zero (the row goes).
pub fn merged(stored: Option<&str>, delta: &Counters) -> StoreResult<Option<String>> {
    let mut counters = stored.map(decode).transpose()?.unwrap_or_default();
    counters.add(delta);
    if counters.is_zero() { Ok(None) } else { to_json(&counters).map(Some) }
}
