//! The queue: a role's reports by status tab, earliest deadline first, with filters kept
//! in the URL and a count on every tab. The screening desk archives spam in bulk here.

use super::{Clock, Staff, landing};
use crate::AppState;
use crate::api::input::ActionRequest;
use crate::api::reports::ListQuery;
use crate::html::views::{self, Choice, category_name, region_name, status_label};
use crate::html::{Chrome, PageResult, format, percent_encode, render, see_other};
use aduan_domain::Refusal;
use aduan_domain::person::Role;
use aduan_domain::status::Status;
use aduan_service::AppError;
use aduan_store::SortOrder;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use serde::Deserialize;

const PAGE_SIZE: u32 = 50;

/// The status tabs of a role, its work first.
fn tabs(role: Role) -> &'static [Status] {
    use Status::*;
    match role {
        Role::Screener => &[Submitted, NeedsInfo, Archived],
        Role::Coordinator => &[Forwarded, InProgress, Responded, Closed],
        Role::Officer => &[InProgress, Responded, Closed],
        Role::Supervisor => &[Submitted, NeedsInfo, Forwarded, InProgress, Responded, Closed, Archived],
        Role::Reporter | Role::OrgAdmin => &[],
    }
}

#[derive(Deserialize, Default)]
pub struct QueueParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    wilayah: String,
    #[serde(default)]
    terlambat: String,
    #[serde(default)]
    setelah: String,
    #[serde(default)]
    selesai: String,
    #[serde(default)]
    berhasil: String,
}

