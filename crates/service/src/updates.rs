//! What integrations (Open311 clients, another Aduan instance) follow: the published
//! updates of many reports at once, and a report seen by the integration that filed it.

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::reports::ReportView;
use aduan_domain::event::{Event, Visibility};
use aduan_domain::ids::ReportId;
use aduan_domain::permission::{Access, Actor, access, report_scope, reporter_voice};
use aduan_domain::privacy::{redact_report, visible_events};
use aduan_domain::report::Report;
use aduan_domain::time::Timestamp;
use aduan_domain::tracking::TrackingNumber;
use std::collections::HashMap;
use std::sync::Arc;

/// Most updates one call returns.
pub const MAX_UPDATES: u32 = 1000;

/// One published change of a report.
#[derive(Debug, Clone)]
pub struct PublicUpdate {
    /// The report as its public page shows it: no reporter, no deadlines, no tags.
    pub report: Arc<Report>,
    /// A public event, without the person who acted.
    pub event: Event,
}

impl App {
    /// The public events of `[from, before)`, oldest first, of the reports the actor's
    /// lists cover (the public: verified reports), at most `limit` (≤ [`MAX_UPDATES`]).
    /// Whoever asks, an update shows only what the public page shows, and a confidential
    /// report has none (docs/DOMAIN.md §9).
    pub async fn public_updates(
        &self,
        actor: &Actor,
        from: Timestamp,
        before: Timestamp,
        limit: u32,
    ) -> AppResult<Vec<PublicUpdate>> {
        let reference = self.reference();
        let scope = report_scope(actor, &reference.orgs);
        let events = self.store().public_events_between(&scope, from, before, limit.clamp(1, MAX_UPDATES)).await?;
        let mut reports: HashMap<ReportId, Option<Arc<Report>>> = HashMap::new();
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let shown = match reports.get(&event.report) {
                Some(shown) => shown.clone(),
                None => {
                    // The store chose by scope; the domain's rules decide again, report by report.
                    let shown = self
                        .store()
                        .report(event.report)
                        .await?
                        .filter(|r| !r.privacy.confidential && access(actor, r, &reference.orgs) != Access::None)
                        .and_then(|r| redact_report(&r, Access::Public))
                        .map(Arc::new);
                    reports.insert(event.report, shown.clone());
                    shown
                }
            };
            let Some(report) = shown else { continue };
            if let Some(event) = visible_events(std::slice::from_ref(&event), Access::Public).pop() {
                out.push(PublicUpdate { report, event });
            }
        }
        Ok(out)
    }

    /// A report by tracking number as an integration sees it. The integration that filed
    /// it speaks for its reporter ([`reporter_voice`]) and sees it as the reporter
    /// does — from the moment it is filed, before screening hands it to the integration's
    /// organisation; anyone else sees it as [`App::view_report`] allows. Returns the actor
    /// the view is for: `Actor::ReportLink` when speaking for the reporter.
    pub async fn find_as_filer(&self, actor: &Actor, tracking: &TrackingNumber) -> AppResult<(Actor, ReportView)> {
        let not_found = || AppError::NotFound(format!("report {tracking}"));
        let (report, events) = self.store().report_with_events(tracking).await?.ok_or_else(not_found)?;
        let viewer = reporter_voice(actor, &report);
        // `view_of` refuses a report the viewer may not see as not found.
        let view = self.view_of(&viewer, &report, &events).map_err(|_| not_found())?;
        Ok((viewer, view))
    }

    /// Reports by tracking number as an integration sees them ([`App::find_as_filer`] for
    /// many at once, in a fixed number of reads), in the order asked; numbers of reports
    /// it may not see are left out.
    pub async fn find_many_as_filer(&self, actor: &Actor, trackings: &[TrackingNumber]) -> AppResult<Vec<Report>> {
        let ids = self.store().report_ids(trackings).await?;
        let reference = self.reference();
        let reports = self.store().reports(&ids).await?;
        Ok(reports
            .iter()
            .filter_map(|r| redact_report(r, access(&reporter_voice(actor, r), r, &reference.orgs)))
            .collect())
    }

    /// A page's reports as the actor sees them, in a fixed number of reads; those it may
    /// no longer see (changed since they were listed) are left out.
    pub async fn reports_as_seen(&self, actor: &Actor, ids: &[ReportId]) -> AppResult<Vec<Report>> {
        let reference = self.reference();
        let reports = self.store().reports(ids).await?;
        Ok(reports.iter().filter_map(|r| redact_report(r, access(actor, r, &reference.orgs))).collect())
    }

    /// The published events of these reports whose kind
    /// ([`aduan_domain::event::EventKind::code`]) is one of `kinds`, by report and oldest
    /// first, as the public sees them (without the person who acted).
    pub async fn published_events(&self, ids: &[ReportId], kinds: &[&str]) -> AppResult<Vec<Event>> {
        let events = self.store().events_of(ids, Visibility::Public, kinds).await?;
        Ok(visible_events(&events, Access::Public))
    }
}
