//! Reports, their clocks, units, involvement and events.

use crate::search_text::index_body;
use crate::time::{date_opt, micros, micros_opt, ts, ts_opt};
use aduan_domain::deadline::{ClockKind, ClockState, Deadline, Limit};
use aduan_domain::event::{Event, EventActor, NewEvent, Visibility};
use aduan_domain::ids::{CategoryId, OrgId, PersonId, ReportId};
use aduan_domain::person::{Email, Phone, Role};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{
    Channel, GeoPoint, Location, Privacy, Rating, Report, ReportType, Reporter, UnitAssignment,
};
use aduan_domain::sla::Complexity;
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::Zone;
use aduan_domain::tracking::TrackingNumber;
use aduan_store::codec::{checked, from_json, parse, parse_opt, to_json};
use aduan_store::{StoreError, StoreResult};
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteConnection};
use sqlx::{AssertSqlSafe, QueryBuilder, Row};
use std::collections::HashMap;

/// The report columns written on insert and update, in bind order. The support count is
/// not among them: only [`crate::SqliteStore`]'s `add_support` changes it, so a transition
/// decided before a "dukung" arrived does not undo it.
const COLUMNS: &str = "tracking, version, kind, title, description, incident_date, region_code, address, lat, lon, \
     category_id, tags, target_instansi_id, channel, anonymous, confidential, reporter_person_id, reporter_name, \
     reporter_email, reporter_phone, reporter_nik, reporter_public_name, entered_by, secret_hash, attachments, status, \
     screening_desk_id, instansi_id, complexity, archive_reason, closure, rating_stars, rating_comment, \
     rating_at, appealed, ombudsman_flagged_at, submitted_at, verified_at, forwarded_at, first_answer_at, responded_at, \
     closed_at, updated_at, queue_due_at, queue_due_zone, marked_overdue";
const PLACEHOLDERS: &str = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
     ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

type SqliteQuery<'q> = Query<'q, Sqlite, SqliteArguments>;

