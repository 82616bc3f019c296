//! What everyone may read: the list of public reports with filters and search, one
//! report's public page, "dukung", the map, and finding a report by its number. All of
//! it is read as the public (`Actor::Public`), whoever is signed in, so confidential
//! reports and reporters' identities stay out (docs/DOMAIN.md §9).

use super::regions::region_choices;
use super::session::Visitor;
use super::timeline::{Entry, entries};
use super::views::{self, Choice, Row, status_label, zone_of};
use super::{Chrome, PageError, PageResult, format, percent_encode, render, render_with, see_other, tracking_of};
use crate::AppState;
use crate::api::input;
use crate::api::reports::ListQuery;
use crate::api::uploads::attachment_response;
use aduan_domain::permission::{Access, Actor};
use aduan_domain::status::Status;
use aduan_service::AppError;
use aduan_store::{PageRequest, ReportFilter, Scope};
use askama::Template;
use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Rows per page of the public list.
const PAGE_SIZE: u32 = 20;
/// Points on the public map: the most recent located reports.
const MAP_POINTS: u32 = 200;

#[derive(Deserialize, Default)]
pub struct TrackQuery {
    nomor: Option<String>,
}

#[derive(Template)]
#[template(path = "lacak.html")]
struct TrackPage {
    c: Chrome,
    nomor: String,
    error: Option<String>,
}

/// `GET /lacak?nomor=…`: a form; with a number, its public page.
pub async fn track(State(state): State<AppState>, v: Visitor, Query(q): Query<TrackQuery>) -> PageResult {
    let nomor = q.nomor.unwrap_or_default().trim().to_uppercase();
    let mut page =
        TrackPage { c: v.chrome(v.t("Lacak laporan", "Track a report"), "lacak"), nomor: nomor.clone(), error: None };
    if nomor.is_empty() {
        return Ok(render(&page));
    }
    let error = match input::tracking("nomor", &nomor) {
        Err(_) => v.t("Nomor laporan tidak dikenali. Contoh: K7M-P9Q-X4T.", "That is not a tracking number. Example: K7M-P9Q-X4T."),
        Ok(t) => match state.app.find_by_tracking(&Actor::Public, &t).await {
            Ok(_) => return Ok(see_other(&format!("/laporan/{t}"))),
            Err(AppError::NotFound(_)) => v.t(
                "Tidak ada laporan publik dengan nomor ini. Laporan rahasia hanya dapat dibuka lewat tautan pribadi atau akun pelapor.",
                "No public report has this number. A confidential report opens only through its private link or the reporter's account.",
            ),
            Err(e) => return Err(e.into()),
        },
    };
    page.error = Some(error.into());
    Ok(render_with(StatusCode::NOT_FOUND, &page))
}

/// The list's filters, as the reader chose them (kept in the URL).
#[derive(Deserialize, Default, Clone)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    regency: String,
    #[serde(default)]
    instansi: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    setelah: String,
}

