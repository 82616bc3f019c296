//! Report lists, counts and searches with bounded work ([`aduan_store::plan`]).
//!
//! A list reads a *driver* — at most [`SCAN_LIMIT`] entries of the chosen path — then the
//! reports those entries name, keeping the ones the whole filter matches. A search (most
//! recently filed first) is read one of three ways: from a path short enough to be read
//! whole; through the GIN index when its rarest word or facet is rare enough that all its
//! matches are few; otherwise by walking reports newest filed first, at most
//! [`SCAN_LIMIT`] of them a page.

use aduan_domain::ids::{CategoryId, OrgId, ReportId};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{Channel, GeoPoint, Privacy, ReportType};
use aduan_domain::status::Status;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use aduan_store::codec::{checked, parse};
use aduan_store::plan::{
    Branch, INDEX_COLUMNS, PLAN_CAP, Path, PathCounter, SCAN_LIMIT, choose, implied, paths, push_index_filter,
};
use aduan_store::search::{filter_tokens, stems};
use aduan_store::{Count, Cursor, Page, PageRequest, ReportFilter, ReportSummary, Scope, SortOrder, StoreResult};
use async_trait::async_trait;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A search whose matches are estimated at most this many reads them all through the
/// GIN index and sorts them.
const BITMAP_ROWS: f64 = 10_000.0;

/// The statuses of reports the public may see; `reports_public` indexes those not
/// confidential.
const PUBLIC_PREDICATE: &str =
    "NOT r0.confidential AND r0.status IN ('forwarded', 'in_progress', 'responded', 'closed')";

/// What a list is read from.
enum Driver {
    /// A path of ordered index runs, at most `SCAN_LIMIT` entries of it.
    Path(Path),
    /// A path read whole (it is short), for a search: every entry, any order.
    WholePath(Path),
    /// Every match of the search through the GIN index.
    Bitmap,
    /// Reports newest filed first (public ones only for the public), at most `SCAN_LIMIT`.
    Walk,
}

/// How common each element of the search vectors is (`pg_stats.most_common_elems`, kept
/// fresh by autovacuum's ANALYZE), read again at most every five minutes.
#[derive(Default)]
pub struct TermStats(Mutex<Option<Terms>>);

#[derive(Clone)]
struct Terms {
    freq: HashMap<String, f64>,
    /// Elements not listed are rarer than the rarest listed one.
    floor: f64,
    rows: f64,
    read_at: Instant,
}

const TERMS_FRESH: Duration = Duration::from_secs(300);

/// The search vector's most common elements, their frequencies, and the table's rows.
type StatsRow = (Option<Vec<String>>, Option<Vec<f32>>, f32);

impl TermStats {
    async fn get(&self, pool: &PgPool) -> StoreResult<Terms> {
        if let Ok(cached) = self.0.lock()
            && let Some(t) = cached.as_ref().filter(|t| t.read_at.elapsed() < TERMS_FRESH)
        {
            return Ok(t.clone());
        }
        let row: Option<StatsRow> = sqlx::query_as(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples \
             FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'search' \
             AND s.schemaname = current_schema() WHERE c.relname = 'reports' AND c.relnamespace = current_schema()::regnamespace",
        )
        .fetch_optional(pool)
        .await?;
        let (elems, freqs, rows) = row.unwrap_or((None, None, -1.0));
        let (elems, freqs) = (elems.unwrap_or_default(), freqs.unwrap_or_default());
        let freq: HashMap<String, f64> = elems.into_iter().zip(freqs.iter().map(|f| f64::from(*f))).collect();
        // Without statistics every word counts as common: the walk is bounded either way.
        let floor = if freq.is_empty() { 1.0 } else { freq.values().copied().fold(1.0, f64::min) };
        let terms = Terms { freq, floor, rows: f64::from(rows.max(0.0)), read_at: Instant::now() };
        if let Ok(mut cached) = self.0.lock() {
            *cached = Some(terms.clone());
        }
        Ok(terms)
    }
}