fn bind_report<'q>(q: SqliteQuery<'q>, r: &Report) -> StoreResult<SqliteQuery<'q>> {
    let due = r.queue_due();
    Ok(q.bind(r.tracking.as_str().to_string())
        .bind(r.version)
        .bind(r.kind.as_str())
        .bind(r.title.as_str().to_string())
        .bind(r.description.as_str().to_string())
        .bind(r.incident_date.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(r.location.region.as_ref().map(|c| c.as_str().to_string()))
        .bind(r.location.address.clone())
        .bind(r.location.point.map(|p| p.lat))
        .bind(r.location.point.map(|p| p.lon))
        .bind(r.category.map(|c| c.0))
        .bind(to_json(&r.tags)?)
        .bind(r.target_instansi.map(|o| o.0))
        .bind(r.channel.as_str())
        .bind(r.privacy.anonymous)
        .bind(r.privacy.confidential)
        .bind(r.reporter.person.map(|p| p.0))
        .bind(r.reporter.name.clone())
        .bind(r.reporter.email.as_ref().map(|e| e.as_str().to_string()))
        .bind(r.reporter.phone.as_ref().map(|p| p.as_str().to_string()))
        .bind(r.reporter.nik.clone())
        .bind(r.reporter.public_name.clone())
        .bind(r.entered_by.map(|p| p.0))
        .bind(r.secret_hash.clone())
        .bind(to_json(&r.attachments)?)
        .bind(r.status.as_str())
        .bind(r.screening_desk.0)
        .bind(r.instansi.map(|o| o.0))
        .bind(r.complexity.map(|c| c.as_str()))
        .bind(r.archive_reason.as_ref().map(to_json).transpose()?)
        .bind(r.closure.as_ref().map(to_json).transpose()?)
        .bind(r.rating.as_ref().map(|x| i64::from(x.stars)))
        .bind(r.rating.as_ref().and_then(|x| x.comment.as_ref().map(|c| c.as_str().to_string())))
        .bind(r.rating.as_ref().map(|x| micros(x.at)))
        .bind(r.appealed)
        .bind(micros_opt(r.ombudsman_flagged_at))
        .bind(micros(r.submitted_at))
        .bind(micros_opt(r.verified_at))
        .bind(micros_opt(r.forwarded_at))
        .bind(micros_opt(r.first_answer_at))
        .bind(micros_opt(r.responded_at))
        .bind(micros_opt(r.closed_at))
        .bind(micros(r.updated_at))
        // Derived from the clocks, for the lists' deadline order and overdue filter to be
        // read from an index: `Report::queue_due` and `Report::marked_overdue`.
        .bind(due.map_or(aduan_store::NO_DEADLINE_MICROS, |(at, _)| micros(at)))
        .bind(due.map(|(_, zone)| zone.abbreviation()))
        .bind(r.marked_overdue()))
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    tracking: String,
    version: i64,
    kind: String,
    title: String,
    description: String,
    incident_date: Option<String>,
    region_code: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    category_id: Option<i64>,
    tags: String,
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
    attachments: String,
    status: String,
    screening_desk_id: i64,
    instansi_id: Option<i64>,
    complexity: Option<String>,
    archive_reason: Option<String>,
    closure: Option<String>,
    support_count: i64,
    rating_stars: Option<i64>,
    rating_comment: Option<String>,
    rating_at: Option<i64>,
    appealed: bool,
    ombudsman_flagged_at: Option<i64>,
    submitted_at: i64,
    verified_at: Option<i64>,
    forwarded_at: Option<i64>,
    first_answer_at: Option<i64>,
    responded_at: Option<i64>,
    closed_at: Option<i64>,
    updated_at: i64,
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
                at: ts("rating_at", at)?,
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
            incident_date: date_opt("incident_date", self.incident_date.as_deref())?,
            location: Location {
                region: self.region_code.map(|c| checked("region_code", RegionCode::parse(&c))).transpose()?,
                address: self.address,
                point,
            },
            category: self.category_id.map(CategoryId),
            tags: from_json("tags", &self.tags)?,
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
            attachments: from_json("attachments", &self.attachments)?,
            status: parse("status", &self.status, Status::parse)?,
            screening_desk: OrgId(self.screening_desk_id),
            instansi: self.instansi_id.map(OrgId),
            units: Vec::new(),
            involved: Default::default(),
            complexity: parse_opt("complexity", self.complexity.as_deref(), Complexity::parse)?,
            archive_reason: self.archive_reason.map(|a| from_json("archive_reason", &a)).transpose()?,
            closure: self.closure.map(|c| from_json("closure", &c)).transpose()?,
            support_count: self.support_count,
            rating,
            appealed: self.appealed,
            ombudsman_flagged_at: ts_opt("ombudsman_flagged_at", self.ombudsman_flagged_at)?,
            submitted_at: ts("submitted_at", self.submitted_at)?,
            verified_at: ts_opt("verified_at", self.verified_at)?,
            forwarded_at: ts_opt("forwarded_at", self.forwarded_at)?,
            first_answer_at: ts_opt("first_answer_at", self.first_answer_at)?,
            responded_at: ts_opt("responded_at", self.responded_at)?,
            closed_at: ts_opt("closed_at", self.closed_at)?,
            updated_at: ts("updated_at", self.updated_at)?,
            deadlines: Vec::new(),
        })
    }
}

struct DeadlineRow {
    seq: i64,
    clock: String,
    holder_id: i64,
    zone: String,
    limit_unit: String,
    limit_count: i64,
    started_at: i64,
    due_at: i64,
    state: String,
    paused_at: Option<i64>,
    stopped_at: Option<i64>,
    overdue_at: Option<i64>,
    assumed_years: String,
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
            started_at: ts("started_at", self.started_at)?,
            due_at: ts("due_at", self.due_at)?,
            state: parse("state", &self.state, ClockState::parse)?,
            paused_at: ts_opt("paused_at", self.paused_at)?,
            stopped_at: ts_opt("stopped_at", self.stopped_at)?,
            overdue_at: ts_opt("overdue_at", self.overdue_at)?,
            assumed_years: from_json("assumed_years", &self.assumed_years)?,
        })
    }
}

fn limit_columns(limit: Limit) -> (&'static str, i64) {
    match limit {
        Limit::WorkingDays(n) => ("working_days", i64::from(n)),
        Limit::CalendarDays(n) => ("calendar_days", i64::from(n)),
    }
}

