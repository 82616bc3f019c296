//! Reports, their clocks, units, involvement and events.
//!
//! Every write binds one array per column and inserts with `UNNEST`: a batch of
//! thousands of reports (an import) costs the same few round trips as a single one, and
//! a single report goes through the very same statements.

use aduan_domain::deadline::{ClockKind, ClockState, Deadline, Limit};
use aduan_domain::event::{Event, EventActor, NewEvent, Visibility};
use aduan_domain::ids::{CategoryId, OrgId, PersonId, ReportId};
use aduan_domain::person::{Email, Phone, Role};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{
    ArchiveReason, AttachmentMeta, Channel, Closure, GeoPoint, Location, Privacy, Rating, Report, ReportType, Reporter,
    UnitAssignment,
};
use aduan_domain::sla::Complexity;
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use aduan_store::codec::{checked, from_json_value, parse, parse_opt};
use aduan_store::{StoreError, StoreResult};
use chrono::NaiveDate;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, Row};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// The report columns written on insert and update with their types, in bind order
/// (see [`ReportColumns::bind`]).
const COLUMNS: [(&str, &str); 47] = [
    ("tracking", "text"),
    ("version", "bigint"),
    ("kind", "text"),
    ("title", "text"),
    ("description", "text"),
    ("incident_date", "date"),
    ("region_code", "text"),
    ("address", "text"),
    ("lat", "double precision"),
    ("lon", "double precision"),
    ("category_id", "bigint"),
    ("tags", "jsonb"),
    ("target_instansi_id", "bigint"),
    ("channel", "text"),
    ("anonymous", "boolean"),
    ("confidential", "boolean"),
    ("reporter_person_id", "bigint"),
    ("reporter_name", "text"),
    ("reporter_email", "text"),
    ("reporter_phone", "text"),
    ("reporter_nik", "text"),
    ("reporter_public_name", "text"),
    ("entered_by", "bigint"),
    ("secret_hash", "text"),
    ("attachments", "jsonb"),
    ("status", "text"),
    ("screening_desk_id", "bigint"),
    ("instansi_id", "bigint"),
    ("complexity", "text"),
    ("archive_reason", "jsonb"),
    ("closure", "jsonb"),
    ("support_count", "bigint"),
    ("rating_stars", "smallint"),
    ("rating_comment", "text"),
    ("rating_at", "timestamptz"),
    ("appealed", "boolean"),
    ("ombudsman_flagged_at", "timestamptz"),
    ("submitted_at", "timestamptz"),
    ("verified_at", "timestamptz"),
    ("forwarded_at", "timestamptz"),
    ("first_answer_at", "timestamptz"),
    ("responded_at", "timestamptz"),
    ("closed_at", "timestamptz"),
    ("updated_at", "timestamptz"),
    // Derived from the clocks, for the lists' deadline order and overdue filter to be
    // read from an index: [`Report::queue_due`] and [`Report::marked_overdue`].
    ("queue_due_at", "timestamptz"),
    ("queue_due_zone", "text"),
    ("marked_overdue", "boolean"),
];

fn column_list() -> String {
    COLUMNS.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// `FROM UNNEST(…, $48::text[]) AS u(<columns>, tokens)`: the columns, then each report's
/// facet tokens separated by spaces.
fn unnest_rows() -> String {
    let n = COLUMNS.len();
    let arrays: Vec<String> = COLUMNS.iter().enumerate().map(|(i, (_, ty))| format!("${}::{ty}[]", i + 1)).collect();
    format!("FROM UNNEST({}, ${}::text[]) AS u({}, tokens)", arrays.join(", "), n + 1, column_list())
}

/// The search vector of a row of [`unnest_rows`]: its words in the `indonesian`
/// configuration and its facet tokens (the store's `search` module).
const SEARCH_VECTOR: &str =
    "to_tsvector('indonesian', u.title || ' ' || u.description) || array_to_tsvector(string_to_array(u.tokens, ' '))";

/// The columns an update writes: all but the support count, which only `add_support`
/// changes (a transition decided before a "dukung" arrived must not undo it).
fn updated_columns() -> Vec<&'static str> {
    COLUMNS.iter().map(|(name, _)| *name).filter(|name| *name != "support_count").collect()
}

// Both statements are built from the constants above only.
static INSERT_REPORTS: LazyLock<Arc<str>> = LazyLock::new(|| {
    let from_u: Vec<String> = COLUMNS.iter().map(|(name, _)| format!("u.{name}")).collect();
    format!(
        "INSERT INTO reports ({}, search) SELECT {}, {SEARCH_VECTOR} {} RETURNING id, tracking",
        column_list(),
        from_u.join(", "),
        unnest_rows()
    )
    .into()
});
// The same one-row arrays as an insert, so one mapping of a report to columns serves both.
static UPDATE_REPORT: LazyLock<Arc<str>> = LazyLock::new(|| {
    let n = COLUMNS.len() + 1;
    let columns = updated_columns();
    let from_u: Vec<String> = columns.iter().map(|name| format!("u.{name}")).collect();
    format!(
        "UPDATE reports SET ({}, search) = (SELECT {}, {SEARCH_VECTOR} {}) WHERE id = ${} AND version = ${} \
         RETURNING support_count",
        columns.join(", "),
        from_u.join(", "),
        unnest_rows(),
        n + 1,
        n + 2
    )
    .into()
});