impl Terms {
    /// At most how many reports hold every word and one token of every facet group: the
    /// rarest of them bounds the matches.
    fn bound(&self, words: &[String], groups: &[Vec<String>]) -> f64 {
        let freq = |t: &String| self.freq.get(t).copied().unwrap_or(self.floor);
        let word = words.iter().map(freq).fold(1.0, f64::min);
        let facet = groups.iter().map(|g| g.iter().map(freq).sum::<f64>().min(1.0)).fold(1.0, f64::min);
        word.min(facet) * self.rows
    }
}

/// The driver of a filter's list, or `None` when it can match nothing.
async fn driver(
    pool: &PgPool,
    terms: &TermStats,
    f: &ReportFilter,
    after: Option<Cursor>,
) -> StoreResult<Option<Driver>> {
    if f.shown_statuses().is_empty() {
        return Ok(None);
    }
    let Some(text) = f.search_text() else {
        return Ok(Some(Driver::Path(choose(&Counter(pool), f, after, PLAN_CAP).await?)));
    };
    let words = stems(text);
    if words.is_empty() {
        return Ok(None);
    }
    // The search pages by id: the path is counted without the cursor, and read whole.
    let list = ReportFilter { text: None, order: SortOrder::Newest, ..f.clone() };
    let candidates = paths(&list);
    let counts = Counter(pool).count_paths(&list, &candidates, None, SCAN_LIMIT).await?;
    if let Some((i, _)) =
        counts.iter().enumerate().filter(|(_, n)| **n < u64::from(SCAN_LIMIT)).min_by_key(|(_, n)| **n)
    {
        return Ok(Some(Driver::WholePath(candidates[i].clone())));
    }
    let stats = terms.get(pool).await?;
    Ok(Some(if stats.bound(&words, &filter_tokens(f)) <= BITMAP_ROWS { Driver::Bitmap } else { Driver::Walk }))
}

fn descending(f: &ReportFilter) -> bool {
    f.search_text().is_some() || f.order == SortOrder::Newest
}

/// `SELECT k, id` of one branch: its entries after the cursor and within the submission
/// dates, unordered (a [`push_path`] orders them, merging the branches' indexes).
fn push_branch(q: &mut QueryBuilder<Postgres>, f: &ReportFilter, b: &Branch, after: Option<Cursor>) {
    let deadline = f.order == SortOrder::Deadline;
    let key = if deadline { "queue_due_at" } else { "submitted_at" };
    let id = b.id_column();
    q.push("SELECT ").push(key).push(" AS k, ").push(id).push(" AS id");
    if b.covers_filters() {
        q.push(", ").push(INDEX_COLUMNS);
    }
    q.push(" FROM ").push(b.table()).push(" WHERE ");
    b.push_condition(q);
    if let Some(t) = f.submitted_from {
        q.push(" AND submitted_at >= ").push_bind(t);
    }
    if let Some(t) = f.submitted_before {
        q.push(" AND submitted_at < ").push_bind(t);
    }
    if let Some(c) = after {
        q.push(" AND (").push(key).push(", ").push(id).push(if descending(f) { ") < (" } else { ") > (" });
        q.push_bind(c.at).push(", ").push_bind(c.id.0).push(")");
    }
}

/// The union of a path's branches, `SELECT k, id`, in the list's order, at most `limit`:
/// each branch read from its index in order, as far as the page reaches.
fn push_path(q: &mut QueryBuilder<Postgres>, f: &ReportFilter, path: &Path, after: Option<Cursor>, limit: Option<i64>) {
    push_path_from(q, f, path, after, limit, 0);
}

/// [`push_path`], passing over the first `offset` entries.
fn push_path_from(
    q: &mut QueryBuilder<Postgres>,
    f: &ReportFilter,
    path: &Path,
    after: Option<Cursor>,
    limit: Option<i64>,
    offset: i64,
) {
    let dir = if descending(f) { " DESC" } else { " ASC" };
    // PostgreSQL does not merge the branches of a UNION ALL in index order (it appends
    // them and sorts everything), so with several branches each is cut to the page's
    // reach first: its own index gives its first `offset + limit` entries in order.
    let each = limit.filter(|_| path.len() > 1).map(|l| l + offset);
    for (i, b) in path.iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        if let Some(n) = each {
            q.push("(");
            push_branch(q, f, b, after);
            q.push(" ORDER BY k").push(dir).push(", id").push(dir).push(" LIMIT ").push_bind(n).push(")");
        } else {
            push_branch(q, f, b, after);
        }
    }
    q.push(" ORDER BY k").push(dir).push(", id").push(dir).push(" LIMIT ").push_bind(limit);
    q.push(" OFFSET ").push_bind(offset);
}

