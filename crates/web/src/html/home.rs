//! The home page: what Aduan is, how a report travels, live counts, recent reports.

use super::session::Visitor;
use super::views::Row;
use super::{Chrome, PageResult, format, render};
use crate::AppState;
use aduan_domain::measures::Period;
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

/// This year's counts, read at most once a minute per process.
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

/// This year's figures for the nation (docs/DOMAIN.md §8, the same as the public statistics):
/// reports submitted (confidential ones included: a count reveals nothing), and of those
/// verified this year, how many are closed — from the evaluation cells, a row a month.
async fn counts(state: &AppState, year: i32) -> Result<Counts, aduan_service::AppError> {
    let mut cached = state.home_counts.0.lock().await;
    if let Some((at, y, counts)) = *cached
        && y == year
        && at.elapsed() < COUNTS_FRESH_FOR
    {
        return Ok(counts);
    }
    let this = Period::of(state.app.now(), Zone::Wib);
    let january = Period::new(year, 1).unwrap_or(this);
    let volume = state.app.national_figures(january, this).await?.volume;
    let whole = |n: i64| u64::try_from(n).unwrap_or(0);
    let counts =
        Counts { filed: whole(volume.submitted), verified: whole(volume.verified), closed: whole(volume.closed) };
    *cached = Some((Instant::now(), year, counts));
    Ok(counts)
}
