//! Exports for staff holding the export permission (screeners, coordinators,
//! supervisors): reports of their scope and the measures of docs/DOMAIN.md §8, as CSV or XLSX.
//! The service decides the rows and what each may show (§9); here the request is read
//! and the table written.

use super::Staff;
use crate::AppState;
use crate::export::filters::ReportParams;
use crate::export::{Format, attachment, invalid, problem, table};
use crate::html::views::{self, Choice, status_label};
use crate::html::{Chrome, PageError, PageResult, render};
use crate::problem::Problem;
use aduan_domain::ids::OrgId;
use aduan_domain::measures::Period;
use aduan_domain::permission::{Permission, require_permission};
use aduan_domain::status::Status;
use aduan_service::Table;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staf/ekspor", get(page))
        .route("/staf/ekspor/laporan.csv", get(reports_csv))
        .route("/staf/ekspor/laporan.xlsx", get(reports_xlsx))
        .route("/staf/ekspor/ukuran.csv", get(measures_csv))
        .route("/staf/ekspor/ukuran.xlsx", get(measures_xlsx))
}

#[derive(Template)]
#[template(path = "staf_ekspor.html")]
struct ExportPage {
    c: Chrome,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    org: String,
    from_month: String,
    to_month: String,
    max_rows: String,
}

/// `GET /staf/ekspor`: the two export forms.
async fn page(State(state): State<AppState>, staff: Staff) -> PageResult {
    require_permission(&staff.actor(), Permission::Export)?;
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let (from, to) = default_period(&staff, &state);
    let org = default_org(&staff, &state).and_then(|o| reference.orgs.get(o)).map(|o| o.code.clone());
    let page = ExportPage {
        c: staff.chrome(staff.t("Ekspor data", "Export data"), "ekspor"),
        statuses: Status::ALL.into_iter().map(|s| Choice::new(s.as_str(), status_label(lang, s, None), "")).collect(),
        categories: views::category_choices(lang, &reference, ""),
        org: org.unwrap_or_default(),
        from_month: from.to_string(),
        to_month: to.to_string(),
        max_rows: crate::html::format::count(lang, aduan_service::MAX_EXPORT_ROWS),
    };
    Ok(render(&page))
}

/// The headers of a staff sheet: "Indonesian / English" in one row, so the file still
/// has exactly one header row for whoever reads it with a program.
fn header(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| if c.id == c.en { c.id.clone() } else { format!("{} / {}", c.id, c.en) }).collect()
}

fn write(table: &Table, format: Format, sheet: &str) -> Result<Vec<u8>, Problem> {
    let header = header(table);
    match format {
        // A byte order mark, so that Excel opens the Indonesian text as UTF-8.
        Format::Csv => table::csv(&header, &table.rows, true),
        Format::Xlsx => table::xlsx(sheet, &header, &table.rows),
    }
}

async fn reports_csv(state: State<AppState>, staff: Staff, Query(p): Query<ReportParams>) -> PageResult {
    reports(state, staff, p, Format::Csv).await
}

async fn reports_xlsx(state: State<AppState>, staff: Staff, Query(p): Query<ReportParams>) -> PageResult {
    reports(state, staff, p, Format::Xlsx).await
}

/// `GET /staf/ekspor/laporan.{csv,xlsx}?status=&kategori=&wilayah=&instansi=&dari=&sampai=`.
async fn reports(State(state): State<AppState>, staff: Staff, p: ReportParams, format: Format) -> PageResult {
    let _place = state.lists.enter().await;
    let app = &state.app;
    let zone = app.reference().orgs.zone_of(staff.role.org);
    let filter = p.filter(app, zone, &Status::ALL)?;
    let table = app.export_reports(&staff.actor(), filter).await.map_err(problem)?;
    let bytes = write(&table, format, "Laporan")?;
    let today = zone.local_date(app.now());
    Ok(attachment(bytes, format, &format!("aduan-laporan-{today}.{}", format.extension())))
}

#[derive(Debug, Default, Deserialize)]
struct MeasureParams {
    /// An organisation's code; empty: the staff member's own (the nation at the root).
    #[serde(default)]
    org: String,
    /// The first month, YYYY-MM.
    #[serde(default)]
    dari: String,
    /// The last month, YYYY-MM.
    #[serde(default)]
    sampai: String,
}

async fn measures_csv(state: State<AppState>, staff: Staff, Query(p): Query<MeasureParams>) -> PageResult {
    measures(state, staff, p, Format::Csv).await
}

async fn measures_xlsx(state: State<AppState>, staff: Staff, Query(p): Query<MeasureParams>) -> PageResult {
    measures(state, staff, p, Format::Xlsx).await
}

/// `GET /staf/ekspor/ukuran.{csv,xlsx}?org=&dari=&sampai=`.
async fn measures(State(state): State<AppState>, staff: Staff, p: MeasureParams, format: Format) -> PageResult {
    let app = &state.app;
    let reference = app.reference();
    let org = match p.org.trim() {
        "" => default_org(&staff, &state),
        code => {
            let o = reference.orgs.by_code(code).ok_or_else(|| {
                PageError::from(invalid(
                    "org",
                    format!("no organisation {code:?}"),
                    format!("organisasi {code:?} tidak dikenal"),
                ))
            })?;
            // The root's code stands for the whole country, as on the dashboards.
            (o.parent.is_some()).then_some(o.id)
        }
    };
    let (default_from, default_to) = default_period(&staff, &state);
    let from = month("dari", &p.dari, default_from)?;
    let to = month("sampai", &p.sampai, default_to)?;
    let table = app.export_measures(&staff.actor(), org, from, to).await.map_err(problem)?;
    let bytes = write(&table, format, "Ukuran")?;
    Ok(attachment(bytes, format, &format!("aduan-ukuran-{from}-sampai-{to}.{}", format.extension())))
}

fn month(field: &str, value: &str, default: Period) -> Result<Period, PageError> {
    match value.trim() {
        "" => Ok(default),
        v => Period::parse(v).ok_or_else(|| {
            invalid(field, format!("{v:?} is not a month like 2026-03"), format!("{v:?} bukan bulan seperti 2026-03"))
                .into()
        }),
    }
}

/// This year so far, in the staff member's zone.
fn default_period(staff: &Staff, state: &AppState) -> (Period, Period) {
    let zone = state.app.reference().orgs.zone_of(staff.role.org);
    let to = Period::of(state.app.now(), zone);
    (Period::year_range(to.year()).0, to)
}

/// The staff member's own organisation; the whole country for staff at the root.
fn default_org(staff: &Staff, state: &AppState) -> Option<OrgId> {
    let reference = state.app.reference();
    reference.orgs.get(staff.role.org).filter(|o| o.parent.is_some()).map(|o| o.id)
}