/// The driver reads exactly the filter's reports: see [`implied`].
fn exact(f: &ReportFilter, d: &Driver) -> bool {
    matches!(d, Driver::Path(path) if implied(f, path))
}

/// `FROM … WHERE true`: a path's entries as `c` (their sort key `k`; the first `offset`
/// passed over) with the reports they name as `r` when `with_row`, or the reports the
/// other drivers read, as `r`.
fn push_source(
    q: &mut QueryBuilder<Postgres>,
    f: &ReportFilter,
    d: &Driver,
    after: Option<Cursor>,
    limit: Option<i64>,
    offset: i64,
    with_row: bool,
) {
    let join = if with_row { ") c JOIN reports r ON r.id = c.id WHERE true" } else { ") c WHERE true" };
    match d {
        Driver::Path(path) => {
            q.push(" FROM (");
            push_path_from(q, f, path, after, limit, offset);
            q.push(join);
        }
        Driver::WholePath(path) => {
            q.push(" FROM (");
            push_path(q, f, path, None, None);
            q.push(join);
        }
        Driver::Bitmap => {
            // OFFSET 0 keeps it a subquery of its own: every match through the GIN index.
            q.push(" FROM (SELECT r0.* FROM reports r0 WHERE r0.search @@ ");
            push_tsquery(q, f);
            q.push(" OFFSET 0) r WHERE true");
        }
        Driver::Walk => {
            q.push(" FROM (SELECT r0.* FROM reports r0 WHERE ");
            q.push(if matches!(f.scope, Scope::Public) { PUBLIC_PREDICATE } else { "true" });
            if let Some(c) = after {
                q.push(" AND r0.id < ").push_bind(c.id.0);
            }
            q.push(" ORDER BY r0.id DESC LIMIT ").push_bind(limit).push(") r WHERE true");
        }
    }
    if !matches!(d, Driver::Path(_))
        && let Some(c) = after
    {
        q.push(if matches!(d, Driver::WholePath(_)) { " AND c.id < " } else { " AND r.id < " }).push_bind(c.id.0);
    }
}

/// The search's words (`plainto_tsquery` reads no operators) and its filter's facets.
fn push_tsquery(q: &mut QueryBuilder<Postgres>, f: &ReportFilter) {
    // PostgreSQL refuses NUL in text; it is no part of a word anyway.
    let words = f.search_text().unwrap_or_default().replace('\0', "");
    q.push("(plainto_tsquery('indonesian', ").push_bind(words).push(")");
    for group in filter_tokens(f) {
        let any: Vec<String> = group.iter().map(|t| format!("'{t}'")).collect();
        q.push(" && ").push_bind(format!("({})", any.join(" | "))).push("::tsquery");
    }
    q.push(")");
}

/// Where the filters on [`INDEX_COLUMNS`] are checked: on the path's entries when its
/// indexes carry them (no report is read for an entry they leave out), else on `r`.
fn index_alias(d: &Driver) -> &'static str {
    match d {
        Driver::Path(path) | Driver::WholePath(path) if path.iter().all(Branch::covers_filters) => "c",
        _ => "r",
    }
}

/// Whether the filter tests something only a report's row holds.
fn needs_row(f: &ReportFilter, d: &Driver) -> bool {
    let reach_only = |p: &Path| p.iter().all(|b| matches!(b, Branch::Reach(..)));
    let scope = match &f.scope {
        Scope::Within(_) => !matches!(d, Driver::Path(p) | Driver::WholePath(p) if reach_only(p)),
        Scope::Reporter(_) => true,
        Scope::All | Scope::Public => false,
    };
    index_alias(d) == "r"
        || scope
        || f.search_text().is_some()
        || f.unit.is_some()
        || f.channel.is_some()
        || f.updated_from.is_some()
        || f.updated_before.is_some()
        || f.overdue
        || f.ombudsman_flagged
        || f.located
}

