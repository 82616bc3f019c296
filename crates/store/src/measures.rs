//! Evaluation cells as every backend stores them: one row per [`CellKey`], with the
//! counters in a compact binary form ([`encode`]): only the fields a cell really has, a
//! few bytes each. A ranking decodes thousands of cells per view, so the form is chosen
//! for decoding speed (a national cell with three day histograms is about 150 bytes and
//! decodes in a microsecond or two, where JSON took tens).
//!
//! A change adds its delta by read–merge–write inside the change's transaction: the
//! merge is [`merged`], the same on every backend, and a cell whose counters reach zero
//! is deleted.

use crate::codec::checked;
use crate::error::{StoreError, StoreResult};
use aduan_domain::deadline::ClockKind;
use aduan_domain::ids::OrgId;
use aduan_domain::measures::{Breakdown, CellKey, Counters, Cube, Field, Period, Stage};
use aduan_domain::status::Status;

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

/// The first byte of every stored cell: the version of the form below.
const FORM: u8 = 1;
/// A histogram's tag is this plus the stage's code (see [`stage_code`]).
const HISTOGRAM: u8 = 64;

/// The stored form of counters: [`FORM`], then one record per non-zero field. A fixed
/// field is its tag ([`field_tag`]) and its value as a zig-zag varint; a stage's
/// histogram is `HISTOGRAM + stage`, the number of days with reports, then for each the
/// distance from the previous one (from 0 for the first) and the count, as varints.
/// Tags are fixed numbers, never positions in a list, so adding a field keeps every
/// stored cell readable.
pub fn encode(counters: &Counters) -> Vec<u8> {
    let mut out = vec![FORM];
    for (field, n) in counters.iter() {
        if let Some(tag) = field_tag(field) {
            out.push(tag);
            put_signed(&mut out, n);
        }
    }
    for stage in Stage::ALL {
        let days: Vec<(u32, i64)> = counters.histogram(stage).collect();
        if days.is_empty() {
            continue;
        }
        out.push(HISTOGRAM + stage_code(stage));
        put(&mut out, days.len() as u64);
        let mut previous = 0;
        for (day, n) in days {
            put(&mut out, u64::from(day - previous));
            put_signed(&mut out, n);
            previous = day;
        }
    }
    out
}

/// The inverse of [`encode`]; anything else is reported, never guessed.
pub fn decode(bytes: &[u8]) -> StoreResult<Counters> {
    let bad = |what: &str| StoreError::Other(format!("unexpected measure counters in the database: {what}"));
    let mut input = Reader { bytes, at: 0 };
    if input.byte() != Some(FORM) {
        return Err(bad("unknown form"));
    }
    let mut counters = Counters::new();
    while let Some(tag) = input.byte() {
        if let Some(field) = tag_field(tag) {
            counters.bump(field, input.signed().ok_or_else(|| bad("truncated"))?);
            continue;
        }
        let stage = tag.checked_sub(HISTOGRAM).and_then(code_stage).ok_or_else(|| bad("unknown field"))?;
        let len = input.unsigned().ok_or_else(|| bad("truncated"))?;
        let mut day = 0u64;
        for _ in 0..len {
            day += input.unsigned().ok_or_else(|| bad("truncated"))?;
            let n = input.signed().ok_or_else(|| bad("truncated"))?;
            counters.bump(Field::Days(stage, u32::try_from(day).map_err(|_| bad("day out of range"))?), n);
        }
    }
    Ok(counters)
}

/// The stored counters after adding `delta`: `None` when they come to zero (the row goes).
pub fn merged(stored: Option<&[u8]>, delta: &Counters) -> StoreResult<Option<Vec<u8>>> {
    let mut counters = stored.map(decode).transpose()?.unwrap_or_default();
    counters.add(delta);
    Ok((!counters.is_zero()).then(|| encode(&counters)))
}

fn field_tag(field: Field) -> Option<u8> {
    Some(match field {
        Field::Submitted => 1,
        Field::Archived => 2,
        Field::Verified => 3,
        Field::VerifiedOnTime => 4,
        Field::VerifiedLate => 5,
        Field::Answered => 6,
        Field::AnsweredOnTime => 7,
        Field::AnsweredLate => 8,
        Field::Closed => 9,
        Field::Rated => 10,
        Field::RatingSum => 11,
        Field::RatedFourPlus => 12,
        Field::Open(s) => 16 + status_code(s),
        Field::Overdue(c) => 32 + clock_code(c),
        Field::Days(..) => return None,
    })
}