impl ListParams {
    /// The query string of these filters (without the page cursor).
    fn query(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("status", &self.status),
            ("category", &self.category),
            ("province", &self.province),
            ("regency", &self.regency),
            ("instansi", &self.instansi),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn region(&self) -> &str {
        if self.regency.starts_with(&format!("{}.", self.province)) { &self.regency } else { &self.province }
    }
}

#[derive(Template)]
#[template(path = "laporan.html")]
struct ListPage {
    c: Chrome,
    p: ListParams,
    rows: Vec<Row>,
    total: String,
    next: Option<String>,
    first_page: Option<String>,
    error: Option<String>,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    provinces: Vec<Choice>,
    regencies: Vec<Choice>,
    instansi: Vec<Choice>,
}

/// `GET /laporan`: public reports, newest first, with filters and full-text search.
pub async fn list(State(state): State<AppState>, v: Visitor, Query(p): Query<ListParams>) -> PageResult {
    if v.person.is_none() {
        state.limits.check_read(v.addr)?;
    }
    let _place = state.lists.enter().await;
    let app = &state.app;
    let reference = app.reference();
    let lang = v.lang;
    let query = ListQuery {
        status: Some(p.status.clone()).filter(|s| Status::parse(s).is_some_and(|s| s != Status::Archived)),
        category: Some(p.category.clone()),
        region: Some(p.region().to_string()),
        instansi: Some(p.instansi.clone()),
        from: Some(p.from.clone()),
        to: Some(p.to.clone()),
        q: Some(p.q.clone()),
        limit: Some(PAGE_SIZE),
        cursor: Some(p.setelah.clone()),
        ..ListQuery::default()
    };
    let mut rows = Vec::new();
    let mut next = None;
    let mut total = String::new();
    let mut error = None;
    match query.filter(app) {
        Ok((mut filter, page)) => {
            // Archived reports are not followed up; the public list shows the live ones.
            if filter.statuses.is_empty() {
                filter.statuses = Status::ALL.into_iter().filter(|s| *s != Status::Archived).collect();
            }
            let found = app.list_reports(&Actor::Public, filter.clone(), &page).await?;
            if p.setelah.is_empty() {
                let counted = match found.whole_count(true) {
                    Some(n) => n,
                    None => app.count_reports(&Actor::Public, filter, aduan_store::SHOWN_COUNT_LIMIT).await?,
                };
                total = format::counted(lang, counted);
            }
            rows = found.items.iter().map(|s| Row::of(lang, &reference, s)).collect();
            next = found.next.map(|c| {
                let q = p.query();
                let sep = if q.is_empty() { "" } else { "&" };
                format!("/laporan?{q}{sep}setelah={}", percent_encode(&c.encode()))
            });
        }
        Err(AppError::Refused(r)) => {
            error = Some(match &r {
                aduan_domain::Refusal::Invalid { field, .. } if field == "from" || field == "to" => {
                    v.t("Tulis tanggal seperti 2026-03-30.", "Write dates like 2026-03-30.").to_string()
                }
                aduan_domain::Refusal::Invalid { field, .. } if field == "cursor" => v
                    .t(
                        "Halaman ini tidak lagi tersedia; mulai dari awal.",
                        "That page is no longer available; start again.",
                    )
                    .to_string(),
                other => lang.pick(other.message_id(), other.to_string()),
            })
        }
        Err(e) => return Err(e.into()),
    }
    let region = aduan_domain::region::RegionCode::parse(p.region()).ok();
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Archived)
        .map(|s| Choice::new(s.as_str(), status_label(lang, s, None), &p.status))
        .collect();
    let first_page = (!p.setelah.is_empty()).then(|| format!("/laporan?{}", p.query()));
    let page = ListPage {
        c: v.chrome(v.t("Laporan publik", "Public reports"), "laporan"),
        statuses,
        categories: views::category_choices(lang, &reference, &p.category),
        provinces: region_choices("", &p.province)?,
        regencies: if p.province.is_empty() {
            Vec::new()
        } else {
            region_choices(&p.province, &p.regency).unwrap_or_default()
        },
        instansi: views::instansi_choices(&reference, region.as_ref(), &p.instansi),
        rows,
        total,
        next,
        first_page,
        error: error.clone(),
        p,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_with(status, &page))
}

#[derive(Template)]
#[template(path = "laporan_detail.html")]
struct DetailPage {
    c: Chrome,
    tracking: String,
    title: String,
    description: String,
    kind: String,
    status: String,
    status_code: &'static str,
    reporter: String,
    place: String,
    category: String,
    instansi: String,
    submitted: String,
    support_count: i64,
    attachments: Vec<(String, String)>,
    timeline: Vec<Entry>,
    signed_in: bool,
    supported: Option<bool>,
    point: Option<(f64, f64)>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    dukungan: Option<String>,
}