type PgQuery<'q> = Query<'q, Postgres, PgArguments>;

/// Reports as one array per column.
#[derive(Default)]
struct ReportColumns<'a> {
    tracking: Vec<&'a str>,
    version: Vec<i64>,
    kind: Vec<&'static str>,
    title: Vec<&'a str>,
    description: Vec<&'a str>,
    incident_date: Vec<Option<NaiveDate>>,
    region_code: Vec<Option<&'a str>>,
    address: Vec<Option<&'a str>>,
    lat: Vec<Option<f64>>,
    lon: Vec<Option<f64>>,
    category_id: Vec<Option<i64>>,
    tags: Vec<Json<&'a [String]>>,
    target_instansi_id: Vec<Option<i64>>,
    channel: Vec<&'static str>,
    anonymous: Vec<bool>,
    confidential: Vec<bool>,
    reporter_person_id: Vec<Option<i64>>,
    reporter_name: Vec<Option<&'a str>>,
    reporter_email: Vec<Option<&'a str>>,
    reporter_phone: Vec<Option<&'a str>>,
    reporter_nik: Vec<Option<&'a str>>,
    reporter_public_name: Vec<Option<&'a str>>,
    entered_by: Vec<Option<i64>>,
    secret_hash: Vec<Option<&'a str>>,
    attachments: Vec<Json<&'a [AttachmentMeta]>>,
    status: Vec<&'static str>,
    screening_desk_id: Vec<i64>,
    instansi_id: Vec<Option<i64>>,
    complexity: Vec<Option<&'static str>>,
    archive_reason: Vec<Option<Json<&'a ArchiveReason>>>,
    closure: Vec<Option<Json<&'a Closure>>>,
    support_count: Vec<i64>,
    rating_stars: Vec<Option<i16>>,
    rating_comment: Vec<Option<&'a str>>,
    rating_at: Vec<Option<Timestamp>>,
    appealed: Vec<bool>,
    ombudsman_flagged_at: Vec<Option<Timestamp>>,
    submitted_at: Vec<Timestamp>,
    verified_at: Vec<Option<Timestamp>>,
    forwarded_at: Vec<Option<Timestamp>>,
    first_answer_at: Vec<Option<Timestamp>>,
    responded_at: Vec<Option<Timestamp>>,
    closed_at: Vec<Option<Timestamp>>,
    updated_at: Vec<Timestamp>,
    queue_due_at: Vec<Timestamp>,
    queue_due_zone: Vec<Option<&'static str>>,
    marked_overdue: Vec<bool>,
    tokens: Vec<String>,
}

impl<'a> ReportColumns<'a> {
    fn push(&mut self, r: &'a Report, reach: &[OrgId]) {
        self.tokens.push(aduan_store::search::report_tokens(r, reach).join(" "));
        self.tracking.push(r.tracking.as_str());
        self.version.push(r.version);
        self.kind.push(r.kind.as_str());
        self.title.push(r.title.as_str());
        self.description.push(r.description.as_str());
        self.incident_date.push(r.incident_date);
        self.region_code.push(r.location.region.as_ref().map(|c| c.as_str()));
        self.address.push(r.location.address.as_deref());
        self.lat.push(r.location.point.map(|p| p.lat));
        self.lon.push(r.location.point.map(|p| p.lon));
        self.category_id.push(r.category.map(|c| c.0));
        self.tags.push(Json(r.tags.as_slice()));
        self.target_instansi_id.push(r.target_instansi.map(|o| o.0));
        self.channel.push(r.channel.as_str());
        self.anonymous.push(r.privacy.anonymous);
        self.confidential.push(r.privacy.confidential);
        self.reporter_person_id.push(r.reporter.person.map(|p| p.0));
        self.reporter_name.push(r.reporter.name.as_deref());
        self.reporter_email.push(r.reporter.email.as_ref().map(|e| e.as_str()));
        self.reporter_phone.push(r.reporter.phone.as_ref().map(|p| p.as_str()));
        self.reporter_nik.push(r.reporter.nik.as_deref());
        self.reporter_public_name.push(r.reporter.public_name.as_deref());
        self.entered_by.push(r.entered_by.map(|p| p.0));
        self.secret_hash.push(r.secret_hash.as_deref());
        self.attachments.push(Json(r.attachments.as_slice()));
        self.status.push(r.status.as_str());
        self.screening_desk_id.push(r.screening_desk.0);
        self.instansi_id.push(r.instansi.map(|o| o.0));
        self.complexity.push(r.complexity.map(|c| c.as_str()));
        self.archive_reason.push(r.archive_reason.as_ref().map(Json));
        self.closure.push(r.closure.as_ref().map(Json));
        self.support_count.push(r.support_count);
        self.rating_stars.push(r.rating.as_ref().map(|x| i16::from(x.stars)));
        self.rating_comment.push(r.rating.as_ref().and_then(|x| x.comment.as_ref().map(|c| c.as_str())));
        self.rating_at.push(r.rating.as_ref().map(|x| x.at));
        self.appealed.push(r.appealed);
        self.ombudsman_flagged_at.push(r.ombudsman_flagged_at);
        self.submitted_at.push(r.submitted_at);
        self.verified_at.push(r.verified_at);
        self.forwarded_at.push(r.forwarded_at);
        self.first_answer_at.push(r.first_answer_at);
        self.responded_at.push(r.responded_at);
        self.closed_at.push(r.closed_at);
        self.updated_at.push(r.updated_at);
        let due = r.queue_due();
        self.queue_due_at.push(due.map_or_else(aduan_store::no_deadline, |(at, _)| at));
        self.queue_due_zone.push(due.map(|(_, zone)| zone.abbreviation()));
        self.marked_overdue.push(r.marked_overdue());
    }

