//! Report use cases: file, act, view, list, support.

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::secrets::{hash_secret, new_secret, same_hash};
use aduan_domain::Refusal;
use aduan_domain::event::Event;
use aduan_domain::ids::{CategoryId, ReportId};
use aduan_domain::lifecycle::{Command, Draft, available_actions, decide, file};
use aduan_domain::notice::decide::notices_for;
use aduan_domain::permission::{Access, Action, Actor, access, report_scope};
use aduan_domain::privacy::{redact_report, reporter_display_name, visible_events};
use aduan_domain::region::RegionCode;
use aduan_domain::report::Report;
use aduan_domain::routing::Suggestion;
use aduan_domain::tracking::TrackingNumber;
use aduan_store::{Count, IdempotencyKey, Page, PageRequest, ReportFilter, ReportSummary, SortOrder, StoreError};
use rand::RngCore;

/// A report just filed, with the secret of its private link (shown once, never stored).
#[derive(Debug, Clone)]
pub struct Filed {
    pub report: Report,
    /// Its timeline so far (the submission).
    pub events: Vec<Event>,
    pub secret: String,
}

/// A report as one viewer may see it.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: Report,
    pub events: Vec<Event>,
    pub access: Access,
    /// What this viewer may do now.
    pub actions: Vec<Action>,
    pub reporter_name: String,
}

/// The result of filing with an idempotency key.
#[derive(Debug, Clone)]
pub enum FiledOnce {
    Filed(Box<Filed>),
    /// The key was used before for the same request: this is the report it filed. The
    /// private link's secret was shown with the first answer only.
    Replayed(ReportId),
}

/// Attempts at a fresh tracking number before giving up (a collision is rare; five in a
/// row means something else is wrong).
const TRACKING_ATTEMPTS: usize = 5;

impl App {
    /// Files a report for a citizen (or staff on their behalf).
    pub async fn file_report(&self, actor: &Actor, draft: Draft) -> AppResult<Filed> {
        self.file_with(actor, draft, None).await
    }

    /// Files a report unless `key` already filed one: a client's retry creates nothing.
    pub async fn file_report_once(&self, actor: &Actor, draft: Draft, key: &IdempotencyKey) -> AppResult<FiledOnce> {
        if let Some(done) = self.replay(key).await? {
            return Ok(done);
        }
        match self.file_with(actor, draft, Some(key)).await {
            Ok(filed) => Ok(FiledOnce::Filed(Box::new(filed))),
            // A concurrent request with the same key won the race.
            Err(AppError::Conflict(_)) => self.replay(key).await?.ok_or(AppError::Stale),
            Err(e) => Err(e),
        }
    }

    async fn replay(&self, key: &IdempotencyKey) -> AppResult<Option<FiledOnce>> {
        match self.store().idempotent_report(&key.caller, &key.key).await? {
            Some((id, fingerprint)) if fingerprint == key.fingerprint => Ok(Some(FiledOnce::Replayed(id))),
            Some(_) => Err(Refusal::invalid("Idempotency-Key", "was already used for a different request").into()),
            None => Ok(None),
        }
    }