/// `GET /laporan/{tracking}`: a public report with its public history.
pub async fn detail(
    State(state): State<AppState>,
    v: Visitor,
    Path(tracking): Path<String>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    let app = &state.app;
    let tracking = tracking_of(&tracking)?;
    let view = app.find_by_tracking(&Actor::Public, &tracking).await?;
    if view.access != Access::Public {
        return Err(AppError::NotFound(format!("report {tracking}")).into());
    }
    let reference = app.reference();
    let lang = v.lang;
    let r = &view.report;
    let zone = zone_of(r.location.region.as_ref());
    let holder = views::holder(&reference, r);
    let base = format!("/laporan/{tracking}");
    let page = DetailPage {
        c: v.chrome(r.title.as_str(), "laporan"),
        tracking: tracking.to_string(),
        title: r.title.as_str().into(),
        description: r.description.as_str().into(),
        kind: lang.t(r.kind.label_id(), r.kind.label_en()).into(),
        status: status_label(lang, r.status, holder.as_deref()),
        status_code: r.status.as_str(),
        // "Pelapor", or the name the reporter chose to show — decided by the service.
        reporter: view.reporter_name.clone(),
        place: r.location.region.as_ref().map(|c| aduan_reference::regions::regions().describe(c)).unwrap_or_default(),
        category: views::category_name(lang, &reference, r.category),
        instansi: r.instansi.map(|i| views::org_name(&reference, i)).unwrap_or_default(),
        submitted: format::moment(lang, r.submitted_at, zone),
        support_count: r.support_count,
        attachments: r
            .attachments
            .iter()
            .map(|a| (format!("{base}/lampiran/{}", a.key), a.file_name.clone()))
            .collect(),
        timeline: entries(lang, &reference, &view.events, zone, &base, ""),
        signed_in: v.person.is_some(),
        supported: q.dukungan.as_deref().map(|d| d == "baru"),
        point: r.location.point.map(|p| (p.lat, p.lon)),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct SupportForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /laporan/{tracking}/dukung`: a signed-in person backs a public report, once.
pub async fn support(
    State(state): State<AppState>,
    v: Visitor,
    Path(tracking): Path<String>,
    Form(form): Form<SupportForm>,
) -> PageResult {
    v.check_csrf(&form.csrf)?;
    let tracking = tracking_of(&tracking)?;
    let Some(person) = &v.person else {
        return Ok(see_other(&format!("/masuk?ke=/laporan/{tracking}")));
    };
    let app = &state.app;
    let report = app.report_for(&Actor::Public, &tracking).await?;
    let added = app.support(&v.citizen(), report.id, &format!("person:{}", person.id)).await?;
    let outcome = if added { "baru" } else { "sudah" };
    Ok(see_other(&format!("/laporan/{tracking}?dukungan={outcome}#dukung")))
}

/// `GET /laporan/{tracking}/lampiran/{key}`: an attachment of a public report.
pub async fn attachment(State(state): State<AppState>, Path((tracking, key)): Path<(String, String)>) -> PageResult {
    let tracking = tracking_of(&tracking)?;
    let report = state.app.report_for(&Actor::Public, &tracking).await?;
    let (meta, bytes) = state.app.attachment(&Actor::Public, report.id, &key).await?;
    Ok(attachment_response(&meta, bytes))
}

#[derive(Template)]
#[template(path = "peta.html")]
struct MapPage {
    c: Chrome,
    tile_url: String,
    attribution: String,
    rows: Vec<Row>,
}

/// The map's reports, the same for every visitor: kept while no report changes in this
/// process, for at most a few seconds (changes made by another process show within them).
pub type MapReports = aduan_service::recent::Recent<(), Vec<aduan_store::ReportSummary>>;

pub fn map_reports() -> MapReports {
    MapReports::new(std::time::Duration::from_secs(5), 1)
}

async fn located(state: &AppState) -> Result<Arc<Vec<aduan_store::ReportSummary>>, AppError> {
    let generation = state.app.changes_seen();
    if let Some(kept) = state.map_reports.get(&(), generation) {
        return Ok(kept);
    }
    let _place = state.lists.enter().await;
    let mut filter = ReportFilter::new(Scope::Public);
    filter.located = true;
    filter.statuses = Status::ALL.into_iter().filter(|s| *s != Status::Archived).collect();
    let found = Arc::new(state.app.list_reports(&Actor::Public, filter, &PageRequest::first(MAP_POINTS)).await?.items);
    state.map_reports.put((), generation, Arc::clone(&found));
    Ok(found)
}

/// `GET /peta`: the map of public reports with a location, and the same reports as a
/// list (the map's text alternative, and all there is without JavaScript).
pub async fn map(State(state): State<AppState>, v: Visitor) -> PageResult {
    let reference = state.app.reference();
    let rows = located(&state).await?.iter().map(|s| Row::of(v.lang, &reference, s)).collect();
    let mut c = v.chrome(v.t("Peta laporan", "Map of reports"), "peta");
    c.styles.push("/assets/vendor/leaflet.css");
    c.scripts.push("/assets/vendor/leaflet.js");
    c.scripts.push("/assets/portal/peta.js");
    let page = MapPage {
        c,
        tile_url: state.settings.map_tile_url.clone(),
        attribution: state.settings.map_attribution.clone(),
        rows,
    };
    Ok(render(&page))
}

#[derive(Serialize)]
pub struct Point {
    tracking: String,
    title: String,
    status: String,
    lat: f64,
    long: f64,
}

/// `GET /peta/titik.json`: the map's points; public reports only, no personal data.
pub async fn map_points(State(state): State<AppState>, v: Visitor) -> Result<Json<Vec<Point>>, PageError> {
    let reference = state.app.reference();
    let points = located(&state)
        .await?
        .iter()
        .filter_map(|s| {
            let p = s.point?;
            let holder = s.instansi.map(|i| views::org_name(&reference, i));
            Some(Point {
                tracking: s.tracking.to_string(),
                title: s.title.clone(),
                status: status_label(v.lang, s.status, holder.as_deref()),
                lat: p.lat,
                long: p.lon,
            })
        })
        .collect();
    Ok(Json(points))
}