    /// Binds the arrays in the order of [`COLUMNS`], then the tokens.
    fn bind<'q>(self, q: PgQuery<'q>) -> PgQuery<'q> {
        q.bind(self.tracking)
            .bind(self.version)
            .bind(self.kind)
            .bind(self.title)
            .bind(self.description)
            .bind(self.incident_date)
            .bind(self.region_code)
            .bind(self.address)
            .bind(self.lat)
            .bind(self.lon)
            .bind(self.category_id)
            .bind(self.tags)
            .bind(self.target_instansi_id)
            .bind(self.channel)
            .bind(self.anonymous)
            .bind(self.confidential)
            .bind(self.reporter_person_id)
            .bind(self.reporter_name)
            .bind(self.reporter_email)
            .bind(self.reporter_phone)
            .bind(self.reporter_nik)
            .bind(self.reporter_public_name)
            .bind(self.entered_by)
            .bind(self.secret_hash)
            .bind(self.attachments)
            .bind(self.status)
            .bind(self.screening_desk_id)
            .bind(self.instansi_id)
            .bind(self.complexity)
            .bind(self.archive_reason)
            .bind(self.closure)
            .bind(self.support_count)
            .bind(self.rating_stars)
            .bind(self.rating_comment)
            .bind(self.rating_at)
            .bind(self.appealed)
            .bind(self.ombudsman_flagged_at)
            .bind(self.submitted_at)
            .bind(self.verified_at)
            .bind(self.forwarded_at)
            .bind(self.first_answer_at)
            .bind(self.responded_at)
            .bind(self.closed_at)
            .bind(self.updated_at)
            .bind(self.queue_due_at)
            .bind(self.queue_due_zone)
            .bind(self.marked_overdue)
            .bind(self.tokens)
    }
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    tracking: String,
    version: i64,
    kind: String,
    title: String,
    description: String,
    incident_date: Option<NaiveDate>,
    region_code: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    category_id: Option<i64>,
    tags: serde_json::Value,
    target_instansi_id: Option<i64>,
    channel: String,
    anonymous: bool,
    confidential: bool,
    reporter_person_id: Option<i64>,
    reporter_name: Option<String>,
    reporter_email: Option<String>,
    reporter_phone: Option<String>,
    reporter_nik: Option<String>,
    reporter_public_name: Option<String>,
    entered_by: Option<i64>,
    secret_hash: Option<String>,
    attachments: serde_json::Value,
    status: String,
    screening_desk_id: i64,
    instansi_id: Option<i64>,
    complexity: Option<String>,
    archive_reason: Option<serde_json::Value>,
    closure: Option<serde_json::Value>,
    support_count: i64,
    rating_stars: Option<i16>,
    rating_comment: Option<String>,
    rating_at: Option<Timestamp>,
    appealed: bool,
    ombudsman_flagged_at: Option<Timestamp>,
    submitted_at: Timestamp,
    verified_at: Option<Timestamp>,
    forwarded_at: Option<Timestamp>,
    first_answer_at: Option<Timestamp>,
    responded_at: Option<Timestamp>,
    closed_at: Option<Timestamp>,
    updated_at: Timestamp,
}

