//! The parameters of a call: the query string and, for a POST, the form-encoded body
//! (Open311 clients use either). An empty parameter counts as absent.

use super::errors::Open311Error;
use crate::AppState;
use aduan_domain::time::{Timestamp, Zone};
use axum::body::{Body, to_bytes};
use axum::extract::{Form, FromRequest, Query, Request};
use axum::http::{Method, Uri, header};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The largest form body accepted: a description is at most 4,000 characters.
const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// In arrival order (query first, then body), empty values left out.
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let pairs = pairs
            .into_iter()
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .collect();
        Params { pairs }
    }

    pub fn from_query(uri: &Uri) -> Result<Self, Open311Error> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| Open311Error::bad_request(format!("the query string is malformed: {}", e.body_text())))?;
        Ok(Params::from_pairs(pairs))
    }

    /// The query string and the form-encoded body of a POST.
    pub async fn from_request(req: Request) -> Result<Self, Open311Error> {
        let mut params = Params::from_query(req.uri())?;
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| {
            Open311Error::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than {} KiB", MAX_BODY / 1024),
            )
        })?;
        if bytes.is_empty() {
            return Ok(params);
        }
        let form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(Open311Error::bad_request(
                "send the parameters as application/x-www-form-urlencoded (or in the query string)",
            ));
        }
        let req = Request::builder()
            .method(Method::POST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(bytes))
            .map_err(|e| Open311Error::bad_request(format!("the body is malformed: {e}")))?;
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, &())
            .await
            .map_err(|e| Open311Error::bad_request(format!("the body is malformed: {}", e.body_text())))?;
        params.pairs.extend(Params::from_pairs(pairs).pairs);
        Ok(params)
    }

    /// The last value given for `name` (a body value wins over the query's).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, repeated or comma-separated, in order.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A datetime parameter (see [`parse_datetime`]).
    pub fn datetime(&self, name: &str) -> Result<Option<Timestamp>, Open311Error> {
        self.get(name)
            .map(|v| {
                parse_datetime(v).ok_or_else(|| {
                    Open311Error::bad_request(format!(
                        "{name} is not an ISO 8601 date-time such as 2026-03-02T09:00:00+07:00"
                    ))
                })
            })
            .transpose()
    }

    /// A whole number of at least 1.
    pub fn positive(&self, name: &str) -> Result<Option<u32>, Open311Error> {
        self.get(name)
            .map(|v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| Open311Error::bad_request(format!("{name} must be a whole number of at least 1")))
            })
            .transpose()
    }

    /// `jurisdiction_id` may be left out; when given it must be this deployment's.
    pub fn check_jurisdiction(&self, state: &AppState) -> Result<(), Open311Error> {
        match self.get("jurisdiction_id") {
            Some(j) if j != state.settings.jurisdiction_id => Err(Open311Error::not_found(format!(
                "jurisdiction_id {j} not found; this server is {}",
                state.settings.jurisdiction_id
            ))),
            _ => Ok(()),
        }
    }
}

/// Where a period that ends at `t` (included) stops: after the whole second when `t` is
/// given to the second, as answers write times, so that an event at 09:00:00.4 written as
/// `09:00:00` is inside a period ending at `09:00:00`.
pub fn through(t: Timestamp) -> Timestamp {
    if t.timestamp_subsec_nanos() == 0 {
        t + chrono::Duration::seconds(1)
    } else {
        t + chrono::Duration::microseconds(1)
    }
}

/// ISO 8601: with an offset or `Z` (`2026-03-02T09:00:00+07:00`), without one (taken as
/// WIB), or a date alone (its start, WIB). A `+` that arrived as a space (an unencoded
/// query string) is read as `+`.
pub fn parse_datetime(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some((time, offset)) = s.rsplit_once(' ')
        && time.contains('T')
        && offset.len() == 5
        && offset.as_bytes().get(2) == Some(&b':')
        && let Ok(t) = DateTime::parse_from_rfc3339(&format!("{time}+{offset}"))
    {
        return Some(t.with_timezone(&Utc));
    }
    for layout in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, layout) {
            return local.and_local_timezone(Zone::Wib.offset()).single().map(|t| t.with_timezone(&Utc));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(|d| Zone::Wib.start_of_day(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn empty_values_are_absent_and_lists_split() {
        let p = Params::from_pairs([
            ("status".to_string(), "open, closed".to_string()),
            ("status".to_string(), "".to_string()),
            ("service_code".to_string(), " ".to_string()),
            ("status".to_string(), "open".to_string()),
        ]);
        assert_eq!(p.get("service_code"), None);
        assert_eq!(p.list("status"), vec!["open", "closed", "open"]);
        assert_eq!(p.get("status"), Some("open"));
    }

    #[test]
    fn datetimes() {
        let nine_wib = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).single();
        for s in [
            "2026-03-02T09:00:00+07:00",
            "2026-03-02T02:00:00Z",
            "2026-03-02T09:00:00 07:00",
            "2026-03-02T09:00:00",
            "2026-03-02T10:00:00+08:00",
        ] {
            assert_eq!(parse_datetime(s), nine_wib, "{s}");
        }
        assert_eq!(parse_datetime("2026-03-02"), Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).single());
        for bad in ["yesterday", "2026-13-01", "02/03/2026", ""] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