/// Loads a report with its units, involvement and clocks.
pub async fn load(conn: &mut SqliteConnection, id: ReportId) -> StoreResult<Option<Report>> {
    Ok(load_many(conn, &[id]).await?.pop())
}

/// The ids as one JSON array: one bound value whatever their number (`json_each`).
fn id_list(ids: &[ReportId]) -> String {
    let list: Vec<String> = ids.iter().map(|i| i.0.to_string()).collect();
    format!("[{}]", list.join(","))
}

/// A report row with its units, involvement and clocks gathered as JSON arrays.
#[derive(sqlx::FromRow)]
struct LoadedRow {
    #[sqlx(flatten)]
    report: ReportRow,
    units_json: String,
    orgs_json: String,
    deadlines_json: String,
}

/// Everything of a report in one statement: its row, and its units, organisations and
/// clocks as JSON arrays (one round trip to the database thread per page of reports, not
/// four, and no row per clock).
const LOAD: &str = "SELECT r.*, \
     (SELECT json_group_array(json_array(u.unit_id, u.assigned_at, u.final_answer_at)) FROM report_units u \
      WHERE u.report_id = r.id) AS units_json, \
     (SELECT json_group_array(o.org_id) FROM report_orgs o WHERE o.report_id = r.id) AS orgs_json, \
     (SELECT json_group_array(json_array(d.seq, d.clock, d.holder_id, d.zone, d.limit_unit, d.limit_count, \
      d.started_at, d.due_at, d.state, d.paused_at, d.stopped_at, d.overdue_at, d.assumed_years)) FROM deadlines d \
      WHERE d.report_id = r.id) AS deadlines_json";

/// A clock as [`LOAD`] gathers it.
type DeadlineTuple =
    (i64, String, i64, String, String, i64, i64, i64, String, Option<i64>, Option<i64>, Option<i64>, String);

impl LoadedRow {
    fn into_report(self) -> StoreResult<Report> {
        let mut report = self.report.into_report()?;
        let mut units: Vec<(i64, i64, Option<i64>)> = from_json("units", &self.units_json)?;
        units.sort_by_key(|(unit, assigned_at, _)| (*assigned_at, *unit));
        for (unit, assigned_at, final_at) in units {
            report.units.push(UnitAssignment {
                unit: OrgId(unit),
                assigned_at: ts("assigned_at", assigned_at)?,
                final_answer_at: ts_opt("final_answer_at", final_at)?,
            });
        }
        let orgs: Vec<i64> = from_json("orgs", &self.orgs_json)?;
        report.involved = orgs.into_iter().map(OrgId).collect();
        let mut deadlines: Vec<DeadlineTuple> = from_json("deadlines", &self.deadlines_json)?;
        deadlines.sort_by_key(|d| d.0);
        for d in deadlines {
            let row = DeadlineRow {
                seq: d.0,
                clock: d.1,
                holder_id: d.2,
                zone: d.3,
                limit_unit: d.4,
                limit_count: d.5,
                started_at: d.6,
                due_at: d.7,
                state: d.8,
                paused_at: d.9,
                stopped_at: d.10,
                overdue_at: d.11,
                assumed_years: d.12,
            };
            report.deadlines.push(row.into_deadline()?);
        }
        Ok(report)
    }
}

/// Loads reports with their units, involvement and clocks in one statement, in the order
/// of `ids`; ids without a report are left out.
pub async fn load_many(conn: &mut SqliteConnection, ids: &[ReportId]) -> StoreResult<Vec<Report>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{LOAD} FROM json_each(?) j CROSS JOIN reports r ON r.id = j.value");
    let rows: Vec<LoadedRow> = sqlx::query_as(AssertSqlSafe(sql)).bind(id_list(ids)).fetch_all(&mut *conn).await?;
    let mut reports: HashMap<i64, Report> = HashMap::with_capacity(rows.len());
    for row in rows {
        let report = row.into_report()?;
        reports.insert(report.id.0, report);
    }
    Ok(ids.iter().filter_map(|id| reports.remove(&id.0)).collect())
}

/// An event as [`load_with_events`] gathers it (`data` is the event's JSON itself).
type EventTuple =
    (i64, i64, Option<i64>, Option<i64>, Option<String>, Option<String>, String, String, serde_json::Value);