impl ReportRow {
    fn into_report(self) -> StoreResult<Report> {
        let point = match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            _ => None,
        };
        let rating = match (self.rating_stars, self.rating_at) {
            (Some(stars), Some(at)) => Some(Rating {
                stars: checked("rating_stars", u8::try_from(stars))?,
                comment: self.rating_comment.map(Text::trusted),
                at,
            }),
            _ => None,
        };
        Ok(Report {
            id: ReportId(self.id),
            tracking: checked("tracking", TrackingNumber::parse(&self.tracking))?,
            version: self.version,
            kind: parse("kind", &self.kind, ReportType::parse)?,
            title: Text::trusted(self.title),
            description: Text::trusted(self.description),
            incident_date: self.incident_date,
            location: Location {
                region: self.region_code.map(|c| checked("region_code", RegionCode::parse(&c))).transpose()?,
                address: self.address,
                point,
            },
            category: self.category_id.map(CategoryId),
            tags: from_json_value("tags", self.tags)?,
            target_instansi: self.target_instansi_id.map(OrgId),
            channel: parse("channel", &self.channel, Channel::parse)?,
            privacy: Privacy { anonymous: self.anonymous, confidential: self.confidential },
            reporter: Reporter {
                person: self.reporter_person_id.map(PersonId),
                name: self.reporter_name,
                email: self.reporter_email.map(|e| checked("reporter_email", Email::parse(&e))).transpose()?,
                phone: self.reporter_phone.map(|p| checked("reporter_phone", Phone::parse(&p))).transpose()?,
                nik: self.reporter_nik,
                public_name: self.reporter_public_name,
            },
            entered_by: self.entered_by.map(PersonId),
            secret_hash: self.secret_hash,
            attachments: from_json_value("attachments", self.attachments)?,
            status: parse("status", &self.status, Status::parse)?,
            screening_desk: OrgId(self.screening_desk_id),
            instansi: self.instansi_id.map(OrgId),
            units: Vec::new(),
            involved: Default::default(),
            complexity: parse_opt("complexity", self.complexity.as_deref(), Complexity::parse)?,
            archive_reason: self.archive_reason.map(|a| from_json_value("archive_reason", a)).transpose()?,
            closure: self.closure.map(|c| from_json_value("closure", c)).transpose()?,
            support_count: self.support_count,
            rating,
            appealed: self.appealed,
            ombudsman_flagged_at: self.ombudsman_flagged_at,
            submitted_at: self.submitted_at,
            verified_at: self.verified_at,
            forwarded_at: self.forwarded_at,
            first_answer_at: self.first_answer_at,
            responded_at: self.responded_at,
            closed_at: self.closed_at,
            updated_at: self.updated_at,
            deadlines: Vec::new(),
        })
    }
}

#[derive(serde::Deserialize)]
struct DeadlineRow {
    seq: i32,
    clock: String,
    holder_id: i64,
    zone: String,
    limit_unit: String,
    limit_count: i32,
    started_at: Timestamp,
    due_at: Timestamp,
    state: String,
    paused_at: Option<Timestamp>,
    stopped_at: Option<Timestamp>,
    overdue_at: Option<Timestamp>,
    assumed_years: serde_json::Value,
}

impl DeadlineRow {
    fn into_deadline(self) -> StoreResult<Deadline> {
        let count = checked("limit_count", u32::try_from(self.limit_count))?;
        Ok(Deadline {
            seq: checked("seq", u32::try_from(self.seq))?,
            clock: parse("clock", &self.clock, ClockKind::parse)?,
            holder: OrgId(self.holder_id),
            zone: checked("zone", self.zone.parse::<Zone>())?,
            limit: match self.limit_unit.as_str() {
                "working_days" => Limit::WorkingDays(count),
                _ => Limit::CalendarDays(count),
            },
            started_at: self.started_at,
            due_at: self.due_at,
            state: parse("state", &self.state, ClockState::parse)?,
            paused_at: self.paused_at,
            stopped_at: self.stopped_at,
            overdue_at: self.overdue_at,
            assumed_years: from_json_value("assumed_years", self.assumed_years)?,
        })
    }
}

fn limit_columns(limit: Limit) -> StoreResult<(&'static str, i32)> {
    let (unit, n) = match limit {
        Limit::WorkingDays(n) => ("working_days", n),
        Limit::CalendarDays(n) => ("calendar_days", n),
    };
    Ok((unit, i32::try_from(n).map_err(|_| StoreError::Invalid(format!("deadline limit {n} is too large")))?))
}

/// Loads a report with its units, involvement and clocks.
pub async fn load(conn: &mut PgConnection, id: ReportId) -> StoreResult<Option<Report>> {
    Ok(load_many(conn, &[id]).await?.pop())
}

