//! Reports: list, search, queue, read, file, act, support.

use super::extract::{Auth, Body, Path, Query};
use super::input::{self, ActionRequest, NewReport};
use super::views::{PageOut, ReportOut, SummaryOut};
use crate::AppState;
use crate::client::ClientAddr;
use crate::problem::Problem;
use aduan_domain::credential::KeyScope;
use aduan_domain::lifecycle::Draft;
use aduan_domain::permission::{Action, Actor};
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use aduan_service::{App, AppError, AppResult, Caller, FiledOnce};
use aduan_store::{Cursor, IdempotencyKey, PageRequest, ReportFilter, Scope, SortOrder};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

/// The header that opens a report through its private link.
pub const REPORT_SECRET_HEADER: &str = "x-report-secret";

/// Filters of a list; all optional, combined with AND.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Comma-separated statuses, e.g. `submitted,forwarded`.
    pub status: Option<String>,
    /// A category code; its sub-categories are included.
    pub category: Option<String>,
    /// A Kemendagri region code; reports in it or below it.
    pub region: Option<String>,
    /// An instansi, by code.
    pub instansi: Option<String>,
    /// A unit currently holding the report, by code.
    pub unit: Option<String>,
    pub channel: Option<String>,
    /// Submitted on or after this date (WIB) or instant (RFC 3339).
    pub from: Option<String>,
    /// Submitted before this date (WIB) or instant (RFC 3339).
    pub to: Option<String>,
    /// Only reports with a missed staff deadline still running.
    pub overdue: Option<bool>,
    /// Only reports flagged for the Ombudsman.
    pub ombudsman: Option<bool>,
    /// Full-text search in Indonesian over title and description.
    pub q: Option<String>,
    /// `newest` (default) or `oldest`; searches always come newest first.
    pub order: Option<String>,
    /// Rows per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    pub(crate) fn filter(&self, app: &App) -> AppResult<(ReportFilter, PageRequest)> {
        let reference = app.reference();
        let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let mut f = ReportFilter::new(Scope::Public);
        if let Some(statuses) = present(&self.status) {
            for s in statuses.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let status = Status::parse(s)
                    .ok_or_else(|| aduan_domain::Refusal::invalid("status", format!("{s:?} is not a status")))?;
                f.statuses.push(status);
            }
        }
        if let Some(code) = present(&self.category) {
            let id = input::category(&reference, "category", &code)?;
            f.categories = reference.categories.with_descendants(id);
        }
        if let Some(region) = present(&self.region) {
            f.region = Some(
                aduan_domain::region::RegionCode::parse(&region)
                    .map_err(|e| aduan_domain::Refusal::invalid("region", e.to_string()))?,
            );
        }
        if let Some(code) = present(&self.instansi) {
            f.instansi = Some(input::org(app, "instansi", &code)?);
        }
        if let Some(code) = present(&self.unit) {
            f.unit = Some(input::org(app, "unit", &code)?);
        }
        if let Some(c) = present(&self.channel) {
            f.channel = Some(
                aduan_domain::report::Channel::parse(&c)
                    .ok_or_else(|| aduan_domain::Refusal::invalid("channel", format!("{c:?} is not a channel")))?,
            );
        }
        f.submitted_from = present(&self.from).map(|v| instant("from", &v)).transpose()?;
        f.submitted_before = present(&self.to).map(|v| instant("to", &v)).transpose()?;
        f.overdue = self.overdue.unwrap_or(false);
        f.ombudsman_flagged = self.ombudsman.unwrap_or(false);
        f.text = present(&self.q);
        f.order = match present(&self.order).as_deref() {
            None | Some("newest") => SortOrder::Newest,
            Some("oldest") => SortOrder::Oldest,
            Some(o) => {
                return Err(aduan_domain::Refusal::invalid("order", format!("{o:?}: use newest or oldest")).into());
            }
        };
        let after = match present(&self.cursor) {
            Some(c) => Some(
                Cursor::decode(&c)
                    .ok_or_else(|| aduan_domain::Refusal::invalid("cursor", "not a cursor of this list"))?,
            ),
            None => None,
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=PageRequest::MAX_LIMIT).contains(&limit) {
            return Err(aduan_domain::Refusal::invalid("limit", format!("1 to {}", PageRequest::MAX_LIMIT)).into());
        }
        Ok((f, PageRequest::after(limit, after)))
    }
}

/// A date (the start of that day in WIB) or an RFC 3339 instant.
fn instant(field: &str, value: &str) -> AppResult<Timestamp> {
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(Zone::Wib.start_of_day(date));
    }
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.to_utc())
        .map_err(|_| aduan_domain::Refusal::invalid(field, "a date (YYYY-MM-DD) or an RFC 3339 instant").into())
}

fn page_out(app: &App, page: aduan_store::Page<aduan_store::ReportSummary>) -> PageOut {
    let reference = app.reference();
    PageOut {
        items: page.items.iter().map(|s| SummaryOut::of(&reference, s)).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }
}

