//! The staff dashboard: the figures of the organisation a role works for (the nation
//! for the national desk), its units, its overdue reports, the printable monthly report,
//! and a supervisor's set (every organisation the person oversees, together). Scope is
//! the service's: an organisation outside the role's is refused.

use super::Staff;
use super::queue::{QueueRow, row};
use crate::AppState;
use crate::html::evaluation::view::{DashboardView, period_label};
use crate::html::evaluation::{PeriodForm, PeriodParams};
use crate::html::views::org_name;
use crate::html::{Chrome, PageResult, percent_encode, render};
use aduan_domain::Refusal;
use aduan_domain::ids::OrgId;
use aduan_domain::measures::Period;
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, Permission, StaffRole};
use aduan_domain::person::Role;
use aduan_service::{AppError, Reference, Subject};
use aduan_store::{PageRequest, ReportFilter, Scope, SortOrder};
use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;

/// Overdue reports listed under the figures (the whole list is one click away).
const OVERDUE_ROWS: u32 = 20;

#[derive(Deserialize, Default)]
pub struct DashboardParams {
    #[serde(default)]
    org: String,
    #[serde(default)]
    dari: String,
    #[serde(default)]
    sampai: String,
    #[serde(default)]
    bulan: String,
}

pub struct OrgLink {
    pub name: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "staf_dasbor.html")]
struct DashboardPage {
    c: Chrome,
    d: DashboardView,
    pf: PeriodForm,
    parent: Option<OrgLink>,
    units: Vec<OrgLink>,
    national: bool,
    overdue: Vec<QueueRow>,
    overdue_all: String,
    exports: Option<Exports>,
    print: String,
    /// The supervisor's set, for a person overseeing more than one organisation.
    set: Option<OrgLink>,
}

pub struct Exports {
    pub measures_csv: String,
    pub measures_xlsx: String,
    pub reports_csv: String,
    pub reports_xlsx: String,
}

/// The organisation a dashboard is of: `org` by code when given, else the role's own
/// (`None`, the nation, for a role at the national root).
fn target(staff: &Staff, reference: &Reference, code: &str) -> Result<Option<OrgId>, AppError> {
    let org = match code.trim() {
        "" => staff.role.org,
        code => reference
            .orgs
            .by_code(code)
            .map(|o| o.id)
            .ok_or_else(|| AppError::NotFound(format!("organisation {code}")))?,
    };
    Ok(if reference.orgs.get(org).is_some_and(|o| o.kind == OrgKind::National) { None } else { Some(org) })
}

/// The dashboard of an organisation below the nation (the national desk's is the nation's).
fn org_link(reference: &Reference, org: OrgId, from: Period, to: Period) -> Option<String> {
    let o = reference.orgs.get(org).filter(|o| o.kind != OrgKind::National)?;
    Some(format!("/staf/dasbor?org={}&{}", percent_encode(&o.code), PeriodParams::query(from, to)))
}

fn code_of(reference: &Reference, org: Option<OrgId>) -> String {
    org.and_then(|o| reference.orgs.get(o)).map(|o| o.code.clone()).unwrap_or_default()
}

/// `GET /staf/dasbor`.
pub async fn page(State(state): State<AppState>, staff: Staff, Query(p): Query<DashboardParams>) -> PageResult {
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let now = app.now();
    let org = target(&staff, &reference, &p.org)?;
    let (from, to) = PeriodParams { dari: p.dari.clone(), sampai: p.sampai.clone() }.resolve(now)?;
    let actor = staff.actor();
    let d = app.dashboard(&actor, org, from, to).await?;
    let code = code_of(&reference, org);
    let scope = match org {
        Some(o) => org_name(&reference, o),
        None => staff.t("Seluruh Indonesia", "All of Indonesia").into(),
    };
    let link =
        |id: OrgId| org_link(&reference, id, from, to).map(|href| OrgLink { name: org_name(&reference, id), href });
    let own = target(&staff, &reference, "")?;
    // Up one level, while still within the role's own scope.
    let parent =
        org.filter(|o| Some(*o) != own).and_then(|o| reference.orgs.get(o)).and_then(|o| o.parent).and_then(link);
    let units = match org {
        Some(o) => reference
            .orgs
            .children(o)
            .iter()
            .copied()
            .filter(|u| reference.orgs.get(*u).is_some_and(|u| u.active))
            .filter_map(link)
            .collect(),
        None => Vec::new(),
    };
    let overdue = overdue_rows(&state, &staff, org).await?;
    let query = format!("org={}&{}", percent_encode(&code), PeriodParams::query(from, to));
    let exports = aduan_domain::permission::require_permission(&actor, Permission::Export).is_ok().then(|| Exports {
        measures_csv: format!("/staf/ekspor/ukuran.csv?{query}"),
        measures_xlsx: format!("/staf/ekspor/ukuran.xlsx?{query}"),
        reports_csv: format!("/staf/ekspor/laporan.csv?{query}"),
        reports_xlsx: format!("/staf/ekspor/laporan.xlsx?{query}"),
    });
    let title = format!("{} — {}", staff.t("Dasbor", "Dashboard"), scope);
    let page = DashboardPage {
        c: staff.chrome(title, "dasbor"),
        d: DashboardView::new(lang, &reference, scope, &d, &|o| org_link(&reference, o, from, to)),
        pf: PeriodForm::new(lang, "/staf/dasbor", vec![("org".into(), code.clone())], now, from, to),
        parent,
        units,
        national: org.is_none(),
        overdue,
        overdue_all: "/staf/antrian?terlambat=1".into(),
        exports,
        print: format!("/staf/dasbor/cetak?org={}&bulan={}", percent_encode(&code), to),
        set: set_link(&staff, from, to),
    };
    Ok(render(&page))
}

