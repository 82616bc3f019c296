//! Report lists, counts and searches with bounded work ([`aduan_store::plan`]).
//!
//! A list reads a *driver* — at most [`SCAN_LIMIT`] entries of the chosen path (or of the
//! full-text index for a search), each branch from the index named for it so the plan
//! never depends on statistics — then the reports those entries name, keeping the ones
//! the whole filter matches.

use crate::search_text::match_expression;
use crate::time::{micros, ts};
use aduan_domain::ids::{CategoryId, OrgId, ReportId};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{Channel, GeoPoint, Privacy, ReportType};
use aduan_domain::status::Status;
use aduan_domain::time::Zone;
use aduan_domain::tracking::TrackingNumber;
use aduan_store::codec::{checked, parse};
use aduan_store::plan::{
    Branch, INDEX_COLUMNS, PLAN_CAP, Path, PathCounter, SCAN_LIMIT, choose, implied, push_index_filter, tokens_imply,
};
use aduan_store::{
    Count, Cursor, Page, PageRequest, ReportFilter, ReportSummary, Scope, SortOrder, StoreError, StoreResult,
};
use async_trait::async_trait;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

/// Later than any deadline, as stored.
const NO_DEADLINE: i64 = aduan_store::NO_DEADLINE_MICROS;

/// What a list is read from.
enum Driver {
    /// A path of ordered index runs.
    Path(Path),
    /// The full-text index, newest filed first, with this FTS5 query.
    Search(String),
}

/// The driver for a filter, or `None` when it can match nothing (a search without a word).
async fn driver(pool: &SqlitePool, f: &ReportFilter, after: Option<Cursor>) -> StoreResult<Option<Driver>> {
    if f.shown_statuses().is_empty() {
        return Ok(None);
    }
    if let Some(text) = f.search_text() {
        return Ok(match_expression(text, &aduan_store::search::filter_tokens(f)).map(Driver::Search));
    }
    Ok(Some(Driver::Path(choose(&Counter(pool), f, after, PLAN_CAP).await?)))
}

fn descending(f: &ReportFilter) -> bool {
    f.search_text().is_some() || f.order == SortOrder::Newest
}

/// `SELECT k, id` of one branch: its entries after the cursor and within the submission
/// dates, unordered (a [`push_driver`] orders them, merging the branches' indexes).
fn push_branch(q: &mut QueryBuilder<Sqlite>, f: &ReportFilter, b: &Branch, after: Option<Cursor>) {
    let deadline = f.order == SortOrder::Deadline;
    let key = if deadline { "queue_due_at" } else { "submitted_at" };
    let id = b.id_column();
    // Each branch names its index: what SQLite would choose with good statistics, chosen
    // the same way without them.
    let index = match b {
        Branch::Reach(..) => deadline.then_some("report_reach_queue"),
        Branch::ProvinceStatus(..) => Some("reports_province_status"),
        Branch::RegencyStatus(..) => Some("reports_regency_status"),
        Branch::Province(_) => Some("reports_province"),
        Branch::Regency(_) => Some("reports_regency"),
        Branch::Status(_) => Some(if deadline { "reports_status_queue" } else { "reports_status" }),
        Branch::Public(_) => Some("reports_public_status"),
        Branch::Category(_) => Some("reports_category"),
        Branch::Instansi(_) => Some("reports_instansi"),
        Branch::Reporter(_) => Some("reports_reporter"),
        Branch::Located => Some("reports_located"),
        Branch::Overdue => Some("reports_overdue"),
        Branch::All => Some("reports_submitted"),
    };
    q.push("SELECT ").push(key).push(" AS k, ").push(id).push(" AS id");
    if b.covers_filters() {
        q.push(", ").push(INDEX_COLUMNS);
    }
    q.push(" FROM ").push(b.table());
    if let Some(index) = index {
        q.push(" INDEXED BY ").push(index);
    }
    q.push(" WHERE ");
    b.push_condition(q);
    if let Some(t) = f.submitted_from {
        q.push(" AND submitted_at >= ").push_bind(micros(t));
    }
    if let Some(t) = f.submitted_before {
        q.push(" AND submitted_at < ").push_bind(micros(t));
    }
    if let Some(c) = after {
        q.push(" AND (").push(key).push(", ").push(id).push(if descending(f) { ") < (" } else { ") > (" });
        q.push_bind(micros(c.at)).push(", ").push_bind(c.id.0).push(")");
    }
}

