//! Turning domain values into column values and back, the same way on every backend.
//! A value that does not parse means the database holds something no version of Aduan
//! wrote; it is reported, never guessed.

use crate::error::{StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses a stored enum name with the domain's own parser.
pub fn parse<T>(column: &str, value: &str, parser: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    parser(value).ok_or_else(|| StoreError::Other(format!("unexpected {column} {value:?} in the database")))
}

pub fn parse_opt<T>(column: &str, value: Option<&str>, parser: impl Fn(&str) -> Option<T>) -> StoreResult<Option<T>> {
    value.map(|v| parse(column, v, parser)).transpose()
}

pub fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(format!("cannot encode: {e}")))
}

pub fn from_json<T: DeserializeOwned>(column: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Other(format!("unexpected {column} in the database: {e}")))
}

pub fn from_json_value<T: DeserializeOwned>(column: &str, value: serde_json::Value) -> StoreResult<T> {
    serde_json::from_value(value).map_err(|e| StoreError::Other(format!("unexpected {column} in the database: {e}")))
}

pub fn to_json_value<T: Serialize>(value: &T) -> StoreResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| StoreError::Other(format!("cannot encode: {e}")))
}

/// Checks a value read back into a validated domain type.
pub fn checked<T, E: std::fmt::Display>(column: &str, r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Other(format!("unexpected {column} in the database: {e}")))
}