impl QueueParams {
    /// The filters as a query string (without the tab and the page).
    fn filters(&self) -> String {
        [("q", &self.q), ("kategori", &self.kategori), ("wilayah", &self.wilayah), ("terlambat", &self.terlambat)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub count: String,
    pub current: bool,
}

pub struct QueueRow {
    pub tracking: String,
    pub title: String,
    pub status: String,
    pub category: String,
    pub place: String,
    pub submitted: String,
    pub clock: Option<Clock>,
    pub channel: &'static str,
    pub confidential: bool,
    pub anonymous: bool,
}

#[derive(Template)]
#[template(path = "staf_antrian.html")]
struct QueuePage {
    c: Chrome,
    heading: String,
    tabs: Vec<Tab>,
    status: &'static str,
    rows: Vec<QueueRow>,
    q: String,
    wilayah: String,
    terlambat: bool,
    categories: Vec<Choice>,
    next: Option<String>,
    first_page: Option<String>,
    error: Option<String>,
    /// The screening desk's spam box: checkboxes and one button.
    bulk: bool,
    done: Option<String>,
}

/// `GET /staf`: the queue of the role one acts in (the admin's pages for an org admin).
pub async fn home(staff: Staff) -> PageResult {
    Ok(see_other(landing(staff.role.role)))
}

/// `GET /staf/antrian`.
pub async fn page(State(state): State<AppState>, staff: Staff, Query(p): Query<QueueParams>) -> PageResult {
    let _place = state.lists.enter().await;
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let role = staff.role.role;
    let tabs_of_role = tabs(role);
    let Some(first) = tabs_of_role.first() else {
        return Ok(see_other(landing(role)));
    };
    let status = Status::parse(&p.status).filter(|s| tabs_of_role.contains(s)).unwrap_or(*first);
    let actor = staff.actor();
    let query = ListQuery {
        category: Some(p.kategori.clone()),
        region: Some(p.wilayah.clone()),
        overdue: Some(!p.terlambat.is_empty()),
        q: Some(p.q.clone()),
        limit: Some(PAGE_SIZE),
        cursor: Some(p.setelah.clone()),
        ..ListQuery::default()
    };
    let (mut filter, page, error) = match query.filter(app) {
        Ok((f, page)) => (f, page, None),
        Err(AppError::Refused(r)) => {
            let (f, page) = ListQuery::default().filter(app)?;
            (f, page, Some(lang.pick(r.message_id(), r.to_string())))
        }
        Err(e) => return Err(e.into()),
    };
    if role == Role::Officer {
        filter.unit = Some(staff.role.org);
    }
    let mut listed = filter.clone();
    listed.statuses = vec![status];
    listed.order = if status.is_open() { SortOrder::Deadline } else { SortOrder::Newest };
    let found = app.list_reports(&actor, listed, &page).await?;
    let mut tabs = Vec::new();
    for s in tabs_of_role {
        // The shown tab's page may hold all of it.
        let n = match found.whole_count(p.setelah.is_empty()).filter(|_| *s == status) {
            Some(n) => n,
            None => {
                let mut counted = filter.clone();
                counted.statuses = vec![*s];
                app.count_reports(&actor, counted, aduan_store::SHOWN_COUNT_LIMIT).await?
            }
        };
        let filters = p.filters();
        tabs.push(Tab {
            href: format!("/staf/antrian?status={}{}{filters}", s.as_str(), if filters.is_empty() { "" } else { "&" }),
            label: status_label(lang, *s, None),
            count: format::counted(lang, n),
            current: *s == status,
        });
    }
    let now = app.now();
    let rows = found.items.iter().map(|s| row(&staff, &reference, s, now)).collect();
    let here = format!("/staf/antrian?status={}&{}", status.as_str(), p.filters());
    let next = found.next.map(|c| format!("{here}&setelah={}", percent_encode(&c.encode())));
    let heading = match role {
        Role::Screener => staff.t("Antrian verifikasi", "Screening queue"),
        Role::Coordinator => staff.t("Laporan instansi", "The agency's reports"),
        Role::Officer => staff.t("Antrian unit", "The unit's queue"),
        _ => staff.t("Laporan dalam pengawasan", "Reports under supervision"),
    }
    .to_string();
    let done = (!p.selesai.is_empty())
        .then(|| {
            lang.pick(
                format!("{} laporan diarsipkan sebagai spam.", p.selesai),
                format!("{} reports archived as spam.", p.selesai),
            )
        })
        .or_else(|| super::done_message(&staff, &p.berhasil));
    let page = QueuePage {
        c: staff.chrome(heading.clone(), "antrian"),
        heading,
        tabs,
        status: status.as_str(),
        rows,
        q: p.q.clone(),
        wilayah: p.wilayah.clone(),
        terlambat: !p.terlambat.is_empty(),
        categories: views::category_choices(lang, &reference, &p.kategori),
        next,
        first_page: (!p.setelah.is_empty()).then_some(here),
        error,
        bulk: role == Role::Screener && status == Status::Submitted,
        done,
    };
    Ok(render(&page))
}

pub(super) fn row(
    staff: &Staff,
    reference: &aduan_service::Reference,
    s: &aduan_store::ReportSummary,
    now: aduan_domain::time::Timestamp,
) -> QueueRow {
    let lang = staff.lang();
    let holder = s.instansi.map(|i| reference.orgs.name_of(i).to_string());
    QueueRow {
        tracking: s.tracking.to_string(),
        title: s.title.clone(),
        status: status_label(lang, s.status, holder.as_deref()),
        category: category_name(lang, reference, s.category),
        place: s.region.as_ref().map(region_name).unwrap_or_default(),
        submitted: format::day_of(lang, s.submitted_at, views::zone_of(s.region.as_ref())),
        clock: if s.status.is_open() { Clock::of(lang, reference, s.due, now) } else { None },
        channel: crate::html::filing::channel_label(lang, s.channel),
        confidential: s.privacy.confidential,
        anonymous: s.privacy.anonymous,
    }
}

/// `POST /staf/arsip-massal`: archive the ticked reports as spam, each through the same
/// action as one at a time (so each is checked for scope, status and version).
pub async fn archive_many(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or_default();
    staff.v.check_csrf(get("csrf"))?;
    let app = &state.app;
    let actor = staff.actor();
    // A list shows no versions: each report is archived as it is now, and only if it is
    // still waiting for screening (the domain checks the status).
    let chosen: Vec<&str> = pairs.iter().filter(|(n, _)| n == "pilih").map(|(_, v)| v.as_str()).collect();
    if chosen.is_empty() {
        return Err(AppError::from(Refusal::invalid("pilih", "tick the reports to archive")).into());
    }
    let mut archived = 0;
    let mut refused = Vec::new();
    for tracking in chosen {
        let outcome = async {
            let tracking = crate::api::input::tracking("pilih", tracking)?;
            let report = app.report_for(&actor, &tracking).await?;
            let request = ActionRequest::Archive {
                version: report.version,
                reason: crate::api::input::ArchiveReasonIn::Spam,
                duplicate_of: None,
                note: None,
            };
            let version = request.version();
            let command = request.into_command(app, &report, Vec::new()).await?;
            app.act(&actor, report.id, version, command).await
        }
        .await;
        match outcome {
            Ok(_) => archived += 1,
            Err(_) => refused.push(tracking.to_string()),
        }
    }
    if !refused.is_empty() {
        let lang = staff.lang();
        return Err(AppError::from(Refusal::rule(lang.pick(
            format!(
                "{archived} laporan diarsipkan; {} tidak (sudah berubah atau di luar kewenangan Anda): {}",
                refused.len(),
                refused.join(", ")
            ),
            format!(
                "{archived} reports archived; {} were not (they changed or are outside your scope): {}",
                refused.len(),
                refused.join(", ")
            ),
        )))
        .into());
    }
    Ok(see_other(&format!("/staf/antrian?status=submitted&selesai={archived}")))
}