/// `SELECT k, id` of the driver: at most `limit` entries in the list's order.
fn push_driver(q: &mut QueryBuilder<Sqlite>, f: &ReportFilter, d: &Driver, after: Option<Cursor>, limit: Option<i64>) {
    push_driver_from(q, f, d, after, limit, 0);
}

/// [`push_driver`], passing over the first `offset` entries.
fn push_driver_from(
    q: &mut QueryBuilder<Sqlite>,
    f: &ReportFilter,
    d: &Driver,
    after: Option<Cursor>,
    limit: Option<i64>,
    offset: i64,
) {
    let dir = if descending(f) { " DESC" } else { " ASC" };
    match d {
        Driver::Search(expr) => {
            q.push("SELECT rowid AS k, rowid AS id FROM report_text WHERE report_text MATCH ").push_bind(expr.clone());
            if let Some(c) = after {
                q.push(" AND rowid < ").push_bind(c.id.0);
            }
            q.push(" ORDER BY rowid DESC LIMIT ").push_bind(limit.unwrap_or(-1));
            q.push(" OFFSET ").push_bind(offset);
        }
        Driver::Path(path) => {
            // One compound SELECT: SQLite merges the branches' indexes in order and stops
            // at the page's last row, reading no branch further than it must.
            for (i, b) in path.iter().enumerate() {
                if i > 0 {
                    q.push(" UNION ALL ");
                }
                push_branch(q, f, b, after);
            }
            q.push(" ORDER BY k").push(dir).push(", id").push(dir).push(" LIMIT ").push_bind(limit.unwrap_or(-1));
            q.push(" OFFSET ").push_bind(offset);
        }
    }
}

/// The driver reads exactly the filter's reports: see [`implied`] and [`tokens_imply`].
fn exact(f: &ReportFilter, d: &Driver) -> bool {
    match d {
        Driver::Path(path) => implied(f, path),
        Driver::Search(_) => tokens_imply(f),
    }
}

/// Where the filters on [`INDEX_COLUMNS`] are checked: on the driver's entries when its
/// indexes carry them (no report is read for an entry they leave out), else on `r`.
fn index_alias(d: &Driver) -> &'static str {
    match d {
        Driver::Path(path) if path.iter().all(Branch::covers_filters) => "c",
        _ => "r",
    }
}

/// Whether the filter tests something only a report's row holds.
fn needs_row(f: &ReportFilter, d: &Driver) -> bool {
    let scope = match &f.scope {
        Scope::Within(_) => !matches!(d, Driver::Path(p) if p.iter().all(|b| matches!(b, Branch::Reach(..)))),
        Scope::Reporter(_) => true,
        Scope::All | Scope::Public => false,
    };
    index_alias(d) == "r"
        || scope
        || f.unit.is_some()
        || f.channel.is_some()
        || f.updated_from.is_some()
        || f.updated_before.is_some()
        || f.overdue
        || f.ombudsman_flagged
        || f.located
}