/// The whole filter: its index columns' conditions on the path's entries (or `r`), the
/// rest on `r`. The driver only narrows.
fn push_filter(q: &mut QueryBuilder<Postgres>, f: &ReportFilter, d: &Driver) {
    push_index_filter(q, f, index_alias(d));
    match &f.scope {
        Scope::All | Scope::Public => {}
        Scope::Within(org) => {
            let reach_only = |p: &Path| p.iter().all(|b| matches!(b, Branch::Reach(..)));
            if !matches!(d, Driver::Path(p) | Driver::WholePath(p) if reach_only(p)) {
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
    // A path's branches keep to the submission dates; the other drivers do not.
    if !matches!(d, Driver::Path(_) | Driver::WholePath(_)) {
        if let Some(t) = f.submitted_from {
            q.push(" AND r.submitted_at >= ").push_bind(t);
        }
        if let Some(t) = f.submitted_before {
            q.push(" AND r.submitted_at < ").push_bind(t);
        }
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
    if f.search_text().is_some() && !matches!(d, Driver::Bitmap) {
        q.push(" AND r.search @@ ");
        push_tsquery(q, f);
    }
}

/// The sort of the page: the driver's key, or for a search the id.
fn push_order(q: &mut QueryBuilder<Postgres>, f: &ReportFilter, d: &Driver) {
    let dir = if descending(f) { " DESC" } else { " ASC" };
    match d {
        Driver::Path(_) => q.push(" ORDER BY c.k").push(dir).push(", c.id").push(dir),
        _ => q.push(" ORDER BY r.id DESC"),
    };
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
// different selectivities per value (a regency or a whole province), and a cached generic
// plan picks one strategy for all of them. Unnamed statements are planned for the values
// at hand.
pub async fn list(
    pool: &PgPool,
    terms: &TermStats,
    f: &ReportFilter,
    page: &PageRequest,
) -> StoreResult<Page<ReportSummary>> {
    let (limit, skip) = (page.limit(), page.skip());
    let Some(d) = driver(pool, terms, f, page.after).await? else {
        return Ok(Page { items: Vec::new(), next: None });
    };
    let read = i64::from(SCAN_LIMIT + skip);
    // When the driver's entries are exactly the list's rows, a numbered page passes over
    // index entries, not reports.
    let exact = exact(f, &d);
    let (driver_read, driver_skip, rows_skip) =
        if exact { (i64::from(limit) + 1, i64::from(skip), 0) } else { (read, 0, i64::from(skip)) };
    let mut q = QueryBuilder::<Postgres>::new(
        "SELECT r.id, r.tracking, r.kind, r.title, r.status, r.category_id, r.region_code, r.instansi_id, r.channel, \
         r.anonymous, r.confidential, r.support_count, r.submitted_at, r.updated_at, \
         r.ombudsman_flagged_at IS NOT NULL AS flagged, r.lat, r.lon, r.marked_overdue AS overdue, \
         r.queue_due_at AS due_at, r.queue_due_zone AS due_zone",
    );
    push_source(&mut q, f, &d, page.after, Some(driver_read), driver_skip, true);
    push_filter(&mut q, f, &d);
    push_order(&mut q, f, &d);
    q.push(" LIMIT ").push_bind(i64::from(limit) + 1).push(" OFFSET ").push_bind(rows_skip);
    let rows: Vec<SummaryRow> = q.build_query_as().persistent(false).fetch_all(pool).await?;
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

/// When a bounded driver held `read` entries or more, the last one read: the next page
/// goes on after it. `None` when the driver ran out (the list is complete).
async fn last_read(
    pool: &PgPool,
    f: &ReportFilter,
    d: &Driver,
    after: Option<Cursor>,
    read: i64,
) -> StoreResult<Option<Cursor>> {
    let rev = if descending(f) { " ASC" } else { " DESC" };
    let mut q = QueryBuilder::<Postgres>::new("WITH d AS MATERIALIZED (");
    match d {
        Driver::WholePath(_) | Driver::Bitmap => Ok(None),
        Driver::Path(path) => {
            push_path(&mut q, f, path, after, Some(read));
            q.push(") SELECT k, id, (SELECT count(*) FROM d) FROM d ORDER BY k").push(rev).push(", id").push(rev);
            q.push(" LIMIT 1");
            let row: Option<(Timestamp, i64, i64)> = q.build_query_as().persistent(false).fetch_optional(pool).await?;
            Ok(row.filter(|(_, _, n)| *n >= read).map(|(at, id, _)| Cursor { at, id: ReportId(id) }))
        }
        Driver::Walk => {
            q.push("SELECT r0.id FROM reports r0 WHERE ");
            q.push(if matches!(f.scope, Scope::Public) { PUBLIC_PREDICATE } else { "true" });
            if let Some(c) = after {
                q.push(" AND r0.id < ").push_bind(c.id.0);
            }
            q.push(" ORDER BY r0.id DESC LIMIT ").push_bind(read);
            q.push(") SELECT min(id), count(*) FROM d");
            let (id, n): (Option<i64>, i64) = q.build_query_as().persistent(false).fetch_one(pool).await?;
            // A search's cursor is its id alone.
            Ok(id.filter(|_| n >= read).map(|id| Cursor { at: chrono::DateTime::UNIX_EPOCH, id: ReportId(id) }))
        }
    }
}

pub async fn count(pool: &PgPool, terms: &TermStats, f: &ReportFilter, enough: u64) -> StoreResult<Count> {
    let Some(d) = driver(pool, terms, f, None).await? else { return Ok(Count::Exact(0)) };
    let bound = (enough != u64::MAX).then(|| i64::try_from(enough).unwrap_or(i64::MAX));
    if let Driver::Path(path) = &d
        && implied(f, path)
    {
        // Index entries alone, up to `enough`.
        let mut q = QueryBuilder::<Postgres>::new("SELECT count(*) FROM (");
        push_path(&mut q, f, path, None, bound);
        q.push(") d");
        let (n,): (i64,) = q.build_query_as().persistent(false).fetch_one(pool).await?;
        let n = u64::try_from(n).unwrap_or(0);
        return Ok(if n < enough { Count::Exact(n) } else { Count::AtLeast(n) });
    }
    // Each entry's report checked against the filter: at most twice `enough` of them.
    let read = bound.map(|b| b.saturating_mul(2));
    let bounded = match &d {
        Driver::Path(_) | Driver::Walk => read,
        Driver::WholePath(_) | Driver::Bitmap => None,
    };
    let mut q = QueryBuilder::<Postgres>::new("SELECT count(*) FROM (SELECT 1");
    push_source(&mut q, f, &d, None, bounded, 0, needs_row(f, &d));
    push_filter(&mut q, f, &d);
    q.push(" LIMIT ").push_bind(bound).push(") m");
    let (matched,): (i64,) = q.build_query_as().persistent(false).fetch_one(pool).await?;
    let matched = u64::try_from(matched).unwrap_or(0);
    let complete = match (&d, bounded) {
        (Driver::Path(path), Some(read)) => {
            let mut q = QueryBuilder::<Postgres>::new("SELECT count(*) FROM (");
            push_path(&mut q, f, path, None, Some(read));
            q.push(") d");
            let (entries,): (i64,) = q.build_query_as().persistent(false).fetch_one(pool).await?;
            entries < read
        }
        (Driver::Walk, Some(_)) => false,
        _ => true,
    };
    Ok(if complete && matched < enough { Count::Exact(matched) } else { Count::AtLeast(matched) })
}

/// Counts each path's entries (each branch up to a cap) in one statement.
struct Counter<'a>(&'a PgPool);

#[async_trait]
impl PathCounter for Counter<'_> {
    async fn count_paths(
        &self,
        f: &ReportFilter,
        paths: &[Path],
        after: Option<Cursor>,
        cap: u32,
    ) -> StoreResult<Vec<u64>> {
        let mut q = QueryBuilder::<Postgres>::new("SELECT ");
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
                q.push(" LIMIT ").push_bind(i64::from(cap)).push(") b)");
            }
        }
        let row = q.build().persistent(false).fetch_one(self.0).await?;
        (0..paths.len()).map(|i| Ok(u64::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0))).collect()
    }
}
