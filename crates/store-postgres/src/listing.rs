//! Report lists: filters, scopes, full-text search and keyset pagination.

use aduan_domain::ids::{CategoryId, OrgId, ReportId};
use aduan_domain::region::{RegionCode, RegionLevel};
use aduan_domain::report::{Channel, GeoPoint, Privacy, ReportType};
use aduan_domain::status::Status;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use aduan_store::codec::{checked, parse};
use aduan_store::{Cursor, Page, PageRequest, ReportFilter, ReportSummary, Scope, SortOrder, StoreResult};
use sqlx::{PgPool, Postgres, QueryBuilder};

/// The words to search for, or `None` when the text has none (punctuation only): the
/// same rule as the SQLite backend, where a word is a run of letters and digits.
fn search_words(text: &str) -> Option<String> {
    // PostgreSQL refuses NUL in text; it is no part of a word anyway.
    let text = text.replace('\0', "");
    text.chars().any(char::is_alphanumeric).then_some(text)
}

/// Appends FROM and WHERE for a filter. Returns false when the filter can match nothing
/// (a search without a single word, an empty scope).
fn push_from_where(q: &mut QueryBuilder<Postgres>, f: &ReportFilter, after: Option<Cursor>) -> bool {
    match &f.scope {
        Scope::Involving(orgs) => {
            if orgs.is_empty() {
                return false;
            }
            let orgs: Vec<i64> = orgs.iter().map(|o| o.0).collect();
            // The scope's reports are collected first (OFFSET 0 keeps the planner from
            // folding it in): a regency's few thousand reports, rather than a walk through
            // every report in date order hoping to meet them — the planner's choice when
            // it underestimates how rare they are, and seconds slow.
            q.push(" FROM (SELECT DISTINCT report_id FROM report_orgs WHERE org_id = ANY(");
            q.push_bind(orgs).push(") OFFSET 0) scope JOIN reports r ON r.id = scope.report_id WHERE true");
        }
        _ => {
            q.push(" FROM reports r WHERE true");
        }
    }
    match &f.scope {
        Scope::All | Scope::Involving(_) => {}
        Scope::Public => {
            q.push(" AND NOT r.confidential");
        }
        Scope::Reporter(p) => {
            q.push(" AND r.reporter_person_id = ").push_bind(p.0);
        }
    }
    let shown: Vec<&'static str> = f.shown_statuses().into_iter().map(Status::as_str).collect();
    if shown.is_empty() {
        return false;
    }
    if let [one] = shown.as_slice() {
        // Equality (not ANY) lets the (status, submitted_at, id) index give the order.
        q.push(" AND r.status = ").push_bind(*one);
    } else if shown.len() < Status::ALL.len() {
        q.push(" AND r.status = ANY(").push_bind(shown).push(")");
    }
    if !f.categories.is_empty() {
        let categories: Vec<i64> = f.categories.iter().map(|c| c.0).collect();
        q.push(" AND r.category_id = ANY(").push_bind(categories).push(")");
    }
    if let Some(region) = &f.region {
        match region.level() {
            RegionLevel::Province => {
                q.push(" AND r.province_code = ").push_bind(region.as_str().to_string());
            }
            RegionLevel::Regency => {
                q.push(" AND r.regency_code = ").push_bind(region.as_str().to_string());
            }
            RegionLevel::District | RegionLevel::Village => {
                // Codes have fixed widths and sort bytewise (COLLATE "C"): everything inside
                // 64.08.01 sorts between "64.08.01" and "64.08.01/".
                q.push(" AND r.region_code >= ").push_bind(region.as_str().to_string());
                q.push(" AND r.region_code < ").push_bind(format!("{}/", region.as_str()));
            }
        }
    }
    if let Some(i) = f.instansi {
        q.push(" AND r.instansi_id = ").push_bind(i.0);
    }
    if let Some(u) = f.unit {
        q.push(" AND EXISTS (SELECT 1 FROM report_units u WHERE u.report_id = r.id AND u.unit_id = ").push_bind(u.0);
        q.push(")");
    }
    if let Some(c) = f.channel {
        q.push(" AND r.channel = ").push_bind(c.as_str());
    }
    if let Some(t) = f.submitted_from {
        q.push(" AND r.submitted_at >= ").push_bind(t);
    }
    if let Some(t) = f.submitted_before {
        q.push(" AND r.submitted_at < ").push_bind(t);
    }
    if let Some(t) = f.updated_from {
        q.push(" AND r.updated_at >= ").push_bind(t);
    }
    if let Some(t) = f.updated_before {
        q.push(" AND r.updated_at < ").push_bind(t);
    }
    if f.overdue {
        q.push(" AND r.marked_overdue");
    }
    if f.ombudsman_flagged {
        q.push(" AND r.ombudsman_flagged_at IS NOT NULL");
    }
    if f.located {
        q.push(" AND r.lat IS NOT NULL AND r.lon IS NOT NULL");
    }
    if let Some(text) = f.search_text() {
        let Some(words) = search_words(text) else { return false };
        // plainto_tsquery reads no operators: every word is required, nothing is syntax.
        q.push(" AND r.search @@ (plainto_tsquery('indonesian', ").push_bind(words).push(")");
        // Within a province or kabupaten/kota, its token joins the query: the index
        // intersects two posting lists instead of checking every match of a common word.
        if let Some(region) =
            f.region.as_ref().filter(|r| matches!(r.level(), RegionLevel::Province | RegionLevel::Regency))
        {
            q.push(" && ").push_bind(format!("wil{}", region.as_str().replace('.', ""))).push("::tsquery");
        }
        q.push(")");
    }
    if let Some(c) = after {
        if f.search_text().is_some() {
            q.push(" AND r.id < ").push_bind(c.id.0);
            return true;
        }
        let (key, op) = match f.order {
            SortOrder::Newest => ("r.submitted_at".to_string(), " < "),
            SortOrder::Oldest => ("r.submitted_at".to_string(), " > "),
            SortOrder::Deadline => ("r.queue_due_at".to_string(), " > "),
        };
        q.push(" AND (").push(key).push(", r.id)").push(op).push("(").push_bind(c.at);
        q.push(", ").push_bind(c.id.0).push(")");
    }
    true
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    tracking: String,
    kind: String,
    title: String,
    status: String,
    category_id: Option<i64>,
    region_code: Option<String>,
    instansi_id: Option<i64>,
    channel: String,
    anonymous: bool,
    confidential: bool,
    support_count: i64,
    submitted_at: Timestamp,
    updated_at: Timestamp,
    overdue: bool,
    flagged: bool,
    lat: Option<f64>,
    lon: Option<f64>,
    due_at: Timestamp,
    due_zone: Option<String>,
}