#[derive(sqlx::FromRow)]
struct LoadedWithEvents {
    #[sqlx(flatten)]
    loaded: LoadedRow,
    events_json: String,
}

/// The report with this tracking number and its timeline, in one statement.
pub async fn load_with_events(
    conn: &mut SqliteConnection,
    tracking: &TrackingNumber,
) -> StoreResult<Option<(Report, Vec<Event>)>> {
    let sql = format!(
        "{LOAD}, (SELECT json_group_array(json_array(e.seq, e.at, e.actor_person, e.actor_org, e.actor_role, \
         e.from_status, e.to_status, e.visibility, json(e.data))) FROM events e WHERE e.report_id = r.id) AS events_json \
         FROM reports r WHERE r.tracking = ?"
    );
    let row: Option<LoadedWithEvents> =
        sqlx::query_as(AssertSqlSafe(sql)).bind(tracking.as_str().to_string()).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    let report = row.loaded.into_report()?;
    let mut tuples: Vec<EventTuple> = from_json("events", &row.events_json)?;
    tuples.sort_by_key(|e| e.0);
    let events = tuples
        .into_iter()
        .map(|(seq, at, actor_person, actor_org, actor_role, from_status, to_status, visibility, data)| {
            Ok(Event {
                report: report.id,
                seq,
                at: ts("at", at)?,
                actor: EventActor {
                    person: actor_person.map(PersonId),
                    org: actor_org.map(OrgId),
                    role: parse_opt("actor_role", actor_role.as_deref(), Role::parse)?,
                },
                from: parse_opt("from_status", from_status.as_deref(), Status::parse)?,
                to: parse("to_status", &to_status, Status::parse)?,
                kind: aduan_store::codec::from_json_value("data", data)?,
                visibility: parse("visibility", &visibility, Visibility::parse)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some((report, events)))
}

/// The report with this tracking number, loaded as [`load_many`] does.
pub async fn load_by_tracking(conn: &mut SqliteConnection, tracking: &TrackingNumber) -> StoreResult<Option<Report>> {
    let sql = format!("{LOAD} FROM reports r WHERE r.tracking = ?");
    let row: Option<LoadedRow> =
        sqlx::query_as(AssertSqlSafe(sql)).bind(tracking.as_str().to_string()).fetch_optional(&mut *conn).await?;
    row.map(LoadedRow::into_report).transpose()
}

/// The ids of the reports with these tracking numbers, in the order given.
pub async fn ids_by_tracking(conn: &mut SqliteConnection, trackings: &[TrackingNumber]) -> StoreResult<Vec<ReportId>> {
    let list = serde_json::to_string(&trackings.iter().map(TrackingNumber::as_str).collect::<Vec<_>>())
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT r.tracking, r.id FROM json_each(?) j CROSS JOIN reports r ON r.tracking = j.value")
            .bind(list)
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
/// The attached rows of the whole batch go in a few multi-row statements: per-statement
/// overhead, not SQLite, is what limits bulk loads.
pub async fn insert(conn: &mut SqliteConnection, items: &[Written<'_>]) -> StoreResult<Vec<ReportId>> {
    // Built from the constants above only.
    let sql = format!("INSERT INTO reports ({COLUMNS}, support_count) VALUES ({PLACEHOLDERS}, ?)");
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let result = bind_report(sqlx::query(AssertSqlSafe(sql.clone())), item.report)?
            .bind(item.report.support_count)
            .execute(&mut *conn)
            .await?;
        ids.push(ReportId(result.last_insert_rowid()));
    }
    let stored: Vec<(ReportId, Written)> = ids.iter().copied().zip(items.iter().copied()).collect();
    write_attached(conn, &stored).await?;
    let events: Vec<(ReportId, i64, &NewEvent)> = stored
        .iter()
        .flat_map(|(id, item)| item.events.iter().enumerate().map(move |(i, e)| (*id, i as i64 + 1, e)))
        .collect();
    append_events(conn, &events).await?;
    index_text(conn, &stored).await?;
    Ok(ids)
}

/// Writes a transition if the report is still at the expected version; returns the
/// stored support count (which only "dukung" changes).
pub async fn update(conn: &mut SqliteConnection, before_version: i64, item: Written<'_>) -> StoreResult<i64> {
    let report = item.report;
    let sql = format!(
        "UPDATE reports SET ({COLUMNS}) = ({PLACEHOLDERS}) WHERE id = ? AND version = ? RETURNING support_count"
    );
    let done = bind_report(sqlx::query(AssertSqlSafe(sql)), report)?
        .bind(report.id.0)
        .bind(before_version)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(support_count) = done.map(|row| row.try_get::<i64, _>(0)).transpose()? else {
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM reports WHERE id = ?").bind(report.id.0).fetch_optional(&mut *conn).await?;
        return Err(match exists {
            Some(_) => StoreError::Stale(report.id),
            None => StoreError::NotFound(format!("report {}", report.id)),
        });
    };
    for table in ["report_units", "report_reach"] {
        // Only the two table names above.
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE report_id = ?")))
            .bind(report.id.0)
            .execute(&mut *conn)
            .await?;
    }
    write_attached(conn, &[(report.id, item)]).await?;
    let (last,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM events WHERE report_id = ?")
        .bind(report.id.0)
        .fetch_one(&mut *conn)
        .await?;
    let numbered: Vec<(ReportId, i64, &NewEvent)> =
        item.events.iter().enumerate().map(|(i, e)| (report.id, last + 1 + i as i64, e)).collect();
    append_events(conn, &numbered).await?;
    // Status, holder and reach are in the search entry: it is written again every time.
    sqlx::query("DELETE FROM report_text WHERE rowid = ?").bind(report.id.0).execute(&mut *conn).await?;
    index_text(conn, &[(report.id, item)]).await?;
    Ok(support_count)
}

/// Replaces whose lists hold these reports, and their search entries with it.
pub async fn set_reach(conn: &mut SqliteConnection, reach: &[(ReportId, Vec<OrgId>)]) -> StoreResult<()> {
    let ids: Vec<ReportId> = reach.iter().map(|(id, _)| *id).collect();
    let reports = load_many(conn, &ids).await?;
    let by_id: HashMap<ReportId, &Vec<OrgId>> = reach.iter().map(|(id, orgs)| (*id, orgs)).collect();
    let items: Vec<(ReportId, Written)> = reports
        .iter()
        .filter_map(|r| by_id.get(&r.id).map(|orgs| (r.id, Written { report: r, events: &[], reach: orgs })))
        .collect();
    let list = id_list(&ids);
    for table in ["report_reach", "report_text"] {
        let key = if table == "report_text" { "rowid" } else { "report_id" };
        // Only the two table names above.
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))")))
            .bind(&list)
            .execute(&mut *conn)
            .await?;
    }
    write_reach(conn, &items).await?;
    index_text(conn, &items).await
}

/// SQLite accepts at most 32,766 bound values in one statement; stay well below.
const MAX_BINDS: usize = 30_000;

/// One multi-row INSERT per chunk of `rows`; `head` is everything before `VALUES`.
async fn insert_rows<T>(
    conn: &mut SqliteConnection,
    head: &'static str,
    tail: &'static str,
    columns: usize,
    rows: &[T],
    mut bind: impl FnMut(&mut sqlx::query_builder::Separated<'_, Sqlite, &'static str>, &T) -> StoreResult<()>,
) -> StoreResult<()> {
    for chunk in rows.chunks((MAX_BINDS / columns).max(1)) {
        let mut q = QueryBuilder::<Sqlite>::new(head);
        let mut failed = None;
        q.push_values(chunk, |mut b, row| {
            if let Err(e) = bind(&mut b, row) {
                failed = Some(e);
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        q.push(tail);
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Units, involvement, reach and clocks of these reports: inserted, or (clocks) updated in
/// place.
async fn write_attached(conn: &mut SqliteConnection, items: &[(ReportId, Written<'_>)]) -> StoreResult<()> {
    let reports: Vec<(ReportId, &Report)> = items.iter().map(|(id, item)| (*id, item.report)).collect();
    write_reach(conn, items).await?;
    let units: Vec<(ReportId, &UnitAssignment)> =
        reports.iter().flat_map(|(id, r)| r.units.iter().map(move |u| (*id, u))).collect();
    insert_rows(
        conn,
        "INSERT INTO report_units (report_id, unit_id, assigned_at, final_answer_at) ",
        "",
        4,
        &units,
        |b, (id, u)| {
            b.push_bind(id.0)
                .push_bind(u.unit.0)
                .push_bind(micros(u.assigned_at))
                .push_bind(micros_opt(u.final_answer_at));
            Ok(())
        },
    )
    .await?;
    let orgs: Vec<(ReportId, OrgId)> =
        reports.iter().flat_map(|(id, r)| r.involved.iter().map(move |o| (*id, *o))).collect();
    insert_rows(conn, "INSERT OR IGNORE INTO report_orgs (report_id, org_id) ", "", 2, &orgs, |b, (id, o)| {
        b.push_bind(id.0).push_bind(o.0);
        Ok(())
    })
    .await?;
    let deadlines: Vec<(ReportId, &Deadline)> =
        reports.iter().flat_map(|(id, r)| r.deadlines.iter().map(move |d| (*id, d))).collect();
    insert_rows(
        conn,
        "INSERT INTO deadlines (report_id, seq, clock, holder_id, zone, limit_unit, limit_count, started_at, due_at, \
         state, paused_at, stopped_at, overdue_at, assumed_years) ",
        " ON CONFLICT (report_id, seq) DO UPDATE SET clock = excluded.clock, holder_id = excluded.holder_id, \
         zone = excluded.zone, limit_unit = excluded.limit_unit, limit_count = excluded.limit_count, \
         started_at = excluded.started_at, due_at = excluded.due_at, state = excluded.state, \
         paused_at = excluded.paused_at, stopped_at = excluded.stopped_at, overdue_at = excluded.overdue_at, \
         assumed_years = excluded.assumed_years",
        14,
        &deadlines,
        |b, (id, d)| {
            let (unit, count) = limit_columns(d.limit);
            b.push_bind(id.0)
                .push_bind(i64::from(d.seq))
                .push_bind(d.clock.as_str())
                .push_bind(d.holder.0)
                .push_bind(d.zone.abbreviation())
                .push_bind(unit)
                .push_bind(count)
                .push_bind(micros(d.started_at))
                .push_bind(micros(d.due_at))
                .push_bind(d.state.as_str())
                .push_bind(micros_opt(d.paused_at))
                .push_bind(micros_opt(d.stopped_at))
                .push_bind(micros_opt(d.overdue_at))
                .push_bind(to_json(&d.assumed_years)?);
            Ok(())
        },
    )
    .await
}

/// Appends events, each with its report and its position in the report's timeline.
async fn append_events(conn: &mut SqliteConnection, events: &[(ReportId, i64, &NewEvent)]) -> StoreResult<()> {
    insert_rows(
        conn,
        "INSERT INTO events (report_id, seq, at, actor_person, actor_org, actor_role, from_status, to_status, kind, \
         visibility, data) ",
        "",
        11,
        events,
        |b, (id, seq, e)| {
            b.push_bind(id.0)
                .push_bind(*seq)
                .push_bind(micros(e.at))
                .push_bind(e.actor.person.map(|p| p.0))
                .push_bind(e.actor.org.map(|o| o.0))
                .push_bind(e.actor.role.map(|r| r.as_str()))
                .push_bind(e.from.map(|s| s.as_str()))
                .push_bind(e.to.as_str())
                .push_bind(e.kind.code())
                .push_bind(e.visibility().as_str())
                .push_bind(to_json(&e.kind)?);
            Ok(())
        },
    )
    .await
}

/// The rows of `report_reach`: each organisation whose lists hold the report, with the
/// keys they are read by.
async fn write_reach(conn: &mut SqliteConnection, items: &[(ReportId, Written<'_>)]) -> StoreResult<()> {
    let rows: Vec<(ReportId, &Report, OrgId)> =
        items.iter().flat_map(|(id, item)| item.reach.iter().map(move |o| (*id, item.report, *o))).collect();
    insert_rows(
        conn,
        "INSERT INTO report_reach (org_id, status, submitted_at, report_id, queue_due_at) ",
        "",
        5,
        &rows,
        |b, (id, r, org)| {
            b.push_bind(org.0)
                .push_bind(r.status.as_str())
                .push_bind(micros(r.submitted_at))
                .push_bind(id.0)
                .push_bind(r.queue_due().map_or(aduan_store::NO_DEADLINE_MICROS, |(at, _)| micros(at)));
            Ok(())
        },
    )
    .await
}

/// The search entries of these reports: words and facet tokens.
pub async fn index_text(conn: &mut SqliteConnection, items: &[(ReportId, Written<'_>)]) -> StoreResult<()> {
    insert_rows(conn, "INSERT INTO report_text (rowid, body) ", "", 2, items, |b, (id, item)| {
        let r = item.report;
        let tokens = aduan_store::search::report_tokens(r, item.reach);
        b.push_bind(id.0).push_bind(index_body(r.title.as_str(), r.description.as_str(), &tokens));
        Ok(())
    })
    .await
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    at: i64,
    actor_person: Option<i64>,
    actor_org: Option<i64>,
    actor_role: Option<String>,
    from_status: Option<String>,
    to_status: String,
    visibility: String,
    data: String,
}

impl EventRow {
    fn into_event(self, report: ReportId) -> StoreResult<Event> {
        Ok(Event {
            report,
            seq: self.seq,
            at: ts("at", self.at)?,
            actor: EventActor {
                person: self.actor_person.map(PersonId),
                org: self.actor_org.map(OrgId),
                role: parse_opt("actor_role", self.actor_role.as_deref(), Role::parse)?,
            },
            from: parse_opt("from_status", self.from_status.as_deref(), Status::parse)?,
            to: parse("to_status", &self.to_status, Status::parse)?,
            kind: from_json("data", &self.data)?,
            visibility: parse("visibility", &self.visibility, Visibility::parse)?,
        })
    }
}

pub async fn events(conn: &mut SqliteConnection, id: ReportId) -> StoreResult<Vec<Event>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, at, actor_person, actor_org, actor_role, from_status, to_status, visibility, data \
         FROM events WHERE report_id = ? ORDER BY seq",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.into_event(id)).collect()
}

/// Writes the search entries of up to `limit` reports after `after` (when a migration
/// changed what an entry holds); returns the last id written, `None` when none was left.
pub async fn reindex(conn: &mut SqliteConnection, after: i64, limit: u32) -> StoreResult<Option<i64>> {
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM reports WHERE id > ? ORDER BY id LIMIT ?")
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
    let Some(&(last,)) = ids.last() else { return Ok(None) };
    let ids: Vec<ReportId> = ids.into_iter().map(|(i,)| ReportId(i)).collect();
    let reports = load_many(conn, &ids).await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT x.report_id, x.org_id FROM json_each(?) j CROSS JOIN report_reach x ON x.report_id = j.value",
    )
    .bind(id_list(&ids))
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
    sqlx::query("DELETE FROM report_text WHERE rowid > ? AND rowid <= ?")
        .bind(after)
        .bind(last)
        .execute(&mut *conn)
        .await?;
    index_text(conn, &items).await?;
    Ok(Some(last))
}

/// The events of these reports with this visibility and one of these kinds.
pub async fn events_of(
    conn: &mut SqliteConnection,
    ids: &[ReportId],
    visibility: Visibility,
    kinds: &[&str],
) -> StoreResult<Vec<Event>> {
    if ids.is_empty() || kinds.is_empty() {
        return Ok(Vec::new());
    }
    let kinds = serde_json::to_string(kinds).map_err(|e| StoreError::Other(e.to_string()))?;
    // Each report's events read on the primary key (report_id, seq).
    let rows: Vec<(i64, EventRow)> = sqlx::query_as::<_, ReportEventRow>(
        "SELECT e.report_id, e.seq, e.at, e.actor_person, e.actor_org, e.actor_role, e.from_status, e.to_status, \
         e.visibility, e.data FROM json_each(?) j CROSS JOIN events e ON e.report_id = j.value \
         WHERE e.visibility = ? AND e.kind IN (SELECT value FROM json_each(?)) ORDER BY e.report_id, e.seq",
    )
    .bind(id_list(ids))
    .bind(visibility.as_str())
    .bind(kinds)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.report_id, r.event))
    .collect();
    rows.into_iter().map(|(report, row)| row.into_event(ReportId(report))).collect()
}

#[derive(sqlx::FromRow)]
struct ReportEventRow {
    report_id: i64,
    #[sqlx(flatten)]
    event: EventRow,
}
