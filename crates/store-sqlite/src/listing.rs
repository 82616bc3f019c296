//! Report lists: filters, scopes, full-text search and keyset pagination.

use crate::search_text::match_expression;
use crate::time::{micros, ts};
use aduan_domain::ids::{CategoryId, OrgId, ReportId};
use aduan_domain::region::{RegionCode, RegionLevel};
use aduan_domain::report::{Channel, GeoPoint, Privacy, ReportType};
use aduan_domain::status::Status;
use aduan_domain::time::Zone;
use aduan_domain::tracking::TrackingNumber;
use aduan_store::codec::{checked, parse};
use aduan_store::{Cursor, Page, PageRequest, ReportFilter, ReportSummary, Scope, SortOrder, StoreResult};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

/// Later than any deadline, as stored.
const NO_DEADLINE: i64 = aduan_store::NO_DEADLINE_MICROS;

/// How a list is read: from the reports in submission order, or — for a search — from
/// the full-text index in id order, so that a common word stops after one page instead of
/// collecting every match first.
enum Source {
    Reports,
    Search(String),
    Nothing,
}

fn source(f: &ReportFilter) -> Source {
    match f.search_text().map(|t| match_expression(t, f.region.as_ref())) {
        None => Source::Reports,
        Some(Some(expr)) => Source::Search(expr),
        Some(None) => Source::Nothing,
    }
}

/// Appends FROM and WHERE for a filter. Returns false when it can match nothing.
fn push_from_where(q: &mut QueryBuilder<Sqlite>, f: &ReportFilter, after: Option<Cursor>) -> bool {
    match source(f) {
        Source::Nothing => return false,
        Source::Reports => {
            q.push(" FROM reports r WHERE 1 = 1");
        }
        Source::Search(expr) => {
            q.push(" FROM report_text JOIN reports r ON r.id = report_text.rowid WHERE report_text MATCH ");
            q.push_bind(expr);
        }
    }
    match &f.scope {
        Scope::All => {}
        Scope::Public => {
            q.push(" AND r.confidential = 0");
        }
        Scope::Involving(orgs) => {
            if orgs.is_empty() {
                return false;
            }
            // Driven from the scope's involvement rows: a regency's few thousand reports,
            // not a scan of every report checking each one.
            q.push(" AND r.id IN (SELECT report_id FROM report_orgs WHERE org_id IN (");
            let mut list = q.separated(", ");
            for o in orgs {
                list.push_bind(o.0);
            }
            q.push("))");
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
        // Equality lets the (status, submitted_at, id) index give the order.
        q.push(" AND r.status = ").push_bind(*one);
    } else if shown.len() < Status::ALL.len() {
        q.push(" AND r.status IN (");
        let mut list = q.separated(", ");
        for s in shown {
            list.push_bind(s);
        }
        q.push(")");
    }
    if !f.categories.is_empty() {
        q.push(" AND r.category_id IN (");
        let mut list = q.separated(", ");
        for c in &f.categories {
            list.push_bind(c.0);
        }
        q.push(")");
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
                // Codes have fixed widths: everything inside 64.08.01 sorts between
                // "64.08.01" and "64.08.01/".
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
        q.push(" AND r.submitted_at >= ").push_bind(micros(t));
    }
    if let Some(t) = f.submitted_before {
        q.push(" AND r.submitted_at < ").push_bind(micros(t));
    }
    if let Some(t) = f.updated_from {
        q.push(" AND r.updated_at >= ").push_bind(micros(t));
    }
    if let Some(t) = f.updated_before {
        q.push(" AND r.updated_at < ").push_bind(micros(t));
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
    if let Some(c) = after {
        if matches!(source(f), Source::Search(_)) {
            q.push(" AND report_text.rowid < ").push_bind(c.id.0);
            return true;
        }
        let (key, op) = match f.order {
            SortOrder::Newest => ("r.submitted_at".to_string(), " < "),
            SortOrder::Oldest => ("r.submitted_at".to_string(), " > "),
            SortOrder::Deadline => ("r.queue_due_at".to_string(), " > "),
        };
        q.push(" AND (").push(key).push(", r.id)").push(op).push("(").push_bind(micros(c.at));
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
    submitted_at: i64,
    updated_at: i64,
    overdue: bool,
    flagged: bool,
    lat: Option<f64>,
    lon: Option<f64>,
    due_at: i64,
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
            submitted_at: ts("submitted_at", self.submitted_at)?,
            updated_at: ts("updated_at", self.updated_at)?,
            overdue: self.overdue,
            ombudsman_flagged: self.flagged,
            point: match (self.lat, self.lon) {
                (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
                _ => None,
            },
            due: match self.due_zone {
                Some(zone) if self.due_at != NO_DEADLINE => {
                    Some((ts("due_at", self.due_at)?, checked("zone", zone.parse::<Zone>())?))
                }
                _ => None,
            },
        })
    }
}

pub async fn list(pool: &SqlitePool, f: &ReportFilter, page: &PageRequest) -> StoreResult<Page<ReportSummary>> {
    let limit = page.limit();
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT r.id, r.tracking, r.kind, r.title, r.status, r.category_id, r.region_code, r.instansi_id, r.channel, \
         r.anonymous, r.confidential, r.support_count, r.submitted_at, r.updated_at, \
         r.ombudsman_flagged_at IS NOT NULL AS flagged, r.lat, r.lon, r.marked_overdue AS overdue, \
         r.queue_due_at AS due_at, r.queue_due_zone AS due_zone",
    );
    if !push_from_where(&mut q, f, page.after) {
        return Ok(Page { items: Vec::new(), next: None });
    }
    let search = matches!(source(f), Source::Search(_));
    q.push(match (search, f.order) {
        (true, _) => " ORDER BY report_text.rowid DESC",
        (false, SortOrder::Newest) => " ORDER BY r.submitted_at DESC, r.id DESC",
        (false, SortOrder::Oldest) => " ORDER BY r.submitted_at ASC, r.id ASC",
        (false, SortOrder::Deadline) => " ORDER BY r.queue_due_at ASC, r.id ASC",
    });
    q.push(" LIMIT ").push_bind(i64::from(limit) + 1);
    let rows: Vec<SummaryRow> = q.build_query_as().fetch_all(pool).await?;
    let mut items = rows.into_iter().map(SummaryRow::into_summary).collect::<StoreResult<Vec<_>>>()?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|s| Cursor::after(f.order, s))
    } else {
        None
    };
    Ok(Page { items, next })
}

pub async fn count(pool: &SqlitePool, f: &ReportFilter) -> StoreResult<u64> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    if !push_from_where(&mut q, f, None) {
        return Ok(0);
    }
    let (n,): (i64,) = q.build_query_as().fetch_one(pool).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