    async fn file_with(&self, actor: &Actor, draft: Draft, key: Option<&IdempotencyKey>) -> AppResult<Filed> {
        if let Some(region) = &draft.location.region
            && !aduan_reference::regions::regions().contains(region)
        {
            return Err(Refusal::invalid("region", format!("{region} is not a Kemendagri region code")).into());
        }
        let secret = new_secret();
        let reference = self.reference();
        for _ in 0..TRACKING_ATTEMPTS {
            let tracking = TrackingNumber::from_random(rand::rng().next_u64());
            let mut filing =
                file(draft.clone(), actor, tracking, Some(hash_secret(&secret)), &reference.ctx(self.now()))?;
            let notices = notices_for(&filing.report, &filing.events, &reference.orgs);
            let link = format!("/lapor/{}?kunci={secret}", filing.report.tracking);
            filing.messages = self.messages_for(&filing.report, notices, Some(&link)).await?;
            let events = filing.events.clone();
            let created = match key {
                Some(key) => self.store().create_report_once(&filing, key).await,
                None => self.store().create_report(&filing).await,
            };
            match created {
                Ok(report) => {
                    self.changes.note();
                    tracing::info!(report = %report.id, tracking = %report.tracking, channel = report.channel.as_str(), "report filed");
                    warn_if_assumed(&report);
                    let events = events.into_iter().zip(1..).map(|(e, seq)| e.stored(report.id, seq)).collect();
                    return Ok(Filed { report, events, secret });
                }
                Err(StoreError::Conflict(what)) => {
                    // Either the tracking number (draw another) or the idempotency key
                    // (a concurrent retry won; `file_report_once` replays it).
                    if let Some(key) = key
                        && self.store().idempotent_report(&key.caller, &key.key).await?.is_some()
                    {
                        return Err(AppError::Conflict(what));
                    }
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal("no free tracking number after several attempts".into()))
    }

    /// Checks a draft exactly as filing would, storing nothing: a form's "check your
    /// report" step refuses what sending would refuse.
    pub fn check_draft(&self, actor: &Actor, draft: Draft) -> AppResult<()> {
        let reference = self.reference();
        file(draft, actor, TrackingNumber::from_random(0), None, &reference.ctx(self.now()))?;
        Ok(())
    }

    /// Applies an action to a report as the actor saw it at `expected_version`.
    pub async fn act(&self, actor: &Actor, id: ReportId, expected_version: i64, command: Command) -> AppResult<Report> {
        let report = self.load_visible(actor, id).await?;
        let reference = self.reference();
        let action = command.action();
        let mut transition = decide(&report, actor, expected_version, command, &reference.ctx(self.now()))?;
        let notices = notices_for(&transition.report, &transition.events, &reference.orgs);
        transition.messages = self.messages_for(&transition.report, notices, None).await?;
        let stored = self.store().apply(&transition).await?;
        self.changes.note();
        tracing::info!(report = %id, action = action.as_str(), status = stored.status.as_str(), "report changed");
        warn_if_assumed(&stored);
        Ok(stored)
    }

    /// The report and timeline as this actor may see them.
    pub async fn view_report(&self, actor: &Actor, id: ReportId) -> AppResult<ReportView> {
        let report = self.load_visible(actor, id).await?;
        self.view_loaded(actor, report).await
    }

    /// The view of a report already loaded (and seen to be visible): its timeline added.
    pub(crate) async fn view_loaded(&self, actor: &Actor, report: Report) -> AppResult<ReportView> {
        let events = self.store().events(report.id).await?;
        self.view_of(actor, &report, &events)
    }

    /// A report and timeline already in hand, as this actor may see them.
    pub fn view_of(&self, actor: &Actor, report: &Report, events: &[Event]) -> AppResult<ReportView> {
        let reference = self.reference();
        let level = access(actor, report, &reference.orgs);
        let not_found = || AppError::NotFound(format!("report {}", report.id));
        let redacted = redact_report(report, level).ok_or_else(not_found)?;
        Ok(ReportView {
            actions: available_actions(report, actor, &reference.ctx(self.now())),
            reporter_name: reporter_display_name(report, level),
            events: visible_events(events, level),
            report: redacted,
            access: level,
        })
    }

    /// Finds a report by tracking number for this actor.
    pub async fn find_by_tracking(&self, actor: &Actor, tracking: &TrackingNumber) -> AppResult<ReportView> {
        let not_found = || AppError::NotFound(format!("report {tracking}"));
        let (report, events) = self.store().report_with_events(tracking).await?.ok_or_else(not_found)?;
        // `view_of` refuses a report the actor may not see; the internal id says nothing
        // to the caller.
        self.view_of(actor, &report, &events).map_err(|e| match e {
            AppError::NotFound(_) => not_found(),
            e => e,
        })
    }

    /// Where a report filed by this actor goes when it names no instansi: an integration
    /// or staff member of an instansi files to that instansi (a regency's own app files to
    /// the regency); everyone else to the national desk.
    pub fn default_target(&self, actor: &Actor) -> Option<aduan_domain::ids::OrgId> {
        let staff = actor.staff()?;
        self.reference().orgs.instansi_of(staff.org).map(|o| o.id)
    }

    /// Checks a private link (tracking number plus secret) and returns the actor it grants.
    pub async fn open_private_link(&self, tracking: &TrackingNumber, secret: &str) -> AppResult<Actor> {
        let report = self.store().report_by_tracking(tracking).await?;
        match report {
            Some(r) if r.secret_hash.as_deref().is_some_and(|h| same_hash(h, &hash_secret(secret))) => {
                Ok(Actor::ReportLink(r.id))
            }
            // The same answer whether the number or the secret is wrong.
            _ => Err(AppError::NotFound("report".into())),
        }
    }

    /// Lists reports within what the actor may see; `filter.scope` is replaced by it.
    pub async fn list_reports(
        &self,
        actor: &Actor,
        mut filter: ReportFilter,
        page: &PageRequest,
    ) -> AppResult<Page<ReportSummary>> {
        filter.scope = report_scope(actor, &self.reference().orgs);
        Ok(self.store().list_reports(&filter, page).await?)
    }

    /// The reports waiting for the actor's role to act, oldest first (docs/DOMAIN.md §4: the
    /// screening queue, the coordinator's forwarded reports, the unit's reports).
    pub async fn queue(
        &self,
        actor: &Actor,
        mut filter: ReportFilter,
        page: &PageRequest,
    ) -> AppResult<Page<ReportSummary>> {
        let Actor::Staff(staff) = actor else {
            return Err(Refusal::RoleNotAllowed { role: "reporter".into(), action: "have a work queue".into() }.into());
        };
        let statuses = staff.role.queue_statuses();
        if statuses.is_empty() {
            return Err(Refusal::RoleNotAllowed {
                role: staff.role.as_str().into(),
                action: "have a work queue".into(),
            }
            .into());
        }
        filter.statuses.retain(|s| statuses.contains(s));
        if filter.statuses.is_empty() {
            filter.statuses = statuses.to_vec();
        }
        if staff.role == aduan_domain::person::Role::Officer {
            filter.unit = Some(staff.org);
        }
        filter.order = SortOrder::Oldest;
        self.list_reports(actor, filter, page).await
    }

    /// Counts what the actor may see of the filter's reports until `enough` are found
    /// (bounded work: [`Count::AtLeast`] when it stopped early).
    pub async fn count_reports(&self, actor: &Actor, mut filter: ReportFilter, enough: u64) -> AppResult<Count> {
        filter.scope = report_scope(actor, &self.reference().orgs);
        Ok(self.store().count_reports(&filter, enough).await?)
    }

    /// The routing suggestion for a category and location.
    pub fn suggest_route(&self, category: Option<CategoryId>, region: Option<&RegionCode>) -> Option<Suggestion> {
        let reference = self.reference();
        reference.router.suggest(&reference.categories, category, region)
    }

    /// "Dukung": backs a public report once per supporter key (a person, or a browser).
    pub async fn support(&self, actor: &Actor, id: ReportId, supporter: &str) -> AppResult<bool> {
        let report = self.load_visible(actor, id).await?;
        if !report.is_public() {
            return Err(Refusal::rule("only public reports can be supported").into());
        }
        Ok(self.store().add_support(id, supporter, self.now()).await?)
    }

    /// The report with this tracking number, if the actor may at least see it (as
    /// [`App::act`] would load it); otherwise "not found", so that its existence is not
    /// revealed — not even by how a malformed action on it is refused.
    pub async fn report_for(&self, actor: &Actor, tracking: &TrackingNumber) -> AppResult<Report> {
        let not_found = || AppError::NotFound(format!("report {tracking}"));
        let report = self.store().report_by_tracking(tracking).await?.ok_or_else(not_found)?;
        if access(actor, &report, &self.reference().orgs) == Access::None {
            return Err(not_found());
        }
        Ok(report)
    }

    /// Loads a report the actor may at least see; otherwise "not found", so that its
    /// existence is not revealed.
    async fn load_visible(&self, actor: &Actor, id: ReportId) -> AppResult<Report> {
        let report = self.store().report(id).await?.ok_or_else(|| AppError::NotFound(format!("report {id}")))?;
        if access(actor, &report, &self.reference().orgs) == Access::None {
            return Err(AppError::NotFound(format!("report {id}")));
        }
        Ok(report)
    }
}

/// A running clock counted through a year without holiday data may be due too early:
/// say so where operators look.
fn warn_if_assumed(report: &Report) {
    for d in report.deadlines.iter().filter(|d| d.state.is_active() && !d.assumed_years.is_empty()) {
        tracing::warn!(
            report = %report.id,
            clock = d.clock.as_str(),
            years = ?d.assumed_years,
            "deadline counted without holiday data for these years; load them with `aduan calendar load`"
        );
    }
}
