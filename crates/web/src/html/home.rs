//! The home page: what Aduan is, how a report travels, live counts, recent reports.

use super::session::Visitor;
use super::views::Row;
use super::{Chrome, PageResult, format, render};
use crate::AppState;
use aduan_domain::permission::Actor;
use aduan_domain::status::Status;
use aduan_domain::time::Zone;
use aduan_store::{PageRequest, ReportFilter, Scope};
use askama::Template;
use axum::extract::State;
use chrono::Datelike;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long the home page's counts are reused: they are read on every visit, and a
/// minute old is fresh enough for "reports this year".
const COUNTS_FRESH_FOR: Duration = Duration::from_secs(60);

/// This year's counts, computed at most once a minute per process.
#[derive(Default)]
pub struct CountsCache(Mutex<Option<(Instant, i32, Counts)>>);

#[derive(Clone, Copy, Default)]
struct Counts {
    filed: u64,
    verified: u64,
    closed: u64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    year: i32,
    filed: String,
    completion: String,
    recent: Vec<Row>,
}

pub async fn page(State(state): State<AppState>, v: Visitor) -> PageResult {
    let app = &state.app;
    let year = Zone::Wib.local_date(app.now()).year();
    let counts = counts(&state, year).await?;
    let mut recent = ReportFilter::new(Scope::Public);
    recent.statuses = Status::ALL.into_iter().filter(|s| *s != Status::Archived).collect();
    let page = app.list_reports(&Actor::Public, recent, &PageRequest::first(6)).await?;
    let reference = app.reference();
    let page = HomePage {
        c: v.chrome(v.t("Sampaikan keluhan layanan publik", "Report a public-service problem"), "home"),
        year,
        filed: format::count(v.lang, counts.filed),
        completion: format::percent(v.lang, counts.closed, counts.verified),
        recent: page.items.iter().map(|s| Row::of(v.lang, &reference, s)).collect(),
    };
    Ok(render(&page))
}

/// Reports filed this year (confidential ones included: a count reveals nothing), and
/// of those verified, how many are closed — the completion rate of DOMAIN.md §8 for the
/// year's reports.
async fn counts(state: &AppState, year: i32) -> Result<Counts, aduan_service::AppError> {
    let mut cached = state.home_counts.0.lock().await;
    if let Some((at, y, counts)) = *cached
        && y == year
        && at.elapsed() < COUNTS_FRESH_FOR
    {
        return Ok(counts);
    }
    let app = &state.app;
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).map(|d| Zone::Wib.start_of_day(d));
    let mut filter = ReportFilter::new(Scope::All);
    filter.submitted_from = start;
    let filed = app.count_reports(&Actor::System, filter.clone()).await?;
    filter.statuses = Status::ALL.into_iter().filter(|s| s.is_verified()).collect();
    let verified = app.count_reports(&Actor::System, filter.clone()).await?;
    filter.statuses = vec![Status::Closed];
    let closed = app.count_reports(&Actor::System, filter).await?;
    let counts = Counts { filed, verified, closed };
    *cached = Some((Instant::now(), year, counts));
    Ok(counts)
}