/// The whole filter: its index columns' conditions on the driver (or `r`), the rest on
/// `r`. The driver only narrows.
fn push_filter(q: &mut QueryBuilder<Sqlite>, f: &ReportFilter, d: &Driver) {
    push_index_filter(q, f, index_alias(d));
    match &f.scope {
        Scope::All | Scope::Public => {}
        Scope::Within(org) => {
            let read_by_reach = matches!(d, Driver::Path(p) if p.iter().all(|b| matches!(b, Branch::Reach(..))));
            if !read_by_reach {
                q.push(" AND EXISTS (SELECT 1 FROM report_reach x WHERE x.report_id = r.id AND x.org_id = ");
                q.push_bind(org.0).push(")");
            }
        }
        Scope::Reporter(p) => {
            q.push(" AND r.reporter_person_id = ").push_bind(p.0);
        }
    }
    if let Some(u) = f.unit {
        q.push(" AND EXISTS (SELECT 1 FROM report_units u WHERE u.report_id = r.id AND u.unit_id = ").push_bind(u.0);
        q.push(")");
    }
    if let Some(c) = f.channel {
        q.push(" AND r.channel = ").push_bind(c.as_str());
    }
    // A path's branches keep to the submission dates; the text index does not.
    if matches!(d, Driver::Search(_)) {
        if let Some(t) = f.submitted_from {
            q.push(" AND r.submitted_at >= ").push_bind(micros(t));
        }
        if let Some(t) = f.submitted_before {
            q.push(" AND r.submitted_at < ").push_bind(micros(t));
        }
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
    let (limit, skip) = (page.limit(), page.skip());
    let Some(d) = driver(pool, f, page.after).await? else {
        return Ok(Page { items: Vec::new(), next: None });
    };
    let read = i64::from(SCAN_LIMIT + skip);
    // When the driver's entries are exactly the list's rows, a numbered page passes over
    // index entries, not reports.
    let exact = exact(f, &d);
    let (driver_read, driver_skip, rows_skip) =
        if exact { (i64::from(limit) + 1, i64::from(skip), 0) } else { (read, 0, i64::from(skip)) };
    if matches!(d, Driver::Search(_)) && !exact {
        return search_page(pool, f, &d, page, read).await;
    }
    let dir = if descending(f) { " DESC" } else { " ASC" };
    let mut q = QueryBuilder::<Sqlite>::new(SUMMARY_COLUMNS);
    q.push(" FROM (");
    push_driver_from(&mut q, f, &d, page.after, Some(driver_read), driver_skip);
    // CROSS JOIN keeps the driver outermost: its entries are read in order, and only
    // their reports are looked at.
    q.push(") c CROSS JOIN reports r ON r.id = c.id WHERE 1");
    push_filter(&mut q, f, &d);
    q.push(" ORDER BY c.k").push(dir).push(", c.id").push(dir);
    q.push(" LIMIT ").push_bind(i64::from(limit) + 1).push(" OFFSET ").push_bind(rows_skip);
    let rows: Vec<SummaryRow> = q.build_query_as().fetch_all(pool).await?;
    let mut items = rows.into_iter().map(SummaryRow::into_summary).collect::<StoreResult<Vec<_>>>()?;
    let order = if f.search_text().is_some() { SortOrder::Newest } else { f.order };
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|s| Cursor::after(order, s))
    } else if exact {
        None
    } else {
        last_read(pool, f, &d, page.after, read).await?
    };
    Ok(Page { items, next })
}

const SUMMARY_COLUMNS: &str = "SELECT r.id, r.tracking, r.kind, r.title, r.status, r.category_id, r.region_code, \
     r.instansi_id, r.channel, r.anonymous, r.confidential, r.support_count, r.submitted_at, r.updated_at, \
     r.ombudsman_flagged_at IS NOT NULL AS flagged, r.lat, r.lon, r.marked_overdue AS overdue, \
     r.queue_due_at AS due_at, r.queue_due_zone AS due_zone";

/// A page of a search whose matches the filter still narrows: the text index is read once
/// (it costs more than the page when its terms are rare), its matches come back as one
/// JSON array, and the page, how many matches there were and the last one follow from it.
async fn search_page(
    pool: &SqlitePool,
    f: &ReportFilter,
    d: &Driver,
    page: &PageRequest,
    read: i64,
) -> StoreResult<Page<ReportSummary>> {
    let limit = page.limit();
    let mut q = QueryBuilder::<Sqlite>::new("SELECT json_group_array(id ORDER BY id DESC) FROM (");
    push_driver(&mut q, f, d, page.after, Some(read));
    q.push(")");
    let (matches,): (String,) = q.build_query_as().fetch_one(pool).await?;
    let ids: Vec<i64> =
        serde_json::from_str(&matches).map_err(|e| StoreError::Other(format!("search matches: {e}")))?;
    let mut q = QueryBuilder::<Sqlite>::new(SUMMARY_COLUMNS);
    q.push(" FROM json_each(").push_bind(matches).push(") j CROSS JOIN reports r ON r.id = j.value WHERE 1");
    push_filter(&mut q, f, d);
    q.push(" ORDER BY r.id DESC LIMIT ").push_bind(i64::from(limit) + 1);
    q.push(" OFFSET ").push_bind(i64::from(page.skip()));
    let rows: Vec<SummaryRow> = q.build_query_as().fetch_all(pool).await?;
    let mut items = rows.into_iter().map(SummaryRow::into_summary).collect::<StoreResult<Vec<_>>>()?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|s| Cursor::after(SortOrder::Newest, s))
    } else {
        // A search's cursor is its id alone.
        ids.last()
            .filter(|_| ids.len() as i64 >= read)
            .map(|&id| Cursor { at: chrono::DateTime::UNIX_EPOCH, id: ReportId(id) })
    };
    Ok(Page { items, next })
}