/// A report row with its units, involvement and clocks gathered as JSON arrays.
#[derive(sqlx::FromRow)]
struct LoadedRow {
    #[sqlx(flatten)]
    report: ReportRow,
    units_json: serde_json::Value,
    orgs_json: serde_json::Value,
    deadlines_json: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct UnitJson {
    unit_id: i64,
    assigned_at: Timestamp,
    final_answer_at: Option<Timestamp>,
}

/// Everything of a report in one statement: its row, and its units, organisations and
/// clocks as JSON arrays (one round trip per page of reports, not four). `FROM reports r`
/// follows.
static LOAD: LazyLock<Arc<str>> = LazyLock::new(|| {
    format!(
        "SELECT id, {}, \
         COALESCE((SELECT json_agg(u ORDER BY u.assigned_at, u.unit_id) FROM (SELECT unit_id, assigned_at, \
         final_answer_at FROM report_units WHERE report_id = r.id) u), '[]') AS units_json, \
         COALESCE((SELECT json_agg(o.org_id) FROM report_orgs o WHERE o.report_id = r.id), '[]') AS orgs_json, \
         COALESCE((SELECT json_agg(d ORDER BY d.seq) FROM (SELECT seq, clock, holder_id, zone, limit_unit, \
         limit_count, started_at, due_at, state, paused_at, stopped_at, overdue_at, assumed_years FROM deadlines \
         WHERE report_id = r.id) d), '[]') AS deadlines_json",
        column_list()
    )
    .into()
});

impl LoadedRow {
    fn into_report(self) -> StoreResult<Report> {
        let mut report = self.report.into_report()?;
        let units: Vec<UnitJson> = from_json_value("units", self.units_json)?;
        report.units = units
            .into_iter()
            .map(|u| UnitAssignment {
                unit: OrgId(u.unit_id),
                assigned_at: u.assigned_at,
                final_answer_at: u.final_answer_at,
            })
            .collect();
        let orgs: Vec<i64> = from_json_value("orgs", self.orgs_json)?;
        report.involved = orgs.into_iter().map(OrgId).collect();
        let deadlines: Vec<DeadlineRow> = from_json_value("deadlines", self.deadlines_json)?;
        report.deadlines = deadlines.into_iter().map(DeadlineRow::into_deadline).collect::<StoreResult<_>>()?;
        Ok(report)
    }
}

/// Loads reports with their units, involvement and clocks in one statement, in the order
/// of `ids`; ids without a report are left out.
pub async fn load_many(conn: &mut PgConnection, ids: &[ReportId]) -> StoreResult<Vec<Report>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let sql = format!("{} FROM reports r WHERE r.id = ANY($1)", &*LOAD);
    let rows: Vec<LoadedRow> = sqlx::query_as(AssertSqlSafe(sql)).bind(&list).fetch_all(&mut *conn).await?;
    let mut reports: HashMap<i64, Report> = HashMap::with_capacity(rows.len());
    for row in rows {
        let report = row.into_report()?;
        reports.insert(report.id.0, report);
    }
    Ok(ids.iter().filter_map(|id| reports.remove(&id.0)).collect())
}

#[derive(sqlx::FromRow)]
struct LoadedWithEvents {
    #[sqlx(flatten)]
    loaded: LoadedRow,
    events_json: serde_json::Value,
}

/// The report with this tracking number and its timeline, in one statement.
pub async fn load_with_events(
    conn: &mut PgConnection,
    tracking: &TrackingNumber,
) -> StoreResult<Option<(Report, Vec<Event>)>> {
    let sql = format!(
        "{}, COALESCE((SELECT json_agg(e ORDER BY e.seq) FROM (SELECT seq, at, actor_person, actor_org, actor_role, \
         from_status, to_status, visibility, data FROM events WHERE report_id = r.id) e), '[]') AS events_json \
         FROM reports r WHERE r.tracking = $1",
        &*LOAD
    );
    let row: Option<LoadedWithEvents> =
        sqlx::query_as(AssertSqlSafe(sql)).bind(tracking.as_str()).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    let report = row.loaded.into_report()?;
    let rows: Vec<EventRow> = from_json_value("events", row.events_json)?;
    let events = rows.into_iter().map(|e| e.into_event(report.id)).collect::<StoreResult<Vec<_>>>()?;
    Ok(Some((report, events)))
}

/// The report with this tracking number, loaded as [`load_many`] does.
pub async fn load_by_tracking(conn: &mut PgConnection, tracking: &TrackingNumber) -> StoreResult<Option<Report>> {
    let sql = format!("{} FROM reports r WHERE r.tracking = $1", &*LOAD);
    let row: Option<LoadedRow> =
        sqlx::query_as(AssertSqlSafe(sql)).bind(tracking.as_str()).fetch_optional(&mut *conn).await?;
    row.map(LoadedRow::into_report).transpose()
}

/// The ids of the reports with these tracking numbers, in the order given.
pub async fn ids_by_tracking(conn: &mut PgConnection, trackings: &[TrackingNumber]) -> StoreResult<Vec<ReportId>> {
    let list: Vec<&str> = trackings.iter().map(TrackingNumber::as_str).collect();
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT tracking, id FROM reports WHERE tracking = ANY($1)")
        .bind(&list)
        .fetch_all(&mut *conn)
        .await?;
    let found: HashMap<String, i64> = rows.into_iter().collect();
    Ok(trackings.iter().filter_map(|t| found.get(t.as_str()).map(|id| ReportId(*id))).collect())
}

/// A report to write with what comes with it: its new events and whose lists hold it.
#[derive(Clone, Copy)]
pub struct Written<'a> {
    pub report: &'a Report,
    pub events: &'a [NewEvent],
    pub reach: &'a [OrgId],
}

