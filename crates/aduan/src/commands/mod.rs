//! One module per sub-command.

mod apikey;
mod calendar;
mod jobs;
mod measures;
mod seed;
mod serve;
mod user;

use crate::cli::Command;
use crate::settings::Settings;
use aduan_domain::time::{Clock, SystemClock};
use aduan_service::App;
use std::sync::Arc;

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve::run(args, settings).await,
        Command::Migrate => {
            let store = crate::store::open_migrated(&settings.database_url).await?;
            println!("{} database is up to date", store.backend());
            store.close().await;
            Ok(())
        }
        Command::Seed(cmd) => seed::run(cmd, &open_app(&settings, Arc::new(SystemClock)).await?).await,
        Command::User(cmd) => user::run(cmd, &open_app(&settings, Arc::new(SystemClock)).await?).await,
        Command::Calendar(cmd) => calendar::run(cmd, &open_app(&settings, Arc::new(SystemClock)).await?).await,
        Command::Jobs(cmd) => jobs::run(cmd, &settings).await,
        Command::Apikey(cmd) => apikey::run(cmd, &open_app(&settings, Arc::new(SystemClock)).await?).await,
        Command::Measures(cmd) => measures::run(cmd, &open_app(&settings, Arc::new(SystemClock)).await?).await,
    }
}

/// The application on a migrated store, with the given clock.
pub async fn open_app(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let store = crate::store::open_migrated(&settings.database_url).await?;
    Ok(App::open_with(store, clock, settings.limits, settings.app.clone()).await?)
}

/// A progress bar on standard error (drawn only on a terminal).
pub fn progress() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} ({per_sec}, {eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