/// When the driver held `read` entries or more, the last one read: the next page goes on
/// after it. `None` when the driver ran out (the list is complete).
async fn last_read(
    pool: &SqlitePool,
    f: &ReportFilter,
    d: &Driver,
    after: Option<Cursor>,
    read: i64,
) -> StoreResult<Option<Cursor>> {
    let rev = if descending(f) { " ASC" } else { " DESC" };
    let mut q = QueryBuilder::<Sqlite>::new("WITH d AS MATERIALIZED (");
    push_driver(&mut q, f, d, after, Some(read));
    q.push(") SELECT k, id, (SELECT count(*) FROM d) FROM d ORDER BY k").push(rev).push(", id").push(rev);
    q.push(" LIMIT 1");
    let row: Option<(i64, i64, i64)> = q.build_query_as().fetch_optional(pool).await?;
    Ok(match row {
        Some((k, id, n)) if n >= read => {
            // A search's cursor is its id alone.
            let at = if matches!(d, Driver::Search(_)) { chrono::DateTime::UNIX_EPOCH } else { ts("cursor", k)? };
            Some(Cursor { at, id: ReportId(id) })
        }
        _ => None,
    })
}

pub async fn count(pool: &SqlitePool, f: &ReportFilter, enough: u64) -> StoreResult<Count> {
    let Some(d) = driver(pool, f, None).await? else { return Ok(Count::Exact(0)) };
    let bound = (enough != u64::MAX).then(|| i64::try_from(enough).unwrap_or(i64::MAX));
    if exact(f, &d) {
        // Index entries alone, up to `enough`.
        let mut q = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM (");
        push_driver(&mut q, f, &d, None, bound);
        q.push(")");
        let (n,): (i64,) = q.build_query_as().fetch_one(pool).await?;
        let n = u64::try_from(n).unwrap_or(0);
        return Ok(if n < enough { Count::Exact(n) } else { Count::AtLeast(n) });
    }
    // Each entry's report checked against the filter: at most twice `enough` of them.
    let read = bound.map(|b| b.saturating_mul(2));
    let mut q = QueryBuilder::<Sqlite>::new("WITH d AS MATERIALIZED (");
    push_driver(&mut q, f, &d, None, read);
    q.push(") SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM (SELECT 1 FROM d c");
    if needs_row(f, &d) {
        q.push(" CROSS JOIN reports r ON r.id = c.id");
    }
    q.push(" WHERE 1");
    push_filter(&mut q, f, &d);
    q.push(" LIMIT ").push_bind(i64::try_from(enough).unwrap_or(-1)).push("))");
    let (entries, matched): (i64, i64) = q.build_query_as().fetch_one(pool).await?;
    let matched = u64::try_from(matched).unwrap_or(0);
    let complete = read.is_none_or(|r| entries < r);
    Ok(if complete && matched < enough { Count::Exact(matched) } else { Count::AtLeast(matched) })
}

/// Counts each path's entries (each branch up to a cap) in one statement.
struct Counter<'a>(&'a SqlitePool);

#[async_trait]
impl PathCounter for Counter<'_> {
    async fn count_paths(
        &self,
        f: &ReportFilter,
        paths: &[Path],
        after: Option<Cursor>,
        cap: u32,
    ) -> StoreResult<Vec<u64>> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT ");
        for (i, path) in paths.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            for (j, b) in path.iter().enumerate() {
                if j > 0 {
                    q.push(" + ");
                }
                q.push("(SELECT count(*) FROM (");
                push_branch(&mut q, f, b, after);
                q.push(" LIMIT ").push_bind(i64::from(cap)).push("))");
            }
        }
        let row = q.build().fetch_one(self.0).await?;
        (0..paths.len()).map(|i| Ok(u64::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0))).collect()
    }
}