/// Reports the caller may see, filtered and paged; with `q`, a full-text search.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ListQuery),
    responses((status = 200, body = PageOut), (status = 400, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    addr: ClientAddr,
    Auth(caller): Auth,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<PageOut>, Problem> {
    caller.require(KeyScope::Read)?;
    if caller.credential.is_none() {
        state.limits.check_read(addr)?;
    }
    let _place = state.lists.enter().await;
    let (filter, page) = query.filter(&state.app)?;
    let found = state.app.list_reports(&caller.actor, filter, &page).await?;
    Ok(axum::Json(page_out(&state.app, found)))
}

/// The caller's work queue: the reports waiting for their role, oldest first.
#[utoipa::path(get, path = "/api/v1/queue", tag = "reports", params(ListQuery),
    responses((status = 200, body = PageOut), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<PageOut>, Problem> {
    if caller.credential.is_none() {
        return Err(Problem::unauthenticated("sign in to see your queue"));
    }
    caller.require(KeyScope::Read)?;
    let _place = state.lists.enter().await;
    let (filter, page) = query.filter(&state.app)?;
    let found = state.app.queue(&caller.actor, filter, &page).await?;
    Ok(axum::Json(page_out(&state.app, found)))
}

/// The actor for one report: its private link when the secret is sent, else the caller.
pub(super) async fn actor_for(
    app: &App,
    caller: &Caller,
    tracking: &TrackingNumber,
    headers: &HeaderMap,
) -> AppResult<Actor> {
    match headers.get(REPORT_SECRET_HEADER).and_then(|v| v.to_str().ok()) {
        Some(secret) => app.open_private_link(tracking, secret.trim()).await,
        None => Ok(caller.actor),
    }
}

pub(super) fn tracking_of(value: &str) -> AppResult<TrackingNumber> {
    // An unreadable number names no report.
    TrackingNumber::parse(value).map_err(|_| AppError::NotFound(format!("report {value}")))
}

async fn report_out(app: &App, actor: &Actor, tracking: &TrackingNumber) -> AppResult<ReportOut> {
    let view = app.find_by_tracking(actor, tracking).await?;
    Ok(ReportOut::of(&app.reference(), &view, app.now()))
}

/// One report with its timeline, as the caller may see it. Send `X-Report-Secret`
/// (from the private link) to see it as its reporter.
#[utoipa::path(get, path = "/api/v1/reports/{tracking}", tag = "reports",
    params(("tracking" = String, Path, description = "Tracking number, e.g. K7M-P9Q-X4T"),
           ("X-Report-Secret" = Option<String>, Header, description = "The private link's secret")),
    responses((status = 200, body = ReportOut), (status = 404, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(tracking): Path<String>,
    headers: HeaderMap,
) -> Result<axum::Json<ReportOut>, Problem> {
    caller.require(KeyScope::Read)?;
    let tracking = tracking_of(&tracking)?;
    let actor = actor_for(&state.app, &caller, &tracking, &headers).await?;
    Ok(axum::Json(report_out(&state.app, &actor, &tracking).await?))
}

/// A report just filed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub tracking: String,
    /// The report as the caller may see it (absent on a replay the caller may not read).
    pub report: Option<ReportOut>,
    /// The private link's secret: shown once, never stored. Absent on a replay.
    pub secret: Option<String>,
    /// The path of the private follow-up link.
    pub private_link: Option<String>,
    /// This answer repeats an earlier request with the same `Idempotency-Key`.
    pub replayed: bool,
}

/// Files a report: anonymously (rate-limited per address), as a signed-in citizen, as
/// staff entering a report received off-line, or as an integration key (scope `file`).
/// With `Idempotency-Key`, a retry returns the first answer's report and files nothing.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", request_body = NewReport,
    params(("Idempotency-Key" = Option<String>, Header, description = "A unique key per report, 1–200 characters")),
    responses((status = 201, body = Created), (status = 200, body = Created, description = "A replay"),
        (status = 400, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    addr: ClientAddr,
    headers: HeaderMap,
    Body(new): Body<NewReport>,
) -> Result<impl IntoResponse, Problem> {
    caller.require(KeyScope::File)?;
    if caller.credential.is_none() {
        state.limits.check_filing(addr)?;
    }
    let app = &state.app;
    let caller_key = caller.key().unwrap_or_else(|| format!("addr:{}", addr.0));
    let idempotency = idempotency_key(&headers, &caller_key, &new)?;
    let attachments = app.uploads(&caller_key, &new.attachments).await?;
    let mut target = new.target_instansi.as_deref().map(|c| input::org(app, "target_instansi", c)).transpose()?;
    if target.is_none() {
        target = app.default_target(&caller.actor);
    }
    let draft = Draft {
        kind: new.kind()?,
        title: input::text("title", &new.title, Text::title)?,
        description: input::text("description", &new.description, Text::description)?,
        incident_date: new.incident_date,
        location: new.location()?,
        category: new.category.as_deref().map(|c| input::category(&app.reference(), "category", c)).transpose()?,
        target_instansi: target,
        channel: new.channel()?,
        privacy: new.privacy(),
        reporter: new.reporter()?,
        attachments,
    };
    let outcome = match &idempotency {
        Some(key) => app.file_report_once(&caller.actor, draft, key).await?,
        None => FiledOnce::Filed(Box::new(app.file_report(&caller.actor, draft).await?)),
    };
    let (tracking, secret, report, replayed) = match outcome {
        // What was just stored, seen through its private link: no need to read it again.
        FiledOnce::Filed(f) => {
            let view = app.view_of(&Actor::ReportLink(f.report.id), &f.report, &f.events)?;
            (f.report.tracking.clone(), Some(f.secret), Some(ReportOut::of(&app.reference(), &view, app.now())), false)
        }
        // On a replay, as the caller may see it (an anonymous client that lost the first
        // answer keeps the tracking number).
        FiledOnce::Replayed(id) => {
            let r = app
                .store()
                .report(id)
                .await
                .map_err(AppError::from)?
                .ok_or(AppError::NotFound(format!("report {id}")))?;
            let report = match report_out(app, &caller.actor, &r.tracking).await {
                Ok(out) => Some(out),
                Err(AppError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            };
            (r.tracking, None, report, true)
        }
    };
    let private_link = secret.as_ref().map(|s| format!("/lapor/{}?kunci={s}", tracking.as_str()));
    let status = if replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, axum::Json(Created { tracking: tracking.as_str().into(), report, secret, private_link, replayed })))
}

/// The idempotency key of a filing, scoped to its caller and tied to the body.
fn idempotency_key(headers: &HeaderMap, caller: &str, body: &NewReport) -> AppResult<Option<IdempotencyKey>> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 200 || key.chars().any(char::is_control) {
        return Err(aduan_domain::Refusal::invalid("Idempotency-Key", "1 to 200 printable characters").into());
    }
    let canonical = serde_json::to_vec(body).map_err(|e| AppError::Internal(format!("fingerprint: {e}")))?;
    Ok(Some(IdempotencyKey {
        caller: caller.into(),
        key: key.into(),
        fingerprint: hex::encode(Sha256::digest(&canonical)),
    }))
}

/// Takes an action on a report (see `ActionRequest` for each action and who may take
/// it). Refused with 409 if the report changed since `version` or the action does not
/// apply in its status, 403 outside the caller's role or scope.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/actions", tag = "reports", request_body = ActionRequest,
    params(("tracking" = String, Path, description = "Tracking number"),
           ("X-Report-Secret" = Option<String>, Header, description = "The private link's secret (reporter actions)")),
    responses((status = 200, body = ReportOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn act(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Body(request): Body<ActionRequest>,
) -> Result<axum::Json<ReportOut>, Problem> {
    let app = &state.app;
    let tracking = tracking_of(&tracking)?;
    let mut actor = actor_for(app, &caller, &tracking, &headers).await?;
    if matches!(actor, Actor::Staff(_)) || caller.credential.is_some() {
        caller.require(KeyScope::Act)?;
    }
    let report = app.report_for(&actor, &tracking).await?;
    let version = request.version();
    let uploader = caller.key().unwrap_or_else(|| format!("report:{}", report.id));
    let attachments = app.uploads(&uploader, request.attachment_keys()).await?;
    let command = request.into_command(app, &report, attachments).await?;
    let reporter_action = matches!(command.action(), Action::Reply | Action::Accept | Action::Rate | Action::Appeal);
    if reporter_action {
        // An integration that filed the report speaks for its reporter.
        actor = aduan_domain::permission::reporter_voice(&actor, &report);
    }
    let changed = app.act(&actor, report.id, version, command).await?;
    Ok(axum::Json(report_out(app, &actor, &changed.tracking).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Supported {
    /// `false` when this person had already supported it.
    pub added: bool,
    pub support_count: i64,
}

/// "Dukung": a signed-in person backs a public report, once.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/support", tag = "reports",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = Supported), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn support(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(tracking): Path<String>,
) -> Result<axum::Json<Supported>, Problem> {
    let person = caller.actor.person().ok_or_else(|| Problem::unauthenticated("sign in to support a report"))?;
    let app = &state.app;
    let tracking = tracking_of(&tracking)?;
    let report = app.report_for(&caller.actor, &tracking).await?;
    let added = app.support(&caller.actor, report.id, &format!("person:{person}")).await?;
    let count = app.store().report(report.id).await.map_err(AppError::from)?.map(|r| r.support_count).unwrap_or(0);
    Ok(axum::Json(Supported { added, support_count: count }))
}