/// The person's supervisor assignments, one actor each.
fn supervised(staff: &Staff) -> Vec<Actor> {
    staff
        .roles
        .iter()
        .filter(|a| a.role == Role::Supervisor)
        .map(|a| Actor::Staff(StaffRole { person: a.person, role: a.role, org: a.org }))
        .collect()
}

fn set_link(staff: &Staff, from: Period, to: Period) -> Option<OrgLink> {
    let n = supervised(staff).len();
    (n > 1).then(|| OrgLink {
        name: format!("{} ({n})", staff.t("Semua yang Anda awasi", "Everything you oversee")),
        href: format!("/staf/dasbor/pengawasan?{}", PeriodParams::query(from, to)),
    })
}

#[derive(Template)]
#[template(path = "staf_dasbor_pengawasan.html")]
struct SetPage {
    c: Chrome,
    d: DashboardView,
    pf: PeriodForm,
}

/// `GET /staf/dasbor/pengawasan`: a supervisor's set — the organisations of all the
/// person's supervisor assignments in one dashboard, each also in a row of its own.
pub async fn set(State(state): State<AppState>, staff: Staff, Query(p): Query<DashboardParams>) -> PageResult {
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let now = app.now();
    let (from, to) = PeriodParams { dari: p.dari.clone(), sampai: p.sampai.clone() }.resolve(now)?;
    let d = app.set_dashboard(&supervised(&staff), from, to).await?;
    let scope = match &d.subject {
        Subject::Set(members) => format!(
            "{} · {} {}",
            staff.t("Semua yang Anda awasi", "Everything you oversee"),
            members.len(),
            staff.t("organisasi", "organisations")
        ),
        _ => staff.t("Seluruh Indonesia", "All of Indonesia").into(),
    };
    // An organisation's own dashboard is read under the role that covers it: link those
    // the current role covers; the others are one role switch away.
    let link =
        |o: OrgId| reference.orgs.is_within(o, staff.role.org).then(|| org_link(&reference, o, from, to)).flatten();
    let title = format!("{} — {}", staff.t("Dasbor", "Dashboard"), scope);
    let page = SetPage {
        c: staff.chrome(title, "dasbor"),
        d: DashboardView::new(lang, &reference, scope, &d, &link),
        pf: PeriodForm::new(lang, "/staf/dasbor/pengawasan", Vec::new(), now, from, to),
    };
    Ok(render(&page))
}

/// The organisation's overdue open reports, most overdue first.
async fn overdue_rows(state: &AppState, staff: &Staff, org: Option<OrgId>) -> Result<Vec<QueueRow>, AppError> {
    let app = &state.app;
    let reference = app.reference();
    let mut filter = ReportFilter::new(Scope::All);
    filter.overdue = true;
    filter.order = SortOrder::Deadline;
    match org.and_then(|o| reference.orgs.get(o)) {
        Some(o) if o.kind == OrgKind::Unit => filter.unit = Some(o.id),
        Some(o) => filter.instansi = Some(o.id),
        None => {}
    }
    let page = PageRequest::first(OVERDUE_ROWS);
    let found = app.list_reports(&staff.actor(), filter, &page).await?;
    let now = app.now();
    Ok(found.items.iter().map(|s| row(staff, &reference, s, now)).collect())
}

#[derive(Template)]
#[template(path = "staf_dasbor_cetak.html")]
struct PrintPage {
    c: Chrome,
    d: DashboardView,
    month: String,
    made: String,
    overdue: Vec<QueueRow>,
}

/// `GET /staf/dasbor/cetak?org=…&bulan=2026-03`: one month's report of an organisation,
/// laid out for paper (the browser's print prints it without the site's chrome).
pub async fn print(State(state): State<AppState>, staff: Staff, Query(p): Query<DashboardParams>) -> PageResult {
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let now = app.now();
    let org = target(&staff, &reference, &p.org)?;
    let month = match p.bulan.trim() {
        "" => Period::of(now, aduan_domain::time::Zone::Wib),
        m => Period::parse(m).ok_or_else(|| Refusal::invalid("bulan", "a month like 2026-03"))?,
    };
    let d = app.dashboard(&staff.actor(), org, month, month).await?;
    let scope = match org {
        Some(o) => org_name(&reference, o),
        None => staff.t("Seluruh Indonesia", "All of Indonesia").into(),
    };
    let title =
        format!("{} {} — {}", staff.t("Laporan bulanan", "Monthly report"), period_label(lang, month, month), scope);
    let mut c = staff.chrome(title, "dasbor");
    c.scripts.push("/assets/portal/staf.js");
    let page = PrintPage {
        c,
        d: DashboardView::new(lang, &reference, scope, &d, &|_| None),
        month: period_label(lang, month, month),
        made: crate::html::format::moment(lang, now, aduan_domain::time::Zone::Wib),
        overdue: overdue_rows(&state, &staff, org).await?,
    };
    Ok(render(&page))
}

/// Whether the role sees a dashboard at all (for the navigation).
pub fn has_dashboard(actor: &Actor) -> bool {
    aduan_domain::permission::require_permission(actor, Permission::ViewDashboards).is_ok()
}