/// Inserts new reports with everything attached to them; returns their ids in order.
pub async fn insert(conn: &mut PgConnection, items: &[Written<'_>]) -> StoreResult<Vec<ReportId>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut columns = ReportColumns::default();
    for item in items {
        columns.push(item.report, item.reach);
    }
    let rows = columns.bind(sqlx::query(AssertSqlSafe(Arc::clone(&INSERT_REPORTS)))).fetch_all(&mut *conn).await?;
    // RETURNING promises no order; the tracking number is unique, so it maps back.
    let by_tracking = rows
        .iter()
        .map(|row| Ok((row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?)))
        .collect::<Result<HashMap<_, _>, sqlx::Error>>()?;
    let ids = items
        .iter()
        .map(|item| {
            by_tracking
                .get(item.report.tracking.as_str())
                .map(|id| ReportId(*id))
                .ok_or_else(|| StoreError::Other(format!("report {} was not inserted", item.report.tracking.as_str())))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let attached: Vec<_> = ids.iter().copied().zip(items.iter().copied()).collect();
    write_attached(conn, &attached).await?;
    let events: Vec<_> = attached.iter().map(|(id, item)| (*id, 0, item.events)).collect();
    append_events(conn, &events).await?;
    Ok(ids)
}

/// Writes a transition if the report is still at the expected version; returns the
/// stored support count (which only "dukung" changes).
pub async fn update(conn: &mut PgConnection, before_version: i64, item: Written<'_>) -> StoreResult<i64> {
    let report = item.report;
    let mut columns = ReportColumns::default();
    columns.push(report, item.reach);
    // The row lock taken here makes a concurrent transition of the same report wait, then
    // find the version changed.
    let done = columns
        .bind(sqlx::query(AssertSqlSafe(Arc::clone(&UPDATE_REPORT))))
        .bind(report.id.0)
        .bind(before_version)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(support_count) = done.map(|row| row.try_get::<i64, _>(0)).transpose()? else {
        let exists: Option<(i32,)> =
            sqlx::query_as("SELECT 1 FROM reports WHERE id = $1").bind(report.id.0).fetch_optional(&mut *conn).await?;
        return Err(match exists {
            Some(_) => StoreError::Stale(report.id),
            None => StoreError::NotFound(format!("report {}", report.id)),
        });
    };
    sqlx::query("DELETE FROM report_units WHERE report_id = $1").bind(report.id.0).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM report_reach WHERE report_id = $1").bind(report.id.0).execute(&mut *conn).await?;
    write_attached(conn, &[(report.id, item)]).await?;
    let (last,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM events WHERE report_id = $1")
        .bind(report.id.0)
        .fetch_one(&mut *conn)
        .await?;
    append_events(conn, &[(report.id, last, item.events)]).await?;
    Ok(support_count)
}

/// Replaces whose lists hold these reports, and their search vectors with it.
pub async fn set_reach(conn: &mut PgConnection, reach: &[(ReportId, Vec<OrgId>)]) -> StoreResult<()> {
    let ids: Vec<ReportId> = reach.iter().map(|(id, _)| *id).collect();
    let reports = load_many(conn, &ids).await?;
    let by_id: HashMap<ReportId, &Vec<OrgId>> = reach.iter().map(|(id, orgs)| (*id, orgs)).collect();
    let items: Vec<(ReportId, Written)> = reports
        .iter()
        .filter_map(|r| by_id.get(&r.id).map(|orgs| (r.id, Written { report: r, events: &[], reach: orgs })))
        .collect();
    let list: Vec<i64> = ids.iter().map(|i| i.0).collect();
    sqlx::query("DELETE FROM report_reach WHERE report_id = ANY($1)").bind(&list).execute(&mut *conn).await?;
    write_reach(conn, &items).await?;
    write_search(conn, &items).await
}

/// Rewrites the search vectors of these reports (their words and facet tokens).
async fn write_search(conn: &mut PgConnection, items: &[(ReportId, Written<'_>)]) -> StoreResult<()> {
    let ids: Vec<i64> = items.iter().map(|(id, _)| id.0).collect();
    let tokens: Vec<String> =
        items.iter().map(|(_, w)| aduan_store::search::report_tokens(w.report, w.reach).join(" ")).collect();
    sqlx::query(
        "UPDATE reports r SET search = to_tsvector('indonesian', r.title || ' ' || r.description) \
         || array_to_tsvector(string_to_array(u.tokens, ' ')) \
         FROM UNNEST($1::bigint[], $2::text[]) AS u(id, tokens) WHERE r.id = u.id",
    )
    .bind(ids)
    .bind(tokens)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes the search vectors of up to `limit` reports after `after` (when a migration
/// changed what a vector holds); returns the last id written, `None` when none was left.
pub async fn reindex(conn: &mut PgConnection, after: i64, limit: u32) -> StoreResult<Option<i64>> {
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM reports WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
    let Some(&(last,)) = ids.last() else { return Ok(None) };
    let ids: Vec<ReportId> = ids.into_iter().map(|(i,)| ReportId(i)).collect();
    let reports = load_many(conn, &ids).await?;
    let list: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT report_id, org_id FROM report_reach WHERE report_id = ANY($1)")
        .bind(&list)
        .fetch_all(&mut *conn)
        .await?;
    let mut reach: HashMap<i64, Vec<OrgId>> = HashMap::new();
    for (report, org) in rows {
        reach.entry(report).or_default().push(OrgId(org));
    }
    let items: Vec<(ReportId, Written)> = reports
        .iter()
        .map(|r| (r.id, Written { report: r, events: &[], reach: reach.get(&r.id.0).map_or(&[], Vec::as_slice) }))
        .collect();
    write_search(conn, &items).await?;
    Ok(Some(last))
}

/// The rows of `report_reach`: each organisation whose lists hold the report, with the
/// keys they are read by.
async fn write_reach(conn: &mut PgConnection, items: &[(ReportId, Written<'_>)]) -> StoreResult<()> {
    let (mut org, mut status, mut submitted, mut report, mut due) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, item) in items {
        for o in item.reach {
            org.push(o.0);
            status.push(item.report.status.as_str());
            submitted.push(item.report.submitted_at);
            report.push(id.0);
            due.push(item.report.queue_due().map_or_else(aduan_store::no_deadline, |(at, _)| at));
        }
    }
    if org.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO report_reach (org_id, status, submitted_at, report_id, queue_due_at) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::timestamptz[], $4::bigint[], $5::timestamptz[])",
    )
    .bind(org)
    .bind(status)
    .bind(submitted)
    .bind(report)
    .bind(due)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Units, involvement, reach and clocks, written from the reports (units and reach were
/// cleared first).
async fn write_attached(conn: &mut PgConnection, written: &[(ReportId, Written<'_>)]) -> StoreResult<()> {
    write_reach(conn, written).await?;
    let (mut u_report, mut u_unit, mut u_assigned, mut u_final) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut o_report, mut o_org) = (Vec::new(), Vec::new());
    let mut d = DeadlineColumns::default();
    for (id, w) in written {
        let r = w.report;
        for u in &r.units {
            u_report.push(id.0);
            u_unit.push(u.unit.0);
            u_assigned.push(u.assigned_at);
            u_final.push(u.final_answer_at);
        }
        for org in &r.involved {
            o_report.push(id.0);
            o_org.push(org.0);
        }
        for x in &r.deadlines {
            d.push(*id, x)?;
        }
    }
    if !u_report.is_empty() {
        sqlx::query(
            "INSERT INTO report_units (report_id, unit_id, assigned_at, final_answer_at) \
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])",
        )
        .bind(u_report)
        .bind(u_unit)
        .bind(u_assigned)
        .bind(u_final)
        .execute(&mut *conn)
        .await?;
    }
    if !o_report.is_empty() {
        sqlx::query(
            "INSERT INTO report_orgs (report_id, org_id) SELECT * FROM UNNEST($1::bigint[], $2::bigint[]) \
             ON CONFLICT DO NOTHING",
        )
        .bind(o_report)
        .bind(o_org)
        .execute(&mut *conn)
        .await?;
    }
    if !d.report_id.is_empty() {
        d.bind(sqlx::query(
            "INSERT INTO deadlines (report_id, seq, clock, holder_id, zone, limit_unit, limit_count, started_at, \
             due_at, state, paused_at, stopped_at, overdue_at, assumed_years) \
             SELECT * FROM UNNEST($1::bigint[], $2::integer[], $3::text[], $4::bigint[], $5::text[], $6::text[], \
             $7::integer[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::timestamptz[], \
             $12::timestamptz[], $13::timestamptz[], $14::jsonb[]) \
             ON CONFLICT (report_id, seq) DO UPDATE SET clock = excluded.clock, holder_id = excluded.holder_id, \
             zone = excluded.zone, limit_unit = excluded.limit_unit, limit_count = excluded.limit_count, \
             started_at = excluded.started_at, due_at = excluded.due_at, state = excluded.state, \
             paused_at = excluded.paused_at, stopped_at = excluded.stopped_at, overdue_at = excluded.overdue_at, \
             assumed_years = excluded.assumed_years",
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(Default)]
struct DeadlineColumns<'a> {
    report_id: Vec<i64>,
    seq: Vec<i32>,
    clock: Vec<&'static str>,
    holder_id: Vec<i64>,
    zone: Vec<&'static str>,
    limit_unit: Vec<&'static str>,
    limit_count: Vec<i32>,
    started_at: Vec<Timestamp>,
    due_at: Vec<Timestamp>,
    state: Vec<&'static str>,
    paused_at: Vec<Option<Timestamp>>,
    stopped_at: Vec<Option<Timestamp>>,
    overdue_at: Vec<Option<Timestamp>>,
    assumed_years: Vec<Json<&'a [i32]>>,
}

impl<'a> DeadlineColumns<'a> {
    fn push(&mut self, id: ReportId, d: &'a Deadline) -> StoreResult<()> {
        let (unit, count) = limit_columns(d.limit)?;
        self.report_id.push(id.0);
        self.seq.push(i32::try_from(d.seq).map_err(|_| StoreError::Invalid(format!("clock number {}", d.seq)))?);
        self.clock.push(d.clock.as_str());
        self.holder_id.push(d.holder.0);
        self.zone.push(d.zone.abbreviation());
        self.limit_unit.push(unit);
        self.limit_count.push(count);
        self.started_at.push(d.started_at);
        self.due_at.push(d.due_at);
        self.state.push(d.state.as_str());
        self.paused_at.push(d.paused_at);
        self.stopped_at.push(d.stopped_at);
        self.overdue_at.push(d.overdue_at);
        self.assumed_years.push(Json(d.assumed_years.as_slice()));
        Ok(())
    }

    fn bind<'q>(self, q: PgQuery<'q>) -> PgQuery<'q> {
        q.bind(self.report_id)
            .bind(self.seq)
            .bind(self.clock)
            .bind(self.holder_id)
            .bind(self.zone)
            .bind(self.limit_unit)
            .bind(self.limit_count)
            .bind(self.started_at)
            .bind(self.due_at)
            .bind(self.state)
            .bind(self.paused_at)
            .bind(self.stopped_at)
            .bind(self.overdue_at)
            .bind(self.assumed_years)
    }
}

/// Appends events, numbering each report's from after its `last_seq`.
async fn append_events(conn: &mut PgConnection, items: &[(ReportId, i64, &[NewEvent])]) -> StoreResult<()> {
    let n: usize = items.iter().map(|(_, _, e)| e.len()).sum();
    if n == 0 {
        return Ok(());
    }
    let mut report_id = Vec::with_capacity(n);
    let mut seq = Vec::with_capacity(n);
    let mut at = Vec::with_capacity(n);
    let mut actor_person = Vec::with_capacity(n);
    let mut actor_org = Vec::with_capacity(n);
    let mut actor_role = Vec::with_capacity(n);
    let mut from_status = Vec::with_capacity(n);
    let mut to_status = Vec::with_capacity(n);
    let mut kind = Vec::with_capacity(n);
    let mut visibility = Vec::with_capacity(n);
    let mut data = Vec::with_capacity(n);
    for (id, last_seq, events) in items {
        for (e, next) in events.iter().zip(last_seq + 1..) {
            report_id.push(id.0);
            seq.push(next);
            at.push(e.at);
            actor_person.push(e.actor.person.map(|p| p.0));
            actor_org.push(e.actor.org.map(|o| o.0));
            actor_role.push(e.actor.role.map(|r| r.as_str()));
            from_status.push(e.from.map(|s| s.as_str()));
            to_status.push(e.to.as_str());
            kind.push(e.kind.code());
            visibility.push(e.visibility().as_str());
            data.push(Json(&e.kind));
        }
    }
    sqlx::query(
        "INSERT INTO events (report_id, seq, at, actor_person, actor_org, actor_role, from_status, to_status, kind, \
         visibility, data) SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[], \
         $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[])",
    )
    .bind(report_id)
    .bind(seq)
    .bind(at)
    .bind(actor_person)
    .bind(actor_org)
    .bind(actor_role)
    .bind(from_status)
    .bind(to_status)
    .bind(kind)
    .bind(visibility)
    .bind(data)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An event as stored: a row of `events`, or an element of a report's events read as one
/// JSON array with it.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct EventRow {
    seq: i64,
    at: Timestamp,
    actor_person: Option<i64>,
    actor_org: Option<i64>,
    actor_role: Option<String>,
    from_status: Option<String>,
    to_status: String,
    visibility: String,
    data: serde_json::Value,
}

impl EventRow {
    fn into_event(self, report: ReportId) -> StoreResult<Event> {
        Ok(Event {
            report,
            seq: self.seq,
            at: self.at,
            actor: EventActor {
                person: self.actor_person.map(PersonId),
                org: self.actor_org.map(OrgId),
                role: parse_opt("actor_role", self.actor_role.as_deref(), Role::parse)?,
            },
            from: parse_opt("from_status", self.from_status.as_deref(), Status::parse)?,
            to: parse("to_status", &self.to_status, Status::parse)?,
            kind: from_json_value("data", self.data)?,
            visibility: parse("visibility", &self.visibility, Visibility::parse)?,
        })
    }
}

pub async fn events(conn: &mut PgConnection, id: ReportId) -> StoreResult<Vec<Event>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, at, actor_person, actor_org, actor_role, from_status, to_status, visibility, data \
         FROM events WHERE report_id = $1 ORDER BY seq",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.into_event(id)).collect()
}

#[derive(sqlx::FromRow)]
struct ReportEventRow {
    report_id: i64,
    #[sqlx(flatten)]
    event: EventRow,
}

/// The events of these reports with this visibility and one of these kinds.
pub async fn events_of(
    conn: &mut PgConnection,
    ids: &[ReportId],
    visibility: Visibility,
    kinds: &[&str],
) -> StoreResult<Vec<Event>> {
    if ids.is_empty() || kinds.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let rows: Vec<ReportEventRow> = sqlx::query_as(
        "SELECT report_id, seq, at, actor_person, actor_org, actor_role, from_status, to_status, visibility, data \
         FROM events WHERE report_id = ANY($1) AND visibility = $2 AND kind = ANY($3) ORDER BY report_id, seq",
    )
    .bind(list)
    .bind(visibility.as_str())
    .bind(kinds)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.event.into_event(ReportId(r.report_id))).collect()
}
