//! The scheduler of time-driven actions.
//!
//! Each tick asks the store for reports with a clock past due, and for each lets the
//! domain say which system actions are due now ([`due_commands`]): close after silence,
//! archive after an unanswered request for information, mark a missed deadline, flag for
//! the Ombudsman. Actions go through the same use case as a person's, with the version
//! check, so two processes racing on one database never apply the same action twice:
//! the loser's write is stale and it moves on. A lease keeps the second process from
//! doing the work at all while the first is alive.
//!
//! The time is the application's clock, so a tick can be run at any instant.

use aduan_domain::lifecycle::due_commands;
use aduan_domain::permission::Actor;
use aduan_service::{App, AppError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Actions applied.
    pub acted: usize,
    /// Actions someone else applied first (another process, a person).
    pub lost_races: usize,
    /// Reports looked at.
    pub reports: usize,
    /// False when another process held the lease and this tick did nothing.
    pub ran: bool,
    /// Reminders and digests written, when this tick made a reminder pass.
    pub reminders: Option<aduan_service::Reminders>,
}

#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Time between ticks.
    pub interval: Duration,
    /// Most reports handled per tick.
    pub batch: u32,
    /// Take the lease before working (off only to test racing processes).
    pub use_lease: bool,
    /// Name of this process in the lease table.
    pub holder: String,
    /// Time between reminder passes (deadlines due soon, reports closing soon, digests).
    pub reminder_interval: Duration,
    /// Time between the store's housekeeping passes ([`aduan_store::Store::maintain`]).
    pub maintenance_interval: Duration,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            interval: Duration::from_secs(60),
            batch: 500,
            use_lease: true,
            holder: format!("{}:{}", hostname(), std::process::id()),
            reminder_interval: Duration::from_secs(600),
            maintenance_interval: Duration::from_secs(3600),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "aduan".into())
}

const LEASE: &str = "clocks";

/// True when `last` is at least `every` ago (or never), and records `now` if so. A clock
/// moved backwards (tests do) counts as due.
fn due(
    last: &std::sync::Mutex<Option<aduan_domain::time::Timestamp>>,
    now: aduan_domain::time::Timestamp,
    every: Duration,
) -> bool {
    let every = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::minutes(10));
    let mut last = match last.lock() {
        Ok(last) => last,
        Err(poisoned) => poisoned.into_inner(),
    };
    if last.is_some_and(|at| now >= at && now - at < every) {
        return false;
    }
    *last = Some(now);
    true
}
/// Most actions applied to one report in one tick (each clock can act at most once, so a
/// report never needs more than a handful).
const MAX_ACTIONS_PER_REPORT: usize = 8;

pub struct Scheduler {
    app: Arc<App>,
    options: SchedulerOptions,
    /// When this process last made a reminder pass (each reminder goes once whoever
    /// writes it, so another process doing the same is harmless).
    last_reminders: std::sync::Mutex<Option<aduan_domain::time::Timestamp>>,
    /// When this process last asked the store for housekeeping.
    last_maintenance: std::sync::Mutex<Option<aduan_domain::time::Timestamp>>,
}

impl Scheduler {
    pub fn new(app: Arc<App>, options: SchedulerOptions) -> Self {
        Scheduler {
            app,
            options,
            last_reminders: std::sync::Mutex::new(None),
            last_maintenance: std::sync::Mutex::new(None),
        }
    }

    /// One pass over everything due at the application's current time.
    pub async fn tick(&self) -> Result<TickReport, AppError> {
        let now = self.app.now();
        let store = self.app.store();
        let mut report = TickReport::default();
        if self.options.use_lease {
            let until =
                now + chrono::Duration::from_std(self.options.interval * 3).unwrap_or(chrono::Duration::minutes(3));
            if !store.try_lease(LEASE, &self.options.holder, now, until).await? {
                return Ok(report);
            }
        }
        report.ran = true;
        for id in store.due_reports(now, self.options.batch).await? {
            report.reports += 1;
            for _ in 0..MAX_ACTIONS_PER_REPORT {
                let Some(current) = store.report(id).await? else { break };
                let reference = self.app.reference();
                let Some(command) = due_commands(&current, &reference.ctx(now)).into_iter().next() else { break };
                let action = command.action();
                match self.app.act(&Actor::System, id, current.version, command).await {
                    Ok(_) => report.acted += 1,
                    // Someone changed it between our read and our write: read again.
                    Err(AppError::Stale) | Err(AppError::Refused(aduan_domain::Refusal::Stale { .. })) => {
                        report.lost_races += 1;
                    }
                    Err(e) => {
                        tracing::warn!(report = %id, action = action.as_str(), error = %e, "scheduled action refused");
                        break;
                    }
                }
            }
        }
        if self.reminders_due(now) {
            let written = self.app.queue_reminders().await?;
            if written != aduan_service::Reminders::default() {
                tracing::info!(
                    due_soon = written.due_soon,
                    closing_soon = written.closing_soon,
                    digests = written.digests,
                    "reminders written"
                );
            }
            report.reminders = Some(written);
        }
        if due(&self.last_maintenance, now, self.options.maintenance_interval) {
            store.maintain().await?;
        }
        if report.acted > 0 || report.lost_races > 0 {
            tracing::info!(
                acted = report.acted,
                lost_races = report.lost_races,
                reports = report.reports,
                "clock tick"
            );
        }
        Ok(report)
    }

    /// True when the last reminder pass is at least the reminder interval ago (and
    /// records this one).
    fn reminders_due(&self, now: aduan_domain::time::Timestamp) -> bool {
        due(&self.last_reminders, now, self.options.reminder_interval)
    }

    /// Ticks every interval until `shutdown` turns true. Errors are logged, not fatal: a
    /// database that is down now may be up at the next tick.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut timer = tokio::time::interval(self.options.interval);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = timer.tick() => {
                    if let Err(e) = self.app.reload_reference().await {
                        tracing::warn!(error = %e, "cannot reload reference data");
                    }
                    if let Err(e) = self.tick().await {
                        tracing::warn!(error = %e, "clock tick failed");
                    }
                }
                changed = shutdown.changed() => {
                    if changed.is_err() || *shutdown.borrow() {
                        break;
                    }
                }
            }
        }
        if self.options.use_lease {
            let _ = self.app.store().release_lease(LEASE, &self.options.holder).await;
        }
    }
}
