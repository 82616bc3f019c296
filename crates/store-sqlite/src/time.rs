//! Timestamps are stored as INTEGER microseconds since 1970 (UTC): compact, and compared
//! and ordered as numbers.

use aduan_domain::time::Timestamp;
use aduan_store::{StoreError, StoreResult};
use chrono::NaiveDate;

pub fn micros(t: Timestamp) -> i64 {
    t.timestamp_micros()
}

pub fn micros_opt(t: Option<Timestamp>) -> Option<i64> {
    t.map(micros)
}

pub fn ts(column: &str, v: i64) -> StoreResult<Timestamp> {
    chrono::DateTime::from_timestamp_micros(v)
        .ok_or_else(|| StoreError::Other(format!("unexpected {column} {v} in the database")))
}

pub fn ts_opt(column: &str, v: Option<i64>) -> StoreResult<Option<Timestamp>> {
    v.map(|v| ts(column, v)).transpose()
}

pub fn date_opt(column: &str, v: Option<&str>) -> StoreResult<Option<NaiveDate>> {
    v.map(|s| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| StoreError::Other(format!("unexpected {column} {s:?} in the database")))
    })
    .transpose()
}