fn tag_field(tag: u8) -> Option<Field> {
    Some(match tag {
        1 => Field::Submitted,
        2 => Field::Archived,
        3 => Field::Verified,
        4 => Field::VerifiedOnTime,
        5 => Field::VerifiedLate,
        6 => Field::Answered,
        7 => Field::AnsweredOnTime,
        8 => Field::AnsweredLate,
        9 => Field::Closed,
        10 => Field::Rated,
        11 => Field::RatingSum,
        12 => Field::RatedFourPlus,
        16..32 => Field::Open(Status::ALL.into_iter().find(|s| status_code(*s) == tag - 16)?),
        32..48 => Field::Overdue(ClockKind::ALL.into_iter().find(|c| clock_code(*c) == tag - 32)?),
        _ => return None,
    })
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::Submitted => 0,
        Status::NeedsInfo => 1,
        Status::Archived => 2,
        Status::Forwarded => 3,
        Status::InProgress => 4,
        Status::Responded => 5,
        Status::Closed => 6,
    }
}

fn clock_code(c: ClockKind) -> u8 {
    match c {
        ClockKind::Verification => 0,
        ClockKind::FollowUp => 1,
        ClockKind::AutoClose => 2,
        ClockKind::InfoExpiry => 3,
        ClockKind::Completion => 4,
        ClockKind::Ombudsman => 5,
    }
}

fn stage_code(s: Stage) -> u8 {
    match s {
        Stage::Verification => 0,
        Stage::FirstAnswer => 1,
        Stage::Closure => 2,
    }
}

fn code_stage(code: u8) -> Option<Stage> {
    Stage::ALL.into_iter().find(|s| stage_code(*s) == code)
}

/// LEB128: seven bits a byte, low first.
fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Zig-zag, so that small negative deltas stay one byte.
fn put_signed(out: &mut Vec<u8>, n: i64) {
    put(out, ((n << 1) ^ (n >> 63)) as u64);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn unsigned(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn signed(&mut self) -> Option<i64> {
        let z = self.unsigned()?;
        Some((z >> 1) as i64 ^ -((z & 1) as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Counters {
        let mut c = Counters::new();
        for (field, n) in [
            (Field::Submitted, 1_000_000),
            (Field::Archived, -3),
            (Field::Open(Status::Responded), 12),
            (Field::Overdue(ClockKind::Ombudsman), 1),
            (Field::RatingSum, i64::MIN + 1),
            (Field::Days(Stage::Verification, 0), 5),
            (Field::Days(Stage::Verification, 3), -2),
            (Field::Days(Stage::Closure, 9_999), i64::MAX),
        ] {
            c.bump(field, n);
        }
        c
    }

    #[test]
    fn counters_come_back_as_they_were_stored() {
        for c in [Counters::new(), sample()] {
            assert_eq!(decode(&encode(&c)).ok(), Some(c));
        }
    }

    #[test]
    fn every_fixed_field_has_its_own_tag() {
        let mut tags = std::collections::BTreeSet::new();
        let fields =
            Field::PLAIN.into_iter().chain(Status::ALL.map(Field::Open)).chain(ClockKind::ALL.map(Field::Overdue));
        for field in fields {
            let tag = field_tag(field).expect("a tag");
            assert!(tags.insert(tag), "{field:?} shares tag {tag}");
            assert_eq!(tag_field(tag), Some(field));
            assert!(tag < HISTOGRAM);
        }
    }

    #[test]
    fn what_no_version_wrote_is_refused() {
        let good = encode(&sample());
        assert!(decode(&[]).is_err());
        assert!(decode(&[2]).is_err());
        assert!(decode(&good[..good.len() - 1]).is_err());
        assert!(decode(&[FORM, 200, 1]).is_err());
    }

    #[test]
    fn a_merge_to_zero_deletes() {
        let c = sample();
        let stored = encode(&c);
        let mut minus = Counters::new();
        minus.sub(&c);
        assert_eq!(merged(Some(&stored), &minus).ok(), Some(None));
        assert_eq!(merged(None, &c).ok(), Some(Some(stored)));
    }
}
