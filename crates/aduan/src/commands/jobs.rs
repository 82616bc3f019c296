//! `aduan jobs run`: one scheduler pass, now or at a chosen instant.

use crate::cli::JobsCommand;
use crate::settings::Settings;
use aduan_domain::time::{Clock, ManualClock, SystemClock};
use aduan_jobs::{Scheduler, SchedulerOptions};
use std::sync::Arc;

pub async fn run(cmd: JobsCommand, settings: &Settings) -> anyhow::Result<()> {
    let JobsCommand::Run { at } = cmd;
    let clock: Arc<dyn Clock> = match at {
        Some(at) => Arc::new(ManualClock::new(at.with_timezone(&chrono::Utc))),
        None => Arc::new(SystemClock),
    };
    let app = Arc::new(super::open_app(settings, clock).await?);
    let options = SchedulerOptions { use_lease: false, ..SchedulerOptions::default() };
    let report = Scheduler::new(app.clone(), options).tick().await?;
    println!(
        "looked at {} reports, applied {} actions ({} already done by another process)",
        report.reports, report.acted, report.lost_races
    );
    app.store().close().await;
    Ok(())
}