impl SummaryRow {
    fn into_summary(self) -> StoreResult<ReportSummary> {
        Ok(ReportSummary {
            id: ReportId(self.id),
            tracking: checked("tracking", TrackingNumber::parse(&self.tracking))?,
            kind: parse("kind", &self.kind, ReportType::parse)?,
            title: self.title,
            status: parse("status", &self.status, Status::parse)?,
            category: self.category_id.map(CategoryId),
            region: self.region_code.map(|c| checked("region_code", RegionCode::parse(&c))).transpose()?,
            instansi: self.instansi_id.map(OrgId),
            channel: parse("channel", &self.channel, Channel::parse)?,
            privacy: Privacy { anonymous: self.anonymous, confidential: self.confidential },
            support_count: self.support_count,
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
            overdue: self.overdue,
            ombudsman_flagged: self.flagged,
            point: match (self.lat, self.lon) {
                (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
                _ => None,
            },
            due: match self.due_zone {
                Some(zone) if self.due_at.timestamp_micros() < aduan_store::NO_DEADLINE_MICROS => {
                    Some((self.due_at, checked("zone", zone.parse::<Zone>())?))
                }
                _ => None,
            },
        })
    }
}

// Lists and counts are not kept as prepared statements: one filter shape has very
// different selectivities per value (a regency or a whole province, a rare word or a
// common one), and a cached generic plan picks one strategy for all of them — up to a
// hundred times slower. Unnamed statements are planned for the values at hand.
pub async fn list(pool: &PgPool, f: &ReportFilter, page: &PageRequest) -> StoreResult<Page<ReportSummary>> {
    let limit = page.limit();
    let mut q = QueryBuilder::<Postgres>::new(
        "SELECT r.id, r.tracking, r.kind, r.title, r.status, r.category_id, r.region_code, r.instansi_id, r.channel, \
         r.anonymous, r.confidential, r.support_count, r.submitted_at, r.updated_at, \
         r.ombudsman_flagged_at IS NOT NULL AS flagged, r.lat, r.lon, r.marked_overdue AS overdue, \
         r.queue_due_at AS due_at, r.queue_due_zone AS due_zone",
    );
    if !push_from_where(&mut q, f, page.after) {
        return Ok(Page { items: Vec::new(), next: None });
    }
    // A search comes most recently filed first, as on SQLite.
    q.push(match (f.search_text().is_some(), f.order) {
        (true, _) => " ORDER BY r.id DESC",
        (false, SortOrder::Newest) => " ORDER BY r.submitted_at DESC, r.id DESC",
        (false, SortOrder::Oldest) => " ORDER BY r.submitted_at ASC, r.id ASC",
        (false, SortOrder::Deadline) => " ORDER BY r.queue_due_at ASC, r.id ASC",
    });
    // One row more than asked tells whether there is a next page.
    q.push(" LIMIT ").push_bind(i64::from(limit) + 1);
    let rows: Vec<SummaryRow> = q.build_query_as().persistent(false).fetch_all(pool).await?;
    let mut items = rows.into_iter().map(SummaryRow::into_summary).collect::<StoreResult<Vec<_>>>()?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|s| Cursor::after(f.order, s))
    } else {
        None
    };
    Ok(Page { items, next })
}

pub async fn count(pool: &PgPool, f: &ReportFilter) -> StoreResult<u64> {
    let mut q = QueryBuilder::<Postgres>::new("SELECT COUNT(*)");
    if !push_from_where(&mut q, f, None) {
        return Ok(0);
    }
    let (n,): (i64,) = q.build_query_as().persistent(false).fetch_one(pool).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
