//! Likely duplicates of a report, shown to the screener deciding whether to archive it
//! as "duplicate of X" (docs/DOMAIN.md §4).

use crate::app::App;
use crate::error::{AppError, AppResult};
use aduan_domain::permission::{Access, Actor, access};
use aduan_domain::region::RegionLevel;
use aduan_domain::report::Report;
use aduan_domain::similarity::similarity;
use aduan_domain::status::Status;
use aduan_store::{PageRequest, ReportFilter, ReportSummary, Scope};
use chrono::Duration;

/// How far back a duplicate may have been filed.
const WINDOW_DAYS: i64 = 90;
/// Below this, titles share too little to suggest anything.
pub const MIN_SIMILARITY: f32 = 0.2;
/// Reports compared at most, newest first: one regency's open reports of one category in
/// 90 days stay well below it even at national peaks.
const MAX_COMPARED: usize = 1_000;

impl App {
    /// Open reports (not archived or closed) other than `report`, filed in the last 90
    /// days in the same regency and, when it has one, the same category, that `actor` may
    /// list, whose titles look like its title: best first, at most `limit`, each with its
    /// similarity (0 to 1, at least [`MIN_SIMILARITY`]). A report without a location is
    /// compared across the country.
    pub async fn duplicate_candidates(
        &self,
        actor: &Actor,
        report: &Report,
        limit: usize,
    ) -> AppResult<Vec<(ReportSummary, f32)>> {
        if access(actor, report, &self.reference().orgs) == Access::None {
            return Err(AppError::NotFound(format!("report {}", report.id)));
        }
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The scope is replaced by the actor's own in `list_reports`.
        let mut filter = ReportFilter::new(Scope::Public);
        filter.statuses = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        filter.region = report.location.region.as_ref().map(|r| r.at_level(RegionLevel::Regency));
        filter.categories = report.category.into_iter().collect();
        filter.submitted_from = Some(self.now() - Duration::days(WINDOW_DAYS));
        let mut scored = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        let mut compared = 0;
        loop {
            let found = self.list_reports(actor, filter.clone(), &page).await?;
            compared += found.items.len();
            scored.extend(found.items.into_iter().filter(|s| s.id != report.id).filter_map(|s| {
                let score = similarity(report.title.as_str(), &s.title);
                (score >= MIN_SIMILARITY).then_some((s, score))
            }));
            match found.next {
                Some(next) if compared < MAX_COMPARED => page.after = Some(next),
                _ => break,
            }
        }
        // Best first; among equals, the most recently filed.
        scored.sort_by(|(a, x), (b, y)| y.total_cmp(x).then(b.submitted_at.cmp(&a.submitted_at)).then(b.id.cmp(&a.id)));
        scored.truncate(limit);
        Ok(scored)
    }
}
